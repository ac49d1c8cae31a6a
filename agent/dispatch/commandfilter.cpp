// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "commandfilter.h"

namespace qtga {

void CommandFilter::setRpcLists(const QStringList &allow, const QStringList &block)
{
    QMutexLocker lock(&m_mutex);
    m_allow.clear();
    m_block.clear();
    for (const QString &name : allow)
        m_allow.insert(name.toUtf8());
    for (const QString &name : block)
        m_block.insert(name.toUtf8());
}

bool CommandFilter::isEnabled(const CommandDescriptor &cmd) const
{
    if (m_frozen)
        return cmd.allowedWhileFrozen;
    QMutexLocker lock(&m_mutex);
    return (m_allow.isEmpty() || m_allow.contains(cmd.name)) && !m_block.contains(cmd.name);
}

} // namespace qtga
