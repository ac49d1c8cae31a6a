// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "jsonlexer.h"

namespace qtga {

namespace {

// Bytes a string holds as they are; control characters and 0xFE/0xFF are lexical errors there.
bool isStringByte(unsigned char c) { return c >= 0x20 && c <= 0xFD; }

bool endsRecovery(unsigned char c)
{
    // A byte that may start a token again: a structural character, a control character other
    // than a tab (so a newline ends recovery), or 0xFE/0xFF.
    switch (c) {
    case '{': case '}': case '[': case ']': case ':': case ',':
        return true;
    default:
        return c != '\t' && !isStringByte(c);
    }
}

} // namespace

JsonLexer::Step JsonLexer::feed(unsigned char c)
{
    const auto go = [this](State next) {
        m_state = next;
        // Whitespace between tokens and skipped recovery bytes are not part of any token.
        return Step{next == InStart || next == InRecovery ? Action::Skip : Action::Append, {}};
    };
    const auto end = [this](Action action, JsonTokenType token) {
        m_state = InStart;
        return Step{action, token};
    };
    const auto error = [this] {
        m_state = InRecovery;
        return Step{Action::Error, {}};
    };

    switch (m_state) {
    case InRecovery:
        if (endsRecovery(c))
            return end(Action::Again, {});
        return go(InRecovery);
    case InDqEscape:
    case InSqEscape:
        // Any string byte is accepted here; the parser rejects escapes JSON does not have.
        if (isStringByte(c))
            return go(m_state == InDqEscape ? InDq : InSq);
        return error();
    case InDq:
    case InSq:
        if (c == quote())
            return end(Action::Emit, JsonTokenType::String);
        if (c == '\\')
            return go(m_state == InDq ? InDqEscape : InSqEscape);
        if (isStringByte(c))
            return go(m_state);
        return error();
    case InZero:
        // A digit after a leading zero ("01") is an error, not a second number.
        if (isJsonDigit(c))
            return error();
        if (c == '.')
            return go(InMantissa);
        return end(Action::EmitBefore, JsonTokenType::Integer);
    case InExpDigits:
        if (isJsonDigit(c))
            return go(InExpDigits);
        return end(Action::EmitBefore, JsonTokenType::Float);
    case InExpSign:
        if (isJsonDigit(c))
            return go(InExpDigits);
        return error();
    case InExpE:
        if (c == '-' || c == '+')
            return go(InExpSign);
        if (isJsonDigit(c))
            return go(InExpDigits);
        return error();
    case InMantissa:
        if (isJsonDigit(c))
            return go(InMantissaDigits);
        return error();
    case InMantissaDigits:
        if (isJsonDigit(c))
            return go(InMantissaDigits);
        if (c == 'e' || c == 'E')
            return go(InExpE);
        return end(Action::EmitBefore, JsonTokenType::Float);
    case InDigits:
        if (isJsonDigit(c))
            return go(InDigits);
        if (c == 'e' || c == 'E')
            return go(InExpE);
        if (c == '.')
            return go(InMantissa);
        return end(Action::EmitBefore, JsonTokenType::Integer);
    case InSign:
        if (c == '0')
            return go(InZero);
        if (c >= '1' && c <= '9')
            return go(InDigits);
        return error();
    case InKeyword:
        // Any run of lower-case letters; the parser tells true, false and null from the rest.
        if (c >= 'a' && c <= 'z')
            return go(InKeyword);
        return end(Action::EmitBefore, JsonTokenType::Keyword);
    case InStart:
        break;
    }

    switch (c) {
    case '"': return go(InDq);
    case '\'': return go(InSq);
    case '0': return go(InZero);
    case '-': return go(InSign);
    case '{': return end(Action::Emit, JsonTokenType::LCurly);
    case '}': return end(Action::Emit, JsonTokenType::RCurly);
    case '[': return end(Action::Emit, JsonTokenType::LSquare);
    case ']': return end(Action::Emit, JsonTokenType::RSquare);
    case ',': return end(Action::Emit, JsonTokenType::Comma);
    case ':': return end(Action::Emit, JsonTokenType::Colon);
    default:
        break;
    }
    if (c >= '1' && c <= '9')
        return go(InDigits);
    if (c >= 'a' && c <= 'z')
        return go(InKeyword);
    if (isJsonWhitespace(c))
        return go(InStart);
    // Upper-case letters, '%' (no interpolation), control characters, 0x80 and above.
    return error();
}

} // namespace qtga
