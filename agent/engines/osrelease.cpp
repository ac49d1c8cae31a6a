// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "osrelease.h"

#include "keyfile.h"

#include <vector>

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

} // namespace qtga
