// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// One connected host peer: frames its byte stream into requests, runs them one at a time in
// arrival order through the dispatcher and writes the responses in the same order.
#pragma once

#include "channels/channel.h"
#include "qgaframer.h"

#include <QObject>
#include <QPointer>

#include <deque>

namespace qtga {

class Dispatcher;

class Session : public QObject, private ChannelPeer::Reader
{
    Q_OBJECT
public:
    Session(ChannelPeer *peer, Dispatcher &dispatcher, QObject *parent = nullptr);
    ~Session() override;

    ChannelPeer *peer() const { return m_peer; }
    quint64 requestsHandled() const { return m_requests; }

    // Unanswered output above which the session stops reading from a peer that does not read
    // its responses; the peer's own socket buffer then holds the rest.
    static constexpr qsizetype OutputHighWater = 1 << 20;

Q_SIGNALS:
    void finished();

private:
    void peerReceived(const QByteArray &data) override;
    void processQueue();
    void onResponse(const QByteArray &line);
    void updateReading();
    void onHostDisconnected();

    QPointer<ChannelPeer> m_peer;
    Dispatcher &m_dispatcher;
    QgaFramer m_framer;
    std::vector<QgaFramer::Event> m_framed;
    std::deque<QgaFramer::Event> m_queue;
    bool m_busy = false;        // a request is running (on a worker thread)
    bool m_processing = false;  // inside processQueue()
    bool m_inputEnded = false;  // the client sends nothing more
    quint64 m_requests = 0;
};

} // namespace qtga
