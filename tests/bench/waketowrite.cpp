// LD_PRELOAD probe: how long a server takes from waking up (its epoll_wait/poll/ppoll returns)
// to answering (its next write/writev/send/sendto), the part of a round trip that is the
// server's own. Every $QGA_WAKE_BATCH answers (default 20,000) it appends their median, 10th
// and 90th percentile in nanoseconds to $QGA_WAKE_LOG (default /tmp/waketowrite.<pid>). Only
// the first write to a socket after a wake-up counts (GLib's loop, qemu-ga's, writes to its own
// wake-up eventfd first); single-threaded servers only (the times are per process).
// qgabench --wake-probe runs every target under it.
//   LD_PRELOAD=build/tests/bench/libwaketowrite.so build/agent/qtga-agent -m unix-listen -p /tmp/q.sock
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

namespace {

long long nowNs()
{
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

long long wokeAt = 0;
std::array<long long, 20000> samples;
size_t count = 0;

size_t batchSize()
{
    static const size_t size = [] {
        const char *text = std::getenv("QGA_WAKE_BATCH");
        const long n = text ? std::atol(text) : 0;
        return n > 0 && size_t(n) < samples.size() ? size_t(n) : samples.size();
    }();
    return size;
}

void woke()
{
    wokeAt = nowNs();
}

// Whether `fd` is a socket, looked up once per descriptor number (close() forgets it).
constexpr int KnownFds = 4096;
std::array<signed char, KnownFds> socketFd{}; // 0 unknown, 1 socket, -1 something else

bool isSocket(int fd)
{
    if (fd < 0 || fd >= KnownFds)
        return false;
    if (!socketFd[size_t(fd)]) {
        struct stat st;
        socketFd[size_t(fd)] = ::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) ? 1 : -1;
    }
    return socketFd[size_t(fd)] > 0;
}

void answering(int fd)
{
    if (!wokeAt || !isSocket(fd))
        return;
    samples[count++] = nowNs() - wokeAt;
    wokeAt = 0;
    if (count < batchSize())
        return;
    std::sort(samples.begin(), samples.begin() + long(count));
    char path[256];
    const char *log = std::getenv("QGA_WAKE_LOG");
    if (log)
        std::snprintf(path, sizeof path, "%s", log);
    else
        std::snprintf(path, sizeof path, "/tmp/waketowrite.%d", int(getpid()));
    if (FILE *f = std::fopen(path, "a")) {
        std::fprintf(f, "wake to write (ns): median %lld p10 %lld p90 %lld\n", samples[count / 2], samples[count / 10],
                     samples[count * 9 / 10]);
        std::fclose(f);
    }
    count = 0;
}

template<typename F>
F real(const char *name)
{
    return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

} // namespace

extern "C" {

int epoll_wait(int epfd, epoll_event *events, int max, int timeout)
{
    static const auto next = real<int (*)(int, epoll_event *, int, int)>("epoll_wait");
    const int n = next(epfd, events, max, timeout);
    woke();
    return n;
}

int poll(pollfd *fds, nfds_t n, int timeout)
{
    static const auto next = real<int (*)(pollfd *, nfds_t, int)>("poll");
    const int r = next(fds, n, timeout);
    woke();
    return r;
}

int ppoll(pollfd *fds, nfds_t n, const timespec *timeout, const sigset_t *mask)
{
    static const auto next = real<int (*)(pollfd *, nfds_t, const timespec *, const sigset_t *)>("ppoll");
    const int r = next(fds, n, timeout, mask);
    woke();
    return r;
}

ssize_t write(int fd, const void *data, size_t size)
{
    static const auto next = real<ssize_t (*)(int, const void *, size_t)>("write");
    answering(fd);
    return next(fd, data, size);
}

ssize_t writev(int fd, const iovec *iov, int count)
{
    static const auto next = real<ssize_t (*)(int, const iovec *, int)>("writev");
    answering(fd);
    return next(fd, iov, count);
}

ssize_t send(int fd, const void *data, size_t size, int flags)
{
    static const auto next = real<ssize_t (*)(int, const void *, size_t, int)>("send");
    answering(fd);
    return next(fd, data, size, flags);
}

ssize_t sendto(int fd, const void *data, size_t size, int flags, const sockaddr *to, socklen_t toLength)
{
    static const auto next = real<ssize_t (*)(int, const void *, size_t, int, const sockaddr *, socklen_t)>("sendto");
    answering(fd);
    return next(fd, data, size, flags, to, toLength);
}

int close(int fd)
{
    static const auto next = real<int (*)(int)>("close");
    if (fd >= 0 && fd < KnownFds)
        socketFd[size_t(fd)] = 0;
    return next(fd);
}

} // extern "C"
