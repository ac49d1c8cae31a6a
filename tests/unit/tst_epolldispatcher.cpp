// The agent's epoll event loop (agent/epolldispatcher.h) behaves as Qt's own loop where the
// agent and Qt's classes rely on it: timers fire in deadline order, never early, not re-entered
// from a nested loop and not after being stopped; notifiers fire for what is ready, not after
// being disabled or deleted in the same batch, and survive fds closed and numbers reused; posts
// and interrupt() from other threads end a wait. Timing is only ever checked loosely: a timer
// may be late on a busy machine, never early. Waits that must block are checked for spinning by
// counting wake-ups.
#include "epolldispatcher.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <pthread.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace qtga;
using namespace std::chrono_literals;

namespace {

QAbstractEventDispatcher *dispatcher()
{
    return QAbstractEventDispatcher::instance();
}

// A connected pair of non-blocking stream sockets: [0] is watched, [1] is the peer.
struct SocketPair
{
    SocketPair()
    {
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fd) < 0)
            qFatal("socketpair: %s", strerror(errno));
    }
    ~SocketPair()
    {
        closeEnd(0);
        closeEnd(1);
    }
    void closeEnd(int end)
    {
        if (fd[end] >= 0)
            ::close(fd[end]);
        fd[end] = -1;
    }
    bool send(int end = 1) const { return ::write(fd[end], "x", 1) == 1; }
    void drain(int end = 0) const
    {
        char buffer[256];
        while (::read(fd[end], buffer, sizeof buffer) > 0) {
        }
    }
    int fd[2] = {-1, -1};
};

// Records raw timer events, so the tests see the dispatcher's timers without QTimer in between.
class TimerProbe : public QObject
{
public:
    std::function<void(int)> onTimer;
    QList<int> fired;

protected:
    void timerEvent(QTimerEvent *event) override
    {
        fired << event->timerId();
        if (onTimer)
            onTimer(event->timerId());
    }
};

// Counts processEvents() calls: a loop that should be asleep but spins shows up as thousands.
class WakeCounter
{
public:
    WakeCounter()
    {
        m_connection = QObject::connect(dispatcher(), &QAbstractEventDispatcher::awake, [this] { ++count; });
    }
    ~WakeCounter() { QObject::disconnect(m_connection); }
    int count = 0;

private:
    QMetaObject::Connection m_connection;
};

// Runs a real blocking loop for `ms` (QTest::qWait polls instead of blocking).
void runLoopFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

constexpr int FailSafeMs = 10000;

void noop(int) {}

} // namespace

class tst_EpollDispatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void installed();

    void singleShotTimersFireInDeadlineOrder();
    void repeatingTimerKeepsItsInterval();
    void zeroSingleShotsRunInOrder();
    void timerStoppedByAnotherInSamePassDoesNotFire();
    void timerNotReenteredFromNestedLoop();
    void remainingTime();
    void registeredTimers();
    void zeroTimerDoesNotStarveNotifiersOrTimers();
    void excludeTimers();
    void nearerTimerStartedDuringWaitEndsItEarlier();
    void stoppedTimerDoesNotFireOrEndWaitEarly();

    void readAndWriteNotifiers();
    void readAndWriteOnOneFd();
    void disabledInSameBatchIsNotActivated();
    void disabledOnSameFdInSameBatchIsNotActivated();
    void deletedInSameBatchIsNotActivated();
    void moreReadyFdsThanOneWaitReturns();
    void hangUpReachesReadAndWrite();
    void fdClosedAndNumberReused();
    void fdClosedWhileDuplicateKeepsItOpen();
    void notifierReplacedOnReusedNumber();
    void invalidFdIsDisabled();
    void regularFileIsAlwaysReady();
    void excludeSocketNotifiersBlocksWithoutSpinning();

    void postFromThreadWakesBlockedLoop();
    void postEventFromThreadWakesBlockedLoop();
    void interruptFromThreadEndsWait();
    void interruptBeforeWaitEndsIt();
    void nestedEventLoops();
    void signalDuringWaitDoesNotShortenTimer();
    void processEventsReportsWork();
    void aboutToBlockAndAwake();

    void directNotifierCallsItsHandler();
    void directAndPlainNotifiersDeletedInSameBatch();
    void directNotifierUnderQtsDispatcher();
};

void tst_EpollDispatcher::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".")));
}

void tst_EpollDispatcher::installed()
{
    QVERIFY(qobject_cast<EpollEventDispatcher *>(dispatcher()));
}

void tst_EpollDispatcher::singleShotTimersFireInDeadlineOrder()
{
    QElapsedTimer clock;
    clock.start();
    QList<int> order;
    QList<qint64> firedAtNs;
    for (int ms : {60, 20, 40}) {
        QTimer::singleShot(ms, Qt::PreciseTimer, this, [&, ms] {
            order << ms;
            firedAtNs << clock.nsecsElapsed();
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 3, FailSafeMs);
    QCOMPARE(order, QList<int>({20, 40, 60}));
    for (int i = 0; i < 3; ++i)
        QVERIFY2(firedAtNs[i] >= order[i] * 1000000LL, qPrintable(QString::number(firedAtNs[i])));
}

// The wait ends through a timerfd armed for the nearest deadline: starting a nearer timer must
// re-arm it, stopping the nearest must not let a later one fire early.
void tst_EpollDispatcher::nearerTimerStartedDuringWaitEndsItEarlier()
{
    QElapsedTimer clock;
    clock.start();
    bool farFired = false;
    qint64 nearFiredAtMs = -1;
    QEventLoop loop;
    QTimer::singleShot(3000, Qt::PreciseTimer, this, [&] {
        farFired = true;
        loop.quit();
    });
    // Started by a posted event while the loop waits with the timerfd armed for the far timer.
    QObject receiver;
    std::thread poster([&] {
        std::this_thread::sleep_for(20ms);
        QMetaObject::invokeMethod(&receiver, [&] {
            QTimer::singleShot(50, Qt::PreciseTimer, &receiver, [&] {
                nearFiredAtMs = clock.elapsed();
                loop.quit();
            });
        }, Qt::QueuedConnection);
    });
    loop.exec();
    poster.join();
    QVERIFY(!farFired);
    QVERIFY(nearFiredAtMs >= 70);
    QVERIFY2(nearFiredAtMs < 2000, qPrintable(QString::number(nearFiredAtMs)));
}

void tst_EpollDispatcher::stoppedTimerDoesNotFireOrEndWaitEarly()
{
    QElapsedTimer clock;
    clock.start();
    QTimer near;
    near.setSingleShot(true);
    near.setTimerType(Qt::PreciseTimer);
    bool nearFired = false;
    connect(&near, &QTimer::timeout, this, [&] { nearFired = true; });
    near.start(30);
    // Arms the timerfd for `near`, then stops it before it is due.
    QCoreApplication::processEvents();
    QTimer::singleShot(10, this, [&] { near.stop(); });
    qint64 laterFiredAtMs = -1;
    QTimer::singleShot(150, Qt::PreciseTimer, this, [&] { laterFiredAtMs = clock.elapsed(); });
    QTRY_VERIFY_WITH_TIMEOUT(laterFiredAtMs >= 0, FailSafeMs);
    QVERIFY(!nearFired);
    QVERIFY2(laterFiredAtMs >= 150, qPrintable(QString::number(laterFiredAtMs)));
}

void tst_EpollDispatcher::repeatingTimerKeepsItsInterval()
{
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(20);
    QList<qint64> ticksNs;
    QElapsedTimer clock;
    connect(&timer, &QTimer::timeout, this, [&] {
        ticksNs << clock.nsecsElapsed();
        if (ticksNs.size() == 5)
            timer.stop();
    });
    clock.start();
    timer.start();
    QTRY_VERIFY_WITH_TIMEOUT(!timer.isActive(), FailSafeMs);
    QCOMPARE(ticksNs.size(), 5);
    // The k-th tick is due k intervals after the start, and never comes before.
    for (int k = 0; k < 5; ++k)
        QVERIFY2(ticksNs[k] >= (k + 1) * 20 * 1000000LL, qPrintable(QString::number(ticksNs[k])));
}

void tst_EpollDispatcher::zeroSingleShotsRunInOrder()
{
    QList<int> order;
    for (int i = 1; i <= 3; ++i)
        QTimer::singleShot(0, this, [&, i] { order << i; });
    QTimer zero;
    zero.setSingleShot(true);
    connect(&zero, &QTimer::timeout, this, [&] { order << 4; });
    zero.start(0);
    QTRY_COMPARE(order.size(), 4);
    QCOMPARE(order, QList<int>({1, 2, 3, 4}));
}

void tst_EpollDispatcher::timerStoppedByAnotherInSamePassDoesNotFire()
{
    TimerProbe probe;
    const int a = probe.startTimer(5ms, Qt::PreciseTimer);
    const int b = probe.startTimer(5ms, Qt::PreciseTimer);
    probe.onTimer = [&](int id) { probe.killTimer(id == a ? b : a); };
    // Both are due before the loop looks: one pass takes both, unless the first stops the second.
    QThread::msleep(30);
    QCoreApplication::processEvents();
    QCOMPARE(probe.fired.size(), 1);
    probe.onTimer = nullptr;
    runLoopFor(30);
    QCOMPARE(probe.fired.count(probe.fired.first()), probe.fired.size());
    probe.killTimer(probe.fired.first());
}

void tst_EpollDispatcher::timerNotReenteredFromNestedLoop()
{
    TimerProbe probe;
    int depth = 0;
    int deepest = 0;
    int wakesInNestedLoop = 0;
    probe.onTimer = [&](int) {
        deepest = std::max(deepest, ++depth);
        if (probe.fired.size() == 1) {
            // The timer is due ten times over while its handler waits here.
            WakeCounter wakes;
            runLoopFor(100);
            wakesInNestedLoop = wakes.count;
        }
        --depth;
    };
    const int id = probe.startTimer(10ms, Qt::PreciseTimer);
    QTRY_VERIFY_WITH_TIMEOUT(probe.fired.size() >= 3, FailSafeMs);
    probe.killTimer(id);
    QCOMPARE(deepest, 1);
    // The running timer does not end the nested loop's waits either.
    QVERIFY2(wakesInNestedLoop < 50, qPrintable(QString::number(wakesInNestedLoop)));
}

void tst_EpollDispatcher::remainingTime()
{
    TimerProbe probe;
    const int longTimer = probe.startTimer(1000ms, Qt::PreciseTimer);
    const int left = dispatcher()->remainingTime(longTimer);
    QVERIFY2(left > 500 && left <= 1000, qPrintable(QString::number(left)));

    const int shortTimer = probe.startTimer(1ms, Qt::PreciseTimer);
    QThread::msleep(20);
    QCOMPARE(dispatcher()->remainingTime(shortTimer), 0); // due, not yet taken

    probe.killTimer(shortTimer);
    QCOMPARE(dispatcher()->remainingTime(shortTimer), -1);
    probe.killTimer(longTimer);
    QCOMPARE(probe.fired.size(), 0);
}

void tst_EpollDispatcher::registeredTimers()
{
    TimerProbe probe;
    const int precise = probe.startTimer(100ms, Qt::PreciseTimer);
    const int coarse = probe.startTimer(2000ms, Qt::CoarseTimer);
    QList<QAbstractEventDispatcher::TimerInfo> timers = dispatcher()->registeredTimers(&probe);
    QCOMPARE(timers.size(), 2);
    std::sort(timers.begin(), timers.end(), [](const auto &x, const auto &y) { return x.interval < y.interval; });
    QCOMPARE(timers[0].timerId, precise);
    QCOMPARE(timers[0].interval, 100);
    QCOMPARE(timers[0].timerType, Qt::PreciseTimer);
    QCOMPARE(timers[1].timerId, coarse);
    QCOMPARE(timers[1].interval, 2000);
    QCOMPARE(timers[1].timerType, Qt::CoarseTimer);

    probe.killTimer(precise);
    timers = dispatcher()->registeredTimers(&probe);
    QCOMPARE(timers.size(), 1);
    QCOMPARE(timers[0].timerId, coarse);
    QVERIFY(dispatcher()->registeredTimers(this).isEmpty());
    probe.killTimer(coarse);
}

void tst_EpollDispatcher::zeroTimerDoesNotStarveNotifiersOrTimers()
{
    QTimer zero;
    int zeroTicks = 0;
    connect(&zero, &QTimer::timeout, this, [&] { ++zeroTicks; });
    zero.start(0);

    SocketPair pair;
    QSocketNotifier notifier(pair.fd[0], QSocketNotifier::Read);
    bool readable = false;
    connect(&notifier, &QSocketNotifier::activated, this, [&] {
        readable = true;
        pair.drain();
    });
    bool timerFired = false;
    QTimer::singleShot(30, Qt::PreciseTimer, this, [&] { timerFired = true; });
    QVERIFY(pair.send());

    QEventLoop loop;
    QTimer failSafe;
    connect(&failSafe, &QTimer::timeout, &loop, &QEventLoop::quit);
    failSafe.start(FailSafeMs);
    QTimer check;
    connect(&check, &QTimer::timeout, this, [&] {
        if (readable && timerFired)
            loop.quit();
    });
    check.start(5);
    loop.exec();
    QVERIFY(readable);
    QVERIFY(timerFired);
    QVERIFY(zeroTicks > 0);
}

void tst_EpollDispatcher::excludeTimers()
{
    TimerProbe probe;
    const int id = probe.startTimer(1ms, Qt::PreciseTimer);
    QThread::msleep(10);
    dispatcher()->processEvents(QEventLoop::X11ExcludeTimers);
    QCOMPARE(probe.fired.size(), 0);
    dispatcher()->processEvents(QEventLoop::AllEvents);
    QCOMPARE(probe.fired.size(), 1);
    probe.killTimer(id);
}

void tst_EpollDispatcher::readAndWriteNotifiers()
{
    SocketPair pair;
    QSocketNotifier reader(pair.fd[0], QSocketNotifier::Read);
    QSocketNotifier writer(pair.fd[1], QSocketNotifier::Write);
    QSignalSpy readSpy(&reader, &QSocketNotifier::activated);
    QSignalSpy writeSpy(&writer, &QSocketNotifier::activated);
    connect(&writer, &QSocketNotifier::activated, this, [&] {
        QVERIFY(pair.send());
        writer.setEnabled(false);
    });
    connect(&reader, &QSocketNotifier::activated, this, [&] { pair.drain(); });
    QTRY_COMPARE(readSpy.count(), 1);
    QCOMPARE(writeSpy.count(), 1);
    QCOMPARE(int(readSpy.first().at(0).value<QSocketDescriptor>()), pair.fd[0]);
    QCOMPARE(readSpy.first().at(1).value<QSocketNotifier::Type>(), QSocketNotifier::Read);
    // Drained: nothing more to report.
    runLoopFor(30);
    QCOMPARE(readSpy.count(), 1);
}

void tst_EpollDispatcher::readAndWriteOnOneFd()
{
    SocketPair pair;
    QSocketNotifier reader(pair.fd[0], QSocketNotifier::Read);
    QSocketNotifier writer(pair.fd[0], QSocketNotifier::Write);
    QSignalSpy readSpy(&reader, &QSocketNotifier::activated);
    QSignalSpy writeSpy(&writer, &QSocketNotifier::activated);
    QVERIFY(pair.send());
    QCoreApplication::processEvents();
    QCOMPARE(readSpy.count(), 1);
    QCOMPARE(writeSpy.count(), 1);

    // Level-triggered: unread data is reported again; the disabled write side is not.
    writer.setEnabled(false);
    QCoreApplication::processEvents();
    QCOMPARE(readSpy.count(), 2);
    QCOMPARE(writeSpy.count(), 1);

    reader.setEnabled(false);
    writer.setEnabled(true);
    QCoreApplication::processEvents();
    QCOMPARE(readSpy.count(), 2);
    QCOMPARE(writeSpy.count(), 2);

    writer.setEnabled(false);
    WakeCounter wakes;
    runLoopFor(50);
    QCOMPARE(readSpy.count(), 2);
    QCOMPARE(writeSpy.count(), 2);
    QVERIFY2(wakes.count < 20, qPrintable(QString::number(wakes.count)));
}

void tst_EpollDispatcher::disabledInSameBatchIsNotActivated()
{
    SocketPair first;
    SocketPair second;
    QSocketNotifier a(first.fd[0], QSocketNotifier::Read);
    QSocketNotifier b(second.fd[0], QSocketNotifier::Read);
    int activations = 0;
    connect(&a, &QSocketNotifier::activated, this, [&] {
        ++activations;
        b.setEnabled(false);
    });
    connect(&b, &QSocketNotifier::activated, this, [&] {
        ++activations;
        a.setEnabled(false);
    });
    QVERIFY(first.send());
    QVERIFY(second.send());
    QCoreApplication::processEvents();
    QCOMPARE(activations, 1);
}

void tst_EpollDispatcher::disabledOnSameFdInSameBatchIsNotActivated()
{
    SocketPair pair;
    QSocketNotifier reader(pair.fd[0], QSocketNotifier::Read);
    QSocketNotifier writer(pair.fd[0], QSocketNotifier::Write);
    QSignalSpy writeSpy(&writer, &QSocketNotifier::activated);
    connect(&reader, &QSocketNotifier::activated, this, [&] { writer.setEnabled(false); });
    QVERIFY(pair.send());
    QCoreApplication::processEvents();
    QCOMPARE(writeSpy.count(), 0);
    // Enabled again, it is reported by the next wait, not by the batch that had it disabled.
    writer.setEnabled(true);
    reader.setEnabled(false);
    QCoreApplication::processEvents();
    QCOMPARE(writeSpy.count(), 1);
}

void tst_EpollDispatcher::deletedInSameBatchIsNotActivated()
{
    SocketPair first;
    SocketPair second;
    auto *a = new QSocketNotifier(first.fd[0], QSocketNotifier::Read, this);
    auto *b = new QSocketNotifier(second.fd[0], QSocketNotifier::Read, this);
    QPointer<QSocketNotifier> alive[2] = {a, b};
    int activations = 0;
    connect(a, &QSocketNotifier::activated, this, [&] {
        ++activations;
        delete alive[1];
    });
    connect(b, &QSocketNotifier::activated, this, [&] {
        ++activations;
        delete alive[0];
    });
    QVERIFY(first.send());
    QVERIFY(second.send());
    QCoreApplication::processEvents();
    QCOMPARE(activations, 1);
    QCOMPARE(int(!alive[0]) + int(!alive[1]), 1);
    delete alive[0];
    delete alive[1];
}

void tst_EpollDispatcher::moreReadyFdsThanOneWaitReturns()
{
    constexpr int Count = 150; // more than one epoll_wait() hands out
    std::vector<std::unique_ptr<SocketPair>> pairs;
    std::vector<std::unique_ptr<QSocketNotifier>> notifiers;
    int activations = 0;
    for (int i = 0; i < Count; ++i) {
        pairs.push_back(std::make_unique<SocketPair>());
        SocketPair *pair = pairs.back().get();
        notifiers.push_back(std::make_unique<QSocketNotifier>(pair->fd[0], QSocketNotifier::Read));
        connect(notifiers.back().get(), &QSocketNotifier::activated, this, [&activations, pair] {
            ++activations;
            pair->drain();
        });
        QVERIFY(pair->send());
    }
    QTRY_COMPARE(activations, Count);
    runLoopFor(20);
    QCOMPARE(activations, Count);
}

void tst_EpollDispatcher::hangUpReachesReadAndWrite()
{
    // The read end of an empty pipe whose writer has gone reports a hang-up and nothing else;
    // like Qt's poll() loop, every notifier of the fd hears of it, even a write notifier on an
    // fd that never becomes writable.
    int fds[2];
    QCOMPARE(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
    QSocketNotifier reader(fds[0], QSocketNotifier::Read);
    QSocketNotifier writer(fds[0], QSocketNotifier::Write);
    QSignalSpy readSpy(&reader, &QSocketNotifier::activated);
    QSignalSpy writeSpy(&writer, &QSocketNotifier::activated);
    connect(&reader, &QSocketNotifier::activated, this, [&] { reader.setEnabled(false); });
    connect(&writer, &QSocketNotifier::activated, this, [&] { writer.setEnabled(false); });
    runLoopFor(20);
    QCOMPARE(readSpy.count() + writeSpy.count(), 0);
    ::close(fds[1]);
    QTRY_COMPARE(readSpy.count(), 1);
    QTRY_COMPARE(writeSpy.count(), 1);
    char byte;
    QCOMPARE(::read(fds[0], &byte, 1), ssize_t(0));
    ::close(fds[0]);
}

void tst_EpollDispatcher::fdClosedAndNumberReused()
{
    auto first = std::make_unique<SocketPair>();
    const int number = first->fd[0];
    auto stale = std::make_unique<QSocketNotifier>(number, QSocketNotifier::Read);
    QSignalSpy staleSpy(stale.get(), &QSocketNotifier::activated);
    // Closed while its notifier is still enabled, and the number handed out again.
    first->closeEnd(0);
    SocketPair second;
    if (second.fd[0] != number && second.fd[1] != number)
        QSKIP("the closed fd number was not reused");
    const int end = second.fd[0] == number ? 0 : 1;
    stale.reset();

    QSocketNotifier fresh(number, QSocketNotifier::Read);
    QSignalSpy freshSpy(&fresh, &QSocketNotifier::activated);
    connect(&fresh, &QSocketNotifier::activated, this, [&] { second.drain(end); });
    QVERIFY(second.send(1 - end));
    QTRY_COMPARE(freshSpy.count(), 1);
    QCOMPARE(staleSpy.count(), 0);

    fresh.setEnabled(false);
    QVERIFY(second.send(1 - end));
    WakeCounter wakes;
    runLoopFor(50);
    QCOMPARE(freshSpy.count(), 1);
    QVERIFY2(wakes.count < 20, qPrintable(QString::number(wakes.count)));
}

void tst_EpollDispatcher::fdClosedWhileDuplicateKeepsItOpen()
{
    // epoll watches files, not numbers: a duplicate keeps the closed fd's registration alive,
    // still reporting under the old number, where it could only be removed through that number.
    SocketPair pair;
    const int duplicate = ::dup(pair.fd[0]);
    QVERIFY(duplicate >= 0);
    const int number = pair.fd[0];
    auto notifier = std::make_unique<QSocketNotifier>(number, QSocketNotifier::Read);
    QSignalSpy staleSpy(notifier.get(), &QSocketNotifier::activated);
    pair.closeEnd(0);
    // The number most likely goes to this pair; either way, the new file must be watched.
    SocketPair other;
    notifier.reset();
    QVERIFY(pair.send());

    // The readable orphan must not keep the loop awake.
    WakeCounter wakes;
    runLoopFor(100);
    QVERIFY2(wakes.count < 20, qPrintable(QString::number(wakes.count)));
    QCOMPARE(staleSpy.count(), 0);

    QSocketNotifier fresh(other.fd[0], QSocketNotifier::Read);
    QSignalSpy spy(&fresh, &QSocketNotifier::activated);
    connect(&fresh, &QSocketNotifier::activated, this, [&] { other.drain(); });
    QVERIFY(other.send());
    QTRY_COMPARE(spy.count(), 1);
    runLoopFor(20);
    QCOMPARE(spy.count(), 1);
    ::close(duplicate);
}

void tst_EpollDispatcher::notifierReplacedOnReusedNumber()
{
    // The owner of the closed fd never disabled its notifier; a new one on the reused number
    // replaces it (with Qt's warning) and must watch the new file, not the old one.
    auto first = std::make_unique<SocketPair>();
    const int number = first->fd[0];
    const int duplicate = ::dup(number);
    QVERIFY(duplicate >= 0);
    auto stale = std::make_unique<QSocketNotifier>(number, QSocketNotifier::Read);
    first->closeEnd(0);
    SocketPair second;
    if (second.fd[0] != number && second.fd[1] != number)
        QSKIP("the closed fd number was not reused");
    const int end = second.fd[0] == number ? 0 : 1;
    const QRegularExpression multiple(
        QStringLiteral("Multiple socket notifiers for same socket %1 and type Read").arg(number));
    QTest::ignoreMessage(QtWarningMsg, multiple);
    QSocketNotifier fresh(number, QSocketNotifier::Read);
    QSignalSpy freshSpy(&fresh, &QSocketNotifier::activated);
    connect(&fresh, &QSocketNotifier::activated, this, [&] { second.drain(end); });

    QVERIFY(first->send()); // the old file is readable: nobody may hear of it
    WakeCounter wakes;
    runLoopFor(50);
    QCOMPARE(freshSpy.count(), 0);
    QVERIFY2(wakes.count < 20, qPrintable(QString::number(wakes.count)));

    QVERIFY(second.send(1 - end));
    QTRY_COMPARE(freshSpy.count(), 1);
    QTest::ignoreMessage(QtWarningMsg, multiple);
    stale.reset();
    ::close(duplicate);
}

void tst_EpollDispatcher::invalidFdIsDisabled()
{
    int fd;
    {
        SocketPair pair;
        fd = pair.fd[0];
    }
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("Invalid socket %1 with type Read").arg(fd)));
    QSocketNotifier notifier(fd, QSocketNotifier::Read);
    QSignalSpy spy(&notifier, &QSocketNotifier::activated);
    QTRY_VERIFY(!notifier.isEnabled());
    QCOMPARE(spy.count(), 0);
}

void tst_EpollDispatcher::regularFileIsAlwaysReady()
{
    // epoll refuses regular files; poll() reports them readable and writable, and so do we.
    QTemporaryFile file;
    QVERIFY(file.open());
    QSocketNotifier reader(file.handle(), QSocketNotifier::Read);
    QSocketNotifier writer(file.handle(), QSocketNotifier::Write);
    QSignalSpy readSpy(&reader, &QSocketNotifier::activated);
    QSignalSpy writeSpy(&writer, &QSocketNotifier::activated);
    QTRY_VERIFY(readSpy.count() > 0 && writeSpy.count() > 0);
    reader.setEnabled(false);
    writer.setEnabled(false);
    const int reads = readSpy.count();
    WakeCounter wakes;
    runLoopFor(30);
    QCOMPARE(readSpy.count(), reads);
    QVERIFY2(wakes.count < 20, qPrintable(QString::number(wakes.count)));
}

void tst_EpollDispatcher::excludeSocketNotifiersBlocksWithoutSpinning()
{
    SocketPair pair;
    QSocketNotifier reader(pair.fd[0], QSocketNotifier::Read);
    QSignalSpy spy(&reader, &QSocketNotifier::activated);
    QVERIFY(pair.send());
    bool timerFired = false;
    QTimer::singleShot(50, Qt::PreciseTimer, this, [&] { timerFired = true; });
    WakeCounter wakes;
    QElapsedTimer clock;
    clock.start();
    while (!timerFired && clock.elapsed() < FailSafeMs)
        dispatcher()->processEvents(QEventLoop::ExcludeSocketNotifiers | QEventLoop::WaitForMoreEvents);
    QVERIFY(timerFired);
    QCOMPARE(spy.count(), 0);
    QVERIFY2(wakes.count < 20, qPrintable(QString::number(wakes.count)));
    dispatcher()->processEvents(QEventLoop::AllEvents);
    QCOMPARE(spy.count(), 1);
}

void tst_EpollDispatcher::postFromThreadWakesBlockedLoop()
{
    QEventLoop loop;
    QTimer::singleShot(FailSafeMs, &loop, [&] { loop.exit(1); });
    QObject receiver;
    std::thread poster([&] {
        std::this_thread::sleep_for(50ms);
        QMetaObject::invokeMethod(&receiver, [&] { loop.exit(0); }, Qt::QueuedConnection);
    });
    QElapsedTimer clock;
    clock.start();
    const int code = loop.exec();
    poster.join();
    QCOMPARE(code, 0);
    QVERIFY(clock.elapsed() >= 40);
}

void tst_EpollDispatcher::postEventFromThreadWakesBlockedLoop()
{
    class Receiver : public QObject
    {
    public:
        QEventLoop loop;
        int userEvents = 0;
        bool event(QEvent *e) override
        {
            if (e->type() != QEvent::User)
                return QObject::event(e);
            if (++userEvents == 100)
                loop.exit(0);
            return true;
        }
    } receiver;
    QTimer::singleShot(FailSafeMs, &receiver.loop, [&] { receiver.loop.exit(1); });
    std::thread poster([&] {
        std::this_thread::sleep_for(20ms);
        for (int i = 0; i < 100; ++i)
            QCoreApplication::postEvent(&receiver, new QEvent(QEvent::User));
    });
    const int code = receiver.loop.exec();
    poster.join();
    QCOMPARE(code, 0);
    QCOMPARE(receiver.userEvents, 100);
}

void tst_EpollDispatcher::interruptFromThreadEndsWait()
{
    QTimer failSafe;
    failSafe.setSingleShot(true);
    failSafe.start(FailSafeMs);
    // Whatever earlier tests left to do is done before the wait that counts.
    while (dispatcher()->processEvents(QEventLoop::AllEvents)) {
    }
    std::atomic<bool> sent{false};
    QAbstractEventDispatcher *const mainDispatcher = dispatcher();
    std::thread interrupter([&] {
        std::this_thread::sleep_for(50ms);
        sent = true;
        mainDispatcher->interrupt();
    });
    QElapsedTimer clock;
    clock.start();
    while (!sent && failSafe.isActive())
        dispatcher()->processEvents(QEventLoop::WaitForMoreEvents);
    interrupter.join();
    QVERIFY2(clock.elapsed() < FailSafeMs / 2, qPrintable(QString::number(clock.elapsed())));
}

void tst_EpollDispatcher::interruptBeforeWaitEndsIt()
{
    QTimer failSafe;
    failSafe.setSingleShot(true);
    failSafe.start(FailSafeMs);
    dispatcher()->interrupt();
    QElapsedTimer clock;
    clock.start();
    dispatcher()->processEvents(QEventLoop::WaitForMoreEvents);
    QVERIFY2(clock.elapsed() < FailSafeMs / 2, qPrintable(QString::number(clock.elapsed())));
}

void tst_EpollDispatcher::nestedEventLoops()
{
    QStringList steps;
    QEventLoop outer;
    QTimer::singleShot(FailSafeMs, &outer, [&] { outer.exit(1); });
    QTimer::singleShot(10, this, [&] {
        steps << QStringLiteral("outer timer");
        QEventLoop inner;
        QTimer::singleShot(0, this, [&] { steps << QStringLiteral("zero in inner"); });
        QTimer::singleShot(20, this, [&] {
            steps << QStringLiteral("inner timer");
            inner.exit(7);
        });
        steps << QStringLiteral("inner returned %1").arg(inner.exec());
        QTimer::singleShot(0, this, [&] { outer.exit(0); });
    });
    QCOMPARE(outer.exec(), 0);
    QCOMPARE(steps, QStringList({QStringLiteral("outer timer"), QStringLiteral("zero in inner"),
                                 QStringLiteral("inner timer"), QStringLiteral("inner returned 7")}));
}

void tst_EpollDispatcher::signalDuringWaitDoesNotShortenTimer()
{
    // epoll_wait() is not restarted after a signal handler, whatever SA_RESTART says.
    struct sigaction action{};
    struct sigaction previous{};
    action.sa_handler = noop;
    sigemptyset(&action.sa_mask);
    QCOMPARE(::sigaction(SIGUSR2, &action, &previous), 0);
    const pthread_t mainThread = ::pthread_self();
    std::atomic<bool> done{false};
    std::thread signaller([&] {
        while (!done) {
            std::this_thread::sleep_for(10ms);
            ::pthread_kill(mainThread, SIGUSR2);
        }
    });
    QElapsedTimer clock;
    clock.start();
    runLoopFor(150);
    const qint64 elapsedNs = clock.nsecsElapsed();
    done = true;
    signaller.join();
    ::sigaction(SIGUSR2, &previous, nullptr);
    QVERIFY2(elapsedNs >= 150 * 1000000LL, qPrintable(QString::number(elapsedNs)));
}

void tst_EpollDispatcher::processEventsReportsWork()
{
    SocketPair pair;
    QSocketNotifier reader(pair.fd[0], QSocketNotifier::Read);
    connect(&reader, &QSocketNotifier::activated, this, [&] { pair.drain(); });
    QVERIFY(pair.send());
    QVERIFY(dispatcher()->processEvents(QEventLoop::AllEvents));
    int rounds = 0;
    while (dispatcher()->processEvents(QEventLoop::AllEvents) && rounds < 100)
        ++rounds;
    QVERIFY(rounds < 100);
    QVERIFY(!dispatcher()->processEvents(QEventLoop::AllEvents));
}

void tst_EpollDispatcher::aboutToBlockAndAwake()
{
    QSignalSpy blocking(dispatcher(), &QAbstractEventDispatcher::aboutToBlock);
    QSignalSpy awake(dispatcher(), &QAbstractEventDispatcher::awake);
    runLoopFor(20);
    QVERIFY(blocking.count() > 0);
    QVERIFY(awake.count() > 0);
    // Not about to block when told not to wait.
    const int before = blocking.count();
    dispatcher()->processEvents(QEventLoop::AllEvents);
    QCOMPARE(blocking.count(), before);
}

// The direct handler runs for readiness as activated() would, and activated() stays silent;
// disabling and re-enabling keeps it direct.
void tst_EpollDispatcher::directNotifierCallsItsHandler()
{
    SocketPair pair;
    int calls = 0;
    DirectSocketNotifier reader(pair.fd[0], QSocketNotifier::Read, [&] {
        ++calls;
        pair.drain();
    });
    QVERIFY(reader.isEnabled());
    QSignalSpy signalSpy(&reader, &QSocketNotifier::activated);
    QVERIFY(pair.send());
    QTRY_COMPARE(calls, 1);
    runLoopFor(20);
    QCOMPARE(calls, 1);
    reader.setEnabled(false);
    QVERIFY(pair.send());
    runLoopFor(20);
    QCOMPARE(calls, 1);
    reader.setEnabled(true);
    QTRY_COMPARE(calls, 2);
    QCOMPARE(signalSpy.count(), 0);
}

void tst_EpollDispatcher::directAndPlainNotifiersDeletedInSameBatch()
{
    SocketPair first;
    SocketPair second;
    QPointer<QSocketNotifier> plain;
    std::unique_ptr<DirectSocketNotifier> direct;
    int activations = 0;
    direct = std::make_unique<DirectSocketNotifier>(first.fd[0], QSocketNotifier::Read, [&] {
        ++activations;
        delete plain;
    });
    plain = new QSocketNotifier(second.fd[0], QSocketNotifier::Read, this);
    connect(plain, &QSocketNotifier::activated, this, [&] {
        ++activations;
        direct.reset();
    });
    QVERIFY(first.send());
    QVERIFY(second.send());
    QCoreApplication::processEvents();
    QCOMPARE(activations, 1);
    QCOMPARE(int(!plain) + int(!direct), 1);
    delete plain;
}

// Threads other than the main one keep Qt's own dispatcher: the notifier works there too.
void tst_EpollDispatcher::directNotifierUnderQtsDispatcher()
{
    SocketPair pair;
    QThread thread;
    std::atomic<int> calls{0};
    std::atomic<bool> otherDispatcher{false};
    std::atomic<bool> sent{false};
    DirectSocketNotifier *reader = nullptr;
    connect(&thread, &QThread::started, [&] {
        otherDispatcher = !qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
        reader = new DirectSocketNotifier(pair.fd[0], QSocketNotifier::Read, [&] {
            pair.drain();
            ++calls;
        });
        sent = pair.send();
    });
    thread.start();
    QTRY_COMPARE_WITH_TIMEOUT(calls.load(), 1, FailSafeMs);
    QVERIFY(sent);
    QVERIFY(otherDispatcher);
    QMetaObject::invokeMethod(reader, [reader] { delete reader; }, Qt::BlockingQueuedConnection);
    thread.quit();
    QVERIFY(thread.wait(FailSafeMs));
}

int main(int argc, char **argv)
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    tst_EpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolldispatcher.moc"
