// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "channel.h"

#include <QLoggingCategory>

#include <memory>

Q_LOGGING_CATEGORY(lcChannel, "qtga.channel")

namespace qtga {

char *ChannelPeer::sharedReadBuffer()
{
    static const std::unique_ptr<char[]> buffer(new char[size_t(ReadChunk)]);
    return buffer.get();
}

} // namespace qtga
