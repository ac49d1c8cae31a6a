// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The colours the status window marks states with, chosen for the palette they are drawn on:
// darker shades on a light base, lighter ones on a dark base, so that each stays readable
// (WCAG contrast of at least 4.5 against the palette's base) in light and dark themes alike.
#pragma once

#include <QColor>
#include <QPalette>

namespace qtga {

enum class StatusColor { Good, Waiting, Bad, Frozen };

QColor statusColor(StatusColor role, const QPalette &palette);

// WCAG 2 contrast ratio of two colours (1 to 21).
qreal contrastRatio(const QColor &a, const QColor &b);

} // namespace qtga
