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
#include <QMenu>
#include <QSettings>
#include <QSystemTrayIcon>

namespace qtga {

namespace {

const char NotificationsKey[] = "notifications/enabled";

} // namespace

TrayApp::TrayApp(StatusClient &client, QObject *parent)
    : QObject(parent), m_client(client), m_window(std::make_unique<StatusWindow>(client)),
      m_menu(std::make_unique<QMenu>())
{
    m_clock.start();
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
}

TrayApp::~TrayApp() = default;

void TrayApp::start(bool openWindow)
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(this);
        m_tray->setContextMenu(m_menu.get());
        connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
            if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                showWindow();
        });
        update();
        m_tray->show();
    } else {
        // Nothing would be visible at all: the window is the only way to tell the state.
        m_window->setNotice(tr("No system tray was found on this desktop, so the guest agent's status is "
                               "shown in this window. Closing it quits qtga-tray."));
        qApp->setQuitOnLastWindowClosed(true);
        openWindow = true;
    }
    update();
    if (openWindow)
        showWindow();
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
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
}

void TrayApp::copyDiagnostics()
{
    QGuiApplication::clipboard()->setText(diagnosticsSummary(m_client.isConnected(), m_client.socketPath(),
                                                             m_client.lastError(), m_client.status(),
                                                             QDateTime::currentDateTimeUtc()));
}

void TrayApp::update()
{
    const bool reachable = m_client.isConnected();
    m_state = trayStateOf(reachable, m_client.status());
    const QList<Notification> notifications = m_policy.observe(reachable, m_client.status(), m_clock.elapsed());
    if (!m_tray)
        return;
    m_tray->setIcon(stateIcon(m_state));
    m_tray->setToolTip(reachable ? trayToolTip(reachable, m_client.status())
                                 : trayToolTip(reachable, m_client.status()) + u'\n' + m_client.lastError());
    if (!notificationsEnabled())
        return;
    for (const Notification &n : notifications) {
        const auto icon = n.kind == Notification::Kind::AgentStopped ? QSystemTrayIcon::Warning
                                                                     : QSystemTrayIcon::Information;
        m_tray->showMessage(n.title, n.text, icon, 8000);
        Q_EMIT notified(n);
    }
}

} // namespace qtga
