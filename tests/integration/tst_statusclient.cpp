// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The tray's status client and window against the real qtga-agent: connect, snapshot, commands
// and host connections as they happen, the agent stopping and coming back, a frozen agent
// thawed, a socket this user may not read; the window follows live and, with no system tray
// (offscreen), stays closed at login but opens when the user starts the tray.
#include "agentharness.h"
#include "statusclient.h"
#include "statuswindow.h"
#include "trayapp.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <grp.h>
#include <unistd.h>

using namespace qtga;
using namespace qtga::test;

namespace {

const QByteArray Pong = "{\"return\": {}}";

} // namespace

class tst_StatusClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();

    void followsTheAgent();
    void waitsForAnAgentThatIsNotThereYet();
    void noAccessSaysWhichGroup();
    void frozenThenThawed();
    void windowFollowsLive();
    void noTrayNoWindowAtLogin();
    void noTrayExplicitStartOpensTheWindow();
    void notificationSettingKept();
    void diagnosticsCopied();

private:
    bool startAgent(AgentProcess &agent, const QStringList &more = {});
    QString statusPath() const { return m_dir->filePath(QStringLiteral("status.sock")); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_StatusClient::initTestCase()
{
    // Settings go to a test location, not the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("qtga-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_statusclient"));
}

void tst_StatusClient::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

bool tst_StatusClient::startAgent(AgentProcess &agent, const QStringList &more)
{
    return agent.start(QStringList{QStringLiteral("--status-socket=") + statusPath(),
                                   QStringLiteral("--status-socket-group=%1").arg(::getegid())}
                       + more);
}

void tst_StatusClient::followsTheAgent()
{
    auto agent = std::make_unique<AgentProcess>();
    QVERIFY(startAgent(*agent));
    StatusClient client(statusPath());
    QSignalSpy connected(&client, &StatusClient::connectedChanged);
    client.start();
    QTRY_VERIFY(client.isConnected());
    QCOMPARE(connected.size(), 1);
    QCOMPARE(client.status().pid, agent->pid());
    QCOMPARE(client.status().channels.size(), 1);
    // The harness's start-up probe leaves.
    QTRY_VERIFY(!client.status().hostConnected());

    QgaClient host;
    QVERIFY(host.connectTo(agent->socketPath()));
    QTRY_VERIFY(client.status().hostConnected());
    const quint64 before = client.status().commands;
    QCOMPARE(host.request(R"({"execute":"guest-ping"})"), Pong);
    QTRY_COMPARE(client.status().commands, before + 1);
    QCOMPARE(client.status().recent.first().name, QStringLiteral("guest-ping"));
    host.close();
    QTRY_VERIFY(!client.status().hostConnected());

    // The agent stops: noticed at once, from the end of the stream.
    QCOMPARE(agent->stop(SIGTERM), 0);
    QVERIFY(connected.wait());
    QVERIFY(!client.isConnected());
    QVERIFY(!client.lastError().isEmpty());

    // It comes back: the client finds it by itself.
    agent = std::make_unique<AgentProcess>();
    QVERIFY(startAgent(*agent));
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 10000);
    QCOMPARE(client.status().pid, agent->pid());
}

void tst_StatusClient::waitsForAnAgentThatIsNotThereYet()
{
    StatusClient client(statusPath());
    client.start();
    QTRY_VERIFY(client.lastError().contains(QStringLiteral("not running")));
    QVERIFY(!client.isConnected());
    AgentProcess agent;
    QVERIFY(startAgent(agent));
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 10000);
}

void tst_StatusClient::noAccessSaysWhichGroup()
{
    // A status socket this user may not connect to (EACCES): as root, a socket of the group
    // nogroup read with the effective uid nobody; otherwise our own socket with mode 0.
    const bool root = ::geteuid() == 0;
    const gid_t socketGid = root ? 65534 : ::getegid();
    const struct group *gr = ::getgrgid(socketGid);
    QVERIFY(gr);
    const QString groupName = QString::fromLocal8Bit(gr->gr_name);
    QVERIFY(QFile::setPermissions(m_dir->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                     | QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther
                                                     | QFile::ExeOther));
    AgentProcess agent;
    QVERIFY(agent.start({QStringLiteral("--status-socket=") + statusPath(),
                         QStringLiteral("--status-socket-group=%1").arg(socketGid)}));
    if (!root)
        QVERIFY(QFile::setPermissions(statusPath(), {}));
    StatusClient client(statusPath());
    StatusWindow window(client);
    if (root)
        QCOMPARE(::seteuid(65534), 0);
    client.start();
    QTRY_COMPARE(client.reach(), AgentReach::NoAccess);
    if (root)
        QCOMPARE(::seteuid(0), 0);
    QVERIFY(!client.isConnected());
    QVERIFY2(client.lastError().contains(QStringLiteral("group “%1”").arg(groupName)), qPrintable(client.lastError()));
    QVERIFY2(client.lastError().contains(QStringLiteral("log in again")), qPrintable(client.lastError()));
    QCOMPARE(window.stateTitle(), QStringLiteral("No access to the guest agent's status"));

    // Access granted (the new login): the next retry connects.
    if (!root)
        QVERIFY(QFile::setPermissions(statusPath(), QFile::ReadOwner | QFile::WriteOwner));
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 10000);
    QCOMPARE(client.reach(), AgentReach::Reachable);
    QCOMPARE(window.stateTitle(), QStringLiteral("Guest agent running, no host connected"));
}

void tst_StatusClient::frozenThenThawed()
{
    AgentProcess agent;
    QFile marker(agent.stateDir() + QStringLiteral("/qga.state.isfrozen"));
    QVERIFY(marker.open(QIODevice::WriteOnly));
    marker.close();
    QVERIFY(startAgent(agent));
    StatusClient client(statusPath());
    TrayApp tray(client);
    client.start();
    QTRY_VERIFY(client.isConnected());
    QVERIFY(client.status().frozen);
    QCOMPARE(tray.state(), TrayState::Frozen);
    // Nothing is frozen on this machine; the thaw's FITHAW calls fail harmlessly.
    QgaClient host;
    QVERIFY(host.connectTo(agent.socketPath()));
    QVERIFY(host.request(R"({"execute":"guest-fsfreeze-thaw"})").startsWith("{\"return\""));
    QTRY_VERIFY(!client.status().frozen);
    QCOMPARE(tray.state(), TrayState::HostConnected);
}

void tst_StatusClient::windowFollowsLive()
{
    AgentProcess agent;
    QVERIFY(startAgent(agent));
    StatusClient client(statusPath());
    StatusWindow window(client);
    window.show();
    client.start();
    QTRY_COMPARE(window.stateTitle(), QStringLiteral("Guest agent running, no host connected"));
    QCOMPARE(window.channelModel().rowCount(), 1);
    QCOMPARE(window.channelModel().index(0, ChannelTableModel::Path).data().toString(), agent.socketPath());

    QgaClient host;
    QVERIFY(host.connectTo(agent.socketPath()));
    QTRY_COMPARE(window.stateTitle(), QStringLiteral("Host connected"));
    QCOMPARE(window.channelModel().index(0, ChannelTableModel::State).data().toString(),
             QStringLiteral("Host connected"));
    QVERIFY(host.request(R"({"execute":"guest-file-open","arguments":{"path":"/nonexistent/qtga"}})").startsWith("{\"error\""));
    QCOMPARE(host.request(R"({"execute":"guest-ping"})"), Pong);
    QTRY_COMPARE(window.commandModel().index(0, CommandTableModel::Command).data().toString(),
                 QStringLiteral("guest-ping"));
    QCOMPARE(window.commandModel().index(1, CommandTableModel::Command).data().toString(),
             QStringLiteral("guest-file-open"));
    QCOMPARE(window.commandModel().index(1, CommandTableModel::Outcome).data().toString(), QStringLiteral("Error"));

    QCOMPARE(agent.stop(SIGTERM), 0);
    QTRY_COMPARE(window.stateTitle(), QStringLiteral("Guest agent not running"));
}

void tst_StatusClient::noTrayNoWindowAtLogin()
{
    if (QSystemTrayIcon::isSystemTrayAvailable())
        QSKIP("this platform has a system tray");
    StatusClient client(statusPath());
    TrayApp tray(client);
    tray.start(TrayApp::StartMode::Autostart);
    client.start();
    QTRY_COMPARE(tray.window()->stateTitle(), QStringLiteral("Guest agent not running"));
    QVERIFY(!tray.hasTrayIcon());
    QVERIFY(!tray.window()->isVisible());
    QVERIFY(!QApplication::quitOnLastWindowClosed());
}

void tst_StatusClient::noTrayExplicitStartOpensTheWindow()
{
    if (QSystemTrayIcon::isSystemTrayAvailable())
        QSKIP("this platform has a system tray");
    StatusClient client(statusPath());
    TrayApp tray(client);
    tray.start(TrayApp::StartMode::Explicit);
    QVERIFY(!tray.hasTrayIcon());
    QVERIFY(tray.window()->isVisible());
    // Closing it keeps the tray waiting for a system tray.
    QVERIFY(!QApplication::quitOnLastWindowClosed());
    client.start();
    QTRY_COMPARE(tray.window()->stateTitle(), QStringLiteral("Guest agent not running"));
}

void tst_StatusClient::notificationSettingKept()
{
    StatusClient client(statusPath());
    {
        TrayApp tray(client);
        tray.setNotificationsEnabled(false);
    }
    TrayApp again(client);
    QVERIFY(!again.notificationsEnabled());
    again.setNotificationsEnabled(true);
    QVERIFY(QSettings().value(QStringLiteral("notifications/enabled")).toBool());
}

void tst_StatusClient::diagnosticsCopied()
{
    AgentProcess agent;
    QVERIFY(startAgent(agent));
    StatusClient client(statusPath());
    TrayApp tray(client);
    client.start();
    QTRY_VERIFY(client.isConnected());
    tray.copyDiagnostics();
    const QString text = QGuiApplication::clipboard()->text();
    QVERIFY2(text.contains(QStringLiteral("pid %1").arg(agent.pid())), qPrintable(text));
    QVERIFY(text.contains(agent.socketPath()));
}

QTEST_MAIN(tst_StatusClient)
#include "tst_statusclient.moc"
