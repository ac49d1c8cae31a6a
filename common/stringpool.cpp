#include "stringpool.h"

#include <cstring>

namespace qtga {

namespace {

uint64_t load8(const char *p)
{
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

} // namespace

// The first and the last eight bytes (overlapping, or zero-padded below eight): for the pool's
// strings they and the length tell almost all apart ("guest-file-read" and "guest-file-seek"
// differ at the end, "id" and "pid" in their length), and up to 16 bytes they are the string.
StringPool::Key StringPool::keyOf(const char *data, qsizetype size)
{
    Key key{uint64_t(size), 0, 0};
    if (size >= 8) {
        key.head = load8(data);
        key.tail = load8(data + size - 8);
    } else {
        for (qsizetype i = 0; i < size; ++i)
            key.head |= uint64_t(static_cast<unsigned char>(data[i])) << (8 * i);
        key.tail = key.head;
    }
    return key;
}

size_t StringPool::Key::hash() const
{
    const uint64_t h = (head ^ (tail * 0x9E3779B97F4A7C15ull) ^ size) * 0xFF51AFD7ED558CCDull;
    return size_t(h ^ (h >> 29));
}

StringPool::StringPool() : m_slots(64) {}

void StringPool::add(const QByteArray &text)
{
    if (text.isEmpty() || find(text.constData(), text.size()))
        return;
    if (size_t(m_count + 1) * 2 > m_slots.size())
        grow();
    const Key key = keyOf(text.constData(), text.size());
    const size_t mask = m_slots.size() - 1;
    size_t i = key.hash() & mask;
    while (!m_slots[i].text.isEmpty())
        i = (i + 1) & mask;
    m_slots[i] = Slot{key, text};
    ++m_count;
}

const QByteArray *StringPool::find(const char *data, qsizetype size) const
{
    if (size <= 0 || m_count == 0)
        return nullptr;
    const Key key = keyOf(data, size);
    const size_t mask = m_slots.size() - 1;
    for (size_t i = key.hash() & mask;; i = (i + 1) & mask) {
        const Slot &slot = m_slots[i];
        if (slot.text.isEmpty())
            return nullptr;
        if (slot.key.size == key.size && slot.key.head == key.head && slot.key.tail == key.tail
            && (size <= 16 || std::memcmp(slot.text.constData() + 8, data + 8, size_t(size - 16)) == 0))
            return &slot.text;
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
    std::vector<Slot> old = std::move(m_slots);
    m_slots.assign(old.size() * 2, Slot());
    m_count = 0;
    for (const Slot &slot : old) {
        if (!slot.text.isEmpty())
            add(slot.text);
    }
}

} // namespace qtga
