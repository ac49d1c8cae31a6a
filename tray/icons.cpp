// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "icons.h"

static void initResources()
{
    Q_INIT_RESOURCE(qtga_tray);
}

namespace qtga {

namespace {

// QIcon hands SVG files to Qt's SVG icon engine (libqt6svg6), which renders each size and
// device pixel ratio on demand: sharp in a 16 px panel and at a scale factor of 2 alike.
QIcon svgIcon(const QString &path)
{
    initResources();
    return QIcon(path);
}

} // namespace

QIcon stateIcon(TrayState state)
{
    return svgIcon(trayStateIconPath(state));
}

QIcon applicationIcon()
{
    return svgIcon(QStringLiteral(":/qtga/icons/qtga-tray.svg"));
}

} // namespace qtga
