// guest-ssh-get/add/remove-authorized-keys: ~user/.ssh/authorized_keys, read and
// written line by line the way qemu-ga does, replaced atomically and owned by the user.
#include "dispatch/commandregistry.h"

#include <QByteArrayList>
#include <QLoggingCategory>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace qtga {

namespace {

Q_LOGGING_CATEGORY(lcSsh, "qtga.ssh")

constexpr char OpenQuote[] = "\xe2\x80\x9c";
constexpr char CloseQuote[] = "\xe2\x80\x9d";

struct User
{
    uid_t uid = 0;
    gid_t gid = 0;
    QByteArray home;
    QByteArray sshDir() const { return home + "/.ssh"; }
    QByteArray keysPath() const { return home + "/.ssh/authorized_keys"; }
};

QByteArray strerrorText(int err)
{
    return QByteArray(std::strerror(err));
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

// g_file_get_contents() and g_strsplit(contents, "\n", -1): an empty file has no lines, a
// trailing newline leaves an empty last line.
std::optional<QByteArrayList> readKeys(const QByteArray &path, QByteArray *error)
{
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *error = "failed to read '" + path + "': Failed to open file " + OpenQuote + path + CloseQuote + ": "
                 + strerrorText(errno);
        return std::nullopt;
    }
    QByteArray contents;
    char chunk[16384];
    for (;;) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *error = "failed to read '" + path + "': Failed to read from file " + OpenQuote + path + CloseQuote
                     + ": " + strerrorText(errno);
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0)
            break;
        contents.append(chunk, n);
    }
    ::close(fd);
    if (contents.isEmpty())
        return QByteArrayList();
    return contents.split('\n');
}

bool makeSshDir(const User &user, QByteArray *error)
{
    const QByteArray path = user.sshDir();
    if (::mkdir(path.constData(), 0700) < 0) {
        *error = "failed to create directory '" + path + "': " + strerrorText(errno);
        return false;
    }
    if (::chown(path.constData(), user.uid, user.gid) < 0) {
        *error = "failed to set ownership of directory '" + path + "': " + strerrorText(errno);
        return false;
    }
    if (::chmod(path.constData(), 0700) < 0) {
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

// The lines joined with '\n' into a temporary file next to the target, owned by the user with
// mode 0600 before it replaces the old file in one rename: sshd never sees a partial file or one
// with the wrong owner.
bool writeKeys(const User &user, const QByteArrayList &lines, QByteArray *error)
{
    const QByteArray path = user.keysPath();
    QByteArray temp = path + ".XXXXXX";
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) {
        *error = "failed to write to '" + path + "': Failed to create file " + OpenQuote + temp + CloseQuote + ": "
                 + strerrorText(errno);
        return false;
    }
    const auto fail = [&](QByteArray message) {
        ::close(fd);
        ::unlink(temp.constData());
        *error = std::move(message);
        return false;
    };
    if (!writeAll(fd, lines.join('\n')) || ::fsync(fd) < 0) {
        return fail("failed to write to '" + path + "': Failed to write file " + OpenQuote + temp + CloseQuote
                    + ": " + strerrorText(errno));
    }
    // qemu-ga's texts, "directory" included, although this is the file.
    if (::fchown(fd, user.uid, user.gid) < 0)
        return fail("failed to set ownership of directory '" + path + "': " + strerrorText(errno));
    if (::fchmod(fd, 0600) < 0)
        return fail("failed to set permissions of '" + path + "': " + strerrorText(errno));
    if (::rename(temp.constData(), path.constData()) < 0) {
        return fail("failed to write to '" + path + "': Failed to rename file " + OpenQuote + temp + CloseQuote
                    + " to " + OpenQuote + path + CloseQuote + ": " + strerrorText(errno));
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
    const std::optional<QByteArrayList> lines = readKeys(user->keysPath(), &error);
    if (!lines)
        return CommandOutcome::fail(error);
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
    std::optional<QByteArrayList> lines;
    if (!(resetArg && resetArg->toBool()))
        lines = readKeys(user->keysPath(), &error);
    if (!lines) {
        struct stat st;
        const bool isDir = ::stat(user->sshDir().constData(), &st) == 0 && S_ISDIR(st.st_mode);
        if (!isDir && !makeSshDir(*user, &error))
            return CommandOutcome::fail(error);
        lines = QByteArrayList();
    }
    for (const JsonValue &key : keys.items()) {
        if (!lines->contains(key.toString()))
            lines->append(key.toString());
    }
    if (!writeKeys(*user, *lines, &error))
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
    const QByteArray path = user->keysPath();
    if (::access(path.constData(), F_OK) < 0)
        return CommandOutcome::ok();
    const std::optional<QByteArrayList> lines = readKeys(path, &error);
    if (!lines)
        return CommandOutcome::fail(error);
    QByteArrayList kept;
    for (const QByteArray &line : *lines) {
        bool remove = false;
        for (const JsonValue &key : keys.items())
            remove = remove || key.toString() == line;
        if (!remove)
            kept.append(line);
    }
    if (!writeKeys(*user, kept, &error))
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
