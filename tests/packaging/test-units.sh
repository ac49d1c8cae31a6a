#!/bin/sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# test-units.sh BUILD_DIR WORK_DIR: cmake --install with DESTDIR puts every file in its place,
# and the installed systemd units pass systemd-analyze verify.
set -eu
build=$1
work=$2
here=$(dirname "$0")
rm -rf "$work"
mkdir -p "$work"
DESTDIR=$work/root cmake --install "$build" >"$work/install.log"
root=$work/root
prefix=$root$QTGA_INSTALL_PREFIX
fail=0
expect() {
    if [ -e "$1" ]; then echo "ok: ${1#"$root"}"; else echo "FAIL: missing ${1#"$root"}"; fail=1; fi
}
expect "$prefix/sbin/qtga-agent"
expect "$root$QTGA_UNIT_DIR/qtga-agent.service"
expect "$root$QTGA_UNIT_DIR/qtga-agent.socket"
expect "$root$QTGA_UNIT_DIR/qtga-agent-socket.service"
expect "$root$QTGA_UNIT_DIR/qtga-agent-vsock.socket"
expect "$root$QTGA_UNIT_DIR/qtga-agent-vsock.service"
expect "$prefix/share/man/man8/qtga-agent.8.gz"
expect "$prefix/share/man/man8/qemu-ga.8.gz"
expect "$prefix/share/doc/qtga/examples/qemu-ga.conf"
if [ "$QTGA_INSTALL_PREFIX" = /usr ]; then
    expect "$root/lib/udev/rules.d/60-qtga-agent.rules"
    [ ! -e "$root/etc/qemu/qemu-ga.conf" ] || { echo "FAIL: /etc/qemu/qemu-ga.conf is the admin's, not installed"; fail=1; }
    expect "$root/etc/qemu/fsfreeze-hook"
    expect "$root/etc/qemu/fsfreeze-hook.d"
fi
if [ -e "$prefix/bin/qtga-tray" ]; then
    expect "$prefix/share/man/man1/qtga-tray.1.gz"
    expect "$prefix/share/icons/hicolor/scalable/apps/qtga-tray.svg"
    expect "$prefix/share/applications/qtga-tray.desktop"
fi
[ -x "$root/etc/qemu/fsfreeze-hook" ] || [ "$QTGA_INSTALL_PREFIX" != /usr ] || { echo "FAIL: hook not executable"; fail=1; }

# The logrotate file rotates the agent's log and makes the agent reopen it (SIGHUP through
# systemctl, a stand-in here that records its arguments); run by logrotate itself on a copy
# whose /var/log paths point into the work folder.
logrotate_conf=$root${QTGA_SYSCONFDIR:-/etc}/logrotate.d/qtga
expect "$logrotate_conf"
if command -v logrotate >/dev/null 2>&1 && [ -f "$logrotate_conf" ]; then
    mkdir -p "$work/log" "$work/bin"
    sed "s|/var/log/|$work/log/|" "$logrotate_conf" >"$work/logrotate.conf"
    printf '#!/bin/sh
echo "$*" >>"%s/systemctl.log"
' "$work" >"$work/bin/systemctl"
    chmod 755 "$work/bin/systemctl"
    echo "1795566569.936668: info: a line" >"$work/log/qemu-ga.log"
    echo "a hook line" >"$work/log/qga-fsfreeze-hook.log"
    if PATH=$work/bin:$PATH logrotate --force --state "$work/logrotate.state" "$work/logrotate.conf" >"$work/logrotate.log" 2>&1         && [ -s "$work/log/qemu-ga.log.1" ] && [ ! -s "$work/log/qemu-ga.log" ]         && grep -qx "kill --kill-whom=main --signal=HUP qtga-agent.service qtga-agent-socket.service qtga-agent-vsock.service" "$work/systemctl.log"         && [ -s "$work/log/qga-fsfreeze-hook.log.1.gz" ]; then
        echo "ok: logrotate rotates both logs and sends the agent SIGHUP"
    else
        cat "$work/logrotate.log"; ls -l "$work/log"; echo "FAIL: logrotate"; fail=1
    fi
else
    echo "skip: logrotate (apt install logrotate)"
fi
[ $fail -eq 0 ] || exit 1
sh "$here/verify-units.sh" "$root"
