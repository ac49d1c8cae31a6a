// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// os-release parsing and value processing as qemu-ga does it. The expected values
// were taken from Debian's qemu-ga 7.2 with QGA_OS_RELEASE pointing at each text.
#include "engines/osrelease.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <utime.h>

using namespace qtga;

using Fields = QHash<QByteArray, QByteArray>;

class tst_OsRelease : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void value_data();
    void value();
    void file_data();
    void file();
    void fileReadAgainOnlyWhenChanged();
};

void tst_OsRelease::value_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("plain") << QByteArray("debian") << QByteArray("debian");
    QTest::newRow("double quoted") << QByteArray("\"debian\"") << QByteArray("debian");
    QTest::newRow("single quoted keeps quotes") << QByteArray("'debian'") << QByteArray("'debian'");
    QTest::newRow("single quoted cut at space") << QByteArray("'deb ian'") << QByteArray("'deb");
    QTest::newRow("cut at space") << QByteArray("deb ian") << QByteArray("deb");
    QTest::newRow("cut at semicolon") << QByteArray("deb;ian") << QByteArray("deb");
    QTest::newRow("space before semicolon") << QByteArray("a;b c") << QByteArray("a");
    QTest::newRow("tab is not a separator") << QByteArray("a\tb") << QByteArray("a\tb");
    QTest::newRow("backslash unquoted") << QByteArray("a\\sb") << QByteArray("a\\sb");
    QTest::newRow("quoted with trailing text") << QByteArray("\"a b\";c d") << QByteArray("a b");
    QTest::newRow("second quoted part ignored") << QByteArray("\"x\" \"y\"") << QByteArray("x");
    QTest::newRow("escapes") << QByteArray("\"a\\nb\\$c\\\\d\\\"e\\`f\\'g\"xyz") << QByteArray("a\\nb$c\\d\"e`f'g");
    QTest::newRow("spec example") << QByteArray("\"Unit test \\\"\\'\\$\\`\\\\ and \\\\\\\\ etc.\"")
                                  << QByteArray("Unit test \"'$`\\ and \\\\ etc.");
    QTest::newRow("unterminated") << QByteArray("\"abc") << QByteArray("abcc");
    QTest::newRow("unterminated with spaces") << QByteArray("\"abc  ") << QByteArray("abc   ");
    QTest::newRow("unterminated backslash") << QByteArray("\"abc\\") << QByteArray("abc\\\\");
    QTest::newRow("unterminated after escape") << QByteArray("\"a\\$b") << QByteArray("a$b$b");
    QTest::newRow("escaped closing quote") << QByteArray("\"a\\\"") << QByteArray("a\"\\\"");
    QTest::newRow("unterminated other escape") << QByteArray("\"abc\\x") << QByteArray("abc\\xx");
    QTest::newRow("empty") << QByteArray("") << QByteArray("");
    QTest::newRow("empty quotes") << QByteArray("\"\"") << QByteArray("");
    QTest::newRow("lone quote") << QByteArray("\"") << QByteArray("\"");
}

void tst_OsRelease::value()
{
    QFETCH(QByteArray, raw);
    QFETCH(QByteArray, value);
    QCOMPARE(processOsReleaseValue(raw), value);
}

void tst_OsRelease::file_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<Fields>("fields");
    QTest::newRow("all keys") << QByteArray("ID=x\nNAME=n\nPRETTY_NAME=\"p q\"\nVERSION=v\nVERSION_ID=1\nVARIANT=va\n"
                                            "VARIANT_ID=vi\nHOME_URL=\"h\"\n")
                              << true
                              << Fields{{"ID", "x"}, {"NAME", "n"}, {"PRETTY_NAME", "p q"}, {"VERSION", "v"},
                                        {"VERSION_ID", "1"}, {"VARIANT", "va"}, {"VARIANT_ID", "vi"}};
    QTest::newRow("value whitespace") << QByteArray("ID=  \"deb ian\"  \n") << true << Fields{{"ID", "deb ian"}};
    QTest::newRow("key whitespace") << QByteArray("  NAME = foo \n") << true << Fields{{"NAME", "foo"}};
    QTest::newRow("comment") << QByteArray("# ID=no\nID=yes\n") << true << Fields{{"ID", "yes"}};
    QTest::newRow("later key wins") << QByteArray("ID=x\nID=y\n") << true << Fields{{"ID", "y"}};
    QTest::newRow("locale key is another key") << QByteArray("NAME[de]=x\nNAME=y\n") << true << Fields{{"NAME", "y"}};
    QTest::newRow("other group") << QByteArray("ID=x\n[other]\nNAME=y\n") << true << Fields{{"ID", "x"}};
    QTest::newRow("same group again") << QByteArray("ID=x\n  [os-release]\nNAME=z\n") << true
                                      << Fields{{"ID", "x"}, {"NAME", "z"}};
    QTest::newRow("CRLF") << QByteArray("ID=x\r\nNAME=y\r\n") << true << Fields{{"ID", "x"}, {"NAME", "y"}};
    QTest::newRow("CR on last line kept") << QByteArray("ID=x\r") << true << Fields{{"ID", "x\r"}};
    static const char withNul[] = "ID=x\nNAME=y\0garbage line\n";
    QTest::newRow("text ends at NUL") << QByteArray(withNul, sizeof withNul - 1) << true
                                      << Fields{{"ID", "x"}, {"NAME", "y"}};
    QTest::newRow("empty") << QByteArray() << true << Fields{};
    QTest::newRow("bogus line") << QByteArray("ID=x\nbogus line\n") << false << Fields{};
    QTest::newRow("empty key") << QByteArray("ID=x\n=y\n") << false << Fields{};
    QTest::newRow("broken group") << QByteArray("ID=\"ab\"\n[bad\n") << false << Fields{};
    QTest::newRow("not UTF-8") << QByteArray("ID=\xff\n") << false << Fields{};
}

void tst_OsRelease::file()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, accepted);
    QFETCH(Fields, fields);
    const std::optional<Fields> parsed = parseOsRelease(content);
    QCOMPARE(parsed.has_value(), accepted);
    if (parsed)
        QCOMPARE(*parsed, fields);
}

namespace {

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

// Sets the modification time, which also moves the change time to now.
bool setModified(const QString &path, time_t when)
{
    const utimbuf times{when, when};
    return ::utime(QFile::encodeName(path).constData(), &times) == 0;
}

} // namespace

// What readOsReleaseFile() keeps is used only while the file is the same one, unchanged: every
// way an upgrade or an admin changes it is read again, and a removed file is not served from
// memory. File times are set in the past where the test needs a settled file; the change time
// cannot be set, so the settle window is -1 there (a file changed this second counts as settled).
void tst_OsRelease::fileReadAgainOnlyWhenChanged()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("os-release"));
    QVERIFY(writeFile(path, "ID=debian\nVERSION_ID=\"12\"\n"));
    QVERIFY(setModified(path, 1000000000));
    std::optional<Fields> read = readOsReleaseFile(path);
    QVERIFY(read);
    QCOMPARE(read->value("ID"), QByteArray("debian"));
    QCOMPARE(read->value("VERSION_ID"), QByteArray("12"));

    // Rewritten in place with the same size and modification time, within the same clock
    // tick: a file changed this recently is read again, whatever its times say.
    QVERIFY(writeFile(path, "ID=ubuntu\nVERSION_ID=\"24\"\n"));
    QVERIFY(setModified(path, 1000000000));
    read = readOsReleaseFile(path);
    QVERIFY(read);
    QCOMPARE(read->value("ID"), QByteArray("ubuntu"));
    QCOMPARE(read->value("VERSION_ID"), QByteArray("24"));

    // Settled (window -1): asked again without a change, the kept answer is the same.
    QVERIFY(readOsReleaseFile(path, -1));
    QCOMPARE(readOsReleaseFile(path, -1), read);
    QCOMPARE(readOsReleaseFile(path, -1), read);

    // Replaced by a rename, as package managers do: another inode.
    const QString next = dir.filePath(QStringLiteral("os-release.new"));
    QVERIFY(writeFile(next, "ID=fedora\n"));
    QVERIFY(setModified(next, 1000000000));
    QVERIFY(::rename(QFile::encodeName(next).constData(), QFile::encodeName(path).constData()) == 0);
    read = readOsReleaseFile(path, -1);
    QVERIFY(read);
    QCOMPARE(*read, (Fields{{"ID", "fedora"}}));
    QCOMPARE(readOsReleaseFile(path, -1), read);

    // Rewritten in place with another size: read again.
    QVERIFY(writeFile(path, "ID=fedora\nVARIANT_ID=server\n"));
    read = readOsReleaseFile(path, -1);
    QVERIFY(read);
    QCOMPARE(read->value("VARIANT_ID"), QByteArray("server"));

    // A file that no longer parses is reported as such, not as what it was.
    QVERIFY(writeFile(path, "ID=fedora\nthis is no key file line\n"));
    QVERIFY(!readOsReleaseFile(path, -1));
    QVERIFY(!readOsReleaseFile(path, -1));

    // Gone: nothing, so that the caller tries the next file.
    QVERIFY(QFile::remove(path));
    QVERIFY(!readOsReleaseFile(path, -1));

    // A symlink to the file (the usual /etc/os-release): the target's identity counts.
    const QString target = dir.filePath(QStringLiteral("lib-os-release"));
    QVERIFY(writeFile(target, "ID=arch\n"));
    QVERIFY(QFile::link(target, path));
    read = readOsReleaseFile(path, -1);
    QVERIFY(read);
    QCOMPARE(read->value("ID"), QByteArray("arch"));
    QVERIFY(writeFile(target, "ID=alpine\n"));
    read = readOsReleaseFile(path, -1);
    QVERIFY(read);
    QCOMPARE(read->value("ID"), QByteArray("alpine"));
}

QTEST_GUILESS_MAIN(tst_OsRelease)
#include "tst_osrelease.moc"
