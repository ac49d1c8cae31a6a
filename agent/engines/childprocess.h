// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Runs a helper program to completion the way qemu-ga's ga_run_command() does: stdin from a
// buffer or /dev/null, stdout and stderr captured together, its own session, SIGPIPE reset.
// Blocking: call it from a Worker command only.
#pragma once

#include <QByteArray>
#include <QStringList>

#include <optional>

namespace qtga {

struct ChildResult
{
    bool started = false;
    QByteArray error;          // why it could not be run or waited for (when !completed)
    bool completed = false;    // exited or was killed by a signal
    bool exited = false;
    int exitStatus = 0;
    int signal = 0;
    bool timedOut = false;     // killed (with its process group) after the time limit
    int execError = 0;         // errno when the program could not be executed at all
    QByteArray output;         // stdout and stderr interleaved
    bool succeeded() const { return completed && exited && exitStatus == 0; }
};

struct ChildOptions
{
    std::optional<QByteArray> input;  // written to stdin, then closed; absent: /dev/null
    bool captureOutput = true;        // false: stdout/stderr to /dev/null
    int timeoutMs = -1;               // -1: wait forever
};

// argv[0] is looked up in PATH when it has no slash.
ChildResult runChild(const QStringList &argv, const ChildOptions &options = {});

// qemu-ga's error texts for a helper that failed to `action` (e.g. "set user password"):
// "child process has failed to <action>: <output>" or "...: exit status N", and
// "child process has terminated abnormally[: <output>]". Empty when it succeeded.
QByteArray childFailureMessage(const QByteArray &action, const ChildResult &result);

} // namespace qtga
