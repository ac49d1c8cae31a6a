// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "socketactivation.h"

#include <QByteArray>
#include <QStringList>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace qtga {

namespace {

bool parseDecimal(const char *text, long long *out)
{
    if (!text || !*text)
        return false;
    char *end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

QString describeAddress(const sockaddr_storage &ss, socklen_t len)
{
    if (ss.ss_family == AF_UNIX) {
        const auto *un = reinterpret_cast<const sockaddr_un *>(&ss);
        const qsizetype size = qsizetype(len) - qsizetype(offsetof(sockaddr_un, sun_path));
        if (size <= 0)
            return QString();
        if (un->sun_path[0] == '\0')
            return QLatin1Char('@') + QString::fromLocal8Bit(un->sun_path + 1, size - 1);
        return QString::fromLocal8Bit(un->sun_path, qsizetype(strnlen(un->sun_path, size_t(size))));
    }
    const auto *vm = reinterpret_cast<const sockaddr_vm *>(&ss);
    return QStringLiteral("%1:%2").arg(vm->svm_cid).arg(vm->svm_port);
}

} // namespace

bool takeActivatedSockets(QList<ActivatedSocket> *sockets, QString *error)
{
    sockets->clear();
    long long pid = 0;
    long long count = 0;
    if (!parseDecimal(std::getenv("LISTEN_PID"), &pid) || pid != ::getpid()
        || !parseDecimal(std::getenv("LISTEN_FDS"), &count))
        return true;
    const QStringList names = QString::fromLocal8Bit(std::getenv("LISTEN_FDNAMES")).split(QLatin1Char(':'));
    // The variables are meant for this process only, not for its children.
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
    if (count <= 0)
        return true;

    for (long long i = 0; i < count; ++i) {
        const int fd = int(ListenFdsStart + i);
        const int flags = ::fcntl(fd, F_GETFD);
        if (flags < 0 || ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) {
            *error = QStringLiteral("Socket activation failed: invalid file descriptor fd = %1: %2")
                         .arg(fd)
                         .arg(QString::fromLocal8Bit(strerror(errno)));
            return false;
        }
    }
    for (long long i = 0; i < count; ++i) {
        const int fd = int(ListenFdsStart + i);
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        if (::getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len) < 0
            || (ss.ss_family != AF_UNIX && ss.ss_family != AF_VSOCK)) {
            *error = QStringLiteral("unsupported listen fd type (fd %1)").arg(fd);
            return false;
        }
        // What sd_is_socket(fd, family, SOCK_STREAM, 1) checks: a datagram socket
        // (ListenDatagram=) or a connection passed by Accept=yes would fail every accept() while
        // the agent reported itself ready.
        int type = 0;
        int listening = 0;
        socklen_t size = sizeof type;
        if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) < 0 || type != SOCK_STREAM) {
            *error = QStringLiteral("listen fd %1 is not a stream socket: use ListenStream= (or vsock:) in the "
                                    "socket unit, not ListenDatagram= or ListenSequentialPacket=")
                         .arg(fd);
            return false;
        }
        size = sizeof listening;
        if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) < 0 || !listening) {
            *error = QStringLiteral("listen fd %1 is not a listening socket but one connection: the socket "
                                    "unit must have Accept=no")
                         .arg(fd);
            return false;
        }
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        ActivatedSocket s;
        s.fd = fd;
        s.method = ss.ss_family == AF_UNIX ? QStringLiteral("unix-listen") : QStringLiteral("vsock-listen");
        s.name = i < names.size() ? names.at(int(i)) : QString();
        s.address = describeAddress(ss, len);
        sockets->append(s);
    }
    return true;
}

} // namespace qtga
