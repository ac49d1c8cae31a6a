#!/bin/sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# verify-units.sh ROOT: runs systemd-analyze verify on the qtga units installed under ROOT.
# ExecStart names the installed path (/usr/sbin/qtga-agent), which exists only under ROOT, so
# the units are checked as copies whose ExecStart points into ROOT. Exit 77 without
# systemd-analyze.
set -eu
root=$1
command -v systemd-analyze >/dev/null 2>&1 || { echo "SKIP: no systemd-analyze"; exit 77; }
unit_dir=$root$QTGA_UNIT_DIR
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
for unit in "$unit_dir"/qtga-agent*; do
    sed "s|^ExecStart=$QTGA_SBINDIR/|ExecStart=$root$QTGA_SBINDIR/|" "$unit" >"$check/$(basename "$unit")"
done
grep -q "^ExecStart=$root" "$check/qtga-agent.service"
# verify also lints the units it loads as dependencies (the system's); only ours must be clean.
out=$(cd "$check" && SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no ./qtga-agent* 2>&1) || {
    echo "$out"; echo "FAIL: systemd-analyze verify"; exit 1; }
ours=$(printf '%s\n' "$out" | grep 'qtga' || true)
if [ -n "$ours" ]; then
    echo "$ours"; echo "FAIL: systemd-analyze verify complains about the qtga units"; exit 1
fi
echo "ok: systemd-analyze verify $(ls "$check" | tr '\n' ' ')"
