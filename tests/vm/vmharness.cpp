// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "vmharness.h"

#include <QDeadlineTimer>
#include <QDebug>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <csignal>
#include <sys/prctl.h>

namespace qtga::test {

namespace {

QString findTool(const QString &name)
{
    QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(name, {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    return path;
}

// A tty in canonical mode takes at most 4095 bytes per line.
constexpr qsizetype MaxShellLine = 4000;

} // namespace

QByteArray shellQuote(const QString &text)
{
    QByteArray quoted = text.toUtf8();
    quoted.replace('\'', "'\\''");
    return '\'' + quoted + '\'';
}

qint64 wakeupsBetween(const QMap<qint64, qint64> &before, const QMap<qint64, qint64> &after)
{
    qint64 total = 0;
    for (auto it = after.cbegin(); it != after.cend(); ++it)
        total += it.value() - before.value(it.key(), 0);
    return total;
}

TestVm::TestVm(VmOptions options) : m_options(std::move(options))
{
    m_qemu.setProcessChannelMode(QProcess::MergedChannels);
    m_qemu.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

TestVm::~TestVm()
{
    kill();
}

QString TestVm::kernelImage() const
{
    // The decompressed kernel boots through PVH, skipping the decompressor; the bzImage is the
    // fallback for kernels without PVH.
    const QString vmlinux = m_options.imageDir + QStringLiteral("/vmlinux");
    return m_options.pvh && QFileInfo::exists(vmlinux) ? vmlinux : m_options.imageDir + QStringLiteral("/vmlinuz");
}

QStringList TestVm::qemuArguments() const
{
    const QString image = m_options.imageDir;
    QStringList arguments{
        QStringLiteral("-nodefaults"), QStringLiteral("-no-user-config"), QStringLiteral("-display"), QStringLiteral("none"),
        QStringLiteral("-machine"), QStringLiteral("pc"), QStringLiteral("-accel"), QStringLiteral("tcg"),
        QStringLiteral("-cpu"), QStringLiteral("max"),
        QStringLiteral("-smp"), QString::number(m_options.cpus),
        QStringLiteral("-kernel"), kernelImage(),
        QStringLiteral("-initrd"), image + QStringLiteral("/initramfs.gz"),
        // Quiet, so that kernel messages stay out of the control shell's output; a panic ends
        // the VM at once. Under TCG the TSC looks unstable to the clocksource watchdog, whose
        // checks then stall boots by seconds at random; it is as reliable as the host's.
        QStringLiteral("-append"),
        QStringList{QStringLiteral("console=ttyS0 quiet loglevel=1 panic=-1 mitigations=off tsc=reliable"), m_options.kernelArguments}
            .join(QLatin1Char(' ')).trimmed(),
        // A guest reboot or panic ends QEMU until a test asks for a real reboot (QMP set-action).
        QStringLiteral("-action"), QStringLiteral("reboot=shutdown"),
        QStringLiteral("-serial"), QStringLiteral("stdio"),
        QStringLiteral("-chardev"), QStringLiteral("socket,id=isa,path=%1,server=on,wait=off").arg(isaSerialSocket()),
        QStringLiteral("-serial"), QStringLiteral("chardev:isa"),
        QStringLiteral("-virtfs"), QStringLiteral("local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"),
        QStringLiteral("-device"), QStringLiteral("virtio-serial-pci,id=vser"),
        QStringLiteral("-chardev"), QStringLiteral("socket,id=qga,path=%1,server=on,wait=off").arg(virtioSerialSocket()),
        QStringLiteral("-device"), QStringLiteral("virtserialport,bus=vser.0,chardev=qga,name=org.qemu.guest_agent.0"),
        QStringLiteral("-qmp"), QStringLiteral("unix:%1,server=on,wait=off").arg(m_dir.filePath(QStringLiteral("qmp.sock"))),
        QStringLiteral("-qmp"), QStringLiteral("unix:%1,server=on,wait=off").arg(m_dir.filePath(QStringLiteral("events.sock"))),
    };
    QString memory = QString::number(m_options.memoryMiB) + QLatin1Char('M');
    if (m_options.maxMemoryMiB > 0)
        memory += QStringLiteral(",slots=%1,maxmem=%2M").arg(m_options.memorySlots).arg(m_options.maxMemoryMiB);
    arguments << QStringLiteral("-m") << memory;
    if (m_options.diskMiB > 0)
        arguments << QStringLiteral("-drive")
                  << QStringLiteral("file=%1,format=raw,if=virtio,cache=unsafe").arg(m_dir.filePath(QStringLiteral("disk.img")));
    if (m_options.nvmeMiB > 0) {
        arguments << QStringLiteral("-drive")
                  << QStringLiteral("if=none,id=nvme-disk,file=%1,format=raw,cache=unsafe").arg(m_dir.filePath(QStringLiteral("nvme.img")))
                  << QStringLiteral("-device")
                  << QStringLiteral("nvme,id=nvme0,serial=%1,drive=nvme-disk,addr=0x%2")
                         .arg(m_options.nvmeSerial).arg(VmOptions::NvmePciSlot, 0, 16);
    }
    if (m_options.swapMiB > 0) {
        // virtio-blk disks are named in PCI slot order, and -drive if=virtio takes the first free
        // slot: a high slot keeps the ext4 disk /dev/vda.
        arguments << QStringLiteral("-drive")
                  << QStringLiteral("if=none,id=swap-disk,file=%1,format=raw,cache=unsafe").arg(swapImage())
                  << QStringLiteral("-device") << QStringLiteral("virtio-blk-pci,drive=swap-disk,serial=qtga-swap,addr=0x11");
    }
    return arguments;
}

bool TestVm::createDiskImages(QString *error)
{
    const auto create = [&](const QString &path, int mib) {
        QFile file(path);
        if (file.open(QIODevice::WriteOnly) && file.resize(qint64(mib) << 20)
            && file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return true;
        *error = QStringLiteral("cannot create %1").arg(path);
        return false;
    };
    const auto run = [&](const QString &tool, const QStringList &arguments) {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(findTool(tool), arguments);
        if (process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0)
            return true;
        *error = tool + QStringLiteral(" failed: ") + QString::fromLocal8Bit(process.readAll());
        return false;
    };
    if (m_options.diskMiB > 0) {
        const QString disk = m_dir.filePath(QStringLiteral("disk.img"));
        if (!create(disk, m_options.diskMiB) || !run(QStringLiteral("mkfs.ext4"), {QStringLiteral("-q"), QStringLiteral("-F"), disk}))
            return false;
    }
    if (m_options.nvmeMiB > 0 && !create(m_dir.filePath(QStringLiteral("nvme.img")), m_options.nvmeMiB))
        return false;
    if (m_options.swapMiB > 0 && !(create(swapImage(), m_options.swapMiB) && run(QStringLiteral("mkswap"), {QStringLiteral("-q"), swapImage()})))
        return false;
    return true;
}

bool TestVm::connectEventMonitor(QString *error)
{
    *error = QStringLiteral("the QMP event monitor does not answer");
    if (!m_eventMonitor.connectTo(m_dir.filePath(QStringLiteral("events.sock")), 10000) || m_eventMonitor.readLine(10000).isEmpty()
        || !m_eventMonitor.send("{\"execute\":\"qmp_capabilities\"}\n"))
        return false;
    for (;;) {
        const QByteArray line = m_eventMonitor.readLine(10000);
        if (line.isEmpty())
            return false;
        if (line.contains("\"return\""))
            return true;
        m_events.append(line.trimmed());
    }
}

QByteArray TestVm::takeQmpEvent(const QByteArray &name, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        for (qsizetype i = 0; i < m_events.size(); ++i) {
            if (QJsonDocument::fromJson(m_events.at(i)).object().value(QLatin1String("event")).toString().toLatin1() == name)
                return m_events.takeAt(i);
        }
        if (deadline.hasExpired())
            return QByteArray();
        // The console is drained meanwhile: a full pipe would stall the guest's serial port.
        readConsole(0);
        const QByteArray line = m_eventMonitor.readLine(int(qMin<qint64>(deadline.remainingTime(), 200)));
        if (!line.isEmpty())
            m_events.append(line.trimmed());
        else if (m_qemu.state() == QProcess::NotRunning)
            return QByteArray();  // and every event it sent has been read
    }
}

bool TestVm::boot(int timeoutMs, QString *error)
{
    for (const char *file : {"vmlinuz", "initramfs.gz"}) {
        if (!QFileInfo::exists(m_options.imageDir + QLatin1Char('/') + QLatin1String(file))) {
            *error = QStringLiteral("%1/%2 is missing (run make-vm-image.sh)").arg(m_options.imageDir, QLatin1String(file));
            return false;
        }
    }
    const QString qemu = findTool(QStringLiteral("qemu-system-x86_64"));
    if (qemu.isEmpty()) {
        *error = QStringLiteral("qemu-system-x86_64 is not installed (package qemu-system-x86)");
        return false;
    }
    if (!createDiskImages(error))
        return false;
    if (!m_options.consoleLogPath.isEmpty()) {
        m_consoleLog.setFileName(m_options.consoleLogPath);
        m_consoleLog.open(QIODevice::WriteOnly | QIODevice::Truncate);
    }
    QElapsedTimer clock;
    clock.start();
    m_qemu.start(qemu, qemuArguments());
    if (!m_qemu.waitForStarted(10000)) {
        *error = QStringLiteral("cannot start QEMU: ") + m_qemu.errorString();
        return false;
    }
    if (!connectEventMonitor(error)) {
        kill();
        return false;
    }
    if (!waitForReboot(timeoutMs, error))
        return false;
    m_bootTimeMs = clock.elapsed();
    return true;
}

bool TestVm::waitForReboot(int timeoutMs, QString *error)
{
    const qsizetype ready = waitForLine("QTGA-VM-READY", 0, timeoutMs);
    if (ready < 0) {
        *error = isRunning() ? QStringLiteral("the guest did not come up within %1 ms").arg(timeoutMs)
                             : QStringLiteral("QEMU exited during boot");
        if (m_console.contains("QTGA-VM-FAILED"))
            *error += QStringLiteral(" (guest init failed, see the console log)");
        kill();
        return false;
    }
    m_console.remove(0, ready);
    // An interactive shell prints prompts; none may land inside a command's output.
    const ShellResult quiet = shell("PS1=''; PS2=''", 10000);
    if (!quiet.completed) {
        *error = QStringLiteral("the control shell does not answer");
        kill();
        return false;
    }
    return true;
}

bool TestVm::waitForConsoleText(const QByteArray &text, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!m_console.contains(text)) {
        if (deadline.hasExpired() || m_qemu.state() == QProcess::NotRunning)
            return false;
        readConsole(int(qMin<qint64>(deadline.remainingTime(), 1000)));
    }
    return true;
}

bool TestVm::readConsole(int timeoutMs)
{
    if (m_qemu.bytesAvailable() == 0 && !m_qemu.waitForReadyRead(timeoutMs))
        return false;
    QByteArray chunk = m_qemu.readAll();
    if (m_consoleLog.isOpen()) {
        m_consoleLog.write(chunk);
        m_consoleLog.flush();
    }
    chunk.replace('\r', QByteArray());
    m_console += chunk;
    return true;
}

qsizetype TestVm::waitForLine(const QByteArray &marker, qsizetype from, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    const QByteArray line = marker + '\n';
    for (;;) {
        qsizetype at = from;
        while ((at = m_console.indexOf(line, at)) >= 0) {
            if (at == 0 || m_console.at(at - 1) == '\n')
                return at + line.size();
            at += line.size();
        }
        if (deadline.hasExpired() || m_qemu.state() == QProcess::NotRunning)
            return -1;
        readConsole(int(qMin<qint64>(deadline.remainingTime(), 1000)));
    }
}

ShellResult TestVm::shell(const QByteArray &command, int timeoutMs)
{
    ShellResult result;
    if (!isRunning())
        return result;
    const int n = ++m_nextMarker;
    const QByteArray begin = "@@B" + QByteArray::number(n) + "@@";
    const QByteArray end = "@@E" + QByteArray::number(n) + "@@";
    // Both markers start on a line of their own whatever came before (a prompt, a command's
    // output without a final newline).
    const QByteArray script = "printf '\\n" + begin + "\\n'\n{ " + command + "\n} </dev/null 2>&1; printf '\\n" + end + " %s\\n' $?\n";
    for (const QByteArray &line : script.split('\n')) {
        if (line.size() >= MaxShellLine) {
            qWarning() << "guest command line too long for the tty:" << line.size() << "bytes";
            return result;
        }
    }
    m_qemu.write(script);
    m_qemu.waitForBytesWritten(5000);

    QDeadlineTimer deadline(timeoutMs);
    const qsizetype start = waitForLine(begin, 0, timeoutMs);
    if (start < 0)
        return result;
    const QByteArray endLine = '\n' + end + ' ';
    for (;;) {
        const qsizetype at = m_console.indexOf(endLine, start);
        const qsizetype lineEnd = at < 0 ? -1 : m_console.indexOf('\n', at + endLine.size());
        if (lineEnd >= 0) {
            result.output = m_console.mid(start, at - start);
            result.status = m_console.mid(at + endLine.size(), lineEnd - at - endLine.size()).toInt(&result.completed);
            m_console.remove(0, lineEnd + 1);
            return result;
        }
        if (deadline.hasExpired() || m_qemu.state() == QProcess::NotRunning)
            return result;
        readConsole(int(qMin<qint64>(deadline.remainingTime(), 1000)));
    }
}

QByteArray TestVm::shellOutput(const QByteArray &command, int timeoutMs)
{
    const ShellResult result = shell(command, timeoutMs);
    if (!result.ok()) {
        qWarning().noquote() << "guest command failed:" << command << "status" << result.status
                             << (result.completed ? "" : "(timed out)") << result.output;
        return QByteArray();
    }
    return result.output.trimmed();
}

bool TestVm::waitForPowerOff(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (m_qemu.state() != QProcess::NotRunning && !deadline.hasExpired())
        readConsole(int(qMin<qint64>(deadline.remainingTime(), 1000)));
    if (m_qemu.state() != QProcess::NotRunning)
        return false;
    readConsole(0);
    return m_qemu.exitStatus() == QProcess::NormalExit && m_qemu.exitCode() == 0;
}

bool TestVm::isRunning() const
{
    return m_qemu.state() == QProcess::Running;
}

void TestVm::kill()
{
    if (m_qemu.state() != QProcess::NotRunning) {
        m_qemu.kill();
        m_qemu.waitForFinished(10000);
    }
}

QByteArray TestVm::qmp(const QByteArray &command, int timeoutMs)
{
    QgaClient client;
    if (!client.connectTo(m_dir.filePath(QStringLiteral("qmp.sock")), timeoutMs))
        return QByteArray();
    auto reply = [&]() -> QByteArray {
        for (;;) {
            const QByteArray line = client.readLine(timeoutMs).trimmed();
            if (line.isEmpty() || line.contains("\"return\"") || line.contains("\"error\""))
                return line;
        }
    };
    if (client.readLine(timeoutMs).isEmpty() || !client.send("{\"execute\":\"qmp_capabilities\"}\n") || reply().isEmpty())
        return QByteArray();
    if (!client.send(command + '\n'))
        return QByteArray();
    return reply();
}

GuestAgent::GuestAgent(TestVm &vm, QString binary, QString name)
    : m_vm(vm), m_binary(std::move(binary)), m_name(std::move(name))
{
}

GuestAgent::~GuestAgent()
{
    if (m_pid > 0 && m_vm.isRunning())
        kill();
}

bool GuestAgent::start(const QStringList &arguments, QString *error, const QString &launcher)
{
    QByteArray command;
    if (!launcher.isEmpty())
        command += launcher.toUtf8() + ' ';
    command += shellQuote(m_binary);
    for (const QString &argument : arguments)
        command += ' ' + shellQuote(argument);
    command += " </dev/null >" + shellQuote(logPath()) + " 2>&1 & echo $!";
    const ShellResult result = m_vm.shell(command);
    bool ok = false;
    m_pid = result.ok() ? result.output.trimmed().toLongLong(&ok) : -1;
    if (!ok || m_pid <= 0) {
        m_pid = -1;
        *error = QStringLiteral("cannot start %1 in the guest: %2").arg(m_binary, QString::fromUtf8(result.output));
        return false;
    }
    return true;
}

bool GuestAgent::isAlive()
{
    if (m_pid <= 0)
        return false;
    // The third field of /proc/PID/stat is the state; a zombie has exited.
    const ShellResult result = m_vm.shell("cut -d ' ' -f 3 /proc/" + QByteArray::number(m_pid) + "/stat");
    return result.ok() && !result.output.trimmed().isEmpty() && result.output.trimmed() != "Z";
}

bool GuestAgent::signal(int signo)
{
    return m_pid > 0 && m_vm.shell("kill -" + QByteArray::number(signo) + ' ' + QByteArray::number(m_pid)).ok();
}

void GuestAgent::kill()
{
    if (m_pid <= 0)
        return;
    m_vm.shell("kill -9 " + QByteArray::number(m_pid) + " 2>/dev/null; wait " + QByteArray::number(m_pid) + " 2>/dev/null; true");
    m_pid = -1;
}

QByteArray GuestAgent::log()
{
    // The end of it: a runaway log must not flood the console.
    return m_vm.shell("tail -c 8192 " + shellQuote(logPath())).output;
}

QMap<qint64, qint64> GuestAgent::contextSwitches()
{
    QMap<qint64, qint64> counts;
    if (m_pid <= 0)
        return counts;
    // Lines like "123/status:voluntary_ctxt_switches:\t45".
    const ShellResult result = m_vm.shell("cd /proc/" + QByteArray::number(m_pid) + "/task && grep -H ctxt_switches */status; cd /");
    if (!result.ok())
        return counts;
    for (const QByteArray &line : result.output.split('\n')) {
        const qsizetype slash = line.indexOf('/');
        const qsizetype colon = line.lastIndexOf(':');
        if (slash <= 0 || colon < 0)
            continue;
        counts[line.left(slash).toLongLong()] += line.mid(colon + 1).trimmed().toLongLong();
    }
    return counts;
}

} // namespace qtga::test
