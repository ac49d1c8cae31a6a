// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "icons.h"

#include <QHash>
#include <QPainter>
#include <QPixmap>
#include <QSvgRenderer>

static void initResources()
{
    Q_INIT_RESOURCE(qtga_tray);
}

namespace qtga {

namespace {

// Rendered by hand rather than through the SVG icon engine plugin, which may be missing.
QIcon renderSvg(const QString &path)
{
    static QHash<QString, QIcon> cache;
    if (const auto it = cache.constFind(path); it != cache.constEnd())
        return *it;
    initResources();
    QSvgRenderer renderer(path);
    QIcon icon;
    for (const int size : {16, 22, 24, 32, 48, 64, 128, 256}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        renderer.render(&painter);
        painter.end();
        icon.addPixmap(pixmap);
    }
    cache.insert(path, icon);
    return icon;
}

} // namespace

QIcon stateIcon(TrayState state)
{
    return renderSvg(trayStateIconPath(state));
}

QIcon applicationIcon()
{
    return renderSvg(QStringLiteral(":/qtga/icons/qtga-tray.svg"));
}

} // namespace qtga
