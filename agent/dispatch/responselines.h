// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The lines the agent answers with, byte for byte as qemu-ga writes them: one JSON object in
// QEMU's style and key order, a newline, and a 0xFF in front when guest-sync-delimited asked
// for it.
#pragma once

#include "command.h"

#include <QByteArray>

namespace qtga {

QByteArray errorLine(const CommandError &error, const JsonValue *id);

// The answer to a command that ran; empty for a success of a command that sends none.
// Thread-safe: worker commands build theirs on their own thread.
QByteArray responseLine(const CommandDescriptor &cmd, CommandOutcome outcome, bool delimit, const JsonValue *id);

} // namespace qtga
