// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Command line, key file and --dump-conf of qtga-agent against qemu-ga's documented behaviour
// and, where the reference is unpacked (QTGA_QEMU_GA), against the real qemu-ga.
#include "config.h"
#include "keyfile.h"
#include "qtga_version.h"
#include "status/statussocket.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace qtga;

namespace {

// Debian's qemu-ga unpacked from its package (tests/CMakeLists.txt); empty when there is none.
const QString QemuGa = qEnvironmentVariable("QTGA_QEMU_GA");
const QByteArray UnknownOptionText =
    "Unknown option, try 'qtga-agent --help' for more information.\n";

QString boolText(bool value)
{
    return value ? QStringLiteral("true") : QStringLiteral("false");
}

QString fieldOf(const Config &config, const QByteArray &field)
{
    const QHash<QByteArray, QString> fields = {
        {"method", config.method},
        {"path", config.path},
        {"logFile", config.logFile},
        {"pidFile", config.pidFile},
        {"fsfreezeHook", config.fsfreezeHook},
        {"stateDir", config.stateDir},
        {"verbose", boolText(config.verbose)},
        {"daemonize", boolText(config.daemonize)},
        {"retryPath", boolText(config.retryPath)},
    };
    Q_ASSERT(fields.contains(field));
    return fields.value(field);
}

QByteArray withoutLine(const QByteArray &text, const QByteArray &prefix)
{
    QList<QByteArray> lines = text.split('\n');
    lines.removeIf([&prefix](const QByteArray &line) { return line.startsWith(prefix); });
    return lines.join('\n');
}

const char DefaultDump[] = "[general]\n"
                           "daemon=false\n"
                           "method=virtio-serial\n"
                           "path=/dev/virtio-ports/org.qemu.guest_agent.0\n"
                           "pidfile=/var/run/qemu-ga.pid\n"
                           "statedir=/var/run\n"
                           "verbose=false\n"
                           "retry-path=false\n"
                           "block-rpcs=\n"
                           "allow-rpcs=\n";

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void options_data();
    void options();
    void actions_data();
    void actions();
    void helpNamesEveryOption_data();
    void helpNamesEveryOption();
    void unknownOption_data();
    void unknownOption();
    void rpcLists_data();
    void rpcLists();
    void listsFromFileAndCommandLineMerge();
    void blacklistKeyReplacesBlockRpcs();
    void commandLineScalarsOverrideFile();
    void keysOutsideGeneralIgnored();
    void configPathPrecedence_data();
    void configPathPrecedence();
    void missingOptionalFileIgnored_data();
    void missingOptionalFileIgnored();
    void missingExplicitFileFatal();
    void badFileFatal_data();
    void badFileFatal();
    void directoryAsConfigFatal();
    void channels_data();
    void channels();
    void badChannelFatal_data();
    void badChannelFatal();
    void freezeTimes_data();
    void freezeTimes();
    void badFreezeTimeFatal_data();
    void badFreezeTimeFatal();
    void statusSocket_data();
    void statusSocket();
    void badStatusSocketModeFatal_data();
    void badStatusSocketModeFatal();
    void vsockAllow_data();
    void vsockAllow();
    void vsockAllowMatchesPeers();
    void badVsockAllowFatal_data();
    void badVsockAllowFatal();
    void applyDefaults_data();
    void applyDefaults();
    void dumpConfig_data();
    void dumpConfig();
    void dumpMatchesQemuGa_data();
    void dumpMatchesQemuGa();

    void keyFileStrings_data();
    void keyFileStrings();
    void keyFileBadEscape_data();
    void keyFileBadEscape();
    void keyFileBool_data();
    void keyFileBool();
    void keyFileSyntax();
    void keyFileMissingEntries();
    void keyFileNotUtf8();
    void keyFileMissingFile();

private:
    QString writeFile(const QString &name, const QByteArray &content);
    QString missingPath() const { return m_dir.filePath(QStringLiteral("missing.conf")); }
    ParsedCommandLine parse(const QStringList &options);
    ParsedCommandLine parseWithFile(const QByteArray &content, const QStringList &options = {});

    QTemporaryDir m_dir;
};

void TestConfig::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestConfig::init()
{
    qunsetenv("QGA_CONF");
}

void TestConfig::cleanup()
{
    qunsetenv("QGA_CONF");
}

QString TestConfig::writeFile(const QString &name, const QByteArray &content)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        qFatal("cannot write fixture %s", qPrintable(path));
    return path;
}

ParsedCommandLine TestConfig::parse(const QStringList &options)
{
    return parseCommandLine(QStringList{QStringLiteral("qtga-agent")} + options, missingPath());
}

ParsedCommandLine TestConfig::parseWithFile(const QByteArray &content, const QStringList &options)
{
    const QString path = writeFile(QStringLiteral("fixture.conf"), content);
    return parseCommandLine(QStringList{QStringLiteral("qtga-agent")} + options, path);
}

void TestConfig::options_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QByteArray>("field");
    QTest::addColumn<QString>("expected");

    QTest::newRow("-m") << QStringList{"-m", "isa-serial"} << QByteArray("method") << "isa-serial";
    QTest::newRow("--method") << QStringList{"--method=unix-listen"} << QByteArray("method")
                              << "unix-listen";
    QTest::newRow("--method separate") << QStringList{"--method", "vsock-listen"}
                                       << QByteArray("method") << "vsock-listen";
    QTest::newRow("-p") << QStringList{"-p", "/dev/vport1p1"} << QByteArray("path") << "/dev/vport1p1";
    QTest::newRow("-p attached") << QStringList{"-p/dev/x"} << QByteArray("path") << "/dev/x";
    QTest::newRow("--path") << QStringList{"--path=3:4567"} << QByteArray("path") << "3:4567";
    QTest::newRow("-l") << QStringList{"-l", "/var/log/a"} << QByteArray("logFile") << "/var/log/a";
    QTest::newRow("--logfile") << QStringList{"--logfile=/b"} << QByteArray("logFile") << "/b";
    QTest::newRow("-f") << QStringList{"-f", "/run/p"} << QByteArray("pidFile") << "/run/p";
    QTest::newRow("--pidfile") << QStringList{"--pidfile", "/q"} << QByteArray("pidFile") << "/q";
    QTest::newRow("-t") << QStringList{"-t", "/st"} << QByteArray("stateDir") << "/st";
    QTest::newRow("--statedir") << QStringList{"--statedir=/sd"} << QByteArray("stateDir") << "/sd";
    QTest::newRow("-F alone") << QStringList{"-F"} << QByteArray("fsfreezeHook")
                              << "/etc/qemu/fsfreeze-hook";
    QTest::newRow("-F attached") << QStringList{"-F/my/hook"} << QByteArray("fsfreezeHook")
                                 << "/my/hook";
    QTest::newRow("-F separate takes no argument")
        << QStringList{"-F", "/my/hook"} << QByteArray("fsfreezeHook") << "/etc/qemu/fsfreeze-hook";
    QTest::newRow("--fsfreeze-hook alone") << QStringList{"--fsfreeze-hook"}
                                           << QByteArray("fsfreezeHook")
                                           << "/etc/qemu/fsfreeze-hook";
    QTest::newRow("--fsfreeze-hook=") << QStringList{"--fsfreeze-hook=/h"}
                                      << QByteArray("fsfreezeHook") << "/h";
    QTest::newRow("no -F") << QStringList{} << QByteArray("fsfreezeHook") << QString();
    QTest::newRow("-v") << QStringList{"-v"} << QByteArray("verbose") << "true";
    QTest::newRow("--verbose") << QStringList{"--verbose"} << QByteArray("verbose") << "true";
    QTest::newRow("-d") << QStringList{"-d"} << QByteArray("daemonize") << "true";
    QTest::newRow("--daemonize") << QStringList{"--daemonize"} << QByteArray("daemonize") << "true";
    QTest::newRow("-r") << QStringList{"-r"} << QByteArray("retryPath") << "true";
    QTest::newRow("--retry-path") << QStringList{"--retry-path"} << QByteArray("retryPath") << "true";
    QTest::newRow("clustered -vdr") << QStringList{"-vdr"} << QByteArray("retryPath") << "true";
    QTest::newRow("last one wins") << QStringList{"-m", "a", "--method=b"} << QByteArray("method")
                                   << "b";
    QTest::newRow("long prefix") << QStringList{"--meth=x"} << QByteArray("method") << "x";
    QTest::newRow("after --") << QStringList{"--", "-v"} << QByteArray("verbose") << "false";
}

void TestConfig::options()
{
    QFETCH(QStringList, options);
    QFETCH(QByteArray, field);
    QFETCH(QString, expected);

    const ParsedCommandLine parsed = parse(options);
    QCOMPARE(parsed.action, StartupAction::Run);
    QCOMPARE(parsed.errorOutput, QByteArray());
    QCOMPARE(fieldOf(parsed.config, field), expected);
}

void TestConfig::actions_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<StartupAction>("action");
    QTest::addColumn<int>("exitCode");

    QTest::newRow("none") << QStringList{} << StartupAction::Run << 0;
    QTest::newRow("-D") << QStringList{"-D"} << StartupAction::DumpConf << 0;
    QTest::newRow("--dump-conf") << QStringList{"--dump-conf"} << StartupAction::DumpConf << 0;
    QTest::newRow("-V") << QStringList{"-V"} << StartupAction::PrintVersion << 0;
    QTest::newRow("--version") << QStringList{"--version"} << StartupAction::PrintVersion << 0;
    QTest::newRow("-h") << QStringList{"-h"} << StartupAction::PrintHelp << 0;
    QTest::newRow("--help") << QStringList{"--help"} << StartupAction::PrintHelp << 0;
    QTest::newRow("-b help") << QStringList{"-b", "help"} << StartupAction::ListCommands << 0;
    QTest::newRow("-b ?") << QStringList{"-b", "?"} << StartupAction::ListCommands << 0;
    QTest::newRow("--block-rpcs=help") << QStringList{"--block-rpcs=help"}
                                       << StartupAction::ListCommands << 0;
    QTest::newRow("--blacklist=?") << QStringList{"--blacklist=?"} << StartupAction::ListCommands
                                   << 0;
    QTest::newRow("-a help") << QStringList{"-a", "help"} << StartupAction::ListCommands << 0;
    QTest::newRow("--allow-rpcs=?") << QStringList{"--allow-rpcs=?"}
                                    << StartupAction::ListCommands << 0;
    QTest::newRow("help inside a list is a name") << QStringList{"-b", "help,x"}
                                                  << StartupAction::Run << 0;
    QTest::newRow("-s") << QStringList{"-s", "install"} << StartupAction::Exit << 1;
    QTest::newRow("--service") << QStringList{"--service=uninstall"} << StartupAction::Exit << 1;
    // qemu-ga exits inside the option loop, so the first deciding option wins.
    QTest::newRow("-D then -V") << QStringList{"-D", "-V"} << StartupAction::PrintVersion << 0;
    QTest::newRow("-D then -b help") << QStringList{"-D", "-b", "help"}
                                     << StartupAction::ListCommands << 0;
    QTest::newRow("-V then bad") << QStringList{"-V", "-x"} << StartupAction::PrintVersion << 0;
    QTest::newRow("bad then -V") << QStringList{"-x", "-V"} << StartupAction::Exit << 1;
    QTest::newRow("-h then -s") << QStringList{"-h", "-s", "x"} << StartupAction::PrintHelp << 0;
}

void TestConfig::actions()
{
    QFETCH(QStringList, options);
    QFETCH(StartupAction, action);
    QFETCH(int, exitCode);

    const ParsedCommandLine parsed = parse(options);
    QCOMPARE(parsed.action, action);
    QCOMPARE(parsed.exitCode, exitCode);
    if (action == StartupAction::PrintVersion)
        QCOMPARE(parsed.output, QByteArray("QEMU Guest Agent " QTGA_QEMU_COMPAT_VERSION "\nqtga " QTGA_VERSION
                                           ", a drop-in replacement for qemu-ga (" QTGA_HOMEPAGE ")\n"));
    if (options.value(0).startsWith(QLatin1String("-s"))
        || options.value(0).startsWith(QLatin1String("--service"))) {
        QCOMPARE(parsed.errorOutput, QByteArray("-s/--service is only supported on Windows\n"));
    }
}

void TestConfig::helpNamesEveryOption_data()
{
    QTest::addColumn<QString>("text");
    const char *const names[] = {
        "-c, --config", "-m, --method", "-p, --path", "-l, --logfile", "-f, --pidfile",
        "-F, --fsfreeze-hook[=PATH]", "-t, --statedir", "-v, --verbose", "-V, --version",
        "-d, --daemonize", "-b, --block-rpcs", "-a, --allow-rpcs", "-s, --service",
        "-D, --dump-conf", "-r, --retry-path", "--channel=METHOD:PATH", "-h, --help",
        "--fsfreeze-hook-timeout=SECONDS", "--fsfreeze-watchdog=SECONDS",
        "--status-socket=PATH", "--status-socket-mode=MODE", "--status-socket-group=GROUP", "/run/qtga/status.sock",
        "--vsock-allow=LIST",
        "Usage: qtga-agent ", "/etc/qemu/fsfreeze-hook", "/var/run/qemu-ga.pid",
    };
    for (const char *name : names)
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestConfig::helpNamesEveryOption()
{
    QFETCH(QString, text);
    const ParsedCommandLine parsed = parse({QStringLiteral("--help")});
    QVERIFY2(QString::fromLocal8Bit(parsed.output).contains(text), qPrintable(text));
    QVERIFY(parsed.output.endsWith('\n'));
}

void TestConfig::unknownOption_data()
{
    QTest::addColumn<QStringList>("options");

    QTest::newRow("short") << QStringList{"-x"};
    QTest::newRow("long") << QStringList{"--bogus"};
    QTest::newRow("missing argument") << QStringList{"-m"};
    QTest::newRow("missing long argument") << QStringList{"--method"};
    QTest::newRow("argument to a flag") << QStringList{"--verbose=1"};
    QTest::newRow("ambiguous prefix") << QStringList{"--d"};
    QTest::newRow("-c without argument") << QStringList{"-c"};
}

void TestConfig::unknownOption()
{
    QFETCH(QStringList, options);

    const ParsedCommandLine parsed = parse(options);
    QCOMPARE(parsed.action, StartupAction::Exit);
    QCOMPARE(parsed.exitCode, 1);
    QCOMPARE(parsed.output, UnknownOptionText);
}

void TestConfig::rpcLists_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QStringList>("blockRpcs");
    QTest::addColumn<QStringList>("allowRpcs");

    QTest::newRow("none") << QStringList{} << QStringList{} << QStringList{};
    QTest::newRow("-b reversed") << QStringList{"-b", "a,b"} << QStringList{"b", "a"}
                                 << QStringList{};
    QTest::newRow("-b twice") << QStringList{"-b", "a,b", "--block-rpcs=c,d"}
                              << QStringList{"b", "a", "d", "c"} << QStringList{};
    QTest::newRow("--blacklist alias") << QStringList{"--blacklist=x", "-b", "y"}
                                       << QStringList{"x", "y"} << QStringList{};
    QTest::newRow("empty pieces kept") << QStringList{"-b", "a,,b,"}
                                       << QStringList{"", "b", "", "a"} << QStringList{};
    QTest::newRow("empty list") << QStringList{"-b", ""} << QStringList{} << QStringList{};
    QTest::newRow("semicolon is no separator") << QStringList{"-b", "a;b,c"}
                                               << QStringList{"c", "a;b"} << QStringList{};
    QTest::newRow("-a") << QStringList{"-a", "guest-ping,guest-info"} << QStringList{}
                        << QStringList{"guest-info", "guest-ping"};
    QTest::newRow("-a and -b") << QStringList{"--allow-rpcs=p", "-b", "q"} << QStringList{"q"}
                               << QStringList{"p"};
}

void TestConfig::rpcLists()
{
    QFETCH(QStringList, options);
    QFETCH(QStringList, blockRpcs);
    QFETCH(QStringList, allowRpcs);

    const ParsedCommandLine parsed = parse(options);
    QCOMPARE(parsed.action, StartupAction::Run);
    QCOMPARE(parsed.config.blockRpcs, blockRpcs);
    QCOMPARE(parsed.config.allowRpcs, allowRpcs);
}

void TestConfig::listsFromFileAndCommandLineMerge()
{
    const ParsedCommandLine parsed = parseWithFile("[general]\nblock-rpcs=a,b\nallow-rpcs=c\n",
                                                   {"-b", "x,y", "-a", "z"});
    QCOMPARE(parsed.action, StartupAction::Run);
    QCOMPARE(parsed.config.blockRpcs, (QStringList{"b", "a", "y", "x"}));
    QCOMPARE(parsed.config.allowRpcs, (QStringList{"c", "z"}));
}

void TestConfig::blacklistKeyReplacesBlockRpcs()
{
    const ParsedCommandLine parsed =
        parseWithFile("[general]\nblock-rpcs=a,b\nblacklist=c;d,e\n", {"-b", "x,y"});
    QCOMPARE(parsed.action, StartupAction::Run);
    QCOMPARE(parsed.config.blockRpcs, (QStringList{"e", "c;d", "y", "x"}));
    QCOMPARE(parsed.errorOutput, QByteArray("config using deprecated 'blacklist' key, should be "
                                            "replaced with the 'block-rpcs' key.\n"));
}

void TestConfig::commandLineScalarsOverrideFile()
{
    const ParsedCommandLine parsed = parseWithFile(
        "[general]\ndaemon=true\nmethod=isa-serial\nlogfile=/a\nstatedir=/s\nverbose=1\n",
        {"-m", "unix-listen", "-l", "/b"});
    QCOMPARE(parsed.action, StartupAction::Run);
    QCOMPARE(parsed.config.method, QStringLiteral("unix-listen"));
    QCOMPARE(parsed.config.logFile, QStringLiteral("/b"));
    QCOMPARE(parsed.config.stateDir, QStringLiteral("/s"));
    QVERIFY(parsed.config.daemonize);
    QVERIFY(parsed.config.verbose);
}

void TestConfig::keysOutsideGeneralIgnored()
{
    const ParsedCommandLine parsed =
        parseWithFile("# qemu-ga\n[other]\nmethod=isa-serial\n[general]\npath=/p\n");
    QCOMPARE(parsed.action, StartupAction::Run);
    QCOMPARE(parsed.config.method, QString());
    QCOMPARE(parsed.config.path, QStringLiteral("/p"));
}

void TestConfig::configPathPrecedence_data()
{
    QTest::addColumn<bool>("setEnvironment");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("expectedMethod");

    QTest::newRow("default") << false << QStringList{} << "from-default";
    QTest::newRow("QGA_CONF") << true << QStringList{} << "from-env";
    QTest::newRow("-c beats QGA_CONF") << true << QStringList{"-c", "@c"} << "from-c";
    QTest::newRow("-c beats default") << false << QStringList{"-c", "@c"} << "from-c";
    QTest::newRow("--config=") << true << QStringList{"--config=@c"} << "from-c";
    QTest::newRow("clustered -vc") << false << QStringList{"-vc@c"} << "from-c";
    QTest::newRow("last -c wins") << false << QStringList{"-c", "@env", "-c", "@c"} << "from-c";
    QTest::newRow("-c as an argument is no -c") << false << QStringList{"-l", "-c", "@c"}
                                                << "from-default";
}

void TestConfig::configPathPrecedence()
{
    QFETCH(bool, setEnvironment);
    QFETCH(QStringList, options);
    QFETCH(QString, expectedMethod);

    const QString defaultPath = writeFile("default.conf", "[general]\nmethod=from-default\n");
    const QString environmentPath = writeFile("env.conf", "[general]\nmethod=from-env\n");
    const QString optionPath = writeFile("c.conf", "[general]\nmethod=from-c\n");
    if (setEnvironment)
        qputenv("QGA_CONF", QFile::encodeName(environmentPath));
    options.replaceInStrings(QStringLiteral("@c"), optionPath);
    options.replaceInStrings(QStringLiteral("@env"), environmentPath);

    const ParsedCommandLine parsed =
        parseCommandLine(QStringList{QStringLiteral("qtga-agent")} + options, defaultPath);
    QCOMPARE(parsed.action, StartupAction::Run);
    QCOMPARE(parsed.config.method, expectedMethod);
    QVERIFY(parsed.config.configPath.endsWith(expectedMethod.mid(5) + QLatin1String(".conf")));
}

void TestConfig::missingOptionalFileIgnored_data()
{
    QTest::addColumn<bool>("setEnvironment");

    QTest::newRow("default path") << false;
    QTest::newRow("QGA_CONF") << true;
}

void TestConfig::missingOptionalFileIgnored()
{
    QFETCH(bool, setEnvironment);
    if (setEnvironment)
        qputenv("QGA_CONF", QFile::encodeName(m_dir.filePath(QStringLiteral("nowhere.conf"))));

    const ParsedCommandLine parsed = parse({QStringLiteral("-v")});
    QCOMPARE(parsed.action, StartupAction::Run);
    QCOMPARE(parsed.errorOutput, QByteArray());
    QVERIFY(parsed.config.verbose);
}

void TestConfig::missingExplicitFileFatal()
{
    const QString path = m_dir.filePath(QStringLiteral("nowhere.conf"));
    const ParsedCommandLine parsed = parse({QStringLiteral("-c"), path, QStringLiteral("-V")});
    QCOMPARE(parsed.action, StartupAction::Exit);
    QCOMPARE(parsed.exitCode, 1);
    QCOMPARE(parsed.output, QByteArray());
    QCOMPARE(QString::fromLocal8Bit(parsed.errorOutput),
             QStringLiteral("error loading configuration from path: %1, No such file or directory\n")
                 .arg(path));
}

void TestConfig::badFileFatal_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("message");

    const QString cannotInterpret =
        QStringLiteral("Key file contains key \u201c%1\u201d which has a value that cannot be "
                       "interpreted.");
    QTest::newRow("bad verbose") << QByteArray("[general]\nverbose=yes\n")
                                 << cannotInterpret.arg("verbose");
    QTest::newRow("bad daemon") << QByteArray("[general]\ndaemon=2\n")
                                << cannotInterpret.arg("daemon");
    QTest::newRow("bad retry-path") << QByteArray("[general]\nretry-path=TRUE\n")
                                    << cannotInterpret.arg("retry-path");
    QTest::newRow("first key in qemu-ga's order")
        << QByteArray("[general]\nverbose=x\ndaemon=y\n") << cannotInterpret.arg("daemon");
    QTest::newRow("bad escape") << QByteArray("[general]\nlogfile=a\\qb\n")
                                << cannotInterpret.arg("logfile");
    QTest::newRow("bad escape in list") << QByteArray("[general]\nblock-rpcs=a\\;b\n")
                                        << cannotInterpret.arg("block-rpcs");
    QTest::newRow("not a pair") << QByteArray("[general]\nfoo\n")
                                << QStringLiteral("Key file contains line \u201cfoo\u201d which is "
                                                  "not a key-value pair, group, or comment");
    QTest::newRow("bad line in other group") << QByteArray("[general]\n[other]\n  x \r\n")
                                             << QStringLiteral("Key file contains line \u201c  x "
                                                               "\u201d which is not a key-value "
                                                               "pair, group, or comment");
    // Control characters in a message are shown as qemu-ga's log shows them: one line whatever
    // the file holds.
    QTest::newRow("carriage return in a line") << QByteArray("[general]\nmethod=unix-listen\n  x\ry \r")
                                               << QStringLiteral("Key file contains line \u201c  x\\u000dy "
                                                                 "\\u000d\u201d which is not a key-value pair, "
                                                                 "group, or comment");
    QTest::newRow("vertical tab before a group") << QByteArray("\v[general]\n")
                                                 << QStringLiteral("Key file contains line \u201c\\u000b[general]"
                                                                   "\u201d which is not a key-value pair, group, "
                                                                   "or comment");
    QTest::newRow("escape in a group name") << QByteArray("[gen\x1b[2Jeral]\n")
                                            << QStringLiteral("Invalid group name: gen\\u001b[2Jeral");
    QTest::newRow("no group") << QByteArray("method=x\n[general]\n")
                              << QStringLiteral("Key file does not start with a group");
    QTest::newRow("bad group") << QByteArray("[gen[eral]\n")
                               << QStringLiteral("Invalid group name: gen[eral");
    QTest::newRow("bad key") << QByteArray("[general]\na]b=1\n")
                             << QStringLiteral("Invalid key name: a]b");
    QTest::newRow("bad channel") << QByteArray("[general]\nchannels=unix-listen:/s,serial:/x\n")
                                 << QStringLiteral("unsupported channel method/type: serial");
    QTest::newRow("bad channel with a line break")
        << QByteArray("[general]\nchannels=unix-listen:/s,vsock-list\\n:-1:1234\n")
        << QStringLiteral("unsupported channel method/type: vsock-list\\u000a");
    QTest::newRow("bad watchdog") << QByteArray("[general]\nfsfreeze-watchdog=soon\n")
                                  << cannotInterpret.arg("fsfreeze-watchdog");
    QTest::newRow("zero hook timeout") << QByteArray("[general]\nfsfreeze-hook-timeout=0\n")
                                       << cannotInterpret.arg("fsfreeze-hook-timeout");
}

void TestConfig::badFileFatal()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, message);

    const QString path = writeFile(QStringLiteral("bad.conf"), content);
    qputenv("QGA_CONF", QFile::encodeName(path));
    const ParsedCommandLine parsed = parse({QStringLiteral("-D")});
    QCOMPARE(parsed.action, StartupAction::Exit);
    QCOMPARE(parsed.exitCode, 1);
    QCOMPARE(QString::fromUtf8(parsed.errorOutput),
             QStringLiteral("error loading configuration from path: %1, %2\n").arg(path, message));
}

void TestConfig::directoryAsConfigFatal()
{
    const ParsedCommandLine parsed = parse({QStringLiteral("-c"), m_dir.path()});
    QCOMPARE(parsed.action, StartupAction::Exit);
    QCOMPARE(QString::fromLocal8Bit(parsed.errorOutput),
             QStringLiteral("error loading configuration from path: %1, Not a regular file\n")
                 .arg(m_dir.path()));
}

void TestConfig::channels_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QStringList>("expected");  // method|path

    QTest::newRow("none") << QByteArray() << QStringList{} << QStringList{};
    QTest::newRow("one") << QByteArray() << QStringList{"--channel=unix-listen:/run/a.sock"}
                         << QStringList{"unix-listen|/run/a.sock"};
    QTest::newRow("vsock keeps its colon") << QByteArray()
                                           << QStringList{"--channel", "vsock-listen:3:1234"}
                                           << QStringList{"vsock-listen|3:1234"};
    QTest::newRow("default path") << QByteArray() << QStringList{"--channel=isa-serial"}
                                  << QStringList{"isa-serial|"};
    QTest::newRow("repeated, in order")
        << QByteArray() << QStringList{"--channel=virtio-serial:/a", "--channel=unix-listen:/b"}
        << QStringList{"virtio-serial|/a", "unix-listen|/b"};
    QTest::newRow("file then command line")
        << QByteArray("[general]\nchannels=unix-listen:/f,vsock-listen:-1:9,\n")
        << QStringList{"--channel=unix-listen:/c"}
        << QStringList{"unix-listen|/f", "vsock-listen|-1:9", "unix-listen|/c"};
}

void TestConfig::channels()
{
    QFETCH(QByteArray, file);
    QFETCH(QStringList, options);
    QFETCH(QStringList, expected);

    const ParsedCommandLine parsed = parseWithFile(file, options);
    QCOMPARE(parsed.action, StartupAction::Run);
    QStringList actual;
    for (const ChannelSpec &spec : parsed.config.extraChannels)
        actual.append(spec.method + u'|' + spec.path);
    QCOMPARE(actual, expected);
}

void TestConfig::badChannelFatal_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QByteArray>("message");

    QTest::newRow("unknown method") << "--channel=serial:/dev/x"
                                    << QByteArray("unsupported channel method/type: serial\n");
    QTest::newRow("no method") << "--channel=:/x"
                               << QByteArray("unsupported channel method/type: \n");
    QTest::newRow("path only") << "--channel=/dev/x"
                               << QByteArray("unsupported channel method/type: /dev/x\n");
    // The channels key separates channels with commas: --dump-conf could not write this one.
    QTest::newRow("comma") << "--channel=unix-listen:/run/a,b.sock"
                           << QByteArray("--channel: 'unix-listen:/run/a,b.sock': a channel path cannot contain ','\n");
}

void TestConfig::badChannelFatal()
{
    QFETCH(QString, option);
    QFETCH(QByteArray, message);

    const ParsedCommandLine parsed = parse({option, QStringLiteral("-V")});
    QCOMPARE(parsed.action, StartupAction::Exit);
    QCOMPARE(parsed.exitCode, 1);
    QCOMPARE(parsed.errorOutput, message);
    QCOMPARE(parsed.output, QByteArray());
}

void TestConfig::freezeTimes_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<int>("hookTimeout");  // -1: not set
    QTest::addColumn<int>("watchdog");     // -1: not set

    QTest::newRow("neither") << QByteArray() << QStringList{} << -1 << -1;
    QTest::newRow("options") << QByteArray() << QStringList{"--fsfreeze-hook-timeout=5", "--fsfreeze-watchdog", "600"}
                             << 5 << 600;
    QTest::newRow("file") << QByteArray("[general]\nfsfreeze-hook-timeout = 90\nfsfreeze-watchdog=30 \n")
                          << QStringList{} << 90 << 30;
    QTest::newRow("option beats file") << QByteArray("[general]\nfsfreeze-watchdog=30\n")
                                       << QStringList{"--fsfreeze-watchdog=45"} << -1 << 45;
    QTest::newRow("largest") << QByteArray() << QStringList{"--fsfreeze-watchdog=2147483"} << -1 << 2147483;
    // -F keeps its meaning next to the longer option names.
    QTest::newRow("with --fsfreeze-hook") << QByteArray()
                                          << QStringList{"--fsfreeze-hook", "--fsfreeze-hook-timeout=7"} << 7 << -1;
}

void TestConfig::freezeTimes()
{
    QFETCH(QByteArray, file);
    QFETCH(QStringList, options);
    QFETCH(int, hookTimeout);
    QFETCH(int, watchdog);

    const ParsedCommandLine parsed = parseWithFile(file, options);
    QCOMPARE(parsed.action, StartupAction::Run);
    QCOMPARE(parsed.errorOutput, QByteArray());
    QCOMPARE(parsed.config.fsfreezeHookTimeout.value_or(-1), hookTimeout);
    QCOMPARE(parsed.config.fsfreezeWatchdog.value_or(-1), watchdog);
}

void TestConfig::badFreezeTimeFatal_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QByteArray>("message");

    const QByteArray limits = " is not a number of seconds from 1 to 2147483\n";
    QTest::newRow("zero") << "--fsfreeze-watchdog=0" << "--fsfreeze-watchdog: '0'" + limits;
    QTest::newRow("negative") << "--fsfreeze-hook-timeout=-5" << "--fsfreeze-hook-timeout: '-5'" + limits;
    QTest::newRow("words") << "--fsfreeze-watchdog=ten" << "--fsfreeze-watchdog: 'ten'" + limits;
    QTest::newRow("empty") << "--fsfreeze-hook-timeout=" << "--fsfreeze-hook-timeout: ''" + limits;
    QTest::newRow("too long for a timer") << "--fsfreeze-watchdog=2147484" << "--fsfreeze-watchdog: '2147484'" + limits;
    QTest::newRow("fraction") << "--fsfreeze-watchdog=1.5" << "--fsfreeze-watchdog: '1.5'" + limits;
}

void TestConfig::badFreezeTimeFatal()
{
    QFETCH(QString, option);
    QFETCH(QByteArray, message);

    const ParsedCommandLine parsed = parse({option, QStringLiteral("-V")});
    QCOMPARE(parsed.action, StartupAction::Exit);
    QCOMPARE(parsed.exitCode, 1);
    QCOMPARE(parsed.errorOutput, message);
    QCOMPARE(parsed.output, QByteArray());
}

void TestConfig::statusSocket_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("path");  // the effective one: empty means off
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("group");

    QTest::newRow("defaults") << QByteArray() << QStringList{} << "/run/qtga/status.sock" << 0660 << "qtga";
    QTest::newRow("options") << QByteArray()
                             << QStringList{"--status-socket=/tmp/s.sock", "--status-socket-mode=0666",
                                            "--status-socket-group", "users"}
                             << "/tmp/s.sock" << 0666 << "users";
    QTest::newRow("file") << QByteArray("[general]\nstatus-socket=/run/x.sock\nstatus-socket-mode=600\n"
                                        "status-socket-group=wheel\n")
                          << QStringList{} << "/run/x.sock" << 0600 << "wheel";
    QTest::newRow("option beats file") << QByteArray("[general]\nstatus-socket=/run/x.sock\n")
                                       << QStringList{"--status-socket", "/run/y.sock"} << "/run/y.sock" << 0660
                                       << "qtga";
    QTest::newRow("empty option turns it off") << QByteArray() << QStringList{"--status-socket="} << QString()
                                               << 0660 << "qtga";
    QTest::newRow("none in the file turns it off") << QByteArray("[general]\nstatus-socket=none\n") << QStringList{}
                                                   << QString() << 0660 << "qtga";
}

void TestConfig::statusSocket()
{
    QFETCH(QByteArray, file);
    QFETCH(QStringList, options);
    QFETCH(QString, path);
    QFETCH(int, mode);
    QFETCH(QString, group);

    const ParsedCommandLine parsed = parseWithFile(file, options);
    QCOMPARE(parsed.action, StartupAction::Run);
    QCOMPARE(parsed.errorOutput, QByteArray());
    const StatusSocketOptions effective = statusSocketOptions(parsed.config);
    QCOMPARE(effective.path, path);
    QCOMPARE(effective.mode, mode);
    QCOMPARE(effective.group, group);
}

void TestConfig::badStatusSocketModeFatal_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QString>("option");
    QTest::addColumn<QByteArray>("message");

    const QByteArray limits = " is not an octal file mode from 0 to 0777\n";
    QTest::newRow("not octal") << QByteArray() << "--status-socket-mode=0689"
                               << "--status-socket-mode: '0689'" + limits;
    QTest::newRow("too big") << QByteArray() << "--status-socket-mode=4770" << "--status-socket-mode: '4770'" + limits;
    QTest::newRow("words") << QByteArray() << "--status-socket-mode=rw" << "--status-socket-mode: 'rw'" + limits;
    QTest::newRow("in the file") << QByteArray("[general]\nstatus-socket-mode=0999\n") << QString()
                                 << QByteArray("error loading configuration from path: %1, Key file contains key "
                                               "\u201Cstatus-socket-mode\u201D which has a value that cannot be "
                                               "interpreted.\n");
}

void TestConfig::badStatusSocketModeFatal()
{
    QFETCH(QByteArray, file);
    QFETCH(QString, option);
    QFETCH(QByteArray, message);

    const QString path = writeFile(QStringLiteral("status.conf"), file);
    QStringList arguments{QStringLiteral("qtga-agent")};
    if (!option.isEmpty())
        arguments << option;
    const ParsedCommandLine parsed = parseCommandLine(arguments, path);
    QCOMPARE(parsed.action, StartupAction::Exit);
    QCOMPARE(parsed.exitCode, 1);
    QCOMPARE(parsed.errorOutput, QString::fromUtf8(message).arg(path).toLocal8Bit());
}

void TestConfig::vsockAllow_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("expected");  // VsockAllowList::text()

    QTest::newRow("default: the host") << QByteArray() << QStringList{} << "2";
    QTest::newRow("numbers") << QByteArray() << QStringList{"--vsock-allow=2,1"} << "2,1";
    QTest::newRow("separate argument") << QByteArray() << QStringList{"--vsock-allow", "3"} << "3";
    QTest::newRow("host and local") << QByteArray() << QStringList{"--vsock-allow=host,local"} << "2,1";
    QTest::newRow("local only") << QByteArray() << QStringList{"--vsock-allow=local"} << "1";
    QTest::newRow("host is the default") << QByteArray() << QStringList{"--vsock-allow=host"} << "2";
    QTest::newRow("any") << QByteArray() << QStringList{"--vsock-allow=any"} << "any";
    QTest::newRow("any wins over CIDs") << QByteArray() << QStringList{"--vsock-allow=3,any,local"} << "any";
    QTest::newRow("blanks around items") << QByteArray() << QStringList{"--vsock-allow= 3 , host"} << "3,2";
    QTest::newRow("each CID once") << QByteArray() << QStringList{"--vsock-allow=2,host,5,2"} << "2,5";
    QTest::newRow("zero and the largest") << QByteArray() << QStringList{"--vsock-allow=0,4294967294"}
                                          << "0,4294967294";
    QTest::newRow("leading zeros") << QByteArray() << QStringList{"--vsock-allow=007"} << "7";
    QTest::newRow("file") << QByteArray("[general]\nvsock-allow=local\n") << QStringList{} << "1";
    QTest::newRow("file with blanks") << QByteArray("[general]\nvsock-allow = 3, host \n") << QStringList{} << "3,2";
    QTest::newRow("file any") << QByteArray("[general]\nvsock-allow=any\n") << QStringList{} << "any";
    QTest::newRow("option beats file") << QByteArray("[general]\nvsock-allow=any\n")
                                       << QStringList{"--vsock-allow=local"} << "1";
    QTest::newRow("last option wins") << QByteArray() << QStringList{"--vsock-allow=any", "--vsock-allow=5"} << "5";
    QTest::newRow("outside [general] ignored") << QByteArray("[other]\nvsock-allow=any\n") << QStringList{} << "2";
}

void TestConfig::vsockAllow()
{
    QFETCH(QByteArray, file);
    QFETCH(QStringList, options);
    QFETCH(QString, expected);

    const ParsedCommandLine parsed = parseWithFile(file, options);
    QCOMPARE(parsed.action, StartupAction::Run);
    QCOMPARE(parsed.errorOutput, QByteArray());
    QCOMPARE(parsed.config.vsockAllow.text(), expected);
    QCOMPARE(parsed.config.vsockAllow.isDefault(), expected == QLatin1String("2"));
    // What --dump-conf writes reads back as the same list.
    const std::optional<VsockAllowList> reread = parseVsockAllowList(parsed.config.vsockAllow.text());
    QVERIFY(reread.has_value());
    QVERIFY(*reread == parsed.config.vsockAllow);
}

void TestConfig::vsockAllowMatchesPeers()
{
    const VsockAllowList byDefault;
    QVERIFY(byDefault.allows(2));
    QVERIFY(!byDefault.allows(1));
    QVERIFY(!byDefault.allows(0));
    QVERIFY(!byDefault.allows(3));
    QVERIFY(!byDefault.allows(0xFFFFFFFFu));

    const std::optional<VsockAllowList> local = parseVsockAllowList(QStringLiteral("local,7"));
    QVERIFY(local.has_value());
    QVERIFY(!local->any);
    QVERIFY(local->allows(1));
    QVERIFY(local->allows(7));
    QVERIFY(!local->allows(2));

    const std::optional<VsockAllowList> any = parseVsockAllowList(QStringLiteral("any"));
    QVERIFY(any.has_value());
    QVERIFY(any->any);
    for (const quint32 cid : {0u, 1u, 2u, 3u, 1234u, 0xFFFFFFFEu})
        QVERIFY(any->allows(cid));
}

void TestConfig::badVsockAllowFatal_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QString>("option");
    QTest::addColumn<QByteArray>("message");

    const auto optionError = [](const char *value) {
        return QByteArray("--vsock-allow: '") + value
            + "' is not a list of peer CIDs (numbers, host, local or any, separated by commas)\n";
    };
    const QByteArray fileError = "error loading configuration from path: %1, Key file contains key "
                                 "\u201Cvsock-allow\u201D which has a value that cannot be interpreted.\n";
    QTest::newRow("empty") << QByteArray() << "--vsock-allow=" << optionError("");
    QTest::newRow("empty item") << QByteArray() << "--vsock-allow=2,,1" << optionError("2,,1");
    QTest::newRow("trailing comma") << QByteArray() << "--vsock-allow=2," << optionError("2,");
    QTest::newRow("unknown word") << QByteArray() << "--vsock-allow=guests" << optionError("guests");
    QTest::newRow("words are lower case") << QByteArray() << "--vsock-allow=Host" << optionError("Host");
    QTest::newRow("negative") << QByteArray() << "--vsock-allow=-1" << optionError("-1");
    QTest::newRow("sign") << QByteArray() << "--vsock-allow=+2" << optionError("+2");
    QTest::newRow("hex") << QByteArray() << "--vsock-allow=0x2" << optionError("0x2");
    QTest::newRow("VMADDR_CID_ANY is no peer") << QByteArray() << "--vsock-allow=4294967295"
                                               << optionError("4294967295");
    QTest::newRow("too big") << QByteArray() << "--vsock-allow=99999999999" << optionError("99999999999");
    QTest::newRow("blank separated") << QByteArray() << "--vsock-allow=2 1" << optionError("2 1");
    QTest::newRow("a port is not a CID") << QByteArray() << "--vsock-allow=2:1234" << optionError("2:1234");
    QTest::newRow("in the file") << QByteArray("[general]\nvsock-allow=host;local\n") << QString() << fileError;
    QTest::newRow("empty in the file") << QByteArray("[general]\nvsock-allow=\n") << QString() << fileError;
    // A bad key is fatal even when the option would replace it, as for every key.
    QTest::newRow("in the file, option given") << QByteArray("[general]\nvsock-allow=nobody\n")
                                               << "--vsock-allow=host" << fileError;
}

void TestConfig::badVsockAllowFatal()
{
    QFETCH(QByteArray, file);
    QFETCH(QString, option);
    QFETCH(QByteArray, message);

    const QString path = writeFile(QStringLiteral("vsock.conf"), file);
    QStringList arguments{QStringLiteral("qtga-agent")};
    if (!option.isEmpty())
        arguments << option;
    arguments << QStringLiteral("-D");
    const ParsedCommandLine parsed = parseCommandLine(arguments, path);
    QCOMPARE(parsed.action, StartupAction::Exit);
    QCOMPARE(parsed.exitCode, 1);
    const QString expected = message.contains("%1") ? QString::fromUtf8(message).arg(path) : QString::fromUtf8(message);
    QCOMPARE(parsed.errorOutput, expected.toLocal8Bit());
    QCOMPARE(parsed.output, QByteArray());
}

void TestConfig::applyDefaults_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expectedMethod");
    QTest::addColumn<QString>("expectedPath");

    QTest::newRow("nothing") << QString() << QString() << "virtio-serial"
                             << "/dev/virtio-ports/org.qemu.guest_agent.0";
    QTest::newRow("virtio-serial") << "virtio-serial" << QString() << "virtio-serial"
                                   << "/dev/virtio-ports/org.qemu.guest_agent.0";
    QTest::newRow("isa-serial") << "isa-serial" << QString() << "isa-serial" << "/dev/ttyS0";
    QTest::newRow("unix-listen has none") << "unix-listen" << QString() << "unix-listen"
                                          << QString();
    QTest::newRow("vsock-listen has none") << "vsock-listen" << QString() << "vsock-listen"
                                           << QString();
    QTest::newRow("path kept") << QString() << "/dev/vport0p1" << "virtio-serial"
                               << "/dev/vport0p1";
}

void TestConfig::applyDefaults()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QString, expectedMethod);
    QFETCH(QString, expectedPath);

    Config config;
    config.method = method;
    config.path = path;
    qtga::applyDefaults(config);
    QCOMPARE(config.method, expectedMethod);
    QCOMPARE(config.path, expectedPath);
    QCOMPARE(config.pidFile, QStringLiteral("/var/run/qemu-ga.pid"));
    QCOMPARE(config.stateDir, QStringLiteral("/var/run"));

    config.pidFile = QStringLiteral("/p");
    config.stateDir = QStringLiteral("/s");
    qtga::applyDefaults(config);
    QCOMPARE(config.pidFile, QStringLiteral("/p"));
    QCOMPARE(config.stateDir, QStringLiteral("/s"));
}

void TestConfig::dumpConfig_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("defaults") << QByteArray() << QStringList{} << QByteArray(DefaultDump);
    QTest::newRow("everything")
        << QByteArray() << QStringList{"-d", "-m", "isa-serial", "-l", "/var/log/qga.log",
                                       "-f", "/run/qga.pid", "-F", "-t", "/var/lib/qga", "-v",
                                       "-r", "-b", "a,b", "-a", "c,d"}
        << QByteArray("[general]\n"
                      "daemon=true\n"
                      "method=isa-serial\n"
                      "path=/dev/ttyS0\n"
                      "logfile=/var/log/qga.log\n"
                      "pidfile=/run/qga.pid\n"
                      "fsfreeze-hook=/etc/qemu/fsfreeze-hook\n"
                      "statedir=/var/lib/qga\n"
                      "verbose=true\n"
                      "retry-path=true\n"
                      "block-rpcs=b,a\n"
                      "allow-rpcs=d,c\n");
    QTest::newRow("unix-listen without path")
        << QByteArray() << QStringList{"-m", "unix-listen"}
        << QByteArray("[general]\ndaemon=false\nmethod=unix-listen\npidfile=/var/run/qemu-ga.pid\n"
                      "statedir=/var/run\nverbose=false\nretry-path=false\nblock-rpcs=\n"
                      "allow-rpcs=\n");
    QTest::newRow("file and command line")
        << QByteArray("[general]\nmethod = unix-listen\npath = /run/qga.sock\n"
                      "block-rpcs=guest-exec,guest-file-open\n")
        << QStringList{"-b", "guest-shutdown", "--channel=vsock-listen:-1:1234",
                       "--channel=isa-serial"}
        << QByteArray("[general]\ndaemon=false\nmethod=unix-listen\npath=/run/qga.sock\n"
                      "pidfile=/var/run/qemu-ga.pid\nstatedir=/var/run\nverbose=false\n"
                      "retry-path=false\nblock-rpcs=guest-file-open,guest-exec,guest-shutdown\n"
                      "allow-rpcs=\nchannels=vsock-listen:-1:1234,isa-serial\n");
    // qtga's own keys come last, and only when set.
    QTest::newRow("freeze times")
        << QByteArray("[general]\nfsfreeze-watchdog=300\n")
        << QStringList{"-m", "unix-listen", "--fsfreeze-hook-timeout=15"}
        << QByteArray("[general]\ndaemon=false\nmethod=unix-listen\npidfile=/var/run/qemu-ga.pid\n"
                      "statedir=/var/run\nverbose=false\nretry-path=false\nblock-rpcs=\n"
                      "allow-rpcs=\nfsfreeze-hook-timeout=15\nfsfreeze-watchdog=300\n");
    QTest::newRow("status socket")
        << QByteArray("[general]\nstatus-socket-group=users\n")
        << QStringList{"-m", "unix-listen", "--status-socket=", "--status-socket-mode=666"}
        << QByteArray("[general]\ndaemon=false\nmethod=unix-listen\npidfile=/var/run/qemu-ga.pid\n"
                      "statedir=/var/run\nverbose=false\nretry-path=false\nblock-rpcs=\n"
                      "allow-rpcs=\nstatus-socket=none\nstatus-socket-mode=0666\nstatus-socket-group=users\n");
    QTest::newRow("vsock-allow")
        << QByteArray() << QStringList{"-m", "vsock-listen", "-p", "4294967295:1234", "--vsock-allow=local, 3"}
        << QByteArray("[general]\ndaemon=false\nmethod=vsock-listen\npath=4294967295:1234\n"
                      "pidfile=/var/run/qemu-ga.pid\nstatedir=/var/run\nverbose=false\nretry-path=false\n"
                      "block-rpcs=\nallow-rpcs=\nvsock-allow=1,3\n");
    QTest::newRow("vsock-allow any from the file, after audit")
        << QByteArray("[general]\nvsock-allow=any\naudit=false\n") << QStringList{"-m", "unix-listen"}
        << QByteArray("[general]\ndaemon=false\nmethod=unix-listen\npidfile=/var/run/qemu-ga.pid\n"
                      "statedir=/var/run\nverbose=false\nretry-path=false\nblock-rpcs=\n"
                      "allow-rpcs=\naudit=false\nvsock-allow=any\n");
    // The default is not written, however it was given.
    QTest::newRow("vsock-allow host")
        << QByteArray("[general]\nvsock-allow=2\n") << QStringList{"-m", "unix-listen", "--vsock-allow=host"}
        << QByteArray("[general]\ndaemon=false\nmethod=unix-listen\npidfile=/var/run/qemu-ga.pid\n"
                      "statedir=/var/run\nverbose=false\nretry-path=false\nblock-rpcs=\n"
                      "allow-rpcs=\n");
    QTest::newRow("escapes")
        << QByteArray("[general]\nlogfile=\\s\\slead\\ttab\n")
        << QStringList{"-f", " \t\n\r x\ty ", "-t", "a\\b\nc\rd", "-b", " x, y"}
        << QByteArray("[general]\ndaemon=false\nmethod=virtio-serial\n"
                      "path=/dev/virtio-ports/org.qemu.guest_agent.0\n"
                      "logfile=\\s\\slead\ttab\n"
                      "pidfile=\\s\\t\\n\\r\\sx\ty \n"
                      "statedir=a\\\\b\\nc\\rd\n"
                      "verbose=false\nretry-path=false\n"
                      "block-rpcs=\\sy, x\n"
                      "allow-rpcs=\n");
}

void TestConfig::dumpConfig()
{
    QFETCH(QByteArray, file);
    QFETCH(QStringList, options);
    QFETCH(QByteArray, expected);

    ParsedCommandLine parsed = parseWithFile(file, options);
    QCOMPARE(parsed.action, StartupAction::Run);
    qtga::applyDefaults(parsed.config);
    QCOMPARE(qtga::dumpConfig(parsed.config), expected);
}

void TestConfig::dumpMatchesQemuGa_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QStringList>("options");

    QTest::newRow("defaults") << QByteArray() << QStringList{};
    QTest::newRow("isa-serial") << QByteArray() << QStringList{"-m", "isa-serial"};
    QTest::newRow("unix-listen") << QByteArray() << QStringList{"--method=unix-listen",
                                                                "--path=/run/q.sock"};
    QTest::newRow("flags and paths") << QByteArray()
                                     << QStringList{"-v", "-d", "-r", "-l", "/var/log/q",
                                                    "-f", "/run/q.pid", "-t", "/var/lib/q"};
    QTest::newRow("-F") << QByteArray() << QStringList{"-F"};
    QTest::newRow("-F attached") << QByteArray() << QStringList{"-F/hook"};
    QTest::newRow("--fsfreeze-hook=") << QByteArray() << QStringList{"--fsfreeze-hook=/h"};
    QTest::newRow("block lists") << QByteArray()
                                 << QStringList{"-b", "a,b", "-b", "c", "--blacklist=d,,e,"};
    QTest::newRow("escapes") << QByteArray()
                             << QStringList{"-l", " \t\n\r x\ty ", "-t", "a\\b\nc\rd;e,f",
                                            "-b", " x, y"};
    QTest::newRow("file") << QByteArray("# comment\n[general]\n  method = isa-serial  \n"
                                        "daemon=1\nverbose = true \nretry-path=0\n"
                                        "block-rpcs=a,b\nlogfile=\\s\\slead\\ttab\\\\\n"
                                        "[other]\nx=y\n")
                          << QStringList{"-b", "c", "-p", "/dev/ttyS1"};
    QTest::newRow("vertical tab and form feed")
        << QByteArray("[general]\nlogfile=\vx\npidfile=\fy\nstatedir= \v z\nverbose\v=true\n")
        << QStringList{};
    QTest::newRow("file blacklist") << QByteArray("[general]\nblock-rpcs=a,b\nblacklist=c;d,e\n")
                                    << QStringList{"-b", "x,y"};
}

void TestConfig::dumpMatchesQemuGa()
{
    QFETCH(QByteArray, file);
    QFETCH(QStringList, options);
    if (QemuGa.isEmpty() || !QFile::exists(QemuGa))
        QSKIP("no reference qemu-ga (QTGA_QEMU_GA)");

    const QString path = file.isEmpty() ? missingPath() : writeFile("qemu-ga.conf", file);
    qputenv("QGA_CONF", QFile::encodeName(path));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("LISTEN_FDS"));
    environment.remove(QStringLiteral("LISTEN_PID"));
    QProcess qemuGa;
    qemuGa.setProcessEnvironment(environment);
    qemuGa.start(QemuGa, QStringList{QStringLiteral("-D")} + options);
    QVERIFY(qemuGa.waitForFinished());
    QCOMPARE(qemuGa.exitCode(), 0);

    ParsedCommandLine parsed = parse(QStringList{QStringLiteral("-D")} + options);
    QCOMPARE(parsed.action, StartupAction::DumpConf);
    qtga::applyDefaults(parsed.config);
    // 7.2 predates allow-rpcs and so never prints it.
    QCOMPARE(withoutLine(qtga::dumpConfig(parsed.config), "allow-rpcs="),
             qemuGa.readAllStandardOutput());
}

void TestConfig::keyFileStrings_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain") << QByteArray("abc") << "abc";
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("\\s") << QByteArray("\\sx\\s") << " x ";
    QTest::newRow("\\n \\t \\r") << QByteArray("a\\nb\\tc\\rd") << "a\nb\tc\rd";
    QTest::newRow("\\\\") << QByteArray("a\\\\sb") << "a\\sb";
    QTest::newRow("leading blanks trimmed") << QByteArray("  \t v") << "v";
    // GLib's g_ascii_isspace() takes the form feed for a blank but not the vertical tab.
    QTest::newRow("leading form feed trimmed") << QByteArray("\f v") << "v";
    QTest::newRow("leading vertical tab kept") << QByteArray(" \v v") << "\v v";
    QTest::newRow("trailing blanks kept") << QByteArray("v  ") << "v  ";
    QTest::newRow("semicolons kept") << QByteArray("a;b;") << "a;b;";
    QTest::newRow("utf-8") << QByteArray("gr\xc3\xbc\xc3\x9f") << QString::fromUtf8("gr\xc3\xbc\xc3\x9f");
}

void TestConfig::keyFileStrings()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, expected);

    KeyFile file;
    QString error;
    QVERIFY2(file.loadFromData("[g]\nk =" + raw + "\n", &error), qPrintable(error));
    QCOMPARE(file.getString("g", "k", &error), std::optional<QString>(expected));
}

void TestConfig::keyFileBadEscape_data()
{
    QTest::addColumn<QByteArray>("raw");

    QTest::newRow("unknown escape") << QByteArray("a\\xb");
    QTest::newRow("escaped separator") << QByteArray("a\\;b");
    QTest::newRow("backslash at end") << QByteArray("ab\\");
}

void TestConfig::keyFileBadEscape()
{
    QFETCH(QByteArray, raw);

    KeyFile file;
    QVERIFY(file.loadFromData("[g]\nkey=" + raw + "\n"));
    QString error;
    QCOMPARE(file.getString("g", "key", &error), std::nullopt);
    QCOMPARE(error, QStringLiteral("Key file contains key \u201ckey\u201d which has a value that "
                                   "cannot be interpreted."));
}

void TestConfig::keyFileBool_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<std::optional<bool>>("expected");

    QTest::newRow("true") << QByteArray("true") << std::optional<bool>(true);
    QTest::newRow("1") << QByteArray("1") << std::optional<bool>(true);
    QTest::newRow("false") << QByteArray("false") << std::optional<bool>(false);
    QTest::newRow("0") << QByteArray("0") << std::optional<bool>(false);
    QTest::newRow("trailing blanks") << QByteArray("true \t") << std::optional<bool>(true);
    QTest::newRow("yes") << QByteArray("yes") << std::optional<bool>();
    QTest::newRow("TRUE") << QByteArray("TRUE") << std::optional<bool>();
    QTest::newRow("empty") << QByteArray() << std::optional<bool>();
    QTest::newRow("escaped") << QByteArray("\\strue") << std::optional<bool>();
    QTest::newRow("trailing vertical tab") << QByteArray("true\v") << std::optional<bool>();
}

void TestConfig::keyFileBool()
{
    QFETCH(QByteArray, raw);
    QFETCH(std::optional<bool>, expected);

    KeyFile file;
    QVERIFY(file.loadFromData("[g]\nflag=" + raw + "\n"));
    QString error;
    QCOMPARE(file.getBool("g", "flag", &error), expected);
    if (!expected) {
        QCOMPARE(error, QStringLiteral("Key file contains key \u201cflag\u201d which has a value "
                                       "that cannot be interpreted."));
    }
}

void TestConfig::keyFileSyntax()
{
    KeyFile file;
    QString error;
    QVERIFY2(file.loadFromData("# leading comment\n"
                               "\n"
                               "   \t\n"
                               "  [first]  \t\n"
                               "  # indented comment\n"
                               "a=1\r\n"
                               "spaced key  =  v  \r\n"
                               "name[de_DE.UTF-8@euro]=x\n"
                               "[second]\n"
                               "b=2\n"
                               "[first]\n"
                               "a=3",
                               &error),
             qPrintable(error));
    QCOMPARE(file.groups(), (QStringList{"first", "second"}));
    QCOMPARE(file.getString("first", "a"), std::optional<QString>("3"));
    QCOMPARE(file.getString("first", "spaced key"), std::optional<QString>("v  "));
    QVERIFY(file.hasKey("first", "name[de_DE.UTF-8@euro]"));
    QVERIFY(file.hasKey("second", "b"));
    QVERIFY(!file.hasKey("second", "a"));
    QVERIFY(!file.hasKey("third", "a"));

    // A failed load keeps what was there.
    QVERIFY(!file.loadFromData("[x]\nbad line\n", &error));
    QCOMPARE(file.groups(), (QStringList{"first", "second"}));
}

void TestConfig::keyFileMissingEntries()
{
    KeyFile file;
    QVERIFY(file.loadFromData("[g]\nk=v\n"));
    QString error;
    QCOMPARE(file.getString("g", "other", &error), std::nullopt);
    QCOMPARE(error, QStringLiteral("Key file does not have key \u201cother\u201d in group "
                                   "\u201cg\u201d"));
    QCOMPARE(file.getBool("h", "k", &error), std::nullopt);
    QCOMPARE(error, QStringLiteral("Key file does not have group \u201ch\u201d"));
}

void TestConfig::keyFileNotUtf8()
{
    KeyFile file;
    QVERIFY(file.loadFromData("[g]\nk=a\xff\n"));
    QString error;
    QCOMPARE(file.getString("g", "k", &error), std::nullopt);
    QCOMPARE(error, QStringLiteral("Key file contains key \u201ck\u201d with value \u201ca\ufffd"
                                   "\u201d which is not UTF-8"));
}

void TestConfig::keyFileMissingFile()
{
    KeyFile file;
    QString error;
    QCOMPARE(file.loadFromFile(missingPath(), &error), KeyFile::LoadStatus::FileNotFound);
    QCOMPARE(error, QStringLiteral("No such file or directory"));
    QCOMPARE(file.loadFromFile(m_dir.path(), &error), KeyFile::LoadStatus::Failed);
    QCOMPARE(error, QStringLiteral("Not a regular file"));
    const QString path = writeFile(QStringLiteral("good.conf"), "[g]\nk=v\n");
    QCOMPARE(file.loadFromFile(path, &error), KeyFile::LoadStatus::Loaded);
    QCOMPARE(file.getString("g", "k"), std::optional<QString>("v"));
}

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
