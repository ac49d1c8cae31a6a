#include "stringpool.h"

#include <cstdint>
#include <cstring>

namespace qtga {

namespace {

// Cheap rather than thorough: the length and the first and last eight bytes, which tell the
// pool's strings apart ("guest-file-read" and "guest-file-seek" differ at the end, "id" and
// "pid" in their length).
size_t hashOf(const char *data, qsizetype size)
{
    uint64_t head = 0, tail = 0;
    const size_t n = size_t(size < 8 ? size : 8);
    std::memcpy(&head, data, n);
    std::memcpy(&tail, data + size - qsizetype(n), n);
    uint64_t h = (head ^ (tail * 0x9E3779B97F4A7C15ull) ^ uint64_t(size)) * 0xFF51AFD7ED558CCDull;
    return size_t(h ^ (h >> 29));
}

} // namespace

StringPool::StringPool() : m_slots(64) {}

void StringPool::add(const QByteArray &text)
{
    if (text.isEmpty() || find(text.constData(), text.size()))
        return;
    if (size_t(m_count + 1) * 2 > m_slots.size())
        grow();
    const size_t mask = m_slots.size() - 1;
    size_t i = hashOf(text.constData(), text.size()) & mask;
    while (!m_slots[i].isEmpty())
        i = (i + 1) & mask;
    m_slots[i] = text;
    ++m_count;
}

const QByteArray *StringPool::find(const char *data, qsizetype size) const
{
    if (size <= 0 || m_count == 0)
        return nullptr;
    const size_t mask = m_slots.size() - 1;
    for (size_t i = hashOf(data, size) & mask;; i = (i + 1) & mask) {
        const QByteArray &slot = m_slots[i];
        if (slot.isEmpty())
            return nullptr;
        if (slot.size() == size && std::memcmp(slot.constData(), data, size_t(size)) == 0)
            return &slot;
    }
}

QByteArray StringPool::get(const char *data, qsizetype size) const
{
    if (const QByteArray *shared = find(data, size))
        return *shared;
    return QByteArray(data, size);
}

void StringPool::grow()
{
    std::vector<QByteArray> old = std::move(m_slots);
    m_slots.assign(old.size() * 2, QByteArray());
    m_count = 0;
    for (const QByteArray &text : old) {
        if (!text.isEmpty())
            add(text);
    }
}

} // namespace qtga
