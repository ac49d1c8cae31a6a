// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The decisions of guest-fsfreeze-freeze/-freeze-list/-thaw and guest-fstrim: hook first,
// mount list, frozen state, reverse walk, which errors count, thaw on failure. The kernel side and the agent's frozen state are interfaces so that tests drive the
// logic with fakes; nothing here may run against the development machine's filesystems.
#pragma once

#include "dispatch/command.h"
#include "procparsers.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace qtga {

struct AgentServices;

// open/ioctl/close on mount points, and the mount list they apply to.
class FilesystemControl
{
public:
    virtual ~FilesystemControl() = default;
    // The local filesystems in mount order; false with `error` when the mount table
    // cannot be read.
    virtual bool mounts(std::vector<FsMount> *mounts, QByteArray *error) = 0;
    // open(dir, O_RDONLY): a descriptor, or -errno.
    virtual int openDirectory(const QByteArray &dir) = 0;
    // ioctl(fd, request, arg): 0, or the errno.
    virtual int ioctl(int fd, unsigned long request, void *arg) = 0;
    virtual void close(int fd) = 0;
};

// The real thing: /proc/self/mountinfo (or /proc/self/mounts) and the kernel's ioctls.
class KernelFilesystems : public FilesystemControl
{
public:
    bool mounts(std::vector<FsMount> *mounts, QByteArray *error) override;
    int openDirectory(const QByteArray &dir) override;
    int ioctl(int fd, unsigned long request, void *arg) override;
    void close(int fd) override;
};

// What entering and leaving the frozen state does to the agent (command filters, marker file,
// logging); implemented by FrozenState.
class FrozenStateControl
{
public:
    virtual ~FrozenStateControl() = default;
    virtual bool isFrozen() const = 0;
    virtual void enterFrozen() = 0;
    virtual void leaveFrozen() = 0;
};

struct FreezeHook
{
    static constexpr int DefaultTimeoutSeconds = 60;
    QString path;  // empty: no hook
    int timeoutSeconds = DefaultTimeoutSeconds;
};

class FsFreezer
{
public:
    FsFreezer(FilesystemControl &filesystems, FrozenStateControl &state, FreezeHook hook);

    // The agent's freezer: kernel filesystems, the agent's frozen state, the configured hook.
    static FsFreezer forAgent(AgentServices &services);

    // guest-fsfreeze-freeze (no list) and guest-fsfreeze-freeze-list.
    CommandOutcome freeze(const std::optional<QList<QByteArray>> &mountpoints);
    // guest-fsfreeze-thaw; also what a failed freeze and the freeze watchdog do.
    CommandOutcome thaw();

private:
    // Runs "<hook> freeze|thaw"; the error text, or empty on success (or without a hook).
    QByteArray runHook(const char *step, bool *timedOut = nullptr);

    FilesystemControl &m_filesystems;
    FrozenStateControl &m_state;
    FreezeHook m_hook;
};

// guest-fstrim: FITRIM on every mount, results in reverse mount order.
CommandOutcome trimFilesystems(FilesystemControl &filesystems, int64_t minimum);

KernelFilesystems &kernelFilesystems();

} // namespace qtga
