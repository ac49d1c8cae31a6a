// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

#include "statuscolors.h"

#include <QtMath>

namespace qtga {

namespace {

qreal relativeLuminance(const QColor &color)
{
    const auto channel = [](qreal c) { return c <= 0.03928 ? c / 12.92 : qPow((c + 0.055) / 1.055, 2.4); };
    const QColor rgb = color.toRgb();
    return 0.2126 * channel(rgb.redF()) + 0.7152 * channel(rgb.greenF()) + 0.0722 * channel(rgb.blueF());
}

} // namespace

QColor statusColor(StatusColor role, const QPalette &palette)
{
    const bool dark = relativeLuminance(palette.color(QPalette::Base)) < 0.18;
    switch (role) {
    case StatusColor::Good: return dark ? QColor(0x6f, 0xd3, 0x8b) : QColor(0x1b, 0x73, 0x36);
    case StatusColor::Waiting: return dark ? QColor(0xf0, 0xb6, 0x4a) : QColor(0x80, 0x52, 0x00);
    case StatusColor::Bad: return dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e);
    case StatusColor::Frozen: return dark ? QColor(0x7f, 0xb5, 0xff) : QColor(0x1d, 0x5f, 0xb0);
    }
    return palette.color(QPalette::Text);
}

qreal contrastRatio(const QColor &a, const QColor &b)
{
    const qreal la = relativeLuminance(a);
    const qreal lb = relativeLuminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}

} // namespace qtga
