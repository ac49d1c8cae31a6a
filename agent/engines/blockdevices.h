// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Block devices as guest-get-fsinfo and guest-get-disks describe them: the disk
// addresses read from sysfs paths (PCI controller, bus type, unit), dm/md slaves expanded, and
// the udev properties (device node, serial, DM_NAME). The sysfs root and the udev lookup are
// constructor arguments so that tests run against a fake tree.
#pragma once

#include "dispatch/command.h"

#include <QByteArray>

#include <functional>

namespace qtga {

struct UdevProperties
{
    bool found = false;     // udev knows the device
    QByteArray devnode;     // e.g. /dev/vda; empty when it has none
    QByteArray serial;      // ID_SERIAL
    QByteArray dmName;      // DM_NAME
};
using UdevLookup = std::function<UdevProperties(const QByteArray &syspath)>;

// libudev's view of a sysfs device (a fresh context per call: libudev is not thread-safe).
UdevProperties queryUdev(const QByteArray &syspath);

// GuestDiskAddress.
struct DiskAddress
{
    int64_t pciDomain = -1, pciBus = -1, pciSlot = -1, pciFunction = -1;
    QByteArray busType = "unknown";
    int64_t bus = 0, target = 0, unit = 0;
    QByteArray serial;
    QByteArray dev;
    bool hasCcw = false;
    int64_t cssid = 0, ssid = 0, subchno = 0, devno = 0;

    JsonValue toJson() const;
};

class BlockDevices
{
public:
    explicit BlockDevices(QByteArray sysRoot = "/sys", UdevLookup udev = queryUdev);

    // guest-get-fsinfo's `name` and `disk` for the device major:minor. False with `error` when
    // the sysfs walk fails, which fails the whole command.
    bool describe(unsigned major, unsigned minor, QByteArray *name, JsonValue *disks, QByteArray *error) const;

    // guest-get-disks.
    CommandOutcome disks() const;

    // The hardware part of a real (non-virtual) device's address, from its resolved sysfs path:
    // true when the bus was recognised. Fills the PCI controller even when the bus is not.
    bool readHardwareAddress(const QByteArray &syspath, DiskAddress *address, QByteArray *error) const;

private:
    struct Walk;
    void describeDevice(const QByteArray &devpath, Walk &walk) const;
    void describeVirtualDevice(const QByteArray &syspath, Walk &walk) const;
    void describeRealDevice(const QByteArray &syspath, Walk &walk) const;
    JsonValue::Array partitionsOf(const QByteArray &diskName, const QByteArray &diskDir, const QByteArray &diskNode) const;

    QByteArray m_sysRoot;
    UdevLookup m_udev;
};

} // namespace qtga
