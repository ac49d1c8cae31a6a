// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Serialisation as QEMU's qobject_to_json() does it: separators, escapes, numbers and QDict key
// order.
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
    void valueCopiesMovesAndAccessors();
};

void tst_JsonWriter::keyOrder_data()
{
    QTest::addColumn<QByteArrayList>("insertion");
    QTest::addColumn<QByteArrayList>("iteration");
    // Insertion follows the QAPI schema; the expected orders are those of qemu-ga's responses.
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
// Every type of JsonValue must survive copies, moves and self-assignment, a moved-from string,
// array or object is null (a scalar may stay), and accessors of another type never reach the
// wrong payload (const ones give empty, non-const ones turn the value into that type).
void tst_JsonWriter::valueCopiesMovesAndAccessors()
{
    JsonValue object = JsonValue::object();
    object.insert("s", QByteArray("text"));
    object.insert("a", JsonValue(JsonValue::Array{JsonValue(1), JsonValue(true), JsonValue(2.5), JsonValue()}));
    object.insert("u", JsonValue(uint64_t(18446744073709551615ull)));
    object.insert("r", JsonValue::rawJson("\"raw\""));
    // (QDict's order of these four keys)
    const QByteArray expected = R"({"r": "raw", "s": "text", "a": [1, true, 2.5, null], "u": 18446744073709551615})";
    QCOMPARE(toJson(object), expected);

    const QList<JsonValue> values = {JsonValue(), JsonValue(false), JsonValue(true), JsonValue(-7),
                                     JsonValue(uint64_t(1) << 63), JsonValue(-0.5), JsonValue("x"),
                                     JsonValue::rawJson("[]"), object, object.value("a") ? *object.value("a") : JsonValue()};
    for (const JsonValue &v : values) {
        JsonValue copy(v);
        QVERIFY(copy == v);
        QCOMPARE(toJson(copy), toJson(v));
        JsonValue assigned = JsonValue("other");
        assigned = v;
        QVERIFY(assigned == v);
        JsonValue &self = assigned;
        assigned = self;
        QVERIFY(assigned == v);
        JsonValue moved(std::move(copy));
        QVERIFY(moved == v);
        QVERIFY(copy.isNull() || (copy == v && v.type() < JsonValue::Type::String));
        JsonValue target = JsonValue::array();
        target = std::move(moved);
        QVERIFY(target == v);
        QVERIFY(moved.isNull() || (moved == v && v.type() < JsonValue::Type::String));
        QCOMPARE(toJson(target), toJson(v));
    }

    // Const accessors of another type: empty, the value unchanged.
    const JsonValue number(42);
    QVERIFY(number.toString().isEmpty());
    QVERIFY(number.items().empty());
    QVERIFY(number.members().empty());
    QVERIFY(!number.value("s"));
    QCOMPARE(number.toInt(), int64_t(42));
    QVERIFY(!JsonValue("1").toBool());
    QCOMPARE(JsonValue("1").toInt(), int64_t(0));
    QCOMPARE(toJson(number), QByteArray("42"));
    // Non-const ones make the value that type, empty.
    JsonValue becomesArray("abc");
    becomesArray.append(JsonValue(1));
    QCOMPARE(toJson(becomesArray), QByteArray("[1]"));
    JsonValue becomesObject(JsonValue::Array{JsonValue(1)});
    becomesObject.insert("k", JsonValue());
    QCOMPARE(toJson(becomesObject), QByteArray(R"({"k": null})"));
    JsonValue becomesString(3);
    becomesString.stringRef() = "s";
    QCOMPARE(toJson(becomesString), QByteArray(R"("s")"));
    // Nested values moved out of a container leave null behind, and the container stays valid.
    JsonValue taken = std::move(object.members()[1].value);
    QCOMPARE(toJson(taken), QByteArray("[1, true, 2.5, null]"));
    QCOMPARE(toJson(object), QByteArray(R"({"r": "raw", "s": "text", "a": null, "u": 18446744073709551615})"));
    // A value assigned one of its own members, by copy and by move.
    JsonValue outer = JsonValue::object();
    outer.insert("inner", JsonValue(JsonValue::Array{JsonValue("x")}));
    outer = outer.members()[0].value;
    QCOMPARE(toJson(outer), QByteArray(R"(["x"])"));
    outer = std::move(outer.items()[0]);
    QCOMPARE(toJson(outer), QByteArray(R"("x")"));
}

#include "tst_jsonwriter.moc"
