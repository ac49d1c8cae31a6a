// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The status stream's encoder and decoder (docs/status-api.md): every message survives a round
// trip, the wire text is what the document promises, bad lines are refused with a reason, and
// applying events to a snapshot gives the agent's status.
#include "statusprotocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace qtga::status;

Q_DECLARE_METATYPE(StatusMessage)

namespace {

QDateTime at(int second, int ms = 0)
{
    return QDateTime(QDate(2024, 5, 1), QTime(12, 0, second, ms), Qt::UTC);
}

ChannelStatus channel(int id, ChannelState state, int clients)
{
    ChannelStatus c;
    c.id = id;
    c.method = QStringLiteral("virtio-serial");
    c.path = QStringLiteral("/dev/virtio-ports/org.qemu.guest_agent.0");
    c.state = state;
    c.clients = clients;
    return c;
}

CommandRecord command(const QString &name, bool ok, qint64 micros, int second)
{
    CommandRecord r;
    r.name = name;
    r.succeeded = ok;
    r.durationMicros = micros;
    r.finished = at(second, 250);
    return r;
}

AgentStatus sampleStatus()
{
    AgentStatus s;
    s.version = QStringLiteral("0.1.0");
    s.pid = 4242;
    s.started = at(0, 5);
    s.channels = {channel(0, ChannelState::HostConnected, 1), channel(1, ChannelState::Listening, 0)};
    s.channels[1].method = QStringLiteral("unix-listen");
    s.channels[1].path = QStringLiteral("/run/qga.sock");
    s.channels[1].name = QStringLiteral("admin");
    s.frozen = true;
    s.frozenSince = at(30);
    s.commands = 12;
    s.errors = 2;
    s.recent = {command(QStringLiteral("guest-fsfreeze-freeze"), true, 1500000, 30),
                command(QStringLiteral("guest-ping"), true, 12, 29)};
    return s;
}

QJsonObject jsonOf(const QByteArray &line)
{
    return QJsonDocument::fromJson(line).object();
}

} // namespace

class tst_StatusProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void oneLineEach();
    void wireNames();
    void snapshotWire();
    void badLinesRefused_data();
    void badLinesRefused();
    void unknownTypeSkippable();
    void applyEvents();
    void recentListBounded();
    void hostConnected_data();
    void hostConnected();
};

void tst_StatusProtocol::roundTrip_data()
{
    QTest::addColumn<StatusMessage>("message");
    QTest::newRow("snapshot") << StatusMessage::makeSnapshot(sampleStatus(), at(40));
    QTest::newRow("empty snapshot") << StatusMessage::makeSnapshot(AgentStatus(), at(40));
    QTest::newRow("channel-state") << StatusMessage::makeChannel(StatusMessage::Type::ChannelState,
                                                                 channel(0, ChannelState::Retrying, 0), at(41));
    QTest::newRow("client-connected") << StatusMessage::makeChannel(StatusMessage::Type::ClientConnected,
                                                                    channel(1, ChannelState::HostConnected, 3), at(42));
    QTest::newRow("client-disconnected") << StatusMessage::makeChannel(
        StatusMessage::Type::ClientDisconnected, channel(1, ChannelState::WaitingForHost, 0), at(43));
    QTest::newRow("command ok") << StatusMessage::makeCommand(command(QStringLiteral("guest-info"), true, 88, 44), 13, 2);
    QTest::newRow("command error") << StatusMessage::makeCommand(command(QStringLiteral("guest-file-open"), false, 40, 45), 14, 3);
    QTest::newRow("frozen") << StatusMessage::makeFreeze(true, at(46));
    QTest::newRow("thawed") << StatusMessage::makeFreeze(false, at(47));
}

void tst_StatusProtocol::roundTrip()
{
    QFETCH(StatusMessage, message);
    const QByteArray line = encodeMessage(message);
    QString error;
    const std::optional<StatusMessage> decoded = decodeMessage(line, &error);
    QVERIFY2(decoded, qPrintable(error));
    QCOMPARE(int(decoded->type), int(message.type));
    QCOMPARE(decoded->time, message.time);
    QVERIFY(decoded->snapshot == message.snapshot);
    QVERIFY(decoded->channel == message.channel);
    QVERIFY(decoded->command == message.command);
    QCOMPARE(decoded->commands, message.commands);
    QCOMPARE(decoded->errors, message.errors);
}

void tst_StatusProtocol::oneLineEach()
{
    // Paths with newlines must not split a message.
    AgentStatus s = sampleStatus();
    s.channels[0].path = QStringLiteral("/odd\npath");
    const QByteArray line = encodeMessage(StatusMessage::makeSnapshot(s, at(1)));
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    QCOMPARE(decodeMessage(line)->snapshot.channels[0].path, QStringLiteral("/odd\npath"));
}

void tst_StatusProtocol::wireNames()
{
    const QJsonObject cmd = jsonOf(encodeMessage(StatusMessage::makeCommand(command("guest-ping", false, 7, 3), 5, 1)));
    QCOMPARE(cmd.value("type").toString(), QStringLiteral("command"));
    QCOMPARE(cmd.value("time").toString(), QStringLiteral("2024-05-01T12:00:03.250Z"));
    const QJsonObject record = cmd.value("command").toObject();
    // Name, outcome, duration and time: nothing that could carry a request's content.
    QCOMPARE(record.keys(), (QStringList{"duration-us", "name", "outcome", "time"}));
    QCOMPARE(record.value("outcome").toString(), QStringLiteral("error"));
    QCOMPARE(record.value("duration-us").toInt(), 7);
    QCOMPARE(cmd.value("counters").toObject().value("commands").toInt(), 5);

    const QJsonObject event = jsonOf(encodeMessage(StatusMessage::makeChannel(
        StatusMessage::Type::ClientConnected, channel(2, ChannelState::WaitingForHost, 0), at(4))));
    QCOMPARE(event.value("type").toString(), QStringLiteral("client-connected"));
    QCOMPARE(event.value("channel").toObject().value("state").toString(), QStringLiteral("waiting-for-host"));
    QCOMPARE(jsonOf(encodeMessage(StatusMessage::makeFreeze(true, at(5)))).value("type").toString(),
             QStringLiteral("frozen"));
    QCOMPARE(jsonOf(encodeMessage(StatusMessage::makeFreeze(false, at(5)))).value("type").toString(),
             QStringLiteral("thawed"));
}

void tst_StatusProtocol::snapshotWire()
{
    const QJsonObject o = jsonOf(encodeMessage(StatusMessage::makeSnapshot(sampleStatus(), at(40))));
    QCOMPARE(o.value("type").toString(), QStringLiteral("snapshot"));
    QCOMPARE(o.value("protocol").toInt(), ProtocolVersion);
    QCOMPARE(o.value("agent").toObject().value("pid").toInt(), 4242);
    QCOMPARE(o.value("agent").toObject().value("started").toString(), QStringLiteral("2024-05-01T12:00:00.005Z"));
    QCOMPARE(o.value("frozen").toBool(), true);
    QCOMPARE(o.value("frozen-since").toString(), QStringLiteral("2024-05-01T12:00:30.000Z"));
    QCOMPARE(o.value("channels").toArray().at(1).toObject().value("name").toString(), QStringLiteral("admin"));
    QCOMPARE(o.value("recent").toArray().size(), 2);
    const QJsonObject thawed = jsonOf(encodeMessage(StatusMessage::makeSnapshot(AgentStatus(), at(40))));
    QVERIFY(thawed.value("frozen-since").isNull());
}

void tst_StatusProtocol::badLinesRefused_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not json") << QByteArray("hello") << "";
    QTest::newRow("array") << QByteArray("[1]") << "not a JSON object";
    QTest::newRow("no type") << QByteArray(R"({"time":null})") << "member 'type' is missing or has the wrong type";
    QTest::newRow("type not string") << QByteArray(R"({"type":1})") << "member 'type' is missing or has the wrong type";
    QTest::newRow("bad time") << QByteArray(R"({"type":"frozen","time":"yesterday"})") << "member 'time' is not a time";
    QTest::newRow("time in year 10000 in UTC")
        << QByteArray(R"({"type":"frozen","time":"9999-12-31T23:59:59.999-10:00"})") << "member 'time' is not a time";
    QTest::newRow("command without counters")
        << QByteArray(R"({"type":"command","time":null,"command":{"name":"guest-ping","outcome":"ok","duration-us":1,"time":null}})")
        << "member 'counters' is missing or has the wrong type";
    QTest::newRow("bad outcome")
        << QByteArray(R"({"type":"command","time":null,"command":{"name":"x","outcome":"maybe","duration-us":1,"time":null},"counters":{"commands":1,"errors":0}})")
        << "unknown outcome 'maybe'";
    QTest::newRow("bad state")
        << QByteArray(R"({"type":"channel-state","time":null,"channel":{"id":0,"method":"m","path":"p","name":"","state":"asleep","clients":0}})")
        << "unknown channel state 'asleep'";
    QTest::newRow("line break in a state")
        << QByteArray(R"({"type":"channel-state","time":null,"channel":{"id":0,"method":"m","path":"p","name":"","state":"a\nb","clients":0}})")
        << "unknown channel state 'a\\u000ab'";
    QTest::newRow("negative count")
        << QByteArray(R"({"type":"channel-state","time":null,"channel":{"id":0,"method":"m","path":"p","name":"","state":"error","clients":-1}})")
        << "member 'clients' is out of range";
    // An int member beyond int would wrap around and come back as another number.
    QTest::newRow("id beyond int")
        << QByteArray(R"({"type":"channel-state","time":null,"channel":{"id":2420047874,"method":"m","path":"p","name":"","state":"error","clients":0}})")
        << "member 'id' is out of range";
    QTest::newRow("clients beyond int")
        << QByteArray(R"({"type":"client-connected","time":null,"channel":{"id":0,"method":"m","path":"p","name":"","state":"error","clients":4294967296}})")
        << "member 'clients' is out of range";
    QTest::newRow("protocol beyond int")
        << QByteArray(R"({"type":"snapshot","time":null,"protocol":4294967297})") << "member 'protocol' is out of range";
    QTest::newRow("newer protocol")
        << QByteArray(R"({"type":"snapshot","time":null,"protocol":2})") << "unsupported protocol version 2";
}

void tst_StatusProtocol::badLinesRefused()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!decodeMessage(line, &error));
    QVERIFY(!error.isEmpty());
    if (!reason.isEmpty())
        QCOMPARE(error, reason);
}

void tst_StatusProtocol::unknownTypeSkippable()
{
    const std::optional<StatusMessage> m = decodeMessage(R"({"type":"hotplug","time":null,"cpu":3})");
    QVERIFY(m);
    QCOMPARE(int(m->type), int(StatusMessage::Type::Unknown));
    AgentStatus s = sampleStatus();
    applyMessage(s, *m);
    QVERIFY(s == sampleStatus());
}

void tst_StatusProtocol::applyEvents()
{
    AgentStatus s;
    applyMessage(s, StatusMessage::makeSnapshot(sampleStatus(), at(40)));
    QVERIFY(s == sampleStatus());

    applyMessage(s, StatusMessage::makeFreeze(false, at(50)));
    QVERIFY(!s.frozen);
    QVERIFY(!s.frozenSince.isValid());
    applyMessage(s, StatusMessage::makeFreeze(true, at(51)));
    QVERIFY(s.frozen);
    QCOMPARE(s.frozenSince, at(51));

    applyMessage(s, StatusMessage::makeChannel(StatusMessage::Type::ClientConnected,
                                               [] { ChannelStatus c = sampleStatus().channels[1];
                                                    c.state = ChannelState::HostConnected; c.clients = 2; return c; }(),
                                               at(52)));
    QCOMPARE(s.channels[1].clients, 2);
    QCOMPARE(s.channels[1].state, ChannelState::HostConnected);
    QCOMPARE(s.channels[0].clients, 1);

    applyMessage(s, StatusMessage::makeCommand(command("guest-info", false, 9, 53), 13, 3));
    QCOMPARE(s.commands, quint64(13));
    QCOMPARE(s.errors, quint64(3));
    QCOMPARE(s.recent.first().name, QStringLiteral("guest-info"));
    QCOMPARE(s.recent.size(), 3);
}

void tst_StatusProtocol::recentListBounded()
{
    AgentStatus s;
    for (int i = 0; i < RecentCommandsKept + 5; ++i)
        applyMessage(s, StatusMessage::makeCommand(command(QStringLiteral("c%1").arg(i), true, 1, i % 60), i + 1, 0));
    QCOMPARE(s.recent.size(), RecentCommandsKept);
    QCOMPARE(s.recent.first().name, QStringLiteral("c%1").arg(RecentCommandsKept + 4));
}

void tst_StatusProtocol::hostConnected_data()
{
    QTest::addColumn<QList<int>>("clients");
    QTest::addColumn<bool>("connected");
    QTest::newRow("no channels") << QList<int>{} << false;
    QTest::newRow("nobody") << QList<int>{0, 0} << false;
    QTest::newRow("second") << QList<int>{0, 2} << true;
}

void tst_StatusProtocol::hostConnected()
{
    QFETCH(QList<int>, clients);
    QFETCH(bool, connected);
    AgentStatus s;
    for (int i = 0; i < clients.size(); ++i)
        s.channels.append(channel(i, ChannelState::Listening, clients[i]));
    QCOMPARE(s.hostConnected(), connected);
}

QTEST_GUILESS_MAIN(tst_StatusProtocol)
#include "tst_statusprotocol.moc"
