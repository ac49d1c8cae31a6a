// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The open guest-file handles. Global to the agent: handles outlive client
// reconnects. Thread-safe: commands on different handles run in parallel; operations on one
// handle are serialised by that handle's own lock.
#pragma once

#include <QHash>
#include <QMutex>

#include <cstdint>
#include <cstdio>
#include <memory>

namespace qtga {

class FileHandleTable
{
public:
    // What the previous operation was, for qemu-ga's implicit flush (read after write) and
    // seek (write after read) on the stdio stream.
    enum class RwState { New, Reading, Writing };

    struct OpenFile
    {
        ~OpenFile();
        QMutex mutex;              // held for every operation on `stream`
        FILE *stream = nullptr;    // null once closed by another request
        RwState state = RwState::New;
    };
    using Ref = std::shared_ptr<OpenFile>;

    FileHandleTable() = default;
    FileHandleTable(const FileHandleTable &) = delete;
    FileHandleTable &operator=(const FileHandleTable &) = delete;

    // Open handles at most. Each holds a descriptor; without a cap one host could use up the
    // agent's descriptors (its sockets included) with guest-file-open alone.
    static constexpr int MaxOpen = 512;

    // Room for one more handle, held until add() or unreserve(); false when MaxOpen handles are
    // open or reserved.
    bool reserve();
    void unreserve();
    // Uses a reservation.
    void add(int64_t handle, FILE *stream);
    // Null when there is no such handle. Lock `mutex` and check `stream` before use: the
    // handle may have been closed in between.
    Ref find(int64_t handle) const;
    // Removes the handle; the caller closes the stream.
    Ref take(int64_t handle);
    int count() const;

private:
    mutable QMutex m_mutex;
    QHash<int64_t, Ref> m_files;
    int m_reserved = 0;
};

} // namespace qtga
