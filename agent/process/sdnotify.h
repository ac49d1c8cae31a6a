// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The sd_notify() protocol by hand (no libsystemd): datagrams of "KEY=value" lines to the
// socket named by NOTIFY_SOCKET, for Type=notify services (READY=1, STATUS=, STOPPING=1,
// WATCHDOG=1).
#pragma once

#include <QByteArray>

namespace qtga {

class SystemdNotifier
{
public:
    // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID and removes them from the
    // environment, so guest-exec children cannot speak for the agent.
    SystemdNotifier();

    bool isActive() const { return !m_socket.isEmpty(); }
    // Sends `state`; false when not under a notifying service manager or when sending failed.
    bool notify(const QByteArray &state) const;
    // The watchdog interval the manager asked for, in microseconds; 0 when none.
    qint64 watchdogUsec() const { return m_watchdogUsec; }

private:
    QByteArray m_socket;
    qint64 m_watchdogUsec = 0;
};

} // namespace qtga
