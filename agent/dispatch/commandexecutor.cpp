// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "commandexecutor.h"

#include "requestcheck.h"
#include "responselines.h"

#include <QElapsedTimer>

namespace qtga {

CommandExecutor::CommandExecutor(AgentServices &services, const CommandFilter &filter, QObject *parent)
    : QObject(parent), m_services(services), m_filter(filter)
{
    // Blocking commands of different clients run side by side; a few threads are plenty.
    m_workers.setMaxThreadCount(8);
    m_workers.setExpiryTimeout(30000);
}

CommandExecutor::~CommandExecutor()
{
    waitForWorkers();
}

void CommandExecutor::waitForWorkers()
{
    m_workers.waitForDone();
}

void CommandExecutor::run(const CommandDescriptor &cmd, JsonValue arguments, std::optional<JsonValue> id, Done done)
{
    if (cmd.execution == CommandDescriptor::Execution::Inline) {
        Finished finished = execute(cmd, arguments, id);
        done(finished);
        return;
    }
    // The arguments move into the job: a write's buffer is decoded in place there, so no other
    // reference to it may remain here. The registry, and so `cmd`, outlives every worker.
    m_workers.start([this, &cmd, arguments = std::move(arguments), id = std::move(id), done = std::move(done)]() mutable {
        auto finished = std::make_shared<Finished>(execute(cmd, arguments, id));
        QMetaObject::invokeMethod(this, [finished, done = std::move(done)] { done(*finished); }, Qt::QueuedConnection);
    });
}

void CommandExecutor::runExclusive(std::function<void()> job)
{
    m_workers.start([this, job = std::move(job)] {
        QWriteLocker lock(&m_fsLock);
        job();
    });
}

CommandExecutor::Finished CommandExecutor::execute(const CommandDescriptor &cmd, JsonValue &arguments,
                                                   const std::optional<JsonValue> &id)
{
    QElapsedTimer timer;
    timer.start();
    CommandContext context(m_services);
    context.setOwnedArguments(&arguments);
    const auto run = [&] {
        // Checked again: a freeze may have begun while a worker command waited for a thread or
        // for the lock, and a command it disabled must not touch the frozen filesystems now.
        if (!m_filter.isEnabled(cmd))
            return CommandOutcome::fail(commandDisabled(cmd));
        return cmd.run(arguments, context);
    };
    std::optional<CommandOutcome> outcome;
    if (cmd.fsAccess == CommandDescriptor::FsAccess::Exclusive) {
        QWriteLocker lock(&m_fsLock);
        outcome = run();
    } else if (cmd.fsAccess == CommandDescriptor::FsAccess::Shared) {
        QReadLocker lock(&m_fsLock);
        outcome = run();
    } else {
        outcome = run();
    }
    Finished finished;
    finished.durationMicros = timer.nsecsElapsed() / 1000;
    finished.succeeded = !outcome->isError();
    finished.auditDetail = context.auditDetail();
    finished.line = responseLine(cmd, std::move(*outcome), context.delimitedResponseRequested(), id ? &*id : nullptr);
    return finished;
}

} // namespace qtga
