// Shared copies of the strings requests keep repeating: member names, command names, enum
// values. A parser that finds a string here hands out the pool's QByteArray (a reference count)
// instead of allocating a new one; for a guest-ping that is two of its three allocations.
// Filled before use and read-only after, so any thread may look strings up.
#pragma once

#include <QByteArray>

#include <vector>

namespace qtga {

class StringPool
{
public:
    StringPool();

    void add(const QByteArray &text);
    // The pool's copy of the text if it has one, else a new array holding it.
    QByteArray get(const char *data, qsizetype size) const;
    bool contains(const char *data, qsizetype size) const { return find(data, size) != nullptr; }
    qsizetype size() const { return m_count; }

private:
    const QByteArray *find(const char *data, qsizetype size) const;
    void grow();

    std::vector<QByteArray> m_slots;   // open addressing; an empty array marks a free slot
    qsizetype m_count = 0;
};

} // namespace qtga
