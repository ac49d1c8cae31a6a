// Splits the byte stream of a qemu-ga channel into requests exactly as QEMU's JSON lexer,
// streamer and parser do (json-lexer.c, json-streamer.c, json-parser.c): no length prefix, a
// request ends with the token that balances its braces, lexical errors resynchronise, and the
// streamer's size, token-count and nesting limits apply. Holds at most the current message's
// tokens plus the bytes being fed.
#pragma once

#include "jsonvalue.h"

#include <QByteArray>

#include <cstdint>
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

    QgaFramer();

    // Lexes `size` bytes and appends one Event per finished message or error, in input order.
    void feed(const char *data, qsizetype size, std::vector<Event> &events);
    void feed(const QByteArray &data, std::vector<Event> &events) { feed(data.constData(), data.size(), events); }

    // Forgets any partial request (used when a virtio-serial host end goes away).
    void reset();

    // Bytes currently held for an unfinished request (for tests and diagnostics).
    qsizetype pendingBytes() const { return qsizetype(m_arena.size()); }

private:
    enum TokenType : uint8_t { LCurly, RCurly, LSquare, RSquare, Colon, Comma, Integer, Float, Keyword, String };
    struct Token
    {
        TokenType type;
        qsizetype offset;   // text in m_arena; structural tokens keep none
        qsizetype size;
    };
    class Parser;

    // `structural`: a one-byte token whose text is implied by its type and not stored.
    void emitToken(TokenType type, std::vector<Event> &events, bool structural = false);
    void emitLexicalError(std::vector<Event> &events);
    void emitOversizedToken(std::vector<Event> &events);
    void dropMessage();
    void parseMessage(std::vector<Event> &events);

    // Lexer
    uint8_t m_state;
    qsizetype m_tokenStart = 0;   // the lexer's current token is m_arena[m_tokenStart..]
    // Streamer
    QByteArray m_arena;           // text of the queued tokens followed by the token being lexed
    std::vector<Token> m_tokens;
    qsizetype m_tokenBytes = 0;
    int m_braces = 0;
    int m_brackets = 0;
};

} // namespace qtga
