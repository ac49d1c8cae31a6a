#include "agent.h"

#include "channels/streamlistenchannel.h"
#include "logging.h"
#include "session.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcAgent, "qtga.agent")

namespace qtga {

namespace {
int g_signalWriteFd = -1;

void forwardSignal(int signo)
{
    const int saved = errno;
    const unsigned char byte = static_cast<unsigned char>(signo);
    if (::write(g_signalWriteFd, &byte, 1) < 0) {
        // Nothing useful can be done inside a signal handler; the byte is lost.
    }
    errno = saved;
}
} // namespace

Agent::Agent(Config config, QObject *parent)
    : QObject(parent),
      m_config(std::move(config)),
      m_state(m_config.stateDir),
      m_dispatcher(m_registry, m_services)
{
    registerAllCommands(m_registry);
    m_services.config = &m_config;
    m_services.state = &m_state;
    m_dispatcher.setRpcLists(m_config.allowRpcs, m_config.blockRpcs);
}

Agent::~Agent()
{
    m_dispatcher.waitForWorkers();
    qDeleteAll(m_channels);
    if (m_signalFds[0] >= 0) {
        m_signalNotifier.reset();
        g_signalWriteFd = -1;
        ::close(m_signalFds[0]);
        ::close(m_signalFds[1]);
    }
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
        logging::setPaused(true);
        m_dispatcher.setFrozen(true);
    } else if (!logging::openLogFile(m_config.logFile, error)) {
        return false;
    }
    if (!m_state.load(frozen, error))
        return false;

    QList<ChannelSpec> specs{ChannelSpec{m_config.method, m_config.path}};
    specs += m_config.extraChannels;
    for (const ChannelSpec &spec : specs) {
        Channel *channel = createChannel(spec, error);
        if (!channel)
            return false;
        m_channels.append(channel);
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
    return true;
}

Channel *Agent::createChannel(const ChannelSpec &spec, QString *error)
{
    if (spec.method == QLatin1String("unix-listen")) {
        if (spec.path.isEmpty()) {
            *error = QStringLiteral("must specify a path for this channel");
            return nullptr;
        }
        auto *channel = new UnixListenChannel(spec.path);
        return channel;
    }
    *error = QStringLiteral("unsupported channel method/type: %1").arg(spec.method);
    return nullptr;
}

bool Agent::openChannel(Channel *channel, QString *error)
{
    if (!channel->open(error))
        return false;
    connect(channel, &Channel::peerConnected, this, &Agent::onPeerConnected, Qt::UniqueConnection);
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

void Agent::onPeerConnected(ChannelPeer *peer)
{
    auto *session = new Session(peer, m_dispatcher, this);
    connect(session, &Session::finished, session, &QObject::deleteLater);
}

bool Agent::installSignalHandlers(QString *error)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, m_signalFds) < 0) {
        *error = QStringLiteral("socketpair: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    g_signalWriteFd = m_signalFds[1];
    m_signalNotifier = std::make_unique<QSocketNotifier>(m_signalFds[0], QSocketNotifier::Read);
    connect(m_signalNotifier.get(), &QSocketNotifier::activated, this, &Agent::onSignal);
    struct sigaction sa{};
    sa.sa_handler = forwardSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    return true;
}

void Agent::onSignal()
{
    unsigned char signo;
    while (::read(m_signalFds[0], &signo, 1) == 1) {
        if (signo == SIGTERM || signo == SIGINT) {
            if (isFrozen()) {
                // Exiting now would leave the filesystems frozen with nobody to thaw them.
                qCWarning(lcAgent) << "ignoring signal" << signo << "while frozen";
                continue;
            }
            qCInfo(lcAgent) << "received signal" << signo << ", exiting";
            QCoreApplication::exit(0);
        }
    }
}

} // namespace qtga
