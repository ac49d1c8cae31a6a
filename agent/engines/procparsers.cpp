// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "procparsers.h"

#include <QList>
#include <QVarLengthArray>

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

namespace qtga {

namespace {

// The lines of a /proc file, without their '\n', as views into `text`; like split('\n'), a
// final newline gives a last, empty line. Views instead of copies: a mount list or diskstats
// file is a few dozen lines, and copying every line and field cost more than the rest of the
// command (guest-get-fsinfo: 210,000 of 344,000 instructions went to splitting mountinfo).
QList<QByteArrayView> linesOf(QByteArrayView text)
{
    QList<QByteArrayView> lines;
    qsizetype start = 0;
    qsizetype end;
    while ((end = text.indexOf('\n', start)) >= 0) {
        lines.append(text.sliced(start, end - start));
        start = end + 1;
    }
    lines.append(text.sliced(start));
    return lines;
}

bool isBlank(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

// scanf-style fields: runs of blanks (what isspace() calls space) separate them.
using Fields = QVarLengthArray<QByteArrayView, 24>;
Fields fieldsOf(QByteArrayView line)
{
    Fields fields;
    const qsizetype n = line.size();
    for (qsizetype i = 0; i < n;) {
        while (i < n && isBlank(line[i]))
            ++i;
        const qsizetype start = i;
        while (i < n && !isBlank(line[i]))
            ++i;
        if (i > start)
            fields.append(line.sliced(start, i - start));
    }
    return fields;
}

std::optional<uint64_t> unsignedDecimal(QByteArrayView field)
{
    if (field.isEmpty() || field.front() < '0' || field.front() > '9')
        return std::nullopt;
    bool ok = false;
    const qulonglong value = field.toULongLong(&ok, 10);
    return ok ? std::optional<uint64_t>(value) : std::nullopt;
}

std::optional<int64_t> signedDecimal(QByteArrayView field)
{
    bool ok = false;
    const qlonglong value = field.toLongLong(&ok, 10);
    return ok ? std::optional<int64_t>(value) : std::nullopt;
}

// The /proc/net route files print 32-bit values as hex; scanf's %x keeps the low 32 bits.
std::optional<uint32_t> hex32(QByteArrayView field)
{
    bool ok = false;
    const qulonglong value = field.toULongLong(&ok, 16);
    return ok ? std::optional<uint32_t>(uint32_t(value)) : std::nullopt;
}

std::optional<QByteArray> ipv6FromHex(QByteArrayView hex)
{
    if (hex.size() != 32)
        return std::nullopt;
    in6_addr address;
    for (int i = 0; i < 16; ++i) {
        bool ok = false;
        address.s6_addr[i] = uchar(hex.sliced(i * 2, 2).toUInt(&ok, 16));
        if (!ok)
            return std::nullopt;
    }
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &address, text, sizeof text);
    return QByteArray(text);
}

// /proc/net/route prints addresses as the hex of their in-memory (network order) bytes read
// as a little-endian number, so the lowest byte is the first octet.
QByteArray ipv4FromHex(uint32_t value)
{
    return QByteArray::number(value & 0xff) + '.' + QByteArray::number((value >> 8) & 0xff) + '.'
        + QByteArray::number((value >> 16) & 0xff) + '.' + QByteArray::number(value >> 24);
}

bool deviceListed(const std::vector<FsMount> &mounts, unsigned major, unsigned minor)
{
    for (const FsMount &m : mounts) {
        if (m.major == major && m.minor == minor)
            return true;
    }
    return false;
}

// getmntent's unescaping of the mount table: \040 \011 \012 \134 and \\.
QByteArray decodeMtabField(QByteArrayView field)
{
    QByteArray out;
    for (qsizetype i = 0; i < field.size(); ++i) {
        const QByteArrayView rest = field.sliced(i);
        if (rest.startsWith("\\040")) {
            out += ' ';
        } else if (rest.startsWith("\\011")) {
            out += '\t';
        } else if (rest.startsWith("\\012")) {
            out += '\n';
        } else if (rest.startsWith("\\134")) {
            out += '\\';
        } else if (rest.startsWith("\\\\")) {
            out += '\\';
            i += 1;
            continue;
        } else {
            out += field[i];
            continue;
        }
        i += 3;
    }
    return out;
}

} // namespace

bool readSystemFile(const QByteArray &path, QByteArray *text, int *err)
{
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (err)
            *err = errno;
        return false;
    }
    text->clear();
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (err)
                *err = errno;
            ::close(fd);
            return false;
        }
        if (n == 0)
            break;
        text->append(buffer, n);
    }
    ::close(fd);
    return true;
}

QByteArray decodeMountName(QByteArrayView name)
{
    if (!name.contains('\\'))
        return name.toByteArray();
    QByteArray out;
    out.reserve(name.size());
    const auto octal = [&name](qsizetype i, char high) {
        return i < name.size() && name[i] >= '0' && name[i] <= high;
    };
    for (qsizetype i = 0; i < name.size(); ++i) {
        if (name[i] != '\\') {
            out += name[i];
        } else if (i + 1 < name.size() && name[i + 1] == '\\') {
            out += '\\';
            ++i;
        } else if (octal(i + 1, '3') && octal(i + 2, '7') && octal(i + 3, '7')) {
            out += char((name[i + 1] - '0') * 64 + (name[i + 2] - '0') * 8 + (name[i + 3] - '0'));
            i += 3;
        } else {
            out += name[i];
        }
    }
    return out;
}

std::vector<FsMount> parseMountInfo(const QByteArray &text, const SourceStat &statSource)
{
    std::vector<FsMount> mounts;
    for (const QByteArrayView line : linesOf(text)) {
        // id parent major:minor root mountpoint options [optional...] - type source superoptions
        const Fields f = fieldsOf(line);
        if (f.size() < 5)
            continue;
        const qsizetype colon = f[2].indexOf(':');
        if (colon < 0)
            continue;
        const std::optional<uint64_t> major = unsignedDecimal(f[2].first(colon));
        const std::optional<uint64_t> minor = unsignedDecimal(f[2].sliced(colon + 1));
        if (!major || !minor)
            continue;
        const qsizetype separator = f.indexOf(QByteArrayView("-"), 5);
        if (separator < 0 || separator + 2 >= f.size())
            continue;
        FsMount mount;
        mount.dir = decodeMountName(f[4]);
        mount.type = f[separator + 1].toByteArray();
        mount.major = unsigned(*major);
        mount.minor = unsigned(*minor);
        if (mount.major == 0) {
            // btrfs reports an anonymous device; its source names the real one.
            if (mount.type != "btrfs")
                continue;
            const SourceDevice device = statSource(decodeMountName(f[separator + 2]));
            if (device.kind != SourceDevice::Kind::BlockDevice)
                continue;
            mount.major = device.major;
            mount.minor = device.minor;
        }
        // A bind mount or a second mount of the same device: the first one stands for it.
        if (deviceListed(mounts, mount.major, mount.minor))
            continue;
        mounts.push_back(std::move(mount));
    }
    return mounts;
}

std::vector<FsMount> parseMtab(const QByteArray &text, const SourceStat &statSource)
{
    std::vector<FsMount> mounts;
    for (const QByteArrayView line : linesOf(text)) {
        const Fields f = fieldsOf(line);
        if (f.size() < 3 || f[0].startsWith('#'))
            continue;
        const QByteArray source = decodeMtabField(f[0]);
        FsMount mount;
        mount.dir = decodeMtabField(f[1]);
        mount.type = decodeMtabField(f[2]);
        // A source without a leading '/' is a pseudo or network filesystem.
        if (!source.startsWith('/') || mount.type == "smbfs" || mount.type == "cifs")
            continue;
        const SourceDevice device = statSource(source);
        if (device.kind == SourceDevice::Kind::Directory)
            continue;  // a bind mount
        if (device.kind == SourceDevice::Kind::BlockDevice) {
            mount.major = device.major;
            mount.minor = device.minor;
        }
        if (deviceListed(mounts, mount.major, mount.minor))
            continue;
        mounts.push_back(std::move(mount));
    }
    return mounts;
}

std::optional<InterfaceStatistics> parseNetDev(const QByteArray &text, const QByteArray &name)
{
    for (const QByteArrayView rawLine : linesOf(text)) {
        const QByteArrayView line = rawLine.trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon != name.size() || !line.startsWith(name))
            continue;
        const Fields f = fieldsOf(line.sliced(colon + 1));
        if (f.size() < 16)
            continue;
        int64_t v[16];
        bool complete = true;
        for (int i = 0; i < 16 && complete; ++i) {
            const std::optional<int64_t> n = signedDecimal(f[i]);
            complete = n.has_value();
            v[i] = n.value_or(0);
        }
        if (!complete)
            continue;
        InterfaceStatistics s;
        s.rxBytes = uint64_t(v[0]);
        s.rxPackets = uint64_t(v[1]);
        s.rxErrs = uint64_t(v[2]);
        s.rxDropped = uint64_t(v[3]);
        s.txBytes = uint64_t(v[8]);
        s.txPackets = uint64_t(v[9]);
        s.txErrs = uint64_t(v[10]);
        s.txDropped = uint64_t(v[11]);
        return s;
    }
    return std::nullopt;
}

JsonValue interfaceStatisticsJson(const InterfaceStatistics &s)
{
    JsonValue stats = JsonValue::object();
    stats.insert("rx-bytes", s.rxBytes);
    stats.insert("rx-packets", s.rxPackets);
    stats.insert("rx-errs", s.rxErrs);
    stats.insert("rx-dropped", s.rxDropped);
    stats.insert("tx-bytes", s.txBytes);
    stats.insert("tx-packets", s.txPackets);
    stats.insert("tx-errs", s.txErrs);
    stats.insert("tx-dropped", s.txDropped);
    return stats;
}

JsonValue::Array parseIpv4Routes(const QByteArray &text)
{
    JsonValue::Array routes;
    const QList<QByteArrayView> lines = linesOf(text);
    // The first line is the column header.
    for (qsizetype i = 1; i < lines.size(); ++i) {
        // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
        const Fields f = fieldsOf(lines[i]);
        if (f.size() < 11)
            continue;
        const std::optional<uint32_t> destination = hex32(f[1]), gateway = hex32(f[2]), flags = hex32(f[3]),
                                      mask = hex32(f[7]);
        const std::optional<int64_t> refcnt = signedDecimal(f[4]), use = signedDecimal(f[5]),
                                     metric = signedDecimal(f[6]), mtu = signedDecimal(f[8]),
                                     window = signedDecimal(f[9]), irtt = signedDecimal(f[10]);
        if (!destination || !gateway || !flags || !mask || !refcnt || !use || !metric || !mtu || !window || !irtt)
            continue;
        JsonValue route = JsonValue::object();
        route.insert("iface", f[0].toByteArray());
        route.insert("destination", ipv4FromHex(*destination));
        route.insert("metric", int64_t(int32_t(*metric)));
        route.insert("gateway", ipv4FromHex(*gateway));
        route.insert("mask", ipv4FromHex(*mask));
        route.insert("irtt", int64_t(int32_t(*irtt)));
        route.insert("flags", uint64_t(*flags));
        route.insert("refcnt", int64_t(int32_t(*refcnt)));
        route.insert("use", int64_t(int32_t(*use)));
        route.insert("window", int64_t(int32_t(*window)));
        route.insert("mtu", int64_t(int32_t(*mtu)));
        route.insert("version", 4);
        routes.push_back(std::move(route));
    }
    return routes;
}

JsonValue::Array parseIpv6Routes(const QByteArray &text)
{
    JsonValue::Array routes;
    for (const QByteArrayView line : linesOf(text)) {
        // destination dst-prefix source src-prefix next-hop metric refcnt use flags iface
        const Fields f = fieldsOf(line);
        if (f.size() < 10)
            continue;
        const std::optional<uint32_t> destinationPrefix = hex32(f[1]), sourcePrefix = hex32(f[3]),
                                      metric = hex32(f[5]), refcnt = hex32(f[6]), use = hex32(f[7]),
                                      flags = hex32(f[8]);
        const std::optional<QByteArray> destination = ipv6FromHex(f[0]);
        if (!destinationPrefix || !sourcePrefix || !metric || !refcnt || !use || !flags || !destination)
            continue;
        // The kernel's counters are unsigned 32-bit; qemu-ga reads them into a signed int and
        // so reports e.g. metric 0xffffffff as -1 and flags 0x80200001 sign-extended to 64
        // bits. The wire types allow the real values, which are given here.
        JsonValue route = JsonValue::object();
        route.insert("iface", f[9].toByteArray());
        route.insert("destination", *destination);
        route.insert("metric", int64_t(*metric));
        route.insert("flags", uint64_t(*flags));
        route.insert("refcnt", int64_t(*refcnt));
        route.insert("use", int64_t(*use));
        route.insert("desprefixlen", QByteArray::number(int32_t(*destinationPrefix)));
        if (const std::optional<QByteArray> source = ipv6FromHex(f[2]))
            route.insert("source", *source);
        route.insert("srcprefixlen", QByteArray::number(int32_t(*sourcePrefix)));
        if (const std::optional<QByteArray> nexthop = ipv6FromHex(f[4]))
            route.insert("nexthop", *nexthop);
        route.insert("version", 6);
        routes.push_back(std::move(route));
    }
    return routes;
}

JsonValue::Array parseDiskStats(const QByteArray &text)
{
    JsonValue::Array disks;
    for (const QByteArrayView line : linesOf(text)) {
        const Fields f = fieldsOf(line);
        // Like scanf, count the fields that convert, stopping at the first that does not.
        // f[2] is the name; the rest are counters.
        int count = 0;
        uint64_t v[20] = {};
        for (int i = 0; i < f.size() && i < 20; ++i) {
            if (i == 2) {
                ++count;
                continue;
            }
            const std::optional<uint64_t> n = unsignedDecimal(f[i]);
            if (!n)
                break;
            v[i] = *n;
            ++count;
        }
        if (count < 7)
            continue;
        // qemu-ga reads the major and minor numbers and some tick counters as 32-bit values.
        const auto u32 = [&v](int i) { return uint64_t(uint32_t(v[i])); };
        JsonValue stats = JsonValue::object();
        if (count == 7) {
            // The pre-2.6.25 partition layout: reads, read sectors, writes, write sectors.
            stats.insert("read-sectors", v[4]);
            stats.insert("read-ios", v[3]);
            stats.insert("write-sectors", v[6]);
            stats.insert("write-ios", v[5]);
        }
        if (count >= 14) {
            stats.insert("read-sectors", v[5]);
            stats.insert("read-ios", v[3]);
            stats.insert("read-merges", v[4]);
            stats.insert("write-sectors", v[9]);
            stats.insert("write-ios", v[7]);
            stats.insert("write-merges", v[8]);
        }
        if (count >= 18) {
            stats.insert("discard-sectors", v[16]);
            stats.insert("discard-ios", v[14]);
            stats.insert("discard-merges", v[15]);
        }
        if (count >= 20)
            stats.insert("flush-ios", v[18]);
        if (count >= 14) {
            stats.insert("read-ticks", v[6]);
            stats.insert("write-ticks", u32(10));
        }
        if (count >= 18)
            stats.insert("discard-ticks", u32(17));
        if (count >= 20)
            stats.insert("flush-ticks", u32(19));
        if (count >= 14) {
            stats.insert("ios-pgr", u32(11));
            stats.insert("total-ticks", u32(12));
            stats.insert("weight-ticks", u32(13));
        }
        JsonValue disk = JsonValue::object();
        disk.insert("name", f[2].toByteArray());
        disk.insert("major", u32(0));
        disk.insert("minor", u32(1));
        disk.insert("stats", std::move(stats));
        disks.push_back(std::move(disk));
    }
    return disks;
}

JsonValue::Array parseCpuStats(const QByteArray &text, long ticksPerSecond, bool *malformed)
{
    if (malformed)
        *malformed = false;
    JsonValue::Array cpus;
    for (const QByteArrayView line : linesOf(text)) {
        const Fields f = fieldsOf(line);
        // Only cpuN: the aggregate "cpu" line and the other counters are skipped.
        if (f.isEmpty() || !f[0].startsWith("cpu") || f[0].size() == 3)
            continue;
        int count = 1;  // fields converted, the name included, as scanf counts them
        uint64_t v[10] = {};
        for (int i = 0; i < 10 && i + 1 < f.size(); ++i) {
            const std::optional<uint64_t> n = unsignedDecimal(f[i + 1]);
            if (!n)
                break;
            v[i] = *n * 1000 / uint64_t(ticksPerSecond);
            ++count;
        }
        if (count < 5) {
            if (malformed)
                *malformed = true;
            break;
        }
        JsonValue cpu = JsonValue::object();
        cpu.insert("type", "linux");
        cpu.insert("cpu", int64_t(std::atoi(f[0].sliced(3).toByteArray().constData())));
        cpu.insert("user", v[0]);
        cpu.insert("nice", v[1]);
        cpu.insert("system", v[2]);
        cpu.insert("idle", v[3]);
        if (count > 5)
            cpu.insert("iowait", v[4]);
        if (count > 6) {
            cpu.insert("irq", v[5]);
            cpu.insert("softirq", v[6]);
        }
        if (count > 8)
            cpu.insert("steal", v[7]);
        if (count > 9)
            cpu.insert("guest", v[8]);
        if (count > 10)
            cpu.insert("guestnice", v[9]);
        cpus.push_back(std::move(cpu));
    }
    return cpus;
}

} // namespace qtga
