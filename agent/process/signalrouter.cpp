// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "signalrouter.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace qtga {

namespace {
int g_writeFd = -1;

void forward(int signo)
{
    const int saved = errno;
    const unsigned char byte = static_cast<unsigned char>(signo);
    // If the pipe is full the signal is already pending there; losing this copy is harmless.
    [[maybe_unused]] ssize_t ignored = ::write(g_writeFd, &byte, 1);
    errno = saved;
}
} // namespace

SignalRouter &SignalRouter::instance()
{
    static SignalRouter *router = new SignalRouter;
    return *router;
}

SignalRouter::SignalRouter()
{
    if (::pipe2(m_fds, O_CLOEXEC | O_NONBLOCK) == 0) {
        g_writeFd = m_fds[1];
        m_notifier = std::make_unique<QSocketNotifier>(m_fds[0], QSocketNotifier::Read);
        connect(m_notifier.get(), &QSocketNotifier::activated, this, &SignalRouter::drain);
    }
}

bool SignalRouter::watch(int signo, QString *error)
{
    if (g_writeFd < 0) {
        *error = QStringLiteral("cannot route signals: pipe2 failed");
        return false;
    }
    struct sigaction sa{};
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (::sigaction(signo, &sa, nullptr) < 0) {
        *error = QStringLiteral("sigaction(%1): %2").arg(signo).arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    return true;
}

void SignalRouter::drain()
{
    unsigned char buffer[64];
    ssize_t n;
    while ((n = ::read(m_fds[0], buffer, sizeof buffer)) > 0) {
        for (ssize_t i = 0; i < n; ++i)
            Q_EMIT signalReceived(buffer[i]);
    }
}

} // namespace qtga
