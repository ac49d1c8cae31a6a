// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The usual request, whole in the bytes at hand, parsed straight from them without the lexer and
// the token queue. Internal to qtga-common.
#pragma once

#include "jsonvalue.h"

namespace qtga {

// Parses the object that starts at `p` (a '{') when it is the kind of text ordinary requests
// are: double-quoted printable ASCII strings, integers of up to 18 digits, true/false/null, and
// objects and arrays of those, not too deep or long, without duplicate keys. For such text
// QEMU's lexer and parser are known to give the same value. Returns the byte after the closing
// brace, or nullptr for anything else (escapes, other bytes, floats, single quotes, keywords the
// parser rejects, a message cut off by `end`); the lexer then starts from the same byte, with
// nothing changed.
const unsigned char *parseSimpleMessage(const unsigned char *p, const unsigned char *end, JsonValue &out);

} // namespace qtga
