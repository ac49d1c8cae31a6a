// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-ssh-*-authorized-keys over the wire, on a throwaway account the test
// creates with useradd and removes afterwards. Needs root; nobody's real keys are touched: the
// root-owned files the hostile cases point at are fixtures in temporary directories.
#include "qgacall.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <fcntl.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace qtga::test;

namespace {

// The agent's limit on the size of authorized_keys.
constexpr qsizetype KeysSizeCap = 1024 * 1024;

const QString NewKey = QStringLiteral("ssh-ed25519 AAAAnewkey added");

// What lstat() says of a path, and the bytes of a regular file: enough to see whether the agent
// wrote to, replaced, chowned or chmodded it.
QString nodeState(const QString &path)
{
    struct stat st;
    if (::lstat(QFile::encodeName(path).constData(), &st) < 0)
        return QStringLiteral("<missing>");
    QString state = QStringLiteral("mode %1 uid %2 gid %3 ino %4 links %5")
                        .arg(st.st_mode, 0, 8)
                        .arg(st.st_uid)
                        .arg(st.st_gid)
                        .arg(st.st_ino)
                        .arg(st.st_nlink);
    if (S_ISREG(st.st_mode)) {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            state += QStringLiteral(" content \"%1\"").arg(QString::fromLatin1(f.readAll()));
    } else if (S_ISLNK(st.st_mode)) {
        state += QStringLiteral(" -> ") + QFile::symLinkTarget(path);
    } else if (S_ISDIR(st.st_mode)) {
        state += QStringLiteral(" entries ")
                 + QDir(path).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot).join(',');
    }
    return state;
}

// A root-owned directory outside the user's home with a root-only authorized_keys of secret
// content: what a hostile user would point a symlink or a hard link at.
struct RootFixture
{
    QTemporaryDir dir;
    QByteArray secret = "ssh-ed25519 AAAAroot-only-secret-" + QByteArray::number(QRandomGenerator::global()->generate());
    QString file() const { return dir.path() + QStringLiteral("/authorized_keys"); }
    bool create()
    {
        if (!dir.isValid() || ::chmod(QFile::encodeName(dir.path()).constData(), 0700) < 0)
            return false;
        QFile f(file());
        if (!f.open(QIODevice::WriteOnly) || f.write(secret + "\n") != secret.size() + 1)
            return false;
        f.close();
        return ::chmod(QFile::encodeName(file()).constData(), 0600) == 0;
    }
};

} // namespace

class tst_Ssh : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void getWithoutFile();
    void addCreatesDirectoryAndFile();
    void addAppendsNewKeysOnly();
    void addAfterTrailingNewline();
    void addReplacesAtomically();
    void reset();
    void getSkipsCommentsAndReverses();
    void removeEveryOccurrence();
    void removeWithoutFile();
    void keysCheckedBeforeUser_data();
    void keysCheckedBeforeUser();
    void unknownUser();
    void keysFileIsADirectory();

    // A user must not make the agent (root) read or write outside ~/.ssh, nor hang it.
    void symlinkedKeysFileIsNotFollowed_data();
    void symlinkedKeysFileIsNotFollowed();
    void symlinkedSshDirIsNotFollowed_data();
    void symlinkedSshDirIsNotFollowed();
    void sshDirSwapRace();
    void fifoKeysFileDoesNotBlock_data();
    void fifoKeysFileDoesNotBlock();
    void keysFileLinkedToDevZero_data();
    void keysFileLinkedToDevZero();
    void keysFileLargerThanCap_data();
    void keysFileLargerThanCap();
    void keysFileAtCapIsRead();
    void addBeyondCapIsRefused();
    void keysFileOfAnotherOwner_data();
    void keysFileOfAnotherOwner();
    void sshDirOfAnotherOwner_data();
    void sshDirOfAnotherOwner();

    void cleanup();

private:
    Reply add(const QJsonArray &keys, bool reset = false, bool withReset = false);
    QByteArray keysFile() const;
    void setKeysFile(const QByteArray &content);
    QString sshDir() const { return m_home + QStringLiteral("/.ssh"); }
    QString keysPath() const { return m_home + QStringLiteral("/.ssh/authorized_keys"); }
    // qemu-ga's shapes: "failed to read '<keys>': <inner>", and for an inner "Failed to open
    // file “<keys>”: <reason>".
    QString readError(const QString &inner) const;
    QString openError(const QString &reason) const;
    // Removes ~/.ssh without following it if it is a symlink.
    void removeSshDir() { removeTree(sshDir()); }
    static void removeTree(const QString &path);
    // Whether any regular file right in a real ~/.ssh (symlinks are not followed) holds `needle`.
    bool userFilesContain(const QByteArray &needle) const;
    static void addKindRows(bool withReset);
    // Runs one of "get", "add", "add reset", "remove" with NewKey.
    Reply run(QgaClient &client, const QString &kind, int timeoutMs = 10000);

    QString m_userdel;
    QString m_user;
    QString m_home;
    uid_t m_uid = 0;
    gid_t m_gid = 0;
    AgentProcess m_agent;
    QgaClient m_client;
};

void tst_Ssh::initTestCase()
{
    if (geteuid() != 0)
        QSKIP("needs root to create a test account");
    const QString useradd = QStandardPaths::findExecutable("useradd", {"/usr/sbin", "/sbin"});
    m_userdel = QStandardPaths::findExecutable("userdel", {"/usr/sbin", "/sbin"});
    if (useradd.isEmpty() || m_userdel.isEmpty())
        QSKIP("useradd/userdel are missing");
    m_user = QStringLiteral("qtgat%1").arg(QRandomGenerator::global()->bounded(100000000u), 8, 10, QLatin1Char('0'));
    QCOMPARE(QProcess::execute(useradd, {"-m", "-s", "/usr/sbin/nologin", m_user}), 0);
    const passwd *pw = getpwnam(m_user.toUtf8().constData());
    QVERIFY(pw);
    m_home = QString::fromUtf8(pw->pw_dir);
    m_uid = pw->pw_uid;
    m_gid = pw->pw_gid;
    QVERIFY(m_home.contains(m_user));
    QVERIFY(m_agent.start());
    QVERIFY(m_client.connectTo(m_agent.socketPath()));
}

void tst_Ssh::cleanupTestCase()
{
    if (m_user.isEmpty())
        return;
    QProcess userdel;
    userdel.setProcessChannelMode(QProcess::MergedChannels);
    userdel.start(m_userdel, {"-r", m_user});
    QVERIFY(userdel.waitForFinished());
    QVERIFY(getpwnam(m_user.toUtf8().constData()) == nullptr);
}

void tst_Ssh::init()
{
    removeSshDir();
}

void tst_Ssh::cleanup()
{
    removeSshDir();
}

void tst_Ssh::removeTree(const QString &path)
{
    const QByteArray name = QFile::encodeName(path);
    struct stat st;
    if (::lstat(name.constData(), &st) < 0)
        return;
    if (S_ISDIR(st.st_mode))
        QDir(path).removeRecursively();
    else
        ::unlink(name.constData());
}

QString tst_Ssh::readError(const QString &inner) const
{
    return QStringLiteral("failed to read '%1': ").arg(keysPath()) + inner;
}

QString tst_Ssh::openError(const QString &reason) const
{
    return readError(QStringLiteral("Failed to open file \u201C%1\u201D: ").arg(keysPath()) + reason);
}

bool tst_Ssh::userFilesContain(const QByteArray &needle) const
{
    struct stat st;
    if (::lstat(QFile::encodeName(sshDir()).constData(), &st) < 0 || !S_ISDIR(st.st_mode))
        return false;
    const QStringList names = QDir(sshDir()).entryList(QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks);
    for (const QString &name : names) {
        QFile f(sshDir() + QLatin1Char('/') + name);
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            return true;
    }
    return false;
}

void tst_Ssh::addKindRows(bool withReset)
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("get") << "get";
    QTest::newRow("add") << "add";
    if (withReset)
        QTest::newRow("add reset") << "add reset";
    QTest::newRow("remove") << "remove";
}

Reply tst_Ssh::run(QgaClient &client, const QString &kind, int timeoutMs)
{
    QJsonObject args{{"username", m_user}};
    const char *command = "guest-ssh-get-authorized-keys";
    if (kind != QLatin1String("get")) {
        args.insert("keys", QJsonArray{NewKey});
        command = kind == QLatin1String("remove") ? "guest-ssh-remove-authorized-keys" : "guest-ssh-add-authorized-keys";
        if (kind == QLatin1String("add reset"))
            args.insert("reset", true);
    }
    return call(client, command, args, timeoutMs);
}

Reply tst_Ssh::add(const QJsonArray &keys, bool reset, bool withReset)
{
    QJsonObject args{{"username", m_user}, {"keys", keys}};
    if (withReset)
        args.insert("reset", reset);
    return call(m_client, "guest-ssh-add-authorized-keys", args);
}

QByteArray tst_Ssh::keysFile() const
{
    QFile f(m_home + "/.ssh/authorized_keys");
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

void tst_Ssh::setKeysFile(const QByteArray &content)
{
    QVERIFY(QDir().mkpath(m_home + "/.ssh"));
    QFile f(m_home + "/.ssh/authorized_keys");
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
}

void tst_Ssh::getWithoutFile()
{
    const QString path = m_home + "/.ssh/authorized_keys";
    const Reply r = call(m_client, "guest-ssh-get-authorized-keys", {{"username", m_user}});
    QCOMPARE(r.error(), QStringLiteral("failed to read '%1': Failed to open file \u201C%1\u201D: No such file or directory").arg(path));
}

void tst_Ssh::addCreatesDirectoryAndFile()
{
    QCOMPARE(add({"ssh-ed25519 AAAA first"}).raw, QByteArray(R"({"return": {}})"));
    QCOMPARE(keysFile(), QByteArray("ssh-ed25519 AAAA first"));
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(m_home + "/.ssh").constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, mode_t(0700));
    QCOMPARE(st.st_uid, m_uid);
    QCOMPARE(st.st_gid, m_gid);
    QCOMPARE(::stat(QFile::encodeName(m_home + "/.ssh/authorized_keys").constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, mode_t(0600));
    QCOMPARE(st.st_uid, m_uid);
    QCOMPARE(st.st_gid, m_gid);
}

void tst_Ssh::addAppendsNewKeysOnly()
{
    QVERIFY(add({"k2"}).ok());
    QVERIFY(add({"k1", "k2", "k1", "k3"}).ok());
    QCOMPARE(keysFile(), QByteArray("k2\nk1\nk3"));
}

void tst_Ssh::addAfterTrailingNewline()
{
    setKeysFile("a\n#c\n");
    QVERIFY(add({"k3"}).ok());
    // The empty last line is kept, so the new key follows a blank line.
    QCOMPARE(keysFile(), QByteArray("a\n#c\n\nk3"));
}

void tst_Ssh::addReplacesAtomically()
{
    setKeysFile("old");
    struct stat before;
    QCOMPARE(::stat(QFile::encodeName(m_home + "/.ssh/authorized_keys").constData(), &before), 0);
    QVERIFY(add({"new"}).ok());
    struct stat after;
    QCOMPARE(::stat(QFile::encodeName(m_home + "/.ssh/authorized_keys").constData(), &after), 0);
    QVERIFY(before.st_ino != after.st_ino);  // a new file renamed into place
    QCOMPARE(after.st_uid, m_uid);
    QCOMPARE(keysFile(), QByteArray("old\nnew"));
    // No temporary file is left behind.
    QCOMPARE(QDir(m_home + "/.ssh").entryList(QDir::Files | QDir::Hidden), QStringList{"authorized_keys"});
}

void tst_Ssh::reset()
{
    setKeysFile("a\nb\n");
    QVERIFY(add({"k9", "k9"}, true, true).ok());
    QCOMPARE(keysFile(), QByteArray("k9"));
    QVERIFY(add({}, true, true).ok());
    QCOMPARE(keysFile(), QByteArray(""));
    QVERIFY(add({"x"}, false, true).ok());
    QCOMPARE(keysFile(), QByteArray("x"));
}

void tst_Ssh::getSkipsCommentsAndReverses()
{
    setKeysFile("algo key1 comments\n# a commented line\n\n   algo some-key another  \n\t#x\n");
    const Reply r = call(m_client, "guest-ssh-get-authorized-keys", {{"username", m_user}});
    QCOMPARE(r.result(), (QJsonObject{{"keys", QJsonArray{"algo some-key another", "algo key1 comments"}}}));
}

void tst_Ssh::removeEveryOccurrence()
{
    setKeysFile("algo key1 comments\nalgo key1 comments\n# a commented line\nalgo some-key another\n");
    const auto remove = [&](const QJsonArray &keys) {
        return call(m_client, "guest-ssh-remove-authorized-keys", {{"username", m_user}, {"keys", keys}});
    };
    QVERIFY(remove({"algo key2 comments"}).ok());
    QCOMPARE(keysFile(), QByteArray("algo key1 comments\nalgo key1 comments\n# a commented line\nalgo some-key another\n"));
    QVERIFY(remove({"algo key1 comments", "algo key2 comments"}).ok());
    QCOMPARE(keysFile(), QByteArray("# a commented line\nalgo some-key another\n"));
}

void tst_Ssh::removeWithoutFile()
{
    const Reply r = call(m_client, "guest-ssh-remove-authorized-keys", {{"username", m_user}, {"keys", QJsonArray{"k"}}});
    QCOMPARE(r.raw, QByteArray(R"({"return": {}})"));
    QVERIFY(!QFile::exists(m_home + "/.ssh"));
}

void tst_Ssh::keysCheckedBeforeUser_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<QString>("key");
    QTest::newRow("add comment") << QByteArray("guest-ssh-add-authorized-keys") << "#not a key";
    QTest::newRow("add newline") << QByteArray("guest-ssh-add-authorized-keys") << "a\nb";
    QTest::newRow("remove comment") << QByteArray("guest-ssh-remove-authorized-keys") << "#x";
    QTest::newRow("remove newline") << QByteArray("guest-ssh-remove-authorized-keys") << "x\n";
}

void tst_Ssh::keysCheckedBeforeUser()
{
    QFETCH(QByteArray, command);
    QFETCH(QString, key);
    const Reply r = call(m_client, command.constData(), {{"username", "qtga-no-such-user"}, {"keys", QJsonArray{"fine", key}}});
    QCOMPARE(r.error(), QStringLiteral("invalid OpenSSH public key: '%1'").arg(key));
}

void tst_Ssh::unknownUser()
{
    for (const char *command : {"guest-ssh-get-authorized-keys", "guest-ssh-add-authorized-keys", "guest-ssh-remove-authorized-keys"}) {
        QJsonObject args{{"username", "qtga-no-such-user"}};
        if (QByteArray(command) != "guest-ssh-get-authorized-keys")
            args.insert("keys", QJsonArray{"k"});
        QCOMPARE(call(m_client, command, args).error(), QStringLiteral("failed to lookup user 'qtga-no-such-user': Success"));
    }
}

// qemu-ga's texts (GLib's) for a directory in the file's place: reading fails, and add, which
// then starts afresh, cannot rename its new file over the directory.
void tst_Ssh::keysFileIsADirectory()
{
    QVERIFY(QDir().mkpath(keysPath()));
    QCOMPARE(call(m_client, "guest-ssh-get-authorized-keys", {{"username", m_user}}).error(),
             readError(QStringLiteral("Error reading file \u201C%1\u201D: Is a directory").arg(keysPath())));
    const QRegularExpression renameFailed(
        QStringLiteral("^failed to write to '%1': Failed to rename file \u201C%2\\.[A-Za-z0-9]{6}\u201D to \u201C%2\u201D: "
                       "g_rename\\(\\) failed: Is a directory$")
            .arg(QRegularExpression::escape(keysPath()), QRegularExpression::escape(keysPath())));
    const QString error = add({NewKey}).error();
    QVERIFY2(renameFailed.match(error).hasMatch(), qPrintable(error));
    QCOMPARE(QDir(sshDir()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{"authorized_keys"});
}

// ~/.ssh/authorized_keys -> a root-only file: reading it would copy root's secret into a file the
// user owns (add, remove) or hand it out (get). With reset nothing is read, and the new file
// replaces the link itself.
void tst_Ssh::symlinkedKeysFileIsNotFollowed_data()
{
    addKindRows(true);
}

void tst_Ssh::symlinkedKeysFileIsNotFollowed()
{
    QFETCH(QString, kind);
    RootFixture fixture;
    QVERIFY(fixture.create());
    const QString fileBefore = nodeState(fixture.file());
    const QString dirBefore = nodeState(fixture.dir.path());
    QVERIFY(QDir().mkpath(sshDir()));
    QCOMPARE(::chown(QFile::encodeName(sshDir()).constData(), m_uid, m_gid), 0);
    QCOMPARE(::symlink(QFile::encodeName(fixture.file()).constData(), QFile::encodeName(keysPath()).constData()), 0);
    QCOMPARE(::lchown(QFile::encodeName(keysPath()).constData(), m_uid, m_gid), 0);

    const Reply r = run(m_client, kind);
    QVERIFY2(!r.raw.contains(fixture.secret), r.raw.constData());
    QVERIFY(!userFilesContain(fixture.secret));
    QCOMPARE(nodeState(fixture.file()), fileBefore);
    QCOMPARE(nodeState(fixture.dir.path()), dirBefore);
    if (kind == QLatin1String("add reset")) {
        QCOMPARE(r.raw, QByteArray(R"({"return": {}})"));
        struct stat st;
        QCOMPARE(::lstat(QFile::encodeName(keysPath()).constData(), &st), 0);
        QVERIFY(S_ISREG(st.st_mode));
        QCOMPARE(st.st_uid, m_uid);
        QCOMPARE(keysFile(), NewKey.toUtf8());
    } else {
        QCOMPARE(r.error(), openError(QStringLiteral("Too many levels of symbolic links")));
        QCOMPARE(QFile::symLinkTarget(keysPath()), fixture.file());
    }
}

// ~/.ssh -> a root-owned directory elsewhere: root must neither read nor write in it.
void tst_Ssh::symlinkedSshDirIsNotFollowed_data()
{
    addKindRows(true);
}

void tst_Ssh::symlinkedSshDirIsNotFollowed()
{
    QFETCH(QString, kind);
    RootFixture fixture;
    QVERIFY(fixture.create());
    const QString fileBefore = nodeState(fixture.file());
    const QString dirBefore = nodeState(fixture.dir.path());
    QCOMPARE(::symlink(QFile::encodeName(fixture.dir.path()).constData(), QFile::encodeName(sshDir()).constData()), 0);
    QCOMPARE(::lchown(QFile::encodeName(sshDir()).constData(), m_uid, m_gid), 0);

    const Reply r = run(m_client, kind);
    QVERIFY2(!r.raw.contains(fixture.secret), r.raw.constData());
    QCOMPARE(nodeState(fixture.file()), fileBefore);
    QCOMPARE(nodeState(fixture.dir.path()), dirBefore);
    QCOMPARE(QFile::symLinkTarget(sshDir()), fixture.dir.path());
    const QString inner = QStringLiteral("Failed to open directory \u201C%1\u201D: Too many levels of symbolic links").arg(sshDir());
    if (kind == QLatin1String("add reset"))
        QCOMPARE(r.error(), QStringLiteral("failed to write to '%1': %2").arg(keysPath(), inner));
    else
        QCOMPARE(r.error(), readError(inner));
}

// The user swaps a freshly created ~/.ssh for a symlink to a root-owned directory while the
// agent works on it: any step after mkdir taken by path (chown, chmod, the temporary file, the
// rename) would land in the root-owned directory. Whatever the interleaving, nothing there may
// change. The swap does not land in the window every time: up to 1000 rounds, until the
// root-owned directory changes. An agent of its own, whose log goes nowhere: a thousand log
// lines would fill the pipe that nobody reads during the loop.
void tst_Ssh::sshDirSwapRace()
{
    AgentProcess agent;
    agent.process().setStandardErrorFile(QProcess::nullDevice());
    QVERIFY(agent.start());
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    RootFixture fixture;
    QVERIFY(fixture.create());
    const QString fileBefore = nodeState(fixture.file());
    const QString dirBefore = nodeState(fixture.dir.path());
    const QByteArray ssh = QFile::encodeName(sshDir());
    const QByteArray target = QFile::encodeName(fixture.dir.path());
    const QByteArray movedPrefix = QFile::encodeName(m_home) + "/.ssh-moved-";
    std::atomic<bool> stop{false};
    std::atomic<int> swaps{0};
    int moved = 0;
    std::thread racer([&] {
        while (!stop.load()) {
            struct stat st;
            // Only a directory still root's, between the agent's mkdir and its chown: the swap
            // lands inside a command, never between two.
            if (::lstat(ssh.constData(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0) {
                if (::rename(ssh.constData(), (movedPrefix + QByteArray::number(moved)).constData()) == 0) {
                    ++moved;
                    if (::symlink(target.constData(), ssh.constData()) == 0)
                        ++swaps;
                }
            }
        }
    });
    const auto cleanUp = qScopeGuard([&] {
        stop = true;
        racer.join();
        for (int i = 0; i < moved; ++i)
            removeTree(QFile::decodeName(movedPrefix + QByteArray::number(i)));
    });
    for (int i = 0; i < 1000; ++i) {
        removeSshDir();
        QVERIFY2(!run(client, QStringLiteral("add reset")).raw.isEmpty(), "no answer");
        if (nodeState(fixture.dir.path()) != dirBefore || nodeState(fixture.file()) != fileBefore)
            break;
    }
    stop = true;
    QVERIFY(swaps > 0);
    QCOMPARE(nodeState(fixture.file()), fileBefore);
    QCOMPARE(nodeState(fixture.dir.path()), dirBefore);
}

// A FIFO as authorized_keys: opening it for reading would wait for a writer for ever.
void tst_Ssh::fifoKeysFileDoesNotBlock_data()
{
    addKindRows(false);
}

void tst_Ssh::fifoKeysFileDoesNotBlock()
{
    QFETCH(QString, kind);
    QVERIFY(QDir().mkpath(sshDir()));
    const QByteArray fifo = QFile::encodeName(keysPath());
    QCOMPARE(::mkfifo(fifo.constData(), 0600), 0);
    QCOMPARE(::chown(fifo.constData(), m_uid, m_gid), 0);
    // An agent stuck in open() is let go, so that it does not stay stuck after a failure.
    const auto release = qScopeGuard([&] {
        const int writer = ::open(fifo.constData(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (writer >= 0)
            ::close(writer);
    });
    // A connection of its own: the late answer of a command that hung must not reach later tests.
    QgaClient client;
    QVERIFY(client.connectTo(m_agent.socketPath()));
    QElapsedTimer timer;
    timer.start();
    const Reply r = run(client, kind, 2000);
    QVERIFY2(!r.raw.isEmpty(), "no answer within 2 s");
    QVERIFY(timer.elapsed() < 2000);
    QCOMPARE(r.error(), openError(QStringLiteral("Not a regular file")));
    QCOMPARE(call(client, "guest-ping", {}, 2000).raw, QByteArray(R"({"return": {}})"));
    struct stat st;
    QCOMPARE(::lstat(fifo.constData(), &st), 0);
    QVERIFY(S_ISFIFO(st.st_mode));
}

// authorized_keys -> /dev/zero: an endless read. The agent for this test may have no more than
// 256 MiB of data (unless sanitized), so that one that reads without a limit fails quickly instead
// of taking the machine's memory.
void tst_Ssh::keysFileLinkedToDevZero_data()
{
    addKindRows(false);
}

void tst_Ssh::keysFileLinkedToDevZero()
{
    QFETCH(QString, kind);
    AgentProcess agent;
#if !defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer maps terabytes of shadow memory, which RLIMIT_DATA counts: a sanitized agent
    // could not start under the limit. There the RSS check below is the guard.
    agent.process().setChildProcessModifier([] {
        const rlimit limit{256u << 20, 256u << 20};
        ::setrlimit(RLIMIT_DATA, &limit);
    });
#endif
    QVERIFY(agent.start());
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QVERIFY(QDir().mkpath(sshDir()));
    QCOMPARE(::symlink("/dev/zero", QFile::encodeName(keysPath()).constData()), 0);
    QCOMPARE(::lchown(QFile::encodeName(keysPath()).constData(), m_uid, m_gid), 0);

    const Reply r = run(client, kind, 5000);
    QVERIFY2(!r.raw.isEmpty(), "no answer within 5 s");
    QCOMPARE(r.error(), openError(QStringLiteral("Too many levels of symbolic links")));
    QVERIFY(agent.isRunning());
    const qint64 rss = rssKiB(agent.pid());
    QVERIFY2(rss > 0 && rss < 64 * 1024, qPrintable(QString::number(rss)));
    QCOMPARE(call(client, "guest-ping", {}, 2000).raw, QByteArray(R"({"return": {}})"));
    QCOMPARE(QFile::symLinkTarget(keysPath()), QStringLiteral("/dev/zero"));
}

// A regular file one byte over the cap is refused, whatever the command, and left alone.
void tst_Ssh::keysFileLargerThanCap_data()
{
    addKindRows(false);
}

void tst_Ssh::keysFileLargerThanCap()
{
    QFETCH(QString, kind);
    QByteArray big;
    big.reserve(KeysSizeCap + 64);
    for (int i = 0; big.size() <= KeysSizeCap; ++i)
        big += "ssh-ed25519 AAAA" + QByteArray::number(i) + " filler\n";
    big.truncate(KeysSizeCap + 1);
    setKeysFile(big);
    QCOMPARE(::chown(QFile::encodeName(keysPath()).constData(), m_uid, m_gid), 0);
    const QString before = nodeState(keysPath());

    const Reply r = run(m_client, kind);
    QCOMPARE(r.error(), readError(QStringLiteral("File \u201C%1\u201D is too large (more than 1048576 bytes)").arg(keysPath())));
    QCOMPARE(nodeState(keysPath()), before);
}

// Exactly at the cap is still fine, for reading and for writing.
void tst_Ssh::keysFileAtCapIsRead()
{
    QByteArray full;
    for (int i = 0; full.size() < KeysSizeCap; ++i)
        full += "ssh-ed25519 AAAA" + QByteArray::number(i) + " filler\n";
    full.truncate(KeysSizeCap - 2);
    full += "\nx";
    QCOMPARE(full.size(), KeysSizeCap);
    setKeysFile(full);
    const Reply r = call(m_client, "guest-ssh-get-authorized-keys", {{"username", m_user}});
    QVERIFY2(r.ok(), qPrintable(r.error()));
    QCOMPARE(r.result().value("keys").toArray().first().toString(), QStringLiteral("x"));
    QVERIFY(call(m_client, "guest-ssh-remove-authorized-keys", {{"username", m_user}, {"keys", QJsonArray{"x"}}}).ok());
    QCOMPARE(keysFile(), full.chopped(2));
    QVERIFY(add({"x"}).ok());
    QCOMPARE(keysFile(), full);
}

// Nor does the agent write a file it would refuse to read back.
void tst_Ssh::addBeyondCapIsRefused()
{
    setKeysFile("old");
    const QString before = nodeState(keysPath());
    const Reply r = add({QString(KeysSizeCap + 1, QLatin1Char('k'))}, true, true);
    QCOMPARE(r.error(), QStringLiteral("failed to write to '%1': File \u201C%1\u201D would be too large (more than 1048576 bytes)").arg(keysPath()));
    QCOMPARE(nodeState(keysPath()), before);
    QCOMPARE(QDir(sshDir()).entryList(QDir::Files | QDir::Hidden), QStringList{"authorized_keys"});
}

// A keys file the user does not own: a hard link to root's file (possible where
// fs.protected_hardlinks is off) or another user's file. Not read, not replaced.
void tst_Ssh::keysFileOfAnotherOwner_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("hardLink");
    for (const char *kind : {"get", "add", "remove"}) {
        QTest::addRow("root's, hard-linked, %s", kind) << kind << true;
        QTest::addRow("another user's, %s", kind) << kind << false;
    }
}

void tst_Ssh::keysFileOfAnotherOwner()
{
    QFETCH(QString, kind);
    QFETCH(bool, hardLink);
    const QByteArray secret = "ssh-ed25519 AAAAnot-yours-" + QByteArray::number(QRandomGenerator::global()->generate());
    // A hard link must stay on one filesystem: root's file lives in the home directory.
    const QString rootFile = m_home + QStringLiteral("/root-only-file");
    const auto removeRootFile = qScopeGuard([&] { QFile::remove(rootFile); });
    if (hardLink) {
        QFile f(rootFile);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(f.write(secret + '\n'), secret.size() + 1);
        f.close();
        QCOMPARE(::chmod(QFile::encodeName(rootFile).constData(), 0600), 0);
        QVERIFY(QDir().mkpath(sshDir()));
        QCOMPARE(::link(QFile::encodeName(rootFile).constData(), QFile::encodeName(keysPath()).constData()), 0);
    } else {
        setKeysFile(secret + '\n');
        QCOMPARE(::chown(QFile::encodeName(keysPath()).constData(), 65534, 65534), 0);
    }
    const QString before = nodeState(keysPath());

    const Reply r = run(m_client, kind);
    QVERIFY2(!r.raw.contains(secret), r.raw.constData());
    QCOMPARE(nodeState(keysPath()), before);
    QCOMPARE(r.error(), openError(hardLink ? QStringLiteral("Owned by root and has other hard links")
                                           : QStringLiteral("Not owned by the user or root")));
}

// ~/.ssh owned by somebody else than the user or root is not used.
void tst_Ssh::sshDirOfAnotherOwner_data()
{
    addKindRows(true);
}

void tst_Ssh::sshDirOfAnotherOwner()
{
    QFETCH(QString, kind);
    setKeysFile("ssh-ed25519 AAAAsomebody else\n");
    QCOMPARE(::chown(QFile::encodeName(sshDir()).constData(), 65534, 65534), 0);
    const QString fileBefore = nodeState(keysPath());
    const QString dirBefore = nodeState(sshDir());

    const Reply r = run(m_client, kind);
    QCOMPARE(nodeState(keysPath()), fileBefore);
    QCOMPARE(nodeState(sshDir()), dirBefore);
    const QString inner = QStringLiteral("Failed to open directory \u201C%1\u201D: Not owned by the user or root").arg(sshDir());
    if (kind == QLatin1String("add reset"))
        QCOMPARE(r.error(), QStringLiteral("failed to write to '%1': %2").arg(keysPath(), inner));
    else
        QCOMPARE(r.error(), readError(inner));
}

QTEST_GUILESS_MAIN(tst_Ssh)
#include "tst_ssh.moc"
