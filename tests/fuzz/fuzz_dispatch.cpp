// libFuzzer target: arbitrary bytes through the QGA framer and the dispatcher, with a command set
// that cannot touch the machine: the protocol commands plus stand-ins that carry the argument
// schemas of the real commands (nested lists, alternates, enums, uint64) and answer with a
// fixed value. Every response line is checked to be one line of valid output, and the framer's
// events to be the same whether the input comes whole or a byte at a time.
#include "dispatch/commandregistry.h"
#include "dispatch/dispatcher.h"
#include "qgaframer.h"

#include <cstdint>
#include <cstdlib>

using namespace qtga;

namespace {

CommandOutcome fixedAnswer(const JsonValue &, CommandContext &)
{
    return CommandOutcome::ok(JsonValue(int64_t(0)));
}

void registerSchemaStandIns(CommandRegistry &registry)
{
    using namespace args;
    const auto handle = required("handle", integer());
    registry.add({"guest-file-seek",
                  {handle, required("offset", integer()),
                   required("whence", alternate("GuestFileWhence", integer(), enumeration({"set", "cur", "end"}), nullptr))},
                  fixedAnswer});
    registry.add({"guest-file-write", {handle, required("buf-b64", string()), optional("count", integer())}, fixedAnswer});
    registry.add({"guest-exec",
                  {required("path", string()), optional("arg", list(string())), optional("env", list(string())),
                   optional("input-data", string()),
                   optional("capture-output", alternate("GuestExecCaptureOutput", nullptr,
                                                        enumeration({"none", "stdout", "stderr", "separated", "merged"}),
                                                        boolean()))},
                  fixedAnswer});
    registry.add({"guest-set-vcpus",
                  {required("vcpus", list(structure({required("logical-id", integer()), required("online", boolean()),
                                                     optional("can-offline", boolean())})))},
                  fixedAnswer});
    registry.add({"guest-set-memory-blocks",
                  {required("mem-blks", list(structure({required("phys-index", uint64()), required("online", boolean()),
                                                        optional("can-offline", boolean())})))},
                  fixedAnswer});
    registry.add({"guest-shutdown", {optional("mode", string())}, fixedAnswer, false});
}

struct Harness
{
    Harness()
    {
        // Only the protocol commands are real; registerSystemCommands() would bring in
        // guest-set-time, which must never run here.
        registerProtocolCommands(registry);
        registerSchemaStandIns(registry);
        dispatcher = new Dispatcher(registry, services);
        dispatcher->setRpcLists({}, {QStringLiteral("guest-file-write")});
    }
    CommandRegistry registry;
    AgentServices services;
    Dispatcher *dispatcher;
};

void checkLine(const QByteArray &line)
{
    if (line.isEmpty())
        return;
    const qsizetype start = line.startsWith('\xff') ? 1 : 0;
    if (!line.endsWith('\n') || line.indexOf('\n') != line.size() - 1 || line.at(start) != '{')
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Harness harness;
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
            std::abort();
        for (size_t i = 0; i < events.size(); ++i) {
            if (events[i].isError != reference[i].isError || events[i].error != reference[i].error
                || !(events[i].value == reference[i].value))
                std::abort();
        }
    }
    for (const QgaFramer::Event &event : events)
        harness.dispatcher->handle(event, nullptr, QStringLiteral("fuzz"), checkLine);
    return 0;
}
