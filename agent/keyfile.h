// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// A reader for GLib's key-file syntax, the format of qemu-ga.conf. Error texts follow GLib's
// because qemu-ga shows them to the user verbatim.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace qtga {

class KeyFile
{
public:
    enum class LoadStatus { Loaded, FileNotFound, Failed };

    // Replaces the content only on success. On failure `error` gets the reason (the bare
    // strerror text for I/O errors, as GLib gives it).
    LoadStatus loadFromFile(const QString &path, QString *error = nullptr);
    bool loadFromData(const QByteArray &data, QString *error = nullptr);

    QStringList groups() const;
    bool hasKey(const QString &group, const QString &key) const;

    // The raw value as written (g_key_file_get_value): no escapes decoded.
    std::optional<QByteArray> getValue(const QString &group, const QString &key) const;
    // The value with \s \n \t \r \\ decoded; nullopt and `error` when missing or malformed.
    std::optional<QString> getString(const QString &group, const QString &key,
                                     QString *error = nullptr) const;
    // true/false/1/0 with trailing blanks ignored, as GLib accepts them.
    std::optional<bool> getBool(const QString &group, const QString &key,
                                QString *error = nullptr) const;

private:
    std::optional<QByteArray> rawValue(const QString &group, const QString &key,
                                       QString *error) const;

    QList<QByteArray> m_groupOrder;
    QHash<QByteArray, QHash<QByteArray, QByteArray>> m_entries;  // group -> key -> raw value
};

} // namespace qtga
