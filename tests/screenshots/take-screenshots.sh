#!/usr/bin/env bash

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# Retakes the README's pictures of qtga-tray into docs/ from a run of the desktop test
# (tests/desktop/test-desktop.sh: Xvfb, a session bus, dunst, xfce4-panel, the real agent):
# the tray icon in each state, the status window light, dark, at scale 2 and without access.
# Needs what the test needs (./.ci/deps) plus ImageMagick and Qt's GTK platform theme (for the
# dark picture): apt-get install imagemagick qt6-gtk-platformtheme. Build first (or BUILD=dir).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
[ -x "$build/tray/qtga-tray" ] || { echo "no $build/tray/qtga-tray; build first"; exit 1; }
exec tests/desktop/test-desktop.sh "$build" docs
