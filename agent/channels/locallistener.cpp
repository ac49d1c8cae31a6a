// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "locallistener.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcChannel)

namespace qtga {

namespace {

QString systemError()
{
    return QString::fromLocal8Bit(strerror(errno));
}

// chmod() that never follows a symbolic link. glibc does it through /proc; where that fails
// (no /proc, old glibc), a plain chmod() of what lstat() shows is a socket.
bool setMode(const QByteArray &path, mode_t mode)
{
    if (::fchmodat(AT_FDCWD, path.constData(), mode, AT_SYMLINK_NOFOLLOW) == 0)
        return true;
    struct stat st;
    if ((errno != EOPNOTSUPP && errno != ENOSYS) || ::lstat(path.constData(), &st) < 0 || !S_ISSOCK(st.st_mode))
        return false;
    return ::chmod(path.constData(), mode) == 0;
}

} // namespace

LocalListener::LocalListener(QObject *parent) : QObject(parent)
{
    // Every client is served at once, so a real backlog instead of qemu-ga's 1.
    m_server.setListenBacklogSize(SOMAXCONN);
    connect(&m_server, &QLocalServer::newConnection, this, &LocalListener::takePending);
    m_pause.setSingleShot(true);
    m_pause.setInterval(AcceptPauseMs);
    connect(&m_pause, &QTimer::timeout, this, [this] {
        QString error;
        if (!serve(&error)) {
            qCWarning(lcChannel).noquote() << "cannot accept on" << m_path << "yet:" << error;
            m_pause.start();
        }
    });
}

LocalListener::~LocalListener()
{
    close();
}

bool LocalListener::listen(const QString &path, mode_t mode, gid_t group, QString *error)
{
    close();
    // QLocalServer takes a name without a leading slash as relative to the temporary directory.
    m_path = QFileInfo(path).absoluteFilePath();
    const QByteArray native = QFile::encodeName(m_path);
    // The file is born private (mode 0600 at most) through the umask: nobody but its owner can
    // connect before the group and mode below are in place. QLocalServer's own access options
    // would do it by binding in a private directory and renaming the file into place, which
    // leaves the socket's address (what ss, lsof and getsockname report) a path that no longer
    // exists. The umask is the process's: a file another thread creates at this moment comes
    // out more private than asked, never less (channels open at start-up, before any command
    // runs, and again only on --retry-path).
    m_server.setSocketOptions(QLocalServer::NoOptions);
    const mode_t oldMask = ::umask(0177 | (~mode & 0777));
    const bool listening = m_server.listen(m_path);
    ::umask(oldMask);
    if (!listening) {
        *error = QStringLiteral("Failed to bind socket to %1: %2").arg(path, m_server.errorString());
        return false;
    }
    if (group != KeepGroup && ::lchown(native.constData(), uid_t(-1), group) < 0) {
        // Only root may hand the file to any group; the mode still holds.
        qCWarning(lcChannel).noquote() << "cannot give" << m_path << "to group" << group << ":" << systemError();
    }
    if (!setMode(native, mode)) {
        *error = QStringLiteral("chmod %1: %2").arg(m_path, systemError());
        m_server.close();
        ::unlink(native.constData());
        return false;
    }
    m_fd = ::fcntl(int(m_server.socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (m_fd < 0) {
        *error = QStringLiteral("dup %1: %2").arg(m_path, systemError());
        m_server.close();
        ::unlink(native.constData());
        return false;
    }
    // From here on QLocalServer works on a socket the listener also holds; see checkServer().
    if (!serve(error)) {
        close();
        return false;
    }
    return true;
}

bool LocalListener::adopt(int fd, QString *error)
{
    close();
    m_fd = fd;
    if (!serve(error)) {
        close();
        return false;
    }
    m_path = m_server.fullServerName();
    return true;
}

// (Re)starts QLocalServer on a new duplicate of the listening socket.
bool LocalListener::serve(QString *error)
{
    if (!m_server.isListening()) {
        const int copy = ::fcntl(m_fd, F_DUPFD_CLOEXEC, 0);
        if (copy < 0 || !m_server.listen(qintptr(copy))) {
            *error = copy < 0 ? QStringLiteral("dup: %1").arg(systemError()) : m_server.errorString();
            if (copy >= 0)
                ::close(copy);
            return false;
        }
    }
    // Closing removes the file QLocalServer listens on unless it believes the name abstract;
    // the file is not its to remove (qemu-ga keeps it, systemd owns an activated one).
    m_server.setSocketOptions(QLocalServer::AbstractNamespaceOption);
    if (!m_watch) {
        m_watch = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
        connect(m_watch.get(), &QSocketNotifier::activated, this, &LocalListener::checkServer);
    }
    m_watch->setEnabled(true);
    return true;
}

void LocalListener::close()
{
    m_pause.stop();
    m_watch.reset();
    m_server.close();
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

void LocalListener::takePending()
{
    while (QLocalSocket *socket = m_server.nextPendingConnection()) {
        socket->setParent(nullptr);
        Q_EMIT newConnection(socket);
    }
}

// Our own descriptor of the socket is readable while a client waits to be accepted. Normally
// QLocalServer, watching the same socket, accepts it in the same round. When accept() failed
// (out of descriptors, mostly) QLocalServer has closed its copy and given up: the client still
// waits, so this fires again with the server closed. Pause, then serve again.
void LocalListener::checkServer()
{
    if (m_server.isListening())
        return;
    // printf-style: with no descriptor left, a sanitizer's own checks inside QDebug fail.
    qCWarning(lcChannel, "accepting a client on %s failed (%s); trying again in %d ms", qPrintable(m_path),
              qPrintable(m_server.errorString()), AcceptPauseMs);
    m_watch->setEnabled(false);
    m_pause.start();
}

} // namespace qtga
