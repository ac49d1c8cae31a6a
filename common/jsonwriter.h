// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Serialises JSON exactly as QEMU's qobject_to_json() does: ", " and ": " separators,
// upper-case \uXXXX escapes for everything outside printable ASCII, %.17g doubles, and object
// members in the iteration order of QEMU's QDict hash table.
#pragma once

#include "jsonvalue.h"

#include <QByteArray>
#include <QVarLengthArray>

#include <cstdint>
#include <vector>

namespace qtga {

void appendJson(QByteArray &out, const JsonValue &value);
QByteArray toJson(const JsonValue &value);

// Roughly the serialised size (exact for ASCII strings and RawJson), for reserving the output
// buffer once: a multi-megabyte response is then one allocation, never a chain of reallocations.
qsizetype jsonSizeHint(const JsonValue &value);

// Appends a quoted JSON string; `data` is (modified) UTF-8, invalid sequences become \uFFFD.
void appendJsonString(QByteArray &out, const char *data, qsizetype size);

// The QDict bucket (0..511) of a key, and the order in which a QDict built by inserting `keys`
// in sequence would iterate them (as indices into `keys`).
uint32_t qdictBucket(const char *key, qsizetype size);
// Small objects (all of the protocol's) are ordered without touching the heap.
using MemberOrder = QVarLengthArray<int, 16>;
MemberOrder qdictIterationOrder(const JsonValue::Object &members);

// QEMU's mod_utf8_codepoint(): decodes one code point of modified UTF-8 at `p` (at most `n`
// bytes), returns it or -1 when invalid, and stores where decoding stopped in `*end`.
int decodeModifiedUtf8(const char *p, qsizetype n, const char **end);
// QEMU's mod_utf8_encode(): U+0000 is encoded as C0 80; returns the length or -1 when the code
// point is invalid (surrogate, non-character, beyond U+10FFFF).
int encodeModifiedUtf8(char buf[4], int codepoint);
bool isValidCodepoint(int codepoint);

} // namespace qtga
