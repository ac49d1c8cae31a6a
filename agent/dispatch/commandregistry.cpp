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

namespace {

// Position in schema order; commands qemu-ga's schema lacks go after all of its own.
qsizetype schemaRank(const QByteArray &name)
{
    static const QHash<QByteArray, qsizetype> ranks = [] {
        QHash<QByteArray, qsizetype> byName;
        const QList<QByteArray> &order = CommandRegistry::schemaOrder();
        for (qsizetype i = 0; i < order.size(); ++i)
            byName.insert(order[i], i);
        return byName;
    }();
    return ranks.value(name, ranks.size());
}

} // namespace

// Runs for every command at start-up, before the first request can be answered: a binary
// search by schema rank, not a scan of the schema for each pair of commands.
void CommandRegistry::add(CommandDescriptor descriptor)
{
    const qsizetype rank = schemaRank(descriptor.name);
    const auto at = std::upper_bound(m_commands.begin(), m_commands.end(), rank,
                                     [](qsizetype r, const CommandDescriptor &d) { return r < schemaRank(d.name); });
    const int position = int(at - m_commands.begin());
    for (auto it = m_index.begin(); it != m_index.end(); ++it) {
        if (it.value() >= position)
            ++it.value();
    }
    m_index.insert(descriptor.name, position);
    m_commands.insert(at, std::move(descriptor));
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
