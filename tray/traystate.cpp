// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "traystate.h"

#include "qtga_version.h"

#include <QCoreApplication>
#include <QLocale>
#include <QRegularExpression>
#include <QStringList>

namespace qtga {

namespace {

// The texts' context, for tr() and lupdate alike.
struct Texts
{
    Q_DECLARE_TR_FUNCTIONS(qtga::TrayState)
};

QString timeText(const QDateTime &time)
{
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace

TrayState trayStateOf(AgentReach reach, const status::AgentStatus &status)
{
    if (reach == AgentReach::NotRunning)
        return TrayState::NotRunning;
    if (reach == AgentReach::NoAccess)
        return TrayState::NoAccess;
    if (status.frozen)
        return TrayState::Frozen;
    return status.hostConnected() ? TrayState::HostConnected : TrayState::NoHost;
}

QString trayStateIconPath(TrayState state)
{
    switch (state) {
    case TrayState::NotRunning: return QStringLiteral(":/qtga/icons/agent-not-running.svg");
    case TrayState::NoAccess: return QStringLiteral(":/qtga/icons/agent-no-access.svg");
    case TrayState::NoHost: return QStringLiteral(":/qtga/icons/agent-no-host.svg");
    case TrayState::HostConnected: return QStringLiteral(":/qtga/icons/agent-host-connected.svg");
    case TrayState::Frozen: return QStringLiteral(":/qtga/icons/agent-frozen.svg");
    }
    return QString();
}

QString trayStateTitle(TrayState state)
{
    switch (state) {
    case TrayState::NotRunning: return Texts::tr("Guest agent not running");
    case TrayState::NoAccess: return Texts::tr("No access to the guest agent's status");
    case TrayState::NoHost: return Texts::tr("Guest agent running, no host connected");
    case TrayState::HostConnected: return Texts::tr("Host connected");
    case TrayState::Frozen: return Texts::tr("Filesystems frozen");
    }
    return QString();
}

QString trayStateDescription(TrayState state)
{
    switch (state) {
    case TrayState::NotRunning:
        return Texts::tr("The QEMU guest agent is not running or cannot be reached. The host cannot talk to "
                  "this machine through it.");
    case TrayState::NoAccess:
        return Texts::tr("The guest agent's status socket exists, but this user may not read it.");
    case TrayState::NoHost:
        return Texts::tr("The agent is running and waiting for the host to connect.");
    case TrayState::HostConnected:
        return Texts::tr("The host is connected to the agent and can manage this machine.");
    case TrayState::Frozen:
        return Texts::tr("The filesystems are frozen for a snapshot. Writes wait until the host thaws them.");
    }
    return QString();
}

QString noAccessAdvice(const QString &socketPath, const QString &group, const QString &user,
                       bool userListedInGroup)
{
    if (userListedInGroup) {
        return Texts::tr("%1 is in the group “%2” that may read %3, but this session started before that. "
                  "Log out and log in again.")
            .arg(user, group, socketPath);
    }
    return Texts::tr("Only members of the group “%1” may read %2. Add %3 to it (sudo usermod -aG %1 %3), then "
              "log out and log in again.")
        .arg(group, socketPath, user);
}

QString channelStateText(status::ChannelState state)
{
    switch (state) {
    case status::ChannelState::Closed: return Texts::tr("Closed");
    case status::ChannelState::Listening: return Texts::tr("Listening");
    case status::ChannelState::HostConnected: return Texts::tr("Host connected");
    case status::ChannelState::WaitingForHost: return Texts::tr("Waiting for host");
    case status::ChannelState::Retrying: return Texts::tr("Retrying");
    case status::ChannelState::Error: return Texts::tr("Error");
    }
    return QString();
}

QString channelLabel(const status::ChannelStatus &channel)
{
    const QString where = channel.method + u' ' + channel.path;
    return channel.name.isEmpty() ? where : QStringLiteral("%1 (%2)").arg(channel.name, where);
}

QString durationText(qint64 micros)
{
    const QLocale locale;
    if (micros < 1000)
        return Texts::tr("%1 µs").arg(locale.toString(micros));
    if (micros < 1000000)
        return Texts::tr("%1 ms").arg(locale.toString(double(micros) / 1000.0, 'f', micros < 10000 ? 1 : 0));
    return Texts::tr("%1 s").arg(locale.toString(double(micros) / 1000000.0, 'f', micros < 10000000 ? 2 : 1));
}

QString localDateTimeText(const QDateTime &time)
{
    const QLocale locale;
    return locale.toString(time.toLocalTime().date(), QLocale::ShortFormat) + u' '
        + localTimeText(time.toLocalTime().time());
}

QString localTimeText(const QTime &time)
{
    // The locale's short time with seconds added (commands come several a minute).
    QString format = QLocale().timeFormat(QLocale::ShortFormat);
    if (!format.contains(u's'))
        format.replace(QRegularExpression(QStringLiteral("(mm?)")), QStringLiteral("\\1:ss"));
    return time.toString(format);
}

QString uptimeText(qint64 seconds)
{
    seconds = qMax<qint64>(seconds, 0);
    const qint64 days = seconds / 86400;
    const qint64 hours = seconds % 86400 / 3600;
    const qint64 minutes = seconds % 3600 / 60;
    const QLocale locale;
    const auto twoDigits = [&](qint64 n) { return locale.toString(n).rightJustified(2, locale.zeroDigit().at(0)); };
    if (days > 0)
        return Texts::tr("%1 d %2 h").arg(locale.toString(days), locale.toString(hours));
    if (hours > 0)
        return Texts::tr("%1 h %2 min").arg(locale.toString(hours), twoDigits(minutes));
    if (minutes > 0)
        return Texts::tr("%1 min %2 s").arg(locale.toString(minutes), twoDigits(seconds % 60));
    return Texts::tr("%1 s").arg(locale.toString(seconds));
}

QString trayToolTip(AgentReach reach, const status::AgentStatus &status)
{
    QStringList lines{Texts::tr("QEMU guest agent: %1").arg(trayStateTitle(trayStateOf(reach, status)))};
    if (reach == AgentReach::Reachable) {
        for (const status::ChannelStatus &c : status.channels)
            lines << QStringLiteral("%1: %2").arg(channelLabel(c), channelStateText(c.state).toLower());
    }
    return lines.join(u'\n');
}

QString diagnosticsSummary(AgentReach reach, const QString &socketPath, const QString &unreachableReason,
                           const status::AgentStatus &status, const QDateTime &now)
{
    QStringList out;
    out << QStringLiteral("qtga-tray %1 diagnostics, %2").arg(QLatin1String(QTGA_VERSION), timeText(now));
    const bool agentReachable = reach == AgentReach::Reachable;
    out << QStringLiteral("State: %1").arg(trayStateTitle(trayStateOf(reach, status)));
    out << QStringLiteral("Status socket: %1 (%2)")
               .arg(socketPath, agentReachable ? QStringLiteral("connected") : unreachableReason);
    if (!agentReachable)
        return out.join(u'\n') + u'\n';
    out << QStringLiteral("Agent: qtga %1, pid %2, started %3, up %4")
               .arg(status.version)
               .arg(status.pid)
               .arg(timeText(status.started), uptimeText(status.started.secsTo(now)));
    out << (status.frozen ? QStringLiteral("Filesystems: frozen since %1").arg(timeText(status.frozenSince))
                          : QStringLiteral("Filesystems: thawed"));
    out << QStringLiteral("Channels:");
    for (const status::ChannelStatus &c : status.channels) {
        out << QStringLiteral("  #%1 %2: %3, %4 client(s)")
                   .arg(c.id)
                   .arg(channelLabel(c), status::channelStateName(c.state))
                   .arg(c.clients);
    }
    out << QStringLiteral("Commands: %1 run, %2 failed").arg(status.commands).arg(status.errors);
    out << QStringLiteral("Recent commands (newest first):");
    for (const status::CommandRecord &r : status.recent) {
        out << QStringLiteral("  %1  %2  %3  %4")
                   .arg(timeText(r.finished), r.name, r.succeeded ? QStringLiteral("ok") : QStringLiteral("error"),
                        durationText(r.durationMicros));
    }
    return out.join(u'\n') + u'\n';
}

} // namespace qtga
