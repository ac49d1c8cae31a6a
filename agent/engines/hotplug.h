// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// vCPU and memory block hot-(un)plug through sysfs. The sysfs directory is
// a constructor argument so that tests run against a fake tree in a temporary directory.
#pragma once

#include "dispatch/command.h"

#include <QByteArray>

namespace qtga {

class CpuHotplug
{
public:
    explicit CpuHotplug(QByteArray cpuDir = "/sys/devices/system/cpu");

    // guest-get-vcpus: every cpuN entry in directory order.
    CommandOutcome list() const;
    // guest-set-vcpus: items in order up to the first failure; the count of those handled, or
    // the error when none was.
    CommandOutcome apply(const JsonValue &vcpus) const;

private:
    QByteArray m_dir;
};

class MemoryHotplug
{
public:
    // qemu-ga names the directory with its trailing slash, and so do its messages.
    explicit MemoryHotplug(QByteArray memoryDir = "/sys/devices/system/memory/");

    CommandOutcome list() const;                          // guest-get-memory-blocks
    CommandOutcome apply(const JsonValue &blocks) const;  // guest-set-memory-blocks
    CommandOutcome blockInfo() const;                     // guest-get-memory-block-info

private:
    JsonValue applyOne(uint64_t index, bool online) const;

    QByteArray m_dir;
};

} // namespace qtga
