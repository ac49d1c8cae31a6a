// What a running command can reach: the agent-wide services and its own request's flags.
#pragma once

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

private:
    AgentServices &m_services;
    bool m_delimit = false;
    QByteArray m_auditDetail;
};

} // namespace qtga
