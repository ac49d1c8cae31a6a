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

uint32_t load4(const char *p)
{
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

} // namespace

// The first and the last eight bytes (overlapping below 16): for the pool's strings they and the
// length tell almost all apart ("guest-file-read" and "guest-file-seek" differ at the end, "id"
// and "pid" in their length), and up to 16 bytes they are the string. Shorter strings are read
// the same way in four-byte halves, or byte by byte below four, without a loop.
StringPool::Key StringPool::keyOf(const char *data, qsizetype size)
{
    Key key{uint64_t(size), 0, 0};
    if (size >= 8) {
        key.head = load8(data);
        key.tail = load8(data + size - 8);
    } else if (size >= 4) {
        key.head = load4(data) | uint64_t(load4(data + size - 4)) << 32;
        key.tail = key.head;
    } else if (size > 0) {
        const auto byte = [&](qsizetype i) { return uint64_t(static_cast<unsigned char>(data[i])); };
        key.head = byte(0) | byte(size / 2) << 8 | byte(size - 1) << 16;
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

void StringPool::add(const QByteArray &text, int tag)
{
    if (text.isEmpty())
        return;
    if (const Slot *existing = find(text.constData(), text.size())) {
        if (tag >= 0)
            const_cast<Slot *>(existing)->tag = tag;
        return;
    }
    if (size_t(m_count + 1) * 2 > m_slots.size())
        grow();
    const Key key = keyOf(text.constData(), text.size());
    const size_t mask = m_slots.size() - 1;
    size_t i = key.hash() & mask;
    while (!m_slots[i].text.isEmpty())
        i = (i + 1) & mask;
    m_slots[i] = Slot{key, text, tag};
    ++m_count;
}

const StringPool::Slot *StringPool::find(const char *data, qsizetype size) const
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
            return &slot;
    }
}

QByteArray StringPool::get(const char *data, qsizetype size) const
{
    if (const Slot *shared = find(data, size))
        return shared->text;
    return QByteArray(data, size);
}

void StringPool::grow()
{
    std::vector<Slot> old = std::move(m_slots);
    m_slots.assign(old.size() * 2, Slot());
    m_count = 0;
    for (const Slot &slot : old) {
        if (!slot.text.isEmpty())
            add(slot.text, slot.tag);
    }
}

} // namespace qtga
