// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Command line and key file of qtga-agent: the qemu-ga options plus qtga's own.
#pragma once

#include "qtga_version.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace qtga {

// Where qemu-ga looks for its key file unless QGA_CONF or -c say otherwise (/etc/qemu/qemu-ga.conf
// when installed into /usr).
inline constexpr char DefaultConfigPath[] = QTGA_CONFIG_DIR "/qemu-ga.conf";

struct ChannelSpec {
    QString method;  // virtio-serial, isa-serial, unix-listen, vsock-listen
    QString path;    // empty: the method's default (virtio/isa) or an error (unix/vsock)

    bool operator==(const ChannelSpec &o) const { return method == o.method && path == o.path; }
};

// The peers a vsock-listen channel accepts, by CID: the host (VMADDR_CID_HOST) unless
// --vsock-allow or the key vsock-allow= says otherwise.
struct VsockAllowList {
    static constexpr quint32 LocalCid = 1;  // VMADDR_CID_LOCAL: the guest itself
    static constexpr quint32 HostCid = 2;   // VMADDR_CID_HOST

    bool any = false;              // every peer, whatever its CID
    QList<quint32> cids{HostCid};  // in the order given, each once

    bool allows(quint32 cid) const { return any || cids.contains(cid); }
    bool isDefault() const { return *this == VsockAllowList(); }
    // "any" or the CIDs as numbers, e.g. "2,1": what --dump-conf writes, and parses back.
    QString text() const;

    bool operator==(const VsockAllowList &o) const { return any == o.any && cids == o.cids; }
    bool operator!=(const VsockAllowList &o) const { return !(*this == o); }
};

// Parses --vsock-allow: comma-separated CIDs (decimal, up to 4294967294) and the words host (2),
// local (1) and any; blanks around an item are ignored. nullopt for an empty list, an empty
// item or anything else.
std::optional<VsockAllowList> parseVsockAllowList(const QString &text);

struct Config {
    bool daemonize = false;
    QString method;          // empty until defaults are filled in
    QString path;
    QString logFile;         // empty: stderr
    QString pidFile;
    QString fsfreezeHook;    // empty: hook disabled
    QString stateDir;
    bool verbose = false;
    bool retryPath = false;
    // Kept in the order qemu-ga keeps them: every split list is prepended, so `-b a,b` is {b, a}.
    QStringList blockRpcs;
    QStringList allowRpcs;
    // qtga additions: further channels besides -m/-p ("method:path", repeatable).
    QList<ChannelSpec> extraChannels;
    // Seconds a freeze or thaw hook may run before its process group is killed (unset: 60).
    std::optional<int> fsfreezeHookTimeout;
    // Seconds after a freeze without a thaw before the agent thaws by itself (unset: never).
    std::optional<int> fsfreezeWatchdog;
    // The status socket for the tray (unset: /run/qtga/status.sock; empty or "none": off),
    // its file mode (unset: 0660) and group (unset: qtga).
    std::optional<QString> statusSocket;
    std::optional<int> statusSocketMode;
    std::optional<QString> statusSocketGroup;
    // The audit log: one line per command, routine polls summed up every `auditPollInterval`
    // seconds (unset: 300).
    bool audit = true;
    std::optional<int> auditPollInterval;
    // Which peers vsock-listen channels (socket-activated ones too) accept.
    VsockAllowList vsockAllow;

    // Where the key file came from, for messages.
    QString configPath;
};

// What main() should do once the arguments are read.
enum class StartupAction { Run, DumpConf, SelfTest, PrintVersion, PrintHelp, ListCommands, Exit };

struct ParsedCommandLine {
    Config config;
    StartupAction action = StartupAction::Run;
    int exitCode = 0;          // for StartupAction::Exit
    QByteArray output;         // text for stdout (help, version, dump-conf, errors meant for stdout)
    QByteArray errorOutput;    // text for stderr
};

// Parses argv exactly like qemu-ga: a first pass for -c, then the key file (QGA_CONF or the
// default path, missing file ignored unless named with -c), then every option on top.
// `defaultConfigPath` is /etc/qemu/qemu-ga.conf in production and a fixture path in tests.
ParsedCommandLine parseCommandLine(const QStringList &arguments, const QString &defaultConfigPath);

// Fills in the defaults main() applies before --dump-conf (method, path, pidfile, statedir).
void applyDefaults(Config &config);

// The --dump-conf text, byte for byte.
QByteArray dumpConfig(const Config &config);

// Parses "unix-listen:/path" style extra channel arguments; nullopt when the method is unknown.
std::optional<ChannelSpec> parseChannelSpec(const QString &text);

} // namespace qtga
