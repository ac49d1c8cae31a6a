// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The guest-exec process table on its own: exit through pidfd and through SIGCHLD, and the
// limits on finished records nobody asks for.
#include "engines/execprocesstable.h"

#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace qtga;

namespace {

ExecProcessTable::Request command(const char *path, QList<QByteArray> args = {})
{
    ExecProcessTable::Request request;
    request.path = path;
    request.args = std::move(args);
    return request;
}

} // namespace

class tst_ExecProcessTable : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void exitStatus_data();
    void exitStatus();
    void finishedRecordsCapped_data();
    void finishedRecordsCapped();
    void finishedRecordsExpire_data();
    void finishedRecordsExpire();
    void heldOutputBudget();
    void runningProcessesCapped();

private:
    static void addModes();
};

void tst_ExecProcessTable::addModes()
{
    QTest::addColumn<bool>("usePidfd");
    QTest::newRow("pidfd") << true;
    QTest::newRow("SIGCHLD") << false;
}

void tst_ExecProcessTable::exitStatus_data()
{
    addModes();
}

void tst_ExecProcessTable::exitStatus()
{
    QFETCH(bool, usePidfd);
    ExecProcessTable::Options options;
    options.usePidfd = usePidfd;
    ExecProcessTable table(options);
    QSignalSpy finished(&table, &ExecProcessTable::processFinished);
    QByteArray error;

    ExecProcessTable::Request shell = command("/bin/sh", {"-c", "printf out; printf err >&2; exit 7"});
    shell.capture = ExecProcessTable::Capture::Separated;
    const std::optional<int64_t> exited = table.start(shell, &error);
    QVERIFY2(exited, error.constData());
    const std::optional<int64_t> sleeper = table.start(command("sleep", {"1000"}), &error);
    QVERIFY2(sleeper, error.constData());

    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.takeFirst().at(0).toLongLong(), *exited);
    QCOMPARE(table.takeStatus(*sleeper)->exited, false);
    QCOMPARE(::kill(pid_t(*sleeper), SIGKILL), 0);
    QVERIFY(finished.wait(20000));

    const std::optional<ExecProcessTable::Status> status = table.takeStatus(*exited);
    QVERIFY(status && status->exited);
    QCOMPARE(status->exitCode, std::optional<int>(7));
    QCOMPARE(status->signal, std::optional<int>());
    QCOMPARE(status->out, QByteArray("out"));
    QCOMPARE(status->err, QByteArray("err"));
    QVERIFY(!table.takeStatus(*exited));

    const std::optional<ExecProcessTable::Status> killed = table.takeStatus(*sleeper);
    QVERIFY(killed && killed->exited);
    QCOMPARE(killed->signal, std::optional<int>(SIGKILL));
    QCOMPARE(killed->exitCode, std::optional<int>());
}

void tst_ExecProcessTable::finishedRecordsCapped_data()
{
    addModes();
}

void tst_ExecProcessTable::finishedRecordsCapped()
{
    QFETCH(bool, usePidfd);
    ExecProcessTable::Options options;
    options.usePidfd = usePidfd;
    options.maxFinished = 2;
    ExecProcessTable table(options);
    QSignalSpy finished(&table, &ExecProcessTable::processFinished);
    QByteArray error;
    const std::optional<int64_t> running = table.start(command("sleep", {"1000"}), &error);
    QVERIFY(running);

    QList<int64_t> pids;
    for (int i = 0; i < 4; ++i) {
        // One at a time, so that they finish in this order.
        const std::optional<int64_t> pid = table.start(command("true"), &error);
        QVERIFY2(pid, error.constData());
        pids << *pid;
        QVERIFY(finished.wait(20000));
    }
    // The two that finished first are gone; the running one is never dropped.
    QVERIFY(!table.takeStatus(pids[0]));
    QVERIFY(!table.takeStatus(pids[1]));
    QCOMPARE(table.takeStatus(pids[2])->exitCode, std::optional<int>(0));
    QCOMPARE(table.takeStatus(pids[3])->exitCode, std::optional<int>(0));
    QCOMPARE(table.takeStatus(*running)->exited, false);
    ::kill(pid_t(*running), SIGKILL);
    QVERIFY(finished.wait(20000));
}

void tst_ExecProcessTable::finishedRecordsExpire_data()
{
    addModes();
}

void tst_ExecProcessTable::finishedRecordsExpire()
{
    QFETCH(bool, usePidfd);
    ExecProcessTable::Options options;
    options.usePidfd = usePidfd;
    options.maxFinishedAgeMs = -1;  // anything finished is already too old
    ExecProcessTable table(options);
    QSignalSpy finished(&table, &ExecProcessTable::processFinished);
    QByteArray error;
    const std::optional<int64_t> running = table.start(command("sleep", {"1000"}), &error);
    const std::optional<int64_t> done = table.start(command("true"), &error);
    QVERIFY(running && done);
    QVERIFY(finished.wait(20000));
    QVERIFY(!table.takeStatus(*done));
    QCOMPARE(table.takeStatus(*running)->exited, false);
    ::kill(pid_t(*running), SIGKILL);
    QVERIFY(finished.wait(20000));
    QVERIFY(!table.takeStatus(*running));
}

// Output of 1 MiB per process against a budget of 2.5 MiB: older finished records make room for
// newer output; with nothing left to drop, the running process's output is cut and marked.
void tst_ExecProcessTable::heldOutputBudget()
{
    ExecProcessTable::Options options;
    options.maxHeldOutput = 2 * 1024 * 1024 + 512 * 1024;
    ExecProcessTable table(options);
    QSignalSpy finished(&table, &ExecProcessTable::processFinished);
    QByteArray error;
    ExecProcessTable::Request mebibyte = command("head", {"-c", "1048576", "/dev/zero"});
    mebibyte.capture = ExecProcessTable::Capture::Stdout;
    QList<int64_t> pids;
    for (int i = 0; i < 3; ++i) {
        const std::optional<int64_t> pid = table.start(mebibyte, &error);
        QVERIFY2(pid, error.constData());
        pids << *pid;
        QVERIFY(finished.wait(20000));
        QVERIFY(table.heldOutput() <= options.maxHeldOutput);
    }
    // The third needed room: the first record went.
    QCOMPARE(table.heldOutput(), 2 * 1024 * 1024);
    QVERIFY(!table.takeStatus(pids[0]));
    QCOMPARE(table.heldOutput(), 2 * 1024 * 1024);

    // 3 MiB from one process while 1 MiB is held by another: the finished one is dropped first,
    // then the rest of the output is thrown away.
    ExecProcessTable::Request large = command("head", {"-c", "3145728", "/dev/zero"});
    large.capture = ExecProcessTable::Capture::Stdout;
    QCOMPARE(table.takeStatus(pids[1])->out.size(), 1024 * 1024);
    const std::optional<int64_t> big = table.start(large, &error);
    QVERIFY(big);
    QVERIFY(finished.wait(20000));
    QVERIFY(!table.takeStatus(pids[2]));
    const std::optional<ExecProcessTable::Status> status = table.takeStatus(*big);
    QVERIFY(status && status->exited);
    QCOMPARE(status->out.size(), options.maxHeldOutput);
    QVERIFY(status->outTruncated);
    QCOMPARE(table.heldOutput(), 0);
}

void tst_ExecProcessTable::runningProcessesCapped()
{
    ExecProcessTable::Options options;
    options.maxRunning = 3;
    ExecProcessTable table(options);
    QSignalSpy finished(&table, &ExecProcessTable::processFinished);
    QByteArray error;
    QList<int64_t> pids;
    for (int i = 0; i < 3; ++i) {
        const std::optional<int64_t> pid = table.start(command("sleep", {"1000"}), &error);
        QVERIFY2(pid, error.constData());
        pids << *pid;
    }
    QVERIFY(!table.start(command("true"), &error));
    QCOMPARE(error, QByteArray("too many guest-exec processes running (3); wait until some have exited"));
    ::kill(pid_t(pids[0]), SIGKILL);
    QVERIFY(finished.wait(20000));
    // A finished record does not count against the running ones.
    const std::optional<int64_t> next = table.start(command("sleep", {"1000"}), &error);
    QVERIFY2(next, error.constData());
    pids << *next;
    for (int64_t pid : pids.mid(1))
        ::kill(pid_t(pid), SIGKILL);
    QTRY_COMPARE_WITH_TIMEOUT(table.runningCount(), 0, 20000);
}

QTEST_GUILESS_MAIN(tst_ExecProcessTable)
#include "tst_execprocesstable.moc"
