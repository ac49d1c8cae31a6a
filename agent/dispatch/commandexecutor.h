// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Runs the commands that passed their checks. Inline ones (quick) run at once on the calling
// thread, the event loop's; Worker ones (disk, child processes, hooks) on a thread pool, so that
// pings and other clients are answered meanwhile. A command holds the filesystem lock as its
// descriptor says: shared to read or write files, exclusive to freeze or thaw, so nothing touches
// a filesystem mid-transition. Its answer line is built where it ran (a multi-megabyte answer
// must not stall the event loop) and handed back on the event loop's thread.
#pragma once

#include "commandcontext.h"
#include "commandfilter.h"

#include <QObject>
#include <QReadWriteLock>
#include <QThreadPool>

#include <functional>
#include <optional>

namespace qtga {

class CommandExecutor : public QObject
{
    Q_OBJECT
public:
    struct Finished
    {
        QByteArray line;  // empty: the command sends no answer
        bool succeeded = false;
        qint64 durationMicros = 0;
        QByteArray auditDetail;
    };
    using Done = std::function<void(Finished &finished)>;

    CommandExecutor(AgentServices &services, const CommandFilter &filter, QObject *parent = nullptr);
    ~CommandExecutor() override;

    // Calls `done` once, on this object's thread; for an Inline command before returning.
    void run(const CommandDescriptor &cmd, JsonValue arguments, std::optional<JsonValue> id, Done done);
    // Runs `job` on a worker thread with exclusive filesystem access, as an Exclusive command
    // runs (the freeze watchdog's thaw).
    void runExclusive(std::function<void()> job);
    // Waits for running worker commands (at shutdown).
    void waitForWorkers();

private:
    Finished execute(const CommandDescriptor &cmd, JsonValue &arguments, const std::optional<JsonValue> &id);

    AgentServices &m_services;
    const CommandFilter &m_filter;
    QThreadPool m_workers;
    QReadWriteLock m_fsLock;
};

} // namespace qtga
