// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// FdStreamPeer, the peer of vsock connections and the virtio-serial port, on a socket pair: what
// the end of a client's input means for each, and that answers still reach a client that only
// shut down its sending side.
#include "channels/fdstreampeer.h"

#include <QSignalSpy>
#include <QTest>

#include <csignal>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace qtga;

namespace {

class Collector : public ChannelPeer::Reader
{
public:
    void peerReceived(const QByteArray &data) override { received += data; }
    QByteArray received;
};

QByteArray readAvailable(int fd, int timeoutMs = 2000)
{
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) != 1)
        return QByteArray();
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    return n > 0 ? QByteArray(buffer, qsizetype(n)) : QByteArray();
}

} // namespace

class tst_FdStreamPeer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // As in the agent: a write to a vanished client fails instead of killing the process.
    void initTestCase() { std::signal(SIGPIPE, SIG_IGN); }
    void answersAfterInputEnded();
    void writeToVanishedClientCloses();
    void hostGoneWaitsForHost();
};

void tst_FdStreamPeer::answersAfterInputEnded()
{
    int pair[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair), 0);
    FdStreamPeer peer(pair[0], QStringLiteral("test"));
    Collector collector;
    peer.setReader(&collector);
    QSignalSpy inputEnded(&peer, &ChannelPeer::inputEnded);
    QSignalSpy closed(&peer, &ChannelPeer::closed);

    QCOMPARE(::send(pair[1], "{\"execute\":\"guest-ping\"}", 24, 0), ssize_t(24));
    QCOMPARE(::shutdown(pair[1], SHUT_WR), 0);
    QVERIFY(inputEnded.wait(2000));
    QCOMPARE(collector.received, QByteArray("{\"execute\":\"guest-ping\"}"));
    QVERIFY(peer.isOpen());
    QCOMPARE(closed.size(), 0);

    // The answer still goes out, and a later one too.
    peer.write("{\"return\": {}}\n");
    peer.flush();
    QCOMPARE(readAvailable(pair[1]), QByteArray("{\"return\": {}}\n"));
    peer.write("{\"return\": 1}\n");
    peer.flush();
    QCOMPARE(readAvailable(pair[1]), QByteArray("{\"return\": 1}\n"));
    // Reading stays off: enabling it again does not spin on the end of input.
    peer.setReadEnabled(true);
    QTest::qWait(50);
    QCOMPARE(inputEnded.size(), 1);
    peer.abort();
    QCOMPARE(closed.size(), 1);
    ::close(pair[1]);
}

void tst_FdStreamPeer::writeToVanishedClientCloses()
{
    int pair[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair), 0);
    FdStreamPeer peer(pair[0], QStringLiteral("test"));
    QSignalSpy inputEnded(&peer, &ChannelPeer::inputEnded);
    QSignalSpy closed(&peer, &ChannelPeer::closed);
    ::close(pair[1]);
    QVERIFY(inputEnded.wait(2000));
    // Nobody reads any more: the first answer fails and ends the peer.
    peer.write("{\"return\": {}}\n");
    peer.flush();
    QCOMPARE(closed.size(), 1);
    QVERIFY(!peer.isOpen());
}

void tst_FdStreamPeer::hostGoneWaitsForHost()
{
    // virtio-serial: the port stays, only its host end went away.
    int pair[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair), 0);
    FdStreamPeer peer(pair[0], QStringLiteral("test"), FdStreamPeer::EofMeaning::HostGone);
    QSignalSpy hostGone(&peer, &ChannelPeer::hostDisconnected);
    QSignalSpy inputEnded(&peer, &ChannelPeer::inputEnded);
    ::shutdown(pair[1], SHUT_WR);
    QVERIFY(hostGone.wait(2000));
    QVERIFY(peer.isWaitingForHost());
    QCOMPARE(inputEnded.size(), 0);
    ::close(pair[1]);
}

QTEST_GUILESS_MAIN(tst_FdStreamPeer)
#include "tst_fdstreampeer.moc"
