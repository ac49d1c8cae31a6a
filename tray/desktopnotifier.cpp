// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "desktopnotifier.h"

#include <QCoreApplication>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>

namespace qtga {

namespace {

const char Interface[] = "org.freedesktop.Notifications";

} // namespace

DesktopNotifier::DesktopNotifier(const QDBusConnection &bus, QObject *parent) : QObject(parent), m_bus(bus)
{
    if (!m_bus.isConnected())
        return;
    m_bus.connect(QLatin1String(Service), QLatin1String(Path), QLatin1String(Interface),
                  QStringLiteral("ActionInvoked"), this, SLOT(onActionInvoked(uint, QString)));
    m_bus.connect(QLatin1String(Service), QLatin1String(Path), QLatin1String(Interface),
                  QStringLiteral("NotificationClosed"), this, SLOT(onClosed(uint, uint)));
}

void DesktopNotifier::notify(const Notification &notification)
{
    if (!m_bus.isConnected()) {
        Q_EMIT failed(notification, tr("no session bus"));
        return;
    }
    QDBusMessage call = QDBusMessage::createMethodCall(QLatin1String(Service), QLatin1String(Path),
                                                       QLatin1String(Interface), QStringLiteral("Notify"));
    const QString details = tr("Show details");
    const QStringList actions{QStringLiteral("default"), details, QLatin1String(DetailsAction), details};
    const QVariantMap hints{
        {QStringLiteral("desktop-entry"), QStringLiteral("qtga-tray")},
        {QStringLiteral("urgency"),
         QVariant::fromValue(uchar(notification.kind == Notification::Kind::AgentStopped ? 2 : 1))},
    };
    call << QCoreApplication::applicationName() << uint(0) << QStringLiteral("qtga-tray") << notification.title
         << notification.text << actions << hints << int(-1);
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher, notification] {
        watcher->deleteLater();
        const QDBusPendingReply<uint> reply = *watcher;
        if (reply.isError()) {
            Q_EMIT failed(notification, reply.error().message());
            return;
        }
        m_ours.insert(reply.value());
        Q_EMIT sent(reply.value(), notification);
    });
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    if (!m_ours.contains(id))
        return;
    if (action == QLatin1String("default") || action == QLatin1String(DetailsAction))
        Q_EMIT detailsRequested();
}

void DesktopNotifier::onClosed(uint id, uint)
{
    m_ours.remove(id);
}

} // namespace qtga
