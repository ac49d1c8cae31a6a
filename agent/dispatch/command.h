// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// What a command is: one function plus a descriptor (name, argument schema, flags). Errors are
// values, never exceptions crossing the event loop.
#pragma once

#include "argschema.h"
#include "jsonvalue.h"

#include <QByteArray>

#include <cstring>
#include <functional>
#include <optional>
#include <vector>

namespace qtga {

class CommandContext;

struct CommandError
{
    QByteArray cls = "GenericError";
    QByteArray desc;
};

// ": <text of errno>", as QEMU appends a system error to an error description.
inline QByteArray errnoSuffix(int err)
{
    return QByteArray(": ") + std::strerror(err);
}

class CommandOutcome
{
public:
    static CommandOutcome ok(JsonValue value = JsonValue::object()) { return CommandOutcome(std::move(value)); }
    static CommandOutcome fail(QByteArray desc) { return CommandOutcome(CommandError{"GenericError", std::move(desc)}); }
    static CommandOutcome fail(CommandError error) { return CommandOutcome(std::move(error)); }

    bool isError() const { return m_error.has_value(); }
    const CommandError &error() const { return *m_error; }
    const JsonValue &value() const { return m_value; }
    JsonValue &value() { return m_value; }

private:
    explicit CommandOutcome(JsonValue v) : m_value(std::move(v)) {}
    explicit CommandOutcome(CommandError e) : m_error(std::move(e)) {}
    JsonValue m_value;
    std::optional<CommandError> m_error;
};

using CommandFunction = std::function<CommandOutcome(const JsonValue &arguments, CommandContext &context)>;

struct CommandDescriptor
{
    // Inline commands are quick and run on the event loop; Worker commands may block (disk,
    // child processes) and run on a thread pool while other clients are served.
    enum class Execution { Inline, Worker };
    // Filesystem access: freeze/thaw take it exclusively so nothing else touches a filesystem
    // mid-transition.
    enum class FsAccess { None, Shared, Exclusive };

    QByteArray name;
    std::vector<ArgField> arguments;
    CommandFunction run;
    bool successResponse = true;
    bool allowedWhileFrozen = false;
    Execution execution = Execution::Inline;
    FsAccess fsAccess = FsAccess::None;
};

// Marks a command that reads or writes files: it runs on a worker thread and waits while a
// freeze or thaw holds the filesystems exclusively.
inline CommandDescriptor touchesFilesystems(CommandDescriptor d)
{
    d.execution = CommandDescriptor::Execution::Worker;
    d.fsAccess = CommandDescriptor::FsAccess::Shared;
    return d;
}

} // namespace qtga
