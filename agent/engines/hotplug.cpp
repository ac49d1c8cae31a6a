// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "hotplug.h"

#include "dispatch/command.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace qtga {

namespace {

class Fd
{
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }

private:
    int m_fd;
};

class Dir
{
public:
    explicit Dir(const QByteArray &path) : m_dir(::opendir(path.constData())) {}
    ~Dir()
    {
        if (m_dir)
            ::closedir(m_dir);
    }
    Dir(const Dir &) = delete;
    Dir &operator=(const Dir &) = delete;
    bool valid() const { return m_dir != nullptr; }
    dirent *next() { return ::readdir(m_dir); }

private:
    DIR *m_dir;
};

// qemu-ga's ga_read_sysfs_file: `err` is the errno of the failed open or read, 0 for an empty
// file (callers tell a missing file by ENOENT).
struct SysfsRead
{
    bool ok = false;
    int err = 0;
    QByteArray message;
    QByteArray data;
};

SysfsRead readSysfsFile(int dirFd, const char *name, int size)
{
    SysfsRead r;
    Fd fd(::openat(dirFd, name, O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
        r.err = errno;
        r.message = "open sysfs file \"" + QByteArray(name) + "\"" + errnoSuffix(r.err);
        return r;
    }
    QByteArray buffer(size, '\0');
    const ssize_t n = ::pread(fd.get(), buffer.data(), size_t(size), 0);
    if (n < 0) {
        r.err = errno;
        r.message = "pread sysfs file \"" + QByteArray(name) + "\"" + errnoSuffix(r.err);
    } else if (n == 0) {
        r.message = "pread sysfs file \"" + QByteArray(name) + "\": unexpected EOF";
    } else {
        r.ok = true;
        r.data = buffer.left(n);
    }
    return r;
}

// Reads (and, for `want`, changes) one cpuN/online; the empty result means success.
QByteArray transferVcpu(const QByteArray &dirPath, int64_t id, bool *online, bool *canOffline,
                        const bool *want)
{
    Fd dir(::open(dirPath.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid())
        return "Could not open '" + dirPath + "'" + errnoSuffix(errno);
    Fd file(::openat(dir.get(), "online", (want ? O_RDWR : O_RDONLY) | O_CLOEXEC));
    if (!file.valid()) {
        if (errno != ENOENT)
            return "could not open " + dirPath + "/online" + errnoSuffix(errno);
        // No online file (usually cpu0): the processor cannot be taken offline.
        if (!want) {
            *online = true;
            *canOffline = false;
        } else if (!*want) {
            return "logical processor #" + QByteArray::number(qlonglong(id)) + " can't be offlined";
        }
        return {};
    }
    char status = 0;
    const ssize_t n = ::pread(file.get(), &status, 1, 0);
    if (n < 0)
        return "pread(\"" + dirPath + "/online\")" + errnoSuffix(errno);
    if (n == 0)
        return "pread(\"" + dirPath + "/online\"): unexpected EOF";
    const bool isOnline = status != '0';
    if (!want) {
        *online = isOnline;
        *canOffline = true;
    } else if (*want != isOnline) {
        const char wanted = *want ? '1' : '0';
        if (::pwrite(file.get(), &wanted, 1, 0) < 0)
            return "pwrite(\"" + dirPath + "/online\")" + errnoSuffix(errno);
    }
    return {};
}

} // namespace

CpuHotplug::CpuHotplug(QByteArray cpuDir) : m_dir(std::move(cpuDir)) {}

CommandOutcome CpuHotplug::list() const
{
    Dir dir(m_dir);
    if (!dir.valid())
        return CommandOutcome::fail("failed to list entries: " + m_dir + errnoSuffix(errno));
    JsonValue vcpus = JsonValue::array();
    while (dirent *entry = dir.next()) {
        int64_t id = 0;
        if (std::sscanf(entry->d_name, "cpu%" SCNd64, &id) != 1)
            continue;
        bool online = false;
        bool canOffline = false;
        const QByteArray error = transferVcpu(m_dir + "/cpu" + QByteArray::number(qlonglong(id)) + "/", id,
                                              &online, &canOffline, nullptr);
        if (!error.isEmpty())
            return CommandOutcome::fail(error);
        JsonValue vcpu = JsonValue::object();
        vcpu.insert("logical-id", id);
        vcpu.insert("online", online);
        vcpu.insert("can-offline", canOffline);
        vcpus.append(std::move(vcpu));
    }
    return CommandOutcome::ok(std::move(vcpus));
}

CommandOutcome CpuHotplug::apply(const JsonValue &vcpus) const
{
    int64_t processed = 0;
    for (const JsonValue &vcpu : vcpus.items()) {
        const int64_t id = vcpu.value("logical-id")->toInt();
        const bool want = vcpu.value("online")->toBool();
        const QByteArray error = transferVcpu(m_dir + "/cpu" + QByteArray::number(qlonglong(id)) + "/", id,
                                              nullptr, nullptr, &want);
        if (!error.isEmpty()) {
            if (processed == 0)
                return CommandOutcome::fail(error);
            break;
        }
        ++processed;
    }
    return CommandOutcome::ok(JsonValue(processed));
}

MemoryHotplug::MemoryHotplug(QByteArray memoryDir) : m_dir(std::move(memoryDir)) {}

CommandOutcome MemoryHotplug::list() const
{
    Dir dir(m_dir);
    if (!dir.valid()) {
        // A kernel without memory hotplug has no such directory: nothing to report.
        if (errno == ENOENT)
            return CommandOutcome::ok(JsonValue::array());
        return CommandOutcome::fail("Can't open directory\"" + m_dir + "\"" + errnoSuffix(errno));
    }
    JsonValue blocks = JsonValue::array();
    while (dirent *entry = dir.next()) {
        if (std::strncmp(entry->d_name, "memory", 6) != 0 || !(entry->d_type & DT_DIR))
            continue;
        const uint64_t index = std::strtoull(entry->d_name + 6, nullptr, 10);
        const QByteArray blockPath = m_dir + "memory" + QByteArray::number(qulonglong(index)) + "/";
        Fd blockDir(::open(blockPath.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!blockDir.valid())
            return CommandOutcome::fail("Could not open '" + blockPath + "'" + errnoSuffix(errno));
        bool online = true;
        bool canOffline = false;
        const SysfsRead state = readSysfsFile(blockDir.get(), "state", 10);
        if (state.ok) {
            online = state.data.startsWith("online");
            const SysfsRead removable = readSysfsFile(blockDir.get(), "removable", 1);
            if (removable.ok)
                canOffline = removable.data[0] != '0';
            else if (removable.err != ENOENT)
                return CommandOutcome::fail(removable.message);
        } else if (state.err != ENOENT) {
            return CommandOutcome::fail(state.message);
        }
        JsonValue block = JsonValue::object();
        block.insert("phys-index", index);
        block.insert("online", online);
        block.insert("can-offline", canOffline);
        blocks.append(std::move(block));
    }
    if (blocks.items().empty())
        return CommandOutcome::fail("guest reported zero memory blocks!");
    return CommandOutcome::ok(std::move(blocks));
}

JsonValue MemoryHotplug::applyOne(uint64_t index, bool online) const
{
    JsonValue result = JsonValue::object();
    result.insert("phys-index", index);
    const auto failed = [&result](const char *response, int err) {
        result.insert("response", response);
        result.insert("error-code", int64_t(err));
        return result;
    };
    {
        Dir dir(m_dir);
        if (!dir.valid()) {
            // qemu-ga answers "success" (with the error code) when the directory exists but
            // cannot be opened; that is reported as the failure it is.
            return failed(errno == ENOENT ? "operation-not-supported" : "operation-failed", errno);
        }
    }
    const QByteArray blockPath = m_dir + "memory" + QByteArray::number(qulonglong(index)) + "/";
    Fd blockDir(::open(blockPath.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!blockDir.valid())
        return failed(errno == ENOENT ? "not-found" : "operation-failed", errno);
    const SysfsRead state = readSysfsFile(blockDir.get(), "state", 10);
    if (!state.ok) {
        if (state.err != ENOENT)
            return failed("operation-failed", state.err);
        // An old kernel without a state file: online blocks are fine as they are, and qemu-ga
        // still reports the errno alongside "success".
        return failed(online ? "success" : "operation-not-supported", state.err);
    }
    if (online != state.data.startsWith("online")) {
        const QByteArray wanted = online ? "online" : "offline";
        Fd file(::openat(blockDir.get(), "state", O_WRONLY | O_CLOEXEC));
        if (!file.valid() || ::pwrite(file.get(), wanted.constData(), size_t(wanted.size()), 0) < 0)
            return failed("operation-failed", errno);
    }
    result.insert("response", "success");
    return result;
}

CommandOutcome MemoryHotplug::apply(const JsonValue &blocks) const
{
    JsonValue results = JsonValue::array();
    for (const JsonValue &block : blocks.items())
        results.append(applyOne(block.value("phys-index")->toUInt(), block.value("online")->toBool()));
    return CommandOutcome::ok(std::move(results));
}

CommandOutcome MemoryHotplug::blockInfo() const
{
    Fd dir(::open(m_dir.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid())
        return CommandOutcome::fail("open(\"" + m_dir + "\")" + errnoSuffix(errno));
    const SysfsRead size = readSysfsFile(dir.get(), "block_size_bytes", 20);
    if (!size.ok)
        return CommandOutcome::fail(size.message);
    JsonValue info = JsonValue::object();
    info.insert("size", uint64_t(std::strtol(size.data.constData(), nullptr, 16)));
    return CommandOutcome::ok(std::move(info));
}

} // namespace qtga
