// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "jsonwriter.h"

#include "bytescan.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace qtga {

bool isValidCodepoint(int codepoint)
{
    if (unsigned(codepoint) > 0x10FFFFu)
        return false;
    if ((codepoint >= 0xFDD0 && codepoint <= 0xFDEF) || (codepoint & 0xFFFE) == 0xFFFE)
        return false;
    return !(codepoint >= 0xD800 && codepoint <= 0xDFFF);
}

int decodeModifiedUtf8(const char *s, qsizetype n, const char **end)
{
    static const int minimum[5] = {0x80, 0x800, 0x10000, 0x200000, 0x4000000};
    const auto *p = reinterpret_cast<const unsigned char *>(s);
    if (n <= 0 || *p == 0) {
        *end = s;
        return -1;
    }
    unsigned byte = *p++;
    int cp;
    if (byte < 0x80) {
        cp = int(byte);
    } else if (byte >= 0xFE || (byte & 0x40) == 0) {
        cp = -1; // impossible byte or a continuation byte where a sequence should start
    } else {
        int len = 0;
        unsigned mask = 0x80;
        for (; byte & mask; mask >>= 1)
            ++len;
        cp = int(byte & (mask - 1));
        for (int i = 1; i < len; ++i) {
            unsigned next = i < n ? *p : 0;
            if ((next & 0xC0) != 0x80) {
                *end = reinterpret_cast<const char *>(p);
                return -1;
            }
            ++p;
            cp = (cp << 6) | int(next & 0x3F);
        }
        if (!isValidCodepoint(cp))
            cp = -1;
        else if (cp < minimum[len - 2] && !(cp == 0 && len == 2))
            cp = -1; // overlong, except the modified UTF-8 NUL
    }
    *end = reinterpret_cast<const char *>(p);
    return cp;
}

int encodeModifiedUtf8(char buf[4], int cp)
{
    if (!isValidCodepoint(cp))
        return -1;
    if (cp > 0 && cp <= 0x7F) {
        buf[0] = char(cp);
        return 1;
    }
    if (cp <= 0x7FF) {
        buf[0] = char(0xC0 | (cp >> 6));
        buf[1] = char(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp <= 0xFFFF) {
        buf[0] = char(0xE0 | (cp >> 12));
        buf[1] = char(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = char(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = char(0xF0 | (cp >> 18));
    buf[1] = char(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = char(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = char(0x80 | (cp & 0x3F));
    return 4;
}

uint32_t qdictBucket(const char *key, qsizetype size)
{
    uint32_t value = 0x238F13AFu * uint32_t(size);
    for (qsizetype i = 0; i < size; ++i)
        value += uint32_t(static_cast<unsigned char>(key[i])) << (i * 5 % 24);
    return (1103515243u * value + 12345u) % 512u;
}

MemberOrder qdictIterationOrder(const JsonValue::Object &members)
{
    if (members.size() <= 1) {
        MemberOrder order;
        if (!members.empty())
            order.append(0);
        return order;
    }
    QVarLengthArray<std::pair<uint32_t, int>, 16> keyed;
    keyed.reserve(qsizetype(members.size()));
    for (size_t i = 0; i < members.size(); ++i) {
        const QByteArray &k = members[i].key;
        keyed.append({qdictBucket(k.constData(), k.size()), int(i)});
    }
    // Buckets in ascending order; inside a bucket the newest entry comes first.
    std::sort(keyed.begin(), keyed.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    MemberOrder order;
    order.reserve(keyed.size());
    for (const auto &k : keyed)
        order.append(k.second);
    return order;
}


static void appendEscape(QByteArray &out, int cp)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "\\u%04X", unsigned(cp) & 0xFFFFu);
    out.append(buf, 6);
}

void appendJsonString(QByteArray &out, const char *data, qsizetype size)
{
    out.append('"');
    const char *p = data;
    const char *end = data + size;
    while (p < end) {
        // Runs of printable ASCII are the common case (base64 payloads, names): copy them whole.
        const char *run = p;
        while (run < end && plainJsonBytes.table[static_cast<unsigned char>(*run)])
            ++run;
        if (run != p) {
            out.append(p, run - p);
            p = run;
            if (p == end)
                break;
        }
        const char *next = p;
        int cp;
        if (*p == 0) {
            cp = 0; // a raw NUL cannot come from the parser, but command output may contain one
            next = p + 1;
        } else {
            cp = decodeModifiedUtf8(p, end - p, &next);
            if (next == p)
                next = p + 1;
        }
        p = next;
        switch (cp) {
        case '"': out.append("\\\"", 2); continue;
        case '\\': out.append("\\\\", 2); continue;
        case '\b': out.append("\\b", 2); continue;
        case '\f': out.append("\\f", 2); continue;
        case '\n': out.append("\\n", 2); continue;
        case '\r': out.append("\\r", 2); continue;
        case '\t': out.append("\\t", 2); continue;
        default: break;
        }
        if (cp < 0)
            cp = 0xFFFD;
        if (cp > 0xFFFF) {
            appendEscape(out, 0xD800 + ((cp - 0x10000) >> 10));
            appendEscape(out, 0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else if (cp < 0x20 || cp >= 0x7F) {
            appendEscape(out, cp);
        } else {
            out.append(char(cp));
        }
    }
    out.append('"');
}

static void appendNumber(QByteArray &out, const JsonValue &v)
{
    char buf[40];
    int n = 0;
    switch (v.type()) {
    case JsonValue::Type::Int:
        n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v.toInt()));
        break;
    case JsonValue::Type::UInt:
        n = std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(v.toUInt()));
        break;
    default:
        n = std::snprintf(buf, sizeof buf, "%.17g", v.toDouble());
        break;
    }
    out.append(buf, n);
}

void appendJson(QByteArray &out, const JsonValue &value)
{
    switch (value.type()) {
    case JsonValue::Type::Null:
        out.append("null", 4);
        return;
    case JsonValue::Type::Bool:
        if (value.toBool())
            out.append("true", 4);
        else
            out.append("false", 5);
        return;
    case JsonValue::Type::Int:
    case JsonValue::Type::UInt:
    case JsonValue::Type::Double:
        appendNumber(out, value);
        return;
    case JsonValue::Type::String:
        appendJsonString(out, value.toString().constData(), value.toString().size());
        return;
    case JsonValue::Type::RawJson:
        out.append(value.toString());
        return;
    case JsonValue::Type::Array: {
        out.append('[');
        bool first = true;
        for (const JsonValue &item : value.items()) {
            if (!first)
                out.append(", ", 2);
            first = false;
            appendJson(out, item);
        }
        out.append(']');
        return;
    }
    case JsonValue::Type::Object: {
        out.append('{');
        const auto &members = value.members();
        bool first = true;
        for (int index : qdictIterationOrder(members)) {
            if (!first)
                out.append(", ", 2);
            first = false;
            const auto &m = members[size_t(index)];
            appendJsonString(out, m.key.constData(), m.key.size());
            out.append(": ", 2);
            appendJson(out, m.value);
        }
        out.append('}');
        return;
    }
    }
}

qsizetype jsonSizeHint(const JsonValue &value)
{
    switch (value.type()) {
    case JsonValue::Type::String:
        return value.toString().size() + 2;
    case JsonValue::Type::RawJson:
        return value.toString().size();
    case JsonValue::Type::Array: {
        qsizetype total = 2;
        for (const JsonValue &item : value.items())
            total += jsonSizeHint(item) + 2;
        return total;
    }
    case JsonValue::Type::Object: {
        qsizetype total = 2;
        for (const auto &m : value.members())
            total += m.key.size() + 6 + jsonSizeHint(m.value);
        return total;
    }
    default:
        return 24;
    }
}

QByteArray toJson(const JsonValue &value)
{
    QByteArray out;
    out.reserve(jsonSizeHint(value));
    appendJson(out, value);
    return out;
}

} // namespace qtga
