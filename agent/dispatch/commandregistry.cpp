// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "commandregistry.h"

#include <algorithm>

namespace qtga {

const QList<QByteArray> &CommandRegistry::schemaOrder()
{
    static const QList<QByteArray> order = {
        "guest-sync-delimited", "guest-sync", "guest-ping", "guest-get-time", "guest-set-time",
        "guest-info", "guest-shutdown", "guest-file-open", "guest-file-close", "guest-file-read",
        "guest-file-write", "guest-file-seek", "guest-file-flush", "guest-fsfreeze-status",
        "guest-fsfreeze-freeze", "guest-fsfreeze-freeze-list", "guest-fsfreeze-thaw", "guest-fstrim",
        "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid",
        "guest-network-get-interfaces", "guest-get-vcpus", "guest-set-vcpus", "guest-get-disks",
        "guest-get-fsinfo", "guest-set-user-password", "guest-get-memory-blocks",
        "guest-set-memory-blocks", "guest-get-memory-block-info", "guest-exec-status", "guest-exec",
        "guest-get-host-name", "guest-get-users", "guest-get-timezone", "guest-get-osinfo",
        "guest-ssh-get-authorized-keys", "guest-ssh-add-authorized-keys",
        "guest-ssh-remove-authorized-keys", "guest-get-diskstats", "guest-get-cpustats",
        "guest-get-load", "guest-network-get-route",
    };
    return order;
}

void CommandRegistry::add(CommandDescriptor descriptor)
{
    const auto rank = [](const QByteArray &name) {
        qsizetype i = schemaOrder().indexOf(name);
        return i < 0 ? schemaOrder().size() : i;
    };
    const qsizetype newRank = rank(descriptor.name);
    auto pos = std::find_if(m_commands.begin(), m_commands.end(),
                            [&](const CommandDescriptor &d) { return rank(d.name) > newRank; });
    m_commands.insert(pos, std::move(descriptor));
    m_index.clear();
    for (size_t i = 0; i < m_commands.size(); ++i)
        m_index.insert(m_commands[i].name, int(i));
}

const CommandDescriptor *CommandRegistry::find(const QByteArray &name) const
{
    const int index = m_index.value(name, -1);
    return index < 0 ? nullptr : &m_commands[size_t(index)];
}

void registerAllCommands(CommandRegistry &registry)
{
    registerProtocolCommands(registry);
    registerSystemCommands(registry);
    registerFsfreezeCommands(registry);
    registerPowerCommands(registry);
    registerNetworkCommands(registry);
    registerHardwareCommands(registry);
    registerFilesystemCommands(registry);
    registerStatsCommands(registry);
    registerFileCommands(registry);
    registerExecCommands(registry);
    registerUserCommands(registry);
    registerSshCommands(registry);
    registerPasswordCommands(registry);
}

} // namespace qtga
