// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Argument checking with the QAPI input visitor's exact error texts.
#include "dispatch/argschema.h"
#include "dispatch/ghashorder.h"
#include "qgaframer.h"

#include <QTest>

using namespace qtga;

namespace {

JsonValue parse(const QByteArray &text)
{
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    framer.feed(text, events);
    if (events.size() != 1 || events.front().isError)
        qFatal("bad fixture: %s", text.constData());
    return events.front().value;
}

std::vector<ArgField> schema()
{
    using namespace args;
    auto vcpu = structure({required("logical-id", integer()), required("online", boolean()),
                           optional("can-offline", boolean())});
    return {
        required("id", integer()),
        optional("count", integer()),
        optional("size", uint64()),
        optional("flag", boolean()),
        optional("name", string()),
        optional("mode", enumeration({"a", "b"})),
        optional("whence", alternate("GuestFileWhence", integer(), enumeration({"set", "cur", "end"}), nullptr)),
        optional("items", list(vcpu)),
        optional("names", list(string())),
        optional("capture", alternate("GuestExecCaptureOutput", nullptr,
                                      enumeration({"none", "stdout", "stderr", "separated", "merged"}), boolean())),
    };
}

} // namespace

class tst_ArgSchema : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void check_data();
    void check();
    void glibStringHash();
};

void tst_ArgSchema::check_data()
{
    QTest::addColumn<QByteArray>("arguments");
    QTest::addColumn<QByteArray>("error");
    auto row = [](const char *args, const char *error) { QTest::newRow(args) << QByteArray(args) << QByteArray(error); };
    row(R"({"id":1})", "");
    row(R"({})", "Parameter 'id' is missing");
    row(R"({"count":1})", "Parameter 'id' is missing");
    row(R"({"id":"1"})", "Invalid parameter type for 'id', expected: integer");
    row(R"({"id":1.0})", "Invalid parameter type for 'id', expected: integer");
    row(R"({"id":1e3})", "Invalid parameter type for 'id', expected: integer");
    row(R"({"id":9223372036854775808})", "Invalid parameter type for 'id', expected: integer");
    row(R"({"id":-9223372036854775808})", "");
    row(R"({"id":null})", "Invalid parameter type for 'id', expected: integer");
    row(R"({"id":1,"count":null})", "Invalid parameter type for 'count', expected: integer");
    row(R"({"id":1,"size":-1})", "");
    row(R"({"id":1,"size":18446744073709551615})", "");
    row(R"({"id":1,"size":"x"})", "Parameter 'size' expects uint64");
    row(R"({"id":1,"size":1.5})", "Parameter 'size' expects uint64");
    row(R"({"id":1,"flag":1})", "Invalid parameter type for 'flag', expected: boolean");
    row(R"({"id":1,"flag":"true"})", "Invalid parameter type for 'flag', expected: boolean");
    row(R"({"id":1,"name":5})", "Invalid parameter type for 'name', expected: string");
    row(R"({"id":1,"mode":"c"})", "Parameter 'mode' does not accept value 'c'");
    row(R"({"id":1,"mode":1})", "Invalid parameter type for 'mode', expected: string");
    row(R"({"id":1,"whence":2})", "");
    row(R"({"id":1,"whence":"cur"})", "");
    row(R"({"id":1,"whence":1.5})", "Invalid parameter type for 'whence', expected: integer");
    row(R"({"id":1,"whence":"foo"})", "Parameter 'whence' does not accept value 'foo'");
    row(R"({"id":1,"whence":true})", "Invalid parameter type for 'whence', expected: GuestFileWhence");
    row(R"({"id":1,"whence":[]})", "Invalid parameter type for 'whence', expected: GuestFileWhence");
    row(R"({"id":1,"items":{}})", "Invalid parameter type for 'items', expected: array");
    row(R"({"id":1,"items":[1]})", "Invalid parameter type for 'items[0]', expected: object");
    row(R"({"id":1,"items":[{"logical-id":0}]})", "Parameter 'items[0].online' is missing");
    row(R"({"id":1,"items":[{"logical-id":0,"online":true},{"logical-id":1,"online":1}]})",
        "Invalid parameter type for 'items[1].online', expected: boolean");
    row(R"({"id":1,"items":[{"logical-id":0,"online":true,"foo":1}]})", "Parameter 'items[0].foo' is unexpected");
    row(R"({"id":1,"names":["a",2]})", "Invalid parameter type for 'names[1]', expected: string");
    row(R"({"id":1,"foo":42})", "Parameter 'foo' is unexpected");
    row(R"({"foo":42})", "Parameter 'id' is missing");
    row(R"({"id":1,"capture":true})", "");
    row(R"({"id":1,"capture":"merged"})", "");
    row(R"({"id":1,"capture":1})", "Invalid parameter type for 'capture', expected: GuestExecCaptureOutput");
    row(R"({"id":1,"capture":"all"})", "Parameter 'capture' does not accept value 'all'");
    // Several unknown members: the one qemu-ga 7.2 names (GLib hash table order, see
    // ghashorder.h), whatever their order in the request.
    row(R"({"id":1,"b":2,"a":3})", "Parameter 'b' is unexpected");
    row(R"({"a":3,"id":1,"b":2})", "Parameter 'b' is unexpected");
    row(R"({"id":1,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9})", "Parameter 'k6' is unexpected");
    row("{\"id\":1,\"zeta\":1,\"\xc3\xa9t\xc3\xa9\":2,\"alpha\":3}", "Parameter 'alpha' is unexpected");
    row(R"({"id":1,"items":[{"logical-id":0,"online":true,"zz":1,"aa":2,"mm":3}]})", "Parameter 'items[0].aa' is unexpected");
}

// GLib's g_str_hash: djb2 over signed chars, stopping at a NUL.
void tst_ArgSchema::glibStringHash()
{
    QCOMPARE(gStrHash(""), 5381u);
    QCOMPARE(gStrHash("a"), 5381u * 33 + 'a');
    QCOMPARE(gStrHash("\xe9"), 5381u * 33 - 23u);
    QCOMPARE(gStrHash(QByteArray("ab\0cd", 5)), gStrHash("ab"));
}

void tst_ArgSchema::check()
{
    QFETCH(QByteArray, arguments);
    QFETCH(QByteArray, error);
    const std::optional<QByteArray> result = checkArguments(parse(arguments), schema());
    QCOMPARE(result.value_or(QByteArray()), error);
}

QTEST_APPLESS_MAIN(tst_ArgSchema)
#include "tst_argschema.moc"
