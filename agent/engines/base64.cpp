// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "engines/base64.h"

#include "largebuffers.h"

#include <QtEndian>

#include <algorithm>
#include <array>
#include <cstring>

namespace qtga {

namespace {

constexpr unsigned char Skip = 0xfe;     // '\n': allowed, ignored by the decoder
constexpr unsigned char Invalid = 0xff;

constexpr std::array<unsigned char, 256> makeRanks()
{
    std::array<unsigned char, 256> ranks{};
    for (auto &r : ranks)
        r = Invalid;
    const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (unsigned char i = 0; i < 64; ++i)
        ranks[static_cast<unsigned char>(alphabet[i])] = i;
    ranks['='] = 0;
    ranks['\n'] = Skip;
    return ranks;
}

constexpr std::array<unsigned char, 256> Ranks = makeRanks();

// Alphabet characters only; 0x80 for everything else (padding and newlines included).
constexpr std::array<unsigned char, 256> makeQuadRanks()
{
    std::array<unsigned char, 256> ranks{};
    for (int c = 0; c < 256; ++c)
        ranks[size_t(c)] = (Ranks[size_t(c)] < 64 && c != '=') ? Ranks[size_t(c)] : 0x80;
    return ranks;
}

constexpr std::array<unsigned char, 256> QuadRanks = makeQuadRanks();

// Two alphabet characters (first in the low byte, as a little-endian 16-bit load sees them)
// to their 12 bits; 0x8000 when either is anything else. 128 KiB of read-only data, of which
// the 4096 valid pairs touch about 10 KiB.
struct PairRanks
{
    uint16_t ranks[65536];
    constexpr PairRanks() : ranks()
    {
        for (int i = 0; i < 65536; ++i) {
            const unsigned lo = QuadRanks[size_t(i & 0xFF)], hi = QuadRanks[size_t(i >> 8)];
            ranks[i] = ((lo | hi) & 0x80) ? 0x8000 : uint16_t((lo << 6) | hi);
        }
    }
};
constexpr PairRanks PairRankTable;

constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Two output characters for every 12-bit value: half the table look-ups of a per-6-bit loop.
struct PairTable
{
    char pairs[4096][2];
    constexpr PairTable() : pairs()
    {
        for (int i = 0; i < 4096; ++i) {
            pairs[i][0] = Alphabet[i >> 6];
            pairs[i][1] = Alphabet[i & 63];
        }
    }
};
constexpr PairTable Pairs;

} // namespace

namespace {

// Decodes `length` bytes at `in` to `o`, which may be `in` itself: every output byte is written
// after the input bytes it overwrites have been read. `room` is how many bytes may be stored at
// `o` (the 4-byte stores of the fast loop go one byte past the data). -1 on an invalid byte.
qsizetype decodeInto(const unsigned char *in, qsizetype length, unsigned char *o, qsizetype room)
{
    qsizetype produced = 0;
    unsigned value = 0;
    int digits = 0;
    unsigned char last = 0;      // the most recent digit character
    unsigned char previous = 0;  // the one before it
    qsizetype i = 0;
    while (i < length) {
        if (digits == 0) {
            // The common case: four alphabet characters, no padding, no newline. A quad with
            // anything else goes through the character-by-character rules below.
            if (Q_BYTE_ORDER == Q_LITTLE_ENDIAN) {
                // Two pair look-ups per quad; the 4-byte store's last byte is overwritten by
                // the next quad, so it stops one quad early to stay inside the buffer.
                const unsigned char *q = in + i;
                unsigned char *w = o + produced;
                qsizetype quads = std::min((length - i) / 4, (room - produced - 1) / 3);
                for (; quads > 0; --quads) {
                    uint32_t chars;
                    std::memcpy(&chars, q, 4);
                    const unsigned a = PairRankTable.ranks[chars & 0xFFFF];
                    const unsigned b = PairRankTable.ranks[chars >> 16];
                    if ((a | b) & 0x8000)
                        break;
                    const uint32_t word = qToBigEndian(uint32_t((a << 12) | b) << 8);
                    std::memcpy(w, &word, 4);
                    w += 3;
                    q += 4;
                }
                i = q - in;
                produced = w - o;
            }
            while (length - i >= 4) {
                const unsigned a = QuadRanks[in[i]], b = QuadRanks[in[i + 1]];
                const unsigned c = QuadRanks[in[i + 2]], d = QuadRanks[in[i + 3]];
                if ((a | b | c | d) & 0x80)
                    break;
                const unsigned v = (a << 18) | (b << 12) | (c << 6) | d;
                o[produced] = static_cast<unsigned char>(v >> 16);
                o[produced + 1] = static_cast<unsigned char>(v >> 8);
                o[produced + 2] = static_cast<unsigned char>(v);
                produced += 3;
                i += 4;
            }
            if (i >= length)
                break;
        }
        const unsigned char c = in[i++];
        const unsigned char rank = Ranks[c];
        if (rank == Invalid)
            return -1;
        if (rank == Skip)
            continue;
        previous = last;
        last = c;
        value = (value << 6) | rank;
        if (++digits == 4) {
            o[produced++] = static_cast<unsigned char>(value >> 16);
            if (previous != '=')
                o[produced++] = static_cast<unsigned char>(value >> 8);
            if (last != '=')
                o[produced++] = static_cast<unsigned char>(value);
            digits = 0;
        }
    }
    return produced;
}

} // namespace

std::optional<QByteArray> decodeBase64(const QByteArray &text)
{
    QByteArray out(text.size() / 4 * 3, Qt::Uninitialized);
    const qsizetype produced = decodeInto(reinterpret_cast<const unsigned char *>(text.constData()), text.size(),
                                          reinterpret_cast<unsigned char *>(out.data()), out.size());
    if (produced < 0)
        return std::nullopt;
    out.truncate(produced);
    return out;
}

std::optional<QByteArray> decodeBase64(QByteArray &&text)
{
    // data() copies only when the text is shared; then it is decoded over itself.
    auto *buffer = reinterpret_cast<unsigned char *>(text.data());
    const qsizetype produced = decodeInto(buffer, text.size(), buffer, text.size());
    if (produced < 0)
        return std::nullopt;
    text.truncate(produced);
    return std::move(text);
}

namespace {

// The quoted base64 text of `input` bytes.
qsizetype quotedSize(qsizetype input)
{
    return (input + 2) / 3 * 4 + 2;
}

// What will certainly be written: only asked for when the text needs a large buffer, whose
// pages are then backed at once.
qsizetype certainSize(qsizetype maxInput, const std::function<qsizetype()> &expectedInput)
{
    if (!expectedInput || quotedSize(maxInput) < LargeBuffers::Threshold)
        return 0;
    return quotedSize(std::min(expectedInput(), maxInput));
}

} // namespace

Base64JsonBuilder::Base64JsonBuilder(qsizetype maxInput, const std::function<qsizetype()> &expectedInput)
    : m_text(quotedSize(maxInput), certainSize(maxInput, expectedInput)), m_out(m_text.data())
{
    *m_out++ = '"';
}

void Base64JsonBuilder::append(const char *data, qsizetype size)
{
    const auto *in = reinterpret_cast<const unsigned char *>(data);
    const qsizetype whole = size - size % 3;
    char *out = m_out;
    qsizetype i = 0;
    // Three input bytes read as one 32-bit big-endian word (while a fourth byte exists to read
    // past; i + 3 <= whole follows), two 12-bit pair look-ups, one 4-byte store.
    for (; i + 4 <= size; i += 3) {
        uint32_t word;
        std::memcpy(&word, in + i, 4);
        const uint32_t v = qFromBigEndian(word) >> 8;
        uint16_t pairs[2];
        std::memcpy(&pairs[0], Pairs.pairs[v >> 12], 2);
        std::memcpy(&pairs[1], Pairs.pairs[v & 0xFFF], 2);
        std::memcpy(out, pairs, 4);
        out += 4;
    }
    for (; i < whole; i += 3) {
        const uint32_t v = (uint32_t(in[i]) << 16) | (uint32_t(in[i + 1]) << 8) | in[i + 2];
        const char *a = Pairs.pairs[v >> 12];
        const char *b = Pairs.pairs[v & 0xFFF];
        out[0] = a[0];
        out[1] = a[1];
        out[2] = b[0];
        out[3] = b[1];
        out += 4;
    }
    if (size % 3 == 1) {
        const uint32_t v = uint32_t(in[whole]) << 16;
        *out++ = Alphabet[v >> 18];
        *out++ = Alphabet[(v >> 12) & 63];
        *out++ = '=';
        *out++ = '=';
    } else if (size % 3 == 2) {
        const uint32_t v = (uint32_t(in[whole]) << 16) | (uint32_t(in[whole + 1]) << 8);
        *out++ = Alphabet[v >> 18];
        *out++ = Alphabet[(v >> 12) & 63];
        *out++ = Alphabet[(v >> 6) & 63];
        *out++ = '=';
    }
    m_out = out;
}

JsonValue Base64JsonBuilder::finish()
{
    *m_out++ = '"';
    const qsizetype size = m_out - m_text.data();
    return JsonValue::rawJson(std::move(m_text).finish(size));
}

JsonValue base64JsonString(const char *data, qsizetype size)
{
    Base64JsonBuilder builder(size);
    builder.append(data, size);
    return builder.finish();
}

} // namespace qtga
