// The main thread's event loop on one level-triggered epoll set. Qt's own loop rebuilds a poll()
// array from every socket notifier on every wake-up; here a notifier costs an epoll_ctl when it
// is enabled or disabled and nothing per wake-up, and a guest-ping round trip is mostly
// wake-ups. Install with QCoreApplication::setEventDispatcher() before the application exists;
// other threads keep Qt's dispatcher. Semantics follow QEventDispatcherUNIX: posted events
// first, then socket notifiers, then timers; a notifier disabled during a batch is not
// activated; a timer is not re-entered while its handler runs a nested loop.
#pragma once

#include <QAbstractEventDispatcher>
#include <QSocketNotifier>

#include <functional>
#include <memory>

namespace qtga {

// A socket notifier whose readiness runs `handler` with a plain call when the epoll loop below
// drives the thread: no QEvent through QCoreApplication::notify(), no QPointer guard, no
// activated() signals (twice that, in Qt 6.4), which together cost more than the rest of a
// small request's way from the socket to its session. Under any other event dispatcher the
// QEvent::SockAct the loop sends runs the same handler. activated() is never emitted. Enabled
// from the start, like a QSocketNotifier.
class DirectSocketNotifier final : public QSocketNotifier
{
public:
    DirectSocketNotifier(qintptr socket, Type type, std::function<void()> handler, QObject *parent = nullptr);
    void activate() { m_handler(); }

protected:
    bool event(QEvent *e) override;

private:
    std::function<void()> m_handler;
};

class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    using QAbstractEventDispatcher::registerTimer;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    // Both may be called from any thread.
    void wakeUp() override;
    void interrupt() override;

protected:
    void connectNotify(const QMetaMethod &signal) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qtga
