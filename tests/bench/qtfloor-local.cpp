// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The Qt floor in the agent's shape: like qtfloor, but it listens with QLocalServer (Qt
// Network, and the libraries Qt Network loads) and logs through a Qt logging category, as
// qtga-agent does. No agent logic: it answers every complete top-level object with a fixed
// line. What this costs at start-up, any Qt agent that serves unix sockets with QLocalServer and
// logs with Qt pays before it does anything of its own.
//   qtfloor-local SOCKET
//   qtfloor-local -m unix-listen -p SOCKET [-t DIR]
#include "floorargs.h"

#include <QCoreApplication>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLoggingCategory>

namespace {

Q_LOGGING_CATEGORY(lcFloor, "qtfloor.local", QtInfoMsg)

} // namespace

int main(int argc, char **argv)
{
    const char *path = floorSocketPath(argc, argv);
    if (!path)
        return 2;
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QLocalServer::removeServer(QString::fromLocal8Bit(path));
    QLocalServer server;
    if (!server.listen(QString::fromLocal8Bit(path)))
        return 1;
    // Below the category's threshold, as an agent's debug lines are by default: the category is
    // set up (Qt reads its logging rules then), nothing is written.
    qCDebug(lcFloor) << "listening on" << path;
    QObject::connect(&server, &QLocalServer::newConnection, [&server] {
        while (QLocalSocket *socket = server.nextPendingConnection()) {
            QObject::connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            QObject::connect(socket, &QLocalSocket::readyRead, socket, [socket, depth = 0]() mutable {
                QByteArray out;
                for (const char c : socket->readAll()) {
                    if (c == '{')
                        ++depth;
                    else if (c == '}' && --depth == 0)
                        out += "{\"return\": {}}\n";
                }
                socket->write(out);
            });
        }
    });
    return app.exec();
}
