// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Who and what the guest is: guest-get-users, guest-get-host-name, guest-get-osinfo and
// guest-get-timezone.
#include "engines/osrelease.h"

#include "dispatch/commandregistry.h"

#include <QHash>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/utsname.h>
#include <unistd.h>
#include <utmpx.h>
#include <vector>

namespace qtga {

namespace {

CommandOutcome guestGetUsers(const JsonValue &, CommandContext &)
{
    // One entry per user name in order of first appearance, with the earliest login.
    std::vector<std::pair<QByteArray, double>> users;
    QHash<QByteArray, size_t> index;
    setutxent();
    while (const utmpx *entry = getutxent()) {
        if (entry->ut_type != USER_PROCESS)
            continue;
        const QByteArray user(entry->ut_user, qsizetype(strnlen(entry->ut_user, sizeof entry->ut_user)));
        const double loginTime = double(entry->ut_tv.tv_sec) + double(entry->ut_tv.tv_usec) / 1000000.0;
        auto it = index.constFind(user);
        if (it == index.constEnd()) {
            index.insert(user, users.size());
            users.emplace_back(user, loginTime);
        } else if (loginTime < users[*it].second) {
            users[*it].second = loginTime;
        }
    }
    endutxent();
    JsonValue result = JsonValue::array();
    for (const auto &[user, loginTime] : users) {
        JsonValue item = JsonValue::object();
        item.insert("user", user);
        item.insert("login-time", loginTime);
        result.append(std::move(item));
    }
    return CommandOutcome::ok(std::move(result));
}

CommandOutcome guestGetHostName(const JsonValue &, CommandContext &)
{
    long max = sysconf(_SC_HOST_NAME_MAX);
    if (max <= 0)
        max = 255;
    QByteArray name(max + 1, '\0');
    if (gethostname(name.data(), size_t(name.size())) < 0)
        return CommandOutcome::fail("cannot get hostname" + errnoSuffix(errno));
    name.truncate(qsizetype(strnlen(name.constData(), size_t(name.size()))));
    JsonValue result = JsonValue::object();
    result.insert("host-name", name);
    return CommandOutcome::ok(std::move(result));
}

CommandOutcome guestGetTimezone(const JsonValue &, CommandContext &)
{
    // The zone in effect now: its abbreviation and offset east of UTC, from TZ or
    // /etc/localtime as GLib's local time zone would give them.
    tzset();
    const time_t now = time(nullptr);
    tm local{};
    if (!localtime_r(&now, &local))
        return CommandOutcome::fail("Couldn't retrieve local timezone");
    JsonValue result = JsonValue::object();
    if (local.tm_zone)
        result.insert("zone", QByteArray(local.tm_zone));
    result.insert("offset", int64_t(local.tm_gmtoff));
    return CommandOutcome::ok(std::move(result));
}

CommandOutcome guestGetOsinfo(const JsonValue &, CommandContext &)
{
    utsname kernel{};
    if (uname(&kernel) != 0)
        return CommandOutcome::fail("uname failed" + errnoSuffix(errno));

    std::optional<QHash<QByteArray, QByteArray>> release;
    if (qEnvironmentVariableIsSet("QGA_OS_RELEASE")) {
        release = readOsReleaseFile(qEnvironmentVariable("QGA_OS_RELEASE"));
    } else {
        release = readOsReleaseFile(QStringLiteral("/etc/os-release"));
        if (!release)
            release = readOsReleaseFile(QStringLiteral("/usr/lib/os-release"));
    }

    JsonValue result = JsonValue::object();
    result.insert("kernel-release", QByteArray(kernel.release));
    result.insert("kernel-version", QByteArray(kernel.version));
    result.insert("machine", QByteArray(kernel.machine));
    static const std::pair<const char *, const char *> fields[] = {
        {"id", "ID"}, {"name", "NAME"}, {"pretty-name", "PRETTY_NAME"}, {"version", "VERSION"},
        {"version-id", "VERSION_ID"}, {"variant", "VARIANT"}, {"variant-id", "VARIANT_ID"},
    };
    if (release) {
        for (const auto &[member, key] : fields) {
            auto it = release->constFind(key);
            if (it != release->constEnd())
                result.insert(member, *it);
        }
    }
    return CommandOutcome::ok(std::move(result));
}

} // namespace

void registerUserCommands(CommandRegistry &registry)
{
    registry.add({"guest-get-host-name", {}, guestGetHostName});
    registry.add({"guest-get-users", {}, guestGetUsers});
    registry.add({"guest-get-timezone", {}, guestGetTimezone});
    registry.add({"guest-get-osinfo", {}, guestGetOsinfo});
}

} // namespace qtga
