#!/bin/sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# test-build-options.sh SOURCE_DIR WORK_DIR: configures (does not build) the project as a
# distribution's build would, with -DBUILD_TESTING=OFF and an explicit
# -DCMAKE_INSTALL_PREFIX=/usr/local: no test is registered and nothing is fetched for the tests,
# the prefix is kept, and the paths compiled into the agent and written into the units follow it.
set -eu
src=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
. "$(dirname "$0")/checks.sh"

b=$work/build
if cmake -S "$src" -B "$b" -DBUILD_TESTING=OFF -DCMAKE_INSTALL_PREFIX=/usr/local -DQTGA_BUILD_TRAY=OFF \
    >"$work/configure.log" 2>&1; then
    ok "configured with BUILD_TESTING=OFF and CMAKE_INSTALL_PREFIX=/usr/local"
else
    cat "$work/configure.log"; echo "FAIL: configure"; exit 1
fi
check "BUILD_TESTING=OFF: no tests folder" test ! -e "$b/tests"
check "BUILD_TESTING=OFF: no reference qemu-ga fetched" sh -c "! grep -q 'Reference qemu-ga\\|qemu-guest-agent' '$work/configure.log'"
check "BUILD_TESTING=OFF: ctest finds no test" sh -c "cd '$b' && ctest -N | grep -qx 'Total Tests: 0'"
check "the prefix is kept" grep -qx 'CMAKE_INSTALL_PREFIX:PATH=/usr/local' "$b/CMakeCache.txt"
check "the compiled-in config and hook folder follows it" grep -qx '#define QTGA_CONFIG_DIR "/usr/local/etc/qemu"' "$b/common/qtga_version.h"
check "the unit starts the agent from it" grep -qx 'ExecStart=/usr/local/sbin/qtga-agent' "$b/installers/systemd/qtga-agent.service"
[ $fail -eq 0 ] || { echo "FAILED"; exit 1; }
echo "the build options are honoured"
