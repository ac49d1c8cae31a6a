// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Creates the listening status socket the hardened way: the socket file has its mode and group
// before anybody can connect, a stale file of a dead agent is replaced, and a live agent's
// socket or a file that is not a socket is left alone.
#pragma once

#include <QString>

#include <functional>
#include <optional>

#include <sys/types.h>

class QObject;

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
// The same with the group already looked up (nullopt: it does not exist).
bool listenStatusSocket(LocalListener &listener, const StatusSocketOptions &options, std::optional<gid_t> group,
                        QString *error);

// Looks up a group given by name or number and calls `done` with its id (nullopt when there is
// no such group) on `context`'s thread, unless `context` is gone by then. A number is answered
// at once. A name goes through NSS, which may load modules or ask a directory service (sssd,
// LDAP) that takes seconds to answer or to time out: that lookup runs on a thread of its own,
// so the caller's event loop goes on serving meanwhile.
void lookUpGroup(const QString &group, QObject *context, std::function<void(std::optional<gid_t>)> done);

} // namespace qtga
