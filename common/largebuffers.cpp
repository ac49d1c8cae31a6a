#include "largebuffers.h"

#include <mutex>

namespace qtga::largebuffers {

namespace {

std::mutex mutex;
QByteArray parked;   // guarded by mutex

} // namespace

qsizetype room(const QByteArray &buffer)
{
    return buffer.size() + const_cast<QByteArray &>(buffer).data_ptr().freeSpaceAtEnd();
}

QByteArray take(qsizetype capacity)
{
    {
        std::lock_guard lock(mutex);
        if (room(parked) >= capacity)
            return std::move(parked);
    }
    QByteArray fresh;
    fresh.reserve(capacity < Threshold ? capacity : (capacity + Threshold - 1) / Threshold * Threshold);
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
