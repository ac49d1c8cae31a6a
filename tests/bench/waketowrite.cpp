// LD_PRELOAD probe: how long a server takes from waking up (its epoll_wait/poll/ppoll returns)
// to answering (its next write/writev/send/sendto), the part of a round trip that is the
// server's own, and within it how long the first socket read takes; also how long the answer's
// write itself takes. Samples are kept per client: a client that bound its socket to the
// abstract address "qgabench.<anything>.<label>" is counted under <label> (the server's
// getpeername() shows it), any other under "other". Every $QGA_WAKE_BATCH answers of one label
// (default 20,000) it appends their medians, and the 10th and 90th percentile of wake to write,
// in nanoseconds to $QGA_WAKE_LOG (default /tmp/waketowrite.<pid>):
//   <label>: wake to write (ns): median M p10 A p90 B; read (ns): median R; write (ns): median W
// Only the first write to a socket after a wake-up counts (GLib's loop, qemu-ga's, writes to
// its own wake-up eventfd first); single-threaded servers only (the times are per process).
// qgabench --wake-probe runs every target under it.
//   LD_PRELOAD=build/tests/bench/libwaketowrite.so build/agent/qtga-agent -m unix-listen -p /tmp/q.sock
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

long long nowNs()
{
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

constexpr size_t MaxSamples = 20000;

struct Label
{
    char name[32] = {};
    std::array<long long, MaxSamples> wake{}, read{}, write{};
    size_t count = 0;
};

constexpr int MaxLabels = 8;
Label labels[MaxLabels];
int labelCount = 0;

long long wokeAt = 0;
long long readNs = -1;   // the first socket read after the wake-up, -1 before it

size_t batchSize()
{
    static const size_t size = [] {
        const char *text = std::getenv("QGA_WAKE_BATCH");
        const long n = text ? std::atol(text) : 0;
        return n > 0 && size_t(n) < MaxSamples ? size_t(n) : MaxSamples;
    }();
    return size;
}

void woke()
{
    wokeAt = nowNs();
    readNs = -1;
}

int labelFor(const char *name)
{
    for (int i = 0; i < labelCount; ++i) {
        if (std::strcmp(labels[i].name, name) == 0)
            return i;
    }
    if (labelCount == MaxLabels)
        return MaxLabels - 1;
    std::snprintf(labels[labelCount].name, sizeof labels[labelCount].name, "%s", name);
    return labelCount++;
}

// Per descriptor number (close() forgets it): 0 unknown, -1 not a socket, else 1 + label index.
constexpr int KnownFds = 4096;
std::array<signed char, KnownFds> fdKind{};

int socketLabel(int fd)
{
    if (fd < 0 || fd >= KnownFds)
        return -1;
    signed char &kind = fdKind[size_t(fd)];
    if (!kind) {
        struct stat st;
        if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
            kind = -1;
        } else {
            sockaddr_un peer{};
            socklen_t length = sizeof peer;
            const char *name = "other";
            char text[sizeof peer.sun_path + 1] = {};
            if (::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &length) == 0 && peer.sun_family == AF_UNIX
                && length > sizeof(sa_family_t) + 1 && peer.sun_path[0] == 0) {
                std::memcpy(text, peer.sun_path + 1, length - sizeof(sa_family_t) - 1);
                const char *dot = std::strrchr(text, '.');
                if (std::strncmp(text, "qgabench.", 9) == 0 && dot)
                    name = dot + 1;
            }
            kind = static_cast<signed char>(1 + labelFor(name));
        }
    }
    return kind > 0 ? kind - 1 : -1;
}

long long median(std::array<long long, MaxSamples> &v, size_t n, size_t at)
{
    std::nth_element(v.begin(), v.begin() + long(at), v.begin() + long(n));
    return v[at];
}

// Before a read on `fd`: whether to time it.
bool timingRead(int fd)
{
    return wokeAt && readNs < 0 && socketLabel(fd) >= 0;
}

// Around the answer's write: `started` is when it was called.
void answered(int label, long long started, long long finished)
{
    Label &l = labels[label];
    l.wake[l.count] = started - wokeAt;
    l.read[l.count] = readNs < 0 ? 0 : readNs;
    l.write[l.count] = finished - started;
    ++l.count;
    wokeAt = 0;
    if (l.count < batchSize())
        return;
    const size_t n = l.count;
    l.count = 0;
    const long long p10 = median(l.wake, n, n / 10), p90 = median(l.wake, n, n * 9 / 10);
    const long long wake = median(l.wake, n, n / 2);
    const long long read = median(l.read, n, n / 2), write = median(l.write, n, n / 2);
    char path[256];
    const char *log = std::getenv("QGA_WAKE_LOG");
    if (log)
        std::snprintf(path, sizeof path, "%s", log);
    else
        std::snprintf(path, sizeof path, "/tmp/waketowrite.%d", int(getpid()));
    if (FILE *f = std::fopen(path, "a")) {
        std::fprintf(f, "%s: wake to write (ns): median %lld p10 %lld p90 %lld; read (ns): median %lld; write (ns): median %lld\n",
                     l.name, wake, p10, p90, read, write);
        std::fclose(f);
    }
}

// Calls `next` and, when it is the answer after a wake-up, records it.
template<typename Call>
auto timedWrite(int fd, Call next)
{
    const int label = wokeAt ? socketLabel(fd) : -1;
    if (label < 0)
        return next();
    const long long started = nowNs();
    auto result = next();
    answered(label, started, nowNs());
    return result;
}

template<typename Call>
auto timedRead(int fd, Call next)
{
    if (!timingRead(fd))
        return next();
    const long long started = nowNs();
    auto result = next();
    readNs = nowNs() - started;
    return result;
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
    return timedWrite(fd, [&] { return next(fd, data, size); });
}

ssize_t writev(int fd, const iovec *iov, int count)
{
    static const auto next = real<ssize_t (*)(int, const iovec *, int)>("writev");
    return timedWrite(fd, [&] { return next(fd, iov, count); });
}

ssize_t send(int fd, const void *data, size_t size, int flags)
{
    static const auto next = real<ssize_t (*)(int, const void *, size_t, int)>("send");
    return timedWrite(fd, [&] { return next(fd, data, size, flags); });
}

ssize_t sendto(int fd, const void *data, size_t size, int flags, const sockaddr *to, socklen_t toLength)
{
    static const auto next = real<ssize_t (*)(int, const void *, size_t, int, const sockaddr *, socklen_t)>("sendto");
    return timedWrite(fd, [&] { return next(fd, data, size, flags, to, toLength); });
}

ssize_t read(int fd, void *data, size_t size)
{
    static const auto next = real<ssize_t (*)(int, void *, size_t)>("read");
    return timedRead(fd, [&] { return next(fd, data, size); });
}

ssize_t recv(int fd, void *data, size_t size, int flags)
{
    static const auto next = real<ssize_t (*)(int, void *, size_t, int)>("recv");
    return timedRead(fd, [&] { return next(fd, data, size, flags); });
}

ssize_t recvfrom(int fd, void *data, size_t size, int flags, sockaddr *from, socklen_t *fromLength)
{
    static const auto next = real<ssize_t (*)(int, void *, size_t, int, sockaddr *, socklen_t *)>("recvfrom");
    return timedRead(fd, [&] { return next(fd, data, size, flags, from, fromLength); });
}

int close(int fd)
{
    static const auto next = real<int (*)(int)>("close");
    if (fd >= 0 && fd < KnownFds)
        fdKind[size_t(fd)] = 0;
    return next(fd);
}

} // extern "C"
