// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The set of registered commands, kept in QEMU's schema order (which guest-info reverses and
// `-b help` prints).
#pragma once

#include "command.h"

#include <QByteArray>
#include <QHash>

#include <vector>

namespace qtga {

class CommandRegistry
{
public:
    void add(CommandDescriptor descriptor);
    const CommandDescriptor *find(const QByteArray &name) const;
    // Schema order; commands qemu-ga does not know come last in registration order.
    const std::vector<CommandDescriptor> &commands() const { return m_commands; }

    // Every command qemu-ga's schema has on Linux, in schema order.
    static const QList<QByteArray> &schemaOrder();

private:
    std::vector<CommandDescriptor> m_commands;
    QHash<QByteArray, int> m_index;   // command name -> index in m_commands
};

// One registration function per area in agent/commands/. They run once, at start-up: cold,
// so the compiler builds them for size. In a TCG guest every instruction a start runs for the
// first time is translated first, and these are the largest part of the agent's own start-up
// code (tests/bench/startup-footprint.py counts it).
[[gnu::cold]] void registerProtocolCommands(CommandRegistry &registry);
[[gnu::cold]] void registerSystemCommands(CommandRegistry &registry);
[[gnu::cold]] void registerFileCommands(CommandRegistry &registry);
[[gnu::cold]] void registerExecCommands(CommandRegistry &registry);
[[gnu::cold]] void registerUserCommands(CommandRegistry &registry);
[[gnu::cold]] void registerSshCommands(CommandRegistry &registry);
[[gnu::cold]] void registerPasswordCommands(CommandRegistry &registry);
[[gnu::cold]] void registerFsfreezeCommands(CommandRegistry &registry);
[[gnu::cold]] void registerPowerCommands(CommandRegistry &registry);
[[gnu::cold]] void registerNetworkCommands(CommandRegistry &registry);
[[gnu::cold]] void registerHardwareCommands(CommandRegistry &registry);
[[gnu::cold]] void registerFilesystemCommands(CommandRegistry &registry);
[[gnu::cold]] void registerStatsCommands(CommandRegistry &registry);
[[gnu::cold]] void registerAllCommands(CommandRegistry &registry);

} // namespace qtga
