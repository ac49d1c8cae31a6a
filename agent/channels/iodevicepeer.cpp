// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "iodevicepeer.h"

#include "fdstreampeer.h"
#include "largebuffers.h"

#include <QLocalSocket>
#include <QLoggingCategory>
#include <QSerialPort>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcChannel)

namespace qtga {

IoDevicePeer::IoDevicePeer(QIODevice *device, QString description, QObject *parent)
    : ChannelPeer(parent), m_device(device), m_description(std::move(description))
{
    m_device->setParent(this);
    connect(m_device, &QIODevice::readyRead, this, &IoDevicePeer::deliverAvailable);
    connect(m_device, &QIODevice::bytesWritten, this, &IoDevicePeer::onBytesWritten);
}

void IoDevicePeer::write(const QByteArray &data)
{
    if (m_closed || data.isEmpty())
        return;
    m_queue.push_back(data);
    m_queuedBytes += data.size();
}

qsizetype IoDevicePeer::pendingOutput() const
{
    return m_queuedBytes - m_handedBytes + m_device->bytesToWrite();
}

void IoDevicePeer::flush()
{
    // Answers of one batch of pipelined requests go to the device together and leave in one
    // write. A large one goes piece by piece while the kernel takes them; the loop ends when
    // the device holds a whole piece it could not write yet, and its bytesWritten() brings the
    // next. (Decided after the device's flush: the flush may empty it and stop its notifier.)
    while (!m_closed) {
        while (m_handIndex < m_queue.size() && m_device->bytesToWrite() < WritePiece) {
            const QByteArray &answer = m_queue[m_handIndex];
            const qsizetype n = std::min(WritePiece, answer.size() - m_handOffset);
            m_device->write(answer.constData() + m_handOffset, n);
            m_handOffset += n;
            m_handedBytes += n;
            if (m_handOffset == answer.size()) {
                ++m_handIndex;
                m_handOffset = 0;
            }
        }
        flushDevice();
        dropWritten();
        if (m_device->bytesToWrite() > 0)
            m_outputWaited = true;
        if (m_handIndex == m_queue.size() || m_device->bytesToWrite() >= WritePiece)
            break;
    }
}

// Answers stay queued until the device has written them, not just taken them: a connection that
// QLocalSocket gives up on end of input drops what it still held (see LocalSocketPeer).
void IoDevicePeer::dropWritten()
{
    qsizetype written = m_handedBytes - m_device->bytesToWrite();
    while (m_handIndex > 0 && m_queue.front().size() <= written) {
        const qsizetype size = m_queue.front().size();
        written -= size;
        m_handedBytes -= size;
        m_queuedBytes -= size;
        LargeBuffers::park(std::move(m_queue.front()));
        m_queue.pop_front();
        --m_handIndex;
    }
}

void IoDevicePeer::onBytesWritten()
{
    flush();
    // Only output that had to wait can have paused the session's reading.
    if (m_outputWaited && m_queue.empty() && m_device->bytesToWrite() == 0) {
        m_outputWaited = false;
        Q_EMIT outputDrained();
    }
}

std::deque<QByteArray> IoDevicePeer::takeUnwritten()
{
    dropWritten();
    std::deque<QByteArray> unwritten = std::move(m_queue);
    if (!unwritten.empty()) {
        const qsizetype written = m_handedBytes - m_device->bytesToWrite();
        if (written > 0)
            unwritten.front() = unwritten.front().mid(written);
    }
    m_queue.clear();
    m_queuedBytes = m_handedBytes = m_handOffset = 0;
    m_handIndex = 0;
    return unwritten;
}

void IoDevicePeer::setReadEnabled(bool enabled)
{
    m_readEnabled = enabled;
    // Input that arrived while reading was paused sits in the device; no readyRead() will say
    // so again. Delivered from the event loop, not from inside the session that resumed.
    if (enabled && m_device->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &IoDevicePeer::deliverAvailable, Qt::QueuedConnection);
}

void IoDevicePeer::deliverAvailable()
{
    while (m_readEnabled && !m_closed && m_device->bytesAvailable() > 0) {
        char *buffer = sharedReadBuffer();
        const qint64 n = m_device->read(buffer, ReadChunk);
        if (n <= 0)
            return;
        deliver(QByteArray::fromRawData(buffer, qsizetype(n)));
    }
    if (!m_closed && m_device->bytesAvailable() == 0)
        inputDelivered();
}

void IoDevicePeer::finish()
{
    if (m_closed)
        return;
    m_closed = true;
    m_queue.clear();
    m_queuedBytes = m_handedBytes = m_handOffset = 0;
    m_handIndex = 0;
    Q_EMIT closed();
}

LocalSocketPeer::LocalSocketPeer(QLocalSocket *socket, QString description, QObject *parent)
    : IoDevicePeer(socket, std::move(description), parent), m_socket(socket)
{
    m_socket->setReadBufferSize(ReadBufferSize);
    // Multi-megabyte answers (file reads, exec output) leave in a few large writes instead of
    // hundreds of small ones. As root the system-wide cap does not apply.
    const int sendBuffer = 4 << 20;
    const int fd = int(m_socket->socketDescriptor());
    if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sendBuffer, sizeof sendBuffer) < 0)
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof sendBuffer);
    connect(m_socket, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError error) {
        // Unlike qemu-ga, a reset connection ends only this client, never the agent.
        if (error != QLocalSocket::PeerClosedError)
            qCInfo(lcChannel).noquote() << this->description() << "error:" << m_socket->errorString();
    });
    connect(m_socket, &QLocalSocket::disconnected, this, &LocalSocketPeer::onDisconnected);
    m_spare = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

LocalSocketPeer::~LocalSocketPeer()
{
    if (m_spare >= 0)
        ::close(m_spare);
}

// End of input (not a reset): QLocalSocket closes its descriptor at once and drops what it had
// not written yet, but the duplicate still holds the connection. What is left of the answers,
// and every later one, goes through it, in order; input the socket read before the end is
// still delivered before the session hears that no more will come.
void LocalSocketPeer::onDisconnected()
{
    if (m_aborting)
        return;
    if (m_socket->error() != QLocalSocket::PeerClosedError || m_spare < 0) {
        qCDebug(lcChannel).noquote() << description() << "closed by peer";
        finish();
        return;
    }
    qCDebug(lcChannel).noquote() << description() << "input ended";
    m_rest = new FdStreamPeer(m_spare, description(), FdStreamPeer::EofMeaning::InputEnded, this);
    m_spare = -1;
    m_rest->setReadEnabled(false);
    connect(m_rest, &ChannelPeer::outputDrained, this, &ChannelPeer::outputDrained);
    connect(m_rest, &ChannelPeer::closed, this, &LocalSocketPeer::finish);
    for (QByteArray &answer : takeUnwritten())
        m_rest->write(answer);
    m_rest->flush();
    if (m_socket->bytesAvailable() > 0) {
        m_inputEndPending = true;
        QMetaObject::invokeMethod(this, &LocalSocketPeer::deliverAvailable, Qt::QueuedConnection);
    } else {
        Q_EMIT inputEnded();
    }
}

void LocalSocketPeer::inputDelivered()
{
    if (!m_inputEndPending)
        return;
    m_inputEndPending = false;
    Q_EMIT inputEnded();
}

void LocalSocketPeer::write(const QByteArray &data)
{
    if (m_rest)
        m_rest->write(data);
    else
        IoDevicePeer::write(data);
}

void LocalSocketPeer::flush()
{
    if (m_rest)
        m_rest->flush();
    else
        IoDevicePeer::flush();
}

qsizetype LocalSocketPeer::pendingOutput() const
{
    return m_rest ? m_rest->pendingOutput() : IoDevicePeer::pendingOutput();
}

void LocalSocketPeer::flushDevice()
{
    m_socket->flush();
}

void LocalSocketPeer::abort()
{
    m_aborting = true;
    if (m_rest)
        m_rest->abort();
    m_socket->abort();
    finish();
}

SerialPortPeer::SerialPortPeer(QSerialPort *port, QObject *parent)
    : IoDevicePeer(port, QStringLiteral("isa-serial:%1").arg(port->portName()), parent), m_port(port)
{
    // Bounded: when it is full QSerialPort stops reading and the tty's own buffer holds the rest.
    m_port->setReadBufferSize(ReadBufferSize);
    connect(m_port, &QSerialPort::errorOccurred, this, [this](QSerialPort::SerialPortError error) {
        if (error == QSerialPort::NoError || error == QSerialPort::TimeoutError || error == QSerialPort::NotOpenError)
            return;
        // A hung-up or vanished port keeps failing every read: give it up and let the channel
        // reopen it, instead of spinning on it.
        qCInfo(lcChannel).noquote() << description() << "error:" << m_port->errorString();
        abort();
    });
}

// Nothing to do: the port's own write notifier starts the write on the next pass of the event
// loop. QSerialPort::flush() would write again even while a write it started is still under way;
// on a full tty that write fails with EAGAIN, which QSerialPort reports as a ResourceError, the
// same error a vanished port gives. (Called from inside its bytesWritten(), it also forgets the
// bytes it wrote there and never reports them.)
void SerialPortPeer::flushDevice()
{
}

void SerialPortPeer::abort()
{
    // Closing a port that failed can report another error, which would come back here.
    if (!isOpen())
        return;
    m_port->disconnect(this);
    m_port->close();
    finish();
}

} // namespace qtga
