// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Time (guest-get-time, guest-set-time) and, later, shutdown and the rest of the machine-wide commands.
#include "engines/childprocess.h"

#include "dispatch/commandregistry.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/time.h>

namespace qtga {

namespace {

CommandOutcome guestGetTime(const JsonValue &, CommandContext &)
{
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    // qemu-ga reports microsecond resolution scaled to nanoseconds.
    const int64_t micros = int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
    return CommandOutcome::ok(JsonValue(micros * 1000));
}

// guest-set-time: the new time must fall in the years 1970-2069 of the local calendar (as
// GLib's GDate sees it); then the system clock is set and copied to the RTC. Without a time the
// system clock is set from the RTC instead.
CommandOutcome guestSetTime(const JsonValue &args, CommandContext &)
{
    const JsonValue *timeArg = args.value("time");
    if (timeArg) {
        const int64_t ns = timeArg->toInt();
        const int64_t seconds = ns / 1000000000;
        if (seconds != int64_t(time_t(seconds)))
            return CommandOutcome::fail("Time " + QByteArray::number(qlonglong(ns)) + " is too large");
        timeval tv{};
        tv.tv_sec = time_t(seconds);
        tv.tv_usec = suseconds_t((ns % 1000000000) / 1000);
        tm local{};
        const bool known = localtime_r(&tv.tv_sec, &local) != nullptr;
        const int64_t year = int64_t(local.tm_year) + 1900;
        // qemu-ga appends whatever stale errno is around; the text alone is what it means.
        if (!known || year < 1970 || year >= 2070)
            return CommandOutcome::fail("Invalid time");
        if (settimeofday(&tv, nullptr) < 0)
            return CommandOutcome::fail(QByteArray("Failed to set time to guest: ") + std::strerror(errno));
    }
    const ChildResult result = runChild({QStringLiteral("/sbin/hwclock"), timeArg ? QStringLiteral("-w") : QStringLiteral("-s")});
    if (!result.succeeded())
        return CommandOutcome::fail(childFailureMessage("set hardware clock to system time", result));
    return CommandOutcome::ok();
}

} // namespace

void registerSystemCommands(CommandRegistry &registry)
{
    registry.add({"guest-get-time", {}, guestGetTime});
    CommandDescriptor setTime{"guest-set-time", {args::optional("time", args::integer())}, guestSetTime};
    // hwclock may take a second, and -w can write /etc/adjtime.
    setTime.execution = CommandDescriptor::Execution::Worker;
    setTime.fsAccess = CommandDescriptor::FsAccess::Shared;
    registry.add(std::move(setTime));
}

} // namespace qtga
