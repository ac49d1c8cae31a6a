// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The status socket for the tray and monitoring tools (docs/status-api.md): every reader gets
// a snapshot, then each change as it happens. It is read-only and never lets a reader hold the
// agent up: what readers write is thrown away, at most MaxReaders are served, and a reader
// that lets MaxQueuedBytes pile up is dropped.
#pragma once

#include "channels/locallistener.h"
#include "statussocket.h"

#include <QObject>

#include <memory>
#include <vector>

namespace qtga {

class StatusTracker;

namespace status {
struct StatusMessage;
}

class StatusServer : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxReaders = 64;
    static constexpr qsizetype MaxQueuedBytes = 64 * 1024;
    // A reader that writes this much to a read-only socket is not a status reader.
    static constexpr qint64 MaxIgnoredInput = 64 * 1024;

    explicit StatusServer(StatusTracker &tracker, QObject *parent = nullptr);
    ~StatusServer() override;

    // Creates the socket file (see listenStatusSocket) once its group is looked up
    // (lookUpGroup()), which may take long: the socket appears with its final group and mode a
    // moment later, while the agent serves its channels. A failure is logged, like any failure
    // of the status socket. The file is removed again on destruction.
    void listenWhenGroupKnown(const StatusSocketOptions &options);
    // A socket passed by socket activation: its mode and group are the activator's business.
    bool adopt(int fd, QString *error);

    int readerCount() const { return int(m_readers.size()); }

private:
    struct Reader;
    void onNewConnection(QLocalSocket *socket);
    void broadcast(const status::StatusMessage &message);
    // False when the reader had to go (it is removed then).
    bool send(Reader *reader, const QByteArray &line);
    // Logs why (a warning unless it merely disconnected) and lets the reader go.
    void removeReader(Reader *reader, const QString &why);

    StatusTracker &m_tracker;
    LocalListener m_listener;
    QString m_ownedPath;  // the file to remove at exit (not an activated socket's)
    std::vector<std::unique_ptr<Reader>> m_readers;
};

} // namespace qtga
