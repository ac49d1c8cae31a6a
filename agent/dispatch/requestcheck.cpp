// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "requestcheck.h"

#include "commandfilter.h"
#include "commandregistry.h"
#include "jsonwriter.h"

namespace qtga {

CommandError commandDisabled(const CommandDescriptor &cmd)
{
    return {"CommandNotFound", "Command " + cmd.name + " has been disabled: the command is not allowed"};
}

CheckedRequest checkRequest(QgaFramer::Event &event, const CommandRegistry &registry, const CommandFilter &filter)
{
    CheckedRequest checked;
    const auto fail = [&checked](QByteArray cls, QByteArray desc) {
        checked.error = {std::move(cls), std::move(desc)};
        return std::move(checked);
    };
    if (event.isError)
        return fail("GenericError", event.error);
    JsonValue &request = event.value;
    if (!request.isObject())
        return fail("GenericError", "QMP input must be a JSON object");
    // The id is read first, so that every later error still echoes it.
    if (const JsonValue *id = request.value("id"))
        checked.id = *id;

    JsonValue::Object &members = request.members();
    const JsonValue *execute = nullptr;
    JsonValue *arguments = nullptr;
    for (int index : qdictIterationOrder(members)) {
        JsonValue::Member &m = members[size_t(index)];
        if (m.key == "execute") {
            if (!m.value.isString())
                return fail("GenericError", "QMP input member 'execute' must be a string");
            execute = &m.value;
        } else if (m.key == "arguments") {
            if (!m.value.isObject())
                return fail("GenericError", "QMP input member 'arguments' must be an object");
            arguments = &m.value;
        } else if (m.key != "id") {
            return fail("GenericError", "QMP input member '" + m.key + "' is unexpected");
        }
    }
    if (!execute)
        return fail("GenericError", "QMP input lacks member 'execute'");
    const QByteArray &name = execute->toString();
    const CommandDescriptor *cmd = registry.find(name);
    if (!cmd)
        return fail("CommandNotFound", "The command " + name + " has not been found");
    if (!filter.isEnabled(*cmd)) {
        checked.error = commandDisabled(*cmd);
        return checked;
    }
    if (arguments)
        checked.arguments = std::move(*arguments);
    if (std::optional<QByteArray> error = checkArguments(checked.arguments, cmd->arguments))
        return fail("GenericError", std::move(*error));
    checked.command = cmd;
    return checked;
}

} // namespace qtga
