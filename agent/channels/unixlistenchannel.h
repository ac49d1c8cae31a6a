// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// unix-listen: a unix socket on QLocalServer, every client a QLocalSocket served at once. Like
// qemu-ga it replaces a file already at the path and leaves its own file behind at exit; unlike
// qemu-ga's (whose mode follows the umask) the file is private to its owner (0600) from the
// start.
#pragma once

#include "listeningchannel.h"
#include "locallistener.h"

namespace qtga {

class UnixListenChannel : public ListeningChannel
{
    Q_OBJECT
public:
    explicit UnixListenChannel(QString path, QObject *parent = nullptr);
    ~UnixListenChannel() override;

    bool open(QString *error) override;
    bool adopt(int fd, QString *error) override;
    void close() override;

protected:
    bool isListening() const override { return m_listener.isListening(); }

private:
    void onNewConnection(QLocalSocket *socket);

    LocalListener m_listener;
};

} // namespace qtga
