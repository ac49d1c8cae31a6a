// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Boots the test VM (QEMU under TCG, Debian's kernel, the host root over 9p, see
// make-vm-image.sh and guest-init.sh) and drives it: a control shell on the first serial port,
// the host ends of the agent's devices as unix sockets, QMP for VM-level actions. The agent
// under test runs inside the guest; which binary is a parameter, so the same harness runs
// qtga-agent or Debian's qemu-ga.
#pragma once

#include "agentharness.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace qtga::test {

struct VmOptions
{
    QString imageDir;          // vmlinux or vmlinuz, and initramfs.gz, from make-vm-image.sh
    // The decompressed kernel through PVH (faster), else the bzImage. A guest that must wake
    // from S3 needs the bzImage: QEMU loads a PVH kernel's ELF segments as ROM blobs, which it
    // writes into RAM again on every reset, and its wake-up from S3 is a reset: the sleeping
    // kernel would be overwritten.
    bool pvh = true;
    int cpus = 2;
    int memoryMiB = 512;
    // Room for memory hot-plug (QMP object-add and device_add pc-dimm); 0 for none.
    int maxMemoryMiB = 0;
    int memorySlots = 0;
    int diskMiB = 64;          // an ext4 virtio-blk disk, mounted at /mnt/vmdisk; 0 for none
    // An empty raw disk on QEMU's emulated NVMe controller (PCI slot NvmePciSlot, QOM path
    // /machine/peripheral/nvme0) with this serial; 0 for none.
    int nvmeMiB = 0;
    QString nvmeSerial;
    static constexpr int NvmePciSlot = 0x10;
    // A virtio-blk disk with a fresh swap signature (mkswap on the host), serial "qtga-swap",
    // probed after the ext4 disk; its image is swapImage(). 0 for none.
    int swapMiB = 0;
    QString kernelArguments;   // appended to the kernel command line
    QString consoleLogPath;    // everything the console printed, for post-mortems
};

struct ShellResult
{
    bool completed = false;    // false: no end marker within the time limit
    int status = -1;
    QByteArray output;         // stdout and stderr of the command, \r removed
    bool ok() const { return completed && status == 0; }
};

class TestVm
{
public:
    explicit TestVm(VmOptions options);
    ~TestVm();  // kills QEMU if it still runs
    TestVm(const TestVm &) = delete;
    TestVm &operator=(const TestVm &) = delete;

    // Starts QEMU and waits until the guest's control shell is up. QEMU dies with this process
    // (PR_SET_PDEATHSIG), so no exit path leaves a VM behind.
    bool boot(int timeoutMs, QString *error);
    qint64 bootTimeMs() const { return m_bootTimeMs; }

    // Runs `command` (one line of sh) in the guest, stdin from /dev/null.
    ShellResult shell(const QByteArray &command, int timeoutMs = 30000);
    // The same, returning the trimmed output or an empty string (and a warning) on failure.
    QByteArray shellOutput(const QByteArray &command, int timeoutMs = 30000);

    // Waits until the console shows `text` (anywhere, e.g. a kernel message).
    bool waitForConsoleText(const QByteArray &text, int timeoutMs);
    // After a guest reboot: waits until the control shell is up again.
    bool waitForReboot(int timeoutMs, QString *error);
    // Waits for QEMU to exit (a guest power-off); true when it exited by itself with status 0.
    bool waitForPowerOff(int timeoutMs);
    bool isRunning() const;
    void kill();

    // A QMP command (one JSON object); returns the reply line or an empty array.
    QByteArray qmp(const QByteArray &command, int timeoutMs = 10000);
    // The next QMP event named `name` (e.g. SUSPEND, WAKEUP, SUSPEND_DISK) not taken yet, as
    // QEMU sent it, or an empty array after `timeoutMs`. The events come from a second monitor
    // that stays connected from start-up on, so none is missed; they stay readable after QEMU
    // exited.
    QByteArray takeQmpEvent(const QByteArray &name, int timeoutMs);

    // Host ends of the guest's devices: org.qemu.guest_agent.0 on virtio-serial, and /dev/ttyS1.
    QString virtioSerialSocket() const { return m_dir.filePath(QStringLiteral("virtio-serial.sock")); }
    QString isaSerialSocket() const { return m_dir.filePath(QStringLiteral("isa-serial.sock")); }
    // The swap disk's image file (VmOptions::swapMiB), readable while QEMU runs and after.
    QString swapImage() const { return m_dir.filePath(QStringLiteral("swap.img")); }

private:
    QString kernelImage() const;
    QStringList qemuArguments() const;
    // Reads console output until `marker` (a whole line) appears after `from`; returns the
    // offset just past it in m_console, or -1.
    qsizetype waitForLine(const QByteArray &marker, qsizetype from, int timeoutMs);
    bool readConsole(int timeoutMs);
    bool createDiskImages(QString *error);
    bool connectEventMonitor(QString *error);

    VmOptions m_options;
    QTemporaryDir m_dir;
    QProcess m_qemu;
    QFile m_consoleLog;
    QByteArray m_console;      // console output not yet consumed
    QgaClient m_eventMonitor;  // the second QMP monitor, for events only
    QList<QByteArray> m_events;  // events read from it and not taken yet
    qint64 m_bootTimeMs = -1;
    int m_nextMarker = 0;
};

// An agent process in the guest, started in the background by the control shell with its
// output in a log file under /tmp.
class GuestAgent
{
public:
    GuestAgent(TestVm &vm, QString binary, QString name);
    ~GuestAgent();  // kills it (SIGKILL) if it still runs

    // Starts `binary arguments...`, prefixed by `launcher` (a command line) when given.
    bool start(const QStringList &arguments, QString *error, const QString &launcher = {});
    qint64 pid() const { return m_pid; }
    // Running and not a zombie.
    bool isAlive();
    bool signal(int signo);
    // Sends SIGKILL and reaps it.
    void kill();
    // After a guest reboot: the process is gone and its pid may be someone else's now.
    void forget() { m_pid = -1; }
    QByteArray log();
    QString logPath() const { return QStringLiteral("/tmp/") + m_name + QStringLiteral(".log"); }
    // Context switches of all its threads, per thread id (voluntary plus involuntary).
    QMap<qint64, qint64> contextSwitches();

private:
    TestVm &m_vm;
    QString m_binary;
    QString m_name;
    qint64 m_pid = -1;
};

// Quoting for the guest shell.
QByteArray shellQuote(const QString &text);

// The wake-ups of a process between two samples of GuestAgent::contextSwitches(): threads that
// existed in both count their difference, new threads count fully.
qint64 wakeupsBetween(const QMap<qint64, qint64> &before, const QMap<qint64, qint64> &after);

} // namespace qtga::test
