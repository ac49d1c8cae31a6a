// Base64 the way qemu-ga reads and writes it: QEMU's qbase64_decode() (alphabet check) followed by
// GLib's lenient g_base64_decode(), and g_base64_encode() for output.
#pragma once

#include <QByteArray>

#include <optional>

namespace qtga {

inline constexpr char Base64InvalidMessage[] = "Base64 data contains invalid characters";

// nullopt when `text` has a byte outside A-Z a-z 0-9 + / = and '\n'. Otherwise decodes like
// GLib: '\n' is skipped, '=' counts as a zero digit that only suppresses output bytes at the end
// of its group of four (so padding in the middle is accepted), and a trailing partial group is
// dropped.
std::optional<QByteArray> decodeBase64(const QByteArray &text);

} // namespace qtga
