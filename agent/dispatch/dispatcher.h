// Turns one framed request into one response line (spec §1.4-1.5): request member checks,
// command lookup, allow/block/freeze filters, argument schema, execution, response shape.
#pragma once

#include "commandcontext.h"
#include "commandregistry.h"
#include "qgaframer.h"

#include <QMutex>
#include <QObject>
#include <QReadWriteLock>
#include <QSet>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <functional>
#include <optional>
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
// dispatcher's thread, right after its answer went out. A plain call: a signal with two
// receivers cost more than the audit log and the status tracker do with it.
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

    // §4.4: the allow list (if any) selects, the block list removes, frozen state overrides both.
    // Thread-safe: freeze and thaw change the frozen state from worker threads.
    void setRpcLists(const QStringList &allow, const QStringList &block);
    void setFrozen(bool frozen);
    bool isFrozen() const { return m_frozen.load(); }
    bool isEnabled(const QByteArray &name) const;
    // The same for a command of the registry, without a lock or a lookup.
    bool isEnabled(const CommandDescriptor &cmd) const;

    // Handles one framer event. `requester` guards the responder: if it is destroyed before a
    // worker command finishes, the response is dropped.
    // `client` names the peer in the audit log. A worker command takes over the event's
    // arguments.
    void handle(QgaFramer::Event event, QObject *requester, const QString &client, Responder respond);

    // Runs `job` on a worker thread with exclusive filesystem access, as an Exclusive command
    // runs (the freeze watchdog's thaw).
    void runExclusive(std::function<void()> job);

    // Waits for running worker commands (used at shutdown).
    void waitForWorkers();

    // Buffers this large stay on the heap after use (see main.cpp); once one has been used, the
    // dispatcher hands free heap memory back to the system a second after the last of them.
    // Main thread only. Small requests never arm the timer, so an idle agent never wakes.
    static constexpr qsizetype LargeBuffer = 256 * 1024;
    void noteLargeBuffer();

    static QByteArray errorLine(const QByteArray &cls, const QByteArray &desc, const JsonValue *id);

    // Observers remove themselves before they go away.
    void addObserver(CommandObserver *observer);
    void removeObserver(CommandObserver *observer);

private:
    void notifyFinished(const FinishedCommand &command);
    void recomputeEnabled();
    // The complete response line for a finished command; empty for a success that sends
    // nothing. Thread-safe.
    static QByteArray responseLine(const CommandDescriptor &cmd, CommandOutcome outcome, bool delimit,
                                   const std::optional<JsonValue> &id);

    const CommandRegistry &m_registry;
    AgentServices &m_services;
    std::vector<CommandObserver *> m_observers;
    mutable QMutex m_filterMutex;  // guards the two lists and recomputing the flags
    QSet<QByteArray> m_allow;
    QSet<QByteArray> m_block;
    // One flag per command, by its index in the registry, read without the lock. Sized when
    // recomputed after the registry grew, which happens before any request is handled.
    std::vector<std::atomic<bool>> m_enabled;
    std::atomic<bool> m_frozen{false};
    QThreadPool m_workers;
    // Hands freed heap memory back to the system a second after activity began (see main.cpp:
    // large buffers stay on the heap to be reused while requests keep coming).
    QTimer m_trimTimer;
    quint64 m_largeBuffersSinceTrim = 0;
    QReadWriteLock m_fsLock;
};

} // namespace qtga
