#include "qgaframer.h"

#include "bytescan.h"

#include "jsonwriter.h"
#include "largebuffers.h"

#include <algorithm>
#include <cerrno>
#include <clocale>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <locale.h>
#include <optional>

namespace qtga {

namespace {

// Lexer states, as in QEMU's json-lexer.c (without interpolation, which the agent never enables).
enum LexState : uint8_t {
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

bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool isStringByte(unsigned char c) { return c >= 0x20 && c <= 0xFD; }
bool isWhitespace(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

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

// The usual request, whole in the bytes at hand, parsed straight from them: one object of
// double-quoted printable ASCII strings, integers of up to 18 digits, true/false/null, and
// objects and arrays of those, at most MaxDepth deep and MaxSpan long, without duplicate keys.
// For such text the lexer's tokens and the parser's value are known in advance, so the result
// is the same value; anything else (escapes, other bytes, floats, single quotes, keywords the
// parser rejects, a message cut off by the end of the read) makes parse() return nullptr and the
// lexer starts from the same byte, with nothing changed.
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
    static constexpr qsizetype MaxSpan = 64 * 1024;
    static constexpr int MaxDepth = 32;

    void skipWhitespace()
    {
        while (m_p < m_end && isWhitespace(*m_p))
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
        while (m_p < m_end && isDigit(*m_p) && m_p - digits < 18)
            value = value * 10 + (*m_p++ - '0');
        // The lexer rejects a digit after a leading zero; a fraction or exponent makes a float.
        if (m_p == digits || m_p == m_end || isDigit(*m_p) || *m_p == '.' || *m_p == 'e' || *m_p == 'E'
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
        if (c == '-' || isDigit(c))
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

// Recursive-descent parser over one message's tokens, reporting the first error the way
// QEMU's json-parser.c does.
class QgaFramer::Parser
{
public:
    struct Tok
    {
        TokenType type;
        const char *text;
        qsizetype size;
    };

    Parser(const std::vector<Token> &tokens, QByteArray &arena)
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
        const Token &t = m_tokens[m_pos];
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
        case LCurly:
            return parseObject();
        case LSquare:
            return parseArray();
        case Integer:
        case Float:
        case String:
            return parseLiteral();
        case Keyword:
            return parseKeyword();
        default:
            fail("expecting value");
            return std::nullopt;
        }
    }

    bool parsePair(JsonValue &dict)
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
        if (t->type != Colon) {
            fail("missing : in object pair");
            return false;
        }
        std::optional<JsonValue> value = parseValue();
        if (!value) {
            fail("Missing value in dict");
            return false;
        }
        if (dict.contains(key->toString())) {
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
        if (t->type == RCurly) {
            pop();
            return dict;
        }
        if (!parsePair(dict))
            return std::nullopt;
        for (;;) {
            t = pop();
            if (!t) {
                fail("premature EOI");
                return std::nullopt;
            }
            if (t->type == RCurly)
                return dict;
            if (t->type != Comma) {
                fail("expected separator in dict");
                return std::nullopt;
            }
            if (!parsePair(dict))
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
        if (t->type == RSquare) {
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
            if (t->type == RSquare)
                return list;
            if (t->type != Comma) {
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
        if (t->type == String)
            return parseString(*t);
        QByteArray text(t->text, t->size);
        if (t->type == Integer) {
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

    const std::vector<Token> &m_tokens;
    const char *m_text;
    QByteArray *m_arena;   // until a string takes it over
    Tok m_current{};
    size_t m_pos = 0;
    QByteArray m_error;
};

QgaFramer::QgaFramer() : m_state(InStart) {}

void QgaFramer::reset()
{
    dropMessage();
    m_state = InStart;
    m_tokenStart = 0;
}

void QgaFramer::dropMessage()
{
    m_tokens.clear();
    m_tokenBytes = 0;
    m_braces = 0;
    m_brackets = 0;
    // Give back the memory of a large request instead of keeping it for the life of the session.
    if (m_arena.capacity() >= largebuffers::Threshold)
        largebuffers::park(std::move(m_arena));
    else
        m_arena.resize(0);   // keeps the buffer; clear() would free it
    m_tokenStart = 0;
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

void QgaFramer::emitToken(TokenType type, std::vector<Event> &events, bool structural)
{
    switch (type) {
    case LCurly: ++m_braces; break;
    case RCurly: --m_braces; break;
    case LSquare: ++m_brackets; break;
    case RSquare: --m_brackets; break;
    default: break;
    }
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
    m_tokens.push_back(Token{type, m_tokenStart, structural ? 0 : size});
    m_tokenBytes += size;
    m_tokenStart = qsizetype(m_arena.size());
    // The message ends when both counts are back to zero, or at once when either goes negative.
    if ((m_braces > 0 || m_brackets > 0) && m_braces >= 0 && m_brackets >= 0)
        return;
    parseMessage(events);
}

void QgaFramer::parseMessage(std::vector<Event> &events)
{
    Parser parser(m_tokens, m_arena);
    std::optional<JsonValue> value = parser.parse();
    Event e;
    if (value && parser.error().isEmpty()) {
        e.value = std::move(*value);
    } else {
        e.isError = true;
        e.error = parser.error();
    }
    events.push_back(std::move(e));
    dropMessage();
}

void QgaFramer::feed(const char *data, qsizetype size, std::vector<Event> &events)
{
    const auto *p = reinterpret_cast<const unsigned char *>(data);
    const auto *end = p + size;
    while (p < end) {
        // A whole ordinary request at the start of a message skips the lexer and the tokens.
        if (*p == '{' && m_state == InStart && m_tokens.empty()) {
            Event e;
            if (const unsigned char *after = SimpleMessage(p, end).parse(e.value)) {
                events.push_back(std::move(e));
                p = after;
                continue;
            }
        }
        // Fast path through string bodies, stopping where the token size check must run.
        if (m_state == InDq || m_state == InSq) {
            const unsigned char quote = m_state == InDq ? '"' : '\'';
            const qsizetype room = MaxTokenSize + 1 - (qsizetype(m_arena.size()) - m_tokenStart);
            const unsigned char *limit = end - p > room ? p + room : end;
            const unsigned char *run = scanLexerStringRun(p, limit, quote);
            if (run != p) {
                // append() would allocate anew and copy each time a multi-megabyte string
                // doubles the arena. A large one moves once into a recycled buffer (or a new
                // mapping), and reserve() grows a mapping with mremap, without copying.
                const qsizetype needed = m_arena.size() + qsizetype(run - p);
                const qsizetype space = largebuffers::room(m_arena);
                if (needed > space) {
                    const qsizetype wanted = std::max(needed, 2 * space);
                    if (wanted >= largebuffers::Threshold && m_arena.capacity() < largebuffers::Threshold) {
                        QByteArray large = largebuffers::take(wanted);
                        large.append(m_arena);
                        m_arena = std::move(large);
                    } else {
                        m_arena.reserve(wanted);
                    }
                }
                m_arena.append(reinterpret_cast<const char *>(p), qsizetype(run - p));
                p = run;
                if (qsizetype(m_arena.size()) - m_tokenStart > MaxTokenSize) {
                    emitOversizedToken(events);
                    m_state = InStart;
                }
                continue;
            }
        }

        const unsigned char c = *p;
        bool consumed = false;
        while (!consumed) {
            // Each branch either moves to a state (consuming c), ends a token (with or without
            // consuming c), or reports c as a lexical error.
            enum Action { Goto, Emit, EmitLookahead, Error, Restart } action = Error;
            uint8_t next = m_state;
            TokenType token = LCurly;
            switch (m_state) {
            case InRecovery:
                if (c == '\t' || (c >= 0x20 && c <= 0xFD && c != '[' && c != ']' && c != '{' && c != '}' && c != ':' && c != ','))
                    action = Goto;
                else
                    action = Restart;
                break;
            case InDqEscape:
            case InSqEscape:
                if (isStringByte(c)) {
                    action = Goto;
                    next = m_state == InDqEscape ? InDq : InSq;
                }
                break;
            case InDq:
            case InSq: {
                const unsigned char quote = m_state == InDq ? '"' : '\'';
                if (c == quote) {
                    action = Emit;
                    token = String;
                } else if (c == '\\') {
                    action = Goto;
                    next = m_state == InDq ? InDqEscape : InSqEscape;
                } else if (isStringByte(c)) {
                    action = Goto;
                }
                break;
            }
            case InZero:
                if (isDigit(c)) {
                    action = Error;
                } else if (c == '.') {
                    action = Goto;
                    next = InMantissa;
                } else {
                    action = EmitLookahead;
                    token = Integer;
                }
                break;
            case InExpDigits:
                if (isDigit(c)) {
                    action = Goto;
                } else {
                    action = EmitLookahead;
                    token = Float;
                }
                break;
            case InExpSign:
                if (isDigit(c)) {
                    action = Goto;
                    next = InExpDigits;
                }
                break;
            case InExpE:
                if (c == '-' || c == '+') {
                    action = Goto;
                    next = InExpSign;
                } else if (isDigit(c)) {
                    action = Goto;
                    next = InExpDigits;
                }
                break;
            case InMantissa:
                if (isDigit(c)) {
                    action = Goto;
                    next = InMantissaDigits;
                }
                break;
            case InMantissaDigits:
                if (isDigit(c)) {
                    action = Goto;
                } else if (c == 'e' || c == 'E') {
                    action = Goto;
                    next = InExpE;
                } else {
                    action = EmitLookahead;
                    token = Float;
                }
                break;
            case InDigits:
                if (isDigit(c)) {
                    action = Goto;
                } else if (c == 'e' || c == 'E') {
                    action = Goto;
                    next = InExpE;
                } else if (c == '.') {
                    action = Goto;
                    next = InMantissa;
                } else {
                    action = EmitLookahead;
                    token = Integer;
                }
                break;
            case InSign:
                if (c == '0') {
                    action = Goto;
                    next = InZero;
                } else if (c >= '1' && c <= '9') {
                    action = Goto;
                    next = InDigits;
                }
                break;
            case InKeyword:
                if (c >= 'a' && c <= 'z') {
                    action = Goto;
                } else {
                    action = EmitLookahead;
                    token = Keyword;
                }
                break;
            case InStart:
                action = Goto;
                switch (c) {
                case '"': next = InDq; break;
                case '\'': next = InSq; break;
                case '0': next = InZero; break;
                case '-': next = InSign; break;
                case '{': action = Emit; token = LCurly; break;
                case '}': action = Emit; token = RCurly; break;
                case '[': action = Emit; token = LSquare; break;
                case ']': action = Emit; token = RSquare; break;
                case ',': action = Emit; token = Comma; break;
                case ':': action = Emit; token = Colon; break;
                default:
                    if (c >= '1' && c <= '9')
                        next = InDigits;
                    else if (c >= 'a' && c <= 'z')
                        next = InKeyword;
                    else if (!isWhitespace(c))
                        action = Error;
                    break;
                }
                break;
            }

            switch (action) {
            case Goto:
                consumed = true;
                // Whitespace between tokens and skipped recovery bytes are not part of any token.
                if (next != InStart && next != InRecovery)
                    m_arena.append(char(c));
                m_state = next;
                break;
            case Emit:
                consumed = true;
                if (token == String) {
                    m_arena.append(char(c));
                    emitToken(token, events);
                } else {
                    emitToken(token, events, true);
                }
                m_state = InStart;
                break;
            case EmitLookahead:
                emitToken(token, events);
                m_state = InStart;
                break;
            case Restart:
                m_state = InStart;
                break;
            case Error:
                consumed = true;
                m_arena.append(char(c));
                emitLexicalError(events);
                m_state = InRecovery;
                break;
            }
        }
        ++p;
        if (qsizetype(m_arena.size()) - m_tokenStart > MaxTokenSize) {
            emitOversizedToken(events);
            m_state = InStart;
        }
    }
}

} // namespace qtga
