// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "state.h"

#include <QByteArray>
#include <QFile>
#include <QSaveFile>

#include <cerrno>
#include <cstring>
#include <limits>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace qtga {

StateStore::StateStore(QString stateDir) : m_dir(std::move(stateDir)) {}

QString StateStore::stateFilePath() const
{
    return m_dir + QStringLiteral("/qga.state");
}

QString StateStore::frozenMarkerPath() const
{
    return m_dir + QStringLiteral("/qga.state.isfrozen");
}

bool StateStore::load(bool frozen, QString *error)
{
    const QByteArray path = stateFilePath().toLocal8Bit();
    struct stat st;
    if (::stat(path.constData(), &st) < 0) {
        if (errno != ENOENT) {
            *error = QStringLiteral("failed to stat state file at path %1: %2")
                         .arg(stateFilePath(), QString::fromLocal8Bit(strerror(errno)));
            return false;
        }
        m_counter = FirstHandle;
        // A frozen filesystem may hold the state dir: writing there would hang.
        if (!frozen && !write(m_counter, error)) {
            *error = QStringLiteral("unable to create state file at path %1").arg(stateFilePath());
            return false;
        }
        return true;
    }
    QFile file(stateFilePath());
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("error loading persistent state from path: %1, %2").arg(stateFilePath(), file.errorString());
        return false;
    }
    // A key file with group [global] and key fd_counter; a missing key means the default.
    bool inGlobal = false;
    bool sawGroup = false;
    int64_t counter = FirstHandle;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (QByteArray line : lines) {
        line = line.trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        if (line.startsWith('[') && line.endsWith(']')) {
            sawGroup = true;
            inGlobal = line == "[global]";
            continue;
        }
        const int eq = line.indexOf('=');
        if (!sawGroup || eq <= 0) {
            *error = QStringLiteral("error loading persistent state from path: %1, the file is not a valid key file")
                         .arg(stateFilePath());
            return false;
        }
        if (inGlobal && line.left(eq).trimmed() == "fd_counter") {
            bool ok = false;
            counter = line.mid(eq + 1).trimmed().toLongLong(&ok);
            if (!ok) {
                *error = QStringLiteral("error loading persistent state from path: %1, fd_counter is not an integer")
                             .arg(stateFilePath());
                return false;
            }
            // A negative counter would hand out negative handles, and the last value has no
            // next one to commit.
            if (counter < 0 || counter == std::numeric_limits<int64_t>::max()) {
                *error = QStringLiteral("error loading persistent state from path: %1, fd_counter %2 is out of range")
                             .arg(stateFilePath())
                             .arg(counter);
                return false;
            }
        }
    }
    QMutexLocker lock(&m_mutex);
    m_counter = counter;
    return true;
}

bool StateStore::write(int64_t counter, QString *error)
{
    QSaveFile file(stateFilePath());
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    file.write("[global]\nfd_counter=" + QByteArray::number(qlonglong(counter)) + "\n");
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

int64_t StateStore::takeHandle(QString *error)
{
    QMutexLocker lock(&m_mutex);
    const int64_t handle = m_counter;
    if (handle == std::numeric_limits<int64_t>::max()) {
        *error = QStringLiteral("no guest-file handle numbers are left");
        return -1;
    }
    QString ignored;
    if (!write(handle + 1, &ignored)) {
        *error = QStringLiteral("failed to commit persistent state to disk");
        return -1;
    }
    m_counter = handle + 1;
    return handle;
}

bool StateStore::frozenMarkerExists(QString *error) const
{
    struct stat st;
    if (::stat(frozenMarkerPath().toLocal8Bit().constData(), &st) == 0)
        return true;
    if (errno != ENOENT) {
        *error = QStringLiteral("failed to stat %1: %2").arg(frozenMarkerPath(), QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    return false;
}

bool StateStore::setFrozenMarker(bool frozen, QString *error)
{
    const QByteArray path = frozenMarkerPath().toLocal8Bit();
    if (!frozen) {
        if (::unlink(path.constData()) < 0 && errno != ENOENT) {
            *error = QStringLiteral("failed to remove %1: %2").arg(frozenMarkerPath(), QString::fromLocal8Bit(strerror(errno)));
            return false;
        }
        return true;
    }
    int fd = ::open(path.constData(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = QStringLiteral("failed to create %1: %2").arg(frozenMarkerPath(), QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    ::close(fd);
    return true;
}

}
