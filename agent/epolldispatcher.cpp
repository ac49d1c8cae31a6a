#include "epolldispatcher.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QMetaMethod>
#include <QSocketNotifier>
#include <QTimerEvent>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <vector>

Q_LOGGING_CATEGORY(lcEventLoop, "qtga.eventloop")

namespace qtga {

namespace {

// Level-triggered: what does not fit into one wait is reported by the next.
constexpr int MaxEventsPerWait = 64;
// The eventfd's and the timerfd's epoll data; a notifier fd's is its registration
// generation << 32 | fd.
constexpr quint64 WakeUpToken = ~quint64(0);
constexpr quint64 TimerToken = ~quint64(0) - 1;
constexpr qint64 NsPerMs = 1000 * 1000;
constexpr qint64 NsPerSecond = 1000 * NsPerMs;
// Keeps now + interval far from overflowing; ~292 years in ms.
constexpr qint64 MaxIntervalMs = (qint64(1) << 62) / NsPerMs;

qint64 monotonicNs()
{
    timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * NsPerSecond + ts.tv_nsec;
}

timespec toTimespec(qint64 ns)
{
    return timespec{time_t(ns / NsPerSecond), long(ns % NsPerSecond)};
}

const char *typeName(int type)
{
    switch (type) {
    case QSocketNotifier::Read:
        return "Read";
    case QSocketNotifier::Write:
        return "Write";
    default:
        return "Exception";
    }
}

// Every notifier of one fd shares one registration in the epoll set.
struct FdWatch
{
    // What to do with an fd that epoll refuses.
    enum class Fallback : quint8 {
        None,
        AlwaysReady, // a regular file or directory: poll() calls it readable and writable, always
        Invalid,     // not an open fd: disabled with a warning at the next wait, as Qt does
    };

    QSocketNotifier *notifiers[3] = {}; // indexed by QSocketNotifier::Type
    DirectSocketNotifier *direct[3] = {}; // the same notifier where it is one, else null
    quint32 events = 0;                 // what the epoll set watches; 0 while not in it
    quint32 generation = 0;             // of that registration, to tell stale events apart
    Fallback fallback = Fallback::None;

    quint32 wanted() const
    {
        return (notifiers[QSocketNotifier::Read] ? quint32(EPOLLIN) : 0u)
            | (notifiers[QSocketNotifier::Write] ? quint32(EPOLLOUT) : 0u)
            | (notifiers[QSocketNotifier::Exception] ? quint32(EPOLLPRI) : 0u);
    }
};

struct Timer
{
    int id;
    qint64 intervalMs;
    Qt::TimerType type;
    QObject *object;
    qint64 deadline; // CLOCK_MONOTONIC, ns
    // Ids are handed out again as soon as they are released, even inside the handler of the
    // timer that had the id; the serial names this registration only.
    quint64 serial;
    quint64 pass = 0;     // the activation pass that last took it
    bool running = false; // its handler has not returned (it may run a nested event loop)
};

bool deadlineBefore(qint64 deadline, const Timer &timer)
{
    return deadline < timer.deadline;
}

} // namespace

DirectSocketNotifier::DirectSocketNotifier(qintptr socket, Type type, std::function<void()> handler, QObject *parent)
    : QSocketNotifier(type, parent), m_handler(std::move(handler))
{
    // Registered only now that it is a DirectSocketNotifier: a notifier given its socket in the
    // base constructor would register while still a plain QSocketNotifier.
    setSocket(socket);
    setEnabled(true);
}

bool DirectSocketNotifier::event(QEvent *e)
{
    if (e->type() == QEvent::SockAct || e->type() == QEvent::SockClose) {
        m_handler();
        return true;
    }
    return QSocketNotifier::event(e);
}

struct EpollEventDispatcher::Private
{
    Private();
    ~Private();

    void watch(int fd);
    void forget(int fd, FdWatch &entry);
    void add(int fd, FdWatch &entry, quint32 events);
    void setFallback(int fd, FdWatch &entry, FdWatch::Fallback fallback);
    void rebuild(bool closeOld);
    void queue(const FdWatch &entry, int type, std::size_t checkFrom);
    void unqueue(QSocketNotifier *notifier);

    int wait(bool block);
    int waitForWakeUpOnly(qint64 timeoutNs, qint64 deadline);
    int collect(int count);
    void reportUnwatchable();
    int activateNotifiers();
    void drainWakeUp();
    void armTimerFd(qint64 deadline);
    bool addInternalFds(int epoll);

    qint64 nextTimerDeadline() const;
    void insertTimer(const Timer &timer);
    int activateTimers();

    int epollFd = -1;
    int wakeFd = -1;
    // Timers end a wait through a timerfd armed for the nearest deadline, rearmed only when that
    // changes: a wait with a timeout sets up and cancels a kernel timer every time, and the
    // audit log's summary timer is pending all through a burst of polls.
    int timerFd = -1;
    qint64 armedDeadline = -1;
    std::atomic<bool> wakeUpPending{false};
    std::atomic<bool> interrupted{false};
    // Whether anyone listens to awake() and aboutToBlock(): emitting them for nobody is a quarter
    // of the loop's own cost per wake-up. Never reset, so a receiver is never missed.
    std::atomic<bool> announce{false};
    // A registration may have outlived its fd (see watch()): start over with a fresh set.
    bool rebuildPending = false;

    std::vector<FdWatch> watches; // indexed by fd
    std::vector<int> unwatchable; // fds with a fallback
    quint32 lastGeneration = 0;

    // Notifiers to activate, in order; a nested loop run by one of them goes on with the rest.
    // Unregistering a notifier takes it out (nulls it), so it is not activated afterwards.
    struct Pending
    {
        QSocketNotifier *notifier;
        DirectSocketNotifier *direct;
    };
    std::vector<Pending> pending;
    std::size_t pendingHead = 0;

    std::vector<Timer> timers; // by deadline; equal deadlines in the order they were set
    quint64 lastSerial = 0;
    quint64 lastPass = 0;

    std::array<epoll_event, MaxEventsPerWait> events;
};

EpollEventDispatcher::Private::Private()
{
    wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wakeFd < 0)
        qFatal("EpollEventDispatcher: eventfd: %s", std::strerror(errno));
    timerFd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timerFd < 0)
        qFatal("EpollEventDispatcher: timerfd_create: %s", std::strerror(errno));
    epollFd = ::epoll_create1(EPOLL_CLOEXEC);
    if (epollFd < 0)
        qFatal("EpollEventDispatcher: epoll_create1: %s", std::strerror(errno));
    if (!addInternalFds(epollFd))
        qFatal("EpollEventDispatcher: epoll_ctl(eventfd, timerfd): %s", std::strerror(errno));
    pending.reserve(MaxEventsPerWait);
    timers.reserve(16);
}

EpollEventDispatcher::Private::~Private()
{
    ::close(epollFd);
    ::close(wakeFd);
    ::close(timerFd);
}

bool EpollEventDispatcher::Private::addInternalFds(int epoll)
{
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = WakeUpToken;
    if (::epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFd, &ev) < 0)
        return false;
    ev.data.u64 = TimerToken;
    return ::epoll_ctl(epoll, EPOLL_CTL_ADD, timerFd, &ev) == 0;
}

// deadline < 0 disarms.
void EpollEventDispatcher::Private::armTimerFd(qint64 deadline)
{
    if (deadline == armedDeadline)
        return;
    itimerspec spec{};
    if (deadline >= 0)
        spec.it_value = toTimespec(std::max<qint64>(deadline, 1));  // all zero would disarm
    if (::timerfd_settime(timerFd, TFD_TIMER_ABSTIME, &spec, nullptr) == 0) {
        armedDeadline = deadline;
    } else {
        qCWarning(lcEventLoop, "timerfd_settime: %s", std::strerror(errno));
        armedDeadline = -2;  // unknown: set it again next time
    }
}

// Brings the epoll set in line with the notifiers of `fd`.
void EpollEventDispatcher::Private::watch(int fd)
{
    FdWatch &entry = watches[size_t(fd)];
    const quint32 wanted = entry.wanted();
    if (entry.fallback != FdWatch::Fallback::None) {
        // Looked at again on every change: the number may name another file by now.
        setFallback(fd, entry, FdWatch::Fallback::None);
        if (wanted)
            add(fd, entry, wanted);
        return;
    }
    if (wanted == entry.events)
        return;
    epoll_event ev{};
    ev.events = wanted;
    ev.data.u64 = quint64(entry.generation) << 32 | quint32(fd);
    if (entry.events) {
        if (::epoll_ctl(epollFd, wanted ? EPOLL_CTL_MOD : EPOLL_CTL_DEL, fd, &ev) == 0) {
            entry.events = wanted;
            return;
        }
        // The fd was closed while watched (EBADF) or its number names another file by now
        // (ENOENT). Closing dropped our registration, unless a duplicate (a forked child's, a
        // dup()) keeps the file open: then it would go on reporting under the old number, and
        // nothing but a new epoll set gets rid of it.
        entry.events = 0;
        rebuildPending = true;
    }
    if (wanted)
        add(fd, entry, wanted);
}

// Drops the registration of `fd` so that the next watch() makes a new one.
void EpollEventDispatcher::Private::forget(int fd, FdWatch &entry)
{
    if (!entry.events)
        return;
    epoll_event ev{};
    if (::epoll_ctl(epollFd, EPOLL_CTL_DEL, fd, &ev) < 0)
        rebuildPending = true; // see watch()
    entry.events = 0;
}

void EpollEventDispatcher::Private::add(int fd, FdWatch &entry, quint32 events)
{
    entry.generation = ++lastGeneration;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = quint64(entry.generation) << 32 | quint32(fd);
    int rc = ::epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, &ev);
    if (rc < 0 && errno == EEXIST)
        rc = ::epoll_ctl(epollFd, EPOLL_CTL_MOD, fd, &ev);
    if (rc == 0) {
        entry.events = events;
        return;
    }
    entry.events = 0;
    if (errno == EPERM) {
        setFallback(fd, entry, FdWatch::Fallback::AlwaysReady);
    } else if (errno == EBADF) {
        setFallback(fd, entry, FdWatch::Fallback::Invalid);
    } else {
        // ENOMEM or ENOSPC (max_user_watches): the notifier stays silent, as with a full poll().
        qCWarning(lcEventLoop, "QSocketNotifier: cannot watch socket %d: epoll_ctl: %s", fd, std::strerror(errno));
    }
}

void EpollEventDispatcher::Private::setFallback(int fd, FdWatch &entry, FdWatch::Fallback fallback)
{
    if (entry.fallback == FdWatch::Fallback::None && fallback != FdWatch::Fallback::None)
        unwatchable.push_back(fd);
    else if (entry.fallback != FdWatch::Fallback::None && fallback == FdWatch::Fallback::None)
        unwatchable.erase(std::find(unwatchable.begin(), unwatchable.end(), fd));
    entry.fallback = fallback;
}

void EpollEventDispatcher::Private::rebuild(bool closeOld)
{
    rebuildPending = false;
    const int fresh = ::epoll_create1(EPOLL_CLOEXEC);
    if (fresh < 0 || !addInternalFds(fresh)) {
        qCWarning(lcEventLoop, "cannot renew the epoll set: %s: %s", fresh < 0 ? "epoll_create1" : "epoll_ctl",
                  std::strerror(errno));
        if (fresh >= 0)
            ::close(fresh);
        return;
    }
    if (closeOld)
        ::close(epollFd);
    epollFd = fresh;
    for (size_t fd = 0; fd < watches.size(); ++fd) {
        FdWatch &entry = watches[fd];
        if (entry.events)
            add(int(fd), entry, entry.events);
    }
}

// checkFrom: where the current batch begins; a notifier still queued before it by an outer
// loop's batch is not queued twice.
void EpollEventDispatcher::Private::queue(const FdWatch &entry, int type, std::size_t checkFrom)
{
    QSocketNotifier *notifier = entry.notifiers[type];
    if (!notifier)
        return;
    for (std::size_t i = pendingHead; i < checkFrom; ++i) {
        if (pending[i].notifier == notifier)
            return;
    }
    pending.push_back(Pending{notifier, entry.direct[type]});
}

void EpollEventDispatcher::Private::unqueue(QSocketNotifier *notifier)
{
    for (std::size_t i = pendingHead; i < pending.size(); ++i) {
        if (pending[i].notifier == notifier)
            pending[i] = Pending{nullptr, nullptr};
    }
}

void EpollEventDispatcher::Private::drainWakeUp()
{
    // Read first, then clear: a wakeUp() in between finds the flag still set and writes
    // nothing, and what it announced is picked up by the sendPostedEvents() that starts every
    // processEvents(). Cleared first, its write could be read here and leave the flag set with
    // nothing to read: no later wakeUp() would ever write again.
    eventfd_t value;
    while (::eventfd_read(wakeFd, &value) < 0 && errno == EINTR) {
    }
    wakeUpPending.store(false, std::memory_order_release);
}

// Returns the number of ready entries in `events`; waits for ever or not at all (timers end a
// wait through the timerfd).
int EpollEventDispatcher::Private::wait(bool block)
{
    for (;;) {
        const int count = ::epoll_wait(epollFd, events.data(), MaxEventsPerWait, block ? -1 : 0);
        if (count >= 0)
            return count;
        if (errno != EINTR) {
            // Our epoll fd was closed (EBADF) or its number now names something else (EINVAL)
            // by a stray close() elsewhere: start over, leaving that number alone.
            qCWarning(lcEventLoop, "epoll_wait: %s", std::strerror(errno));
            rebuild(false);
            return 0;
        }
        // A signal handler ran; whatever it wants done it announces through a watched fd.
    }
}

// ExcludeSocketNotifiers: the notifiers' fds must not end the wait (level-triggered, a ready one
// would end every wait), so only the eventfd is watched, the rare way.
int EpollEventDispatcher::Private::waitForWakeUpOnly(qint64 timeoutNs, qint64 deadline)
{
    for (;;) {
        pollfd pfd{wakeFd, POLLIN, 0};
        const timespec ts = toTimespec(std::max<qint64>(timeoutNs, 0));
        const int rc = ::ppoll(&pfd, 1, timeoutNs < 0 ? nullptr : &ts, nullptr);
        if (rc > 0 && (pfd.revents & POLLIN)) {
            drainWakeUp();
            return 1;
        }
        if (rc >= 0)
            return 0;
        if (errno != EINTR) {
            qCWarning(lcEventLoop, "ppoll: %s", std::strerror(errno));
            return 0;
        }
        if (timeoutNs > 0) {
            timeoutNs = deadline - monotonicNs();
            if (timeoutNs <= 0)
                return 0;
        }
    }
}

// Queues the notifiers the ready entries ask for; returns 1 if the eventfd was among them.
int EpollEventDispatcher::Private::collect(int count)
{
    int woken = 0;
    bool stale = false;
    const std::size_t batchStart = pending.size();
    for (int i = 0; i < count; ++i) {
        const epoll_event &ev = events[size_t(i)];
        if (ev.data.u64 == WakeUpToken) {
            drainWakeUp();
            woken = 1;
            continue;
        }
        if (ev.data.u64 == TimerToken) {
            // Expired, so disarmed; the due timers are activated after the notifiers.
            uint64_t expirations;
            while (::read(timerFd, &expirations, sizeof expirations) < 0 && errno == EINTR) {
            }
            armedDeadline = -1;
            continue;
        }
        const quint32 fd = quint32(ev.data.u64);
        const quint32 generation = quint32(ev.data.u64 >> 32);
        if (fd >= watches.size() || !watches[fd].events || watches[fd].generation != generation) {
            stale = true;
            continue;
        }
        const FdWatch &entry = watches[fd];
        // Like Qt's poll() loop: a hang-up or an error is news for every notifier of the fd (the
        // next read or write returns it).
        const quint32 trouble = EPOLLHUP | EPOLLERR;
        if (ev.events & (EPOLLIN | trouble))
            queue(entry, QSocketNotifier::Read, batchStart);
        if (ev.events & (EPOLLOUT | trouble))
            queue(entry, QSocketNotifier::Write, batchStart);
        if (ev.events & (EPOLLPRI | trouble))
            queue(entry, QSocketNotifier::Exception, batchStart);
    }
    if (stale)
        rebuild(true);
    return woken;
}

void EpollEventDispatcher::Private::reportUnwatchable()
{
    if (unwatchable.empty())
        return;
    // Disabling a notifier edits the list; this is the rare path, a copy is fine.
    const std::vector<int> fds = unwatchable;
    const std::size_t batchStart = pending.size();
    for (const int fd : fds) {
        if (watches[size_t(fd)].fallback == FdWatch::Fallback::AlwaysReady) {
            queue(watches[size_t(fd)], QSocketNotifier::Read, batchStart);
            queue(watches[size_t(fd)], QSocketNotifier::Write, batchStart);
            continue;
        }
        if (watches[size_t(fd)].fallback != FdWatch::Fallback::Invalid)
            continue;
        for (int type = 0; type < 3; ++type) {
            if (QSocketNotifier *notifier = watches[size_t(fd)].notifiers[type]) {
                qCWarning(lcEventLoop, "QSocketNotifier: Invalid socket %d with type %s, disabling...", fd,
                          typeName(type));
                notifier->setEnabled(false);
            }
        }
    }
}

int EpollEventDispatcher::Private::activateNotifiers()
{
    int activated = 0;
    QEvent event(QEvent::SockAct);
    // Members, not locals: a nested loop started by a notifier's slot goes on from here, and
    // clears the queue when it is done.
    while (pendingHead < pending.size()) {
        const Pending next = pending[pendingHead++];
        if (!next.notifier)
            continue;
        if (next.direct)
            next.direct->activate();
        else
            QCoreApplication::sendEvent(next.notifier, &event);
        ++activated;
    }
    pending.clear();
    pendingHead = 0;
    return activated;
}

// -1: no timer to wait for.
qint64 EpollEventDispatcher::Private::nextTimerDeadline() const
{
    for (const Timer &timer : timers) {
        // A timer whose handler is still running is not taken now, so it must not end a wait.
        if (!timer.running)
            return timer.deadline;
    }
    return -1;
}

void EpollEventDispatcher::Private::insertTimer(const Timer &timer)
{
    timers.insert(std::upper_bound(timers.begin(), timers.end(), timer.deadline, deadlineBefore), timer);
}

int EpollEventDispatcher::Private::activateTimers()
{
    if (timers.empty())
        return 0;
    const qint64 now = monotonicNs();
    if (timers.front().deadline > now)
        return 0;
    // Each due timer is taken once per pass. A taken timer goes back behind every due one (its
    // next deadline is now or later), so reaching one already taken ends the pass: a
    // zero-interval timer cannot keep the loop from the notifiers.
    const quint64 pass = ++lastPass;
    int activated = 0;
    while (!timers.empty() && timers.front().deadline <= now && timers.front().pass != pass) {
        Timer timer = timers.front();
        timers.erase(timers.begin());
        timer.pass = pass;
        const qint64 intervalNs = timer.intervalMs * NsPerMs;
        timer.deadline += intervalNs;
        if (timer.deadline < now)
            timer.deadline = now + intervalNs; // fell behind: keep the interval, not the phase
        // Like Qt: a zero-interval timer fires on every pass, but does not count as an event,
        // or processEvents() loops in QCoreApplication::processEvents(flags, ms) would not end.
        if (timer.intervalMs > 0)
            ++activated;
        const bool fire = !timer.running;
        timer.running = true;
        insertTimer(timer);
        if (!fire)
            continue;
        QTimerEvent event(timer.id);
        QCoreApplication::sendEvent(timer.object, &event);
        // The handler may have stopped it, or stopped it and started another with its id.
        for (Timer &t : timers) {
            if (t.serial == timer.serial) {
                t.running = false;
                break;
            }
        }
    }
    return activated;
}

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent), d(std::make_unique<Private>())
{
}

EpollEventDispatcher::~EpollEventDispatcher() = default;

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    d->interrupted.store(false, std::memory_order_relaxed);
    if (d->announce.load(std::memory_order_relaxed))
        Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    // Events posted while the last ones were sent have set wakeUpPending: nothing to wait for.
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents)
        && !d->wakeUpPending.load(std::memory_order_relaxed)
        && !d->interrupted.load(std::memory_order_relaxed);
    if (canWait && d->announce.load(std::memory_order_relaxed))
        Q_EMIT aboutToBlock();
    if (d->interrupted.load(std::memory_order_relaxed))
        return false;

    qint64 timeoutNs = 0;
    qint64 deadline = -1;
    // An fd epoll cannot watch is always ready, or due to be disabled: no sleeping then.
    if (canWait && (!includeNotifiers || d->unwatchable.empty())) {
        deadline = includeTimers ? d->nextTimerDeadline() : -1;
        timeoutNs = deadline < 0 ? -1 : std::max<qint64>(deadline - monotonicNs(), 0);
    }

    int processed = 0;
    if (includeNotifiers) {
        if (d->rebuildPending)
            d->rebuild(true);
        // A blocking wait ends at the nearest timer through the timerfd.
        if (timeoutNs != 0)
            d->armTimerFd(deadline);
        processed += d->collect(d->wait(timeoutNs != 0));
        d->reportUnwatchable();
        processed += d->activateNotifiers();
    } else {
        processed += d->waitForWakeUpOnly(timeoutNs, deadline);
    }
    if (includeTimers)
        processed += d->activateTimers();
    return processed > 0;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const qintptr socket = notifier->socket();
    const int type = int(notifier->type());
    if (socket < 0 || socket > INT_MAX) {
        qCWarning(lcEventLoop, "QSocketNotifier: Invalid socket %lld", qlonglong(socket));
        return;
    }
    const int fd = int(socket);
    if (size_t(fd) >= d->watches.size())
        d->watches.resize(size_t(fd) + 1);
    FdWatch &entry = d->watches[size_t(fd)];
    QSocketNotifier *&slot = entry.notifiers[type];
    if (slot && slot != notifier) {
        qCWarning(lcEventLoop, "QSocketNotifier: Multiple socket notifiers for same socket %d and type %s", fd,
                  typeName(type));
        // Most likely the fd was closed under the other one and its number handed out again:
        // our registration is for the old file, if for any.
        d->forget(fd, entry);
    }
    slot = notifier;
    entry.direct[type] = dynamic_cast<DirectSocketNotifier *>(notifier);
    d->watch(fd);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    d->unqueue(notifier);
    const qintptr socket = notifier->socket();
    if (socket < 0 || size_t(socket) >= d->watches.size())
        return;
    const int fd = int(socket);
    const int type = int(notifier->type());
    QSocketNotifier *&slot = d->watches[size_t(fd)].notifiers[type];
    if (!slot)
        return;
    if (slot != notifier) {
        qCWarning(lcEventLoop, "QSocketNotifier: Multiple socket notifiers for same socket %d and type %s", fd,
                  typeName(type));
        return;
    }
    slot = nullptr;
    d->watches[size_t(fd)].direct[type] = nullptr;
    d->watch(fd);
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    if (timerId < 1 || interval < 0 || !object) {
        qCWarning(lcEventLoop, "EpollEventDispatcher::registerTimer: invalid arguments");
        return;
    }
    // Coarse and very coarse timers fire like precise ones: allowed by their contract, and the
    // agent has too few timers for their coalescing to save wake-ups.
    const qint64 intervalMs = std::min(interval, MaxIntervalMs);
    const qint64 deadline = monotonicNs() + intervalMs * NsPerMs;
    d->insertTimer(Timer{timerId, intervalMs, timerType, object, deadline, ++d->lastSerial});
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = std::find_if(d->timers.begin(), d->timers.end(),
                                 [timerId](const Timer &t) { return t.id == timerId; });
    if (it == d->timers.end())
        return false;
    d->timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    const auto from = std::remove_if(d->timers.begin(), d->timers.end(),
                                     [object](const Timer &t) { return t.object == object; });
    const bool found = from != d->timers.end();
    d->timers.erase(from, d->timers.end());
    return found;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> list;
    for (const Timer &t : d->timers) {
        if (t.object == object)
            list.append(TimerInfo(t.id, int(std::min<qint64>(t.intervalMs, INT_MAX)), t.type));
    }
    return list;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    for (const Timer &t : d->timers) {
        if (t.id != timerId)
            continue;
        const qint64 left = t.deadline - monotonicNs();
        // Rounded up, as Qt does: 0 only once it is due.
        return left <= 0 ? 0 : int(std::min<qint64>((left + NsPerMs - 1) / NsPerMs, INT_MAX));
    }
    return -1;
}

void EpollEventDispatcher::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&QAbstractEventDispatcher::awake)
        || signal == QMetaMethod::fromSignal(&QAbstractEventDispatcher::aboutToBlock))
        d->announce.store(true, std::memory_order_relaxed);
}

void EpollEventDispatcher::wakeUp()
{
    // One write until the loop has read it: posting a burst of events costs one syscall.
    if (d->wakeUpPending.load(std::memory_order_relaxed)
        || d->wakeUpPending.exchange(true, std::memory_order_acq_rel))
        return;
    while (::eventfd_write(d->wakeFd, 1) < 0 && errno == EINTR) {
    }
}

void EpollEventDispatcher::interrupt()
{
    d->interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

} // namespace qtga
