// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Turns one framed request into one response line: the request's checks (requestcheck.h), the
// command filters (commandfilter.h), running it (commandexecutor.h) and the answer
// (responselines.h); then tells the observers.
#pragma once

#include "commandcontext.h"
#include "commandexecutor.h"
#include "commandfilter.h"
#include "commandregistry.h"
#include "qgaframer.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <vector>

namespace qtga {

// What the audit log and the status stream learn about a command that ran: never its
// arguments, only a short detail the command chose to record (a path, a program).
struct FinishedCommand
{
    QByteArray name;
    QString client;          // the peer, e.g. "unix-listen:/run/qga.sock#3"
    bool succeeded = false;
    qint64 durationMicros = 0;
    QByteArray detail;
};

// Told about every command that ran (not about parse or request-shape errors), on the
// dispatcher's thread, right after its answer went out.
class CommandObserver
{
public:
    virtual void commandFinished(const FinishedCommand &command) = 0;

protected:
    ~CommandObserver() = default;
};

class Dispatcher : public QObject
{
    Q_OBJECT
public:
    // Receives the complete response line (0xFF prefix and newline included), or an empty
    // array when the command sends no response. Always called on the dispatcher's thread.
    using Responder = std::function<void(const QByteArray &line)>;

    Dispatcher(const CommandRegistry &registry, AgentServices &services, QObject *parent = nullptr);
    ~Dispatcher() override;

    const CommandRegistry &registry() const { return m_registry; }

    void setRpcLists(const QStringList &allow, const QStringList &block) { m_filter.setRpcLists(allow, block); }
    // Thread-safe: freeze and thaw change the frozen state from worker threads.
    void setFrozen(bool frozen) { m_filter.setFrozen(frozen); }
    bool isFrozen() const { return m_filter.isFrozen(); }
    bool isEnabled(const CommandDescriptor &cmd) const { return m_filter.isEnabled(cmd); }

    // Handles one framer event. `requester`, when given, guards the responder: if it is
    // destroyed before a worker command finishes, the answer is dropped. `client` names the
    // peer for the observers.
    void handle(QgaFramer::Event event, QObject *requester, const QString &client, Responder respond);

    void runExclusive(std::function<void()> job) { m_executor.runExclusive(std::move(job)); }
    void waitForWorkers() { m_executor.waitForWorkers(); }

    // Observers remove themselves before they go away.
    void addObserver(CommandObserver *observer);
    void removeObserver(CommandObserver *observer);

private:
    const CommandRegistry &m_registry;
    CommandFilter m_filter;
    CommandExecutor m_executor;
    std::vector<CommandObserver *> m_observers;
};

} // namespace qtga
