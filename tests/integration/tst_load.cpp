// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Load and soak: 64 clients at once, each with 10,000 mixed requests and 8 in flight, every
// answer in order; then the command mix KubeVirt polls, 1,000,000 times, with RSS and the
// descriptor count watched. Resource figures are printed; the assertions are about correctness
// and bounded growth, never about speed.
#include "agentharness.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <cerrno>
#include <functional>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

using namespace qtga::test;

namespace {

// Open descriptors but event fds: worker threads come and go with the pool (30 s expiry),
// each with its own; those are not leaks.
int fdCount(qint64 pid)
{
    int count = 0;
    const QDir dir(QStringLiteral("/proc/%1/fd").arg(pid));
    for (const QString &fd : dir.entryList(QDir::System | QDir::NoDotAndDotDot)) {
        if (!QFile::symLinkTarget(dir.filePath(fd)).contains(QLatin1String("eventfd")))
            ++count;
    }
    return count;
}

// One pipelined connection: requests go out up to `depth` ahead of their answers, and every
// answer is checked against what its request expects, in order.
struct Connection
{
    int fd = -1;
    int sent = 0;
    int answered = 0;
    int total = 0;
    QByteArray in;
    QByteArray out;
    std::vector<QByteArray> expected;   // per request index: the exact answer, or "" for any success
    QByteArray failure;
};

// The request for index `i` of a client and the answer it must get ("" = any {"return": ...}).
using RequestSource = std::function<std::pair<QByteArray, QByteArray>(int client, int i)>;

bool runLoad(const QString &socket, int clients, int perClient, int depth, const RequestSource &source, QByteArray *failure)
{
    std::vector<Connection> conns(static_cast<size_t>(clients));
    std::vector<pollfd> fds(static_cast<size_t>(clients));
    for (int c = 0; c < clients; ++c) {
        Connection &conn = conns[size_t(c)];
        conn.fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const QByteArray path = QFile::encodeName(socket);
        std::memcpy(addr.sun_path, path.constData(), size_t(path.size()));
        if (::connect(conn.fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0 && errno != EINPROGRESS) {
            *failure = "connect failed";
            return false;
        }
        conn.total = perClient;
        conn.expected.resize(size_t(perClient));
    }
    int finished = 0;
    while (finished < clients) {
        for (int c = 0; c < clients; ++c) {
            Connection &conn = conns[size_t(c)];
            while (conn.sent < conn.total && conn.sent - conn.answered < depth) {
                auto [request, answer] = source(c, conn.sent);
                conn.out += request;
                conn.expected[size_t(conn.sent)] = answer;
                ++conn.sent;
            }
            fds[size_t(c)] = pollfd{conn.fd, short(POLLIN | (conn.out.isEmpty() ? 0 : POLLOUT)), 0};
        }
        if (::poll(fds.data(), fds.size(), 30000) <= 0) {
            *failure = "no progress for 30 s";
            return false;
        }
        for (int c = 0; c < clients; ++c) {
            Connection &conn = conns[size_t(c)];
            if (fds[size_t(c)].revents & POLLOUT) {
                const ssize_t n = ::send(conn.fd, conn.out.constData(), size_t(conn.out.size()), MSG_NOSIGNAL);
                if (n > 0)
                    conn.out.remove(0, n);
            }
            if (!(fds[size_t(c)].revents & (POLLIN | POLLHUP)))
                continue;
            char buffer[65536];
            const ssize_t n = ::recv(conn.fd, buffer, sizeof buffer, 0);
            if (n <= 0) {
                *failure = "connection closed by the agent";
                return false;
            }
            conn.in.append(buffer, n);
            qsizetype nl;
            while ((nl = conn.in.indexOf('\n')) >= 0) {
                const QByteArray line = conn.in.left(nl);
                conn.in.remove(0, nl + 1);
                const QByteArray &want = conn.expected[size_t(conn.answered)];
                if (want.isEmpty() ? !line.startsWith("{\"return\": ") : line != want) {
                    *failure = "client " + QByteArray::number(c) + " request " + QByteArray::number(conn.answered)
                               + ": got " + line.left(200) + ", wanted " + (want.isEmpty() ? "a success" : want);
                    return false;
                }
                if (++conn.answered == conn.total)
                    ++finished;
            }
        }
    }
    for (Connection &conn : conns)
        ::close(conn.fd);
    return true;
}

} // namespace

class tst_Load : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void manyClientsPipelined();
    void kubevirtPollingSoak();
};

void tst_Load::manyClientsPipelined()
{
    AgentProcess agent;
    // The test does not run an event loop while it drives the load, so nothing drains the
    // agent's stderr: keep it quiet.
    QVERIFY(agent.start({QStringLiteral("--no-audit")}));
    const qint64 pid = agent.pid();
    const int baselineFds = fdCount(pid);
    const qint64 baselineRss = rssKiB(pid);

    // A mix of cheap and heavier harmless commands; guest-sync carries a per-request id so
    // order and ownership of every answer are checked exactly.
    const RequestSource mix = [](int client, int i) -> std::pair<QByteArray, QByteArray> {
        const int id = client * 100000 + i;
        switch (i % 6) {
        case 0:
        case 3:
            return {"{\"execute\":\"guest-sync\",\"arguments\":{\"id\":" + QByteArray::number(id) + "}}",
                    "{\"return\": " + QByteArray::number(id) + "}"};
        case 1:
            return {"{\"execute\":\"guest-ping\",\"id\":" + QByteArray::number(id) + "}",
                    "{\"return\": {}, \"id\": " + QByteArray::number(id) + "}"};
        case 2:
            return {"{\"execute\":\"guest-info\"}", QByteArray()};
        case 4:
            return {"{\"execute\":\"guest-get-host-name\"}", QByteArray()};
        default:
            return {"{\"execute\":\"guest-get-osinfo\"}", QByteArray()};
        }
    };
    QByteArray failure;
    QVERIFY2(runLoad(agent.socketPath(), 64, 10000, 8, mix, &failure), failure.constData());
    // Every connection is gone: descriptors back to the baseline, memory back near it.
    QTRY_COMPARE_WITH_TIMEOUT(fdCount(pid), baselineFds, 5000);
    const qint64 rss = rssKiB(pid);
    qInfo("64 clients x 10000 requests: RSS %lld KiB before, %lld KiB after; %d fds before and after",
          baselineRss, rss, baselineFds);
    QFile maps(QStringLiteral("/proc/%1/maps").arg(pid));
    if (maps.open(QIODevice::ReadOnly) && !maps.readAll().contains("libasan"))
        QVERIFY2(rss - baselineRss < 8 * 1024, qPrintable(QStringLiteral("RSS %1 -> %2 KiB").arg(baselineRss).arg(rss)));
    QVERIFY(agent.isRunning());
}

void tst_Load::kubevirtPollingSoak()
{
    AgentProcess agent;
    QVERIFY(agent.start({QStringLiteral("--no-audit")}));
    const qint64 pid = agent.pid();
    // What KubeVirt polls: users, interfaces, osinfo, fsinfo, ping.
    static const QByteArray mix[] = {"{\"execute\":\"guest-get-users\"}", "{\"execute\":\"guest-network-get-interfaces\"}",
                                     "{\"execute\":\"guest-get-osinfo\"}", "{\"execute\":\"guest-get-fsinfo\"}",
                                     "{\"execute\":\"guest-ping\"}"};
    const RequestSource source = [](int, int i) -> std::pair<QByteArray, QByteArray> { return {mix[i % 5], QByteArray()}; };
    const int total = qEnvironmentVariableIntValue("QTGA_SOAK_REQUESTS") > 0 ? qEnvironmentVariableIntValue("QTGA_SOAK_REQUESTS")
                                                                            : 1000000;
    const int rounds = 10;
    // A warm-up round first (thread pool, caches), then RSS and descriptors after every round.
    QByteArray failure;
    QVERIFY2(runLoad(agent.socketPath(), 1, total / rounds, 8, source, &failure), failure.constData());
    // The last connection is closed by the agent a moment after the last answer.
    QTest::qWait(200);
    const qint64 firstRss = rssKiB(pid);
    const int firstFds = fdCount(pid);
    QList<qint64> samples{firstRss};
    for (int round = 1; round < rounds; ++round) {
        QVERIFY2(runLoad(agent.socketPath(), 1, total / rounds, 8, source, &failure), failure.constData());
        QTRY_COMPARE_WITH_TIMEOUT(fdCount(pid), firstFds, 5000);
        samples << rssKiB(pid);
    }
    // Least-squares slope of RSS over the rounds, in KiB per 100,000 requests.
    double sx = 0, sy = 0, sxy = 0, sxx = 0;
    const int n = int(samples.size());
    for (int i = 0; i < n; ++i) {
        sx += i;
        sy += double(samples[i]);
        sxy += double(i) * double(samples[i]);
        sxx += double(i) * i;
    }
    const double slopePerRound = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    const double slopePer100k = slopePerRound * 100000.0 / (total / rounds);
    qInfo("soak: %d requests, RSS after each %d: %s KiB; slope %.2f KiB per 100,000 requests; %d fds throughout",
          total, total / rounds, qPrintable([&] { QStringList s; for (qint64 v : samples) s << QString::number(v); return s.join(u' '); }()),
          slopePer100k, firstFds);
    QFile maps(QStringLiteral("/proc/%1/maps").arg(pid));
    if (maps.open(QIODevice::ReadOnly) && !maps.readAll().contains("libasan")) {
        // Flat once warm: under 256 KiB of growth over the second half of the run (allocator
        // pools settle during the first), and under 2 MiB in all.
        const qint64 middle = samples.at(n / 2);
        QVERIFY2(samples.last() - middle < 256, qPrintable(QStringLiteral("%1 -> %2 KiB").arg(middle).arg(samples.last())));
        QVERIFY2(samples.last() - firstRss < 2048, qPrintable(QStringLiteral("%1 -> %2").arg(firstRss).arg(samples.last())));
    }
}

QTEST_GUILESS_MAIN(tst_Load)
#include "tst_load.moc"
