// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Decides which changes deserve a desktop notification: a freeze, a thaw, the host coming back
// after being away, the agent stopping. Each kind is shown at most once per MinIntervalMs so a
// flapping state cannot flood the desktop.
#pragma once

#include "statusprotocol.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <array>

namespace qtga {

struct Notification
{
    enum class Kind { Frozen, Thawed, HostConnected, AgentStopped };
    Kind kind;
    QString title;
    QString text;
};

class NotificationPolicy
{
    Q_DECLARE_TR_FUNCTIONS(qtga::NotificationPolicy)

public:
    static constexpr qint64 MinIntervalMs = 30000;
    // A host that was gone for less than this (a client that reconnects per request) is not news.
    static constexpr qint64 HostAwayMs = 5000;

    // Feed every observation (after each status message and connection change) with a
    // monotonic clock in milliseconds; returns what to show now.
    QList<Notification> observe(bool agentReachable, const status::AgentStatus &status, qint64 nowMs);

private:
    bool allowed(Notification::Kind kind, qint64 nowMs);

    bool m_seen = false;
    bool m_reachable = false;
    bool m_frozen = false;
    bool m_host = false;
    qint64 m_hostGoneSince = 0;
    std::array<qint64, 4> m_lastShown{};
    std::array<bool, 4> m_everShown{};
};

} // namespace qtga
