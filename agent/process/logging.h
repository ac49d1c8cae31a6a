// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// qemu-ga's log format and levels: "<secs>.<usecs>: <level>: <msg>", critical and
// error only unless verbose, to stderr or a log file, and nothing at all while frozen. When
// stderr is the journal (JOURNAL_STREAM names it), lines are "<priority><level>: <msg>": the
// journal files them by priority (journalctl -p err) and adds the time itself.
#pragma once

#include <QLoggingCategory>
#include <QString>

// Warnings about who may reach the agent (refused vsock peers, --vsock-allow=any): always
// logged, like the audit log and notices, so that an admin sees them without -v. Whoever logs
// here keeps it from flooding.
Q_DECLARE_LOGGING_CATEGORY(lcSecurity)

namespace qtga::logging {

// Installs the message handler; looks at whether stderr is the journal.
void install();
void setVerbose(bool verbose);
bool isVerbose();
// Opens the log file in append mode (close-on-exec); an empty path means stderr.
bool openLogFile(const QString &path, QString *error);
// The audit log (category qtga.audit) is written at info level even without -v, and so are
// notices (category qtga.notice, shown as level "message": reloads, state dumps) and the
// warnings of lcSecurity.
void setAuditEnabled(bool enabled);
// Frozen filesystems may hold the log file: writing would hang, so logging pauses.
void setPaused(bool paused);

} // namespace qtga::logging
