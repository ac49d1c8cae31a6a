// The status socket for the tray and monitoring tools (docs/status-api.md): every reader gets
// a snapshot, then each change as it happens. It is read-only and never lets a reader hold the
// agent up: what readers write is thrown away, at most MaxReaders are served, and a reader
// that lets MaxQueuedBytes pile up is dropped.
#pragma once

#include "statussocket.h"

#include <QObject>
#include <QSocketNotifier>

#include <memory>
#include <vector>

namespace qtga {

class StatusReader;
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

    // Creates the socket file (see listenStatusSocket); it is removed again on destruction.
    bool listen(const StatusSocketOptions &options, QString *error);
    // A socket passed by socket activation: its mode and group are the activator's business.
    void adoptListeningFd(int fd);

    int readerCount() const { return int(m_readers.size()); }

private:
    void startAccepting(int fd);
    void onAcceptable();
    void broadcast(const status::StatusMessage &message);
    // Logs why (a warning unless it merely disconnected) and lets the reader go.
    void removeReader(StatusReader *reader, const QString &why);

    StatusTracker &m_tracker;
    int m_listenFd = -1;
    QString m_ownedPath;  // the file to remove at exit (not an activated socket's)
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::vector<StatusReader *> m_readers;  // children of this object
};

} // namespace qtga
