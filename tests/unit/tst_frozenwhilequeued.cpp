// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// A command that waited for filesystem access while a freeze ran must not run once it gets
// access: the filesystems are frozen by then, it would block in the kernel holding the lock,
// and the thaw (which needs the lock exclusively) could never run. The dispatcher checks the
// command filters again after taking the lock.
#include "dispatch/commandcontext.h"
#include "dispatch/commandregistry.h"
#include "dispatch/dispatcher.h"
#include "qgaframer.h"

#include <QObject>
#include <QSemaphore>
#include <QTest>

#include <algorithm>

using namespace qtga;

namespace {

QgaFramer::Event request(const QByteArray &json)
{
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    framer.feed(json, events);
    return events.front();
}

} // namespace

class tst_FrozenWhileQueued : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sharedCommandQueuedBehindFreezeIsRefused();
    void exclusiveJobWaitsForSharedCommands();
};

void tst_FrozenWhileQueued::sharedCommandQueuedBehindFreezeIsRefused()
{
    using Execution = CommandDescriptor::Execution;
    using FsAccess = CommandDescriptor::FsAccess;
    QSemaphore freezing;
    QSemaphore release;
    QAtomicInt readsRun = 0;
    Dispatcher *dispatcher = nullptr;

    CommandRegistry registry;
    registry.add({"test-freeze", {},
                  [&](const JsonValue &, CommandContext &) {
                      freezing.release();
                      release.acquire();
                      dispatcher->setFrozen(true);
                      return CommandOutcome::ok(JsonValue(1));
                  },
                  true, false, Execution::Worker, FsAccess::Exclusive});
    registry.add({"test-read", {},
                  [&](const JsonValue &, CommandContext &) {
                      readsRun.ref();
                      return CommandOutcome::ok();
                  },
                  true, false, Execution::Worker, FsAccess::Shared});
    AgentServices services;
    Dispatcher d(registry, services);
    dispatcher = &d;
    QObject requester;
    QByteArrayList responses;
    const auto collect = [&responses](const QByteArray &line) { responses << line; };

    d.handle(request(R"({"execute":"test-freeze"})"), &requester, QStringLiteral("test"), collect);
    QVERIFY(freezing.tryAcquire(1, 10000));  // the freeze holds the lock now
    // Enabled when it arrives, so it is accepted and waits for the lock.
    d.handle(request(R"({"execute":"test-read","id":2})"), &requester, QStringLiteral("test"), collect);
    release.release();

    QTRY_COMPARE(responses.size(), 2);
    // Answers come in the order the workers finish: the read's refusal may be handed back before
    // the freeze's answer (putting them in request order is the session's business).
    std::sort(responses.begin(), responses.end());
    QCOMPARE(responses[0], QByteArray("{\"id\": 2, \"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Command "
                                      "test-read has been disabled: the command is not allowed\"}}\n"));
    QCOMPARE(responses[1], QByteArray("{\"return\": 1}\n"));
    QCOMPARE(readsRun.loadRelaxed(), 0);
}

void tst_FrozenWhileQueued::exclusiveJobWaitsForSharedCommands()
{
    // The freeze watchdog's thaw runs like an Exclusive command: never beside a Shared one.
    using Execution = CommandDescriptor::Execution;
    using FsAccess = CommandDescriptor::FsAccess;
    QSemaphore reading;
    QSemaphore release;
    QAtomicInt jobRan = 0;
    CommandRegistry registry;
    registry.add({"test-read", {},
                  [&](const JsonValue &, CommandContext &) {
                      reading.release();
                      release.acquire();
                      return CommandOutcome::ok(JsonValue(jobRan.loadRelaxed()));
                  },
                  true, false, Execution::Worker, FsAccess::Shared});
    AgentServices services;
    Dispatcher d(registry, services);
    QObject requester;
    QByteArrayList responses;
    d.handle(request(R"({"execute":"test-read"})"), &requester, QStringLiteral("test"),
             [&responses](const QByteArray &line) { responses << line; });
    QVERIFY(reading.tryAcquire(1, 10000));
    d.runExclusive([&jobRan] { jobRan.ref(); });
    release.release();
    QTRY_COMPARE(responses.size(), 1);
    // The read saw no job run; the job ran after it.
    QCOMPARE(responses[0], QByteArray("{\"return\": 0}\n"));
    QTRY_COMPARE(jobRan.loadRelaxed(), 1);
}

QTEST_GUILESS_MAIN(tst_FrozenWhileQueued)
#include "tst_frozenwhilequeued.moc"
