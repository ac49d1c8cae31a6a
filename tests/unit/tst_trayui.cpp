// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The tray's widgets without an agent: every control of the status window has an accessible
// name, the state colours stay readable on light and dark palettes, the SVG icons render at any
// size and scale, a second instance in the same session hands over to the first, and the
// German and French translations built into the resources are found and used.
#include "icons.h"
#include "singleinstance.h"
#include "statusclient.h"
#include "statuscolors.h"
#include "statuswindow.h"
#include "traystate.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAccessible>
#include <QApplication>
#include <QGroupBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using namespace qtga;

Q_DECLARE_METATYPE(StatusColor)

namespace {

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    p.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
    return p;
}

} // namespace

class tst_TrayUi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyControlHasAnAccessibleName();
    void stateColoursReadable_data();
    void stateColoursReadable();
    void iconsRenderSharpAtAnySize();
    void secondInstanceActivatesTheFirst();
    void instancesOfOtherSessionsDoNotMeet();
    void translationsBuiltIn_data();
    void translationsBuiltIn();
};

void tst_TrayUi::everyControlHasAnAccessibleName()
{
    StatusClient client(QStringLiteral("/nonexistent/qtga-status.sock"));
    StatusWindow window(client);
    window.setNotice(QStringLiteral("notice"));
    window.show();
    int checked = 0;
    const QList<QWidget *> widgets = window.findChildren<QWidget *>();
    for (QWidget *w : widgets) {
        const bool control = qobject_cast<QAbstractButton *>(w) || qobject_cast<QAbstractItemView *>(w)
            || qobject_cast<QLabel *>(w) || qobject_cast<QGroupBox *>(w);
        if (!control || w->parentWidget() == nullptr || qobject_cast<QAbstractItemView *>(w->parentWidget()))
            continue;
        QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(w);
        QVERIFY(iface);
        QVERIFY2(!iface->text(QAccessible::Name).trimmed().isEmpty(),
                 qPrintable(QStringLiteral("%1 (%2) has no accessible name")
                                .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName())));
        ++checked;
    }
    QVERIFY2(checked >= 15, qPrintable(QString::number(checked)));
}

void tst_TrayUi::stateColoursReadable_data()
{
    QTest::addColumn<StatusColor>("role");
    QTest::newRow("good") << StatusColor::Good;
    QTest::newRow("waiting") << StatusColor::Waiting;
    QTest::newRow("bad") << StatusColor::Bad;
    QTest::newRow("frozen") << StatusColor::Frozen;
}

void tst_TrayUi::stateColoursReadable()
{
    QFETCH(StatusColor, role);
    QPalette light;
    light.setColor(QPalette::Base, Qt::white);
    light.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf5, 0xf5));
    for (const QPalette &palette : {light, darkPalette()}) {
        const QColor color = statusColor(role, palette);
        for (const QPalette::ColorRole background : {QPalette::Base, QPalette::AlternateBase}) {
            const qreal ratio = contrastRatio(color, palette.color(background));
            QVERIFY2(ratio >= 4.5, qPrintable(QStringLiteral("%1 on %2: %3")
                                                  .arg(color.name(), palette.color(background).name())
                                                  .arg(ratio)));
        }
    }
    QVERIFY(statusColor(role, light) != statusColor(role, darkPalette()));
}

void tst_TrayUi::iconsRenderSharpAtAnySize()
{
    for (TrayState state : {TrayState::NotRunning, TrayState::NoAccess, TrayState::NoHost, TrayState::HostConnected,
                            TrayState::Frozen}) {
        const QIcon icon = stateIcon(state);
        QVERIFY(!icon.isNull());
        // Drawn for the size asked, not scaled from a fixed set: 22 px at scale 2 is 44 pixels,
        // and sizes beyond any bitmap's still come out whole.
        const QPixmap twice = icon.pixmap(QSize(22, 22), 2.0);
        QCOMPARE(twice.size(), QSize(44, 44));
        QCOMPARE(twice.devicePixelRatio(), 2.0);
        QCOMPARE(icon.pixmap(QSize(512, 512)).size(), QSize(512, 512));
        // The icon's edge is antialiased at its own resolution: a row through the middle has
        // opaque pixels and transparent corners.
        const QImage image = twice.toImage();
        QCOMPARE(qAlpha(image.pixel(0, 0)), 0);
        QCOMPARE(qAlpha(image.pixel(22, 22)), 255);
    }
}

void tst_TrayUi::secondInstanceActivatesTheFirst()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto first = std::make_unique<SingleInstance>(dir.path(), QStringLiteral("x11-_7"));
    QVERIFY(first->claim());
    QSignalSpy activated(first.get(), &SingleInstance::activationRequested);
    SingleInstance second(dir.path(), QStringLiteral("x11-_7"));
    QVERIFY(!second.claim());
    QVERIFY(second.activateFirst());
    QVERIFY(activated.wait());
    // The first one quits: the next start is the first again.
    first.reset();
    SingleInstance third(dir.path(), QStringLiteral("x11-_7"));
    QVERIFY(third.claim());
}

void tst_TrayUi::instancesOfOtherSessionsDoNotMeet()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SingleInstance a(dir.path(), SingleInstance::sessionKey(QStringLiteral("xcb")));
    QVERIFY(a.claim());
    qputenv("DISPLAY", ":42");
    SingleInstance b(dir.path(), SingleInstance::sessionKey(QStringLiteral("xcb")));
    QCOMPARE(SingleInstance::sessionKey(QStringLiteral("xcb")), QStringLiteral("xcb-_42"));
    QVERIFY(b.claim());
}

void tst_TrayUi::translationsBuiltIn_data()
{
    QTest::addColumn<QLocale>("locale");
    QTest::addColumn<QString>("notRunning");
    QTest::addColumn<QString>("details");
    QTest::addColumn<QString>("windowTitle");
    QTest::newRow("de") << QLocale(QLocale::German, QLocale::Austria) << "Gastagent läuft nicht"
                        << "Details anzeigen" << "Status des QEMU-Gastagenten";
    QTest::newRow("fr") << QLocale(QLocale::French, QLocale::Canada) << "L’agent invité ne fonctionne pas"
                        << "Afficher les détails" << "État de l’agent invité QEMU";
}

void tst_TrayUi::translationsBuiltIn()
{
    QFETCH(QLocale, locale);
    QFETCH(QString, notRunning);
    QFETCH(QString, details);
    QFETCH(QString, windowTitle);
    // As main() loads it: by the user's locale, from the resources.
    QTranslator translator;
    QVERIFY(translator.load(locale, QStringLiteral("qtga-tray"), QStringLiteral("_"), QStringLiteral(":/i18n")));
    QVERIFY(QCoreApplication::installTranslator(&translator));
    QCOMPARE(trayStateTitle(TrayState::NotRunning), notRunning);
    QCOMPARE(QCoreApplication::translate("qtga::DesktopNotifier", "Show details"), details);
    StatusClient client(QStringLiteral("/nonexistent/qtga-status.sock"));
    StatusWindow window(client);
    QCOMPARE(window.windowTitle(), windowTitle);
    QCOMPARE(window.stateTitle(), notRunning);
    QVERIFY(QCoreApplication::removeTranslator(&translator));
    QCOMPARE(trayStateTitle(TrayState::NotRunning), QStringLiteral("Guest agent not running"));
}

QTEST_MAIN(tst_TrayUi)
#include "tst_trayui.moc"
