// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The tray's SVG icons, rendered at the sizes panels and windows ask for.
#pragma once

#include "traystate.h"

#include <QIcon>

namespace qtga {

QIcon stateIcon(TrayState state);
QIcon applicationIcon();

} // namespace qtga
