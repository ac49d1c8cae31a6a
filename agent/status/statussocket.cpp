#include "statussocket.h"

#include "config.h"
#include "statusprotocol.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcStatus)

namespace qtga {

namespace {

QString systemError()
{
    return QString::fromLocal8Bit(strerror(errno));
}

bool socketAddress(const QByteArray &native, sockaddr_un *addr, socklen_t *length)
{
    *addr = sockaddr_un{};
    if (native.isEmpty() || size_t(native.size()) >= sizeof(addr->sun_path))
        return false;
    addr->sun_family = AF_UNIX;
    std::memcpy(addr->sun_path, native.constData(), size_t(native.size()));
    *length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(native.size()) + 1);
    return true;
}

// A socket file nobody listens on is left over from an agent that died; one that answers
// belongs to a running agent and must not be taken over.
bool removeStaleSocket(const QString &path, const sockaddr_un &addr, socklen_t length, QString *error)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat st;
    if (::lstat(native.constData(), &st) < 0) {
        if (errno == ENOENT)
            return true;
        *error = QStringLiteral("lstat %1: %2").arg(path, systemError());
        return false;
    }
    if (!S_ISSOCK(st.st_mode)) {
        *error = QStringLiteral("%1 exists and is not a socket; not replacing it").arg(path);
        return false;
    }
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe < 0) {
        *error = QStringLiteral("socket: %1").arg(systemError());
        return false;
    }
    const bool alive = ::connect(probe, reinterpret_cast<const sockaddr *>(&addr), length) == 0;
    ::close(probe);
    if (alive) {
        *error = QStringLiteral("%1 is in use by another running agent").arg(path);
        return false;
    }
    if (::unlink(native.constData()) < 0 && errno != ENOENT) {
        *error = QStringLiteral("unlink %1: %2").arg(path, systemError());
        return false;
    }
    qCInfo(lcStatus).noquote() << "removed stale status socket" << path;
    return true;
}

gid_t groupId(const QString &group)
{
    bool numeric = false;
    const uint number = group.toUInt(&numeric);
    if (numeric)
        return gid_t(number);
    if (const struct group *entry = ::getgrnam(group.toLocal8Bit().constData()))
        return entry->gr_gid;
    qCWarning(lcStatus).noquote() << "group" << group << "does not exist; the status socket gets group 0 (root)";
    return 0;
}

} // namespace

StatusSocketOptions statusSocketOptions(const Config &config)
{
    StatusSocketOptions options;
    options.path = config.statusSocket.value_or(QLatin1String(status::DefaultSocketPath));
    if (options.path == QLatin1String("none"))
        options.path.clear();
    options.mode = config.statusSocketMode.value_or(options.mode);
    options.group = config.statusSocketGroup.value_or(options.group);
    return options;
}

int listenStatusSocket(const StatusSocketOptions &options, QString *error)
{
    const QString &path = options.path;
    const QByteArray native = QFile::encodeName(path);
    sockaddr_un addr;
    socklen_t length;
    if (!socketAddress(native, &addr, &length)) {
        *error = QStringLiteral("status socket path '%1' is empty or too long").arg(path);
        return -1;
    }
    const QString dir = QFileInfo(path).absolutePath();
    if (::mkdir(QFile::encodeName(dir).constData(), 0755) < 0 && errno != EEXIST) {
        *error = QStringLiteral("mkdir %1: %2").arg(dir, systemError());
        return -1;
    }
    if (!removeStaleSocket(path, addr, length, error))
        return -1;

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *error = QStringLiteral("socket: %1").arg(systemError());
        return -1;
    }
    // The file is born with the final mode; until listen() below, connecting is refused, so
    // nobody gets in before the group is set as well.
    const mode_t oldMask = ::umask(mode_t(~options.mode & 0777));
    const int bound = ::bind(fd, reinterpret_cast<const sockaddr *>(&addr), length);
    const int bindErrno = errno;
    ::umask(oldMask);
    if (bound < 0) {
        *error = QStringLiteral("bind %1: %2").arg(path, QString::fromLocal8Bit(strerror(bindErrno)));
        ::close(fd);
        return -1;
    }
    const gid_t gid = groupId(options.group);
    if (::lchown(native.constData(), uid_t(-1), gid) < 0) {
        // Only root may hand the file to any group; the mode still holds.
        qCWarning(lcStatus).noquote() << "cannot give" << path << "to group" << gid << ":" << systemError();
    }
    if (::listen(fd, 16) < 0) {
        *error = QStringLiteral("listen %1: %2").arg(path, systemError());
        ::close(fd);
        ::unlink(native.constData());
        return -1;
    }
    return fd;
}

} // namespace qtga
