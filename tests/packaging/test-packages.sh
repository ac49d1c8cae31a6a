#!/bin/sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# test-packages.sh BUILD_DIR WORK_DIR: builds the Debian packages with cpack and checks them
# without touching this machine's packages:
# control fields, file lists and conffiles with dpkg-deb, the extracted agent (-V, the sample
# config through --dump-conf), the freeze hook, the units with systemd-analyze verify, and, as
# root with a static busybox, a dpkg install, removal and purge in a throwaway chroot that proves
# the maintainer scripts and that an admin's /etc/qemu/qemu-ga.conf stays untouched without a
# question. Exit 77 (skip) without dpkg-deb or when the prefix is not /usr.
set -eu
build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps; do
    command -v $tool >/dev/null 2>&1 || { echo "SKIP: no $tool (apt install dpkg-dev cmake)"; exit 77; }
done
[ "$QTGA_INSTALL_PREFIX" = /usr ] || { echo "SKIP: packages need CMAKE_INSTALL_PREFIX=/usr"; exit 77; }

fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }

rm -rf "$work"
mkdir -p "$work"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out") >"$work/cpack.log" 2>&1 || {
    cat "$work/cpack.log"; echo "FAIL: cpack"; exit 1; }
arch=$(dpkg --print-architecture)
agent_deb=$(ls "$work"/out/qtga_*_"$arch".deb)
ok "built $(basename "$agent_deb")"
tray_deb=$(ls "$work"/out/qtga-tray_*_"$arch".deb 2>/dev/null || true)
[ -z "$tray_deb" ] || ok "built $(basename "$tray_deb")"

field() { dpkg-deb -f "$1" "$2"; }
has_item() { field "$1" "$2" | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -qx "$3"; }

# The agent package: replaces qemu-guest-agent, depends on Qt Core but not on the widgets.
for f in Conflicts Replaces Provides; do
    check "qtga $f: qemu-guest-agent" has_item "$agent_deb" $f qemu-guest-agent
done
check "qtga Depends on libqt6core6 (shlibdeps)" has_item "$agent_deb" Depends libqt6core6
check "qtga Depends on libc6 (shlibdeps)" has_item "$agent_deb" Depends libc6
if has_item "$agent_deb" Depends libqt6widgets6 || has_item "$agent_deb" Depends libqt6gui6; then
    bad "qtga must not depend on Qt Gui/Widgets: $(field "$agent_deb" Depends)"
else
    ok "qtga does not depend on Qt Gui/Widgets"
fi
dpkg-deb -c "$agent_deb" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' >"$work/agent.files"
for path in /usr/sbin/qtga-agent /usr/sbin/qemu-ga /lib/systemd/system/qtga-agent.service /lib/systemd/system/qtga-agent.socket \
    /lib/systemd/system/qtga-agent-socket.service /lib/systemd/system/qtga-agent-vsock.socket \
    /lib/systemd/system/qtga-agent-vsock.service /lib/udev/rules.d/60-qtga-agent.rules \
    /usr/share/doc/qtga/examples/qemu-ga.conf /etc/qemu/fsfreeze-hook /etc/qemu/fsfreeze-hook.d /usr/share/man/man8/qtga-agent.8; do
    check "qtga contains $path" grep -qx "$path" "$work/agent.files"
done
check "qtga does not contain the tray" sh -c "! grep -q qtga-tray '$work/agent.files'"
dpkg-deb -I "$agent_deb" conffiles >"$work/agent.conffiles"
check "qtga does not ship /etc/qemu/qemu-ga.conf (the admin's file)" sh -c "! grep -qx /etc/qemu/qemu-ga.conf '$work/agent.files' '$work/agent.conffiles'"
check "qtga conffiles: the hook" grep -qx /etc/qemu/fsfreeze-hook "$work/agent.conffiles"
for script in postinst prerm postrm; do
    check "qtga has $script" sh -c "dpkg-deb -I '$agent_deb' $script >/dev/null"
done

if [ -n "$tray_deb" ]; then
    check "qtga-tray Depends on libqt6widgets6 (shlibdeps)" has_item "$tray_deb" Depends libqt6widgets6
    check "qtga-tray Depends on libqt6svg6 (shlibdeps)" has_item "$tray_deb" Depends libqt6svg6
    dpkg-deb -c "$tray_deb" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' >"$work/tray.files"
    for path in /usr/bin/qtga-tray /etc/xdg/autostart/qtga-tray.desktop /usr/share/applications/qtga-tray.desktop \
        /usr/share/icons/hicolor/scalable/apps/qtga-tray.svg /usr/share/man/man1/qtga-tray.1; do
        check "qtga-tray contains $path" grep -qx "$path" "$work/tray.files"
    done
    check "qtga-tray does not contain the agent" sh -c "! grep -q qtga-agent '$work/tray.files'"
    check "qtga-tray conffiles" sh -c "dpkg-deb -I '$tray_deb' conffiles | grep -qx /etc/xdg/autostart/qtga-tray.desktop"
fi

# The extracted agent runs and reads the sample config.
x=$work/extracted
dpkg-deb -x "$agent_deb" "$x"
check "qtga-agent -V" sh -c "'$x/usr/sbin/qtga-agent' -V | grep -q 'QEMU Guest Agent'"
check "qtga: /usr/sbin/qemu-ga is a symlink to qtga-agent" sh -c "test \"\$(readlink '$x/usr/sbin/qemu-ga')\" = qtga-agent"
check "qemu-ga -V (through the symlink)" sh -c "'$x/usr/sbin/qemu-ga' -V | grep -q 'QEMU Guest Agent'"
if "$x/usr/sbin/qtga-agent" -c "$x/usr/share/doc/qtga/examples/qemu-ga.conf" --dump-conf >"$work/dump.conf" 2>"$work/dump.err"; then
    ok "the sample config parses (--dump-conf)"
else
    cat "$work/dump.err"; bad "the sample config parses (--dump-conf)"
fi
printf '[general]\n' >"$work/empty.conf"
"$x/usr/sbin/qtga-agent" -c "$work/empty.conf" --dump-conf >"$work/dump-empty.conf"
check "the sample config changes no default" cmp -s "$work/dump.conf" "$work/dump-empty.conf"

# The packaged hook is the one tst_freezehook compares with qemu-guest-agent's.
check "the packaged freeze hook is installers/fsfreeze-hook" cmp -s "$x/etc/qemu/fsfreeze-hook" "$here/../../installers/fsfreeze-hook"
check "the packaged freeze hook is executable" test -x "$x/etc/qemu/fsfreeze-hook"

if sh "$here/verify-units.sh" "$x"; then :; else
    [ $? -eq 77 ] && echo "skip: systemd-analyze verify" || bad "systemd-analyze verify"
fi

# dpkg -i, -r and -P in a throwaway root; the maintainer scripts run chrooted there, with
# systemctl and groupadd stand-ins that record their calls.
busybox=$(command -v busybox || true)
if [ "$(id -u)" -ne 0 ] || [ -z "$busybox" ] || ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked'; then
    echo "skip: dpkg round trip (needs root and a static busybox)"
else
    r=$work/dpkg-root
    mkdir -p "$r/bin" "$r/dev" "$r/etc" "$r/usr/bin" "$r/usr/sbin" "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" \
        "$r/var/lib/dpkg/triggers" "$r/var/log" "$r/tmp"
    echo "root:x:0:" >"$r/etc/group"
    : >"$r/var/lib/dpkg/status"
    : >"$r/var/lib/dpkg/available"
    : >"$r/dev/null"
    cp "$busybox" "$r/bin/busybox"
    for applet in sh rm ln mkdir cat grep; do ln -s busybox "$r/bin/$applet"; done
    printf '#!/bin/sh\necho "$*" >>/var/log/systemctl.log\n' >"$r/usr/bin/systemctl"
    printf '#!/bin/sh\necho "$*" >>/var/log/groupadd.log\necho "qtga:x:999:" >>/etc/group\n' >"$r/usr/sbin/groupadd"
    chmod 755 "$r/usr/bin/systemctl" "$r/usr/sbin/groupadd"
    # stdin is /dev/null: a conffile question would fail the installation.
    dpkg_root() { dpkg --root="$r" --force-not-root --force-depends --force-bad-path "$@" </dev/null >>"$work/dpkg.log" 2>&1; }
    # The admin's own config, there before the package: used untouched, never asked about.
    mkdir -p "$r/etc/qemu"
    printf '# written by the admin\n[general]\nverbose=true\n' >"$r/etc/qemu/qemu-ga.conf"
    cp "$r/etc/qemu/qemu-ga.conf" "$work/admin.conf"
    if dpkg_root -i "$agent_deb"; then ok "dpkg -i qtga in a throwaway root"; else cat "$work/dpkg.log"; bad "dpkg -i qtga"; fi
    check "installed: the agent" test -x "$r/usr/sbin/qtga-agent"
    check "installed over the admin's config, unattended: the file is untouched" cmp -s "$work/admin.conf" "$r/etc/qemu/qemu-ga.conf"
    check "installed: the sample config" test -f "$r/usr/share/doc/qtga/examples/qemu-ga.conf"
    check "postinst enabled qtga-agent.service" grep -qx "enable qtga-agent.service" "$r/var/log/systemctl.log"
    check "postinst did not reload a systemd that is not running" sh -c "! grep -q daemon-reload '$r/var/log/systemctl.log'"
    check "postinst created the status socket's group" grep -qx -- "--system qtga" "$r/var/log/groupadd.log"
    if dpkg_root -i "$agent_deb"; then ok "dpkg -i qtga again (upgrade)"; else cat "$work/dpkg.log"; bad "dpkg -i qtga again"; fi
    check "the upgrade kept the existing group" test "$(wc -l <"$r/var/log/groupadd.log")" -eq 1
    echo "# changed by the admin" >>"$r/etc/qemu/fsfreeze-hook"
    if dpkg_root -r qtga; then ok "dpkg -r qtga"; else cat "$work/dpkg.log"; bad "dpkg -r qtga"; fi
    check "removed: the agent" test ! -e "$r/usr/sbin/qtga-agent"
    check "removed: the units" test ! -e "$r/lib/systemd/system/qtga-agent.service"
    check "kept after remove: the admin's config, untouched" cmp -s "$work/admin.conf" "$r/etc/qemu/qemu-ga.conf"
    check "kept after remove: the changed conffile (the hook)" grep -q "changed by the admin" "$r/etc/qemu/fsfreeze-hook"
    check "prerm disabled the units" grep -q "^disable qtga-agent.service" "$r/var/log/systemctl.log"
    if dpkg_root -P qtga; then ok "dpkg -P qtga"; else cat "$work/dpkg.log"; bad "dpkg -P qtga"; fi
    check "purged: the conffile (the hook)" test ! -e "$r/etc/qemu/fsfreeze-hook"
    check "kept after purge: the admin's config, untouched" cmp -s "$work/admin.conf" "$r/etc/qemu/qemu-ga.conf"
fi

[ $fail -eq 0 ] || { echo "FAILED"; exit 1; }
echo "all package checks passed"
