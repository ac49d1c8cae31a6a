// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// End to end in a real VM: QEMU (TCG) boots Debian's kernel, the agent runs inside on the real
// devices, and these checks talk to the host ends of those devices. One boot serves the checks
// up to shutdown (plus one reboot near the end), a second boot the suspends (suspend to RAM,
// hybrid, to disk, which powers it off); the checks run in declaration order. Everything that
// acts on a machine (freeze, set-time, set-vcpus, memory blocks, shutdown, reboot, suspend) acts
// on the guest only.
//
// The agent under test is the built qtga-agent, or whatever QTGA_VM_AGENT names (e.g.
// the reference qemu-ga of QTGA_QEMU_GA, to compare both on the same devices). The idle wake-up check measures
// both agents either way.
#include "qgacall.h"
#include "vmharness.h"

#include <QCryptographicHash>
#include <QDebug>
#include <QFileInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTest>

#include <cerrno>
#include <functional>
#include <memory>

using namespace qtga::test;

namespace {

constexpr int BootTimeoutMs = 120000;
constexpr char MainStateDir[] = "/run/qga-state";
constexpr char NvmeSerial[] = "qtga-nvme-1";
constexpr int DimmMiB = 256;
// The second boot's tools, in tmpfs (see ensurePowerVm()).
constexpr char PowerBin[] = "/run/qtga-vm/bin";
constexpr char SuspendUnsupported[] = "the requested suspend mode is not supported by the guest";

QJsonObject parse(const QByteArray &line)
{
    return QJsonDocument::fromJson(line).object();
}

// The first page of a swap area as the kernel's hibernation code sees it (struct swsusp_header
// in kernel/power/swap.c, 4 KiB pages): the last 10 bytes hold the signature, "SWAPSPACE2" from
// mkswap until a hibernation image is written ("S1SUSPEND"); the 10 before it the signature it
// replaced; the 8 at 4064 the page where the image's swap map starts.
struct SwapHeader
{
    QByteArray signature;
    QByteArray replacedSignature;
    quint64 imagePage = 0;
    // With `scan`: whether that page is written (not all zero), and how many pages after the
    // header are.
    bool imagePageWritten = false;
    qint64 writtenPages = 0;
};

SwapHeader readSwapHeader(const QString &path, bool scan = false)
{
    constexpr qsizetype Page = 4096;
    SwapHeader header;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return header;
    const QByteArray first = file.read(Page);
    if (first.size() != Page)
        return header;
    const auto text = [&](qsizetype at) { return QByteArray(first.constData() + at, 10).split('\0').first(); };
    header.signature = text(Page - 10);
    header.replacedSignature = text(Page - 20);
    for (int i = 7; i >= 0; --i)
        header.imagePage = (header.imagePage << 8) | uchar(first.at(Page - 32 + i));
    const QByteArray zeros(Page, '\0');
    for (quint64 index = 1; scan; ++index) {
        const QByteArray page = file.read(Page);
        if (page.size() != Page)
            break;
        const bool written = page != zeros;
        header.writtenPages += written ? 1 : 0;
        header.imagePageWritten = header.imagePageWritten || (written && index == header.imagePage);
    }
    return header;
}

} // namespace

class tst_Vm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void virtioSerialProtocol();
    void virtioSerialReadOnlyCommands_data();
    void virtioSerialReadOnlyCommands();
    void virtioSerialFileTransfer();
    void virtioSerialExec();
    void virtioSerialReconnects();
    void idleWakeups();
    void isaSerialProtocol();
    void vsockFromGuest();
    void vsockSocketActivation();
    void vsockRefusesGuestByDefault();
    void vsockAllowFromConfigFile();
    void freeze();
    void freezeCyclesWithLogOnFrozenDisk();
    void fstrim();
    void setTime();
    void setVcpus();
    void nvmeSmart();
    void memoryBlocks();
    void reboot();
    void shutdown();
    void suspendToRam();
    void suspendHybrid();
    void suspendToDisk();

private:
    bool isQtga() const { return QFileInfo(m_agentBinary).fileName() == QLatin1String("qtga-agent"); }
    QString virtioPortDevice();
    // -m virtio-serial, the fsfreeze hook, verbose; the state directory is up to the caller.
    QStringList virtioSerialArguments(const QString &binary);
    // -t /run/<name> (created), and for qtga a status socket of its own: several agents run
    // side by side in the guest.
    QStringList sideAgentArguments(const QString &binary, const QString &name);
    // The guest itself (CID 1, what vsock-call connects from) among the peers qtga accepts on
    // vsock; nothing for qemu-ga, which accepts every peer.
    QStringList allowLocalVsock() const;
    // Runs the guest tool's vsock-call on `port` with `requests` (shell-quoted already).
    ShellResult vsockCall(int port, const QByteArray &requests);
    // Starts the agent under test on virtio-serial and syncs the host connection with it.
    bool startMainAgent(QString *error);
    // guest-sync-delimited with 0xFF: drops whatever came before the 0xFF (appended to
    // `stale`). Retries with a fresh id every few seconds, for a peer that may have lost bytes
    // sent before it opened its device.
    bool sync(QgaClient &client, int timeoutMs = 30000, QList<QByteArray> *stale = nullptr);
    // Writes `data` to `path` in the guest through guest-file-*, checks the guest's sha256sum,
    // reads it back the same way.
    void transferFile(QgaClient &client, const QString &path, const QByteArray &data, int chunk);
    void protocolChecks(QgaClient &client);
    qint64 measureIdleWakeups(const QString &binary, const QString &name, int seconds);
    QByteArray guest(const QByteArray &command, int timeoutMs = 30000) { return m_vm->shellOutput(command, timeoutMs); }
    // The entry of guest-get-disks named `name` (empty if none); the whole answer in `raw`.
    QJsonObject diskNamed(const QByteArray &name, QByteArray *raw);
    // guest-get-memory-blocks by phys-index.
    QMap<qint64, QJsonObject> memoryBlockList();
    qint64 guestMemTotalKiB();
    // The second boot, for the suspend checks; booted by the first of them that runs.
    bool ensurePowerVm(QString *error);
    // Sends `command` (no response expected), waits for QEMU's SUSPEND event, checks that the
    // agent says nothing while the guest sleeps, wakes it with system_wakeup, and checks that
    // the same agent answers a fresh guest-sync first (no stray response to `command`) and a
    // ping. `onSuspended` runs while the guest sleeps.
    void suspendAndWake(const char *command, const std::function<void()> &onSuspended = {});

    std::unique_ptr<TestVm> m_vm;
    std::unique_ptr<GuestAgent> m_agent;
    QgaClient m_host;
    QString m_agentBinary;
    QString m_qtgaBinary;
    QString m_guestTool;
    QString m_imageDir;
    QByteArray m_kernelRelease;
    bool m_powerVmBooted = false;
    qint64 m_nextId = 1000;
    QElapsedTimer m_checkClock;
    QList<QPair<QString, qint64>> m_checkTimes;
    QStringList m_report;
};

void tst_Vm::initTestCase()
{
    const QString image = qEnvironmentVariable("QTGA_VM_IMAGE");
    QVERIFY2(!image.isEmpty(), "QTGA_VM_IMAGE is not set (run through ctest -L vm)");
    m_imageDir = QFileInfo(image).absoluteFilePath();
    m_qtgaBinary = QFileInfo(agentBinary()).absoluteFilePath();
    m_agentBinary = qEnvironmentVariable("QTGA_VM_AGENT", m_qtgaBinary);
    m_guestTool = qEnvironmentVariable("QTGA_VM_GUEST_TOOL");
    QVERIFY2(QFileInfo(m_agentBinary).isExecutable(), qPrintable(m_agentBinary));
    QVERIFY2(QFileInfo(m_guestTool).isExecutable(), "QTGA_VM_GUEST_TOOL is not set");
    QFile release(image + QStringLiteral("/kernel-release"));
    QVERIFY(release.open(QIODevice::ReadOnly));
    m_kernelRelease = release.readAll().trimmed();

    VmOptions options;
    options.imageDir = image;
    options.consoleLogPath = qEnvironmentVariable("QTGA_VM_CONSOLE_LOG");
    options.nvmeMiB = 16;
    options.nvmeSerial = QString::fromLatin1(NvmeSerial);
    options.maxMemoryMiB = 1024;
    options.memorySlots = 2;
    // Hot-added memory stays offline until the agent onlines it; onlined, it goes to
    // ZONE_MOVABLE (there is no SRAT, so movable_node affects hot-added memory only), so that
    // taking it offline again cannot fail on a kernel allocation that landed there.
    options.kernelArguments = QStringLiteral("memhp_default_state=offline movable_node");
    m_vm = std::make_unique<TestVm>(options);
    QString error;
    QVERIFY2(m_vm->boot(BootTimeoutMs, &error), qPrintable(error));
    m_report << QStringLiteral("boot to the control shell: %1 ms (kernel %2)")
                    .arg(m_vm->bootTimeMs()).arg(QString::fromLatin1(m_kernelRelease));
    qInfo().noquote() << m_report.last();

    // The guest's fsfreeze hook: the packages' /etc/qemu/fsfreeze-hook (as Debian's, it runs
    // fsfreeze-hook.d/*), installed in the guest, whose /etc is otherwise the host's.
    const QString hook = qEnvironmentVariable("QTGA_VM_FSFREEZE_HOOK");
    QVERIFY2(QFileInfo(hook).isFile(), qPrintable(hook));
    QVERIFY(m_vm->shell("mkdir -p /etc/qemu/fsfreeze-hook.d && cp " + shellQuote(hook)
                        + " /etc/qemu/fsfreeze-hook && chmod 755 /etc/qemu/fsfreeze-hook").ok());
    QVERIFY(m_vm->shell("printf '#!/bin/sh\\necho \"$1\" >> /tmp/fsfreeze-hook.log\\n'"
                        " > /etc/qemu/fsfreeze-hook.d/qtga-vm-test && chmod 755 /etc/qemu/fsfreeze-hook.d/qtga-vm-test").ok());
    QVERIFY2(startMainAgent(&error), qPrintable(error));
}

void tst_Vm::init()
{
    m_checkClock.start();
}

void tst_Vm::cleanup()
{
    const QString name = QString::fromLatin1(QTest::currentTestFunction());
    if (!m_checkTimes.isEmpty() && m_checkTimes.last().first == name)
        m_checkTimes.last().second += m_checkClock.elapsed();
    else
        m_checkTimes.append({name, m_checkClock.elapsed()});
    if (QTest::currentTestFailed() && m_agent && m_vm && m_vm->isRunning())
        qWarning().noquote() << "agent log:\n" << m_agent->log();
}

void tst_Vm::cleanupTestCase()
{
    m_agent.reset();
    m_host.close();
    if (m_vm)
        m_vm->kill();
    m_vm.reset();
    for (const auto &check : std::as_const(m_checkTimes))
        m_report << QStringLiteral("%1: %2 ms").arg(check.first).arg(check.second);
    const QString report = QStringLiteral("VM report (agent under test: %1)\n  ").arg(m_agentBinary) + m_report.join(QStringLiteral("\n  "));
    qInfo().noquote() << report;
    QFile file(qEnvironmentVariable("QTGA_VM_REPORT"));
    if (!file.fileName().isEmpty() && file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(report.toUtf8() + '\n');
}

QString tst_Vm::virtioPortDevice()
{
    const QByteArray name = guest("grep -lx org.qemu.guest_agent.0 /sys/class/virtio-ports/*/name");
    const QList<QByteArray> parts = name.split('/');
    return parts.size() >= 5 ? QStringLiteral("/dev/") + QString::fromLatin1(parts.at(4)) : QString();
}

QStringList tst_Vm::virtioSerialArguments(const QString &binary)
{
    QStringList arguments{QStringLiteral("-m"), QStringLiteral("virtio-serial"), QStringLiteral("-F"), QStringLiteral("-v")};
    // qemu-ga needs the device node, which nothing creates without udev; qtga finds the port
    // by its name in /sys/class/virtio-ports itself.
    if (QFileInfo(binary).fileName() != QLatin1String("qtga-agent"))
        arguments << QStringLiteral("-p") << virtioPortDevice();
    return arguments;
}

QStringList tst_Vm::sideAgentArguments(const QString &binary, const QString &name)
{
    const QString dir = QStringLiteral("/run/") + name;
    if (!m_vm->shell("mkdir -p " + shellQuote(dir)).ok())
        qWarning() << "cannot create" << dir;
    QStringList arguments{QStringLiteral("-t"), dir};
    if (QFileInfo(binary).fileName() == QLatin1String("qtga-agent"))
        arguments << QStringLiteral("--status-socket") << dir + QStringLiteral("/status.sock");
    return arguments;
}

QStringList tst_Vm::allowLocalVsock() const
{
    return isQtga() ? QStringList{QStringLiteral("--vsock-allow=local")} : QStringList{};
}

ShellResult tst_Vm::vsockCall(int port, const QByteArray &requests)
{
    return m_vm->shell(shellQuote(m_guestTool) + " vsock-call " + QByteArray::number(port) + ' ' + requests);
}

bool tst_Vm::startMainAgent(QString *error)
{
    if (!m_vm->shell(QByteArray("mkdir -p ") + MainStateDir).ok()) {
        *error = QStringLiteral("cannot create the state directory");
        return false;
    }
    m_agent = std::make_unique<GuestAgent>(*m_vm, m_agentBinary, QStringLiteral("agent-main"));
    const QStringList stateDir{QStringLiteral("-t"), QString::fromLatin1(MainStateDir)};
    if (!m_agent->start(virtioSerialArguments(m_agentBinary) + stateDir, error))
        return false;
    if (m_host.fd() < 0 && !m_host.connectTo(m_vm->virtioSerialSocket())) {
        *error = QStringLiteral("cannot connect to ") + m_vm->virtioSerialSocket();
        return false;
    }
    if (!sync(m_host)) {
        *error = QStringLiteral("the agent does not answer on virtio-serial:\n") + QString::fromUtf8(m_agent->log());
        return false;
    }
    return true;
}

bool tst_Vm::sync(QgaClient &client, int timeoutMs, QList<QByteArray> *stale)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        const qint64 id = m_nextId++;
        if (!client.send("\xff" + requestJson("guest-sync-delimited", {{QStringLiteral("id"), id}})))
            return false;
        QDeadlineTimer attempt(qMin<qint64>(5000, deadline.remainingTime()));
        for (;;) {
            const QByteArray line = client.readLine(int(attempt.remainingTime()));
            if (line.isEmpty())
                break;
            const qsizetype mark = line.lastIndexOf('\xff');
            const QJsonObject reply = parse(mark < 0 ? line : line.mid(mark + 1));
            if (mark >= 0 && reply.value(QLatin1String("return")).toInteger(-1) == id) {
                if (stale && mark > 0)
                    stale->append(line.left(mark));
                return true;
            }
            if (stale)
                stale->append(line);
        }
    }
    return false;
}

void tst_Vm::protocolChecks(QgaClient &client)
{
    QVERIFY(sync(client));
    const Reply info = call(client, "guest-info");
    QVERIFY2(info.ok(), info.raw.constData());
    QVERIFY(info.result().value(QLatin1String("supported_commands")).toArray().size() >= 40);
    QCOMPARE(call(client, "guest-ping").raw, QByteArray("{\"return\": {}}"));
    const Reply os = call(client, "guest-get-osinfo");
    QCOMPARE(os.result().value(QLatin1String("kernel-release")).toString().toLatin1(), m_kernelRelease);
    // A broken request, then 0xFF: the parser starts over and the next request is answered.
    QVERIFY(client.send("{\"execute\":\"guest-pi"));
    QVERIFY(sync(client));
    QCOMPARE(call(client, "guest-sync", {{QStringLiteral("id"), 77}}).raw, QByteArray("{\"return\": 77}"));
}

void tst_Vm::virtioSerialProtocol()
{
    protocolChecks(m_host);
    if (isQtga()) {
        // No udev in the guest: the agent found its port through sysfs.
        QVERIFY2(m_agent->log().contains("using /dev/vport"), m_agent->log().constData());
    }
}

void tst_Vm::virtioSerialReadOnlyCommands_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<QJsonObject>("arguments");
    QTest::addColumn<QByteArray>("expected");
    const QJsonObject none;
    QTest::newRow("info") << QByteArray("guest-info") << none << QByteArray("\"guest-set-vcpus\"");
    QTest::newRow("ping") << QByteArray("guest-ping") << none << QByteArray("{\"return\": {}}");
    QTest::newRow("time") << QByteArray("guest-get-time") << none << QByteArray("\"return\": 1");
    QTest::newRow("timezone") << QByteArray("guest-get-timezone") << none << QByteArray("\"offset\"");
    QTest::newRow("osinfo") << QByteArray("guest-get-osinfo") << none << QByteArray("\"kernel-release\"");
    QTest::newRow("host-name") << QByteArray("guest-get-host-name") << none << QByteArray("\"qtga-vm\"");
    QTest::newRow("users") << QByteArray("guest-get-users") << none << QByteArray("\"return\": [");
    QTest::newRow("vcpus") << QByteArray("guest-get-vcpus") << none << QByteArray("\"logical-id\": 1}");
    QTest::newRow("memory-blocks") << QByteArray("guest-get-memory-blocks") << none << QByteArray("\"phys-index\"");
    QTest::newRow("memory-block-info") << QByteArray("guest-get-memory-block-info") << none << QByteArray("\"size\"");
    QTest::newRow("fsinfo") << QByteArray("guest-get-fsinfo") << none << QByteArray("\"mountpoint\": \"/mnt/vmdisk\"");
    QTest::newRow("disks") << QByteArray("guest-get-disks") << none << QByteArray("\"/dev/vda\"");
    QTest::newRow("interfaces") << QByteArray("guest-network-get-interfaces") << none << QByteArray("\"name\": \"lo\"");
    QTest::newRow("cpustats") << QByteArray("guest-get-cpustats") << none << QByteArray("\"cpu\": 1");
    QTest::newRow("diskstats") << QByteArray("guest-get-diskstats") << none << QByteArray("\"name\": \"vda\"");
    QTest::newRow("fsfreeze-status") << QByteArray("guest-fsfreeze-status") << none << QByteArray("{\"return\": \"thawed\"}");
    QTest::newRow("load") << QByteArray("guest-get-load") << none << QByteArray("\"load1m\"");
    QTest::newRow("routes") << QByteArray("guest-network-get-route") << none << QByteArray("\"return\": [");
    QTest::newRow("ssh-keys") << QByteArray("guest-ssh-get-authorized-keys")
                              << QJsonObject{{QStringLiteral("username"), QStringLiteral("root")}}
                              << QByteArray("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtgD8fx9Hgt1S/mlNbcrB3czBlzKsq9axAiA0kzKaxY qtga-vm");
}

void tst_Vm::virtioSerialReadOnlyCommands()
{
    QFETCH(QByteArray, command);
    QFETCH(QJsonObject, arguments);
    QFETCH(QByteArray, expected);
    const Reply info = call(m_host, "guest-info");
    bool known = false;
    for (const QJsonValue &entry : info.result().value(QLatin1String("supported_commands")).toArray())
        known = known || entry.toObject().value(QLatin1String("name")).toString().toLatin1() == command;
    if (!known)
        QSKIP("the agent under test does not have this command");
    if (command == "guest-ssh-get-authorized-keys") {
        // In the guest's writable layer only; the host's /root is not touched.
        QVERIFY(m_vm->shell("mkdir -p /root/.ssh && echo '" + expected + "' > /root/.ssh/authorized_keys").ok());
    }
    const Reply reply = call(m_host, command.constData(), arguments, 30000);
    QVERIFY2(reply.ok(), reply.raw.constData());
    QVERIFY2(reply.raw.contains(expected), reply.raw.constData());
}

void tst_Vm::transferFile(QgaClient &client, const QString &path, const QByteArray &data, int chunk)
{
    const Reply open = call(client, "guest-file-open", {{QStringLiteral("path"), path}, {QStringLiteral("mode"), QStringLiteral("w")}});
    QVERIFY2(open.ok(), open.raw.constData());
    const qint64 handle = open.value().toInteger();
    for (qsizetype offset = 0; offset < data.size(); offset += chunk) {
        const QByteArray piece = data.mid(offset, chunk);
        const Reply write = call(client, "guest-file-write",
                                 {{QStringLiteral("handle"), handle}, {QStringLiteral("buf-b64"), b64(piece)}}, 60000);
        QVERIFY2(write.ok(), write.raw.left(300).constData());
        QCOMPARE(write.result().value(QLatin1String("count")).toInteger(), piece.size());
    }
    QVERIFY(call(client, "guest-file-close", {{QStringLiteral("handle"), handle}}).ok());

    const QByteArray expected = QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
    QCOMPARE(guest("sha256sum " + shellQuote(path) + " | cut -d ' ' -f 1"), expected);

    const Reply reopen = call(client, "guest-file-open", {{QStringLiteral("path"), path}, {QStringLiteral("mode"), QStringLiteral("r")}});
    QVERIFY2(reopen.ok(), reopen.raw.constData());
    const qint64 readHandle = reopen.value().toInteger();
    QByteArray back;
    for (;;) {
        const Reply read = call(client, "guest-file-read", {{QStringLiteral("handle"), readHandle}, {QStringLiteral("count"), chunk}}, 60000);
        QVERIFY2(read.ok(), read.raw.left(300).constData());
        back += unb64(read.result().value(QLatin1String("buf-b64")));
        if (read.result().value(QLatin1String("eof")).toBool())
            break;
        QVERIFY(back.size() <= data.size());
    }
    QVERIFY(call(client, "guest-file-close", {{QStringLiteral("handle"), readHandle}}).ok());
    QCOMPARE(back.size(), data.size());
    QCOMPARE(QCryptographicHash::hash(back, QCryptographicHash::Sha256).toHex(), expected);
    QVERIFY(m_vm->shell("rm -f " + shellQuote(path)).ok());
}

void tst_Vm::virtioSerialFileTransfer()
{
    QByteArray data(4 << 20, Qt::Uninitialized);
    QRandomGenerator generator(6);
    generator.fillRange(reinterpret_cast<quint32 *>(data.data()), data.size() / 4);
    QElapsedTimer clock;
    clock.start();
    transferFile(m_host, QStringLiteral("/tmp/vm-transfer.bin"), data, 512 * 1024);
    if (QTest::currentTestFailed())
        return;
    m_report << QStringLiteral("virtio-serial: 4 MiB written and read back in %1 ms").arg(clock.elapsed());
}

void tst_Vm::virtioSerialExec()
{
    const Reply started = call(m_host, "guest-exec", {
        {QStringLiteral("path"), QStringLiteral("/bin/sh")},
        {QStringLiteral("arg"), QJsonArray{QStringLiteral("-c"), QStringLiteral("read line; echo \"out:$line $(uname -r)\"; echo err >&2; exit 3")}},
        {QStringLiteral("input-data"), b64("hello\n")},
        {QStringLiteral("capture-output"), true},
    });
    QVERIFY2(started.ok(), started.raw.constData());
    const qint64 pid = started.result().value(QLatin1String("pid")).toInteger();
    Reply status;
    QVERIFY(QTest::qWaitFor([&] {
        status = call(m_host, "guest-exec-status", {{QStringLiteral("pid"), pid}});
        return !status.ok() || status.result().value(QLatin1String("exited")).toBool();
    }, 30000));
    QVERIFY2(status.ok(), status.raw.constData());
    QCOMPARE(status.result().value(QLatin1String("exitcode")).toInt(), 3);
    QCOMPARE(unb64(status.result().value(QLatin1String("out-data"))), "out:hello " + m_kernelRelease + '\n');
    QCOMPARE(unb64(status.result().value(QLatin1String("err-data"))), QByteArray("err\n"));
}

void tst_Vm::virtioSerialReconnects()
{
    // Every guest-sync id sent is answered at most once, whichever connection carries the
    // answer; every request sent after a completed sync is answered on that connection.
    QSet<qint64> answered;
    QSet<qint64> inFlight;
    int answeredLater = 0;
    auto record = [&](const QByteArray &line) {
        const QJsonValue value = parse(line).value(QLatin1String("return"));
        if (!value.isDouble())
            return true;
        const qint64 id = value.toInteger();
        if (answered.contains(id)) {
            qWarning().noquote() << "answered twice:" << line;
            return false;
        }
        answered.insert(id);
        answeredLater += inFlight.remove(id) ? 1 : 0;
        return true;
    };
    const qint64 pid = m_agent->pid();
    qint64 idleWakeups = -1;
    m_host.close();
    for (int round = 0; round < 50; ++round) {
        QgaClient client;
        QVERIFY(client.connectTo(m_vm->virtioSerialSocket()));
        QList<QByteArray> stale;
        QVERIFY2(sync(client, 30000, &stale), qPrintable(QStringLiteral("round %1").arg(round)));
        for (const QByteArray &line : std::as_const(stale))
            QVERIFY2(record(line), line.constData());

        QByteArray batch;
        QList<qint64> ids;
        for (int i = 0; i < 3; ++i) {
            ids << m_nextId++;
            batch += requestJson("guest-sync", {{QStringLiteral("id"), ids.last()}});
        }
        QVERIFY(client.send(batch));
        for (qint64 id : std::as_const(ids)) {
            const QByteArray line = client.readLine(20000);
            QVERIFY2(parse(line).value(QLatin1String("return")).toInteger(-1) == id,
                     qPrintable(QStringLiteral("round %1: expected %2, got %3").arg(round).arg(id).arg(QString::fromLatin1(line))));
            QVERIFY(record(line));
        }

        // Requests in flight when the host goes away: a few syncs, a larger answer, and a
        // request cut in the middle.
        QByteArray requests;
        for (int i = 0; i < 4; ++i) {
            inFlight.insert(m_nextId);
            requests += requestJson("guest-sync", {{QStringLiteral("id"), m_nextId++}});
            if (i == 2)
                requests += requestJson("guest-get-osinfo");
        }
        requests += "{\"execute\":\"guest-sync\",\"argum";
        QVERIFY(client.send(requests));
        if (round % 2 == 1) {
            const QByteArray line = client.readLine(20000);
            inFlight.remove(parse(line).value(QLatin1String("return")).toInteger(-1));
            QVERIFY(record(line));
        }
        client.close();

        if (round == 25 && isQtga()) {
            // Host away: once it has finished what the departed host left in flight (the
            // first second), the agent has nothing to do and must not wake up.
            QVERIFY(m_vm->shell("sleep 1").ok());
            const QMap<qint64, qint64> before = m_agent->contextSwitches();
            QVERIFY(m_vm->shell("sleep 2").ok());
            idleWakeups = wakeupsBetween(before, m_agent->contextSwitches());
        }
    }
    QVERIFY(m_host.connectTo(m_vm->virtioSerialSocket()));
    QList<QByteArray> stale;
    QVERIFY(sync(m_host, 30000, &stale));
    for (const QByteArray &line : std::as_const(stale))
        QVERIFY2(record(line), line.constData());
    QVERIFY(call(m_host, "guest-ping").ok());
    QCOMPARE(m_agent->pid(), pid);
    QVERIFY(m_agent->isAlive());
    m_report << QStringLiteral("virtio-serial: 50 reconnects, %1 requests left in flight: %2 answered on a later "
                               "connection before its sync, %3 never answered, none twice")
                    .arg(inFlight.size() + answeredLater).arg(answeredLater).arg(inFlight.size());
    if (idleWakeups >= 0) {
        m_report << QStringLiteral("virtio-serial: 2 s without host between reconnects: %1 wake-ups").arg(idleWakeups);
        QVERIFY2(idleWakeups <= 2, qPrintable(m_report.last()));
    }
}

qint64 tst_Vm::measureIdleWakeups(const QString &binary, const QString &name, int seconds)
{
    GuestAgent agent(*m_vm, binary, name);
    QString error;
    if (!agent.start(virtioSerialArguments(binary) + sideAgentArguments(binary, name), &error)) {
        qWarning().noquote() << error;
        return -1;
    }
    // Settle: it opens the port and finds no host.
    if (!m_vm->shell("sleep 1").ok() || !agent.isAlive()) {
        qWarning().noquote() << name << "is not running:" << agent.log();
        return -1;
    }
    const QMap<qint64, qint64> before = agent.contextSwitches();
    m_vm->shell("sleep " + QByteArray::number(seconds), (seconds + 30) * 1000);
    const QMap<qint64, qint64> after = agent.contextSwitches();
    if (before.isEmpty() || after.isEmpty()) {
        qWarning().noquote() << name << "has no context switch counts:" << agent.log();
        return -1;
    }
    agent.kill();
    return wakeupsBetween(before, after);
}

void tst_Vm::idleWakeups()
{
    // One agent at a time owns the port: the main agent makes room for the measured ones.
    m_host.close();
    m_agent.reset();
    constexpr int seconds = 5;
    const qint64 qtga = measureIdleWakeups(m_qtgaBinary, QStringLiteral("idle-qtga"), seconds);
    const qint64 qemuGa = measureIdleWakeups(referenceBinary(), QStringLiteral("idle-qemu-ga"), seconds);
    m_report << QStringLiteral("idle on virtio-serial without host, %1 s: qtga-agent %2 wake-ups, qemu-ga %3 wake-ups")
                    .arg(seconds).arg(qtga).arg(qemuGa);
    qInfo().noquote() << m_report.last();
    QString error;
    QVERIFY2(startMainAgent(&error), qPrintable(error));
    QVERIFY2(qtga >= 0, "qtga-agent could not be measured");
    QVERIFY2(qtga < seconds, qPrintable(m_report.last()));
}

void tst_Vm::isaSerialProtocol()
{
    GuestAgent agent(*m_vm, m_agentBinary, QStringLiteral("agent-isa"));
    QString error;
    QVERIFY2(agent.start(QStringList{QStringLiteral("-m"), QStringLiteral("isa-serial"), QStringLiteral("-p"), QStringLiteral("/dev/ttyS1")}
                             + sideAgentArguments(m_agentBinary, QStringLiteral("agent-isa")), &error),
             qPrintable(error));
    // Bytes that reach the UART before the agent opened it are lost; wait for the open.
    QVERIFY2(QTest::qWaitFor([&] {
        return m_vm->shell("ls -l /proc/" + QByteArray::number(agent.pid()) + "/fd").output.contains("/dev/ttyS1");
    }, 20000), agent.log().constData());
    QgaClient client;
    QVERIFY(client.connectTo(m_vm->isaSerialSocket()));
    protocolChecks(client);
    if (QTest::currentTestFailed())
        return;
    QByteArray data(64 * 1024, Qt::Uninitialized);
    QRandomGenerator generator(3);
    generator.fillRange(reinterpret_cast<quint32 *>(data.data()), data.size() / 4);
    QElapsedTimer clock;
    clock.start();
    transferFile(client, QStringLiteral("/tmp/vm-isa-transfer.bin"), data, 16 * 1024);
    if (QTest::currentTestFailed())
        return;
    m_report << QStringLiteral("isa-serial: 64 KiB written and read back in %1 ms").arg(clock.elapsed());
    QVERIFY2(agent.isAlive(), agent.log().constData());
}

void tst_Vm::vsockFromGuest()
{
    GuestAgent agent(*m_vm, m_agentBinary, QStringLiteral("agent-vsock"));
    QString error;
    QVERIFY2(agent.start(QStringList{QStringLiteral("-m"), QStringLiteral("vsock-listen"), QStringLiteral("-p"), QStringLiteral("4294967295:5000")}
                             + allowLocalVsock() + sideAgentArguments(m_agentBinary, QStringLiteral("agent-vsock")), &error),
             qPrintable(error));
    const ShellResult result = vsockCall(5000,
        "'\\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":4242}}'"
        " '{\"execute\":\"guest-info\"}' '{\"execute\":\"guest-get-host-name\"}'");
    QVERIFY2(result.ok(), (result.output + agent.log()).constData());
    const QList<QByteArray> lines = result.output.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines.at(0), QByteArray("\\xff{\"return\": 4242}"));
    QVERIFY2(lines.at(1).contains("\"supported_commands\""), lines.at(1).constData());
    QCOMPARE(lines.at(2), QByteArray("{\"return\": {\"host-name\": \"qtga-vm\"}}"));
}

void tst_Vm::vsockSocketActivation()
{
    // The launcher binds and listens, then execs the agent with LISTEN_FDS=1; -m and -p are
    // ignored then (the main agent owns the virtio-serial port, so using it would fail).
    GuestAgent agent(*m_vm, m_agentBinary, QStringLiteral("agent-activated"));
    QString error;
    QVERIFY2(agent.start(allowLocalVsock() + sideAgentArguments(m_agentBinary, QStringLiteral("agent-activated")), &error,
                         QString::fromUtf8(shellQuote(m_guestTool)) + QStringLiteral(" listen-vsock 5001")),
             qPrintable(error));
    const ShellResult result = vsockCall(5001,
        "'\\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":5151}}' '{\"execute\":\"guest-ping\"}'");
    QVERIFY2(result.ok(), (result.output + agent.log()).constData());
    QCOMPARE(result.output.trimmed(), QByteArray("\\xff{\"return\": 5151}\n{\"return\": {}}"));
    // The agent is the launcher's process (exec, same pid) and listens on the passed socket.
    QVERIFY(agent.isAlive());
    QVERIFY(m_vm->shell("readlink /proc/" + QByteArray::number(agent.pid()) + "/fd/3").output.contains("socket:"));
}

void tst_Vm::vsockRefusesGuestByDefault()
{
    if (!isQtga())
        QSKIP("qemu-ga accepts every vsock peer");
    // No --vsock-allow and no -v: only the host may connect, and the refusals are logged anyway.
    GuestAgent agent(*m_vm, m_agentBinary, QStringLiteral("agent-vsock-refuses"));
    QString error;
    QVERIFY2(agent.start(QStringList{QStringLiteral("-m"), QStringLiteral("vsock-listen"), QStringLiteral("-p"), QStringLiteral("4294967295:5002")}
                             + sideAgentArguments(m_agentBinary, QStringLiteral("agent-vsock-refuses")), &error),
             qPrintable(error));
    const ShellResult refused = vsockCall(5002, "'{\"execute\":\"guest-ping\"}'");
    // Connected (the kernel completes the handshake before accept), then closed unanswered.
    QVERIFY2(refused.completed && refused.status == 1, (refused.output + agent.log()).constData());
    QVERIFY2(refused.output.contains("no response to request 1"), refused.output.constData());
    QVERIFY2(!refused.output.contains("return"), refused.output.constData());
    static const QRegularExpression line(QStringLiteral(
        "^\\d+\\.\\d{6}: warning: refused vsock connection from CID 1 port \\d+ on vsock-listen:4294967295:5002: "
        "not in --vsock-allow \\(host only by default\\)$"), QRegularExpression::MultilineOption);
    QVERIFY2(QTest::qWaitFor([&] { return line.match(QString::fromUtf8(agent.log())).hasMatch(); }, 10000),
             agent.log().constData());

    // A burst: one line, then the rest summed up a second later, never a line per connection.
    constexpr int Burst = 10;
    m_vm->shell("sleep 2");  // the quiet second after the first line is over
    QElapsedTimer clock;
    clock.start();
    const ShellResult burst = m_vm->shell("for i in $(seq " + QByteArray::number(Burst) + "); do " + shellQuote(m_guestTool)
                                          + " vsock-call 5002 '{\"execute\":\"guest-ping\"}' 2>&1; done | grep -c 'no response'", 60000);
    const qint64 burstMs = clock.elapsed();
    QCOMPARE(burst.output.trimmed(), QByteArray::number(Burst));
    m_vm->shell("sleep 2");  // the summary of the last quiet second
    const QByteArray log = agent.log();
    static const QRegularExpression single(QStringLiteral("warning: refused vsock connection from CID 1 port \\d+ on "));
    static const QRegularExpression summary(QStringLiteral(
        "warning: refused (\\d+) more vsock connection\\(s\\) on vsock-listen:4294967295:5002 in the last second, "
        "the last from CID 1 port \\d+"));
    int lines = 0;
    int counted = 0;
    for (const QByteArray &l : log.split('\n')) {
        const QString text = QString::fromUtf8(l);
        if (single.match(text).hasMatch()) {
            ++lines;
            ++counted;
        } else if (const QRegularExpressionMatch m = summary.match(text); m.hasMatch()) {
            ++lines;
            counted += m.captured(1).toInt();
        } else if (!l.trimmed().isEmpty()) {
            QFAIL(qPrintable(QStringLiteral("unexpected log line: ") + text));
        }
    }
    // Every refusal is accounted for, in at most about one line a second.
    QCOMPARE(counted, 1 + Burst);
    QVERIFY2(lines >= 2 && lines <= 1 + 2 + int(burstMs / 1000), log.constData());
    m_report << QStringLiteral("vsock: %1 refused connections in %2 ms logged in %3 lines").arg(1 + Burst).arg(burstMs).arg(lines);
    QVERIFY(agent.isAlive());
}

void tst_Vm::vsockAllowFromConfigFile()
{
    if (!isQtga())
        QSKIP("qemu-ga has no vsock-allow key");
    // The key in the config file instead of the option, with blanks and a CID besides local.
    const QString name = QStringLiteral("agent-vsock-conf");
    const QStringList side = sideAgentArguments(m_agentBinary, name);
    const QString config = QStringLiteral("/run/") + name + QStringLiteral("/qemu-ga.conf");
    QVERIFY(m_vm->shell("printf '[general]\\nmethod=vsock-listen\\npath=4294967295:5003\\nvsock-allow = 3, local\\n' > "
                        + shellQuote(config)).ok());
    GuestAgent agent(*m_vm, m_agentBinary, name);
    QString error;
    QVERIFY2(agent.start(QStringList{QStringLiteral("-c"), config} + side, &error), qPrintable(error));
    const ShellResult result = vsockCall(5003,
        "'\\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":5353}}' '{\"execute\":\"guest-ping\"}'");
    QVERIFY2(result.ok(), (result.output + agent.log()).constData());
    QCOMPARE(result.output.trimmed(), QByteArray("\\xff{\"return\": 5353}\n{\"return\": {}}"));
    QVERIFY(agent.isAlive());
    QVERIFY2(!agent.log().contains("refused"), agent.log().constData());
    // And --dump-conf says what it read.
    const QByteArray dump = guest(shellQuote(m_agentBinary) + " -c " + shellQuote(config) + " --dump-conf");
    QVERIFY2(dump.contains("\nvsock-allow=3,1"), dump.constData());
}

void tst_Vm::freeze()
{
    QVERIFY(m_vm->shell("rm -f /tmp/fsfreeze-hook.log /tmp/writer.done && echo before > /mnt/vmdisk/before && sync").ok());
    const Reply frozen = call(m_host, "guest-fsfreeze-freeze", {}, 60000);
    QVERIFY2(frozen.ok(), frozen.raw.constData());
    // Only the ext4 disk is a block device; the overlay root, 9p, tmpfs are skipped.
    QCOMPARE(frozen.value().toInt(), 1);
    QCOMPARE(call(m_host, "guest-fsfreeze-status").raw, QByteArray("{\"return\": \"frozen\"}"));

    // A write to the frozen filesystem blocks in the kernel.
    const QByteArray writer = guest("(echo during > /mnt/vmdisk/during && echo done > /tmp/writer.done) >/dev/null 2>&1 & echo $!");
    QVERIFY(!writer.isEmpty());
    QVERIFY2(QTest::qWaitFor([&] { return guest("cut -d ' ' -f 3 /proc/" + writer + "/stat") == "D"; }, 30000),
             "the writer does not block on the frozen filesystem");
    QVERIFY(!m_vm->shell("test -e /tmp/writer.done").ok());

    const Reply refused = call(m_host, "guest-file-open", {{QStringLiteral("path"), QStringLiteral("/tmp/x")}});
    QCOMPARE(refused.errorClass(), QStringLiteral("CommandNotFound"));
    QVERIFY2(refused.error().contains(QLatin1String("has been disabled")), refused.raw.constData());
    QCOMPARE(call(m_host, "guest-exec", {{QStringLiteral("path"), QStringLiteral("/bin/true")}}).errorClass(), QStringLiteral("CommandNotFound"));
    QVERIFY(call(m_host, "guest-ping").ok());

    // Killed and restarted: the state directory's marker keeps it frozen.
    m_agent->kill();
    QString error;
    QVERIFY2(startMainAgent(&error), qPrintable(error));
    QCOMPARE(call(m_host, "guest-fsfreeze-status").raw, QByteArray("{\"return\": \"frozen\"}"));
    QCOMPARE(call(m_host, "guest-file-open", {{QStringLiteral("path"), QStringLiteral("/tmp/x")}}).errorClass(), QStringLiteral("CommandNotFound"));
    QVERIFY(!m_vm->shell("test -e /tmp/writer.done").ok());

    const Reply thawed = call(m_host, "guest-fsfreeze-thaw", {}, 60000);
    QVERIFY2(thawed.ok(), thawed.raw.constData());
    QCOMPARE(thawed.value().toInt(), 1);
    QVERIFY2(QTest::qWaitFor([&] { return m_vm->shell("test -e /tmp/writer.done").ok(); }, 30000),
             "the blocked write did not complete");
    QCOMPARE(guest("cat /mnt/vmdisk/during"), QByteArray("during"));
    QCOMPARE(call(m_host, "guest-fsfreeze-status").raw, QByteArray("{\"return\": \"thawed\"}"));
    QCOMPARE(guest("cat /tmp/fsfreeze-hook.log"), QByteArray("freeze\nthaw"));
    const QJsonObject after{{QStringLiteral("path"), QStringLiteral("/mnt/vmdisk/after")}, {QStringLiteral("mode"), QStringLiteral("w")}};
    QVERIFY(call(m_host, "guest-file-open", after).ok());
}

// The log file on the filesystem that freezes, the audit log on, -v, and a second client (on the
// ISA serial port) whose requests make the main thread log while freeze and thaw run on a worker:
// 200 cycles, each thawed and answered. A log line caught writing to the frozen disk would leave
// the guest frozen with nobody to answer the thaw.
void tst_Vm::freezeCyclesWithLogOnFrozenDisk()
{
    if (!isQtga())
        QSKIP("qtga's --channel is needed for the second client");
    m_agent->kill();
    auto agent = std::make_unique<GuestAgent>(*m_vm, m_agentBinary, QStringLiteral("agent-cycles"));
    QString error;
    QVERIFY(m_vm->shell(QByteArray("mkdir -p ") + MainStateDir + " && rm -f /mnt/vmdisk/qtga-cycles.log").ok());
    QVERIFY2(agent->start(virtioSerialArguments(m_agentBinary)
                              + QStringList{QStringLiteral("-t"), QString::fromLatin1(MainStateDir), QStringLiteral("-l"),
                                            QStringLiteral("/mnt/vmdisk/qtga-cycles.log"),
                                            QStringLiteral("--channel=isa-serial:/dev/ttyS1")},
                          &error),
             qPrintable(error));
    // Whatever happens below, the next test finds the disk thawed and the main agent back.
    const auto restore = qScopeGuard([&] {
        if (call(m_host, "guest-fsfreeze-status", {}, 10000).raw.contains("\"frozen\""))
            call(m_host, "guest-fsfreeze-thaw", {}, 60000);
        agent->kill();
        QString restartError;
        if (!startMainAgent(&restartError))
            qWarning().noquote() << "the main agent did not come back:" << restartError;
    });
    QVERIFY2(sync(m_host), agent->log().constData());
    QVERIFY2(QTest::qWaitFor([&] {
        return m_vm->shell("ls -l /proc/" + QByteArray::number(agent->pid()) + "/fd").output.contains("/dev/ttyS1");
    }, 20000), agent->log().constData());
    QgaClient serial;
    QVERIFY(serial.connectTo(m_vm->isaSerialSocket()));
    QVERIFY2(sync(serial), agent->log().constData());

    constexpr int Cycles = 200;
    constexpr int Requests = 10;
    QElapsedTimer clock;
    clock.start();
    for (int cycle = 0; cycle < Cycles; ++cycle) {
        // Each answered on the main thread with an audit line; refused while frozen.
        QByteArray batch;
        for (int i = 0; i < Requests; ++i)
            batch += requestJson("guest-file-open", {{QStringLiteral("path"), QStringLiteral("/nonexistent/x")}});
        QVERIFY(serial.send(batch));
        const Reply frozen = call(m_host, "guest-fsfreeze-freeze", {}, 60000);
        QVERIFY2(frozen.ok(), (frozen.raw + "\ncycle " + QByteArray::number(cycle)).constData());
        const Reply thawed = call(m_host, "guest-fsfreeze-thaw", {}, 60000);
        QVERIFY2(thawed.ok(), (thawed.raw + "\ncycle " + QByteArray::number(cycle)).constData());
        for (int i = 0; i < Requests; ++i) {
            const QByteArray line = serial.readLine(30000);
            QVERIFY2(line.startsWith("{\"error\": "), (line + "\ncycle " + QByteArray::number(cycle)).constData());
        }
    }
    m_report << QStringLiteral("freeze/thaw with the log on the frozen disk: %1 cycles in %2 ms").arg(Cycles).arg(clock.elapsed());
    QCOMPARE(call(m_host, "guest-fsfreeze-status").raw, QByteArray("{\"return\": \"thawed\"}"));
    // The log kept what was written between the freezes, the audit lines included.
    const QByteArray log = guest("grep -c 'guest-file-open from' /mnt/vmdisk/qtga-cycles.log");
    QVERIFY2(log.toInt() > 0, log.constData());
    QVERIFY2(agent->isAlive(), agent->log().constData());
}

void tst_Vm::fstrim()
{
    const auto trim = [&](const QJsonObject &arguments = {}) {
        const Reply reply = call(m_host, "guest-fstrim", arguments, 60000);
        if (!reply.ok())
            qWarning().noquote() << reply.raw;
        // Only the ext4 disk is a block device, as for freeze.
        const QJsonArray paths = reply.result().value(QLatin1String("paths")).toArray();
        return paths.size() == 1 ? paths.first().toObject() : QJsonObject{{QStringLiteral("raw"), QString::fromUtf8(reply.raw)}};
    };
    QVERIFY(m_vm->shell("dd if=/dev/zero of=/mnt/vmdisk/trimme bs=1M count=8 2>/dev/null && sync && rm /mnt/vmdisk/trimme && sync").ok());
    const QJsonObject first = trim();
    QCOMPARE(first.value(QLatin1String("path")).toString(), QStringLiteral("/mnt/vmdisk"));
    QVERIFY2(!first.contains(QLatin1String("error")), QJsonDocument(first).toJson().constData());
    QCOMPARE(first.value(QLatin1String("minimum")).toInteger(-1), 0);
    const qint64 trimmedFirst = first.value(QLatin1String("trimmed")).toInteger(-1);
    QVERIFY2(trimmedFirst >= 8 * 1024 * 1024, QJsonDocument(first).toJson().constData());

    // Freed blocks are trimmed once: ext4 remembers the groups it trimmed until blocks in them
    // are freed again.
    const QJsonObject again = trim();
    QCOMPARE(again.value(QLatin1String("trimmed")).toInteger(-1), 0);
    QVERIFY(m_vm->shell("dd if=/dev/zero of=/mnt/vmdisk/trimme bs=1M count=4 2>/dev/null && sync && rm /mnt/vmdisk/trimme && sync").ok());
    const QJsonObject withMinimum = trim({{QStringLiteral("minimum"), 65536}});
    QCOMPARE(withMinimum.value(QLatin1String("minimum")).toInteger(-1), 65536);
    const qint64 trimmedAfterDelete = withMinimum.value(QLatin1String("trimmed")).toInteger(-1);
    QVERIFY2(trimmedAfterDelete >= 4 * 1024 * 1024 && trimmedAfterDelete < trimmedFirst,
             QJsonDocument(withMinimum).toJson().constData());
    m_report << QStringLiteral("fstrim: %1 bytes trimmed first, 0 when repeated, %2 after a 4 MiB file was deleted")
                    .arg(trimmedFirst).arg(trimmedAfterDelete);
}

void tst_Vm::setTime()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 target = now + 3 * 24 * 3600;
    const Reply set = call(m_host, "guest-set-time", {{QStringLiteral("time"), target * 1000000000}}, 30000);
    QVERIFY2(set.ok(), set.raw.constData());
    auto guestClock = [&] { return guest("date +%s").toLongLong(); };
    QVERIFY2(qAbs(guestClock() - target) < 120, "the guest clock did not move");
    // Without a time the clock is set from the RTC, which the first call set too.
    const Reply fromRtc = call(m_host, "guest-set-time", {}, 30000);
    QVERIFY2(fromRtc.ok(), fromRtc.raw.constData());
    QVERIFY2(qAbs(guestClock() - target) < 120, "the RTC was not set");
    const Reply back = call(m_host, "guest-set-time", {{QStringLiteral("time"), QDateTime::currentMSecsSinceEpoch() * 1000000}}, 30000);
    QVERIFY2(back.ok(), back.raw.constData());
    QVERIFY(qAbs(guestClock() - QDateTime::currentSecsSinceEpoch()) < 120);
}

void tst_Vm::setVcpus()
{
    auto cpu1Online = [&] {
        for (const QJsonValue &cpu : call(m_host, "guest-get-vcpus").value().toArray()) {
            if (cpu.toObject().value(QLatin1String("logical-id")).toInt() == 1)
                return cpu.toObject().value(QLatin1String("online")).toBool();
        }
        return false;
    };
    QVERIFY(cpu1Online());
    auto setCpu1 = [&](bool online) {
        const QJsonObject cpu{{QStringLiteral("logical-id"), 1}, {QStringLiteral("online"), online}};
        return call(m_host, "guest-set-vcpus", {{QStringLiteral("vcpus"), QJsonArray{cpu}}}, 60000);
    };
    const Reply off = setCpu1(false);
    QVERIFY2(off.ok(), off.raw.constData());
    QCOMPARE(off.value().toInt(), 1);
    QCOMPARE(guest("cat /sys/devices/system/cpu/cpu1/online"), QByteArray("0"));
    QVERIFY(!cpu1Online());
    const Reply on = setCpu1(true);
    QVERIFY2(on.ok(), on.raw.constData());
    QCOMPARE(guest("cat /sys/devices/system/cpu/cpu1/online"), QByteArray("1"));
    QVERIFY(cpu1Online());
}

QJsonObject tst_Vm::diskNamed(const QByteArray &name, QByteArray *raw)
{
    const Reply disks = call(m_host, "guest-get-disks", {}, 30000);
    *raw = disks.raw;
    for (const QJsonValue &disk : disks.value().toArray()) {
        if (disk.toObject().value(QLatin1String("name")).toString().toLatin1() == name)
            return disk.toObject();
    }
    return QJsonObject();
}

void tst_Vm::nvmeSmart()
{
    // No udevd runs in the guest; Debian's (unpacked by make-vm-image.sh) fills the device
    // database for the block devices once, as at boot, and leaves. Both agents take a disk's
    // serial from there (ID_SERIAL, which 60-persistent-storage.rules builds from the
    // controller's model and serial).
    const QByteArray udev = shellQuote(m_imageDir + QStringLiteral("/udev"));
    QElapsedTimer clock;
    clock.start();
    QVERIFY(m_vm->shell("mkdir -p /run/udev/rules.d && cp " + udev + "/rules.d/*.rules /run/udev/rules.d/ && " + udev
                        + "/systemd-udevd --daemon && " + udev + "/udevadm trigger --action=add --subsystem-match=block --settle && "
                        + udev + "/udevadm control --exit", 60000).ok());
    const qint64 udevMs = clock.elapsed();
    const QByteArray idSerial = guest(udev + "/udevadm info --query=property --property=ID_SERIAL --value /dev/nvme0n1 | cat");
    QVERIFY2(idSerial.contains(QByteArray("_") + NvmeSerial), idSerial.constData());  // <model>_<serial>[_<namespace>]

    QByteArray raw;
    const QJsonObject disk = diskNamed("/dev/nvme0n1", &raw);
    QVERIFY2(!disk.isEmpty(), raw.constData());
    QCOMPARE(disk.value(QLatin1String("partition")).toBool(true), false);
    QCOMPARE(disk.value(QLatin1String("dependencies")).toArray(), QJsonArray());
    const QJsonObject address = disk.value(QLatin1String("address")).toObject();
    QCOMPARE(address.value(QLatin1String("bus-type")).toString(), QStringLiteral("nvme"));
    QCOMPARE(address.value(QLatin1String("dev")).toString(), QStringLiteral("/dev/nvme0n1"));
    QCOMPARE(address.value(QLatin1String("serial")).toString().toLatin1(), idSerial);
    const QJsonObject pci{{QStringLiteral("domain"), 0}, {QStringLiteral("bus"), 0},
                          {QStringLiteral("slot"), VmOptions::NvmePciSlot}, {QStringLiteral("function"), 0}};
    QCOMPARE(address.value(QLatin1String("pci-controller")).toObject(), pci);

    // The SMART / health log, as QEMU's emulated controller fills it: a fixed temperature of
    // 323 K, the power-on time in whole hours, the I/O counters; the rest stays 0.
    const QJsonObject smart = disk.value(QLatin1String("smart")).toObject();
    QStringList keys{QStringLiteral("type"), QStringLiteral("critical-warning"), QStringLiteral("temperature"),
                     QStringLiteral("available-spare"), QStringLiteral("available-spare-threshold"),
                     QStringLiteral("percentage-used")};
    for (const char *counter : {"data-units-read", "data-units-written", "host-read-commands", "host-write-commands",
                                "controller-busy-time", "power-cycles", "power-on-hours", "unsafe-shutdowns",
                                "media-errors", "number-of-error-log-entries"}) {
        keys << QLatin1String(counter) + QLatin1String("-lo") << QLatin1String(counter) + QLatin1String("-hi");
    }
    keys.sort();
    QStringList present = smart.keys();
    present.sort();
    QCOMPARE(present, keys);
    QCOMPARE(smart.value(QLatin1String("type")).toString(), QStringLiteral("nvme"));
    QCOMPARE(smart.value(QLatin1String("temperature")).toInteger(), 323);
    QCOMPARE(smart.value(QLatin1String("critical-warning")).toInteger(-1), 0);
    QCOMPARE(smart.value(QLatin1String("power-on-hours-lo")).toInteger(-1), 0);  // up for less than an hour
    QVERIFY(smart.value(QLatin1String("host-read-commands-lo")).toInteger() > 0);  // partition scan, blkid
    QVERIFY(smart.value(QLatin1String("data-units-read-lo")).toInteger() > 0);
    QCOMPARE(smart.value(QLatin1String("data-units-written-lo")).toInteger(-1), 0);  // a blank disk nobody wrote to
    // What QEMU fills in with non-zero values (by now); everything else it leaves 0.
    const QStringList filled{QStringLiteral("type"), QStringLiteral("temperature"), QStringLiteral("data-units-read-lo"),
                             QStringLiteral("host-read-commands-lo"), QStringLiteral("host-write-commands-lo")};
    for (const QString &key : std::as_const(keys)) {
        if (!filled.contains(key))
            QVERIFY2(smart.value(key).toInteger(-1) == 0, qPrintable(key));
    }

    // 16 direct writes of 64 KiB: 16 write commands, and 2048 units of 512 bytes, which the log
    // counts in thousands rounded up.
    const qint64 writes = smart.value(QLatin1String("host-write-commands-lo")).toInteger();
    QVERIFY(m_vm->shell("dd if=/dev/zero of=/dev/nvme0n1 bs=64k count=16 oflag=direct 2>/dev/null").ok());
    const QJsonObject written = diskNamed("/dev/nvme0n1", &raw).value(QLatin1String("smart")).toObject();
    QVERIFY2(!written.isEmpty(), raw.constData());
    QCOMPARE(written.value(QLatin1String("host-write-commands-lo")).toInteger(), writes + 16);
    QCOMPARE(written.value(QLatin1String("data-units-written-lo")).toInteger(), 3);

    // A critical warning raised on the host side (bit 0: spare capacity below the threshold)
    // shows up in the guest's next answer, and goes away again.
    auto setWarning = [&](int bits) {
        return m_vm->qmp("{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"/machine/peripheral/nvme0\","
                         "\"property\":\"smart_critical_warning\",\"value\":" + QByteArray::number(bits) + "}}");
    };
    QVERIFY(setWarning(1).contains("\"return\""));
    const QJsonObject warned = diskNamed("/dev/nvme0n1", &raw).value(QLatin1String("smart")).toObject();
    QVERIFY(setWarning(0).contains("\"return\""));
    QCOMPARE(warned.value(QLatin1String("critical-warning")).toInteger(), 1);
    QCOMPARE(diskNamed("/dev/nvme0n1", &raw).value(QLatin1String("smart")).toObject().value(QLatin1String("critical-warning")).toInteger(-1), 0);

    // Only NVMe disks have one.
    const QJsonObject vda = diskNamed("/dev/vda", &raw);
    QCOMPARE(vda.value(QLatin1String("address")).toObject().value(QLatin1String("bus-type")).toString(), QStringLiteral("virtio"));
    QVERIFY(!vda.contains(QLatin1String("smart")));
    m_report << QStringLiteral("NVMe: udevd filled the device database in %1 ms; SMART: %2 K, %3 read commands")
                    .arg(udevMs).arg(smart.value(QLatin1String("temperature")).toInteger())
                    .arg(smart.value(QLatin1String("host-read-commands-lo")).toInteger());
}

QMap<qint64, QJsonObject> tst_Vm::memoryBlockList()
{
    QMap<qint64, QJsonObject> blocks;
    for (const QJsonValue &block : call(m_host, "guest-get-memory-blocks", {}, 30000).value().toArray())
        blocks.insert(block.toObject().value(QLatin1String("phys-index")).toInteger(), block.toObject());
    return blocks;
}

qint64 tst_Vm::guestMemTotalKiB()
{
    const QRegularExpressionMatch match = QRegularExpression(QStringLiteral("^MemTotal: *(\\d+) kB$"))
        .match(QString::fromLatin1(guest("grep MemTotal /proc/meminfo")));
    return match.hasMatch() ? match.captured(1).toLongLong() : -1;
}

void tst_Vm::memoryBlocks()
{
    const qint64 blockSize = call(m_host, "guest-get-memory-block-info").result().value(QLatin1String("size")).toInteger();
    QCOMPARE(blockSize, guest("cat /sys/devices/system/memory/block_size_bytes").toLongLong(nullptr, 16));
    const qint64 dimmBlocks = (qint64(DimmMiB) << 20) / blockSize;
    QVERIFY(dimmBlocks >= 1);
    const QMap<qint64, QJsonObject> before = memoryBlockList();
    QVERIFY(!before.isEmpty());

    // A DIMM plugged in through QMP: the guest's ACPI driver adds its blocks, offline.
    QElapsedTimer clock;
    clock.start();
    QVERIFY(m_vm->qmp("{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":\"memory-backend-ram\",\"id\":\"qtga-mem\",\"size\":"
                      + QByteArray::number(qint64(DimmMiB) << 20) + "}}").contains("\"return\""));
    QVERIFY(m_vm->qmp("{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"pc-dimm\",\"id\":\"qtga-dimm\",\"memdev\":\"qtga-mem\"}}")
                .contains("\"return\""));
    QMap<qint64, QJsonObject> after;
    QVERIFY2(QTest::qWaitFor([&] { after = memoryBlockList(); return after.size() >= before.size() + dimmBlocks; }, 30000),
             "the hot-added blocks do not show up");
    const qint64 visibleMs = clock.elapsed();
    QList<qint64> added;
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        if (!before.contains(it.key()))
            added << it.key();
    }
    QCOMPARE(added.size(), dimmBlocks);
    auto sysfs = [&](qint64 index, const char *file) {
        return guest("cat /sys/devices/system/memory/memory" + QByteArray::number(index) + '/' + file);
    };
    for (qint64 index : std::as_const(added)) {
        QCOMPARE(after.value(index).value(QLatin1String("online")).toBool(true), false);
        QCOMPARE(sysfs(index, "state"), QByteArray("offline"));
        QCOMPARE(after.value(index).value(QLatin1String("can-offline")).toBool(), sysfs(index, "removable") != "0");
    }

    auto setBlocks = [&](const QList<QPair<qint64, bool>> &blocks) {
        QJsonArray list;
        for (const auto &block : blocks)
            list.append(QJsonObject{{QStringLiteral("phys-index"), block.first}, {QStringLiteral("online"), block.second}});
        return call(m_host, "guest-set-memory-blocks", {{QStringLiteral("mem-blks"), list}}, 60000);
    };
    auto result = [](qint64 index, const char *response, int errorCode = 0) {
        QJsonObject object{{QStringLiteral("phys-index"), index}, {QStringLiteral("response"), QLatin1String(response)}};
        if (errorCode != 0)
            object.insert(QStringLiteral("error-code"), errorCode);
        return object;
    };

    // Online: one success per block, in order, without an error code; the kernel's memory
    // grows by the DIMM.
    const qint64 offlineTotal = guestMemTotalKiB();
    QList<QPair<qint64, bool>> onlineAll;
    QJsonArray allOnline;
    for (qint64 index : std::as_const(added)) {
        onlineAll << qMakePair(index, true);
        allOnline.append(result(index, "success"));
    }
    const Reply onlined = setBlocks(onlineAll);
    QVERIFY2(onlined.ok(), onlined.raw.constData());
    QCOMPARE(onlined.value().toArray(), allOnline);
    for (qint64 index : std::as_const(added)) {
        QCOMPARE(sysfs(index, "state"), QByteArray("online"));
        QCOMPARE(memoryBlockList().value(index).value(QLatin1String("online")).toBool(), true);
    }
    const qint64 onlineTotal = guestMemTotalKiB();
    QCOMPARE(onlineTotal - offlineTotal, qint64(DimmMiB) * 1024);

    // Already online: nothing to write, still a success.
    QCOMPARE(setBlocks({qMakePair(added.first(), true)}).value().toArray(), QJsonArray{result(added.first(), "success")});

    // Offline again: the last block goes, and its memory with it.
    const qint64 last = added.last();
    QCOMPARE(setBlocks({qMakePair(last, false)}).value().toArray(), QJsonArray{result(last, "success")});
    QCOMPARE(sysfs(last, "state"), QByteArray("offline"));
    QCOMPARE(memoryBlockList().value(last).value(QLatin1String("online")).toBool(true), false);
    QCOMPARE(onlineTotal - guestMemTotalKiB(), blockSize / 1024);

    // A block the kernel refuses to take offline (memory0 spans two zones and holds the
    // kernel): "operation-failed" with the errno the kernel gives that write.
    QCOMPARE(sysfs(0, "valid_zones"), QByteArray("none"));
    const int kernelErrno = guest(shellQuote(m_guestTool) + " write /sys/devices/system/memory/memory0/state offline").toInt();
    QVERIFY(kernelErrno > 0);
    QCOMPARE(setBlocks({qMakePair(qint64(0), false)}).value().toArray(), QJsonArray{result(0, "operation-failed", kernelErrno)});
    QCOMPARE(sysfs(0, "state"), QByteArray("online"));

    // No such block.
    constexpr qint64 Missing = 999999;
    QCOMPARE(setBlocks({qMakePair(Missing, true)}).value().toArray(), QJsonArray{result(Missing, "not-found", ENOENT)});

    QStringList indexes;
    for (qint64 index : std::as_const(added))
        indexes << QString::number(index);
    m_report << QStringLiteral("memory hot-plug: %1 MiB DIMM as blocks %2, offline, after %3 ms; onlined: MemTotal +%4 kB; "
                               "memory0 offline refused with errno %5")
                    .arg(DimmMiB).arg(indexes.join(QStringLiteral(", "))).arg(visibleMs).arg(onlineTotal - offlineTotal).arg(kernelErrno);
}

void tst_Vm::reboot()
{
    const QByteArray bootId = guest("cat /proc/sys/kernel/random/boot_id");
    QVERIFY(m_vm->qmp("{\"execute\":\"set-action\",\"arguments\":{\"reboot\":\"reset\"}}").contains("\"return\""));
    // Success sends no response.
    QVERIFY(m_host.send(requestJson("guest-shutdown", {{QStringLiteral("mode"), QStringLiteral("reboot")}})));
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(m_vm->waitForConsoleText("reboot: Restarting system", 60000), "the guest does not restart");
    const qint64 restart = clock.elapsed();
    QString error;
    QVERIFY2(m_vm->waitForReboot(BootTimeoutMs, &error), qPrintable(error));
    m_report << QStringLiteral("guest-shutdown reboot: kernel restarts after %1 ms, control shell up again after %2 ms")
                    .arg(restart).arg(clock.elapsed());
    QVERIFY(m_vm->qmp("{\"execute\":\"set-action\",\"arguments\":{\"reboot\":\"shutdown\"}}").contains("\"return\""));
    QVERIFY(guest("cat /proc/sys/kernel/random/boot_id") != bootId);
    // The host connection outlives the guest's reset; the new boot's agent answers on it.
    m_agent->forget();
    QVERIFY2(startMainAgent(&error), qPrintable(error));
    QVERIFY(call(m_host, "guest-ping").ok());
}

void tst_Vm::shutdown()
{
    QVERIFY(m_host.send(requestJson("guest-shutdown")));
    QVERIFY2(m_vm->waitForPowerOff(60000), "QEMU did not power off");
    QVERIFY(!m_vm->isRunning());
    m_agent->forget();
}

// The suspends run in a second boot. After the first one the guest's root stops answering:
// virtio-9p has no freeze/restore, so the resume resets the device under its driver. From then
// on the guest must not touch the 9p root, so this boot works from memory and tmpfs: busybox
// copied to /run/qtga-vm/bin and PATH pointing there, for the control shell and for the agent
// (which therefore finds no systemctl: a guest without systemd; pm-utils only where a check puts
// it); the agent started, and pinged, before the first suspend (qemu-ga's first guest-ping
// logs to syslog, whose first call reads /etc/localtime); every file the agent and the shell
// have mapped read whole into the page cache (a page of code first run after a wake-up would
// otherwise have to come from the 9p root); and a hibernation image size large enough that the
// kernel evicts no page cache.
bool tst_Vm::ensurePowerVm(QString *error)
{
    if (m_powerVmBooted) {
        *error = QStringLiteral("the second boot is gone");
        return m_vm && m_vm->isRunning();
    }
    m_powerVmBooted = true;
    m_agent.reset();
    m_host.close();
    m_vm.reset();

    VmOptions options;
    options.imageDir = m_imageDir;
    options.pvh = false;  // it wakes from S3
    // Room for the hibernation image, which holds all memory in use (the agent's files read into
    // the page cache included), and for as much free memory again while it is made.
    options.memoryMiB = 512;
    options.swapMiB = 512;
    // Compressing the image is the slow part under TCG; written as it is, it takes a fraction
    // of a second.
    options.kernelArguments = QStringLiteral("hibernate=nocompress");
    const QString consoleLog = qEnvironmentVariable("QTGA_VM_CONSOLE_LOG");
    if (!consoleLog.isEmpty())
        options.consoleLogPath = consoleLog + QStringLiteral(".suspend");
    m_vm = std::make_unique<TestVm>(options);
    if (!m_vm->boot(BootTimeoutMs, error))
        return false;
    m_report << QStringLiteral("second boot (bzImage, swap disk) to the control shell: %1 ms").arg(m_vm->bootTimeMs());

    const QByteArray bin(PowerBin);
    const QByteArray setup = "mkdir -p " + bin + " /run/qtga-vm/pm-utils && cp /bin/busybox " + bin + "/ && " + bin
        + "/busybox --install -s " + bin + " && cp " + shellQuote(qEnvironmentVariable("QTGA_VM_PM_UTILS")) + "/* /run/qtga-vm/pm-utils/"
        + " && export PATH=" + bin
        + " && swap=$(grep -lx qtga-swap /sys/block/vd*/serial) && swap=${swap%/serial} && swapon /dev/${swap##*/}"
        + " && echo " + QByteArray::number(qint64(options.memoryMiB) << 20) + " > /sys/power/image_size";
    const ShellResult prepared = m_vm->shell(setup);
    if (!prepared.ok()) {
        *error = QStringLiteral("cannot prepare the second boot: ") + QString::fromUtf8(prepared.output);
        return false;
    }
    if (!startMainAgent(error))
        return false;
    if (!call(m_host, "guest-ping").ok()) {
        *error = QStringLiteral("the agent does not answer guest-ping");
        return false;
    }
    const ShellResult cached = m_vm->shell("awk '$6 ~ /^\\// { print $6 }' /proc/" + QByteArray::number(m_agent->pid())
                                           + "/maps /proc/$$/maps | sort -u | xargs cat > /dev/null");
    if (!cached.ok()) {
        *error = QStringLiteral("cannot read the agent's files: ") + QString::fromUtf8(cached.output);
        return false;
    }
    return true;
}

void tst_Vm::suspendAndWake(const char *command, const std::function<void()> &onSuspended)
{
    const qint64 pid = m_agent->pid();
    QVERIFY(sync(m_host));
    QElapsedTimer clock;
    clock.start();
    QVERIFY(m_host.send(requestJson(command)));
    QVERIFY2(!m_vm->takeQmpEvent("SUSPEND", 120000).isEmpty(), "QEMU reports no suspend");
    const qint64 suspendedMs = clock.elapsed();
    QCOMPARE(parse(m_vm->qmp("{\"execute\":\"query-status\"}")).value(QLatin1String("return")).toObject()
                 .value(QLatin1String("status")).toString(), QStringLiteral("suspended"));
    QVERIFY2(!m_host.hasDataWithin(300), "the agent answered from a sleeping guest");
    if (onSuspended) {
        onSuspended();
        if (QTest::currentTestFailed())
            return;
    }

    QVERIFY(m_vm->qmp("{\"execute\":\"system_wakeup\"}").contains("\"return\""));
    QVERIFY2(!m_vm->takeQmpEvent("WAKEUP", 10000).isEmpty(), "QEMU reports no wake-up");
    clock.restart();
    // The suspend command gets no response (success-response false): the first line is the
    // answer to a sync sent now.
    const qint64 id = m_nextId++;
    QCOMPARE(call(m_host, "guest-sync", {{QStringLiteral("id"), id}}, 60000).raw,
             "{\"return\": " + QByteArray::number(id) + '}');
    const qint64 answeredMs = clock.elapsed();
    QCOMPARE(call(m_host, "guest-ping").raw, QByteArray("{\"return\": {}}"));
    QVERIFY(!m_host.hasDataWithin(0));
    QCOMPARE(parse(m_vm->qmp("{\"execute\":\"query-status\"}")).value(QLatin1String("return")).toObject()
                 .value(QLatin1String("status")).toString(), QStringLiteral("running"));
    QCOMPARE(m_agent->pid(), pid);
    QVERIFY(m_agent->isAlive());
    m_report << QStringLiteral("%1: QEMU suspended after %2 ms; the agent answered %3 ms after system_wakeup")
                    .arg(QLatin1String(command)).arg(suspendedMs).arg(answeredMs);
}

void tst_Vm::suspendToRam()
{
    QString error;
    QVERIFY2(ensurePowerVm(&error), qPrintable(error));

    // With neither systemd nor pm-utils, /sys/power/state decides: without "mem" in it (a
    // fixture bound over it, in the guest) the mode is not supported.
    QVERIFY(m_vm->shell("echo 'freeze disk' > /run/qtga-vm/state && mount --bind /run/qtga-vm/state /sys/power/state").ok());
    const Reply refused = call(m_host, "guest-suspend-ram", {}, 30000);
    QVERIFY(m_vm->shell("umount /sys/power/state").ok());
    QCOMPARE(refused.errorClass(), QStringLiteral("GenericError"));
    QCOMPARE(refused.error(), QLatin1String(SuspendUnsupported));
    QVERIFY(guest("cat /sys/power/state").split(' ').contains("mem"));

    // The real thing: the agent writes "mem" to /sys/power/state.
    suspendAndWake("guest-suspend-ram");
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(guest("cat /sys/power/suspend_stats/success"), QByteArray("1"));
}

void tst_Vm::suspendHybrid()
{
    QString error;
    QVERIFY2(ensurePowerVm(&error), qPrintable(error));

    // /sys/power/state has no hybrid mode; only systemd or pm-utils offer one.
    const Reply refused = call(m_host, "guest-suspend-hybrid", {}, 30000);
    QCOMPARE(refused.error(), QLatin1String(SuspendUnsupported));

    // With pm-utils: its kernel method writes the image to swap, then sleeps in RAM.
    const QByteArray bin(PowerBin);
    QVERIFY(m_vm->shell("cp /run/qtga-vm/pm-utils/pm-is-supported /run/qtga-vm/pm-utils/pm-suspend-hybrid " + bin + '/').ok());
    QCOMPARE(readSwapHeader(m_vm->swapImage()).signature, QByteArray("SWAPSPACE2"));
    SwapHeader sleeping;
    suspendAndWake("guest-suspend-hybrid", [&] { sleeping = readSwapHeader(m_vm->swapImage(), true); });
    m_vm->shell("rm -f " + bin + "/pm-is-supported " + bin + "/pm-suspend-hybrid");
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(sleeping.signature, QByteArray("S1SUSPEND"));
    QCOMPARE(sleeping.replacedSignature, QByteArray("SWAPSPACE2"));
    // Woken from RAM, the kernel has no use for the image: the swap signature is back, and so
    // is the hibernation mode.
    QCOMPARE(readSwapHeader(m_vm->swapImage()).signature, QByteArray("SWAPSPACE2"));
    QVERIFY(guest("cat /sys/power/disk").startsWith("[platform]"));
    m_report << QStringLiteral("guest-suspend-hybrid: %1 MiB of hibernation image in swap while asleep")
                    .arg(sleeping.writtenPages * 4096 / (1024 * 1024));
}

void tst_Vm::suspendToDisk()
{
    QString error;
    QVERIFY2(ensurePowerVm(&error), qPrintable(error));
    QVERIFY(sync(m_host));
    QCOMPARE(readSwapHeader(m_vm->swapImage()).signature, QByteArray("SWAPSPACE2"));
    // The agent writes "disk" to /sys/power/state; the kernel writes the image to swap and
    // enters ACPI S4, which QEMU reports and then powers off.
    QElapsedTimer clock;
    clock.start();
    QVERIFY(m_host.send(requestJson("guest-suspend-disk")));
    QVERIFY2(!m_vm->takeQmpEvent("SUSPEND_DISK", 120000).isEmpty(), "QEMU reports no suspend to disk");
    const qint64 suspendedMs = clock.elapsed();
    QVERIFY2(m_vm->waitForPowerOff(60000), "QEMU did not power off");
    const qint64 offMs = clock.elapsed();
    m_agent->forget();
    QCOMPARE(m_host.readLine(1000), QByteArray());  // no response, only the end of the connection
    // Resuming is not tried: the guest's root is the host's over 9p, and the 9p server's state
    // (its open files) does not survive into a new QEMU.
    const SwapHeader header = readSwapHeader(m_vm->swapImage(), true);
    QCOMPARE(header.signature, QByteArray("S1SUSPEND"));
    QCOMPARE(header.replacedSignature, QByteArray("SWAPSPACE2"));
    QVERIFY(header.imagePage > 0);
    QVERIFY(header.imagePageWritten);
    m_report << QStringLiteral("guest-suspend-disk: S4 after %1 ms, QEMU exited after %2 ms").arg(suspendedMs).arg(offMs);
}

QTEST_GUILESS_MAIN(tst_Vm)
#include "tst_vm.moc"
