// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The processes started by guest-exec: spawning with GLib's PATH rules and error
// texts, stdin fed and stdout/stderr captured from the event loop, exit noticed through a pidfd
// (SIGCHLD on kernels without pidfd_open), and the finished records guest-exec-status reports.
// Lives on the main thread; call it from there only (guest-exec and guest-exec-status are Inline).
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

namespace qtga {

class ExecProcessTable : public QObject
{
    Q_OBJECT
public:
    enum class Capture { None, Stdout, Stderr, Separated, Merged };

    struct Request
    {
        QByteArray path;
        QList<QByteArray> args;                 // argv[1...]
        std::optional<QList<QByteArray>> env;   // replaces the whole environment when set
        std::optional<QByteArray> input;        // decoded input-data; absent: stdin is /dev/null
        Capture capture = Capture::None;
    };

    struct Status
    {
        bool exited = false;
        std::optional<int> exitCode;
        std::optional<int> signal;
        QByteArray out;
        QByteArray err;
        bool outTruncated = false;
        bool errTruncated = false;
    };

    // Finished records nobody asks for would otherwise pile up forever (qemu-ga keeps them all):
    // at most `maxFinished` are kept, the ones that finished first are dropped first, and none is
    // kept longer than `maxFinishedAgeMs` after it finished. Running processes are never dropped.
    // All captured output together, running and finished, is held to `maxHeldOutput` bytes: when
    // a running process has more, the oldest finished records make room, and once none is left
    // its output is thrown away and marked truncated. At most `maxRunning` processes run at once.
    struct Options
    {
        int maxFinished = 1024;
        qint64 maxFinishedAgeMs = 24 * 60 * 60 * 1000;
        qsizetype maxHeldOutput = 64 * 1024 * 1024;
        int maxRunning = 128;
        // Exit is noticed through pidfd_open() (Linux 5.3+); SIGCHLD when that is missing or
        // when this is false (for tests of that path).
        bool usePidfd = true;
    };

    // Per captured stream; more output is read and thrown away, and the stream marked truncated.
    static constexpr qsizetype MaxOutput = 16 * 1024 * 1024;

    explicit ExecProcessTable(QObject *parent = nullptr);
    explicit ExecProcessTable(Options options, QObject *parent = nullptr);
    ~ExecProcessTable() override;

    // The pid, or nullopt with GLib's spawn error text in `error`.
    std::optional<int64_t> start(const Request &request, QByteArray *error);
    // nullopt for an unknown pid. A status with `exited` set removes the record.
    std::optional<Status> takeStatus(int64_t pid);
    // Records held: still running, and finished but not yet reported (for the state dump).
    int runningCount() const;
    int finishedCount() const;
    // Captured output held by all records, in bytes.
    qsizetype heldOutput() const { return m_heldOutput; }

Q_SIGNALS:
    // The process has been reaped and its captured output read to the end.
    void processFinished(qint64 pid);

private Q_SLOTS:
    // SIGCHLD fallback: waitpid(WNOHANG) on every child without a pidfd.
    void reapAll();

private:
    struct Process;
    struct Output;
    Process *find(int64_t pid) const;
    void watchExit(Process &process);
    void reap(Process &process);
    void readOutput(Process &process, Output &output);
    void writeInput(Process &process);
    void checkFinished(Process &process);
    void dropExpired();
    using Records = std::map<int64_t, std::unique_ptr<Process>>;
    Records::iterator erase(Records::iterator it);
    // Drops the finished record that finished first; false if there is none.
    bool dropOldestFinished();

    Options m_options;
    Records m_processes;
    uint64_t m_finishCounter = 0;
    qsizetype m_heldOutput = 0;
};

} // namespace qtga
