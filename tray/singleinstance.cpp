// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "singleinstance.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QThread>

Q_LOGGING_CATEGORY(lcInstance, "qtga.tray.instance")

namespace qtga {

namespace {

// How long a later instance keeps trying: the first may hold the lock but not listen yet.
constexpr int ActivateTimeoutMs = 3000;

} // namespace

SingleInstance::SingleInstance(const QString &directory, const QString &session, QObject *parent)
    : QObject(parent), m_socketPath(QDir(directory).filePath(QStringLiteral("qtga-tray-%1.sock").arg(session))),
      m_lock(QDir(directory).filePath(QStringLiteral("qtga-tray-%1.lock").arg(session)))
{
    // A lock left by a crashed instance is taken over (QLockFile checks whether its pid lives).
    m_lock.setStaleLockTime(0);
    connect(&m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *peer = m_server.nextPendingConnection()) {
            peer->disconnectFromServer();
            peer->deleteLater();
            Q_EMIT activationRequested();
        }
    });
}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
}

QString SingleInstance::sessionKey(const QString &platformName)
{
    const QString display = qEnvironmentVariable(platformName.startsWith(QLatin1String("wayland"))
                                                     ? "WAYLAND_DISPLAY" : "DISPLAY");
    QString key = platformName + u'-' + display;
    key.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    return key;
}

bool SingleInstance::claim()
{
    if (!m_lock.tryLock(0))
        return false;
    QLocalServer::removeServer(m_socketPath);
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server.listen(m_socketPath))
        qCWarning(lcInstance).noquote() << "cannot listen on" << m_socketPath << ":" << m_server.errorString();
    return true;
}

bool SingleInstance::activateFirst()
{
    const QDeadlineTimer deadline(ActivateTimeoutMs);
    while (!deadline.hasExpired()) {
        QLocalSocket socket;
        socket.connectToServer(m_socketPath);
        if (socket.waitForConnected(int(deadline.remainingTime()))) {
            socket.disconnectFromServer();
            return true;
        }
        if (m_lock.tryLock(0)) {
            // The first one is gone after all.
            m_lock.unlock();
            return false;
        }
        QThread::msleep(50);
    }
    return false;
}

} // namespace qtga
