// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The LISTEN_FDS convention of systemd (and any init that implements it), by hand: checked
// step by step like sd_listen_fds(), without libsystemd. Unlike qemu-ga, several sockets are
// accepted, each becoming its own channel, named by LISTEN_FDNAMES.
#pragma once

#include <QList>
#include <QString>

namespace qtga {

struct ActivatedSocket
{
    int fd = -1;
    QString method;   // unix-listen or vsock-listen, from the socket's address family
    QString name;     // from LISTEN_FDNAMES, may be empty
    QString address;  // the bound path or "CID:PORT", for logs and status
};

constexpr int ListenFdsStart = 3;

// Returns the passed sockets (empty when activation is not in use) and clears the variables.
// Returns false with the message qemu-ga prints when a passed descriptor is unusable (the caller
// exits 1).
bool takeActivatedSockets(QList<ActivatedSocket> *sockets, QString *error);

} // namespace qtga
