// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "agentharness.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace qtga::test {

QString agentBinary()
{
    return qEnvironmentVariable("QTGA_AGENT", QStringLiteral("qtga-agent"));
}

QString referenceBinary()
{
    return qEnvironmentVariable("QTGA_QEMU_GA");
}

AgentProcess::AgentProcess(QString binary) : m_binary(std::move(binary))
{
    QDir(m_dir.path()).mkpath(QStringLiteral("state"));
    m_process.setWorkingDirectory(m_dir.path());
}

AgentProcess::~AgentProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool AgentProcess::start(const QStringList &extra, int timeoutMs)
{
    QStringList arguments{QStringLiteral("-m"), QStringLiteral("unix-listen"), QStringLiteral("-p"), socketPath(),
                          QStringLiteral("-t"), stateDir()};
    arguments += extra;
    // Test agents must not share (or fight over) the machine-wide status socket.
    const bool statusSocketGiven = std::any_of(extra.cbegin(), extra.cend(), [](const QString &a) {
        return a.startsWith(QLatin1String("--status-socket"));
    });
    if (m_binary != referenceBinary() && !statusSocketGiven)
        arguments << QStringLiteral("--status-socket=");
    m_process.start(m_binary, arguments);
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (isListening(socketPath()))
            return true;
        if (m_process.state() == QProcess::NotRunning)
            return false;
        QThread::msleep(5);
    }
    return false;
}

qint64 rssKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

bool isListening(const QString &path)
{
    // Looked up in /proc/net/unix instead of connecting: a probe connection would be one more
    // client in the agent's status stream and descriptor table, closed at some later moment.
    QFile table(QStringLiteral("/proc/net/unix"));
    if (!table.open(QIODevice::ReadOnly))
        return false;
    const QByteArray wanted = QFile::encodeName(path);
    for (const QByteArray &line : table.readAll().split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        // Num RefCount Protocol Flags Type St Inode Path; Flags has __SO_ACCEPTCON (1 << 16).
        if (fields.size() >= 8 && fields.at(7) == wanted && (fields.at(3).toULong(nullptr, 16) & 0x10000))
            return true;
    }
    return false;
}

int AgentProcess::runToExit(const QStringList &arguments, QByteArray *out, QByteArray *err)
{
    m_process.start(m_binary, arguments);
    if (!m_process.waitForFinished(20000))
        return -1;
    if (out)
        *out = m_process.readAllStandardOutput();
    if (err)
        *err = m_process.readAllStandardError();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

bool AgentProcess::isRunning() const
{
    return m_process.state() == QProcess::Running;
}

qint64 AgentProcess::pid() const
{
    return m_process.processId();
}

int AgentProcess::stop(int signo, int timeoutMs)
{
    ::kill(pid_t(m_process.processId()), signo);
    if (!m_process.waitForFinished(timeoutMs))
        return -1;
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QByteArray AgentProcess::standardError()
{
    return m_process.readAllStandardError();
}

QgaClient::QgaClient() = default;

QgaClient::~QgaClient()
{
    close();
}

bool QgaClient::connectTo(const QString &path, int timeoutMs)
{
    close();
    QDeadlineTimer deadline(timeoutMs);
    const QByteArray native = QFile::encodeName(path);
    do {
        m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, native.constData(), sizeof addr.sun_path - 1);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0)
            return true;
        ::close(m_fd);
        m_fd = -1;
        QThread::msleep(10);
    } while (!deadline.hasExpired());
    return false;
}

bool QgaClient::send(const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::send(m_fd, bytes.constData() + done, size_t(bytes.size() - done), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        done += n;
    }
    return true;
}

QByteArray QgaClient::readLine(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        const qsizetype nl = m_buffer.indexOf('\n');
        if (nl >= 0) {
            QByteArray line = m_buffer.left(nl);
            m_buffer.remove(0, nl + 1);
            return line;
        }
        pollfd p{m_fd, POLLIN, 0};
        const int wait = int(deadline.remainingTime());
        if (wait == 0 || ::poll(&p, 1, wait) <= 0)
            return QByteArray();
        char chunk[65536];
        ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return QByteArray();
        m_buffer.append(chunk, n);
    }
}

QByteArray QgaClient::request(const QByteArray &json, int timeoutMs)
{
    if (!send(json))
        return QByteArray();
    return readLine(timeoutMs);
}

bool QgaClient::hasDataWithin(int timeoutMs)
{
    if (!m_buffer.isEmpty())
        return true;
    pollfd p{m_fd, POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) > 0;
}

void QgaClient::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_buffer.clear();
}

void QgaClient::reset()
{
    // Unix sockets have no RST; closing with unread data in our receive queue is the closest
    // thing and makes the agent's next send fail with EPIPE/ECONNRESET.
    shutdown(m_fd, SHUT_RDWR);
    close();
}

} // namespace qtga::test
