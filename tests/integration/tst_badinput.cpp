// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The bad input catalogue: malformed and hostile requests, each answered with qemu-ga's exact
// error, with the agent still up and the same connection answering a guest-sync afterwards.
#include "agentharness.h"
#include "jsonwriter.h"

#include <QFile>
#include <QTest>

using namespace qtga::test;

namespace {

// The error line the agent writes for `desc` (raw bytes, escaped the way QEMU's writer does).
QByteArray err(const QByteArray &desc, const QByteArray &cls = "GenericError")
{
    return "{\"error\": {\"class\": \"" + cls + "\", \"desc\": " + qtga::toJson(qtga::JsonValue(desc)) + "}}";
}

QByteArray request(const QByteArray &command, const QByteArray &arguments)
{
    return "{\"execute\":\"" + command + "\",\"arguments\":" + arguments + "}";
}

// One command's argument: its JSON type word in errors, and a valid value.
struct Field
{
    const char *name;
    const char *type;   // integer, string, boolean, array, uint64, GuestFileWhence, ...
    const char *valid;
    bool required;
};

struct CommandSchema
{
    const char *name;
    std::vector<Field> fields;
};

// Every command that takes arguments. Wrong types are rejected by the schema before any
// command runs, so none of these can act on the machine.
const std::vector<CommandSchema> &schemas()
{
    static const std::vector<CommandSchema> all = {
        {"guest-sync", {{"id", "integer", "1", true}}},
        {"guest-sync-delimited", {{"id", "integer", "1", true}}},
        {"guest-set-time", {{"time", "integer", "0", false}}},
        {"guest-shutdown", {{"mode", "string", "\"powerdown\"", false}}},
        {"guest-file-open", {{"path", "string", "\"/nonexistent\"", true}, {"mode", "string", "\"r\"", false}}},
        {"guest-file-close", {{"handle", "integer", "1", true}}},
        {"guest-file-read", {{"handle", "integer", "1", true}, {"count", "integer", "1", false}}},
        {"guest-file-write",
         {{"handle", "integer", "1", true}, {"buf-b64", "string", "\"\"", true}, {"count", "integer", "0", false}}},
        {"guest-file-seek",
         {{"handle", "integer", "1", true}, {"offset", "integer", "0", true}, {"whence", "GuestFileWhence", "0", true}}},
        {"guest-file-flush", {{"handle", "integer", "1", true}}},
        {"guest-fsfreeze-freeze-list", {{"mountpoints", "array", "[]", false}}},
        {"guest-fstrim", {{"minimum", "integer", "0", false}}},
        {"guest-set-vcpus", {{"vcpus", "array", "[]", true}}},
        {"guest-set-user-password",
         {{"username", "string", "\"nobody\"", true}, {"password", "string", "\"\"", true},
          {"crypted", "boolean", "false", true}}},
        {"guest-set-memory-blocks", {{"mem-blks", "array", "[]", true}}},
        {"guest-exec-status", {{"pid", "integer", "1", true}}},
        {"guest-exec",
         {{"path", "string", "\"/bin/true\"", true}, {"arg", "array", "[]", false}, {"env", "array", "[]", false},
          {"input-data", "string", "\"\"", false}, {"capture-output", "GuestExecCaptureOutput", "false", false}}},
        {"guest-ssh-get-authorized-keys", {{"username", "string", "\"nobody\"", true}}},
        {"guest-ssh-add-authorized-keys",
         {{"username", "string", "\"nobody\"", true}, {"keys", "array", "[]", true}, {"reset", "boolean", "false", false}}},
        {"guest-ssh-remove-authorized-keys", {{"username", "string", "\"nobody\"", true}, {"keys", "array", "[]", true}}},
    };
    return all;
}

// JSON values of the wrong type for `type`, two per argument position.
QList<QByteArray> wrongValues(const QByteArray &type)
{
    if (type == "integer")
        return {"\"1\"", "9223372036854775808"};
    if (type == "string")
        return {"1", "null"};
    if (type == "boolean")
        return {"0", "\"true\""};
    if (type == "array")
        return {"{}", "\"[]\""};
    if (type == "GuestFileWhence")
        return {"true", "[0]"};
    return {"1", "{}"}; // GuestExecCaptureOutput: numbers and objects have no branch
}

QByteArray expectedTypeError(const QByteArray &name, const QByteArray &type, const QByteArray &value)
{
    if (type == "GuestFileWhence" || type == "GuestExecCaptureOutput")
        return err("Invalid parameter type for '" + name + "', expected: " + type);
    Q_UNUSED(value);
    return err("Invalid parameter type for '" + name + "', expected: " + type);
}

} // namespace

class tst_BadInput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void catalogue_data();
    void catalogue();
    void deepNesting();
    void sentinelStorm();
    void manyKeysDoNotStallOtherClients();
    void catalogueSize();

private:
    void resyncAndCheckAlive();

    std::unique_ptr<AgentProcess> m_agent;
    QgaClient m_client;
    QByteArray m_handle;
    int m_nextSyncId = 1;
    int m_rows = 0;
};

void tst_BadInput::initTestCase()
{
    m_agent = std::make_unique<AgentProcess>();
    QVERIFY(m_agent->start());
    QVERIFY(m_client.connectTo(m_agent->socketPath()));
    QFile file(m_agent->dir() + QStringLiteral("/data.txt"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("hello, world\n");
    file.close();
    const QByteArray opened = m_client.request(
        request("guest-file-open", "{\"path\":\"" + file.fileName().toUtf8() + "\",\"mode\":\"r+\"}"));
    QVERIFY2(opened.startsWith("{\"return\": "), opened.constData());
    m_handle = opened.mid(11, opened.size() - 12);
}

void tst_BadInput::resyncAndCheckAlive()
{
    const int id = m_nextSyncId++;
    QVERIFY(m_client.send("\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":" + QByteArray::number(id) + "}}"));
    const QByteArray expected = "\xff{\"return\": " + QByteArray::number(id) + "}";
    // The sentinel itself is answered with a "stray" error unless the parser was mid-token.
    for (int i = 0; i < 3; ++i) {
        const QByteArray line = m_client.readLine();
        if (line == expected) {
            QVERIFY(m_agent->isRunning());
            return;
        }
        QVERIFY2(line.startsWith("{\"error\""), line.constData());
    }
    QFAIL("no answer to guest-sync-delimited");
}

void tst_BadInput::catalogue_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArrayList>("expected");
    auto row = [this](const QByteArray &name, const QByteArray &input, const QByteArrayList &expected) {
        QTest::newRow(name.constData()) << input << expected;
        ++m_rows;
    };
    const QByteArray H = m_handle;

    // Wrong types in every argument position of every command that takes arguments.
    for (const CommandSchema &schema : schemas()) {
        for (size_t target = 0; target < schema.fields.size(); ++target) {
            const Field &f = schema.fields[target];
            for (const QByteArray &wrong : wrongValues(f.type)) {
                QByteArray arguments = "{";
                for (size_t i = 0; i < schema.fields.size(); ++i) {
                    const Field &other = schema.fields[i];
                    if (i != target && !other.required)
                        continue;
                    if (arguments.size() > 1)
                        arguments += ',';
                    arguments += "\"" + QByteArray(other.name) + "\":" + (i == target ? wrong : QByteArray(other.valid));
                }
                arguments += "}";
                row(QByteArray(schema.name) + " " + f.name + "=" + wrong, request(schema.name, arguments),
                    {expectedTypeError(f.name, f.type, wrong)});
            }
        }
        // A missing required argument and an unknown one.
        for (const Field &f : schema.fields) {
            if (f.required) {
                row(QByteArray(schema.name) + " without " + f.name, request(schema.name, "{}"),
                    {err("Parameter '" + QByteArray(f.name) + "' is missing")});
                break;
            }
        }
    }
    row("unexpected argument", request("guest-ping", "{\"foo\":42}"), {err("Parameter 'foo' is unexpected")});
    row("nested wrong type", request("guest-set-vcpus", "{\"vcpus\":[{\"logical-id\":1,\"online\":1}]}"),
        {err("Invalid parameter type for 'vcpus[0].online', expected: boolean")});
    row("nested missing", request("guest-set-vcpus", "{\"vcpus\":[{\"online\":true}]}"),
        {err("Parameter 'vcpus[0].logical-id' is missing")});
    row("nested unexpected", request("guest-set-vcpus", "{\"vcpus\":[{\"logical-id\":0,\"online\":true,\"x\":1}]}"),
        {err("Parameter 'vcpus[0].x' is unexpected")});
    row("list item not an object", request("guest-set-memory-blocks", "{\"mem-blks\":[1]}"),
        {err("Invalid parameter type for 'mem-blks[0]', expected: object")});
    row("uint64 as string", request("guest-set-memory-blocks", "{\"mem-blks\":[{\"phys-index\":\"1\",\"online\":true}]}"),
        {err("Parameter 'mem-blks[0].phys-index' expects uint64")});
    row("uint64 as float", request("guest-set-memory-blocks", "{\"mem-blks\":[{\"phys-index\":1.5,\"online\":true}]}"),
        {err("Parameter 'mem-blks[0].phys-index' expects uint64")});
    row("list of strings with a number", request("guest-exec", "{\"path\":\"/bin/true\",\"arg\":[\"a\",2]}"),
        {err("Invalid parameter type for 'arg[1]', expected: string")});
    row("bad enum in alternate", request("guest-exec", "{\"path\":\"/bin/true\",\"capture-output\":\"all\"}"),
        {err("Parameter 'capture-output' does not accept value 'all'")});
    row("bad whence name", request("guest-file-seek", "{\"handle\":" + H + ",\"offset\":0,\"whence\":\"start\"}"),
        {err("Parameter 'whence' does not accept value 'start'")});
    row("bad whence number", request("guest-file-seek", "{\"handle\":" + H + ",\"offset\":0,\"whence\":7}"),
        {err("invalid whence code 7")});

    // Handles, counts and pids out of range.
    row("negative handle", request("guest-file-read", "{\"handle\":-1}"), {err("handle '-1' has not been found")});
    row("unknown handle", request("guest-file-close", "{\"handle\":123456789}"), {err("handle '123456789' has not been found")});
    row("int64 min handle", request("guest-file-flush", "{\"handle\":-9223372036854775808}"),
        {err("handle '-9223372036854775808' has not been found")});
    row("negative count", request("guest-file-read", "{\"handle\":" + H + ",\"count\":-1}"),
        {err("value '-1' is invalid for argument count")});
    row("count over 48 MiB", request("guest-file-read", "{\"handle\":" + H + ",\"count\":50331649}"),
        {err("value '50331649' is invalid for argument count")});
    row("write count beyond data", request("guest-file-write", "{\"handle\":" + H + ",\"buf-b64\":\"YQ==\",\"count\":2}"),
        {err("value '2' is invalid for argument count")});
    row("negative write count", request("guest-file-write", "{\"handle\":" + H + ",\"buf-b64\":\"YQ==\",\"count\":-3}"),
        {err("value '-3' is invalid for argument count")});
    row("unknown pid", request("guest-exec-status", "{\"pid\":-1}"), {err("PID -1 does not exist")});

    // Invalid base64, before anything is written or run.
    row("base64 in file write", request("guest-file-write", "{\"handle\":" + H + ",\"buf-b64\":\"!!!!\"}"),
        {err("Base64 data contains invalid characters")});
    row("base64 with space", request("guest-file-write", "{\"handle\":" + H + ",\"buf-b64\":\"YW Jj\"}"),
        {err("Base64 data contains invalid characters")});
    row("base64 in exec input", request("guest-exec", "{\"path\":\"/bin/true\",\"input-data\":\"@@@@\"}"),
        {err("Base64 data contains invalid characters")});
    row("base64 in password", request("guest-set-user-password",
                                      "{\"username\":\"qtga-no-such-user\",\"password\":\"*\",\"crypted\":false}"),
        {err("Base64 data contains invalid characters")});

    // Request shape.
    row("array", "[1,2,3]", {err("QMP input must be a JSON object")});
    row("number", "42\n", {err("QMP input must be a JSON object")});
    row("string", "\"guest-ping\"", {err("QMP input must be a JSON object")});
    row("null", "null\n", {err("QMP input must be a JSON object")});
    row("empty object", "{}", {err("QMP input lacks member 'execute'")});
    row("execute number", "{\"execute\":1}", {err("QMP input member 'execute' must be a string")});
    row("execute null", "{\"execute\":null}", {err("QMP input member 'execute' must be a string")});
    row("arguments string", "{\"execute\":\"guest-ping\",\"arguments\":\"x\"}",
        {err("QMP input member 'arguments' must be an object")});
    row("exec-oob", "{\"exec-oob\":\"guest-ping\"}", {err("QMP input member 'exec-oob' is unexpected")});
    row("extra member", "{\"execute\":\"guest-ping\",\"control\":{}}", {err("QMP input member 'control' is unexpected")});
    row("unknown command", "{\"execute\":\"guest-nothing\"}",
        {err("The command guest-nothing has not been found", "CommandNotFound")});
    row("windows-only command", "{\"execute\":\"guest-get-devices\"}",
        {err("The command guest-get-devices has not been found", "CommandNotFound")});
    const QByteArray longName(1 << 20, 'n');
    row("1 MiB command name", "{\"execute\":\"" + longName + "\"}",
        {err("The command " + longName + " has not been found", "CommandNotFound")});
    row("empty command name", "{\"execute\":\"\"}", {err("The command  has not been found", "CommandNotFound")});

    // Lexical and syntax errors.
    row("truncated then sentinel", "{\"execute\":\"guest-ping\"\xff", {err("JSON parse error, stray '\xff'")});
    row("truncated string then sentinel", "{\"execute\":\"guest-pi\xff", {err("JSON parse error, stray '\"guest-pi\xff'")});
    row("NUL byte", QByteArray("\0", 1), {err("JSON parse error, stray ''")});
    // After a lexical error the rest of the request is skipped up to the next structural
    // character; the closing brace is then a request of its own.
    const QByteArray expectingValue = err("JSON parse error, expecting value");
    row("NUL in string", QByteArray("{\"execute\":\"a\0b\"}", 17), {err("JSON parse error, stray '\"a'"), expectingValue});
    row("escaped NUL in name", "{\"execute\":\"a\\u0000b\"}",
        {err("The command a\xc0\x80" "b has not been found", "CommandNotFound")});
    row("control character", "{\"execute\":\"a\x01\"}", {err("JSON parse error, stray '\"a\x01'"), expectingValue});
    row("invalid UTF-8", "{\"execute\":\"\xc3\x28\"}", {err("JSON parse error, invalid UTF-8 sequence in string")});
    row("overlong UTF-8", "{\"execute\":\"\xe0\x80\xaf\"}", {err("JSON parse error, invalid UTF-8 sequence in string")});
    row("surrogate in UTF-8", "{\"execute\":\"\xed\xa0\x80\"}", {err("JSON parse error, invalid UTF-8 sequence in string")});
    row("lone surrogate escape", "{\"execute\":\"\\udfff\"}", {err("JSON parse error, \\udfff is not a valid Unicode character")});
    row("invalid escape", "{\"execute\":\"\\x41\"}", {err("JSON parse error, invalid escape sequence in string")});
    row("duplicate key", "{\"execute\":\"guest-ping\",\"execute\":\"guest-ping\"}", {err("JSON parse error, duplicate key")});
    row("missing colon", "{\"execute\" \"guest-ping\"}", {err("JSON parse error, missing : in object pair")});
    row("missing comma", "{\"execute\":\"guest-ping\" \"id\":1}", {err("JSON parse error, expected separator in dict")});
    row("trailing comma", "{\"execute\":\"guest-ping\",}", {err("JSON parse error, expecting value")});
    row("number key", "{1:\"guest-ping\"}", {err("JSON parse error, key is not a string in object")});
    row("leading zero", "{\"execute\":\"guest-ping\",\"id\":01}", {err("JSON parse error, stray '01'"), expectingValue});
    row("bad keyword", "{\"execute\":\"guest-ping\",\"id\":nan}", {err("JSON parse error, invalid keyword 'nan'")});
    row("upper case keyword", "{\"execute\":\"guest-ping\",\"id\":True}", {err("JSON parse error, stray 'T'"), expectingValue});
    row("interpolation", "{\"execute\":%s}", {err("JSON parse error, stray '%'"), expectingValue});
    row("stray close", "}", {err("JSON parse error, expecting value")});
    row("nesting 1025", QByteArray(1025, '{'), {err("JSON nesting depth limit exceeded")});
    const QByteArray hugeString = "{\"execute\":\"guest-sync\",\"arguments\":{\"id\":\"" + QByteArray(10 << 20, 'z') + "\"}}";
    row("10 MiB string argument", hugeString, {err("Invalid parameter type for 'id', expected: integer")});
    row("integer overflow id", "{\"execute\":\"guest-sync\",\"arguments\":{\"id\":99999999999999999999999}}",
        {err("Invalid parameter type for 'id', expected: integer")});
}

void tst_BadInput::catalogue()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, expected);
    // A connection of its own per row: a failed row cannot leave answers behind for the next.
    QVERIFY(m_client.connectTo(m_agent->socketPath()));
    QVERIFY(m_client.send(input));
    for (const QByteArray &line : expected) {
        const QByteArray got = m_client.readLine(20000);
        if (got != line)
            QCOMPARE(got.left(300), line.left(300));
        QCOMPARE(got.size(), line.size());
    }
    resyncAndCheckAlive();
}

void tst_BadInput::deepNesting()
{
    // 10^6 open brackets: the limit trips every 1025 of them, and the agent keeps up.
    QVERIFY(m_client.connectTo(m_agent->socketPath()));
    QVERIFY(m_client.send(QByteArray(1000000, '[')));
    const int errors = 1000000 / 1025;
    for (int i = 0; i < errors; ++i)
        QCOMPARE(m_client.readLine(), err("JSON nesting depth limit exceeded"));
    resyncAndCheckAlive();
}

void tst_BadInput::sentinelStorm()
{
    QVERIFY(m_client.connectTo(m_agent->socketPath()));
    QVERIFY(m_client.send(QByteArray(10000, '\xff')));
    for (int i = 0; i < 10000; ++i)
        QCOMPARE(m_client.readLine(), err("JSON parse error, stray '\xff'"));
    resyncAndCheckAlive();
}

void tst_BadInput::manyKeysDoNotStallOtherClients()
{
    // About 6 MB: one object of 500,000 keys (the token count limit allows a little more).
    QByteArray keys = "{";
    for (int i = 0; i < 500000; ++i)
        keys += "\"k" + QByteArray::number(i) + "\":0,";
    keys += "\"end\":0}";
    QgaClient big;
    QVERIFY(big.connectTo(m_agent->socketPath()));
    QVERIFY(big.send("{\"execute\":\"guest-sync\",\"arguments\":{\"id\":7,\"extra\":" + keys + "}}"));
    // Another host tool keeps getting answers meanwhile.
    QgaClient other;
    QVERIFY(other.connectTo(m_agent->socketPath()));
    for (int i = 0; i < 20; ++i)
        QCOMPARE(other.request("{\"execute\":\"guest-sync\",\"arguments\":{\"id\":" + QByteArray::number(i) + "}}", 10000),
                 "{\"return\": " + QByteArray::number(i) + "}");
    QCOMPARE(big.readLine(10000), err("Parameter 'extra' is unexpected"));
    // A duplicate as the last of the 500,000 keys is found.
    QVERIFY(big.send("{\"execute\":\"guest-sync\",\"arguments\":{\"id\":7,\"extra\":" + keys.chopped(9) + ",\"k499999\":1}}}"));
    QCOMPARE(big.readLine(10000), err("JSON parse error, duplicate key"));
    QCOMPARE(big.request("{\"execute\":\"guest-sync\",\"arguments\":{\"id\":8}}"), QByteArray("{\"return\": 8}"));
}

void tst_BadInput::catalogueSize()
{
    // At least 100 hostile requests in the table, besides the storms above.
    QVERIFY2(m_rows >= 100, qPrintable(QString::number(m_rows)));
}

QTEST_GUILESS_MAIN(tst_BadInput)
#include "tst_badinput.moc"
