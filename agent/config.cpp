// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "config.h"

#include "keyfile.h"
#include "printable.h"
#include "qtga_version.h"
#include "statusprotocol.h"

#include <QFile>

#include <getopt.h>

#include <vector>

namespace qtga {

namespace {

const char DefaultFsfreezeHook[] = QTGA_CONFIG_DIR "/fsfreeze-hook";
const char VirtioSerialDefaultPath[] = "/dev/virtio-ports/org.qemu.guest_agent.0";
const char IsaSerialDefaultPath[] = "/dev/ttyS0";
const char DefaultPidFile[] = "/var/run/qemu-ga.pid";
const char DefaultStateDir[] = "/var/run";
const char GeneralGroup[] = "general";

const QStringList ChannelMethods = {
    QStringLiteral("virtio-serial"),
    QStringLiteral("isa-serial"),
    QStringLiteral("unix-listen"),
    QStringLiteral("vsock-listen"),
};

// Long-only options take values past every short option character.
constexpr int ChannelOption = 0x100;
constexpr int HookTimeoutOption = 0x101;
constexpr int WatchdogOption = 0x102;
constexpr int StatusSocketOption = 0x103;
constexpr int StatusSocketModeOption = 0x104;
constexpr int StatusSocketGroupOption = 0x105;
constexpr int NoAuditOption = 0x106;
constexpr int AuditIntervalOption = 0x107;
constexpr int SelfTestOption = 0x108;
constexpr int VsockAllowOption = 0x109;

// Whole seconds that still fit a millisecond timer.
constexpr int MaxSeconds = 2147483;

const char ShortOptions[] = "hVvdc:m:p:l:f:F::b:a:s:t:Dr";
const option LongOptions[] = {
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {"verbose", no_argument, nullptr, 'v'},
    {"daemonize", no_argument, nullptr, 'd'},
    {"config", required_argument, nullptr, 'c'},
    {"method", required_argument, nullptr, 'm'},
    {"path", required_argument, nullptr, 'p'},
    {"logfile", required_argument, nullptr, 'l'},
    {"pidfile", required_argument, nullptr, 'f'},
    {"fsfreeze-hook", optional_argument, nullptr, 'F'},
    {"block-rpcs", required_argument, nullptr, 'b'},
    {"blacklist", required_argument, nullptr, 'b'},  // the 7.2 spelling
    {"allow-rpcs", required_argument, nullptr, 'a'},
    {"service", required_argument, nullptr, 's'},
    {"statedir", required_argument, nullptr, 't'},
    {"dump-conf", no_argument, nullptr, 'D'},
    {"retry-path", no_argument, nullptr, 'r'},
    {"channel", required_argument, nullptr, ChannelOption},
    {"fsfreeze-hook-timeout", required_argument, nullptr, HookTimeoutOption},
    {"fsfreeze-watchdog", required_argument, nullptr, WatchdogOption},
    {"status-socket", required_argument, nullptr, StatusSocketOption},
    {"status-socket-mode", required_argument, nullptr, StatusSocketModeOption},
    {"status-socket-group", required_argument, nullptr, StatusSocketGroupOption},
    {"no-audit", no_argument, nullptr, NoAuditOption},
    {"audit-poll-interval", required_argument, nullptr, AuditIntervalOption},
    {"self-test", no_argument, nullptr, SelfTestOption},
    {"vsock-allow", required_argument, nullptr, VsockAllowOption},
    {nullptr, 0, nullptr, 0},
};

struct TextOption {
    int option;
    QString Config::*field;
};
const TextOption TextOptions[] = {
    {'m', &Config::method},  {'p', &Config::path},     {'l', &Config::logFile},
    {'f', &Config::pidFile}, {'t', &Config::stateDir},
};

struct FlagOption {
    int option;
    bool Config::*field;
};
const FlagOption FlagOptions[] = {
    {'v', &Config::verbose},
    {'d', &Config::daemonize},
    {'r', &Config::retryPath},
};

// Scalar keys of [general] in the order qemu-ga reads them: the first bad one is reported.
struct FileKey {
    const char *name;
    QString Config::*text;
    bool Config::*flag;
};
const FileKey FileKeys[] = {
    {"daemon", nullptr, &Config::daemonize},
    {"method", &Config::method, nullptr},
    {"path", &Config::path, nullptr},
    {"logfile", &Config::logFile, nullptr},
    {"pidfile", &Config::pidFile, nullptr},
    {"fsfreeze-hook", &Config::fsfreezeHook, nullptr},
    {"statedir", &Config::stateDir, nullptr},
    {"verbose", nullptr, &Config::verbose},
    {"retry-path", nullptr, &Config::retryPath},
    {"audit", nullptr, &Config::audit},
};

// getopt_long permutes the pointer array, so it needs a mutable one that outlives both passes.
class ArgumentVector
{
public:
    explicit ArgumentVector(const QStringList &arguments)
    {
        for (const QString &argument : arguments)
            m_storage.append(QFile::encodeName(argument));
        for (QByteArray &argument : m_storage)
            m_pointers.push_back(argument.data());
        m_pointers.push_back(nullptr);
    }

    int count() const { return int(m_pointers.size()) - 1; }
    char **data() { return m_pointers.data(); }

private:
    QList<QByteArray> m_storage;
    std::vector<char *> m_pointers;
};

// The method comes from the config file or the command line: shown on one line whatever it holds.
QString unsupportedChannelText(const QString &method)
{
    return QStringLiteral("unsupported channel method/type: %1").arg(printable(method));
}

QString channelSpecText(const ChannelSpec &spec)
{
    return spec.path.isEmpty() ? spec.method : spec.method + u':' + spec.path;
}

struct SecondsKey {
    const char *name;
    std::optional<int> Config::*field;
};
const SecondsKey SecondsKeys[] = {
    {"fsfreeze-hook-timeout", &Config::fsfreezeHookTimeout},
    {"fsfreeze-watchdog", &Config::fsfreezeWatchdog},
    {"audit-poll-interval", &Config::auditPollInterval},
};

std::optional<int> parseSeconds(const QString &text)
{
    bool ok = false;
    const int seconds = text.trimmed().toInt(&ok);
    if (!ok || seconds < 1 || seconds > MaxSeconds)
        return std::nullopt;
    return seconds;
}

// An octal file mode such as 0660; nothing beyond the permission bits.
std::optional<int> parseSocketMode(const QString &text)
{
    bool ok = false;
    const int mode = text.trimmed().toInt(&ok, 8);
    if (!ok || mode < 0 || mode > 0777)
        return std::nullopt;
    return mode;
}

bool isHelpValue(const char *value)
{
    return qstrcmp(value, "help") == 0 || qstrcmp(value, "?") == 0;
}

// qemu-ga builds each split list by prepending and then appends it to what it has, so every
// piece lands in reverse order. Like g_strsplit, an empty string has no pieces at all.
void appendReversed(QStringList &list, const QString &commaSeparated)
{
    if (commaSeparated.isEmpty())
        return;
    const QStringList pieces = commaSeparated.split(u',');
    for (auto it = pieces.crbegin(); it != pieces.crend(); ++it)
        list.append(*it);
}

// GLib escapes leading blanks (and the line breaks among them) so that a reader, which trims
// the blanks after '=', gets them back; later blanks and tabs stay as they are.
QByteArray escapeValue(const QString &value)
{
    QByteArray out;
    bool leading = true;
    for (const char c : value.toUtf8()) {
        leading = leading && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
        switch (c) {
        case ' ': out += leading ? "\\s" : " "; break;
        case '\t': out += leading ? "\\t" : "\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\\': out += "\\\\"; break;
        default: out += c;
        }
    }
    return out;
}

QByteArray usageText(const QString &argv0, const QString &defaultConfigPath)
{
    return QStringLiteral(
               "Usage: %1 [-m <method> -p <path>] [<options>]\n"
               "QEMU Guest Agent " QTGA_QEMU_COMPAT_VERSION " (qtga " QTGA_VERSION ")\n"
               "\n"
               "  -c, --config      configuration file (default is %2,\n"
               "                    or $QGA_CONF when set); must exist when given here\n"
               "  -m, --method      transport method: one of unix-listen, virtio-serial,\n"
               "                    isa-serial, or vsock-listen (virtio-serial is the default)\n"
               "  -p, --path        device or socket path (the default for virtio-serial is\n"
               "                    %3,\n"
               "                    the default for isa-serial is %4);\n"
               "                    vsock-listen addresses are written as <cid>:<port>\n"
               "  -l, --logfile     log file path (logs go to stderr by default)\n"
               "  -f, --pidfile     pid file written when daemonized (default is\n"
               "                    %5)\n"
               "  -F, --fsfreeze-hook[=PATH]\n"
               "                    run a hook script with 'freeze' or 'thaw' around\n"
               "                    filesystem freezes (default script is\n"
               "                    %6). The path must be attached:\n"
               "                    -F/path/to/hook or --fsfreeze-hook=/path/to/hook\n"
               "  -t, --statedir    directory for state files (absolute path, default is\n"
               "                    %7)\n"
               "  -v, --verbose     log messages of every level\n"
               "  -V, --version     print the version and exit\n"
               "  -d, --daemonize   run in the background as a daemon\n"
               "  -b, --block-rpcs  comma-separated list of commands to disable (no spaces;\n"
               "                    \"help\" lists every command)\n"
               "  -a, --allow-rpcs  comma-separated list of the only commands to enable\n"
               "                    (no spaces; \"help\" lists every command)\n"
               "  -s, --service     Windows service control (not available on Linux)\n"
               "  -D, --dump-conf   print the effective configuration as a config file\n"
               "                    to stdout and exit\n"
               "  -r, --retry-path  reopen the channel after errors that may go away\n"
               "                    (driver reload, device hot-unplug and replug)\n"
               "      --channel=METHOD:PATH\n"
               "                    serve one more channel besides -m/-p; repeatable\n"
               "      --fsfreeze-hook-timeout=SECONDS\n"
               "                    kill a freeze or thaw hook still running after this\n"
               "                    long (default 60)\n"
               "      --fsfreeze-watchdog=SECONDS\n"
               "                    thaw by ourselves when the host has not thawed this long\n"
               "                    after a freeze (default: never)\n"
               "      --status-socket=PATH\n"
               "                    read-only status socket for the tray and monitoring\n"
               "                    (default %8; empty or \"none\" turns it off)\n"
               "      --status-socket-mode=MODE\n"
               "                    octal file mode of the status socket (default 0660)\n"
               "      --status-socket-group=GROUP\n"
               "                    group of the status socket (default qtga, root's group\n"
               "                    when there is no such group)\n"
               "      --no-audit    no audit log (by default every command is logged, routine\n"
               "                    polls summed up)\n"
               "      --audit-poll-interval=SECONDS\n"
               "                    how often the routine polls are summed up (default 300)\n"
               "      --vsock-allow=LIST\n"
               "                    the peers vsock-listen channels accept, by CID: numbers\n"
               "                    or host (2), local (1), any, comma-separated (default host)\n"
               "      --self-test   check that the agent could start with these options and\n"
               "                    this config (channel, state dir, hook, status socket),\n"
               "                    print a report and exit 0 only if everything passed\n"
               "  -h, --help        display this help and exit\n")
        .arg(argv0, defaultConfigPath, QLatin1String(VirtioSerialDefaultPath),
             QLatin1String(IsaSerialDefaultPath), QLatin1String(DefaultPidFile),
             QLatin1String(DefaultFsfreezeHook), QLatin1String(DefaultStateDir),
             QLatin1String(status::DefaultSocketPath))
        .toLocal8Bit();
}

// The first pass only looks for -c; everything else, errors included, is the second pass's.
std::optional<QString> configOptionOf(ArgumentVector &argv)
{
    std::optional<QString> path;
    opterr = 0;
    optind = 0;  // glibc: 0 resets getopt completely, including its position inside a cluster
    int option;
    while ((option = getopt_long(argv.count(), argv.data(), ShortOptions, LongOptions, nullptr))
           != -1) {
        if (option == 'c')
            path = QFile::decodeName(optarg);
    }
    return path;
}

bool readScalarKey(const KeyFile &file, const FileKey &key, Config &config, QString *error)
{
    const QString group = QLatin1String(GeneralGroup);
    const QString name = QLatin1String(key.name);
    if (key.flag) {
        const std::optional<bool> value = file.getBool(group, name, error);
        if (value)
            config.*key.flag = *value;
        return value.has_value();
    }
    const std::optional<QString> value = file.getString(group, name, error);
    if (value)
        config.*key.text = *value;
    return value.has_value();
}

bool readRpcList(const KeyFile &file, const QString &key, QStringList &list, QString *error)
{
    const QString group = QLatin1String(GeneralGroup);
    if (!file.hasKey(group, key))
        return true;
    const std::optional<QString> value = file.getString(group, key, error);
    if (value)
        appendReversed(list, *value);
    return value.has_value();
}

bool readChannels(const KeyFile &file, QList<ChannelSpec> &channels, QString *error)
{
    const QString group = QLatin1String(GeneralGroup);
    const QString key = QStringLiteral("channels");
    if (!file.hasKey(group, key))
        return true;
    const std::optional<QString> value = file.getString(group, key, error);
    if (!value)
        return false;
    for (const QString &text : value->split(u',', Qt::SkipEmptyParts)) {
        const std::optional<ChannelSpec> spec = parseChannelSpec(text);
        if (!spec) {
            *error = unsupportedChannelText(text.section(u':', 0, 0));
            return false;
        }
        channels.append(*spec);
    }
    return true;
}

bool readSecondsKeys(const KeyFile &file, Config &config, QString *error)
{
    const QString group = QLatin1String(GeneralGroup);
    for (const SecondsKey &key : SecondsKeys) {
        const QString name = QLatin1String(key.name);
        if (!file.hasKey(group, name))
            continue;
        const std::optional<QString> text = file.getString(group, name, error);
        if (!text)
            return false;
        const std::optional<int> seconds = parseSeconds(*text);
        if (!seconds) {
            *error = QStringLiteral("Key file contains key \u201C%1\u201D which has a value that cannot be "
                                    "interpreted.").arg(name);
            return false;
        }
        config.*key.field = seconds;
    }
    return true;
}

bool readStatusKeys(const KeyFile &file, Config &config, QString *error)
{
    const QString group = QLatin1String(GeneralGroup);
    const auto read = [&](const char *key, std::optional<QString> &field) {
        if (!file.hasKey(group, QLatin1String(key)))
            return true;
        field = file.getString(group, QLatin1String(key), error);
        return field.has_value();
    };
    std::optional<QString> mode;
    if (!read("status-socket", config.statusSocket) || !read("status-socket-group", config.statusSocketGroup)
        || !read("status-socket-mode", mode)) {
        return false;
    }
    if (mode) {
        config.statusSocketMode = parseSocketMode(*mode);
        if (!config.statusSocketMode) {
            *error = QStringLiteral("Key file contains key \u201Cstatus-socket-mode\u201D which has a value that "
                                    "cannot be interpreted.");
            return false;
        }
    }
    return true;
}

bool readVsockAllowKey(const KeyFile &file, Config &config, QString *error)
{
    const QString group = QLatin1String(GeneralGroup);
    const QString key = QStringLiteral("vsock-allow");
    if (!file.hasKey(group, key))
        return true;
    const std::optional<QString> text = file.getString(group, key, error);
    if (!text)
        return false;
    const std::optional<VsockAllowList> allowed = parseVsockAllowList(*text);
    if (!allowed) {
        *error = QStringLiteral("Key file contains key \u201C%1\u201D which has a value that cannot be "
                                "interpreted.").arg(key);
        return false;
    }
    config.vsockAllow = *allowed;
    return true;
}

bool readGeneralGroup(const KeyFile &file, ParsedCommandLine &result, QString *error)
{
    Config &config = result.config;
    const QString group = QLatin1String(GeneralGroup);
    for (const FileKey &key : FileKeys) {
        if (file.hasKey(group, QLatin1String(key.name))
            && !readScalarKey(file, key, config, error)) {
            return false;
        }
    }
    // 7.2 read its old key name instead of block-rpcs whenever it was present.
    QString blockKey = QStringLiteral("block-rpcs");
    if (file.hasKey(group, QStringLiteral("blacklist"))) {
        result.errorOutput += "config using deprecated 'blacklist' key, should be replaced with "
                              "the 'block-rpcs' key.\n";
        blockKey = QStringLiteral("blacklist");
    }
    return readRpcList(file, blockKey, config.blockRpcs, error)
        && readRpcList(file, QStringLiteral("allow-rpcs"), config.allowRpcs, error)
        && readChannels(file, config.extraChannels, error)
        && readSecondsKeys(file, config, error)
        && readStatusKeys(file, config, error)
        && readVsockAllowKey(file, config, error);
}

// A missing file is only an error when -c named it; the default and QGA_CONF are optional.
bool loadConfigFile(ParsedCommandLine &result, bool mustExist)
{
    KeyFile file;
    QString error;
    const KeyFile::LoadStatus status = file.loadFromFile(result.config.configPath, &error);
    if (status == KeyFile::LoadStatus::FileNotFound && !mustExist)
        return true;
    if (status == KeyFile::LoadStatus::Loaded && readGeneralGroup(file, result, &error))
        return true;
    result.errorOutput += QStringLiteral("error loading configuration from path: %1, %2\n")
                              .arg(result.config.configPath, error)
                              .toLocal8Bit();
    result.action = StartupAction::Exit;
    result.exitCode = 1;
    return false;
}

class SecondPass
{
public:
    SecondPass(ParsedCommandLine &result, const QString &argv0, const QString &defaultConfigPath)
        : m_result(result), m_argv0(argv0), m_defaultConfigPath(defaultConfigPath)
    {
    }

    void run(ArgumentVector &argv)
    {
        opterr = 1;
        optind = 0;
        int option;
        while ((option = getopt_long(argv.count(), argv.data(), ShortOptions, LongOptions,
                                     nullptr))
               != -1) {
            if (!apply(option, optarg))
                return;
        }
        if (m_dumpConf)
            m_result.action = StartupAction::DumpConf;
        else if (m_selfTest)
            m_result.action = StartupAction::SelfTest;
    }

private:
    // false once the option decided what main() does: qemu-ga exits right there, so the
    // options after it are never looked at.
    bool apply(int option, const char *argument)
    {
        if (setScalar(option, argument))
            return true;
        switch (option) {
        case 'c':  // the file it names is already loaded, under everything given here
            return true;
        case 'D':
            m_dumpConf = true;
            return true;
        case 'F':
            m_result.config.fsfreezeHook =
                argument ? QFile::decodeName(argument) : QLatin1String(DefaultFsfreezeHook);
            return true;
        case 'b':
            return addRpcs(m_result.config.blockRpcs, argument);
        case 'a':
            return addRpcs(m_result.config.allowRpcs, argument);
        case ChannelOption:
            return addChannel(QFile::decodeName(argument));
        case HookTimeoutOption:
            return setSeconds(m_result.config.fsfreezeHookTimeout, "--fsfreeze-hook-timeout", argument);
        case WatchdogOption:
            return setSeconds(m_result.config.fsfreezeWatchdog, "--fsfreeze-watchdog", argument);
        case AuditIntervalOption:
            return setSeconds(m_result.config.auditPollInterval, "--audit-poll-interval", argument);
        case NoAuditOption:
            m_result.config.audit = false;
            return true;
        case SelfTestOption:
            m_selfTest = true;
            return true;
        case StatusSocketOption:
            m_result.config.statusSocket = QFile::decodeName(argument);
            return true;
        case StatusSocketGroupOption:
            m_result.config.statusSocketGroup = QString::fromLocal8Bit(argument);
            return true;
        case StatusSocketModeOption:
            m_result.config.statusSocketMode = parseSocketMode(QString::fromLocal8Bit(argument));
            if (!m_result.config.statusSocketMode) {
                return fail(QStringLiteral("--status-socket-mode: '%1' is not an octal file mode from 0 to 0777\n")
                                .arg(QString::fromLocal8Bit(argument))
                                .toLocal8Bit());
            }
            return true;
        case VsockAllowOption:
            return setVsockAllow(argument);
        case 's':
            return fail("-s/--service is only supported on Windows\n");
        case 'V':
            // The first line is qemu-ga's, for scripts that parse it; the second says what runs.
            m_result.output = "QEMU Guest Agent " QTGA_QEMU_COMPAT_VERSION "\n"
                              "qtga " QTGA_VERSION ", a drop-in replacement for qemu-ga (" QTGA_HOMEPAGE ")\n";
            return stop(StartupAction::PrintVersion);
        case 'h':
            m_result.output = usageText(m_argv0, m_defaultConfigPath);
            return stop(StartupAction::PrintHelp);
        default:
            // getopt has already said what was wrong on stderr.
            m_result.output = QStringLiteral("Unknown option, try '%1 --help' for more "
                                             "information.\n").arg(m_argv0).toLocal8Bit();
            return stop(StartupAction::Exit, 1);
        }
    }

    bool setScalar(int option, const char *argument)
    {
        for (const TextOption &text : TextOptions) {
            if (text.option == option) {
                m_result.config.*text.field = QFile::decodeName(argument);
                return true;
            }
        }
        for (const FlagOption &flag : FlagOptions) {
            if (flag.option == option) {
                m_result.config.*flag.field = true;
                return true;
            }
        }
        return false;
    }

    bool addRpcs(QStringList &list, const char *argument)
    {
        if (isHelpValue(argument))
            return stop(StartupAction::ListCommands);
        appendReversed(list, QString::fromLocal8Bit(argument));
        return true;
    }

    bool addChannel(const QString &text)
    {
        // The channels key separates channels with commas, so --dump-conf could not write one.
        if (text.contains(u',')) {
            return fail(QStringLiteral("--channel: '%1': a channel path cannot contain ','\n")
                            .arg(printable(text))
                            .toLocal8Bit());
        }
        const std::optional<ChannelSpec> spec = parseChannelSpec(text);
        if (!spec)
            return fail(unsupportedChannelText(text.section(u':', 0, 0)).toLocal8Bit() + '\n');
        m_result.config.extraChannels.append(*spec);
        return true;
    }

    bool setSeconds(std::optional<int> &field, const char *option, const char *argument)
    {
        const std::optional<int> seconds = parseSeconds(QString::fromLocal8Bit(argument));
        if (!seconds) {
            return fail(QStringLiteral("%1: '%2' is not a number of seconds from 1 to %3\n")
                            .arg(QLatin1String(option), QString::fromLocal8Bit(argument))
                            .arg(MaxSeconds)
                            .toLocal8Bit());
        }
        field = seconds;
        return true;
    }

    bool setVsockAllow(const char *argument)
    {
        const QString text = QString::fromLocal8Bit(argument);
        const std::optional<VsockAllowList> allowed = parseVsockAllowList(text);
        if (!allowed) {
            return fail(QStringLiteral("--vsock-allow: '%1' is not a list of peer CIDs (numbers, host, local or "
                                       "any, separated by commas)\n")
                            .arg(text)
                            .toLocal8Bit());
        }
        m_result.config.vsockAllow = *allowed;
        return true;
    }

    bool fail(const QByteArray &message)
    {
        m_result.errorOutput += message;
        return stop(StartupAction::Exit, 1);
    }

    bool stop(StartupAction action, int exitCode = 0)
    {
        m_result.action = action;
        m_result.exitCode = exitCode;
        return false;
    }

    ParsedCommandLine &m_result;
    const QString m_argv0;
    const QString m_defaultConfigPath;
    bool m_dumpConf = false;
    bool m_selfTest = false;
};

} // namespace

ParsedCommandLine parseCommandLine(const QStringList &arguments, const QString &defaultConfigPath)
{
    ArgumentVector argv(arguments);
    ParsedCommandLine result;
    const std::optional<QString> explicitPath = configOptionOf(argv);
    // Like g_getenv, a QGA_CONF that is set but empty still counts (and names no file).
    const QString configPath = qEnvironmentVariableIsSet("QGA_CONF")
        ? qEnvironmentVariable("QGA_CONF")
        : defaultConfigPath;
    result.config.configPath = explicitPath.value_or(configPath);
    if (!loadConfigFile(result, explicitPath.has_value()))
        return result;
    SecondPass(result, arguments.value(0), defaultConfigPath).run(argv);
    return result;
}

void applyDefaults(Config &config)
{
    if (config.method.isEmpty())
        config.method = QStringLiteral("virtio-serial");
    if (config.path.isEmpty() && config.method == QLatin1String("virtio-serial"))
        config.path = QLatin1String(VirtioSerialDefaultPath);
    if (config.path.isEmpty() && config.method == QLatin1String("isa-serial"))
        config.path = QLatin1String(IsaSerialDefaultPath);
    if (config.pidFile.isEmpty())
        config.pidFile = QLatin1String(DefaultPidFile);
    if (config.stateDir.isEmpty())
        config.stateDir = QLatin1String(DefaultStateDir);
}

QByteArray dumpConfig(const Config &config)
{
    QByteArray out = "[general]\n";
    const auto add = [&out](const char *key, const QString &value) {
        out += key;
        out += '=';
        out += escapeValue(value);
        out += '\n';
    };
    const auto addFlag = [&add](const char *key, bool value) {
        add(key, value ? QStringLiteral("true") : QStringLiteral("false"));
    };
    addFlag("daemon", config.daemonize);
    add("method", config.method);
    if (!config.path.isEmpty())
        add("path", config.path);
    if (!config.logFile.isEmpty())
        add("logfile", config.logFile);
    add("pidfile", config.pidFile);
    if (!config.fsfreezeHook.isEmpty())
        add("fsfreeze-hook", config.fsfreezeHook);
    add("statedir", config.stateDir);
    addFlag("verbose", config.verbose);
    addFlag("retry-path", config.retryPath);
    add("block-rpcs", config.blockRpcs.join(u','));
    add("allow-rpcs", config.allowRpcs.join(u','));
    if (!config.extraChannels.isEmpty()) {
        QStringList channels;
        for (const ChannelSpec &spec : config.extraChannels)
            channels.append(channelSpecText(spec));
        add("channels", channels.join(u','));
    }
    for (const SecondsKey &key : SecondsKeys) {
        if (const std::optional<int> &seconds = config.*key.field)
            add(key.name, QString::number(*seconds));
    }
    if (config.statusSocket)
        add("status-socket", config.statusSocket->isEmpty() ? QStringLiteral("none") : *config.statusSocket);
    if (config.statusSocketMode)
        add("status-socket-mode", QString::number(*config.statusSocketMode, 8).prepend(u'0'));
    if (config.statusSocketGroup)
        add("status-socket-group", *config.statusSocketGroup);
    if (!config.audit)
        addFlag("audit", false);
    if (!config.vsockAllow.isDefault())
        add("vsock-allow", config.vsockAllow.text());
    return out;
}

QString VsockAllowList::text() const
{
    if (any)
        return QStringLiteral("any");
    QStringList numbers;
    for (const quint32 cid : cids)
        numbers.append(QString::number(cid));
    return numbers.join(u',');
}

std::optional<VsockAllowList> parseVsockAllowList(const QString &text)
{
    VsockAllowList allowed;
    allowed.cids.clear();
    for (const QString &piece : text.split(u',')) {
        const QString item = piece.trimmed();
        quint32 cid = 0;
        if (item == QLatin1String("any")) {
            allowed.any = true;
            continue;
        }
        if (item == QLatin1String("host")) {
            cid = VsockAllowList::HostCid;
        } else if (item == QLatin1String("local")) {
            cid = VsockAllowList::LocalCid;
        } else {
            // Digits only: no sign, no base prefix. 4294967295 is VMADDR_CID_ANY, never a peer.
            bool ok = !item.isEmpty();
            for (const QChar c : item)
                ok = ok && c >= u'0' && c <= u'9';
            const qulonglong value = ok ? item.toULongLong(&ok) : 0;
            if (!ok || value >= 0xFFFFFFFFull)
                return std::nullopt;
            cid = quint32(value);
        }
        if (!allowed.cids.contains(cid))
            allowed.cids.append(cid);
    }
    if (allowed.any)
        allowed.cids.clear();
    return allowed;
}

std::optional<ChannelSpec> parseChannelSpec(const QString &text)
{
    // Only the first ':' separates: a vsock address is itself "<cid>:<port>".
    const qsizetype colon = text.indexOf(u':');
    ChannelSpec spec;
    spec.method = text.section(u':', 0, 0);
    if (colon >= 0)
        spec.path = text.mid(colon + 1);
    if (!ChannelMethods.contains(spec.method))
        return std::nullopt;
    return spec;
}

} // namespace qtga
