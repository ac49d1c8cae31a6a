// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The tray application: the icon with its menu, the status window, and desktop notifications
// (switchable, kept in QSettings). Where no system tray is there yet (a panel that starts later,
// GNOME without its tray extension) it waits for one, without a window at login, and sends its
// notifications straight to the desktop's notification server.
#pragma once

#include "desktopnotifier.h"
#include "notificationpolicy.h"
#include "traystate.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

class QAction;
class QDBusServiceWatcher;
class QMenu;
class QSystemTrayIcon;

namespace qtga {

class StatusClient;
class StatusWindow;

class TrayApp : public QObject
{
    Q_OBJECT
public:
    // How often to look for a tray while there is none (an XEmbed tray announces itself on X11
    // only; a StatusNotifier host is noticed at once through D-Bus).
    static constexpr int TrayRecheckMs = 2000;

    enum class StartMode {
        Autostart,  // at login: nothing but the icon, and no window while there is no tray
        Explicit,   // started by the user: without a tray, the window says so
    };

    explicit TrayApp(StatusClient &client, QObject *parent = nullptr);
    ~TrayApp() override;

    void start(StartMode mode, bool openWindow = false);

    bool hasTrayIcon() const { return m_tray != nullptr; }
    StatusWindow *window() const { return m_window.get(); }
    bool notificationsEnabled() const;
    void setNotificationsEnabled(bool enabled);
    TrayState state() const { return m_state; }

    void showWindow();
    void copyDiagnostics();

Q_SIGNALS:
    // Each desktop notification as it is sent (whether a tray can display it or not).
    void notified(const qtga::Notification &notification);
    void trayIconShown();

private Q_SLOTS:
    void checkForTray();

private:
    void update();
    bool systemTrayAvailable() const;
    void showTrayIcon();
    void deliver(const Notification &notification);

    StatusClient &m_client;
    std::unique_ptr<StatusWindow> m_window;
    std::unique_ptr<QMenu> m_menu;
    QSystemTrayIcon *m_tray = nullptr;
    QAction *m_notifyAction = nullptr;
    DesktopNotifier m_notifier;
    QDBusServiceWatcher *m_watcherWatcher = nullptr;
    QTimer m_trayRecheck;
    NotificationPolicy m_policy;
    QElapsedTimer m_clock;
    TrayState m_state = TrayState::NotRunning;
    bool m_stateLogged = false;
};

} // namespace qtga
