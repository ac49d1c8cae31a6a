// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The /proc parsers behind the inventory commands, fed with fixtures: mount table quirks, interface counters, route tables, disk and CPU statistics.
#include "engines/procparsers.h"
#include "jsonwriter.h"

#include <QTest>

#include <initializer_list>
#include <map>
#include <utility>

using namespace qtga;

Q_DECLARE_METATYPE(qtga::JsonValue)

namespace {

using Members = std::initializer_list<std::pair<const char *, JsonValue>>;

// Members in schema order, as the commands insert them.
JsonValue obj(Members members)
{
    JsonValue o = JsonValue::object();
    for (const auto &m : members)
        o.insert(m.first, m.second);
    return o;
}

JsonValue u(uint64_t v)
{
    return JsonValue(v);
}

JsonValue i(int64_t v)
{
    return JsonValue(v);
}

struct Mount
{
    QByteArray dir, type;
    unsigned major, minor;
};

QList<Mount> mountsOf(const std::vector<FsMount> &mounts)
{
    QList<Mount> out;
    for (const FsMount &m : mounts)
        out.append({m.dir, m.type, m.major, m.minor});
    return out;
}

QByteArray describe(const QList<Mount> &mounts)
{
    QByteArray out;
    for (const Mount &m : mounts)
        out += m.dir + " " + m.type + " " + QByteArray::number(m.major) + ":" + QByteArray::number(m.minor) + "\n";
    return out;
}

SourceStat fakeStat(std::map<QByteArray, SourceDevice> devices)
{
    return [devices = std::move(devices)](const QByteArray &source) {
        const auto it = devices.find(source);
        return it == devices.end() ? SourceDevice{} : it->second;
    };
}

SourceDevice block(unsigned major, unsigned minor)
{
    return {SourceDevice::Kind::BlockDevice, major, minor};
}

} // namespace

class tst_ProcParsers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decodeMountName_data();
    void decodeMountName();
    void mountInfo();
    void mountInfoKeepsFirstOfBindMounts();
    void mountInfoBlanksAndNumbers();
    void mtabFallback();
    void mtabEscapes();
    void netDev_data();
    void netDev();
    void ipv4Routes();
    void ipv6Routes();
    void diskStats_data();
    void diskStats();
    void cpuStats();
    void cpuStatsStopAtShortLine();
    void cpuStatsTicksToMilliseconds_data();
    void cpuStatsTicksToMilliseconds();
};

void tst_ProcParsers::decodeMountName_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("decoded");
    QTest::newRow("plain") << QByteArray("/mnt/data") << QByteArray("/mnt/data");
    QTest::newRow("space") << QByteArray("/mnt/a\\040b") << QByteArray("/mnt/a b");
    QTest::newRow("tab and newline") << QByteArray("\\011\\012") << QByteArray("\t\n");
    QTest::newRow("octal backslash") << QByteArray("a\\134b") << QByteArray("a\\b");
    QTest::newRow("double backslash") << QByteArray("a\\\\b") << QByteArray("a\\b");
    QTest::newRow("high first digit") << QByteArray("a\\400") << QByteArray("a\\400");
    QTest::newRow("not octal") << QByteArray("a\\08x") << QByteArray("a\\08x");
    QTest::newRow("too short") << QByteArray("a\\04") << QByteArray("a\\04");
    QTest::newRow("trailing backslash") << QByteArray("a\\") << QByteArray("a\\");
    QTest::newRow("top byte") << QByteArray("\\377") << QByteArray("\xff");
}

void tst_ProcParsers::decodeMountName()
{
    QFETCH(QByteArray, raw);
    QFETCH(QByteArray, decoded);
    QCOMPARE(qtga::decodeMountName(raw), decoded);
}

void tst_ProcParsers::mountInfo()
{
    const QByteArray text =
        "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
        "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard\n"
        "31 27 8:1 / /mnt/with\\040space rw - ext4 /dev/sda1 rw\n"
        "32 27 0:45 / /data rw shared:7 master:2 - btrfs /dev/sdb rw\n"
        "33 27 0:46 / /data2 rw - btrfs /dev/missing rw\n"
        "35 27 0:48 / /nfs rw - nfs server:/export rw\n"
        "36 27 8:2 / /mnt/back\\134slash rw - xfs /dev/sda2 rw\n"
        "garbage\n"
        "37 27 8:x / /bad-numbers rw - ext4 /dev/sda3 rw\n"
        "38 27 8:5 / /no-separator rw ext4 /dev/sda5 rw\n"
        "39 27 8:6 / /no-source rw - ext4\n"
        "\n"
        "40 27 8:7 / /last\\011tab rw - vfat /dev/sda7 rw";
    const std::vector<FsMount> mounts = parseMountInfo(text, fakeStat({{"/dev/sdb", block(8, 16)}}));
    const QList<Mount> expected = {
        {"/", "ext4", 254, 0},
        {"/mnt/with space", "ext4", 8, 1},
        {"/data", "btrfs", 8, 16},
        {"/mnt/back\\slash", "xfs", 8, 2},
        {"/last\ttab", "vfat", 8, 7},
    };
    QCOMPARE(describe(mountsOf(mounts)), describe(expected));
}

void tst_ProcParsers::mountInfoKeepsFirstOfBindMounts()
{
    // 10.0+: a device already listed (bind mount, second mount, btrfs subvolume) is skipped.
    const QByteArray text =
        "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
        "30 27 254:0 /srv /mnt/bind rw - ext4 /dev/vda rw\n"
        "32 27 0:45 / /data rw - btrfs /dev/sdb rw\n"
        "34 27 0:47 /@snap /snap rw - btrfs /dev/sdb rw\n"
        "35 27 8:16 / /again rw - btrfs /dev/sdb rw\n";
    const std::vector<FsMount> mounts = parseMountInfo(text, fakeStat({{"/dev/sdb", block(8, 16)}}));
    const QList<Mount> expected = {{"/", "ext4", 254, 0}, {"/data", "btrfs", 8, 16}};
    QCOMPARE(describe(mountsOf(mounts)), describe(expected));
}

void tst_ProcParsers::mountInfoBlanksAndNumbers()
{
    // scanf's blanks are isspace()'s: a CRLF line, vertical tabs and form feeds separate fields.
    // More optional fields than fit the parser's inline field buffer. A device number needs a
    // colon with digits on both sides.
    QByteArray optional;
    for (int n = 1; n <= 40; ++n)
        optional += " shared:" + QByteArray::number(n);
    const QByteArray text =
        "27 1 254:0 / / rw - ext4 /dev/vda rw\r\n"
        "28 27\v8:1\f/ /mnt/vt rw - ext4 /dev/sda1 rw\n"
        "29 27 8:2 / /mnt/many rw" + optional + " - xfs /dev/sda2 rw\n"
        "30 27 802 / /no-colon rw - ext4 /dev/sda3 rw\n"
        "31 27 8: / /no-minor rw - ext4 /dev/sda4 rw\n"
        "32 27 :5 / /no-major rw - ext4 /dev/sda5 rw\n"
        "33 27 8:6 / /tail rw - ext4 /dev/sda6 rw\n";
    const QList<Mount> expected = {
        {"/", "ext4", 254, 0},
        {"/mnt/vt", "ext4", 8, 1},
        {"/mnt/many", "xfs", 8, 2},
        {"/tail", "ext4", 8, 6},
    };
    QCOMPARE(describe(mountsOf(parseMountInfo(text, fakeStat({})))), describe(expected));
    QVERIFY(parseMountInfo("", fakeStat({})).empty());
    QVERIFY(parseMountInfo("\n", fakeStat({})).empty());
    QVERIFY(parseMtab("", fakeStat({})).empty());
}

void tst_ProcParsers::mtabFallback()
{
    const QByteArray text =
        "/dev/vda / ext4 rw 0 0\n"
        "proc /proc proc rw 0 0\n"
        "/dev/vda /mnt/again ext4 rw 0 0\n"
        "/srv /mnt/dirbind none rw,bind 0 0\n"
        "//server/share /mnt/smb cifs rw 0 0\n"
        "/dev/sdc /mnt/smbfs smbfs rw 0 0\n"
        "# /dev/sdd /commented ext4 rw 0 0\n"
        "/dev/sdb1 /mnt/with\\040space ext4 rw 0 0\n"
        "/images/a.img /mnt/image ext4 rw 0 0\n"
        "/images/b.img /mnt/image2 ext4 rw 0 0\n";
    const std::vector<FsMount> mounts = parseMtab(
        text, fakeStat({{"/dev/vda", block(254, 0)},
                        {"/dev/sdb1", block(8, 17)},
                        {"/srv", SourceDevice{SourceDevice::Kind::Directory, 0, 0}}}));
    // Sources that are no block device count as 0:0, so only the first of them is kept.
    const QList<Mount> expected = {
        {"/", "ext4", 254, 0},
        {"/mnt/with space", "ext4", 8, 17},
        {"/mnt/image", "ext4", 0, 0},
    };
    QCOMPARE(describe(mountsOf(mounts)), describe(expected));
}

void tst_ProcParsers::mtabEscapes()
{
    // getmntent's escapes: \040 \011 \012 \134 and \\; anything else, a cut-off one included, stays.
    const QByteArray text =
        "/dev/sda1 /mnt/a\\011b\\012c ext4 rw 0 0\n"
        "/dev/sda2 /mnt/back\\134slash ext4 rw 0 0\n"
        "/dev/sda3 /mnt/two\\\\back ext4 rw 0 0\n"
        "/dev/sda4 /mnt/cut\\04 ext4 rw 0 0\n"
        "/dev/sda5 /mnt/other\\101 ext4 rw 0 0\n";
    const std::vector<FsMount> mounts =
        parseMtab(text, fakeStat({{"/dev/sda1", block(8, 1)}, {"/dev/sda2", block(8, 2)}, {"/dev/sda3", block(8, 3)},
                                  {"/dev/sda4", block(8, 4)}, {"/dev/sda5", block(8, 5)}}));
    const QList<Mount> expected = {
        {"/mnt/a\tb\nc", "ext4", 8, 1},
        {"/mnt/back\\slash", "ext4", 8, 2},
        {"/mnt/two\\back", "ext4", 8, 3},
        {"/mnt/cut\\04", "ext4", 8, 4},
        {"/mnt/other\\101", "ext4", 8, 5},
    };
    QCOMPARE(describe(mountsOf(mounts)), describe(expected));
}

void tst_ProcParsers::netDev_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<bool>("found");
    QTest::addColumn<QList<qulonglong>>("counters");  // rx bytes packets errs drop, tx ...
    QTest::newRow("lo") << QByteArray("lo") << true << QList<qulonglong>{3267, 29, 0, 0, 3267, 29, 0, 0};
    QTest::newRow("no space after colon") << QByteArray("eth0") << true
                                          << QList<qulonglong>{40177851, 923, 1, 2, 47340, 563, 3, 4};
    QTest::newRow("prefix of a name") << QByteArray("eth") << false << QList<qulonglong>{};
    QTest::newRow("longer than a name") << QByteArray("eth00") << false << QList<qulonglong>{};
    QTest::newRow("too few counters") << QByteArray("short0") << false << QList<qulonglong>{};
    QTest::newRow("missing") << QByteArray("wlan0") << false << QList<qulonglong>{};
    QTest::newRow("header words") << QByteArray(" face") << false << QList<qulonglong>{};
}

void tst_ProcParsers::netDev()
{
    QFETCH(QByteArray, name);
    QFETCH(bool, found);
    QFETCH(QList<qulonglong>, counters);
    const QByteArray text =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
        "carrier compressed\n"
        "    lo:    3267      29    0    0    0     0          0         0     3267      29    0    0    0     0"
        "       0          0\n"
        "  eth0:40177851     923    1    2    0     0          0         0    47340     563    3    4    0     0"
        "       0          0\n"
        "short0: 1 2 3\n";
    const std::optional<InterfaceStatistics> stats = parseNetDev(text, name);
    QCOMPARE(stats.has_value(), found);
    if (!found)
        return;
    const QList<qulonglong> actual{stats->rxBytes, stats->rxPackets, stats->rxErrs, stats->rxDropped,
                                   stats->txBytes, stats->txPackets, stats->txErrs, stats->txDropped};
    QCOMPARE(actual, counters);
    QCOMPARE(toJson(interfaceStatisticsJson(*stats)).startsWith("{\"tx-packets\": "), true);
}

void tst_ProcParsers::ipv4Routes()
{
    const QByteArray text =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
        "eth0\t000200C0\t00000000\t0001\t1\t2\t0\t00FFFFFF\t1500\t3\t4\n"
        "eth0\tnothex\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
        "eth0\t000200C0\t00000000\t0001\t0\t0\t0\n";
    const JsonValue::Array routes = parseIpv4Routes(text);
    const JsonValue::Array expected = {
        obj({{"iface", "eth0"}, {"destination", "0.0.0.0"}, {"metric", i(100)}, {"gateway", "192.0.2.1"},
             {"mask", "0.0.0.0"}, {"irtt", i(0)}, {"flags", u(3)}, {"refcnt", i(0)}, {"use", i(0)},
             {"window", i(0)}, {"mtu", i(0)}, {"version", i(4)}}),
        obj({{"iface", "eth0"}, {"destination", "192.0.2.0"}, {"metric", i(0)}, {"gateway", "0.0.0.0"},
             {"mask", "255.255.255.0"}, {"irtt", i(4)}, {"flags", u(1)}, {"refcnt", i(1)}, {"use", i(2)},
             {"window", i(3)}, {"mtu", i(1500)}, {"version", i(4)}}),
    };
    QCOMPARE(toJson(JsonValue(routes)), toJson(JsonValue(expected)));
    QVERIFY(JsonValue(routes) == JsonValue(expected));
    // The header alone is no route.
    QCOMPARE(parseIpv4Routes("Iface\tDestination\tGateway\n").size(), size_t(0));
}

void tst_ProcParsers::ipv6Routes()
{
    const QByteArray text =
        "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
        "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
        "fd000000000000000000000000000001 00000400 00000002 00000005 00000003     eth0\n"
        "00000000000000000000000000000001 80 00000000000000000000000000000000 00 "
        "00000000000000000000000000000000 ffffffff 00000002 00000000 80200001       lo\n"
        "zz000000000000000000000000000000 40 00000000000000000000000000000000 00 "
        "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
        "fe800000000000000000000000000000 40 0000000000000000000000000000 00 "
        "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1\n"
        "fe800000000000000000000000000000 40 00000000000000000000000000000000 00\n";
    const JsonValue::Array routes = parseIpv6Routes(text);
    const JsonValue::Array expected = {
        obj({{"iface", "eth0"}, {"destination", "fd00::"}, {"metric", i(256)}, {"flags", u(1)}, {"refcnt", i(1)},
             {"use", i(0)}, {"desprefixlen", "64"}, {"source", "::"}, {"srcprefixlen", "0"}, {"nexthop", "::"},
             {"version", i(6)}}),
        obj({{"iface", "eth0"}, {"destination", "::"}, {"metric", i(1024)}, {"flags", u(3)}, {"refcnt", i(2)},
             {"use", i(5)}, {"desprefixlen", "0"}, {"source", "::"}, {"srcprefixlen", "0"},
             {"nexthop", "fd00::1"}, {"version", i(6)}}),
        // The kernel's unsigned 32-bit values, not qemu-ga's sign-extended ones.
        obj({{"iface", "lo"}, {"destination", "::1"}, {"metric", i(4294967295)}, {"flags", u(0x80200001)},
             {"refcnt", i(2)}, {"use", i(0)}, {"desprefixlen", "128"}, {"source", "::"}, {"srcprefixlen", "0"},
             {"nexthop", "::"}, {"version", i(6)}}),
        // A source that is not 32 hex digits is left out; the route stays.
        obj({{"iface", "eth1"}, {"destination", "fe80::"}, {"metric", i(256)}, {"flags", u(1)}, {"refcnt", i(1)},
             {"use", i(0)}, {"desprefixlen", "64"}, {"srcprefixlen", "0"}, {"nexthop", "::"}, {"version", i(6)}}),
    };
    QCOMPARE(toJson(JsonValue(routes)), toJson(JsonValue(expected)));
    QVERIFY(JsonValue(routes) == JsonValue(expected));
}

void tst_ProcParsers::diskStats_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<JsonValue>("expected");  // null: the line is skipped

    QTest::newRow("7 fields: old partition layout")
        << QByteArray("   8    1 sda1 10 20 30 40")
        << obj({{"name", "sda1"}, {"major", u(8)}, {"minor", u(1)},
                {"stats", obj({{"read-sectors", u(20)}, {"read-ios", u(10)}, {"write-sectors", u(40)},
                               {"write-ios", u(30)}})}});
    const JsonValue fourteen = obj({{"read-sectors", u(3)}, {"read-ios", u(1)}, {"read-merges", u(2)},
                                    {"write-sectors", u(7)}, {"write-ios", u(5)}, {"write-merges", u(6)},
                                    {"read-ticks", u(4)}, {"write-ticks", u(8)}, {"ios-pgr", u(9)},
                                    {"total-ticks", u(10)}, {"weight-ticks", u(11)}});
    QTest::newRow("14 fields") << QByteArray("8 0 sda 1 2 3 4 5 6 7 8 9 10 11")
                               << obj({{"name", "sda"}, {"major", u(8)}, {"minor", u(0)}, {"stats", fourteen}});
    // 15 to 17 fields: the discard counters are incomplete and left out.
    QTest::newRow("16 fields") << QByteArray("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13")
                               << obj({{"name", "sda"}, {"major", u(8)}, {"minor", u(0)}, {"stats", fourteen}});
    QTest::newRow("18 fields")
        << QByteArray("253 0 dm-0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15")
        << obj({{"name", "dm-0"}, {"major", u(253)}, {"minor", u(0)},
                {"stats", obj({{"read-sectors", u(3)}, {"read-ios", u(1)}, {"read-merges", u(2)},
                               {"write-sectors", u(7)}, {"write-ios", u(5)}, {"write-merges", u(6)},
                               {"discard-sectors", u(14)}, {"discard-ios", u(12)}, {"discard-merges", u(13)},
                               {"read-ticks", u(4)}, {"write-ticks", u(8)}, {"discard-ticks", u(15)},
                               {"ios-pgr", u(9)}, {"total-ticks", u(10)}, {"weight-ticks", u(11)}})}});
    QTest::newRow("20 fields")
        << QByteArray(" 254 0 vda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17")
        << obj({{"name", "vda"}, {"major", u(254)}, {"minor", u(0)},
                {"stats", obj({{"read-sectors", u(3)}, {"read-ios", u(1)}, {"read-merges", u(2)},
                               {"write-sectors", u(7)}, {"write-ios", u(5)}, {"write-merges", u(6)},
                               {"discard-sectors", u(14)}, {"discard-ios", u(12)}, {"discard-merges", u(13)},
                               {"flush-ios", u(16)}, {"read-ticks", u(4)}, {"write-ticks", u(8)},
                               {"discard-ticks", u(15)}, {"flush-ticks", u(17)}, {"ios-pgr", u(9)},
                               {"total-ticks", u(10)}, {"weight-ticks", u(11)}})}});
    QTest::newRow("8 to 13 fields: no statistics")
        << QByteArray("8 0 sda 1 2 3 4 5 6 7")
        << obj({{"name", "sda"}, {"major", u(8)}, {"minor", u(0)}, {"stats", JsonValue::object()}});
    // qemu-ga reads some tick counters into 32 bits; 64-bit counters stay whole.
    QTest::newRow("32-bit ticks wrap")
        << QByteArray("8 0 sda 4294967297 2 3 4 5 6 7 4294967298 9 10 11")
        << obj({{"name", "sda"}, {"major", u(8)}, {"minor", u(0)},
                {"stats", obj({{"read-sectors", u(3)}, {"read-ios", u(4294967297)}, {"read-merges", u(2)},
                               {"write-sectors", u(7)}, {"write-ios", u(5)}, {"write-merges", u(6)},
                               {"read-ticks", u(4)}, {"write-ticks", u(2)}, {"ios-pgr", u(9)},
                               {"total-ticks", u(10)}, {"weight-ticks", u(11)}})}});
    QTest::newRow("a counter that is no number ends the fields")
        << QByteArray("8 0 sda 1 2 3 x 5 6 7 8 9 10 11") << JsonValue();
    QTest::newRow("too short") << QByteArray("8 0 sda 1 2 3") << JsonValue();
    QTest::newRow("no major") << QByteArray("x 0 sda 1 2 3 4 5 6 7 8 9 10 11") << JsonValue();
    QTest::newRow("empty") << QByteArray("") << JsonValue();
}

void tst_ProcParsers::diskStats()
{
    QFETCH(QByteArray, line);
    QFETCH(JsonValue, expected);
    // Each case sits between two good lines, which must come through in file order.
    const QByteArray good = "7 0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    const JsonValue::Array disks = parseDiskStats(good + line + "\n" + good);
    const size_t extra = expected.isNull() ? 0 : 1;
    QCOMPARE(disks.size(), 2 + extra);
    QCOMPARE(disks.front().value("name")->toString(), QByteArray("loop0"));
    QCOMPARE(disks.back().value("name")->toString(), QByteArray("loop0"));
    if (extra) {
        QCOMPARE(toJson(disks[1]), toJson(expected));
        QVERIFY(disks[1] == expected);
    }
}

void tst_ProcParsers::cpuStats()
{
    const QByteArray text =
        "cpu  10516 1502 4463 200344 488 0 46 15 0 0\n"
        "cpu0 1 2 3 4 5 6 7 8 9 10\n"
        "cpu1 1 2 3 4\n"
        "cpu2 1 2 3 4 5\n"
        "cpu3 1 2 3 4 5 6\n"
        "cpu4 1 2 3 4 5 6 7 8\n"
        "cpu5 1 2 3 4 5 6 7 8 9\n"
        "cpu12 1 2 3 4 5 6 7 8 9 10 11\n"
        "intr 208073 0 0\n"
        "ctxt 365983\n";
    const JsonValue::Array cpus = parseCpuStats(text, 1000);
    const auto base = [](int64_t cpu) {
        JsonValue o = JsonValue::object();
        o.insert("type", "linux");
        o.insert("cpu", cpu);
        o.insert("user", u(1));
        o.insert("nice", u(2));
        o.insert("system", u(3));
        o.insert("idle", u(4));
        return o;
    };
    JsonValue cpu0 = base(0);
    for (const auto &[key, value] : std::vector<std::pair<const char *, uint64_t>>{
             {"iowait", 5}, {"irq", 6}, {"softirq", 7}, {"steal", 8}, {"guest", 9}, {"guestnice", 10}})
        cpu0.insert(key, u(value));
    JsonValue cpu2 = base(2);
    cpu2.insert("iowait", u(5));
    // n = 7 counts the name: irq and softirq both come with it, softirq unread (0).
    JsonValue cpu3 = base(3);
    cpu3.insert("iowait", u(5));
    cpu3.insert("irq", u(6));
    cpu3.insert("softirq", u(0));
    JsonValue cpu4 = base(4);
    cpu4.insert("iowait", u(5));
    cpu4.insert("irq", u(6));
    cpu4.insert("softirq", u(7));
    cpu4.insert("steal", u(8));
    JsonValue cpu5 = base(5);
    for (const auto &[key, value] : std::vector<std::pair<const char *, uint64_t>>{
             {"iowait", 5}, {"irq", 6}, {"softirq", 7}, {"steal", 8}, {"guest", 9}})
        cpu5.insert(key, u(value));
    // Only ten counters are read.
    JsonValue cpu12 = cpu0;
    cpu12.members()[1].value = i(12);
    const JsonValue::Array expected = {cpu0, base(1), cpu2, cpu3, cpu4, cpu5, cpu12};
    QCOMPARE(toJson(JsonValue(cpus)), toJson(JsonValue(expected)));
    QVERIFY(JsonValue(cpus) == JsonValue(expected));
}

void tst_ProcParsers::cpuStatsStopAtShortLine()
{
    bool malformed = false;
    const JsonValue::Array cpus = parseCpuStats("cpu0 1 2 3 4\ncpu1 1 2 3\ncpu2 1 2 3 4\n", 100, &malformed);
    QVERIFY(malformed);
    QCOMPARE(cpus.size(), size_t(1));
    parseCpuStats("cpu0 1 2 3 4\n", 100, &malformed);
    QVERIFY(!malformed);
}

void tst_ProcParsers::cpuStatsTicksToMilliseconds_data()
{
    QTest::addColumn<int>("ticksPerSecond");
    QTest::addColumn<qulonglong>("ticks");
    QTest::addColumn<qulonglong>("milliseconds");
    QTest::newRow("USER_HZ 100") << 100 << 12345ULL << 123450ULL;
    QTest::newRow("250 rounds down") << 250 << 3ULL << 12ULL;
    QTest::newRow("1000") << 1000 << 7ULL << 7ULL;
    QTest::newRow("300 rounds down") << 300 << 1ULL << 3ULL;
}

void tst_ProcParsers::cpuStatsTicksToMilliseconds()
{
    QFETCH(int, ticksPerSecond);
    QFETCH(qulonglong, ticks);
    QFETCH(qulonglong, milliseconds);
    const QByteArray line = "cpu7 " + QByteArray::number(ticks) + " 0 0 0\n";
    const JsonValue::Array cpus = parseCpuStats(line, ticksPerSecond);
    QCOMPARE(cpus.size(), size_t(1));
    QCOMPARE(cpus.front().value("user")->toUInt(), uint64_t(milliseconds));
    QCOMPARE(cpus.front().value("cpu")->toInt(), int64_t(7));
}

QTEST_APPLESS_MAIN(tst_ProcParsers)
#include "tst_procparsers.moc"
