// Time and, later, host name, shutdown and the rest of the machine-wide commands.
#include "dispatch/commandregistry.h"

#include <ctime>

namespace qtga {

namespace {

CommandOutcome guestGetTime(const JsonValue &, CommandContext &)
{
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    // qemu-ga reports microsecond resolution scaled to nanoseconds.
    const int64_t micros = int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
    return CommandOutcome::ok(JsonValue(micros * 1000));
}

} // namespace

void registerSystemCommands(CommandRegistry &registry)
{
    registry.add({"guest-get-time", {}, guestGetTime});
}

} // namespace qtga
