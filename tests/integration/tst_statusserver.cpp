// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The agent's status socket against the real qtga-agent: the file's mode and group exist before
// anyone can read, a snapshot then one line per change, a cap on readers, SO_PEERCRED in the
// log, writes ignored, a reader that stops reading dropped while the agent keeps answering, and
// never an argument, password or file content in the stream.
#include "agentharness.h"
#include "statusprotocol.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <csignal>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace qtga::test;
using qtga::status::StatusMessage;

namespace {

// A status reader: the harness's line client, with each line decoded.
class StatusStream
{
public:
    bool connectTo(const QString &path) { return m_client.connectTo(path); }
    QgaClient &client() { return m_client; }

    std::optional<StatusMessage> next(QByteArray *raw = nullptr, int timeoutMs = 5000)
    {
        const QByteArray line = m_client.readLine(timeoutMs);
        if (raw)
            *raw = line;
        if (line.isEmpty())
            return std::nullopt;
        return qtga::status::decodeMessage(line);
    }

    // Whether the agent closed the stream (as opposed to having nothing to say).
    bool atEnd()
    {
        char c;
        return m_client.hasDataWithin(2000) && ::recv(m_client.fd(), &c, 1, MSG_DONTWAIT) == 0;
    }

    // The snapshot, once the harness's start-up probe of the QGA socket is gone from it.
    std::optional<qtga::status::AgentStatus> settledSnapshot()
    {
        std::optional<StatusMessage> m = next();
        if (!m || m->type != StatusMessage::Type::Snapshot)
            return std::nullopt;
        qtga::status::AgentStatus status = m->snapshot;
        while (status.hostConnected()) {
            m = next();
            if (!m)
                return std::nullopt;
            qtga::status::applyMessage(status, *m);
        }
        return status;
    }

    // The next message of `type`, skipping others; nullopt on timeout or end of stream.
    std::optional<StatusMessage> nextOf(StatusMessage::Type type, QByteArray *raw = nullptr)
    {
        for (;;) {
            std::optional<StatusMessage> m = next(raw);
            if (!m || m->type == type)
                return m;
        }
    }

private:
    QgaClient m_client;
};

const QByteArray Pong = "{\"return\": {}}";

} // namespace

class tst_StatusServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void modeAndGroupBeforeFirstReader_data();
    void modeAndGroupBeforeFirstReader();
    void snapshotThenChanges();
    void commandsWhileNobodyReads();
    void peerCredentialsLogged();
    void writesIgnored();
    void readerCap();
    void slowReaderDropped();
    void noArgumentsInStream();
    void frozenStartThenThaw();
    void secondAgentLeavesSocketAlone();
    void removedAtExit();
    void disabledWithEmptyPath();
    void socketActivatedStatusSocket();
    void slowGroupLookupHoldsUpNothing();

private:
    QString statusPath() const { return m_agent->dir() + QStringLiteral("/run/status.sock"); }
    QStringList statusArgs(const QStringList &more = {}) const;
    bool startAgent(const QStringList &more = {});
    // Waits until the agent's stderr (-v) holds `text`; returns the log so far.
    bool waitForLog(const QByteArray &text, int timeoutMs = 5000);

    std::unique_ptr<AgentProcess> m_agent;
    QByteArray m_log;
};

void tst_StatusServer::init()
{
    m_agent = std::make_unique<AgentProcess>();
    m_log.clear();
}

void tst_StatusServer::cleanup()
{
    m_agent.reset();
}

QStringList tst_StatusServer::statusArgs(const QStringList &more) const
{
    return QStringList{QStringLiteral("-v"), QStringLiteral("--status-socket=") + statusPath(),
                       QStringLiteral("--status-socket-group=%1").arg(::getegid())}
        + more;
}

bool tst_StatusServer::startAgent(const QStringList &more)
{
    if (!m_agent->start(statusArgs(more)))
        return false;
    // The status socket comes right after the channels.
    return QTest::qWaitFor([this] { return QFileInfo::exists(statusPath()); }, 5000);
}

bool tst_StatusServer::waitForLog(const QByteArray &text, int timeoutMs)
{
    return QTest::qWaitFor([&] {
        m_log += m_agent->standardError();
        return m_log.contains(text);
    }, timeoutMs);
}

void tst_StatusServer::modeAndGroupBeforeFirstReader_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("rootGroup");
    QTest::newRow("default 0660, missing qtga group") << QStringList{} << 0660 << true;
    QTest::newRow("0666 when the admin wants it") << QStringList{"--status-socket-mode=0666"} << 0666 << true;
    QTest::newRow("own group") << QStringList{QStringLiteral("--status-socket-group=%1").arg(::getegid())} << 0660
                               << false;
}

void tst_StatusServer::modeAndGroupBeforeFirstReader()
{
    QFETCH(QStringList, options);
    QFETCH(int, mode);
    QFETCH(bool, rootGroup);
    if (rootGroup && ::getgrnam("qtga"))
        QSKIP("this machine has a qtga group");
    if (rootGroup && ::geteuid() != 0)
        QSKIP("only root may give the socket to group 0");
    QVERIFY(m_agent->start(QStringList{QStringLiteral("-v"), QStringLiteral("--status-socket=") + statusPath()}
                           + options));
    // From the first moment the file exists it lets nobody in that its final mode and group
    // would not: it is born private to its owner, and has group bits only with its final group.
    const gid_t group = rootGroup ? gid_t(0) : ::getegid();
    struct stat st{};
    QVERIFY(QTest::qWaitFor([&] { return ::lstat(QFile::encodeName(statusPath()).constData(), &st) == 0; }, 5000));
    const QDeadlineTimer deadline(5000);
    for (;;) {
        QVERIFY(!deadline.hasExpired());
        QVERIFY(S_ISSOCK(st.st_mode));
        QCOMPARE(int(st.st_mode & 0007 & ~mode), 0);
        if (st.st_mode & 0070)
            QCOMPARE(st.st_gid, group);
        if (int(st.st_mode & 07777) == mode && st.st_gid == group)
            break;
        QVERIFY(m_agent->isRunning());
        QCOMPARE(::lstat(QFile::encodeName(statusPath()).constData(), &st), 0);
    }
    if (rootGroup)
        QVERIFY(waitForLog("group qtga does not exist; the status socket gets group 0 (root)"));
    StatusStream reader;
    QVERIFY(reader.connectTo(statusPath()));
    QCOMPARE(int(reader.next()->type), int(StatusMessage::Type::Snapshot));
}

void tst_StatusServer::snapshotThenChanges()
{
    QVERIFY(startAgent());
    StatusStream reader;
    QVERIFY(reader.connectTo(statusPath()));
    const std::optional<qtga::status::AgentStatus> snapshot = reader.settledSnapshot();
    QVERIFY(snapshot);
    const qtga::status::AgentStatus &s = *snapshot;
    QCOMPARE(s.pid, m_agent->pid());
    QVERIFY(!s.version.isEmpty());
    QVERIFY(s.started.isValid());
    QVERIFY(!s.frozen);
    QCOMPARE(s.channels.size(), 1);
    QCOMPARE(s.channels[0].method, QStringLiteral("unix-listen"));
    QCOMPARE(s.channels[0].path, m_agent->socketPath());
    QCOMPARE(s.channels[0].state, qtga::status::ChannelState::Listening);
    QCOMPARE(s.channels[0].clients, 0);

    QgaClient host;
    QVERIFY(host.connectTo(m_agent->socketPath()));
    std::optional<StatusMessage> m = reader.next();
    QCOMPARE(int(m->type), int(StatusMessage::Type::ClientConnected));
    QCOMPARE(m->channel.clients, 1);
    QCOMPARE(m->channel.state, qtga::status::ChannelState::HostConnected);

    QCOMPARE(host.request(R"({"execute":"guest-ping"})"), Pong);
    m = reader.next();
    QCOMPARE(int(m->type), int(StatusMessage::Type::Command));
    QCOMPARE(m->command.name, QStringLiteral("guest-ping"));
    QVERIFY(m->command.succeeded);
    QCOMPARE(m->commands, s.commands + 1);

    QVERIFY(host.request(R"({"execute":"guest-file-open","arguments":{"path":"/nonexistent/qtga"}})").startsWith("{\"error\""));
    m = reader.next();
    QCOMPARE(m->command.name, QStringLiteral("guest-file-open"));
    QVERIFY(!m->command.succeeded);
    QCOMPARE(m->errors, s.errors + 1);

    QgaClient second;
    QVERIFY(second.connectTo(m_agent->socketPath()));
    m = reader.next();
    QCOMPARE(int(m->type), int(StatusMessage::Type::ClientConnected));
    QCOMPARE(m->channel.clients, 2);
    second.close();
    m = reader.next();
    QCOMPARE(int(m->type), int(StatusMessage::Type::ClientDisconnected));
    QCOMPARE(m->channel.clients, 1);
    host.close();
    m = reader.next();
    QCOMPARE(int(m->type), int(StatusMessage::Type::ClientDisconnected));
    QCOMPARE(m->channel.clients, 0);
    QCOMPARE(m->channel.state, qtga::status::ChannelState::Listening);

    // A reader that comes later sees the same in its snapshot.
    StatusStream late;
    QVERIFY(late.connectTo(statusPath()));
    const qtga::status::AgentStatus later = late.next()->snapshot;
    QCOMPARE(later.commands, s.commands + 2);
    QCOMPARE(later.recent.first().name, QStringLiteral("guest-file-open"));
    QCOMPARE(later.recent.at(1).name, QStringLiteral("guest-ping"));
}

// With no reader connected the agent only counts finished commands and keeps the newest raw;
// a reader that comes later must get exactly what it would have seen live.
void tst_StatusServer::commandsWhileNobodyReads()
{
    QVERIFY(startAgent());
    QgaClient host;
    QVERIFY(host.connectTo(m_agent->socketPath()));
    // 25 commands, more than the 20 kept: 23 pings, then a failure, then a ping.
    for (int i = 0; i < 23; ++i)
        QCOMPARE(host.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    QVERIFY(host.request(R"({"execute":"guest-file-open","arguments":{"path":"/nonexistent/qtga"}})").startsWith("{\"error\""));
    QCOMPARE(host.request(R"({"execute":"guest-info"})").left(10), QByteArray("{\"return\":"));
    // Requests that are not commands (unknown name) are not counted.
    QVERIFY(host.request(R"({"execute":"guest-no-such-command"})").startsWith("{\"error\""));

    StatusStream reader;
    QVERIFY(reader.connectTo(statusPath()));
    const qtga::status::AgentStatus s = reader.next()->snapshot;
    QCOMPARE(s.commands, quint64(25));
    QCOMPARE(s.errors, quint64(1));
    QCOMPARE(s.recent.size(), qtga::status::RecentCommandsKept);
    QCOMPARE(s.recent.at(0).name, QStringLiteral("guest-info"));
    QVERIFY(s.recent.at(0).succeeded);
    QCOMPARE(s.recent.at(1).name, QStringLiteral("guest-file-open"));
    QVERIFY(!s.recent.at(1).succeeded);
    for (int i = 2; i < s.recent.size(); ++i)
        QCOMPARE(s.recent.at(i).name, QStringLiteral("guest-ping"));
    // Newest first, each with a time of its own.
    for (int i = 1; i < s.recent.size(); ++i)
        QVERIFY(s.recent.at(i - 1).finished >= s.recent.at(i).finished);
    QVERIFY(qAbs(s.recent.at(0).finished.secsTo(QDateTime::currentDateTimeUtc())) < 60);

    // While the reader is connected, commands arrive live and the counters continue.
    QCOMPARE(host.request(R"({"execute":"guest-ping"})"), QByteArray("{\"return\": {}}"));
    std::optional<StatusMessage> m = reader.next();
    while (m && m->type != StatusMessage::Type::Command)
        m = reader.next();
    QVERIFY(m);
    QCOMPARE(m->commands, quint64(26));

    // After the reader leaves, the next one sees what happened in between.
    reader.client().close();
    QVERIFY(waitForLog(QStringLiteral("status reader uid %1 pid %2 disconnected").arg(::getuid()).arg(::getpid()).toUtf8()));
    QVERIFY(host.request(R"({"execute":"guest-file-open","arguments":{"path":"/nonexistent/qtga"}})").startsWith("{\"error\""));
    StatusStream late;
    QVERIFY(late.connectTo(statusPath()));
    const qtga::status::AgentStatus later = late.next()->snapshot;
    QCOMPARE(later.commands, quint64(27));
    QCOMPARE(later.errors, quint64(2));
    QCOMPARE(later.recent.at(0).name, QStringLiteral("guest-file-open"));
    QCOMPARE(later.recent.at(1).name, QStringLiteral("guest-ping"));
    QCOMPARE(later.recent.size(), qtga::status::RecentCommandsKept);
}

void tst_StatusServer::peerCredentialsLogged()
{
    QVERIFY(startAgent());
    StatusStream reader;
    QVERIFY(reader.connectTo(statusPath()));
    QVERIFY(reader.settledSnapshot());
    QVERIFY2(waitForLog(QStringLiteral("status reader uid %1 pid %2 connected").arg(::getuid()).arg(::getpid()).toUtf8()),
             m_log.constData());
    reader.client().close();
    QVERIFY2(waitForLog(QStringLiteral("status reader uid %1 pid %2 disconnected").arg(::getuid()).arg(::getpid()).toUtf8()),
             m_log.constData());
}

void tst_StatusServer::writesIgnored()
{
    QVERIFY(startAgent());
    StatusStream reader;
    QVERIFY(reader.connectTo(statusPath()));
    const quint64 before = reader.next()->snapshot.commands;
    // Requests written to the status socket are thrown away, never run.
    QVERIFY(reader.client().send(R"({"execute":"guest-ping"}{"execute":"guest-info"})" "\n\xff garbage\n"));
    QgaClient host;
    QVERIFY(host.connectTo(m_agent->socketPath()));
    QCOMPARE(host.request(R"({"execute":"guest-ping"})"), Pong);
    const std::optional<StatusMessage> m = reader.nextOf(StatusMessage::Type::Command);
    QVERIFY(m);
    QCOMPARE(m->command.name, QStringLiteral("guest-ping"));
    QCOMPARE(m->commands, before + 1);
    QVERIFY(m_agent->isRunning());
}

void tst_StatusServer::readerCap()
{
    QVERIFY(startAgent());
    std::vector<std::unique_ptr<StatusStream>> readers;
    for (int i = 0; i < 64; ++i) {
        readers.push_back(std::make_unique<StatusStream>());
        QVERIFY(readers.back()->connectTo(statusPath()));
        QVERIFY2(readers.back()->next(), qPrintable(QString::number(i)));
    }
    StatusStream refused;
    QVERIFY(refused.connectTo(statusPath()));
    QVERIFY(!refused.next());  // closed without a snapshot
    QVERIFY2(waitForLog(QStringLiteral("refusing status reader uid %1 pid %2: 64 readers are connected already")
                            .arg(::getuid())
                            .arg(::getpid())
                            .toUtf8()),
             m_log.constData());
    // The host is served all along.
    QgaClient host;
    QVERIFY(host.connectTo(m_agent->socketPath()));
    QCOMPARE(host.request(R"({"execute":"guest-ping"})"), Pong);
    // A free place is taken again.
    readers.front()->client().close();
    QVERIFY2(waitForLog("disconnected"), m_log.constData());
    StatusStream again;
    QVERIFY(again.connectTo(statusPath()));
    QVERIFY(again.next());
}

void tst_StatusServer::slowReaderDropped()
{
    QVERIFY(startAgent());
    StatusStream stalled;
    QVERIFY(stalled.connectTo(statusPath()));
    QVERIFY(stalled.next());
    StatusStream reading;
    QVERIFY(reading.connectTo(statusPath()));
    QVERIFY(reading.settledSnapshot());

    QgaClient host;
    QVERIFY(host.connectTo(m_agent->socketPath()));
    QVERIFY(reading.nextOf(StatusMessage::Type::ClientConnected));
    const int batches = 40;
    const int batch = 100;
    int events = 0;
    for (int b = 0; b < batches; ++b) {
        QByteArray requests;
        for (int i = 0; i < batch; ++i)
            requests += R"({"execute":"guest-ping"})";
        QVERIFY(host.send(requests));
        // The agent answers everything while the stalled reader's backlog grows...
        for (int i = 0; i < batch; ++i)
            QCOMPARE(host.readLine(), Pong);
        // ...and the reader that reads gets every event.
        for (int i = 0; i < batch; ++i) {
            const std::optional<StatusMessage> m = reading.nextOf(StatusMessage::Type::Command);
            QVERIFY(m);
            QCOMPARE(m->command.name, QStringLiteral("guest-ping"));
            ++events;
        }
    }
    QCOMPARE(events, batches * batch);
    QVERIFY2(waitForLog(QStringLiteral("status reader uid %1 pid %2 is not reading; dropped")
                            .arg(::getuid())
                            .arg(::getpid())
                            .toUtf8()),
             m_log.constData());
    // The stalled reader finds the end of its stream after what was already in its buffer.
    int drained = 0;
    while (stalled.next(nullptr, 2000))
        ++drained;
    QVERIFY(drained < batches * batch);
    QVERIFY(stalled.atEnd());
}

void tst_StatusServer::noArgumentsInStream()
{
    // A stand-in chpasswd first in PATH: the real one is never run.
    QFile script(m_agent->dir() + QStringLiteral("/chpasswd"));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\ncat > /dev/null\nexit 0\n");
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), m_agent->dir() + u':' + env.value(QStringLiteral("PATH")));
    m_agent->process().setProcessEnvironment(env);
    QVERIFY(startAgent());

    StatusStream reader;
    QVERIFY(reader.connectTo(statusPath()));
    QVERIFY(reader.next());

    const QByteArray user = "qtga-status-user";
    const QByteArray password = "Sup3r-Secret-Passw0rd";
    const QByteArray content = "private file content 4711";
    const QByteArray file = QFile::encodeName(m_agent->dir()) + "/secret-name.txt";
    QgaClient host;
    QVERIFY(host.connectTo(m_agent->socketPath()));
    QCOMPARE(host.request(R"({"execute":"guest-set-user-password","arguments":{"username":")" + user
                          + R"(","password":")" + password.toBase64() + R"(","crypted":false}})"),
             Pong);
    const QByteArray opened = host.request(R"({"execute":"guest-file-open","arguments":{"path":")" + file
                                           + R"(","mode":"w"}})");
    const int handle = QJsonDocument::fromJson(opened).object().value("return").toInt();
    QVERIFY2(handle > 0, opened.constData());
    QVERIFY(host.request(R"({"execute":"guest-file-write","arguments":{"handle":)" + QByteArray::number(handle)
                         + R"(,"buf-b64":")" + content.toBase64() + R"("}})").startsWith("{\"return\""));
    QCOMPARE(host.request(R"({"execute":"guest-file-close","arguments":{"handle":)" + QByteArray::number(handle) + "}}"),
             Pong);

    QByteArray stream;
    QStringList names;
    while (names.size() < 4) {
        QByteArray raw;
        const std::optional<StatusMessage> m = reader.next(&raw);
        QVERIFY2(m, stream.constData());
        stream += raw + '\n';
        if (m->type != StatusMessage::Type::Command)
            continue;
        names << m->command.name;
        // A command is its name, outcome, duration and time: nothing else.
        const QJsonObject command = QJsonDocument::fromJson(raw).object().value("command").toObject();
        QCOMPARE(command.keys(), (QStringList{"duration-us", "name", "outcome", "time"}));
    }
    QCOMPARE(names, (QStringList{"guest-set-user-password", "guest-file-open", "guest-file-write", "guest-file-close"}));
    for (const QByteArray &secret : {user, password, password.toBase64(), content, content.toBase64(), file,
                                     QByteArray("secret-name")}) {
        QVERIFY2(!stream.contains(secret), secret.constData());
    }
}

void tst_StatusServer::frozenStartThenThaw()
{
    QFile marker(m_agent->stateDir() + QStringLiteral("/qga.state.isfrozen"));
    QVERIFY(marker.open(QIODevice::WriteOnly));
    marker.close();
    QVERIFY(startAgent());
    StatusStream reader;
    QVERIFY(reader.connectTo(statusPath()));
    const std::optional<StatusMessage> snapshot = reader.next();
    QVERIFY(snapshot->snapshot.frozen);
    QVERIFY(snapshot->snapshot.frozenSince.isValid());

    // Nothing is frozen on this machine: the thaw's FITHAW calls fail harmlessly.
    QgaClient host;
    QVERIFY(host.connectTo(m_agent->socketPath()));
    QVERIFY(host.request(R"({"execute":"guest-fsfreeze-thaw"})").startsWith("{\"return\""));
    const std::optional<StatusMessage> thawed = reader.nextOf(StatusMessage::Type::Thawed);
    QVERIFY(thawed);
    // The state change comes before the command that caused it.
    const std::optional<StatusMessage> command = reader.next();
    QCOMPARE(int(command->type), int(StatusMessage::Type::Command));
    QCOMPARE(command->command.name, QStringLiteral("guest-fsfreeze-thaw"));

    StatusStream late;
    QVERIFY(late.connectTo(statusPath()));
    QVERIFY(!late.next()->snapshot.frozen);
}

void tst_StatusServer::secondAgentLeavesSocketAlone()
{
    QVERIFY(startAgent());
    StatusStream reader;
    QVERIFY(reader.connectTo(statusPath()));
    QVERIFY(reader.next());

    AgentProcess second;
    QVERIFY(second.start(statusArgs()));
    QgaClient host;
    QVERIFY(host.connectTo(second.socketPath()));
    QCOMPARE(host.request(R"({"execute":"guest-ping"})"), Pong);
    QByteArray log;
    QVERIFY(QTest::qWaitFor([&] {
        log += second.standardError();
        return log.contains("status socket disabled: " + QFile::encodeName(statusPath())
                            + " is in use by another running agent");
    }, 5000));
    QCOMPARE(second.stop(SIGTERM), 0);
    // The first agent's socket is still there and still serving.
    QVERIFY(QFileInfo::exists(statusPath()));
    StatusStream again;
    QVERIFY(again.connectTo(statusPath()));
    QCOMPARE(again.next()->snapshot.pid, m_agent->pid());
}

void tst_StatusServer::removedAtExit()
{
    QVERIFY(startAgent());
    StatusStream reader;
    QVERIFY(reader.connectTo(statusPath()));
    QVERIFY(reader.next());
    QCOMPARE(m_agent->stop(SIGTERM), 0);
    QVERIFY(!QFileInfo::exists(statusPath()));
    // The reader sees the end of the stream (after the channel's last state).
    while (reader.next(nullptr, 2000)) {
    }
    QVERIFY(reader.atEnd());
}

void tst_StatusServer::disabledWithEmptyPath()
{
    QVERIFY(m_agent->start({QStringLiteral("-v"), QStringLiteral("--status-socket=")}));
    QgaClient host;
    QVERIFY(host.connectTo(m_agent->socketPath()));
    QCOMPARE(host.request(R"({"execute":"guest-ping"})"), Pong);
    QCOMPARE(m_agent->stop(SIGTERM), 0);
    m_log += m_agent->standardError();
    QVERIFY2(!m_log.contains("status socket"), m_log.constData());
}

void tst_StatusServer::socketActivatedStatusSocket()
{
    if (QStandardPaths::findExecutable(QStringLiteral("systemd-socket-activate")).isEmpty())
        QSKIP("systemd-socket-activate is not installed");
    const QString qga = m_agent->dir() + QStringLiteral("/qga.sock");
    const QString statusSocket = m_agent->dir() + QStringLiteral("/activated-status.sock");
    QProcess &p = m_agent->process();
    p.start(QStringLiteral("systemd-socket-activate"),
            {QStringLiteral("-l"), qga, QStringLiteral("-l"), statusSocket, QStringLiteral("--fdname=host:status"),
             agentBinary(), QStringLiteral("-t"), m_agent->stateDir()});
    QVERIFY(p.waitForStarted());
    StatusStream reader;
    QVERIFY(reader.connectTo(statusSocket));
    // systemd-socket-activate starts the agent on the first connection.
    QgaClient host;
    QVERIFY(host.connectTo(qga));
    QCOMPARE(host.request(R"({"execute":"guest-ping"})"), Pong);
    const std::optional<StatusMessage> snapshot = reader.next();
    QVERIFY(snapshot);
    // The status socket is not a QGA channel.
    QCOMPARE(snapshot->snapshot.channels.size(), 1);
    QCOMPARE(snapshot->snapshot.channels[0].name, QStringLiteral("host"));
    QCOMPARE(m_agent->stop(SIGTERM), 0);
    // Not ours to remove.
    QVERIFY(QFileInfo::exists(statusSocket));
}

QTEST_GUILESS_MAIN(tst_StatusServer)
// The status socket's group is looked up through NSS, which can wait for a directory service for
// seconds. Meanwhile the agent serves its channels; the socket appears once the group is known,
// with its final group and mode. The preloaded lookup (gatedgroup.cpp) blocks until the test
// creates the gate file, so the order is certain, not a matter of timing.
void tst_StatusServer::slowGroupLookupHoldsUpNothing()
{
    const QString gate = m_agent->dir() + QStringLiteral("/gate");
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LD_PRELOAD"), QStringLiteral(QTGA_GATED_GROUP));
    env.insert(QStringLiteral("QTGA_GROUP_GATE"), gate);
    // In the sanitizer build the preloaded module comes before the sanitizer's runtime.
    const QString asan = env.value(QStringLiteral("ASAN_OPTIONS"));
    env.insert(QStringLiteral("ASAN_OPTIONS"),
               (asan.isEmpty() ? QString() : asan + u':') + QStringLiteral("verify_asan_link_order=0"));
    m_agent->process().setProcessEnvironment(env);
    QVERIFY(m_agent->start({QStringLiteral("-v"), QStringLiteral("--status-socket=") + statusPath(),
                            QStringLiteral("--status-socket-mode=0640"),
                            QStringLiteral("--status-socket-group=qtga-test-gated")}));

    QgaClient client;
    QVERIFY(client.connectTo(m_agent->socketPath()));
    QCOMPARE(client.request(R"({"execute":"guest-sync","arguments":{"id":7}})"), QByteArray(R"({"return": 7})"));
    QCOMPARE(client.request(R"({"execute":"guest-ping"})"), QByteArray(R"({"return": {}})"));
    QVERIFY2(!QFileInfo::exists(statusPath()), "the status socket came before its group was known");

    QFile file(gate);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QVERIFY(QTest::qWaitFor([this] { return QFileInfo::exists(statusPath()); }, 10000));
    QVERIFY(waitForLog("group qtga-test-gated does not exist; the status socket gets group 0 (root)"));
    // The file is born private and gets its group and mode right after bind(): the log line
    // says when that is done.
    QVERIFY(waitForLog(("status socket " + statusPath() + " open, mode 0640 gid 0").toUtf8()));
    struct stat st;
    QCOMPARE(::lstat(QFile::encodeName(statusPath()).constData(), &st), 0);
    QVERIFY(S_ISSOCK(st.st_mode));
    QCOMPARE(int(st.st_mode & 07777), 0640);
    QCOMPARE(uint(st.st_gid), 0u);
    // And it serves: a reader gets the snapshot.
    StatusStream reader;
    QVERIFY(reader.connectTo(statusPath()));
    const std::optional<StatusMessage> first = reader.next();
    QVERIFY(first);
    QCOMPARE(int(first->type), int(StatusMessage::Type::Snapshot));
    QCOMPARE(client.request(R"({"execute":"guest-ping"})"), QByteArray(R"({"return": {}})"));
}

#include "tst_statusserver.moc"
