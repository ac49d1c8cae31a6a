// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "qgaframer.h"

#include "bytescan.h"
#include "jsonparser.h"
#include "largebuffers.h"
#include "simplemessage.h"

#include <algorithm>
#include <optional>

namespace qtga {

void QgaFramer::feed(const char *data, qsizetype size, std::vector<Event> &events)
{
    const auto *p = reinterpret_cast<const unsigned char *>(data);
    const auto *end = p + size;
    while (p < end) {
        // A whole ordinary request at the start of a message skips the lexer and the tokens.
        if (*p == '{' && m_lexer.betweenTokens() && m_tokens.empty()) {
            Event e;
            if (const unsigned char *after = parseSimpleMessage(p, end, e.value)) {
                events.push_back(std::move(e));
                p = after;
                continue;
            }
        }
        if (m_lexer.inString()) {
            if (const unsigned char *run = appendStringRun(p, end, events); run != p) {
                p = run;
                continue;
            }
        }
        lexByte(*p++, events);
        cutOversizedToken(events);
    }
}

void QgaFramer::reset()
{
    dropMessage();
    m_lexer.restart();
}

// Bytes inside a string that need no decision one by one, stopping where the token size check
// must run.
const unsigned char *QgaFramer::appendStringRun(const unsigned char *p, const unsigned char *end,
                                                 std::vector<Event> &events)
{
    const qsizetype room = MaxTokenSize + 1 - (qsizetype(m_arena.size()) - m_tokenStart);
    const unsigned char *limit = end - p > room ? p + room : end;
    const unsigned char *run = scanLexerStringRun(p, limit, m_lexer.quote());
    if (run == p)
        return p;
    // append() would allocate anew and copy each time a multi-megabyte string doubles the
    // arena. A large one moves once into a recycled buffer (or a new mapping), and reserve()
    // grows a mapping with mremap, without copying.
    const qsizetype needed = m_arena.size() + qsizetype(run - p);
    const qsizetype space = LargeBuffers::room(m_arena);
    if (needed > space) {
        const qsizetype wanted = std::max(needed, 2 * space);
        if (wanted >= LargeBuffers::Threshold && m_arena.capacity() < LargeBuffers::Threshold) {
            QByteArray large = LargeBuffers::take(wanted);
            large.append(m_arena);
            m_arena = std::move(large);
        } else {
            m_arena.reserve(wanted);
        }
    }
    m_arena.append(reinterpret_cast<const char *>(p), qsizetype(run - p));
    cutOversizedToken(events);
    return run;
}

void QgaFramer::lexByte(unsigned char c, std::vector<Event> &events)
{
    for (;;) {
        const JsonLexer::Step step = m_lexer.feed(c);
        switch (step.action) {
        case JsonLexer::Action::Append:
            m_arena.append(char(c));
            return;
        case JsonLexer::Action::Skip:
            return;
        case JsonLexer::Action::Emit:
            if (!isStructural(step.token))
                m_arena.append(char(c));
            emitToken(step.token, events);
            return;
        case JsonLexer::Action::EmitBefore:
            emitToken(step.token, events);
            break;
        case JsonLexer::Action::Again:
            break;
        case JsonLexer::Action::Error:
            m_arena.append(char(c));
            emitLexicalError(events);
            return;
        }
    }
}

// QEMU's lexer cuts a token that grows beyond the limit: what it has so far goes to the
// streamer (which reports the size limit) and lexing starts afresh with the next byte.
void QgaFramer::cutOversizedToken(std::vector<Event> &events)
{
    if (qsizetype(m_arena.size()) - m_tokenStart <= MaxTokenSize)
        return;
    emitOversizedToken(events);
    m_lexer.restart();
}

void QgaFramer::emitToken(JsonTokenType type, std::vector<Event> &events)
{
    switch (type) {
    case JsonTokenType::LCurly: ++m_braces; break;
    case JsonTokenType::RCurly: --m_braces; break;
    case JsonTokenType::LSquare: ++m_brackets; break;
    case JsonTokenType::RSquare: --m_brackets; break;
    default: break;
    }
    const bool structural = isStructural(type);
    const qsizetype size = structural ? 1 : qsizetype(m_arena.size()) - m_tokenStart;
    const char *limitError = nullptr;
    if (m_tokenBytes + size + 1 > MaxTokenSize)
        limitError = "JSON token size limit exceeded";
    else if (qsizetype(m_tokens.size()) + 1 > MaxTokenCount)
        limitError = "JSON token count limit exceeded";
    else if (m_brackets + m_braces > MaxNesting)
        limitError = "JSON nesting depth limit exceeded";
    if (limitError) {
        Event e;
        e.isError = true;
        e.error = limitError;
        events.push_back(std::move(e));
        dropMessage();
        return;
    }
    m_tokens.push_back(JsonToken{type, m_tokenStart, structural ? 0 : size});
    m_tokenBytes += size;
    m_tokenStart = qsizetype(m_arena.size());
    // The message ends when both counts are back to zero, or at once when either goes negative.
    if ((m_braces > 0 || m_brackets > 0) && m_braces >= 0 && m_brackets >= 0)
        return;
    parseMessage(events);
}

void QgaFramer::emitLexicalError(std::vector<Event> &events)
{
    QByteArray token(m_arena.data() + m_tokenStart, qsizetype(m_arena.size()) - m_tokenStart);
    // QEMU prints the token with %s, so it ends at the first NUL byte.
    int nul = token.indexOf('\0');
    if (nul >= 0)
        token.truncate(nul);
    Event e;
    e.isError = true;
    e.error = "JSON parse error, stray '" + token + "'";
    events.push_back(std::move(e));
    dropMessage();
}

void QgaFramer::emitOversizedToken(std::vector<Event> &events)
{
    Event e;
    e.isError = true;
    e.error = "JSON token size limit exceeded";
    events.push_back(std::move(e));
    dropMessage();
}

void QgaFramer::parseMessage(std::vector<Event> &events)
{
    Event e;
    if (std::optional<JsonValue> value = parseJsonTokens(m_tokens, m_arena, &e.error))
        e.value = std::move(*value);
    else
        e.isError = true;
    events.push_back(std::move(e));
    dropMessage();
}

void QgaFramer::dropMessage()
{
    m_tokens.clear();
    m_tokenBytes = 0;
    m_braces = 0;
    m_brackets = 0;
    // Give back the memory of a large request instead of keeping it for the life of the session.
    if (m_arena.capacity() >= LargeBuffers::Threshold)
        LargeBuffers::park(std::move(m_arena));
    else
        m_arena.resize(0);   // keeps the buffer; clear() would free it
    m_tokenStart = 0;
}

} // namespace qtga
