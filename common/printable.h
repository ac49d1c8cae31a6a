// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Text from outside (a line of a config file, a member of a status message) inside a message of
// one line: control characters are shown as \u escapes, the way GLib's log writer shows them in
// qemu-ga's messages, so that the text can neither break the line nor move the cursor.
#pragma once

#include <QString>

namespace qtga {

inline QString printable(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\t') || u == 0x7f || (u >= 0x80 && u < 0xa0))
            out += QStringLiteral("\\u%1").arg(uint(u), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

} // namespace qtga
