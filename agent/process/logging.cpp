// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "logging.h"

#include <QByteArray>
#include <QMutex>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/time.h>

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

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const bool important = type == QtCriticalMsg || type == QtFatalMsg;
    const bool info = type == QtInfoMsg && context.category;
    const bool audit = info && g_audit.load() && std::strcmp(context.category, "qtga.audit") == 0;
    const bool notice = info && std::strcmp(context.category, "qtga.notice") == 0;
    const bool security = type == QtWarningMsg && context.category && std::strcmp(context.category, "qtga.security") == 0;
    if (!important && !audit && !notice && !security && !g_verbose.load())
        return;
    timeval tv;
    gettimeofday(&tv, nullptr);
    const QByteArray text = message.toLocal8Bit();
    QMutexLocker lock(&g_mutex);
    if (g_paused)
        return;
    FILE *out = g_file ? g_file : stderr;
    std::fprintf(out, "%lld.%06ld: %s: %s\n", static_cast<long long>(tv.tv_sec), static_cast<long>(tv.tv_usec),
                 notice ? "message" : levelName(type), text.constData());
    std::fflush(out);
}

} // namespace

void install()
{
    qInstallMessageHandler(handler);
}

void setVerbose(bool verbose)
{
    g_verbose = verbose;
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
}

void setPaused(bool paused)
{
    QMutexLocker lock(&g_mutex);
    g_paused = paused;
}

} // namespace qtga::logging
