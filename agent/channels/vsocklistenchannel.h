// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// vsock-listen: an AF_VSOCK listening socket watched with QSocketNotifier (Qt has no vsock
// classes); every connection from an allowed peer a peer of its own, served at once.
#pragma once

#include "config.h"
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
    // At most one refusal line per this interval; the others are counted and summed up.
    static constexpr int RefusalLogIntervalMs = 1000;

    explicit VsockListenChannel(QString address, QObject *parent = nullptr);
    ~VsockListenChannel() override;

    bool open(QString *error) override;
    bool adopt(int fd, QString *error) override;
    void close() override;

    // The peers whose connections are served (the host only unless set); any other connection
    // is closed as soon as it is accepted, and logged.
    void setAllowedPeers(VsockAllowList allowed) { m_allowed = std::move(allowed); }

protected:
    bool isListening() const override { return m_listenFd >= 0; }

private:
    void startAccepting(int fd);
    void onAcceptable();
    // "vsock-listen:<address or name>", for the refusal lines.
    QString where() const;
    void logRefusal(const VsockAddress &peer);
    void logQuietRefusals();

    int m_listenFd = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QTimer m_acceptPause;
    VsockAllowList m_allowed;
    // Runs for a second after each refusal line; refusals meanwhile are only counted.
    QTimer m_refusalQuiet;
    int m_quietRefusals = 0;
    VsockAddress m_lastRefused;
};

} // namespace qtga
