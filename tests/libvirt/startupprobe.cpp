// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Runs in the libvirt tests' guest (copied into its root disk by make-root-image.sh): an agent's
// start-up to its first answer, as a service manager would see it.
//
//   qtga-startup-probe RUNS AGENT [AGENT...]
//
// For each run and each AGENT in turn: fork, exec `AGENT -m unix-listen -p SOCKET -t DIR` (fresh
// SOCKET and DIR under /run), connect as soon as the socket accepts (retrying every 200 us),
// send guest-sync-delimited then guest-ping, and stop the clock at the ping's answer; the agent
// is then killed. Prints one line per agent: its median, minimum and maximum in milliseconds.
// Only libc: nothing of what is measured (Qt, GLib) is loaded by the probe itself.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

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
    std::fprintf(stderr, "qtga-startup-probe: %s\n", message.c_str());
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

// Reads until `wanted` newline-terminated lines have come (or the peer closes).
bool readLines(int fd, int wanted)
{
    char buffer[4096];
    while (wanted > 0) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0)
            return false;
        wanted -= int(std::count(buffer, buffer + n, '\n'));
    }
    return true;
}

double startupMs(const std::string &agent, int run)
{
    const std::string dir = "/run/startup-probe-" + std::to_string(run);
    ::mkdir(dir.c_str(), 0700);
    const std::string socketPath = dir + "/agent.sock";
    ::unlink(socketPath.c_str());
    const auto begin = Clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execl(agent.c_str(), agent.c_str(), "-m", "unix-listen", "-p", socketPath.c_str(), "-t", dir.c_str(),
                static_cast<char *>(nullptr));
        _exit(127);
    }
    int fd = -1;
    while ((fd = connectTo(socketPath)) < 0) {
        if (Clock::now() - begin > std::chrono::seconds(30))
            die(agent + " did not listen within 30 s");
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    static const char requests[] = "\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":1}}"
                                   "{\"execute\":\"guest-ping\"}";
    if (::write(fd, requests, sizeof requests - 1) != ssize_t(sizeof requests - 1) || !readLines(fd, 2))
        die(agent + " did not answer");
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
    ::close(fd);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ::unlink(socketPath.c_str());
    return ms;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3)
        die("usage: qtga-startup-probe RUNS AGENT [AGENT...]");
    const int runs = std::atoi(argv[1]);
    std::vector<std::vector<double>> times(argc - 2);
    for (int run = 0; run < runs; ++run) {
        for (int a = 2; a < argc; ++a)
            times[a - 2].push_back(startupMs(argv[a], run));
    }
    for (int a = 2; a < argc; ++a) {
        std::vector<double> &t = times[a - 2];
        std::sort(t.begin(), t.end());
        const double median = t.size() % 2 ? t[t.size() / 2] : (t[t.size() / 2 - 1] + t[t.size() / 2]) / 2;
        std::printf("%s median %.2f min %.2f max %.2f ms\n", argv[a], median, t.front(), t.back());
    }
    return 0;
}
