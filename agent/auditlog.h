// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The audit log: one line per command through the normal log (stderr for journald, or -l), with
// the client, the outcome and the duration, but never arguments that carry data or secrets.
// Routine polls (guest-ping, guest-sync*, guest-info, guest-get-*, guest-network-get-* and the
// status queries) are
// counted and summed up once per interval instead, so a monitor polling every 10 s does not
// flood the journal.
#pragma once

#include "dispatch/dispatcher.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace qtga {

class AuditLog : public QObject, private CommandObserver
{
    Q_OBJECT
public:
    static constexpr int DefaultPollIntervalSeconds = 300;

    AuditLog(Dispatcher &dispatcher, int pollIntervalSeconds, QObject *parent = nullptr);
    ~AuditLog() override;

    void setPollInterval(int seconds);
    // Writes the pending poll summary now (at exit, and before a state dump).
    void flushPolls();

    static bool isRoutinePoll(const QByteArray &name);

private:
    void commandFinished(const FinishedCommand &command) override;

    Dispatcher &m_dispatcher;

    struct PollCounts
    {
        int succeeded = 0;
        int failed = 0;
    };
    QMap<QByteArray, PollCounts> m_polls;
    QSet<QString> m_pollClients;
    QString m_lastPollClient;   // already in m_pollClients: most polls come from one client
    // The command seen last, whether it is a poll and its counts: a monitor repeats one command.
    QByteArray m_lastName;
    bool m_lastIsPoll = false;
    PollCounts *m_lastCounts = nullptr;   // a node of m_polls (stable until it is cleared)
    QTimer m_flush;
    QElapsedTimer m_since;
};

} // namespace qtga
