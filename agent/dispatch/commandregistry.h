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

// One registration function per area in agent/commands/.
void registerProtocolCommands(CommandRegistry &registry);
void registerSystemCommands(CommandRegistry &registry);
void registerFileCommands(CommandRegistry &registry);
void registerExecCommands(CommandRegistry &registry);
void registerUserCommands(CommandRegistry &registry);
void registerSshCommands(CommandRegistry &registry);
void registerPasswordCommands(CommandRegistry &registry);
void registerFsfreezeCommands(CommandRegistry &registry);
void registerPowerCommands(CommandRegistry &registry);
void registerNetworkCommands(CommandRegistry &registry);
void registerHardwareCommands(CommandRegistry &registry);
void registerFilesystemCommands(CommandRegistry &registry);
void registerStatsCommands(CommandRegistry &registry);
void registerAllCommands(CommandRegistry &registry);

} // namespace qtga
