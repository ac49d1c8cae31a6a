// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// qemu-ga's base64 input rules: QEMU's qbase64_decode() alphabet check, then GLib's lenient
// g_base64_decode().
// The expected bytes were taken from Debian's qemu-ga 7.2 (guest-file-write, then read back).
#include "engines/base64.h"

#include <QTest>

using namespace qtga;

class tst_Base64 : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decode_data();
    void decode();
    void rejected_data();
    void rejected();
    void roundTrip();
    void decodesInItsOwnBuffer();
    void fastPathFollowsTheCharacterRules();
    void encodesAsQuotedJsonString();
};

void tst_Base64::decode_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("padded") << QByteArray("QQ==") << QByteArray("A");
    QTest::newRow("unpadded remainder dropped") << QByteArray("QQ") << QByteArray();
    QTest::newRow("short padding dropped") << QByteArray("QQ=") << QByteArray();
    QTest::newRow("single digit") << QByteArray("Q") << QByteArray();
    QTest::newRow("three pads") << QByteArray("Q===") << QByteArray("\x40");
    QTest::newRow("newlines skipped") << QByteArray("QUJD\nRA==") << QByteArray("ABCD");
    QTest::newRow("leading pad") << QByteArray("=QUJ") << QByteArray("\x01\x05\x09");
    QTest::newRow("pad mid-stream") << QByteArray("QQ==QQ==") << QByteArray("AA");
    QTest::newRow("only pads") << QByteArray("====") << QByteArray(1, '\0');
    QTest::newRow("alternating pads") << QByteArray("Q=Q=") << QByteArray("\x40\x04");
    QTest::newRow("partial group") << QByteArray("QUJDRA") << QByteArray("ABC");
    QTest::newRow("partial group with pad") << QByteArray("QUJDRA=") << QByteArray("ABC");
    QTest::newRow("pad third") << QByteArray("QU=JD") << QByteArray("A\x09");
    QTest::newRow("only newlines") << QByteArray("\n\n") << QByteArray();
    QTest::newRow("newline inside group") << QByteArray("QUJ\nD") << QByteArray("ABC");
    QTest::newRow("newlines between pads") << QByteArray("Q\n=\n=\nQ") << QByteArray("\x40\x10");
    QTest::newRow("all digits") << QByteArray("+/+/") << QByteArray("\xfb\xff\xbf");
}

void tst_Base64::decode()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, bytes);
    const std::optional<QByteArray> decoded = decodeBase64(text);
    QVERIFY(decoded);
    QCOMPARE(*decoded, bytes);
}

void tst_Base64::rejected_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("dollar") << QByteArray("YWJj$");
    QTest::newRow("space") << QByteArray("YW Jj");
    QTest::newRow("carriage return") << QByteArray("YWJj\r\n");
    QTest::newRow("tab") << QByteArray("\tYWJj");
    QTest::newRow("url-safe minus") << QByteArray("YW-j");
    QTest::newRow("url-safe underscore") << QByteArray("YW_j");
    QTest::newRow("non-ASCII") << QByteArray("\xc3\xa9");
    QTest::newRow("modified UTF-8 NUL") << QByteArray("YW\xc0\x80");
}

void tst_Base64::rejected()
{
    QFETCH(QByteArray, text);
    QVERIFY(!decodeBase64(text));
}

void tst_Base64::roundTrip()
{
    QByteArray data(70000, Qt::Uninitialized);
    for (qsizetype i = 0; i < data.size(); ++i)
        data[i] = char(i * 131 + 7);
    for (qsizetype size : {0, 1, 2, 3, 4, 5, 69999, 70000}) {
        const QByteArray part = data.left(size);
        QCOMPARE(decodeBase64(part.toBase64()).value_or("<rejected>"), part);
    }
}

void tst_Base64::decodesInItsOwnBuffer()
{
    QByteArray data(3 << 20, Qt::Uninitialized);
    for (qsizetype i = 0; i < data.size(); ++i)
        data[i] = char((i * 2654435761u) >> 13);
    QByteArray text = data.toBase64();
    // Newlines in between send parts of it through the character-by-character path.
    text.insert(1000, '\n');
    text.insert(text.size() - 10, '\n');
    const char *buffer = text.constData();
    std::optional<QByteArray> decoded = decodeBase64(std::move(text));
    QVERIFY(decoded);
    QCOMPARE(decoded->constData(), buffer);
    QCOMPARE(*decoded, data);

    // A shared text is left as it was.
    const QByteArray shared = QByteArray("YWJjZA==");
    QByteArray other = shared;
    QCOMPARE(decodeBase64(std::move(other)).value_or("<rejected>"), QByteArray("abcd"));
    QCOMPARE(shared, QByteArray("YWJjZA=="));
}

// GLib's decoder, one character at a time, as the reference the quad-at-a-time decoder must match
// for any mix of digits, padding and newlines at any position.
static std::optional<QByteArray> referenceDecode(const QByteArray &text)
{
    static const QByteArray alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    QByteArray out;
    unsigned value = 0;
    int digits = 0;
    char last = 0, previous = 0;
    for (char c : text) {
        if (c == '\n')
            continue;
        int rank = c == '=' ? 0 : int(alphabet.indexOf(c));
        if (rank < 0)
            return std::nullopt;
        previous = last;
        last = c;
        value = (value << 6) | unsigned(rank);
        if (++digits == 4) {
            out.append(char(value >> 16));
            if (previous != '=')
                out.append(char(value >> 8));
            if (last != '=')
                out.append(char(value));
            digits = 0;
        }
    }
    return out;
}

void tst_Base64::fastPathFollowsTheCharacterRules()
{
    // A deterministic generator: mostly digits, with padding, newlines and now and then an
    // invalid byte sprinkled in, so quads are broken at every offset.
    quint32 state = 12345;
    const auto next = [&state] {
        state = state * 1103515245u + 12345u;
        return (state >> 16) & 0x7FFF;
    };
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int rejected = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray text;
        const int length = int(next() % 64);
        for (int i = 0; i < length; ++i) {
            const unsigned pick = next() % 100;
            if (pick < 80)
                text.append(digits[next() % 64]);
            else if (pick < 90)
                text.append('=');
            else if (pick < 99)
                text.append('\n');
            else
                text.append(' ');
        }
        const std::optional<QByteArray> expected = referenceDecode(text);
        const std::optional<QByteArray> actual = decodeBase64(text);
        // Decoded over itself: an unshared copy, so no detach hides a wrong overlap.
        QByteArray own(text.constData(), text.size());
        const std::optional<QByteArray> inPlace = decodeBase64(std::move(own));
        QCOMPARE(bool(actual), bool(expected));
        QCOMPARE(bool(inPlace), bool(expected));
        if (expected) {
            QCOMPARE(*actual, *expected);
            QCOMPARE(*inPlace, *expected);
        } else {
            ++rejected;
        }
    }
    // Both outcomes were exercised.
    QVERIFY(rejected > 100);
    QVERIFY(rejected < 2900);
}

void tst_Base64::encodesAsQuotedJsonString()
{
    // Every length class (0, 1 and 2 bytes of padding), every byte value, every 6-bit field
    // value at every position of a 3-byte group, on both the word-at-a-time loop and the tail.
    QByteArray data;
    for (int i = 0; i < 1000; ++i)
        data.append(char((i * 7919) & 0xFF));
    for (int size = 0; size <= 300; ++size) {
        const QByteArray chunk = data.left(size);
        const JsonValue json = base64JsonString(chunk);
        QVERIFY(json.isRawJson());
        QCOMPARE(json.toString(), '"' + chunk.toBase64() + '"');
        QCOMPARE(decodeBase64(json.toString().mid(1, json.toString().size() - 2)).value(), chunk);
    }
    // In pieces, as guest-file-read appends them: multiples of 3 and a last odd one.
    Base64JsonBuilder builder(data.size());
    builder.append(data.constData(), 99);
    builder.append(data.constData() + 99, 300);
    builder.append(data.constData() + 399, 601);
    QCOMPARE(builder.finish().toString(), '"' + data.toBase64() + '"');
}

QTEST_GUILESS_MAIN(tst_Base64)
#include "tst_base64.moc"
