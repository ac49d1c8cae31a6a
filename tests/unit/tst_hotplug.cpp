// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// vCPU and memory block hot-(un)plug against fake sysfs trees. The real
// /sys is never written: every tree lives in a temporary directory.
#include "engines/hotplug.h"
#include "jsonwriter.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace qtga;

Q_DECLARE_METATYPE(qtga::JsonValue)

namespace {

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        qFatal("cannot write fixture %s", qPrintable(path));
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
}

// readdir order is the filesystem's: compare sorted by the index key.
QByteArray sortedJson(JsonValue list, const QByteArray &key)
{
    std::sort(list.items().begin(), list.items().end(), [&key](const JsonValue &a, const JsonValue &b) {
        return a.value(key)->toUInt() < b.value(key)->toUInt();
    });
    return toJson(list);
}

QDateTime modified(const QString &path)
{
    return QFileInfo(path).lastModified();
}

void setOld(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite)
        || !file.setFileTime(QDateTime(QDate(2000, 1, 1), QTime(0, 0), Qt::UTC), QFileDevice::FileModificationTime))
        qFatal("cannot age %s", qPrintable(path));
}

JsonValue vcpu(int64_t id, bool online)
{
    JsonValue v = JsonValue::object();
    v.insert("logical-id", id);
    v.insert("online", online);
    return v;
}

JsonValue block(uint64_t index, bool online)
{
    JsonValue v = JsonValue::object();
    v.insert("phys-index", index);
    v.insert("online", online);
    return v;
}

JsonValue listOf(std::initializer_list<JsonValue> items)
{
    return JsonValue(JsonValue::Array(items));
}

} // namespace

class tst_Hotplug : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();

    void listVcpus();
    void listVcpusErrors_data();
    void listVcpusErrors();
    void setVcpusChangesOnlyWhatDiffers();
    void setVcpus_data();
    void setVcpus();

    void listMemoryBlocks();
    void listMemoryBlocksWithoutSysfs();
    void listMemoryBlocksErrors_data();
    void listMemoryBlocksErrors();
    void setMemoryBlocks();
    void setMemoryBlocksWithoutSysfs();
    void memoryBlockInfo_data();
    void memoryBlockInfo();

private:
    QString cpuDir() const { return m_dir->path() + QStringLiteral("/cpu"); }
    QString memoryDir() const { return m_dir->path() + QStringLiteral("/memory/"); }
    CpuHotplug cpus() const { return CpuHotplug(QFile::encodeName(cpuDir())); }
    MemoryHotplug memory() const { return MemoryHotplug(QFile::encodeName(memoryDir())); }
    void buildCpuTree();
    void buildMemoryTree();

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_Hotplug::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_Hotplug::buildCpuTree()
{
    // cpu0 has no online file (it cannot be taken offline), like on most x86 guests.
    QDir().mkpath(cpuDir() + "/cpu0/topology");
    writeFile(cpuDir() + "/cpu1/online", "1\n");
    writeFile(cpuDir() + "/cpu2/online", "0\n");
    QDir().mkpath(cpuDir() + "/cpufreq");
    QDir().mkpath(cpuDir() + "/cpuidle");
    writeFile(cpuDir() + "/online", "0-1\n");
    writeFile(cpuDir() + "/possible", "0-2\n");
}

void tst_Hotplug::listVcpus()
{
    buildCpuTree();
    const CommandOutcome outcome = cpus().list();
    QVERIFY(!outcome.isError());
    QCOMPARE(sortedJson(outcome.value(), "logical-id"),
             QByteArray("[{\"online\": true, \"can-offline\": false, \"logical-id\": 0}, "
                        "{\"online\": true, \"can-offline\": true, \"logical-id\": 1}, "
                        "{\"online\": false, \"can-offline\": true, \"logical-id\": 2}]"));
}

void tst_Hotplug::listVcpusErrors_data()
{
    QTest::addColumn<QString>("setup");  // what cpu3 looks like
    QTest::addColumn<QString>("error");  // %1: the cpu directory
    QTest::newRow("online is a directory") << "dir" << "pread(\"%1/cpu3//online\"): Is a directory";
    QTest::newRow("online is empty") << "empty" << "pread(\"%1/cpu3//online\"): unexpected EOF";
    QTest::newRow("cpu3 is a file") << "file" << "Could not open '%1/cpu3/': Not a directory";
    QTest::newRow("no cpu directory") << "none" << "failed to list entries: %1: No such file or directory";
}

void tst_Hotplug::listVcpusErrors()
{
    QFETCH(QString, setup);
    QFETCH(QString, error);
    if (setup != QLatin1String("none"))
        buildCpuTree();
    if (setup == QLatin1String("dir"))
        QDir().mkpath(cpuDir() + "/cpu3/online");
    else if (setup == QLatin1String("empty"))
        writeFile(cpuDir() + "/cpu3/online", "");
    else if (setup == QLatin1String("file"))
        writeFile(cpuDir() + "/cpu3", "");
    const CommandOutcome outcome = cpus().list();
    QVERIFY(outcome.isError());
    QCOMPARE(QString::fromUtf8(outcome.error().desc), QString(error).replace(QLatin1String("%1"), cpuDir()));
}

void tst_Hotplug::setVcpusChangesOnlyWhatDiffers()
{
    buildCpuTree();
    setOld(cpuDir() + "/cpu1/online");
    setOld(cpuDir() + "/cpu2/online");
    const QDateTime before = modified(cpuDir() + "/cpu1/online");
    const CommandOutcome outcome = cpus().apply(listOf({vcpu(1, true), vcpu(2, true), vcpu(0, true)}));
    QVERIFY(!outcome.isError());
    QCOMPARE(outcome.value().toInt(), int64_t(3));
    // cpu1 was online already: not written at all. cpu2 was brought online.
    QCOMPARE(modified(cpuDir() + "/cpu1/online"), before);
    QCOMPARE(readFile(cpuDir() + "/cpu2/online"), QByteArray("1\n"));
}

void tst_Hotplug::setVcpus_data()
{
    QTest::addColumn<JsonValue>("vcpus");
    QTest::addColumn<QString>("error");  // empty: success with `count`
    QTest::addColumn<int>("count");
    QTest::addColumn<QByteArray>("cpu1");  // cpu1/online afterwards

    QTest::newRow("empty list") << listOf({}) << QString() << 0 << QByteArray("1\n");
    QTest::newRow("offline") << listOf({vcpu(1, false)}) << QString() << 1 << QByteArray("0\n");
    QTest::newRow("cpu0 cannot go offline") << listOf({vcpu(0, false), vcpu(1, false)})
                                            << "logical processor #0 can't be offlined" << 0 << QByteArray("1\n");
    QTest::newRow("stops at the first failure, counting what was done")
        << listOf({vcpu(1, false), vcpu(9, true), vcpu(2, true)}) << QString() << 1 << QByteArray("0\n");
    QTest::newRow("no such cpu first") << listOf({vcpu(9, true), vcpu(1, false)})
                                       << "Could not open '%1/cpu9/': No such file or directory" << 0
                                       << QByteArray("1\n");
}

void tst_Hotplug::setVcpus()
{
    QFETCH(JsonValue, vcpus);
    QFETCH(QString, error);
    QFETCH(int, count);
    QFETCH(QByteArray, cpu1);
    buildCpuTree();
    const CommandOutcome outcome = cpus().apply(vcpus);
    QCOMPARE(outcome.isError(), !error.isEmpty());
    if (outcome.isError())
        QCOMPARE(QString::fromUtf8(outcome.error().desc), QString(error).replace(QLatin1String("%1"), cpuDir()));
    else
        QCOMPARE(outcome.value().toInt(), int64_t(count));
    QCOMPARE(readFile(cpuDir() + "/cpu1/online"), cpu1);
    // Nothing touched cpu2 past the failure.
    QCOMPARE(readFile(cpuDir() + "/cpu2/online"), QByteArray("0\n"));
}

void tst_Hotplug::buildMemoryTree()
{
    writeFile(memoryDir() + "block_size_bytes", "8000000\n");
    writeFile(memoryDir() + "auto_online_blocks", "online\n");
    writeFile(memoryDir() + "memory0/state", "online\n");
    writeFile(memoryDir() + "memory0/removable", "1\n");
    writeFile(memoryDir() + "memory1/state", "offline\n");
    writeFile(memoryDir() + "memory1/removable", "0\n");
    writeFile(memoryDir() + "memory2/state", "online-movable\n");  // no removable file
    QDir().mkpath(memoryDir() + "memory3");                        // no state file
    QDir().mkpath(memoryDir() + "power");
    writeFile(memoryDir() + "memoryfile", "not a block\n");
}

void tst_Hotplug::listMemoryBlocks()
{
    buildMemoryTree();
    const CommandOutcome outcome = memory().list();
    QVERIFY2(!outcome.isError(), outcome.isError() ? outcome.error().desc.constData() : "");
    QCOMPARE(sortedJson(outcome.value(), "phys-index"),
             QByteArray("[{\"online\": true, \"can-offline\": true, \"phys-index\": 0}, "
                        "{\"online\": false, \"can-offline\": false, \"phys-index\": 1}, "
                        "{\"online\": true, \"can-offline\": false, \"phys-index\": 2}, "
                        "{\"online\": true, \"can-offline\": false, \"phys-index\": 3}]"));
}

void tst_Hotplug::listMemoryBlocksWithoutSysfs()
{
    // No memory hotplug in the kernel: an empty answer, not an error.
    const CommandOutcome outcome = memory().list();
    QVERIFY(!outcome.isError());
    QCOMPARE(toJson(outcome.value()), QByteArray("[]"));
}

void tst_Hotplug::listMemoryBlocksErrors_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("error");
    QTest::newRow("no blocks") << "empty" << "guest reported zero memory blocks!";
    QTest::newRow("state unreadable") << "state-dir" << "pread sysfs file \"state\": Is a directory";
    QTest::newRow("removable unreadable") << "removable-dir" << "pread sysfs file \"removable\": Is a directory";
    QTest::newRow("state empty") << "state-empty" << "pread sysfs file \"state\": unexpected EOF";
}

void tst_Hotplug::listMemoryBlocksErrors()
{
    QFETCH(QString, setup);
    QFETCH(QString, error);
    if (setup == QLatin1String("empty")) {
        writeFile(memoryDir() + "block_size_bytes", "8000000\n");
    } else {
        buildMemoryTree();
        if (setup == QLatin1String("state-dir"))
            QDir().mkpath(memoryDir() + "memory3/state");
        else if (setup == QLatin1String("removable-dir"))
            QDir().mkpath(memoryDir() + "memory2/removable");
        else
            writeFile(memoryDir() + "memory3/state", "");
    }
    const CommandOutcome outcome = memory().list();
    QVERIFY(outcome.isError());
    QCOMPARE(QString::fromUtf8(outcome.error().desc), error);
}

void tst_Hotplug::setMemoryBlocks()
{
    buildMemoryTree();
    QDir().mkpath(memoryDir() + "memory4/state");  // unreadable state
    const CommandOutcome outcome = memory().apply(listOf({
        block(0, true),   // already online: nothing written
        block(1, true),   // brought online
        block(9, true),   // no such block
        block(3, false),  // no state file: cannot offline
        block(3, true),   // no state file, online wanted: qemu-ga says success but keeps the errno
        block(4, false),  // state unreadable
        block(0, false),  // taken offline
    }));
    QVERIFY(!outcome.isError());
    QCOMPARE(toJson(outcome.value()),
             QByteArray("[{\"response\": \"success\", \"phys-index\": 0}, "
                        "{\"response\": \"success\", \"phys-index\": 1}, "
                        "{\"response\": \"not-found\", \"error-code\": 2, \"phys-index\": 9}, "
                        "{\"response\": \"operation-not-supported\", \"error-code\": 2, \"phys-index\": 3}, "
                        "{\"response\": \"success\", \"error-code\": 2, \"phys-index\": 3}, "
                        "{\"response\": \"operation-failed\", \"error-code\": 21, \"phys-index\": 4}, "
                        "{\"response\": \"success\", \"phys-index\": 0}]"));
    QVERIFY(readFile(memoryDir() + "memory1/state").startsWith("online"));
    QCOMPARE(readFile(memoryDir() + "memory0/state"), QByteArray("offline"));
}

void tst_Hotplug::setMemoryBlocksWithoutSysfs()
{
    const CommandOutcome outcome = memory().apply(listOf({block(0, false)}));
    QVERIFY(!outcome.isError());
    QCOMPARE(toJson(outcome.value()),
             QByteArray("[{\"response\": \"operation-not-supported\", \"error-code\": 2, \"phys-index\": 0}]"));
}

void tst_Hotplug::memoryBlockInfo_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QByteArray>("expected");  // the answer or the error text (%1: memory dir)
    QTest::newRow("128 MiB") << "8000000\n" << QByteArray("{\"size\": 134217728}");
    QTest::newRow("2 GiB") << "80000000" << QByteArray("{\"size\": 2147483648}");
    QTest::newRow("empty") << "" << QByteArray("pread sysfs file \"block_size_bytes\": unexpected EOF");
    QTest::newRow("no file") << "<none>"
                             << QByteArray("open sysfs file \"block_size_bytes\": No such file or directory");
    QTest::newRow("no directory") << "<nodir>" << QByteArray("open(\"%1\"): No such file or directory");
}

void tst_Hotplug::memoryBlockInfo()
{
    QFETCH(QString, setup);
    QFETCH(QByteArray, expected);
    if (setup == QLatin1String("<none>"))
        QDir().mkpath(memoryDir());
    else if (setup != QLatin1String("<nodir>"))
        writeFile(memoryDir() + "block_size_bytes", setup.toLatin1());
    const CommandOutcome outcome = memory().blockInfo();
    const QByteArray text = outcome.isError() ? outcome.error().desc : toJson(outcome.value());
    QCOMPARE(QString::fromUtf8(text), QString::fromUtf8(expected).replace(QLatin1String("%1"), memoryDir()));
}

QTEST_APPLESS_MAIN(tst_Hotplug)
#include "tst_hotplug.moc"
