// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// libFuzzer target: qtga-agent's configuration (agent/keyfile.*, agent/config.*). The input is
// a qemu-ga.conf, optionally followed by a NUL and command-line arguments separated by NULs.
// Checked:
// - the key-file reader (the whole input): the same bytes give the same result every time and
//   from a file as from memory; a failure leaves what was loaded before and has a one-line
//   reason, as has every failed lookup; what it returns has the shape GLib's reader gives;
// - the command line (qemu-ga's two passes, the file first, then the options, as main() runs
//   them): the same input gives the same result, a bad file is reported on one line, and when
//   the agent would start, the --dump-conf text reads back as the same configuration.
// The file lives in a memfd: nothing is written to disk. The fuzzed arguments cannot name
// another file to read (-c and --config are replaced), and parsing them only fills in a Config:
// no option makes parseCommandLine() exit, print or touch the machine.
#include "config.h"
#include "keyfile.h"

#include <QStringList>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace qtga;

extern "C" __attribute__((weak)) void __sanitizer_set_report_fd(void *fd);

namespace {

// The keys qemu-ga and qtga read from [general], and a few they do not.
const char *const Keys[] = {
    "daemon", "method", "path", "logfile", "pidfile", "fsfreeze-hook", "statedir", "verbose",
    "retry-path", "block-rpcs", "blacklist", "allow-rpcs", "channels", "fsfreeze-hook-timeout",
    "fsfreeze-watchdog", "audit-poll-interval", "status-socket", "status-socket-mode",
    "status-socket-group", "audit", "x", "method[de]",
};

int g_file = -1;        // the memfd holding the key file under test
QString g_path;         // /proc/self/fd/<g_file>
int g_stderr = -1;      // the real stderr, while getopt's complaints go to /dev/null
int g_devNull = -1;

[[noreturn]] void fail(const char *what, const QByteArray &input)
{
    const QByteArray text = QByteArray("fuzz_config: ") + what + "\n  input: "
        + input.left(400).toPercentEncoding(" []=#,:/-_.") + '\n';
    (void)!::write(g_stderr, text.constData(), size_t(text.size()));
    std::abort();
}

void setFile(const QByteArray &content)
{
    if (::ftruncate(g_file, 0) != 0
        || ::pwrite(g_file, content.constData(), size_t(content.size()), 0) != content.size()) {
        std::perror("fuzz_config: memfd");
        std::abort();
    }
}

// Not empty, and neither breaking the line nor sending the cursor back to its start.
bool isOneLine(const QString &text)
{
    return !text.isEmpty() && !text.contains(u'\n') && !text.contains(u'\r');
}

// --- The key-file reader ---

struct Lookup
{
    std::optional<QByteArray> value;
    std::optional<QString> string;
    QString stringError;
    std::optional<bool> flag;
    QString flagError;
    bool has = false;

    bool operator==(const Lookup &o) const
    {
        return value == o.value && string == o.string && stringError == o.stringError && flag == o.flag
            && flagError == o.flagError && has == o.has;
    }
};

Lookup lookUp(const KeyFile &file, const QString &group, const QString &key)
{
    Lookup l;
    l.has = file.hasKey(group, key);
    l.value = file.getValue(group, key);
    l.string = file.getString(group, key, &l.stringError);
    l.flag = file.getBool(group, key, &l.flagError);
    return l;
}

// The groups looked into: the first few (every group is read by the same code), [general], and
// one that is not there.
QStringList groupsToLook(const KeyFile &file)
{
    return file.groups().mid(0, 2) << QStringLiteral("general") << QStringLiteral("nope");
}

// Every lookup of the known keys, with its errors.
QList<Lookup> contentOf(const KeyFile &file)
{
    QList<Lookup> all;
    for (const QString &group : groupsToLook(file)) {
        for (const char *key : Keys)
            all.append(lookUp(file, group, QLatin1String(key)));
    }
    return all;
}

// The raw values of the known keys: what the lookups are made from.
QList<std::optional<QByteArray>> valuesOf(const KeyFile &file)
{
    QList<std::optional<QByteArray>> all;
    for (const QString &group : groupsToLook(file)) {
        for (const char *key : Keys)
            all.append(file.getValue(group, QLatin1String(key)));
    }
    return all;
}

void checkLookup(const Lookup &l, const QByteArray &input)
{
    if (l.has != l.value.has_value())
        fail("hasKey() and getValue() disagree", input);
    if (l.string.has_value() == !l.stringError.isEmpty() || l.flag.has_value() == !l.flagError.isEmpty())
        fail("a lookup has both a result and an error, or neither", input);
    if (!l.string && !isOneLine(l.stringError))
        fail("getString() failed without a one-line reason", input);
    if (!l.flag && !isOneLine(l.flagError))
        fail("getBool() failed without a one-line reason", input);
    if ((l.string || l.flag) && !l.has)
        fail("a value was returned for a missing key", input);
    if (l.value && !l.value->isEmpty() && (l.value->at(0) == ' ' || l.value->at(0) == '\t'))
        fail("a value kept its leading blanks", input);
    if (l.flag) {
        const QByteArray word = l.value->trimmed();
        if (*l.flag != (word == "true" || word == "1") || !QList<QByteArray>{"true", "false", "1", "0"}.contains(word))
            fail("getBool() accepted something else than true, false, 1 or 0", input);
    }
    if (l.string && !l.value->isValidUtf8())
        fail("getString() accepted a value that is not UTF-8", input);
}

void checkKeyFile(const QByteArray &input)
{
    KeyFile first;
    QString firstError;
    const bool loaded = first.loadFromData(input, &firstError);
    KeyFile second;
    QString secondError;
    if (second.loadFromData(input, &secondError) != loaded || secondError != firstError)
        fail("loading the same bytes twice gave different results", input);
    if (loaded != firstError.isEmpty() || (!loaded && !isOneLine(firstError)))
        fail("a key file failed without a one-line reason, or loaded with one", input);

    // From a file, through open() and read(), the same.
    setFile(input);
    KeyFile fromFile;
    QString fileError;
    const KeyFile::LoadStatus status = fromFile.loadFromFile(g_path, &fileError);
    if (status != (loaded ? KeyFile::LoadStatus::Loaded : KeyFile::LoadStatus::Failed) || fileError != firstError)
        fail("loading from a file and from memory gave different results", input);

    // A failed load keeps what was there.
    KeyFile previous;
    if (!previous.loadFromData("[general]\nmethod=unix-listen\n"))
        fail("the sample key file does not load", input);
    const QList<Lookup> before = contentOf(previous);
    if (previous.loadFromData(input) != loaded)
        fail("loading over an earlier file gave another result", input);
    if (!loaded) {
        if (!(contentOf(previous) == before) || previous.groups() != QStringList{QStringLiteral("general")})
            fail("a failed load changed what was loaded before", input);
        return;
    }

    const QStringList groups = first.groups();
    if (groups != second.groups() || groups != fromFile.groups() || groups != previous.groups())
        fail("the same bytes gave different groups", input);
    for (const QString &group : groups) {
        if (group.isEmpty() || group.contains(u'[') || group.contains(u']') || groups.count(group) != 1)
            fail("a group name is empty, has brackets or comes twice", input);
        for (const QChar c : group) {
            if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                fail("a group name has a control character", input);
        }
    }
    const QList<std::optional<QByteArray>> values = valuesOf(first);
    if (values != valuesOf(second) || values != valuesOf(fromFile) || values != valuesOf(previous))
        fail("the same bytes gave different values", input);
    for (const Lookup &l : contentOf(first))
        checkLookup(l, input);
}

// --- The command line ---

// What a value written by --dump-conf is when read back. GLib's reader drops the blanks at the
// start of a value (g_ascii_isspace: space, tab, form feed, and the line breaks, which are
// escaped), and GLib's writer, as qemu-ga's and so qtga's, escapes only spaces and tabs there:
// a value that starts with a form feed loses it and the blanks after it.
QString readBack(const QString &value)
{
    qsizetype start = 0;
    if (value.startsWith(u'\f')) {
        while (start < value.size() && (value[start] == u' ' || value[start] == u'\t' || value[start] == u'\f'))
            ++start;
    }
    return value.mid(start);
}

// A list is written joined with commas and read back split, each piece prepended as qemu-ga
// does: reversed.
QStringList readBack(const QStringList &list)
{
    const QString joined = readBack(list.join(u','));
    if (joined.isEmpty())
        return {};
    QStringList pieces = joined.split(u',');
    std::reverse(pieces.begin(), pieces.end());
    return pieces;
}

bool sameConfig(const Config &a, const Config &b)
{
    return a.daemonize == b.daemonize && a.method == b.method && a.path == b.path && a.logFile == b.logFile
        && a.pidFile == b.pidFile && a.fsfreezeHook == b.fsfreezeHook && a.stateDir == b.stateDir
        && a.verbose == b.verbose && a.retryPath == b.retryPath && a.blockRpcs == b.blockRpcs
        && a.allowRpcs == b.allowRpcs && a.extraChannels == b.extraChannels
        && a.fsfreezeHookTimeout == b.fsfreezeHookTimeout && a.fsfreezeWatchdog == b.fsfreezeWatchdog
        && a.statusSocket == b.statusSocket && a.statusSocketMode == b.statusSocketMode
        && a.statusSocketGroup == b.statusSocketGroup && a.audit == b.audit
        && a.auditPollInterval == b.auditPollInterval && a.configPath == b.configPath;
}

bool sameResult(const ParsedCommandLine &a, const ParsedCommandLine &b)
{
    return sameConfig(a.config, b.config) && a.action == b.action && a.exitCode == b.exitCode
        && a.output == b.output && a.errorOutput == b.errorOutput;
}

// An argument that could name a file to read (-c FILE, -vcFILE, --config=FILE, --conf FILE)
// becomes one that cannot; the rest is left as fuzzed.
QString harmless(const QByteArray &argument)
{
    if (argument.startsWith("--") && argument.size() > 2) {
        const QByteArray name = argument.mid(2).split('=').first();
        if (QByteArray("config").startsWith(name))
            return QStringLiteral("--verbose");
    } else if (argument.startsWith('-')) {
        return QString::fromLocal8Bit(QByteArray(argument).replace('c', 'v'));
    }
    return QString::fromLocal8Bit(argument);
}

ParsedCommandLine parseQuietly(const QStringList &arguments)
{
    // getopt tells stderr about bad options, as qemu-ga does; not wanted thousands of times.
    ::dup2(g_devNull, 2);
    ParsedCommandLine parsed = parseCommandLine(arguments, QStringLiteral("/nonexistent/qemu-ga.conf"));
    ::dup2(g_stderr, 2);
    return parsed;
}

void checkCommandLine(const QByteArray &input)
{
    const qsizetype nul = input.indexOf('\0');
    const QByteArray fileContent = nul < 0 ? input : input.left(nul);
    // The file given first with -c, so that nothing fuzzed can name another one.
    QStringList arguments{QStringLiteral("qemu-ga"), QStringLiteral("-c"), g_path};
    if (nul >= 0) {
        for (const QByteArray &argument : input.mid(nul + 1).split('\0'))
            arguments.append(harmless(argument));
    }
    setFile(fileContent);
    const ParsedCommandLine parsed = parseQuietly(arguments);
    if (!sameResult(parsed, parseQuietly(arguments)))
        fail("parsing the same command line twice gave different results", input);
    if (parsed.config.configPath != g_path)
        fail("the configuration came from another file", input);

    const QByteArray fileError = "error loading configuration from path: " + g_path.toUtf8() + ", ";
    const qsizetype errorAt = parsed.errorOutput.indexOf(fileError);
    if (errorAt >= 0) {
        // A bad file stops everything, on one line.
        const QByteArray message = parsed.errorOutput.mid(errorAt);
        if (parsed.action != StartupAction::Exit || parsed.exitCode != 1 || message.indexOf('\n') != message.size() - 1
            || message.size() == fileError.size() + 1 || (errorAt > 0 && parsed.errorOutput.at(errorAt - 1) != '\n'))
            fail("a bad configuration file was not reported on one line", input);
        return;
    }
    if (parsed.action != StartupAction::Run && parsed.action != StartupAction::DumpConf
        && parsed.action != StartupAction::SelfTest)
        return;

    // What --dump-conf prints reads back as the same configuration, but for what readBack()
    // says and an empty status socket, which is written "none".
    Config config = parsed.config;
    applyDefaults(config);
    const QByteArray dump = dumpConfig(config);
    setFile(dump);
    const ParsedCommandLine reread = parseQuietly({QStringLiteral("qemu-ga"), QStringLiteral("-c"), g_path});
    if (reread.action != StartupAction::Run || !reread.errorOutput.isEmpty() || !reread.output.isEmpty())
        fail(qPrintable(QStringLiteral("the --dump-conf text does not read back: %1\n  dump: %2")
                            .arg(QString::fromLocal8Bit(reread.errorOutput), QString::fromUtf8(dump))),
             input);
    Config expected = config;
    for (QString Config::*text : {&Config::method, &Config::path, &Config::logFile, &Config::pidFile,
                                  &Config::fsfreezeHook, &Config::stateDir})
        expected.*text = readBack(config.*text);
    expected.blockRpcs = readBack(config.blockRpcs);
    expected.allowRpcs = readBack(config.allowRpcs);
    if (expected.statusSocket)
        expected.statusSocket = expected.statusSocket->isEmpty() ? QStringLiteral("none") : readBack(*expected.statusSocket);
    if (expected.statusSocketGroup)
        expected.statusSocketGroup = readBack(*expected.statusSocketGroup);
    applyDefaults(expected);
    Config back = reread.config;
    applyDefaults(back);
    if (!sameConfig(back, expected))
        fail(qPrintable(QStringLiteral("the --dump-conf text reads back as another configuration\n  dump: %1\n  "
                                       "dump of what was read: %2")
                            .arg(QString::fromUtf8(dump), QString::fromUtf8(dumpConfig(back)))),
             input);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    // Only the files this target makes are read: no QGA_CONF, no default path that exists.
    unsetenv("QGA_CONF");
    g_file = memfd_create("fuzz_config", MFD_CLOEXEC);
    g_devNull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    g_stderr = ::fcntl(2, F_DUPFD_CLOEXEC, 3);
    if (g_file < 0 || g_devNull < 0 || g_stderr < 0) {
        std::perror("fuzz_config: setting up");
        std::exit(1);
    }
    // Sanitizer reports go to the real stderr even while getopt's complaints are discarded.
    if (__sanitizer_set_report_fd)
        __sanitizer_set_report_fd(reinterpret_cast<void *>(intptr_t(g_stderr)));
    g_path = QStringLiteral("/proc/self/fd/%1").arg(g_file);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    checkKeyFile(input);
    checkCommandLine(input);
    return 0;
}
