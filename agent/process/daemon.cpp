// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "daemon.h"

#include <QByteArray>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace qtga::daemon {

namespace {
int g_statusFd = -1;
int g_pidFd = -1;
QByteArray g_pidPath;

void tellParent(char status)
{
    if (g_statusFd < 0)
        return;
    while (::write(g_statusFd, &status, 1) < 0 && errno == EINTR) {
    }
    ::close(g_statusFd);
    g_statusFd = -1;
}
} // namespace

void forkAndWaitForChild()
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) {
        std::perror("failed to daemonize: pipe");
        std::exit(EXIT_FAILURE);
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        std::perror("failed to daemonize: fork");
        std::exit(EXIT_FAILURE);
    }
    if (pid > 0) {
        ::close(fds[1]);
        char status = 1;
        ssize_t n;
        while ((n = ::read(fds[0], &status, 1)) < 0 && errno == EINTR) {
        }
        // No byte at all: the child died before it could say anything.
        _exit(n == 1 && status == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
    }
    ::close(fds[0]);
    g_statusFd = fds[1];
    ::setsid();
}

bool writePidFile(const QString &path, QString *error)
{
    const QByteArray native = path.toLocal8Bit();
    for (;;) {
        int fd = ::open(native.constData(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        if (fd < 0) {
            *error = QStringLiteral("Cannot open pid file, %1").arg(QString::fromLocal8Bit(strerror(errno)));
            return false;
        }
        struct flock lock{};
        lock.l_type = F_WRLCK;
        lock.l_whence = SEEK_SET;
        if (::fcntl(fd, F_SETLK, &lock) < 0) {
            *error = QStringLiteral("Cannot lock pid file, %1").arg(QString::fromLocal8Bit(strerror(errno)));
            ::close(fd);
            return false;
        }
        // Another instance may have removed and recreated the file between open and lock.
        struct stat byFd, byPath;
        if (::fstat(fd, &byFd) == 0 && ::stat(native.constData(), &byPath) == 0 && byFd.st_ino == byPath.st_ino
            && byFd.st_dev == byPath.st_dev) {
            const QByteArray text = QByteArray::number(qlonglong(::getpid())) + '\n';
            if (::ftruncate(fd, 0) < 0 || ::write(fd, text.constData(), size_t(text.size())) != text.size()) {
                *error = QStringLiteral("Failed to write pid file, %1").arg(QString::fromLocal8Bit(strerror(errno)));
                ::close(fd);
                return false;
            }
            g_pidFd = fd;
            g_pidPath = native;
            return true;
        }
        ::close(fd);
    }
}

bool detach(const QString &pidFile, QString *error)
{
    if (!pidFile.isEmpty() && !writePidFile(pidFile, error))
        return false;
    ::umask(077);
    if (::chdir("/") < 0) {
        *error = QStringLiteral("failed to daemonize: chdir: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, STDIN_FILENO);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO)
            ::close(null);
    }
    tellParent(0);
    return true;
}

void reportFailure()
{
    tellParent(1);
}

void removePidFile()
{
    if (g_pidFd < 0)
        return;
    ::unlink(g_pidPath.constData());
    ::close(g_pidFd);
    g_pidFd = -1;
}

} // namespace qtga::daemon
