// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "childprocess.h"

#include <QElapsedTimer>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace qtga {

namespace {

QByteArray errnoText(int err)
{
    return QByteArray(": ") + strerror(err);
}

} // namespace

ChildResult runChild(const QStringList &argv, const ChildOptions &options)
{
    ChildResult result;
    int outPipe[2] = {-1, -1};
    int inPipe[2] = {-1, -1};
    if ((options.captureOutput && ::pipe2(outPipe, O_CLOEXEC) < 0) || (options.input && ::pipe2(inPipe, O_CLOEXEC) < 0)) {
        result.error = "cannot create pipe FDs";
        for (int fd : {outPipe[0], outPipe[1], inPipe[0], inPipe[1]})
            if (fd >= 0)
                ::close(fd);
        return result;
    }

    // Everything the child needs is prepared before spawning: posix_spawn is safe in a
    // process that has other threads, fork() followed by arbitrary code is not.
    std::vector<QByteArray> args;
    for (const QString &a : argv)
        args.push_back(a.toLocal8Bit());
    std::vector<char *> cargv;
    for (QByteArray &a : args)
        cargv.push_back(a.data());
    cargv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (options.input)
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], STDIN_FILENO);
    else
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (options.captureOutput) {
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDERR_FILENO);
    } else {
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    }
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, cargv[0], &actions, &attr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (inPipe[0] >= 0)
        ::close(inPipe[0]);
    if (outPipe[1] >= 0)
        ::close(outPipe[1]);
    if (rc != 0) {
        // Like GLib's spawn, a program that cannot be executed shows up as its "output".
        result.started = true;
        result.completed = true;
        result.exited = true;
        result.exitStatus = 127;
        result.execError = rc;
        result.output = "failed to exec '" + args[0] + "': " + strerror(rc) + "\n";
        if (inPipe[1] >= 0)
            ::close(inPipe[1]);
        if (outPipe[0] >= 0)
            ::close(outPipe[0]);
        return result;
    }
    result.started = true;

    if (options.input) {
        const QByteArray &data = *options.input;
        qsizetype done = 0;
        // The child may exit without reading; SIGPIPE is ignored by the agent, so EPIPE ends it.
        while (done < data.size()) {
            ssize_t n = ::write(inPipe[1], data.constData() + done, size_t(data.size() - done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                break;
            done += n;
        }
        ::close(inPipe[1]);
    }

    QElapsedTimer timer;
    timer.start();
    if (options.captureOutput) {
        char buffer[4096];
        for (;;) {
            int wait = -1;
            if (options.timeoutMs >= 0) {
                wait = int(options.timeoutMs - timer.elapsed());
                if (wait <= 0) {
                    ::kill(-pid, SIGKILL);
                    result.timedOut = true;
                    break;
                }
            }
            pollfd p{outPipe[0], POLLIN, 0};
            int n = ::poll(&p, 1, wait);
            if (n < 0 && errno == EINTR)
                continue;
            if (n == 0)
                continue;
            ssize_t got = ::read(outPipe[0], buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            result.output.append(buffer, got);
        }
        ::close(outPipe[0]);
    }

    int status = 0;
    for (;;) {
        pid_t w = ::waitpid(pid, &status, options.timeoutMs >= 0 && !result.timedOut ? WNOHANG : 0);
        if (w == pid)
            break;
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            result.error = "failed to wait for child (pid: " + QByteArray::number(pid) + ")" + errnoText(errno);
            return result;
        }
        // Still running after closing its output (WNOHANG with a time limit).
        if (timer.elapsed() >= options.timeoutMs) {
            ::kill(-pid, SIGKILL);
            result.timedOut = true;
        } else {
            ::usleep(10000);
        }
    }
    result.completed = true;
    if (WIFEXITED(status)) {
        result.exited = true;
        result.exitStatus = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

QByteArray childFailureMessage(const QByteArray &action, const ChildResult &result)
{
    if (!result.completed)
        return result.error;
    if (result.succeeded())
        return QByteArray();
    if (!result.exited) {
        QByteArray message = "child process has terminated abnormally";
        if (!result.output.isEmpty())
            message += ": " + result.output;
        return message;
    }
    if (!result.output.isEmpty())
        return "child process has failed to " + action + ": " + result.output;
    return "child process has failed to " + action + ": exit status " + QByteArray::number(result.exitStatus);
}

} // namespace qtga
