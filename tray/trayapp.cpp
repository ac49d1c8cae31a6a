// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "trayapp.h"

#include "icons.h"
#include "statusclient.h"
#include "statuswindow.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusInterface>
#include <QDBusServiceWatcher>
#include <QLoggingCategory>
#include <QMenu>
#include <QSettings>
#include <QSystemTrayIcon>

Q_LOGGING_CATEGORY(lcTray, "qtga.tray")

namespace qtga {

namespace {

const char NotificationsKey[] = "notifications/enabled";
const char WatcherService[] = "org.kde.StatusNotifierWatcher";

// A StatusNotifier host (KDE, xfce4-panel, GNOME's AppIndicator extension, waybar, ...) is
// there: the watcher runs and a host registered with it. Asked here rather than through
// QSystemTrayIcon, whose answer about D-Bus trays is taken once per process and never again.
bool statusNotifierHostRegistered()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface()
        || !bus.interface()->isServiceRegistered(QLatin1String(WatcherService)).value()) {
        return false;
    }
    QDBusInterface watcher(QLatin1String(WatcherService), QStringLiteral("/StatusNotifierWatcher"),
                           QLatin1String(WatcherService), bus);
    return watcher.property("IsStatusNotifierHostRegistered").toBool();
}

} // namespace

TrayApp::TrayApp(StatusClient &client, QObject *parent)
    : QObject(parent), m_client(client), m_window(std::make_unique<StatusWindow>(client)),
      m_menu(std::make_unique<QMenu>())
{
    m_clock.start();
    m_menu->setAccessibleName(tr("QEMU guest agent"));
    m_menu->addAction(tr("Open Status Window"), this, &TrayApp::showWindow);
    m_menu->addAction(tr("Copy Diagnostics"), this, &TrayApp::copyDiagnostics);
    m_menu->addSeparator();
    m_notifyAction = m_menu->addAction(tr("Show Notifications"));
    m_notifyAction->setCheckable(true);
    m_notifyAction->setChecked(notificationsEnabled());
    connect(m_notifyAction, &QAction::toggled, this, &TrayApp::setNotificationsEnabled);
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit"), qApp, &QCoreApplication::quit);

    connect(m_window.get(), &StatusWindow::copyDiagnosticsRequested, this, &TrayApp::copyDiagnostics);
    connect(&client, &StatusClient::connectedChanged, this, &TrayApp::update);
    connect(&client, &StatusClient::messageReceived, this, &TrayApp::update);
    connect(&client, &StatusClient::unreachableReasonChanged, this, &TrayApp::update);
    connect(&m_notifier, &DesktopNotifier::detailsRequested, this, &TrayApp::showWindow);
    connect(&m_notifier, &DesktopNotifier::sent, this, [](uint id, const Notification &n) {
        qCInfo(lcTray).noquote() << "notification" << id << "sent:" << n.title;
    });
    connect(&m_notifier, &DesktopNotifier::failed, this, [this](const Notification &n, const QString &error) {
        qCInfo(lcTray).noquote() << "notification server:" << error;
        // The balloon of an XEmbed tray is the last resort.
        if (m_tray) {
            m_tray->showMessage(n.title, n.text,
                                n.kind == Notification::Kind::AgentStopped ? QSystemTrayIcon::Warning
                                                                           : QSystemTrayIcon::Information,
                                8000);
        }
    });
    m_trayRecheck.setInterval(TrayRecheckMs);
    connect(&m_trayRecheck, &QTimer::timeout, this, &TrayApp::checkForTray);
}

TrayApp::~TrayApp() = default;

void TrayApp::start(StartMode mode, bool openWindow)
{
    // The tray icon lives on when the window closes, and so does the wait for a tray.
    qApp->setQuitOnLastWindowClosed(false);
    if (systemTrayAvailable()) {
        showTrayIcon();
    } else {
        qCInfo(lcTray) << "no system tray yet; waiting for one";
        m_window->setNotice(tr("No system tray has been found on this desktop yet. The icon appears as soon as "
                               "one does; until then notifications go straight to the desktop, and starting "
                               "qtga-tray again opens this window."));
        if (mode == StartMode::Explicit)
            openWindow = true;
        QDBusConnection bus = QDBusConnection::sessionBus();
        if (bus.isConnected()) {
            m_watcherWatcher = new QDBusServiceWatcher(QLatin1String(WatcherService), bus,
                                                       QDBusServiceWatcher::WatchForRegistration, this);
            connect(m_watcherWatcher, &QDBusServiceWatcher::serviceRegistered, this, &TrayApp::checkForTray);
            // The watcher may come before its host: the host's registration is the moment.
            bus.connect(QLatin1String(WatcherService), QStringLiteral("/StatusNotifierWatcher"),
                        QLatin1String(WatcherService), QStringLiteral("StatusNotifierHostRegistered"), this,
                        SLOT(checkForTray()));
        }
        m_trayRecheck.start();
    }
    update();
    if (openWindow)
        showWindow();
}

bool TrayApp::systemTrayAvailable() const
{
    if (statusNotifierHostRegistered())
        return QSystemTrayIcon::isSystemTrayAvailable();
    // An XEmbed tray (X11 only) is looked up afresh by Qt each time.
    return QGuiApplication::platformName() == QLatin1String("xcb") && QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayApp::checkForTray()
{
    if (m_tray || !systemTrayAvailable())
        return;
    qCInfo(lcTray) << "a system tray appeared";
    m_trayRecheck.stop();
    delete m_watcherWatcher;
    m_watcherWatcher = nullptr;
    m_window->setNotice(QString());
    showTrayIcon();
}

void TrayApp::showTrayIcon()
{
    m_tray = new QSystemTrayIcon(this);
    m_tray->setContextMenu(m_menu.get());
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            showWindow();
    });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, &TrayApp::showWindow);
    update();
    m_tray->show();
    Q_EMIT trayIconShown();
}

bool TrayApp::notificationsEnabled() const
{
    return QSettings().value(QLatin1String(NotificationsKey), true).toBool();
}

void TrayApp::setNotificationsEnabled(bool enabled)
{
    QSettings().setValue(QLatin1String(NotificationsKey), enabled);
    if (m_notifyAction->isChecked() != enabled)
        m_notifyAction->setChecked(enabled);
}

void TrayApp::showWindow()
{
    qCInfo(lcTray) << "showing the status window";
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
}

void TrayApp::copyDiagnostics()
{
    QGuiApplication::clipboard()->setText(diagnosticsSummary(m_client.reach(), m_client.socketPath(),
                                                             m_client.lastError(), m_client.status(),
                                                             QDateTime::currentDateTimeUtc()));
}

void TrayApp::deliver(const Notification &notification)
{
    m_notifier.notify(notification);
    Q_EMIT notified(notification);
}

void TrayApp::update()
{
    const bool reachable = m_client.isConnected();
    const TrayState state = trayStateOf(m_client.reach(), m_client.status());
    if (state != m_state || !m_stateLogged) {
        qCInfo(lcTray).noquote() << "state:" << trayStateTitle(state);
        m_stateLogged = true;
    }
    m_state = state;
    const QList<Notification> notifications = m_policy.observe(reachable, m_client.status(), m_clock.elapsed());
    if (m_tray) {
        m_tray->setIcon(stateIcon(m_state));
        const QString tip = trayToolTip(m_client.reach(), m_client.status());
        m_tray->setToolTip(reachable ? tip : tip + u'\n' + m_client.lastError());
    }
    if (!notificationsEnabled())
        return;
    for (const Notification &n : notifications)
        deliver(n);
}

} // namespace qtga
