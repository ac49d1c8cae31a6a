// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The agent while its filesystems are frozen: only the freeze
// allow-list runs, `qga.state.isfrozen` marks the state for a restarted agent, logging stops,
// and the log file and pidfile wait for the thaw. Plus qtga's freeze watchdog, which thaws by
// itself when the host never does.
//
// Thread-safe: freeze and thaw run on worker threads; the watchdog timer lives on the thread
// that owns this object.
#pragma once

#include "engines/fsfreezer.h"

#include <QMutex>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

namespace qtga {

class Dispatcher;
class StateStore;

class FrozenState : public QObject, public FrozenStateControl
{
    Q_OBJECT
public:
    FrozenState(Dispatcher &dispatcher, StateStore &state, QObject *parent = nullptr);

    bool isFrozen() const override;
    void enterFrozen() override;
    void leaveFrozen() override;

    // A previous instance died frozen: start frozen, with the log file (and, when daemonized,
    // the pidfile) opened only after the thaw.
    void resumeFrozen(const QString &deferredLogFile);
    void deferPidFile(const QString &pidFile);

    // Thaws (through `thaw`, with exclusive filesystem access) when `seconds` pass after a
    // freeze without a thaw. 0 turns it off.
    void setWatchdog(int seconds, std::function<CommandOutcome()> thaw);

Q_SIGNALS:
    // From the thread that froze or thawed (a worker), with the transition lock held: connect
    // queued.
    void frozenChanged(bool frozen);

private:
    void armWatchdog();
    void onWatchdogExpired();

    Dispatcher &m_dispatcher;
    StateStore &m_state;
    mutable QMutex m_mutex;      // one transition at a time
    QString m_deferredLogFile;
    bool m_logFileDeferred = false;
    QString m_deferredPidFile;
    QTimer m_watchdog;
    int m_watchdogSeconds = 0;
    std::function<CommandOutcome()> m_watchdogThaw;
    quint64 m_freezeCount = 0;   // tells a stale watchdog expiry from the current freeze
};

} // namespace qtga
