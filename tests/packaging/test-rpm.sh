#!/bin/sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# test-rpm.sh BUILD_DIR WORK_DIR: builds the RPMs with cpack (rpmbuild) and checks them as a
# Fedora packager would: tags, Provides/Obsoletes of qemu-guest-agent, files in Fedora's places,
# the systemd scriptlets, the unit and /etc/sysconfig/qemu-ga run through the agent, rpmlint with
# Fedora's settings after signing with a throwaway key, and, as root, `rpm --root` installs,
# verifies and erases them in a throwaway root (busybox for the scriptlets' shell). Exit 77
# (skip) without rpmbuild or when the prefix is not /usr.
set -eu
build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/checks.sh"
need_tools "apt install rpm cpio" cpack rpmbuild rpm rpm2cpio cpio
need_usr_prefix
make_packages RPM
agent_rpm=$(ls "$work"/out/qtga-[0-9]*.rpm)
tray_rpm=$(ls "$work"/out/qtga-tray-[0-9]*.rpm 2>/dev/null || true)
ok "built $(basename "$agent_rpm") ${tray_rpm:+$(basename "$tray_rpm")}"

tag() { rpm -qp --qf "%{$2}" "$1" 2>/dev/null; }
has_line() { rpm -qp "$2" "$1" 2>/dev/null | grep -qxF "$3"; }
v=2:$QTGA_COMPAT_VERSION-1
check "qtga Provides: qemu-guest-agent = $v" has_line "$agent_rpm" --provides "qemu-guest-agent = $v"
check "qtga Obsoletes: qemu-guest-agent < $v" has_line "$agent_rpm" --obsoletes "qemu-guest-agent < $v"
for rpm_file in "$agent_rpm" $tray_rpm; do
    name=$(tag "$rpm_file" NAME)
    check "$name License: GPL-2.0-or-later" test "$(tag "$rpm_file" LICENSE)" = GPL-2.0-or-later
    check "$name URL: $QTGA_HOMEPAGE" test "$(tag "$rpm_file" URL)" = "$QTGA_HOMEPAGE"
    check "$name Packager: $QTGA_MAINTAINER" test "$(tag "$rpm_file" PACKAGER)" = "$QTGA_MAINTAINER"
    check "$name has a %changelog" sh -c "rpm -qp --changelog '$rpm_file' 2>/dev/null | grep -q 'First release'"
done
check "qtga requires Qt Core but not Qt Gui/Widgets" sh -c "rpm -qp --requires '$agent_rpm' 2>/dev/null | grep -q libQt6Core && ! rpm -qp --requires '$agent_rpm' 2>/dev/null | grep -q 'libQt6Gui\|libQt6Widgets'"

rpm -qpl "$agent_rpm" 2>/dev/null >"$work/agent.files"
for path in /usr/bin/qtga-agent /usr/bin/qemu-ga /etc/sysconfig/qemu-ga /etc/qemu-ga/fsfreeze-hook \
    /etc/qemu-ga/fsfreeze-hook.d /usr/lib/systemd/system/qemu-guest-agent.service \
    /usr/lib/systemd/system/qtga-agent.socket /usr/lib/systemd/system/qtga-agent-vsock.socket \
    /usr/lib/udev/rules.d/99-qemu-guest-agent.rules /usr/share/licenses/qtga/LICENSE \
    /usr/share/man/man8/qtga-agent.8.gz /usr/share/man/man8/qemu-ga.8.gz /usr/share/doc/qtga/examples/qemu-ga.conf; do
    check "qtga contains $path" grep -qx "$path" "$work/agent.files"
done
for pattern in '^/usr/sbin' '^/lib/' '^/etc/qemu/' 'qtga-agent\.service$' '^/usr/share/doc/qtga/copyright' \
    '^/usr/share/doc/qtga/changelog' '^/etc/logrotate.d' '^/usr/share/man$' '^/usr/lib/systemd/system$' '^/etc/sysconfig$'; do
    check "qtga has no $pattern (Debian's place, or a directory the system owns)" sh -c "! grep -q '$pattern' '$work/agent.files'"
done
check "qtga %config(noreplace): /etc/sysconfig/qemu-ga" has_line "$agent_rpm" -c /etc/sysconfig/qemu-ga
check "qtga %license: /usr/share/licenses/qtga/LICENSE" has_line "$agent_rpm" -L /usr/share/licenses/qtga/LICENSE
rpm -qp --scripts "$agent_rpm" 2>/dev/null >"$work/agent.scripts"
for step in "install-system-units qemu-guest-agent.service" "remove-system-units qemu-guest-agent.service" \
    "mark-restart-system-units qemu-guest-agent.service"; do
    check "qtga scriptlets: systemd-update-helper $step" grep -q "systemd-update-helper $step" "$work/agent.scripts"
done
if [ -n "$tray_rpm" ]; then
    rpm -qpl "$tray_rpm" 2>/dev/null >"$work/tray.files"
    for path in /usr/bin/qtga-tray /etc/xdg/autostart/qtga-tray.desktop /usr/share/licenses/qtga-tray/LICENSE \
        /usr/share/man/man1/qtga-tray.1.gz; do
        check "qtga-tray contains $path" grep -qx "$path" "$work/tray.files"
    done
fi

# The unit as systemd runs it: ExecStart with /etc/sysconfig/qemu-ga's variables, against the
# packaged binary, which must accept the command line and take the Fedora hook path.
x=$work/extracted
mkdir -p "$x"
(cd "$x" && rpm2cpio "$agent_rpm" | cpio -idm --quiet)
unit=$x/usr/lib/systemd/system/qemu-guest-agent.service
check "the unit reads /etc/sysconfig/qemu-ga" grep -qx "EnvironmentFile=/etc/sysconfig/qemu-ga" "$unit"
# expand SYSCONFIG: prints the unit's ExecStart with that file's variables put in.
expand() {
    cmd=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/^ExecStart=//; s/\\$//' | tr '\n' ' ' | tr -s ' ')
    while IFS='=' read -r key value; do
        case "$key" in '' | '#'*) continue ;; esac
        cmd=$(printf '%s' "$cmd" | sed "s|\${$key}|$value|g")
    done <"$1"
    printf '%s' "$cmd"
}
cmd=$(expand "$x/etc/sysconfig/qemu-ga")
check "ExecStart: /usr/bin/qemu-ga on the virtio-serial port, hook /etc/qemu-ga/fsfreeze-hook" sh -c \
    "printf '%s' '$cmd' | grep -q '^/usr/bin/qemu-ga --method=virtio-serial --path=/dev/virtio-ports/org.qemu.guest_agent.0 --block-rpcs= *-F/etc/qemu-ga/fsfreeze-hook'"
# shellcheck disable=SC2086 # the command line is split as systemd splits it
if "$x${cmd%% *}" ${cmd#* } --dump-conf >"$work/dump.conf" 2>"$work/dump.err" \
    && grep -qx "fsfreeze-hook=/etc/qemu-ga/fsfreeze-hook" "$work/dump.conf" && grep -qx "method=virtio-serial" "$work/dump.conf"; then
    ok "the packaged agent takes the unit's command line with the default /etc/sysconfig/qemu-ga"
else
    cat "$work/dump.conf" "$work/dump.err"; bad "the packaged agent takes the unit's command line"
fi
sed 's/^BLACKLIST_RPC=$/BLACKLIST_RPC=guest-exec,guest-file-open/' "$x/etc/sysconfig/qemu-ga" >"$work/sysconfig-blocked"
cmd=$(expand "$work/sysconfig-blocked")
# shellcheck disable=SC2086
if "$x${cmd%% *}" ${cmd#* } --dump-conf >"$work/dump-blocked.conf" 2>&1 \
    && grep -q "^block-rpcs=.*guest-exec" "$work/dump-blocked.conf" && grep -q "^block-rpcs=.*guest-file-open" "$work/dump-blocked.conf"; then
    ok "BLACKLIST_RPC in /etc/sysconfig/qemu-ga blocks those commands"
else
    cat "$work/dump-blocked.conf"; bad "BLACKLIST_RPC blocks those commands"
fi
check "the packaged hook is installers/fsfreeze-hook" cmp -s "$x/etc/qemu-ga/fsfreeze-hook" "$here/../../installers/fsfreeze-hook"

# rpmlint with Fedora's settings, on packages signed as a distribution would sign them (here
# with a throwaway key): no errors, and no warning but the ones explained here.
explained_warnings='
no-manual-page-for-binary rpmlint 2.4 records the section of each man page (8) instead of its name, so it reports every binary; the pages are there (/usr/share/man/man8/qtga-agent.8.gz and qemu-ga.8.gz, /usr/share/man/man1/qtga-tray.1.gz, checked above)
'
if command -v rpmlint >/dev/null 2>&1 && command -v rpmsign >/dev/null 2>&1 && command -v gpg >/dev/null 2>&1; then
    export GNUPGHOME="$work/gnupg"
    mkdir -m 700 "$GNUPGHOME"
    gpg --batch --quiet --passphrase '' --quick-gen-key "qtga test key <test@qtga.invalid>" ed25519 sign never 2>/dev/null
    gpg --batch --armor --export test@qtga.invalid >"$work/key.asc"
    if rpmsign --define "__gpg $(command -v gpg)" --define "_gpg_name test@qtga.invalid" --addsign "$agent_rpm" $tray_rpm \
        </dev/null >"$work/rpmsign.log" 2>&1; then
        ok "rpmsign signs both packages"
    else
        cat "$work/rpmsign.log"; bad "rpmsign"
    fi
    # rpmlint checks the signatures against the rpm database of $HOME (~/.rpmdb on Debian): a
    # scratch one here, holding the throwaway key.
    mkdir -p "$work/home"
    HOME=$work/home rpm --import "$work/key.asc"
    HOME=$work/home rpmlint -c "$here/rpmlint-fedora.toml" "$agent_rpm" $tray_rpm >"$work/rpmlint.txt" 2>&1 || true
    grep ': [EW]: ' "$work/rpmlint.txt" | sed 's/^/rpmlint: /' || true
    if grep -q ': E: ' "$work/rpmlint.txt"; then bad "rpmlint: errors"; else ok "rpmlint: no errors"; fi
    grep ': W: ' "$work/rpmlint.txt" | while read -r package _ tag _; do
        package=${package%%.*}
        if echo "$explained_warnings" | grep -q "^$tag "; then
            echo "ok: rpmlint warning $tag ($package) is explained"
        else
            echo "FAIL: rpmlint warning $tag ($package) is not explained in this test"
        fi
    done >"$work/rpmlint-warnings.txt"
    cat "$work/rpmlint-warnings.txt"
    grep -q '^FAIL' "$work/rpmlint-warnings.txt" && fail=1
    grep -q 'checked; 0 errors' "$work/rpmlint.txt" || bad "rpmlint did not report its summary"
else
    echo "skip: rpmlint (apt install rpmlint gnupg)"
fi

# rpm --root: install, verify and erase in a throwaway root; the scriptlets run there under
# busybox's sh, with stand-ins for getent and groupadd that record their calls.
busybox=$(command -v busybox || true)
if [ "$(id -u)" -ne 0 ] || [ -z "$busybox" ] || ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked'; then
    echo "skip: rpm --root round trip (needs root and a static busybox)"
else
    r=$work/rpm-root
    mkdir -p "$r/bin" "$r/usr/bin" "$r/usr/sbin" "$r/etc" "$r/var/log" "$r/tmp" "$r/dev"
    : >"$r/dev/null"
    echo "root:x:0:" >"$r/etc/group"
    cp "$busybox" "$r/bin/busybox"
    for applet in sh grep cat; do ln -s busybox "$r/bin/$applet"; done
    printf '#!/bin/sh\n[ "$1" = group ] && grep "^$2:" /etc/group\n' >"$r/usr/bin/getent"
    printf '#!/bin/sh\necho "$*" >>/var/log/groupadd.log\necho "qtga:x:999:" >>/etc/group\n' >"$r/usr/sbin/groupadd"
    chmod 755 "$r/usr/bin/getent" "$r/usr/sbin/groupadd"
    rpm_root() { rpm --root "$r" --dbpath /var/lib/rpm "$@" </dev/null >>"$work/rpm.log" 2>&1; }
    rpm_root --initdb
    if [ -s "$work/key.asc" ]; then
        rpm_root --import "$work/key.asc"
        check "rpm -K in the root: the signatures check out" rpm_root -K "$agent_rpm" $tray_rpm
    fi
    if rpm_root -i --nodeps "$agent_rpm" $tray_rpm; then ok "rpm --root -i qtga qtga-tray"; else cat "$work/rpm.log"; bad "rpm --root -i"; fi
    while read -r path; do
        [ -e "$r$path" ] || [ -L "$r$path" ] || { bad "installed: $path is missing"; continue; }
    done <"$work/agent.files"
    ok "installed: every file of qtga is in the root ($(wc -l <"$work/agent.files") paths)"
    check "installed: /usr/bin/qemu-ga runs (qtga-agent -V)" sh -c "'$r/usr/bin/qemu-ga' -V | grep -q 'QEMU Guest Agent'"
    check "rpm -V qtga: the installed files match the package" rpm_root -V --nodeps qtga
    check "%post created the status socket's group" grep -qx -- "-r qtga" "$r/var/log/groupadd.log"
    echo "BLACKLIST_RPC=guest-exec" >>"$r/etc/sysconfig/qemu-ga"
    if rpm_root -e qtga qtga-tray; then ok "rpm --root -e qtga qtga-tray"; else cat "$work/rpm.log"; bad "rpm --root -e"; fi
    check "erased: the agent" test ! -e "$r/usr/bin/qtga-agent"
    check "erased: the admin's changed /etc/sysconfig/qemu-ga is kept as .rpmsave" grep -qx "BLACKLIST_RPC=guest-exec" "$r/etc/sysconfig/qemu-ga.rpmsave"
fi

[ $fail -eq 0 ] || { echo "FAILED"; exit 1; }
echo "all RPM checks passed"
