// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// libFuzzer target: bytes as qtga-tray receives them from the status socket (common/
// statusprotocol.*, docs/status-api.md). The input is cut into lines at '\n' as StatusClient
// cuts it; every line is decoded, and what decodes is applied to a status the way the tray
// applies it (nothing before the first snapshot, messages of unknown type skipped). Checked:
// - decoding is deterministic, and a refused line has a reason of one line;
// - every decoded message is encoded as one line that decodes to the same message and encodes
//   to the same bytes again (the agent's writer and the tray's reader agree);
// - each message changes the status as the document says (snapshot replaces, channel events
//   replace the channel with their id, commands are prepended and keep 20, frozen and thawed);
// - the resulting status, sent as a snapshot, comes back unchanged.
// Nothing here touches the machine.
#include "statusprotocol.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace qtga::status;

namespace {

[[noreturn]] void fail(const char *what, const QByteArray &line)
{
    std::fprintf(stderr, "fuzz_status: %s\n  line: %s\n", what, line.toPercentEncoding(" {}[]:,\"-.").constData());
    std::abort();
}

bool sameMessage(const StatusMessage &a, const StatusMessage &b)
{
    if (a.type != b.type || a.time != b.time)
        return false;
    switch (a.type) {
    case StatusMessage::Type::Snapshot:
        return a.snapshot == b.snapshot;
    case StatusMessage::Type::ChannelState:
    case StatusMessage::Type::ClientConnected:
    case StatusMessage::Type::ClientDisconnected:
        return a.channel == b.channel;
    case StatusMessage::Type::Command:
        return a.command == b.command && a.commands == b.commands && a.errors == b.errors;
    case StatusMessage::Type::Frozen:
    case StatusMessage::Type::Thawed:
    case StatusMessage::Type::Unknown:
        return true;
    }
    return false;
}

bool isOneLine(const QString &text)
{
    return !text.isEmpty() && !text.contains(u'\n') && !text.contains(u'\r');
}

std::optional<StatusMessage> decodeChecked(const QByteArray &line)
{
    QString error;
    const std::optional<StatusMessage> message = decodeMessage(line, &error);
    QString againError;
    const std::optional<StatusMessage> again = decodeMessage(line, &againError);
    if (message.has_value() != again.has_value() || error != againError
        || (message && !sameMessage(*message, *again)))
        fail("decoding the same line twice gave different results", line);
    if (!message && !isOneLine(error))
        fail("a refused line has no one-line reason", line);
    if (message && !error.isEmpty())
        fail("a decoded line came with an error", line);
    return message;
}

// The agent's side: what it writes is one line, and the reader gets back what was written.
void checkRoundTrip(const StatusMessage &message, const QByteArray &source)
{
    const QByteArray encoded = encodeMessage(message);
    if (!encoded.endsWith('\n') || encoded.indexOf('\n') != encoded.size() - 1 || encoded.contains('\r'))
        fail("an encoded message is not one line", source);
    QString error;
    const std::optional<StatusMessage> decoded = decodeMessage(encoded, &error);
    if (!decoded)
        fail(qPrintable(QStringLiteral("an encoded message does not decode: %1; encoded: %2")
                            .arg(error, QString::fromUtf8(encoded))),
             source);
    if (!sameMessage(message, *decoded))
        fail(qPrintable(QStringLiteral("an encoded message decodes to another one; encoded: %1")
                            .arg(QString::fromUtf8(encoded))),
             source);
    if (encodeMessage(*decoded) != encoded)
        fail("a message encodes differently after a round trip", source);
}

// What docs/status-api.md promises about applying a message.
void checkApplied(const AgentStatus &before, const AgentStatus &after, const StatusMessage &m, const QByteArray &line)
{
    switch (m.type) {
    case StatusMessage::Type::Snapshot:
        if (!(after == m.snapshot))
            fail("a snapshot did not replace the status", line);
        return;
    case StatusMessage::Type::ChannelState:
    case StatusMessage::Type::ClientConnected:
    case StatusMessage::Type::ClientDisconnected:
        if (after.channels.size() != before.channels.size())
            fail("a channel event changed the number of channels", line);
        for (qsizetype i = 0; i < after.channels.size(); ++i) {
            const ChannelStatus &expected = before.channels[i].id == m.channel.id ? m.channel : before.channels[i];
            if (after.channels[i] != expected)
                fail("a channel event did not replace exactly the channels of its id", line);
        }
        break;
    case StatusMessage::Type::Command:
        if (after.recent.isEmpty() || !(after.recent.first() == m.command)
            || after.recent.size() != qMin(before.recent.size() + 1, qsizetype(RecentCommandsKept))
            || after.commands != m.commands || after.errors != m.errors)
            fail("a command event was not prepended with its counters", line);
        for (qsizetype i = 1; i < after.recent.size(); ++i) {
            if (!(after.recent[i] == before.recent[i - 1]))
                fail("a command event changed older commands", line);
        }
        break;
    case StatusMessage::Type::Frozen:
        // Frozen already: still since the first freeze.
        if (!after.frozen || after.frozenSince != (before.frozen ? before.frozenSince : m.time))
            fail("a frozen event did not freeze", line);
        break;
    case StatusMessage::Type::Thawed:
        if (after.frozen || after.frozenSince.isValid())
            fail("a thawed event did not thaw", line);
        break;
    case StatusMessage::Type::Unknown:
        fail("a message of unknown type was applied", line);
    }
    // Everything an event does not name stays as it was.
    AgentStatus rest = after;
    if (m.type == StatusMessage::Type::ChannelState || m.type == StatusMessage::Type::ClientConnected
        || m.type == StatusMessage::Type::ClientDisconnected)
        rest.channels = before.channels;
    if (m.type == StatusMessage::Type::Command) {
        rest.recent = before.recent;
        rest.commands = before.commands;
        rest.errors = before.errors;
    }
    if (m.type == StatusMessage::Type::Frozen || m.type == StatusMessage::Type::Thawed) {
        rest.frozen = before.frozen;
        rest.frozenSince = before.frozenSince;
    }
    if (!(rest == before))
        fail("an event changed what it does not name", line);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    // Times without an offset are local: a fixed zone with daylight saving time (a POSIX rule,
    // so no time zone database is needed) keeps runs alike on every machine.
    setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    AgentStatus status;
    bool connected = false;
    qsizetype start = 0;
    // As StatusClient: only complete lines count; a last line without '\n' waits for more.
    for (qsizetype newline; (newline = input.indexOf('\n', start)) >= 0; start = newline + 1) {
        const QByteArray line = input.mid(start, newline - start);
        const std::optional<StatusMessage> message = decodeChecked(line);
        if (!message || message->type == StatusMessage::Type::Unknown)
            continue;
        checkRoundTrip(*message, line);
        if (!connected && message->type != StatusMessage::Type::Snapshot)
            continue;
        connected = true;
        const AgentStatus before = status;
        applyMessage(status, *message);
        checkApplied(before, status, *message, line);
    }
    // The last line, had it been complete: decoding it must not depend on the newline.
    if (start < input.size()) {
        const QByteArray rest = input.mid(start);
        const std::optional<StatusMessage> message = decodeChecked(rest);
        const std::optional<StatusMessage> withNewline = decodeChecked(rest + '\n');
        if (message.has_value() != withNewline.has_value()
            || (message && !sameMessage(*message, *withNewline)))
            fail("a line decodes differently with and without its newline", rest);
        if (message && message->type != StatusMessage::Type::Unknown)
            checkRoundTrip(*message, rest);
    }
    if (connected) {
        const StatusMessage snapshot = StatusMessage::makeSnapshot(status, QDateTime());
        checkRoundTrip(snapshot, encodeMessage(snapshot));
    }
    return 0;
}
