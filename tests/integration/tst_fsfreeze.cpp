// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The frozen state over the wire without freezing anything: an
// agent that starts frozen (marker file) is thawed by the host or by the freeze watchdog, runs
// the thaw hook, opens its deferred log file and pidfile. A thaw with nothing frozen only makes
// FITHAW calls that fail, which is harmless. guest-fsfreeze-freeze itself is never sent: on
// this machine it would freeze the root filesystem.
#include "agentharness.h"

#include <QFile>
#include <QTest>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

using namespace qtga::test;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &content, bool executable = false)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    file.write(content);
    file.close();
    if (executable)
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

const QByteArray Frozen = R"({"return": "frozen"})";
const QByteArray Thawed = R"({"return": "thawed"})";
const QByteArray StatusRequest = R"({"execute":"guest-fsfreeze-status"})";
const QByteArray ThawRequest = R"({"execute":"guest-fsfreeze-thaw"})";

bool commandEnabled(const QByteArray &info, const QByteArray &name)
{
    return info.contains("{\"enabled\": true, \"name\": \"" + name + "\"");
}

} // namespace

class tst_FsFreeze : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void frozenStartThawedByHost();
    void thawHookFailureIsReported_data();
    void thawHookFailureIsReported();
    void thawHookRunsOnAWorker();
    void thawHookTimeLimit();
    void watchdogThawsByItself();
    void deferredPidFileWrittenOnThaw();

private:
    // A stand-in hook that records its argument in hook.log next to it, then runs `extra`.
    QString hook(AgentProcess &agent, const QByteArray &extra = QByteArray());
    void markFrozen(AgentProcess &agent);

    pid_t m_daemon = 0;
};

void tst_FsFreeze::init()
{
    m_daemon = 0;
}

void tst_FsFreeze::cleanup()
{
    // A daemonized agent is nobody's child: make sure it goes away whatever happened.
    if (m_daemon > 0)
        ::kill(m_daemon, SIGKILL);
}

QString tst_FsFreeze::hook(AgentProcess &agent, const QByteArray &extra)
{
    const QString path = agent.dir() + QStringLiteral("/fsfreeze-hook");
    writeFile(path, "#!/bin/sh\necho \"$1\" >> '" + QFile::encodeName(agent.dir()) + "/hook.log'\n" + extra, true);
    return path;
}

void tst_FsFreeze::markFrozen(AgentProcess &agent)
{
    writeFile(agent.stateDir() + QStringLiteral("/qga.state.isfrozen"), QByteArray());
}

void tst_FsFreeze::frozenStartThawedByHost()
{
    AgentProcess agent;
    markFrozen(agent);
    const QString log = agent.dir() + QStringLiteral("/agent.log");
    QVERIFY(agent.start({QStringLiteral("-F") + hook(agent), QStringLiteral("-v"), QStringLiteral("-l"), log}));
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QCOMPARE(client.request(StatusRequest), Frozen);

    // Only the allow-list works; a second freeze is refused like everything else.
    QByteArray info = client.request(R"({"execute":"guest-info"})");
    for (const QByteArray name : {"guest-fsfreeze-status", "guest-fsfreeze-thaw", "guest-ping", "guest-info"})
        QVERIFY2(commandEnabled(info, name), name.constData());
    for (const QByteArray name : {"guest-fsfreeze-freeze", "guest-fsfreeze-freeze-list", "guest-fstrim",
                                  "guest-get-fsinfo", "guest-get-disks", "guest-shutdown"})
        QVERIFY2(!commandEnabled(info, name), name.constData());
    QCOMPARE(client.request(R"({"execute":"guest-get-fsinfo"})"),
             QByteArray(R"({"error": {"class": "CommandNotFound", "desc": "Command guest-get-fsinfo has been disabled: the command is not allowed"}})"));
    // Nothing is written while frozen: no log file yet.
    QVERIFY(!QFile::exists(log));

    QCOMPARE(client.request(ThawRequest), QByteArray(R"({"return": 0})"));
    QCOMPARE(client.request(StatusRequest), Thawed);
    QVERIFY(!QFile::exists(agent.stateDir() + QStringLiteral("/qga.state.isfrozen")));
    QCOMPARE(readFile(agent.dir() + QStringLiteral("/hook.log")), QByteArray("thaw\n"));
    QVERIFY(readFile(log).contains("logging re-enabled due to filesystem unfreeze"));
    info = client.request(R"({"execute":"guest-info"})");
    QVERIFY(!info.contains("\"enabled\": false"));
    // Signals work again once nothing is frozen.
    QCOMPARE(agent.stop(SIGTERM), 0);
}

void tst_FsFreeze::thawHookFailureIsReported_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("desc");
    QTest::newRow("output") << QByteArray("echo 'cannot resume database'\nexit 1\n")
                            << QByteArray("child process has failed to execute fsfreeze hook: cannot resume database\\n");
    QTest::newRow("exit status") << QByteArray("exit 4\n")
                                 << QByteArray("child process has failed to execute fsfreeze hook: exit status 4");
}

void tst_FsFreeze::thawHookFailureIsReported()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, desc);
    AgentProcess agent;
    // The hook and its limit from the config file this time.
    const QString config = agent.dir() + QStringLiteral("/qemu-ga.conf");
    writeFile(config, "[general]\nfsfreeze-hook=" + QFile::encodeName(hook(agent, body)) + "\nfsfreeze-hook-timeout=30\n");
    QVERIFY(agent.start({QStringLiteral("-c"), config}));
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    // A thaw while thawed still runs the hook; its failure is the answer.
    QCOMPARE(client.request(ThawRequest),
             R"({"error": {"class": "GenericError", "desc": ")" + desc + R"("}})");
    QCOMPARE(client.request(StatusRequest), Thawed);
}

void tst_FsFreeze::thawHookRunsOnAWorker()
{
    AgentProcess agent;
    const QString go = agent.dir() + QStringLiteral("/go");
    const QByteArray wait = "while [ ! -e '" + QFile::encodeName(go) + "' ]; do sleep 0.05; done\n";
    QVERIFY(agent.start({QStringLiteral("--fsfreeze-hook=") + hook(agent, wait)}));
    QgaClient thawer;
    QgaClient other;
    QVERIFY(thawer.connectTo(agent.socketPath()));
    QVERIFY(other.connectTo(agent.socketPath()));
    QVERIFY(thawer.send(ThawRequest));
    // The hook waits for us; meanwhile another client is served.
    QTRY_COMPARE(readFile(agent.dir() + QStringLiteral("/hook.log")), QByteArray("thaw\n"));
    QCOMPARE(other.request(StatusRequest), Thawed);
    QVERIFY(!thawer.hasDataWithin(0));
    writeFile(go, QByteArray());
    QCOMPARE(thawer.readLine(20000), QByteArray(R"({"return": 0})"));
}

void tst_FsFreeze::thawHookTimeLimit()
{
    AgentProcess agent;
    const QString path = hook(agent, "sleep 600\n");
    QVERIFY(agent.start({QStringLiteral("-F") + path, QStringLiteral("--fsfreeze-hook-timeout=1")}));
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QCOMPARE(client.request(ThawRequest, 20000),
             R"({"error": {"class": "GenericError", "desc": "fsfreeze hook ')" + QFile::encodeName(path)
                 + R"( thaw' did not finish within 1 seconds and was killed"}})");
    QCOMPARE(client.request(StatusRequest), Thawed);
}

void tst_FsFreeze::watchdogThawsByItself()
{
    AgentProcess agent;
    markFrozen(agent);
    const QString log = agent.dir() + QStringLiteral("/agent.log");
    QVERIFY(agent.start({QStringLiteral("-F") + hook(agent), QStringLiteral("--fsfreeze-watchdog=1"),
                         QStringLiteral("-l"), log}));
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    // No thaw from the host: after a second the agent thaws by itself.
    QTRY_COMPARE_WITH_TIMEOUT(client.request(StatusRequest), Thawed, 20000);
    QVERIFY(!QFile::exists(agent.stateDir() + QStringLiteral("/qga.state.isfrozen")));
    // As with qemu-ga's thaw, the filesystems are thawed first and the hook runs after; here
    // another client may see "thawed" while the hook still runs.
    QTRY_COMPARE_WITH_TIMEOUT(readFile(agent.dir() + QStringLiteral("/hook.log")), QByteArray("thaw\n"), 20000);
    // Logged even without -v.
    QTRY_VERIFY(readFile(log).contains("fsfreeze watchdog: no thaw within 1 seconds; thawed 0 filesystems"));
}

void tst_FsFreeze::deferredPidFileWrittenOnThaw()
{
    AgentProcess agent;
    markFrozen(agent);
    const QString pidFile = agent.dir() + QStringLiteral("/agent.pid");
    QCOMPARE(agent.runToExit({QStringLiteral("-d"), QStringLiteral("-f"), pidFile, QStringLiteral("-m"),
                              QStringLiteral("unix-listen"), QStringLiteral("-p"), agent.socketPath(),
                              QStringLiteral("-t"), agent.stateDir()}),
             0);
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    ucred peer{};
    socklen_t size = sizeof peer;
    QCOMPARE(::getsockopt(client.fd(), SOL_SOCKET, SO_PEERCRED, &peer, &size), 0);
    m_daemon = peer.pid;
    QVERIFY(m_daemon > 0);

    // Frozen: the pidfile's filesystem might be frozen, so it waits for the thaw.
    QCOMPARE(client.request(StatusRequest), Frozen);
    QVERIFY(!QFile::exists(pidFile));
    QCOMPARE(client.request(ThawRequest), QByteArray(R"({"return": 0})"));
    QCOMPARE(readFile(pidFile), QByteArray::number(m_daemon) + '\n');

    ::kill(m_daemon, SIGTERM);
    QTRY_VERIFY_WITH_TIMEOUT(::kill(m_daemon, 0) != 0, 5000);
    QVERIFY(!QFile::exists(pidFile));
    m_daemon = 0;
}

QTEST_GUILESS_MAIN(tst_FsFreeze)
#include "tst_fsfreeze.moc"
