// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "frozenstate.h"

#include "process/daemon.h"
#include "dispatch/dispatcher.h"
#include "process/logging.h"
#include "state.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcFrozen, "qtga.frozen")

namespace qtga {

FrozenState::FrozenState(Dispatcher &dispatcher, StateStore &state, QObject *parent)
    : QObject(parent), m_dispatcher(dispatcher), m_state(state)
{
    m_watchdog.setSingleShot(true);
    connect(&m_watchdog, &QTimer::timeout, this, &FrozenState::onWatchdogExpired);
}

bool FrozenState::isFrozen() const
{
    return m_dispatcher.isFrozen();
}

void FrozenState::enterFrozen()
{
    QMutexLocker lock(&m_mutex);
    if (m_dispatcher.isFrozen())
        return;
    qCWarning(lcFrozen, "disabling logging due to filesystem freeze");
    m_dispatcher.setFrozen(true);
    QString error;
    if (!m_state.setFrozenMarker(true, &error)) {
        qCWarning(lcFrozen).noquote() << "unable to create" << m_state.frozenMarkerPath()
                                      << ", fsfreeze may not function properly:" << error;
    }
    logging::setPaused(true);
    ++m_freezeCount;
    armWatchdog();
    Q_EMIT frozenChanged(true);
}

void FrozenState::leaveFrozen()
{
    QMutexLocker lock(&m_mutex);
    if (!m_dispatcher.isFrozen())
        return;
    if (m_logFileDeferred) {
        QString error;
        if (!logging::openLogFile(m_deferredLogFile, &error))
            logging::openLogFile(QString(), &error);  // stderr, as qemu-ga falls back
        m_logFileDeferred = false;
    }
    logging::setPaused(false);
    qCWarning(lcFrozen, "logging re-enabled due to filesystem unfreeze");
    if (!m_deferredPidFile.isEmpty()) {
        QString error;
        if (!daemon::writePidFile(m_deferredPidFile, &error))
            qCWarning(lcFrozen).noquote() << "failed to create/open pid file:" << error;
        m_deferredPidFile.clear();
    }
    m_dispatcher.setFrozen(false);
    QString error;
    if (!m_state.setFrozenMarker(false, &error)) {
        qCWarning(lcFrozen).noquote() << "unable to delete" << m_state.frozenMarkerPath()
                                      << ", fsfreeze may not function properly:" << error;
    }
    QMetaObject::invokeMethod(this, [this] { m_watchdog.stop(); }, Qt::QueuedConnection);
    Q_EMIT frozenChanged(false);
}

void FrozenState::resumeFrozen(const QString &deferredLogFile)
{
    QMutexLocker lock(&m_mutex);
    m_deferredLogFile = deferredLogFile;
    m_logFileDeferred = true;
    logging::setPaused(true);
    m_dispatcher.setFrozen(true);
    ++m_freezeCount;
    armWatchdog();
}

void FrozenState::deferPidFile(const QString &pidFile)
{
    QMutexLocker lock(&m_mutex);
    m_deferredPidFile = pidFile;
}

void FrozenState::setWatchdog(int seconds, std::function<CommandOutcome()> thaw)
{
    QMutexLocker lock(&m_mutex);
    m_watchdogSeconds = seconds;
    m_watchdogThaw = std::move(thaw);
}

void FrozenState::armWatchdog()
{
    if (m_watchdogSeconds <= 0)
        return;
    // Freezes happen on worker threads; the timer belongs to this object's thread.
    const int ms = m_watchdogSeconds * 1000;
    QMetaObject::invokeMethod(this, [this, ms] { m_watchdog.start(ms); }, Qt::QueuedConnection);
}

void FrozenState::onWatchdogExpired()
{
    quint64 freeze;
    {
        QMutexLocker lock(&m_mutex);
        freeze = m_freezeCount;
    }
    // Like a thaw command: exclusive filesystem access, on a worker, since the hook may block.
    m_dispatcher.runExclusive([this, freeze] {
        {
            QMutexLocker lock(&m_mutex);
            // The host thawed (and maybe froze again) since the timer ran out.
            if (!m_dispatcher.isFrozen() || freeze != m_freezeCount)
                return;
        }
        const CommandOutcome outcome = m_watchdogThaw();
        if (outcome.isError()) {
            qCCritical(lcFrozen).noquote() << "fsfreeze watchdog: no thaw within" << m_watchdogSeconds
                                           << "seconds; thawing failed:" << outcome.error().desc;
        } else {
            qCCritical(lcFrozen).noquote() << "fsfreeze watchdog: no thaw within" << m_watchdogSeconds
                                           << "seconds; thawed" << outcome.value().toInt() << "filesystems";
        }
        QMutexLocker lock(&m_mutex);
        if (m_dispatcher.isFrozen())
            armWatchdog();  // the thaw did not get through: try again later
    });
}

} // namespace qtga
