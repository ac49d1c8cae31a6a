// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "unixlistenchannel.h"

#include "iodevicepeer.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace qtga {

UnixListenChannel::UnixListenChannel(QString path, QObject *parent)
    : ListeningChannel(QStringLiteral("unix-listen"), std::move(path), parent)
{
    connect(&m_listener, &LocalListener::newConnection, this, &UnixListenChannel::onNewConnection);
}

UnixListenChannel::~UnixListenChannel()
{
    close();
}

bool UnixListenChannel::open(QString *error)
{
    if (m_listener.isListening())
        return true;
    const QByteArray native = QFile::encodeName(QFileInfo(path()).absoluteFilePath());
    if (native.size() > LocalListener::MaxPathLength) {
        *error = QStringLiteral("UNIX socket path '%1' is too long").arg(path());
        return false;
    }
    // What qemu-ga does with whatever is at the path.
    if (::unlink(native.constData()) < 0 && errno != ENOENT) {
        *error = QStringLiteral("Failed to unlink socket %1: %2").arg(path(), QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    if (!m_listener.listen(path(), 0600, LocalListener::KeepGroup, error))
        return false;
    setState(State::Listening);
    return true;
}

bool UnixListenChannel::adopt(int fd, QString *error)
{
    if (!m_listener.adopt(fd, error))
        return false;
    setState(State::Listening);
    return true;
}

void UnixListenChannel::close()
{
    m_listener.close();
    setState(State::Closed);
}

void UnixListenChannel::onNewConnection(QLocalSocket *socket)
{
    addPeer(new LocalSocketPeer(socket, nextPeerDescription()));
}

} // namespace qtga
