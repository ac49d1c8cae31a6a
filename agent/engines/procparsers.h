// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Parsers of the /proc files behind the inventory commands.
// They take the file's text so that tests can feed fixtures; the commands read the real files.
#pragma once

#include "jsonvalue.h"

#include <QByteArray>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace qtga {

// Reads a whole /proc or /sys file (their size is not known in advance). False with `err` set
// to the errno of the failed open or read.
bool readSystemFile(const QByteArray &path, QByteArray *text, int *err = nullptr);

// One local filesystem of the mount list shared by freeze, thaw, fstrim and fsinfo.
struct FsMount
{
    QByteArray dir;   // mount point, escapes decoded
    QByteArray type;
    unsigned major = 0;
    unsigned minor = 0;
};

// What stat() says about a mount source: a block device, a directory (a bind mount in the
// mtab fallback) or anything else, including a failed stat.
struct SourceDevice
{
    enum class Kind { BlockDevice, Directory, Other };
    Kind kind = Kind::Other;
    unsigned major = 0;
    unsigned minor = 0;
};
using SourceStat = std::function<SourceDevice(const QByteArray &source)>;

// qemu-ga's decode_mntname: `\\` and three-digit octal escapes `\ooo` (first digit 0-3).
QByteArray decodeMountName(QByteArrayView name);

// /proc/self/mountinfo: devices with major 0 are skipped except btrfs, whose source is stat()ed
// for its real numbers; a device already listed (bind mount, second mount) is skipped.
std::vector<FsMount> parseMountInfo(const QByteArray &text, const SourceStat &statSource);
// The /proc/self/mounts fallback: sources starting with '/', no smbfs/cifs, no directory
// sources, no device twice.
std::vector<FsMount> parseMtab(const QByteArray &text, const SourceStat &statSource);

struct InterfaceStatistics
{
    uint64_t rxBytes = 0, rxPackets = 0, rxErrs = 0, rxDropped = 0;
    uint64_t txBytes = 0, txPackets = 0, txErrs = 0, txDropped = 0;
};
// The counters of interface `name` in /proc/net/dev; nullopt when its line is missing or short.
std::optional<InterfaceStatistics> parseNetDev(const QByteArray &text, const QByteArray &name);
// GuestNetworkInterfaceStat.
JsonValue interfaceStatisticsJson(const InterfaceStatistics &stats);

// /proc/net/route and /proc/net/ipv6_route as GuestNetworkRoute objects; lines that do not
// parse are skipped.
JsonValue::Array parseIpv4Routes(const QByteArray &text);
JsonValue::Array parseIpv6Routes(const QByteArray &text);

// /proc/diskstats as GuestDiskStatsInfo objects (7, 14, 18 and 20 field layouts).
JsonValue::Array parseDiskStats(const QByteArray &text);

// /proc/stat's cpuN lines as GuestCpuStats objects, ticks converted to milliseconds. A cpu
// line with fewer than four counters ends the list (`malformed` is set).
JsonValue::Array parseCpuStats(const QByteArray &text, long ticksPerSecond, bool *malformed = nullptr);

} // namespace qtga
