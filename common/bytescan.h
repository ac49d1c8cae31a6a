// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Finding the end of a run of ordinary bytes inside a JSON string, 16 bytes per step where the
// CPU has SSE2 (every x86-64), one byte per step elsewhere. Multi-megabyte base64 strings of
// guest-file-write cross these loops twice (lexer and parser); per byte they decide everything.
#pragma once

#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace qtga {

// Bytes a JSON string holds as they are: printable ASCII but '"' and '\\'. A table, so that
// short strings (member and command names) cost one load and one test per byte.
struct PlainJsonBytes
{
    bool table[256];
    constexpr PlainJsonBytes() : table()
    {
        for (int c = 0x20; c < 0x7F; ++c)
            table[c] = c != '"' && c != '\\';
    }
};
inline constexpr PlainJsonBytes plainJsonBytes{};

// First byte in [p, end) that is below 0x20, above 0xFD, `quote` or a backslash; `end` if none.
// (0xFE and 0xFF never occur in JSON text; QEMU's lexer treats them as errors.)
inline const unsigned char *scanLexerStringRun(const unsigned char *p, const unsigned char *end, unsigned char quote)
{
#if defined(__SSE2__)
    const __m128i flip = _mm_set1_epi8(char(0x80));
    const __m128i below = _mm_set1_epi8(char(0x20 ^ 0x80));  // signed after the flip
    const __m128i above = _mm_set1_epi8(char(0xFD ^ 0x80));
    const __m128i q = _mm_set1_epi8(char(quote));
    const __m128i backslash = _mm_set1_epi8('\\');
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const __m128i s = _mm_xor_si128(v, flip);
        const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(s, below), _mm_cmpgt_epi8(s, above)),
                                          _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, backslash)));
        const int mask = _mm_movemask_epi8(stop);
        if (mask)
            return p + __builtin_ctz(unsigned(mask));
        p += 16;
    }
#endif
    while (p < end && *p >= 0x20 && *p <= 0xFD && *p != quote && *p != '\\')
        ++p;
    return p;
}

// First byte in [p, end) that is not ASCII, `quote` or a backslash; `end` if none.
inline const char *scanAsciiStringRun(const char *p, const char *end, char quote)
{
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8(quote);
    const __m128i backslash = _mm_set1_epi8('\\');
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const int mask = _mm_movemask_epi8(v)
                         | _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, backslash)));
        if (mask)
            return p + __builtin_ctz(unsigned(mask));
        p += 16;
    }
#endif
    while (p < end && static_cast<unsigned char>(*p) < 0x80 && *p != quote && *p != '\\')
        ++p;
    return p;
}

} // namespace qtga
