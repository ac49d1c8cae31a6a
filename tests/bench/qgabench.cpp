// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Side-by-side benchmark of qtga-agent, Debian's qemu-ga and a trivial "floor" server that
// answers every request with a fixed line, each on a unix socket, in alternating rounds.
// Prints medians per metric and the ratios qtga/qemu-ga and qtga/floor as a Markdown table.
//
//   qgabench --qtga build/agent/qtga-agent [--qemu-ga /usr/sbin/qemu-ga] [--rounds 5]
//
// Not a pass/fail test: it measures.
#include <algorithm>
#include <atomic>
#include <memory>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <poll.h>
#include <sched.h>
#include <sstream>
#include <string>
#include <string_view>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

[[noreturn]] void die(const std::string &message)
{
    std::fprintf(stderr, "qgabench: %s\n", message.c_str());
    std::exit(2);
}

int connectUnix(const std::string &path)
{
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// A blocking line-oriented client. By default it waits for an answer inside recv(); with
// `waitInPoll` it waits in poll() and reads once the socket is readable, as the event loops of
// host tools do (libvirt's, QEMU's chardev, GLib's).
class Client
{
public:
    explicit Client(const std::string &path, bool waitInPoll = false)
        : m_fd(connectUnix(path)), m_waitInPoll(waitInPoll)
    {
        if (m_fd < 0)
            die("cannot connect to " + path);
    }
    ~Client() { ::close(m_fd); }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    void send(const std::string &data)
    {
        size_t done = 0;
        while (done < data.size()) {
            ssize_t n = ::send(m_fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                die(std::string("send: ") + strerror(errno));
            done += size_t(n);
        }
    }
    // The next line without its newline, valid until the next read. Lines are cut out of the
    // receive buffer in place: a 5.6 MB guest-file-read answer is not copied again (or into
    // fresh pages) on the client's side, which would make the client what the read rate
    // measures.
    std::string_view readLineView()
    {
        if (m_begin == m_end)
            m_begin = m_end = m_scan = 0;
        for (;;) {
            const void *nl = m_scan < m_end ? std::memchr(m_buf.data() + m_scan, '\n', m_end - m_scan) : nullptr;
            if (nl) {
                const size_t at = size_t(static_cast<const char *>(nl) - m_buf.data());
                const std::string_view line(m_buf.data() + m_begin, at - m_begin);
                m_begin = m_scan = at + 1;
                return line;
            }
            m_scan = m_end;
            constexpr size_t MinRoom = 1 << 16;
            if (m_buf.size() - m_end < MinRoom && m_begin > 0) {
                std::memmove(m_buf.data(), m_buf.data() + m_begin, m_end - m_begin);
                m_end -= m_begin;
                m_scan -= m_begin;
                m_begin = 0;
            }
            if (m_buf.size() - m_end < MinRoom)
                m_buf.resize(std::max<size_t>(m_buf.size() * 2, 1 << 20));
            if (m_waitInPoll) {
                pollfd readable{m_fd, POLLIN, 0};
                if (::poll(&readable, 1, -1) < 0 && errno != EINTR)
                    die(std::string("poll: ") + strerror(errno));
            }
            ssize_t n = ::recv(m_fd, m_buf.data() + m_end, m_buf.size() - m_end, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                die("connection closed while waiting for a response");
            m_end += size_t(n);
        }
    }
    std::string readLine() { return std::string(readLineView()); }
    // Room for `bytes` of answers, its pages touched now: growing the buffer during a timed
    // transfer would measure the client's page faults (tens of microseconds each where the
    // hypervisor shadows page tables), the same for every agent, flattening the ratios.
    void reserve(size_t bytes)
    {
        if (m_buf.size() < bytes)
            m_buf.resize(bytes);
    }
    std::string request(const std::string &json)
    {
        send(json);
        return readLine();
    }
    std::string_view requestView(const std::string &json)
    {
        send(json);
        return readLineView();
    }
    int fd() const { return m_fd; }

private:
    int m_fd;
    bool m_waitInPoll;
    std::vector<char> m_buf;   // received bytes: [m_begin, m_end) not yet returned
    size_t m_begin = 0;
    size_t m_end = 0;
    size_t m_scan = 0;         // no newline in [m_begin, m_scan)
};

// The floor: the least work a server can do per request on this socket.
[[noreturn]] void runFloorServer(const std::string &path)
{
    ::unlink(path.c_str());
    int listenFd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    if (::bind(listenFd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0 || ::listen(listenFd, 64) < 0)
        die("floor: cannot listen");
    std::vector<pollfd> fds{{listenFd, POLLIN, 0}};
    std::vector<int> depth{0};
    static const char reply[] = "{\"return\": {}}\n";
    for (;;) {
        if (::poll(fds.data(), fds.size(), -1) < 0)
            continue;
        for (size_t i = 0; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            if (i == 0) {
                int c = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
                if (c >= 0) {
                    fds.push_back({c, POLLIN, 0});
                    depth.push_back(0);
                }
                continue;
            }
            char buf[1 << 16];
            ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, 0);
            if (n <= 0) {
                ::close(fds[i].fd);
                fds.erase(fds.begin() + long(i));
                depth.erase(depth.begin() + long(i));
                --i;
                continue;
            }
            std::string out;
            for (ssize_t k = 0; k < n; ++k) {
                if (buf[k] == '{')
                    ++depth[i];
                else if (buf[k] == '}' && --depth[i] == 0)
                    out += reply;
            }
            if (!out.empty() && ::send(fds[i].fd, out.data(), out.size(), MSG_NOSIGNAL) < 0) {
                // the client went away; poll reports it next round
            }
        }
    }
}

struct Target
{
    std::string name;
    std::string binary;   // empty for the floor
    bool full = true;     // speaks the whole protocol
    bool agent = true;    // takes qemu-ga's options (else: the socket path is its only argument)
};

struct Instance
{
    pid_t pid = -1;
    std::string socket;
    std::string dir;
    double startupMs = 0;
};

std::string makeTempDir()
{
    char tmpl[] = "/tmp/qgabench-XXXXXX";
    if (!::mkdtemp(tmpl))
        die("mkdtemp failed");
    return tmpl;
}

Instance start(const Target &t, const std::string &self, const std::string &fakeBin)
{
    Instance inst;
    inst.dir = makeTempDir();
    inst.socket = inst.dir + "/agent.sock";
    const auto begin = Clock::now();
    inst.pid = ::fork();
    if (inst.pid == 0) {
        const std::string path = fakeBin + ":" + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
        ::setenv("PATH", path.c_str(), 1);
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 1);
        ::dup2(null, 2);
        if (t.binary.empty()) {
            ::execl(self.c_str(), self.c_str(), "--floor-server", inst.socket.c_str(), nullptr);
        } else if (!t.agent) {
            ::execl(t.binary.c_str(), t.binary.c_str(), inst.socket.c_str(), nullptr);
        } else {
            ::execl(t.binary.c_str(), t.binary.c_str(), "-m", "unix-listen", "-p", inst.socket.c_str(), "-t",
                    inst.dir.c_str(), nullptr);
        }
        _exit(127);
    }
    // Start-up to first answer: connect as soon as the socket accepts, then one ping.
    for (;;) {
        int fd = connectUnix(inst.socket);
        if (fd >= 0) {
            Client *c = nullptr;
            ::close(fd);
            c = new Client(inst.socket);
            c->request("{\"execute\":\"guest-ping\"}");
            delete c;
            break;
        }
        if (secondsSince(begin) > 10)
            die("timed out starting " + t.name);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    inst.startupMs = secondsSince(begin) * 1000;
    return inst;
}

void stop(Instance &inst)
{
    ::kill(inst.pid, SIGKILL);
    ::waitpid(inst.pid, nullptr, 0);
    std::string cmd = "rm -rf '" + inst.dir + "'";
    if (std::system(cmd.c_str()) != 0) {
        // leftovers in /tmp are harmless
    }
}

std::map<std::string, long> memoryOf(pid_t pid)
{
    std::map<std::string, long> out;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0)
            out["rss"] = std::stol(line.substr(6));
    }
    std::ifstream rollup("/proc/" + std::to_string(pid) + "/smaps_rollup");
    for (std::string line; std::getline(rollup, line);) {
        if (line.rfind("Private_Dirty:", 0) == 0)
            out["dirty"] = std::stol(line.substr(14));
    }
    return out;
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    size_t index = size_t(p * double(v.size() - 1) + 0.5);
    return v[std::min(index, v.size() - 1)];
}

// Puts this thread and every thread of `pid` on `cpu` (-1: back on all CPUs).
void pinTo(pid_t pid, int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < CPU_SETSIZE; ++i) {
        if (cpu < 0 ? i < int(std::thread::hardware_concurrency()) : i == cpu)
            CPU_SET(i, &set);
    }
    ::sched_setaffinity(0, sizeof set, &set);
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    if (DIR *dir = ::opendir(tasks.c_str())) {
        while (dirent *e = ::readdir(dir)) {
            if (e->d_name[0] != '.')
                ::sched_setaffinity(pid_t(std::atoi(e->d_name)), sizeof set, &set);
        }
        ::closedir(dir);
    }
}

// One guest-ping at a time, `count` of them after a few unmeasured ones; each round trip's
// microseconds are appended to `samples`.
void pingBurst(Client &c, int count, std::vector<double> &samples)
{
    for (int i = -5; i < count; ++i) {
        auto t = Clock::now();
        c.request("{\"execute\":\"guest-ping\"}");
        if (i >= 0)
            samples.push_back(secondsSince(t) * 1e6);
    }
}

// The ways a round trip is measured: the client waiting in recv() or in poll(), with the
// scheduler free to place client and server or with both on one CPU.
struct RoundTripKind
{
    const char *label;
    const char *key;     // the result key
    bool waitInPoll;
    bool oneCpu;
};
const RoundTripKind roundTripKinds[] = {
    {"recv", "rtt_us", false, false},
    {"poll", "rtt_poll_us", true, false},
    {"recv1cpu", "rtt_pinned_us", false, true},
    {"poll1cpu", "rtt_poll_pinned_us", true, true},
};

// Round trips of every target, all running at once and measured in short interleaved bursts:
// on a shared VM the cost of a wake-up drifts within seconds (another guest on the host, the
// vCPU that takes the interrupts), and a target measured a second after another may meet a
// different machine. Interleaved, every target meets the same moments. Each burst is measured
// by a client waiting for the answer in recv() and by one waiting in poll(), each with the
// scheduler free to place client and server and with both on one CPU (the CPUs taken in turn),
// which leaves out cross-CPU wake-ups, the least repeatable part.
void measureRoundTrips(const std::vector<Target> &targets, const std::string &self, const std::string &fakeBin,
                       std::map<std::string, std::map<std::string, std::vector<double>>> &results)
{
    constexpr int Cycles = 40, Burst = 100;
    constexpr size_t Kinds = std::size(roundTripKinds);
    std::vector<Instance> instances;
    for (const Target &t : targets)
        instances.push_back(start(t, self, fakeBin));
    const int cpus = std::max(int(std::thread::hardware_concurrency()), 1);
    std::vector<std::vector<std::vector<double>>> samples(targets.size(), std::vector<std::vector<double>>(Kinds));
    for (int cycle = 0; cycle < Cycles; ++cycle) {
        for (size_t i = 0; i < targets.size(); ++i) {
            for (size_t k = 0; k < Kinds; ++k) {
                if (roundTripKinds[k].oneCpu)
                    pinTo(instances[i].pid, cycle % cpus);
                // A connection per burst: qemu-ga serves one client at a time.
                Client client(instances[i].socket, roundTripKinds[k].waitInPoll);
                pingBurst(client, Burst, samples[i][k]);
                if (roundTripKinds[k].oneCpu)
                    pinTo(instances[i].pid, -1);
            }
        }
    }
    for (size_t i = 0; i < targets.size(); ++i) {
        auto &r = results[targets[i].name];
        for (size_t k = 0; k < Kinds; ++k)
            r[roundTripKinds[k].key].push_back(median(samples[i][k]));
        stop(instances[i]);
    }
}

double pingsPerSecond(const std::string &socket, int inFlight, int total)
{
    Client c(socket);
    const std::string ping = "{\"execute\":\"guest-ping\"}";
    auto t = Clock::now();
    int sent = 0, received = 0;
    std::string batch;
    for (; sent < inFlight && sent < total; ++sent)
        batch += ping;
    c.send(batch);
    while (received < total) {
        c.readLine();
        ++received;
        if (sent < total) {
            c.send(ping);
            ++sent;
        }
    }
    return total / secondsSince(t);
}

// A burst of host clients: `clients` clients connect at once and each sends `bursts` batches of
// `batch` guest-pings, reading the answers of one batch before sending the next. Returns the
// requests per second over the whole burst (from the moment all start until the last answer)
// and how long the slowest client waited for its first answer (ms). qemu-ga serves one client
// at a time; the others wait in connect() until it gets to them.
struct BurstResult
{
    double requestsPerSecond;
    double slowestFirstAnswerMs;
};

BurstResult burst(const std::string &socket, int clients, int bursts, int batch)
{
    std::promise<void> go;
    const std::shared_future<void> start = go.get_future().share();
    std::vector<double> firstAnswerMs(size_t(clients), 0);
    std::vector<std::thread> threads;
    threads.reserve(size_t(clients));
    std::string pings;
    for (int k = 0; k < batch; ++k)
        pings += "{\"execute\":\"guest-ping\"}";
    const auto t = std::make_shared<Clock::time_point>();
    for (int i = 0; i < clients; ++i) {
        threads.emplace_back([&, i] {
            start.wait();
            Client c(socket);
            for (int b = 0; b < bursts; ++b) {
                c.send(pings);
                for (int k = 0; k < batch; ++k) {
                    c.readLineView();
                    if (b == 0 && k == 0)
                        firstAnswerMs[size_t(i)] = secondsSince(*t) * 1000;
                }
            }
        });
    }
    *t = Clock::now();
    go.set_value();
    for (std::thread &thread : threads)
        thread.join();
    return {double(clients) * bursts * batch / secondsSince(*t), *std::max_element(firstAnswerMs.begin(), firstAnswerMs.end())};
}

// The same burst driven from one thread with epoll, as a host daemon's event loop drives its
// connections (libvirt's, QEMU's). 64 blocking client threads on this machine's 2 cores cost
// three times the agent's own CPU, so the threaded row measures the threads as much as the
// agent; here the load generator is cheap and the agent is what the row measures. A connection
// the listener has no room for yet (qemu-ga accepts the next client only after the current one
// leaves) is retried every millisecond; a finished client closes at once so that the next one
// gets its turn.
BurstResult burstFromOneLoop(const std::string &socket, int clients, int bursts, int batch)
{
    struct Conn
    {
        int fd = -1;
        int batchesSent = 0;
        int answersDue = 0;
        bool firstSeen = false;
    };
    std::string pings;
    for (int k = 0; k < batch; ++k)
        pings += "{\"execute\":\"guest-ping\"}";
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        die(std::string("epoll_create1: ") + strerror(errno));
    std::vector<Conn> conns(static_cast<size_t>(clients));
    std::vector<double> firstAnswerMs(size_t(clients), 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket.c_str());
    const auto sendBatch = [&](Conn &c) {
        size_t done = 0;
        while (done < pings.size()) {
            // A batch is under 1 KiB: a socket buffer always has room, but a partial send is
            // finished with a short poll rather than assumed away.
            const ssize_t n = ::send(c.fd, pings.data() + done, pings.size() - done, MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                pollfd writable{c.fd, POLLOUT, 0};
                ::poll(&writable, 1, 10);
                continue;
            }
            if (n < 0)
                die(std::string("send: ") + strerror(errno));
            done += size_t(n);
        }
        ++c.batchesSent;
        c.answersDue = batch;
    };
    const Clock::time_point t = Clock::now();
    int waiting = clients;   // not connected yet
    int running = clients;   // not finished
    std::vector<char> buf(1 << 16);
    std::vector<epoll_event> events(static_cast<size_t>(clients));
    while (running > 0) {
        if (waiting > 0) {
            for (size_t i = 0; i < conns.size(); ++i) {
                Conn &c = conns[i];
                if (c.fd >= 0 || c.batchesSent > 0)
                    continue;
                c.fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
                if (::connect(c.fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0) {
                    if (errno != EAGAIN)
                        die(std::string("connect: ") + strerror(errno));
                    ::close(c.fd);
                    c.fd = -1;
                    break;   // the backlog is full: later, in order
                }
                epoll_event ev{};
                ev.events = EPOLLIN;
                ev.data.u64 = i;
                ::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
                --waiting;
                sendBatch(c);
            }
        }
        const int n = ::epoll_wait(ep, events.data(), int(events.size()), waiting > 0 ? 1 : -1);
        if (n < 0 && errno != EINTR)
            die(std::string("epoll_wait: ") + strerror(errno));
        for (int e = 0; e < n; ++e) {
            const size_t i = size_t(events[size_t(e)].data.u64);
            Conn &c = conns[i];
            const ssize_t got = ::recv(c.fd, buf.data(), buf.size(), 0);
            if (got < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (got <= 0)
                die("connection closed while waiting for a response");
            const int lines = int(std::count(buf.data(), buf.data() + got, '\n'));
            if (lines > 0 && !c.firstSeen) {
                c.firstSeen = true;
                firstAnswerMs[i] = secondsSince(t) * 1000;
            }
            c.answersDue -= lines;
            if (c.answersDue > 0)
                continue;
            if (c.answersDue < 0)
                die("more answers than requests");
            if (c.batchesSent < bursts) {
                sendBatch(c);
            } else {
                ::close(c.fd);   // also leaves the epoll set
                c.fd = -1;
                --running;
            }
        }
    }
    ::close(ep);
    return {double(clients) * bursts * batch / secondsSince(t), *std::max_element(firstAnswerMs.begin(), firstAnswerMs.end())};
}

std::string extractField(std::string_view json, const std::string &key)
{
    const std::string needle = "\"" + key + "\": ";
    size_t p = json.find(needle);
    if (p == std::string_view::npos)
        return std::string();
    p += needle.size();
    size_t e = p;
    if (json[p] == '"') {
        e = json.find('"', p + 1);
        return std::string(json.substr(p + 1, e - p - 1));
    }
    while (e < json.size() && json[e] != ',' && json[e] != '}')
        ++e;
    return std::string(json.substr(p, e - p));
}

// MB/s for reading `total` bytes in `chunk`-sized guest-file-read calls.
std::optional<double> fileReadMBps(const std::string &socket, const std::string &path, size_t total, size_t chunk)
{
    Client c(socket);
    std::string r = c.request("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + path + "\",\"mode\":\"r\"}}");
    std::string handle = extractField(r, "return");
    if (handle.empty() || r.find("error") != std::string::npos)
        return std::nullopt;
    c.reserve(2 * (chunk / 3 * 4 + 4096));
    auto t = Clock::now();
    size_t got = 0;
    while (got < total) {
        std::string_view resp = c.requestView("{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":" + handle
                                              + ",\"count\":" + std::to_string(chunk) + "}}");
        std::string count = extractField(resp, "count");
        if (count.empty() || count == "0")
            return std::nullopt;
        got += std::stoul(count);
    }
    const double seconds = secondsSince(t);
    c.request("{\"execute\":\"guest-file-close\",\"arguments\":{\"handle\":" + handle + "}}");
    return double(total) / 1e6 / seconds;
}

std::optional<double> fileWriteMBps(const std::string &socket, const std::string &path, size_t total, size_t chunk)
{
    Client c(socket);
    std::string r = c.request("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + path + "\",\"mode\":\"w\"}}");
    std::string handle = extractField(r, "return");
    if (handle.empty() || r.find("error") != std::string::npos)
        return std::nullopt;
    // chunk bytes of 'x' (0x78) encode to base64 "eHh4" repeated.
    std::string b64;
    b64.reserve(chunk / 3 * 4 + 4);
    for (size_t i = 0; i < chunk / 3; ++i)
        b64 += "eHh4";
    const std::string request = "{\"execute\":\"guest-file-write\",\"arguments\":{\"handle\":" + handle
                                + ",\"buf-b64\":\"" + b64 + "\"}}";
    const size_t perWrite = chunk / 3 * 3;
    auto t = Clock::now();
    size_t written = 0;
    while (written < total) {
        std::string resp = c.request(request);
        std::string count = extractField(resp, "count");
        if (count.empty())
            return std::nullopt;
        written += perWrite;
    }
    c.request("{\"execute\":\"guest-file-flush\",\"arguments\":{\"handle\":" + handle + "}}");
    const double seconds = secondsSince(t);
    c.request("{\"execute\":\"guest-file-close\",\"arguments\":{\"handle\":" + handle + "}}");
    return double(written) / 1e6 / seconds;
}

std::optional<double> execTrueMs(const std::string &socket)
{
    Client c(socket);
    auto t = Clock::now();
    std::string r = c.request(R"({"execute":"guest-exec","arguments":{"path":"/bin/true","capture-output":true}})");
    std::string pid = extractField(r, "pid");
    if (pid.empty())
        return std::nullopt;
    for (;;) {
        std::string s = c.request("{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":" + pid + "}}");
        if (s.find("\"exited\": true") != std::string::npos)
            break;
        if (s.find("error") != std::string::npos)
            return std::nullopt;
    }
    return secondsSince(t) * 1000;
}

// Median time of one inventory command on a connected client, the kind host tools poll
// (libvirt's guestinfo, Proxmox's and OpenStack's status pages): the answer must be a return,
// not an error, or the row is left out.
std::optional<double> commandMedianMs(const std::string &socket, const std::string &command, int count)
{
    Client c(socket);
    const std::string request = "{\"execute\":\"" + command + "\"}";
    std::vector<double> samples;
    for (int i = 0; i < count; ++i) {
        auto t = Clock::now();
        const std::string r = c.request(request);
        if (r.find("\"return\"") == std::string::npos)
            return std::nullopt;
        samples.push_back(secondsSince(t) * 1000);
    }
    return median(samples);
}

// p99 of pings on one connection while another connection waits for a slow command (a
// chpasswd stand-in that sleeps 2 s and fails, so no password is ever changed). qemu-ga serves
// one connection at a time, so its first ping waits until the slow client is done and gone.
std::optional<double> pingP99UnderSlowCommandMs(const std::string &socket)
{
    auto slow = std::make_unique<Client>(socket);
    slow->send(R"({"execute":"guest-set-user-password","arguments":{"username":"qgabench-no-such-user","password":"eA==","crypted":false}})");
    std::atomic<bool> slowDone{false};
    std::thread waiter([&] {
        slow->readLine();
        slow.reset();
        slowDone = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::vector<double> samples;
    {
        Client c(socket);
        while (!slowDone) {
            auto t = Clock::now();
            c.request("{\"execute\":\"guest-ping\"}");
            samples.push_back(secondsSince(t) * 1000);
        }
    }
    waiter.join();
    if (samples.empty())
        return std::nullopt;
    return percentile(samples, 0.99);
}

std::string fmt(double v, int precision = 1)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", precision, v);
    return buf;
}

} // namespace

int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    std::string qtga, qemuGa = QTGA_REFERENCE_QEMU_GA;
    std::string qtFloor = QTGA_QTFLOOR;
    int rounds = 5;
    std::string only;   // comma-separated metric keys to run, for profiling one path
    std::vector<std::string> others;   // --also-qtga: more agent builds, round trips only (A/B)
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--floor-server" && i + 1 < argc)
            runFloorServer(argv[i + 1]);
        else if (a == "--also-qtga" && i + 1 < argc)
            others.push_back(argv[++i]);
        else if (a == "--qtga" && i + 1 < argc)
            qtga = argv[++i];
        else if (a == "--qemu-ga" && i + 1 < argc)
            qemuGa = argv[++i];
        else if (a == "--rounds" && i + 1 < argc)
            rounds = std::atoi(argv[++i]);
        else if (a == "--only" && i + 1 < argc)
            only = "," + std::string(argv[++i]) + ",";
        else
            die("usage: qgabench --qtga PATH [--qemu-ga PATH] [--rounds N] [--only rtt,pps,burst,read,write,exec,slow,inventory]"
                " [--also-qtga PATH]...");
    }
    if (qtga.empty())
        die("--qtga is required");
    // A freshly built binary's pages are dirty in the page cache and would show up as the
    // agent's private dirty memory; write them back first so memory figures are the process's.
    ::sync();
    char self[4096];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        die("cannot find own executable");
    self[n] = 0;

    // A stand-in chpasswd for the responsiveness test: slow, and never changes anything.
    const std::string work = makeTempDir();
    const std::string fakeBin = work + "/bin";
    ::mkdir(fakeBin.c_str(), 0755);
    {
        std::ofstream f(fakeBin + "/chpasswd");
        f << "#!/bin/sh\ncat >/dev/null\nsleep 2\nexit 1\n";
    }
    ::chmod((fakeBin + "/chpasswd").c_str(), 0755);
    const size_t fileSize = 32u << 20, chunk = 4u << 20;
    const std::string source = work + "/source.bin";
    {
        std::ofstream f(source, std::ios::binary);
        std::string block(1 << 20, 'q');
        for (size_t i = 0; i < fileSize; i += block.size())
            f << block;
    }

    std::vector<Target> targets{{"qtga", qtga, true, true},
                                {"qemu-ga", qemuGa, true, true},
                                {"floor", "", false, false},
                                {"qt-floor", qtFloor, false, false}};
    if (::access(qemuGa.c_str(), X_OK) != 0)
        die("no qemu-ga at '" + qemuGa + "' (give --qemu-ga, or see QTGA_REFERENCE_ROOT)");
    std::map<std::string, std::map<std::string, std::vector<double>>> results;
    std::vector<Target> latencyTargets = targets;
    for (size_t i = 0; i < others.size(); ++i)
        latencyTargets.push_back({"qtga-" + std::string(1, char('b' + i)), others[i], true, true});

    const auto wanted = [&](const char *metric) {
        return only.empty() || only.find("," + std::string(metric) + ",") != std::string::npos;
    };
    for (int round = 0; round < rounds; ++round) {
        if (wanted("rtt"))
            measureRoundTrips(latencyTargets, self, fakeBin, results);
        for (const Target &t : targets) {
            Instance inst = start(t, self, fakeBin);
            auto &r = results[t.name];
            r["startup_ms"].push_back(inst.startupMs);
            auto idle = memoryOf(inst.pid);
            r["rss_idle_kib"].push_back(double(idle["rss"]));
            r["dirty_idle_kib"].push_back(double(idle["dirty"]));
            if (wanted("pps"))
                r["pps32"].push_back(pingsPerSecond(inst.socket, 32, 50000));
            if (wanted("burst")) {
                const BurstResult b = burst(inst.socket, 64, 20, 32);
                r["burst64"].push_back(b.requestsPerSecond);
                r["burst64_first_ms"].push_back(b.slowestFirstAnswerMs);
                const BurstResult l = burstFromOneLoop(inst.socket, 64, 20, 32);
                r["burst64_loop"].push_back(l.requestsPerSecond);
                r["burst64_loop_first_ms"].push_back(l.slowestFirstAnswerMs);
            }
            if (t.full) {
                if (auto v = wanted("read") ? fileReadMBps(inst.socket, source, fileSize, chunk) : std::nullopt)
                    r["read_mbps"].push_back(*v);
                if (auto v = wanted("write") ? fileWriteMBps(inst.socket, inst.dir + "/written.bin", fileSize, chunk) : std::nullopt)
                    r["write_mbps"].push_back(*v);
                // Memory after a transfer only means something when one ran.
                if (wanted("read") || wanted("write")) {
                    auto after = memoryOf(inst.pid);
                    r["rss_after_kib"].push_back(double(after["rss"]));
                    r["dirty_after_kib"].push_back(double(after["dirty"]));
                    // The same two seconds later: what an agent keeps once the transfer is over.
                    std::this_thread::sleep_for(std::chrono::seconds(2));
                    auto settled = memoryOf(inst.pid);
                    r["rss_settled_kib"].push_back(double(settled["rss"]));
                    r["dirty_settled_kib"].push_back(double(settled["dirty"]));
                }
                std::vector<double> execs;
                for (int i = 0; i < 20 && wanted("exec"); ++i) {
                    if (auto v = execTrueMs(inst.socket))
                        execs.push_back(*v);
                }
                if (!execs.empty())
                    r["exec_ms"].push_back(median(execs));
                if (auto v = wanted("slow") ? pingP99UnderSlowCommandMs(inst.socket) : std::nullopt)
                    r["p99_slow_ms"].push_back(*v);
                if (wanted("inventory")) {
                    for (const char *command : {"guest-get-disks", "guest-get-osinfo", "guest-get-vcpus"}) {
                        if (auto v = commandMedianMs(inst.socket, command, 50))
                            r[command].push_back(*v);
                    }
                }
            }
            stop(inst);
        }
    }

    struct Row
    {
        const char *key;
        const char *label;
        int precision;
        bool floorToo;
    };
    const Row rows[] = {
        {"rtt_us", "guest-ping round trip, 1 in flight, client waits in recv() (us, lower is better)", 1, true},
        {"rtt_poll_us", "guest-ping round trip, 1 in flight, client waits in poll() like host event loops (us)", 1, true},
        {"rtt_pinned_us", "guest-ping round trip, client in recv(), client and server on one CPU, each CPU in turn (us)", 1, true},
        {"rtt_poll_pinned_us", "guest-ping round trip, client in poll(), on one CPU, each CPU in turn (us)", 1, true},
        {"pps32", "guest-ping, 32 in flight (requests/s)", 0, true},
        {"burst64", "64 clients at once, each 20 batches of 32 guest-pings (requests/s, all clients)", 0, true},
        {"burst64_first_ms", "the same burst: the slowest client's wait for its first answer (ms)", 1, true},
        {"burst64_loop", "64 clients at once from one epoll loop, each 20 batches of 32 guest-pings (requests/s)", 0, true},
        {"burst64_loop_first_ms", "the same loop burst: the slowest client's wait for its first answer (ms)", 1, true},
        {"read_mbps", "guest-file-read 32 MiB in 4 MiB chunks (MB/s)", 1, false},
        {"write_mbps", "guest-file-write 32 MiB in 4 MiB chunks (MB/s)", 1, false},
        {"exec_ms", "guest-exec /bin/true + status until exited (ms)", 2, false},
        {"guest-get-disks", "guest-get-disks, median of 50 on one connection (ms)", 3, false},
        {"guest-get-osinfo", "guest-get-osinfo, median of 50 (ms)", 3, false},
        {"guest-get-vcpus", "guest-get-vcpus, median of 50 (ms)", 3, false},
        {"startup_ms", "start-up to first answer (ms)", 1, true},
        {"rss_idle_kib", "RSS idle (KiB)", 0, true},
        {"dirty_idle_kib", "private dirty idle (KiB)", 0, true},
        {"rss_after_kib", "RSS after file transfer (KiB)", 0, false},
        {"dirty_after_kib", "private dirty after file transfer (KiB)", 0, false},
        {"rss_settled_kib", "RSS 2 s after the file transfer (KiB)", 0, false},
        {"dirty_settled_kib", "private dirty 2 s after the file transfer (KiB)", 0, false},
        {"p99_slow_ms", "guest-ping p99 while another client waits on a 2 s command (ms)", 2, false},
    };
    std::printf("Medians of %d rounds (qtga, qemu-ga and the floors alternate within each round; round trips are\n"
                "measured with all four running, in interleaved bursts).\n\n", rounds);
    std::printf("floor: a plain poll() server answering each request with a fixed line; Qt floor: the same\n"
                "on a Qt event loop (what Debian's Qt costs before any agent logic).\n\n");
    std::printf("| metric | qtga | qemu-ga | floor | Qt floor | qtga/qemu-ga | qtga/floor |\n|---|---|---|---|---|---|---|\n");
    for (const Row &row : rows) {
        auto value = [&](const char *target) -> std::optional<double> {
            auto &v = results[target][row.key];
            if (v.empty())
                return std::nullopt;
            return median(v);
        };
        auto show = [&](std::optional<double> v) { return v ? fmt(*v, row.precision) : std::string("n/a"); };
        auto q = value("qtga"), g = value("qemu-ga"), f = row.floorToo ? value("floor") : std::nullopt;
        auto qf = row.floorToo ? value("qt-floor") : std::nullopt;
        std::string ratioG = q && g && *g != 0 ? fmt(*q / *g, 2) : "n/a";
        std::string ratioF = q && f && *f != 0 ? fmt(*q / *f, 2) : "n/a";
        std::printf("| %s | %s | %s | %s | %s | %s | %s |\n", row.label, show(q).c_str(), show(g).c_str(),
                    show(f).c_str(), show(qf).c_str(), ratioG.c_str(), ratioF.c_str());
    }
    if (!others.empty() && wanted("rtt")) {
        std::printf("\nRound trips of every agent build measured in the same bursts (us):\n\n| server |");
        for (const RoundTripKind &kind : roundTripKinds)
            std::printf(" %s |", kind.label);
        std::printf("\n|---|");
        for (size_t k = 0; k < std::size(roundTripKinds); ++k)
            std::printf("---|");
        std::printf("\n");
        for (const Target &t : latencyTargets) {
            auto &r = results[t.name];
            std::printf("| %s |", t.name.c_str());
            for (const RoundTripKind &kind : roundTripKinds)
                std::printf(" %s |", fmt(median(r[kind.key])).c_str());
            std::printf("\n");
        }
    }
    std::string cleanup = "rm -rf '" + work + "'";
    return std::system(cleanup.c_str()) == 0 ? 0 : 0;
}
