// Follows the agent's channels, commands and frozen state, keeps the status a new status
// reader gets as its snapshot, and announces every change as a status message.
#pragma once

#include "dispatch/dispatcher.h"
#include "statusprotocol.h"

#include <QList>
#include <QObject>
#include <QPointer>

namespace qtga {

class Channel;
class FrozenState;

class StatusTracker : public QObject
{
    Q_OBJECT
public:
    explicit StatusTracker(QObject *parent = nullptr);

    // Channels get ids in the order they are watched.
    void watchChannel(Channel *channel);
    void watchDispatcher(Dispatcher *dispatcher);
    void watchFrozenState(FrozenState *frozen);

    const status::AgentStatus &current() const { return m_status; }

Q_SIGNALS:
    // Emitted after current() has taken the change in.
    void changed(const qtga::status::StatusMessage &message);

private:
    void refreshChannel(int id);
    void onCommandFinished(const qtga::FinishedCommand &command);
    void onFrozenChanged(bool frozen);
    void publish(const status::StatusMessage &message);

    status::AgentStatus m_status;
    QList<QPointer<Channel>> m_channels;
};

} // namespace qtga
