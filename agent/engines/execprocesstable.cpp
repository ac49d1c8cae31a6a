// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "execprocesstable.h"

#include <algorithm>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace qtga {

namespace {

Q_LOGGING_CATEGORY(lcExec, "qtga.exec")

constexpr qsizetype ReadChunk = 64 * 1024;
// Reads per wake-up, so one chatty child cannot starve the other clients.
constexpr int ReadsPerWakeup = 16;

qint64 monotonicMs()
{
    return QDeadlineTimer::current().deadline();
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

// A notifier must not be deleted while it is emitting; disable it now, delete it later (the
// table is its parent, so none outlives the table).
void retire(QSocketNotifier *&notifier)
{
    if (!notifier)
        return;
    notifier->setEnabled(false);
    notifier->deleteLater();
    notifier = nullptr;
}

// SIGCHLD fallback for kernels without pidfd_open(): the handler only writes a byte; the
// tables then try waitpid(WNOHANG) on each of their children.
int g_childSignalFds[2] = {-1, -1};
QList<ExecProcessTable *> g_tables;
struct sigaction g_previousChildAction;

void onChildSignal(int signo, siginfo_t *info, void *context)
{
    const int saved = errno;
    const char byte = 0;
    if (::write(g_childSignalFds[1], &byte, 1) < 0) {
        // The pipe is full: a wake-up is already pending.
    }
    // Whoever handled SIGCHLD before (e.g. QProcess's forkfd) still gets it.
    if ((g_previousChildAction.sa_flags & SA_SIGINFO) && g_previousChildAction.sa_sigaction)
        g_previousChildAction.sa_sigaction(signo, info, context);
    else if (g_previousChildAction.sa_handler != SIG_DFL && g_previousChildAction.sa_handler != SIG_IGN)
        g_previousChildAction.sa_handler(signo);
    errno = saved;
}

bool installChildSignal()
{
    if (g_childSignalFds[0] >= 0)
        return true;
    if (::pipe2(g_childSignalFds, O_CLOEXEC | O_NONBLOCK) < 0) {
        qCWarning(lcExec, "cannot watch for SIGCHLD: pipe2: %s", std::strerror(errno));
        return false;
    }
    struct sigaction action {};
    action.sa_sigaction = onChildSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART | SA_NOCLDSTOP | SA_SIGINFO;
    sigaction(SIGCHLD, &action, &g_previousChildAction);
    // Lives as long as the application: the handler may run at any time.
    auto *notifier = new QSocketNotifier(g_childSignalFds[0], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, [] {
        char buffer[64];
        while (::read(g_childSignalFds[0], buffer, sizeof buffer) > 0) {
        }
        for (ExecProcessTable *table : std::as_const(g_tables))
            QMetaObject::invokeMethod(table, "reapAll");
    });
    return true;
}

int pidfdOpen(pid_t pid)
{
#ifdef SYS_pidfd_open
    return int(::syscall(SYS_pidfd_open, pid, 0));
#else
    Q_UNUSED(pid);
    errno = ENOSYS;
    return -1;
#endif
}

// GLib's spawn failure texts (curly quotes included), which qemu-ga passes on verbatim.
QByteArray spawnFailure(const QByteArray &path, int err)
{
    if (err == EAGAIN || err == ENOMEM)
        return QByteArray("Failed to fork (") + std::strerror(err) + ")";
    return "Failed to execute child process \xe2\x80\x9c" + path + "\xe2\x80\x9d (" + std::strerror(err) + ")";
}

// One execve() attempt the way GLib's g_execute() makes it: a file without a "#!" line that
// the kernel refuses (ENOEXEC) is run by /bin/sh.
int spawnOne(pid_t *pid, const QByteArray &file, const posix_spawn_file_actions_t *actions,
             const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    int rc = ::posix_spawn(pid, file.constData(), actions, attr, argv, envp);
    if (rc != ENOEXEC)
        return rc;
    std::vector<char *> shellArgv{const_cast<char *>("/bin/sh"), const_cast<char *>(file.constData())};
    for (char *const *a = argv + 1; *a; ++a)
        shellArgv.push_back(*a);
    shellArgv.push_back(nullptr);
    return ::posix_spawn(pid, "/bin/sh", actions, attr, shellArgv.data(), envp);
}

// GLib's G_SPAWN_SEARCH_PATH | G_SPAWN_SEARCH_PATH_FROM_ENVP: a name without a slash is looked
// up in the PATH of the new environment, else the agent's, else "/bin:/usr/bin:.". EACCES is
// remembered and reported only if nothing else worked; "not there" errors move on.
int spawnSearching(pid_t *pid, const QByteArray &file, const QByteArray &searchPath,
                   const posix_spawn_file_actions_t *actions, const posix_spawnattr_t *attr,
                   char *const argv[], char *const envp[])
{
    if (file.isEmpty())
        return ENOENT;
    if (file.contains('/'))
        return spawnOne(pid, file, actions, attr, argv, envp);
    bool sawEacces = false;
    int rc = ENOENT;
    for (const QByteArray &dir : searchPath.split(':')) {
        // An empty element means the current directory.
        const QByteArray candidate = dir.isEmpty() ? file : dir + '/' + file;
        rc = spawnOne(pid, candidate, actions, attr, argv, envp);
        switch (rc) {
        case 0:
            return 0;
        case EACCES:
            sawEacces = true;
            break;
        case ENOENT:
        case ESTALE:
        case ENOTDIR:
        case ENODEV:
        case ETIMEDOUT:
            break;
        default:
            return rc;
        }
    }
    return sawEacces ? EACCES : rc;
}

QByteArray searchPathFor(const ExecProcessTable::Request &request)
{
    if (request.env) {
        for (const QByteArray &entry : *request.env) {
            if (entry.startsWith("PATH="))
                return entry.mid(5);
        }
    }
    if (const char *path = ::getenv("PATH"))
        return path;
    return "/bin:/usr/bin:.";
}

struct Pipe
{
    int fds[2] = {-1, -1};
    ~Pipe()
    {
        closeFd(fds[0]);
        closeFd(fds[1]);
    }
    // Both ends close-on-exec (the child gets its end through dup2); only the agent's end is
    // non-blocking, the child sees an ordinary pipe.
    bool open(int agentEnd)
    {
        return ::pipe2(fds, O_CLOEXEC) == 0 && ::fcntl(fds[agentEnd], F_SETFL, O_NONBLOCK) == 0;
    }
    int take(int end)
    {
        const int fd = fds[end];
        fds[end] = -1;
        return fd;
    }
};

} // namespace

struct ExecProcessTable::Output
{
    int fd = -1;
    QSocketNotifier *notifier = nullptr;
    QByteArray data;
    bool truncated = false;
    bool atEnd() const { return fd < 0; }
    void close()
    {
        retire(notifier);
        closeFd(fd);
    }
};

struct ExecProcessTable::Process
{
    ~Process()
    {
        retire(exitNotifier);
        closeFd(pidfd);
        out.close();
        err.close();
        retire(inNotifier);
        closeFd(inFd);
    }

    int64_t pid = 0;
    int pidfd = -1;
    QSocketNotifier *exitNotifier = nullptr;
    bool reaped = false;
    int waitStatus = 0;
    Output out;
    Output err;
    int inFd = -1;
    QSocketNotifier *inNotifier = nullptr;
    QByteArray input;
    qsizetype inputWritten = 0;
    bool finished = false;
    qint64 finishedAtMs = 0;
    uint64_t finishOrder = 0;
};

ExecProcessTable::ExecProcessTable(QObject *parent) : ExecProcessTable(Options(), parent) {}

ExecProcessTable::ExecProcessTable(Options options, QObject *parent)
    : QObject(parent), m_options(options)
{
    // With SIGCHLD ignored the kernel reaps children itself and no exit status is left.
    struct sigaction current {};
    if (sigaction(SIGCHLD, nullptr, &current) == 0 && current.sa_handler == SIG_IGN)
        std::signal(SIGCHLD, SIG_DFL);
    g_tables.append(this);
}

ExecProcessTable::~ExecProcessTable()
{
    g_tables.removeAll(this);
}

ExecProcessTable::Process *ExecProcessTable::find(int64_t pid) const
{
    auto it = m_processes.find(pid);
    return it == m_processes.end() ? nullptr : it->second.get();
}

ExecProcessTable::Records::iterator ExecProcessTable::erase(Records::iterator it)
{
    m_heldOutput -= it->second->out.data.size() + it->second->err.data.size();
    return m_processes.erase(it);
}

bool ExecProcessTable::dropOldestFinished()
{
    auto oldest = m_processes.end();
    for (auto it = m_processes.begin(); it != m_processes.end(); ++it) {
        if (it->second->finished && (oldest == m_processes.end() || it->second->finishOrder < oldest->second->finishOrder))
            oldest = it;
    }
    if (oldest == m_processes.end())
        return false;
    qCInfo(lcExec, "dropping the unclaimed status of guest-exec child %lld", qlonglong(oldest->first));
    erase(oldest);
    return true;
}

std::optional<int64_t> ExecProcessTable::start(const Request &request, QByteArray *error)
{
    dropExpired();
    if (runningCount() >= m_options.maxRunning) {
        *error = "too many guest-exec processes running (" + QByteArray::number(m_options.maxRunning)
                 + "); wait until some have exited";
        return std::nullopt;
    }

    std::vector<QByteArray> argStorage{request.path};
    for (const QByteArray &a : request.args)
        argStorage.push_back(a);
    std::vector<char *> argv;
    for (QByteArray &a : argStorage)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    std::vector<QByteArray> envStorage;
    std::vector<char *> envp;
    if (request.env) {
        envStorage.assign(request.env->begin(), request.env->end());
        for (QByteArray &e : envStorage)
            envp.push_back(e.data());
        envp.push_back(nullptr);
    }

    const bool captureOut = request.capture == Capture::Stdout || request.capture == Capture::Separated
                            || request.capture == Capture::Merged;
    const bool captureErr = request.capture == Capture::Stderr || request.capture == Capture::Separated;
    Pipe in, out, err;
    if ((request.input && !in.open(1)) || (captureOut && !out.open(0)) || (captureErr && !err.open(0))) {
        *error = QByteArray("Failed to create pipe for communicating with child process (") + std::strerror(errno) + ")";
        return std::nullopt;
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (request.input)
        posix_spawn_file_actions_adddup2(&actions, in.fds[0], STDIN_FILENO);
    else
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (captureOut)
        posix_spawn_file_actions_adddup2(&actions, out.fds[1], STDOUT_FILENO);
    else
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if (request.capture == Capture::Merged)
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    else if (captureErr)
        posix_spawn_file_actions_adddup2(&actions, err.fds[1], STDERR_FILENO);
    else
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // Like GLib's spawn: nothing but 0, 1 and 2 reaches the child, whatever some library in the
    // agent forgot to mark close-on-exec.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
#endif
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);  // the agent ignores it; the child gets the default back
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    pid_t pid = -1;
    const int rc = spawnSearching(&pid, request.path, searchPathFor(request), &actions, &attr, argv.data(),
                                  request.env ? envp.data() : environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        *error = spawnFailure(request.path, rc);
        return std::nullopt;
    }

    // A pid can only come back once the old process has been reaped; its unreported record
    // would otherwise shadow the new one.
    if (auto old = m_processes.find(pid); old != m_processes.end())
        erase(old);
    auto process = std::make_unique<Process>();
    Process &p = *process;
    p.pid = pid;
    m_processes.emplace(pid, std::move(process));

    closeFd(in.fds[0]);
    closeFd(out.fds[1]);
    closeFd(err.fds[1]);
    if (request.input) {
        p.inFd = in.take(1);
        p.input = *request.input;
        if (p.input.isEmpty()) {
            closeFd(p.inFd);
        } else {
            p.inNotifier = new QSocketNotifier(p.inFd, QSocketNotifier::Write, this);
            connect(p.inNotifier, &QSocketNotifier::activated, this, [this, pid] {
                if (Process *proc = find(pid))
                    writeInput(*proc);
            });
        }
    }
    const auto watchOutput = [this, pid](Output &output, int fd, bool isErr) {
        output.fd = fd;
        output.notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
        connect(output.notifier, &QSocketNotifier::activated, this, [this, pid, isErr] {
            if (Process *proc = find(pid))
                readOutput(*proc, isErr ? proc->err : proc->out);
        });
    };
    if (captureOut)
        watchOutput(p.out, out.take(0), false);
    if (captureErr)
        watchOutput(p.err, err.take(0), true);
    watchExit(p);
    return int64_t(pid);
}

void ExecProcessTable::watchExit(Process &process)
{
    const int64_t pid = process.pid;
    if (m_options.usePidfd) {
        process.pidfd = pidfdOpen(pid_t(pid));
        if (process.pidfd >= 0) {
            ::fcntl(process.pidfd, F_SETFD, FD_CLOEXEC);
            process.exitNotifier = new QSocketNotifier(process.pidfd, QSocketNotifier::Read, this);
            connect(process.exitNotifier, &QSocketNotifier::activated, this, [this, pid] {
                if (Process *proc = find(pid))
                    reap(*proc);
            });
            return;
        }
        qCDebug(lcExec, "pidfd_open: %s; falling back to SIGCHLD", std::strerror(errno));
    }
    installChildSignal();
    // The child may have exited before the handler was in place.
    QMetaObject::invokeMethod(this, "reapAll", Qt::QueuedConnection);
}

void ExecProcessTable::reapAll()
{
    std::vector<int64_t> pids;
    for (const auto &entry : m_processes) {
        if (!entry.second->reaped && entry.second->pidfd < 0)
            pids.push_back(entry.first);
    }
    for (int64_t pid : pids) {
        if (Process *p = find(pid))
            reap(*p);
    }
}

void ExecProcessTable::reap(Process &process)
{
    int status = 0;
    pid_t rc;
    do {
        rc = ::waitpid(pid_t(process.pid), &status, WNOHANG);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0)
        return;  // still running (a SIGCHLD for another child)
    if (rc < 0) {
        // Someone else reaped it: exited, but neither an exit code nor a signal is known.
        qCWarning(lcExec, "waitpid(%lld): %s", qlonglong(process.pid), std::strerror(errno));
        status = -1;
    }
    qCDebug(lcExec, "guest-exec child %lld ended, status %d", qlonglong(process.pid), status);
    process.reaped = true;
    process.waitStatus = status;
    retire(process.exitNotifier);
    closeFd(process.pidfd);
    checkFinished(process);
}

void ExecProcessTable::readOutput(Process &process, Output &output)
{
    char discard[ReadChunk];
    for (int i = 0; i < ReadsPerWakeup; ++i) {
        ssize_t n;
        const qsizetype used = output.data.size();
        qsizetype want = qMin(ReadChunk, MaxOutput - used);
        // Room in the budget for all held output, made by dropping old finished records.
        while (want > 0 && m_heldOutput + want > m_options.maxHeldOutput && dropOldestFinished()) {
        }
        want = qMin(want, m_options.maxHeldOutput - m_heldOutput);
        if (want > 0) {
            // Straight into the record's buffer; capacity grows geometrically up to the cap.
            if (output.data.capacity() < used + want)
                output.data.reserve(qMin(qMax(2 * output.data.capacity(), used + want), MaxOutput));
            output.data.resize(used + want);
            n = ::read(output.fd, output.data.data() + used, size_t(want));
            output.data.resize(used + qMax<ssize_t>(n, 0));
            m_heldOutput += qMax<ssize_t>(n, 0);
        } else {
            n = ::read(output.fd, discard, sizeof discard);
            if (n > 0)
                output.truncated = true;
        }
        if (n > 0)
            continue;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        output.close();  // end of file, or an error that ends the stream the same way
        checkFinished(process);
        return;
    }
}

void ExecProcessTable::writeInput(Process &process)
{
    while (process.inputWritten < process.input.size()) {
        const ssize_t n = ::write(process.inFd, process.input.constData() + process.inputWritten,
                                  size_t(process.input.size() - process.inputWritten));
        if (n > 0) {
            process.inputWritten += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        // EPIPE: the child closed its stdin; the rest of the input is dropped, as in qemu-ga.
        qCDebug(lcExec, "guest-exec child %lld: stdin: %s", qlonglong(process.pid), std::strerror(errno));
        break;
    }
    retire(process.inNotifier);
    closeFd(process.inFd);
    process.input = QByteArray();
}

void ExecProcessTable::checkFinished(Process &process)
{
    if (process.finished || !process.reaped || !process.out.atEnd() || !process.err.atEnd())
        return;
    process.finished = true;
    process.finishedAtMs = monotonicMs();
    process.finishOrder = ++m_finishCounter;
    const qint64 pid = process.pid;

    for (int finished = finishedCount(); finished > m_options.maxFinished && dropOldestFinished(); --finished) {
    }
    Q_EMIT processFinished(pid);
}

void ExecProcessTable::dropExpired()
{
    const qint64 now = monotonicMs();
    for (auto it = m_processes.begin(); it != m_processes.end();) {
        if (it->second->finished && now - it->second->finishedAtMs > m_options.maxFinishedAgeMs) {
            qCInfo(lcExec, "dropping the unclaimed status of guest-exec child %lld", qlonglong(it->first));
            it = erase(it);
        } else {
            ++it;
        }
    }
}

std::optional<ExecProcessTable::Status> ExecProcessTable::takeStatus(int64_t pid)
{
    dropExpired();
    auto it = m_processes.find(pid);
    if (it == m_processes.end())
        return std::nullopt;
    Process &p = *it->second;
    Status status;
    if (!p.finished)
        return status;
    status.exited = true;
    if (WIFEXITED(p.waitStatus))
        status.exitCode = WEXITSTATUS(p.waitStatus);
    else if (WIFSIGNALED(p.waitStatus))
        status.signal = WTERMSIG(p.waitStatus);
    status.out = std::move(p.out.data);
    status.err = std::move(p.err.data);
    status.outTruncated = p.out.truncated;
    status.errTruncated = p.err.truncated;
    m_heldOutput -= status.out.size() + status.err.size();
    m_processes.erase(it);
    return status;
}

int ExecProcessTable::runningCount() const
{
    return int(std::count_if(m_processes.begin(), m_processes.end(), [](const auto &p) { return !p.second->finished; }));
}

int ExecProcessTable::finishedCount() const
{
    return int(m_processes.size()) - runningCount();
}

} // namespace qtga
