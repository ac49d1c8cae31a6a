// guest-ssh-*-authorized-keys over the wire, on a throwaway account the test
// creates with useradd and removes afterwards. Needs root; nobody's real keys are touched.
#include "qgacall.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTest>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace qtga::test;

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

private:
    Reply add(const QJsonArray &keys, bool reset = false, bool withReset = false);
    QByteArray keysFile() const;
    void setKeysFile(const QByteArray &content);

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
    QDir(m_home + "/.ssh").removeRecursively();
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

QTEST_GUILESS_MAIN(tst_Ssh)
#include "tst_ssh.moc"
