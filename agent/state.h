// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The state directory qemu-ga keeps: `qga.state` with the next guest-file handle,
// and `qga.state.isfrozen`, whose presence at start-up means a previous instance died frozen.
#pragma once

#include <QMutex>
#include <QString>

#include <cstdint>

namespace qtga {

class StateStore
{
public:
    static constexpr int64_t FirstHandle = 1000;

    explicit StateStore(QString stateDir);

    // Reads (or, when absent and not frozen, creates) the state file. Returns false with a
    // message on the errors qemu-ga treats as fatal.
    bool load(bool frozen, QString *error);

    // Returns the next handle and commits the one after it to disk before handing it out, so a
    // handle is never reused across restarts. Thread-safe. -1 with `error` set on failure.
    int64_t takeHandle(QString *error);

    bool frozenMarkerExists(QString *error) const;
    bool setFrozenMarker(bool frozen, QString *error);

    QString stateFilePath() const;
    QString frozenMarkerPath() const;

private:
    bool write(int64_t counter, QString *error);

    QString m_dir;
    mutable QMutex m_mutex;
    int64_t m_counter = FirstHandle;
};

} // namespace qtga
