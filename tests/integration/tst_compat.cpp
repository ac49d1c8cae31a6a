// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Side by side with Debian's qemu-ga (7.2): the same requests to both must get answers of the
// same shape (keys in the same order, same types, same error class) and, where upstream did not
// change it after 7.2, the same error text.
#include "agentharness.h"
#include "jsonwriter.h"
#include "qgaframer.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSet>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

using namespace qtga;
using namespace qtga::test;

namespace {

QByteArray shapeOf(const JsonValue &v)
{
    switch (v.type()) {
    case JsonValue::Type::Null: return "null";
    case JsonValue::Type::Bool: return "bool";
    case JsonValue::Type::Int:
    case JsonValue::Type::UInt: return "int";
    case JsonValue::Type::Double: return "number";
    case JsonValue::Type::String:
    case JsonValue::Type::RawJson: return "str";
    case JsonValue::Type::Array: return v.items().empty() ? "[]" : "[" + shapeOf(v.items().front()) + "]";
    case JsonValue::Type::Object: {
        QByteArray out = "{";
        for (int i : qdictIterationOrder(v.members()))
            out += v.members()[size_t(i)].key + ":" + shapeOf(v.members()[size_t(i)].value) + ",";
        return out + "}";
    }
    }
    return "?";
}

struct Answer
{
    bool sentinel = false;
    bool parsed = false;
    JsonValue value;
    QByteArray raw;
};

Answer parseAnswer(QByteArray line)
{
    Answer a;
    a.raw = line;
    if (line.startsWith('\xff')) {
        a.sentinel = true;
        line.remove(0, 1);
    }
    QgaFramer framer;
    std::vector<QgaFramer::Event> events;
    framer.feed(line + "\n", events);
    if (events.size() == 1 && !events.front().isError) {
        a.parsed = true;
        a.value = events.front().value;
    }
    return a;
}

const JsonValue *errorOf(const Answer &a)
{
    return a.value.isObject() ? a.value.value("error") : nullptr;
}

// One answer from each side: same shape and error class; same bytes when `sameText`.
void compareAnswers(const QByteArray &ourLine, const QByteArray &theirLine, bool sameText)
{
    const Answer ours = parseAnswer(ourLine);
    const Answer theirs = parseAnswer(theirLine);
    QVERIFY2(theirs.parsed, theirs.raw.constData());
    QVERIFY2(ours.parsed, ours.raw.constData());
    QCOMPARE(shapeOf(ours.value), shapeOf(theirs.value));
    if (const JsonValue *theirError = errorOf(theirs))
        QCOMPARE(*errorOf(ours)->value("class"), *theirError->value("class"));
    if (sameText)
        QCOMPARE(ours.raw, theirs.raw);
}

QByteArray withNumber(const char *request, qint64 number)
{
    return QByteArray(request).replace("%1", QByteArray::number(number));
}

qint64 returnedInt(const QByteArray &line, const char *member = nullptr)
{
    const Answer a = parseAnswer(line);
    const JsonValue *ret = a.value.isObject() ? a.value.value("return") : nullptr;
    if (ret && member)
        ret = ret->isObject() ? ret->value(member) : nullptr;
    return ret && ret->isInt() ? ret->toInt() : -1;
}

// For answers read at two moments: counters that move (`varying`) become 0, members added after
// 7.2 (`newer`) are dropped, everything else must match byte for byte.
JsonValue normalized(const JsonValue &v, const QByteArrayList &varying, const QByteArrayList &newer)
{
    if (v.isArray()) {
        JsonValue out = JsonValue::array();
        for (const JsonValue &item : v.items())
            out.append(normalized(item, varying, newer));
        return out;
    }
    if (!v.isObject())
        return v;
    JsonValue out = JsonValue::object();
    for (const JsonValue::Member &m : v.members()) {
        if (newer.contains(m.key))
            continue;
        out.insert(m.key, varying.contains(m.key) ? JsonValue(0) : normalized(m.value, varying, newer));
    }
    return out;
}

} // namespace

class tst_Compat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sameAnswers_data();
    void sameAnswers();
    void unexpectedArgumentsNamedAlike();
    void everyReferenceCommandIsKnown();
    void sameInventory_data();
    void sameInventory();
    void fileSession();
    void execSession_data();
    void execSession();
    void osinfoFromFixture_data();
    void osinfoFromFixture();

private:
    std::unique_ptr<AgentProcess> m_qtga;
    std::unique_ptr<AgentProcess> m_reference;
    QgaClient m_qtgaClient;
    QgaClient m_referenceClient;
};

void tst_Compat::initTestCase()
{
    if (!QFile::exists(referenceBinary()))
        QSKIP("no reference qemu-ga (QTGA_QEMU_GA, see QTGA_REFERENCE_ROOT in tests/CMakeLists.txt)");
    m_qtga = std::make_unique<AgentProcess>();
    m_reference = std::make_unique<AgentProcess>(referenceBinary());
    QVERIFY(m_qtga->start());
    QVERIFY(m_reference->start());
    // qemu-ga serves one connection at a time: keep one open for the whole run.
    QVERIFY(m_qtgaClient.connectTo(m_qtga->socketPath()));
    QVERIFY(m_referenceClient.connectTo(m_reference->socketPath()));
}

void tst_Compat::sameAnswers_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("answers");
    QTest::addColumn<bool>("sameText");
    auto row = [](const char *name, const QByteArray &request, int answers = 1, bool sameText = true) {
        QTest::newRow(name) << request << answers << sameText;
    };
    row("ping", R"({"execute":"guest-ping"})");
    row("ping with id", R"({"execute":"guest-ping","id":{"b":[1,{"c":null}],"a":"x"}})");
    row("sync", R"({"execute":"guest-sync","arguments":{"id":123456}})");
    row("sync-delimited", "\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":99}}", 2);
    // The version and the command list differ by design (7.2 vs 10.2); the shape does not.
    row("info", R"({"execute":"guest-info"})", 1, false);
    row("time", R"({"execute":"guest-get-time"})", 1, false);
    row("unknown command", R"({"execute":"guest-nope","id":7})");
    row("unexpected argument", R"({"execute":"guest-ping","arguments":{"foo":42}})");
    row("missing argument", R"({"execute":"guest-sync"})");
    row("wrong type", R"({"execute":"guest-sync","arguments":{"id":"x"}})");
    row("float", R"({"execute":"guest-sync","arguments":{"id":1.5}})");
    row("too big", R"({"execute":"guest-sync","arguments":{"id":9223372036854775808}})");
    row("null argument", R"({"execute":"guest-sync","arguments":{"id":null}})");
    row("exec-oob", R"({"exec-oob":"guest-ping"})");
    row("no execute", R"({"id":1})");
    row("execute not a string", R"({"execute":1})");
    row("arguments not an object", R"({"execute":"guest-ping","arguments":1})");
    // Several failures in one request: QDict's order picks the one reported.
    row("two unexpected members", R"({"execute":"guest-ping","zeta":1,"alpha":2,"id":3})");
    row("unexpected member, bad execute", R"({"xyz":1,"execute":5})");
    row("bad execute, unexpected member", R"({"execute":5,"xyz":1})");
    row("bad arguments, bad execute", R"({"arguments":1,"execute":2,"id":"i"})");
    row("two unexpected arguments", R"({"execute":"guest-sync","arguments":{"id":1,"b":2,"a":3}})");
    row("unexpected argument among known", R"({"execute":"guest-file-read","arguments":{"count":1,"zz":0,"handle":5}})");
    row("array", "[1]");
    row("scalar", "\"x\"");
    row("single quotes", R"({'execute':'guest-sync','arguments':{'id':5}})");
    row("duplicate key", R"({"execute":"guest-ping","execute":"guest-ping"})");
    row("invalid escape", R"({"execute":"\q"})");
    row("lone surrogate", R"({"execute":"\udc00"})");
    row("invalid utf8", "{\"execute\":\"\xc3(\"}");
    row("non-ascii name", "{\"execute\":\"gu\xc3\xa9st\"}");
    row("escaped NUL", R"({"execute":"a\u0000b"})");
    row("keyword", "nulll\n");
    row("leading zero", "{\"execute\":01}", 2);
    row("stray brace", "}");
    row("stray bracket", "]");
    row("brace in list", "[}]", 2);
    row("sentinels", "\xff\xff", 2);
    row("control byte", QByteArray("\x01", 1));
    row("NUL byte", QByteArray("\0", 1));
    row("nesting limit", QByteArray(1025, '{'));
    row("deep but allowed", QByteArray(1024, '[') + QByteArray(1024, ']'));
    row("uint64 id", R"({"execute":"guest-ping","id":18446744073709551615})");
    row("negative id", R"({"execute":"guest-ping","id":-1})");
    row("float id", R"({"execute":"guest-ping","id":0.08})");

    row("file open bad mode", R"({"execute":"guest-file-open","arguments":{"path":"/nonexistent/qtga","mode":"rw"}})");
    row("file open missing", R"({"execute":"guest-file-open","arguments":{"path":"/nonexistent/qtga"}})");
    row("file open missing for write", R"({"execute":"guest-file-open","arguments":{"path":"/nonexistent/qtga","mode":"a+b"}})");
    row("file read unknown", R"({"execute":"guest-file-read","arguments":{"handle":999999,"count":-1}})");
    row("file write unknown", R"({"execute":"guest-file-write","arguments":{"handle":999999,"buf-b64":"$"}})");
    row("file seek unknown", R"({"execute":"guest-file-seek","arguments":{"handle":999999,"offset":0,"whence":7}})");
    row("file flush unknown", R"({"execute":"guest-file-flush","arguments":{"handle":999999}})");
    row("file close unknown", R"({"execute":"guest-file-close","arguments":{"handle":-5}})");
    row("file seek no whence", R"({"execute":"guest-file-seek","arguments":{"handle":1,"offset":0}})");
    row("file seek whence bool", R"({"execute":"guest-file-seek","arguments":{"handle":1,"offset":0,"whence":true}})");
    row("file seek whence name", R"({"execute":"guest-file-seek","arguments":{"handle":1,"offset":0,"whence":"middle"}})");
    row("exec no path", R"({"execute":"guest-exec","arguments":{}})");
    row("exec invalid base64", R"({"execute":"guest-exec","arguments":{"path":"/bin/true","input-data":"a$"}})");
    // 7.2 wraps spawn errors in "Guest agent command failed, error was '...'" (gone since 9.1),
    // says "Invalid parameter 'pid'" for an unknown pid (8.2 changed it), and knows only a
    // boolean capture-output (8.1 made it an alternate).
    row("exec spawn failure", R"({"execute":"guest-exec","arguments":{"path":"/bin/invalid-cmd42"}})", 1, false);
    row("exec-status unknown", R"({"execute":"guest-exec-status","arguments":{"pid":0}})", 1, false);
    row("exec capture number", R"({"execute":"guest-exec","arguments":{"path":"/bin/true","capture-output":1}})", 1, false);
    row("host name", R"({"execute":"guest-get-host-name"})");
    row("timezone", R"({"execute":"guest-get-timezone"})");
    row("osinfo", R"({"execute":"guest-get-osinfo"})");
    row("users", R"({"execute":"guest-get-users"})");
    row("ssh get, no file", R"({"execute":"guest-ssh-get-authorized-keys","arguments":{"username":"nobody"}})");
    row("ssh get, unknown user", R"({"execute":"guest-ssh-get-authorized-keys","arguments":{"username":"qtga-no-user"}})");
    row("ssh add, bad key", R"({"execute":"guest-ssh-add-authorized-keys","arguments":{"username":"qtga-no-user","keys":["a","#b"]}})");
    row("ssh remove, no file", R"({"execute":"guest-ssh-remove-authorized-keys","arguments":{"username":"nobody","keys":["k"]}})");
    row("password, newline", R"({"execute":"guest-set-user-password","arguments":{"username":"qtga-no-user","password":"YQpi","crypted":false}})");
    row("password, colon", R"({"execute":"guest-set-user-password","arguments":{"username":"a:b","password":"YWJj","crypted":true}})");
    row("password, bad base64", R"({"execute":"guest-set-user-password","arguments":{"username":"a","password":"YW\nJj$","crypted":false}})");
}

void tst_Compat::sameAnswers()
{
    QFETCH(QByteArray, request);
    QFETCH(int, answers);
    QFETCH(bool, sameText);
    QVERIFY(m_qtgaClient.send(request));
    QVERIFY(m_referenceClient.send(request));
    for (int i = 0; i < answers; ++i) {
        const Answer ours = parseAnswer(m_qtgaClient.readLine());
        const Answer theirs = parseAnswer(m_referenceClient.readLine());
        QVERIFY2(theirs.parsed, theirs.raw.constData());
        QVERIFY2(ours.parsed, ours.raw.constData());
        QCOMPARE(ours.sentinel, theirs.sentinel);
        QCOMPARE(shapeOf(ours.value), shapeOf(theirs.value));
        if (const JsonValue *theirError = errorOf(theirs)) {
            const JsonValue *ourError = errorOf(ours);
            QCOMPARE(*ourError->value("class"), *theirError->value("class"));
            if (sameText)
                QCOMPARE(ours.raw, theirs.raw);
        } else if (sameText) {
            QCOMPARE(ours.raw, theirs.raw);
        }
    }
    // Both must still be in step: nothing left over.
    QVERIFY(!m_qtgaClient.hasDataWithin(20));
    QVERIFY(!m_referenceClient.hasDataWithin(20));
}

// With several unknown arguments QEMU names the first its visitor's GLib hash table still holds:
// requests with 1 to 40 unknown keys (the table grows and, once known members are taken out,
// shrinks), ASCII and non-ASCII names, beside any mix of known members, from a fixed seed.
void tst_Compat::unexpectedArgumentsNamedAlike()
{
    struct Command
    {
        const char *name;
        QList<QPair<QByteArray, QByteArray>> known;   // name, valid JSON value
        int required;                                 // the first `required` are always sent
    };
    const QList<Command> commands = {
        {"guest-sync", {{"id", "1"}}, 1},
        {"guest-ping", {}, 0},
        {"guest-exec",
         {{"path", "\"/nonexistent/qtga\""}, {"arg", "[]"}, {"env", "[]"}, {"input-data", "\"\""},
          {"capture-output", "false"}},
         1},
        {"guest-file-read", {{"handle", "999999"}, {"count", "1"}}, 1},
        {"guest-set-user-password", {{"username", "\"x\""}, {"password", "\"eA==\""}, {"crypted", "false"}}, 3},
    };
    const QList<QByteArray> letters = {"a", "b", "k", "z", "-", "_", "0", "7", "\u00e9", "\u4e2d"};
    const int unknownCounts[] = {2, 2, 3, 5, 8, 12, 20, 40};
    QRandomGenerator random(20261204);
    int mismatches = 0;
    for (int round = 0; round < 300; ++round) {
        const Command &cmd = commands[int(random.bounded(quint32(commands.size())))];
        QList<QByteArray> members;
        for (int i = 0; i < cmd.known.size(); ++i) {
            if (i < cmd.required || random.bounded(2))
                members << "\"" + cmd.known[i].first + "\":" + cmd.known[i].second;
        }
        QSet<QByteArray> names;
        for (int n = unknownCounts[random.bounded(quint32(std::size(unknownCounts)))]; names.size() < n;) {
            QByteArray name;
            for (int length = 1 + int(random.bounded(10u)); length > 0; --length)
                name += letters[int(random.bounded(quint32(letters.size())))];
            if (!std::any_of(cmd.known.begin(), cmd.known.end(), [&](const auto &k) { return k.first == name; })
                && !names.contains(name)) {
                names.insert(name);
                members << "\"" + name + "\":" + QByteArray::number(random.bounded(100u));
            }
        }
        for (qsizetype i = members.size() - 1; i > 0; --i)
            members.swapItemsAt(i, qsizetype(random.bounded(quint32(i + 1))));
        const QByteArray request =
            "{\"execute\":\"" + QByteArray(cmd.name) + "\",\"arguments\":{" + members.join(',') + "}}";
        const QByteArray ours = m_qtgaClient.request(request), theirs = m_referenceClient.request(request);
        QVERIFY2(theirs.contains("is unexpected"), (request + " -> " + theirs).constData());
        if (ours != theirs && ++mismatches <= 3)
            qWarning("%s\n  qtga:    %s\n  qemu-ga: %s", request.constData(), ours.constData(), theirs.constData());
    }
    QCOMPARE(mismatches, 0);
}

void tst_Compat::everyReferenceCommandIsKnown()
{
    const Answer theirs = parseAnswer(m_referenceClient.request(R"({"execute":"guest-info"})"));
    const Answer ours = parseAnswer(m_qtgaClient.request(R"({"execute":"guest-info"})"));
    QVERIFY(theirs.parsed && ours.parsed);
    QSet<QByteArray> ourNames;
    for (const JsonValue &c : ours.value.value("return")->value("supported_commands")->items())
        ourNames.insert(c.value("name")->toString());
    QByteArrayList missing;
    for (const JsonValue &c : theirs.value.value("return")->value("supported_commands")->items()) {
        const QByteArray name = c.value("name")->toString();
        // guest-get-devices is Windows-only and left out on Linux since 9.1.
        if (name != "guest-get-devices" && !ourNames.contains(name))
            missing << name;
    }
    if (!missing.isEmpty())
        QEXPECT_FAIL("", qPrintable("not implemented yet: " + missing.join(' ')), Continue);
    QVERIFY(missing.isEmpty());
}

void tst_Compat::fileSession()
{
    // Each agent gets its own copy of the same file; the answers and the files must match.
    QTemporaryDir dir;
    const auto prepare = [&](const QString &name, const QByteArray &content) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(content);
    };
    const auto contentOf = [&](const QString &name) {
        QFile f(dir.filePath(name));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
    };
    struct Step
    {
        const char *request;
        bool sameText;
    };
    const auto session = [&](const QString &mode, bool exists, const std::vector<Step> &steps,
                             const QByteArray &content = "0123456789abcdef") {
        for (const char *side : {"ours", "theirs"}) {
            QFile::remove(dir.filePath(side));
            if (exists)
                prepare(side, content);
        }
        const QByteArray open = R"({"execute":"guest-file-open","arguments":{"path":"%p","mode":"%m"}})";
        const QByteArray ourOpen = m_qtgaClient.request(QByteArray(open).replace("%p", QFile::encodeName(dir.filePath("ours"))).replace("%m", mode.toUtf8()));
        const QByteArray theirOpen = m_referenceClient.request(QByteArray(open).replace("%p", QFile::encodeName(dir.filePath("theirs"))).replace("%m", mode.toUtf8()));
        compareAnswers(ourOpen, theirOpen, false);
        const qint64 ours = returnedInt(ourOpen);
        const qint64 theirs = returnedInt(theirOpen);
        if (ours < 0)
            return;
        for (const Step &step : steps) {
            compareAnswers(m_qtgaClient.request(withNumber(step.request, ours)),
                           m_referenceClient.request(withNumber(step.request, theirs)), step.sameText && ours == theirs);
            if (QTest::currentTestFailed()) {
                qWarning("mode %s, step %s", qPrintable(mode), step.request);
                return;
            }
        }
        QCOMPARE(contentOf("ours"), contentOf("theirs"));
    };

    session("r+", true, {
        {R"({"execute":"guest-file-read","arguments":{"handle":%1,"count":4}})", true},
        {R"({"execute":"guest-file-seek","arguments":{"handle":%1,"offset":2,"whence":"cur"}})", true},
        {R"({"execute":"guest-file-write","arguments":{"handle":%1,"buf-b64":"QUJD"}})", true},
        {R"({"execute":"guest-file-read","arguments":{"handle":%1}})", true},
        {R"({"execute":"guest-file-seek","arguments":{"handle":%1,"offset":-3,"whence":2}})", true},
        {R"({"execute":"guest-file-read","arguments":{"handle":%1,"count":2}})", true},
        {R"({"execute":"guest-file-write","arguments":{"handle":%1,"buf-b64":"eHl6","count":2}})", true},
        {R"({"execute":"guest-file-write","arguments":{"handle":%1,"buf-b64":"eHl6","count":4}})", true},
        {R"({"execute":"guest-file-write","arguments":{"handle":%1,"buf-b64":"QU=J\nQQ=="}})", true},
        {R"({"execute":"guest-file-seek","arguments":{"handle":%1,"offset":0,"whence":3}})", true},
        {R"({"execute":"guest-file-seek","arguments":{"handle":%1,"offset":-100,"whence":0}})", true},
        {R"({"execute":"guest-file-read","arguments":{"handle":%1,"count":50331649}})", true},
        {R"({"execute":"guest-file-read","arguments":{"handle":%1,"count":0}})", true},
        {R"({"execute":"guest-file-flush","arguments":{"handle":%1}})", true},
        {R"({"execute":"guest-file-close","arguments":{"handle":%1}})", true},
        {R"({"execute":"guest-file-close","arguments":{"handle":%1}})", true},
    });
    if (QTest::currentTestFailed())
        return;
    // Reads whose base64 is large enough that qtga builds the response line around it in place
    // (with and without an id, at the end of the file, past it).
    QByteArray large(3 * 1024 * 1024 + 7, Qt::Uninitialized);
    for (qsizetype i = 0; i < large.size(); ++i)
        large[i] = char((i * 2654435761u) >> 13);
    session("r", true, {
        {R"({"execute":"guest-file-read","arguments":{"handle":%1,"count":1048576}})", true},
        {R"({"execute":"guest-file-read","arguments":{"handle":%1,"count":1048576},"id":"large-1"})", true},
        {R"({"id":{"n":[1,2]},"execute":"guest-file-read","arguments":{"handle":%1,"count":4194304}})", true},
        {R"({"execute":"guest-file-read","arguments":{"handle":%1,"count":1048576},"id":7})", true},
        {R"({"execute":"guest-file-close","arguments":{"handle":%1}})", true},
    }, large);
    if (QTest::currentTestFailed())
        return;
    const std::vector<Step> readWriteClose = {
        {R"({"execute":"guest-file-read","arguments":{"handle":%1}})", true},
        {R"({"execute":"guest-file-write","arguments":{"handle":%1,"buf-b64":"WFk="}})", true},
        {R"({"execute":"guest-file-read","arguments":{"handle":%1}})", true},
        {R"({"execute":"guest-file-close","arguments":{"handle":%1}})", true},
    };
    for (const char *mode : {"r", "rb", "w", "wb", "a", "ab", "r+", "rb+", "r+b", "w+", "wb+", "w+b", "a+", "ab+", "a+b"}) {
        for (bool exists : {true, false}) {
            session(QLatin1String(mode), exists, readWriteClose);
            if (QTest::currentTestFailed())
                return;
        }
    }
}

void tst_Compat::execSession_data()
{
    QTest::addColumn<QByteArray>("arguments");
    QTest::newRow("exit code and output") << QByteArray(R"({"path":"/bin/sh","arg":["-c","echo out; echo err >&2; exit 3"],"capture-output":true})");
    QTest::newRow("input") << QByteArray(R"({"path":"cat","input-data":"aGVsbG8=","capture-output":true})");
    QTest::newRow("empty input") << QByteArray(R"({"path":"cat","input-data":"","capture-output":true})");
    QTest::newRow("signal") << QByteArray(R"({"path":"/bin/sh","arg":["-c","echo x; kill -9 $$"],"capture-output":true})");
    QTest::newRow("no capture") << QByteArray(R"({"path":"/bin/sh","arg":["-c","echo x; exit 1"]})");
    QTest::newRow("environment") << QByteArray(R"({"path":"/usr/bin/env","env":["A=b","C="],"capture-output":true})");
    QTest::newRow("truncated") << QByteArray(R"({"path":"head","arg":["-c","17000000","/dev/zero"],"capture-output":true})");
}

void tst_Compat::execSession()
{
    QFETCH(QByteArray, arguments);
    const QByteArray exec = R"({"execute":"guest-exec","arguments":)" + arguments + "}";
    const QByteArray ourStart = m_qtgaClient.request(exec);
    const QByteArray theirStart = m_referenceClient.request(exec);
    compareAnswers(ourStart, theirStart, false);
    const qint64 ours = returnedInt(ourStart, "pid");
    const qint64 theirs = returnedInt(theirStart, "pid");
    QVERIFY(ours > 0 && theirs > 0);
    const auto finalStatus = [](QgaClient &client, qint64 pid) {
        QByteArray line;
        const bool done = QTest::qWaitFor([&] {
            line = client.request(withNumber(R"({"execute":"guest-exec-status","arguments":{"pid":%1}})", pid), 30000);
            return !line.contains(R"("exited": false)");
        }, 30000);
        if (!done)
            qWarning("pid %lld still running", pid);
        return line;
    };
    compareAnswers(finalStatus(m_qtgaClient, ours), finalStatus(m_referenceClient, theirs), true);
    // Reported once: both have forgotten the process (the texts differ, see above).
    compareAnswers(m_qtgaClient.request(withNumber(R"({"execute":"guest-exec-status","arguments":{"pid":%1}})", ours)),
                   m_referenceClient.request(withNumber(R"({"execute":"guest-exec-status","arguments":{"pid":%1}})", theirs)),
                   false);
}

void tst_Compat::osinfoFromFixture_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("qemu test data") << QByteArray("ID=qemu-ga-test\nNAME=QEMU-GA\nPRETTY_NAME=\"QEMU Guest Agent test\"\n"
                                                  "VERSION=\"Test version\"\nVERSION_ID=1\n"
                                                  "VARIANT=\"Unit test \\\"\\'\\$\\`\\\\ and \\\\\\\\ etc.\"\nVARIANT_ID=unit-test\n");
    QTest::newRow("quoting quirks") << QByteArray("ID='deb ian'\nNAME=\"abc\nPRETTY_NAME=a;b c\nVERSION=\"a\\$b\nVARIANT=\"x\" \"y\"\n");
    QTest::newRow("empty values") << QByteArray("ID=\nNAME=\"\"\n");
    QTest::newRow("CR on last line") << QByteArray("ID=x\r\nNAME=y\r");
    QTest::newRow("rejected line") << QByteArray("ID=x\nbogus\n");
    QTest::newRow("not UTF-8") << QByteArray("ID=\xff\n");
    static const char withNul[] = "ID=x\nNAME=y\0bogus\n";
    QTest::newRow("NUL ends text") << QByteArray(withNul, sizeof withNul - 1);
}

void tst_Compat::osinfoFromFixture()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const QString fixture = dir.filePath("os-release");
    QFile file(fixture);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QGA_OS_RELEASE", fixture);
    AgentProcess ours;
    AgentProcess theirs(referenceBinary());
    ours.process().setProcessEnvironment(env);
    theirs.process().setProcessEnvironment(env);
    QVERIFY(ours.start());
    QVERIFY(theirs.start());
    QgaClient ourClient;
    QgaClient theirClient;
    QVERIFY(ourClient.connectTo(ours.socketPath()));
    QVERIFY(theirClient.connectTo(theirs.socketPath()));
    compareAnswers(ourClient.request(R"({"execute":"guest-get-osinfo"})"), theirClient.request(R"({"execute":"guest-get-osinfo"})"), true);
}

void tst_Compat::sameInventory_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArrayList>("varying");
    QTest::addColumn<QByteArrayList>("newer");
    const auto row = [](const char *name, const QByteArray &request, const QByteArrayList &varying = {},
                        const QByteArrayList &newer = {}) {
        QTest::newRow(name) << request << varying << newer;
    };
    row("interfaces", R"({"execute":"guest-network-get-interfaces"})",
        {"rx-bytes", "rx-packets", "rx-errs", "rx-dropped", "tx-bytes", "tx-packets", "tx-errs", "tx-dropped"});
    row("vcpus", R"({"execute":"guest-get-vcpus"})");
    // total-bytes-privileged is 9.1+.
    row("fsinfo", R"({"execute":"guest-get-fsinfo"})", {"used-bytes", "total-bytes"}, {"total-bytes-privileged"});
    row("disks", R"({"execute":"guest-get-disks"})");
    row("memory block info", R"({"execute":"guest-get-memory-block-info"})");
    row("memory blocks", R"({"execute":"guest-get-memory-blocks"})");
    row("diskstats", R"({"execute":"guest-get-diskstats"})",
        {"read-sectors", "read-ios", "read-merges", "write-sectors", "write-ios", "write-merges", "discard-sectors",
         "discard-ios", "discard-merges", "flush-ios", "read-ticks", "write-ticks", "discard-ticks", "flush-ticks",
         "ios-pgr", "total-ticks", "weight-ticks"});
    row("cpustats", R"({"execute":"guest-get-cpustats"})",
        {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guestnice"});
    row("fsfreeze status", R"({"execute":"guest-fsfreeze-status"})");
    // Nothing is frozen, so every FITHAW fails harmlessly on both sides.
    row("thaw while thawed", R"({"execute":"guest-fsfreeze-thaw"})");
    // Refused before anything runs.
    row("shutdown bad mode", R"({"execute":"guest-shutdown","arguments":{"mode":"sleep"},"id":"s"})");
    row("set-vcpus argument error", R"({"execute":"guest-set-vcpus","arguments":{"vcpus":[{"logical-id":1}]}})");
    row("set-memory-blocks argument error",
        R"({"execute":"guest-set-memory-blocks","arguments":{"mem-blks":[{"phys-index":"x","online":true}]}})");
}

void tst_Compat::sameInventory()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArrayList, varying);
    QFETCH(QByteArrayList, newer);
    const Answer ours = parseAnswer(m_qtgaClient.request(request, 20000));
    const Answer theirs = parseAnswer(m_referenceClient.request(request, 20000));
    QVERIFY2(ours.parsed, ours.raw.constData());
    QVERIFY2(theirs.parsed, theirs.raw.constData());
    QCOMPARE(toJson(normalized(ours.value, varying, newer)), toJson(normalized(theirs.value, varying, newer)));
}

QTEST_GUILESS_MAIN(tst_Compat)
#include "tst_compat.moc"
