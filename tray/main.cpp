// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// qtga-tray: shows the QEMU guest agent's state in the desktop's system tray.
#include "icons.h"
#include "qtga_version.h"
#include "singleinstance.h"
#include "statusclient.h"
#include "trayapp.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QLoggingCategory>
#include <QTranslator>

using namespace qtga;

Q_LOGGING_CATEGORY(lcMain, "qtga.tray.main")

namespace {

// The tray's own texts (built in) and Qt's (the "Close" button), in the user's language.
void installTranslations(QApplication &app)
{
    auto *own = new QTranslator(&app);
    if (own->load(QLocale(), QStringLiteral("qtga-tray"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(own);
    auto *qt = new QTranslator(&app);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt);
    }
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("qtga-tray"));
    QApplication::setOrganizationName(QStringLiteral("qtga"));
    QApplication::setApplicationVersion(QStringLiteral(QTGA_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("qtga-tray"));
    installTranslations(app);
    QApplication::setApplicationDisplayName(QCoreApplication::translate("main", "QEMU Guest Agent Status"));
    QApplication::setWindowIcon(applicationIcon());

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Shows the QEMU guest agent's state in the system tray."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption socketOption(
        QStringLiteral("status-socket"),
        QCoreApplication::translate("main", "The agent's status socket (default %1).").arg(QLatin1String(status::DefaultSocketPath)),
        QStringLiteral("path"), QLatin1String(status::DefaultSocketPath));
    const QCommandLineOption windowOption(QStringLiteral("show-window"),
                                          QCoreApplication::translate("main", "Open the status window at start."));
    const QCommandLineOption autostartOption(
        QStringLiteral("autostart"),
        QCoreApplication::translate("main", "Started at login: show nothing but the tray icon, and no window while "
                                            "there is no system tray."));
    parser.addOption(socketOption);
    parser.addOption(windowOption);
    parser.addOption(autostartOption);
    parser.process(app);

    // One per session: a second start shows the first one's window.
    SingleInstance instance(SingleInstance::defaultDirectory(), SingleInstance::sessionKey(QGuiApplication::platformName()));
    if (!instance.claim()) {
        if (instance.activateFirst())
            return 0;
        instance.claim();
    }

    StatusClient client(parser.value(socketOption));
    TrayApp tray(client);
    QObject::connect(&instance, &SingleInstance::activationRequested, &tray, [&tray] {
        qCInfo(lcMain) << "started again: showing the window";
        tray.showWindow();
    });
    tray.start(parser.isSet(autostartOption) ? TrayApp::StartMode::Autostart : TrayApp::StartMode::Explicit,
               parser.isSet(windowOption));
    client.start();
    return app.exec();
}
