// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Sends desktop notifications straight to the notification server on the session bus
// (org.freedesktop.Notifications), with a "Show details" action. This works with or without
// a system tray, which QSystemTrayIcon::showMessage() does not.
#pragma once

#include "notificationpolicy.h"

#include <QDBusConnection>
#include <QObject>
#include <QSet>

namespace qtga {

class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *Service = "org.freedesktop.Notifications";
    static constexpr const char *Path = "/org/freedesktop/Notifications";
    // The action key of "Show details"; "default" (a click on the notification) means the same.
    static constexpr const char *DetailsAction = "details";

    explicit DesktopNotifier(const QDBusConnection &bus = QDBusConnection::sessionBus(), QObject *parent = nullptr);

    // Sends it; failed() or sent() follows.
    void notify(const Notification &notification);

Q_SIGNALS:
    void sent(uint id, const qtga::Notification &notification);
    void failed(const qtga::Notification &notification, const QString &error);
    // The user chose "Show details" (or clicked the notification) on one of ours.
    void detailsRequested();

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);

private:
    QDBusConnection m_bus;
    QSet<uint> m_ours;
};

} // namespace qtga
