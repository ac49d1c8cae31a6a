// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "statussocket.h"

#include "channels/locallistener.h"
#include "config.h"
#include "statusprotocol.h"

#include <QFile>
#include <QFileInfo>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QThread>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>
#include <grp.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcStatus)

namespace qtga {

namespace {

QString systemError()
{
    return QString::fromLocal8Bit(strerror(errno));
}

// A socket file nobody listens on is left over from an agent that died; one that answers
// belongs to a running agent and must not be taken over.
bool removeStaleSocket(const QString &path, QString *error)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat st;
    if (::lstat(native.constData(), &st) < 0) {
        if (errno == ENOENT)
            return true;
        *error = QStringLiteral("lstat %1: %2").arg(path, systemError());
        return false;
    }
    if (!S_ISSOCK(st.st_mode)) {
        *error = QStringLiteral("%1 exists and is not a socket; not replacing it").arg(path);
        return false;
    }
    // Only a refused connection means nobody listens; a listener with a full backlog leaves
    // the probe connecting, and it is alive.
    QLocalSocket probe;
    probe.connectToServer(path);
    if (probe.state() != QLocalSocket::UnconnectedState || probe.error() != QLocalSocket::ConnectionRefusedError) {
        *error = QStringLiteral("%1 is in use by another running agent").arg(path);
        return false;
    }
    if (::unlink(native.constData()) < 0 && errno != ENOENT) {
        *error = QStringLiteral("unlink %1: %2").arg(path, systemError());
        return false;
    }
    qCInfo(lcStatus).noquote() << "removed stale status socket" << path;
    return true;
}

std::optional<gid_t> numericGroup(const QString &group)
{
    bool numeric = false;
    const uint number = group.toUInt(&numeric);
    return numeric ? std::optional<gid_t>(gid_t(number)) : std::nullopt;
}

// getgrnam_r(): getgrnam()'s buffer is shared with every other caller in the process.
std::optional<gid_t> groupByName(const QByteArray &name)
{
    std::vector<char> buffer(4096);
    for (;;) {
        struct group entry;
        struct group *found = nullptr;
        const int status = ::getgrnam_r(name.constData(), &entry, buffer.data(), buffer.size(), &found);
        if (status == ERANGE && buffer.size() < (size_t(1) << 24)) {
            buffer.resize(buffer.size() * 2);
            continue;
        }
        if (status != 0 || !found)
            return std::nullopt;
        return found->gr_gid;
    }
}

gid_t groupOrRoot(const QString &group, std::optional<gid_t> id)
{
    if (id)
        return *id;
    qCWarning(lcStatus).noquote() << "group" << group << "does not exist; the status socket gets group 0 (root)";
    return 0;
}

} // namespace

StatusSocketOptions statusSocketOptions(const Config &config)
{
    StatusSocketOptions options;
    options.path = config.statusSocket.value_or(QLatin1String(status::DefaultSocketPath));
    if (options.path == QLatin1String("none"))
        options.path.clear();
    options.mode = config.statusSocketMode.value_or(options.mode);
    options.group = config.statusSocketGroup.value_or(options.group);
    return options;
}

bool listenStatusSocket(LocalListener &listener, const StatusSocketOptions &options, QString *error)
{
    std::optional<gid_t> group = numericGroup(options.group);
    if (!group)
        group = groupByName(options.group.toLocal8Bit());
    return listenStatusSocket(listener, options, group, error);
}

bool listenStatusSocket(LocalListener &listener, const StatusSocketOptions &options, std::optional<gid_t> group,
                        QString *error)
{
    const QString &path = options.path;
    if (path.isEmpty() || QFile::encodeName(QFileInfo(path).absoluteFilePath()).size() > LocalListener::MaxPathLength) {
        *error = QStringLiteral("status socket path '%1' is empty or too long").arg(path);
        return false;
    }
    const QString dir = QFileInfo(path).absolutePath();
    if (::mkdir(QFile::encodeName(dir).constData(), 0755) < 0 && errno != EEXIST) {
        *error = QStringLiteral("mkdir %1: %2").arg(dir, systemError());
        return false;
    }
    return removeStaleSocket(path, error)
           && listener.listen(path, mode_t(options.mode), groupOrRoot(options.group, group), error);
}

void lookUpGroup(const QString &group, QObject *context, std::function<void(std::optional<gid_t>)> done)
{
    if (const std::optional<gid_t> number = numericGroup(group)) {
        done(number);
        return;
    }
    auto result = std::make_shared<std::optional<gid_t>>();
    QThread *thread = QThread::create([result, name = group.toLocal8Bit()] { *result = groupByName(name); });
    // finished() comes from the lookup's thread: queued to `context`, dropped if it is gone.
    QObject::connect(thread, &QThread::finished, context, [result, done = std::move(done)] { done(*result); });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

} // namespace qtga
