// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-exec and guest-exec-status over the wire against the real agent.
#include "qgacall.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace qtga::test;

namespace {

QJsonObject shellArgs(const QString &script, const QJsonValue &capture = QJsonValue::Undefined)
{
    QJsonObject args{{"path", "/bin/sh"}, {"arg", QJsonArray{"-c", script}}};
    if (!capture.isUndefined())
        args.insert("capture-output", capture);
    return args;
}

} // namespace

class tst_Exec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exitCodeAndOutput();
    void statusIsReportedOnce();
    void unknownPid();
    void runningThenKilled();
    void killedBySignal();
    void captureModes_data();
    void captureModes();
    void mergedKeepsOrder();
    void inputData();
    void largeInputDoesNotBlockAgent();
    void emptyInputClosesStdin();
    void invalidInputData();
    void environmentReplaced();
    void emptyEnvironment();
    void pathSearch();
    void pathSearchInEnvPath();
    void scriptWithoutInterpreterLine();
    void spawnFailures_data();
    void spawnFailures();
    void truncatedAt16MiB_data();
    void truncatedAt16MiB();
    void outputOpenAfterExit();
    void childInheritsNoAgentFds();
    void verboseLogKeepsArgumentsOut();

private:
    qint64 start(const QJsonObject &args);
    QJsonObject waitForExit(qint64 pid, int timeoutMs = 30000);
    QJsonObject run(const QJsonObject &args) { return waitForExit(start(args)); }

    AgentProcess m_agent;
    QgaClient m_client;
    QTemporaryDir m_dir;
};

void tst_Exec::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_agent.start());
    QVERIFY(m_client.connectTo(m_agent.socketPath()));
}

qint64 tst_Exec::start(const QJsonObject &args)
{
    const Reply r = call(m_client, "guest-exec", args);
    if (!r.ok()) {
        qWarning("guest-exec failed: %s", r.raw.constData());
        return -1;
    }
    return r.result().value("pid").toInteger();
}

QJsonObject tst_Exec::waitForExit(qint64 pid, int timeoutMs)
{
    QJsonObject status;
    const bool exited = QTest::qWaitFor([&] {
        const Reply r = call(m_client, "guest-exec-status", {{"pid", pid}}, 60000);
        status = r.ok() ? r.result() : QJsonObject{{"error", r.error()}};
        return !r.ok() || status.value("exited").toBool();
    }, timeoutMs);
    if (!exited)
        qWarning("pid %lld did not exit", pid);
    return status;
}

void tst_Exec::exitCodeAndOutput()
{
    QCOMPARE(run(shellArgs("echo out; echo err >&2; exit 3", true)),
             (QJsonObject{{"exited", true}, {"exitcode", 3}, {"out-data", b64("out\n")}, {"err-data", b64("err\n")},
                          {"out-truncated", false}, {"err-truncated", false}}));
}

void tst_Exec::statusIsReportedOnce()
{
    const qint64 pid = start(QJsonObject{{"path", "true"}});
    QCOMPARE(waitForExit(pid), (QJsonObject{{"exited", true}, {"exitcode", 0}}));
    const Reply again = call(m_client, "guest-exec-status", {{"pid", pid}});
    QCOMPARE(again.errorClass(), QStringLiteral("GenericError"));
    QCOMPARE(again.error(), QStringLiteral("PID %1 does not exist").arg(pid));
}

void tst_Exec::unknownPid()
{
    const Reply r = call(m_client, "guest-exec-status", {{"pid", 0}});
    QCOMPARE(r.errorClass(), QStringLiteral("GenericError"));
    QCOMPARE(r.error(), QStringLiteral("PID 0 does not exist"));
}

void tst_Exec::runningThenKilled()
{
    const qint64 pid = start(QJsonObject{{"path", "sleep"}, {"arg", QJsonArray{"1000"}}});
    QVERIFY(pid > 0);
    QCOMPARE(call(m_client, "guest-exec-status", {{"pid", pid}}).raw, QByteArray(R"({"return": {"exited": false}})"));
    QCOMPARE(::kill(pid_t(pid), SIGTERM), 0);
    QCOMPARE(waitForExit(pid), (QJsonObject{{"exited", true}, {"signal", SIGTERM}}));
}

void tst_Exec::killedBySignal()
{
    QCOMPARE(run(shellArgs("echo partial; kill -9 $$", true)),
             (QJsonObject{{"exited", true}, {"signal", 9}, {"out-data", b64("partial\n")}, {"out-truncated", false}}));
}

void tst_Exec::captureModes_data()
{
    QTest::addColumn<QJsonValue>("capture");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");
    QTest::newRow("absent") << QJsonValue(QJsonValue::Undefined) << QByteArray() << QByteArray();
    QTest::newRow("false") << QJsonValue(false) << QByteArray() << QByteArray();
    QTest::newRow("none") << QJsonValue("none") << QByteArray() << QByteArray();
    QTest::newRow("true") << QJsonValue(true) << QByteArray("o\n") << QByteArray("e\n");
    QTest::newRow("separated") << QJsonValue("separated") << QByteArray("o\n") << QByteArray("e\n");
    QTest::newRow("stdout") << QJsonValue("stdout") << QByteArray("o\n") << QByteArray();
    QTest::newRow("stderr") << QJsonValue("stderr") << QByteArray() << QByteArray("e\n");
    QTest::newRow("merged") << QJsonValue("merged") << QByteArray("o\ne\n") << QByteArray();
}

void tst_Exec::captureModes()
{
    QFETCH(QJsonValue, capture);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);
    QJsonObject expected{{"exited", true}, {"exitcode", 0}};
    if (!out.isEmpty()) {
        expected.insert("out-data", b64(out));
        expected.insert("out-truncated", false);
    }
    if (!err.isEmpty()) {
        expected.insert("err-data", b64(err));
        expected.insert("err-truncated", false);
    }
    QCOMPARE(run(shellArgs("echo o; echo e >&2", capture)), expected);
}

void tst_Exec::mergedKeepsOrder()
{
    const QJsonObject status = run(shellArgs("for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done", "merged"));
    QCOMPARE(unb64(status.value("out-data")), QByteArray("out1\nerr1\nout2\nerr2\nout3\nerr3\nout4\nerr4\nout5\nerr5\n"));
    QVERIFY(!status.contains("err-data"));
}

void tst_Exec::inputData()
{
    const QJsonObject status = run({{"path", "cat"}, {"input-data", b64("to stdin\n")}, {"capture-output", "stdout"}});
    QCOMPARE(unb64(status.value("out-data")), QByteArray("to stdin\n"));
}

void tst_Exec::largeInputDoesNotBlockAgent()
{
    // Far more than a pipe holds, to a child that does not read yet: the agent must keep serving.
    QByteArray input(4 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < input.size(); ++i)
        input[i] = char('a' + i % 26);
    const QString gate = m_dir.filePath("gate");
    QCOMPARE(::mkfifo(QFile::encodeName(gate).constData(), 0600), 0);
    const qint64 pid = start({{"path", "/bin/sh"},
                              {"arg", QJsonArray{"-c", QStringLiteral("read x < '%1'; cat").arg(gate)}},
                              {"input-data", b64(input)},
                              {"capture-output", true}});
    QVERIFY(pid > 0);
    QVERIFY(call(m_client, "guest-ping").ok());
    QCOMPARE(call(m_client, "guest-exec-status", {{"pid", pid}}).result().value("exited").toBool(), false);
    QFile release(gate);
    QVERIFY(release.open(QIODevice::WriteOnly));
    release.write("go\n");
    release.close();
    const QJsonObject status = waitForExit(pid);
    QCOMPARE(status.value("exitcode").toInt(), 0);
    QVERIFY(unb64(status.value("out-data")) == input);
}

void tst_Exec::emptyInputClosesStdin()
{
    QCOMPARE(run({{"path", "cat"}, {"input-data", ""}, {"capture-output", true}}),
             (QJsonObject{{"exited", true}, {"exitcode", 0}}));
}

void tst_Exec::invalidInputData()
{
    const Reply r = call(m_client, "guest-exec", {{"path", "/bin/invalid-cmd42"}, {"input-data", "a$"}});
    // Checked before anything is spawned.
    QCOMPARE(r.error(), QStringLiteral("Base64 data contains invalid characters"));
}

void tst_Exec::environmentReplaced()
{
    const QJsonObject status = run({{"path", "/usr/bin/env"},
                                    {"env", QJsonArray{"A=b", "PATH=/usr/bin:/bin", "EMPTY="}},
                                    {"capture-output", true}});
    QCOMPARE(unb64(status.value("out-data")), QByteArray("A=b\nPATH=/usr/bin:/bin\nEMPTY=\n"));
}

void tst_Exec::emptyEnvironment()
{
    const QJsonObject status = run({{"path", "/usr/bin/env"}, {"env", QJsonArray{}}, {"capture-output", true}});
    QCOMPARE(status, (QJsonObject{{"exited", true}, {"exitcode", 0}}));
}

void tst_Exec::pathSearch()
{
    const QJsonObject status = run({{"path", "echo"}, {"arg", QJsonArray{"found", "in PATH"}}, {"capture-output", true}});
    QCOMPARE(unb64(status.value("out-data")), QByteArray("found in PATH\n"));
}

void tst_Exec::pathSearchInEnvPath()
{
    const QString bin = m_dir.filePath("bin");
    QVERIFY(QDir().mkpath(bin));
    QFile tool(bin + "/qtga-test-tool");
    QVERIFY(tool.open(QIODevice::WriteOnly));
    tool.write("#!/bin/sh\necho \"tool $*\"\n");
    tool.close();
    QVERIFY(tool.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

    // Only the PATH of the new environment is searched.
    const QJsonObject status = run({{"path", "qtga-test-tool"},
                                    {"arg", QJsonArray{"x"}},
                                    {"env", QJsonArray{"PATH=/nonexistent:" + bin}},
                                    {"capture-output", true}});
    QCOMPARE(unb64(status.value("out-data")), QByteArray("tool x\n"));
    const Reply notInAgentPath = call(m_client, "guest-exec", {{"path", "qtga-test-tool"}});
    QCOMPARE(notInAgentPath.error(),
             QStringLiteral("Failed to execute child process \u201Cqtga-test-tool\u201D (No such file or directory)"));
}

void tst_Exec::scriptWithoutInterpreterLine()
{
    const QString script = m_dir.filePath("plain-script");
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("echo run by sh: $1\n");
    file.close();
    QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::ExeOwner));
    const QJsonObject status = run({{"path", script}, {"arg", QJsonArray{"yes"}}, {"capture-output", true}});
    QCOMPARE(unb64(status.value("out-data")), QByteArray("run by sh: yes\n"));
}

void tst_Exec::spawnFailures_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("error");
    QTest::newRow("missing absolute") << "/bin/invalid-cmd42"
                                      << QStringLiteral("Failed to execute child process \u201C/bin/invalid-cmd42\u201D (No such file or directory)");
    QTest::newRow("missing in PATH") << "invalid-cmd42"
                                     << QStringLiteral("Failed to execute child process \u201Cinvalid-cmd42\u201D (No such file or directory)");
    QTest::newRow("directory") << "/tmp"
                               << QStringLiteral("Failed to execute child process \u201C/tmp\u201D (Permission denied)");
    QTest::newRow("empty") << ""
                           << QStringLiteral("Failed to execute child process \u201C\u201D (No such file or directory)");
    QTest::newRow("not executable") << "@plain-file"
                                    << QStringLiteral("Failed to execute child process \u201C@plain-file\u201D (Permission denied)");
}

void tst_Exec::spawnFailures()
{
    QFETCH(QString, path);
    QFETCH(QString, error);
    if (path.startsWith('@')) {
        const QString file = m_dir.filePath(path.mid(1));
        QFile plain(file);
        QVERIFY(plain.open(QIODevice::WriteOnly));
        QVERIFY(plain.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        error.replace(path, file);
        path = file;
    }
    const Reply r = call(m_client, "guest-exec", {{"path", path}, {"capture-output", true}, {"input-data", "eA=="}});
    QCOMPARE(r.errorClass(), QStringLiteral("GenericError"));
    QCOMPARE(r.error(), error);
}

void tst_Exec::truncatedAt16MiB_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("stream");
    QTest::addColumn<qint64>("expectedSize");
    QTest::addColumn<bool>("truncated");
    QTest::newRow("stdout over") << "head -c 17000000 /dev/zero" << "out" << qint64(16777216) << true;
    QTest::newRow("stdout exactly") << "head -c 16777216 /dev/zero" << "out" << qint64(16777216) << false;
    QTest::newRow("stderr over") << "head -c 17000000 /dev/zero >&2" << "err" << qint64(16777216) << true;
}

void tst_Exec::truncatedAt16MiB()
{
    QFETCH(QString, script);
    QFETCH(QString, stream);
    QFETCH(qint64, expectedSize);
    QFETCH(bool, truncated);
    const QJsonObject status = run(shellArgs(script, true));
    QCOMPARE(status.value("exitcode").toInt(), 0);
    const QByteArray data = unb64(status.value(stream + "-data"));
    QCOMPARE(data.size(), expectedSize);
    QCOMPARE(data.count('\0'), expectedSize);
    QCOMPARE(status.value(stream + "-truncated").toBool(), truncated);
    QVERIFY(status.contains(stream + "-truncated"));
}

void tst_Exec::outputOpenAfterExit()
{
    // The shell exits at once, but a background child still holds stdout: not finished yet.
    const QString fifo = m_dir.filePath("late");
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const qint64 pid = start(shellArgs(QStringLiteral("echo early; cat '%1' &").arg(fifo), true));
    QVERIFY(pid > 0);
    QCOMPARE(call(m_client, "guest-exec-status", {{"pid", pid}}).result(), (QJsonObject{{"exited", false}}));
    QFile writer(fifo);
    QVERIFY(writer.open(QIODevice::WriteOnly));
    writer.write("late\n");
    writer.close();
    const QJsonObject status = waitForExit(pid);
    QCOMPARE(unb64(status.value("out-data")), QByteArray("early\nlate\n"));
    QCOMPARE(status.value("exitcode").toInt(), 0);
}

void tst_Exec::childInheritsNoAgentFds()
{
    const QString file = m_dir.filePath("open-in-agent");
    const Reply opened = call(m_client, "guest-file-open", {{"path", file}, {"mode", "w"}});
    QVERIFY(opened.ok());
    const QJsonObject status = run({{"path", "ls"}, {"arg", QJsonArray{"-l", "/proc/self/fd"}}, {"capture-output", true},
                                    {"input-data", b64("x")}});
    const QByteArray listing = unb64(status.value("out-data"));
    QVERIFY2(!listing.contains(QFile::encodeName(file)), listing.constData());
    QVERIFY2(!listing.contains("socket:"), listing.constData());
    QVERIFY2(!listing.contains("pidfd"), listing.constData());
    // 0, 1 and 2, plus the directory ls itself is reading.
    QStringList fds;
    for (const QByteArray &line : listing.split('\n')) {
        const qsizetype arrow = line.indexOf(" -> ");
        if (arrow > 0)
            fds << QString::fromUtf8(line.left(arrow).split(' ').last());
    }
    QCOMPARE(fds, (QStringList{"0", "1", "2", "3"}));
    QVERIFY(call(m_client, "guest-file-close", {{"handle", opened.value().toInteger()}}).ok());
}

void tst_Exec::verboseLogKeepsArgumentsOut()
{
    // A command line can carry a password or a token; even -v logs the program and the number of
    // arguments only, in the log and in the audit lines.
    AgentProcess agent;
    QVERIFY(agent.start({QStringLiteral("-v")}));
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    const Reply r = call(client, "guest-exec",
                         {{"path", "/bin/echo"}, {"arg", QJsonArray{"--password=hunter2-secret", "x"}},
                          {"env", QJsonArray{"TOKEN=env-secret"}}, {"input-data", b64("stdin-secret")}});
    QVERIFY2(r.ok(), r.raw.constData());
    QVERIFY(call(client, "guest-exec-status", {{"pid", r.result().value("pid")}}).ok());
    QCOMPARE(agent.stop(SIGTERM), 0);
    const QByteArray log = agent.standardError();
    QVERIFY2(log.contains("guest-exec called: \"/bin/echo\" with 2 argument(s)"), log.constData());
    for (const char *secret : {"hunter2", "env-secret", "stdin-secret", "c3RkaW4tc2VjcmV0"})
        QVERIFY2(!log.contains(secret), log.constData());
}

QTEST_GUILESS_MAIN(tst_Exec)
#include "tst_exec.moc"
