// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Disk addresses and the disk list from fake sysfs trees: controllers recognised
// by their driver, bridges walked, dm/md slaves expanded, partitions, zero-sized disks skipped.
#include "engines/blockdevices.h"
#include "jsonwriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace qtga;

namespace {

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        qFatal("cannot write fixture %s", qPrintable(path));
}

using Drivers = QList<QPair<QString, QString>>;  // PCI function path -> driver name

void symlink(const QString &target, const QString &link)
{
    QDir().mkpath(QFileInfo(link).path());
    if (!QFile::link(target, link))
        qFatal("cannot link %s", qPrintable(link));
}

QByteArray nameOf(const QByteArray &path)
{
    return path.mid(path.lastIndexOf('/') + 1);
}

} // namespace

class tst_BlockDevices : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void hardwareAddress_data();
    void hardwareAddress();
    void hostListingFails();
    void describeRealDevice();
    void describePartition();
    void describeStackedVirtualDevices();
    void describeVirtualWithTwoSlaves();
    void describeMissingDevice();
    void describeVirtualWithoutSlaves();
    void describeUnknownDeviceWithoutUdev();
    void disks();
    void disksWithoutSysBlock();

private:
    QString root() const { return m_dir->path(); }
    QByteArray rootBytes() const { return QFile::encodeName(root()); }
    // A device directory under the fake /sys, with a driver link on each PCI function named in
    // `drivers` (relative path -> driver name).
    QString device(const QString &path, const QList<QPair<QString, QString>> &drivers = {});
    BlockDevices devices(bool udevKnowsDevices = true) const;

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_BlockDevices::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString tst_BlockDevices::device(const QString &path, const QList<QPair<QString, QString>> &drivers)
{
    QDir().mkpath(root() + "/" + path);
    for (const auto &[function, driver] : drivers) {
        const QString link = root() + "/" + function + "/driver";
        if (!QFileInfo::exists(link) && !QFileInfo(link).isSymLink())
            symlink(root() + "/bus/pci/drivers/" + driver, link);
    }
    return root() + "/" + path;
}

BlockDevices tst_BlockDevices::devices(bool udevKnowsDevices) const
{
    // Device nodes inside the temporary directory, so nothing ever opens a real /dev node.
    const QByteArray nodes = rootBytes() + "/dev-nodes/";
    return BlockDevices(rootBytes(), [nodes, udevKnowsDevices](const QByteArray &syspath) {
        UdevProperties props;
        if (!udevKnowsDevices)
            return props;
        const QByteArray name = nameOf(syspath);
        props.found = true;
        props.devnode = nodes + name;
        if (name.startsWith("sd"))
            props.serial = "QM0000" + name;
        if (name.startsWith("dm-"))
            props.dmName = "vg-" + name;
        return props;
    });
}

void tst_BlockDevices::hardwareAddress_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<Drivers>("drivers");
    QTest::addColumn<QStringList>("siblings");  // extra directories (host numbering)
    QTest::addColumn<bool>("known");
    QTest::addColumn<QByteArray>("address");

    const QString pci = QStringLiteral("devices/pci0000:00/");
    QTest::newRow("virtio-blk") << pci + "0000:00:02.0/virtio1/block/vda"
                                << Drivers{{pci + "0000:00:02.0", "virtio-pci"}} << QStringList{} << true
                                << QByteArray("{\"bus-type\": \"virtio\", \"bus\": 0, \"unit\": 0, \"pci-controller\": "
                                              "{\"bus\": 0, \"slot\": 2, \"domain\": 0, \"function\": 0}, \"target\": 0}");
    QTest::newRow("virtio-scsi") << pci + "0000:00:05.0/virtio2/host2/target2:0:0/2:0:0:3/block/sdb"
                                 << Drivers{{pci + "0000:00:05.0", "virtio-pci"}} << QStringList{} << true
                                 << QByteArray("{\"bus-type\": \"scsi\", \"bus\": 0, \"unit\": 3, \"pci-controller\": "
                                               "{\"bus\": 0, \"slot\": 5, \"domain\": 0, \"function\": 0}, \"target\": 0}");
    QTest::newRow("ide: bus is the host's place among the ata ports")
        << pci + "0000:00:01.1/ata2/host1/target1:0:1/1:0:1:0/block/hdb"
        << Drivers{{pci + "0000:00:01.1", "ata_piix"}} << QStringList{pci + "0000:00:01.1/ata1"} << true
        << QByteArray("{\"bus-type\": \"ide\", \"bus\": 1, \"unit\": 1, \"pci-controller\": "
                      "{\"bus\": 0, \"slot\": 1, \"domain\": 0, \"function\": 1}, \"target\": 0}");
    QTest::newRow("sata: unit is the port's place")
        << pci + "0000:00:1f.2/ata3/host2/target2:0:0/2:0:0:0/block/sda"
        << Drivers{{pci + "0000:00:1f.2", "ahci"}}
        << QStringList{pci + "0000:00:1f.2/ata1", pci + "0000:00:1f.2/ata2", pci + "0000:00:1f.2/ata12"} << true
        << QByteArray("{\"bus-type\": \"sata\", \"bus\": 0, \"unit\": 2, \"pci-controller\": "
                      "{\"bus\": 0, \"slot\": 31, \"domain\": 0, \"function\": 2}, \"target\": 0}");
    QTest::newRow("lsi scsi") << pci + "0000:00:07.0/host0/target0:0:4/0:0:4:0/block/sdc"
                              << Drivers{{pci + "0000:00:07.0", "sym53c8xx"}} << QStringList{} << true
                              << QByteArray("{\"bus-type\": \"scsi\", \"bus\": 0, \"unit\": 4, \"pci-controller\": "
                                            "{\"bus\": 0, \"slot\": 7, \"domain\": 0, \"function\": 0}, \"target\": 0}");
    QTest::newRow("nvme") << pci + "0000:00:04.0/nvme/nvme0/nvme0n1" << Drivers{{pci + "0000:00:04.0", "nvme"}}
                          << QStringList{} << true
                          << QByteArray("{\"bus-type\": \"nvme\", \"bus\": 0, \"unit\": 0, \"pci-controller\": "
                                        "{\"bus\": 0, \"slot\": 4, \"domain\": 0, \"function\": 0}, \"target\": 0}");
    QTest::newRow("usb") << pci + "0000:00:0d.0/usb2/2-1/2-1:1.0/host3/target3:0:0/3:0:0:0/block/sdd"
                         << Drivers{{pci + "0000:00:0d.0", "xhci_hcd"}} << QStringList{} << true
                         << QByteArray("{\"bus-type\": \"usb\", \"bus\": 0, \"unit\": 0, \"pci-controller\": "
                                       "{\"bus\": 0, \"slot\": 13, \"domain\": 0, \"function\": 0}, \"target\": 0}");
    QTest::newRow("behind a PCIe bridge")
        << "devices/pci0001:00/0001:00:1c.0/0001:3a:00.0/nvme/nvme1/nvme1n1"
        << Drivers{{"devices/pci0001:00/0001:00:1c.0", "pcieport"},
                   {"devices/pci0001:00/0001:00:1c.0/0001:3a:00.0", "nvme"}}
        << QStringList{} << true
        << QByteArray("{\"bus-type\": \"nvme\", \"bus\": 0, \"unit\": 0, \"pci-controller\": "
                      "{\"bus\": 58, \"slot\": 0, \"domain\": 1, \"function\": 0}, \"target\": 0}");
    QTest::newRow("unknown controller") << pci + "0000:00:03.0/foo/block/xda" << Drivers{{pci + "0000:00:03.0", "e1000"}}
                                        << QStringList{} << false
                                        << QByteArray("{\"bus-type\": \"unknown\", \"bus\": 0, \"unit\": 0, \"pci-controller\": "
                                                      "{\"bus\": -1, \"slot\": -1, \"domain\": -1, \"function\": -1}, \"target\": 0}");
    // A known controller with a path it cannot read keeps the PCI address but no bus type.
    QTest::newRow("ide without target") << pci + "0000:00:01.1/ata1/host0/block/hda"
                                        << Drivers{{pci + "0000:00:01.1", "ata_piix"}} << QStringList{} << false
                                        << QByteArray("{\"bus-type\": \"unknown\", \"bus\": 0, \"unit\": 0, \"pci-controller\": "
                                                      "{\"bus\": 0, \"slot\": 1, \"domain\": 0, \"function\": 1}, \"target\": 0}");
    QTest::newRow("s390 ccw virtio") << "devices/css0/0.0.0007/0.1.002a/virtio0/block/vda" << Drivers{} << QStringList{}
                                     << true
                                     << QByteArray("{\"ccw-address\": {\"cssid\": 0, \"ssid\": 0, \"subchno\": 7, \"devno\": 42}, "
                                                   "\"bus-type\": \"virtio\", \"bus\": 0, \"unit\": 0, \"pci-controller\": "
                                                   "{\"bus\": -1, \"slot\": -1, \"domain\": -1, \"function\": -1}, \"target\": 0}");
    QTest::newRow("virtio-mmio scsi") << "devices/platform/a003e00.virtio_mmio/virtio1/host0/target0:0:2/0:0:2:5/block/sda"
                                      << Drivers{} << QStringList{} << true
                                      << QByteArray("{\"bus-type\": \"scsi\", \"bus\": 0, \"unit\": 5, \"pci-controller\": "
                                                    "{\"bus\": -1, \"slot\": -1, \"domain\": -1, \"function\": -1}, \"target\": 2}");
    QTest::newRow("unsupported bus") << "devices/platform/soc/mmc0/mmc0:0001/block/mmcblk0" << Drivers{} << QStringList{}
                                     << false
                                     << QByteArray("{\"bus-type\": \"unknown\", \"bus\": 0, \"unit\": 0, \"pci-controller\": "
                                                   "{\"bus\": -1, \"slot\": -1, \"domain\": -1, \"function\": -1}, \"target\": 0}");
}

void tst_BlockDevices::hardwareAddress()
{
    QFETCH(QString, path);
    QFETCH(Drivers, drivers);
    QFETCH(QStringList, siblings);
    QFETCH(bool, known);
    QFETCH(QByteArray, address);
    const QString syspath = device(path, drivers);
    for (const QString &sibling : siblings)
        QDir().mkpath(root() + "/" + sibling);
    DiskAddress result;
    QByteArray error;
    QCOMPARE(devices().readHardwareAddress(QFile::encodeName(syspath), &result, &error), known);
    QCOMPARE(error, QByteArray());
    QCOMPARE(toJson(result.toJson()), address);
}

void tst_BlockDevices::hostListingFails()
{
    // The directory holding the ata ports cannot be listed: the walk fails (and so would
    // guest-get-fsinfo as a whole).
    const QString pci = device("devices/pci0000:00/0000:00:01.1", {{"devices/pci0000:00/0000:00:01.1", "ata_piix"}});
    DiskAddress result;
    QByteArray error;
    QVERIFY(!devices().readHardwareAddress(QFile::encodeName(pci + "/gone/ata1/host0/target0:0:0/0:0:0:0/block/hda"),
                                           &result, &error));
    QCOMPARE(error, "opendir(\"" + QFile::encodeName(pci) + "/gone\"): No such file or directory");
}

void tst_BlockDevices::describeRealDevice()
{
    const QString vda = device("devices/pci0000:00/0000:00:02.0/virtio1/block/vda",
                               {{"devices/pci0000:00/0000:00:02.0", "virtio-pci"}});
    symlink(vda, root() + "/dev/block/254:0");
    QByteArray name;
    JsonValue disks;
    QByteArray error;
    QVERIFY(devices().describe(254, 0, &name, &disks, &error));
    QCOMPARE(name, QByteArray("vda"));
    QCOMPARE(toJson(disks), "[{\"bus-type\": \"virtio\", \"bus\": 0, \"unit\": 0, \"pci-controller\": "
                            "{\"bus\": 0, \"slot\": 2, \"domain\": 0, \"function\": 0}, \"dev\": \""
                                + rootBytes() + "/dev-nodes/vda\", \"target\": 0}]");
}

void tst_BlockDevices::describePartition()
{
    const QString vda1 = device("devices/pci0000:00/0000:00:02.0/virtio1/block/vda/vda1",
                                {{"devices/pci0000:00/0000:00:02.0", "virtio-pci"}});
    symlink(vda1, root() + "/dev/block/254:1");
    QByteArray name;
    JsonValue disks;
    QByteArray error;
    QVERIFY(devices().describe(254, 1, &name, &disks, &error));
    QCOMPARE(name, QByteArray("vda1"));
    QCOMPARE(disks.items().size(), size_t(1));
    QCOMPARE(disks.items().front().value("dev")->toString(), rootBytes() + "/dev-nodes/vda1");
    QCOMPARE(disks.items().front().value("bus-type")->toString(), QByteArray("virtio"));
}

void tst_BlockDevices::describeStackedVirtualDevices()
{
    // LVM on RAID on a SCSI disk: dm-1 -> md0 -> sdb1, each level through slaves/.
    const QString sdb1 = device("devices/pci0000:00/0000:00:05.0/virtio2/host2/target2:0:0/2:0:0:1/block/sdb/sdb1",
                                {{"devices/pci0000:00/0000:00:05.0", "virtio-pci"}});
    const QString md0 = device("devices/virtual/block/md0");
    const QString dm1 = device("devices/virtual/block/dm-1");
    symlink(sdb1, md0 + "/slaves/sdb1");
    symlink(md0, dm1 + "/slaves/md0");
    QDir().mkpath(dm1 + "/slaves/not-a-link");
    symlink(dm1, root() + "/dev/block/253:1");
    QByteArray name;
    JsonValue disks;
    QByteArray error;
    QVERIFY2(devices().describe(253, 1, &name, &disks, &error), error.constData());
    QCOMPARE(name, QByteArray("dm-1"));
    QCOMPARE(toJson(disks), "[{\"serial\": \"QM0000sdb1\", \"bus-type\": \"scsi\", \"bus\": 0, \"unit\": 1, "
                            "\"pci-controller\": {\"bus\": 0, \"slot\": 5, \"domain\": 0, \"function\": 0}, \"dev\": \""
                                + rootBytes() + "/dev-nodes/sdb1\", \"target\": 0}]");
}

void tst_BlockDevices::describeVirtualWithTwoSlaves()
{
    const QString vda2 = device("devices/pci0000:00/0000:00:02.0/virtio1/block/vda/vda2",
                                {{"devices/pci0000:00/0000:00:02.0", "virtio-pci"}});
    const QString vdb1 = device("devices/pci0000:00/0000:00:03.0/virtio2/block/vdb/vdb1",
                                {{"devices/pci0000:00/0000:00:03.0", "virtio-pci"}});
    const QString dm0 = device("devices/virtual/block/dm-0");
    symlink(vda2, dm0 + "/slaves/vda2");
    symlink(vdb1, dm0 + "/slaves/vdb1");
    symlink(dm0, root() + "/dev/block/253:0");
    QByteArray name;
    JsonValue disks;
    QByteArray error;
    QVERIFY(devices().describe(253, 0, &name, &disks, &error));
    QCOMPARE(name, QByteArray("dm-0"));
    QStringList devs;
    for (const JsonValue &disk : disks.items())
        devs << QString::fromUtf8(nameOf(disk.value("dev")->toString()));
    devs.sort();
    QCOMPARE(devs, (QStringList{"vda2", "vdb1"}));
}

void tst_BlockDevices::describeMissingDevice()
{
    // A container may show the mount without its device: the name is the numbers.
    QByteArray name;
    JsonValue disks;
    QByteArray error;
    QVERIFY(devices().describe(253, 9, &name, &disks, &error));
    QCOMPARE(name, QByteArray("253:9"));
    QCOMPARE(toJson(disks), QByteArray("[]"));
}

void tst_BlockDevices::describeVirtualWithoutSlaves()
{
    symlink(device("devices/virtual/block/loop0"), root() + "/dev/block/7:0");
    QByteArray name;
    JsonValue disks;
    QByteArray error;
    QVERIFY(devices().describe(7, 0, &name, &disks, &error));
    QCOMPARE(name, QByteArray("loop0"));
    QCOMPARE(toJson(disks), QByteArray("[]"));
}

void tst_BlockDevices::describeUnknownDeviceWithoutUdev()
{
    // Neither a known bus nor a device node or serial: no address at all.
    symlink(device("devices/platform/soc/mmc0/mmc0:0001/block/mmcblk0"), root() + "/dev/block/179:0");
    QByteArray name;
    JsonValue disks;
    QByteArray error;
    QVERIFY(devices(false).describe(179, 0, &name, &disks, &error));
    QCOMPARE(name, QByteArray("mmcblk0"));
    QCOMPARE(toJson(disks), QByteArray("[]"));
}

void tst_BlockDevices::disks()
{
    const QString vda = device("devices/pci0000:00/0000:00:02.0/virtio1/block/vda",
                               {{"devices/pci0000:00/0000:00:02.0", "virtio-pci"}});
    writeFile(vda + "/size", "2048\n");
    QDir().mkpath(vda + "/vda1");
    QDir().mkpath(vda + "/vda2");
    QDir().mkpath(vda + "/queue");
    QDir().mkpath(vda + "/slaves");
    symlink(vda, root() + "/block/vda");

    const QString nvme = device("devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1",
                                {{"devices/pci0000:00/0000:00:04.0", "nvme"}});
    writeFile(nvme + "/size", "1\n");
    QDir().mkpath(nvme + "/nvme0n1p1");
    symlink(nvme, root() + "/block/nvme0n1");

    const QString dm0 = device("devices/virtual/block/dm-0");
    writeFile(dm0 + "/size", "10\n");
    symlink(vda + "/vda2", dm0 + "/slaves/vda2");
    symlink(dm0, root() + "/block/dm-0");

    const QString loop0 = device("devices/virtual/block/loop0");
    writeFile(loop0 + "/size", "0\n");
    symlink(loop0, root() + "/block/loop0");
    symlink(device("devices/virtual/block/ram0"), root() + "/block/ram0");  // no size file
    writeFile(root() + "/block/stray", "not a link\n");

    const CommandOutcome outcome = devices().disks();
    QVERIFY(!outcome.isError());
    const JsonValue::Array &list = outcome.value().items();
    const QByteArray nodes = rootBytes() + "/dev-nodes/";
    const QByteArray vdaAddress = "{\"bus-type\": \"virtio\", \"bus\": 0, \"unit\": 0, \"pci-controller\": "
                                  "{\"bus\": 0, \"slot\": 2, \"domain\": 0, \"function\": 0}, \"dev\": \""
        + nodes + "vda\", \"target\": 0}";
    const QByteArray nvmeAddress = "{\"bus-type\": \"nvme\", \"bus\": 0, \"unit\": 0, \"pci-controller\": "
                                   "{\"bus\": 0, \"slot\": 4, \"domain\": 0, \"function\": 0}, \"dev\": \""
        + nodes + "nvme0n1\", \"target\": 0}";
    QByteArrayList expected = {
        "{\"name\": \"" + nodes + "dm-0\", \"dependencies\": [\"" + nodes + "vda2\"], \"partition\": false, "
                                  "\"alias\": \"vg-dm-0\"}",
        "{\"name\": \"" + nodes + "nvme0n1\", \"partition\": false, \"address\": " + nvmeAddress + "}",
        "{\"name\": \"" + nodes + "nvme0n1p1\", \"dependencies\": [\"" + nodes + "nvme0n1\"], \"partition\": true}",
        "{\"name\": \"" + nodes + "vda\", \"dependencies\": [], \"partition\": false, \"address\": " + vdaAddress + "}",
        "{\"name\": \"" + nodes + "vda1\", \"dependencies\": [\"" + nodes + "vda\"], \"partition\": true}",
        "{\"name\": \"" + nodes + "vda2\", \"dependencies\": [\"" + nodes + "vda\"], \"partition\": true}",
    };
    QByteArrayList actual;
    for (const JsonValue &disk : list)
        actual << toJson(disk);
    QByteArrayList sorted = actual;
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(sorted, expected);
    // qemu-ga builds the list by prepending: each disk comes after its partitions.
    for (size_t i = 0; i < list.size(); ++i) {
        if (!list[i].value("partition")->toBool())
            continue;
        const QByteArray parent = list[i].value("dependencies")->items().front().toString();
        size_t next = i + 1;
        while (next < list.size() && list[next].value("partition")->toBool())
            ++next;
        QVERIFY(next < list.size());
        QCOMPARE(list[next].value("name")->toString(), parent);
    }
}

void tst_BlockDevices::disksWithoutSysBlock()
{
    const CommandOutcome outcome = devices().disks();
    QVERIFY(outcome.isError());
    QCOMPARE(outcome.error().desc, "Can't open directory \"" + rootBytes() + "/block\": No such file or directory");
}

QTEST_APPLESS_MAIN(tst_BlockDevices)
#include "tst_blockdevices.moc"
