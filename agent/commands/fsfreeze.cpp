// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-fsfreeze-status, -freeze, -freeze-list, -thaw and guest-fstrim.
// The decisions are in FsFreezer; this file wires them to the agent.
#include "dispatch/commandcontext.h"
#include "dispatch/commandregistry.h"
#include "frozenstate.h"
#include "engines/fsfreezer.h"

namespace qtga {

namespace {

using Execution = CommandDescriptor::Execution;
using FsAccess = CommandDescriptor::FsAccess;

CommandOutcome guestFsfreezeStatus(const JsonValue &, CommandContext &context)
{
    // The agent's own flag, not the kernel's view: a restarted agent trusts the marker file.
    return CommandOutcome::ok(context.services().frozen->isFrozen() ? "frozen" : "thawed");
}

CommandOutcome guestFsfreezeFreeze(const JsonValue &, CommandContext &context)
{
    return FsFreezer::forAgent(context.services()).freeze(std::nullopt);
}

CommandOutcome guestFsfreezeFreezeList(const JsonValue &args, CommandContext &context)
{
    std::optional<QList<QByteArray>> mountpoints;
    if (const JsonValue *list = args.value("mountpoints")) {
        mountpoints.emplace();
        for (const JsonValue &mountpoint : list->items())
            mountpoints->append(mountpoint.toString());
    }
    return FsFreezer::forAgent(context.services()).freeze(mountpoints);
}

CommandOutcome guestFsfreezeThaw(const JsonValue &, CommandContext &context)
{
    return FsFreezer::forAgent(context.services()).thaw();
}

CommandOutcome guestFstrim(const JsonValue &args, CommandContext &)
{
    const JsonValue *minimum = args.value("minimum");
    return trimFilesystems(kernelFilesystems(), minimum ? minimum->toInt() : 0);
}

} // namespace

void registerFsfreezeCommands(CommandRegistry &registry)
{
    using namespace args;
    CommandDescriptor status{"guest-fsfreeze-status", {}, guestFsfreezeStatus};
    status.allowedWhileFrozen = true;
    registry.add(std::move(status));
    // Freeze and thaw take the filesystems for themselves: nothing else may touch one while it
    // changes state. A second freeze while frozen is refused (not on the allow-list).
    registry.add({"guest-fsfreeze-freeze", {}, guestFsfreezeFreeze, true, false, Execution::Worker,
                  FsAccess::Exclusive});
    registry.add({"guest-fsfreeze-freeze-list", {optional("mountpoints", list(string()))}, guestFsfreezeFreezeList,
                  true, false, Execution::Worker, FsAccess::Exclusive});
    registry.add({"guest-fsfreeze-thaw", {}, guestFsfreezeThaw, true, true, Execution::Worker, FsAccess::Exclusive});
    registry.add({"guest-fstrim", {optional("minimum", integer())}, guestFstrim, true, false, Execution::Worker,
                  FsAccess::Shared});
}

} // namespace qtga
