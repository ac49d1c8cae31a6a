// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Runs in the libvirt tests' guest (copied into its root disk by make-root-image.sh) and times
// the agents there, where TCG makes every instruction count, without the host's tools between.
//
//   qtga-guest-probe startup RUNS AGENT [AGENT...]
//       For each run and each AGENT in turn: fork, exec `AGENT -m unix-listen -p SOCKET -t DIR`
//       (fresh SOCKET and DIR under /run), connect as soon as the socket accepts (retrying every
//       200 us), send guest-sync then guest-ping, and stop the clock at the ping's
//       answer: start-up to first answer, as a service manager would see it. An AGENT of
//       several words ("PATH OPTION...", one argument) adds those options.
//   qtga-guest-probe latency RUNS REQUEST AGENT [AGENT...]
//       Starts each AGENT the same way and, alternating between them, times REQUEST (one JSON
//       text) from the write to its answer's newline, RUNS times.
//
// Prints one line per agent: median, minimum and maximum in milliseconds. Only libc: nothing of
// what is measured (Qt, GLib) is loaded by the probe itself.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string &message)
{
    std::fprintf(stderr, "qtga-guest-probe: %s\n", message.c_str());
    std::exit(1);
}

int connectTo(const std::string &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0)
        return fd;
    ::close(fd);
    return -1;
}

// Reads until `wanted` newline-terminated lines have come (or the peer closes); keeps the
// start of what came in `seen` when given.
bool readLines(int fd, int wanted, std::string *seen = nullptr)
{
    char buffer[4096];
    while (wanted > 0) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0)
            return false;
        if (seen && seen->size() < 160)
            seen->append(buffer, std::min<size_t>(size_t(n), 160 - seen->size()));
        wanted -= int(std::count(buffer, buffer + n, '\n'));
    }
    return true;
}

struct Agent
{
    pid_t pid = -1;
    int fd = -1;
    std::string socketPath;
};

// Starts `agent` on a fresh unix socket and connects to it (the connection is synced).
Agent start(const std::string &agent, int index, Clock::time_point *begin)
{
    Agent a;
    const std::string dir = "/run/guest-probe-" + std::to_string(index);
    ::mkdir(dir.c_str(), 0700);
    a.socketPath = dir + "/agent.sock";
    ::unlink(a.socketPath.c_str());
    *begin = Clock::now();
    a.pid = ::fork();
    if (a.pid == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 1);
        ::dup2(null, 2);
        // "PATH OPTION..." adds options after the probe's own.
        std::vector<std::string> words{""};
        for (const char c : agent) {
            if (c != ' ')
                words.back() += c;
            else if (!words.back().empty())
                words.emplace_back();
        }
        if (words.size() > 1 && words.back().empty())
            words.pop_back();
        std::vector<std::string> args{words.front(), "-m", "unix-listen", "-p", a.socketPath, "-t", dir};
        args.insert(args.end(), words.begin() + 1, words.end());
        std::vector<char *> argv;
        for (std::string &arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        ::execv(argv.front(), argv.data());
        _exit(127);
    }
    while ((a.fd = connectTo(a.socketPath)) < 0) {
        if (Clock::now() - *begin > std::chrono::seconds(30))
            die(agent + " did not listen within 30 s");
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    // No 0xFF in front: qemu-ga answers that byte with an error line of its own.
    static const char requests[] = "{\"execute\":\"guest-sync\",\"arguments\":{\"id\":1}}"
                                   "{\"execute\":\"guest-ping\"}";
    if (::write(a.fd, requests, sizeof requests - 1) != ssize_t(sizeof requests - 1) || !readLines(a.fd, 2))
        die(agent + " did not answer");
    return a;
}

// As a service manager stops an agent: SIGTERM, and SIGKILL only after 10 s. A killed agent
// would leave its status socket behind, and the next start would have to probe and remove it,
// which no start at boot (a fresh /run) does.
void stop(Agent &a)
{
    ::close(a.fd);
    ::kill(a.pid, SIGTERM);
    for (int i = 0; i < 1000; ++i) {
        if (::waitpid(a.pid, nullptr, WNOHANG) == a.pid) {
            a.pid = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (a.pid > 0) {
        ::kill(a.pid, SIGKILL);
        ::waitpid(a.pid, nullptr, 0);
    }
    ::unlink(a.socketPath.c_str());
}

double msSince(Clock::time_point begin)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
}

void print(const std::vector<std::string> &agents, std::vector<std::vector<double>> &times)
{
    for (size_t a = 0; a < agents.size(); ++a) {
        std::vector<double> &t = times[a];
        std::sort(t.begin(), t.end());
        const double median = t.size() % 2 ? t[t.size() / 2] : (t[t.size() / 2 - 1] + t[t.size() / 2]) / 2;
        std::printf("%s median %.2f min %.2f max %.2f ms\n", agents[a].c_str(), median, t.front(), t.back());
    }
}

} // namespace

int main(int argc, char **argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    const int first = mode == "latency" ? 4 : 3;
    if ((mode != "startup" && mode != "latency") || argc <= first)
        die("usage: qtga-guest-probe startup RUNS AGENT [AGENT...] | latency RUNS REQUEST AGENT [AGENT...]");
    const int runs = std::atoi(argv[2]);
    const std::vector<std::string> agents(argv + first, argv + argc);
    std::vector<std::vector<double>> times(agents.size());
    if (mode == "startup") {
        for (int run = 0; run < runs; ++run) {
            for (size_t a = 0; a < agents.size(); ++a) {
                Clock::time_point begin;
                Agent agent = start(agents[a], int(a), &begin);
                times[a].push_back(msSince(begin));
                stop(agent);
            }
        }
    } else {
        const std::string request = argv[3];
        std::vector<Agent> running;
        for (size_t a = 0; a < agents.size(); ++a) {
            Clock::time_point begin;
            running.push_back(start(agents[a], int(a), &begin));
        }
        std::vector<std::string> answers(agents.size());
        for (int run = 0; run < runs; ++run) {
            for (size_t a = 0; a < agents.size(); ++a) {
                const auto begin = Clock::now();
                std::string seen;
                if (::write(running[a].fd, request.data(), request.size()) != ssize_t(request.size())
                    || !readLines(running[a].fd, 1, &seen))
                    die(agents[a] + " did not answer the request");
                times[a].push_back(msSince(begin));
                if (run == 0)
                    answers[a] = seen.substr(0, seen.find('\n'));
            }
        }
        // What was timed: an error answers faster than the work.
        for (size_t a = 0; a < agents.size(); ++a)
            std::printf("%s answered: %s\n", agents[a].c_str(), answers[a].c_str());
        for (Agent &agent : running)
            stop(agent);
    }
    print(agents, times);
    return 0;
}
