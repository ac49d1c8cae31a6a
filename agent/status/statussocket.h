// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Creates the listening status socket the hardened way: the socket file has its mode and group
// before anybody can connect, a stale file of a dead agent is replaced, and a live agent's
// socket or a file that is not a socket is left alone.
#pragma once

#include <QString>

namespace qtga {

struct Config;
class LocalListener;

struct StatusSocketOptions
{
    QString path;                        // empty: no status socket
    int mode = 0660;
    QString group = QStringLiteral("qtga");  // a name or a number
};

// The status socket of `config`: its path (the default when unset, empty when disabled with an
// empty value or "none"), mode and group.
StatusSocketOptions statusSocketOptions(const Config &config);

// Creates the status socket on `listener`, or returns false with a message that names the step
// and the path. A missing last directory of the path is created (0755). A group that does not
// exist falls back to root's group with a warning in the log.
bool listenStatusSocket(LocalListener &listener, const StatusSocketOptions &options, QString *error);

} // namespace qtga
