// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Owns the channels, their sessions, the dispatcher, the state directory and the signal
// handling of one qtga-agent process.
#pragma once

#include "auditlog.h"
#include "engines/execprocesstable.h"
#include "engines/filehandletable.h"
#include "config.h"
#include "process/socketactivation.h"
#include "dispatch/commandcontext.h"
#include "dispatch/commandregistry.h"
#include "dispatch/dispatcher.h"
#include "frozenstate.h"
#include "process/sdnotify.h"
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

    // What SIGHUP re-reads: the same command line and default config path as at start-up.
    void setReloadSource(QStringList arguments, QString defaultConfigPath);

    // Sockets passed by systemd-style activation replace -m/-p.
    void setActivatedSockets(QList<ActivatedSocket> sockets) { m_activated = std::move(sockets); }

    // Loads the state dir, applies the command filters and opens every channel. With
    // --retry-path a channel that cannot be opened is retried; otherwise it is fatal.
    bool start(QString *error);
    // SIGINT/SIGTERM end the event loop with status 0, except while frozen; SIGHUP reloads the
    // config and reopens the log file; SIGUSR1 writes a state dump to the log.
    bool installSignalHandlers(QString *error);
    // Tells the service manager the agent is going away (STOPPING=1).
    void notifyStopping();

    // The state dump SIGUSR1 writes, one line per entry.
    QStringList stateDump() const;

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
    // --vsock-allow=any is worth a warning at start-up when there is a vsock channel.
    void warnIfVsockOpenToAll();
    void onSignal(int signo);
    void startStatusServer(int activatedFd);
    void reload();
    void notifyReady();
    QString statusLine() const;

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
    std::unique_ptr<AuditLog> m_audit;
    SystemdNotifier m_notifier;
    QTimer m_watchdog;
    bool m_ready = false;
    QStringList m_arguments;
    QString m_defaultConfigPath;
};

} // namespace qtga
