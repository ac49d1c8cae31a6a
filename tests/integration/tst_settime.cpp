// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-set-time's argument checks over the wire, and only those: the agent runs
// without CAP_SYS_TIME (dropped from its bounding set before exec), so even a bug that let a
// request through could not change this machine's clock. Requests without a time (which would
// run `hwclock -s`) are never sent.
#include "qgacall.h"

#include <QFile>
#include <QProcessEnvironment>
#include <QTest>

#include <ctime>
#include <limits>
#include <sys/prctl.h>

using namespace qtga::test;

namespace {

constexpr int CapSysTime = 25;

bool lacksSysTime(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return false;
    bool effective = false;
    bool bounding = false;
    for (const QByteArray &line : status.readAll().split('\n')) {
        const QList<QByteArray> parts = line.simplified().split(' ');
        if (parts.size() != 2)
            continue;
        const bool has = (parts[1].toULongLong(nullptr, 16) >> CapSysTime) & 1;
        if (parts[0] == "CapEff:")
            effective = !has;
        else if (parts[0] == "CapBnd:")
            bounding = !has;
    }
    return effective && bounding;
}

} // namespace

class tst_SetTime : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rejected_data();
    void rejected();

private:
    AgentProcess m_agent;
    QgaClient m_client;
};

void tst_SetTime::initTestCase()
{
    m_agent.process().setChildProcessModifier([] { ::prctl(PR_CAPBSET_DROP, CapSysTime, 0, 0, 0); });
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("TZ", "UTC");
    m_agent.process().setProcessEnvironment(env);
    QVERIFY(m_agent.start());
    QVERIFY2(lacksSysTime(m_agent.pid()), "the agent could set the clock; not sending guest-set-time");
    QVERIFY(m_client.connectTo(m_agent.socketPath()));
}

void tst_SetTime::rejected_data()
{
    QTest::addColumn<QJsonValue>("time");
    QTest::addColumn<QString>("error");
    QTest::newRow("2070") << QJsonValue(qint64(3155760000) * 1000000000) << "Invalid time";
    QTest::newRow("int64 max") << QJsonValue(std::numeric_limits<qint64>::max()) << "Invalid time";
    QTest::newRow("1969") << QJsonValue(qint64(-1000000000)) << "Invalid time";
    QTest::newRow("int64 min") << QJsonValue(std::numeric_limits<qint64>::min()) << "Invalid time";
    QTest::newRow("string") << QJsonValue("now") << "Invalid parameter type for 'time', expected: integer";
    QTest::newRow("float") << QJsonValue(1.5) << "Invalid parameter type for 'time', expected: integer";
}

void tst_SetTime::rejected()
{
    QFETCH(QJsonValue, time);
    QFETCH(QString, error);
    const time_t before = ::time(nullptr);
    const Reply r = call(m_client, "guest-set-time", {{"time", time}});
    QCOMPARE(r.errorClass(), QStringLiteral("GenericError"));
    QCOMPARE(r.error(), error);
    const time_t after = ::time(nullptr);
    QVERIFY(after >= before && after - before < 60);
}

QTEST_GUILESS_MAIN(tst_SetTime)
#include "tst_settime.moc"
