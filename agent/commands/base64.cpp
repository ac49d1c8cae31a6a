#include "base64.h"

#include <array>

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

std::optional<QByteArray> decodeBase64(const QByteArray &text)
{
    const auto *in = reinterpret_cast<const unsigned char *>(text.constData());
    const qsizetype length = text.size();
    for (qsizetype i = 0; i < length; ++i) {
        if (Ranks[in[i]] == Invalid)
            return std::nullopt;
    }

    QByteArray out(length / 4 * 3, Qt::Uninitialized);
    auto *o = reinterpret_cast<unsigned char *>(out.data());
    qsizetype produced = 0;
    unsigned value = 0;
    int digits = 0;
    unsigned char last = 0;      // the most recent digit character
    unsigned char previous = 0;  // the one before it
    for (qsizetype i = 0; i < length; ++i) {
        const unsigned char c = in[i];
        const unsigned char rank = Ranks[c];
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
    out.truncate(produced);
    return out;
}

Base64JsonBuilder::Base64JsonBuilder(qsizetype maxInput)
    : m_json((maxInput + 2) / 3 * 4 + 2, Qt::Uninitialized), m_out(m_json.data())
{
    *m_out++ = '"';
}

void Base64JsonBuilder::append(const char *data, qsizetype size)
{
    const auto *in = reinterpret_cast<const unsigned char *>(data);
    const qsizetype whole = size - size % 3;
    char *out = m_out;
    for (qsizetype i = 0; i < whole; i += 3) {
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
    m_json.truncate(m_out - m_json.constData());
    return JsonValue::rawJson(std::move(m_json));
}

JsonValue base64JsonString(const char *data, qsizetype size)
{
    Base64JsonBuilder builder(size);
    builder.append(data, size);
    return builder.finish();
}

} // namespace qtga
