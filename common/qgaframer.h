// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Splits the byte stream of a qemu-ga channel into requests exactly as QEMU's JSON lexer,
// streamer and parser do (json-lexer.c, json-streamer.c, json-parser.c): no length prefix, a
// request ends with the token that balances its braces, lexical errors resynchronise, and the
// streamer's size, token-count and nesting limits apply. Holds at most the current message's
// tokens plus the bytes being fed.
#pragma once

#include "jsonlexer.h"
#include "jsonvalue.h"

#include <QByteArray>

#include <vector>

namespace qtga {

class QgaFramer
{
public:
    static constexpr qsizetype MaxTokenSize = qsizetype(64) << 20;
    static constexpr qsizetype MaxTokenCount = qsizetype(2) << 20;
    static constexpr int MaxNesting = 1 << 10;

    struct Event
    {
        bool isError = false;
        JsonValue value;      // the parsed JSON text (any type) when !isError
        QByteArray error;     // GenericError desc when isError (raw bytes; the writer escapes them)
    };

    // Lexes `size` bytes and appends one Event per finished message or error, in input order.
    void feed(const char *data, qsizetype size, std::vector<Event> &events);
    void feed(const QByteArray &data, std::vector<Event> &events) { feed(data.constData(), data.size(), events); }

    // Forgets any partial request (used when a virtio-serial host end goes away).
    void reset();

    // Bytes currently held for an unfinished request (for tests and diagnostics).
    qsizetype pendingBytes() const { return qsizetype(m_arena.size()); }

private:
    // Each adds the events it causes.
    const unsigned char *appendStringRun(const unsigned char *p, const unsigned char *end, std::vector<Event> &events);
    void lexByte(unsigned char c, std::vector<Event> &events);
    void cutOversizedToken(std::vector<Event> &events);
    void emitToken(JsonTokenType type, std::vector<Event> &events);
    void emitLexicalError(std::vector<Event> &events);
    void emitOversizedToken(std::vector<Event> &events);
    void parseMessage(std::vector<Event> &events);
    void dropMessage();

    JsonLexer m_lexer;
    qsizetype m_tokenStart = 0;   // the lexer's current token is m_arena[m_tokenStart..]
    // What QEMU's streamer (json-streamer.c) keeps of the current message:
    QByteArray m_arena;           // text of the queued tokens followed by the token being lexed
    std::vector<JsonToken> m_tokens;
    qsizetype m_tokenBytes = 0;
    int m_braces = 0;
    int m_brackets = 0;
};

} // namespace qtga
