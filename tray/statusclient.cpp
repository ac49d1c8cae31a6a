// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "statusclient.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcClient, "qtga.tray.client")

namespace qtga {

StatusClient::StatusClient(QString socketPath, QObject *parent)
    : QObject(parent), m_path(std::move(socketPath)), m_lastError(tr("Not connected yet"))
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(RetryIntervalMs);
    connect(&m_retry, &QTimer::timeout, this, &StatusClient::tryConnect);
    connect(&m_socket, &QLocalSocket::readyRead, this, &StatusClient::onReadyRead);
    connect(&m_socket, &QLocalSocket::disconnected, this, &StatusClient::onDisconnected);
    connect(&m_socket, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError error) {
        if (error == QLocalSocket::PeerClosedError)
            return;  // disconnected() follows
        const QString reason = error == QLocalSocket::ServerNotFoundError
            ? tr("The agent is not running (no status socket at %1)").arg(m_path)
            : error == QLocalSocket::SocketAccessError
                ? accessAdvice()
                : error == QLocalSocket::ConnectionRefusedError
                    ? tr("The agent is not running (%1 refuses connections)").arg(m_path)
                    : m_socket.errorString();
        m_socket.abort();
        setUnreachable(reason, error == QLocalSocket::SocketAccessError);
    });
    // An agent that comes back creates its socket: look at once instead of at the next retry.
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] {
        if (m_socket.state() == QLocalSocket::UnconnectedState && QFileInfo::exists(m_path))
            tryConnect();
    });
}

StatusClient::~StatusClient()
{
    // The socket outlives the members its signals would reach while it closes.
    disconnect(&m_socket, nullptr, this, nullptr);
}

void StatusClient::start()
{
    tryConnect();
}

void StatusClient::tryConnect()
{
    m_retry.stop();
    if (m_socket.state() != QLocalSocket::UnconnectedState)
        return;
    m_buffer.clear();
    m_socket.connectToServer(m_path, QIODevice::ReadOnly);
}

void StatusClient::onReadyRead()
{
    m_buffer += m_socket.readAll();
    qsizetype start = 0;
    for (;;) {
        const qsizetype newline = m_buffer.indexOf('\n', start);
        if (newline < 0)
            break;
        const QByteArray line = m_buffer.mid(start, newline - start);
        start = newline + 1;
        QString error;
        const std::optional<status::StatusMessage> message = status::decodeMessage(line, &error);
        if (!message) {
            qCWarning(lcClient).noquote() << "ignoring a status line that does not parse:" << error;
            continue;
        }
        if (message->type == status::StatusMessage::Type::Unknown)
            continue;
        if (!m_connected && message->type != status::StatusMessage::Type::Snapshot)
            continue;
        status::applyMessage(m_status, *message);
        if (!m_connected) {
            m_connected = true;
            m_accessDenied = false;
            m_lastError.clear();
            Q_EMIT connectedChanged(true);
        }
        Q_EMIT messageReceived(*message);
        if (m_socket.state() != QLocalSocket::ConnectedState)
            return;  // a slot disconnected us
    }
    m_buffer.remove(0, start);
    if (m_buffer.size() > MaxLineLength) {
        m_socket.abort();
        setUnreachable(tr("The status socket sent a line longer than %1 bytes").arg(MaxLineLength));
    }
}

AgentReach StatusClient::reach() const
{
    if (m_connected)
        return AgentReach::Reachable;
    return m_accessDenied ? AgentReach::NoAccess : AgentReach::NotRunning;
}

QString StatusClient::accessAdvice() const
{
    // The group of the socket decides (the agent's --status-socket-group); a directory on the
    // way that refuses us is named by its own group, which is as close as we can get.
    QFileInfo blocking(m_path);
    while (!blocking.exists() && blocking.absolutePath() != blocking.absoluteFilePath())
        blocking = QFileInfo(blocking.absolutePath());
    QString groupName = blocking.group();
    if (groupName.isEmpty())
        groupName = QString::number(blocking.groupId());
    const passwd *pw = ::getpwuid(::geteuid());
    const QString user = pw ? QString::fromLocal8Bit(pw->pw_name) : QString::number(::geteuid());
    bool listed = false;
    if (const struct group *gr = ::getgrgid(blocking.groupId()); gr && pw) {
        for (char **member = gr->gr_mem; member && *member; ++member)
            listed = listed || qstrcmp(*member, pw->pw_name) == 0;
    }
    return noAccessAdvice(m_path, groupName, user, listed);
}

void StatusClient::onDisconnected()
{
    setUnreachable(tr("The agent stopped"));
}

void StatusClient::setUnreachable(const QString &reason, bool accessDenied)
{
    const bool changed = reason != m_lastError || accessDenied != m_accessDenied;
    m_lastError = reason;
    m_accessDenied = accessDenied;
    m_buffer.clear();
    watchSocketDirectory();
    m_retry.start();
    if (m_connected) {
        m_connected = false;
        Q_EMIT connectedChanged(false);
    } else if (changed) {
        Q_EMIT unreachableReasonChanged();
    }
}

void StatusClient::watchSocketDirectory()
{
    const QString dir = QFileInfo(m_path).absolutePath();
    if (m_watcher.directories().isEmpty() && QFileInfo(dir).isDir())
        m_watcher.addPath(dir);
}

} // namespace qtga
