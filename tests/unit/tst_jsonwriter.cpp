// QEMU-compatible serialisation (spec §1.5): separators, escapes, numbers and QDict key order.
#include "jsonwriter.h"

#include <QTest>

using namespace qtga;

class tst_JsonWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keyOrder_data();
    void keyOrder();
    void strings_data();
    void strings();
    void numbers_data();
    void numbers();
    void containers();
};

void tst_JsonWriter::keyOrder_data()
{
    QTest::addColumn<QByteArrayList>("insertion");
    QTest::addColumn<QByteArrayList>("iteration");
    // Insertion follows the QAPI schema; the expected orders are the spec's precomputed ones.
    QTest::newRow("response") << QByteArrayList{"return", "id"} << QByteArrayList{"return", "id"};
    QTest::newRow("error response") << QByteArrayList{"error", "id"} << QByteArrayList{"id", "error"};
    QTest::newRow("error") << QByteArrayList{"class", "desc"} << QByteArrayList{"class", "desc"};
    QTest::newRow("GuestAgentInfo") << QByteArrayList{"version", "supported_commands"}
                                    << QByteArrayList{"version", "supported_commands"};
    QTest::newRow("GuestAgentCommandInfo") << QByteArrayList{"name", "enabled", "success-response"}
                                           << QByteArrayList{"enabled", "name", "success-response"};
    QTest::newRow("GuestFileRead") << QByteArrayList{"count", "buf-b64", "eof"}
                                   << QByteArrayList{"count", "buf-b64", "eof"};
    QTest::newRow("GuestFileSeek") << QByteArrayList{"position", "eof"} << QByteArrayList{"eof", "position"};
    QTest::newRow("GuestExecStatus")
        << QByteArrayList{"exited", "exitcode", "signal", "out-data", "err-data", "out-truncated", "err-truncated"}
        << QByteArrayList{"exitcode", "err-data", "out-data", "err-truncated", "signal", "out-truncated", "exited"};
    QTest::newRow("GuestOSInfo")
        << QByteArrayList{"kernel-release", "kernel-version", "machine", "id", "name", "pretty-name", "version",
                          "version-id", "variant", "variant-id"}
        << QByteArrayList{"name", "kernel-release", "version", "variant", "pretty-name", "version-id", "variant-id",
                          "kernel-version", "machine", "id"};
    QTest::newRow("GuestIpAddress") << QByteArrayList{"ip-address", "ip-address-type", "prefix"}
                                    << QByteArrayList{"ip-address-type", "ip-address", "prefix"};
    QTest::newRow("GuestLoadAverage") << QByteArrayList{"load1m", "load5m", "load15m"}
                                      << QByteArrayList{"load15m", "load5m", "load1m"};
}

void tst_JsonWriter::keyOrder()
{
    QFETCH(QByteArrayList, insertion);
    QFETCH(QByteArrayList, iteration);
    JsonValue object = JsonValue::object();
    for (const QByteArray &key : insertion)
        object.insert(key, 0);
    QByteArrayList actual;
    for (int index : qdictIterationOrder(object.members()))
        actual << object.members()[size_t(index)].key;
    QCOMPARE(actual, iteration);
}

void tst_JsonWriter::strings_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("plain") << QByteArray("abc/def") << QByteArray(R"("abc/def")");
    QTest::newRow("short escapes") << QByteArray("\"\\\b\f\n\r\t") << QByteArray(R"("\"\\\b\f\n\r\t")");
    QTest::newRow("control") << QByteArray("\x01\x1f") << QByteArray(R"("\u0001\u001F")");
    QTest::newRow("DEL") << QByteArray("\x7f") << QByteArray(R"("\u007F")");
    QTest::newRow("latin") << QByteArray("\xc3\xa9") << QByteArray(R"("\u00E9")");
    QTest::newRow("beyond BMP") << QByteArray("\xf0\x9f\x98\x80") << QByteArray(R"("\uD83D\uDE00")");
    QTest::newRow("invalid byte") << QByteArray("a\xff" "b") << QByteArray(R"("a\uFFFDb")");
    QTest::newRow("modified NUL") << QByteArray("\xc0\x80") << QByteArray(R"("\u0000")");
    QTest::newRow("truncated sequence") << QByteArray("\xe2\x82") << QByteArray(R"("\uFFFD")");
}

void tst_JsonWriter::strings()
{
    QFETCH(QByteArray, raw);
    QFETCH(QByteArray, json);
    QCOMPARE(toJson(JsonValue(raw)), json);
}

void tst_JsonWriter::numbers_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("load") << 0.08 << QByteArray("0.080000000000000002");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("whole") << 2.0 << QByteArray("2");
    QTest::newRow("login time") << 1700000000.123456 << QByteArray("1700000000.123456");
}

void tst_JsonWriter::numbers()
{
    QFETCH(double, value);
    QFETCH(QByteArray, json);
    QCOMPARE(toJson(JsonValue(value)), json);
}

void tst_JsonWriter::containers()
{
    JsonValue response = JsonValue::object();
    JsonValue info = JsonValue::object();
    info.insert("list", JsonValue::array());
    info.insert("obj", JsonValue::object());
    response.insert("return", info);
    response.insert("id", JsonValue(int64_t(-1)));
    QCOMPARE(toJson(response), QByteArray(R"({"return": {"list": [], "obj": {}}, "id": -1})"));
    JsonValue big(uint64_t(18446744073709551615ull));
    QCOMPARE(toJson(big), QByteArray("18446744073709551615"));
}

QTEST_APPLESS_MAIN(tst_JsonWriter)
#include "tst_jsonwriter.moc"
