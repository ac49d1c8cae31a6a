// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// What a running command can reach: the agent-wide services and its own request's flags.
#pragma once

#include "jsonvalue.h"

#include <QByteArray>

namespace qtga {

struct Config;
class Dispatcher;
class ExecProcessTable;
class FileHandleTable;
class FrozenState;
class StateStore;

// Agent-wide services shared by all sessions. Commands running on worker threads only use the
// members documented as thread-safe.
struct AgentServices
{
    const Config *config = nullptr;
    StateStore *state = nullptr;          // thread-safe
    const Dispatcher *dispatcher = nullptr;
    FileHandleTable *files = nullptr;     // thread-safe
    ExecProcessTable *processes = nullptr;  // main thread (Inline commands) only
    FrozenState *frozen = nullptr;        // thread-safe
};

class CommandContext
{
public:
    explicit CommandContext(AgentServices &services) : m_services(services) {}

    AgentServices &services() { return m_services; }

    // guest-sync-delimited: put a 0xFF byte in front of this request's response.
    void requestDelimitedResponse() { m_delimit = true; }
    bool delimitedResponseRequested() const { return m_delimit; }

    // A short note for the audit log (the file a guest-file-open named, the program a
    // guest-exec ran). Never arguments that carry data or secrets.
    void setAuditDetail(QByteArray detail) { m_auditDetail = std::move(detail); }
    const QByteArray &auditDetail() const { return m_auditDetail; }

    // Set by the dispatcher when this run owns its arguments (worker commands get their own).
    void setOwnedArguments(JsonValue *arguments) { m_ownedArguments = arguments; }
    // The string member `key` of `args`, taken out of them when this run owns them (the member
    // is left empty: read it last) and shared otherwise. A multi-megabyte argument can then be
    // decoded in its own buffer.
    QByteArray takeStringArgument(const JsonValue &args, const QByteArray &key)
    {
        if (m_ownedArguments == &args) {
            if (JsonValue *value = m_ownedArguments->value(key); value && value->isString())
                return std::move(value->stringRef());
        }
        const JsonValue *value = args.value(key);
        return value ? value->toString() : QByteArray();
    }

private:
    AgentServices &m_services;
    JsonValue *m_ownedArguments = nullptr;
    bool m_delimit = false;
    QByteArray m_auditDetail;
};

} // namespace qtga
