// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-shutdown and guest-suspend-disk/-ram/-hybrid. Success sends no
// response at all (success-response: false); the decisions are in PowerControl.
#include "dispatch/commandregistry.h"
#include "engines/powercontrol.h"

namespace qtga {

namespace {

using Execution = CommandDescriptor::Execution;

CommandOutcome outcomeOf(const QByteArray &error)
{
    return error.isEmpty() ? CommandOutcome::ok() : CommandOutcome::fail(error);
}

CommandOutcome guestShutdown(const JsonValue &args, CommandContext &)
{
    const JsonValue *mode = args.value("mode");
    return outcomeOf(PowerControl().shutdown(mode ? std::optional<QByteArray>(mode->toString()) : std::nullopt));
}

CommandOutcome guestSuspendDisk(const JsonValue &, CommandContext &)
{
    return outcomeOf(PowerControl().suspend(PowerControl::SuspendMode::Disk));
}

CommandOutcome guestSuspendRam(const JsonValue &, CommandContext &)
{
    return outcomeOf(PowerControl().suspend(PowerControl::SuspendMode::Ram));
}

CommandOutcome guestSuspendHybrid(const JsonValue &, CommandContext &)
{
    return outcomeOf(PowerControl().suspend(PowerControl::SuspendMode::Hybrid));
}

} // namespace

void registerPowerCommands(CommandRegistry &registry)
{
    using namespace args;
    // The helpers are waited for, and systemctl can take a while.
    registry.add({"guest-shutdown", {optional("mode", string())}, guestShutdown, false, false, Execution::Worker});
    registry.add({"guest-suspend-disk", {}, guestSuspendDisk, false, false, Execution::Worker});
    registry.add({"guest-suspend-ram", {}, guestSuspendRam, false, false, Execution::Worker});
    registry.add({"guest-suspend-hybrid", {}, guestSuspendHybrid, false, false, Execution::Worker});
}

} // namespace qtga
