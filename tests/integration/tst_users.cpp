// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-get-host-name, guest-get-osinfo, guest-get-timezone and guest-get-users over the wire
//. os-release comes from a fixture through QGA_OS_RELEASE; the time zone
// from TZ in the agent's environment.
#include "qgacall.h"

#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include <sys/utsname.h>
#include <unistd.h>
#include <utmpx.h>

using namespace qtga::test;

namespace {

QJsonObject unameFields()
{
    utsname u{};
    uname(&u);
    return {{"kernel-release", QString::fromUtf8(u.release)},
            {"kernel-version", QString::fromUtf8(u.version)},
            {"machine", QString::fromUtf8(u.machine)}};
}

bool startWithEnvironment(AgentProcess &agent, const QString &name, const QString &value)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(name, value);
    agent.process().setProcessEnvironment(env);
    return agent.start();
}

} // namespace

class tst_Users : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void hostName();
    void osinfo_data();
    void osinfo();
    void osinfoWithoutFile();
    void timezone_data();
    void timezone();
    void users();

private:
    QTemporaryDir m_dir;
    AgentProcess m_osAgent;
    QgaClient m_osClient;
};

void tst_Users::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(startWithEnvironment(m_osAgent, "QGA_OS_RELEASE", m_dir.filePath("os-release")));
    QVERIFY(m_osClient.connectTo(m_osAgent.socketPath()));
}

void tst_Users::hostName()
{
    char name[256] = {};
    QCOMPARE(gethostname(name, sizeof name - 1), 0);
    QCOMPARE(call(m_osClient, "guest-get-host-name").result(), (QJsonObject{{"host-name", QString::fromUtf8(name)}}));
}

void tst_Users::osinfo_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QJsonObject>("expected");   // the os-release members only
    QTest::newRow("debian") << QByteArray("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
                                          "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
                                          "HOME_URL=\"https://www.debian.org/\"\n")
                            << QJsonObject{{"pretty-name", "Debian GNU/Linux 12 (bookworm)"}, {"name", "Debian GNU/Linux"},
                                           {"version-id", "12"}, {"version", "12 (bookworm)"}, {"id", "debian"}};
    // The example of QEMU's own test data.
    QTest::newRow("qemu test data") << QByteArray("ID=qemu-ga-test\nNAME=QEMU-GA\nPRETTY_NAME=\"QEMU Guest Agent test\"\n"
                                                  "VERSION=\"Test version\"\nVERSION_ID=1\n"
                                                  "VARIANT=\"Unit test \\\"\\'\\$\\`\\\\ and \\\\\\\\ etc.\"\nVARIANT_ID=unit-test\n")
                                    << QJsonObject{{"id", "qemu-ga-test"}, {"name", "QEMU-GA"}, {"pretty-name", "QEMU Guest Agent test"},
                                                   {"version", "Test version"}, {"version-id", "1"},
                                                   {"variant", "Unit test \"'$`\\ and \\\\ etc."}, {"variant-id", "unit-test"}};
    QTest::newRow("unquoted cut at space") << QByteArray("NAME=Two words\n") << QJsonObject{{"name", "Two"}};
    QTest::newRow("unquoted cut at semicolon") << QByteArray("ID=a;b c\n") << QJsonObject{{"id", "a"}};
    QTest::newRow("single quotes kept") << QByteArray("ID='deb ian'\n") << QJsonObject{{"id", "'deb"}};
    QTest::newRow("quoted then junk") << QByteArray("ID=\"a b\";c d\n") << QJsonObject{{"id", "a b"}};
    QTest::newRow("unterminated quote") << QByteArray("ID=\"abc\n") << QJsonObject{{"id", "abcc"}};
    QTest::newRow("other escapes kept") << QByteArray("ID=\"tr\\ail\\n\"\n") << QJsonObject{{"id", "tr\\ail\\n"}};
    QTest::newRow("empty value") << QByteArray("ID=\nNAME=\"\"\n") << QJsonObject{{"id", ""}, {"name", ""}};
    QTest::newRow("spaces around =") << QByteArray("  NAME = foo \n# comment\n") << QJsonObject{{"name", "foo"}};
    QTest::newRow("later key wins") << QByteArray("ID=x\nID=y\n") << QJsonObject{{"id", "y"}};
    QTest::newRow("other group") << QByteArray("ID=x\n[other]\nNAME=y\n") << QJsonObject{{"id", "x"}};
    QTest::newRow("CRLF") << QByteArray("ID=x\r\nNAME=y\r\n") << QJsonObject{{"id", "x"}, {"name", "y"}};
    QTest::newRow("UTF-8") << QByteArray("NAME=\"\xc3\xa9t\xc3\xa9\"\n") << QJsonObject{{"name", QString::fromUtf8("\xc3\xa9t\xc3\xa9")}};
    QTest::newRow("line GLib rejects") << QByteArray("ID=x\nbogus line\n") << QJsonObject{};
    QTest::newRow("not UTF-8") << QByteArray("ID=\xff\n") << QJsonObject{};
    QTest::newRow("no keys") << QByteArray("") << QJsonObject{};
}

void tst_Users::osinfo()
{
    QFETCH(QByteArray, content);
    QFETCH(QJsonObject, expected);
    QFile file(m_dir.filePath("os-release"));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
    file.close();
    QJsonObject all = unameFields();
    for (auto it = expected.begin(); it != expected.end(); ++it)
        all.insert(it.key(), it.value());
    QCOMPARE(call(m_osClient, "guest-get-osinfo").result(), all);
}

void tst_Users::osinfoWithoutFile()
{
    QFile::remove(m_dir.filePath("os-release"));
    // QGA_OS_RELEASE is used alone: no fallback to /etc/os-release.
    QCOMPARE(call(m_osClient, "guest-get-osinfo").result(), unameFields());
}

void tst_Users::timezone_data()
{
    QTest::addColumn<QString>("tz");
    QTest::addColumn<QJsonObject>("expected");
    QTest::newRow("UTC") << "UTC" << QJsonObject{{"zone", "UTC"}, {"offset", 0}};
    QTest::newRow("POSIX east") << "<+0530>-5:30" << QJsonObject{{"zone", "+0530"}, {"offset", 19800}};
    QTest::newRow("POSIX west") << "ABC+3" << QJsonObject{{"zone", "ABC"}, {"offset", -10800}};
}

void tst_Users::timezone()
{
    QFETCH(QString, tz);
    QFETCH(QJsonObject, expected);
    AgentProcess agent;
    QVERIFY(startWithEnvironment(agent, "TZ", tz));
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QCOMPARE(call(client, "guest-get-timezone").result(), expected);
}

void tst_Users::users()
{
    // The same walk the agent makes; on a machine without logins both are empty.
    QJsonArray expected;
    QMap<QString, int> index;
    setutxent();
    while (const utmpx *entry = getutxent()) {
        if (entry->ut_type != USER_PROCESS)
            continue;
        const QString user = QString::fromUtf8(QByteArray(entry->ut_user, qsizetype(strnlen(entry->ut_user, sizeof entry->ut_user))));
        const double time = entry->ut_tv.tv_sec + entry->ut_tv.tv_usec / 1000000.0;
        if (!index.contains(user)) {
            index.insert(user, int(expected.size()));
            expected.append(QJsonObject{{"user", user}, {"login-time", time}});
        } else if (time < expected[index[user]].toObject().value("login-time").toDouble()) {
            expected[index[user]] = QJsonObject{{"user", user}, {"login-time", time}};
        }
    }
    endutxent();
    const Reply r = call(m_osClient, "guest-get-users");
    QVERIFY2(r.ok(), r.raw.constData());
    QCOMPARE(r.value().toArray(), expected);
}

QTEST_GUILESS_MAIN(tst_Users)
#include "tst_users.moc"
