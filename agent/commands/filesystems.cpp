// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-get-fsinfo and guest-get-disks.
#include "engines/blockdevices.h"
#include "dispatch/commandregistry.h"
#include "engines/fsfreezer.h"

#include <sys/statvfs.h>

namespace qtga {

namespace {

using Execution = CommandDescriptor::Execution;
using FsAccess = CommandDescriptor::FsAccess;

CommandOutcome guestGetFsinfo(const JsonValue &, CommandContext &)
{
    std::vector<FsMount> mounts;
    QByteArray error;
    if (!kernelFilesystems().mounts(&mounts, &error))
        return CommandOutcome::fail(error);
    const BlockDevices devices;
    JsonValue::Array filesystems;
    for (const FsMount &mount : mounts) {
        QByteArray name;
        JsonValue disks;
        if (!devices.describe(mount.major, mount.minor, &name, &disks, &error))
            return CommandOutcome::fail(error);
        JsonValue fs = JsonValue::object();
        fs.insert("name", name);
        fs.insert("mountpoint", mount.dir);
        fs.insert("type", mount.type);
        struct statvfs st;
        if (::statvfs(mount.dir.constData(), &st) == 0) {
            // total-bytes is what an unprivileged user can reach; the reserved blocks are
            // only in total-bytes-privileged.
            const uint64_t used = uint64_t(st.f_blocks - st.f_bfree);
            fs.insert("used-bytes", used * st.f_frsize);
            fs.insert("total-bytes", (used + st.f_bavail) * st.f_frsize);
            fs.insert("total-bytes-privileged", uint64_t(st.f_blocks) * st.f_frsize);
        }
        fs.insert("disk", std::move(disks));
        filesystems.insert(filesystems.begin(), std::move(fs));
    }
    return CommandOutcome::ok(JsonValue(std::move(filesystems)));
}

CommandOutcome guestGetDisks(const JsonValue &, CommandContext &)
{
    return BlockDevices().disks();
}

} // namespace

void registerFilesystemCommands(CommandRegistry &registry)
{
    // statvfs on a hung network mount or a slow sysfs/udev walk must not stall the agent.
    registry.add({"guest-get-disks", {}, guestGetDisks, true, false, Execution::Worker});
    registry.add({"guest-get-fsinfo", {}, guestGetFsinfo, true, false, Execution::Worker, FsAccess::Shared});
}

} // namespace qtga
