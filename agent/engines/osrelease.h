// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// os-release as qemu-ga's guest-get-osinfo reads it: the text is loaded as a GLib
// key file behind an "[os-release]" header, and each value goes through qemu-ga's own unquoting,
// quirks included.
#pragma once

#include <QByteArray>
#include <QHash>

#include <optional>

namespace qtga {

// The os-release keys guest-get-osinfo reports (ID, NAME, PRETTY_NAME, VERSION, VERSION_ID,
// VARIANT, VARIANT_ID) that are present, with their processed values; nullopt when qemu-ga would
// ignore the whole file (not UTF-8, or a line GLib cannot parse).
std::optional<QHash<QByteArray, QByteArray>> parseOsRelease(const QByteArray &content);

// parseOsRelease() of the file at `path`; nullopt when it cannot be read, as qemu-ga then tries
// the next file. Host tools poll guest-get-osinfo, and the file changes only when the system is
// upgraded: what was parsed is kept and used again while stat() reports the same file (device,
// inode, size, modification and change time), so a poll costs one stat() instead of an open,
// a read and a parse. A replaced or rewritten file is read again. The kernel's file times are
// coarse (a clock tick), so a file changed less than `settleSeconds` ago is never taken from
// memory: two writes within one tick would otherwise look alike. Safe from any thread.
std::optional<QHash<QByteArray, QByteArray>> readOsReleaseFile(const QString &path, int settleSeconds = 2);

// qemu-ga's value post-processing: an unquoted value is cut at the first space, then at the
// first ';'; a value starting with '"' is taken up to the next unescaped '"' with \$ \' \" \\ \`
// unescaped (and, when the closing quote is missing, the tail of the raw text left in place).
QByteArray processOsReleaseValue(const QByteArray &raw);

} // namespace qtga
