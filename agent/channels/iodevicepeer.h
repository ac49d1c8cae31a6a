// Peers on a QIODevice that Qt drives: a unix-listen client's QLocalSocket and the QSerialPort of
// isa-serial. Reads arrive with readyRead(); writes go through the device's own buffer.
// Pausing reads leaves input in the device's bounded read buffer, and once that is full, in the
// kernel's.
#pragma once

#include "channel.h"

#include <QIODevice>

class QLocalSocket;
class QSerialPort;

namespace qtga {

class IoDevicePeer : public ChannelPeer
{
    Q_OBJECT
public:
    // What the device reads ahead while the session does not take it.
    static constexpr qint64 ReadBufferSize = 256 * 1024;

    void write(const QByteArray &data) override;
    qsizetype pendingOutput() const override { return m_device->bytesToWrite(); }
    void setReadEnabled(bool enabled) override;
    QString description() const override { return m_description; }
    bool isOpen() const override { return !m_closed; }

protected:
    // Takes ownership of `device`, which is open.
    IoDevicePeer(QIODevice *device, QString description, QObject *parent);
    // Emits closed() once.
    void finish();

private:
    void deliverAvailable();

    QIODevice *m_device;
    QString m_description;
    bool m_readEnabled = true;
    bool m_closed = false;
};

// A connected client of a unix-listen channel.
class LocalSocketPeer final : public IoDevicePeer
{
    Q_OBJECT
public:
    LocalSocketPeer(QLocalSocket *socket, QString description, QObject *parent = nullptr);

    void flush() override;
    void abort() override;

private:
    QLocalSocket *m_socket;
};

// The open port of an isa-serial channel.
class SerialPortPeer final : public IoDevicePeer
{
    Q_OBJECT
public:
    SerialPortPeer(QSerialPort *port, QObject *parent = nullptr);

    void flush() override;
    void abort() override;

private:
    QSerialPort *m_port;
};

} // namespace qtga
