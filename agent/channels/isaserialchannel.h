// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// isa-serial through QSerialPort: raw 8N1 at 38400 baud, no flow control. Unlike
// qemu-ga, which goes silent after an error or EOF on the port, the channel reopens the port
// and carries on.
#pragma once

#include "channel.h"

#include <QTimer>

class QSerialPort;

namespace qtga {

class SerialPortPeer;

class IsaSerialChannel : public Channel
{
    Q_OBJECT
public:
    static constexpr const char *DefaultPath = "/dev/ttyS0";
    static constexpr int ReopenIntervalMs = 5000;

    explicit IsaSerialChannel(QString path, QObject *parent = nullptr);
    ~IsaSerialChannel() override;

    bool open(QString *error) override;
    void close() override;
    void setReopenInterval(int ms) { m_reopen.setInterval(ms); }

private:
    void onPeerClosed();

    SerialPortPeer *m_peer = nullptr;
    QTimer m_reopen;
};

} // namespace qtga
