// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// LocalListener (agent/channels/locallistener.h), the QLocalServer the unix sockets stand on:
// the file's mode from the start, the file left in place when the listener closes (its own
// and an adopted one), and accepting paused, not ended, when descriptors run out.
#include "channels/locallistener.h"

#include <QFile>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <sys/resource.h>
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

// A client that stays connected until the end of the test.
std::unique_ptr<QLocalSocket> connectTo(const QString &path)
{
    auto socket = std::make_unique<QLocalSocket>();
    socket->connectToServer(path);
    if (!socket->waitForConnected(2000))
        return nullptr;
    return socket;
}

// A listening socket made by hand, as a service manager passes one.
int listeningSocket(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    qstrncpy(addr.sun_path, QFile::encodeName(path).constData(), sizeof addr.sun_path);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0 || ::listen(fd, 8) < 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

} // namespace

class tst_LocalListener : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void modeFromTheStart_data();
    void modeFromTheStart();
    void relativePathIsTheWorkingDirectorys();
    void clientsAreHandedOver();
    void ownFileStaysAfterClose();
    void adoptedFileStaysAfterClose();
    void outOfDescriptorsPausesAccepting();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("l.sock")); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_LocalListener::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_LocalListener::cleanup()
{
    m_dir.reset();
}

void tst_LocalListener::modeFromTheStart_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("0600") << 0600;
    QTest::newRow("0660") << 0660;
    QTest::newRow("0666") << 0666;
}

void tst_LocalListener::modeFromTheStart()
{
    QFETCH(int, mode);
    // A permissive umask must not widen the socket, a strict one not narrow it.
    const mode_t old = ::umask(0);
    LocalListener listener;
    QString error;
    const bool listening = listener.listen(path(), mode_t(mode), LocalListener::KeepGroup, &error);
    ::umask(old);
    QVERIFY2(listening, qPrintable(error));
    const struct stat st = statOf(path());
    QVERIFY(S_ISSOCK(st.st_mode));
    QCOMPARE(int(st.st_mode & 07777), mode);
    // Nothing is left of the private directory the file was made in.
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System),
             QStringList{QStringLiteral("l.sock")});
}

void tst_LocalListener::relativePathIsTheWorkingDirectorys()
{
    // QLocalServer alone would put a relative name into the temporary directory.
    const QString old = QDir::currentPath();
    QVERIFY(QDir::setCurrent(m_dir->path()));
    LocalListener listener;
    QString error;
    const bool listening = listener.listen(QStringLiteral("rel.sock"), 0600, LocalListener::KeepGroup, &error);
    QDir::setCurrent(old);
    QVERIFY2(listening, qPrintable(error));
    QVERIFY(S_ISSOCK(statOf(m_dir->filePath(QStringLiteral("rel.sock"))).st_mode));
    QCOMPARE(listener.path(), m_dir->filePath(QStringLiteral("rel.sock")));
}

void tst_LocalListener::clientsAreHandedOver()
{
    LocalListener listener;
    QString error;
    QVERIFY2(listener.listen(path(), 0600, LocalListener::KeepGroup, &error), qPrintable(error));
    std::vector<std::unique_ptr<QLocalSocket>> accepted;
    connect(&listener, &LocalListener::newConnection, this, [&](QLocalSocket *socket) { accepted.emplace_back(socket); });
    std::vector<std::unique_ptr<QLocalSocket>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(connectTo(path()));
        QVERIFY(clients.back());
    }
    QTRY_COMPARE(accepted.size(), size_t(5));
    clients[2]->write("hello");
    clients[2]->flush();
    QVERIFY(accepted[2]->waitForReadyRead(2000) || accepted[2]->bytesAvailable() > 0);
    QCOMPARE(accepted[2]->readAll(), QByteArray("hello"));
}

void tst_LocalListener::ownFileStaysAfterClose()
{
    // As qemu-ga leaves its socket file at exit.
    {
        LocalListener listener;
        QString error;
        QVERIFY2(listener.listen(path(), 0600, LocalListener::KeepGroup, &error), qPrintable(error));
        listener.close();
        QVERIFY(S_ISSOCK(statOf(path()).st_mode));
    }
    QVERIFY(S_ISSOCK(statOf(path()).st_mode));
    QVERIFY(!connectTo(path()));
}

void tst_LocalListener::adoptedFileStaysAfterClose()
{
    // The service manager keeps its socket open and its file in place after the agent stops:
    // the next client must reach it.
    const int fd = listeningSocket(path());
    QVERIFY(fd >= 0);
    const int managersCopy = ::dup(fd);
    {
        LocalListener listener;
        QString error;
        QVERIFY2(listener.adopt(fd, &error), qPrintable(error));
        QCOMPARE(listener.path(), path());
        QSignalSpy accepted(&listener, &LocalListener::newConnection);
        auto client = connectTo(path());
        QVERIFY(client);
        QTRY_COMPARE(accepted.size(), 1);
        delete accepted.first().first().value<QLocalSocket *>();
    }
    QVERIFY(S_ISSOCK(statOf(path()).st_mode));
    auto next = connectTo(path());
    QVERIFY(next);
    ::close(managersCopy);
}

void tst_LocalListener::outOfDescriptorsPausesAccepting()
{
    LocalListener listener;
    QString error;
    QVERIFY2(listener.listen(path(), 0600, LocalListener::KeepGroup, &error), qPrintable(error));
    std::vector<std::unique_ptr<QLocalSocket>> accepted;
    connect(&listener, &LocalListener::newConnection, this, [&](QLocalSocket *socket) { accepted.emplace_back(socket); });

    // Use up every descriptor but the one the waiting client takes on our side.
    rlimit old{};
    QCOMPARE(::getrlimit(RLIMIT_NOFILE, &old), 0);
    rlimit low = old;
    low.rlim_cur = 64;
    QCOMPARE(::setrlimit(RLIMIT_NOFILE, &low), 0);
    std::vector<int> filler;
    for (;;) {
        const int fd = ::dup(0);
        if (fd < 0)
            break;
        filler.push_back(fd);
    }
    QCOMPARE(errno, EMFILE);
    ::close(filler.back());
    filler.pop_back();
    const int client = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    QVERIFY(client >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    qstrncpy(addr.sun_path, QFile::encodeName(path()).constData(), sizeof addr.sun_path);
    QCOMPARE(::connect(client, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("accepting a client on .* failed")));
    QTRY_VERIFY(listener.isPaused());
    // Paused, it does not spin on the waiting client: the event loop is idle.
    QTest::qWait(200);
    QVERIFY(accepted.empty());

    for (int fd : filler)
        ::close(fd);
    QCOMPARE(::setrlimit(RLIMIT_NOFILE, &old), 0);
    // The client that waited is accepted, and so is a new one; the file is still in place.
    QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), size_t(1), 5000);
    QCOMPARE(::send(client, "x", 1, MSG_NOSIGNAL), ssize_t(1));
    QVERIFY(accepted[0]->waitForReadyRead(2000) || accepted[0]->bytesAvailable() > 0);
    QCOMPARE(accepted[0]->readAll(), QByteArray("x"));
    auto next = connectTo(path());
    QVERIFY(next);
    QTRY_COMPARE(accepted.size(), size_t(2));
    ::close(client);
}

QTEST_GUILESS_MAIN(tst_LocalListener)
#include "tst_locallistener.moc"
