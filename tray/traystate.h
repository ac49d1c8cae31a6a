// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// What the tray shows at a glance, worked out from the agent's status: one of five states,
// each with its icon, title and the texts built around it.
#pragma once

#include "statusprotocol.h"

#include <QDateTime>
#include <QString>

namespace qtga {

enum class TrayState { NotRunning, NoAccess, NoHost, HostConnected, Frozen };

// How far the tray gets with the agent's status socket.
enum class AgentReach {
    Reachable,   // connected, snapshot received
    NotRunning,  // no socket, or nobody answers on it
    NoAccess,    // the socket is there, but this user may not connect to it (EACCES)
};

// Frozen filesystems matter most; then whether a host is there.
TrayState trayStateOf(AgentReach reach, const status::AgentStatus &status);

// What to do about NoAccess, for the user: the socket's group, and whether a new login is all
// that is missing (the user is listed in the group, but this session started before that).
QString noAccessAdvice(const QString &socketPath, const QString &group, const QString &user,
                       bool userListedInGroup);

// The SVG in the resources (":/qtga/icons/...").
QString trayStateIconPath(TrayState state);
QString trayStateTitle(TrayState state);
// A sentence for the status window's header.
QString trayStateDescription(TrayState state);

QString channelStateText(status::ChannelState state);
// "virtio-serial /dev/virtio-ports/org.qemu.guest_agent.0", or the activation name first.
QString channelLabel(const status::ChannelStatus &channel);
// In the user's locale (QLocale()): "1.5 ms", "1,5 ms".
QString durationText(qint64 micros);
// Date and time in the user's locale, in local time, with seconds.
QString localDateTimeText(const QDateTime &time);
QString localTimeText(const QTime &time);
QString uptimeText(qint64 seconds);

// The tooltip: state, then one line per channel.
QString trayToolTip(AgentReach reach, const status::AgentStatus &status);

// The "Copy diagnostics" text: plain, one fact per line, no command arguments (there are none).
QString diagnosticsSummary(AgentReach reach, const QString &socketPath, const QString &unreachableReason,
                           const status::AgentStatus &status, const QDateTime &now);

} // namespace qtga
