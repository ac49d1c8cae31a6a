#include "dispatcher.h"

#include "largebuffers.h"
#include "requestcheck.h"
#include "responselines.h"

#include <QLoggingCategory>
#include <QPointer>

#include <algorithm>
#include <malloc.h>

Q_LOGGING_CATEGORY(lcDispatch, "qtga.dispatch")

namespace qtga {

Dispatcher::Dispatcher(const CommandRegistry &registry, AgentServices &services, QObject *parent)
    : QObject(parent), m_registry(registry), m_executor(services, m_filter)
{
    services.dispatcher = this;
    m_trimTimer.setSingleShot(true);
    m_trimTimer.setInterval(1000);
    connect(&m_trimTimer, &QTimer::timeout, this, [this] {
        // Large buffers kept coming: once more a second after the last of them, and the
        // recycled one stays until then.
        if (m_largeBuffersSinceTrim > 0) {
            m_largeBuffersSinceTrim = 0;
            m_trimTimer.start();
        } else {
            largebuffers::release();
        }
        malloc_trim(0);
    });
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

void Dispatcher::noteLargeBuffer()
{
    if (m_trimTimer.isActive())
        ++m_largeBuffersSinceTrim;
    else
        m_trimTimer.start();
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
                       if (finished.line.size() >= LargeBuffer)
                           noteLargeBuffer();
                       // The answer first, the bookkeeping after: a host that waits for it
                       // should not also wait for the audit log and the status stream.
                       if (!guarded || guard)
                           respond(finished.line);
                       const FinishedCommand command{cmd.name, client, finished.succeeded, finished.durationMicros,
                                                     finished.auditDetail};
                       for (size_t i = 0; i < m_observers.size(); ++i)
                           m_observers[i]->commandFinished(command);
                       // Recycled here if the channel wrote all of it at once, else when it has.
                       largebuffers::park(std::move(finished.line));
                   });
}

} // namespace qtga
