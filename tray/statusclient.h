// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Reads the agent's status socket: keeps the agent's status up to date from the snapshot and
// the events that follow, and reconnects by itself when the agent goes away and comes back.
#pragma once

#include "statusprotocol.h"
#include "traystate.h"

#include <QFileSystemWatcher>
#include <QLocalSocket>
#include <QObject>
#include <QTimer>

namespace qtga {

class StatusClient : public QObject
{
    Q_OBJECT
public:
    // How often to look for the agent while it is not there (its socket directory is watched
    // too, so a restart is normally noticed at once).
    static constexpr int RetryIntervalMs = 1000;
    // A line longer than this is not the agent speaking.
    static constexpr qsizetype MaxLineLength = 1 << 20;

    explicit StatusClient(QString socketPath, QObject *parent = nullptr);
    ~StatusClient() override;

    void start();

    QString socketPath() const { return m_path; }
    // Whether the agent is reachable: connected and its snapshot received.
    bool isConnected() const { return m_connected; }
    // Connected, not running, or there but not allowed (then lastError() says what to do).
    AgentReach reach() const;
    // Why the agent is unreachable, for the user.
    QString lastError() const { return m_lastError; }
    const status::AgentStatus &status() const { return m_status; }

Q_SIGNALS:
    void connectedChanged(bool connected);
    // While unreachable: reach() or lastError() changed (e.g. from not running to no access).
    void unreachableReasonChanged();
    // After status() has taken the message in. Messages of a newer agent that this reader
    // does not know are skipped.
    void messageReceived(const qtga::status::StatusMessage &message);

private:
    void tryConnect();
    void onReadyRead();
    void onDisconnected();
    void setUnreachable(const QString &reason, bool accessDenied = false);
    void watchSocketDirectory();
    QString accessAdvice() const;

    QString m_path;
    QLocalSocket m_socket;
    QTimer m_retry;
    QFileSystemWatcher m_watcher;
    QByteArray m_buffer;
    bool m_connected = false;
    bool m_accessDenied = false;
    QString m_lastError;
    status::AgentStatus m_status;
};

} // namespace qtga
