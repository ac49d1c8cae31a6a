// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The read-only inventory commands over the wire, checked against what this machine's /proc and
// /sys say, plus the harmless corners of the state-changing
// commands: fsfreeze status, a thaw with nothing frozen, a refused shutdown mode. Nothing here
// freezes, trims, shuts down, suspends or changes CPUs or memory.
#include "agentharness.h"
#include "jsonwriter.h"
#include "qgaframer.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QTest>

#include <algorithm>

#include <unistd.h>

using namespace qtga;
using namespace qtga::test;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList entries(const QString &dir, const QString &pattern)
{
    return QDir(dir).entryList({pattern}, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System);
}

} // namespace

class tst_Inventory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void interfaces();
    void routes();
    void vcpus();
    void fsinfo();
    void disks();
    void memoryBlocks();
    void diskstats();
    void cpustats();
    void load();
    void fsfreezeStatusAndHarmlessThaw();
    void badShutdownMode();
    void argumentErrorsComeFirst_data();
    void argumentErrorsComeFirst();
    void infoListsEveryLinuxCommand();

private:
    // The parsed `return` of a command that must succeed.
    JsonValue result(const QByteArray &command);
    JsonValue answer(const QByteArray &request);

    std::unique_ptr<AgentProcess> m_agent;
    QgaClient m_client;
};

void tst_Inventory::initTestCase()
{
    m_agent = std::make_unique<AgentProcess>();
    QVERIFY(m_agent->start());
    QVERIFY(m_client.connectTo(m_agent->socketPath()));
}

JsonValue tst_Inventory::answer(const QByteArray &request)
{
    const QByteArray line = m_client.request(request, 20000);
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    framer.feed(line + "\n", events);
    if (events.size() != 1 || events.front().isError)
        return JsonValue();
    return events.front().value;
}

JsonValue tst_Inventory::result(const QByteArray &command)
{
    const JsonValue reply = answer("{\"execute\":\"" + command + "\"}");
    const JsonValue *value = reply.isObject() ? reply.value("return") : nullptr;
    if (!value) {
        qWarning("%s: %s", command.constData(), toJson(reply).constData());
        return JsonValue();
    }
    return *value;
}

void tst_Inventory::interfaces()
{
    const JsonValue list = result("guest-network-get-interfaces");
    QVERIFY(list.isArray());
    QSet<QString> names;
    bool sawLoopback = false;
    for (const JsonValue &iface : list.items()) {
        const QByteArray name = iface.value("name")->toString();
        names.insert(QString::fromUtf8(name));
        // Counters only come with an address.
        if (iface.contains("statistics"))
            QVERIFY2(iface.contains("ip-addresses"), name.constData());
        if (name != "lo")
            continue;
        sawLoopback = true;
        QCOMPARE(iface.value("hardware-address")->toString(), QByteArray("00:00:00:00:00:00"));
        QVERIFY(iface.contains("statistics"));
        bool sawIpv4 = false;
        for (const JsonValue &address : iface.value("ip-addresses")->items()) {
            if (address.value("ip-address")->toString() == "127.0.0.1") {
                sawIpv4 = true;
                QCOMPARE(address.value("ip-address-type")->toString(), QByteArray("ipv4"));
                QCOMPARE(address.value("prefix")->toInt(), int64_t(8));
            }
        }
        QVERIFY(sawIpv4);
    }
    QVERIFY(sawLoopback);
    // Every interface of this network namespace, once.
    QCOMPARE(int(names.size()), int(list.items().size()));
    const QStringList sysfs = entries("/sys/class/net", "*");
    QCOMPARE(names, QSet<QString>(sysfs.begin(), sysfs.end()));
}

void tst_Inventory::routes()
{
    const JsonValue list = result("guest-network-get-route");
    QVERIFY(list.isArray());
    const int ipv4 = int(readFile("/proc/net/route").trimmed().split('\n').size()) - 1;
    const QByteArray ipv6Text = readFile("/proc/net/ipv6_route").trimmed();
    const int ipv6 = ipv6Text.isEmpty() ? 0 : int(ipv6Text.split('\n').size());
    QCOMPARE(int(list.items().size()), ipv4 + ipv6);
    for (size_t i = 0; i < list.items().size(); ++i) {
        const JsonValue &route = list.items()[i];
        QCOMPARE(route.value("version")->toInt(), int64_t(i < size_t(ipv4) ? 4 : 6));
        QVERIFY(route.contains("iface") && route.contains("destination") && route.contains("metric"));
        QCOMPARE(route.contains("mask"), i < size_t(ipv4));
        QCOMPARE(route.contains("desprefixlen"), i >= size_t(ipv4));
    }
}

void tst_Inventory::vcpus()
{
    const JsonValue list = result("guest-get-vcpus");
    QVERIFY(list.isArray());
    const QStringList cpuDirs = entries("/sys/devices/system/cpu", "cpu[0-9]*");
    QCOMPARE(int(list.items().size()), int(cpuDirs.size()));
    int online = 0;
    for (const JsonValue &vcpu : list.items()) {
        const QString dir = QStringLiteral("/sys/devices/system/cpu/cpu%1").arg(vcpu.value("logical-id")->toInt());
        QVERIFY2(cpuDirs.contains(dir.section(u'/', -1)), qPrintable(dir));
        const bool hasOnlineFile = QFile::exists(dir + "/online");
        QCOMPARE(vcpu.value("can-offline")->toBool(), hasOnlineFile);
        if (hasOnlineFile)
            QCOMPARE(vcpu.value("online")->toBool(), readFile(dir + "/online").trimmed() != "0");
        online += vcpu.value("online")->toBool() ? 1 : 0;
    }
    QCOMPARE(online, int(sysconf(_SC_NPROCESSORS_ONLN)));
}

void tst_Inventory::fsinfo()
{
    const JsonValue list = result("guest-get-fsinfo");
    QVERIFY(list.isArray());
    bool sawRoot = false;
    for (const JsonValue &fs : list.items()) {
        QVERIFY(!fs.value("name")->toString().isEmpty());
        QVERIFY(fs.value("disk")->isArray());
        if (fs.value("mountpoint")->toString() != "/")
            continue;
        sawRoot = true;
        QVERIFY(fs.contains("type"));
        const uint64_t used = fs.value("used-bytes")->toUInt();
        const uint64_t total = fs.value("total-bytes")->toUInt();
        const uint64_t privileged = fs.value("total-bytes-privileged")->toUInt();
        QVERIFY(used <= total);
        QVERIFY(total <= privileged);
    }
    QVERIFY(sawRoot);
}

void tst_Inventory::disks()
{
    const JsonValue list = result("guest-get-disks");
    QVERIFY(list.isArray());
    // Every non-empty disk in /sys/block is there, plus its partitions.
    QSet<QString> expected;
    for (const QString &name : entries("/sys/block", "*")) {
        if (readFile("/sys/block/" + name + "/size") != "0\n")
            expected.insert(name);
    }
    QSet<QString> disks;
    for (const JsonValue &disk : list.items()) {
        const QByteArray node = disk.value("name")->toString();
        QVERIFY2(node.startsWith("/dev/"), node.constData());
        if (!disk.value("partition")->toBool())
            disks.insert(QString::fromUtf8(node.mid(5)));
    }
    QCOMPARE(disks, expected);
}

void tst_Inventory::memoryBlocks()
{
    const QString dir = QStringLiteral("/sys/devices/system/memory");
    if (!QFile::exists(dir))
        QSKIP("no memory hotplug in this kernel");
    const JsonValue info = result("guest-get-memory-block-info");
    QCOMPARE(info.value("size")->toUInt(), uint64_t(readFile(dir + "/block_size_bytes").trimmed().toULongLong(nullptr, 16)));
    const JsonValue list = result("guest-get-memory-blocks");
    QCOMPARE(int(list.items().size()), int(entries(dir, "memory[0-9]*").size()));
}

void tst_Inventory::diskstats()
{
    const JsonValue list = result("guest-get-diskstats");
    QByteArrayList expected;
    for (const QByteArray &line : readFile("/proc/diskstats").split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() >= 7)
            expected << fields[2];
    }
    QByteArrayList names;
    for (const JsonValue &disk : list.items())
        names << disk.value("name")->toString();
    QCOMPARE(names, expected);
}

void tst_Inventory::cpustats()
{
    const JsonValue list = result("guest-get-cpustats");
    int cpuLines = 0;
    for (const QByteArray &line : readFile("/proc/stat").split('\n'))
        cpuLines += line.startsWith("cpu") && !line.startsWith("cpu ") ? 1 : 0;
    QCOMPARE(int(list.items().size()), cpuLines);
    for (const JsonValue &cpu : list.items())
        QCOMPARE(cpu.value("type")->toString(), QByteArray("linux"));
}

void tst_Inventory::load()
{
    const JsonValue load = result("guest-get-load");
    for (const char *key : {"load1m", "load5m", "load15m"}) {
        QVERIFY2(load.value(key) && load.value(key)->isDouble(), key);
        QVERIFY(load.value(key)->toDouble() >= 0);
    }
}

void tst_Inventory::fsfreezeStatusAndHarmlessThaw()
{
    QCOMPARE(m_client.request(R"({"execute":"guest-fsfreeze-status"})"), QByteArray(R"({"return": "thawed"})"));
    // Nothing is frozen: every FITHAW fails at once, so nothing counts.
    QCOMPARE(m_client.request(R"({"execute":"guest-fsfreeze-thaw"})"), QByteArray(R"({"return": 0})"));
    QCOMPARE(m_client.request(R"({"execute":"guest-fsfreeze-status"})"), QByteArray(R"({"return": "thawed"})"));
}

void tst_Inventory::badShutdownMode()
{
    // The mode is checked before any helper runs; an error is answered even though success
    // would send nothing.
    // (The missing closing parenthesis is qemu-ga's.)
    const QByteArray expected = "{\"id\": 1, \"error\": {\"class\": \"GenericError\", \"desc\": "
                                "\"mode is invalid \x28valid values are: halt|powerdown|reboot\"}}";
    QCOMPARE(m_client.request(R"({"execute":"guest-shutdown","arguments":{"mode":"hibernate"},"id":1})"), expected);
}

void tst_Inventory::argumentErrorsComeFirst_data()
{
    // The argument schema rejects these before the command runs, so nothing is touched. (Only
    // requests that would stay harmless even if the check let them through.)
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("desc");
    QTest::newRow("set-vcpus online missing") << QByteArray(R"({"execute":"guest-set-vcpus","arguments":{"vcpus":[{"logical-id":1}]}})")
                                              << QByteArray("Parameter 'vcpus[0].online' is missing");
    QTest::newRow("set-vcpus no list") << QByteArray(R"({"execute":"guest-set-vcpus"})")
                                       << QByteArray("Parameter 'vcpus' is missing");
    QTest::newRow("set-memory-blocks bad index")
        << QByteArray(R"({"execute":"guest-set-memory-blocks","arguments":{"mem-blks":[{"phys-index":"x","online":true}]}})")
        << QByteArray("Parameter 'mem-blks[0].phys-index' expects uint64");
    QTest::newRow("shutdown mode type") << QByteArray(R"({"execute":"guest-shutdown","arguments":{"mode":1}})")
                                        << QByteArray("Invalid parameter type for 'mode', expected: string");
}

void tst_Inventory::argumentErrorsComeFirst()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, desc);
    const JsonValue reply = answer(request);
    QVERIFY(reply.isObject() && reply.contains("error"));
    QCOMPARE(reply.value("error")->value("desc")->toString(), desc);
}

void tst_Inventory::infoListsEveryLinuxCommand()
{
    const JsonValue info = result("guest-info");
    QByteArrayList names;
    QByteArrayList silentOnSuccess;
    for (const JsonValue &command : info.value("supported_commands")->items()) {
        names.prepend(command.value("name")->toString());
        QVERIFY(command.value("enabled")->toBool());
        if (!command.value("success-response")->toBool())
            silentOnSuccess << command.value("name")->toString();
    }
    // Reverse schema order on the wire; every Linux command of qemu-ga 10.2.
    const QByteArrayList schema = {
        "guest-sync-delimited", "guest-sync", "guest-ping", "guest-get-time", "guest-set-time",
        "guest-info", "guest-shutdown", "guest-file-open", "guest-file-close", "guest-file-read",
        "guest-file-write", "guest-file-seek", "guest-file-flush", "guest-fsfreeze-status",
        "guest-fsfreeze-freeze", "guest-fsfreeze-freeze-list", "guest-fsfreeze-thaw", "guest-fstrim",
        "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid",
        "guest-network-get-interfaces", "guest-get-vcpus", "guest-set-vcpus", "guest-get-disks",
        "guest-get-fsinfo", "guest-set-user-password", "guest-get-memory-blocks",
        "guest-set-memory-blocks", "guest-get-memory-block-info", "guest-exec-status", "guest-exec",
        "guest-get-host-name", "guest-get-users", "guest-get-timezone", "guest-get-osinfo",
        "guest-ssh-get-authorized-keys", "guest-ssh-add-authorized-keys",
        "guest-ssh-remove-authorized-keys", "guest-get-diskstats", "guest-get-cpustats",
        "guest-get-load", "guest-network-get-route",
    };
    QCOMPARE(schema.size(), 43);
    QCOMPARE(names, schema);
    std::sort(silentOnSuccess.begin(), silentOnSuccess.end());
    QCOMPARE(silentOnSuccess, (QByteArrayList{"guest-shutdown", "guest-suspend-disk", "guest-suspend-hybrid",
                                              "guest-suspend-ram"}));
}

QTEST_GUILESS_MAIN(tst_Inventory)
#include "tst_inventory.moc"
