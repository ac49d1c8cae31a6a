// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// qtga-agent: options -> Config -> Agent -> exec().
#include "agent.h"
#include "config.h"
#include "largebuffers.h"
#include "process/daemon.h"
#include "process/logging.h"
#include "process/socketactivation.h"
#include "selftest.h"
#include "status/statussocket.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <clocale>
#include <csignal>
#include <cstdio>

using namespace qtga;

namespace {

void writeAll(FILE *out, const QByteArray &text)
{
    std::fwrite(text.constData(), 1, size_t(text.size()), out);
    std::fflush(out);
}

int listCommands()
{
    CommandRegistry registry;
    registerAllCommands(registry);
    for (const CommandDescriptor &cmd : registry.commands())
        std::printf("%s\n", cmd.name.constData());
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    // A client that goes away must make our write fail, not kill us.
    std::signal(SIGPIPE, SIG_IGN);
    LargeBuffers::configureMalloc();

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    ParsedCommandLine parsed = parseCommandLine(arguments, QString::fromLatin1(DefaultConfigPath));
    writeAll(stdout, parsed.output);
    writeAll(stderr, parsed.errorOutput);
    switch (parsed.action) {
    case StartupAction::Exit:
        return parsed.exitCode;
    case StartupAction::PrintHelp:
    case StartupAction::PrintVersion:
        return 0;
    case StartupAction::ListCommands:
        return listCommands();
    case StartupAction::DumpConf:
    case StartupAction::SelfTest:
    case StartupAction::Run:
        break;
    }

    Config config = parsed.config;
    applyDefaults(config);
    QList<ActivatedSocket> activated;
    QString activationError;
    if (!takeActivatedSockets(&activated, &activationError)) {
        std::fprintf(stderr, "%s\n", activationError.toLocal8Bit().constData());
        return 1;
    }
    if (!activated.isEmpty()) {
        // As in qemu-ga, the passed socket decides the method; -m and -p are discarded.
        config.method = activated.first().method;
        config.path.clear();
    } else if ((config.method == QLatin1String("unix-listen") || config.method == QLatin1String("vsock-listen"))
               && config.path.isEmpty()) {
        std::fprintf(stderr, "must specify a path for this channel\n");
        return 1;
    }
    if (parsed.action == StartupAction::DumpConf) {
        writeAll(stdout, dumpConfig(config));
        return 0;
    }
    if (parsed.action == StartupAction::SelfTest) {
        const QList<SelfTestCheck> checks =
            SelfTest(config, statusSocketOptions(config).path, int(activated.size())).run();
        writeAll(stdout, SelfTest::report(checks));
        return SelfTest::allPassed(checks) ? 0 : 1;
    }

    if (config.daemonize)
        daemon::forkAndWaitForChild();

    // Qt's own poll() event loop rather than its GLib one, which does more per wake-up for
    // nothing the agent needs. QT_NO_GLIB is only for our own start-up: guest-exec children
    // inherit the environment and must see it as it was.
    const bool choseDispatcher = !qEnvironmentVariableIsSet("QT_NO_GLIB");
    if (choseDispatcher)
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    if (choseDispatcher)
        qunsetenv("QT_NO_GLIB");
    // The wire format prints doubles with printf: keep the decimal point a point.
    std::setlocale(LC_NUMERIC, "C");
    logging::install();
    logging::setVerbose(config.verbose);

    Agent agent(config);
    agent.setReloadSource(arguments, QString::fromLatin1(DefaultConfigPath));
    agent.setActivatedSockets(activated);
    QString error;
    if (!agent.installSignalHandlers(&error) || !agent.start(&error)) {
        qCritical().noquote() << error;
        qCritical("error initializing guest agent");
        daemon::reportFailure();
        return 1;
    }
    if (config.daemonize) {
        // While frozen the pidfile would be written to a frozen filesystem; it waits for a thaw.
        const QString pidFile = agent.isFrozen() ? QString() : config.pidFile;
        if (agent.isFrozen())
            agent.frozenState().deferPidFile(config.pidFile);
        if (!daemon::detach(pidFile, &error)) {
            qCritical().noquote() << error;
            qCritical("failed to daemonize");
            daemon::reportFailure();
            return 1;
        }
    }
    const int status = app.exec();
    daemon::removePidFile();
    return status;
}
