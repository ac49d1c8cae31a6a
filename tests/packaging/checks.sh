# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# Sourced by the packaging tests: one line per check, and $fail set once any check fails.
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }

# Skips the test (exit 77) unless every tool named after $1 is on the PATH; $1 says how to get them.
need_tools() {
    hint=$1
    shift
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: no $tool ($hint)"; exit 77; }
    done
}

# Skips the test unless the build installs into /usr, as packages must.
need_usr_prefix() {
    [ "$QTGA_INSTALL_PREFIX" = /usr ] || { echo "SKIP: packages need CMAKE_INSTALL_PREFIX=/usr"; exit 77; }
}

# Makes the packages of CPack generator $1 from $build into $work/out, in a fresh $work.
make_packages() {
    rm -rf "$work"
    mkdir -p "$work"
    (cd "$work" && cpack -G "$1" --config "$build/CPackConfig.cmake" -B "$work/out") >"$work/cpack.log" 2>&1 || {
        cat "$work/cpack.log"; echo "FAIL: cpack -G $1"; exit 1; }
}
