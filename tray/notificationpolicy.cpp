// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "notificationpolicy.h"

#include <QCoreApplication>

namespace qtga {

QList<Notification> NotificationPolicy::observe(bool agentReachable, const status::AgentStatus &status, qint64 nowMs)
{
    QList<Notification> out;
    const bool frozen = agentReachable && status.frozen;
    const bool host = agentReachable && status.hostConnected();
    // The first look, and the first after the agent (re)started, set the scene: what was
    // already so when the tray arrived is shown by the icon, not announced.
    const bool continuing = m_seen && m_reachable && agentReachable;
    if (continuing && frozen && !m_frozen && allowed(Notification::Kind::Frozen, nowMs)) {
        out.append({Notification::Kind::Frozen, tr("Filesystems frozen"),
                    tr("The host froze this machine's filesystems for a snapshot. Programs that write to "
                       "disk wait until it thaws them.")});
    }
    if (continuing && !frozen && m_frozen && allowed(Notification::Kind::Thawed, nowMs)) {
        out.append({Notification::Kind::Thawed, tr("Filesystems thawed"),
                    tr("The snapshot is done; the filesystems are writable again.")});
    }
    if (continuing && host && !m_host && nowMs - m_hostGoneSince >= HostAwayMs
        && allowed(Notification::Kind::HostConnected, nowMs)) {
        out.append({Notification::Kind::HostConnected, tr("Host connected"),
                    tr("The host is connected to the guest agent again.")});
    }
    if (m_seen && m_reachable && !agentReachable && allowed(Notification::Kind::AgentStopped, nowMs)) {
        out.append({Notification::Kind::AgentStopped, tr("Guest agent stopped"),
                    tr("The QEMU guest agent is no longer running; the host cannot manage this machine "
                       "until it is back.")});
    }
    if (!host && (m_host || !m_seen || !m_reachable))
        m_hostGoneSince = nowMs;
    m_seen = true;
    m_reachable = agentReachable;
    m_frozen = frozen;
    m_host = host;
    return out;
}

bool NotificationPolicy::allowed(Notification::Kind kind, qint64 nowMs)
{
    const auto index = size_t(kind);
    if (m_everShown[index] && nowMs - m_lastShown[index] < MinIntervalMs)
        return false;
    m_everShown[index] = true;
    m_lastShown[index] = nowMs;
    return true;
}

} // namespace qtga
