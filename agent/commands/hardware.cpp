// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-get-vcpus, guest-set-vcpus and the memory block commands.
#include "dispatch/commandregistry.h"
#include "engines/hotplug.h"

namespace qtga {

namespace {

using Execution = CommandDescriptor::Execution;

CommandOutcome guestGetVcpus(const JsonValue &, CommandContext &)
{
    return CpuHotplug().list();
}

CommandOutcome guestSetVcpus(const JsonValue &args, CommandContext &)
{
    return CpuHotplug().apply(*args.value("vcpus"));
}

CommandOutcome guestGetMemoryBlocks(const JsonValue &, CommandContext &)
{
    return MemoryHotplug().list();
}

CommandOutcome guestSetMemoryBlocks(const JsonValue &args, CommandContext &)
{
    return MemoryHotplug().apply(*args.value("mem-blks"));
}

CommandOutcome guestGetMemoryBlockInfo(const JsonValue &, CommandContext &)
{
    return MemoryHotplug().blockInfo();
}

} // namespace

void registerHardwareCommands(CommandRegistry &registry)
{
    using namespace args;
    const auto logicalProcessor = structure(
        {required("logical-id", integer()), required("online", boolean()), optional("can-offline", boolean())});
    const auto memoryBlock = structure(
        {required("phys-index", uint64()), required("online", boolean()), optional("can-offline", boolean())});
    // Reading a few sysfs files is quick; taking a CPU or a memory block offline can take long
    // (the kernel migrates tasks or pages first), and there are hundreds of memory blocks.
    registry.add({"guest-get-vcpus", {}, guestGetVcpus});
    registry.add({"guest-set-vcpus", {required("vcpus", list(logicalProcessor))}, guestSetVcpus, true, false,
                  Execution::Worker});
    registry.add({"guest-get-memory-blocks", {}, guestGetMemoryBlocks, true, false, Execution::Worker});
    registry.add({"guest-set-memory-blocks", {required("mem-blks", list(memoryBlock))}, guestSetMemoryBlocks, true,
                  false, Execution::Worker});
    registry.add({"guest-get-memory-block-info", {}, guestGetMemoryBlockInfo});
}

} // namespace qtga
