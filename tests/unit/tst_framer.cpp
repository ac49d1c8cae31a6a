// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The QGA stream framer against the behaviour of QEMU's json-lexer.c, json-streamer.c and
// json-parser.c.
#include "jsonwriter.h"
#include "qgaframer.h"
#include "bytescan.h"

#include <QTest>

#include <ctime>

#include <functional>

using namespace qtga;

namespace {

// "V:<json>" for a parsed message, "E:<desc>" for an error.
QStringList describe(const std::vector<QgaFramer::Event> &events)
{
    QStringList out;
    for (const auto &e : events)
        out << (e.isError ? QStringLiteral("E:") + QString::fromUtf8(e.error)
                          : QStringLiteral("V:") + QString::fromUtf8(toJson(e.value)));
    return out;
}

QStringList feedAll(const QByteArray &input)
{
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    framer.feed(input, events);
    return describe(events);
}

} // namespace

class tst_Framer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scannersMatchByteByByte();
    void messages_data();
    void messages();
    void everySplitPointGivesTheSameEvents();
    void wholeRequestsParseLikeTheLexer();
    void sentinelAtEveryPositionResynchronises();
    void nestingLimit();
    void tokenCountLimit();
    void tokenSizeLimit();
    void duplicateKeysInLargeObjects();
    void manyKeysParseInLinearTime();
    void holdsNothingBetweenMessages();
    void largeStringsKeepTheMessageIntact();
    void resetDropsPartialRequest();
};

void tst_Framer::messages_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("expected");
    auto row = [](const char *name, const QByteArray &in, const QStringList &out) { QTest::newRow(name) << in << out; };

    row("object", R"({"execute":"guest-ping"})", {R"(V:{"execute": "guest-ping"})"});
    row("single quotes", R"({'execute':'guest-ping', "id": 'x'})", {R"(V:{"execute": "guest-ping", "id": "x"})"});
    row("back to back", R"({"a":1}{"b":2})", {R"(V:{"a": 1})", R"(V:{"b": 2})"});
    row("newline separated", "{\"a\":1}\n{\"b\":2}\n", {R"(V:{"a": 1})", R"(V:{"b": 2})"});
    row("whitespace only", " \t\r\n ", {});
    row("array", "[1, [2, {}], \"x\"]", {R"(V:[1, [2, {}], "x"])"});
    row("string scalar", R"("str")", {R"(V:"str")"});
    row("integer waits for a delimiter", "42", {});
    row("integer", "42 ", {"V:42"});
    row("negative", "-7\n", {"V:-7"});
    row("uint64", "18446744073709551615 ", {"V:18446744073709551615"});
    row("beyond uint64 is a double", "18446744073709551616 ", {"V:1.8446744073709552e+19"});
    row("int64 min", "-9223372036854775808 ", {"V:-9223372036854775808"});
    row("below int64 is a double", "-9223372036854775809 ", {"V:-9.2233720368547758e+18"});
    row("float", "1.5 ", {"V:1.5"});
    row("exponent", "1e3 ", {"V:1000"});
    row("keywords", "[true,false,null]", {"V:[true, false, null]"});
    row("sentinel", "\xff", {"E:JSON parse error, stray '\xff'"});
    row("two sentinels", "\xff\xff", {"E:JSON parse error, stray '\xff'", "E:JSON parse error, stray '\xff'"});
    row("pending keyword before sentinel", "abc\xff",
        {"E:JSON parse error, invalid keyword 'abc'", "E:JSON parse error, stray '\xff'"});
    row("partial request dropped by sentinel", "{\"a\":1\xff{\"b\":2}",
        {"E:JSON parse error, stray '\xff'", R"(V:{"b": 2})"});
    row("leading zero", "01", {"E:JSON parse error, stray '01'"});
    row("bad sign", "-x", {"E:JSON parse error, stray '-x'"});
    row("upper case then recovery", R"(True{"a":1})", {"E:JSON parse error, stray 'T'", R"(V:{"a": 1})"});
    row("percent", "%", {"E:JSON parse error, stray '%'"});
    row("raw newline in string", "\"abc\n\"{\"a\":1}", {"E:JSON parse error, stray '\"abc\n'", R"(V:{"a": 1})"});
    row("NUL byte", QByteArray("\0", 1), {"E:JSON parse error, stray ''"});
    row("NUL in string", QByteArray("\"a\0b\"", 5), {"E:JSON parse error, stray '\"a'"});
    row("0xFE in string", "\"a\xfe\"", {"E:JSON parse error, stray '\"a\xfe'"});
    row("invalid keyword", "tru ", {"E:JSON parse error, invalid keyword 'tru'"});
    row("duplicate key", R"({"a":1,"a":2})", {"E:JSON parse error, duplicate key"});
    row("missing colon", R"({"a" 1})", {"E:JSON parse error, missing : in object pair"});
    row("missing colon at end", R"({"a"})", {"E:JSON parse error, missing : in object pair"});
    row("key not a string", R"({1:2})", {"E:JSON parse error, key is not a string in object"});
    row("dict separator", R"({"a":1 "b":2})", {"E:JSON parse error, expected separator in dict"});
    row("list separator", "[1 2]", {"E:JSON parse error, expected separator in list"});
    row("empty list item", "[,]", {"E:JSON parse error, expecting value"});
    row("trailing comma in list", "[1,]", {"E:JSON parse error, expecting value"});
    row("trailing comma in dict", R"({"a":1,})", {"E:JSON parse error, expecting value"});
    row("missing value", R"({"a":})", {"E:JSON parse error, expecting value"});
    row("stray close brace", "}", {"E:JSON parse error, expecting value"});
    row("stray close bracket", "]", {"E:JSON parse error, expecting value"});
    row("extra close brace", R"({"a":1}})", {R"(V:{"a": 1})", "E:JSON parse error, expecting value"});
    row("stray brace inside list ends the message", "[}]",
        {"E:JSON parse error, expecting value", "E:JSON parse error, expecting value"});
    row("invalid escape", R"("\q")", {"E:JSON parse error, invalid escape sequence in string"});
    row("lone surrogate", R"("\ud800")", {"E:JSON parse error, \\ud800 is not a valid Unicode character"});
    row("bad surrogate pair", R"("\ud800\u0041")",
        {"E:JSON parse error, \\ud800 is not a valid Unicode character"});
    row("noncharacter", R"("\uffff")", {"E:JSON parse error, \\uffff is not a valid Unicode character"});
    row("bad hex", R"("\u12x4")", {"E:JSON parse error, \\u12x4 is not a valid Unicode character"});
    row("surrogate pair", R"("\ud83d\ude00")", {R"(V:"\uD83D\uDE00")"});
    row("escaped NUL", R"("\u0000")", {R"(V:"\u0000")"});
    row("escapes", R"("\"\'\\\/\b\f\n\r\t")", {R"(V:"\"'\\/\b\f\n\r\t")"});
    row("utf8", "\"\xc3\xa9\"", {R"(V:"\u00E9")"});
    row("modified utf8 NUL", "\"\xc0\x80\"", {R"(V:"\u0000")"});
    row("invalid utf8", "\"\xc3(\"", {"E:JSON parse error, invalid UTF-8 sequence in string"});
    row("overlong utf8", "\"\xc1\x81\"", {"E:JSON parse error, invalid UTF-8 sequence in string"});
    row("long keyword is cut at 1023 bytes", QByteArray(2000, 'a') + ' ',
        {QStringLiteral("E:JSON parse error, invalid keyword '") + QString(1023 - 17, QLatin1Char('a'))});
}

void tst_Framer::messages()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QCOMPARE(feedAll(input), expected);
}

void tst_Framer::everySplitPointGivesTheSameEvents()
{
    const QByteArray stream = "{\"execute\":\"guest-sync\",\"arguments\":{\"id\":1}}\n"
                              "{'execute':'x', 'id': [1, 2.5, \"\\u00e9\"]}\xff"
                              "[1]  \"tail\" abc\n{\"k\": \"\xc3\xa9\"}";
    const QStringList whole = feedAll(stream);
    QCOMPARE(whole.size(), 7);
    for (int split = 0; split <= stream.size(); ++split) {
        QgaFramer framer;
        std::vector<QgaFramer::Event> events;
        framer.feed(stream.left(split), events);
        framer.feed(stream.mid(split), events);
        QCOMPARE(describe(events), whole);
    }
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    for (char c : stream)
        framer.feed(&c, 1, events);
    QCOMPARE(describe(events), whole);
}

// A request whole in one read may skip the lexer (the common case); fed one byte at a time it
// never can. Both must give the same events, value types included, for valid requests and for
// every near miss: random requests, then random byte edits of them.
void tst_Framer::wholeRequestsParseLikeTheLexer()
{
    quint32 state = 20261125;
    const auto next = [&state](quint32 n) {
        state = state * 1664525u + 1013904223u;
        return (state >> 8) % n;
    };
    static const char *const atoms[] = {
        "0", "-0", "7", "-42", "123456789012345678", "1234567890123456789", "-999999999999999999",
        "01", "1.5", "2e3", "1E2", "-", "true", "false", "null", "nul", "truex", "True",
        "\"\"", "\"guest-ping\"", "\"a b\\tc\"", "\"\\u00e9\"", "'single'", "\"\xc3\xa9\"",
        "\"\x7f\"", "\"\x01\"", "\"\xff\""};
    std::function<QByteArray(int)> randomValue = [&](int depth) -> QByteArray {
        const quint32 pick = next(10);
        if (depth < 4 && pick == 0) {
            QByteArray a = "[";
            for (quint32 i = 0, n = next(4); i < n; ++i)
                a += (i ? "," : "") + randomValue(depth + 1);
            return a + "]";
        }
        if (depth < 4 && pick == 1) {
            QByteArray o = "{";
            for (quint32 i = 0, n = next(4); i < n; ++i)
                o += QByteArray(i ? ", " : "") + "\"k" + QByteArray::number(next(3)) + "\" : " + randomValue(depth + 1);
            return o + "}";
        }
        return atoms[next(sizeof atoms / sizeof *atoms)];
    };
    static const char edits[] = "{}[]:,\"'\\ \t\n\r0123456789-+.eEtrufalsnx\xff\xc3";
    int fast = 0;
    for (int round = 0; round < 4000; ++round) {
        QByteArray text = "{\"execute\":\"guest-exec\",\"arguments\":" + randomValue(1) + ",\"id\":" + randomValue(3) + "}";
        if (round % 2) {
            for (quint32 i = 0, n = 1 + next(3); i < n; ++i) {
                const int at = int(next(quint32(text.size())));
                const char c = edits[next(sizeof edits - 1)];
                switch (next(3)) {
                case 0: text[at] = c; break;
                case 1: text.insert(at, c); break;
                default: text.remove(at, 1); break;
                }
            }
        }
        text += "\n{\"execute\":\"guest-ping\"}";
        QgaFramer whole, bytewise;
        std::vector<QgaFramer::Event> a, b;
        whole.feed(text, a);
        for (char c : text)
            bytewise.feed(&c, 1, b);
        QCOMPARE(describe(a), describe(b));
        for (size_t i = 0; i < a.size(); ++i)
            QVERIFY2(a[i].value == b[i].value, text.constData());
        if (!a.empty() && !a.front().isError)
            ++fast;
    }
    // Both valid requests and rejected ones were exercised.
    QVERIFY(fast > 500);
    QVERIFY(fast < 3500);
}

void tst_Framer::sentinelAtEveryPositionResynchronises()
{
    const QByteArray request = R"({"execute":"guest-sync","arguments":{"id":1}})";
    for (int pos = 0; pos <= request.size(); ++pos) {
        QByteArray input = request.left(pos) + '\xff' + request;
        const QStringList events = feedAll(input);
        QVERIFY2(!events.isEmpty(), qPrintable(QString::number(pos)));
        QCOMPARE(events.last(), QStringLiteral(R"(V:{"execute": "guest-sync", "arguments": {"id": 1}})"));
        // Inside a token the error quotes the token so far, ending with the sentinel.
        const bool reported = std::any_of(events.begin(), events.end(), [](const QString &e) {
            return e.startsWith(QLatin1String("E:JSON parse error, stray '")) && e.endsWith(QStringLiteral("\uFFFD'"));
        });
        QVERIFY2(reported, qPrintable(events.join(QLatin1Char('|'))));
        // Only a finished request before the sentinel may produce anything besides the error.
        QVERIFY2(events.size() <= 3, qPrintable(events.join(QLatin1Char('|'))));
    }
}

void tst_Framer::nestingLimit()
{
    const QByteArray deepest = QByteArray(1024, '[') + QByteArray(1024, ']');
    QCOMPARE(feedAll(deepest).size(), 1);
    QVERIFY(feedAll(deepest).first().startsWith(QLatin1String("V:[[[")));

    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    framer.feed(QByteArray(1025, '['), events);
    QCOMPARE(describe(events), QStringList{"E:JSON nesting depth limit exceeded"});
    QCOMPARE(framer.pendingBytes(), 0);
    events.clear();
    // What follows the limit is lexed as new input.
    framer.feed("]{\"a\":1}", events);
    QCOMPARE(describe(events), (QStringList{"E:JSON parse error, expecting value", R"(V:{"a": 1})"}));
}

void tst_Framer::tokenCountLimit()
{
    QByteArray input = "[";
    for (int i = 0; i < (1 << 20); ++i)
        input += "0,";
    input += "0]";
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    framer.feed(input, events);
    QVERIFY(!events.empty());
    QCOMPARE(events.front().error, QByteArray("JSON token count limit exceeded"));
}

void tst_Framer::tokenSizeLimit()
{
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    QByteArray input = "{\"execute\":\"x\",\"arguments\":{\"a\":\"";
    input += QByteArray(QgaFramer::MaxTokenSize, 'x');
    input += "\"}}";
    framer.feed(input, events);
    QVERIFY(!events.empty());
    QCOMPARE(events.front().error, QByteArray("JSON token size limit exceeded"));
    QVERIFY(events.size() < 10);
    // The cut happens right after the last 'x': the closing quote starts a new string token,
    // exactly as in QEMU, and the newline below ends it with a lexical error.
    QCOMPARE(framer.pendingBytes(), 3);
    events.clear();
    framer.feed("\n{\"a\":1}", events);
    QCOMPARE(describe(events).last(), QStringLiteral(R"(V:{"a": 1})"));
}

void tst_Framer::duplicateKeysInLargeObjects()
{
    // Past a few members the duplicate check changes its method; the answers must not change.
    for (int members : {2, 15, 16, 17, 1000}) {
        QByteArray object = "{";
        for (int i = 0; i < members; ++i)
            object += "\"k" + QByteArray::number(i) + "\":" + QByteArray::number(i) + ",";
        const QByteArray unique = object + "\"last\":0}";
        QCOMPARE(feedAll(unique).size(), 1);
        QVERIFY(feedAll(unique).front().startsWith(QLatin1String("V:")));
        for (int again : {0, members / 2, members - 1}) {
            const QByteArray duplicated = object + "\"k" + QByteArray::number(again) + "\":0}";
            QCOMPARE(feedAll(duplicated), QStringList{QStringLiteral("E:JSON parse error, duplicate key")});
        }
    }
    // Nested objects keep keys of their own.
    QCOMPARE(feedAll(R"({"a":{"a":1,"b":{"a":2}},"b":3})").size(), 1);
}

// One request of a few megabytes must not hold the main thread for minutes: an object of n keys
// costs time in proportion to n. Measured as this thread's CPU time, the best of three runs, with
// a wide margin for cache and page-fault effects (8x the keys may take up to 40x the time; n*n
// would take 64x, and the old scan per key took over a minute for 8 MiB). Values are long enough
// that 8 MiB stays under QEMU's token count limit.
void tst_Framer::manyKeysParseInLinearTime()
{
    auto cpuSeconds = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
    };
    auto parseTime = [&](int megabytes) {
        QByteArray object = "{";
        for (int i = 0; object.size() < megabytes * (1 << 20); ++i)
            object += "\"key" + QByteArray::number(i) + "\":\"value of some length\",";
        object += "\"end\":0}";
        double best = 1e9;
        for (int run = 0; run < 3; ++run) {
            QgaFramer framer;
            std::vector<QgaFramer::Event> events;
            const double start = cpuSeconds();
            framer.feed(object, events);
            best = std::min(best, cpuSeconds() - start);
            if (events.size() != 1 || events.front().isError)
                return -1.0;
        }
        return best;
    };
    const double one = parseTime(1);
    QVERIFY(one > 0);
    for (int megabytes : {2, 4, 8}) {
        const double t = parseTime(megabytes);
        QVERIFY(t > 0);
        qInfo("%d MiB of keys: %.1f ms (1 MiB: %.1f ms)", megabytes, t * 1000, one * 1000);
        QVERIFY2(t < 5 * megabytes * one + 0.010, qPrintable(QStringLiteral("%1 MiB took %2 s, 1 MiB %3 s").arg(megabytes).arg(t).arg(one)));
    }
}

void tst_Framer::holdsNothingBetweenMessages()
{
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    framer.feed(R"({"execute":"guest-file-write","arguments":{"buf-b64":")" + QByteArray(1 << 20, 'A') + "\"}}", events);
    QCOMPARE(events.size(), size_t(1));
    QCOMPARE(framer.pendingBytes(), 0);
    framer.feed("{\"a\":", events);
    // Only the text of the key is kept; structural tokens need none.
    QCOMPARE(framer.pendingBytes(), 3);
}

// A large plain string takes over the framer's buffer instead of being copied; everything
// around it must still parse from the same bytes, fed in any piece size.
void tst_Framer::largeStringsKeepTheMessageIntact()
{
    QByteArray big(2 << 20, Qt::Uninitialized);
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(i * 7 + i / 64) % 64];
    QByteArray second(1 << 20, 'z');
    second[500000] = '\\';   // an escape: this one is copied and unescaped
    second.insert(500001, 'n');
    const QByteArray input = R"({"execute":"guest-file-write","arguments":{"handle":5,"buf-b64":")" + big
                             + R"(","count":3,"x":"a\u00e9b","more":')" + second + R"('},"id":["k",1.5]})";
    for (qsizetype piece : {qsizetype(1000), qsizetype(65536), input.size()}) {
        QgaFramer framer;
        std::vector<QgaFramer::Event> events;
        for (qsizetype at = 0; at < input.size(); at += piece)
            framer.feed(input.constData() + at, std::min(piece, input.size() - at), events);
        QCOMPARE(events.size(), size_t(1));
        QVERIFY(!events[0].isError);
        const JsonValue &v = events[0].value;
        const JsonValue *args = v.value("arguments");
        QVERIFY(args);
        QCOMPARE(args->value("handle")->toInt(), int64_t(5));
        QCOMPARE(args->value("buf-b64")->toString().size(), big.size());
        QVERIFY(args->value("buf-b64")->toString() == big);
        QCOMPARE(args->value("count")->toInt(), int64_t(3));
        QCOMPARE(args->value("x")->toString(), QByteArray("a\xc3\xa9" "b"));
        QByteArray expectedSecond = second;
        expectedSecond.replace(500000, 2, "\n");
        QVERIFY(args->value("more")->toString() == expectedSecond);
        QCOMPARE(toJson(*v.value("id")), QByteArray(R"(["k", 1.5])"));
        QCOMPARE(framer.pendingBytes(), 0);

        // The framer goes on with a buffer of its own.
        events.clear();
        framer.feed(R"({"execute":"guest-ping"})", events);
        QCOMPARE(describe(events), QStringList{R"(V:{"execute": "guest-ping"})"});
    }

    // An error after the string still quotes the right token.
    QCOMPARE(feedAll(R"({"a":")" + big + R"(","b":tru})"),
             QStringList{QStringLiteral("E:JSON parse error, invalid keyword 'tru'")});
    // Two large strings: the first takes the buffer over, the second is copied.
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    framer.feed(R"({"a":")" + big + R"(","b":")" + big.left(1 << 20) + "\"}", events);
    QCOMPARE(events.size(), size_t(1));
    QVERIFY(events[0].value.value("a")->toString() == big);
    QVERIFY(events[0].value.value("b")->toString() == big.left(1 << 20));
}

void tst_Framer::resetDropsPartialRequest()
{
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    framer.feed("{\"execute\":\"gue", events);
    framer.reset();
    framer.feed("{\"a\":1}", events);
    QCOMPARE(describe(events), QStringList{R"(V:{"a": 1})"});
}

// The 16-bytes-at-a-time scanners must stop exactly where a byte-by-byte loop stops, for a
// stop byte at every position (inside and across 16-byte blocks) and every byte value.
void tst_Framer::scannersMatchByteByByte()
{
    const auto lexerStop = [](unsigned char c, unsigned char quote) {
        return c < 0x20 || c > 0xFD || c == quote || c == '\\';
    };
    const auto asciiStop = [](unsigned char c, unsigned char quote) { return c >= 0x80 || c == quote || c == '\\'; };
    std::vector<unsigned char> buffer(70, 'a');
    for (int value = 0; value < 256; ++value) {
        for (size_t position = 0; position < buffer.size(); ++position) {
            for (unsigned char quote : {'"', '\''}) {
                std::fill(buffer.begin(), buffer.end(), 'a');
                buffer[position] = static_cast<unsigned char>(value);
                const unsigned char *begin = buffer.data();
                const unsigned char *end = begin + buffer.size();
                const unsigned char *expectedLexer = begin;
                while (expectedLexer < end && !lexerStop(*expectedLexer, quote))
                    ++expectedLexer;
                QCOMPARE(scanLexerStringRun(begin, end, quote) - begin, expectedLexer - begin);
                const unsigned char *expectedAscii = begin;
                while (expectedAscii < end && !asciiStop(*expectedAscii, quote))
                    ++expectedAscii;
                const char *cbegin = reinterpret_cast<const char *>(begin);
                QCOMPARE(scanAsciiStringRun(cbegin, cbegin + buffer.size(), char(quote)) - cbegin,
                         expectedAscii - begin);
                // A shorter range ends the scan at its own end.
                QCOMPARE(scanLexerStringRun(begin, begin + position, quote) - begin, qptrdiff(position));
            }
        }
    }
}

QTEST_APPLESS_MAIN(tst_Framer)
#include "tst_framer.moc"
