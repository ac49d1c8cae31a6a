// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The "Qt floor" for qgabench: the least a Qt event loop program can do per request. It listens
// on a unix socket with a QSocketNotifier (Qt Core only; qtga-agent uses QLocalServer, as
// qtfloor-local does) and answers every complete top-level object with a fixed line. Its memory and latency are what Debian's Qt costs before
// any agent logic; the benchmark prints it next to qtga, qemu-ga and the plain floor.
//   qtfloor SOCKET
//   qtfloor -m unix-listen -p SOCKET [-t DIR]   (qemu-ga's options, as the guest probe passes them)
#include "floorargs.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <cstring>
#include <memory>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

struct Client
{
    int fd;
    int depth = 0;
    std::unique_ptr<QSocketNotifier> notifier;
};

} // namespace

int main(int argc, char **argv)
{
    const char *path = floorSocketPath(argc, argv);
    if (!path)
        return 2;
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    ::unlink(path);
    const int listenFd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
    if (::bind(listenFd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0 || ::listen(listenFd, 64) < 0)
        return 1;
    QSocketNotifier acceptor(listenFd, QSocketNotifier::Read);
    QObject::connect(&acceptor, &QSocketNotifier::activated, [listenFd] {
        const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        auto *client = new Client{fd, 0, std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read)};
        QObject::connect(client->notifier.get(), &QSocketNotifier::activated, [client] {
            char buf[1 << 16];
            const ssize_t n = ::recv(client->fd, buf, sizeof buf, 0);
            if (n <= 0) {
                client->notifier->setEnabled(false);
                ::close(client->fd);
                client->notifier.release()->deleteLater();
                delete client;
                return;
            }
            static const char reply[] = "{\"return\": {}}\n";
            QByteArray out;
            for (ssize_t i = 0; i < n; ++i) {
                if (buf[i] == '{')
                    ++client->depth;
                else if (buf[i] == '}' && --client->depth == 0)
                    out.append(reply, sizeof reply - 1);
            }
            if (!out.isEmpty() && ::send(client->fd, out.constData(), size_t(out.size()), MSG_NOSIGNAL) < 0) {
                // the client is gone; the next read notices
            }
        });
    });
    return app.exec();
}
