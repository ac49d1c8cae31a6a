// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-ssh-get/add/remove-authorized-keys: ~user/.ssh/authorized_keys, read and
// written line by line the way qemu-ga does, replaced atomically and owned by the user.
//
// The agent is root, and ~/.ssh belongs to the user, who may put anything there at any moment:
// a symlink to root's files, a FIFO, a hard link, or a directory swapped for a symlink between
// two system calls. So nothing below the home directory is ever looked up by path: the home
// directory is opened once (its path comes from the password database, which only root writes,
// so a symlink there is followed), ~/.ssh is opened relative to it with O_NOFOLLOW (or made with
// mkdirat() and then opened so), the keys file relative to ~/.ssh with O_NOFOLLOW and O_NONBLOCK
// and checked with fstat() before a byte is read, and the new file is created, chowned,
// chmodded and renamed into place relative to that same ~/.ssh descriptor.
//
// Taking the user's identity for the filesystem (setfsuid()/setfsgid()) instead would also keep
// root's files out of reach, but the fs ids belong to the thread, these commands run on the
// shared worker pool, and the kernel would still open a FIFO or read /dev/zero for the user.
// Descriptors need neither care nor trust in the next command on the same thread.
#include "dispatch/commandregistry.h"

#include <QByteArrayList>
#include <QLoggingCategory>
#include <QRandomGenerator>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace qtga {

namespace {

Q_LOGGING_CATEGORY(lcSsh, "qtga.ssh")

constexpr char OpenQuote[] = "\xe2\x80\x9c";
constexpr char CloseQuote[] = "\xe2\x80\x9d";

// The largest authorized_keys read or written. A key line is at most a few KiB (some 750 bytes
// for RSA 4096), so 1 MiB holds well over a thousand keys; the cap keeps a huge or endless file
// from filling the agent's memory and the answer of guest-ssh-get-authorized-keys.
constexpr qint64 MaxKeysFileSize = 1024 * 1024;

struct User
{
    uid_t uid = 0;
    gid_t gid = 0;
    QByteArray home;
    QByteArray sshDir() const { return home + "/.ssh"; }
    QByteArray keysPath() const { return home + "/.ssh/authorized_keys"; }
    // Owners whose files under ~/.ssh the agent reads and writes: the user, and root (an
    // administrator's own files; a user cannot make a file root's).
    bool mayOwn(uid_t owner) const { return owner == uid || owner == 0; }
};

QByteArray strerrorText(int err)
{
    return QByteArray(std::strerror(err));
}

QByteArray quoted(const QByteArray &path)
{
    return OpenQuote + path + CloseQuote;
}

// A file descriptor that is closed with its owner.
class Descriptor
{
public:
    Descriptor() = default;
    explicit Descriptor(int fd) : m_fd(fd) {}
    Descriptor(Descriptor &&other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Descriptor &operator=(Descriptor &&other) noexcept
    {
        std::swap(m_fd, other.m_fd);
        return *this;
    }
    Descriptor(const Descriptor &) = delete;
    Descriptor &operator=(const Descriptor &) = delete;
    ~Descriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int get() const { return m_fd; }
    bool isValid() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

// Why the old keys could not be read. `text` is what follows "failed to read '...': "; left
// empty by a failed open of ~ or ~/.ssh, which qemu-ga, opening the whole path, reports as a
// failed open of the file. `refused` marks a check of this file (a symlink, not a regular file,
// the wrong owner, too large) rather than the system: qemu-ga's add starts afresh when the old
// keys cannot be read, but what this file refuses to read, it also refuses to replace unseen.
struct Failure
{
    int err = 0;
    QByteArray text;
    bool refused = false;
    // qemu-ga's remove does nothing when access() says the file is not there.
    bool missing() const { return !refused && (err == ENOENT || err == ENOTDIR); }
};

Failure refusal(QByteArray text)
{
    return Failure{0, std::move(text), true};
}

QByteArray readError(const User &user, const Failure &failure)
{
    const QByteArray path = user.keysPath();
    return "failed to read '" + path + "': "
           + (failure.text.isEmpty() ? "Failed to open file " + quoted(path) + ": " + strerrorText(failure.err)
                                     : failure.text);
}

std::optional<QByteArray> checkKeys(const JsonValue &keys)
{
    for (const JsonValue &key : keys.items()) {
        const QByteArray &k = key.toString();
        if (k.startsWith('#') || k.contains('\n'))
            return "invalid OpenSSH public key: '" + k + "'";
    }
    return std::nullopt;
}

// getpwnam_r through GLib's g_unix_get_passwd_entry(): a user that does not exist reports the
// errno-style result of the lookup, which is "Success".
std::optional<User> lookUpUser(const QByteArray &name, QByteArray *error)
{
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd *found = nullptr;
    int rc;
    while ((rc = getpwnam_r(name.constData(), &entry, buffer.data(), buffer.size(), &found)) == ERANGE)
        buffer.resize(buffer.size() * 2);
    if (!found) {
        *error = "failed to lookup user '" + name + "': " + strerrorText(rc);
        return std::nullopt;
    }
    return User{entry.pw_uid, entry.pw_gid, QByteArray(entry.pw_dir)};
}

// ~/.ssh relative to the home directory, never through a symlink, and only if the user or root
// owns it. Invalid, with `failure` set, when it cannot be used.
Descriptor openSshDir(const User &user, int homeFd, Failure *failure)
{
    Descriptor dir(::openat(homeFd, ".ssh", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    const QByteArray refused = "Failed to open directory " + quoted(user.sshDir()) + ": ";
    if (!dir.isValid()) {
        const int err = errno;
        // With O_DIRECTORY, a symlink fails as ENOTDIR; it is named for what it is.
        struct stat st;
        if ((err == ENOTDIR || err == ELOOP) && ::fstatat(homeFd, ".ssh", &st, AT_SYMLINK_NOFOLLOW) == 0
            && S_ISLNK(st.st_mode)) {
            *failure = refusal(refused + strerrorText(ELOOP));
        } else {
            *failure = Failure{err, {}, false};
        }
        return dir;
    }
    struct stat st;
    if (::fstat(dir.get(), &st) < 0) {
        *failure = Failure{errno, {}, false};
        return Descriptor();
    }
    if (!user.mayOwn(st.st_uid)) {
        *failure = refusal(refused + "Not owned by the user or root");
        return Descriptor();
    }
    return dir;
}

// The home directory and ~/.ssh in it, as far as they open.
struct KeysDir
{
    Descriptor home;
    Descriptor ssh;
    Failure failure;
};

KeysDir openKeysDir(const User &user)
{
    KeysDir dir;
    dir.home = Descriptor(::open(user.home.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.home.isValid())
        dir.failure = Failure{errno, {}, false};
    else
        dir.ssh = openSshDir(user, dir.home.get(), &dir.failure);
    return dir;
}

// g_file_get_contents() and g_strsplit(contents, "\n", -1): an empty file has no lines, a
// trailing newline leaves an empty last line. Read only from a regular file (O_NONBLOCK: opening
// a FIFO does not wait for a writer; it has no effect on reading a regular file), owned by the
// user, or by root and not hard-linked from elsewhere, of at most MaxKeysFileSize bytes.
std::optional<QByteArrayList> readKeys(const User &user, int sshFd, Failure *failure)
{
    const QByteArray path = user.keysPath();
    const QByteArray openFailed = "Failed to open file " + quoted(path) + ": ";
    const QByteArray tooLarge = "File " + quoted(path) + " is too large (more than "
                                + QByteArray::number(MaxKeysFileSize) + " bytes)";
    const Descriptor fd(::openat(sshFd, "authorized_keys", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd.isValid()) {
        const int err = errno;
        // ELOOP: the file is a symlink.
        *failure = Failure{err, openFailed + strerrorText(err), err == ELOOP};
        return std::nullopt;
    }
    struct stat st;
    if (::fstat(fd.get(), &st) < 0) {
        const int err = errno;
        *failure = Failure{err, "Failed to get attributes of file " + quoted(path) + ": fstat() failed: " + strerrorText(err), false};
        return std::nullopt;
    }
    if (S_ISDIR(st.st_mode)) {
        // Harmless to read, and failing as in qemu-ga, where GLib reads what is not a regular
        // file through stdio.
        *failure = Failure{EISDIR, "Error reading file " + quoted(path) + ": " + strerrorText(EISDIR), false};
        return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
        *failure = refusal(openFailed + "Not a regular file");
        return std::nullopt;
    }
    if (!user.mayOwn(st.st_uid)) {
        *failure = refusal(openFailed + "Not owned by the user or root");
        return std::nullopt;
    }
    // Root's file under the user's name can be a hard link to anything of root's on the same
    // filesystem (where fs.protected_hardlinks is off).
    if (st.st_uid != user.uid && st.st_nlink > 1) {
        *failure = refusal(openFailed + "Owned by root and has other hard links");
        return std::nullopt;
    }
    if (st.st_size > MaxKeysFileSize) {
        *failure = refusal(tooLarge);
        return std::nullopt;
    }
    QByteArray contents;
    contents.reserve(qsizetype(st.st_size));
    char chunk[16384];
    for (;;) {
        const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int err = errno;
            *failure = Failure{err, "Failed to read from file " + quoted(path) + ": " + strerrorText(err), false};
            return std::nullopt;
        }
        if (n == 0)
            break;
        if (contents.size() + n > MaxKeysFileSize) {  // it grew since fstat()
            *failure = refusal(tooLarge);
            return std::nullopt;
        }
        contents.append(chunk, n);
    }
    if (contents.isEmpty())
        return QByteArrayList();
    return contents.split('\n');
}

// mkdir(), chown() and chmod() as qemu-ga does them, with its texts, but on descriptors: the
// directory is made relative to the home directory and then opened without following a
// symlink, so that ownership and mode go to the directory just made (or to one the user put in
// its place, which is theirs anyway), never to a symlink's target.
bool makeSshDir(const User &user, KeysDir &dir, QByteArray *error)
{
    const QByteArray path = user.sshDir();
    const QByteArray cannotCreate = "failed to create directory '" + path + "': ";
    if (!dir.home.isValid()) {
        *error = cannotCreate + strerrorText(dir.failure.err);
        return false;
    }
    if (::mkdirat(dir.home.get(), ".ssh", 0700) < 0) {
        *error = cannotCreate + strerrorText(errno);
        return false;
    }
    Failure failure;
    dir.ssh = openSshDir(user, dir.home.get(), &failure);
    if (!dir.ssh.isValid()) {
        *error = failure.refused ? "failed to write to '" + user.keysPath() + "': " + failure.text
                                 : cannotCreate + strerrorText(failure.err);
        return false;
    }
    if (::fchown(dir.ssh.get(), user.uid, user.gid) < 0) {
        *error = "failed to set ownership of directory '" + path + "': " + strerrorText(errno);
        return false;
    }
    if (::fchmod(dir.ssh.get(), 0700) < 0) {
        *error = "failed to set permissions of directory '" + path + "': " + strerrorText(errno);
        return false;
    }
    return true;
}

bool writeAll(int fd, const QByteArray &data)
{
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        done += n;
    }
    return true;
}

// mkostemp()'s six characters.
QByteArray temporaryName()
{
    static constexpr char Letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QByteArray name = "authorized_keys.XXXXXX";
    for (qsizetype i = name.size() - 6; i < name.size(); ++i)
        name[i] = Letters[QRandomGenerator::global()->bounded(int(sizeof Letters - 1))];
    return name;
}

// The lines joined with '\n' into a temporary file next to the target, owned by the user with
// mode 0600 before it replaces the old file in one rename: sshd never sees a partial file or one
// with the wrong owner. The temporary file is created (O_EXCL, O_NOFOLLOW) and renamed relative
// to the ~/.ssh descriptor, and chowned and chmodded through its own descriptor.
bool writeKeys(const User &user, int sshFd, const QByteArrayList &lines, QByteArray *error)
{
    const QByteArray path = user.keysPath();
    const QByteArray contents = lines.join('\n');
    if (contents.size() > MaxKeysFileSize) {
        *error = "failed to write to '" + path + "': File " + quoted(path) + " would be too large (more than "
                 + QByteArray::number(MaxKeysFileSize) + " bytes)";
        return false;
    }
    QByteArray name;
    int fd = -1;
    int err = 0;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        name = temporaryName();
        fd = ::openat(sshFd, name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        err = errno;
        if (fd < 0 && err != EEXIST)
            break;
    }
    const QByteArray temp = user.sshDir() + '/' + name;
    if (fd < 0) {
        *error = "failed to write to '" + path + "': Failed to create file " + quoted(temp) + ": " + strerrorText(err);
        return false;
    }
    const auto fail = [&](QByteArray message) {
        ::close(fd);
        ::unlinkat(sshFd, name.constData(), 0);
        *error = std::move(message);
        return false;
    };
    // g_file_set_contents()'s texts.
    if (!writeAll(fd, contents))
        return fail("failed to write to '" + path + "': Failed to write file " + quoted(temp) + ": write() failed: " + strerrorText(errno));
    if (::fsync(fd) < 0)
        return fail("failed to write to '" + path + "': Failed to write file " + quoted(temp) + ": fsync() failed: " + strerrorText(errno));
    // qemu-ga's texts, "directory" included, although this is the file.
    if (::fchown(fd, user.uid, user.gid) < 0)
        return fail("failed to set ownership of directory '" + path + "': " + strerrorText(errno));
    if (::fchmod(fd, 0600) < 0)
        return fail("failed to set permissions of '" + path + "': " + strerrorText(errno));
    if (::renameat(sshFd, name.constData(), sshFd, "authorized_keys") < 0) {
        return fail("failed to write to '" + path + "': Failed to rename file " + quoted(temp) + " to " + quoted(path)
                    + ": g_rename() failed: " + strerrorText(errno));
    }
    ::close(fd);
    return true;
}

CommandOutcome guestSshGetAuthorizedKeys(const JsonValue &args, CommandContext &)
{
    QByteArray error;
    const std::optional<User> user = lookUpUser(args.value("username")->toString(), &error);
    if (!user)
        return CommandOutcome::fail(error);
    const KeysDir dir = openKeysDir(*user);
    Failure failure = dir.failure;
    const std::optional<QByteArrayList> lines = dir.ssh.isValid() ? readKeys(*user, dir.ssh.get(), &failure) : std::nullopt;
    if (!lines)
        return CommandOutcome::fail(readError(*user, failure));
    // qemu-ga builds the list by prepending: last line first.
    JsonValue keys = JsonValue::array();
    for (auto it = lines->crbegin(); it != lines->crend(); ++it) {
        const QByteArray key = it->trimmed();
        if (key.isEmpty() || key.startsWith('#'))
            continue;
        keys.append(key);
    }
    JsonValue result = JsonValue::object();
    result.insert("keys", std::move(keys));
    return CommandOutcome::ok(std::move(result));
}

// The keys are checked before the user is looked up, as in qemu-ga: a bad key is reported
// even for an unknown user.
std::optional<User> checkedKeysOwner(const JsonValue &args, QByteArray *error)
{
    if (std::optional<QByteArray> invalid = checkKeys(*args.value("keys"))) {
        *error = *invalid;
        return std::nullopt;
    }
    return lookUpUser(args.value("username")->toString(), error);
}

CommandOutcome guestSshAddAuthorizedKeys(const JsonValue &args, CommandContext &)
{
    const JsonValue &keys = *args.value("keys");
    QByteArray error;
    const std::optional<User> user = checkedKeysOwner(args, &error);
    if (!user)
        return CommandOutcome::fail(error);

    const JsonValue *resetArg = args.value("reset");
    KeysDir dir = openKeysDir(*user);
    std::optional<QByteArrayList> lines;
    if (!(resetArg && resetArg->toBool())) {
        Failure failure = dir.failure;
        if (dir.ssh.isValid())
            lines = readKeys(*user, dir.ssh.get(), &failure);
        // Any other failure to read means starting afresh, as in qemu-ga.
        if (!lines && failure.refused)
            return CommandOutcome::fail(readError(*user, failure));
    }
    if (!dir.ssh.isValid()) {
        if (dir.failure.refused)
            return CommandOutcome::fail("failed to write to '" + user->keysPath() + "': " + dir.failure.text);
        if (!makeSshDir(*user, dir, &error))
            return CommandOutcome::fail(error);
    }
    if (!lines)
        lines = QByteArrayList();
    for (const JsonValue &key : keys.items()) {
        if (!lines->contains(key.toString()))
            lines->append(key.toString());
    }
    if (!writeKeys(*user, dir.ssh.get(), *lines, &error))
        return CommandOutcome::fail(error);
    qCInfo(lcSsh, "authorized keys of '%s' updated", args.value("username")->toString().constData());
    return CommandOutcome::ok();
}

CommandOutcome guestSshRemoveAuthorizedKeys(const JsonValue &args, CommandContext &)
{
    const JsonValue &keys = *args.value("keys");
    QByteArray error;
    const std::optional<User> user = checkedKeysOwner(args, &error);
    if (!user)
        return CommandOutcome::fail(error);
    const KeysDir dir = openKeysDir(*user);
    Failure failure = dir.failure;
    const std::optional<QByteArrayList> lines = dir.ssh.isValid() ? readKeys(*user, dir.ssh.get(), &failure) : std::nullopt;
    if (!lines) {
        // Nothing to do where there is no file, as in qemu-ga.
        if (failure.missing())
            return CommandOutcome::ok();
        return CommandOutcome::fail(readError(*user, failure));
    }
    QByteArrayList kept;
    for (const QByteArray &line : *lines) {
        bool remove = false;
        for (const JsonValue &key : keys.items())
            remove = remove || key.toString() == line;
        if (!remove)
            kept.append(line);
    }
    if (!writeKeys(*user, dir.ssh.get(), kept, &error))
        return CommandOutcome::fail(error);
    qCInfo(lcSsh, "authorized keys of '%s' updated", args.value("username")->toString().constData());
    return CommandOutcome::ok();
}

} // namespace

void registerSshCommands(CommandRegistry &registry)
{
    using namespace args;
    const ArgField username = required("username", string());
    const ArgField keys = required("keys", list(string()));
    registry.add(touchesFilesystems({"guest-ssh-get-authorized-keys", {username}, guestSshGetAuthorizedKeys}));
    registry.add(touchesFilesystems({"guest-ssh-add-authorized-keys", {username, keys, optional("reset", boolean())},
                               guestSshAddAuthorizedKeys}));
    registry.add(touchesFilesystems({"guest-ssh-remove-authorized-keys", {username, keys}, guestSshRemoveAuthorizedKeys}));
}

} // namespace qtga
