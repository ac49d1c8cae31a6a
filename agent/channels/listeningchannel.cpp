// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "listeningchannel.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcChannel)

namespace qtga {

QString ListeningChannel::nextPeerDescription()
{
    return QStringLiteral("%1:%2#%3").arg(method(), name().isEmpty() ? path() : name()).arg(++m_accepted);
}

void ListeningChannel::addPeer(ChannelPeer *peer)
{
    peer->setParent(this);
    ++m_peers;
    setState(State::HostConnected);
    connect(peer, &ChannelPeer::closed, this, [this, peer] {
        --m_peers;
        if (m_peers == 0 && isListening())
            setState(State::Listening);
        peer->deleteLater();
    });
    qCDebug(lcChannel).noquote() << "accepted" << peer->description();
    Q_EMIT peerConnected(peer);
}

} // namespace qtga
