// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "ghashorder.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace qtga {

namespace {

constexpr uint32_t Unused = 0;
constexpr uint32_t Tombstone = 1;
constexpr int MinShift = 3;

bool isReal(uint32_t hash) { return hash >= 2; }

// The first prime below each power of two, as GLib's prime_mod table.
constexpr uint32_t primeMod[] = {1,      2,      3,      7,       13,      31,      61,      127,     251,
                                 509,    1021,   2039,   4093,    8191,    16381,   32749,   65521,   131071,
                                 262139, 524287, 1048573, 2097143, 4194301, 8388593, 16777213, 33554393};

// The key as C sees it: up to its first NUL.
QByteArray cString(const QByteArray &key)
{
    const qsizetype nul = key.indexOf('\0');
    return nul < 0 ? key : key.left(nul);
}

class Table
{
public:
    explicit Table(const std::vector<const QByteArray *> &keys) : m_keys(keys) { setShift(MinShift); }

    void insert(int key)
    {
        uint32_t hash;
        const uint32_t index = lookup(key, &hash);
        const uint32_t old = m_hashes[index];
        if (isReal(old))
            return;   // already there (a duplicate after C truncation): GLib keeps one
        m_hashes[index] = hash;
        m_slots[index] = key;
        ++m_nnodes;
        if (old == Unused) {
            ++m_noccupied;
            maybeResize();
        }
    }

    void remove(int key)
    {
        uint32_t hash;
        const uint32_t index = lookup(key, &hash);
        if (!isReal(m_hashes[index]))
            return;
        m_hashes[index] = Tombstone;
        m_slots[index] = -1;
        --m_nnodes;
        maybeResize();
    }

    int first() const
    {
        for (size_t i = 0; i < m_hashes.size(); ++i) {
            if (isReal(m_hashes[i]))
                return m_slots[i];
        }
        return -1;
    }

private:
    void setShift(int shift)
    {
        m_size = 1u << shift;
        m_mod = primeMod[shift];
        m_mask = m_size - 1;
    }

    uint32_t toIndex(uint32_t hash) const { return (hash * 11) % m_mod; }

    // g_hash_table_lookup_node: the key's slot, else the first tombstone on its probe path,
    // else the empty slot that ends it.
    uint32_t lookup(int key, uint32_t *hashOut) const
    {
        const QByteArray text = cString(*m_keys[size_t(key)]);
        uint32_t hash = gStrHash(text);
        if (!isReal(hash))
            hash = 2;
        *hashOut = hash;
        uint32_t index = toIndex(hash);
        uint32_t step = 0;
        bool haveTombstone = false;
        uint32_t firstTombstone = 0;
        while (m_hashes[index] != Unused) {
            if (m_hashes[index] == hash && cString(*m_keys[size_t(m_slots[index])]) == text)
                return index;
            if (m_hashes[index] == Tombstone && !haveTombstone) {
                firstTombstone = index;
                haveTombstone = true;
            }
            ++step;
            index = (index + step) & m_mask;
        }
        return haveTombstone ? firstTombstone : index;
    }

    void maybeResize()
    {
        if ((m_size > uint32_t(m_nnodes) * 4 && m_size > 1u << MinShift)
            || m_size <= uint32_t(m_noccupied + m_noccupied / 16))
            resize();
    }

    // g_hash_table_resize with its in-place rehash (resize_map).
    void resize()
    {
        const uint32_t oldSize = m_size;
        int n = int(m_nnodes * 1.333);
        int shift = 0;
        for (; n; ++shift)
            n >>= 1;
        setShift(std::max(shift, MinShift));
        if (m_size > oldSize) {
            m_hashes.resize(m_size, Unused);
            m_slots.resize(m_size, -1);
        }
        std::vector<bool> placed(std::max(m_size, oldSize), false);
        for (uint32_t i = 0; i < oldSize; ++i) {
            uint32_t hash = m_hashes[i];
            if (!isReal(hash)) {
                m_hashes[i] = Unused;
                continue;
            }
            if (placed[i])
                continue;
            m_hashes[i] = Unused;
            int key = m_slots[i];
            for (;;) {
                uint32_t index = toIndex(hash);
                uint32_t step = 0;
                while (placed[index]) {
                    ++step;
                    index = (index + step) & m_mask;
                }
                placed[index] = true;
                const uint32_t replaced = m_hashes[index];
                m_hashes[index] = hash;
                if (!isReal(replaced)) {
                    m_slots[index] = key;
                    break;
                }
                hash = replaced;
                std::swap(key, m_slots[index]);
            }
        }
        if (m_size < oldSize) {
            m_hashes.resize(m_size);
            m_slots.resize(m_size);
        }
        m_noccupied = m_nnodes;
    }

    const std::vector<const QByteArray *> &m_keys;
    uint32_t m_size = 0, m_mod = 0, m_mask = 0;
    int m_nnodes = 0, m_noccupied = 0;
    std::vector<uint32_t> m_hashes = std::vector<uint32_t>(1u << MinShift, Unused);
    std::vector<int> m_slots = std::vector<int>(1u << MinShift, -1);   // key index per slot
};

} // namespace

unsigned gStrHash(const QByteArray &key)
{
    uint32_t h = 5381;
    for (const char c : key) {
        if (!c)
            break;
        h = (h << 5) + h + uint32_t(int32_t(static_cast<signed char>(c)));
    }
    return h;
}

int firstLeftoverKey(const std::vector<const QByteArray *> &keys, const std::vector<int> &removed)
{
    Table table(keys);
    for (size_t i = 0; i < keys.size(); ++i)
        table.insert(int(i));
    for (int key : removed)
        table.remove(key);
    return table.first();
}

} // namespace qtga
