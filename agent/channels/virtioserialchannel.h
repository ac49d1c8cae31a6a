// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// virtio-serial: one character device, one host at a time. Unlike qemu-ga, which
// polls every 100 ms while no host is connected, this channel sleeps until the kernel's SIGIO
// (sent by virtio_console when the host end opens or closes) says something changed.
#pragma once

#include "channel.h"

namespace qtga {

class FdStreamPeer;

class VirtioSerialChannel : public Channel
{
    Q_OBJECT
public:
    static constexpr const char *DefaultPath = "/dev/virtio-ports/org.qemu.guest_agent.0";

    explicit VirtioSerialChannel(QString path, QObject *parent = nullptr);
    ~VirtioSerialChannel() override;

    bool open(QString *error) override;
    void close() override;

    // The device node of the port called `name` according to `<sysfsClassDir>/*/name`, for
    // guests without the udev symlink; empty when there is none.
    static QString findPortByName(const QString &name, const QString &sysfsClassDir = QStringLiteral("/sys/class/virtio-ports"));

private:
    void checkHost();
    void setAsync(bool on);

    int m_fd = -1;
    FdStreamPeer *m_peer = nullptr;
};

} // namespace qtga
