#include "dispatcher.h"

#include "jsonwriter.h"
#include "largebuffers.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QPointer>

#include <algorithm>
#include <malloc.h>

Q_LOGGING_CATEGORY(lcDispatch, "qtga.dispatch")

namespace qtga {

namespace {

QByteArray finishLine(const JsonValue &response, bool delimit)
{
    QByteArray line;
    line.reserve(jsonSizeHint(response) + 2);
    if (delimit)
        line.append(char(0xFF));
    appendJson(line, response);
    line.append('\n');
    return line;
}

JsonValue errorObject(const QByteArray &cls, const QByteArray &desc)
{
    JsonValue error = JsonValue::object();
    error.insert("class", cls);
    error.insert("desc", desc);
    return error;
}

} // namespace

Dispatcher::Dispatcher(const CommandRegistry &registry, AgentServices &services, QObject *parent)
    : QObject(parent), m_registry(registry), m_services(services)
{
    m_services.dispatcher = this;
    // Blocking commands of different clients run side by side; a few threads are plenty.
    m_workers.setMaxThreadCount(8);
    m_workers.setExpiryTimeout(30000);
    recomputeEnabled();
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

void Dispatcher::notifyFinished(const FinishedCommand &command)
{
    for (size_t i = 0; i < m_observers.size(); ++i)
        m_observers[i]->commandFinished(command);
}

void Dispatcher::noteLargeBuffer()
{
    if (m_trimTimer.isActive())
        ++m_largeBuffersSinceTrim;
    else
        m_trimTimer.start();
}

void Dispatcher::waitForWorkers()
{
    m_workers.waitForDone();
}

void Dispatcher::runExclusive(std::function<void()> job)
{
    m_workers.start([this, job = std::move(job)] {
        QWriteLocker lock(&m_fsLock);
        job();
    });
}

bool Dispatcher::isEnabled(const QByteArray &name) const
{
    const CommandDescriptor *cmd = m_registry.find(name);
    return cmd && isEnabled(*cmd);
}

bool Dispatcher::isEnabled(const CommandDescriptor &cmd) const
{
    const size_t index = size_t(&cmd - m_registry.commands().data());
    return index < m_enabled.size() && m_enabled[index].load(std::memory_order_acquire);
}

void Dispatcher::setRpcLists(const QStringList &allow, const QStringList &block)
{
    QMutexLocker lock(&m_filterMutex);
    m_allow.clear();
    m_block.clear();
    for (const QString &name : allow)
        m_allow.insert(name.toUtf8());
    for (const QString &name : block)
        m_block.insert(name.toUtf8());
    recomputeEnabled();
}

void Dispatcher::setFrozen(bool frozen)
{
    QMutexLocker lock(&m_filterMutex);
    m_frozen = frozen;
    recomputeEnabled();
}

// Called with m_filterMutex held (or from the constructor).
void Dispatcher::recomputeEnabled()
{
    const std::vector<CommandDescriptor> &commands = m_registry.commands();
    if (commands.size() != m_enabled.size())
        m_enabled = std::vector<std::atomic<bool>>(commands.size());
    for (size_t i = 0; i < commands.size(); ++i) {
        const CommandDescriptor &cmd = commands[i];
        bool allowed = m_allow.isEmpty() || m_allow.contains(cmd.name);
        if (m_block.contains(cmd.name))
            allowed = false;
        if (m_frozen)
            allowed = cmd.allowedWhileFrozen;
        m_enabled[i].store(allowed, std::memory_order_release);
    }
}

QByteArray Dispatcher::errorLine(const QByteArray &cls, const QByteArray &desc, const JsonValue *id)
{
    JsonValue response = JsonValue::object();
    response.insert("error", errorObject(cls, desc));
    if (id)
        response.insert("id", *id);
    return finishLine(response, false);
}

void Dispatcher::handle(QgaFramer::Event event, QObject *requester, const QString &client, Responder respond)
{
    if (event.isError) {
        respond(errorLine("GenericError", event.error, nullptr));
        return;
    }
    JsonValue &request = event.value;
    if (!request.isObject()) {
        respond(errorLine("GenericError", "QMP input must be a JSON object", nullptr));
        return;
    }
    const JsonValue *id = request.value("id");

    // Members are checked in the order QEMU's QDict iterates them; the first failure wins. A
    // request without a failure (nearly all) is taken in one pass in its own order; the QDict
    // order is worked out only to pick which failure to report.
    auto &members = request.members();
    const JsonValue *execute = nullptr;
    JsonValue *arguments = nullptr;
    bool wellFormed = true;
    for (auto &m : members) {
        if (m.key == "execute" && m.value.isString())
            execute = &m.value;
        else if (m.key == "arguments" && m.value.isObject())
            arguments = &m.value;
        else if (m.key != "id")
            wellFormed = false;
    }
    for (int index : wellFormed ? MemberOrder() : qdictIterationOrder(members)) {
        auto &m = members[size_t(index)];
        if (m.key == "execute") {
            if (!m.value.isString()) {
                respond(errorLine("GenericError", "QMP input member 'execute' must be a string", id));
                return;
            }
            execute = &m.value;
        } else if (m.key == "arguments") {
            if (!m.value.isObject()) {
                respond(errorLine("GenericError", "QMP input member 'arguments' must be an object", id));
                return;
            }
            arguments = &m.value;
        } else if (m.key != "id") {
            respond(errorLine("GenericError", "QMP input member '" + m.key + "' is unexpected", id));
            return;
        }
    }
    if (!execute) {
        respond(errorLine("GenericError", "QMP input lacks member 'execute'", id));
        return;
    }
    const QByteArray &name = execute->toString();
    const CommandDescriptor *cmd = m_registry.find(name);
    if (!cmd) {
        respond(errorLine("CommandNotFound", "The command " + name + " has not been found", id));
        return;
    }
    if (!isEnabled(*cmd)) {
        respond(errorLine("CommandNotFound", "Command " + name + " has been disabled: the command is not allowed", id));
        return;
    }
    static const JsonValue noArguments = JsonValue::object();
    const JsonValue &args = arguments ? *arguments : noArguments;
    if (auto error = checkArguments(args, cmd->arguments)) {
        respond(errorLine("GenericError", *error, id));
        return;
    }

    if (cmd->execution == CommandDescriptor::Execution::Inline) {
        QElapsedTimer timer;
        timer.start();
        CommandContext context(m_services);
        CommandOutcome outcome = cmd->run(args, context);
        const bool succeeded = !outcome.isError();
        const QByteArray line = responseLine(*cmd, std::move(outcome), context.delimitedResponseRequested(),
                                             id ? std::optional<JsonValue>(*id) : std::nullopt);
        const qint64 micros = timer.nsecsElapsed() / 1000;
        // The answer first, the bookkeeping after: a host that waits for it should not also
        // wait for the audit log and the status stream.
        respond(line);
        notifyFinished(FinishedCommand{cmd->name, client, succeeded, micros, context.auditDetail()});
        return;
    }

    // Worker commands: copy what the thread needs; the registry outlives every worker.
    QPointer<QObject> guard(requester);
    std::optional<JsonValue> idCopy;
    if (id)
        idCopy = *id;
    // The arguments move into the job (a write's buffer is decoded in place there, so no other
    // reference to it may remain here).
    JsonValue ownArgs = arguments ? std::move(*arguments) : noArguments;
    m_workers.start([this, cmd, guard, idCopy, argsCopy = std::move(ownArgs), client, respond]() mutable {
        QElapsedTimer timer;
        timer.start();
        CommandContext context(m_services);
        context.setOwnedArguments(&argsCopy);
        const auto run = [&] {
            // A freeze may have started while this command waited for a thread or the lock:
            // a command it disabled must not touch the frozen filesystems now.
            if (!isEnabled(*cmd)) {
                return CommandOutcome::fail(CommandError{
                    "CommandNotFound", "Command " + cmd->name + " has been disabled: the command is not allowed"});
            }
            return cmd->run(argsCopy, context);
        };
        std::optional<CommandOutcome> outcome;
        if (cmd->fsAccess == CommandDescriptor::FsAccess::Exclusive) {
            QWriteLocker lock(&m_fsLock);
            outcome = run();
        } else if (cmd->fsAccess == CommandDescriptor::FsAccess::Shared) {
            QReadLocker lock(&m_fsLock);
            outcome = run();
        } else {
            outcome = run();
        }
        const qint64 micros = timer.nsecsElapsed() / 1000;
        const bool succeeded = !outcome->isError();
        // Serialised here, off the event loop: a multi-megabyte answer must not stall the
        // other clients while it is written out.
        QByteArray line = responseLine(*cmd, std::move(*outcome), context.delimitedResponseRequested(), idCopy);
        FinishedCommand finished{cmd->name, client, succeeded, micros, context.auditDetail()};
        QMetaObject::invokeMethod(this, [this, guard, line = std::move(line), finished = std::move(finished), respond]() mutable {
            if (line.size() >= LargeBuffer)
                noteLargeBuffer();
            if (guard)
                respond(line);
            notifyFinished(finished);
            // Recycled here if the channel wrote all of it at once, else when it has.
            largebuffers::park(std::move(line));
        }, Qt::QueuedConnection);
    });
}

QByteArray Dispatcher::responseLine(const CommandDescriptor &cmd, CommandOutcome outcome, bool delimit,
                                    const std::optional<JsonValue> &id)
{
    if (outcome.isError()) {
        JsonValue response = JsonValue::object();
        response.insert("error", errorObject(outcome.error().cls, outcome.error().desc));
        if (id)
            response.insert("id", *id);
        return finishLine(response, false);
    }
    if (!cmd.successResponse)
        return QByteArray();
    // The most common answer of all (guest-ping, and every command that returns nothing) is
    // one shared line: no allocation, nothing written.
    if (!id && !delimit && outcome.value().isObject() && outcome.value().members().empty()) {
        static const QByteArray emptyReturn = QByteArrayLiteral("{\"return\": {}}\n");
        return emptyReturn;
    }
    // {"return": ..., "id": ...} written straight out, the two keys in the order QDict
    // iterates them (what appendJson of the same object gives), without building the object.
    static const bool idFirst = [] {
        JsonValue probe = JsonValue::object();
        probe.insert("return", JsonValue::object());
        probe.insert("id", JsonValue::object());
        return probe.members()[size_t(qdictIterationOrder(probe.members()).front())].key == "id";
    }();
    const auto openLine = [&](QByteArray &out) {
        if (delimit)
            out.append(char(0xFF));
        out.append('{');
        if (id && idFirst) {
            out.append("\"id\": ", 6);
            appendJson(out, *id);
            out.append(", ", 2);
        }
        out.append("\"return\": ", 10);
    };
    const auto closeLine = [&](QByteArray &out) {
        if (id && !idFirst) {
            out.append(", \"id\": ", 8);
            appendJson(out, *id);
        }
        out.append("}\n", 2);
    };

    JsonValue &value = outcome.value();
    if (value.isObject()) {
        // A multi-megabyte member (guest-file-read's base64, guest-exec-status output) is
        // already JSON text: the rest of the line goes around it, in the room its builder left,
        // instead of copying it into a new line.
        auto &members = value.members();
        const auto big = std::find_if(members.begin(), members.end(), [](const JsonValue::Member &m) {
            return m.value.isRawJson() && m.value.toString().size() >= LargeBuffer;
        });
        if (big != members.end()) {
            QByteArray head, tail;
            openLine(head);
            head.append('{');
            QByteArray *out = &head;
            bool first = true;
            for (int index : qdictIterationOrder(members)) {
                const JsonValue::Member &m = members[size_t(index)];
                if (!first)
                    out->append(", ", 2);
                first = false;
                appendJsonString(*out, m.key.constData(), m.key.size());
                out->append(": ", 2);
                if (&m == &*big)
                    out = &tail;
                else
                    appendJson(*out, m.value);
            }
            tail.append('}');
            closeLine(tail);
            QByteArray line = std::move(big->value.stringRef());
            line.prepend(head);
            line.append(tail);
            return line;
        }
    }
    QByteArray line;
    line.reserve(jsonSizeHint(value) + (id ? jsonSizeHint(*id) : 0) + 24);
    openLine(line);
    appendJson(line, value);
    closeLine(line);
    return line;
}

} // namespace qtga
