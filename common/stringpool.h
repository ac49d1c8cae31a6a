// Shared copies of the strings requests keep repeating: member names, command names, enum
// values. A parser that finds a string here hands out the pool's QByteArray (a reference count)
// instead of allocating a new one; for a guest-ping that is two of its three allocations.
// Filled before use and read-only after, so any thread may look strings up.
#pragma once

#include <QByteArray>

#include <cstdint>
#include <vector>

namespace qtga {

class StringPool
{
public:
    StringPool();

    // Adds the text (if new) and gives it `tag`, a number its user chooses (-1: none).
    void add(const QByteArray &text, int tag = -1);
    // The pool's copy of the text if it has one, else a new array holding it.
    QByteArray get(const char *data, qsizetype size) const;
    bool contains(const char *data, qsizetype size) const { return find(data, size) != nullptr; }
    // The tag given to the text, -1 if it has none or is not in the pool.
    int tagOf(const char *data, qsizetype size) const
    {
        const Slot *slot = find(data, size);
        return slot ? slot->tag : -1;
    }
    qsizetype size() const { return m_count; }

private:
    struct Key
    {
        uint64_t size;
        uint64_t head;
        uint64_t tail;
        size_t hash() const;
    };
    struct Slot
    {
        Key key;
        QByteArray text;   // empty: a free slot (open addressing)
        int tag = -1;
    };
    static Key keyOf(const char *data, qsizetype size);
    const Slot *find(const char *data, qsizetype size) const;
    void grow();

    std::vector<Slot> m_slots;
    qsizetype m_count = 0;
};

} // namespace qtga
