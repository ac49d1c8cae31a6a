// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "selftest.h"

#include "channels/vsocklistenchannel.h"
#include "channels/virtioserialchannel.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

namespace qtga {

namespace {

QString errnoText(int err)
{
    return QString::fromLocal8Bit(strerror(err));
}

// Whether a new file could be created in `dir` (by creating and removing one).
bool canCreateIn(const QString &dir, QString *why)
{
    const QByteArray probe = QFile::encodeName(dir + QStringLiteral("/.qtga-self-test-%1").arg(::getpid()));
    const int fd = ::open(probe.constData(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        *why = errnoText(errno);
        return false;
    }
    ::close(fd);
    ::unlink(probe.constData());
    return true;
}

SelfTestCheck check(const QString &what)
{
    SelfTestCheck c;
    c.what = what;
    return c;
}

} // namespace

SelfTest::SelfTest(const Config &config, QString statusSocket, int activatedSockets)
    : m_config(config), m_statusSocket(std::move(statusSocket)), m_activatedSockets(activatedSockets)
{
}

QList<SelfTestCheck> SelfTest::run() const
{
    QList<SelfTestCheck> checks;
    SelfTestCheck config = check(QStringLiteral("configuration"));
    config.passed = true;
    config.detail = QFileInfo::exists(m_config.configPath)
                        ? QStringLiteral("read from %1").arg(m_config.configPath)
                        : QStringLiteral("no file at %1: command line and defaults only").arg(m_config.configPath);
    checks << config;
    QList<ChannelSpec> channels;
    if (m_activatedSockets > 0) {
        SelfTestCheck activated = check(QStringLiteral("socket activation"));
        activated.passed = true;
        activated.detail = QStringLiteral("%1 listening socket(s) passed by the service manager; -m/-p are not used")
                               .arg(m_activatedSockets);
        checks << activated;
    } else {
        channels << ChannelSpec{m_config.method, m_config.path};
    }
    channels += m_config.extraChannels;
    for (const ChannelSpec &spec : channels)
        checks << checkChannel(spec);
    checks << checkStateDir();
    if (!m_config.fsfreezeHook.isEmpty())
        checks << checkHook();
    if (!m_config.logFile.isEmpty())
        checks << checkLogFile();
    if (!m_statusSocket.isEmpty())
        checks << checkStatusSocket();
    return checks;
}

SelfTestCheck SelfTest::checkChannel(const ChannelSpec &spec) const
{
    SelfTestCheck c = check(QStringLiteral("channel %1 %2").arg(spec.method, spec.path));
    if (spec.method == QLatin1String("virtio-serial") || spec.method == QLatin1String("isa-serial")) {
        QString device = spec.path;
        if (spec.method == QLatin1String("virtio-serial") && !QFileInfo::exists(device)) {
            const QString found = VirtioSerialChannel::findPortByName(QFileInfo(device).fileName());
            if (!found.isEmpty()) {
                c.detail = QStringLiteral("no udev link; found the port as %1. ").arg(found);
                device = found;
            }
        }
        const int fd = ::open(QFile::encodeName(device).constData(), O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            const int err = errno;
            c.detail += QStringLiteral("cannot open %1: %2").arg(device, errnoText(err));
            if (err == ENOENT)
                c.fix = spec.method == QLatin1String("virtio-serial")
                            ? QStringLiteral("add a virtio-serial port named org.qemu.guest_agent.0 to the VM "
                                             "(libvirt: <channel type='unix'><target type='virtio' "
                                             "name='org.qemu.guest_agent.0'/></channel>), or use --retry-path to wait for it")
                            : QStringLiteral("check that the VM has this serial port, or pass the right one with -p");
            else if (err == EBUSY)
                c.fix = QStringLiteral("another agent (qemu-ga?) holds the port: stop it (systemctl stop qemu-guest-agent)");
            else if (err == EACCES || err == EPERM)
                c.fix = QStringLiteral("run the agent as root");
            return c;
        }
        termios tio;
        const bool serialOk = spec.method != QLatin1String("isa-serial") || ::tcgetattr(fd, &tio) == 0;
        ::close(fd);
        if (!serialOk) {
            c.detail += QStringLiteral("%1 is not a serial port").arg(device);
            c.fix = QStringLiteral("pass a tty device with -p (e.g. /dev/ttyS1)");
            return c;
        }
        c.passed = true;
        c.detail += QStringLiteral("%1 opens read-write").arg(device);
        return c;
    }
    if (spec.method == QLatin1String("unix-listen")) {
        if (spec.path.isEmpty()) {
            c.detail = QStringLiteral("no socket path");
            c.fix = QStringLiteral("give the socket path with -p");
            return c;
        }
        if (size_t(QFile::encodeName(spec.path).size()) > sizeof(sockaddr_un::sun_path)) {
            c.detail = QStringLiteral("the path is longer than %1 bytes").arg(sizeof(sockaddr_un::sun_path));
            c.fix = QStringLiteral("use a shorter path");
            return c;
        }
        const QString dir = QFileInfo(spec.path).absolutePath();
        QString why;
        if (!canCreateIn(dir, &why)) {
            c.detail = QStringLiteral("cannot create files in %1: %2").arg(dir, why);
            c.fix = QStringLiteral("create %1 and make it writable for the agent").arg(dir);
            return c;
        }
        c.passed = true;
        c.detail = QStringLiteral("%1 can be created%2").arg(spec.path,
                                                             QFileInfo::exists(spec.path) ? QStringLiteral(" (a stale file there will be replaced)")
                                                                                          : QString());
        return c;
    }
    if (spec.method == QLatin1String("vsock-listen")) {
        VsockAddress address;
        QString error;
        if (!parseVsockAddress(spec.path, &address, &error)) {
            c.detail = error;
            c.fix = QStringLiteral("write the address as CID:PORT, e.g. -p 4294967295:1234 (any CID)");
            return c;
        }
        const int fd = ::socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            c.detail = QStringLiteral("no AF_VSOCK sockets: %1").arg(errnoText(errno));
            c.fix = QStringLiteral("add a vhost-vsock-pci device to the VM and load the vmw_vsock_virtio_transport module");
            return c;
        }
        ::close(fd);
        c.passed = true;
        const VsockAllowList &allowed = m_config.vsockAllow;
        const QString peers = allowed.any ? QStringLiteral("from every CID (--vsock-allow=any)")
                              : allowed.isDefault() ? QStringLiteral("from the host (CID 2) only")
                                                    : QStringLiteral("from CID %1 only").arg(allowed.text());
        c.detail = QStringLiteral("vsock sockets available; will listen on CID %1 port %2 and accept connections %3")
                       .arg(QString::number(address.cid), QString::number(address.port), peers);
        return c;
    }
    c.detail = QStringLiteral("unsupported channel method/type: %1").arg(spec.method);
    c.fix = QStringLiteral("use virtio-serial, isa-serial, unix-listen or vsock-listen");
    return c;
}

SelfTestCheck SelfTest::checkStateDir() const
{
    SelfTestCheck c = check(QStringLiteral("state directory %1").arg(m_config.stateDir));
    QString why;
    if (!QFileInfo(m_config.stateDir).isDir()) {
        c.detail = QStringLiteral("does not exist");
        c.fix = QStringLiteral("create it (mkdir -p %1) or choose another with -t").arg(m_config.stateDir);
    } else if (!canCreateIn(m_config.stateDir, &why)) {
        c.detail = QStringLiteral("not writable: %1").arg(why);
        c.fix = QStringLiteral("run as root or choose a writable directory with -t");
    } else {
        c.passed = true;
        c.detail = QFileInfo::exists(m_config.stateDir + QStringLiteral("/qga.state.isfrozen"))
                       ? QStringLiteral("writable; NOTE: qga.state.isfrozen is present, the agent will start frozen until the host thaws")
                       : QStringLiteral("writable");
    }
    return c;
}

SelfTestCheck SelfTest::checkHook() const
{
    SelfTestCheck c = check(QStringLiteral("fsfreeze hook %1").arg(m_config.fsfreezeHook));
    const QByteArray path = QFile::encodeName(m_config.fsfreezeHook);
    if (::access(path.constData(), F_OK) != 0) {
        c.detail = QStringLiteral("does not exist");
        c.fix = QStringLiteral("install the hook (the package ships " QTGA_CONFIG_DIR "/fsfreeze-hook) or drop -F");
    } else if (::access(path.constData(), X_OK) != 0) {
        c.detail = QStringLiteral("not executable");
        c.fix = QStringLiteral("chmod +x %1").arg(m_config.fsfreezeHook);
    } else {
        c.passed = true;
        c.detail = QStringLiteral("executable");
    }
    return c;
}

SelfTestCheck SelfTest::checkLogFile() const
{
    SelfTestCheck c = check(QStringLiteral("log file %1").arg(m_config.logFile));
    const int fd = ::open(QFile::encodeName(m_config.logFile).constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        c.detail = QStringLiteral("cannot open for appending: %1").arg(errnoText(errno));
        c.fix = QStringLiteral("create its directory or choose another path with -l");
        return c;
    }
    ::close(fd);
    c.passed = true;
    c.detail = QStringLiteral("opens for appending");
    return c;
}

SelfTestCheck SelfTest::checkStatusSocket() const
{
    SelfTestCheck c = check(QStringLiteral("status socket %1").arg(m_statusSocket));
    // The agent creates the socket's own directory when it is missing, so then it is the
    // parent that must be writable. Nothing is created here.
    QString dir = QFileInfo(m_statusSocket).absolutePath();
    if (!QFileInfo(dir).isDir())
        dir = QFileInfo(dir).absolutePath();
    QString why;
    if (!QFileInfo(dir).isDir()) {
        c.detail = QStringLiteral("neither %1 nor its parent exists").arg(QFileInfo(m_statusSocket).absolutePath());
        c.fix = QStringLiteral("create it, or choose another path with --status-socket");
    } else if (!canCreateIn(dir, &why)) {
        c.detail = QStringLiteral("cannot create files in %1: %2").arg(dir, why);
        c.fix = QStringLiteral("make %1 writable for the agent, or choose another path with --status-socket").arg(dir);
    } else {
        c.passed = true;
        c.detail = QStringLiteral("can be created");
    }
    return c;
}

QByteArray SelfTest::report(const QList<SelfTestCheck> &checks)
{
    QByteArray out;
    int failed = 0;
    for (const SelfTestCheck &c : checks) {
        out += (c.passed ? "[ ok ] " : "[FAIL] ") + c.what.toLocal8Bit() + "\n";
        if (!c.detail.isEmpty())
            out += "       " + c.detail.toLocal8Bit() + "\n";
        if (!c.passed) {
            ++failed;
            if (!c.fix.isEmpty())
                out += "       fix: " + c.fix.toLocal8Bit() + "\n";
        }
    }
    out += failed == 0 ? QByteArray("self-test passed: ") + QByteArray::number(checks.size()) + " checks\n"
                       : QByteArray("self-test FAILED: ") + QByteArray::number(failed) + " of "
                             + QByteArray::number(checks.size()) + " checks\n";
    return out;
}

bool SelfTest::allPassed(const QList<SelfTestCheck> &checks)
{
    for (const SelfTestCheck &c : checks) {
        if (!c.passed)
            return false;
    }
    return true;
}

} // namespace qtga
