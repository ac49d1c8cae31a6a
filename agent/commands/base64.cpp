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

} // namespace qtga
