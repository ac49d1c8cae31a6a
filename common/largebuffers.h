// Multi-megabyte buffers (a guest-file-write request, a guest-file-read response) recycled from
// one request to the next. Such buffers are mappings of their own (main.cpp sets the malloc
// mmap threshold to Threshold), so freeing one gives its memory back at once and the heap does
// not fragment around it; the last one freed is parked here instead, and the next chunk of a
// transfer writes into its pages without a page fault. The dispatcher releases the parked
// buffer a second after the last large request. Its pages are not handed back piecemeal in
// between (MADV_FREE): where the guest's page tables are shadowed by the hypervisor (nested
// guests, PVM) every first write after that costs a trap, which cut guest-file-read from
// about 1,900 to 250 MB/s on the development VM.
#pragma once

#include <QByteArray>

namespace qtga::largebuffers {

inline constexpr qsizetype Threshold = qsizetype(1) << 20;

// An empty buffer with room for at least `capacity` bytes after its start: the parked one if
// it is big enough, otherwise a new one (rounded up to whole MiB, which costs only address
// space, so that the same request size finds it again after a response was built at an offset).
// The first `willWrite` bytes of a new one are backed by memory at once, in one system call
// instead of a page fault per 4 KiB (a trap to the hypervisor each under shadow paging): pass
// what will certainly be written, not more.
QByteArray take(qsizetype capacity, qsizetype willWrite = 0);

// Gives away a buffer its owner is done with. Kept when it is Threshold or larger and nobody
// else holds it; the bigger of it and an already parked buffer stays.
void park(QByteArray buffer);

// Frees the parked buffer.
void release();

// Bytes that fit after the buffer's start without reallocating.
qsizetype room(const QByteArray &buffer);

} // namespace qtga::largebuffers
