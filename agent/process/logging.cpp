// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "logging.h"

#include <QByteArray>
#include <QLoggingCategory>
#include <QMutex>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcSecurity, "qtga.security")

namespace qtga::logging {

namespace {

// Held for every write and for every change of the file or of `g_paused`: once setPaused(true)
// has returned, no write is under way and none starts, so the filesystem the log lives on can be
// frozen without a logging thread (the main thread included) blocking in write() on it.
QMutex g_mutex;
FILE *g_file = nullptr;   // null: stderr
bool g_paused = false;
std::atomic<bool> g_verbose{false};
std::atomic<bool> g_audit{true};
std::atomic<bool> g_journal{false};   // stderr is the journal's stream

// systemd sets JOURNAL_STREAM=<device>:<inode> of the stream it connected to stderr; a stderr
// redirected elsewhere since (a shell, a daemonized agent) has another one.
bool stderrIsJournal()
{
    const QByteArray stream = qgetenv("JOURNAL_STREAM");
    const qsizetype colon = stream.indexOf(':');
    if (colon <= 0)
        return false;
    bool deviceOk = false;
    bool inodeOk = false;
    const qulonglong device = stream.left(colon).toULongLong(&deviceOk);
    const qulonglong inode = stream.mid(colon + 1).toULongLong(&inodeOk);
    struct stat st;
    return deviceOk && inodeOk && ::fstat(STDERR_FILENO, &st) == 0 && st.st_dev == device && st.st_ino == inode;
}

// syslog priorities, which journald reads from a "<N>" in front of a line (journalctl -p).
int priority(QtMsgType type, bool notice)
{
    if (notice)
        return 5;   // LOG_NOTICE
    switch (type) {
    case QtDebugMsg: return 7;      // LOG_DEBUG
    case QtInfoMsg: return 6;       // LOG_INFO
    case QtWarningMsg: return 4;    // LOG_WARNING
    case QtCriticalMsg: return 3;   // LOG_ERR: qemu-ga's "critical" lines are its errors
    case QtFatalMsg: return 2;      // LOG_CRIT
    }
    return 5;
}

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return "debug";
    case QtInfoMsg: return "info";
    case QtWarningMsg: return "warning";
    case QtCriticalMsg: return "critical";
    case QtFatalMsg: return "error";
    }
    return "message";
}

bool isCategory(const char *category, const char *name)
{
    return category && std::strcmp(category, name) == 0;
}

// What the log keeps: qemu-ga's errors always, everything when verbose, and qtga's notices,
// audit lines (while auditing) and security warnings always.
bool kept(QtMsgType type, const char *category)
{
    if (type == QtCriticalMsg || type == QtFatalMsg || g_verbose.load())
        return true;
    if (type == QtInfoMsg)
        return isCategory(category, "qtga.notice") || (g_audit.load() && isCategory(category, "qtga.audit"));
    return type == QtWarningMsg && isCategory(category, "qtga.security");
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (!kept(type, context.category))
        return;
    const bool notice = type == QtInfoMsg && isCategory(context.category, "qtga.notice");
    timeval tv;
    gettimeofday(&tv, nullptr);
    const QByteArray text = message.toLocal8Bit();
    QMutexLocker lock(&g_mutex);
    if (g_paused)
        return;
    FILE *out = g_file ? g_file : stderr;
    const char *level = notice ? "message" : levelName(type);
    // The journal keeps its own time stamps: there, a priority instead of a second time.
    if (!g_file && g_journal.load())
        std::fprintf(out, "<%d>%s: %s\n", priority(type, notice), level, text.constData());
    else
        std::fprintf(out, "%lld.%06ld: %s: %s\n", static_cast<long long>(tv.tv_sec), static_cast<long>(tv.tv_usec),
                     level, text.constData());
    std::fflush(out);
}

QLoggingCategory::CategoryFilter g_qtFilter = nullptr;   // Qt's own (QT_LOGGING_RULES), set by install()

// What handler() writes, decided per category before a message is made: qCInfo() and friends
// then skip formatting what would be dropped. QDebug's formatting is far from free: at start-up
// in a TCG guest, where every code path runs for the first time, the first info line nobody
// would read cost 17 ms. Qt's own filter (logging rules) still has its say.
void categoryFilter(QLoggingCategory *category)
{
    if (g_qtFilter)
        g_qtFilter(category);
    for (const QtMsgType type : {QtDebugMsg, QtInfoMsg, QtWarningMsg}) {
        if (!kept(type, category->categoryName()))
            category->setEnabled(type, false);
    }
}

// Applies categoryFilter() again to every category (after a change of what it reads).
void refilter()
{
    if (g_qtFilter)
        QLoggingCategory::installFilter(categoryFilter);
}

} // namespace

void install()
{
    g_journal = stderrIsJournal();
    qInstallMessageHandler(handler);
    if (!g_qtFilter)
        g_qtFilter = QLoggingCategory::installFilter(categoryFilter);
}

void setVerbose(bool verbose)
{
    g_verbose = verbose;
    refilter();
}

bool isVerbose()
{
    return g_verbose.load();
}

bool openLogFile(const QString &path, QString *error)
{
    FILE *file = nullptr;
    if (!path.isEmpty()) {
        file = std::fopen(path.toLocal8Bit().constData(), "ae");
        if (!file) {
            *error = QStringLiteral("unable to open specified log file: %1").arg(QString::fromLocal8Bit(strerror(errno)));
            return false;
        }
    }
    QMutexLocker lock(&g_mutex);
    if (g_file)
        std::fclose(g_file);
    g_file = file;
    return true;
}

void setAuditEnabled(bool enabled)
{
    g_audit = enabled;
    refilter();
}

void setPaused(bool paused)
{
    QMutexLocker lock(&g_mutex);
    g_paused = paused;
}

} // namespace qtga::logging
