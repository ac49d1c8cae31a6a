// qemu-ga's log format and levels: "<secs>.<usecs>: <level>: <msg>", critical and
// error only unless verbose, to stderr or a log file, and nothing at all while frozen.
#pragma once

#include <QString>

namespace qtga::logging {

void install();
void setVerbose(bool verbose);
bool isVerbose();
// Opens the log file in append mode (close-on-exec); an empty path means stderr.
bool openLogFile(const QString &path, QString *error);
// The audit log (category qtga.audit) is written at info level even without -v, and so are
// notices (category qtga.notice, shown as level "message": reloads, state dumps).
void setAuditEnabled(bool enabled);
// Frozen filesystems may hold the log file: writing would hang, so logging pauses.
void setPaused(bool paused);

} // namespace qtga::logging
