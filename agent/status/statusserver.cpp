// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "statusserver.h"

#include "statustracker.h"

#include <QFile>
#include <QLoggingCategory>

#include <algorithm>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcStatus, "qtga.status")

namespace qtga {

struct StatusServer::Reader
{
    QLocalSocket *socket = nullptr;  // a child of the server
    QString who;
    qint64 ignored = 0;
    QString error;  // why the socket failed, if it did
};

namespace {

QString peerOf(const QLocalSocket *socket)
{
    ucred cred{};
    socklen_t length = sizeof cred;
    if (::getsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_PEERCRED, &cred, &length) < 0)
        return QStringLiteral("(unknown peer: %1)").arg(QString::fromLocal8Bit(strerror(errno)));
    return QStringLiteral("uid %1 pid %2").arg(cred.uid).arg(cred.pid);
}

} // namespace

StatusServer::StatusServer(StatusTracker &tracker, QObject *parent) : QObject(parent), m_tracker(tracker)
{
    connect(&tracker, &StatusTracker::changed, this, &StatusServer::broadcast);
    connect(&m_listener, &LocalListener::newConnection, this, &StatusServer::onNewConnection);
    // Per-command messages are made only while somebody reads them.
    m_tracker.setCommandEventsWanted(false);
}

StatusServer::~StatusServer()
{
    m_tracker.setCommandEventsWanted(true);
    for (const auto &reader : m_readers) {
        reader->socket->disconnect(this);
        delete reader->socket;
    }
    m_readers.clear();
    m_listener.close();
    if (!m_ownedPath.isEmpty())
        ::unlink(QFile::encodeName(m_ownedPath).constData());
}

void StatusServer::listenWhenGroupKnown(const StatusSocketOptions &options)
{
    lookUpGroup(options.group, this, [this, options](std::optional<gid_t> group) {
        QString error;
        if (!listenStatusSocket(m_listener, options, group, &error)) {
            qCCritical(lcStatus).noquote() << "status socket disabled:" << error;
            return;
        }
        m_ownedPath = options.path;
        struct stat st;
        if (::lstat(QFile::encodeName(options.path).constData(), &st) == 0) {
            qCInfo(lcStatus).noquote() << "status socket" << options.path << "open, mode"
                                       << QString::number(st.st_mode & 07777, 8).prepend(u'0') << "gid" << st.st_gid;
        }
    });
}

bool StatusServer::adopt(int fd, QString *error)
{
    if (!m_listener.adopt(fd, error))
        return false;
    qCInfo(lcStatus) << "status socket passed by socket activation";
    return true;
}

void StatusServer::onNewConnection(QLocalSocket *socket)
{
    socket->setParent(this);
    auto owned = std::make_unique<Reader>();
    owned->socket = socket;
    owned->who = peerOf(socket);
    if (readerCount() >= MaxReaders) {
        qCWarning(lcStatus).noquote() << QStringLiteral("refusing status reader %1: %2 readers are connected already")
                                             .arg(owned->who)
                                             .arg(MaxReaders);
        delete socket;
        return;
    }
    // Keeps the kernel's share of a stalled reader's backlog small, too.
    const int sendBuffer = int(MaxQueuedBytes);
    ::setsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof sendBuffer);
    // What a reader writes is only counted and dropped; no need to hold much of it.
    socket->setReadBufferSize(4096);
    Reader *reader = owned.get();
    m_readers.push_back(std::move(owned));
    m_tracker.setCommandEventsWanted(true);
    qCInfo(lcStatus).noquote() << "status reader" << reader->who << "connected," << readerCount() << "connected now";
    connect(socket, &QLocalSocket::readyRead, this, [this, reader] {
        reader->ignored += reader->socket->skip(reader->socket->bytesAvailable());
        if (reader->ignored > MaxIgnoredInput)
            removeReader(reader, QStringLiteral("keeps writing to the read-only status socket; dropped"));
    });
    connect(socket, &QLocalSocket::errorOccurred, this, [reader](QLocalSocket::LocalSocketError error) {
        if (error != QLocalSocket::PeerClosedError)
            reader->error = reader->socket->errorString();
    });
    connect(socket, &QLocalSocket::disconnected, this, [this, reader] {
        removeReader(reader, reader->error.isEmpty() ? QStringLiteral("disconnected")
                                                     : QStringLiteral("went away (%1)").arg(reader->error));
    });
    send(reader, status::encodeMessage(status::StatusMessage::makeSnapshot(m_tracker.current(), QDateTime::currentDateTimeUtc())));
}

bool StatusServer::send(Reader *reader, const QByteArray &line)
{
    QLocalSocket *socket = reader->socket;
    const qint64 queued = socket->bytesToWrite() + line.size();
    if (queued > MaxQueuedBytes) {
        removeReader(reader, QStringLiteral("is not reading; dropped with %1 bytes of status unsent").arg(queued));
        return false;
    }
    socket->write(line);
    socket->flush();
    return true;
}

void StatusServer::broadcast(const status::StatusMessage &message)
{
    if (m_readers.empty())
        return;
    const QByteArray line = status::encodeMessage(message);
    std::vector<Reader *> readers;
    for (const auto &reader : m_readers)
        readers.push_back(reader.get());
    for (Reader *reader : readers)
        send(reader, line);
}

void StatusServer::removeReader(Reader *reader, const QString &why)
{
    if (why == QLatin1String("disconnected"))
        qCInfo(lcStatus).noquote() << "status reader" << reader->who << why;
    else
        qCWarning(lcStatus).noquote() << "status reader" << reader->who << why;
    // Its own signals may be on the stack: no more of them, and the socket goes later.
    reader->socket->disconnect(this);
    reader->socket->abort();
    reader->socket->deleteLater();
    const auto it = std::find_if(m_readers.begin(), m_readers.end(), [reader](const auto &r) { return r.get() == reader; });
    m_readers.erase(it);
    if (m_readers.empty())
        m_tracker.setCommandEventsWanted(false);
}

} // namespace qtga
