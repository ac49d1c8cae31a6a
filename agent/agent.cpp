#include "agent.h"

#include "channels/isaserialchannel.h"
#include "channels/streamlistenchannel.h"
#include "channels/virtioserialchannel.h"
#include "logging.h"
#include "session.h"
#include "signalrouter.h"
#include "status/statusserver.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cerrno>
#include <csignal>
#include <cstring>

Q_LOGGING_CATEGORY(lcAgent, "qtga.agent")

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
        auto *channel = new StreamListenChannel(socket.method, socket.address);
        channel->setName(socket.name);
        channel->adoptListeningFd(socket.fd);
        connect(channel, &Channel::peerConnected, this, &Agent::onPeerConnected);
        m_channels.append(channel);
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
    startStatusServer(activatedStatusFd);
    return true;
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
        m_statusServer->adoptListeningFd(activatedFd);
        return;
    }
    const StatusSocketOptions options = statusSocketOptions(m_config);
    if (options.path.isEmpty())
        return;
    QString error;
    if (!m_statusServer->listen(options, &error))
        qCCritical(lcAgent).noquote() << "status socket disabled:" << error;
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
        if (spec.method == QLatin1String("vsock-listen"))
            return new VsockListenChannel(spec.path);
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
    return router.watch(SIGTERM, error) && router.watch(SIGINT, error);
}

void Agent::onSignal(int signo)
{
    if (signo != SIGTERM && signo != SIGINT)
        return;
    if (isFrozen()) {
        // Exiting now would leave the filesystems frozen with nobody to thaw them.
        qCWarning(lcAgent) << "ignoring signal" << signo << "while frozen";
        return;
    }
    qCInfo(lcAgent) << "received signal" << signo << ", exiting";
    QCoreApplication::exit(0);
}

} // namespace qtga
