// Shared part of the listening transports (unix-listen, vsock-listen): a listening socket fd
// watched with QSocketNotifier; every accepted connection becomes a peer served at once.
#pragma once

#include "channel.h"

#include <QSocketNotifier>
#include <QTimer>

#include <cstdint>
#include <memory>

namespace qtga {

class StreamListenChannel : public Channel
{
    Q_OBJECT
public:
    using Channel::Channel;
    ~StreamListenChannel() override;

    // Serves an fd that is already bound and listening (socket activation). Takes ownership.
    void adoptListeningFd(int fd);
    // An adopted socket is open already; subclasses create and bind their own.
    bool open(QString *error) override;
    void close() override;
    int listenFd() const { return m_listenFd; }
    int connectedPeers() const { return m_peers; }

protected:
    void startAccepting(int fd);
    // listen() on a bound socket, then accept; closes `fd` on failure.
    bool listenAndAccept(int fd, QString *error);
    virtual QString peerDescription(int fd) const;

private:
    void onAcceptable();

    int m_listenFd = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QTimer m_acceptPause;
    int m_peers = 0;
    quint64 m_accepted = 0;
};

class UnixListenChannel : public StreamListenChannel
{
    Q_OBJECT
public:
    // `socketMode` is applied through the umask while binding, so the file never exists with
    // looser permissions.
    UnixListenChannel(QString path, int socketMode = 0600, QObject *parent = nullptr);

    bool open(QString *error) override;

private:
    int m_socketMode;
};

} // namespace qtga

namespace qtga {

struct VsockAddress
{
    uint32_t cid = 0;
    uint32_t port = 0;
};

// Parses qemu-ga's "CID:PORT" vsock address with its exact errors (spec §3.4);
// 4294967295 is VMADDR_CID_ANY.
bool parseVsockAddress(const QString &text, VsockAddress *address, QString *error);

class VsockListenChannel : public StreamListenChannel
{
    Q_OBJECT
public:
    explicit VsockListenChannel(QString address, QObject *parent = nullptr);
    bool open(QString *error) override;
};

} // namespace qtga
