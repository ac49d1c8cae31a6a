// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "keyfile.h"

#include "printable.h"

#include <QFile>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace qtga {

namespace {

void setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
}

// Quoted as GLib quotes in its messages, with control characters shown as qemu-ga's log shows
// them: a message stays on one line whatever the file holds.
QString quoted(const QByteArray &text)
{
    return u'\u201c' + printable(QString::fromUtf8(text)) + u'\u201d';
}

QString quoted(const QString &text)
{
    return u'\u201c' + printable(text) + u'\u201d';
}

QString strerrorText(int errnum)
{
    return QString::fromLocal8Bit(std::strerror(errnum));
}

// g_ascii_isspace(): not the vertical tab, which GLib's table leaves out.
bool isAsciiSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

QByteArray withoutLeadingSpace(const QByteArray &text)
{
    qsizetype start = 0;
    while (start < text.size() && isAsciiSpace(text.at(start)))
        ++start;
    return text.mid(start);
}

QByteArray withoutTrailingSpace(const QByteArray &text)
{
    qsizetype end = text.size();
    while (end > 0 && isAsciiSpace(text.at(end - 1)))
        --end;
    return text.left(end);
}

bool isControl(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
}

bool isValidGroupName(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        if (c == '[' || c == ']' || isControl(c))
            return false;
    }
    return true;
}

bool isLocaleChar(char c)
{
    // Bytes above ASCII belong to UTF-8 letters, which GLib's locale check also lets through.
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || u >= 0x80 || c == '-' || c == '_' || c == '.' || c == '@';
}

// A key is a name without '=', '[' or ']', optionally followed by a "[locale]" suffix.
bool isValidKeyName(const QByteArray &key)
{
    qsizetype i = 0;
    while (i < key.size() && key.at(i) != '[' && key.at(i) != ']')
        ++i;
    if (i == 0)
        return false;
    if (i < key.size() && key.at(i) == '[') {
        ++i;
        while (i < key.size() && isLocaleChar(key.at(i)))
            ++i;
        if (i == key.size() || key.at(i) != ']')
            return false;
        ++i;
    }
    return i == key.size();
}

// GLib accepts blanks (but nothing else) after the closing bracket of a group line.
std::optional<QByteArray> groupNameOfLine(const QByteArray &line)
{
    if (!line.startsWith('['))
        return std::nullopt;
    const qsizetype close = line.indexOf(']');
    if (close < 0)
        return std::nullopt;
    for (qsizetype i = close + 1; i < line.size(); ++i) {
        if (line.at(i) != ' ' && line.at(i) != '\t')
            return std::nullopt;
    }
    return line.mid(1, close - 1);
}

std::optional<QString> unescape(const QByteArray &raw)
{
    QByteArray out;
    out.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw.at(i) != '\\') {
            out.append(raw.at(i));
            continue;
        }
        if (++i == raw.size())
            return std::nullopt;
        switch (raw.at(i)) {
        case 's': out.append(' '); break;
        case 'n': out.append('\n'); break;
        case 't': out.append('\t'); break;
        case 'r': out.append('\r'); break;
        case '\\': out.append('\\'); break;
        default: return std::nullopt;
        }
    }
    return QString::fromUtf8(out);
}

class Parser
{
public:
    QList<QByteArray> groupOrder;
    QHash<QByteArray, QHash<QByteArray, QByteArray>> entries;

    bool parseLine(const QByteArray &rawLine, QString *error)
    {
        const QByteArray line = withoutLeadingSpace(rawLine);
        if (line.isEmpty() || line.startsWith('#'))
            return true;
        if (const std::optional<QByteArray> group = groupNameOfLine(line))
            return startGroup(*group, error);
        const qsizetype equals = line.indexOf('=');
        if (equals > 0)
            return addEntry(line.left(equals), line.mid(equals + 1), error);
        // GLib quotes the line as read, leading blanks included.
        setError(error, QStringLiteral("Key file contains line %1 which is not a key-value pair, "
                                       "group, or comment").arg(quoted(rawLine)));
        return false;
    }

private:
    bool startGroup(const QByteArray &name, QString *error)
    {
        if (!isValidGroupName(name)) {
            setError(error, QStringLiteral("Invalid group name: %1").arg(printable(QString::fromUtf8(name))));
            return false;
        }
        // A group named twice is one group, later keys overriding earlier ones.
        if (!entries.contains(name)) {
            groupOrder.append(name);
            entries.insert(name, {});
        }
        m_currentGroup = name;
        return true;
    }

    bool addEntry(const QByteArray &keyPart, const QByteArray &valuePart, QString *error)
    {
        if (m_currentGroup.isEmpty()) {
            setError(error, QStringLiteral("Key file does not start with a group"));
            return false;
        }
        const QByteArray key = withoutTrailingSpace(keyPart);
        if (!isValidKeyName(key)) {
            setError(error, QStringLiteral("Invalid key name: %1").arg(printable(QString::fromUtf8(key))));
            return false;
        }
        entries[m_currentGroup].insert(key, withoutLeadingSpace(valuePart));
        return true;
    }

    QByteArray m_currentGroup;  // empty before the first group line
};

struct FileDescriptor {
    int fd;
    ~FileDescriptor()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

std::optional<QByteArray> readAll(int fd, int *errnum)
{
    QByteArray data;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0)
            return data;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            *errnum = errno;
            return std::nullopt;
        }
        data.append(buffer, n);
    }
}

} // namespace

KeyFile::LoadStatus KeyFile::loadFromFile(const QString &path, QString *error)
{
    const FileDescriptor file{::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) {
        const int errnum = errno;
        setError(error, strerrorText(errnum));
        return errnum == ENOENT ? LoadStatus::FileNotFound : LoadStatus::Failed;
    }
    struct stat info {};
    if (::fstat(file.fd, &info) < 0) {
        setError(error, strerrorText(errno));
        return LoadStatus::Failed;
    }
    if (!S_ISREG(info.st_mode)) {
        setError(error, QStringLiteral("Not a regular file"));
        return LoadStatus::Failed;
    }
    int errnum = 0;
    const std::optional<QByteArray> data = readAll(file.fd, &errnum);
    if (!data) {
        setError(error, strerrorText(errnum));
        return LoadStatus::Failed;
    }
    return loadFromData(*data, error) ? LoadStatus::Loaded : LoadStatus::Failed;
}

bool KeyFile::loadFromData(const QByteArray &data, QString *error)
{
    Parser parser;
    QList<QByteArray> lines = data.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray &line = lines[i];
        // Like GLib, only "\r\n" loses its '\r'; a last line without '\n' keeps it.
        if (i + 1 < lines.size() && line.endsWith('\r'))
            line.chop(1);
        if (!parser.parseLine(line, error))
            return false;
    }
    m_groupOrder = parser.groupOrder;
    m_entries = parser.entries;
    return true;
}

QStringList KeyFile::groups() const
{
    QStringList names;
    for (const QByteArray &name : m_groupOrder)
        names.append(QString::fromUtf8(name));
    return names;
}

bool KeyFile::hasKey(const QString &group, const QString &key) const
{
    return m_entries.value(group.toUtf8()).contains(key.toUtf8());
}

std::optional<QByteArray> KeyFile::rawValue(const QString &group, const QString &key,
                                            QString *error) const
{
    const auto groupIt = m_entries.constFind(group.toUtf8());
    if (groupIt == m_entries.constEnd()) {
        setError(error, QStringLiteral("Key file does not have group %1").arg(quoted(group)));
        return std::nullopt;
    }
    const auto keyIt = groupIt->constFind(key.toUtf8());
    if (keyIt == groupIt->constEnd()) {
        setError(error, QStringLiteral("Key file does not have key %1 in group %2")
                            .arg(quoted(key), quoted(group)));
        return std::nullopt;
    }
    return *keyIt;
}

std::optional<QByteArray> KeyFile::getValue(const QString &group, const QString &key) const
{
    return rawValue(group, key, nullptr);
}

std::optional<QString> KeyFile::getString(const QString &group, const QString &key,
                                          QString *error) const
{
    const std::optional<QByteArray> raw = rawValue(group, key, error);
    if (!raw)
        return std::nullopt;
    if (!raw->isValidUtf8()) {
        setError(error, QStringLiteral("Key file contains key %1 with value %2 which is not UTF-8")
                            .arg(quoted(key), quoted(*raw)));
        return std::nullopt;
    }
    std::optional<QString> value = unescape(*raw);
    if (!value) {
        setError(error, QStringLiteral("Key file contains key %1 which has a value that cannot "
                                       "be interpreted.").arg(quoted(key)));
    }
    return value;
}

std::optional<bool> KeyFile::getBool(const QString &group, const QString &key,
                                     QString *error) const
{
    const std::optional<QByteArray> raw = rawValue(group, key, error);
    if (!raw)
        return std::nullopt;
    const QByteArray word = withoutTrailingSpace(*raw);
    if (word == "true" || word == "1")
        return true;
    if (word == "false" || word == "0")
        return false;
    setError(error, QStringLiteral("Key file contains key %1 which has a value that cannot be "
                                   "interpreted.").arg(quoted(key)));
    return std::nullopt;
}

} // namespace qtga
