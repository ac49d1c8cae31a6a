// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// guest-shutdown and guest-suspend-* decisions with stand-in helpers: every
// program is a script in a temporary directory that records how it was called, PATH points
// only there, and the power state file is a plain file. Nothing real is ever run.
#include "engines/powercontrol.h"

#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>

using namespace qtga;

class tst_PowerControl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();

    void badModeRunsNothing_data();
    void badModeRunsNothing();
    void shutdownHelper_data();
    void shutdownHelper();
    void shutdownFailure_data();
    void shutdownFailure();

    void suspend_data();
    void suspend();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    void script(const QString &name, const QByteArray &body, bool executable = true);
    QStringList calls() const;
    QByteArray readFile(const QString &name) const;
    PowerHelpers helpers() const;

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_PowerControl::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("qtga.*.info=false"));
}

void tst_PowerControl::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // Belt and braces: whatever is looked up in PATH can only be a stand-in.
    qputenv("PATH", QFile::encodeName(m_dir->path()));
}

void tst_PowerControl::script(const QString &name, const QByteArray &body, bool executable)
{
    QFile file(path(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(name));
    // Only shell builtins: PATH holds nothing else.
    file.write("#!/bin/sh\necho \"" + name.toUtf8() + " $*\" >> '" + QFile::encodeName(path("calls.log")) + "'\n"
               + body);
    file.close();
    file.setPermissions(executable ? QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                   : QFile::ReadOwner | QFile::WriteOwner);
}

QStringList tst_PowerControl::calls() const
{
    return QString::fromUtf8(readFile(QStringLiteral("calls.log"))).split(u'\n', Qt::SkipEmptyParts);
}

QByteArray tst_PowerControl::readFile(const QString &name) const
{
    QFile file(path(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

PowerHelpers tst_PowerControl::helpers() const
{
    PowerHelpers h;
    h.poweroff = path(QStringLiteral("poweroff"));
    h.halt = path(QStringLiteral("halt"));
    h.reboot = path(QStringLiteral("reboot"));
    h.shutdown = path(QStringLiteral("shutdown"));
    h.systemctl = path(QStringLiteral("systemctl"));
    h.pmIsSupported = path(QStringLiteral("pm-is-supported"));
    h.pmHibernate = path(QStringLiteral("pm-hibernate"));
    h.pmSuspend = path(QStringLiteral("pm-suspend"));
    h.pmSuspendHybrid = path(QStringLiteral("pm-suspend-hybrid"));
    h.powerStateFile = path(QStringLiteral("state"));
    return h;
}

void tst_PowerControl::badModeRunsNothing_data()
{
    QTest::addColumn<QByteArray>("mode");
    QTest::newRow("unknown") << QByteArray("sleep");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("case matters") << QByteArray("Reboot");
    QTest::newRow("trailing space") << QByteArray("halt ");
}

void tst_PowerControl::badModeRunsNothing()
{
    QFETCH(QByteArray, mode);
    for (const char *name : {"poweroff", "halt", "reboot", "shutdown"})
        script(QString::fromLatin1(name), "exit 0\n");
    QCOMPARE(PowerControl(helpers()).shutdown(mode),
             QByteArray("mode is invalid (valid values are: halt|powerdown|reboot"));
    QCOMPARE(calls(), QStringList());
}

void tst_PowerControl::shutdownHelper_data()
{
    QTest::addColumn<QByteArray>("mode");  // "<absent>": no mode argument
    QTest::addColumn<QString>("present");  // the dedicated helper that exists ("" none, "!x" not executable)
    QTest::addColumn<QString>("call");

    const QString fallback = QStringLiteral("shutdown -h %1 +0 hypervisor initiated shutdown");
    QTest::newRow("absent: poweroff") << QByteArray("<absent>") << "poweroff" << "poweroff ";
    QTest::newRow("powerdown: poweroff") << QByteArray("powerdown") << "poweroff" << "poweroff ";
    QTest::newRow("halt") << QByteArray("halt") << "halt" << "halt ";
    QTest::newRow("reboot") << QByteArray("reboot") << "reboot" << "reboot ";
    QTest::newRow("powerdown without poweroff") << QByteArray("powerdown") << "" << fallback.arg("-P");
    QTest::newRow("absent without poweroff") << QByteArray("<absent>") << "" << fallback.arg("-P");
    QTest::newRow("halt without halt") << QByteArray("halt") << "poweroff" << fallback.arg("-H");
    QTest::newRow("reboot without reboot") << QByteArray("reboot") << "" << fallback.arg("-r");
    QTest::newRow("poweroff not executable") << QByteArray("powerdown") << "!poweroff" << fallback.arg("-P");
}

void tst_PowerControl::shutdownHelper()
{
    QFETCH(QByteArray, mode);
    QFETCH(QString, present);
    QFETCH(QString, call);
    script(QStringLiteral("shutdown"), "exit 0\n");
    if (!present.isEmpty())
        script(QString(present).remove(u'!'), "exit 0\n", !present.startsWith(u'!'));
    const std::optional<QByteArray> argument = mode == "<absent>" ? std::nullopt : std::optional<QByteArray>(mode);
    QCOMPARE(PowerControl(helpers()).shutdown(argument), QByteArray());
    QCOMPARE(calls(), QStringList{call});
}

void tst_PowerControl::shutdownFailure_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("error");
    QTest::newRow("output") << QByteArray("echo 'Failed to talk to init daemon.'\nexit 1\n")
                            << QByteArray("child process has failed to shutdown: Failed to talk to init daemon.\n");
    QTest::newRow("no output") << QByteArray("exit 2\n") << QByteArray("child process has failed to shutdown: exit status 2");
    QTest::newRow("killed") << QByteArray("echo dying\nkill -9 $$\n")
                            << QByteArray("child process has terminated abnormally: dying\n");
}

void tst_PowerControl::shutdownFailure()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, error);
    script(QStringLiteral("poweroff"), body);
    QCOMPARE(PowerControl(helpers()).shutdown(std::nullopt), error);
}

void tst_PowerControl::suspend_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("systemctl");   // "status:<code> verb:<code>", "" missing, "noexec"
    QTest::addColumn<QString>("pm");          // "supported:<code> run:<code>", "" missing, "supported:0" only
    QTest::addColumn<QByteArray>("state");    // the power state file ("<none>": absent)
    QTest::addColumn<QByteArray>("error");
    QTest::addColumn<QStringList>("calls");
    QTest::addColumn<QByteArray>("stateAfter");  // what the state file starts with afterwards

    const int disk = int(PowerControl::SuspendMode::Disk);
    const int ram = int(PowerControl::SuspendMode::Ram);
    const int hybrid = int(PowerControl::SuspendMode::Hybrid);
    QTest::newRow("systemd") << ram << "status:3 verb:0" << "supported:0 run:0" << QByteArray("freeze mem\n")
                             << QByteArray() << QStringList{"systemctl status systemd-suspend", "systemctl suspend"}
                             << QByteArray("freeze mem\n");
    QTest::newRow("systemd hibernate") << disk << "status:1 verb:0" << "" << QByteArray("<none>") << QByteArray()
                                       << QStringList{"systemctl status systemd-hibernate", "systemctl hibernate"}
                                       << QByteArray("<none>");
    QTest::newRow("systemd hybrid") << hybrid << "status:2 verb:0" << "" << QByteArray("<none>") << QByteArray()
                                    << QStringList{"systemctl status systemd-hybrid-sleep", "systemctl hybrid-sleep"}
                                    << QByteArray("<none>");
    QTest::newRow("no such unit: pm-utils") << ram << "status:4 verb:0" << "supported:0 run:0" << QByteArray("<none>")
                                            << QByteArray()
                                            << QStringList{"systemctl status systemd-suspend",
                                                           "pm-is-supported --suspend", "pm-suspend "}
                                            << QByteArray("<none>");
    QTest::newRow("status 0 is no support") << disk << "status:0 verb:0" << "supported:0 run:0"
                                            << QByteArray("<none>") << QByteArray()
                                            << QStringList{"systemctl status systemd-hibernate",
                                                           "pm-is-supported --hibernate", "pm-hibernate "}
                                            << QByteArray("<none>");
    QTest::newRow("pm-utils hybrid") << hybrid << "" << "supported:0 run:0" << QByteArray("disk mem\n") << QByteArray()
                                     << QStringList{"pm-is-supported --suspend-hybrid", "pm-suspend-hybrid "}
                                     << QByteArray("disk mem\n");
    QTest::newRow("sysfs ram") << ram << "" << "" << QByteArray("freeze mem disk\n") << QByteArray() << QStringList{}
                               << QByteArray("mem");
    QTest::newRow("sysfs disk") << disk << "" << "supported:1 run:0" << QByteArray("freeze mem disk\n") << QByteArray()
                                << QStringList{"pm-is-supported --hibernate"} << QByteArray("disk");
    QTest::newRow("systemd fails, sysfs works") << ram << "status:3 verb:1" << "supported:1 run:0"
                                                << QByteArray("mem\n") << QByteArray()
                                                << QStringList{"systemctl status systemd-suspend", "systemctl suspend",
                                                               "pm-is-supported --suspend"}
                                                << QByteArray("mem");
    QTest::newRow("systemd fails, nothing else") << ram << "status:3 verb:1" << "supported:1 run:0"
                                                 << QByteArray("disk\n")
                                                 << QByteArray("the helper program 'systemctl suspend' returned an "
                                                               "unexpected exit status code (1)")
                                                 << QStringList{"systemctl status systemd-suspend", "systemctl suspend",
                                                                "pm-is-supported --suspend"}
                                                 << QByteArray("disk\n");
    QTest::newRow("pm-suspend fails") << ram << "" << "supported:0 run:5" << QByteArray("<none>")
                                      << QByteArray("the helper program 'pm-suspend' returned an unexpected exit "
                                                    "status code (5)")
                                      << QStringList{"pm-is-supported --suspend", "pm-suspend "} << QByteArray("<none>");
    QTest::newRow("pm-hibernate missing") << disk << "" << "supported:0" << QByteArray("<none>")
                                          << QByteArray("the helper program 'pm-hibernate' was not found")
                                          << QStringList{"pm-is-supported --hibernate"} << QByteArray("<none>");
    QTest::newRow("hybrid has no sysfs method") << hybrid << "" << "" << QByteArray("freeze mem disk\n")
                                                << QByteArray("the requested suspend mode is not supported by the guest")
                                                << QStringList{} << QByteArray("freeze mem disk\n");
    QTest::newRow("nothing at all") << ram << "" << "" << QByteArray("<none>")
                                    << QByteArray("the requested suspend mode is not supported by the guest")
                                    << QStringList{} << QByteArray("<none>");
    QTest::newRow("systemctl not executable") << ram << "noexec" << "" << QByteArray("disk\n")
                                              << QByteArray("the requested suspend mode is not supported by the guest")
                                              << QStringList{} << QByteArray("disk\n");
}

void tst_PowerControl::suspend()
{
    QFETCH(int, mode);
    QFETCH(QString, systemctl);
    QFETCH(QString, pm);
    QFETCH(QByteArray, state);
    QFETCH(QByteArray, error);
    QFETCH(QStringList, calls);
    QFETCH(QByteArray, stateAfter);

    const auto code = [](const QString &spec, const QString &key) {
        for (const QString &part : spec.split(u' ')) {
            if (part.startsWith(key + u':'))
                return part.mid(key.size() + 1).toUtf8();
        }
        return QByteArray();
    };
    if (systemctl == QLatin1String("noexec")) {
        script(QStringLiteral("systemctl"), "exit 0\n", false);
    } else if (!systemctl.isEmpty()) {
        script(QStringLiteral("systemctl"), "if [ \"$1\" = status ]; then exit " + code(systemctl, "status")
                                                + "; fi\nexit " + code(systemctl, "verb") + "\n");
    }
    if (!pm.isEmpty()) {
        script(QStringLiteral("pm-is-supported"), "exit " + code(pm, "supported") + "\n");
        if (!code(pm, "run").isEmpty()) {
            for (const char *name : {"pm-hibernate", "pm-suspend", "pm-suspend-hybrid"})
                script(QString::fromLatin1(name), "exit " + code(pm, "run") + "\n");
        }
    }
    if (state != "<none>") {
        QFile file(path(QStringLiteral("state")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(state);
    }
    QCOMPARE(PowerControl(helpers()).suspend(PowerControl::SuspendMode(mode)), error);
    QCOMPARE(this->calls(), calls);
    const QByteArray after = QFile::exists(path(QStringLiteral("state"))) ? readFile(QStringLiteral("state"))
                                                                          : QByteArray("<none>");
    // The word is written at the start, as to sysfs: no truncation.
    QVERIFY2(after.startsWith(stateAfter), after.constData());
}

QTEST_GUILESS_MAIN(tst_PowerControl)
#include "tst_powercontrol.moc"
