// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// QEMU's JSON lexer (json-lexer.c) as a state machine fed one byte at a time, without the
// interpolation the agent never enables. It only decides what each byte does; the streamer
// (QgaFramer) keeps the text of the tokens. Internal to qtga-common.
#pragma once

#include <QtGlobal>

#include <cstdint>

namespace qtga {

enum class JsonTokenType : uint8_t { LCurly, RCurly, LSquare, RSquare, Colon, Comma, Integer, Float, Keyword, String };

// A token of the message being collected. Its text lies in the streamer's buffer at `offset`;
// the one-byte tokens { } [ ] : , keep none, their type says it all.
struct JsonToken
{
    JsonTokenType type;
    qsizetype offset;
    qsizetype size;
};

inline bool isStructural(JsonTokenType type) { return type <= JsonTokenType::Comma; }

// The lexer's character classes, shared with the parser that reads whole requests without it.
inline bool isJsonDigit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool isJsonWhitespace(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class JsonLexer
{
public:
    enum class Action : uint8_t {
        Append,       // the byte belongs to the current token
        Skip,         // the byte lies between tokens, or is dropped while recovering
        Emit,         // the byte ends the current token (a closing quote, or a one-byte token)
        EmitBefore,   // the token ended before the byte (a number or keyword): feed it again
        Again,        // recovery is over: feed the byte again
        Error,        // the byte can neither continue the token nor start one: a lexical error,
                      // and the lexer skips bytes until one can start a token again
    };
    struct Step
    {
        Action action;
        JsonTokenType token;   // for Emit and EmitBefore
    };

    Step feed(unsigned char c);

    // Back to the start state, as QEMU does after cutting off a token that grew too long.
    void restart() { m_state = InStart; }
    bool betweenTokens() const { return m_state == InStart; }
    bool inString() const { return m_state == InDq || m_state == InSq; }
    // The quote that ends the current string.
    unsigned char quote() const { return m_state == InDq ? '"' : '\''; }

private:
    // As in json-lexer.c.
    enum State : uint8_t {
        InRecovery,
        InDqEscape,
        InDq,
        InSqEscape,
        InSq,
        InZero,
        InExpDigits,
        InExpSign,
        InExpE,
        InMantissa,
        InMantissaDigits,
        InDigits,
        InSign,
        InKeyword,
        InStart,
    };

    State m_state = InStart;
};

} // namespace qtga
