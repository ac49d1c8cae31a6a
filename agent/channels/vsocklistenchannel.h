// vsock-listen: an AF_VSOCK listening socket watched with QSocketNotifier (Qt has no vsock
// classes); every connection a peer of its own, served at once.
#pragma once

#include "listeningchannel.h"

#include <QSocketNotifier>
#include <QTimer>

#include <cstdint>
#include <memory>

namespace qtga {

struct VsockAddress
{
    uint32_t cid = 0;
    uint32_t port = 0;
};

// Parses qemu-ga's "CID:PORT" vsock address with its exact errors; 4294967295 is
// VMADDR_CID_ANY.
bool parseVsockAddress(const QString &text, VsockAddress *address, QString *error);

class VsockListenChannel : public ListeningChannel
{
    Q_OBJECT
public:
    static constexpr int AcceptPauseMs = 1000;

    explicit VsockListenChannel(QString address, QObject *parent = nullptr);
    ~VsockListenChannel() override;

    bool open(QString *error) override;
    bool adopt(int fd, QString *error) override;
    void close() override;

protected:
    bool isListening() const override { return m_listenFd >= 0; }

private:
    void startAccepting(int fd);
    void onAcceptable();

    int m_listenFd = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QTimer m_acceptPause;
};

} // namespace qtga
