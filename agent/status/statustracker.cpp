// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "statustracker.h"

#include "channels/channel.h"
#include "channels/listeningchannel.h"
#include "dispatch/dispatcher.h"
#include "frozenstate.h"
#include "qtga_version.h"

#include <QCoreApplication>

#include <algorithm>

namespace qtga {

using status::ChannelStatus;
using status::StatusMessage;

namespace {

status::ChannelState stateOf(Channel::State state)
{
    switch (state) {
    case Channel::State::Closed: return status::ChannelState::Closed;
    case Channel::State::Listening: return status::ChannelState::Listening;
    case Channel::State::HostConnected: return status::ChannelState::HostConnected;
    case Channel::State::WaitingForHost: return status::ChannelState::WaitingForHost;
    case Channel::State::Retrying: return status::ChannelState::Retrying;
    case Channel::State::Error: return status::ChannelState::Error;
    }
    return status::ChannelState::Error;
}

// A listening socket serves any number of clients; a device carries one host or none.
int clientsOf(const Channel *channel)
{
    if (const auto *listening = qobject_cast<const ListeningChannel *>(channel))
        return listening->connectedPeers();
    return channel->state() == Channel::State::HostConnected ? 1 : 0;
}

// Only registered command names get here: never text chosen by a client. The audit detail
// (paths, programs) stays in the agent's own log, away from the desktop.
status::CommandRecord commandRecord(const QByteArray &name, bool succeeded, qint64 durationMicros, QDateTime finished)
{
    status::CommandRecord record;
    record.name = QString::fromLatin1(name);
    record.succeeded = succeeded;
    record.durationMicros = durationMicros;
    record.finished = std::move(finished);
    return record;
}

} // namespace

StatusTracker::StatusTracker(QObject *parent) : QObject(parent)
{
    m_status.version = QStringLiteral(QTGA_VERSION);
    m_status.pid = QCoreApplication::applicationPid();
    m_status.started = QDateTime::currentDateTimeUtc();
}

void StatusTracker::watchChannel(Channel *channel)
{
    const int id = int(m_channels.size());
    m_channels.append(channel);
    ChannelStatus c;
    c.id = id;
    c.method = channel->method();
    c.path = channel->path();
    c.name = channel->name();
    c.state = stateOf(channel->state());
    c.clients = clientsOf(channel);
    m_status.channels.append(c);
    connect(channel, &Channel::stateChanged, this, [this, id] { refreshChannel(id); });
    connect(channel, &Channel::peerConnected, this, [this, id](ChannelPeer *peer) {
        refreshChannel(id);
        // The channel's own handler of closed() runs first and has counted the peer out.
        connect(peer, &ChannelPeer::closed, this, [this, id] { refreshChannel(id); });
    });
}

StatusTracker::~StatusTracker()
{
    if (m_dispatcher)
        m_dispatcher->removeObserver(this);
}

void StatusTracker::watchDispatcher(Dispatcher *dispatcher)
{
    if (m_dispatcher)
        m_dispatcher->removeObserver(this);
    m_dispatcher = dispatcher;
    dispatcher->addObserver(this);
}

void StatusTracker::watchFrozenState(FrozenState *frozen)
{
    if (frozen->isFrozen()) {
        // Frozen by an earlier instance; when exactly is not known.
        m_status.frozen = true;
        m_status.frozenSince = m_status.started;
    }
    // Freezes and thaws happen on worker threads; queued, they arrive in the order the worker
    // caused them, before the freeze command's own completion.
    connect(frozen, &FrozenState::frozenChanged, this, &StatusTracker::onFrozenChanged, Qt::QueuedConnection);
}

void StatusTracker::refreshChannel(int id)
{
    const Channel *channel = m_channels.value(id);
    if (!channel)
        return;
    const ChannelStatus &before = m_status.channels.at(id);
    ChannelStatus now = before;
    now.state = stateOf(channel->state());
    now.clients = clientsOf(channel);
    if (now == before)
        return;
    StatusMessage::Type type = StatusMessage::Type::ChannelState;
    if (now.clients > before.clients)
        type = StatusMessage::Type::ClientConnected;
    else if (now.clients < before.clients)
        type = StatusMessage::Type::ClientDisconnected;
    publish(StatusMessage::makeChannel(type, now, QDateTime::currentDateTimeUtc()));
}

const status::AgentStatus &StatusTracker::current() const
{
    takeInUnpublished();
    return m_status;
}

void StatusTracker::setCommandEventsWanted(bool wanted)
{
    if (wanted)
        takeInUnpublished();
    m_commandEventsWanted = wanted;
}

void StatusTracker::takeInUnpublished() const
{
    if (m_unpublishedCount == 0)
        return;
    // Oldest first, so the newest ends up at the front of `recent`.
    const int size = int(m_unpublished.size());
    for (int i = m_unpublishedCount; i > 0; --i) {
        Unpublished &u = m_unpublished[size_t((m_unpublishedNext - i + size) % size)];
        m_status.recent.prepend(commandRecord(u.name, u.succeeded, u.durationMicros,
                                              QDateTime::fromMSecsSinceEpoch(u.finishedMsecs, Qt::UTC)));
        u.name.clear();
    }
    if (m_status.recent.size() > status::RecentCommandsKept)
        m_status.recent.resize(status::RecentCommandsKept);
    m_unpublishedCount = 0;
}

void StatusTracker::commandFinished(const FinishedCommand &command)
{
    if (!m_commandEventsWanted) {
        ++m_status.commands;
        if (!command.succeeded)
            ++m_status.errors;
        Unpublished &u = m_unpublished[size_t(m_unpublishedNext)];
        u.name = command.name;
        u.succeeded = command.succeeded;
        u.durationMicros = command.durationMicros;
        u.finishedMsecs = QDateTime::currentMSecsSinceEpoch();
        m_unpublishedNext = (m_unpublishedNext + 1) % int(m_unpublished.size());
        m_unpublishedCount = std::min(m_unpublishedCount + 1, int(m_unpublished.size()));
        return;
    }
    const status::CommandRecord record = commandRecord(command.name, command.succeeded, command.durationMicros,
                                                       QDateTime::currentDateTimeUtc());
    publish(StatusMessage::makeCommand(record, m_status.commands + 1, m_status.errors + (command.succeeded ? 0 : 1)));
}

void StatusTracker::onFrozenChanged(bool frozen)
{
    if (frozen == m_status.frozen)
        return;
    publish(StatusMessage::makeFreeze(frozen, QDateTime::currentDateTimeUtc()));
}

void StatusTracker::publish(const StatusMessage &message)
{
    status::applyMessage(m_status, message);
    Q_EMIT changed(message);
}

} // namespace qtga
