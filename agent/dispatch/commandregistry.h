// The set of registered commands, kept in QEMU's schema order (which guest-info reverses and
// `-b help` prints).
#pragma once

#include "command.h"
#include "stringpool.h"

#include <QByteArray>

#include <vector>

namespace qtga {

class CommandRegistry
{
public:
    CommandRegistry();
    void add(CommandDescriptor descriptor);
    const CommandDescriptor *find(const QByteArray &name) const;
    // Schema order; commands qemu-ga does not know come last in registration order.
    const std::vector<CommandDescriptor> &commands() const { return m_commands; }
    // What requests spell again and again: the request members, every command's name and the
    // names and enum values of its arguments (for the framer, see StringPool).
    const StringPool &strings() const { return m_strings; }

    // Every command qemu-ga's schema has on Linux, in schema order.
    static const QList<QByteArray> &schemaOrder();

private:
    void addStrings(const std::vector<ArgField> &fields);
    void addStrings(const ArgType *type);

    std::vector<CommandDescriptor> m_commands;
    StringPool m_index;   // command name -> index in m_commands (the tag)
    StringPool m_strings;
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
