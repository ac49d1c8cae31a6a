// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "vsocklistenchannel.h"

#include "fdstreampeer.h"
#include "process/logging.h"

#include <QLoggingCategory>

#include <cerrno>
#include <cstring>
#include <linux/vm_sockets.h>
#include <sys/socket.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcChannel)

namespace qtga {

namespace {

QString systemError()
{
    return QString::fromLocal8Bit(strerror(errno));
}

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
    : ListeningChannel(QStringLiteral("vsock-listen"), std::move(address), parent)
{
    m_acceptPause.setSingleShot(true);
    m_acceptPause.setInterval(AcceptPauseMs);
    connect(&m_acceptPause, &QTimer::timeout, this, [this] {
        if (m_notifier)
            m_notifier->setEnabled(true);
    });
    // Never early, as a coarse timer may be: at most one refusal line a second.
    m_refusalQuiet.setTimerType(Qt::PreciseTimer);
    m_refusalQuiet.setSingleShot(true);
    m_refusalQuiet.setInterval(RefusalLogIntervalMs);
    connect(&m_refusalQuiet, &QTimer::timeout, this, &VsockListenChannel::logQuietRefusals);
}

VsockListenChannel::~VsockListenChannel()
{
    close();
}

bool VsockListenChannel::open(QString *error)
{
    if (m_listenFd >= 0)
        return true;
    VsockAddress address;
    if (!parseVsockAddress(path(), &address, error))
        return false;
    const int fd = ::socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *error = QStringLiteral("Failed to create socket: %1").arg(systemError());
        return false;
    }
    sockaddr_vm addr{};
    addr.svm_family = AF_VSOCK;
    addr.svm_cid = address.cid;
    addr.svm_port = address.port;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0) {
        *error = QStringLiteral("Failed to bind socket: %1").arg(systemError());
        ::close(fd);
        return false;
    }
    // Every client is served at once, so a real backlog instead of qemu-ga's 1.
    if (::listen(fd, SOMAXCONN) < 0) {
        *error = QStringLiteral("Failed to listen on socket: %1").arg(systemError());
        ::close(fd);
        return false;
    }
    startAccepting(fd);
    return true;
}

bool VsockListenChannel::adopt(int fd, QString *)
{
    startAccepting(fd);
    return true;
}

void VsockListenChannel::startAccepting(int fd)
{
    m_listenFd = fd;
    m_notifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &VsockListenChannel::onAcceptable);
    setState(State::Listening);
}

void VsockListenChannel::close()
{
    m_acceptPause.stop();
    logQuietRefusals();
    m_refusalQuiet.stop();
    m_notifier.reset();
    if (m_listenFd >= 0) {
        ::close(m_listenFd);
        m_listenFd = -1;
    }
    setState(State::Closed);
}

void VsockListenChannel::onAcceptable()
{
    for (;;) {
        sockaddr_vm peer{};
        socklen_t length = sizeof peer;
        const int fd = ::accept4(m_listenFd, reinterpret_cast<sockaddr *>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            // Out of descriptors or memory: keep listening, but do not spin on the waiting
            // connection; try again a second later.
            qCWarning(lcChannel).noquote() << "accept on" << path() << "failed:" << systemError();
            m_notifier->setEnabled(false);
            m_acceptPause.start();
            return;
        }
        // An address that is not a vsock one (never seen) counts as not allowed.
        const bool isVsock = length >= sizeof peer && peer.svm_family == AF_VSOCK;
        if (!m_allowed.any && (!isVsock || !m_allowed.allows(peer.svm_cid))) {
            ::close(fd);
            logRefusal(VsockAddress{isVsock ? peer.svm_cid : VMADDR_CID_ANY, isVsock ? peer.svm_port : 0});
            continue;
        }
        addPeer(new FdStreamPeer(fd, nextPeerDescription(), FdStreamPeer::EofMeaning::InputEnded));
    }
}

QString VsockListenChannel::where() const
{
    return method() + u':' + (name().isEmpty() ? path() : name());
}

// One line for the first refusal, then at most one a second summing up the others: a peer
// that keeps connecting cannot flood the log.
void VsockListenChannel::logRefusal(const VsockAddress &peer)
{
    if (m_refusalQuiet.isActive()) {
        ++m_quietRefusals;
        m_lastRefused = peer;
        return;
    }
    const QString rule = m_allowed.isDefault() ? QStringLiteral("not in --vsock-allow (host only by default)")
                                               : QStringLiteral("not in --vsock-allow=%1").arg(m_allowed.text());
    qCWarning(lcSecurity).noquote() << QStringLiteral("refused vsock connection from CID %1 port %2 on %3: %4")
                                           .arg(QString::number(peer.cid), QString::number(peer.port), where(), rule);
    m_refusalQuiet.start();
}

void VsockListenChannel::logQuietRefusals()
{
    if (m_quietRefusals == 0)
        return;
    qCWarning(lcSecurity).noquote()
        << QStringLiteral("refused %1 more vsock connection(s) on %2 in the last second, the last from CID %3 port %4")
               .arg(QString::number(m_quietRefusals), where(), QString::number(m_lastRefused.cid),
                    QString::number(m_lastRefused.port));
    m_quietRefusals = 0;
    if (isListening())
        m_refusalQuiet.start();
}

} // namespace qtga
