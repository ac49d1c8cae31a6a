// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// A listening unix socket served by QLocalServer, for unix-listen channels and the status socket.
// On top of QLocalServer it gives what a root daemon needs:
// - the socket file has its final mode and group before anyone but its owner can connect;
// - the file stays when the listener closes, as qemu-ga leaves it, and the file of a socket
//   passed by socket activation belongs to the service manager (QLocalServer would remove both);
// - running out of descriptors pauses accepting for a second instead of ending it: QLocalServer
//   closes its socket when accept() fails, so it works on a duplicate while the listener keeps
//   the socket, with its queue of waiting clients, open.
#pragma once

#include <QLocalServer>
#include <QLocalSocket>
#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include <memory>
#include <sys/types.h>

namespace qtga {

class LocalListener : public QObject
{
    Q_OBJECT
public:
    static constexpr int AcceptPauseMs = 1000;
    // QLocalServer on Linux keeps two bytes of sun_path for itself (qemu-ga takes all 108).
    static constexpr qsizetype MaxPathLength = 106;
    static constexpr gid_t KeepGroup = gid_t(-1);

    explicit LocalListener(QObject *parent = nullptr);
    ~LocalListener() override;

    // Creates the socket file at `path` with `mode`, and `group` unless it is KeepGroup; the
    // caller removes what was at the path before. `path` is taken relative to the working
    // directory. On failure returns false with a message naming the step and the path.
    bool listen(const QString &path, mode_t mode, gid_t group, QString *error);
    // Serves a socket that is bound and listening already (socket activation). Takes ownership.
    bool adopt(int fd, QString *error);
    void close();

    bool isListening() const { return m_fd >= 0; }
    // Whether accepting is paused after accept() failed.
    bool isPaused() const { return m_pause.isActive(); }
    QString path() const { return m_path; }

Q_SIGNALS:
    // A new client, connected. The receiver takes ownership of it.
    void newConnection(QLocalSocket *socket);

private:
    bool serve(QString *error);
    void takePending();
    void checkServer();

    int m_fd = -1;
    QString m_path;
    QLocalServer m_server;
    std::unique_ptr<QSocketNotifier> m_watch;
    QTimer m_pause;
};

} // namespace qtga
