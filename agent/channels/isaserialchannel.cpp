// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "isaserialchannel.h"

#include "iodevicepeer.h"

#include <QLoggingCategory>
#include <QSerialPort>

Q_DECLARE_LOGGING_CATEGORY(lcChannel)

namespace qtga {

IsaSerialChannel::IsaSerialChannel(QString path, QObject *parent)
    : Channel(QStringLiteral("isa-serial"), std::move(path), parent)
{
    m_reopen.setSingleShot(true);
    m_reopen.setInterval(ReopenIntervalMs);
    connect(&m_reopen, &QTimer::timeout, this, [this] {
        QString error;
        if (!open(&error)) {
            qCInfo(lcChannel).noquote() << "reopening" << this->path() << "failed:" << error;
            setState(State::Retrying);
            m_reopen.start();
        }
    });
}

IsaSerialChannel::~IsaSerialChannel()
{
    close();
}

bool IsaSerialChannel::open(QString *error)
{
    auto *port = new QSerialPort(path());
    // QSerialPort puts the line in raw mode (no echo, no line discipline, no CR/NL mapping);
    // these settings complete qemu-ga's 38400 8N1 without flow control.
    if (!port->open(QIODevice::ReadWrite)) {
        *error = QStringLiteral("error opening channel '%1': %2").arg(path(), port->errorString());
        delete port;
        setState(State::Error);
        return false;
    }
    port->setBaudRate(QSerialPort::Baud38400);
    port->setDataBits(QSerialPort::Data8);
    port->setParity(QSerialPort::NoParity);
    port->setStopBits(QSerialPort::OneStop);
    port->setFlowControl(QSerialPort::NoFlowControl);
    port->clear(QSerialPort::Input);
    m_peer = new SerialPortPeer(port, this);
    connect(m_peer, &ChannelPeer::closed, this, &IsaSerialChannel::onPeerClosed);
    setState(State::HostConnected);
    Q_EMIT peerConnected(m_peer);
    return true;
}

void IsaSerialChannel::onPeerClosed()
{
    if (m_peer) {
        m_peer->deleteLater();
        m_peer = nullptr;
    }
    setState(State::Retrying);
    m_reopen.start();
}

void IsaSerialChannel::close()
{
    m_reopen.stop();
    if (m_peer) {
        disconnect(m_peer, nullptr, this, nullptr);
        m_peer->abort();
        delete m_peer;
        m_peer = nullptr;
    }
    setState(State::Closed);
}

} // namespace qtga
