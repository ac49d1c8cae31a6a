#!/bin/sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# test-packages.sh BUILD_DIR WORK_DIR: builds the Debian packages with cpack and checks them
# without touching this machine's packages:
# control fields, file lists and conffiles with dpkg-deb, lintian, the extracted agent (-V, the
# sample config through --dump-conf), the freeze hook, the units with systemd-analyze verify,
# and, as root with a static busybox, dpkg installs, upgrades, removals and purges in a throwaway
# chroot that prove the maintainer scripts (deb-systemd-helper's enable and keep-the-admin's-
# choice semantics, the alias after remove and reinstall, policy-rc.d), the versioned Provides,
# and that an admin's /etc/qemu/qemu-ga.conf stays untouched without a question. Exit 77 (skip) without dpkg-deb or when the prefix is not /usr.
set -eu
build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/checks.sh"
need_tools "apt install dpkg-dev cmake" cpack dpkg-deb dpkg-shlibdeps
need_usr_prefix
make_packages DEB
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
check "qtga Provides: qemu-guest-agent (= 1:$QTGA_COMPAT_VERSION), for versioned Depends" sh -c \
    "dpkg-deb -f '$agent_deb' Provides | tr ',' '\n' | sed 's/^ *//' | grep -qx 'qemu-guest-agent (= 1:$QTGA_COMPAT_VERSION)'"
check "qtga Depends on init-system-helpers (deb-systemd-helper)" has_item "$agent_deb" Depends init-system-helpers
for deb in "$agent_deb" $tray_deb; do
    name=$(field "$deb" Package)
    check "$name Multi-Arch: foreign" test "$(field "$deb" Multi-Arch)" = foreign
    check "$name Maintainer: $QTGA_MAINTAINER" test "$(field "$deb" Maintainer)" = "$QTGA_MAINTAINER"
    check "$name Homepage: $QTGA_HOMEPAGE" test "$(field "$deb" Homepage)" = "$QTGA_HOMEPAGE"
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
    /usr/share/doc/qtga/examples/qemu-ga.conf /etc/qemu/fsfreeze-hook /etc/qemu/fsfreeze-hook.d /usr/share/man/man8/qtga-agent.8.gz \
    /usr/share/man/man8/qemu-ga.8.gz /usr/share/doc/qtga/copyright /usr/share/doc/qtga/changelog.gz /etc/logrotate.d/qtga; do
    check "qtga contains $path" grep -qx "$path" "$work/agent.files"
done
check "qtga does not contain the tray" sh -c "! grep -q qtga-tray '$work/agent.files'"
dpkg-deb -I "$agent_deb" conffiles >"$work/agent.conffiles"
check "qtga does not ship /etc/qemu/qemu-ga.conf (the admin's file)" sh -c "! grep -qx /etc/qemu/qemu-ga.conf '$work/agent.files' '$work/agent.conffiles'"
check "qtga conffiles: the hook" grep -qx /etc/qemu/fsfreeze-hook "$work/agent.conffiles"
check "qtga conffiles: the logrotate file" grep -qx /etc/logrotate.d/qtga "$work/agent.conffiles"
for script in postinst prerm postrm; do
    check "qtga has $script" sh -c "dpkg-deb -I '$agent_deb' $script >/dev/null"
done

if [ -n "$tray_deb" ]; then
    check "qtga-tray Depends on libqt6widgets6 (shlibdeps)" has_item "$tray_deb" Depends libqt6widgets6
    check "qtga-tray Depends on libqt6svg6 (shlibdeps)" has_item "$tray_deb" Depends libqt6svg6
    dpkg-deb -c "$tray_deb" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' >"$work/tray.files"
    for path in /usr/bin/qtga-tray /etc/xdg/autostart/qtga-tray.desktop /usr/share/applications/qtga-tray.desktop \
        /usr/share/icons/hicolor/scalable/apps/qtga-tray.svg /usr/share/man/man1/qtga-tray.1.gz \
        /usr/share/doc/qtga-tray/copyright /usr/share/doc/qtga-tray/changelog.gz; do
        check "qtga-tray contains $path" grep -qx "$path" "$work/tray.files"
    done
    check "qtga-tray does not contain the agent" sh -c "! grep -q qtga-agent '$work/tray.files'"
    check "qtga-tray conffiles" sh -c "dpkg-deb -I '$tray_deb' conffiles | grep -qx /etc/xdg/autostart/qtga-tray.desktop"
fi

# lintian, as Debian's archive runs it: no errors, and no warning but the ones explained here
# (tag, package, why it stays).
explained_warnings='
systemd-service-file-refers-to-unusual-wantedby-target qtga: qtga-agent.service is wanted by the device unit of the host'"'"'s virtio-serial port, as upstream QEMU'"'"'s qemu-guest-agent.service is; that is what starts the agent when the host adds the port, and [Install] is what makes its alias qemu-guest-agent.service
'
if command -v lintian >/dev/null 2>&1; then
    lintian --allow-root $agent_deb $tray_deb >"$work/lintian.txt" 2>&1 || true
    sed 's/^/lintian: /' "$work/lintian.txt"
    if grep -q '^E: ' "$work/lintian.txt"; then bad "lintian: errors"; else ok "lintian: no errors"; fi
    grep '^W: ' "$work/lintian.txt" | while read -r _ package tag _; do
        package=${package%:}
        if echo "$explained_warnings" | grep -q "^$tag $package: "; then
            echo "ok: lintian warning $tag ($package) is explained"
        else
            echo "FAIL: lintian warning $tag ($package) is not explained in this test"
        fi
    done >"$work/lintian-warnings.txt"
    cat "$work/lintian-warnings.txt"
    grep -q '^FAIL' "$work/lintian-warnings.txt" && fail=1
else
    echo "skip: lintian (apt install lintian)"
fi

# The extracted agent runs and reads the sample config.
x=$work/extracted
dpkg-deb -x "$agent_deb" "$x"
check "qtga-agent -V: qemu-ga's first line, then qtga's" sh -c \
    "'$x/usr/sbin/qtga-agent' -V | head -n 1 | grep -qx 'QEMU Guest Agent [0-9.]*' && '$x/usr/sbin/qtga-agent' -V | sed -n 2p | grep -q '^qtga '"
check "qtga: /usr/sbin/qemu-ga is a symlink to qtga-agent" sh -c "test \"\$(readlink '$x/usr/sbin/qemu-ga')\" = qtga-agent"
check "qemu-ga.8.gz is a link to qtga-agent.8.gz" test "$(readlink "$x/usr/share/man/man8/qemu-ga.8.gz")" = qtga-agent.8.gz
check "the changelog is gzip -9n (no name, no time stamp)" sh -c "gzip -lv '$x/usr/share/doc/qtga/changelog.gz' >/dev/null && [ \"\$(od -An -tu4 -j4 -N4 '$x/usr/share/doc/qtga/changelog.gz' | tr -d ' ')\" = 0 ]"
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

# dpkg -i, -r and -P in a throwaway root. The maintainer scripts run chrooted there with the
# real deb-systemd-helper and deb-systemd-invoke (and the perl they need), busybox for the
# shell, and stand-ins for systemctl, getent and groupadd that record their calls. The
# systemctl stand-in hands `systemctl --root=/ preset` (how deb-systemd-helper enables a unit
# on its first installation) to the real systemctl, which works offline.
busybox=$(command -v busybox || true)
if [ "$(id -u)" -ne 0 ] || [ -z "$busybox" ] || ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked' \
    || [ ! -x /usr/bin/deb-systemd-helper ] || [ ! -x /usr/bin/perl ] || [ ! -x /usr/bin/systemctl ]; then
    echo "skip: dpkg round trip (needs root, a static busybox, perl, systemctl and init-system-helpers)"
else
    r=$work/dpkg-root
    etc=$r/etc/systemd/system
    state=$r/var/lib/systemd/deb-systemd-helper-enabled
    mkdir -p "$r/bin" "$r/dev" "$r/etc" "$r/usr/bin" "$r/usr/sbin" "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" \
        "$r/var/lib/dpkg/triggers" "$r/var/log" "$r/tmp"
    echo "root:x:0:" >"$r/etc/group"
    : >"$r/var/lib/dpkg/status"
    : >"$r/var/lib/dpkg/available"
    : >"$r/dev/null"
    cp "$busybox" "$r/bin/busybox"
    for applet in sh rm ln mkdir cat grep; do ln -s busybox "$r/bin/$applet"; done
    cp /usr/bin/perl /usr/bin/deb-systemd-helper /usr/bin/deb-systemd-invoke "$r/usr/bin/"
    mkdir -p "$r/usr/libexec"
    cp /usr/bin/systemctl "$r/usr/libexec/systemctl.real"
    for lib in $( (ldd /usr/bin/perl; ldd /usr/bin/systemctl) | sed -n 's|.*=> \(/[^ ]*\).*|\1|p; s|^[[:space:]]*\(/[^ ]*\) .*|\1|p'); do
        mkdir -p "$r$(dirname "$lib")"
        cp -L "$lib" "$r$lib"
    done
    perl_lib=$(dirname "$(perl -e 'use strict; print $INC{"strict.pm"}')")
    mkdir -p "$r$perl_lib"
    cp -a "$perl_lib/." "$r$perl_lib/"
    printf '#!/bin/sh\necho "$*" >>/var/log/systemctl.log\ncase " $* " in\n*" preset "*) exec /usr/libexec/systemctl.real "$@" ;;\n*" is-enabled "*) echo enabled ;;\nesac\nexit 0\n' \
        >"$r/usr/bin/systemctl"
    printf '#!/bin/sh\necho "$*" >>/var/log/groupadd.log\necho "qtga:x:999:" >>/etc/group\n' >"$r/usr/sbin/groupadd"
    printf '#!/bin/sh\n[ "$1" = group ] && grep "^$2:" /etc/group\n' >"$r/usr/bin/getent"
    chmod 755 "$r/usr/bin/systemctl" "$r/usr/sbin/groupadd" "$r/usr/bin/getent"
    # stdin is /dev/null: a conffile question would fail the installation.
    dpkg_root() {
        LC_ALL=C dpkg --root="$r" --force-not-root --force-depends --force-bad-path "$@" </dev/null >>"$work/dpkg.log" 2>&1
    }
    install_ok() {
        if dpkg_root -i "$agent_deb"; then ok "dpkg -i qtga: $1"; else cat "$work/dpkg.log"; bad "dpkg -i qtga: $1"; fi
    }
    alias=$etc/qemu-guest-agent.service
    wants='dev-virtio\x2dports-org.qemu.guest_agent.0.device.wants/qtga-agent.service'
    unit=$QTGA_UNIT_DIR/qtga-agent.service
    # enabled: the alias and the udev wants link point to the unit, which is there.
    enabled() { [ "$(readlink "$alias")" = "$unit" ] && [ "$(readlink "$etc/$wants")" = "$unit" ] && [ -f "$r$unit" ]; }
    disabled() { [ ! -L "$alias" ] && [ ! -L "$etc/$wants" ]; }

    # The admin's own config, there before the package: used untouched, never asked about.
    mkdir -p "$r/etc/qemu"
    printf '# written by the admin\n[general]\nverbose=true\n' >"$r/etc/qemu/qemu-ga.conf"
    cp "$r/etc/qemu/qemu-ga.conf" "$work/admin.conf"

    install_ok "first installation, into a throwaway root"
    check "installed: the agent" test -x "$r/usr/sbin/qtga-agent"
    check "installed over the admin's config, unattended: the file is untouched" cmp -s "$work/admin.conf" "$r/etc/qemu/qemu-ga.conf"
    check "installed: the sample config" test -f "$r/usr/share/doc/qtga/examples/qemu-ga.conf"
    check "first installation: qtga-agent.service enabled, alias qemu-guest-agent.service" enabled
    check "first installation: the sockets stay off" sh -c "! ls '$etc/sockets.target.wants' 2>/dev/null | grep -q qtga"
    check "no systemd running: nothing started, stopped or reloaded" sh -c "! grep -q 'start\|stop\|reload' '$r/var/log/systemctl.log'"
    check "postinst created the status socket's group" grep -qx -- "--system qtga" "$r/var/log/groupadd.log"

    # The admin's choice survives an upgrade: disabled (what `systemctl disable` removes) stays
    # disabled, an enabled socket stays enabled.
    rm -f "$alias" "$etc/$wants"
    mkdir -p "$etc/sockets.target.wants"
    ln -s "$QTGA_UNIT_DIR/qtga-agent.socket" "$etc/sockets.target.wants/qtga-agent.socket"
    install_ok "upgrade"
    check "upgrade: the admin's disabled service stays disabled" disabled
    check "upgrade: the admin's enabled socket stays enabled" test -L "$etc/sockets.target.wants/qtga-agent.socket"
    check "upgrade: the existing group is kept" test "$(wc -l <"$r/var/log/groupadd.log")" -eq 1
    # ... and an enabled one stays enabled (`systemctl enable` makes the links again).
    ln -s "$unit" "$alias"
    ln -s "$unit" "$etc/$wants"
    install_ok "upgrade of an enabled agent"
    check "upgrade: the enabled service stays enabled" enabled

    echo "# changed by the admin" >>"$r/etc/qemu/fsfreeze-hook"
    if dpkg_root -r qtga; then ok "dpkg -r qtga"; else cat "$work/dpkg.log"; bad "dpkg -r qtga"; fi
    check "removed: the agent" test ! -e "$r/usr/sbin/qtga-agent"
    check "removed: the units" test ! -e "$r$unit"
    check "kept after remove: the admin's config, untouched" cmp -s "$work/admin.conf" "$r/etc/qemu/qemu-ga.conf"
    check "kept after remove: the changed conffile (the hook)" grep -q "changed by the admin" "$r/etc/qemu/fsfreeze-hook"
    install_ok "reinstallation after remove"
    check "reinstalled: qtga-agent.service enabled again, the alias qemu-guest-agent.service is back" enabled

    if dpkg_root -P qtga; then ok "dpkg -P qtga"; else cat "$work/dpkg.log"; bad "dpkg -P qtga"; fi
    check "purged: the conffile (the hook)" test ! -e "$r/etc/qemu/fsfreeze-hook"
    check "purged: the enablement links" disabled
    check "purged: deb-systemd-helper's record" test ! -e "$state/qtga-agent.service.dsh-also"
    check "kept after purge: the admin's config, untouched" cmp -s "$work/admin.conf" "$r/etc/qemu/qemu-ga.conf"

    # With systemd running and the host's port present, starting and stopping go through
    # deb-systemd-invoke, which asks policy-rc.d (101: not now, as in image builds).
    mkdir -p "$r/run/systemd/system" "$r/dev/virtio-ports"
    : >"$r/dev/virtio-ports/org.qemu.guest_agent.0"
    printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
    chmod 755 "$r/usr/sbin/policy-rc.d"
    : >"$r/var/log/systemctl.log"
    install_ok "installation under systemd with policy-rc.d saying 101"
    check "policy-rc.d 101: enabled, not started" sh -c "grep -q daemon-reload '$r/var/log/systemctl.log' && ! grep -q 'start' '$r/var/log/systemctl.log'"
    check "policy-rc.d 101: still enabled" enabled
    rm "$r/usr/sbin/policy-rc.d"
    install_ok "upgrade under systemd without policy-rc.d"
    check "no policy-rc.d: the upgrade restarts the agent" grep -q -- "--system restart qtga-agent.service" "$r/var/log/systemctl.log"
    printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
    chmod 755 "$r/usr/sbin/policy-rc.d"
    if dpkg_root -r qtga; then ok "dpkg -r qtga under systemd"; else cat "$work/dpkg.log"; bad "dpkg -r qtga under systemd"; fi
    check "policy-rc.d 101: the removal stops nothing" sh -c "! grep -q '^stop' '$r/var/log/systemctl.log'"
    rm "$r/usr/sbin/policy-rc.d"
    install_ok "installation under systemd"
    if dpkg_root -r qtga; then ok "dpkg -r qtga under systemd"; else cat "$work/dpkg.log"; bad "dpkg -r qtga under systemd"; fi
    check "no policy-rc.d: the removal stops the agent" grep -q "^stop .*qtga-agent.service" "$r/var/log/systemctl.log"

    # A versioned dependency on qemu-guest-agent is met by qtga's Provides, one above it is not
    # (dpkg's own check, without --force-depends).
    install_ok "for the dependency checks"
    for dep in "1:7.2" "1:99"; do
        d=$work/needs-$dep
        mkdir -p "$d/DEBIAN"
        printf 'Package: needs-qga\nVersion: 1\nArchitecture: all\nMaintainer: test <test@example.org>\nDepends: qemu-guest-agent (>= %s)\nDescription: test\n' \
            "$dep" >"$d/DEBIAN/control"
        dpkg-deb --root-owner-group -b "$d" "$work/needs-$dep.deb" >/dev/null
    done
    if LC_ALL=C dpkg --root="$r" --force-not-root --force-bad-path -i "$work/needs-1:7.2.deb" </dev/null >>"$work/dpkg.log" 2>&1; then
        ok "Depends: qemu-guest-agent (>= 1:7.2) is met by qtga"
    else
        bad "Depends: qemu-guest-agent (>= 1:7.2) is not met by qtga"
    fi
    if LC_ALL=C dpkg --root="$r" --force-not-root --force-bad-path -i "$work/needs-1:99.deb" </dev/null >>"$work/dpkg.log" 2>&1; then
        bad "Depends: qemu-guest-agent (>= 1:99) was met"
    else
        ok "Depends: qemu-guest-agent (>= 1:99) is not met"
    fi
fi

[ $fail -eq 0 ] || { echo "FAILED"; exit 1; }
echo "all package checks passed"
