// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The checks QEMU's QMP dispatcher makes before a command runs, in its order: the input is an
// object; its members, in QDict iteration order, are "execute" (a string), "arguments" (an
// object) and "id" (any value), nothing else; the command exists and is enabled; the arguments
// match its schema. The first failure is the answer.
#pragma once

#include "command.h"
#include "qgaframer.h"

#include <optional>

namespace qtga {

class CommandFilter;
class CommandRegistry;

struct CheckedRequest
{
    const CommandDescriptor *command = nullptr;  // null: `error` is the answer
    CommandError error;
    std::optional<JsonValue> id;                 // echoed in the answer, error or not
    JsonValue arguments = JsonValue::object();   // taken out of the request
};

CheckedRequest checkRequest(QgaFramer::Event &event, const CommandRegistry &registry, const CommandFilter &filter);

// The error of a command that is registered but not enabled now.
CommandError commandDisabled(const CommandDescriptor &cmd);

} // namespace qtga
