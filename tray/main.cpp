// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// qtga-tray: shows the QEMU guest agent's state in the desktop's system tray.
#include "statusclient.h"
#include "icons.h"
#include "qtga_version.h"
#include "trayapp.h"

#include <QApplication>
#include <QCommandLineParser>

using namespace qtga;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("qtga-tray"));
    QApplication::setOrganizationName(QStringLiteral("qtga"));
    QApplication::setApplicationVersion(QStringLiteral(QTGA_VERSION));
    QApplication::setApplicationDisplayName(QStringLiteral("QEMU Guest Agent Status"));
    QApplication::setDesktopFileName(QStringLiteral("qtga-tray"));
    QApplication::setWindowIcon(applicationIcon());
    // The tray icon lives on when the window closes.
    QApplication::setQuitOnLastWindowClosed(false);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Shows the QEMU guest agent's state in the system tray."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption socketOption(
        QStringLiteral("status-socket"),
        QStringLiteral("The agent's status socket (default %1).").arg(QLatin1String(status::DefaultSocketPath)),
        QStringLiteral("path"), QLatin1String(status::DefaultSocketPath));
    const QCommandLineOption windowOption(QStringLiteral("show-window"), QStringLiteral("Open the status window at start."));
    parser.addOption(socketOption);
    parser.addOption(windowOption);
    parser.process(app);

    StatusClient client(parser.value(socketOption));
    TrayApp tray(client);
    tray.start(parser.isSet(windowOption));
    client.start();
    return app.exec();
}
