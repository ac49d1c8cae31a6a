// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Which unexpected argument QEMU names when a request has several. Its input
// visitor puts the keys of an arguments object into a GLib hash table (g_str_hash, in QDict
// iteration order), removes each schema member as it reads it, and reports the first key that
// iterating the table still finds. This replays that table: GLib 2.74's open addressing
// (prime modulo, triangular probing, tombstones, in-place resize), so the answer names the same
// member as qemu-ga's.
#pragma once

#include <QByteArray>

#include <vector>

namespace qtga {

// `keys` in the order they were inserted (QDict iteration order), `removed` the ones the
// visitor consumed, in the order it consumed them. Returns the index into `keys` of the first
// key left in iteration order, or -1 if none is left.
int firstLeftoverKey(const std::vector<const QByteArray *> &keys, const std::vector<int> &removed);

// GLib's g_str_hash (djb2 over signed chars, up to the first NUL): exposed for tests.
unsigned gStrHash(const QByteArray &key);

} // namespace qtga
