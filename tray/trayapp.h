// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The tray application: the icon with its menu, the status window, and desktop notifications
// (switchable, kept in QSettings). Without a system tray it shows the window instead.
#pragma once

#include "notificationpolicy.h"
#include "traystate.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <memory>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace qtga {

class StatusClient;
class StatusWindow;

class TrayApp : public QObject
{
    Q_OBJECT
public:
    explicit TrayApp(StatusClient &client, QObject *parent = nullptr);
    ~TrayApp() override;

    // Shows the tray icon, or the window (with the reason) where no system tray exists.
    void start(bool openWindow);

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

private:
    void update();

    StatusClient &m_client;
    std::unique_ptr<StatusWindow> m_window;
    std::unique_ptr<QMenu> m_menu;
    QSystemTrayIcon *m_tray = nullptr;
    QAction *m_notifyAction = nullptr;
    NotificationPolicy m_policy;
    QElapsedTimer m_clock;
    TrayState m_state = TrayState::NotRunning;
};

} // namespace qtga
