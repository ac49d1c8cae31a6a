// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "osrelease.h"

#include "keyfile.h"

#include <QFile>

#include <algorithm>
#include <ctime>
#include <mutex>
#include <vector>

#include <sys/stat.h>

namespace qtga {

QByteArray processOsReleaseValue(const QByteArray &raw)
{
    if (!raw.startsWith('"')) {
        QByteArray value = raw;
        const qsizetype space = value.indexOf(' ');
        if (space >= 0)
            value.truncate(space);
        const qsizetype semicolon = value.indexOf(';');
        if (semicolon >= 0)
            value.truncate(semicolon);
        return value;
    }
    // qemu-ga rewrites the C string in place; without a closing quote it never writes a new
    // terminator, so whatever it has not overwritten stays. Same bytes, same walk.
    std::vector<char> b(raw.constData(), raw.constData() + raw.size() + 1);
    const char quote = b[0];
    size_t out = 0;
    size_t in = 1;
    while (b[in] != 0) {
        if (b[in] == '\\') {
            ++in;
            switch (b[in]) {
            case '$':
            case '\'':
            case '"':
            case '\\':
            case '`':
                break;
            default:
                --in;  // keep the backslash and whatever follows it
                break;
            }
        } else if (b[in] == quote) {
            b[out] = 0;
            break;
        }
        b[out++] = b[in++];
    }
    return QByteArray(b.data());
}

std::optional<QHash<QByteArray, QByteArray>> parseOsRelease(const QByteArray &content)
{
    // qemu-ga handles the text as a C string: it ends at the first NUL.
    const qsizetype nul = content.indexOf('\0');
    const QByteArray text = nul >= 0 ? content.left(nul) : content;
    if (!text.isValidUtf8())
        return std::nullopt;
    KeyFile keyFile;
    if (!keyFile.loadFromData("[os-release]\n" + text))
        return std::nullopt;
    QHash<QByteArray, QByteArray> fields;
    for (const char *key : {"ID", "NAME", "PRETTY_NAME", "VERSION", "VERSION_ID", "VARIANT", "VARIANT_ID"}) {
        if (std::optional<QByteArray> raw = keyFile.getValue(QStringLiteral("os-release"), QString::fromLatin1(key)))
            fields.insert(key, processOsReleaseValue(*raw));
    }
    return fields;
}

namespace {

struct FileIdentity
{
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec modified{};
    timespec changed{};

    static std::optional<FileIdentity> of(const QByteArray &path)
    {
        struct stat st;
        if (::stat(path.constData(), &st) != 0)
            return std::nullopt;
        return FileIdentity{st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
    }

    bool operator==(const FileIdentity &o) const
    {
        return device == o.device && inode == o.inode && size == o.size && modified.tv_sec == o.modified.tv_sec
               && modified.tv_nsec == o.modified.tv_nsec && changed.tv_sec == o.changed.tv_sec
               && changed.tv_nsec == o.changed.tv_nsec;
    }
};

struct CachedRelease
{
    FileIdentity identity;
    std::optional<QHash<QByteArray, QByteArray>> fields;
};

} // namespace

std::optional<QHash<QByteArray, QByteArray>> readOsReleaseFile(const QString &path, int settleSeconds)
{
    static std::mutex mutex;
    static QHash<QString, CachedRelease> cache;

    const QByteArray native = QFile::encodeName(path);
    const std::optional<FileIdentity> before = FileIdentity::of(native);
    if (!before) {
        std::lock_guard lock(mutex);
        cache.remove(path);
        return std::nullopt;
    }
    {
        std::lock_guard lock(mutex);
        const auto it = cache.constFind(path);
        if (it != cache.constEnd() && it->identity == *before)
            return it->fields;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray content = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return std::nullopt;
    std::optional<QHash<QByteArray, QByteArray>> fields = parseOsRelease(content);
    // Kept only when the file did not change while it was read and has not changed lately:
    // otherwise the next call reads it again.
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    const time_t newest = std::max(before->modified.tv_sec, before->changed.tv_sec);
    if (newest + settleSeconds < now.tv_sec && FileIdentity::of(native) == before) {
        std::lock_guard lock(mutex);
        cache.insert(path, CachedRelease{*before, fields});
    }
    return fields;
}

} // namespace qtga
