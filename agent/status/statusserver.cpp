#include "statusserver.h"

#include "statustracker.h"

#include <QFile>
#include <QLoggingCategory>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcStatus, "qtga.status")

namespace qtga {

// One connected status reader: a non-blocking socket with a bounded queue of unsent lines.
class StatusReader : public QObject
{
public:
    StatusReader(int fd, QString who, QObject *parent)
        : QObject(parent), m_fd(fd), m_who(std::move(who)),
          m_readNotifier(fd, QSocketNotifier::Read), m_writeNotifier(fd, QSocketNotifier::Write)
    {
        m_writeNotifier.setEnabled(false);
    }
    ~StatusReader() override { ::close(m_fd); }

    const QString &who() const { return m_who; }
    QSocketNotifier &readNotifier() { return m_readNotifier; }
    QSocketNotifier &writeNotifier() { return m_writeNotifier; }

    // False (with the reason) when the reader has to go.
    bool send(const QByteArray &line, QString *why)
    {
        if (m_queue.size() - m_sent + line.size() > StatusServer::MaxQueuedBytes) {
            *why = QStringLiteral("is not reading; dropped with %1 bytes of status unsent")
                       .arg(m_queue.size() - m_sent + line.size());
            return false;
        }
        m_queue += line;
        return flush(why);
    }

    bool flush(QString *why)
    {
        while (m_sent < m_queue.size()) {
            const ssize_t n = ::send(m_fd, m_queue.constData() + m_sent, size_t(m_queue.size() - m_sent),
                                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break;
            if (n < 0) {
                *why = goneText(errno);
                return false;
            }
            m_sent += n;
        }
        if (m_sent == m_queue.size()) {
            m_queue.clear();
            m_sent = 0;
        }
        m_writeNotifier.setEnabled(!m_queue.isEmpty());
        return true;
    }

    // Whatever a reader writes is read and thrown away, so that a hang-up is seen at once.
    bool discardInput(QString *why)
    {
        char scratch[4096];
        for (;;) {
            const ssize_t n = ::recv(m_fd, scratch, sizeof scratch, MSG_DONTWAIT);
            if (n > 0) {
                m_ignored += n;
                if (m_ignored > StatusServer::MaxIgnoredInput) {
                    *why = QStringLiteral("keeps writing to the read-only status socket; dropped");
                    return false;
                }
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return true;
            *why = goneText(n == 0 ? 0 : errno);
            return false;
        }
    }

private:
    static QString goneText(int error)
    {
        if (error == 0 || error == EPIPE || error == ECONNRESET)
            return QStringLiteral("disconnected");
        return QStringLiteral("went away (%1)").arg(QString::fromLocal8Bit(strerror(error)));
    }

    int m_fd;
    QString m_who;
    QSocketNotifier m_readNotifier;
    QSocketNotifier m_writeNotifier;
    QByteArray m_queue;
    qsizetype m_sent = 0;
    qint64 m_ignored = 0;
};

namespace {

QString peerOf(int fd)
{
    ucred cred{};
    socklen_t length = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) < 0)
        return QStringLiteral("(unknown peer: %1)").arg(QString::fromLocal8Bit(strerror(errno)));
    return QStringLiteral("uid %1 pid %2").arg(cred.uid).arg(cred.pid);
}

} // namespace

StatusServer::StatusServer(StatusTracker &tracker, QObject *parent) : QObject(parent), m_tracker(tracker)
{
    connect(&tracker, &StatusTracker::changed, this, &StatusServer::broadcast);
    // Per-command messages are made only while somebody reads them.
    m_tracker.setCommandEventsWanted(false);
}

StatusServer::~StatusServer()
{
    m_tracker.setCommandEventsWanted(true);
    m_notifier.reset();
    qDeleteAll(m_readers);
    if (m_listenFd >= 0)
        ::close(m_listenFd);
    if (!m_ownedPath.isEmpty())
        ::unlink(QFile::encodeName(m_ownedPath).constData());
}

bool StatusServer::listen(const StatusSocketOptions &options, QString *error)
{
    const int fd = listenStatusSocket(options, error);
    if (fd < 0)
        return false;
    m_ownedPath = options.path;
    startAccepting(fd);
    struct stat st;
    if (::lstat(QFile::encodeName(options.path).constData(), &st) == 0) {
        qCInfo(lcStatus).noquote() << "status socket" << options.path << "open, mode"
                                   << QString::number(st.st_mode & 07777, 8).prepend(u'0') << "gid" << st.st_gid;
    }
    return true;
}

void StatusServer::adoptListeningFd(int fd)
{
    startAccepting(fd);
    qCInfo(lcStatus) << "status socket passed by socket activation";
}

void StatusServer::startAccepting(int fd)
{
    m_listenFd = fd;
    m_notifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &StatusServer::onAcceptable);
}

void StatusServer::onAcceptable()
{
    for (;;) {
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                qCWarning(lcStatus).noquote() << "accept on the status socket failed:" << strerror(errno);
            return;
        }
        const QString who = peerOf(fd);
        if (readerCount() >= MaxReaders) {
            qCWarning(lcStatus).noquote() << QStringLiteral("refusing status reader %1: %2 readers are connected already")
                                                 .arg(who)
                                                 .arg(MaxReaders);
            ::close(fd);
            continue;
        }
        // Keeps the kernel's share of a stalled reader's backlog small, too.
        const int sendBuffer = int(MaxQueuedBytes);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof sendBuffer);
        auto *reader = new StatusReader(fd, who, this);
        m_readers.push_back(reader);
        m_tracker.setCommandEventsWanted(true);
        qCInfo(lcStatus).noquote() << "status reader" << who << "connected," << readerCount() << "connected now";
        connect(&reader->readNotifier(), &QSocketNotifier::activated, this, [this, reader] {
            QString why;
            if (!reader->discardInput(&why)) {
                removeReader(reader, why);
            }
        });
        connect(&reader->writeNotifier(), &QSocketNotifier::activated, this, [this, reader] {
            QString why;
            if (!reader->flush(&why)) {
                removeReader(reader, why);
            }
        });
        const QByteArray snapshot = status::encodeMessage(
            status::StatusMessage::makeSnapshot(m_tracker.current(), QDateTime::currentDateTimeUtc()));
        QString why;
        if (!reader->send(snapshot, &why)) {
            removeReader(reader, why);
        }
    }
}

void StatusServer::broadcast(const status::StatusMessage &message)
{
    if (m_readers.empty())
        return;
    const QByteArray line = status::encodeMessage(message);
    const std::vector<StatusReader *> readers = m_readers;
    for (StatusReader *reader : readers) {
        QString why;
        if (!reader->send(line, &why)) {
            removeReader(reader, why);
        }
    }
}

void StatusServer::removeReader(StatusReader *reader, const QString &why)
{
    if (why == QLatin1String("disconnected"))
        qCInfo(lcStatus).noquote() << "status reader" << reader->who() << why;
    else
        qCWarning(lcStatus).noquote() << "status reader" << reader->who() << why;
    m_readers.erase(std::remove(m_readers.begin(), m_readers.end(), reader), m_readers.end());
    if (m_readers.empty())
        m_tracker.setCommandEventsWanted(false);
    reader->readNotifier().setEnabled(false);
    reader->writeNotifier().setEnabled(false);
    // It may be inside one of its own notifiers' signals.
    reader->deleteLater();
}

} // namespace qtga
