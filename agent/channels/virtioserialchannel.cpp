// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "virtioserialchannel.h"

#include "fdstreampeer.h"
#include "process/signalrouter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcChannel)

namespace qtga {

VirtioSerialChannel::VirtioSerialChannel(QString path, QObject *parent)
    : Channel(QStringLiteral("virtio-serial"), std::move(path), parent)
{
}

VirtioSerialChannel::~VirtioSerialChannel()
{
    close();
}

QString VirtioSerialChannel::findPortByName(const QString &name, const QString &sysfsClassDir)
{
    const QDir dir(sysfsClassDir);
    for (const QString &entry : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::System)) {
        QFile file(dir.filePath(entry) + QStringLiteral("/name"));
        if (file.open(QIODevice::ReadOnly) && file.readAll().trimmed() == name.toUtf8())
            return QStringLiteral("/dev/") + entry;
    }
    return QString();
}

bool VirtioSerialChannel::open(QString *error)
{
    QString device = path();
    if (!QFileInfo::exists(device)) {
        // No udev (minimal guests, initramfs): find the port by its name in sysfs.
        const QString found = findPortByName(QFileInfo(device).fileName());
        if (!found.isEmpty()) {
            qCInfo(lcChannel).noquote() << path() << "does not exist, using" << found;
            device = found;
        }
    }
    const int fd = ::open(QFile::encodeName(device).constData(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *error = QStringLiteral("error opening channel '%1': %2").arg(device, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    QString signalError;
    if (!SignalRouter::instance().watch(SIGIO, &signalError) || ::fcntl(fd, F_SETOWN, ::getpid()) < 0) {
        *error = QStringLiteral("cannot watch %1 for host connections: %2").arg(device, signalError.isEmpty() ? QString::fromLocal8Bit(strerror(errno)) : signalError);
        ::close(fd);
        return false;
    }
    m_fd = fd;
    m_peer = new FdStreamPeer(fd, QStringLiteral("virtio-serial:%1").arg(device), FdStreamPeer::EofMeaning::HostGone, this);
    connect(&SignalRouter::instance(), &SignalRouter::signalReceived, this, [this](int signo) {
        if (signo == SIGIO)
            checkHost();
    });
    connect(m_peer, &ChannelPeer::hostDisconnected, this, &VirtioSerialChannel::checkHost);
    connect(m_peer, &ChannelPeer::closed, this, [this] {
        // A read or write error other than a hang-up: the device itself is gone (driver
        // reload, hot-unplug).
        m_peer->deleteLater();
        m_peer = nullptr;
        m_fd = -1;
        setState(State::Error);
        Q_EMIT failed(QStringLiteral("error reading channel %1").arg(path()));
    });
    Q_EMIT peerConnected(m_peer);
    checkHost();
    return true;
}

void VirtioSerialChannel::close()
{
    if (m_peer) {
        disconnect(m_peer, nullptr, this, nullptr);
        m_peer->abort();
        delete m_peer;
        m_peer = nullptr;
    }
    m_fd = -1;
    setState(State::Closed);
}

void VirtioSerialChannel::setAsync(bool on)
{
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(m_fd, F_SETFL, on ? (flags | O_ASYNC) : (flags & ~O_ASYNC));
}

void VirtioSerialChannel::checkHost()
{
    if (!m_peer || m_fd < 0)
        return;
    // Arm SIGIO before looking, so a host that connects right after the look still wakes us.
    setAsync(true);
    pollfd p{m_fd, POLLIN | POLLOUT, 0};
    ::poll(&p, 1, 0);
    // virtio_console reports POLLHUP exactly while the host end is closed, and POLLIN along with
    // it (a read would not block: it returns EOF), so POLLIN says nothing here. Input left over
    // from the host that went away stays queued and is read when a host is back.
    if (p.revents & POLLHUP) {
        m_peer->waitForHost();
        setState(State::WaitingForHost);
        return;
    }
    // A connected host: SIGIO would now fire for every incoming buffer; the notifier suffices.
    setAsync(false);
    m_peer->resumeAfterHostReturned();
    setState(State::HostConnected);
}

} // namespace qtga
