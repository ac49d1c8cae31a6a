// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The transport interface: a Channel is one configured transport; each host connection it
// carries is a ChannelPeer, which the agent turns into a Session.
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

namespace qtga {

class ChannelPeer : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Who consumes what the peer reads: its session. One consumer and one call per read, so a
    // plain interface rather than a signal. Whoever sets it clears it before going away.
    class Reader
    {
    public:
        // `data` may point into a buffer the peer reuses: use it before returning, never keep it.
        virtual void peerReceived(const QByteArray &data) = 0;

    protected:
        ~Reader() = default;
    };
    void setReader(Reader *reader) { m_reader = reader; }

    // Queues bytes for the peer; flush() starts sending what is queued.
    virtual void write(const QByteArray &data) = 0;
    virtual void flush() = 0;
    virtual qsizetype pendingOutput() const = 0;
    // Pausing reads leaves further requests in the kernel's buffer (backpressure), so a session
    // never holds more than one read's worth of unprocessed input.
    virtual void setReadEnabled(bool enabled) = 0;
    // Drop the connection (the peer emits closed()).
    virtual void abort() = 0;
    virtual QString description() const = 0;
    virtual bool isOpen() const = 0;

    // One read buffer for every peer: all of them read on the main thread, and the reader uses
    // what a read brings before the next read. Left uninitialised, so only the pages reads
    // filled count as the agent's memory.
    static constexpr qsizetype ReadChunk = 256 * 1024;
    static char *sharedReadBuffer();

Q_SIGNALS:
    void outputDrained();
    // The client shut down its sending side: no more requests will come, but it still reads
    // (`echo ... | socat`). Its session answers what it has, then aborts the peer.
    void inputEnded();
    // The host end went away; the channel may deliver the same peer again (virtio-serial).
    void hostDisconnected();
    void closed();

protected:
    void deliver(const QByteArray &data)
    {
        if (m_reader)
            m_reader->peerReceived(data);
    }

private:
    Reader *m_reader = nullptr;
};

class Channel : public QObject
{
    Q_OBJECT
public:
    enum class State { Closed, Listening, HostConnected, WaitingForHost, Retrying, Error };
    Q_ENUM(State)

    Channel(QString method, QString path, QObject *parent = nullptr)
        : QObject(parent), m_method(std::move(method)), m_path(std::move(path)) {}

    // Opens the transport; on failure returns false with a message naming the call and path.
    virtual bool open(QString *error) = 0;
    virtual void close() = 0;

    QString method() const { return m_method; }
    QString path() const { return m_path; }
    // The LISTEN_FDNAMES name for socket-activated channels, else empty.
    QString name() const { return m_name; }
    void setName(const QString &name) { m_name = name; }
    State state() const { return m_state; }

Q_SIGNALS:
    void peerConnected(qtga::ChannelPeer *peer);
    void stateChanged(qtga::Channel::State state);
    // The transport failed after opening (device gone, read error); the agent decides on retry.
    void failed(const QString &reason);

protected:
    void setState(State state)
    {
        if (state == m_state)
            return;
        m_state = state;
        Q_EMIT stateChanged(state);
    }

private:
    QString m_method;
    QString m_path;
    QString m_name;
    State m_state = State::Closed;
};

} // namespace qtga
