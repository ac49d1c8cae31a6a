// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Guest-side helper of the VM tests; runs inside the test VM only.
//
//   qtga-vm-guest-tool vsock-call PORT REQUEST...
//       Connects to CID 1 (VMADDR_CID_LOCAL, the guest itself through vsock_loopback) on PORT,
//       retrying while nobody listens yet, sends each REQUEST ("\xff" at its start stands for
//       the 0xFF byte; what comes before the 0xFF-delimited answer is dropped) and prints one
//       response line per request, with 0xFF printed as "\xff".
//   qtga-vm-guest-tool listen-vsock PORT PROGRAM [ARG...]
//       Binds a vsock stream socket on any CID and PORT, listens, and execs PROGRAM with it as
//       descriptor 3 and LISTEN_FDS=1, LISTEN_PID, LISTEN_FDNAMES=qga: socket activation as
//       systemd does it.
//   qtga-vm-guest-tool write PATH TEXT
//       Writes TEXT to PATH with one write(2), as the agent does with sysfs files, and prints
//       the errno it got (0 on success): what the kernel answers, by number.
//
// It refuses to connect anywhere but CID 1, and only where vsock_loopback is loaded (in the VM).
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

int usage()
{
    std::fprintf(stderr, "usage: qtga-vm-guest-tool vsock-call PORT REQUEST...\n"
                         "       qtga-vm-guest-tool listen-vsock PORT PROGRAM [ARG...]\n"
                         "       qtga-vm-guest-tool write PATH TEXT\n");
    return 2;
}

bool parsePort(const char *text, unsigned *port)
{
    char *end = nullptr;
    errno = 0;
    const unsigned long value = std::strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value > 0xffffffffUL)
        return false;
    *port = unsigned(value);
    return true;
}

int connectLocal(unsigned port)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
        const int fd = ::socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            std::perror("socket(AF_VSOCK)");
            return -1;
        }
        sockaddr_vm addr{};
        addr.svm_family = AF_VSOCK;
        addr.svm_cid = VMADDR_CID_LOCAL;
        addr.svm_port = port;
        if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0)
            return fd;
        const int error = errno;
        ::close(fd);
        if ((error != ECONNRESET && error != ECONNREFUSED) || std::chrono::steady_clock::now() > deadline) {
            std::fprintf(stderr, "connect(CID 1, port %u): %s\n", port, std::strerror(error));
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

bool sendAll(int fd, const std::string &bytes)
{
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += size_t(n);
    }
    return true;
}

// One line from `fd` into `line` (without the newline), buffering the rest in `pending`.
bool readLine(int fd, std::string &pending, std::string &line)
{
    for (;;) {
        const size_t nl = pending.find('\n');
        if (nl != std::string::npos) {
            line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            return true;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 20000) <= 0)
            return false;
        char chunk[65536];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return false;
        pending.append(chunk, size_t(n));
    }
}

int vsockCall(int argc, char **argv)
{
    unsigned port = 0;
    if (argc < 4 || !parsePort(argv[2], &port))
        return usage();
    struct stat st;
    if (::stat("/sys/module/vsock_loopback", &st) != 0) {
        std::fprintf(stderr, "vsock_loopback is not loaded: not in the test VM, refusing to connect\n");
        return 2;
    }
    const int fd = connectLocal(port);
    if (fd < 0)
        return 1;
    std::string pending;
    for (int i = 3; i < argc; ++i) {
        std::string request = argv[i];
        // The 0xFF itself gets an error reply (it is not JSON); like a real client, drop
        // everything up to the 0xFF-delimited answer.
        const bool delimited = request.compare(0, 4, "\\xff") == 0;
        if (delimited)
            request.replace(0, 4, "\xff");
        std::string line;
        bool answered = sendAll(fd, request) && readLine(fd, pending, line);
        while (answered && delimited && line.find('\xff') == std::string::npos)
            answered = readLine(fd, pending, line);
        if (!answered) {
            std::fprintf(stderr, "no response to request %d\n", i - 2);
            return 1;
        }
        std::string printable;
        for (char c : line)
            printable += c == '\xff' ? std::string("\\xff") : std::string(1, c);
        std::printf("%s\n", printable.c_str());
    }
    ::close(fd);
    return 0;
}

int listenVsock(int argc, char **argv)
{
    unsigned port = 0;
    if (argc < 4 || !parsePort(argv[2], &port))
        return usage();
    const int fd = ::socket(AF_VSOCK, SOCK_STREAM, 0);
    if (fd < 0) {
        std::perror("socket(AF_VSOCK)");
        return 1;
    }
    sockaddr_vm addr{};
    addr.svm_family = AF_VSOCK;
    addr.svm_cid = VMADDR_CID_ANY;
    addr.svm_port = port;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0 || ::listen(fd, SOMAXCONN) < 0) {
        std::perror("bind/listen");
        return 1;
    }
    if (fd != 3) {
        if (::dup2(fd, 3) < 0) {
            std::perror("dup2");
            return 1;
        }
        ::close(fd);
    }
    ::setenv("LISTEN_FDS", "1", 1);
    ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
    ::setenv("LISTEN_FDNAMES", "qga", 1);
    ::execvp(argv[3], argv + 3);
    std::fprintf(stderr, "exec %s: %s\n", argv[3], std::strerror(errno));
    return 127;
}

int writeFile(int argc, char **argv)
{
    if (argc != 4)
        return usage();
    const int fd = ::open(argv[2], O_WRONLY | O_CLOEXEC);
    int error = fd < 0 ? errno : 0;
    if (fd >= 0) {
        if (::write(fd, argv[3], std::strlen(argv[3])) < 0)
            error = errno;
        ::close(fd);
    }
    std::printf("%d\n", error);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 2 && std::strcmp(argv[1], "vsock-call") == 0)
        return vsockCall(argc, argv);
    if (argc >= 2 && std::strcmp(argv[1], "listen-vsock") == 0)
        return listenVsock(argc, argv);
    if (argc >= 2 && std::strcmp(argv[1], "write") == 0)
        return writeFile(argc, argv);
    return usage();
}
