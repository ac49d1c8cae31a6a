// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Peers on a QIODevice that Qt drives: a unix-listen client's QLocalSocket and the QSerialPort of
// isa-serial. Reads arrive with readyRead(); pausing them leaves input in the device's bounded
// read buffer, and once that is full, in the kernel's.
//
// Answers go to the device in pieces of at most WritePiece bytes, the next when the device has
// written the last: the device copies what it is given into a buffer of its own (QLocalSocket
// passes the bytes on to its inner socket, past QIODevice's shortcut for QByteArray), and a
// 64 MiB guest-file-read answer handed over whole would be copied into 64 MiB of fresh memory.
// In pieces the copies reuse the same heap memory, and the answer's own buffer is recycled
// once it is out.
#pragma once

#include "channel.h"

#include <QIODevice>

#include <deque>

class QLocalSocket;
class QSerialPort;

namespace qtga {

class FdStreamPeer;

class IoDevicePeer : public ChannelPeer
{
    Q_OBJECT
public:
    // What the device reads ahead while the session does not take it.
    static constexpr qint64 ReadBufferSize = 64 * 1024;
    static constexpr qsizetype WritePiece = 64 * 1024;

    void write(const QByteArray &data) override;
    void flush() override;
    qsizetype pendingOutput() const override;
    void setReadEnabled(bool enabled) override;
    QString description() const override { return m_description; }
    bool isOpen() const override { return !m_closed; }

protected:
    // Takes ownership of `device`, which is open.
    IoDevicePeer(QIODevice *device, QString description, QObject *parent);
    // Emits closed() once.
    void finish();
    // Takes the answers, or what is left of them, that the device has not written yet.
    std::deque<QByteArray> takeUnwritten();
    // All the input the device held has been delivered.
    virtual void inputDelivered() {}
    // Hands what the device holds to the reader, as far as reading is enabled.
    void deliverAvailable();
    // Starts sending what the device holds.
    virtual void flushDevice() = 0;

private:
    void onBytesWritten();
    void dropWritten();

    QIODevice *m_device;
    QString m_description;
    std::deque<QByteArray> m_queue;  // answers the device has not written in full
    qsizetype m_queuedBytes = 0;     // their size
    qsizetype m_handedBytes = 0;     // how much of them went to the device
    size_t m_handIndex = 0;          // the answer being handed over
    qsizetype m_handOffset = 0;      // and how much of it went
    bool m_readEnabled = true;
    bool m_outputWaited = false;  // the device held output after a flush
    bool m_closed = false;
};

// A connected client of a unix-listen channel. QLocalSocket closes the connection as soon as
// the client shuts down its sending side, but a client like `echo ... | socat` still waits for
// its answers: the peer keeps a duplicate of the connection and sends what is left through it.
class LocalSocketPeer final : public IoDevicePeer
{
    Q_OBJECT
public:
    LocalSocketPeer(QLocalSocket *socket, QString description, QObject *parent = nullptr);
    ~LocalSocketPeer() override;

    void write(const QByteArray &data) override;
    void flush() override;
    qsizetype pendingOutput() const override;
    void abort() override;

protected:
    void flushDevice() override;
    void inputDelivered() override;

private:
    void onDisconnected();

    QLocalSocket *m_socket;
    int m_spare = -1;                 // a duplicate of the connection, for answers after EOF
    FdStreamPeer *m_rest = nullptr;   // sends them once the client's input ended
    bool m_inputEndPending = false;   // input ended, but the socket still holds some of it
    bool m_aborting = false;
};

// The open port of an isa-serial channel.
class SerialPortPeer final : public IoDevicePeer
{
    Q_OBJECT
public:
    SerialPortPeer(QSerialPort *port, QObject *parent = nullptr);

    void abort() override;

protected:
    void flushDevice() override;

private:
    QSerialPort *m_port;
};

} // namespace qtga
