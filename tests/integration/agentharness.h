// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Starts the real qtga-agent (or Debian's qemu-ga) in a temporary directory and talks to it over
// its unix socket, for the integration and compatibility tests.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace qtga::test {

// Path of the agent under test (set by ctest through QTGA_AGENT) and of the reference qemu-ga
// (QTGA_QEMU_GA: Debian's, unpacked from its package; empty when there is none).
QString agentBinary();
QString referenceBinary();

// The resident set size of process `pid` in KiB, or -1.
qint64 rssKiB(qint64 pid);

// Whether a unix socket at `path` is listening (without connecting to it).
bool isListening(const QString &path);

class AgentProcess
{
public:
    explicit AgentProcess(QString binary = agentBinary());
    ~AgentProcess();

    QString dir() const { return m_dir.path(); }
    QString socketPath() const { return m_dir.path() + QStringLiteral("/agent.sock"); }
    QString stateDir() const { return m_dir.path() + QStringLiteral("/state"); }

    // Starts `-m unix-listen -p <socket> -t <statedir>` plus `extra`, and waits for the socket.
    bool start(const QStringList &extra = {}, int timeoutMs = 10000);
    // Starts with exactly these arguments and waits for the process to end.
    int runToExit(const QStringList &arguments, QByteArray *out = nullptr, QByteArray *err = nullptr);
    bool isRunning() const;
    qint64 pid() const;
    // Sends `signo` and waits for the exit; returns the exit code or -1 if it did not exit.
    int stop(int signo, int timeoutMs = 5000);
    QByteArray standardError();
    QProcess &process() { return m_process; }

private:
    QString m_binary;
    QTemporaryDir m_dir;
    QProcess m_process;
};

class QgaClient
{
public:
    QgaClient();
    ~QgaClient();
    bool connectTo(const QString &path, int timeoutMs = 5000);
    bool send(const QByteArray &bytes);
    // One response line without its newline (a leading 0xFF is kept); empty on timeout.
    QByteArray readLine(int timeoutMs = 5000);
    // Sends a request and reads one line.
    QByteArray request(const QByteArray &json, int timeoutMs = 5000);
    // Whether anything at all arrives within `timeoutMs`.
    bool hasDataWithin(int timeoutMs);
    void close();
    // Closes with RST instead of FIN where the socket type allows it.
    void reset();
    int fd() const { return m_fd; }

private:
    int m_fd = -1;
    QByteArray m_buffer;
};

} // namespace qtga::test
