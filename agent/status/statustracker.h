// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Follows the agent's channels, commands and frozen state, keeps the status a new status
// reader gets as its snapshot, and announces every change as a status message.
#pragma once

#include "dispatch/dispatcher.h"
#include "statusprotocol.h"

#include <QList>
#include <QObject>
#include <QPointer>

#include <array>

namespace qtga {

class Channel;
class FrozenState;

class StatusTracker : public QObject, private CommandObserver
{
    Q_OBJECT
public:
    explicit StatusTracker(QObject *parent = nullptr);
    ~StatusTracker() override;

    // Channels get ids in the order they are watched.
    void watchChannel(Channel *channel);
    void watchDispatcher(Dispatcher *dispatcher);
    void watchFrozenState(FrozenState *frozen);

    // Takes in the commands recorded while nobody listened before answering.
    const status::AgentStatus &current() const;

    // Whether anybody wants a `changed` message per finished command (a status reader is
    // connected). While nobody does, finished commands are only counted and kept raw, and
    // current() turns them into records when it is next asked: a busy agent with no tray
    // does not build a status record per command.
    void setCommandEventsWanted(bool wanted);

Q_SIGNALS:
    // Emitted after current() has taken the change in.
    void changed(const qtga::status::StatusMessage &message);

private:
    void refreshChannel(int id);
    void commandFinished(const FinishedCommand &command) override;
    void onFrozenChanged(bool frozen);
    void publish(const status::StatusMessage &message);

    void takeInUnpublished() const;

    struct Unpublished
    {
        QByteArray name;  // a registered command name (implicitly shared, no copy)
        bool succeeded = false;
        qint64 durationMicros = 0;
        qint64 finishedMsecs = 0;  // since the epoch, UTC
    };

    mutable status::AgentStatus m_status;
    // A ring of the newest finished commands not yet in m_status.recent.
    mutable std::array<Unpublished, status::RecentCommandsKept> m_unpublished;
    mutable int m_unpublishedCount = 0;
    int m_unpublishedNext = 0;
    bool m_commandEventsWanted = true;
    QList<QPointer<Channel>> m_channels;
    QPointer<Dispatcher> m_dispatcher;
};

} // namespace qtga
