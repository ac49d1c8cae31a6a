// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Operations: the audit log and its poll summaries, readiness over
// NOTIFY_SOCKET, the SIGUSR1 state dump, SIGHUP reload, and --self-test.
#include "agentharness.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace qtga::test;

namespace {

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &data, QFile::Permissions perms = {})
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(data);
    f.close();
    if (perms)
        f.setPermissions(perms);
}

// The lines of `log` that belong to the audit log.
QList<QByteArray> auditLines(const QByteArray &log)
{
    QList<QByteArray> lines;
    for (const QByteArray &line : log.split('\n')) {
        if (line.contains(": info: ") && (line.contains(" from ") || line.contains("routine polls")))
            lines << line;
    }
    return lines;
}

// A datagram socket standing in for systemd's notification socket.
class NotifySocket
{
public:
    explicit NotifySocket(const QString &path) : m_path(path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const QByteArray native = QFile::encodeName(path);
        std::memcpy(addr.sun_path, native.constData(), size_t(native.size()));
        m_bound = ::bind(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
    }
    ~NotifySocket() { ::close(m_fd); }
    bool isBound() const { return m_bound; }
    // The next datagram, or empty after `timeoutMs`.
    QByteArray next(int timeoutMs = 5000)
    {
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0)
            return QByteArray();
        char buffer[4096];
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        return n > 0 ? QByteArray(buffer, n) : QByteArray();
    }

private:
    QString m_path;
    int m_fd = -1;
    bool m_bound = false;
};

} // namespace

class tst_Operations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void auditLogHasCommandsButNoSecrets();
    void noAuditOption();
    void readinessOverNotifySocket();
    void stateDumpOnSigusr1();
    void sighupReloadsListsAndReopensLog();
    void selfTestPasses();
    void selfTestReportsFixes();
};

void tst_Operations::auditLogHasCommandsButNoSecrets()
{
    AgentProcess agent;
    const QString log = agent.dir() + QStringLiteral("/agent.log");
    // A stand-in chpasswd: it never touches a real account.
    QDir().mkpath(agent.dir() + QStringLiteral("/bin"));
    writeFile(agent.dir() + QStringLiteral("/bin/chpasswd"), "#!/bin/sh\ncat >/dev/null\nexit 0\n",
              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), agent.dir() + QStringLiteral("/bin:") + env.value(QStringLiteral("PATH")));
    agent.process().setProcessEnvironment(env);
    QVERIFY(agent.start({QStringLiteral("-l"), log, QStringLiteral("--audit-poll-interval=1")}));

    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    const QByteArray file = QFile::encodeName(agent.dir() + QStringLiteral("/data.txt"));
    const QByteArray opened = client.request("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + file + "\",\"mode\":\"w\"}}");
    QVERIFY2(opened.startsWith("{\"return\": "), opened.constData());
    const QByteArray handle = opened.mid(11, opened.size() - 12);
    // "c2VjcmV0LWZpbGUtZGF0YQ==" is "secret-file-data".
    QVERIFY(client.request("{\"execute\":\"guest-file-write\",\"arguments\":{\"handle\":" + handle
                           + ",\"buf-b64\":\"c2VjcmV0LWZpbGUtZGF0YQ==\"}}").startsWith("{\"return\""));
    QVERIFY(client.request("{\"execute\":\"guest-file-close\",\"arguments\":{\"handle\":" + handle + "}}").startsWith("{\"return\""));
    // Arguments and input that must not reach the log: "c2VjcmV0LWlucHV0" is "secret-input".
    QVERIFY(client.request(R"({"execute":"guest-exec","arguments":{"path":"/bin/echo","arg":["secret-argument"],"input-data":"c2VjcmV0LWlucHV0"}})")
                .startsWith("{\"return\""));
    // "c2VjcmV0LXBhc3N3b3Jk" is "secret-password".
    QCOMPARE(client.request(R"({"execute":"guest-set-user-password","arguments":{"username":"qtga-audit-test","password":"c2VjcmV0LXBhc3N3b3Jk","crypted":false}})"),
             QByteArray("{\"return\": {}}"));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(client.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    // A second client in between: counted once, however the polls alternate.
    QgaClient second;
    QVERIFY(second.connectTo(agent.socketPath()));
    QCOMPARE(second.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    QCOMPARE(client.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    QCOMPARE(second.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    QVERIFY(client.request(R"({"execute":"guest-info"})").startsWith("{\"return\""));

    // The poll summary is written once the interval (1 s here) has passed.
    QTRY_VERIFY_WITH_TIMEOUT(readFile(log).contains("routine polls"), 5000);
    const QByteArray text = readFile(log);
    const QList<QByteArray> lines = auditLines(text);
    const auto has = [&](const char *pattern) {
        const QRegularExpression re(QString::fromLatin1(pattern));
        return std::any_of(lines.begin(), lines.end(), [&](const QByteArray &l) { return re.match(QString::fromUtf8(l)).hasMatch(); });
    };
    QVERIFY2(has("guest-file-open from unix-listen:.*: ok in [0-9.]+ [um]?s, path=.*data\\.txt mode=w"), text.constData());
    QVERIFY2(has("guest-file-write from unix-listen:.*: ok in "), text.constData());
    QVERIFY2(has("guest-exec from unix-listen:.*: ok in .*, program=/bin/echo$"), text.constData());
    QVERIFY2(has("guest-set-user-password from unix-listen:.*: ok in "), text.constData());
    QVERIFY2(has("routine polls in the last [0-9]+ s from 2 clients: guest-info x1, guest-ping x8$"), text.constData());
    // Polls are not logged one by one.
    QVERIFY2(!has("guest-ping from"), text.constData());
    for (const char *secret : {"secret-file-data", "secret-input", "secret-argument", "secret-password", "c2VjcmV0"})
        QVERIFY2(!text.contains(secret), secret);
}

void tst_Operations::noAuditOption()
{
    AgentProcess agent;
    const QString log = agent.dir() + QStringLiteral("/agent.log");
    QVERIFY(agent.start({QStringLiteral("-l"), log, QStringLiteral("--no-audit")}));
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QVERIFY(client.request(R"({"execute":"guest-file-open","arguments":{"path":"/nonexistent/x"}})").startsWith("{\"error\""));
    QCOMPARE(agent.stop(SIGTERM), 0);
    QVERIFY2(auditLines(readFile(log)).isEmpty(), readFile(log).constData());
}

void tst_Operations::readinessOverNotifySocket()
{
    AgentProcess agent;
    NotifySocket notify(agent.dir() + QStringLiteral("/notify"));
    QVERIFY(notify.isBound());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NOTIFY_SOCKET"), agent.dir() + QStringLiteral("/notify"));
    env.insert(QStringLiteral("WATCHDOG_USEC"), QStringLiteral("200000"));
    agent.process().setProcessEnvironment(env);
    QVERIFY(agent.start());
    const QByteArray ready = notify.next();
    QVERIFY2(ready.startsWith("READY=1\nSTATUS=unix-listen " + QFile::encodeName(agent.socketPath()) + ": listening"),
             ready.constData());
    // The watchdog is fed at half the interval.
    QByteArray message;
    for (int i = 0; i < 5 && message != "WATCHDOG=1"; ++i)
        message = notify.next(1000);
    QCOMPARE(message, QByteArray("WATCHDOG=1"));
    // A connected host changes the status line.
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    for (int i = 0; i < 20 && !message.startsWith("STATUS="); ++i)
        message = notify.next(1000);
    QVERIFY2(message.endsWith(": host connected"), message.constData());
    // Children do not inherit the notification socket or the watchdog settings.
    const QByteArray started = client.request(R"({"execute":"guest-exec","arguments":{"path":"/usr/bin/env","capture-output":true}})");
    QVERIFY2(started.startsWith("{\"return\": {\"pid\": "), started.constData());
    const QByteArray pid = started.mid(19, started.indexOf('}') - 19);
    QByteArray status;
    // Asked until it reports the exit; the answer that does is the last one for this pid.
    QVERIFY(QTest::qWaitFor([&] {
        status = client.request("{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":" + pid + "}}");
        return status.contains("\"exited\": true");
    }, 5000));
    const int start = status.indexOf("\"out-data\": \"") + 13;
    const QByteArray environment = QByteArray::fromBase64(status.mid(start, status.indexOf('"', start) - start));
    QVERIFY(environment.contains("PATH="));
    QVERIFY2(!environment.contains("NOTIFY_SOCKET") && !environment.contains("WATCHDOG_"), environment.constData());

    ::kill(pid_t(agent.pid()), SIGTERM);
    for (int i = 0; i < 20 && message != "STOPPING=1"; ++i)
        message = notify.next(1000);
    QCOMPARE(message, QByteArray("STOPPING=1"));
    QVERIFY(agent.process().waitForFinished(5000));
    QCOMPARE(agent.process().exitCode(), 0);
}

void tst_Operations::stateDumpOnSigusr1()
{
    AgentProcess agent;
    const QString log = agent.dir() + QStringLiteral("/agent.log");
    QVERIFY(agent.start({QStringLiteral("-l"), log, QStringLiteral("-b"), QStringLiteral("guest-shutdown")}));
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    const QByteArray file = QFile::encodeName(agent.dir() + QStringLiteral("/dump.txt"));
    QVERIFY(client.request("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + file + "\",\"mode\":\"w\"}}").startsWith("{\"return\""));
    ::kill(pid_t(agent.pid()), SIGUSR1);
    QTRY_VERIFY_WITH_TIMEOUT(readFile(log).contains("disabled commands:"), 5000);
    const QByteArray text = readFile(log);
    QVERIFY2(text.contains(": message: state dump: pid " + QByteArray::number(agent.pid()) + ", thawed"), text.constData());
    QVERIFY2(text.contains(": message: channel unix-listen " + QFile::encodeName(agent.socketPath()) + ": host connected, 1 clients"), text.constData());
    QVERIFY2(text.contains(": message: sessions: 1"), text.constData());
    QVERIFY2(text.contains(": message: open guest-file handles: 1"), text.constData());
    QVERIFY2(text.contains(": message: guest-exec processes: 0 running, 0 finished and not yet reported"), text.constData());
    QVERIFY2(text.contains(": message: commands: 1 run, 0 failed"), text.constData());
    QVERIFY2(text.contains(": message: disabled commands: guest-shutdown"), text.constData());
    QVERIFY(agent.isRunning());
}

void tst_Operations::sighupReloadsListsAndReopensLog()
{
    AgentProcess agent;
    const QString config = agent.dir() + QStringLiteral("/qemu-ga.conf");
    const QString log = agent.dir() + QStringLiteral("/agent.log");
    writeFile(config, "[general]\nblock-rpcs=guest-get-time\nlogfile=" + QFile::encodeName(log) + "\n");
    QVERIFY(agent.start({QStringLiteral("-c"), config}));
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QVERIFY(client.request(R"({"execute":"guest-get-time"})").contains("has been disabled"));

    // logrotate moves the file away, then signals.
    QVERIFY(QFile::rename(log, log + QStringLiteral(".1")));
    writeFile(config, "[general]\nblock-rpcs=guest-get-host-name\nlogfile=" + QFile::encodeName(log) + "\n");
    ::kill(pid_t(agent.pid()), SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(readFile(log).contains("configuration reloaded"), 5000);
    // Same connection, new lists.
    QVERIFY(client.request(R"({"execute":"guest-get-time"})").startsWith("{\"return\": "));
    QVERIFY(client.request(R"({"execute":"guest-get-host-name"})").contains("has been disabled"));
    // New lines go to the new file.
    QVERIFY(client.request(R"({"execute":"guest-file-open","arguments":{"path":"/nonexistent/qtga"}})").startsWith("{\"error\""));
    QTRY_VERIFY_WITH_TIMEOUT(readFile(log).contains("guest-file-open from"), 5000);
    QVERIFY(!readFile(log + QStringLiteral(".1")).contains("guest-file-open from"));

    // A broken config is refused and the running one kept.
    writeFile(config, "[general]\nverbose=maybe\n");
    ::kill(pid_t(agent.pid()), SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(readFile(log).contains("reload failed, keeping the current configuration"), 5000);
    QVERIFY(client.request(R"({"execute":"guest-get-host-name"})").contains("has been disabled"));
    QVERIFY(agent.isRunning());
}

void tst_Operations::selfTestPasses()
{
    AgentProcess agent;
    QByteArray out, err;
    QCOMPARE(agent.runToExit({QStringLiteral("--self-test"), QStringLiteral("-m"), QStringLiteral("unix-listen"),
                              QStringLiteral("-p"), agent.socketPath(), QStringLiteral("-t"), agent.stateDir(),
                              QStringLiteral("--status-socket=") + agent.dir() + QStringLiteral("/run/status.sock")},
                             &out, &err),
             0);
    QVERIFY2(out.contains("[ ok ] channel unix-listen"), out.constData());
    QVERIFY2(out.contains("[ ok ] state directory"), out.constData());
    QVERIFY2(out.contains("[ ok ] status socket"), out.constData());
    QVERIFY2(out.endsWith("self-test passed: 4 checks\n"), out.constData());
    // It checks without serving: nothing was created.
    QVERIFY(!QFile::exists(agent.socketPath()));
    QVERIFY(!QFile::exists(agent.stateDir() + QStringLiteral("/qga.state")));
    QVERIFY(!QFile::exists(agent.dir() + QStringLiteral("/run")));
}

void tst_Operations::selfTestReportsFixes()
{
    AgentProcess agent;
    writeFile(agent.dir() + QStringLiteral("/hook"), "#!/bin/sh\n");
    QByteArray out, err;
    QCOMPARE(agent.runToExit({QStringLiteral("--self-test"), QStringLiteral("-m"), QStringLiteral("virtio-serial"),
                              QStringLiteral("-p"), agent.dir() + QStringLiteral("/no-such-port"), QStringLiteral("-t"),
                              agent.dir() + QStringLiteral("/no-such-dir"), QStringLiteral("-F") + agent.dir() + QStringLiteral("/hook"),
                              QStringLiteral("--status-socket=")},
                             &out, &err),
             1);
    QVERIFY2(out.contains("[FAIL] channel virtio-serial"), out.constData());
    QVERIFY2(out.contains("No such file or directory"), out.constData());
    QVERIFY2(out.contains("[FAIL] state directory"), out.constData());
    QVERIFY2(out.contains("fix: create it (mkdir -p"), out.constData());
    QVERIFY2(out.contains("[FAIL] fsfreeze hook"), out.constData());
    QVERIFY2(out.contains("fix: chmod +x"), out.constData());
    QVERIFY2(out.endsWith("self-test FAILED: 3 of 4 checks\n"), out.constData());
}

QTEST_GUILESS_MAIN(tst_Operations)
#include "tst_operations.moc"
