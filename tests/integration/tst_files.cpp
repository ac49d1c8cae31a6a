// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-file-* over the wire against the real agent.
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

QJsonObject handleArgs(qint64 handle)
{
    return {{QStringLiteral("handle"), handle}};
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

void writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(data), data.size());
}

} // namespace

class tst_Files : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyMode_data();
    void everyMode();
    void invalidMode();
    void openMissingFile();
    void newFileGetsMode0666();
    void existingFileKeepsItsMode();
    void relativePathIsAgentCwd();
    void unknownHandle_data();
    void unknownHandle();
    void handlesOutliveConnections();
    void handleNumbersSurviveRestart();
    void openHandlesCapped();
    void negativeHandleCounterRefused_data();
    void negativeHandleCounterRefused();
    void writeThenReadAtEnd();
    void eofLikeStdio();
    void readAfterWriteFlushes();
    void writeAfterReadSeeks();
    void readCount_data();
    void readCount();
    void readCap48MiB();
    void writeCount_data();
    void writeCount();
    void invalidBase64();
    void seek_data();
    void seek();
    void flushMakesDataVisible();
    void closeTwice();
    void fifoNeverBlocks();
    void fifoWithoutReaderFailsToOpen();

private:
    qint64 open(const QString &path, const char *mode);
    QString path(const QString &name) const { return m_files.filePath(name); }

    AgentProcess m_agent;
    QgaClient m_client;
    QTemporaryDir m_files;
};

void tst_Files::initTestCase()
{
    QVERIFY(m_files.isValid());
    QVERIFY(m_agent.start());
    QVERIFY(m_client.connectTo(m_agent.socketPath()));
}

qint64 tst_Files::open(const QString &file, const char *mode)
{
    const Reply r = call(m_client, "guest-file-open", {{"path", file}, {"mode", QLatin1String(mode)}});
    if (!r.ok()) {
        qWarning("open %s (%s): %s", qPrintable(file), mode, r.raw.constData());
        return -1;
    }
    return r.value().toInteger();
}

void tst_Files::everyMode_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<bool>("exists");
    QTest::addColumn<QString>("readResult");   // data read, or "error"
    QTest::addColumn<bool>("writable");
    QTest::addColumn<QByteArray>("content");   // after writing "XY" and closing
    const auto rows = [](const char *mode, const char *existing, bool writableExisting, const char *after,
                         const char *absentRead, const char *absentAfter) {
        QTest::addRow("%s existing", mode) << mode << true << existing << writableExisting << QByteArray(after);
        if (absentRead)
            QTest::addRow("%s absent", mode) << mode << false << absentRead << true << QByteArray(absentAfter);
    };
    for (const char *m : {"r", "rb"})
        rows(m, "hello", false, "hello", nullptr, nullptr);
    for (const char *m : {"w", "wb"})
        rows(m, "error", true, "XY", "error", "XY");
    for (const char *m : {"a", "ab"})
        rows(m, "error", true, "helloXY", "error", "XY");
    for (const char *m : {"r+", "rb+", "r+b"})
        rows(m, "hello", true, "helloXY", nullptr, nullptr);
    for (const char *m : {"w+", "wb+", "w+b"})
        rows(m, "", true, "XY", "", "XY");
    for (const char *m : {"a+", "ab+", "a+b"})
        rows(m, "hello", true, "helloXY", "", "XY");
}

void tst_Files::everyMode()
{
    QFETCH(QString, mode);
    QFETCH(bool, exists);
    QFETCH(QString, readResult);
    QFETCH(bool, writable);
    QFETCH(QByteArray, content);
    const QString file = path(QStringLiteral("mode-%1-%2").arg(mode, exists ? "e" : "a"));
    QFile::remove(file);
    if (exists)
        writeFile(file, "hello");

    const Reply opened = call(m_client, "guest-file-open", {{"path", file}, {"mode", mode}});
    if (!exists && (mode.startsWith('r'))) {
        QCOMPARE(opened.error(), QStringLiteral("failed to open file '%1' (mode: '%2'): No such file or directory").arg(file, mode));
        return;
    }
    QVERIFY2(opened.ok(), opened.raw.constData());
    const qint64 handle = opened.value().toInteger();

    const Reply read = call(m_client, "guest-file-read", handleArgs(handle));
    if (readResult == QLatin1String("error")) {
        QCOMPARE(read.error(), QStringLiteral("failed to read file: Bad file descriptor"));
    } else {
        QVERIFY2(read.ok(), read.raw.constData());
        QCOMPARE(unb64(read.result().value("buf-b64")), readResult.toLatin1());
        QCOMPARE(read.result().value("eof").toBool(), true);
    }
    QJsonObject writeArgs = handleArgs(handle);
    writeArgs.insert("buf-b64", b64("XY"));
    const Reply written = call(m_client, "guest-file-write", writeArgs);
    if (writable) {
        QVERIFY2(written.ok(), written.raw.constData());
        QCOMPARE(written.result().value("count").toInt(), 2);
    } else {
        QCOMPARE(written.error(), QStringLiteral("failed to write to file: Bad file descriptor"));
    }
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
    QCOMPARE(readFile(file), content);
}

void tst_Files::invalidMode()
{
    for (const char *mode : {"rw", "", "r+x", "rb+b", "x"}) {
        const Reply r = call(m_client, "guest-file-open", {{"path", path("never")}, {"mode", QLatin1String(mode)}});
        QCOMPARE(r.error(), QStringLiteral("invalid file open mode '%1'").arg(QLatin1String(mode)));
    }
    QVERIFY(!QFile::exists(path("never")));
}

void tst_Files::openMissingFile()
{
    const Reply r = call(m_client, "guest-file-open", {{"path", "/nonexistent/qtga/x"}});
    QCOMPARE(r.errorClass(), QStringLiteral("GenericError"));
    QCOMPARE(r.error(), QStringLiteral("failed to open file '/nonexistent/qtga/x' (mode: 'r'): No such file or directory"));
}

void tst_Files::newFileGetsMode0666()
{
    const QString file = path("new-0666");
    const qint64 handle = open(file, "w");
    QVERIFY(handle >= 0);
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(file).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, mode_t(0666));
}

void tst_Files::existingFileKeepsItsMode()
{
    const QString file = path("keep-0600");
    writeFile(file, "x");
    QCOMPARE(::chmod(QFile::encodeName(file).constData(), 0600), 0);
    const qint64 handle = open(file, "a+");
    QVERIFY(handle >= 0);
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(file).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, mode_t(0600));
}

void tst_Files::relativePathIsAgentCwd()
{
    const qint64 handle = open(QStringLiteral("relative.txt"), "w");
    QVERIFY(handle >= 0);
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
    QVERIFY(QFile::exists(m_agent.dir() + "/relative.txt"));
}

void tst_Files::unknownHandle_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<QJsonObject>("extra");
    QTest::newRow("read") << QByteArray("guest-file-read") << QJsonObject{};
    QTest::newRow("read with bad count") << QByteArray("guest-file-read") << QJsonObject{{"count", -5}};
    QTest::newRow("write") << QByteArray("guest-file-write") << QJsonObject{{"buf-b64", "!!"}};
    QTest::newRow("seek") << QByteArray("guest-file-seek") << QJsonObject{{"offset", 0}, {"whence", 9}};
    QTest::newRow("flush") << QByteArray("guest-file-flush") << QJsonObject{};
    QTest::newRow("close") << QByteArray("guest-file-close") << QJsonObject{};
}

void tst_Files::unknownHandle()
{
    QFETCH(QByteArray, command);
    QFETCH(QJsonObject, extra);
    QJsonObject args = extra;
    args.insert("handle", 123456789);
    // The handle is looked up before anything else is checked.
    const Reply r = call(m_client, command.constData(), args);
    QCOMPARE(r.error(), QStringLiteral("handle '123456789' has not been found"));
}

void tst_Files::handlesOutliveConnections()
{
    const QString file = path("outlive");
    writeFile(file, "persist");
    const qint64 handle = open(file, "r");
    QVERIFY(handle >= 0);
    QgaClient other;
    m_client.close();
    QVERIFY(other.connectTo(m_agent.socketPath()));
    const Reply read = call(other, "guest-file-read", handleArgs(handle));
    QCOMPARE(unb64(read.result().value("buf-b64")), QByteArray("persist"));
    QVERIFY(call(other, "guest-file-close", handleArgs(handle)).ok());
    other.close();
    QVERIFY(m_client.connectTo(m_agent.socketPath()));
}

void tst_Files::handleNumbersSurviveRestart()
{
    AgentProcess agent;
    QVERIFY(agent.start());
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    const QString file = agent.dir() + "/numbered";
    writeFile(file, "n");
    const auto openHandle = [&] {
        return call(client, "guest-file-open", {{"path", file}}).value().toInteger(-1);
    };
    QCOMPARE(openHandle(), 1000);
    QCOMPARE(openHandle(), 1001);
    // A failed open takes no number.
    QVERIFY(!call(client, "guest-file-open", {{"path", file}, {"mode", "bad"}}).ok());
    QCOMPARE(readFile(agent.stateDir() + "/qga.state"), QByteArray("[global]\nfd_counter=1002\n"));

    client.close();
    QCOMPARE(agent.stop(SIGTERM), 0);
    QVERIFY(agent.start());
    QVERIFY(client.connectTo(agent.socketPath()));
    QCOMPARE(openHandle(), 1002);
    // Handles of the previous instance are gone and their numbers are never handed out again.
    QCOMPARE(call(client, "guest-file-read", handleArgs(1000)).error(), QStringLiteral("handle '1000' has not been found"));
}

void tst_Files::openHandlesCapped()
{
    // 512 handles at most, then a clear error before anything is opened or created; closing one
    // makes room again. (No audit lines: nobody reads the agent's stderr pipe until the end.)
    AgentProcess agent;
    QVERIFY(agent.start({QStringLiteral("--no-audit")}));
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    const QString file = agent.dir() + "/many";
    writeFile(file, "x");
    QList<qint64> handles;
    for (int i = 0; i < 512; ++i) {
        const Reply r = call(client, "guest-file-open", {{"path", file}});
        QVERIFY2(r.ok(), (r.raw + " at handle " + QByteArray::number(i)).constData());
        handles << r.value().toInteger();
    }
    const QString created = agent.dir() + "/not-created";
    const Reply refused = call(client, "guest-file-open", {{"path", created}, {"mode", "w"}});
    QCOMPARE(refused.error(), QStringLiteral("failed to open file '%1' (mode: 'w'): 512 guest-file handles are open, close some first").arg(created));
    QVERIFY(!QFile::exists(created));
    QVERIFY(call(client, "guest-file-close", handleArgs(handles.takeFirst())).ok());
    const Reply again = call(client, "guest-file-open", {{"path", created}, {"mode", "w"}});
    QVERIFY2(again.ok(), again.raw.constData());
    QVERIFY(QFile::exists(created));
    QCOMPARE(call(client, "guest-ping").raw, QByteArray("{\"return\": {}}"));
}

void tst_Files::negativeHandleCounterRefused_data()
{
    QTest::addColumn<QByteArray>("counter");
    QTest::newRow("negative") << QByteArray("-5");
    QTest::newRow("largest") << QByteArray("9223372036854775807");
}

void tst_Files::negativeHandleCounterRefused()
{
    // qemu-ga would hand out negative handles, or abort at the end of the range; a damaged or
    // planted state file stops the start instead.
    QFETCH(QByteArray, counter);
    AgentProcess agent;
    QVERIFY(QDir().mkpath(agent.stateDir()));
    writeFile(agent.stateDir() + "/qga.state", "[global]\nfd_counter=" + counter + "\n");
    QVERIFY(!agent.start({}, 5000));
    QVERIFY(agent.process().waitForFinished(5000));
    QCOMPARE(agent.process().exitCode(), 1);
    const QByteArray err = agent.standardError();
    QVERIFY2(err.contains("fd_counter " + counter + " is out of range"), err.constData());
}

void tst_Files::writeThenReadAtEnd()
{
    const QString file = path("w-plus");
    const qint64 handle = open(file, "w+");
    QJsonObject writeArgs = handleArgs(handle);
    writeArgs.insert("buf-b64", b64("Hello, World!\n"));
    const Reply written = call(m_client, "guest-file-write", writeArgs);
    QCOMPARE(written.result(), (QJsonObject{{"count", 14}, {"eof", false}}));

    // The position is at the end; the implicit flush puts the data on disk.
    const Reply atEnd = call(m_client, "guest-file-read", handleArgs(handle));
    QCOMPARE(atEnd.raw, QByteArray(R"({"return": {"count": 0, "buf-b64": "", "eof": true}})"));
    QCOMPARE(readFile(file), QByteArray("Hello, World!\n"));

    QJsonObject rewind = handleArgs(handle);
    rewind.insert("offset", 0);
    rewind.insert("whence", "set");
    QCOMPARE(call(m_client, "guest-file-seek", rewind).result(), (QJsonObject{{"position", 0}, {"eof", false}}));
    const Reply all = call(m_client, "guest-file-read", handleArgs(handle));
    QCOMPARE(all.result(), (QJsonObject{{"count", 14}, {"buf-b64", b64("Hello, World!\n")}, {"eof", true}}));
    const Reply again = call(m_client, "guest-file-read", handleArgs(handle));
    QCOMPARE(again.result(), (QJsonObject{{"count", 0}, {"buf-b64", ""}, {"eof", true}}));
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
}

void tst_Files::eofLikeStdio()
{
    const QString file = path("fourteen");
    writeFile(file, "0123456789abcd");
    const qint64 handle = open(file, "r");
    QJsonObject exact = handleArgs(handle);
    exact.insert("count", 14);
    // Exactly the file's size: stdio has not met the end yet.
    QCOMPARE(call(m_client, "guest-file-read", exact).result().value("eof").toBool(), false);
    exact.insert("count", 0);
    QCOMPARE(call(m_client, "guest-file-read", exact).result(), (QJsonObject{{"count", 0}, {"buf-b64", ""}, {"eof", false}}));
    exact.insert("count", 1);
    QCOMPARE(call(m_client, "guest-file-read", exact).result(), (QJsonObject{{"count", 0}, {"buf-b64", ""}, {"eof", true}}));
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
}

void tst_Files::readAfterWriteFlushes()
{
    const QString file = path("raw");
    writeFile(file, "hello world");
    const qint64 handle = open(file, "r+");
    QJsonObject writeArgs = handleArgs(handle);
    writeArgs.insert("buf-b64", b64("HE"));
    QVERIFY(call(m_client, "guest-file-write", writeArgs).ok());
    const Reply read = call(m_client, "guest-file-read", handleArgs(handle));
    QCOMPARE(unb64(read.result().value("buf-b64")), QByteArray("llo world"));
    QCOMPARE(readFile(file), QByteArray("HEllo world"));
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
}

void tst_Files::writeAfterReadSeeks()
{
    const QString file = path("war");
    writeFile(file, "hello world");
    const qint64 handle = open(file, "r+");
    QJsonObject readArgs = handleArgs(handle);
    readArgs.insert("count", 2);
    QCOMPARE(unb64(call(m_client, "guest-file-read", readArgs).result().value("buf-b64")), QByteArray("he"));
    // stdio has buffered the whole file; the write still lands right after what was read.
    QJsonObject writeArgs = handleArgs(handle);
    writeArgs.insert("buf-b64", b64("XY"));
    QVERIFY(call(m_client, "guest-file-write", writeArgs).ok());
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
    QCOMPARE(readFile(file), QByteArray("heXYo world"));
}

void tst_Files::readCount_data()
{
    QTest::addColumn<qint64>("count");
    QTest::addColumn<QString>("error");
    QTest::newRow("negative") << qint64(-1) << "value '-1' is invalid for argument count";
    QTest::newRow("past 48 MiB") << qint64(50331649) << "value '50331649' is invalid for argument count";
    QTest::newRow("one") << qint64(1) << QString();
    QTest::newRow("zero") << qint64(0) << QString();
}

void tst_Files::readCount()
{
    QFETCH(qint64, count);
    QFETCH(QString, error);
    const QString file = path("count");
    writeFile(file, "abc");
    const qint64 handle = open(file, "r");
    QJsonObject args = handleArgs(handle);
    args.insert("count", count);
    const Reply r = call(m_client, "guest-file-read", args);
    if (error.isEmpty()) {
        QVERIFY2(r.ok(), r.raw.constData());
        QCOMPARE(r.result().value("count").toInteger(), count);
    } else {
        QCOMPARE(r.error(), error);
    }
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
}

void tst_Files::readCap48MiB()
{
    constexpr qint64 cap = 48 * 1024 * 1024;
    const QString file = path("big");
    QByteArray data(cap + 3, Qt::Uninitialized);
    for (qsizetype i = 0; i < data.size(); ++i)
        data[i] = char((i * 7919) >> 3);
    writeFile(file, data);
    const qint64 handle = open(file, "r");
    QJsonObject args = handleArgs(handle);
    args.insert("count", cap);
    const Reply big = call(m_client, "guest-file-read", args, 60000);
    QVERIFY2(big.ok(), big.raw.left(200).constData());
    QCOMPARE(big.result().value("count").toInteger(), cap);
    QCOMPARE(big.result().value("eof").toBool(), false);
    QVERIFY(unb64(big.result().value("buf-b64")) == data.left(cap));
    const Reply rest = call(m_client, "guest-file-read", args, 60000);
    QCOMPARE(unb64(rest.result().value("buf-b64")), data.mid(cap));
    QCOMPARE(rest.result().value("eof").toBool(), true);
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
    QFile::remove(file);

    // Writes are bounded by the 64 MiB request limit instead: 32 MiB fit in one request.
    constexpr qint64 writeSize = 32 * 1024 * 1024;
    const qint64 out = open(file, "w");
    QJsonObject writeArgs = handleArgs(out);
    writeArgs.insert("buf-b64", b64(data.left(writeSize)));
    const Reply written = call(m_client, "guest-file-write", writeArgs, 60000);
    QCOMPARE(written.result().value("count").toInteger(), writeSize);
    QVERIFY(call(m_client, "guest-file-close", handleArgs(out)).ok());
    QVERIFY(readFile(file) == data.left(writeSize));
    QFile::remove(file);
}

void tst_Files::writeCount_data()
{
    QTest::addColumn<qint64>("count");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("absent: all") << qint64(-100) << QString() << QByteArray("abcdef");
    QTest::newRow("part") << qint64(2) << QString() << QByteArray("ab");
    QTest::newRow("zero") << qint64(0) << QString() << QByteArray();
    QTest::newRow("all") << qint64(6) << QString() << QByteArray("abcdef");
    QTest::newRow("too many") << qint64(7) << "value '7' is invalid for argument count" << QByteArray();
    QTest::newRow("negative") << qint64(-1) << "value '-1' is invalid for argument count" << QByteArray();
}

void tst_Files::writeCount()
{
    QFETCH(qint64, count);
    QFETCH(QString, error);
    QFETCH(QByteArray, content);
    const QString file = path("wcount");
    const qint64 handle = open(file, "w");
    QJsonObject args = handleArgs(handle);
    args.insert("buf-b64", b64("abcdef"));
    if (count != -100)
        args.insert("count", count);
    const Reply r = call(m_client, "guest-file-write", args);
    if (error.isEmpty())
        QCOMPARE(r.result(), (QJsonObject{{"count", content.size()}, {"eof", false}}));
    else
        QCOMPARE(r.error(), error);
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
    QCOMPARE(readFile(file), content);
}

void tst_Files::invalidBase64()
{
    const QString file = path("b64");
    const qint64 handle = open(file, "w");
    for (const char *bad : {"YWJj$", "YW Jj", "YW\rJj", "\xc3\xa9"}) {
        QJsonObject args = handleArgs(handle);
        args.insert("buf-b64", QString::fromUtf8(bad));
        QCOMPARE(call(m_client, "guest-file-write", args).error(), QStringLiteral("Base64 data contains invalid characters"));
    }
    // GLib's decoder is lenient about padding and newlines.
    QJsonObject args = handleArgs(handle);
    args.insert("buf-b64", "QU=J\nQQ==");
    QCOMPARE(call(m_client, "guest-file-write", args).result().value("count").toInt(), 3);
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
    QCOMPARE(readFile(file), QByteArray("A\x09" "A"));
}

void tst_Files::seek_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<QJsonValue>("whence");
    QTest::addColumn<QString>("result");   // position, or the error text
    QTest::newRow("set") << qint64(3) << QJsonValue("set") << "3";
    QTest::newRow("0 = set") << qint64(4) << QJsonValue(0) << "4";
    QTest::newRow("cur") << qint64(2) << QJsonValue("cur") << "7";    // after reading 5 bytes
    QTest::newRow("1 = cur") << qint64(-1) << QJsonValue(1) << "4";
    QTest::newRow("end") << qint64(-2) << QJsonValue("end") << "9";
    QTest::newRow("2 = end") << qint64(5) << QJsonValue(2) << "16";    // past the end is allowed
    QTest::newRow("tell") << qint64(0) << QJsonValue("cur") << "5";
    QTest::newRow("whence 3") << qint64(0) << QJsonValue(3) << "invalid whence code 3";
    QTest::newRow("whence -1") << qint64(0) << QJsonValue(-1) << "invalid whence code -1";
    QTest::newRow("before start") << qint64(-1) << QJsonValue("set") << "failed to seek file: Invalid argument";
}

void tst_Files::seek()
{
    QFETCH(qint64, offset);
    QFETCH(QJsonValue, whence);
    QFETCH(QString, result);
    const QString file = path("seekable");
    writeFile(file, "0123456789a");
    const qint64 handle = open(file, "r");
    QJsonObject readArgs = handleArgs(handle);
    readArgs.insert("count", 5);
    QVERIFY(call(m_client, "guest-file-read", readArgs).ok());
    QJsonObject args = handleArgs(handle);
    args.insert("offset", offset);
    args.insert("whence", whence);
    const Reply r = call(m_client, "guest-file-seek", args);
    bool isNumber = false;
    const qint64 position = result.toLongLong(&isNumber);
    if (isNumber)
        QCOMPARE(r.result(), (QJsonObject{{"position", position}, {"eof", false}}));
    else
        QCOMPARE(r.error(), result);
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
}

void tst_Files::flushMakesDataVisible()
{
    const QString file = path("flush");
    const qint64 handle = open(file, "w");
    QJsonObject args = handleArgs(handle);
    args.insert("buf-b64", b64("buffered"));
    QVERIFY(call(m_client, "guest-file-write", args).ok());
    QCOMPARE(readFile(file), QByteArray());
    QCOMPARE(call(m_client, "guest-file-flush", handleArgs(handle)).raw, QByteArray(R"({"return": {}})"));
    QCOMPARE(readFile(file), QByteArray("buffered"));
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
}

void tst_Files::closeTwice()
{
    const qint64 handle = open(path("twice"), "w");
    QCOMPARE(call(m_client, "guest-file-close", handleArgs(handle)).raw, QByteArray(R"({"return": {}})"));
    QCOMPARE(call(m_client, "guest-file-close", handleArgs(handle)).error(),
             QStringLiteral("handle '%1' has not been found").arg(handle));
}

void tst_Files::fifoNeverBlocks()
{
    const QString fifo = path("fifo");
    const QByteArray native = QFile::encodeName(fifo);
    QCOMPARE(::mkfifo(native.constData(), 0600), 0);
    const qint64 handle = open(fifo, "r");
    QVERIFY(handle >= 0);
    const int writer = ::open(native.constData(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    QVERIFY(writer >= 0);
    // A writer but no data: the agent answers at once instead of waiting.
    QCOMPARE(call(m_client, "guest-file-read", handleArgs(handle)).error(),
             QStringLiteral("failed to read file: Resource temporarily unavailable"));
    QVERIFY(call(m_client, "guest-ping").ok());
    // stdio keeps reading until it has `count` bytes, so a short FIFO read is an error too
    // (and the bytes read so far are lost), exactly as in qemu-ga.
    QCOMPARE(::write(writer, "abc", 3), ssize_t(3));
    QCOMPARE(call(m_client, "guest-file-read", handleArgs(handle)).error(),
             QStringLiteral("failed to read file: Resource temporarily unavailable"));
    QCOMPARE(::write(writer, "abcdef", 6), ssize_t(6));
    QJsonObject three = handleArgs(handle);
    three.insert("count", 3);
    QCOMPARE(call(m_client, "guest-file-read", three).result(), (QJsonObject{{"count", 3}, {"buf-b64", b64("abc")}, {"eof", false}}));
    QCOMPARE(call(m_client, "guest-file-read", three).result(), (QJsonObject{{"count", 3}, {"buf-b64", b64("def")}, {"eof", false}}));
    QJsonObject seekArgs = handleArgs(handle);
    seekArgs.insert("offset", 0);
    seekArgs.insert("whence", "set");
    QCOMPARE(call(m_client, "guest-file-seek", seekArgs).error(), QStringLiteral("failed to seek file: Illegal seek"));
    ::close(writer);
    QCOMPARE(call(m_client, "guest-file-read", handleArgs(handle)).result(),
             (QJsonObject{{"count", 0}, {"buf-b64", ""}, {"eof", true}}));
    QVERIFY(call(m_client, "guest-file-close", handleArgs(handle)).ok());
}

void tst_Files::fifoWithoutReaderFailsToOpen()
{
    const QString fifo = path("fifo-w");
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const Reply r = call(m_client, "guest-file-open", {{"path", fifo}, {"mode", "w"}});
    QCOMPARE(r.error(), QStringLiteral("failed to open file '%1' (mode: 'w'): No such device or address").arg(fifo));
    QVERIFY(QFile::exists(fifo));  // it existed before, so it is not unlinked
}

QTEST_GUILESS_MAIN(tst_Files)
#include "tst_files.moc"
