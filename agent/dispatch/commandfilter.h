// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Which commands may run now, by qemu-ga's rules (applied at start-up and after every freeze and
// thaw): an allow list, if any, selects; the block list removes; while frozen only the commands
// allowed while frozen run, whatever the lists say. Thread-safe: freeze and thaw change the
// frozen state from worker threads, and worker commands check again before they start.
#pragma once

#include "command.h"

#include <QMutex>
#include <QSet>
#include <QStringList>

#include <atomic>

namespace qtga {

class CommandFilter
{
public:
    void setRpcLists(const QStringList &allow, const QStringList &block);
    void setFrozen(bool frozen) { m_frozen = frozen; }
    bool isFrozen() const { return m_frozen; }
    bool isEnabled(const CommandDescriptor &cmd) const;

private:
    mutable QMutex m_mutex;  // guards the two lists
    QSet<QByteArray> m_allow;
    QSet<QByteArray> m_block;
    std::atomic<bool> m_frozen{false};
};

} // namespace qtga
