// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-set-user-password over the wire against a stand-in chpasswd that comes
// first in the agent's PATH and records its arguments and stdin. The real chpasswd is never run:
// every row checks that the stand-in was the one called, and the user names do not exist.
#include "qgacall.h"

#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

using namespace qtga::test;

class tst_Password : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void setPassword_data();
    void setPassword();
    void helperFailure_data();
    void helperFailure();
    void rejectedBeforeRunning_data();
    void rejectedBeforeRunning();
    void passwordNeverLogged();

private:
    QByteArray recorded(const char *name) const;
    void setOutcome(const QByteArray &output, int status);

    QTemporaryDir m_dir;
    AgentProcess m_agent;
    QgaClient m_client;
};

void tst_Password::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QFile script(m_dir.filePath("chpasswd"));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(QStringLiteral("#!/bin/sh\n"
                                "dir='%1'\n"
                                "printf '%s\\n' \"$*\" > \"$dir/args\"\n"
                                "cat > \"$dir/stdin\"\n"
                                "[ -f \"$dir/output\" ] && cat \"$dir/output\"\n"
                                "exit $(cat \"$dir/status\" 2>/dev/null || echo 0)\n")
                     .arg(m_dir.path())
                     .toUtf8());
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("PATH", m_dir.path() + ':' + env.value("PATH"));
    m_agent.process().setProcessEnvironment(env);
    QVERIFY(m_agent.start({"-v", "-l", m_dir.filePath("agent.log")}));
    QVERIFY(m_client.connectTo(m_agent.socketPath()));
}

void tst_Password::init()
{
    for (const char *name : {"args", "stdin", "output", "status"})
        QFile::remove(m_dir.filePath(name));
}

QByteArray tst_Password::recorded(const char *name) const
{
    QFile f(m_dir.filePath(name));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<not called>");
}

void tst_Password::setOutcome(const QByteArray &output, int status)
{
    QFile out(m_dir.filePath("output"));
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(output);
    out.close();
    QFile code(m_dir.filePath("status"));
    QVERIFY(code.open(QIODevice::WriteOnly));
    code.write(QByteArray::number(status));
}

void tst_Password::setPassword_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<bool>("crypted");
    QTest::addColumn<QByteArray>("args");
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("plain") << "qtga-nouser-a" << QByteArray("s3cret pass") << false << QByteArray("\n")
                           << QByteArray("qtga-nouser-a:s3cret pass\n");
    QTest::newRow("crypted") << "qtga-nouser-b" << QByteArray("$6$salt$hash") << true << QByteArray("-e\n")
                             << QByteArray("qtga-nouser-b:$6$salt$hash\n");
    QTest::newRow("ends at NUL") << "qtga-nouser-c" << QByteArray("ab\0cd", 5) << false << QByteArray("\n")
                                 << QByteArray("qtga-nouser-c:ab\n");
    QTest::newRow("empty") << "qtga-nouser-d" << QByteArray() << false << QByteArray("\n") << QByteArray("qtga-nouser-d:\n");
}

void tst_Password::setPassword()
{
    QFETCH(QString, user);
    QFETCH(QByteArray, password);
    QFETCH(bool, crypted);
    QFETCH(QByteArray, args);
    QFETCH(QByteArray, input);
    const Reply r = call(m_client, "guest-set-user-password", {{"username", user}, {"password", b64(password)}, {"crypted", crypted}});
    QCOMPARE(r.raw, QByteArray(R"({"return": {}})"));
    QCOMPARE(recorded("args"), args);
    QCOMPARE(recorded("stdin"), input);
}

void tst_Password::helperFailure_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("with output") << QByteArray("chpasswd: user not found\n") << 1
                                 << "child process has failed to set user password: chpasswd: user not found\n";
    QTest::newRow("silent") << QByteArray() << 3 << "child process has failed to set user password: exit status 3";
}

void tst_Password::helperFailure()
{
    QFETCH(QByteArray, output);
    QFETCH(int, status);
    QFETCH(QString, error);
    setOutcome(output, status);
    const Reply r = call(m_client, "guest-set-user-password",
                         {{"username", "qtga-nouser-e"}, {"password", b64("x")}, {"crypted", false}});
    QCOMPARE(r.error(), error);
    QCOMPARE(recorded("stdin"), QByteArray("qtga-nouser-e:x\n"));
}

void tst_Password::rejectedBeforeRunning_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("error");
    QTest::newRow("newline in password") << "qtga-nouser-f" << b64("a\nb") << "forbidden characters in raw password";
    QTest::newRow("colon in user") << "qtga:nouser" << b64("x") << "forbidden characters in username";
    QTest::newRow("newline in user") << "qtga\nnouser" << b64("x") << "forbidden characters in username";
    QTest::newRow("password checked first") << "a:b" << b64("a\nb") << "forbidden characters in raw password";
    QTest::newRow("invalid base64") << "a:b" << "YW$" << "Base64 data contains invalid characters";
}

void tst_Password::rejectedBeforeRunning()
{
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, error);
    const Reply r = call(m_client, "guest-set-user-password", {{"username", user}, {"password", password}, {"crypted", false}});
    QCOMPARE(r.error(), error);
    QCOMPARE(recorded("args"), QByteArray("<not called>"));
}

void tst_Password::passwordNeverLogged()
{
    const QByteArray secret = "Unl1kely-Passw0rd-7f3a";
    const Reply r = call(m_client, "guest-set-user-password", {{"username", "qtga-nouser-g"}, {"password", b64(secret)}, {"crypted", false}});
    QVERIFY(r.ok());
    setOutcome("chpasswd: cannot lock /etc/shadow\n", 1);
    QVERIFY(!call(m_client, "guest-set-user-password", {{"username", "qtga-nouser-g"}, {"password", b64(secret)}, {"crypted", true}}).ok());
    QVERIFY(call(m_client, "guest-ping").ok());
    QFile log(m_dir.filePath("agent.log"));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray text = log.readAll();
    QVERIFY(!text.isEmpty());
    QVERIFY(!text.contains(secret));
    QVERIFY(!text.contains(secret.toBase64()));
    QVERIFY(!m_agent.standardError().contains(secret));
}

QTEST_GUILESS_MAIN(tst_Password)
#include "tst_password.moc"
