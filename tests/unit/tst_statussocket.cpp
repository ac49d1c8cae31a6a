// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Creating the status socket file (agent/status/statussocket.h): the final mode and group, a
// stale file is replaced, a live agent's socket and foreign files are left
// alone, and the missing last directory is created.
#include "channels/locallistener.h"
#include "status/statussocket.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace qtga;

namespace {

struct stat statOf(const QString &path)
{
    struct stat st{};
    ::lstat(QFile::encodeName(path).constData(), &st);
    return st;
}

bool canConnect(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    qstrncpy(addr.sun_path, QFile::encodeName(path).constData(), sizeof addr.sun_path);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

// A group other than the process's own, to see that the socket gets it.
std::optional<gid_t> otherGroup()
{
    for (const char *name : {"daemon", "adm", "users", "nogroup"}) {
        if (const struct group *g = ::getgrnam(name); g && g->gr_gid != ::getegid())
            return g->gr_gid;
    }
    return std::nullopt;
}

} // namespace

class tst_StatusSocket : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void modeSetAtCreation_data();
    void modeSetAtCreation();
    void groupByName();
    void missingGroupFallsBackToRoot();
    void staleSocketReplaced();
    void liveSocketLeftAlone();
    void regularFileLeftAlone();
    void missingDirectoryCreated();
    void pathTooLong();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("status.sock")); }
    bool listen(const StatusSocketOptions &options, QString *error = nullptr);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::vector<std::unique_ptr<LocalListener>> m_listeners;
};

void tst_StatusSocket::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_StatusSocket::cleanup()
{
    m_listeners.clear();
    m_dir.reset();
}

bool tst_StatusSocket::listen(const StatusSocketOptions &options, QString *error)
{
    QString ignored;
    auto listener = std::make_unique<LocalListener>();
    if (!listenStatusSocket(*listener, options, error ? error : &ignored))
        return false;
    m_listeners.push_back(std::move(listener));
    return true;
}

void tst_StatusSocket::modeSetAtCreation_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("0660 (default)") << 0660;
    QTest::newRow("0666 (anyone)") << 0666;
    QTest::newRow("0600 (root only)") << 0600;
}

void tst_StatusSocket::modeSetAtCreation()
{
    QFETCH(int, mode);
    // A permissive umask of the caller must not widen the socket, a strict one not narrow it.
    const mode_t old = ::umask(0);
    const bool listening = listen({path(), mode, QString::number(::getegid())});
    ::umask(old);
    QVERIFY(listening);
    const struct stat st = statOf(path());
    QVERIFY(S_ISSOCK(st.st_mode));
    QCOMPARE(int(st.st_mode & 07777), mode);
    QVERIFY(canConnect(path()));
}

void tst_StatusSocket::groupByName()
{
    if (::geteuid() != 0)
        QSKIP("only root may give a file to any group");
    const std::optional<gid_t> gid = otherGroup();
    if (!gid)
        QSKIP("no second group on this machine");
    QVERIFY(listen({path(), 0660, QString::fromLocal8Bit(::getgrgid(*gid)->gr_name)}));
    QCOMPARE(statOf(path()).st_gid, *gid);
}

void tst_StatusSocket::missingGroupFallsBackToRoot()
{
    if (::geteuid() != 0)
        QSKIP("only root may give a file to group 0");
    QTest::ignoreMessage(QtWarningMsg,
                         "group no-such-group-qtga does not exist; the status socket gets group 0 (root)");
    QVERIFY(listen({path(), 0660, QStringLiteral("no-such-group-qtga")}));
    QCOMPARE(statOf(path()).st_gid, gid_t(0));
}

void tst_StatusSocket::staleSocketReplaced()
{
    // A socket file whose listener is gone (closing leaves the file, as a crash would).
    QVERIFY(listen({path(), 0600, QString::number(::getegid())}));
    m_listeners.clear();
    QVERIFY(!canConnect(path()));
    QString error;
    QVERIFY2(listen({path(), 0660, QString::number(::getegid())}, &error), qPrintable(error));
    QCOMPARE(int(statOf(path()).st_mode & 0777), 0660);
    QVERIFY(canConnect(path()));
}

void tst_StatusSocket::liveSocketLeftAlone()
{
    QVERIFY(listen({path(), 0600, QString::number(::getegid())}));
    const ino_t inode = statOf(path()).st_ino;
    QString error;
    QVERIFY(!listen({path(), 0660, QString::number(::getegid())}, &error));
    QCOMPARE(error, path() + QStringLiteral(" is in use by another running agent"));
    QCOMPARE(statOf(path()).st_ino, inode);
}

void tst_StatusSocket::regularFileLeftAlone()
{
    QFile file(path());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("precious");
    file.close();
    QString error;
    QVERIFY(!listen({path(), 0660, QString::number(::getegid())}, &error));
    QCOMPARE(error, path() + QStringLiteral(" exists and is not a socket; not replacing it"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("precious"));
}

void tst_StatusSocket::missingDirectoryCreated()
{
    const QString nested = m_dir->filePath(QStringLiteral("qtga/status.sock"));
    QVERIFY(listen({nested, 0660, QString::number(::getegid())}));
    QCOMPARE(int(statOf(m_dir->filePath(QStringLiteral("qtga"))).st_mode & 0777), 0755);
    QVERIFY(canConnect(nested));
}

void tst_StatusSocket::pathTooLong()
{
    QString error;
    const QString longPath = m_dir->filePath(QString(200, u'x'));
    QVERIFY(!listen({longPath, 0660, QStringLiteral("0")}, &error));
    QCOMPARE(error, QStringLiteral("status socket path '%1' is empty or too long").arg(longPath));
}

QTEST_GUILESS_MAIN(tst_StatusSocket)
#include "tst_statussocket.moc"
