// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "session.h"

#include "channels/channel.h"
#include "dispatch/dispatcher.h"
#include "largebuffers.h"

#include <algorithm>

namespace qtga {

Session::Session(ChannelPeer *peer, Dispatcher &dispatcher, QObject *parent)
    : QObject(parent), m_peer(peer), m_dispatcher(dispatcher)
{
    peer->setReader(this);
    connect(peer, &ChannelPeer::outputDrained, this, &Session::updateReading);
    connect(peer, &ChannelPeer::hostDisconnected, this, &Session::onHostDisconnected);
    connect(peer, &ChannelPeer::inputEnded, this, [this] {
        m_inputEnded = true;
        updateReading();
    });
    connect(peer, &ChannelPeer::closed, this, [this] {
        m_queue.clear();
        Q_EMIT finished();
    });
}

Session::~Session()
{
    if (m_peer)
        m_peer->setReader(nullptr);
}

void Session::peerReceived(const QByteArray &data)
{
    // A large request arrives in many small reads: what counts is what the framer holds.
    LargeBuffers::noteUse(std::max(data.size(), m_framer.pendingBytes()));
    m_framer.feed(data, m_framed);
    for (auto &event : m_framed)
        m_queue.push_back(std::move(event));
    m_framed.clear();
    processQueue();
}

void Session::onHostDisconnected()
{
    // Whatever the old host sent but did not finish must not be mixed into the next host's
    // first request.
    m_framer.reset();
    m_queue.clear();
}

void Session::processQueue()
{
    if (m_processing)
        return;
    m_processing = true;
    while (!m_busy && !m_queue.empty() && m_peer && m_peer->isOpen()) {
        QgaFramer::Event event = std::move(m_queue.front());
        m_queue.pop_front();
        m_busy = true;
        ++m_requests;
        m_dispatcher.handle(std::move(event), this, m_peer->description(), [this](const QByteArray &line) { onResponse(line); });
    }
    m_processing = false;
    if (m_peer)
        m_peer->flush();
    updateReading();
}

void Session::onResponse(const QByteArray &line)
{
    m_busy = false;
    if (m_peer && !line.isEmpty()) {
        m_peer->write(line);
        // The last answer of a batch leaves now, before the dispatcher's bookkeeping; answers
        // to pipelined requests wait for it and leave together.
        if (m_queue.empty())
            m_peer->flush();
    }
    if (!m_processing)
        processQueue();
}

void Session::updateReading()
{
    if (!m_peer)
        return;
    const bool idle = !m_busy && m_queue.empty();
    // A client that has sent all it will send gets its last answer, then the connection ends.
    if (m_inputEnded && idle && m_peer->pendingOutput() == 0) {
        m_peer->abort();
        return;
    }
    m_peer->setReadEnabled(idle && m_peer->pendingOutput() < OutputHighWater);
}

} // namespace qtga
