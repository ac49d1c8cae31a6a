// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// What unix-listen and vsock-listen share: every client that connects becomes a peer of its own,
// served at once (qemu-ga serves one and leaves the others waiting in the backlog). The channel
// counts as "host connected" while any client is.
#pragma once

#include "channel.h"

namespace qtga {

class ListeningChannel : public Channel
{
    Q_OBJECT
public:
    using Channel::Channel;

    // Serves a socket that is bound and listening already (socket activation). Takes ownership.
    virtual bool adopt(int fd, QString *error) = 0;
    int connectedPeers() const { return m_peers; }

protected:
    // A name for the logs, the audit log and the status stream: "<method>:<path or name>#<n>".
    QString nextPeerDescription();
    // Counts the peer while it is connected, deletes it once closed and hands it to the agent.
    void addPeer(ChannelPeer *peer);
    virtual bool isListening() const = 0;

private:
    int m_peers = 0;
    quint64 m_accepted = 0;
};

} // namespace qtga
