// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// A batch of guest-file and guest-exec work, failures included, leaves the agent with exactly
// the descriptors it had before.
#include "qgacall.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <unistd.h>

using namespace qtga::test;

namespace {

// fd number -> what it points at. Event fds are left out: each thread the worker pool starts
// (or retires) brings (or takes) its own event dispatcher's.
QMap<QString, QString> openFds(qint64 pid)
{
    QMap<QString, QString> fds;
    const QString dir = QStringLiteral("/proc/%1/fd").arg(pid);
    for (const QString &name : QDir(dir).entryList(QDir::NoDotAndDotDot | QDir::System | QDir::Files)) {
        const QString target = QFile::symLinkTarget(dir + '/' + name);
        if (!target.endsWith(QLatin1String("anon_inode:[eventfd]")))
            fds.insert(name, target);
    }
    return fds;
}

} // namespace

class tst_FdLeaks : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fileAndExecWorkLeavesNoFds();
};

void tst_FdLeaks::fileAndExecWorkLeavesNoFds()
{
    QTemporaryDir dir;
    AgentProcess agent;
    QVERIFY(agent.start());
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QVERIFY(call(client, "guest-ping").ok());
    const QMap<QString, QString> before = openFds(agent.pid());
    QVERIFY(!before.isEmpty());

    for (int i = 0; i < 5; ++i) {
        const QString file = dir.filePath(QStringLiteral("f%1").arg(i));
        const qint64 handle = call(client, "guest-file-open", {{"path", file}, {"mode", "w+"}}).value().toInteger(-1);
        QVERIFY(handle >= 0);
        QVERIFY(call(client, "guest-file-write", {{"handle", handle}, {"buf-b64", b64("data")}}).ok());
        QVERIFY(call(client, "guest-file-read", {{"handle", handle}}).ok());
        QVERIFY(call(client, "guest-file-close", {{"handle", handle}}).ok());
        QVERIFY(!call(client, "guest-file-open", {{"path", dir.filePath("missing/x")}}).ok());
        QVERIFY(!call(client, "guest-file-open", {{"path", file}, {"mode", "bad"}}).ok());
    }

    QList<qint64> pids;
    for (const QJsonValue &capture : {QJsonValue(true), QJsonValue("merged"), QJsonValue("stdout"), QJsonValue("stderr"),
                                      QJsonValue(false)}) {
        const Reply r = call(client, "guest-exec", {{"path", "/bin/sh"}, {"arg", QJsonArray{"-c", "cat; echo e >&2"}},
                                                    {"input-data", b64("in")}, {"capture-output", capture}});
        QVERIFY2(r.ok(), r.raw.constData());
        pids << r.result().value("pid").toInteger();
    }
    const Reply killed = call(client, "guest-exec", {{"path", "sleep"}, {"arg", QJsonArray{"1000"}}, {"capture-output", true}});
    QVERIFY(killed.ok());
    pids << killed.result().value("pid").toInteger();
    QCOMPARE(::kill(pid_t(pids.last()), SIGKILL), 0);
    QVERIFY(!call(client, "guest-exec", {{"path", "/bin/invalid-cmd42"}, {"capture-output", true}, {"input-data", ""}}).ok());

    for (qint64 pid : pids) {
        QVERIFY(QTest::qWaitFor([&] {
            return call(client, "guest-exec-status", {{"pid", pid}}).result().value("exited").toBool();
        }, 20000));
    }
    // Every descriptor open now was open before, pointing at the same thing. (The other way
    // round does not hold: the harness's start-up probe connection may still have been open
    // when `before` was taken, and the agent closes it a turn of its event loop later.)
    const auto noNewFds = [&] {
        const QMap<QString, QString> after = openFds(agent.pid());
        for (auto it = after.cbegin(); it != after.cend(); ++it) {
            if (before.value(it.key()) != it.value())
                return false;
        }
        return true;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(noNewFds(), qPrintable(QStringList(openFds(agent.pid()).values()).join(QLatin1Char(' '))), 5000);
}

QTEST_GUILESS_MAIN(tst_FdLeaks)
#include "tst_fdleaks.moc"
