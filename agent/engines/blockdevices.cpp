// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "blockdevices.h"

#include "dispatch/command.h"

#include <QFile>
#include <QLoggingCategory>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <libudev.h>
#include <linux/nvme_ioctl.h>
#include <sys/ioctl.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcBlock, "qtga.blockdevices")

namespace qtga {

namespace {

QByteArray baseName(const QByteArray &path)
{
    return path.mid(path.lastIndexOf('/') + 1);
}

std::optional<QByteArray> realPath(const QByteArray &path)
{
    char *resolved = ::realpath(path.constData(), nullptr);
    if (!resolved)
        return std::nullopt;
    QByteArray result(resolved);
    std::free(resolved);
    return result;
}

bool isVirtualDevice(const QByteArray &syspath)
{
    return syspath.contains("/devices/virtual/block/");
}

// Just enough of scanf to read sysfs device paths the way qemu-ga does: %x and %u read as many
// digits as there are (at least one), literals must match.
class PathScanner
{
public:
    PathScanner(const QByteArray &text, qsizetype pos) : m_text(&text), m_pos(pos) {}
    qsizetype pos() const { return m_pos; }

    bool literal(char c)
    {
        if (m_pos >= m_text->size() || (*m_text)[m_pos] != c)
            return false;
        ++m_pos;
        return true;
    }
    bool hex(unsigned *out = nullptr) { return number(16, out); }
    bool decimal(unsigned *out = nullptr) { return number(10, out); }

private:
    bool number(int base, unsigned *out)
    {
        const qsizetype start = m_pos;
        while (m_pos < m_text->size() && std::isxdigit(uchar((*m_text)[m_pos]))
               && (base == 16 || std::isdigit(uchar((*m_text)[m_pos]))))
            ++m_pos;
        if (m_pos == start)
            return false;
        if (out)
            *out = unsigned(m_text->mid(start, m_pos - start).toULongLong(nullptr, base));
        return true;
    }

    const QByteArray *m_text;
    qsizetype m_pos;
};

// "<a>:<b>:<c>:<d>/<e>:<t0>:<t1>:<t2>" after "/target": the SCSI host, channel, id and LUN.
bool scsiTarget(const QByteArray &syspath, unsigned target[3])
{
    const qsizetype at = syspath.indexOf("/target");
    if (at < 0)
        return false;
    PathScanner s(syspath, at + 7);
    return s.decimal() && s.literal(':') && s.decimal() && s.literal(':') && s.decimal() && s.literal('/')
        && s.decimal() && s.literal(':') && s.decimal(&target[0]) && s.literal(':') && s.decimal(&target[1])
        && s.literal(':') && s.decimal(&target[2]);
}

// A PCI address "/DDDD:BB:SS.F" at the scanner's position.
bool pciFunction(PathScanner &s, unsigned pci[4])
{
    return s.literal('/') && s.hex(&pci[0]) && s.literal(':') && s.hex(&pci[1]) && s.literal(':') && s.hex(&pci[2])
        && s.literal('.') && s.hex(&pci[3]);
}

QByteArray driverOf(const QByteArray &devicePath)
{
    char target[PATH_MAX];
    const ssize_t n = ::readlink((devicePath + "/driver").constData(), target, sizeof target - 1);
    if (n < 0)
        return {};
    return baseName(QByteArray(target, n));
}

const char *const KnownControllers[] = {"ata_piix", "sym53c8xx", "virtio-pci", "ahci", "nvme", "xhci_hcd", "ehci-pci"};

bool nonPciVirtio(const QByteArray &syspath, DiskAddress *address)
{
    if (!syspath.contains("/virtio") || !syspath.contains("/block"))
        return false;
    unsigned target[3];
    if (scsiTarget(syspath, target)) {
        address->busType = "scsi";
        address->bus = target[0];
        address->target = target[1];
        address->unit = target[2];
    } else {
        address->busType = "virtio";
    }
    return true;
}

bool ccwDevice(const QByteArray &syspath, DiskAddress *address)
{
    const qsizetype at = syspath.indexOf("/devices/css");
    if (at < 0)
        return false;
    // /devices/css<n>/<cssid>.<ssid>.<subchno>/<x>.<y>.<devno>/
    unsigned cssid, ssid, subchno, devno;
    PathScanner s(syspath, at + 12);
    if (!(s.hex() && s.literal('/') && s.hex(&cssid) && s.literal('.') && s.hex(&ssid) && s.literal('.')
          && s.hex(&subchno) && s.literal('/') && s.hex() && s.literal('.') && s.hex() && s.literal('.')
          && s.hex(&devno))) {
        qCDebug(lcBlock) << "could not parse ccw device sysfs path:" << syspath;
        return false;
    }
    address->hasCcw = true;
    address->cssid = cssid;
    address->ssid = ssid;
    address->subchno = subchno;
    address->devno = devno;
    if (syspath.mid(at).contains("/virtio"))
        nonPciVirtio(syspath, address);
    return true;
}

// Sorted numbers of the ataN or hostN entries next to the device's host: the host's position
// among them is the IDE bus or the SATA port.
bool hostNumbers(const QByteArray &dirPath, bool ata, std::vector<unsigned> *hosts, QByteArray *error)
{
    DIR *dir = ::opendir(dirPath.constData());
    if (!dir) {
        *error = "opendir(\"" + dirPath + "\")" + errnoSuffix(errno);
        return false;
    }
    while (dirent *entry = ::readdir(dir)) {
        if (hosts->size() >= 8)
            break;
        unsigned n;
        if (std::sscanf(entry->d_name, ata ? "ata%u" : "host%u", &n) == 1)
            hosts->push_back(n);
    }
    ::closedir(dir);
    std::sort(hosts->begin(), hosts->end());
    return true;
}

bool pciDevice(const QByteArray &syspath, DiskAddress *address, QByteArray *error)
{
    const qsizetype at = syspath.indexOf("/devices/pci");
    unsigned pci[4];
    // /devices/pci<domain>:<bus>/<domain>:<bus>:<slot>.<function>/...
    PathScanner s(syspath, at + 12);
    if (at < 0 || !(s.hex() && s.literal(':') && s.hex() && pciFunction(s, pci))) {
        qCDebug(lcBlock) << "only pci device is supported: sysfs path" << syspath;
        return false;
    }
    // Walk down the PCI path (through bridges) to the first storage controller we know.
    QByteArray driver;
    for (;;) {
        driver = driverOf(syspath.left(s.pos()));
        if (std::find(std::begin(KnownControllers), std::end(KnownControllers), driver) != std::end(KnownControllers))
            break;
        PathScanner next(syspath, s.pos());
        if (!pciFunction(next, pci)) {
            qCDebug(lcBlock) << "unsupported driver or sysfs path" << syspath;
            return false;
        }
        s = next;
    }

    unsigned target[3];
    const bool hasTarget = scsiTarget(syspath, target);
    qsizetype hostAt = syspath.indexOf("/ata");
    const bool ata = hostAt >= 0;
    if (!ata)
        hostAt = syspath.indexOf("/host");
    unsigned host = 0;
    bool hasHost = false;
    std::vector<unsigned> hosts;
    if (hostAt >= 0) {
        PathScanner h(syspath, hostAt + (ata ? 4 : 5));
        hasHost = h.decimal(&host);
        if (hasHost && !hostNumbers(syspath.left(hostAt), ata, &hosts, error))
            return false;
    }

    address->pciDomain = pci[0];
    address->pciBus = pci[1];
    address->pciSlot = pci[2];
    address->pciFunction = pci[3];
    const auto hostIndex = [&]() -> qsizetype {
        const auto it = std::find(hosts.begin(), hosts.end(), host);
        return it == hosts.end() ? -1 : it - hosts.begin();
    };
    if (driver == "ata_piix") {
        // One host per IDE bus; target*:0:<unit>:0.
        const qsizetype index = hasHost && hasTarget ? hostIndex() : -1;
        if (index < 0)
            return false;
        address->busType = "ide";
        address->bus = index;
        address->unit = target[1];
    } else if (driver == "sym53c8xx") {
        if (!hasTarget)
            return false;
        address->busType = "scsi";
        address->unit = target[1];
    } else if (driver == "virtio-pci") {
        if (hasTarget) {
            address->busType = "scsi";  // virtio-scsi: target*:0:0:<unit>
            address->unit = target[2];
        } else {
            address->busType = "virtio";  // virtio-blk: one disk per device
        }
    } else if (driver == "ahci") {
        // One host per SATA port.
        const qsizetype index = hasHost && hasTarget ? hostIndex() : -1;
        if (index < 0)
            return false;
        address->busType = "sata";
        address->unit = index;
    } else if (driver == "nvme") {
        address->busType = "nvme";
    } else {
        address->busType = "usb";  // ehci-pci, xhci_hcd
    }
    return true;
}

uint64_t littleEndian(const uchar *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

// The NVMe SMART / health log page (log id 2) as GuestDiskSmart.
std::optional<JsonValue> nvmeSmart(const QByteArray &devnode)
{
    const int fd = ::open(devnode.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        qCDebug(lcBlock) << "Failed to open device:" << devnode << strerror(errno);
        return std::nullopt;
    }
    uchar log[512] = {};
    nvme_admin_cmd cmd{};
    cmd.opcode = 0x02;        // Get Log Page
    cmd.nsid = 0xffffffff;    // all namespaces
    cmd.addr = uint64_t(uintptr_t(log));
    cmd.data_len = sizeof log;
    cmd.cdw10 = 0x02 | (1u << 15) | (((sizeof log >> 2) - 1) << 16);  // SMART log, retain async event
    const int rc = ::ioctl(fd, NVME_IOCTL_ADMIN_CMD, &cmd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) {
        qCDebug(lcBlock) << "Failed to get smart:" << devnode << strerror(err);
        return std::nullopt;
    }
    JsonValue smart = JsonValue::object();
    smart.insert("type", "nvme");
    smart.insert("critical-warning", int64_t(log[0]));
    smart.insert("temperature", int64_t(littleEndian(log + 1, 2)));
    smart.insert("available-spare", int64_t(log[3]));
    smart.insert("available-spare-threshold", int64_t(log[4]));
    smart.insert("percentage-used", int64_t(log[5]));
    static const char *const Counters[] = {
        "data-units-read", "data-units-written", "host-read-commands", "host-write-commands",
        "controller-busy-time", "power-cycles", "power-on-hours", "unsafe-shutdowns", "media-errors",
        "number-of-error-log-entries",
    };
    int offset = 32;
    for (const char *name : Counters) {
        smart.insert(QByteArray(name) + "-lo", littleEndian(log + offset, 8));
        smart.insert(QByteArray(name) + "-hi", littleEndian(log + offset + 8, 8));
        offset += 16;
    }
    return smart;
}

class DirectoryReader
{
public:
    explicit DirectoryReader(const QByteArray &path) : m_dir(::opendir(path.constData())) {}
    ~DirectoryReader()
    {
        if (m_dir)
            ::closedir(m_dir);
    }
    DirectoryReader(const DirectoryReader &) = delete;
    DirectoryReader &operator=(const DirectoryReader &) = delete;
    bool valid() const { return m_dir != nullptr; }
    // The next entry other than . and ..; null at the end or on error (errno says which).
    dirent *next()
    {
        for (;;) {
            errno = 0;
            dirent *entry = ::readdir(m_dir);
            if (!entry || (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0))
                return entry;
        }
    }

private:
    DIR *m_dir;
};

} // namespace

UdevProperties queryUdev(const QByteArray &syspath)
{
    UdevProperties props;
    udev *context = udev_new();
    if (!context) {
        qCDebug(lcBlock) << "failed to query udev";
        return props;
    }
    if (udev_device *device = udev_device_new_from_syspath(context, syspath.constData())) {
        props.found = true;
        props.devnode = udev_device_get_devnode(device);
        props.serial = udev_device_get_property_value(device, "ID_SERIAL");
        props.dmName = udev_device_get_property_value(device, "DM_NAME");
        udev_device_unref(device);
    } else {
        qCDebug(lcBlock) << "failed to query udev for path:" << syspath;
    }
    udev_unref(context);
    return props;
}

JsonValue DiskAddress::toJson() const
{
    JsonValue pci = JsonValue::object();
    pci.insert("domain", pciDomain);
    pci.insert("bus", pciBus);
    pci.insert("slot", pciSlot);
    pci.insert("function", pciFunction);
    JsonValue address = JsonValue::object();
    address.insert("pci-controller", std::move(pci));
    address.insert("bus-type", busType);
    address.insert("bus", bus);
    address.insert("target", target);
    address.insert("unit", unit);
    if (!serial.isEmpty())
        address.insert("serial", serial);
    if (!dev.isEmpty())
        address.insert("dev", dev);
    if (hasCcw) {
        JsonValue ccw = JsonValue::object();
        ccw.insert("cssid", cssid);
        ccw.insert("ssid", ssid);
        ccw.insert("subchno", subchno);
        ccw.insert("devno", devno);
        address.insert("ccw-address", std::move(ccw));
    }
    return address;
}

struct BlockDevices::Walk
{
    QByteArray name;
    std::vector<DiskAddress> disks;  // in discovery order; qemu-ga lists them the other way round
    QByteArray error;
};

BlockDevices::BlockDevices(QByteArray sysRoot, UdevLookup udev) : m_sysRoot(std::move(sysRoot)), m_udev(std::move(udev))
{
}

bool BlockDevices::describe(unsigned major, unsigned minor, QByteArray *name, JsonValue *disks, QByteArray *error) const
{
    Walk walk;
    describeDevice(m_sysRoot + "/dev/block/" + QByteArray::number(major) + ':' + QByteArray::number(minor), walk);
    if (!walk.error.isEmpty()) {
        *error = walk.error;
        return false;
    }
    *name = walk.name;
    *disks = JsonValue::array();
    for (auto it = walk.disks.rbegin(); it != walk.disks.rend(); ++it)
        disks->append(it->toJson());
    return true;
}

void BlockDevices::describeDevice(const QByteArray &devpath, Walk &walk) const
{
    const std::optional<QByteArray> syspath = realPath(devpath);
    if (!syspath) {
        if (errno != ENOENT) {
            walk.error = "realpath(\"" + devpath + "\")" + errnoSuffix(errno);
            return;
        }
        // A container may hide the device: the name is all there is.
        if (walk.name.isEmpty())
            walk.name = baseName(devpath);
        return;
    }
    if (walk.name.isEmpty())
        walk.name = baseName(*syspath);
    if (isVirtualDevice(*syspath))
        describeVirtualDevice(*syspath, walk);
    else
        describeRealDevice(*syspath, walk);
}

void BlockDevices::describeVirtualDevice(const QByteArray &syspath, Walk &walk) const
{
    // dm and md devices: the disks are whatever lies below.
    const QByteArray slaves = syspath + "/slaves";
    DirectoryReader dir(slaves);
    if (!dir.valid()) {
        if (errno != ENOENT)
            walk.error = "opendir(\"" + slaves + "\")" + errnoSuffix(errno);
        return;
    }
    for (;;) {
        const dirent *entry = dir.next();
        if (!entry) {
            if (errno)
                walk.error = "readdir(\"" + slaves + "\")" + errnoSuffix(errno);
            return;
        }
        if (entry->d_type != DT_LNK)
            continue;
        describeDevice(slaves + '/' + entry->d_name, walk);
        if (!walk.error.isEmpty())
            return;
    }
}

void BlockDevices::describeRealDevice(const QByteArray &syspath, Walk &walk) const
{
    DiskAddress address;
    const UdevProperties udev = m_udev(syspath);
    if (udev.found) {
        address.dev = udev.devnode;
        address.serial = udev.serial;
    }
    const bool known = readHardwareAddress(syspath, &address, &walk.error);
    if (known || !address.dev.isEmpty() || !address.serial.isEmpty())
        walk.disks.push_back(address);
}

bool BlockDevices::readHardwareAddress(const QByteArray &syspath, DiskAddress *address, QByteArray *error) const
{
    if (syspath.contains("/devices/pci"))
        return pciDevice(syspath, address, error);
    if (syspath.contains("/devices/css"))
        return ccwDevice(syspath, address);
    if (syspath.contains("/virtio"))
        return nonPciVirtio(syspath, address);
    qCDebug(lcBlock) << "Unsupported device type for" << syspath;
    return false;
}

JsonValue::Array BlockDevices::partitionsOf(const QByteArray &diskName, const QByteArray &diskDir,
                                            const QByteArray &diskNode) const
{
    JsonValue::Array partitions;
    DirectoryReader dir(diskDir);
    if (!dir.valid())
        return partitions;
    while (const dirent *entry = dir.next()) {
        // <disk><digit>... or <disk>p<digit>...
        const QByteArray name(entry->d_name);
        if (!(entry->d_type & DT_DIR) || !name.startsWith(diskName))
            continue;
        const QByteArray rest = name.mid(diskName.size());
        const auto digitAt = [&rest](qsizetype i) { return i < rest.size() && std::isdigit(uchar(rest[i])); };
        if (!digitAt(0) && !(rest.startsWith('p') && digitAt(1)))
            continue;
        const UdevProperties udev = m_udev(diskDir + '/' + name);
        if (udev.devnode.isEmpty())
            continue;
        JsonValue partition = JsonValue::object();
        partition.insert("name", udev.devnode);
        partition.insert("partition", true);
        partition.insert("dependencies", JsonValue::Array{JsonValue(diskNode)});
        partitions.push_back(std::move(partition));
    }
    return partitions;
}

CommandOutcome BlockDevices::disks() const
{
    const QByteArray blockDir = m_sysRoot + "/block";
    DirectoryReader dir(blockDir);
    if (!dir.valid())
        return CommandOutcome::fail("Can't open directory \"" + blockDir + "\"" + errnoSuffix(errno));
    JsonValue::Array found;  // discovery order; the answer lists it the other way round
    while (const dirent *entry = dir.next()) {
        if (entry->d_type != DT_LNK)
            continue;
        const QByteArray name(entry->d_name);
        const QByteArray diskDir = blockDir + '/' + name;
        QFile sizeFile(QFile::decodeName(diskDir + "/size"));
        if (!sizeFile.open(QIODevice::ReadOnly) || sizeFile.readAll() == "0\n")
            continue;  // unreadable or empty (e.g. an unused loop device)
        const UdevProperties udev = m_udev(diskDir);
        if (udev.devnode.isEmpty())
            continue;

        std::optional<DiskAddress> address;
        const std::optional<QByteArray> syspath = realPath(diskDir);
        if (syspath && !isVirtualDevice(*syspath)) {
            // Errors only cost the address here.
            Walk walk;
            describeDevice(diskDir, walk);
            if (!walk.disks.empty())
                address = walk.disks.back();
        }
        std::optional<JsonValue::Array> dependencies;
        DirectoryReader slaves(diskDir + "/slaves");
        if (slaves.valid()) {
            dependencies.emplace();
            while (const dirent *slave = slaves.next()) {
                const UdevProperties dep = m_udev(diskDir + "/slaves/" + slave->d_name);
                if (!dep.devnode.isEmpty())
                    dependencies->insert(dependencies->begin(), JsonValue(dep.devnode));
            }
        }
        std::optional<JsonValue> smart;
        if (address && address->busType == "nvme")
            smart = nvmeSmart(udev.devnode);

        JsonValue disk = JsonValue::object();
        disk.insert("name", udev.devnode);
        disk.insert("partition", false);
        if (dependencies)
            disk.insert("dependencies", std::move(*dependencies));
        if (address)
            disk.insert("address", address->toJson());
        if (!udev.dmName.isEmpty())
            disk.insert("alias", udev.dmName);
        if (smart)
            disk.insert("smart", std::move(*smart));
        found.push_back(std::move(disk));
        for (JsonValue &partition : partitionsOf(name, diskDir, udev.devnode))
            found.push_back(std::move(partition));
    }
    std::reverse(found.begin(), found.end());
    return CommandOutcome::ok(JsonValue(std::move(found)));
}

} // namespace qtga
