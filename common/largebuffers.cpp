// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "largebuffers.h"

#include <QCoreApplication>
#include <QPointer>
#include <QTimer>

#include <algorithm>
#include <malloc.h>
#include <mutex>
#include <sys/mman.h>
#include <unistd.h>

namespace qtga {

namespace {

std::mutex mutex;
QByteArray parked;   // guarded by mutex

// MADV_POPULATE_WRITE (Linux 5.14); older kernels refuse it and the pages fault in as before.
constexpr int PopulateWrite = 23;

void populate(const QByteArray &buffer, qsizetype size)
{
    static const quintptr page = quintptr(::sysconf(_SC_PAGESIZE));
    const auto start = (quintptr(buffer.constData()) + page - 1) & ~(page - 1);
    const auto end = (quintptr(buffer.constData()) + quintptr(std::min(size, LargeBuffers::room(buffer)))) & ~(page - 1);
    if (end > start)
        ::madvise(reinterpret_cast<void *>(start), end - start, PopulateWrite);  // a hint: errors change nothing
}

// The hand-back a second after the last large buffer; main thread only.
class TrimTimer
{
public:
    void noteUse()
    {
        if (!m_timer)
            create();
        if (m_timer->isActive())
            ++m_usesSinceStart;
        else
            m_timer->start();
    }

private:
    void create()
    {
        // A child of the application, so that it goes away with the event loop it runs on.
        m_timer = new QTimer(QCoreApplication::instance());
        m_timer->setSingleShot(true);
        m_timer->setInterval(LargeBuffers::TrimDelayMs);
        QObject::connect(m_timer, &QTimer::timeout, [this] {
            // Large buffers kept coming: once more a second after the last of them, and the
            // parked one stays until then.
            if (m_usesSinceStart > 0) {
                m_usesSinceStart = 0;
                m_timer->start();
            } else {
                LargeBuffers::release();
            }
            ::malloc_trim(0);
        });
    }

    QPointer<QTimer> m_timer;
    quint64 m_usesSinceStart = 0;
};

} // namespace

void LargeBuffers::configureMalloc()
{
    mallopt(M_MMAP_THRESHOLD, int(Threshold));
    // free() does not shrink the heap by itself; the trim timer hands memory back instead.
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    // Worker threads share the main arena: the heaps of other arenas keep their top chunk
    // through malloc_trim.
    mallopt(M_ARENA_MAX, 1);
}

qsizetype LargeBuffers::room(const QByteArray &buffer)
{
    return buffer.size() + const_cast<QByteArray &>(buffer).data_ptr().freeSpaceAtEnd();
}

QByteArray LargeBuffers::take(qsizetype capacity, qsizetype willWrite)
{
    {
        std::lock_guard lock(mutex);
        if (room(parked) >= capacity)
            return std::move(parked);
    }
    QByteArray fresh;
    fresh.reserve(capacity < Threshold ? capacity : (capacity + Threshold - 1) / Threshold * Threshold);
    if (willWrite >= Threshold)
        populate(fresh, willWrite);
    return fresh;
}

void LargeBuffers::park(QByteArray buffer)
{
    if (!buffer.isDetached() || buffer.capacity() < Threshold)
        return;
    buffer.resize(0);
    QByteArray dropped;   // freed outside the lock
    std::lock_guard lock(mutex);
    if (room(buffer) > room(parked)) {
        dropped = std::move(parked);
        parked = std::move(buffer);
    }
}

void LargeBuffers::release()
{
    QByteArray dropped;
    std::lock_guard lock(mutex);
    dropped = std::move(parked);
}

void LargeBuffers::transferEnded()
{
    QByteArray dropped;   // freed outside the lock
    {
        std::lock_guard lock(mutex);
        if (parked.isNull())
            return;
        dropped = std::move(parked);
    }
    dropped = QByteArray();
    ::malloc_trim(0);
}

void LargeBuffers::noteUse(qsizetype size)
{
    static TrimTimer timer;
    if (size >= TrimThreshold)
        timer.noteUse();
}

SpliceableText::SpliceableText(qsizetype capacity, qsizetype willWrite)
{
    const qsizetype size = Room + capacity + Room;
    if (size >= LargeBuffers::Threshold)
        m_buffer = LargeBuffers::take(size, Room + willWrite);
    m_buffer.resize(size);
}

QByteArray SpliceableText::finish(qsizetype size) &&
{
    // Truncating keeps the room after the text; removing from the front only moves the start
    // (Qt 6 keeps the free space before it), keeping the room before it.
    m_buffer.truncate(Room + size);
    m_buffer.remove(0, Room);
    return std::move(m_buffer);
}

QByteArray SpliceableText::surround(QByteArray text, QByteArrayView head, QByteArrayView tail)
{
    text.prepend(head);
    text.append(tail);
    return text;
}

} // namespace qtga
