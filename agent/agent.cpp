// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "agent.h"

#include "channels/isaserialchannel.h"
#include "channels/unixlistenchannel.h"
#include "channels/virtioserialchannel.h"
#include "channels/vsocklistenchannel.h"
#include "process/logging.h"
#include "session.h"
#include "process/signalrouter.h"
#include "status/statusserver.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cerrno>
#include <csignal>
#include <cstring>

Q_LOGGING_CATEGORY(lcAgent, "qtga.agent")
Q_LOGGING_CATEGORY(lcNotice, "qtga.notice")

namespace qtga {


Agent::Agent(Config config, QObject *parent)
    : QObject(parent),
      m_config(std::move(config)),
      m_state(m_config.stateDir),
      m_dispatcher(m_registry, m_services),
      m_frozen(m_dispatcher, m_state)
{
    registerAllCommands(m_registry);
    m_services.config = &m_config;
    m_services.state = &m_state;
    m_services.files = &m_files;
    m_services.processes = &m_processes;
    m_services.frozen = &m_frozen;
    if (m_config.fsfreezeWatchdog)
        m_frozen.setWatchdog(*m_config.fsfreezeWatchdog, [this] { return FsFreezer::forAgent(m_services).thaw(); });
    m_dispatcher.setRpcLists(m_config.allowRpcs, m_config.blockRpcs);
    logging::setAuditEnabled(m_config.audit);
    if (m_config.audit)
        m_audit = std::make_unique<AuditLog>(m_dispatcher, m_config.auditPollInterval.value_or(AuditLog::DefaultPollIntervalSeconds));
}

void Agent::setReloadSource(QStringList arguments, QString defaultConfigPath)
{
    m_arguments = std::move(arguments);
    m_defaultConfigPath = std::move(defaultConfigPath);
}

Agent::~Agent()
{
    m_dispatcher.waitForWorkers();
    if (isFrozen()) {
        // Leaving with frozen filesystems would probably hang the guest.
        const CommandOutcome thawed = FsFreezer::forAgent(m_services).thaw();
        if (thawed.isError())
            qCWarning(lcAgent) << "failed to clean up frozen filesystems:" << thawed.error().desc;
    }
    qDeleteAll(m_channels);
}

bool Agent::start(QString *error)
{
    QString markerError;
    const bool frozen = m_state.frozenMarkerExists(&markerError);
    if (!markerError.isEmpty()) {
        *error = markerError;
        return false;
    }
    if (frozen) {
        // A previous instance died with frozen filesystems: only the freeze allow-list works
        // until the host thaws, and nothing may be written to disk meanwhile.
        m_frozen.resumeFrozen(m_config.logFile);
    } else if (!logging::openLogFile(m_config.logFile, error)) {
        return false;
    }
    if (!m_state.load(frozen, error))
        return false;

    int activatedStatusFd = -1;
    for (const ActivatedSocket &socket : std::as_const(m_activated)) {
        if (socket.name == QLatin1String("status")) {
            activatedStatusFd = socket.fd;
            continue;
        }
        ListeningChannel *channel = nullptr;
        if (socket.method == QLatin1String("vsock-listen")) {
            auto *vsock = new VsockListenChannel(socket.address);
            vsock->setAllowedPeers(m_config.vsockAllow);
            channel = vsock;
        } else {
            channel = new UnixListenChannel(socket.address);
        }
        channel->setName(socket.name);
        connect(channel, &Channel::peerConnected, this, &Agent::onPeerConnected);
        m_channels.append(channel);
        if (!channel->adopt(socket.fd, error))
            return false;
        qCInfo(lcAgent).noquote() << "socket-activated channel" << socket.method << socket.address << socket.name;
    }

    QList<ChannelSpec> specs;
    // With socket activation, -m and -p are ignored, as in qemu-ga.
    if (m_activated.isEmpty())
        specs.append(ChannelSpec{m_config.method, m_config.path});
    specs += m_config.extraChannels;
    for (const ChannelSpec &spec : specs) {
        Channel *channel = createChannel(spec, error);
        if (!channel)
            return false;
        m_channels.append(channel);
        connect(channel, &Channel::failed, this, [this, channel](const QString &reason) { onChannelFailed(channel, reason); });
        QString openError;
        if (openChannel(channel, &openError))
            continue;
        if (!m_config.retryPath) {
            *error = QStringLiteral("failed to initialize guest agent channel: %1").arg(openError);
            return false;
        }
        qCCritical(lcAgent).noquote() << "failed to initialize guest agent channel, will retry:" << openError;
        scheduleRetry(channel);
    }
    warnIfVsockOpenToAll();
    startStatusServer(activatedStatusFd);
    notifyReady();
    return true;
}

void Agent::warnIfVsockOpenToAll()
{
    if (!m_config.vsockAllow.any)
        return;
    for (const Channel *channel : std::as_const(m_channels)) {
        if (qobject_cast<const VsockListenChannel *>(channel)) {
            qCWarning(lcSecurity) << "--vsock-allow=any: vsock-listen channels accept connections from every CID, "
                                     "not only from the host";
            return;
        }
    }
}

// READY=1 once every channel is open or retrying, then STATUS= whenever a channel changes
// state, and WATCHDOG=1 at half the interval the service manager asked for.
void Agent::notifyReady()
{
    if (!m_notifier.isActive())
        return;
    for (Channel *channel : std::as_const(m_channels))
        connect(channel, &Channel::stateChanged, this, [this] { m_notifier.notify("STATUS=" + statusLine().toUtf8()); });
    m_notifier.notify("READY=1\nSTATUS=" + statusLine().toUtf8());
    m_ready = true;
    if (m_notifier.watchdogUsec() > 0) {
        m_watchdog.setInterval(int(qMax<qint64>(1, m_notifier.watchdogUsec() / 2000)));
        connect(&m_watchdog, &QTimer::timeout, this, [this] { m_notifier.notify("WATCHDOG=1"); });
        m_watchdog.start();
    }
}

void Agent::notifyStopping()
{
    m_watchdog.stop();
    m_notifier.notify("STOPPING=1");
}

QString Agent::statusLine() const
{
    static const char *const names[] = {"closed", "listening", "host connected", "waiting for host", "retrying", "error"};
    QStringList parts;
    for (const Channel *channel : m_channels) {
        const QString where = channel->name().isEmpty() ? channel->path() : channel->name();
        parts << QStringLiteral("%1 %2: %3").arg(channel->method(), where, QLatin1String(names[int(channel->state())]));
    }
    return (isFrozen() ? QStringLiteral("frozen; ") : QString()) + parts.join(QStringLiteral(", "));
}

QStringList Agent::stateDump() const
{
    QStringList lines;
    lines << QStringLiteral("state dump: pid %1, %2, log level %3, audit %4")
                 .arg(QCoreApplication::applicationPid())
                 .arg(isFrozen() ? QStringLiteral("FROZEN") : QStringLiteral("thawed"),
                      logging::isVerbose() ? QStringLiteral("verbose") : QStringLiteral("errors only"),
                      m_audit ? QStringLiteral("on") : QStringLiteral("off"));
    for (const Channel *channel : m_channels) {
        static const char *const names[] = {"closed", "listening", "host connected", "waiting for host", "retrying", "error"};
        QString line = QStringLiteral("channel %1 %2: %3").arg(channel->method(), channel->path(), QLatin1String(names[int(channel->state())]));
        if (!channel->name().isEmpty())
            line += QStringLiteral(" (name %1)").arg(channel->name());
        if (const auto *listener = qobject_cast<const ListeningChannel *>(channel))
            line += QStringLiteral(", %1 clients").arg(listener->connectedPeers());
        lines << line;
    }
    lines << QStringLiteral("sessions: %1").arg(findChildren<Session *>(QString(), Qt::FindDirectChildrenOnly).size());
    lines << QStringLiteral("open guest-file handles: %1").arg(m_files.count());
    lines << QStringLiteral("guest-exec processes: %1 running, %2 finished and not yet reported")
                 .arg(m_processes.runningCount())
                 .arg(m_processes.finishedCount());
    const status::AgentStatus &status = m_statusTracker.current();
    lines << QStringLiteral("commands: %1 run, %2 failed").arg(status.commands).arg(status.errors);
    QStringList disabled;
    for (const CommandDescriptor &cmd : m_registry.commands()) {
        if (!m_dispatcher.isEnabled(cmd))
            disabled << QString::fromLatin1(cmd.name);
    }
    lines << QStringLiteral("disabled commands: %1").arg(disabled.isEmpty() ? QStringLiteral("none") : disabled.join(u' '));
    return lines;
}

// SIGHUP: the command line and config file are read again; what can change without
// reconnecting (command lists, log level, audit, log file) changes now. Channels stay as they
// are: changing them takes a restart.
void Agent::reload()
{
    if (m_arguments.isEmpty())
        return;
    ParsedCommandLine parsed = parseCommandLine(m_arguments, m_defaultConfigPath);
    if (parsed.action == StartupAction::Exit) {
        qCCritical(lcAgent).noquote() << "reload failed, keeping the current configuration:"
                                      << QString::fromLocal8Bit(parsed.errorOutput + parsed.output).trimmed();
        return;
    }
    Config next = parsed.config;
    applyDefaults(next);
    m_config.allowRpcs = next.allowRpcs;
    m_config.blockRpcs = next.blockRpcs;
    m_dispatcher.setRpcLists(next.allowRpcs, next.blockRpcs);
    m_config.verbose = next.verbose;
    logging::setVerbose(next.verbose);
    m_config.audit = next.audit;
    logging::setAuditEnabled(next.audit);
    if (next.audit && !m_audit)
        m_audit = std::make_unique<AuditLog>(m_dispatcher, next.auditPollInterval.value_or(AuditLog::DefaultPollIntervalSeconds));
    else if (!next.audit)
        m_audit.reset();
    else
        m_audit->setPollInterval(next.auditPollInterval.value_or(AuditLog::DefaultPollIntervalSeconds));
    // Reopened even when the path is unchanged: that is what logrotate needs. Not while frozen.
    if (!isFrozen()) {
        QString error;
        if (logging::openLogFile(next.logFile, &error))
            m_config.logFile = next.logFile;
        else
            qCCritical(lcAgent).noquote() << "reload: keeping the old log file:" << error;
    }
    if (next.method != m_config.method || next.path != m_config.path || next.extraChannels != m_config.extraChannels
        || next.vsockAllow != m_config.vsockAllow)
        qCInfo(lcNotice) << "reload: channel changes take effect at the next restart";
    qCInfo(lcNotice).noquote() << "configuration reloaded";
}

// The status socket is a window for the desktop, not part of the host's contract: if it cannot
// be opened the agent says so and serves the host anyway.
void Agent::startStatusServer(int activatedFd)
{
    for (Channel *channel : std::as_const(m_channels))
        m_statusTracker.watchChannel(channel);
    m_statusTracker.watchDispatcher(&m_dispatcher);
    m_statusTracker.watchFrozenState(&m_frozen);
    m_statusServer = std::make_unique<StatusServer>(m_statusTracker);
    if (activatedFd >= 0) {
        QString error;
        if (!m_statusServer->adopt(activatedFd, &error))
            qCCritical(lcAgent).noquote() << "status socket disabled:" << error;
        return;
    }
    const StatusSocketOptions options = statusSocketOptions(m_config);
    if (options.path.isEmpty())
        return;
    // Not before the channels serve: the group's lookup may wait for a directory service.
    m_statusServer->listenWhenGroupKnown(options);
}

Channel *Agent::createChannel(const ChannelSpec &spec, QString *error)
{
    if (spec.method == QLatin1String("virtio-serial"))
        return new VirtioSerialChannel(spec.path.isEmpty() ? QString::fromLatin1(VirtioSerialChannel::DefaultPath) : spec.path);
    if (spec.method == QLatin1String("isa-serial"))
        return new IsaSerialChannel(spec.path.isEmpty() ? QString::fromLatin1(IsaSerialChannel::DefaultPath) : spec.path);
    if (spec.method == QLatin1String("unix-listen") || spec.method == QLatin1String("vsock-listen")) {
        if (spec.path.isEmpty()) {
            *error = QStringLiteral("must specify a path for this channel");
            return nullptr;
        }
        if (spec.method == QLatin1String("vsock-listen")) {
            auto *channel = new VsockListenChannel(spec.path);
            channel->setAllowedPeers(m_config.vsockAllow);
            return channel;
        }
        return new UnixListenChannel(spec.path);
    }
    *error = QStringLiteral("unsupported channel method/type: %1").arg(spec.method);
    return nullptr;
}

bool Agent::openChannel(Channel *channel, QString *error)
{
    // Connected first: device channels hand over their peer from inside open().
    connect(channel, &Channel::peerConnected, this, &Agent::onPeerConnected, Qt::UniqueConnection);
    if (!channel->open(error))
        return false;
    qCInfo(lcAgent).noquote() << "channel" << channel->method() << channel->path() << "open";
    return true;
}

void Agent::scheduleRetry(Channel *channel)
{
    QTimer::singleShot(RetryIntervalMs, channel, [this, channel] {
        QString error;
        if (!openChannel(channel, &error)) {
            qCInfo(lcAgent).noquote() << "waiting for channel path..." << error;
            scheduleRetry(channel);
        }
    });
}

void Agent::onChannelFailed(Channel *channel, const QString &reason)
{
    qCCritical(lcAgent).noquote() << reason;
    channel->close();
    if (!m_config.retryPath) {
        // qemu-ga's main loop ends on a channel error and the agent exits with status 0.
        qCCritical(lcAgent) << "channel failed and --retry-path is not set, exiting";
        notifyStopping();
        QCoreApplication::exit(0);
        return;
    }
    qCCritical(lcAgent).noquote() << "agent stopped unexpectedly, restarting... waiting for channel path" << channel->path();
    scheduleRetry(channel);
}

void Agent::onPeerConnected(ChannelPeer *peer)
{
    auto *session = new Session(peer, m_dispatcher, this);
    connect(session, &Session::finished, session, &QObject::deleteLater);
}

bool Agent::installSignalHandlers(QString *error)
{
    SignalRouter &router = SignalRouter::instance();
    connect(&router, &SignalRouter::signalReceived, this, &Agent::onSignal);
    return router.watch(SIGTERM, error) && router.watch(SIGINT, error) && router.watch(SIGHUP, error)
           && router.watch(SIGUSR1, error);
}

void Agent::onSignal(int signo)
{
    if (signo == SIGHUP) {
        reload();
        return;
    }
    if (signo == SIGUSR1) {
        if (m_audit)
            m_audit->flushPolls();
        for (const QString &line : stateDump())
            qCInfo(lcNotice).noquote() << line;
        return;
    }
    if (signo != SIGTERM && signo != SIGINT)
        return;
    if (isFrozen()) {
        // Exiting now would leave the filesystems frozen with nobody to thaw them.
        qCWarning(lcAgent) << "ignoring signal" << signo << "while frozen";
        return;
    }
    qCInfo(lcAgent) << "received signal" << signo << ", exiting";
    notifyStopping();
    QCoreApplication::exit(0);
}

} // namespace qtga
