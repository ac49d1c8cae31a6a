#include "streamlistenchannel.h"

#include "fdstreampeer.h"

#include <QLoggingCategory>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/vm_sockets.h>
#include <sys/un.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcChannel, "qtga.channel")

namespace qtga {

StreamListenChannel::~StreamListenChannel()
{
    close();
}

void StreamListenChannel::adoptListeningFd(int fd)
{
    startAccepting(fd);
}

bool StreamListenChannel::listenAndAccept(int fd, QString *error)
{
    // Every client is served at once, so a real backlog instead of qemu-ga's 1.
    if (::listen(fd, SOMAXCONN) < 0) {
        *error = QStringLiteral("Failed to listen on socket: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        ::close(fd);
        return false;
    }
    startAccepting(fd);
    return true;
}

void StreamListenChannel::startAccepting(int fd)
{
    m_listenFd = fd;
    m_notifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &StreamListenChannel::onAcceptable);
    m_acceptPause.setSingleShot(true);
    m_acceptPause.setInterval(1000);
    connect(&m_acceptPause, &QTimer::timeout, this, [this] {
        if (m_notifier)
            m_notifier->setEnabled(true);
    });
    setState(State::Listening);
}

bool StreamListenChannel::open(QString *error)
{
    if (m_listenFd >= 0)
        return true;
    *error = QStringLiteral("the socket passed for %1 is closed").arg(path());
    return false;
}

void StreamListenChannel::close()
{
    m_acceptPause.stop();
    m_notifier.reset();
    if (m_listenFd >= 0) {
        ::close(m_listenFd);
        m_listenFd = -1;
    }
    setState(State::Closed);
}

QString StreamListenChannel::peerDescription(int) const
{
    return QStringLiteral("%1:%2#%3").arg(method(), name().isEmpty() ? path() : name()).arg(m_accepted);
}

void StreamListenChannel::onAcceptable()
{
    for (;;) {
        int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            // Out of descriptors or memory: keep listening, but do not spin on the pending
            // connection; try again a second later.
            qCWarning(lcChannel).noquote() << "accept on" << path() << "failed:" << strerror(errno);
            m_notifier->setEnabled(false);
            m_acceptPause.start();
            return;
        }
        ++m_accepted;
        // Multi-megabyte answers (file reads, exec output) leave in a few large writes instead
        // of hundreds of 64 KiB ones. As root the system-wide cap does not apply.
        const int sendBuffer = 4 << 20;
        if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sendBuffer, sizeof sendBuffer) < 0)
            ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof sendBuffer);
        auto *peer = new FdStreamPeer(fd, peerDescription(fd), FdStreamPeer::EofMeaning::Closed, this);
        ++m_peers;
        setState(State::HostConnected);
        connect(peer, &ChannelPeer::closed, this, [this, peer] {
            --m_peers;
            if (m_peers == 0 && m_listenFd >= 0)
                setState(State::Listening);
            peer->deleteLater();
        });
        qCDebug(lcChannel).noquote() << "accepted" << peer->description();
        Q_EMIT peerConnected(peer);
    }
}

UnixListenChannel::UnixListenChannel(QString path, int socketMode, QObject *parent)
    : StreamListenChannel(QStringLiteral("unix-listen"), std::move(path), parent), m_socketMode(socketMode)
{
}

bool UnixListenChannel::open(QString *error)
{
    const QByteArray native = path().toLocal8Bit();
    sockaddr_un addr{};
    if (size_t(native.size()) > sizeof(addr.sun_path)) {
        *error = QStringLiteral("UNIX socket path '%1' is too long").arg(path());
        return false;
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, native.constData(), size_t(native.size()));

    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *error = QStringLiteral("Failed to create Unix socket: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    if (::unlink(native.constData()) < 0 && errno != ENOENT) {
        *error = QStringLiteral("Failed to unlink socket %1: %2").arg(path(), QString::fromLocal8Bit(strerror(errno)));
        ::close(fd);
        return false;
    }
    const mode_t oldMask = ::umask(mode_t(~m_socketMode & 0777));
    const int rc = ::bind(fd, reinterpret_cast<sockaddr *>(&addr),
                          socklen_t(offsetof(sockaddr_un, sun_path) + size_t(native.size())));
    const int bindErrno = errno;
    ::umask(oldMask);
    if (rc < 0) {
        *error = QStringLiteral("Failed to bind socket to %1: %2").arg(path(), QString::fromLocal8Bit(strerror(bindErrno)));
        ::close(fd);
        return false;
    }
    return listenAndAccept(fd, error);
}

namespace {

// qemu_strtoui(): decimal, leading white space allowed, no sign, the whole text, <= UINT_MAX.
bool parseUnsigned32(const QByteArray &text, uint32_t *out)
{
    qsizetype i = 0;
    while (i < text.size() && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r')))
        ++i;
    if (i < text.size() && text[i] == '+')
        ++i;
    if (i == text.size())
        return false;
    uint64_t value = 0;
    for (; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        value = value * 10 + uint64_t(text[i] - '0');
        if (value > 0xFFFFFFFFull)
            return false;
    }
    *out = uint32_t(value);
    return true;
}

} // namespace

bool parseVsockAddress(const QString &text, VsockAddress *address, QString *error)
{
    // The shape of sscanf("%32[^:]:%32[^,]%n"): two non-empty fields of at most 32 bytes.
    const QByteArray s = text.toUtf8();
    qsizetype colon = 0;
    while (colon < s.size() && colon < 32 && s[colon] != ':')
        ++colon;
    qsizetype portEnd = colon + 1;
    while (portEnd < s.size() && portEnd - colon - 1 < 32 && s[portEnd] != ',')
        ++portEnd;
    if (colon == 0 || colon >= s.size() || s[colon] != ':' || portEnd == colon + 1) {
        *error = QStringLiteral("error parsing address '%1'").arg(text);
        return false;
    }
    if (portEnd != s.size()) {
        *error = QStringLiteral("trailing characters in address '%1'").arg(text);
        return false;
    }
    const QByteArray cid = s.left(colon);
    const QByteArray port = s.mid(colon + 1);
    if (!parseUnsigned32(cid, &address->cid)) {
        *error = QStringLiteral("Failed to parse cid '%1'").arg(QString::fromUtf8(cid));
        return false;
    }
    if (!parseUnsigned32(port, &address->port)) {
        *error = QStringLiteral("Failed to parse port '%1'").arg(QString::fromUtf8(port));
        return false;
    }
    return true;
}

VsockListenChannel::VsockListenChannel(QString address, QObject *parent)
    : StreamListenChannel(QStringLiteral("vsock-listen"), std::move(address), parent)
{
}

bool VsockListenChannel::open(QString *error)
{
    VsockAddress address;
    if (!parseVsockAddress(path(), &address, error))
        return false;
    const int fd = ::socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *error = QStringLiteral("Failed to create socket: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    sockaddr_vm addr{};
    addr.svm_family = AF_VSOCK;
    addr.svm_cid = address.cid;
    addr.svm_port = address.port;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0) {
        *error = QStringLiteral("Failed to bind socket: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        ::close(fd);
        return false;
    }
    return listenAndAccept(fd, error);
}

} // namespace qtga
