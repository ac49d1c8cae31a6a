// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// -d/--daemonize. The fork happens before Qt starts; the parent then waits for the
// child to open its channels and exits 0 or 1 with the child's verdict, as qemu-ga (10.0+) does
// by opening the channel before it forks.
#pragma once

#include <QString>

namespace qtga::daemon {

// Returns in the child; the parent never returns from this call.
void forkAndWaitForChild();
// Child: writes and locks the pidfile, umask 077, chdir("/"), std fds to /dev/null, then tells
// the parent to exit 0.
bool detach(const QString &pidFile, QString *error);
// Child: tells the parent start-up failed (it exits 1).
void reportFailure();
// At exit: removes the pidfile this process wrote.
void removePidFile();

// Writes "<pid>\n" to `path` under an exclusive fcntl lock held for the life of the process.
bool writePidFile(const QString &path, QString *error);

} // namespace qtga::daemon
