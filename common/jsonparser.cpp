// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "jsonparser.h"

#include "bytescan.h"
#include "jsonwriter.h"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <locale.h>
#include <unordered_set>

namespace qtga {

namespace {

locale_t cLocale()
{
    static locale_t loc = newlocale(LC_ALL_MASK, "C", nullptr);
    return loc;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// QEMU's cvt4hex(): four hex digits or -1. Reads stop at the end of the token text.
int fourHex(const char *s, const char *end)
{
    int cp = 0;
    for (int i = 0; i < 4; ++i) {
        if (s + i >= end)
            return -1;
        int v = hexValue(s[i]);
        if (v < 0)
            return -1;
        cp = (cp << 4) | v;
    }
    return cp;
}

struct KeyHash
{
    size_t operator()(const QByteArray &key) const { return qHash(key); }
};

// Recursive-descent parser over one message's tokens, reporting the first error the way
// QEMU's json-parser.c does.
class Parser
{
public:
    struct Tok
    {
        JsonTokenType type;
        const char *text;
        qsizetype size;
    };

    Parser(const std::vector<JsonToken> &tokens, QByteArray &arena)
        : m_tokens(tokens), m_text(arena.constData()), m_arena(&arena)
    {
    }

    std::optional<JsonValue> parse() { return parseValue(); }
    const QByteArray &error() const { return m_error; }

private:
    const Tok *peek()
    {
        if (m_pos >= m_tokens.size())
            return nullptr;
        const JsonToken &t = m_tokens[m_pos];
        m_current = Tok{t.type, m_text + t.offset, t.size};
        return &m_current;
    }
    const Tok *pop()
    {
        const Tok *t = peek();
        if (t)
            ++m_pos;
        return t;
    }

    void fail(const char *fmt, ...) __attribute__((format(printf, 2, 3)))
    {
        if (!m_error.isEmpty())
            return;
        // QEMU formats into a 1024-byte buffer, so long messages are cut at 1023 bytes.
        char message[1024];
        va_list ap;
        va_start(ap, fmt);
        std::vsnprintf(message, sizeof message, fmt, ap);
        va_end(ap);
        m_error = QByteArray("JSON parse error, ") + message;
    }

    std::optional<JsonValue> parseValue()
    {
        const Tok *t = peek();
        if (!t) {
            fail("premature EOI");
            return std::nullopt;
        }
        switch (t->type) {
        case JsonTokenType::LCurly:
            return parseObject();
        case JsonTokenType::LSquare:
            return parseArray();
        case JsonTokenType::Integer:
        case JsonTokenType::Float:
        case JsonTokenType::String:
            return parseLiteral();
        case JsonTokenType::Keyword:
            return parseKeyword();
        default:
            fail("expecting value");
            return std::nullopt;
        }
    }

    // Keys already in the object being parsed. A scan of the members per new key would cost an
    // object of n keys n*n/2 comparisons: minutes of the main thread for half a million keys,
    // which one request of a few megabytes can hold. Small objects (every real request) are
    // scanned; from SetFrom members on, the keys go into a set.
    static constexpr size_t SetFrom = 16;
    using KeySet = std::unordered_set<QByteArray, KeyHash>;

    bool parsePair(JsonValue &dict, KeySet &keys)
    {
        if (!peek()) {
            fail("premature EOI");
            return false;
        }
        std::optional<JsonValue> key = parseValue();
        if (!key || !key->isString()) {
            fail("key is not a string in object");
            return false;
        }
        const Tok *t = pop();
        if (!t) {
            fail("premature EOI");
            return false;
        }
        if (t->type != JsonTokenType::Colon) {
            fail("missing : in object pair");
            return false;
        }
        std::optional<JsonValue> value = parseValue();
        if (!value) {
            fail("Missing value in dict");
            return false;
        }
        const JsonValue::Object &members = dict.members();
        bool duplicate;
        if (members.size() < SetFrom) {
            duplicate = dict.contains(key->toString());
        } else {
            if (keys.empty()) {
                for (const JsonValue::Member &member : members)
                    keys.insert(member.key);
            }
            duplicate = !keys.insert(key->toString()).second;
        }
        if (duplicate) {
            fail("duplicate key");
            return false;
        }
        dict.insert(std::move(key->stringRef()), std::move(*value));
        return true;
    }

    std::optional<JsonValue> parseObject()
    {
        pop();
        JsonValue dict = JsonValue::object();
        const Tok *t = peek();
        if (!t) {
            fail("premature EOI");
            return std::nullopt;
        }
        if (t->type == JsonTokenType::RCurly) {
            pop();
            return dict;
        }
        KeySet keys;
        if (!parsePair(dict, keys))
            return std::nullopt;
        for (;;) {
            t = pop();
            if (!t) {
                fail("premature EOI");
                return std::nullopt;
            }
            if (t->type == JsonTokenType::RCurly)
                return dict;
            if (t->type != JsonTokenType::Comma) {
                fail("expected separator in dict");
                return std::nullopt;
            }
            if (!parsePair(dict, keys))
                return std::nullopt;
        }
    }

    std::optional<JsonValue> parseArray()
    {
        pop();
        JsonValue list = JsonValue::array();
        const Tok *t = peek();
        if (!t) {
            fail("premature EOI");
            return std::nullopt;
        }
        if (t->type == JsonTokenType::RSquare) {
            pop();
            return list;
        }
        for (;;) {
            std::optional<JsonValue> item = parseValue();
            if (!item) {
                fail("expecting value");
                return std::nullopt;
            }
            list.append(std::move(*item));
            t = pop();
            if (!t) {
                fail("premature EOI");
                return std::nullopt;
            }
            if (t->type == JsonTokenType::RSquare)
                return list;
            if (t->type != JsonTokenType::Comma) {
                fail("expected separator in list");
                return std::nullopt;
            }
        }
    }

    std::optional<JsonValue> parseKeyword()
    {
        const Tok *t = pop();
        QByteArray word(t->text, t->size);
        if (word == "true")
            return JsonValue(true);
        if (word == "false")
            return JsonValue(false);
        if (word == "null")
            return JsonValue();
        fail("invalid keyword '%s'", word.constData());
        return std::nullopt;
    }

    std::optional<JsonValue> parseLiteral()
    {
        const Tok *t = pop();
        if (t->type == JsonTokenType::String)
            return parseString(*t);
        QByteArray text(t->text, t->size);
        if (t->type == JsonTokenType::Integer) {
            errno = 0;
            char *end = nullptr;
            long long v = std::strtoll(text.constData(), &end, 10);
            if (errno == 0)
                return JsonValue(int64_t(v));
            if (text[0] != '-') {
                errno = 0;
                unsigned long long u = std::strtoull(text.constData(), &end, 10);
                if (errno == 0)
                    return JsonValue(uint64_t(u));
            }
        }
        return JsonValue(strtod_l(text.constData(), nullptr, cLocale()));
    }

    std::optional<JsonValue> parseString(const Tok &t)
    {
        const char *p = t.text;
        const char *end = t.text + t.size;
        const char quote = *p++;
        const qsizetype body = t.size - 2;
        // A large plain string (a guest-file-write buffer) takes over the arena instead of being
        // copied: it moves to the front of the buffer it already lies in. The tokens before it
        // have been parsed and those after it lie beyond its end, so the rest of the parse still
        // reads the same bytes from the same buffer, now owned by the string.
        if (m_arena && body >= LargeString && scanAsciiStringRun(p, end, quote) == end - 1) {
            QByteArray out = std::move(*m_arena);
            m_arena = nullptr;
            std::memmove(out.data(), p, size_t(body));
            out.truncate(body);
            return JsonValue(std::move(out));
        }
        QByteArray out;
        out.reserve(t.size);
        char utf8[4];
        while (p < end && *p != quote) {
            if (*p == '\\') {
                const char *escapeStart = p++;
                char c = *p++;
                switch (c) {
                case '"': out.append('"'); break;
                case '\'': out.append('\''); break;
                case '\\': out.append('\\'); break;
                case '/': out.append('/'); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'u': {
                    int cp = fourHex(p, end);
                    p += 4;
                    if (cp >= 0xD800 && cp <= 0xDBFF && p + 1 < end && p[0] == '\\' && p[1] == 'u') {
                        int trailing = fourHex(p + 2, end);
                        if (trailing >= 0xDC00 && trailing <= 0xDFFF) {
                            cp = 0x10000 + ((cp & 0x3FF) << 10) + (trailing & 0x3FF);
                            p += 6;
                        } else {
                            cp = -1;
                        }
                    }
                    int n = encodeModifiedUtf8(utf8, cp);
                    if (n < 0) {
                        qsizetype shown = std::min<qsizetype>(p - escapeStart, end - escapeStart);
                        fail("%.*s is not a valid Unicode character", int(shown), escapeStart);
                        return std::nullopt;
                    }
                    out.append(utf8, n);
                    break;
                }
                default:
                    fail("invalid escape sequence in string");
                    return std::nullopt;
                }
                continue;
            }
            // Plain bytes: copy ASCII runs at once, validate everything else as modified UTF-8.
            const char *run = scanAsciiStringRun(p, end, quote);
            if (run != p) {
                out.append(p, run - p);
                p = run;
                continue;
            }
            const char *next = p;
            int cp = decodeModifiedUtf8(p, std::min<qsizetype>(6, end - p), &next);
            if (cp < 0) {
                fail("invalid UTF-8 sequence in string");
                return std::nullopt;
            }
            int n = encodeModifiedUtf8(utf8, cp);
            out.append(utf8, n);
            p = next;
        }
        return JsonValue(std::move(out));
    }

    static constexpr qsizetype LargeString = qsizetype(1) << 20;

    const std::vector<JsonToken> &m_tokens;
    const char *m_text;
    QByteArray *m_arena;   // until a string takes it over
    Tok m_current{};
    size_t m_pos = 0;
    QByteArray m_error;
};

} // namespace

std::optional<JsonValue> parseJsonTokens(const std::vector<JsonToken> &tokens, QByteArray &text, QByteArray *error)
{
    Parser parser(tokens, text);
    std::optional<JsonValue> value = parser.parse();
    if (!value)
        *error = parser.error();
    return value;
}

} // namespace qtga
