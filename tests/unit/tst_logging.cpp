// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The log writer against a log file that cannot take more (a frozen filesystem stands behind it in
// real life; a full pipe here): pausing waits for a write under way, and nothing is written while
// paused, so no thread can be caught in write() once the filesystem freezes. And the lines on a
// stderr that is the journal: syslog priorities, no time stamps.
#include "process/logging.h"

#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>

#include <atomic>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace qtga;

namespace {

Q_LOGGING_CATEGORY(lcTest, "qtga.test")
Q_LOGGING_CATEGORY(lcNotice, "qtga.notice")

// Reads everything the pipe holds.
QByteArray drain(int fd)
{
    QByteArray all;
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
        all.append(buffer, n);
    return all;
}

} // namespace

class tst_Logging : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void pauseWaitsForAWriteUnderWay();
    void journalStreamGetsPriorities();
};

void tst_Logging::initTestCase()
{
    logging::install();
    logging::setVerbose(true);
}

void tst_Logging::pauseWaitsForAWriteUnderWay()
{
    int fds[2];
    QVERIFY(::pipe2(fds, O_CLOEXEC) == 0);
    QString error;
    QVERIFY2(logging::openLogFile(QStringLiteral("/proc/self/fd/%1").arg(fds[1]), &error), qPrintable(error));
    // Fill the pipe so that the next log line blocks in write().
    ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
    const QByteArray filler(4096, 'f');
    while (::write(fds[1], filler.constData(), size_t(filler.size())) > 0) {
    }
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);

    std::atomic<bool> written{false};
    QThread *writer = QThread::create([&] {
        qCWarning(lcTest, "a line that has to wait");
        written = true;
    });
    writer->start();
    QTest::qWait(200);
    QVERIFY(!written);

    std::atomic<bool> paused{false};
    QThread *pauser = QThread::create([&] {
        logging::setPaused(true);
        paused = true;
    });
    pauser->start();
    // Pausing must wait for the line under way: it may still reach the file.
    QTest::qWait(300);
    QVERIFY(!paused);
    QByteArray out;
    QVERIFY(QTest::qWaitFor([&] {
        out += drain(fds[0]);
        return paused.load();
    }, 5000));
    QVERIFY(writer->wait(5000));
    QVERIFY(pauser->wait(5000));
    QVERIFY(written);
    QTRY_VERIFY((out += drain(fds[0])).contains("a line that has to wait"));

    // Nothing is written while paused, from any thread.
    QThread *late = QThread::create([] { qCWarning(lcTest, "a line while paused"); });
    late->start();
    QVERIFY(late->wait(5000));
    qCWarning(lcTest, "another line while paused");
    QCOMPARE(drain(fds[0]), QByteArray());
    logging::setPaused(false);
    qCWarning(lcTest, "a line after the pause");
    QByteArray after;
    QTRY_VERIFY2((after += drain(fds[0])).contains("a line after the pause"), after.constData());

    delete writer;
    delete pauser;
    delete late;
    QVERIFY(logging::openLogFile(QString(), &error));
    ::close(fds[0]);
    ::close(fds[1]);
}

void tst_Logging::journalStreamGetsPriorities()
{
    QTemporaryFile file;
    QVERIFY(file.open());
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    QVERIFY(saved >= 0);
    QVERIFY(::dup2(file.handle(), STDERR_FILENO) == STDERR_FILENO);
    struct stat st;
    QVERIFY(::fstat(STDERR_FILENO, &st) == 0);
    // What systemd sets when stderr is its stream.
    qputenv("JOURNAL_STREAM", QByteArray::number(qulonglong(st.st_dev)) + ':' + QByteArray::number(qulonglong(st.st_ino)));
    logging::install();
    qCCritical(lcTest, "an error");
    qCWarning(lcTest, "a warning");
    qCInfo(lcNotice, "a notice");
    qCInfo(lcTest, "an info line");
    qCDebug(lcTest, "a debug line");
    // A stream that is not stderr's (stderr redirected after systemd started the agent).
    qputenv("JOURNAL_STREAM", QByteArray::number(qulonglong(st.st_dev)) + ':' + QByteArray::number(qulonglong(st.st_ino) + 1));
    logging::install();
    qCCritical(lcTest, "not the journal");
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    qunsetenv("JOURNAL_STREAM");
    logging::install();

    QFile written(file.fileName());
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = written.readAll().split('\n');
    QCOMPARE(lines.size(), 7);
    QCOMPARE(lines.at(0), QByteArray("<3>critical: an error"));
    QCOMPARE(lines.at(1), QByteArray("<4>warning: a warning"));
    QCOMPARE(lines.at(2), QByteArray("<5>message: a notice"));
    QCOMPARE(lines.at(3), QByteArray("<6>info: an info line"));
    QCOMPARE(lines.at(4), QByteArray("<7>debug: a debug line"));
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d+\\.\\d{6}: critical: not the journal$"))
                 .match(QString::fromLatin1(lines.at(5))).hasMatch(),
             lines.at(5).constData());
    QCOMPARE(lines.at(6), QByteArray());
}

QTEST_GUILESS_MAIN(tst_Logging)
#include "tst_logging.moc"
