// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The tray's logic without widgets: which state (and icon) a status means, the tooltip, the
// notification rules with their rate limit, the window's table models and the diagnostics text.
#include "notificationpolicy.h"
#include "statusmodels.h"
#include "traystate.h"

#include <QFile>
#include <QTest>

using namespace qtga;
using status::AgentStatus;
using status::ChannelState;
using status::ChannelStatus;

Q_DECLARE_METATYPE(TrayState)
Q_DECLARE_METATYPE(AgentReach)

namespace {

ChannelStatus channel(int id, ChannelState state, int clients)
{
    ChannelStatus c;
    c.id = id;
    c.method = QStringLiteral("virtio-serial");
    c.path = QStringLiteral("/dev/virtio-ports/org.qemu.guest_agent.0");
    c.state = state;
    c.clients = clients;
    return c;
}

AgentStatus agent(bool frozen, int clients)
{
    AgentStatus s;
    s.version = QStringLiteral("0.1.0");
    s.pid = 77;
    s.started = QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);
    s.channels = {channel(0, clients ? ChannelState::HostConnected : ChannelState::WaitingForHost, clients)};
    s.frozen = frozen;
    if (frozen)
        s.frozenSince = s.started.addSecs(60);
    return s;
}

QList<Notification::Kind> kinds(const QList<Notification> &list)
{
    QList<Notification::Kind> out;
    for (const Notification &n : list)
        out << n.kind;
    return out;
}

} // namespace

class tst_TrayState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }
    void stateOf_data();
    void stateOf();
    void everyStateHasAnIcon();
    void noAccessSaysWhatToDo();
    void toolTipNamesStateAndChannels();
    void durations_data();
    void durations();
    void notifications();
    void notificationsRateLimited();
    void hostBackAfterShortAbsenceIsQuiet();
    void channelModel();
    void commandModelNewestFirst();
    void diagnostics();
};

void tst_TrayState::stateOf_data()
{
    QTest::addColumn<AgentReach>("reach");
    QTest::addColumn<bool>("frozen");
    QTest::addColumn<int>("clients");
    QTest::addColumn<TrayState>("state");
    QTest::addColumn<QString>("icon");
    QTest::newRow("unreachable") << AgentReach::NotRunning << false << 1 << TrayState::NotRunning << ":/qtga/icons/agent-not-running.svg";
    QTest::newRow("unreachable, was frozen") << AgentReach::NotRunning << true << 0 << TrayState::NotRunning
                                             << ":/qtga/icons/agent-not-running.svg";
    QTest::newRow("no access") << AgentReach::NoAccess << false << 0 << TrayState::NoAccess
                               << ":/qtga/icons/agent-no-access.svg";
    QTest::newRow("no access, was frozen") << AgentReach::NoAccess << true << 1 << TrayState::NoAccess
                                           << ":/qtga/icons/agent-no-access.svg";
    QTest::newRow("no host") << AgentReach::Reachable << false << 0 << TrayState::NoHost << ":/qtga/icons/agent-no-host.svg";
    QTest::newRow("host") << AgentReach::Reachable << false << 1 << TrayState::HostConnected
                          << ":/qtga/icons/agent-host-connected.svg";
    QTest::newRow("frozen with host") << AgentReach::Reachable << true << 1 << TrayState::Frozen << ":/qtga/icons/agent-frozen.svg";
    QTest::newRow("frozen, host gone") << AgentReach::Reachable << true << 0 << TrayState::Frozen << ":/qtga/icons/agent-frozen.svg";
}

void tst_TrayState::stateOf()
{
    QFETCH(AgentReach, reach);
    QFETCH(bool, frozen);
    QFETCH(int, clients);
    QFETCH(TrayState, state);
    QFETCH(QString, icon);
    QCOMPARE(trayStateOf(reach, agent(frozen, clients)), state);
    QCOMPARE(trayStateIconPath(state), icon);
}

void tst_TrayState::everyStateHasAnIcon()
{
    QSet<QString> icons;
    QSet<QString> titles;
    for (TrayState s : {TrayState::NotRunning, TrayState::NoAccess, TrayState::NoHost, TrayState::HostConnected,
                        TrayState::Frozen}) {
        const QString file = trayStateIconPath(s).replace(QLatin1String(":/qtga/"), QLatin1String(QTGA_RESOURCES "/"));
        QVERIFY2(QFile::exists(file), qPrintable(file));
        icons << file;
        QVERIFY(!trayStateTitle(s).isEmpty());
        QVERIFY(!trayStateDescription(s).isEmpty());
        titles << trayStateTitle(s);
    }
    QCOMPARE(icons.size(), 5);
    QCOMPARE(titles.size(), 5);
}

void tst_TrayState::noAccessSaysWhatToDo()
{
    const QString add = noAccessAdvice(QStringLiteral("/run/qtga/status.sock"), QStringLiteral("qtga"),
                                       QStringLiteral("anna"), false);
    QCOMPARE(add, QStringLiteral("Only members of the group “qtga” may read /run/qtga/status.sock. Add anna to it "
                                 "(sudo usermod -aG qtga anna), then log out and log in again."));
    const QString relogin = noAccessAdvice(QStringLiteral("/run/qtga/status.sock"), QStringLiteral("kvm-users"),
                                           QStringLiteral("anna"), true);
    QCOMPARE(relogin, QStringLiteral("anna is in the group “kvm-users” that may read /run/qtga/status.sock, but "
                                     "this session started before that. Log out and log in again."));
    QCOMPARE(trayToolTip(AgentReach::NoAccess, agent(false, 1)),
             QStringLiteral("QEMU guest agent: No access to the guest agent's status"));
}

void tst_TrayState::toolTipNamesStateAndChannels()
{
    AgentStatus s = agent(false, 1);
    s.channels << channel(1, ChannelState::Listening, 0);
    s.channels[1].method = QStringLiteral("unix-listen");
    s.channels[1].path = QStringLiteral("/run/qga.sock");
    s.channels[1].name = QStringLiteral("admin");
    QCOMPARE(trayToolTip(AgentReach::Reachable, s), QStringLiteral("QEMU guest agent: Host connected\n"
                                                  "virtio-serial /dev/virtio-ports/org.qemu.guest_agent.0: host connected\n"
                                                  "admin (unix-listen /run/qga.sock): listening"));
    QCOMPARE(trayToolTip(AgentReach::NotRunning, s), QStringLiteral("QEMU guest agent: Guest agent not running"));
}

void tst_TrayState::durations_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<QString>("text");
    QTest::newRow("µs") << qint64(35) << "35 µs";
    QTest::newRow("ms, fraction") << qint64(1500) << "1.5 ms";
    QTest::newRow("ms") << qint64(250000) << "250 ms";
    QTest::newRow("s") << qint64(2345678) << "2.35 s";
    QTest::newRow("long") << qint64(75000000) << "75.0 s";
}

void tst_TrayState::durations()
{
    QFETCH(qint64, micros);
    QFETCH(QString, text);
    QCOMPARE(durationText(micros), text);
    // The user's locale decides the decimal separator.
    QLocale::setDefault(QLocale(QLocale::French, QLocale::France));
    QCOMPARE(durationText(micros), QString(text).replace(u'.', u','));
    QLocale::setDefault(QLocale::c());
}

void tst_TrayState::notifications()
{
    NotificationPolicy policy;
    using K = Notification::Kind;
    // What is already so when the tray arrives is not news.
    QCOMPARE(kinds(policy.observe(true, agent(true, 1), 0)), {});
    QCOMPARE(kinds(policy.observe(true, agent(false, 1), 1000)), {K::Thawed});
    QCOMPARE(kinds(policy.observe(true, agent(true, 1), 2000)), {K::Frozen});
    QCOMPARE(kinds(policy.observe(true, agent(true, 0), 3000)), {});
    // Thawed, and the host that was away for a minute is back.
    QCOMPARE(kinds(policy.observe(true, agent(false, 1), 60000)), (QList<K>{K::Thawed, K::HostConnected}));
    QCOMPARE(kinds(policy.observe(true, agent(false, 0), 61000)), {});
    QCOMPARE(kinds(policy.observe(true, agent(false, 1), 100000)), {K::HostConnected});
    QCOMPARE(kinds(policy.observe(false, agent(false, 1), 101000)), {K::AgentStopped});
    // The agent coming back with a host already there: shown by the icon only.
    QCOMPARE(kinds(policy.observe(true, agent(false, 1), 102000)), {});
}

void tst_TrayState::notificationsRateLimited()
{
    NotificationPolicy policy;
    using K = Notification::Kind;
    QCOMPARE(kinds(policy.observe(true, agent(false, 1), 0)), {});
    QCOMPARE(kinds(policy.observe(true, agent(true, 1), 1000)), {K::Frozen});
    QCOMPARE(kinds(policy.observe(true, agent(false, 1), 2000)), {K::Thawed});
    // A second snapshot right after: too soon for more of the same.
    QCOMPARE(kinds(policy.observe(true, agent(true, 1), 3000)), {});
    QCOMPARE(kinds(policy.observe(true, agent(false, 1), 4000)), {});
    QCOMPARE(kinds(policy.observe(true, agent(true, 1), 1000 + NotificationPolicy::MinIntervalMs)), {K::Frozen});
}

void tst_TrayState::hostBackAfterShortAbsenceIsQuiet()
{
    NotificationPolicy policy;
    QCOMPARE(kinds(policy.observe(true, agent(false, 1), 0)), {});
    QCOMPARE(kinds(policy.observe(true, agent(false, 0), 1000)), {});
    QCOMPARE(kinds(policy.observe(true, agent(false, 1), 1000 + NotificationPolicy::HostAwayMs - 1)), {});
}

void tst_TrayState::channelModel()
{
    ChannelTableModel model;
    AgentStatus s = agent(false, 1);
    model.setChannels(s.channels);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.columnCount(), int(ChannelTableModel::ColumnCount));
    QCOMPARE(model.headerData(ChannelTableModel::State, Qt::Horizontal).toString(), QStringLiteral("State"));
    QCOMPARE(model.index(0, ChannelTableModel::Channel).data().toString(), QStringLiteral("virtio-serial"));
    QCOMPARE(model.index(0, ChannelTableModel::Path).data().toString(), s.channels[0].path);
    QCOMPARE(model.index(0, ChannelTableModel::State).data().toString(), QStringLiteral("Host connected"));
    QCOMPARE(model.index(0, ChannelTableModel::Clients).data().toInt(), 1);
    QCOMPARE(model.index(0, ChannelTableModel::State).data(ChannelTableModel::StateRole).toInt(),
             int(ChannelState::HostConnected));

    // A change of state updates the row in place.
    int resets = 0;
    connect(&model, &QAbstractItemModel::modelReset, this, [&] { ++resets; });
    int changes = 0;
    connect(&model, &QAbstractItemModel::dataChanged, this, [&] { ++changes; });
    s.channels[0].state = ChannelState::WaitingForHost;
    s.channels[0].clients = 0;
    model.setChannels(s.channels);
    QCOMPARE(resets, 0);
    QCOMPARE(changes, 1);
    QCOMPARE(model.index(0, ChannelTableModel::State).data().toString(), QStringLiteral("Waiting for host"));
    s.channels << channel(1, ChannelState::Error, 0);
    s.channels[1].name = QStringLiteral("admin");
    model.setChannels(s.channels);
    QCOMPARE(resets, 1);
    QCOMPARE(model.index(1, ChannelTableModel::Channel).data().toString(), QStringLiteral("admin (virtio-serial)"));
}

void tst_TrayState::commandModelNewestFirst()
{
    CommandTableModel model;
    QList<status::CommandRecord> recent;
    for (const auto &[name, ok, micros] : {std::tuple{"guest-file-open", false, 40}, {"guest-ping", true, 3}}) {
        status::CommandRecord r;
        r.name = QString::fromLatin1(name);
        r.succeeded = ok;
        r.durationMicros = micros;
        r.finished = QDateTime::currentDateTimeUtc();
        recent << r;
    }
    model.setCommands(recent);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, CommandTableModel::Command).data().toString(), QStringLiteral("guest-file-open"));
    QCOMPARE(model.index(0, CommandTableModel::Outcome).data().toString(), QStringLiteral("Error"));
    QCOMPARE(model.index(0, CommandTableModel::Outcome).data(CommandTableModel::SucceededRole).toBool(), false);
    QCOMPARE(model.index(0, CommandTableModel::Duration).data().toString(), QStringLiteral("40 µs"));
    QCOMPARE(model.index(1, CommandTableModel::Outcome).data().toString(), QStringLiteral("OK"));
    QCOMPARE(model.index(1, CommandTableModel::Time).data().toString(),
             recent[1].finished.toLocalTime().toString(QStringLiteral("HH:mm:ss")));
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QCOMPARE(localTimeText(QTime(14, 3, 9)), QStringLiteral("2:03:09 PM"));
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QCOMPARE(localTimeText(QTime(14, 3, 9)), QStringLiteral("14:03:09"));
    QCOMPARE(localDateTimeText(QDateTime(QDate(2026, 5, 1), QTime(14, 3, 9))), QStringLiteral("01.05.26 14:03:09"));
    QLocale::setDefault(QLocale::c());
}

void tst_TrayState::diagnostics()
{
    AgentStatus s = agent(true, 1);
    status::CommandRecord r;
    r.name = QStringLiteral("guest-fsfreeze-freeze");
    r.durationMicros = 1200;
    r.finished = s.started.addSecs(60);
    s.recent << r;
    s.commands = 5;
    s.errors = 1;
    const QDateTime now = s.started.addSecs(3600 + 120);
    const QString text = diagnosticsSummary(AgentReach::Reachable, QStringLiteral("/run/qtga/status.sock"), QString(), s, now);
    for (const QString &expected : {QStringLiteral("State: Filesystems frozen"),
                                    QStringLiteral("Status socket: /run/qtga/status.sock (connected)"),
                                    QStringLiteral("Agent: qtga 0.1.0, pid 77"), QStringLiteral("up 1 h 02 min"),
                                    QStringLiteral("Filesystems: frozen since"),
                                    QStringLiteral("#0 virtio-serial /dev/virtio-ports/org.qemu.guest_agent.0: "
                                                   "host-connected, 1 client(s)"),
                                    QStringLiteral("Commands: 5 run, 1 failed"),
                                    QStringLiteral("guest-fsfreeze-freeze  ok  1.2 ms")}) {
        QVERIFY2(text.contains(expected), qPrintable(expected + QStringLiteral(" in:\n") + text));
    }
    const QString down = diagnosticsSummary(AgentReach::NotRunning, QStringLiteral("/run/qtga/status.sock"),
                                            QStringLiteral("The agent stopped"), s, now);
    QVERIFY(down.contains(QStringLiteral("State: Guest agent not running")));
    QVERIFY(down.contains(QStringLiteral("(The agent stopped)")));
    QVERIFY(!down.contains(QStringLiteral("Channels:")));
}

QTEST_GUILESS_MAIN(tst_TrayState)
#include "tst_traystate.moc"
