// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Turns POSIX signals into Qt signals on the main event loop (self-pipe): the handler only
// writes the signal number; everything else happens in signalReceived() handlers.
#pragma once

#include <QObject>
#include <QSocketNotifier>

#include <memory>

namespace qtga {

class SignalRouter : public QObject
{
    Q_OBJECT
public:
    // Created on first use; lives until exit. Call from the main thread.
    static SignalRouter &instance();

    // Routes `signo` into signalReceived(); returns false with a message on failure.
    bool watch(int signo, QString *error);

Q_SIGNALS:
    void signalReceived(int signo);

private:
    SignalRouter();
    void drain();

    int m_fds[2] = {-1, -1};
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace qtga
