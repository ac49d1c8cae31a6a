// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The agent's status stream (docs/status-api.md): JSON lines over a local socket, one
// `snapshot` when a reader connects, then one line per change. Shared by the agent, which
// writes it, and the tray (or any monitoring tool), which reads it. It carries command names
// and outcomes only, never arguments, file data, passwords or output.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace qtga::status {

inline constexpr int ProtocolVersion = 1;
inline constexpr char DefaultSocketPath[] = "/run/qtga/status.sock";
// How many finished commands a snapshot lists (newest first).
inline constexpr int RecentCommandsKept = 20;

enum class ChannelState { Closed, Listening, HostConnected, WaitingForHost, Retrying, Error };

QString channelStateName(ChannelState state);
std::optional<ChannelState> channelStateFromName(const QString &name);

struct ChannelStatus
{
    int id = 0;           // position in the snapshot's list; events refer to it
    QString method;       // virtio-serial, isa-serial, unix-listen, vsock-listen
    QString path;         // device, socket path or vsock address
    QString name;         // LISTEN_FDNAMES name of a socket-activated channel, else empty
    ChannelState state = ChannelState::Closed;
    int clients = 0;      // connected host peers

    bool operator==(const ChannelStatus &o) const;
    bool operator!=(const ChannelStatus &o) const { return !(*this == o); }
};

struct CommandRecord
{
    QString name;
    bool succeeded = true;
    qint64 durationMicros = 0;
    QDateTime finished;   // UTC

    bool operator==(const CommandRecord &o) const;
};

// Everything a snapshot says; readers keep one up to date by applying events to it.
struct AgentStatus
{
    QString version;
    qint64 pid = 0;
    QDateTime started;
    QList<ChannelStatus> channels;
    bool frozen = false;
    QDateTime frozenSince;        // invalid while thawed
    quint64 commands = 0;
    quint64 errors = 0;
    QList<CommandRecord> recent;  // newest first, at most RecentCommandsKept

    // Whether any channel has a host (or, for listening sockets, a client) connected.
    bool hostConnected() const;
    bool operator==(const AgentStatus &o) const;
};

struct StatusMessage
{
    enum class Type {
        Snapshot,
        ChannelState,
        ClientConnected,
        ClientDisconnected,
        Command,
        Frozen,
        Thawed,
        Unknown,  // a well-formed line of a newer agent: readers skip it
    };

    Type type = Type::Unknown;
    QDateTime time;        // UTC, when it happened
    AgentStatus snapshot;  // Snapshot
    ChannelStatus channel; // ChannelState, ClientConnected, ClientDisconnected: the whole channel
    CommandRecord command; // Command
    quint64 commands = 0;  // Command: totals after this command
    quint64 errors = 0;

    static StatusMessage makeSnapshot(const AgentStatus &status, const QDateTime &time);
    static StatusMessage makeChannel(Type type, const ChannelStatus &channel, const QDateTime &time);
    static StatusMessage makeCommand(const CommandRecord &record, quint64 commands, quint64 errors);
    static StatusMessage makeFreeze(bool frozen, const QDateTime &time);
};

// One line, newline included.
QByteArray encodeMessage(const StatusMessage &message);
// One line with or without its newline; nullopt (and a reason) when it is not a status message.
std::optional<StatusMessage> decodeMessage(const QByteArray &line, QString *error = nullptr);
// Brings `status` up to date with `message`; a snapshot replaces it.
void applyMessage(AgentStatus &status, const StatusMessage &message);

} // namespace qtga::status
