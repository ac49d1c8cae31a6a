// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Transports other than a plain unix socket: isa-serial on a pseudo-terminal,
// vsock address parsing and binding, socket activation (by systemd-socket-activate and by hand),
// several channels at once.
#include "agentharness.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

using namespace qtga::test;

namespace {

// Reads one line from a pty master (or any fd) within `timeoutMs`.
QByteArray readLineFrom(int fd, QByteArray &buffer, int timeoutMs = 5000)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        const qsizetype nl = buffer.indexOf('\n');
        if (nl >= 0) {
            QByteArray line = buffer.left(nl + 1);
            buffer.remove(0, nl + 1);
            return line;
        }
        const int left = int(timeoutMs - timer.elapsed());
        pollfd p{fd, POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, left) <= 0)
            return QByteArray();
        char chunk[4096];
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0)
            return QByteArray();
        buffer.append(chunk, n);
    }
}

QByteArray syncDelimited(int id)
{
    return "\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":" + QByteArray::number(id) + "}}";
}

// Whether process `pid` has `path` open.
bool hasOpen(qint64 pid, const QString &path)
{
    const QDir fds(QStringLiteral("/proc/%1/fd").arg(pid));
    for (const QFileInfo &fd : fds.entryInfoList(QDir::System | QDir::NoDotAndDotDot)) {
        // A hung-up pseudo-terminal shows as "<path> (deleted)".
        char buffer[4096];
        const ssize_t n = ::readlink(QFile::encodeName(fd.filePath()).constData(), buffer, sizeof buffer);
        const QString target = n > 0 ? QString::fromLocal8Bit(buffer, n) : QString();
        if (target == path || target.startsWith(path + QLatin1String(" (")))
            return true;
    }
    return false;
}

// openpty() descriptors are inherited by default; the agent must not hold our ends open.
bool openPty(int *master, int *slave, char *name)
{
    if (::openpty(master, slave, name, nullptr, nullptr) != 0)
        return false;
    ::fcntl(*master, F_SETFD, FD_CLOEXEC);
    ::fcntl(*slave, F_SETFD, FD_CLOEXEC);
    return true;
}

bool writeAll(int fd, const QByteArray &data)
{
    return ::write(fd, data.constData(), size_t(data.size())) == data.size();
}


// Until the agent has made the line raw, the tty echoes what we write: keeps asking until a
// clean guest-sync-delimited answer arrives.
bool syncOnPty(int master, QByteArray &buffer)
{
    for (int id = 1; id < 50; ++id) {
        if (!writeAll(master, syncDelimited(id)))
            return false;
        const QByteArray expected = "\xff{\"return\": " + QByteArray::number(id) + "}\n";
        for (QByteArray line = readLineFrom(master, buffer, 200); !line.isEmpty(); line = readLineFrom(master, buffer, 200)) {
            if (line.endsWith(expected))
                return true;
        }
    }
    return false;
}

// Starts the agent with `fd` as its fd 3 and LISTEN_PID set to the agent's own pid (the shell
// execs the agent, keeping its pid).
void startActivated(QProcess &process, int fd, const QString &fdNames, const QStringList &arguments,
                    const QByteArray &listenFds = "1")
{
    process.setChildProcessModifier([fd] {
        if (fd >= 0)
            ::dup2(fd, 3);
        else
            ::close(3);
    });
    QStringList shArgs{QStringLiteral("-c"),
                       QStringLiteral("LISTEN_PID=$$ LISTEN_FDS=%1 LISTEN_FDNAMES='%2' exec \"$0\" \"$@\"")
                           .arg(QString::fromLatin1(listenFds), fdNames),
                       agentBinary()};
    process.start(QStringLiteral("/bin/sh"), shArgs + arguments);
}

} // namespace

class tst_Channels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void isaSerialOnPseudoTerminal();
    void isaSerialReopensAfterHangup();
    void isaSerialLargeAnswersToASlowReader();
    void vsockAddressErrors_data();
    void vsockAddressErrors();
    void vsockListenBinds();
    void socketActivationWithActivator();
    void socketActivationTwoSockets();
    void socketActivationRefusesDatagramSocket();
    void socketActivationRefusesAcceptedConnection();
    void socketActivationByHand_data();
    void socketActivationByHand();
    void socketActivatedVsockFd();
    void vsockAllowAnyWarns_data();
    void vsockAllowAnyWarns();
    void badVsockAllowFatal();
    void severalChannelsAtOnce();
    void retryPathWaitsForSocketDirectory();
};

void tst_Channels::isaSerialOnPseudoTerminal()
{
    int master = -1, slave = -1;
    char name[256];
    QVERIFY(openPty(&master, &slave, name));
    // The line starts cooked (echo, ICRNL, ISIG, IXON): the agent must make it raw.
    AgentProcess agent;
    agent.process().start(agentBinary(), {QStringLiteral("-m"), QStringLiteral("isa-serial"), QStringLiteral("-p"),
                                          QString::fromLocal8Bit(name), QStringLiteral("-t"), agent.stateDir()});
    QVERIFY(agent.process().waitForStarted());
    // Our slave end stays open until the agent has the port, as a real port always exists.
    QByteArray buffer;
    QVERIFY(syncOnPty(master, buffer));
    ::close(slave);
    buffer.clear();
    // Ctrl-C, XON and a carriage return must reach the parser untouched: no signal, no flow
    // control, no CR->NL mapping, no echo; the output has no NL->CRNL mapping.
    QVERIFY(writeAll(master, "\x03{\"execute\":\"guest-sync\",\"arguments\":{\"id\":\r2}}\x11"));
    QCOMPARE(readLineFrom(master, buffer), QByteArray("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray '\\u0003'\"}}\n"));
    QCOMPARE(readLineFrom(master, buffer), QByteArray("{\"return\": 2}\n"));
    QCOMPARE(readLineFrom(master, buffer), QByteArray("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray '\\u0011'\"}}\n"));
    QVERIFY(agent.isRunning());
    ::close(master);
}

void tst_Channels::isaSerialLargeAnswersToASlowReader()
{
    // Answers far larger than the tty holds, to a host that does not read for a while: the
    // port must wait until it can write again, never fail the write and drop the port.
    int master = -1, slave = -1;
    char name[256];
    QVERIFY(openPty(&master, &slave, name));
    AgentProcess agent;
    QByteArray content(1 << 20, Qt::Uninitialized);
    QRandomGenerator generator(7);
    generator.fillRange(reinterpret_cast<quint32 *>(content.data()), content.size() / 4);
    const QString path = agent.dir() + QStringLiteral("/big.bin");
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(content), content.size());
    }
    agent.process().start(agentBinary(), {QStringLiteral("-m"), QStringLiteral("isa-serial"), QStringLiteral("-p"),
                                          QString::fromLocal8Bit(name), QStringLiteral("-t"), agent.stateDir(), QStringLiteral("-v")});
    QVERIFY(agent.process().waitForStarted());
    QByteArray buffer;
    QVERIFY(syncOnPty(master, buffer));
    ::close(slave);
    buffer.clear();

    QVERIFY(writeAll(master, "{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + QFile::encodeName(path) + "\"}}"));
    const QJsonObject open = QJsonDocument::fromJson(readLineFrom(master, buffer)).object();
    QVERIFY(open.contains(QLatin1String("return")));
    const QByteArray handle = QByteArray::number(open.value(QLatin1String("return")).toInteger());

    // Four pipelined 256 KiB reads (about 1.4 MB of answers), then the host looks away.
    for (int i = 0; i < 4; ++i)
        QVERIFY(writeAll(master, "{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":" + handle + ",\"count\":262144}}"));
    QThread::msleep(500);
    QByteArray back;
    for (int i = 0; i < 4; ++i) {
        const QByteArray line = readLineFrom(master, buffer, 10000);
        const QJsonObject answer = QJsonDocument::fromJson(line).object().value(QLatin1String("return")).toObject();
        QVERIFY2(!answer.isEmpty(), line.left(300).constData());
        back += QByteArray::fromBase64(answer.value(QLatin1String("buf-b64")).toString().toLatin1());
        if (i == 1)
            QThread::msleep(300);  // and once more between two answers
    }
    QCOMPARE(back.size(), content.size());
    QVERIFY(back == content);

    // One request at a time, as a host tool copies a file, with a read position set back.
    QVERIFY(writeAll(master, "{\"execute\":\"guest-file-seek\",\"arguments\":{\"handle\":" + handle + ",\"offset\":0,\"whence\":\"set\"}}"));
    QVERIFY(readLineFrom(master, buffer).startsWith("{\"return\": {"));
    back.clear();
    for (int i = 0; i < 16; ++i) {
        QVERIFY(writeAll(master, "{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":" + handle + ",\"count\":65536}}"));
        QThread::msleep(20);
        const QByteArray line = readLineFrom(master, buffer, 10000);
        const QJsonObject answer = QJsonDocument::fromJson(line).object().value(QLatin1String("return")).toObject();
        QVERIFY2(!answer.isEmpty(), line.left(300).constData());
        back += QByteArray::fromBase64(answer.value(QLatin1String("buf-b64")).toString().toLatin1());
    }
    QVERIFY(back == content);
    QVERIFY(writeAll(master, "{\"execute\":\"guest-sync\",\"arguments\":{\"id\":77}}"));
    QCOMPARE(readLineFrom(master, buffer), QByteArray("{\"return\": 77}\n"));
    const QByteArray log = agent.standardError();
    QVERIFY2(!log.contains("error:"), log.constData());
    QVERIFY(agent.isRunning());
    ::close(master);
}

void tst_Channels::isaSerialReopensAfterHangup()
{
    // The port is reached through a stable name, as a hot-plugged device would be, so the test
    // can present a new pseudo-terminal under the same path after the hang-up.
    AgentProcess agent;
    const QString path = agent.dir() + QStringLiteral("/ttyQGA");
    int master = -1, slave = -1;
    char name[256];
    QVERIFY(openPty(&master, &slave, name));
    QVERIFY(QFile::link(QString::fromLocal8Bit(name), path));
    agent.process().start(agentBinary(), {QStringLiteral("-m"), QStringLiteral("isa-serial"), QStringLiteral("-p"), path,
                                          QStringLiteral("-t"), agent.stateDir(), QStringLiteral("-v")});
    QVERIFY(agent.process().waitForStarted());
    QByteArray buffer;
    QByteArray line;
    for (int attempt = 0; attempt < 50 && !line.endsWith("{\"return\": 5}\n"); ++attempt) {
        QVERIFY(writeAll(master, "{\"execute\":\"guest-sync\",\"arguments\":{\"id\":5}}"));
        line = readLineFrom(master, buffer, 200);
    }
    QVERIFY(line.endsWith("{\"return\": 5}\n"));
    // Hang up: the port fails every read; qemu-ga would go silent for good here.
    ::close(slave);
    ::close(master);
    QTRY_VERIFY_WITH_TIMEOUT(!hasOpen(agent.pid(), QString::fromLocal8Bit(name)), 5000);
    QVERIFY(QFile::remove(path));
    int master2 = -1, slave2 = -1;
    char name2[256];
    QVERIFY(openPty(&master2, &slave2, name2));
    QVERIFY(QFile::link(QString::fromLocal8Bit(name2), path));
    // The agent reopens the path every 5 s until it works.
    buffer.clear();
    line.clear();
    for (int attempt = 0; attempt < 60 && !line.endsWith("{\"return\": 6}\n"); ++attempt) {
        QVERIFY(writeAll(master2, "{\"execute\":\"guest-sync\",\"arguments\":{\"id\":6}}"));
        line = readLineFrom(master2, buffer, 200);
    }
    QVERIFY(line.endsWith("{\"return\": 6}\n"));
    QVERIFY(agent.isRunning());
    ::close(slave2);
    ::close(master2);
}

void tst_Channels::vsockAddressErrors_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("error");
    QTest::newRow("no colon") << "3" << "error parsing address '3'";
    QTest::newRow("empty cid") << ":5" << "error parsing address ':5'";
    QTest::newRow("empty port") << "3:" << "error parsing address '3:'";
    QTest::newRow("cid too long") << QString(33, QLatin1Char('1')) + QStringLiteral(":5")
                                  << QStringLiteral("error parsing address '%1:5'").arg(QString(33, QLatin1Char('1')));
    QTest::newRow("trailing") << "3:5,x" << "trailing characters in address '3:5,x'";
    QTest::newRow("negative cid") << "-1:5" << "Failed to parse cid '-1'";
    QTest::newRow("cid overflow") << "4294967296:5" << "Failed to parse cid '4294967296'";
    QTest::newRow("bad port") << "3:x" << "Failed to parse port 'x'";
    QTest::newRow("port overflow") << "3:99999999999" << "Failed to parse port '99999999999'";
}

void tst_Channels::vsockAddressErrors()
{
    QFETCH(QString, address);
    QFETCH(QString, error);
    AgentProcess agent;
    QByteArray out, err;
    QCOMPARE(agent.runToExit({QStringLiteral("-m"), QStringLiteral("vsock-listen"), QStringLiteral("-p"), address,
                              QStringLiteral("-t"), agent.stateDir()},
                             &out, &err),
             1);
    QVERIFY2(err.contains(error.toUtf8()), err.constData());
}

void tst_Channels::vsockListenBinds()
{
    // Binding and listening is harmless; nothing here connects.
    const int probe = ::socket(AF_VSOCK, SOCK_STREAM, 0);
    if (probe < 0)
        QSKIP("no AF_VSOCK support on this machine");
    ::close(probe);
    AgentProcess agent;
    agent.process().start(agentBinary(), {QStringLiteral("-m"), QStringLiteral("vsock-listen"), QStringLiteral("-p"),
                                          QStringLiteral("4294967295:%1").arg(20000 + ::getpid() % 10000),
                                          QStringLiteral("-t"), agent.stateDir(), QStringLiteral("-v")});
    QVERIFY(agent.process().waitForStarted());
    if (agent.process().waitForFinished(1000)) {
        const QByteArray err = agent.process().readAllStandardError();
        // Some kernels have the address family but no transport to bind to.
        QVERIFY2(err.contains("Failed to bind socket"), err.constData());
        return;
    }
    QVERIFY(agent.isRunning());
    QCOMPARE(agent.stop(SIGTERM), 0);
    const QByteArray log = agent.standardError();
    QVERIFY2(log.contains("channel vsock-listen 4294967295:"), log.constData());
}

void tst_Channels::socketActivationWithActivator()
{
    AgentProcess agent;
    const QString socket = agent.dir() + QStringLiteral("/activated.sock");
    QProcess &p = agent.process();
    p.start(QStringLiteral("systemd-socket-activate"),
            {QStringLiteral("-l"), socket, agentBinary(), QStringLiteral("-m"), QStringLiteral("virtio-serial"),
             QStringLiteral("-p"), QStringLiteral("/nonexistent"), QStringLiteral("-t"), agent.stateDir()});
    QVERIFY(p.waitForStarted());
    QgaClient client;
    QVERIFY(client.connectTo(socket));
    // -m and -p are ignored: the passed unix socket is the channel.
    QCOMPARE(client.request(R"({"execute":"guest-sync","arguments":{"id":11}})"), QByteArray("{\"return\": 11}"));
    QgaClient second;
    QVERIFY(second.connectTo(socket));
    QCOMPARE(second.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    QCOMPARE(agent.stop(SIGTERM), 0);
}

// systemd-socket-activate --datagram and --accept stand for a socket unit with
// ListenDatagram= and with Accept=yes: the agent refuses to start instead of reporting READY and
// failing every accept().
void tst_Channels::socketActivationRefusesDatagramSocket()
{
    AgentProcess agent;
    const QString socket = agent.dir() + QStringLiteral("/datagram.sock");
    QProcess &p = agent.process();
    p.start(QStringLiteral("systemd-socket-activate"),
            {QStringLiteral("--datagram"), QStringLiteral("-l"), socket, agentBinary(), QStringLiteral("-t"), agent.stateDir()});
    QVERIFY(p.waitForStarted());
    // The activator starts the agent when the first datagram arrives.
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const QByteArray path = QFile::encodeName(socket);
    std::memcpy(addr.sun_path, path.constData(), size_t(path.size()));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(socket), 5000);
    QVERIFY(::sendto(fd, "{}", 2, 0, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 2);
    ::close(fd);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.contains("listen fd 3 is not a stream socket"), err.constData());
}

void tst_Channels::socketActivationRefusesAcceptedConnection()
{
    AgentProcess agent;
    const QString socket = agent.dir() + QStringLiteral("/accept.sock");
    QProcess &p = agent.process();
    p.start(QStringLiteral("systemd-socket-activate"),
            {QStringLiteral("--accept"), QStringLiteral("-l"), socket, agentBinary(), QStringLiteral("-t"), agent.stateDir()});
    QVERIFY(p.waitForStarted());
    // Each connection starts an agent with that connection as fd 3; it refuses and exits, which
    // closes the connection without an answer.
    QgaClient client;
    QTRY_VERIFY_WITH_TIMEOUT(client.connectTo(socket, 200), 5000);
    client.send(R"({"execute":"guest-sync","arguments":{"id":1}})");
    QCOMPARE(client.readLine(5000), QByteArray());
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("listen fd 3 is not a listening socket"), 5000);
    p.terminate();
    QVERIFY(p.waitForFinished(5000));
}

void tst_Channels::socketActivationTwoSockets()
{
    AgentProcess agent;
    const QString first = agent.dir() + QStringLiteral("/first.sock");
    const QString second = agent.dir() + QStringLiteral("/second.sock");
    QProcess &p = agent.process();
    p.start(QStringLiteral("systemd-socket-activate"),
            {QStringLiteral("-l"), first, QStringLiteral("-l"), second, QStringLiteral("--fdname=host:admin"),
             agentBinary(), QStringLiteral("-t"), agent.stateDir(), QStringLiteral("-v")});
    QVERIFY(p.waitForStarted());
    QgaClient a, b;
    QVERIFY(a.connectTo(first));
    QVERIFY(b.connectTo(second));
    QCOMPARE(a.request(R"({"execute":"guest-sync","arguments":{"id":1}})"), QByteArray("{\"return\": 1}"));
    QCOMPARE(b.request(R"({"execute":"guest-sync","arguments":{"id":2}})"), QByteArray("{\"return\": 2}"));
    QCOMPARE(agent.stop(SIGTERM), 0);
    const QByteArray log = p.readAllStandardError();
    QVERIFY2(log.contains("host") && log.contains("admin"), log.constData());
}

void tst_Channels::socketActivationByHand_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("tcp socket") << "tcp" << 1 << "unsupported listen fd type";
    QTest::newRow("fd not open") << "closed" << 1 << "Socket activation failed: invalid file descriptor fd = 3: Bad file descriptor";
    QTest::newRow("unix datagram socket") << "datagram" << 1 << "listen fd 3 is not a stream socket";
    QTest::newRow("unix socket not listening") << "unlistened" << 1 << "listen fd 3 is not a listening socket";
    QTest::newRow("one end of a connection") << "connected" << 1 << "listen fd 3 is not a listening socket";
}

void tst_Channels::socketActivationByHand()
{
    QFETCH(QString, kind);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    int fd = -1;
    if (kind == QLatin1String("tcp")) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QVERIFY(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
        QVERIFY(::listen(fd, 1) == 0);
    }
    int peer = -1;
    if (kind == QLatin1String("datagram") || kind == QLatin1String("unlistened")) {
        fd = ::socket(AF_UNIX, (kind == QLatin1String("datagram") ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "qtga-test-%d", int(::getpid()));
        QVERIFY(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    } else if (kind == QLatin1String("connected")) {
        int pair[2];
        QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
        fd = pair[0];
        peer = pair[1];
    }
    AgentProcess agent;
    startActivated(agent.process(), fd, QString(), {QStringLiteral("-t"), agent.stateDir()});
    QVERIFY(agent.process().waitForFinished(10000));
    QCOMPARE(agent.process().exitCode(), exitCode);
    const QByteArray err = agent.process().readAllStandardError();
    QVERIFY2(err.contains(message.toUtf8()), err.constData());
    if (fd >= 0)
        ::close(fd);
    if (peer >= 0)
        ::close(peer);
}

void tst_Channels::socketActivatedVsockFd()
{
    const int fd = ::socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        QSKIP("no AF_VSOCK support on this machine");
    sockaddr_vm addr{};
    addr.svm_family = AF_VSOCK;
    addr.svm_cid = VMADDR_CID_ANY;
    addr.svm_port = VMADDR_PORT_ANY;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0 || ::listen(fd, 4) < 0) {
        ::close(fd);
        QSKIP("cannot bind a vsock socket here");
    }
    AgentProcess agent;
    startActivated(agent.process(), fd, QStringLiteral("vsock"),
                   {QStringLiteral("-t"), agent.stateDir(), QStringLiteral("-v"), QStringLiteral("-D")});
    QVERIFY(agent.process().waitForFinished(10000));
    QCOMPARE(agent.process().exitCode(), 0);
    // The passed socket decides the method; -p is dropped.
    const QByteArray dump = agent.process().readAllStandardOutput();
    QVERIFY2(dump.contains("method=vsock-listen\n") && !dump.contains("\npath="), dump.constData());

    AgentProcess running;
    startActivated(running.process(), fd, QStringLiteral("vsock"), {QStringLiteral("-t"), running.stateDir(), QStringLiteral("-v")});
    QVERIFY(running.process().waitForStarted());
    QVERIFY(!running.process().waitForFinished(500));
    QCOMPARE(running.stop(SIGTERM), 0);
    const QByteArray log = running.process().readAllStandardError();
    QVERIFY2(log.contains("socket-activated channel vsock-listen"), log.constData());
    ::close(fd);
}

void tst_Channels::vsockAllowAnyWarns_data()
{
    QTest::addColumn<bool>("activated");
    QTest::addColumn<QString>("allow");  // empty: the default
    QTest::addColumn<bool>("warns");
    QTest::newRow("-m vsock-listen, any") << false << "any" << true;
    QTest::newRow("-m vsock-listen, default") << false << QString() << false;
    QTest::newRow("-m vsock-listen, local") << false << "local" << false;
    QTest::newRow("socket-activated, any") << true << "any" << true;
}

void tst_Channels::vsockAllowAnyWarns()
{
    QFETCH(bool, activated);
    QFETCH(QString, allow);
    QFETCH(bool, warns);
    // Binding and listening only: nothing here connects.
    const int fd = ::socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        QSKIP("no AF_VSOCK support on this machine");
    sockaddr_vm addr{};
    addr.svm_family = AF_VSOCK;
    addr.svm_cid = VMADDR_CID_ANY;
    addr.svm_port = VMADDR_PORT_ANY;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0 || ::listen(fd, 4) < 0) {
        ::close(fd);
        QSKIP("cannot bind a vsock socket here");
    }
    socklen_t length = sizeof addr;
    QVERIFY(::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &length) == 0);
    AgentProcess agent;
    // Neither this machine's config file nor its status socket.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QGA_CONF"), agent.dir() + QStringLiteral("/none.conf"));
    agent.process().setProcessEnvironment(environment);
    // No -v: the warning is logged at any log level.
    QStringList arguments{QStringLiteral("-t"), agent.stateDir(), QStringLiteral("--status-socket=")};
    if (!allow.isEmpty())
        arguments << QStringLiteral("--vsock-allow=") + allow;
    if (activated) {
        startActivated(agent.process(), fd, QStringLiteral("vsock"), arguments);
    } else {
        // The port is free again once our socket is closed; the agent binds it itself.
        ::close(fd);
        agent.process().start(agentBinary(), QStringList{QStringLiteral("-m"), QStringLiteral("vsock-listen"), QStringLiteral("-p"),
                                                         QStringLiteral("4294967295:%1").arg(addr.svm_port)}
                                                 + arguments);
    }
    QVERIFY(agent.process().waitForStarted());
    // (QVERIFY2 would read the output for its message even when the agent runs on.)
    if (agent.process().waitForFinished(500))
        QFAIL(agent.standardError().constData());
    QCOMPARE(agent.stop(SIGTERM), 0);
    if (activated)
        ::close(fd);
    const QByteArray log = agent.standardError();
    const QByteArray warning = ": warning: --vsock-allow=any: vsock-listen channels accept connections from every CID, "
                               "not only from the host\n";
    QCOMPARE(log.contains(warning), warns);
    if (!warns)
        QVERIFY2(log.isEmpty(), log.constData());
}

void tst_Channels::badVsockAllowFatal()
{
    // Reported before any channel is opened, so no vsock is needed.
    AgentProcess agent;
    QByteArray out, err;
    QCOMPARE(agent.runToExit({QStringLiteral("-m"), QStringLiteral("vsock-listen"), QStringLiteral("-p"),
                              QStringLiteral("4294967295:1234"), QStringLiteral("--vsock-allow=host,guests"),
                              QStringLiteral("-t"), agent.stateDir()},
                             &out, &err),
             1);
    QCOMPARE(err, QByteArray("--vsock-allow: 'host,guests' is not a list of peer CIDs (numbers, host, local or any, "
                             "separated by commas)\n"));
    QCOMPARE(out, QByteArray());
}

void tst_Channels::severalChannelsAtOnce()
{
    AgentProcess agent;
    const QString extra = agent.dir() + QStringLiteral("/admin.sock");
    QVERIFY(agent.start({QStringLiteral("--channel"), QStringLiteral("unix-listen:") + extra}));
    QgaClient a, b;
    QVERIFY(a.connectTo(agent.socketPath()));
    QVERIFY(b.connectTo(extra));
    QCOMPARE(a.request(R"({"execute":"guest-sync","arguments":{"id":1}})"), QByteArray("{\"return\": 1}"));
    QCOMPARE(b.request(R"({"execute":"guest-sync","arguments":{"id":2}})"), QByteArray("{\"return\": 2}"));
}

void tst_Channels::retryPathWaitsForSocketDirectory()
{
    AgentProcess agent;
    const QString dir = agent.dir() + QStringLiteral("/later");
    const QString socket = dir + QStringLiteral("/agent.sock");
    // Without -r a channel that cannot be opened is fatal.
    QCOMPARE(agent.runToExit({QStringLiteral("-m"), QStringLiteral("unix-listen"), QStringLiteral("-p"), socket,
                              QStringLiteral("-t"), agent.stateDir()}),
             1);
    AgentProcess retrying;
    retrying.process().start(agentBinary(), {QStringLiteral("-r"), QStringLiteral("-m"), QStringLiteral("unix-listen"),
                                             QStringLiteral("-p"), socket, QStringLiteral("-t"), retrying.stateDir()});
    QVERIFY(retrying.process().waitForStarted());
    QVERIFY(!retrying.process().waitForFinished(300));
    QVERIFY(QDir().mkpath(dir));
    QgaClient client;
    QVERIFY(client.connectTo(socket, 8000));
    QCOMPARE(client.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
}

QTEST_GUILESS_MAIN(tst_Channels)
#include "tst_channels.moc"
