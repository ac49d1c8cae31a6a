// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Base64 the way qemu-ga reads and writes it: QEMU's qbase64_decode() (alphabet check) followed by
// GLib's lenient g_base64_decode(), and g_base64_encode() for output.
#pragma once

#include "jsonvalue.h"
#include "largebuffers.h"

#include <QByteArray>

#include <functional>
#include <optional>

namespace qtga {

inline constexpr char Base64InvalidMessage[] = "Base64 data contains invalid characters";

// nullopt when `text` has a byte outside A-Z a-z 0-9 + / = and '\n'. Otherwise decodes like
// GLib: '\n' is skipped, '=' counts as a zero digit that only suppresses output bytes at the end
// of its group of four (so padding in the middle is accepted), and a trailing partial group is
// dropped.
std::optional<QByteArray> decodeBase64(const QByteArray &text);
// The same, decoded in the text's own buffer (no second buffer for a multi-megabyte argument).
std::optional<QByteArray> decodeBase64(QByteArray &&text);

// Standard padded base64 of `data` (what g_base64_encode() gives) as a quoted JSON string,
// built in one buffer: base64 needs no escaping, so the response writer copies it as it is.
JsonValue base64JsonString(const char *data, qsizetype size);

// Builds the same quoted base64 JSON string piece by piece, so a large file can be read in
// small chunks and encoded straight into the response instead of into an intermediate buffer.
class Base64JsonBuilder
{
public:
    // At most `maxInput` bytes will be appended. `expectedInput`, asked only when the text needs
    // a large buffer, tells how many are known to come (e.g. what is left of a regular file).
    explicit Base64JsonBuilder(qsizetype maxInput, const std::function<qsizetype()> &expectedInput = {});
    // Every call but the last must append a multiple of 3 bytes.
    void append(const char *data, qsizetype size);
    // The JSON string as a RawJson value whose text is a SpliceableText.
    JsonValue finish();

private:
    SpliceableText m_text;
    char *m_out;
};
inline JsonValue base64JsonString(const QByteArray &data) { return base64JsonString(data.constData(), data.size()); }

} // namespace qtga
