// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// `qtga-agent --self-test`: checks, without serving, that a normal start with the same options
// and config would work, and says how to fix what would not.
#pragma once

#include "config.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace qtga {

struct SelfTestCheck
{
    QString what;      // e.g. "channel virtio-serial /dev/virtio-ports/org.qemu.guest_agent.0"
    bool passed = false;
    QString detail;    // what was found
    QString fix;       // what to do about a failure
};

class SelfTest
{
public:
    // `statusSocket` empty: no status socket configured. `activatedSockets`: how many sockets
    // socket activation passed (they replace -m/-p and are already listening).
    SelfTest(const Config &config, QString statusSocket, int activatedSockets = 0);

    QList<SelfTestCheck> run() const;
    // A readable report, one block per check, ending with a summary line.
    static QByteArray report(const QList<SelfTestCheck> &checks);
    static bool allPassed(const QList<SelfTestCheck> &checks);

private:
    SelfTestCheck checkChannel(const ChannelSpec &spec) const;
    SelfTestCheck checkStateDir() const;
    SelfTestCheck checkHook() const;
    SelfTestCheck checkStatusSocket() const;
    SelfTestCheck checkLogFile() const;

    Config m_config;
    QString m_statusSocket;
    int m_activatedSockets;
};

} // namespace qtga
