// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// QEMU's JSON parser (json-parser.c) over the tokens of one message. Internal to qtga-common.
#pragma once

#include "jsonlexer.h"
#include "jsonvalue.h"

#include <QByteArray>

#include <optional>
#include <vector>

namespace qtga {

// The value of the message whose tokens' text lies in `text`, or nullopt with QEMU's error
// message (the first error it would report) in `*error`. A large plain string takes `text` over
// instead of being copied, leaving it empty.
std::optional<JsonValue> parseJsonTokens(const std::vector<JsonToken> &tokens, QByteArray &text, QByteArray *error);

} // namespace qtga
