// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "powercontrol.h"

#include "childprocess.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcPower, "qtga.power")

namespace qtga {

namespace {

int modeIndex(PowerControl::SuspendMode mode)
{
    return int(mode);
}

QByteArray nameOf(const QString &helper)
{
    return QFileInfo(helper).fileName().toLocal8Bit();
}

} // namespace

PowerControl::PowerControl(PowerHelpers helpers) : m_helpers(std::move(helpers)) {}

QByteArray PowerControl::shutdown(const std::optional<QByteArray> &mode) const
{
    qCInfo(lcPower).noquote() << "guest-shutdown called, mode:" << mode.value_or("(null)");
    QString preferred;
    QString flag;
    if (!mode || *mode == "powerdown") {
        preferred = m_helpers.poweroff;
        flag = QStringLiteral("-P");
    } else if (*mode == "halt") {
        preferred = m_helpers.halt;
        flag = QStringLiteral("-H");
    } else if (*mode == "reboot") {
        preferred = m_helpers.reboot;
        flag = QStringLiteral("-r");
    } else {
        return "mode is invalid (valid values are: halt|powerdown|reboot";
    }
    QStringList argv{m_helpers.shutdown, QStringLiteral("-h"), flag, QStringLiteral("+0"),
                     QStringLiteral("hypervisor initiated shutdown")};
    if (::access(QFile::encodeName(preferred).constData(), X_OK) == 0)
        argv = QStringList{preferred};
    return childFailureMessage("shutdown", runChild(argv));
}

int PowerControl::runQuietly(const QStringList &argv, QByteArray *error) const
{
    ChildOptions options;
    options.captureOutput = false;
    const ChildResult result = runChild(argv, options);
    if (result.execError == ENOENT)
        return -1;
    if (result.execError != 0) {
        *error = "failed to create child process, error 'Failed to execute child process \u201C"
            + nameOf(argv.first()) + "\u201D (" + strerror(result.execError) + ")'";
        return -1;
    }
    if (!result.completed) {
        *error = result.error;
        return -1;
    }
    return result.exited ? result.exitStatus : 128 + result.signal;
}

bool PowerControl::systemdSupports(SuspendMode mode) const
{
    static const char *const units[] = {"systemd-hibernate", "systemd-suspend", "systemd-hybrid-sleep"};
    QByteArray ignored;
    const int status = runQuietly({m_helpers.systemctl, QStringLiteral("status"),
                                   QString::fromLatin1(units[modeIndex(mode)])},
                                  &ignored);
    // systemctl status exits with LSB codes: 1 to 3 mean the unit exists (3: not running),
    // 4 means there is no such unit.
    return status > 0 && status < 4;
}

QByteArray PowerControl::systemdSuspend(SuspendMode mode) const
{
    static const char *const verbs[] = {"hibernate", "suspend", "hybrid-sleep"};
    const char *verb = verbs[modeIndex(mode)];
    QByteArray error;
    const int status = runQuietly({m_helpers.systemctl, QString::fromLatin1(verb)}, &error);
    if (status == 0)
        return {};
    if (!error.isEmpty())
        return error;
    const QByteArray program = nameOf(m_helpers.systemctl) + ' ' + verb;
    if (status < 0)
        return "the helper program '" + program + "' was not found";
    return "the helper program '" + program + "' returned an unexpected exit status code ("
        + QByteArray::number(status) + ")";
}

bool PowerControl::pmUtilsSupports(SuspendMode mode) const
{
    static const char *const options[] = {"--hibernate", "--suspend", "--suspend-hybrid"};
    QByteArray ignored;
    return runQuietly({m_helpers.pmIsSupported, QString::fromLatin1(options[modeIndex(mode)])}, &ignored) == 0;
}

QByteArray PowerControl::pmUtilsSuspend(SuspendMode mode) const
{
    const QString helpers[] = {m_helpers.pmHibernate, m_helpers.pmSuspend, m_helpers.pmSuspendHybrid};
    const QString &helper = helpers[modeIndex(mode)];
    QByteArray error;
    const int status = runQuietly({helper}, &error);
    if (status == 0)
        return {};
    if (!error.isEmpty())
        return error;
    if (status < 0)
        return "the helper program '" + nameOf(helper) + "' was not found";
    return "the helper program '" + nameOf(helper) + "' returned an unexpected exit status code ("
        + QByteArray::number(status) + ")";
}

bool PowerControl::powerStateSupports(SuspendMode mode) const
{
    if (mode == SuspendMode::Hybrid)
        return false;
    const int fd = ::open(QFile::encodeName(m_helpers.powerStateFile).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char buffer[32];
    const ssize_t n = ::read(fd, buffer, sizeof buffer - 1);
    ::close(fd);
    if (n <= 0)
        return false;
    return QByteArray(buffer, n).contains(mode == SuspendMode::Disk ? "disk" : "mem");
}

QByteArray PowerControl::powerStateSuspend(SuspendMode mode) const
{
    const QByteArray path = QFile::encodeName(m_helpers.powerStateFile);
    const QByteArray word = mode == SuspendMode::Disk ? "disk" : "mem";
    const int fd = ::open(path.constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, word.constData(), size_t(word.size())) < 0) {
        const int err = errno;
        if (fd >= 0)
            ::close(fd);
        return "suspend: cannot write to '" + path + "': " + strerror(err);
    }
    ::close(fd);
    return {};
}

QByteArray PowerControl::suspend(SuspendMode mode) const
{
    // Each method that says it supports the mode is tried in turn; the last one's error is
    // reported. (qemu-ga loses that error when only systemd claimed support and failed, and
    // then answers nothing at all.)
    bool supported = false;
    QByteArray error;
    if (systemdSupports(mode)) {
        supported = true;
        error = systemdSuspend(mode);
        if (error.isEmpty())
            return {};
    }
    if (pmUtilsSupports(mode)) {
        supported = true;
        error = pmUtilsSuspend(mode);
        if (error.isEmpty())
            return {};
    }
    if (powerStateSupports(mode)) {
        supported = true;
        error = powerStateSuspend(mode);
    }
    if (!supported)
        return "the requested suspend mode is not supported by the guest";
    return error;
}

} // namespace qtga
