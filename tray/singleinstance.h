// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// One qtga-tray per desktop session. The first to start holds a lock file and listens on a
// local socket beside it (in XDG_RUNTIME_DIR); a later start connects to that socket, which
// asks the first to show its window, and exits.
#pragma once

#include <QLocalServer>
#include <QLockFile>
#include <QObject>

namespace qtga {

class SingleInstance : public QObject
{
    Q_OBJECT
public:
    // directory: where the lock and the socket live; session: what tells sessions of the
    // same user apart (sessionKey()).
    SingleInstance(const QString &directory, const QString &session, QObject *parent = nullptr);
    ~SingleInstance() override;

    // The user's runtime directory (XDG_RUNTIME_DIR).
    static QString defaultDirectory();
    // The display this process is on ("x11-_0", "wayland-wayland-0"), safe in a file name.
    static QString sessionKey(const QString &platformName);

    // True when no other instance of this session runs: this one is the first and now takes
    // activation requests.
    bool claim();
    // For a later instance: asks the first to show itself; false when it did not answer.
    bool activateFirst();

    QString socketPath() const { return m_socketPath; }

Q_SIGNALS:
    // A later instance was started.
    void activationRequested();

private:
    QString m_socketPath;
    QLockFile m_lock;
    QLocalServer m_server;
};

} // namespace qtga
