// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-get-diskstats, guest-get-cpustats and guest-get-load.
#include "dispatch/commandregistry.h"
#include "engines/procparsers.h"

#include <QLoggingCategory>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcStats, "qtga.stats")

namespace qtga {

namespace {

QByteArray couldNotOpen(const char *path, int err)
{
    return "Could not open '" + QByteArray(path) + "': " + strerror(err);
}

CommandOutcome guestGetDiskstats(const JsonValue &, CommandContext &)
{
    QByteArray text;
    int err = 0;
    if (!readSystemFile("/proc/diskstats", &text, &err))
        return CommandOutcome::fail(couldNotOpen("/proc/diskstats", err));
    return CommandOutcome::ok(JsonValue(parseDiskStats(text)));
}

CommandOutcome guestGetCpustats(const JsonValue &, CommandContext &)
{
    QByteArray text;
    int err = 0;
    if (!readSystemFile("/proc/stat", &text, &err))
        return CommandOutcome::fail(couldNotOpen("/proc/stat", err));
    bool malformed = false;
    JsonValue::Array cpus = parseCpuStats(text, sysconf(_SC_CLK_TCK), &malformed);
    if (malformed)
        qCWarning(lcStats, "Parsing cpu stat from /proc/stat failed, see \"man proc\"");
    return CommandOutcome::ok(JsonValue(std::move(cpus)));
}

CommandOutcome guestGetLoad(const JsonValue &, CommandContext &)
{
    double loads[3] = {0, 0, 0};
    if (getloadavg(loads, 3) < 0)
        return CommandOutcome::fail(QByteArray("cannot query load average: ") + strerror(errno));
    JsonValue load = JsonValue::object();
    load.insert("load1m", loads[0]);
    load.insert("load5m", loads[1]);
    load.insert("load15m", loads[2]);
    return CommandOutcome::ok(std::move(load));
}

} // namespace

void registerStatsCommands(CommandRegistry &registry)
{
    // /proc reads: quick, and never waiting on storage.
    registry.add({"guest-get-diskstats", {}, guestGetDiskstats});
    registry.add({"guest-get-cpustats", {}, guestGetCpustats});
    registry.add({"guest-get-load", {}, guestGetLoad});
}

} // namespace qtga
