// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Faults the agent must survive with a clear error and without losing the session: a full
// disk under guest-file-write, the descriptor limit reached, a corrupt state file at start-up.
#include "agentharness.h"

#include <QFile>
#include <QTest>

using namespace qtga::test;

class tst_Faults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void diskFullDuringWrite();
    void descriptorLimitReached();
    void corruptStateFileIsAClearError();
};

void tst_Faults::diskFullDuringWrite()
{
    // /dev/full fails every write with ENOSPC, like a filesystem that has run out of space.
    AgentProcess agent;
    QVERIFY(agent.start());
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    const QByteArray opened = client.request(R"({"execute":"guest-file-open","arguments":{"path":"/dev/full","mode":"w"}})");
    QVERIFY2(opened.startsWith("{\"return\": "), opened.constData());
    const QByteArray handle = opened.mid(11, opened.size() - 12);
    // 48 KiB: more than stdio buffers, so the write reaches the device.
    const QByteArray data = QByteArray(48 * 1024, 'x').toBase64();
    QCOMPARE(client.request("{\"execute\":\"guest-file-write\",\"arguments\":{\"handle\":" + handle + ",\"buf-b64\":\"" + data + "\"}}"),
             QByteArray(R"({"error": {"class": "GenericError", "desc": "failed to write to file: No space left on device"}})"));
    // The handle and the session are still usable.
    QVERIFY(client.request("{\"execute\":\"guest-file-seek\",\"arguments\":{\"handle\":" + handle + ",\"offset\":0,\"whence\":\"set\"}}")
                .startsWith("{\"return\""));
    client.request("{\"execute\":\"guest-file-close\",\"arguments\":{\"handle\":" + handle + "}}");
    QCOMPARE(client.request(R"({"execute":"guest-sync","arguments":{"id":7}})"), QByteArray("{\"return\": 7}"));
}

void tst_Faults::descriptorLimitReached()
{
    // The agent runs with only 32 descriptors: opening files until none are left gives the
    // system's error, and closing some makes room again, for files and for new clients.
    AgentProcess agent;
    agent.process().start(QStringLiteral("prlimit"),
                          {QStringLiteral("--nofile=32:32"), agentBinary(), QStringLiteral("-m"), QStringLiteral("unix-listen"),
                           QStringLiteral("-p"), agent.socketPath(), QStringLiteral("-t"), agent.stateDir(),
                           QStringLiteral("--status-socket=")});
    QVERIFY(agent.process().waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(isListening(agent.socketPath()), 10000);
    QgaClient client;
    QVERIFY(client.connectTo(agent.socketPath()));
    QList<QByteArray> handles;
    QByteArray answer;
    for (int i = 0; i < 64; ++i) {
        answer = client.request(R"({"execute":"guest-file-open","arguments":{"path":"/dev/null","mode":"r"}})");
        if (!answer.startsWith("{\"return\": "))
            break;
        handles << answer.mid(11, answer.size() - 12);
    }
    // Either the file itself cannot be opened, or (as in qemu-ga, which opens the file first)
    // the state file that records the next handle cannot be written; the file is closed again.
    QVERIFY2(answer.contains("failed to open file '/dev/null' (mode: 'r'): Too many open files")
                 || answer.contains("failed to commit persistent state to disk"),
             answer.constData());
    QVERIFY(handles.size() > 5);
    QCOMPARE(client.request(R"({"execute":"guest-sync","arguments":{"id":1}})"), QByteArray("{\"return\": 1}"));
    for (int i = 0; i < 4; ++i)
        QVERIFY(client.request("{\"execute\":\"guest-file-close\",\"arguments\":{\"handle\":" + handles.takeLast() + "}}")
                    .startsWith("{\"return\""));
    QgaClient second;
    QVERIFY(second.connectTo(agent.socketPath()));
    QCOMPARE(second.request(R"({"execute":"guest-sync","arguments":{"id":2}})"), QByteArray("{\"return\": 2}"));
    QVERIFY(client.request(R"({"execute":"guest-file-open","arguments":{"path":"/dev/null","mode":"r"}})").startsWith("{\"return\""));
}

void tst_Faults::corruptStateFileIsAClearError()
{
    AgentProcess agent;
    QFile state(agent.stateDir() + QStringLiteral("/qga.state"));
    QVERIFY(state.open(QIODevice::WriteOnly));
    state.write("this is not a key file\n");
    state.close();
    QByteArray out, err;
    QCOMPARE(agent.runToExit({QStringLiteral("-m"), QStringLiteral("unix-listen"), QStringLiteral("-p"), agent.socketPath(),
                              QStringLiteral("-t"), agent.stateDir(), QStringLiteral("--status-socket=")},
                             &out, &err),
             1);
    QVERIFY2(err.contains("error loading persistent state from path: " + QFile::encodeName(state.fileName())), err.constData());
    QVERIFY2(err.contains("error initializing guest agent"), err.constData());
}

QTEST_GUILESS_MAIN(tst_Faults)
#include "tst_faults.moc"
