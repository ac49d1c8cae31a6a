// SPDX-FileCopyrightText: 2026 The qtga authors
//
// SPDX-License-Identifier: GPL-2.0-or-later

// The tray's icons, from the SVG files in the resources, at any size and scale.
#pragma once

#include "traystate.h"

#include <QIcon>

namespace qtga {

QIcon stateIcon(TrayState state);
QIcon applicationIcon();

} // namespace qtga
