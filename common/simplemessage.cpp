// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "simplemessage.h"

#include "bytescan.h"
#include "jsonlexer.h"

namespace qtga {

namespace {

class SimpleMessage
{
public:
    SimpleMessage(const unsigned char *p, const unsigned char *end)
        : m_p(p), m_end(end - p > MaxSpan ? p + MaxSpan : end)
    {
    }

    // Returns the byte after the closing brace, or nullptr.
    const unsigned char *parse(JsonValue &out)
    {
        return object(out, 1) ? m_p : nullptr;
    }

private:
    // Far inside the streamer's size, token-count and nesting limits, so none of its errors
    // can apply to a message parsed here.
    static constexpr qsizetype MaxSpan = 64 * 1024;
    static constexpr int MaxDepth = 32;

    void skipWhitespace()
    {
        while (m_p < m_end && isJsonWhitespace(*m_p))
            ++m_p;
    }

    bool string(QByteArray &out)
    {
        const unsigned char *start = ++m_p;
        while (m_p < m_end && plainJsonBytes.table[*m_p])
            ++m_p;
        if (m_p == m_end || *m_p != '"')
            return false;
        out = QByteArray(reinterpret_cast<const char *>(start), m_p - start);
        ++m_p;
        return true;
    }

    bool integer(JsonValue &out)
    {
        const bool negative = *m_p == '-';
        if (negative)
            ++m_p;
        const unsigned char *digits = m_p;
        int64_t value = 0;
        while (m_p < m_end && isJsonDigit(*m_p) && m_p - digits < 18)
            value = value * 10 + (*m_p++ - '0');
        // The lexer rejects a digit after a leading zero; a fraction or exponent makes a float.
        if (m_p == digits || m_p == m_end || isJsonDigit(*m_p) || *m_p == '.' || *m_p == 'e' || *m_p == 'E'
            || (*digits == '0' && m_p - digits > 1))
            return false;
        out = JsonValue(negative ? -value : value);
        return true;
    }

    bool keyword(JsonValue &out)
    {
        const unsigned char *start = m_p;
        while (m_p < m_end && *m_p >= 'a' && *m_p <= 'z')
            ++m_p;
        const QByteArrayView word(start, m_p - start);
        if (word == "true")
            out = JsonValue(true);
        else if (word == "false")
            out = JsonValue(false);
        else if (word == "null")
            out = JsonValue();
        else
            return false;
        return true;
    }

    bool value(JsonValue &out, int depth)
    {
        if (m_p == m_end)
            return false;
        const unsigned char c = *m_p;
        if (c == '"') {
            QByteArray text;
            if (!string(text))
                return false;
            out = JsonValue(std::move(text));
            return true;
        }
        if (c == '{')
            return depth < MaxDepth && object(out, depth + 1);
        if (c == '[')
            return depth < MaxDepth && array(out, depth + 1);
        if (c == '-' || isJsonDigit(c))
            return integer(out);
        if (c >= 'a' && c <= 'z')
            return keyword(out);
        return false;
    }

    // At '{'.
    bool object(JsonValue &out, int depth)
    {
        ++m_p;
        out = JsonValue::object();
        skipWhitespace();
        if (m_p < m_end && *m_p == '}') {
            ++m_p;
            return true;
        }
        // A request has "execute", "arguments" and "id"; one allocation instead of three.
        out.members().reserve(4);
        for (;;) {
            if (m_p == m_end || *m_p != '"')
                return false;
            QByteArray key;
            if (!string(key))
                return false;
            skipWhitespace();
            if (m_p == m_end || *m_p != ':')
                return false;
            ++m_p;
            skipWhitespace();
            JsonValue member;
            if (!value(member, depth) || out.contains(key))
                return false;
            out.insert(std::move(key), std::move(member));
            bool closed = false;
            if (!separator('}', closed))
                return false;
            if (closed)
                return true;
        }
    }

    // At '['.
    bool array(JsonValue &out, int depth)
    {
        ++m_p;
        out = JsonValue::array();
        skipWhitespace();
        if (m_p < m_end && *m_p == ']') {
            ++m_p;
            return true;
        }
        for (;;) {
            JsonValue item;
            if (!value(item, depth))
                return false;
            out.append(std::move(item));
            bool closed = false;
            if (!separator(']', closed))
                return false;
            if (closed)
                return true;
        }
    }

    // After a member or an item: the closing bracket (`closed`) or a comma and the whitespace
    // after it; false for anything else.
    bool separator(char close, bool &closed)
    {
        skipWhitespace();
        if (m_p == m_end || (*m_p != close && *m_p != ','))
            return false;
        closed = *m_p++ == close;
        if (!closed)
            skipWhitespace();
        return true;
    }

    const unsigned char *m_p;
    const unsigned char *m_end;
};

} // namespace

const unsigned char *parseSimpleMessage(const unsigned char *p, const unsigned char *end, JsonValue &out)
{
    return SimpleMessage(p, end).parse(out);
}

} // namespace qtga
