// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The real qtga-agent on a unix socket, driven over the wire.
#include "agentharness.h"

#include <QDir>
#include <QProcessEnvironment>
#include <QFile>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <csignal>
#include <poll.h>
#include <sys/socket.h>

using namespace qtga::test;

namespace {

QByteArray syncDelimited(int id)
{
    return "\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":" + QByteArray::number(id) + "}}";
}

// After arbitrary input: resynchronise the way host tools do and check the agent answers.
bool resync(QgaClient &client, int id)
{
    if (!client.send(syncDelimited(id)))
        return false;
    const QByteArray expected = "\xff{\"return\": " + QByteArray::number(id) + "}";
    for (int i = 0; i < 100; ++i) {
        const QByteArray line = client.readLine();
        if (line.isEmpty())
            return false;
        if (line == expected)
            return true;
        if (!line.startsWith("{\"error\""))
            return false;
    }
    return false;
}

} // namespace

class tst_Wire : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pipelinedRequestsAnswerInOrder();
    void idIsEchoed_data();
    void idIsEchoed();
    void badInputThenSync_data();
    void badInputThenSync();
    void twoClientsAtOnce();
    void halfClosedClientGetsItsAnswers_data();
    void halfClosedClientGetsItsAnswers();
    void requestsBehindASlowOneSurviveHalfClose();
    void answerInFlightSurvivesHalfClose();
    void clientResetDoesNotStopAgent();
    void nonReadingClientIsThrottled();
    void signalsExitZero_data();
    void signalsExitZero();
    void frozenMarkerAtStartup();
    void blockAndAllowLists();
    void stateFileCreated();
    void daemonizeWritesLockedPidfile();
    void logFileFormat();
    void dumpConfOpensNothing();
    void staleSocketReplaced();
    void pathTooLong();
};

void tst_Wire::pipelinedRequestsAnswerInOrder()
{
    AgentProcess agent;
    QVERIFY(agent.start());
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QByteArray batch;
    const int count = 500;
    for (int i = 0; i < count; ++i)
        batch += "{\"execute\":\"guest-sync\",\"arguments\":{\"id\":" + QByteArray::number(i) + "},\"id\":\"r"
                 + QByteArray::number(i) + "\"}";
    QVERIFY(client.send(batch));
    for (int i = 0; i < count; ++i)
        QCOMPARE(client.readLine(), "{\"return\": " + QByteArray::number(i) + ", \"id\": \"r" + QByteArray::number(i) + "\"}");
}

void tst_Wire::idIsEchoed_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<QByteArray>("echoed");
    QTest::newRow("int") << QByteArray("1") << QByteArray("1");
    QTest::newRow("string") << QByteArray("'abc'") << QByteArray("\"abc\"");
    QTest::newRow("null") << QByteArray("null") << QByteArray("null");
    QTest::newRow("float") << QByteArray("1.5") << QByteArray("1.5");
    QTest::newRow("negative") << QByteArray("-5") << QByteArray("-5");
    QTest::newRow("uint64") << QByteArray("18446744073709551615") << QByteArray("18446744073709551615");
    QTest::newRow("non-ascii") << QByteArray("\"\xc3\xa9\"") << QByteArray("\"\\u00E9\"");
    QTest::newRow("nested") << QByteArray(R"({"b":[1,{"c":null}],"a":true})") << QByteArray(R"({"a": true, "b": [1, {"c": null}]})"); // QDict order, not input order
}

void tst_Wire::idIsEchoed()
{
    QFETCH(QByteArray, id);
    QFETCH(QByteArray, echoed);
    AgentProcess agent;
    QVERIFY(agent.start());
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QCOMPARE(client.request("{\"execute\":\"guest-ping\",\"id\":" + id + "}"), "{\"return\": {}, \"id\": " + echoed + "}");
    QCOMPARE(client.request("{\"execute\":\"guest-nope\",\"id\":" + id + "}"),
             "{\"id\": " + echoed + ", \"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command guest-nope has not been found\"}}");
    QCOMPARE(client.request("{\"execute\":\"guest-ping\",\"bad\":1,\"id\":" + id + "}"),
             "{\"id\": " + echoed + ", \"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input member 'bad' is unexpected\"}}");
}

void tst_Wire::badInputThenSync_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArrayList>("responses");
    auto err = [](const char *desc) {
        return QByteArray("{\"error\": {\"class\": \"GenericError\", \"desc\": \"") + desc + "\"}}";
    };
    QTest::newRow("sentinel") << QByteArray("\xff") << QByteArrayList{err("JSON parse error, stray '\\uFFFD'")};
    QTest::newRow("array") << QByteArray("[1,2]") << QByteArrayList{err("QMP input must be a JSON object")};
    QTest::newRow("string") << QByteArray("\"x\"") << QByteArrayList{err("QMP input must be a JSON object")};
    QTest::newRow("keyword") << QByteArray("nul\n") << QByteArrayList{err("JSON parse error, invalid keyword 'nul'")};
    QTest::newRow("execute not a string") << QByteArray(R"({"execute":["guest-ping"]})")
                                          << QByteArrayList{err("QMP input member 'execute' must be a string")};
    QTest::newRow("arguments not an object") << QByteArray(R"({"execute":"guest-ping","arguments":[]})")
                                             << QByteArrayList{err("QMP input member 'arguments' must be an object")};
    QTest::newRow("exec-oob") << QByteArray(R"({"exec-oob":"guest-ping"})")
                              << QByteArrayList{err("QMP input member 'exec-oob' is unexpected")};
    QTest::newRow("no execute") << QByteArray(R"({"id":1})")
                                << QByteArrayList{R"({"id": 1, "error": {"class": "GenericError", "desc": "QMP input lacks member 'execute'"}})"};
    QTest::newRow("unexpected argument") << QByteArray(R"({"execute":"guest-ping","arguments":{"foo":42}})")
                                         << QByteArrayList{err("Parameter 'foo' is unexpected")};
    QTest::newRow("missing argument") << QByteArray(R"({"execute":"guest-sync"})")
                                      << QByteArrayList{err("Parameter 'id' is missing")};
    QTest::newRow("wrong type") << QByteArray(R"({"execute":"guest-sync","arguments":{"id":"1"}})")
                                << QByteArrayList{err("Invalid parameter type for 'id', expected: integer")};
    QTest::newRow("float id") << QByteArray(R"({"execute":"guest-sync","arguments":{"id":1.0}})")
                              << QByteArrayList{err("Invalid parameter type for 'id', expected: integer")};
    QTest::newRow("duplicate key") << QByteArray(R"({"execute":"guest-ping","execute":"guest-ping"})")
                                   << QByteArrayList{err("JSON parse error, duplicate key")};
    QTest::newRow("unterminated then sentinel") << QByteArray("{\"execute\":\"guest-p\xff")
                                                << QByteArrayList{err("JSON parse error, stray '\\\"guest-p\\uFFFD'")};
    QTest::newRow("nesting") << QByteArray(1025, '[') << QByteArrayList{err("JSON nesting depth limit exceeded")};
    QTest::newRow("very long command name")
        << "{\"execute\":\"" + QByteArray(100000, 'x') + "\"}"
        << QByteArrayList{"{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command " + QByteArray(100000, 'x')
                          + " has not been found\"}}"};
    QTest::newRow("sync-delimited with bad arguments has no sentinel")
        << QByteArray(R"({"execute":"guest-sync-delimited","arguments":{"id":true}})")
        << QByteArrayList{err("Invalid parameter type for 'id', expected: integer")};
}

void tst_Wire::badInputThenSync()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, responses);
    AgentProcess agent;
    QVERIFY(agent.start());
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QVERIFY(client.send(input));
    for (const QByteArray &expected : responses)
        QCOMPARE(client.readLine(), expected);
    QVERIFY(resync(client, 4242));
    QVERIFY(agent.isRunning());
}

void tst_Wire::twoClientsAtOnce()
{
    AgentProcess agent;
    QVERIFY(agent.start());
    QgaClient a, b;
    QVERIFY(a.connectTo(agent.socketPath()));
    QVERIFY(b.connectTo(agent.socketPath()));
    // A's half-sent request must neither block B nor be mixed with B's stream.
    QVERIFY(a.send("{\"execute\":\"guest-sy"));
    QCOMPARE(b.request(R"({"execute":"guest-sync","arguments":{"id":2}})"), QByteArray("{\"return\": 2}"));
    QVERIFY(a.send("nc\",\"arguments\":{\"id\":1}}"));
    QCOMPARE(a.readLine(), QByteArray("{\"return\": 1}"));
    QCOMPARE(b.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
}

void tst_Wire::halfClosedClientGetsItsAnswers_data()
{
    QTest::addColumn<QString>("binary");
    QTest::newRow("qtga") << agentBinary();
    if (QFile::exists(referenceBinary()))
        QTest::newRow("qemu-ga") << referenceBinary();
}

void tst_Wire::halfClosedClientGetsItsAnswers()
{
    // `echo '{...}' | socat - UNIX-CONNECT:...`: the client sends, shuts down its sending side
    // and waits for the answers. One of them comes from a worker thread, after the agent has
    // seen the end of the input.
    QFETCH(QString, binary);
    AgentProcess agent(binary);
    QVERIFY(agent.start());
    QFile file(agent.dir() + QStringLiteral("/half.txt"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("half");
    file.close();
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QVERIFY(client.send("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + QFile::encodeName(file.fileName())
                        + "\"}}{\"execute\":\"guest-sync\",\"arguments\":{\"id\":5}}"));
    QCOMPARE(::shutdown(client.fd(), SHUT_WR), 0);
    QVERIFY(client.readLine().startsWith("{\"return\": "));
    QCOMPARE(client.readLine(), QByteArray("{\"return\": 5}"));
    // Then the agent ends the connection.
    pollfd p{client.fd(), POLLIN, 0};
    QCOMPARE(::poll(&p, 1, 5000), 1);
    char byte;
    QCOMPARE(::recv(client.fd(), &byte, 1, 0), ssize_t(0));
    QVERIFY(agent.isRunning());
}

void tst_Wire::requestsBehindASlowOneSurviveHalfClose()
{
    // A request that arrives while a slow one runs waits unread in the agent's socket buffer;
    // the end of input that follows must not cut it off.
    AgentProcess agent;
    const QString bin = agent.dir() + QStringLiteral("/bin");
    QVERIFY(QDir().mkpath(bin));
    QFile script(bin + QStringLiteral("/chpasswd"));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\ncat >/dev/null\nsleep 1\nexit 0\n");
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), bin + u':' + env.value(QStringLiteral("PATH")));
    agent.process().setProcessEnvironment(env);
    QVERIFY(agent.start());
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QVERIFY(client.send(R"({"execute":"guest-set-user-password","arguments":{"username":"nobody","password":"eA==","crypted":false}})"));
    QTest::qWait(200);
    QVERIFY(client.send(R"({"execute":"guest-sync","arguments":{"id":7}})"));
    QTest::qWait(200);
    QCOMPARE(::shutdown(client.fd(), SHUT_WR), 0);
    QVERIFY(client.readLine().startsWith('{'));
    QCOMPARE(client.readLine(), QByteArray("{\"return\": 7}"));
}

void tst_Wire::answerInFlightSurvivesHalfClose()
{
    // The client asks for a large read, does not read the answer yet and shuts down its sending
    // side; the part of the answer the agent's socket still held must not be lost.
    AgentProcess agent;
    QVERIFY(agent.start());
    QByteArray data(12 << 20, Qt::Uninitialized);
    for (qsizetype i = 0; i < data.size(); ++i)
        data[i] = char((i * 2654435761u) >> 13);
    QFile file(agent.dir() + QStringLiteral("/big"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(data);
    file.close();
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    const QByteArray opened = client.request("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + QFile::encodeName(file.fileName()) + "\"}}");
    QVERIFY2(opened.startsWith("{\"return\": "), opened.constData());
    const QByteArray handle = opened.mid(11, opened.size() - 12);
    QVERIFY(client.send("{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":" + handle + ",\"count\":" + QByteArray::number(data.size()) + "}}"));
    QTest::qWait(300);
    QCOMPARE(::shutdown(client.fd(), SHUT_WR), 0);
    QTest::qWait(300);
    const QByteArray line = client.readLine(20000);
    const qsizetype start = line.indexOf("\"buf-b64\": \"") + 12;
    QVERIFY2(start > 12, line.left(200).constData());
    const QByteArray b64 = line.mid(start, line.indexOf('"', start) - start);
    QVERIFY(QByteArray::fromBase64(b64) == data);
}

void tst_Wire::clientResetDoesNotStopAgent()
{
    AgentProcess agent;
    QVERIFY(agent.start());
    for (int round = 0; round < 20; ++round) {
        QgaClient client;
        QVERIFY(client.connectTo(agent.socketPath()));
        QByteArray burst;
        for (int i = 0; i < 200; ++i)
            burst += R"({"execute":"guest-info"})";
        QVERIFY(client.send(burst + "{\"execute\":\"guest-pi"));
        client.reset();
    }
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QVERIFY(resync(client, 1));
    QVERIFY(agent.isRunning());
}

void tst_Wire::nonReadingClientIsThrottled()
{
    AgentProcess agent;
    QVERIFY(agent.start());
    const qint64 baseline = rssKiB(agent.pid());
    QgaClient greedy;
    QVERIFY(greedy.connectTo(agent.socketPath()));
    // Each guest-info answer is a few KiB; send until the agent stops reading from us.
    const QByteArray request = R"({"execute":"guest-info"})";
    QByteArray burst;
    for (int i = 0; i < 1000; ++i)
        burst += request;
    qint64 sent = 0;
    for (int i = 0; i < 2000; ++i) {
        ssize_t n = ::send(greedy.fd(), burst.constData(), size_t(burst.size()), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n <= 0) {
            QThread::msleep(20);
            n = ::send(greedy.fd(), burst.constData(), size_t(burst.size()), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n <= 0)
                break;
        }
        sent += n;
    }
    QVERIFY2(sent < qint64(burst.size()) * 2000, "the agent kept reading from a client that never reads");
    QgaClient other;
    QVERIFY(other.connectTo(agent.socketPath()));
    QCOMPARE(other.request(R"({"execute":"guest-sync","arguments":{"id":9}})"), QByteArray("{\"return\": 9}"));
    // Under AddressSanitizer freed memory sits in its quarantine, so RSS says nothing there.
    QFile maps(QStringLiteral("/proc/%1/maps").arg(agent.pid()));
    QVERIFY(maps.open(QIODevice::ReadOnly));
    if (maps.readAll().contains("libasan"))
        return;
    const qint64 rss = rssKiB(agent.pid());
    QVERIFY2(rss - baseline < 64 * 1024, qPrintable(QStringLiteral("RSS grew from %1 to %2 KiB").arg(baseline).arg(rss)));
}

void tst_Wire::signalsExitZero_data()
{
    QTest::addColumn<int>("signo");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void tst_Wire::signalsExitZero()
{
    QFETCH(int, signo);
    AgentProcess agent;
    QVERIFY(agent.start());
    QCOMPARE(agent.stop(signo), 0);
}

void tst_Wire::frozenMarkerAtStartup()
{
    AgentProcess agent;
    QFile marker(agent.stateDir() + QStringLiteral("/qga.state.isfrozen"));
    QVERIFY(marker.open(QIODevice::WriteOnly));
    marker.close();
    QVERIFY(agent.start());
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QCOMPARE(client.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    QCOMPARE(client.request(R"({"execute":"guest-get-time"})"),
             QByteArray(R"({"error": {"class": "CommandNotFound", "desc": "Command guest-get-time has been disabled: the command is not allowed"}})"));
    const QByteArray info = client.request(R"({"execute":"guest-info"})");
    QVERIFY(info.contains(R"({"enabled": false, "name": "guest-get-time", "success-response": true})"));
    QVERIFY(info.contains(R"({"enabled": true, "name": "guest-sync", "success-response": true})"));
    // Nothing may be written while frozen: the state file is not created.
    QVERIFY(!QFile::exists(agent.stateDir() + QStringLiteral("/qga.state")));
    // SIGTERM is ignored while frozen: exiting would leave the filesystems frozen.
    ::kill(pid_t(agent.pid()), SIGTERM);
    QVERIFY(!agent.process().waitForFinished(500));
    QCOMPARE(client.request(R"({"execute":"guest-sync","arguments":{"id":3}})"), QByteArray("{\"return\": 3}"));
}

void tst_Wire::blockAndAllowLists()
{
    {
        AgentProcess agent;
        QVERIFY(agent.start({QStringLiteral("-b"), QStringLiteral("guest-get-time,no-such-command")}));
        QgaClient client;
        QVERIFY(client.connectTo(agent.socketPath()));
        QCOMPARE(client.request(R"({"execute":"guest-get-time"})"),
                 QByteArray(R"({"error": {"class": "CommandNotFound", "desc": "Command guest-get-time has been disabled: the command is not allowed"}})"));
        QCOMPARE(client.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    }
    {
        AgentProcess agent;
        QVERIFY(agent.start({QStringLiteral("-a"), QStringLiteral("guest-ping,guest-info"), QStringLiteral("-b"),
                             QStringLiteral("guest-info")}));
        QgaClient client;
        QVERIFY(client.connectTo(agent.socketPath()));
        QCOMPARE(client.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
        QVERIFY(client.request(R"({"execute":"guest-info"})").contains("has been disabled"));
        QVERIFY(client.request(R"({"execute":"guest-sync","arguments":{"id":1}})").contains("has been disabled"));
    }
}

void tst_Wire::stateFileCreated()
{
    AgentProcess agent;
    QVERIFY(agent.start());
    QFile state(agent.stateDir() + QStringLiteral("/qga.state"));
    QVERIFY(state.open(QIODevice::ReadOnly));
    QCOMPARE(state.readAll(), QByteArray("[global]\nfd_counter=1000\n"));
}

void tst_Wire::daemonizeWritesLockedPidfile()
{
    AgentProcess agent;
    const QString pidFile = agent.dir() + QStringLiteral("/agent.pid");
    QByteArray out, err;
    QCOMPARE(agent.runToExit({QStringLiteral("-d"), QStringLiteral("-f"), pidFile, QStringLiteral("-m"),
                              QStringLiteral("unix-listen"), QStringLiteral("-p"), agent.socketPath(),
                              QStringLiteral("-t"), agent.stateDir()},
                             &out, &err),
             0);
    QFile file(pidFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.endsWith('\n'));
    const pid_t pid = pid_t(text.trimmed().toLongLong());
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid, 0), 0);
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QCOMPARE(client.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    // A second daemon on the same pidfile must fail: the lock is held.
    AgentProcess second;
    QCOMPARE(second.runToExit({QStringLiteral("-d"), QStringLiteral("-f"), pidFile, QStringLiteral("-m"),
                               QStringLiteral("unix-listen"), QStringLiteral("-p"), second.socketPath(),
                               QStringLiteral("-t"), second.stateDir()}),
             1);
    ::kill(pid, SIGTERM);
    QTRY_VERIFY_WITH_TIMEOUT(::kill(pid, 0) != 0, 5000);
    QVERIFY(!QFile::exists(pidFile));
}

void tst_Wire::logFileFormat()
{
    AgentProcess agent;
    const QString log = agent.dir() + QStringLiteral("/agent.log");
    QVERIFY(agent.start({QStringLiteral("-v"), QStringLiteral("-l"), log}));
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QCOMPARE(client.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    QCOMPARE(agent.stop(SIGTERM), 0);
    QFile file(log);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QVERIFY(lines.size() > 1);
    static const QRegularExpression format(QStringLiteral("^\\d+\\.\\d{6}: (error|critical|warning|message|info|debug): .+$"));
    for (const QByteArray &line : lines) {
        if (!line.isEmpty())
            QVERIFY2(format.match(QString::fromUtf8(line)).hasMatch(), line.constData());
    }
}

void tst_Wire::dumpConfOpensNothing()
{
    AgentProcess agent;
    QByteArray out, err;
    QCOMPARE(agent.runToExit({QStringLiteral("-D"), QStringLiteral("-m"), QStringLiteral("unix-listen"),
                              QStringLiteral("-p"), agent.socketPath(), QStringLiteral("-t"), agent.stateDir()},
                             &out, &err),
             0);
    QVERIFY(out.startsWith("[general]\ndaemon=false\nmethod=unix-listen\npath="));
    QCOMPARE(err, QByteArray());
    QVERIFY(!QFile::exists(agent.socketPath()));
    QVERIFY(!QFile::exists(agent.stateDir() + QStringLiteral("/qga.state")));
}

void tst_Wire::staleSocketReplaced()
{
    AgentProcess agent;
    QFile stale(agent.socketPath());
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.close();
    QVERIFY(agent.start());
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QCOMPARE(client.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    // The socket is private to its owner unless configured otherwise.
    QCOMPARE(QFile::permissions(agent.socketPath()) & 0x0077, QFileDevice::Permissions());
}

void tst_Wire::pathTooLong()
{
    AgentProcess agent;
    const QString path = agent.dir() + QLatin1Char('/') + QString(200, QLatin1Char('s'));
    QByteArray out, err;
    QCOMPARE(agent.runToExit({QStringLiteral("-m"), QStringLiteral("unix-listen"), QStringLiteral("-p"), path,
                              QStringLiteral("-t"), agent.stateDir()},
                             &out, &err),
             1);
    QVERIFY2(err.contains("UNIX socket path '" + path.toUtf8() + "' is too long"), err.constData());
}

QTEST_GUILESS_MAIN(tst_Wire)
#include "tst_wire.moc"
