#include "isaserialchannel.h"

#include <QLoggingCategory>
#include <QSerialPort>

Q_DECLARE_LOGGING_CATEGORY(lcChannel)

namespace qtga {

// The open port as a peer. Reading pauses by leaving data in QSerialPort's bounded buffer.
class SerialPortPeer : public ChannelPeer
{
    Q_OBJECT
public:
    SerialPortPeer(QSerialPort *port, QObject *parent) : ChannelPeer(parent), m_port(port)
    {
        m_port->setParent(this);
        // Bounded: when it is full Qt stops reading and the tty's own buffer holds the rest.
        m_port->setReadBufferSize(256 * 1024);
        connect(m_port, &QSerialPort::readyRead, this, &SerialPortPeer::deliverAvailable);
        connect(m_port, &QSerialPort::bytesWritten, this, [this] {
            if (m_port->bytesToWrite() == 0)
                Q_EMIT outputDrained();
        });
        connect(m_port, &QSerialPort::errorOccurred, this, [this](QSerialPort::SerialPortError error) {
            if (error == QSerialPort::NoError || error == QSerialPort::TimeoutError)
                return;
            // A hung-up or vanished port keeps failing every read: give it up and let the
            // channel reopen it, instead of spinning on it.
            qCInfo(lcChannel).noquote() << description() << "error:" << m_port->errorString();
            abort();
        });
    }

    void write(const QByteArray &data) override
    {
        if (m_port->isOpen())
            m_port->write(data);
    }
    void flush() override {}
    qsizetype pendingOutput() const override { return m_port->bytesToWrite(); }
    void setReadEnabled(bool enabled) override
    {
        m_readEnabled = enabled;
        if (enabled && m_port->bytesAvailable() > 0)
            QMetaObject::invokeMethod(this, &SerialPortPeer::deliverAvailable, Qt::QueuedConnection);
    }
    void abort() override
    {
        if (m_closed)
            return;
        m_closed = true;
        m_port->close();
        Q_EMIT closed();
    }
    QString description() const override { return QStringLiteral("isa-serial:%1").arg(m_port->portName()); }
    bool isOpen() const override { return !m_closed; }

private:
    void deliverAvailable()
    {
        while (m_readEnabled && !m_closed && m_port->bytesAvailable() > 0)
            deliver(m_port->read(64 * 1024));
    }

    QSerialPort *m_port;
    bool m_readEnabled = true;
    bool m_closed = false;
};

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

#include "isaserialchannel.moc"
