// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "statusprotocol.h"

#include "printable.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

namespace qtga::status {

namespace {

struct StateName
{
    ChannelState state;
    const char *name;
};
const StateName StateNames[] = {
    {ChannelState::Closed, "closed"},
    {ChannelState::Listening, "listening"},
    {ChannelState::HostConnected, "host-connected"},
    {ChannelState::WaitingForHost, "waiting-for-host"},
    {ChannelState::Retrying, "retrying"},
    {ChannelState::Error, "error"},
};

struct TypeName
{
    StatusMessage::Type type;
    const char *name;
};
const TypeName TypeNames[] = {
    {StatusMessage::Type::Snapshot, "snapshot"},
    {StatusMessage::Type::ChannelState, "channel-state"},
    {StatusMessage::Type::ClientConnected, "client-connected"},
    {StatusMessage::Type::ClientDisconnected, "client-disconnected"},
    {StatusMessage::Type::Command, "command"},
    {StatusMessage::Type::Frozen, "frozen"},
    {StatusMessage::Type::Thawed, "thawed"},
};

QJsonValue timeValue(const QDateTime &time)
{
    if (!time.isValid())
        return QJsonValue::Null;
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject channelObject(const ChannelStatus &c)
{
    return QJsonObject{
        {QStringLiteral("id"), c.id},
        {QStringLiteral("method"), c.method},
        {QStringLiteral("path"), c.path},
        {QStringLiteral("name"), c.name},
        {QStringLiteral("state"), channelStateName(c.state)},
        {QStringLiteral("clients"), c.clients},
    };
}

QJsonObject commandObject(const CommandRecord &r)
{
    return QJsonObject{
        {QStringLiteral("name"), r.name},
        {QStringLiteral("outcome"), r.succeeded ? QStringLiteral("ok") : QStringLiteral("error")},
        {QStringLiteral("duration-us"), double(r.durationMicros)},
        {QStringLiteral("time"), timeValue(r.finished)},
    };
}

QJsonObject countersObject(quint64 commands, quint64 errors)
{
    return QJsonObject{
        {QStringLiteral("commands"), double(commands)},
        {QStringLiteral("errors"), double(errors)},
    };
}

// Reads members with their expected types; the first mismatch is kept as the error.
class Reader
{
public:
    explicit Reader(QString *error) : m_error(error) {}

    bool ok() const { return m_ok; }
    void fail(const QString &why)
    {
        if (m_ok && m_error)
            *m_error = why;
        m_ok = false;
    }

    QJsonValue member(const QJsonObject &o, const char *key, QJsonValue::Type type)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.type() != type) {
            fail(QStringLiteral("member '%1' is missing or has the wrong type").arg(QLatin1String(key)));
            return QJsonValue();
        }
        return v;
    }
    QString string(const QJsonObject &o, const char *key) { return member(o, key, QJsonValue::String).toString(); }
    bool boolean(const QJsonObject &o, const char *key) { return member(o, key, QJsonValue::Bool).toBool(); }
    QJsonObject object(const QJsonObject &o, const char *key) { return member(o, key, QJsonValue::Object).toObject(); }
    QJsonArray array(const QJsonObject &o, const char *key) { return member(o, key, QJsonValue::Array).toArray(); }
    qint64 number(const QJsonObject &o, const char *key)
    {
        const double d = member(o, key, QJsonValue::Double).toDouble();
        if (d < 0 || d > 9007199254740992.0) {
            fail(QStringLiteral("member '%1' is out of range").arg(QLatin1String(key)));
            return 0;
        }
        return qint64(d);
    }
    // A number that fits an int (ids, client counts).
    int smallNumber(const QJsonObject &o, const char *key)
    {
        const qint64 n = number(o, key);
        if (n > std::numeric_limits<int>::max()) {
            fail(QStringLiteral("member '%1' is out of range").arg(QLatin1String(key)));
            return 0;
        }
        return int(n);
    }
    // A time or null.
    QDateTime time(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isNull())
            return QDateTime();
        const QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs).toUTC();
        // Only a time the writer can write back: ISO 8601 has no year 10000 (which a time
        // with an offset in 9999 may be in UTC).
        if (!v.isString() || !t.isValid() || t.toString(Qt::ISODateWithMs).isEmpty())
            fail(QStringLiteral("member '%1' is not a time").arg(QLatin1String(key)));
        return t;
    }

    ChannelStatus channel(const QJsonObject &o)
    {
        ChannelStatus c;
        c.id = smallNumber(o, "id");
        c.method = string(o, "method");
        c.path = string(o, "path");
        c.name = string(o, "name");
        const QString state = string(o, "state");
        const std::optional<ChannelState> parsed = channelStateFromName(state);
        if (!parsed)
            fail(QStringLiteral("unknown channel state '%1'").arg(printable(state)));
        c.state = parsed.value_or(ChannelState::Error);
        c.clients = smallNumber(o, "clients");
        return c;
    }

    CommandRecord command(const QJsonObject &o)
    {
        CommandRecord r;
        r.name = string(o, "name");
        const QString outcome = string(o, "outcome");
        if (outcome != QLatin1String("ok") && outcome != QLatin1String("error"))
            fail(QStringLiteral("unknown outcome '%1'").arg(printable(outcome)));
        r.succeeded = outcome == QLatin1String("ok");
        r.durationMicros = number(o, "duration-us");
        r.finished = time(o, "time");
        return r;
    }

    void counters(const QJsonObject &o, quint64 &commands, quint64 &errors)
    {
        const QJsonObject c = object(o, "counters");
        commands = quint64(number(c, "commands"));
        errors = quint64(number(c, "errors"));
    }

    AgentStatus snapshot(const QJsonObject &o)
    {
        AgentStatus s;
        const int protocol = smallNumber(o, "protocol");
        if (ok() && protocol != ProtocolVersion)
            fail(QStringLiteral("unsupported protocol version %1").arg(protocol));
        const QJsonObject agent = object(o, "agent");
        s.version = string(agent, "version");
        s.pid = number(agent, "pid");
        s.started = time(agent, "started");
        for (const QJsonValue &v : array(o, "channels"))
            s.channels.append(channel(v.toObject()));
        s.frozen = boolean(o, "frozen");
        s.frozenSince = time(o, "frozen-since");
        counters(o, s.commands, s.errors);
        for (const QJsonValue &v : array(o, "recent"))
            s.recent.append(command(v.toObject()));
        return s;
    }

private:
    QString *m_error;
    bool m_ok = true;
};

} // namespace

QString channelStateName(ChannelState state)
{
    for (const StateName &s : StateNames) {
        if (s.state == state)
            return QLatin1String(s.name);
    }
    return QString();
}

std::optional<ChannelState> channelStateFromName(const QString &name)
{
    for (const StateName &s : StateNames) {
        if (name == QLatin1String(s.name))
            return s.state;
    }
    return std::nullopt;
}

bool ChannelStatus::operator==(const ChannelStatus &o) const
{
    return id == o.id && method == o.method && path == o.path && name == o.name && state == o.state
        && clients == o.clients;
}

bool CommandRecord::operator==(const CommandRecord &o) const
{
    return name == o.name && succeeded == o.succeeded && durationMicros == o.durationMicros && finished == o.finished;
}

bool AgentStatus::hostConnected() const
{
    for (const ChannelStatus &c : channels) {
        if (c.clients > 0)
            return true;
    }
    return false;
}

bool AgentStatus::operator==(const AgentStatus &o) const
{
    return version == o.version && pid == o.pid && started == o.started && channels == o.channels
        && frozen == o.frozen && frozenSince == o.frozenSince && commands == o.commands && errors == o.errors
        && recent == o.recent;
}

StatusMessage StatusMessage::makeSnapshot(const AgentStatus &status, const QDateTime &time)
{
    StatusMessage m;
    m.type = Type::Snapshot;
    m.time = time;
    m.snapshot = status;
    return m;
}

StatusMessage StatusMessage::makeChannel(Type type, const ChannelStatus &channel, const QDateTime &time)
{
    StatusMessage m;
    m.type = type;
    m.time = time;
    m.channel = channel;
    return m;
}

StatusMessage StatusMessage::makeCommand(const CommandRecord &record, quint64 commands, quint64 errors)
{
    StatusMessage m;
    m.type = Type::Command;
    m.time = record.finished;
    m.command = record;
    m.commands = commands;
    m.errors = errors;
    return m;
}

StatusMessage StatusMessage::makeFreeze(bool frozen, const QDateTime &time)
{
    StatusMessage m;
    m.type = frozen ? Type::Frozen : Type::Thawed;
    m.time = time;
    return m;
}

QByteArray encodeMessage(const StatusMessage &message)
{
    QJsonObject o;
    for (const TypeName &t : TypeNames) {
        if (t.type == message.type)
            o.insert(QStringLiteral("type"), QLatin1String(t.name));
    }
    o.insert(QStringLiteral("time"), timeValue(message.time));
    switch (message.type) {
    case StatusMessage::Type::Snapshot: {
        const AgentStatus &s = message.snapshot;
        o.insert(QStringLiteral("protocol"), ProtocolVersion);
        o.insert(QStringLiteral("agent"), QJsonObject{
                                              {QStringLiteral("version"), s.version},
                                              {QStringLiteral("pid"), double(s.pid)},
                                              {QStringLiteral("started"), timeValue(s.started)},
                                          });
        QJsonArray channels;
        for (const ChannelStatus &c : s.channels)
            channels.append(channelObject(c));
        o.insert(QStringLiteral("channels"), channels);
        o.insert(QStringLiteral("frozen"), s.frozen);
        o.insert(QStringLiteral("frozen-since"), timeValue(s.frozenSince));
        o.insert(QStringLiteral("counters"), countersObject(s.commands, s.errors));
        QJsonArray recent;
        for (const CommandRecord &r : s.recent)
            recent.append(commandObject(r));
        o.insert(QStringLiteral("recent"), recent);
        break;
    }
    case StatusMessage::Type::ChannelState:
    case StatusMessage::Type::ClientConnected:
    case StatusMessage::Type::ClientDisconnected:
        o.insert(QStringLiteral("channel"), channelObject(message.channel));
        break;
    case StatusMessage::Type::Command:
        o.insert(QStringLiteral("command"), commandObject(message.command));
        o.insert(QStringLiteral("counters"), countersObject(message.commands, message.errors));
        break;
    case StatusMessage::Type::Frozen:
    case StatusMessage::Type::Thawed:
    case StatusMessage::Type::Unknown:
        break;
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

std::optional<StatusMessage> decodeMessage(const QByteArray &line, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        if (error)
            *error = parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                  : QStringLiteral("not a JSON object");
        return std::nullopt;
    }
    const QJsonObject o = document.object();
    Reader read(error);
    StatusMessage m;
    const QString type = read.string(o, "type");
    if (!read.ok())
        return std::nullopt;
    m.type = StatusMessage::Type::Unknown;
    for (const TypeName &t : TypeNames) {
        if (type == QLatin1String(t.name))
            m.type = t.type;
    }
    if (m.type == StatusMessage::Type::Unknown)
        return m;
    m.time = read.time(o, "time");
    switch (m.type) {
    case StatusMessage::Type::Snapshot:
        m.snapshot = read.snapshot(o);
        break;
    case StatusMessage::Type::ChannelState:
    case StatusMessage::Type::ClientConnected:
    case StatusMessage::Type::ClientDisconnected:
        m.channel = read.channel(read.object(o, "channel"));
        break;
    case StatusMessage::Type::Command:
        m.command = read.command(read.object(o, "command"));
        read.counters(o, m.commands, m.errors);
        break;
    case StatusMessage::Type::Frozen:
    case StatusMessage::Type::Thawed:
    case StatusMessage::Type::Unknown:
        break;
    }
    if (!read.ok())
        return std::nullopt;
    return m;
}

void applyMessage(AgentStatus &status, const StatusMessage &message)
{
    switch (message.type) {
    case StatusMessage::Type::Snapshot:
        status = message.snapshot;
        break;
    case StatusMessage::Type::ChannelState:
    case StatusMessage::Type::ClientConnected:
    case StatusMessage::Type::ClientDisconnected:
        for (ChannelStatus &c : status.channels) {
            if (c.id == message.channel.id)
                c = message.channel;
        }
        break;
    case StatusMessage::Type::Command:
        status.commands = message.commands;
        status.errors = message.errors;
        status.recent.prepend(message.command);
        if (status.recent.size() > RecentCommandsKept)
            status.recent.resize(RecentCommandsKept);
        break;
    case StatusMessage::Type::Frozen:
        if (!status.frozen)
            status.frozenSince = message.time;
        status.frozen = true;
        break;
    case StatusMessage::Type::Thawed:
        status.frozen = false;
        status.frozenSince = QDateTime();
        break;
    case StatusMessage::Type::Unknown:
        break;
    }
}

} // namespace qtga::status
