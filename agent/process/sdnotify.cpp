// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "sdnotify.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace qtga {

SystemdNotifier::SystemdNotifier()
{
    const char *socket = std::getenv("NOTIFY_SOCKET");
    // Only absolute paths and abstract ("@") names are valid addresses.
    if (socket && (socket[0] == '/' || socket[0] == '@') && std::strlen(socket) < sizeof(sockaddr_un::sun_path))
        m_socket = socket;
    const char *usec = std::getenv("WATCHDOG_USEC");
    const char *pid = std::getenv("WATCHDOG_PID");
    if (usec) {
        char *end = nullptr;
        const long long value = std::strtoll(usec, &end, 10);
        const bool forUs = !pid || std::strtoll(pid, nullptr, 10) == ::getpid();
        if (end && *end == '\0' && value > 0 && forUs)
            m_watchdogUsec = value;
    }
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
}

bool SystemdNotifier::notify(const QByteArray &state) const
{
    if (m_socket.isEmpty())
        return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, m_socket.constData(), size_t(m_socket.size()));
    if (addr.sun_path[0] == '@')
        addr.sun_path[0] = '\0';
    const socklen_t length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(m_socket.size()));
    // The protocol is one datagram per message, which QLocalSocket (streams only) cannot send.
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    // Never wait for a service manager that does not read: a lost WATCHDOG=1 is better than a
    // stalled agent.
    const ssize_t sent = ::sendto(fd, state.constData(), size_t(state.size()), MSG_NOSIGNAL | MSG_DONTWAIT,
                                  reinterpret_cast<sockaddr *>(&addr), length);
    ::close(fd);
    return sent == state.size();
}

} // namespace qtga
