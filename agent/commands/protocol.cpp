// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-sync, guest-sync-delimited, guest-ping, guest-info.
#include "dispatch/commandregistry.h"
#include "dispatch/commandcontext.h"
#include "dispatch/dispatcher.h"
#include "qtga_version.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcCommands, "qtga.commands")

namespace qtga {

namespace {

CommandOutcome guestSync(const JsonValue &args, CommandContext &)
{
    return CommandOutcome::ok(*args.value("id"));
}

CommandOutcome guestSyncDelimited(const JsonValue &args, CommandContext &context)
{
    context.requestDelimitedResponse();
    return CommandOutcome::ok(*args.value("id"));
}

CommandOutcome guestPing(const JsonValue &, CommandContext &)
{
    return CommandOutcome::ok();
}

CommandOutcome guestInfo(const JsonValue &, CommandContext &context)
{
    const Dispatcher &dispatcher = *context.services().dispatcher;
    JsonValue commands = JsonValue::array();
    const auto &all = dispatcher.registry().commands();
    commands.items().reserve(all.size());
    // qemu-ga builds the list by prepending, so it comes out in reverse schema order.
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        JsonValue info = JsonValue::object();
        info.insert("name", it->name);
        info.insert("enabled", dispatcher.isEnabled(*it));
        info.insert("success-response", it->successResponse);
        commands.append(std::move(info));
    }
    JsonValue result = JsonValue::object();
    result.insert("version", QTGA_QEMU_COMPAT_VERSION);
    result.insert("supported_commands", std::move(commands));
    return CommandOutcome::ok(std::move(result));
}

CommandDescriptor frozenSafe(CommandDescriptor d)
{
    d.allowedWhileFrozen = true;
    return d;
}

} // namespace

void registerProtocolCommands(CommandRegistry &registry)
{
    using namespace args;
    registry.add(frozenSafe({"guest-sync-delimited", {required("id", integer())}, guestSyncDelimited}));
    registry.add(frozenSafe({"guest-sync", {required("id", integer())}, guestSync}));
    registry.add(frozenSafe({"guest-ping", {}, guestPing}));
    registry.add(frozenSafe({"guest-info", {}, guestInfo}));
}

} // namespace qtga
