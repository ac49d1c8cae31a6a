// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// Freeze, thaw and trim decisions against a fake kernel: nothing here may
// freeze or trim a real filesystem. The freeze hooks are stand-in scripts in a temporary
// directory that only record their argument.
#include "engines/fsfreezer.h"
#include "jsonwriter.h"

#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <linux/fs.h>
#include <map>

using namespace qtga;

namespace {

struct FakeMount
{
    int openError = 0;    // errno of open(), 0: opens
    int freezeError = 0;  // errno of FIFREEZE
    int trimError = 0;    // errno of FITRIM
    int frozen = 0;       // FIFREEZE count not yet thawed
};

// The kernel side, recording every call in `log`.
class FakeFilesystems : public FilesystemControl
{
public:
    QStringList &log;
    std::vector<FsMount> table;
    std::map<QByteArray, FakeMount> state;
    QByteArray mountError;
    uint64_t lastMinlen = 0;

    explicit FakeFilesystems(QStringList &sharedLog) : log(sharedLog) {}

    void add(const QByteArray &dir, FakeMount mount = {})
    {
        table.push_back(FsMount{dir, "ext4", 8, unsigned(table.size())});
        state[dir] = mount;
    }

    bool mounts(std::vector<FsMount> *out, QByteArray *error) override
    {
        if (!mountError.isEmpty()) {
            *error = mountError;
            return false;
        }
        *out = table;
        return true;
    }
    int openDirectory(const QByteArray &dir) override
    {
        const int err = state[dir].openError;
        if (err)
            return -err;
        m_open[m_next] = dir;
        return m_next++;
    }
    int ioctl(int fd, unsigned long request, void *arg) override
    {
        const QByteArray dir = m_open.at(fd);
        FakeMount &m = state[dir];
        if (request == FIFREEZE) {
            log << "FIFREEZE " + QString::fromUtf8(dir);
            if (m.freezeError)
                return m.freezeError;
            if (m.frozen)
                return EBUSY;
            ++m.frozen;
            return 0;
        }
        if (request == FITHAW) {
            log << "FITHAW " + QString::fromUtf8(dir);
            if (!m.frozen)
                return EINVAL;
            --m.frozen;
            return 0;
        }
        if (request == FITRIM) {
            auto *range = static_cast<fstrim_range *>(arg);
            log << "FITRIM " + QString::fromUtf8(dir);
            lastMinlen = range->minlen;
            if (m.trimError)
                return m.trimError;
            range->len = 1 << 20;
            range->minlen = std::max<uint64_t>(range->minlen, 4096);
            return 0;
        }
        return ENOTTY;
    }
    void close(int fd) override { m_open.erase(fd); }

    int openCount() const { return int(m_open.size()); }

private:
    std::map<int, QByteArray> m_open;
    int m_next = 3;
};

class FakeState : public FrozenStateControl
{
public:
    QStringList &log;
    bool frozen = false;

    explicit FakeState(QStringList &sharedLog) : log(sharedLog) {}
    bool isFrozen() const override { return frozen; }
    void enterFrozen() override
    {
        log << QStringLiteral("enter");
        frozen = true;
    }
    void leaveFrozen() override
    {
        log << QStringLiteral("leave");
        frozen = false;
    }
};

} // namespace

Q_DECLARE_METATYPE(FakeMount)

class tst_FsFreezer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();

    void freezeWalksMountsInReverse();
    void freezeSkipsUnsupportedAndBusy();
    void freezeOfNothingLeavesFrozenState();
    void freezeList_data();
    void freezeList();
    void freezeErrorThawsWhatWasFrozen_data();
    void freezeErrorThawsWhatWasFrozen();
    void freezeWithoutMountTable();
    void thawCountsEachMountOnce();
    void thawWhileThawed();
    void thawWithoutMountTable();

    void hookRunsAroundFreezeAndThaw();
    void hookFailureFreezesNothing_data();
    void hookFailureFreezesNothing();
    void hookTimeoutKillsItAndRunsThawHook();
    void thawHookFailureAfterThawing();
    void thawHookTimeout();
    void failedFreezeRunsThawHook();

    void trimReportsEachMountInReverse();
    void trimWithoutMountTable();

private:
    QString writeHook(const QByteArray &body);
    QStringList hookLog() const;
    FsFreezer freezer(const QString &hook = QString(), int timeoutSeconds = 60)
    {
        return FsFreezer(m_fs, m_state, FreezeHook{hook, timeoutSeconds});
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QStringList m_log;
    FakeFilesystems m_fs{m_log};
    FakeState m_state{m_log};
};

void tst_FsFreezer::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("qtga.*.info=false"));
}

void tst_FsFreezer::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_log.clear();
    m_fs.table.clear();
    m_fs.state.clear();
    m_fs.mountError.clear();
    m_state.frozen = false;
}

QString tst_FsFreezer::writeHook(const QByteArray &body)
{
    const QString path = m_dir->filePath(QStringLiteral("fsfreeze-hook"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write hook");
    file.write("#!/bin/sh\nlog=\"$(dirname \"$0\")/hook.log\"\n" + body);
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

QStringList tst_FsFreezer::hookLog() const
{
    QFile file(m_dir->filePath(QStringLiteral("hook.log")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

void tst_FsFreezer::freezeWalksMountsInReverse()
{
    m_fs.add("/");
    m_fs.add("/boot");
    m_fs.add("/home");
    const CommandOutcome outcome = freezer().freeze(std::nullopt);
    QVERIFY(!outcome.isError());
    QCOMPARE(outcome.value().toInt(), int64_t(3));
    // Frozen state first (nothing may be written any more), then the newest mounts first.
    QCOMPARE(m_log, (QStringList{"enter", "FIFREEZE /home", "FIFREEZE /boot", "FIFREEZE /"}));
    QVERIFY(m_state.frozen);
    QCOMPARE(m_fs.openCount(), 0);
}

void tst_FsFreezer::freezeSkipsUnsupportedAndBusy()
{
    m_fs.add("/", {});
    m_fs.add("/vfat", {0, EOPNOTSUPP});
    m_fs.add("/again", {0, EBUSY});
    const CommandOutcome outcome = freezer().freeze(std::nullopt);
    QVERIFY(!outcome.isError());
    QCOMPARE(outcome.value().toInt(), int64_t(1));
    QVERIFY(m_state.frozen);
}

void tst_FsFreezer::freezeOfNothingLeavesFrozenState()
{
    m_fs.add("/", {0, EOPNOTSUPP});
    const QString hook = writeHook("echo \"$1\" >> \"$log\"\n");
    const CommandOutcome outcome = freezer(hook).freeze(std::nullopt);
    QVERIFY(!outcome.isError());
    QCOMPARE(outcome.value().toInt(), int64_t(0));
    QCOMPARE(m_log, (QStringList{"enter", "FIFREEZE /", "leave"}));
    QVERIFY(!m_state.frozen);
    // Like qemu-ga: nothing frozen, so no thaw and no thaw hook.
    QCOMPARE(hookLog(), QStringList{"freeze"});
}

void tst_FsFreezer::freezeList_data()
{
    QTest::addColumn<QByteArrayList>("mountpoints");
    QTest::addColumn<QStringList>("log");
    QTest::addColumn<int>("count");
    QTest::newRow("one of them") << QByteArrayList{"/home"} << QStringList{"enter", "FIFREEZE /home"} << 1;
    QTest::newRow("unknown entries ignored") << QByteArrayList{"/nope", "/", "/home/"}
                                             << QStringList{"enter", "FIFREEZE /"} << 1;
    QTest::newRow("list order does not matter") << QByteArrayList{"/", "/home"}
                                                << QStringList{"enter", "FIFREEZE /home", "FIFREEZE /"} << 2;
    QTest::newRow("empty list freezes nothing") << QByteArrayList{} << QStringList{"enter", "leave"} << 0;
}

void tst_FsFreezer::freezeList()
{
    QFETCH(QByteArrayList, mountpoints);
    QFETCH(QStringList, log);
    QFETCH(int, count);
    m_fs.add("/");
    m_fs.add("/boot");
    m_fs.add("/home");
    const CommandOutcome outcome = freezer().freeze(mountpoints);
    QVERIFY(!outcome.isError());
    QCOMPARE(outcome.value().toInt(), int64_t(count));
    QCOMPARE(m_log, log);
}

void tst_FsFreezer::freezeErrorThawsWhatWasFrozen_data()
{
    QTest::addColumn<FakeMount>("data");
    QTest::addColumn<QString>("error");
    QTest::newRow("freeze fails") << FakeMount{0, EIO} << "failed to freeze /data: Input/output error";
    QTest::newRow("open fails") << FakeMount{EACCES} << "failed to open /data: Permission denied";
}

void tst_FsFreezer::freezeErrorThawsWhatWasFrozen()
{
    QFETCH(FakeMount, data);
    QFETCH(QString, error);
    m_fs.add("/");
    m_fs.add("/data", data);
    m_fs.add("/home");
    const CommandOutcome outcome = freezer().freeze(std::nullopt);
    QVERIFY(outcome.isError());
    QCOMPARE(QString::fromUtf8(outcome.error().desc), error);
    // / was never reached; /home was frozen and is thawed again (FITHAW until it fails), and
    // the frozen state is left.
    QVERIFY(!m_log.contains("FIFREEZE /"));
    QVERIFY(m_log.indexOf("FITHAW /") > m_log.indexOf("FIFREEZE /home"));
    QCOMPARE(m_log.count("FITHAW /home"), 2);
    QCOMPARE(m_log.last(), QStringLiteral("leave"));
    QCOMPARE(m_fs.state["/home"].frozen, 0);
    QVERIFY(!m_state.frozen);
}

void tst_FsFreezer::freezeWithoutMountTable()
{
    m_fs.mountError = "failed to open mtab file: '/proc/self/mounts'";
    const CommandOutcome outcome = freezer().freeze(std::nullopt);
    QVERIFY(outcome.isError());
    QCOMPARE(outcome.error().desc, m_fs.mountError);
    QVERIFY(m_log.isEmpty());
}

void tst_FsFreezer::thawCountsEachMountOnce()
{
    m_fs.add("/", {0, 0, 0, 2});     // frozen twice: two FITHAWs needed
    m_fs.add("/boot", {0, 0, 0, 1});
    m_fs.add("/data", {});           // not frozen
    m_fs.add("/gone", {ENOENT});     // cannot be opened: skipped
    m_state.frozen = true;
    const CommandOutcome outcome = freezer().thaw();
    QVERIFY(!outcome.isError());
    QCOMPARE(outcome.value().toInt(), int64_t(2));
    QCOMPARE(m_log, (QStringList{"FITHAW /", "FITHAW /", "FITHAW /", "FITHAW /boot", "FITHAW /boot", "FITHAW /data",
                                 "leave"}));
    QCOMPARE(m_fs.state["/"].frozen, 0);
}

void tst_FsFreezer::thawWhileThawed()
{
    m_fs.add("/");
    const QString hook = writeHook("echo \"$1\" >> \"$log\"\n");
    const CommandOutcome outcome = freezer(hook).thaw();
    QVERIFY(!outcome.isError());
    QCOMPARE(outcome.value().toInt(), int64_t(0));
    QCOMPARE(hookLog(), QStringList{"thaw"});
}

void tst_FsFreezer::thawWithoutMountTable()
{
    m_fs.mountError = "failed to open mtab file: '/proc/self/mounts'";
    m_state.frozen = true;
    const QString hook = writeHook("echo \"$1\" >> \"$log\"\n");
    const CommandOutcome outcome = freezer(hook).thaw();
    QVERIFY(outcome.isError());
    QCOMPARE(outcome.error().desc, m_fs.mountError);
    // Nothing was thawed, so the agent stays frozen and the hook is not told otherwise.
    QVERIFY(m_state.frozen);
    QCOMPARE(hookLog(), QStringList{});
}

void tst_FsFreezer::hookRunsAroundFreezeAndThaw()
{
    m_fs.add("/");
    const QString hook = writeHook("echo \"$1\" >> \"$log\"\n");
    QCOMPARE(freezer(hook).freeze(std::nullopt).value().toInt(), int64_t(1));
    QCOMPARE(hookLog(), QStringList{"freeze"});
    QCOMPARE(freezer(hook).thaw().value().toInt(), int64_t(1));
    QCOMPARE(hookLog(), (QStringList{"freeze", "thaw"}));
}

void tst_FsFreezer::hookFailureFreezesNothing_data()
{
    QTest::addColumn<QByteArray>("body");  // empty: no hook file at all
    QTest::addColumn<QString>("error");    // %1: the hook's path
    QTest::newRow("output") << QByteArray("echo \"database busy\"\nexit 1\n")
                            << "child process has failed to execute fsfreeze hook: database busy\n";
    QTest::newRow("stderr too") << QByteArray("echo out\necho err >&2\nexit 2\n")
                                << "child process has failed to execute fsfreeze hook: out\nerr\n";
    QTest::newRow("no output") << QByteArray("exit 3\n") << "child process has failed to execute fsfreeze hook: exit status 3";
    QTest::newRow("killed") << QByteArray("kill -9 $$\n") << "child process has terminated abnormally";
    QTest::newRow("missing") << QByteArray()
                             << "child process has failed to execute fsfreeze hook: failed to exec '%1': No such file "
                                "or directory\n";
}

void tst_FsFreezer::hookFailureFreezesNothing()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    m_fs.add("/");
    const QString hook = body.isEmpty() ? m_dir->filePath(QStringLiteral("no-such-hook")) : writeHook(body);
    const CommandOutcome outcome = freezer(hook).freeze(std::nullopt);
    QVERIFY(outcome.isError());
    QCOMPARE(QString::fromUtf8(outcome.error().desc), QString(error).replace(QLatin1String("%1"), hook));
    QVERIFY(m_log.isEmpty());
    QVERIFY(!m_state.frozen);
}

void tst_FsFreezer::hookTimeoutKillsItAndRunsThawHook()
{
    m_fs.add("/");
    // The freeze step never ends (its child holds the output pipe too); thaw just records.
    const QString hook = writeHook("echo \"$1\" >> \"$log\"\n"
                                   "if [ \"$1\" = freeze ]; then sleep 600; fi\n");
    const CommandOutcome outcome = freezer(hook, 1).freeze(std::nullopt);
    QVERIFY(outcome.isError());
    QCOMPARE(QString::fromUtf8(outcome.error().desc),
             "fsfreeze hook '" + hook + " freeze' did not finish within 1 seconds and was killed");
    QVERIFY(m_log.isEmpty());
    QCOMPARE(hookLog(), (QStringList{"freeze", "thaw"}));
}

void tst_FsFreezer::thawHookFailureAfterThawing()
{
    m_fs.add("/", {0, 0, 0, 1});
    m_state.frozen = true;
    const QString hook = writeHook("echo \"cannot resume\"\nexit 1\n");
    const CommandOutcome outcome = freezer(hook).thaw();
    QVERIFY(outcome.isError());
    QCOMPARE(outcome.error().desc, QByteArray("child process has failed to execute fsfreeze hook: cannot resume\n"));
    // The filesystems are thawed and the agent left the frozen state all the same.
    QCOMPARE(m_fs.state["/"].frozen, 0);
    QVERIFY(!m_state.frozen);
}

void tst_FsFreezer::thawHookTimeout()
{
    m_fs.add("/", {0, 0, 0, 1});
    m_state.frozen = true;
    const QString hook = writeHook("sleep 600\n");
    const CommandOutcome outcome = freezer(hook, 1).thaw();
    QVERIFY(outcome.isError());
    QCOMPARE(QString::fromUtf8(outcome.error().desc),
             "fsfreeze hook '" + hook + " thaw' did not finish within 1 seconds and was killed");
    QVERIFY(!m_state.frozen);
}

void tst_FsFreezer::failedFreezeRunsThawHook()
{
    m_fs.add("/", {0, EIO});
    const QString hook = writeHook("echo \"$1\" >> \"$log\"\n");
    QVERIFY(freezer(hook).freeze(std::nullopt).isError());
    QCOMPARE(hookLog(), (QStringList{"freeze", "thaw"}));
}

void tst_FsFreezer::trimReportsEachMountInReverse()
{
    m_fs.add("/");
    m_fs.add("/cdrom", {0, 0, ENOTTY});
    m_fs.add("/vfat", {0, 0, EOPNOTSUPP});
    m_fs.add("/broken", {0, 0, EIO});
    m_fs.add("/gone", {ENOENT});
    const CommandOutcome outcome = trimFilesystems(m_fs, 65536);
    QVERIFY(!outcome.isError());
    QCOMPARE(m_fs.lastMinlen, uint64_t(65536));
    QCOMPARE(toJson(outcome.value()),
             QByteArray("{\"paths\": [{\"path\": \"/gone\", \"error\": \"failed to open: No such file or directory\"}, "
                        "{\"path\": \"/broken\", \"error\": \"failed to trim: Input/output error\"}, "
                        "{\"path\": \"/vfat\", \"error\": \"trim not supported\"}, "
                        "{\"path\": \"/cdrom\", \"error\": \"trim not supported\"}, "
                        "{\"minimum\": 65536, \"path\": \"/\", \"trimmed\": 1048576}]}"));
    QCOMPARE(m_fs.openCount(), 0);
}

void tst_FsFreezer::trimWithoutMountTable()
{
    m_fs.mountError = "failed to open mtab file: '/proc/self/mounts'";
    const CommandOutcome outcome = trimFilesystems(m_fs, 0);
    QVERIFY(outcome.isError());
    QCOMPARE(outcome.error().desc, m_fs.mountError);
}

QTEST_GUILESS_MAIN(tst_FsFreezer)
#include "tst_fsfreezer.moc"
