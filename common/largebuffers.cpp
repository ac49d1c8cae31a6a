#include "largebuffers.h"

#include <algorithm>
#include <mutex>

#include <sys/mman.h>
#include <unistd.h>

namespace qtga::largebuffers {

namespace {

std::mutex mutex;
QByteArray parked;   // guarded by mutex

// MADV_POPULATE_WRITE (Linux 5.14); older kernels refuse it and the pages fault in as before.
constexpr int PopulateWrite = 23;

void populate(const QByteArray &buffer, qsizetype size)
{
    static const quintptr page = quintptr(::sysconf(_SC_PAGESIZE));
    const auto start = (quintptr(buffer.constData()) + page - 1) & ~(page - 1);
    const auto end = (quintptr(buffer.constData()) + quintptr(std::min(size, room(buffer)))) & ~(page - 1);
    if (end > start)
        ::madvise(reinterpret_cast<void *>(start), end - start, PopulateWrite);  // a hint: errors change nothing
}

} // namespace

qsizetype room(const QByteArray &buffer)
{
    return buffer.size() + const_cast<QByteArray &>(buffer).data_ptr().freeSpaceAtEnd();
}

QByteArray take(qsizetype capacity, qsizetype willWrite)
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

void park(QByteArray buffer)
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

void release()
{
    QByteArray dropped;
    std::lock_guard lock(mutex);
    dropped = std::move(parked);
}

} // namespace qtga::largebuffers
