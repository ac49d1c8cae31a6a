// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "fsfreezer.h"

#include "childprocess.h"
#include "config.h"
#include "dispatch/commandcontext.h"
#include "frozenstate.h"

#include <QLoggingCategory>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcFsfreeze, "qtga.fsfreeze")

namespace qtga {

namespace {

SourceDevice statSource(const QByteArray &source)
{
    SourceDevice device;
    struct stat st;
    if (::stat(source.constData(), &st) < 0) {
        qCInfo(lcFsfreeze) << "failed to stat device file" << source << strerror(errno);
        return device;
    }
    if (S_ISDIR(st.st_mode)) {
        device.kind = SourceDevice::Kind::Directory;
    } else if (S_ISBLK(st.st_mode)) {
        device.kind = SourceDevice::Kind::BlockDevice;
        device.major = ::major(st.st_rdev);
        device.minor = ::minor(st.st_rdev);
    }
    return device;
}

class OpenDirectory
{
public:
    OpenDirectory(FilesystemControl &fs, const QByteArray &dir) : m_fs(fs), m_fd(fs.openDirectory(dir)) {}
    ~OpenDirectory()
    {
        if (m_fd >= 0)
            m_fs.close(m_fd);
    }
    OpenDirectory(const OpenDirectory &) = delete;
    OpenDirectory &operator=(const OpenDirectory &) = delete;
    bool valid() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    int error() const { return -m_fd; }

private:
    FilesystemControl &m_fs;
    int m_fd;
};

} // namespace

bool KernelFilesystems::mounts(std::vector<FsMount> *mounts, QByteArray *error)
{
    QByteArray text;
    if (readSystemFile("/proc/self/mountinfo", &text)) {
        *mounts = parseMountInfo(text, statSource);
        return true;
    }
    if (!readSystemFile("/proc/self/mounts", &text)) {
        *error = "failed to open mtab file: '/proc/self/mounts'";
        return false;
    }
    *mounts = parseMtab(text, statSource);
    return true;
}

int KernelFilesystems::openDirectory(const QByteArray &dir)
{
    const int fd = ::open(dir.constData(), O_RDONLY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int KernelFilesystems::ioctl(int fd, unsigned long request, void *arg)
{
    return ::ioctl(fd, request, arg) < 0 ? errno : 0;
}

void KernelFilesystems::close(int fd)
{
    ::close(fd);
}

KernelFilesystems &kernelFilesystems()
{
    static KernelFilesystems filesystems;
    return filesystems;
}

FsFreezer::FsFreezer(FilesystemControl &filesystems, FrozenStateControl &state, FreezeHook hook)
    : m_filesystems(filesystems), m_state(state), m_hook(std::move(hook))
{
}

FsFreezer FsFreezer::forAgent(AgentServices &services)
{
    const Config &config = *services.config;
    return FsFreezer(kernelFilesystems(), *services.frozen,
                     FreezeHook{config.fsfreezeHook,
                                config.fsfreezeHookTimeout.value_or(FreezeHook::DefaultTimeoutSeconds)});
}

QByteArray FsFreezer::runHook(const char *step, bool *timedOut)
{
    if (m_hook.path.isEmpty())
        return {};
    qCInfo(lcFsfreeze, "executing fsfreeze hook with arg '%s'", step);
    ChildOptions options;
    options.timeoutMs = m_hook.timeoutSeconds * 1000;
    const ChildResult result = runChild({m_hook.path, QString::fromLatin1(step)}, options);
    if (timedOut)
        *timedOut = result.timedOut;
    if (result.timedOut) {
        // The hook's whole process group has been killed.
        return "fsfreeze hook '" + m_hook.path.toLocal8Bit() + " " + step + "' did not finish within "
            + QByteArray::number(m_hook.timeoutSeconds) + " seconds and was killed";
    }
    return childFailureMessage("execute fsfreeze hook", result);
}

CommandOutcome FsFreezer::freeze(const std::optional<QList<QByteArray>> &mountpoints)
{
    qCInfo(lcFsfreeze, "guest-fsfreeze called");
    bool hookTimedOut = false;
    const QByteArray hookError = runHook("freeze", &hookTimedOut);
    if (!hookError.isEmpty()) {
        // A hook killed half-way may have quiesced something: let it undo that.
        if (hookTimedOut) {
            const QByteArray thawError = runHook("thaw");
            if (!thawError.isEmpty())
                qCWarning(lcFsfreeze).noquote() << "fsfreeze hook thaw after a timed-out freeze failed:" << thawError;
        }
        return CommandOutcome::fail(hookError);
    }

    std::vector<FsMount> mounts;
    QByteArray error;
    if (!m_filesystems.mounts(&mounts, &error))
        return CommandOutcome::fail(error);

    // From here on nothing may write to a filesystem that could be frozen: commands outside the
    // freeze allow-list are disabled and logging stops.
    m_state.enterFrozen();
    int64_t frozen = 0;
    for (auto it = mounts.rbegin(); it != mounts.rend() && error.isEmpty(); ++it) {
        if (mountpoints && !mountpoints->contains(it->dir))
            continue;
        OpenDirectory dir(m_filesystems, it->dir);
        if (!dir.valid()) {
            error = "failed to open " + it->dir + errnoSuffix(dir.error());
            break;
        }
        // EOPNOTSUPP: the filesystem cannot freeze; EBUSY: already frozen (a second mount of
        // it). Neither is counted nor an error.
        const int err = m_filesystems.ioctl(dir.fd(), FIFREEZE, nullptr);
        if (err == 0)
            ++frozen;
        else if (err != EOPNOTSUPP && err != EBUSY)
            error = "failed to freeze " + it->dir + errnoSuffix(err);
    }
    if (!error.isEmpty()) {
        // Undo what was frozen, the thaw hook included; the freeze error is what is reported.
        thaw();
        return CommandOutcome::fail(error);
    }
    if (frozen == 0)
        m_state.leaveFrozen();  // nothing to thaw
    return CommandOutcome::ok(JsonValue(frozen));
}

CommandOutcome FsFreezer::thaw()
{
    std::vector<FsMount> mounts;
    QByteArray error;
    if (!m_filesystems.mounts(&mounts, &error))
        return CommandOutcome::fail(error);
    int64_t thawed = 0;
    for (const FsMount &mount : mounts) {
        OpenDirectory dir(m_filesystems, mount.dir);
        if (!dir.valid())
            continue;
        // Each FIFREEZE needs its own FITHAW; the first failure means it is thawed. A mount
        // counts once, whatever the number of calls.
        bool counted = false;
        while (m_filesystems.ioctl(dir.fd(), FITHAW, nullptr) == 0) {
            if (!counted)
                ++thawed;
            counted = true;
        }
    }
    m_state.leaveFrozen();
    qCInfo(lcFsfreeze, "guest-fsthaw called");
    const QByteArray hookError = runHook("thaw");
    if (!hookError.isEmpty())
        return CommandOutcome::fail(hookError);
    return CommandOutcome::ok(JsonValue(thawed));
}

CommandOutcome trimFilesystems(FilesystemControl &filesystems, int64_t minimum)
{
    qCInfo(lcFsfreeze, "guest-fstrim called");
    std::vector<FsMount> mounts;
    QByteArray error;
    if (!filesystems.mounts(&mounts, &error))
        return CommandOutcome::fail(error);
    JsonValue::Array paths;
    for (const FsMount &mount : mounts) {
        JsonValue result = JsonValue::object();
        result.insert("path", mount.dir);
        OpenDirectory dir(filesystems, mount.dir);
        if (!dir.valid()) {
            result.insert("error", "failed to open" + errnoSuffix(dir.error()));
        } else {
            fstrim_range range{};
            range.start = 0;
            range.len = ~uint64_t(0);
            range.minlen = uint64_t(minimum);
            const int err = filesystems.ioctl(dir.fd(), FITRIM, &range);
            if (err == ENOTTY || err == EOPNOTSUPP) {
                result.insert("error", "trim not supported");
            } else if (err != 0) {
                result.insert("error", "failed to trim" + errnoSuffix(err));
            } else {
                // The kernel reports the bytes trimmed in len and the minimum it used in minlen.
                result.insert("trimmed", int64_t(range.len));
                result.insert("minimum", int64_t(range.minlen));
            }
        }
        paths.insert(paths.begin(), std::move(result));
    }
    JsonValue response = JsonValue::object();
    response.insert("paths", JsonValue(std::move(paths)));
    return CommandOutcome::ok(std::move(response));
}

} // namespace qtga
