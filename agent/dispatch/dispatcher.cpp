// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "dispatcher.h"

#include "largebuffers.h"
#include "requestcheck.h"
#include "responselines.h"

#include <QLoggingCategory>
#include <QPointer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcDispatch, "qtga.dispatch")

namespace qtga {

Dispatcher::Dispatcher(const CommandRegistry &registry, AgentServices &services, QObject *parent)
    : QObject(parent), m_registry(registry), m_executor(services, m_filter)
{
    services.dispatcher = this;
}

Dispatcher::~Dispatcher()
{
    waitForWorkers();
}

void Dispatcher::addObserver(CommandObserver *observer)
{
    m_observers.push_back(observer);
}

void Dispatcher::removeObserver(CommandObserver *observer)
{
    m_observers.erase(std::remove(m_observers.begin(), m_observers.end(), observer), m_observers.end());
}

void Dispatcher::handle(QgaFramer::Event event, QObject *requester, const QString &client, Responder respond)
{
    CheckedRequest request = checkRequest(event, m_registry, m_filter);
    if (!request.command) {
        respond(errorLine(request.error, request.id ? &*request.id : nullptr));
        return;
    }
    const CommandDescriptor &cmd = *request.command;
    const bool guarded = requester != nullptr;
    const QPointer<QObject> guard(requester);
    m_executor.run(cmd, std::move(request.arguments), std::move(request.id),
                   [this, &cmd, guarded, guard, client, respond](CommandExecutor::Finished &finished) {
                       LargeBuffers::noteUse(finished.line.size());
                       // The answer first, the bookkeeping after: a host that waits for it
                       // should not also wait for the audit log and the status stream.
                       if (!guarded || guard)
                           respond(finished.line);
                       const FinishedCommand command{cmd.name, client, finished.succeeded, finished.durationMicros,
                                                     finished.auditDetail};
                       for (size_t i = 0; i < m_observers.size(); ++i)
                           m_observers[i]->commandFinished(command);
                       // Recycled here if the channel wrote all of it at once, else when it has.
                       LargeBuffers::park(std::move(finished.line));
                   });
}

} // namespace qtga
