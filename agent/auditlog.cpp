// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "auditlog.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAudit, "qtga.audit")

namespace qtga {

namespace {

QByteArray duration(qint64 micros)
{
    if (micros < 1000)
        return QByteArray::number(micros) + " us";
    if (micros < 10000000)
        return QByteArray::number(double(micros) / 1000.0, 'f', 1) + " ms";
    return QByteArray::number(double(micros) / 1e6, 'f', 1) + " s";
}

} // namespace

AuditLog::AuditLog(Dispatcher &dispatcher, int pollIntervalSeconds, QObject *parent)
    : QObject(parent), m_dispatcher(dispatcher)
{
    m_dispatcher.addObserver(this);
    // The timer runs only while there are polls to sum up: an idle agent never wakes up for it.
    m_flush.setSingleShot(true);
    connect(&m_flush, &QTimer::timeout, this, &AuditLog::flushPolls);
    setPollInterval(pollIntervalSeconds);
}

AuditLog::~AuditLog()
{
    m_dispatcher.removeObserver(this);
    flushPolls();
}

void AuditLog::setPollInterval(int seconds)
{
    m_flush.setInterval(seconds * 1000);
}

bool AuditLog::isRoutinePoll(const QByteArray &name)
{
    return name == "guest-ping" || name == "guest-sync" || name == "guest-sync-delimited" || name == "guest-info"
           || name.startsWith("guest-get-") || name.startsWith("guest-network-get-") || name == "guest-exec-status"
           || name == "guest-fsfreeze-status";
}

void AuditLog::commandFinished(const FinishedCommand &command)
{
    // The name is usually the registry's own string, shared: then the data pointer decides.
    if (command.name.constData() != m_lastName.constData() && command.name != m_lastName) {
        m_lastName = command.name;
        m_lastIsPoll = isRoutinePoll(command.name);
        m_lastCounts = nullptr;
    }
    if (m_lastIsPoll) {
        if (!m_lastCounts)
            m_lastCounts = &m_polls[command.name];
        PollCounts &counts = *m_lastCounts;
        (command.succeeded ? counts.succeeded : counts.failed)++;
        // Same text, usually the same shared string: no hashing for the client that polls.
        if (m_lastPollClient.isNull()
            || (command.client.constData() != m_lastPollClient.constData() && command.client != m_lastPollClient)) {
            m_pollClients.insert(command.client);
            m_lastPollClient = command.client;
        }
        if (!m_flush.isActive()) {
            m_since.start();
            m_flush.start();
        }
        return;
    }
    QByteArray line = command.name + " from " + command.client.toUtf8() + ": "
                      + (command.succeeded ? "ok" : "error") + " in " + duration(command.durationMicros);
    if (!command.detail.isEmpty())
        line += ", " + command.detail;
    qCInfo(lcAudit).noquote() << line;
}

void AuditLog::flushPolls()
{
    m_flush.stop();
    if (m_polls.isEmpty())
        return;
    QByteArrayList parts;
    for (auto it = m_polls.cbegin(); it != m_polls.cend(); ++it) {
        QByteArray part = it.key() + " x" + QByteArray::number(it->succeeded + it->failed);
        if (it->failed)
            part += " (" + QByteArray::number(it->failed) + " failed)";
        parts << part;
    }
    qCInfo(lcAudit).noquote() << "routine polls in the last" << (m_since.elapsed() + 500) / 1000 << "s from"
                              << m_pollClients.size() << (m_pollClients.size() == 1 ? "client:" : "clients:")
                              << parts.join(", ");
    m_polls.clear();
    m_lastCounts = nullptr;
    m_pollClients.clear();
    m_lastPollClient.clear();
}

} // namespace qtga
