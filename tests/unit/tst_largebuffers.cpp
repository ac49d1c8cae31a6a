// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The large-buffer policy (common/largebuffers.h): recycling of multi-megabyte buffers between
// requests, handing the parked one back after use, the splice of a large text into its answer
// line without a copy, and a command taking over its own large argument.
#include "largebuffers.h"

#include "dispatch/commandcontext.h"

#include <QTest>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <vector>

using namespace qtga;

class tst_LargeBuffers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { LargeBuffers::release(); }
    void parkedBufferIsTakenAgain();
    void keepsTheBiggerOne();
    void refusesSharedAndSmallBuffers();
    void releaseFreesTheParkedBuffer();
    void commandTakesOwnedArgument();
    void newBufferBackedUpToWhatWillBeWritten();
    void parkedBufferHandedBackAfterUse();
    void smallBuffersDoNotStartTheTimer();
    void closingTheFileHandsBackAtOnce();
    void answerLineMadeAroundTheText_data();
    void answerLineMadeAroundTheText();
};

namespace {

// Resident pages of [data, data + size), by mincore().
qsizetype residentPages(const char *data, qsizetype size)
{
    const quintptr page = quintptr(::sysconf(_SC_PAGESIZE));
    const quintptr start = quintptr(data) & ~(page - 1);
    const size_t length = size_t(quintptr(data) + quintptr(size) - start);
    std::vector<unsigned char> resident((length + page - 1) / page);
    if (::mincore(reinterpret_cast<void *>(start), length, resident.data()) < 0)
        return -1;
    qsizetype count = 0;
    for (unsigned char r : resident)
        count += r & 1;
    return count;
}

QByteArray filled(qsizetype size, char c)
{
    QByteArray b = LargeBuffers::take(size);
    b.fill(c, size);
    return b;
}

} // namespace

void tst_LargeBuffers::parkedBufferIsTakenAgain()
{
    QByteArray b = filled(5 << 20, 'a');
    QVERIFY(LargeBuffers::room(b) >= 5 << 20);
    const char *data = b.constData();
    LargeBuffers::park(std::move(b));

    QByteArray again = LargeBuffers::take(4 << 20);
    QCOMPARE(again.constData(), data);
    QCOMPARE(again.size(), 0);
    QVERIFY(LargeBuffers::room(again) >= 5 << 20);
    again.fill('b', 5 << 20);
    QCOMPARE(again.count('b'), qsizetype(5 << 20));
    QCOMPARE(again.constData(), data);

    // Taken means gone: the next request gets a buffer of its own.
    QByteArray other = LargeBuffers::take(4 << 20);
    QVERIFY(other.constData() != data);
}

void tst_LargeBuffers::keepsTheBiggerOne()
{
    QByteArray small = filled(2 << 20, 'a');
    QByteArray large = filled(6 << 20, 'b');
    const char *largeData = large.constData();
    LargeBuffers::park(std::move(large));
    LargeBuffers::park(std::move(small));
    QCOMPARE(LargeBuffers::take(3 << 20).constData(), largeData);
}

void tst_LargeBuffers::refusesSharedAndSmallBuffers()
{
    QByteArray b = filled(3 << 20, 'a');
    const QByteArray stillUsed = b;
    LargeBuffers::park(std::move(b));
    QVERIFY(LargeBuffers::take(1 << 20).constData() != stillUsed.constData());
    QCOMPARE(stillUsed.count('a'), qsizetype(3 << 20));

    QByteArray tiny(1000, 'x');
    const char *tinyData = tiny.constData();
    LargeBuffers::park(std::move(tiny));
    QVERIFY(LargeBuffers::take(100).constData() != tinyData);
}

void tst_LargeBuffers::releaseFreesTheParkedBuffer()
{
    QByteArray b = filled(3 << 20, 'a');
    LargeBuffers::park(std::move(b));
    LargeBuffers::release();
    // Nothing parked: a request gets an empty buffer with room reserved, rounded to whole MiB.
    QByteArray fresh = LargeBuffers::take((2 << 20) + 1);
    QCOMPARE(fresh.size(), 0);
    QCOMPARE(LargeBuffers::room(fresh), qsizetype(3 << 20));
}

void tst_LargeBuffers::commandTakesOwnedArgument()
{
    AgentServices services;
    JsonValue args = JsonValue::object();
    args.insert("buf-b64", QByteArray(1 << 20, 'A'));
    args.insert("handle", int64_t(3));
    const char *data = args.value("buf-b64")->toString().constData();

    // Not owned: a shared copy, the arguments untouched.
    CommandContext borrowed(services);
    QByteArray copy = borrowed.takeStringArgument(args, "buf-b64");
    QCOMPARE(copy.constData(), data);
    QVERIFY(!copy.isDetached());
    QCOMPARE(args.value("buf-b64")->toString().size(), qsizetype(1 << 20));
    copy = QByteArray();

    // Owned: taken out, the only reference, so it can be decoded over itself.
    CommandContext owner(services);
    owner.setOwnedArguments(&args);
    QByteArray taken = owner.takeStringArgument(args, "buf-b64");
    QCOMPARE(taken.constData(), data);
    QVERIFY(taken.isDetached());
    QVERIFY(args.value("buf-b64")->toString().isEmpty());
    QCOMPARE(owner.takeStringArgument(args, "absent"), QByteArray());
    QCOMPARE(args.value("handle")->toInt(), int64_t(3));
}

// A guest-file-read of a regular file says how much it will write: those pages are set up in
// one system call, the rest of the buffer stays address space only.
void tst_LargeBuffers::newBufferBackedUpToWhatWillBeWritten()
{
    utsname u;
    QVERIFY(::uname(&u) == 0);
    int major = 0, minor = 0;
    std::sscanf(u.release, "%d.%d", &major, &minor);
    if (major < 5 || (major == 5 && minor < 14))
        QSKIP(qPrintable(QStringLiteral("MADV_POPULATE_WRITE needs Linux 5.14, this is %1").arg(QString::fromLatin1(u.release))));
    // As in the agent (main.cpp): buffers this large are mappings of their own, not heap
    // memory that earlier tests may have touched.
    mallopt(M_MMAP_THRESHOLD, int(LargeBuffers::Threshold));
    const qsizetype page = ::sysconf(_SC_PAGESIZE);
    QByteArray lazy = LargeBuffers::take(8 << 20);
    QVERIFY(residentPages(lazy.constData(), 8 << 20) < 16);
    QByteArray eager = LargeBuffers::take(8 << 20, 5 << 20);
    const qsizetype resident = residentPages(eager.constData(), 8 << 20);
    // Whole pages of the first 5 MiB, nothing much beyond them.
    QVERIFY(resident >= (5 << 20) / page - 1);
    QVERIFY(resident <= (5 << 20) / page + 16);
    QVERIFY(residentPages(eager.constData() + (6 << 20), 2 << 20) < 16);
}

void tst_LargeBuffers::parkedBufferHandedBackAfterUse()
{
    QByteArray b = filled(4 << 20, 'p');
    const char *data = b.constData();
    LargeBuffers::park(std::move(b));
    LargeBuffers::noteUse(2 << 20);
    auto *timer = QCoreApplication::instance()->findChild<QTimer *>();
    QVERIFY(timer && timer->isActive());
    // Still there while the transfer goes on, gone a second after it.
    QByteArray again = LargeBuffers::take(1 << 20);
    QCOMPARE(again.constData(), data);
    LargeBuffers::park(std::move(again));
    QTRY_VERIFY_WITH_TIMEOUT(!timer->isActive(), 3 * LargeBuffers::TrimDelayMs);
    // A new buffer now (the kernel may well map it at the same address): only the 1 MiB asked.
    QCOMPARE(LargeBuffers::room(LargeBuffers::take(1 << 20)), qsizetype(1 << 20));
}

void tst_LargeBuffers::smallBuffersDoNotStartTheTimer()
{
    // Pings and small reads: an idle or lightly polled agent never wakes up for the hand-back.
    LargeBuffers::noteUse(LargeBuffers::TrimThreshold - 1);
    auto *timer = QCoreApplication::instance()->findChild<QTimer *>();
    QVERIFY(!timer || !timer->isActive());
}

void tst_LargeBuffers::closingTheFileHandsBackAtOnce()
{
    LargeBuffers::park(filled(4 << 20, 'c'));
    QVERIFY(LargeBuffers::room(LargeBuffers::take(1 << 20)) >= (4 << 20));
    LargeBuffers::park(filled(4 << 20, 'c'));
    LargeBuffers::transferEnded();
    QCOMPARE(LargeBuffers::room(LargeBuffers::take(1 << 20)), qsizetype(1 << 20));
    // Nothing parked: nothing to do.
    LargeBuffers::transferEnded();
}

void tst_LargeBuffers::answerLineMadeAroundTheText_data()
{
    QTest::addColumn<qsizetype>("size");
    QTest::newRow("small (heap)") << qsizetype(100);
    QTest::newRow("4 MiB (own mapping)") << qsizetype(4 << 20);
}

void tst_LargeBuffers::answerLineMadeAroundTheText()
{
    QFETCH(qsizetype, size);
    SpliceableText builder(size);
    std::memset(builder.data(), 'Q', size_t(size));
    QByteArray text = std::move(builder).finish(size);
    const char *start = text.constData();
    const QByteArray head = "{\"return\": {\"count\": 3, \"buf-b64\": ";
    const QByteArray tail = ", \"eof\": true}}\n";
    const QByteArray line = SpliceableText::surround(std::move(text), head, tail);
    QCOMPARE(line.size(), head.size() + size + tail.size());
    QVERIFY(line.startsWith(head));
    QVERIFY(line.endsWith(tail));
    QCOMPARE(line.count('Q'), size);
    // In place: the text did not move, the head went into the room in front of it.
    QCOMPARE(line.constData() + head.size(), start);
}

QTEST_GUILESS_MAIN(tst_LargeBuffers)
#include "tst_largebuffers.moc"
