// Owns the channels, their sessions, the dispatcher, the state directory and the signal
// handling of one qtga-agent process.
#pragma once

#include "commands/execprocesstable.h"
#include "commands/filehandletable.h"
#include "config.h"
#include "socketactivation.h"
#include "dispatch/commandcontext.h"
#include "dispatch/commandregistry.h"
#include "dispatch/dispatcher.h"
#include "frozenstate.h"
#include "state.h"
#include "status/statustracker.h"

#include <QList>
#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include <memory>

namespace qtga {

class Channel;
class ChannelPeer;
class Session;
class StatusServer;

class Agent : public QObject
{
    Q_OBJECT
public:
    static constexpr int RetryIntervalMs = 5000;

    explicit Agent(Config config, QObject *parent = nullptr);
    ~Agent() override;

    // Sockets passed by systemd-style activation replace -m/-p (spec §3.5).
    void setActivatedSockets(QList<ActivatedSocket> sockets) { m_activated = std::move(sockets); }

    // Loads the state dir, applies the command filters and opens every channel. With
    // --retry-path a channel that cannot be opened is retried; otherwise it is fatal.
    bool start(QString *error);
    // SIGINT/SIGTERM end the event loop with status 0, except while frozen.
    bool installSignalHandlers(QString *error);

    bool isFrozen() const { return m_dispatcher.isFrozen(); }
    const QList<Channel *> &channels() const { return m_channels; }
    Dispatcher &dispatcher() { return m_dispatcher; }
    FrozenState &frozenState() { return m_frozen; }

private:
    Channel *createChannel(const ChannelSpec &spec, QString *error);
    bool openChannel(Channel *channel, QString *error);
    void scheduleRetry(Channel *channel);
    void onChannelFailed(Channel *channel, const QString &reason);
    void onPeerConnected(ChannelPeer *peer);
    void onSignal(int signo);
    void startStatusServer(int activatedFd);

    Config m_config;
    StateStore m_state;
    FileHandleTable m_files;
    ExecProcessTable m_processes;
    CommandRegistry m_registry;
    AgentServices m_services;
    Dispatcher m_dispatcher;
    FrozenState m_frozen;
    QList<Channel *> m_channels;
    QList<ActivatedSocket> m_activated;
    StatusTracker m_statusTracker;
    std::unique_ptr<StatusServer> m_statusServer;
};

} // namespace qtga
