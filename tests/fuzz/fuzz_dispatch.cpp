// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// libFuzzer target: arbitrary bytes through the QGA framer and the dispatcher, with a command set
// that cannot touch the machine: the protocol commands plus stand-ins that carry the argument
// schemas and the execution of the real commands (nested lists, alternates, enums, uint64;
// worker threads, the filesystem lock, freeze and thaw, answers spliced around large texts,
// commands without an answer) and answer with fixed values. Checked: the framer's events are
// the same whether the input comes whole or a byte at a time; every request gets exactly one
// answer, of one line of valid output, before the next one runs (as a session runs them); the
// observers hear of exactly the commands that ran, after their answer, with their outcome.
#include "dispatch/commandregistry.h"
#include "dispatch/dispatcher.h"
#include "engines/base64.h"
#include "qgaframer.h"

#include <QCoreApplication>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace qtga;

namespace {

using Execution = CommandDescriptor::Execution;
using FsAccess = CommandDescriptor::FsAccess;

[[noreturn]] void fail(const char *what, const QByteArray &detail = QByteArray())
{
    std::fprintf(stderr, "fuzz_dispatch: %s %s\n", what, detail.toPercentEncoding(" {}[]:,\"-_.").constData());
    std::abort();
}

CommandOutcome fixedAnswer(const JsonValue &, CommandContext &)
{
    return CommandOutcome::ok(JsonValue(int64_t(0)));
}

// A base64 JSON text as guest-file-read and guest-exec-status build it (spliced into the answer).
JsonValue base64Of(int64_t count, char fill)
{
    const QByteArray data(qsizetype(qBound(int64_t(0), count, int64_t(48 * 1024))), fill);
    return base64JsonString(data.constData(), data.size());
}

CommandOutcome fileRead(const JsonValue &args, CommandContext &)
{
    const JsonValue *count = args.value("count");
    const int64_t n = count ? count->toInt() : 4096;
    JsonValue result = JsonValue::object();
    result.insert("count", JsonValue(qBound(int64_t(0), n, int64_t(48 * 1024))));
    result.insert("buf-b64", base64Of(n, 'r'));
    result.insert("eof", JsonValue(n <= 0));
    return CommandOutcome::ok(std::move(result));
}

CommandOutcome fileWrite(const JsonValue &args, CommandContext &context)
{
    // As the real one: the text is taken out of the arguments this run owns.
    const QByteArray text = context.takeStringArgument(args, "buf-b64");
    if (!decodeBase64(text))
        return CommandOutcome::fail(Base64InvalidMessage);
    return CommandOutcome::ok(JsonValue(int64_t(text.size())));
}

CommandOutcome execStatus(const JsonValue &args, CommandContext &)
{
    const int64_t pid = args.value("pid")->toInt();
    JsonValue result = JsonValue::object();
    result.insert("exited", JsonValue(true));
    result.insert("exitcode", JsonValue(int64_t(0)));
    // Two texts: the larger one is spliced, whichever member it is.
    result.insert("out-data", base64Of(pid % 4096, 'o'));
    result.insert("err-data", base64Of((pid / 4096) % 4096, 'e'));
    return CommandOutcome::ok(std::move(result));
}

CommandOutcome failing(const JsonValue &, CommandContext &context)
{
    context.setAuditDetail("/some/path");
    return CommandOutcome::fail(CommandError{"GenericError", "stand-in failure"});
}

void registerSchemaStandIns(CommandRegistry &registry, Dispatcher *&dispatcher)
{
    using namespace args;
    const auto handle = required("handle", integer());
    registry.add(touchesFilesystems({"guest-file-open", {required("path", string()), optional("mode", string())}, fixedAnswer}));
    registry.add(touchesFilesystems({"guest-file-flush", {handle}, failing}));
    registry.add(touchesFilesystems({"guest-file-read", {handle, optional("count", integer())}, fileRead}));
    registry.add(touchesFilesystems({"guest-file-seek",
                                     {handle, required("offset", integer()),
                                      required("whence", alternate("GuestFileWhence", integer(),
                                                                   enumeration({"set", "cur", "end"}), nullptr))},
                                     fixedAnswer}));
    registry.add(touchesFilesystems(
        {"guest-file-write", {handle, required("buf-b64", string()), optional("count", integer())}, fileWrite}));
    registry.add({"guest-exec",
                  {required("path", string()), optional("arg", list(string())), optional("env", list(string())),
                   optional("input-data", string()),
                   optional("capture-output", alternate("GuestExecCaptureOutput", nullptr,
                                                        enumeration({"none", "stdout", "stderr", "separated", "merged"}),
                                                        boolean()))},
                  fixedAnswer});
    registry.add({"guest-exec-status", {required("pid", integer())}, execStatus});
    registry.add({"guest-set-vcpus",
                  {required("vcpus", list(structure({required("logical-id", integer()), required("online", boolean()),
                                                     optional("can-offline", boolean())})))},
                  fixedAnswer, true, false, Execution::Worker});
    registry.add({"guest-set-memory-blocks",
                  {required("mem-blks", list(structure({required("phys-index", uint64()), required("online", boolean()),
                                                        optional("can-offline", boolean())})))},
                  fixedAnswer, true, false, Execution::Worker});
    registry.add({"guest-shutdown", {optional("mode", string())}, fixedAnswer, false, false, Execution::Worker});
    // Freeze and thaw as the real ones run: on a worker, holding the filesystems exclusively,
    // and changing which commands are enabled.
    CommandDescriptor status{"guest-fsfreeze-status", {},
                             [&dispatcher](const JsonValue &, CommandContext &) {
                                 return CommandOutcome::ok(dispatcher->isFrozen() ? "frozen" : "thawed");
                             }};
    status.allowedWhileFrozen = true;
    registry.add(std::move(status));
    registry.add({"guest-fsfreeze-freeze", {},
                  [&dispatcher](const JsonValue &, CommandContext &) {
                      dispatcher->setFrozen(true);
                      return CommandOutcome::ok(JsonValue(int64_t(1)));
                  },
                  true, false, Execution::Worker, FsAccess::Exclusive});
    registry.add({"guest-fsfreeze-thaw", {},
                  [&dispatcher](const JsonValue &, CommandContext &) {
                      dispatcher->setFrozen(false);
                      return CommandOutcome::ok(JsonValue(int64_t(1)));
                  },
                  true, true, Execution::Worker, FsAccess::Exclusive});
}

// What the observers heard for the request in hand.
struct Observer : CommandObserver
{
    void commandFinished(const FinishedCommand &command) override
    {
        if (answers != 1)
            fail("an observer heard of a command before its answer");
        finished.push_back(command);
    }
    int answers = 0;
    std::vector<FinishedCommand> finished;
};

struct Harness
{
    Harness()
    {
        static int argc = 1;
        static char name[] = "fuzz_dispatch";
        static char *argv[] = {name, nullptr};
        app = new QCoreApplication(argc, argv);
        // Only the protocol commands are real; registerSystemCommands() would bring in
        // guest-set-time, which must never run here.
        registerProtocolCommands(registry);
        registerSchemaStandIns(registry, dispatcher);
        dispatcher = new Dispatcher(registry, services);
        // An allow list of every command, and one blocked.
        QStringList all;
        for (const CommandDescriptor &cmd : registry.commands())
            all.append(QString::fromUtf8(cmd.name));
        dispatcher->setRpcLists(all, {QStringLiteral("guest-file-open")});
    }
    ~Harness()
    {
        delete dispatcher;
        delete app;
    }
    QCoreApplication *app;
    CommandRegistry registry;
    AgentServices services;
    Dispatcher *dispatcher = nullptr;
};

// QEMU writes an infinite number as "inf" (printf's %.17g), so an answer that echoes such an id
// is not JSON, as qemu-ga's is not.
bool hasInfinity(const JsonValue &value)
{
    if (value.isDouble())
        return !std::isfinite(value.toDouble());
    if (value.isArray()) {
        for (const JsonValue &item : value.items()) {
            if (hasInfinity(item))
                return true;
        }
    }
    if (value.isObject()) {
        for (const JsonValue::Member &m : value.members()) {
            if (hasInfinity(m.value))
                return true;
        }
    }
    return false;
}

void checkLine(const QByteArray &line)
{
    if (line.isEmpty())
        return;
    const qsizetype start = line.startsWith('\xff') ? 1 : 0;
    if (!line.endsWith('\n') || line.indexOf('\n') != line.size() - 1 || line.at(start) != '{')
        fail("an answer is not one line of JSON:", line);
}

// One request as a session runs it: dispatched, its answer awaited (a worker command's comes
// through the event loop), the bookkeeping checked.
void runRequest(Harness &harness, const QgaFramer::Event &event)
{
    Observer observer;
    harness.dispatcher->addObserver(&observer);
    QObject requester;
    QByteArray answer;
    harness.dispatcher->handle(event, &requester, QStringLiteral("fuzz"), [&](const QByteArray &line) {
        checkLine(line);
        answer = line;
        ++observer.answers;
    });
    if (observer.answers == 0) {
        harness.dispatcher->waitForWorkers();
        QCoreApplication::sendPostedEvents();
    }
    harness.dispatcher->removeObserver(&observer);
    if (observer.answers != 1)
        fail("a request did not get exactly one answer");
    if (answer.isEmpty()) {
        // Only a command that ran and sends nothing on success.
        if (observer.finished.size() != 1 || !observer.finished.front().succeeded)
            fail("a request was answered with nothing");
        return;
    }
    // The answer reads back as one object: "return" or "error", and "id" if the request had one.
    const bool delimited = answer.startsWith('\xff');
    QgaFramer reader;
    std::vector<QgaFramer::Event> parsed;
    reader.feed(answer.constData() + (delimited ? 1 : 0), answer.size() - (delimited ? 1 : 0), parsed);
    const JsonValue *requestId = !event.isError && event.value.isObject() ? event.value.value("id") : nullptr;
    if (requestId && hasInfinity(*requestId))
        return;
    if (parsed.size() != 1 || parsed.front().isError || !parsed.front().value.isObject())
        fail("an answer does not read back as one JSON object:", answer);
    const JsonValue &response = parsed.front().value;
    const JsonValue *error = response.value("error");
    const size_t members = response.members().size();
    const bool requestHasId = requestId != nullptr;
    if ((error != nullptr) == (response.value("return") != nullptr) || (response.value("id") != nullptr) != requestHasId
        || members != (requestHasId ? 2u : 1u))
        fail("an answer has other members than return or error, and the request's id:", answer);
    if (error && (!error->isObject() || error->members().size() != 2 || !error->value("class")
                  || !error->value("class")->isString() || !error->value("desc") || !error->value("desc")->isString()))
        fail("an error answer is not a class and a desc:", answer);
    if (observer.finished.empty()) {
        // Refused before it ran: an error, never delimited.
        if (!error || delimited)
            fail("a request that did not run has no error answer:", answer);
        return;
    }
    if (observer.finished.size() != 1)
        fail("the observers heard of one command more than once");
    const FinishedCommand &command = observer.finished.front();
    if (!harness.registry.find(command.name) || command.client != QLatin1String("fuzz") || command.durationMicros < 0)
        fail("the observers heard of an unknown command:", command.name);
    if (command.succeeded != !error)
        fail("the observers heard another outcome than the answer's:", answer);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Harness harness;
    // Every input starts thawed, whatever the previous one did.
    harness.dispatcher->setFrozen(false);
    // The whole input goes through one framer, as in a session.
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    framer.feed(reinterpret_cast<const char *>(data), qsizetype(size), events);
    // Whole requests may be parsed without the lexer; one byte at a time they never are. The
    // two must agree exactly. (Up to 4 KiB: byte-at-a-time feeding of the longest inputs would
    // cost most of the fuzzing time.)
    if (size <= 4096) {
        QgaFramer bytewise;
        std::vector<QgaFramer::Event> reference;
        for (size_t i = 0; i < size; ++i)
            bytewise.feed(reinterpret_cast<const char *>(data) + i, 1, reference);
        if (reference.size() != events.size())
            fail("the framer gave another number of events one byte at a time");
        for (size_t i = 0; i < events.size(); ++i) {
            if (events[i].isError != reference[i].isError || events[i].error != reference[i].error
                || !(events[i].value == reference[i].value))
                fail("the framer gave another event one byte at a time");
        }
    }
    for (const QgaFramer::Event &event : events)
        runRequest(harness, event);
    return 0;
}
