// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-shutdown and guest-suspend-* decisions: which helper runs, in which
// order the suspend methods are tried, which error is reported. The helper programs and the
// sysfs power file are constructor arguments so that tests can substitute stand-ins; the
// defaults are the real ones, which must never run on the development machine.
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace qtga {

struct PowerHelpers
{
    // Preferred when executable (qemu-ga 10.2), with no arguments.
    QString poweroff = QStringLiteral("/sbin/poweroff");
    QString halt = QStringLiteral("/sbin/halt");
    QString reboot = QStringLiteral("/sbin/reboot");
    // Otherwise: shutdown -h -P|-H|-r +0 "hypervisor initiated shutdown".
    QString shutdown = QStringLiteral("/sbin/shutdown");
    // Looked up in PATH; messages name them by their file name.
    QString systemctl = QStringLiteral("systemctl");
    QString pmIsSupported = QStringLiteral("pm-is-supported");
    QString pmHibernate = QStringLiteral("pm-hibernate");
    QString pmSuspend = QStringLiteral("pm-suspend");
    QString pmSuspendHybrid = QStringLiteral("pm-suspend-hybrid");
    QString powerStateFile = QStringLiteral("/sys/power/state");
};

class PowerControl
{
public:
    enum class SuspendMode { Disk, Ram, Hybrid };

    explicit PowerControl(PowerHelpers helpers = {});

    // guest-shutdown with `mode` (absent: powerdown). The mode is checked before anything
    // runs. Returns the error text; empty means the helper succeeded.
    QByteArray shutdown(const std::optional<QByteArray> &mode) const;

    // guest-suspend-disk/-ram/-hybrid: systemd, then pm-utils, then /sys/power/state. Returns
    // the error text; empty means a method succeeded.
    QByteArray suspend(SuspendMode mode) const;

private:
    // The helper's exit status; -1 when it does not exist. `error` is set when it exists but
    // could not be started.
    int runQuietly(const QStringList &argv, QByteArray *error) const;
    bool systemdSupports(SuspendMode mode) const;
    QByteArray systemdSuspend(SuspendMode mode) const;
    bool pmUtilsSupports(SuspendMode mode) const;
    QByteArray pmUtilsSuspend(SuspendMode mode) const;
    bool powerStateSupports(SuspendMode mode) const;
    QByteArray powerStateSuspend(SuspendMode mode) const;

    PowerHelpers m_helpers;
};

} // namespace qtga
