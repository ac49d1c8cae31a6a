#!/bin/sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# Builds the root disk of the libvirt test domain: OUTDIR/root.qcow2, an ext4 filesystem made
# from a directory tree (mkfs.ext4 -d, no loop mount, no root needed for the mount) holding
# busybox-static with its applets, both agents (qtga-agent and the reference qemu-ga) at their
# usual paths with the shared libraries they load, Debian's chpasswd with PAM (for
# guest-set-user-password), and a small /etc. The kernel and initramfs are the vm label's
# (make-vm-image.sh); the guest's init mounts this disk as its root when the kernel command line
# says qtga.root=vda.
#
# Why a disk of its own instead of the vm label's 9p share of the host root: QEMU refuses to
# migrate a guest with a mounted 9p share, and libvirt's save/restore and internal snapshots are
# migrations; and a writable root of its own lets set-user-password change /etc/shadow.
#
# Usage: make-root-image.sh OUTDIR QTGA_AGENT QEMU_GA [TOOL...]   (TOOLs go to /usr/bin)
set -eu

out=${1:?usage: make-root-image.sh OUTDIR QTGA_AGENT QEMU_GA}
qtga=${2:?usage: make-root-image.sh OUTDIR QTGA_AGENT QEMU_GA}
qemuga=${3:?usage: make-root-image.sh OUTDIR QTGA_AGENT QEMU_GA}
shift 3
for tool in mkfs.ext4 qemu-img ldd; do
    command -v "$tool" >/dev/null || { echo "make-root-image: $tool is missing (see .ci/deps)" >&2; exit 1; }
done
for file in "$qtga" "$qemuga" /bin/busybox /usr/sbin/chpasswd; do
    [ -x "$file" ] || { echo "make-root-image: $file is missing" >&2; exit 1; }
done
mkdir -p "$out"
root="$out/root-tree"
rm -rf "$root"
mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib/x86_64-linux-gnu" "$root/usr/lib64" \
    "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/tmp" "$root/mnt/vmdisk" \
    "$root/var/lib" "$root/root" "$root/home/guest"
chmod 1777 "$root/tmp"
# Debian's merged /usr: the paths that ldd prints (/lib/...) resolve inside the tree.
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
ln -s ../run "$root/var/run"

# A program and every library the dynamic loader maps for it, at the same paths.
copy_with_libraries() {
    source=$1
    target=$2
    mkdir -p "$(dirname "$root$target")"
    cp -L "$source" "$root$target"
    ldd "$source" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | while read -r library; do
        [ -e "$root$library" ] && continue
        mkdir -p "$(dirname "$root$library")"
        cp -L "$library" "$root$library"
    done
}

cp /bin/busybox "$root/usr/bin/busybox"
# Applets at the paths busybox names; the merged /bin and /sbin point into /usr.
ln -s usr/bin "$root/bin"
ln -s usr/sbin "$root/sbin"
/bin/busybox --list-full | while read -r applet; do
    case "$applet" in
        bin/*) path="usr/$applet" ;;
        sbin/*) path="usr/$applet" ;;
        *) path=$applet ;;
    esac
    [ -e "$root/$path" ] || ln -s /usr/bin/busybox "$root/$path"
done

copy_with_libraries "$qtga" /usr/sbin/qtga-agent
copy_with_libraries "$qemuga" /usr/sbin/qemu-ga
for tool in "$@"; do
    copy_with_libraries "$tool" "/usr/bin/$(basename "$tool")"
done
rm -f "$root/usr/sbin/chpasswd"
copy_with_libraries /usr/sbin/chpasswd /usr/sbin/chpasswd
# PAM, which chpasswd changes passwords through: its configuration and its modules (loaded with
# dlopen, so ldd of chpasswd does not name them).
cp -r /etc/pam.d "$root/etc/pam.d"
for conf in /etc/login.defs /etc/security/pam_env.conf /etc/security/limits.conf; do
    [ -f "$conf" ] && { mkdir -p "$(dirname "$root$conf")"; cp "$conf" "$root$conf"; }
done
for module in /usr/lib/x86_64-linux-gnu/security/pam_unix.so /usr/lib/x86_64-linux-gnu/security/pam_deny.so \
              /usr/lib/x86_64-linux-gnu/security/pam_permit.so; do
    copy_with_libraries "$module" "$module"
done

cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
guest:x:1000:1000:guest:/home/guest:/bin/sh
EOF
cat > "$root/etc/group" <<'EOF'
root:x:0:
shadow:x:42:
guest:x:1000:
EOF
cat > "$root/etc/shadow" <<'EOF'
root:*:20000:0:99999:7:::
guest:*:20000:0:99999:7:::
EOF
chmod 0640 "$root/etc/shadow"
chgrp 42 "$root/etc/shadow"
chown 1000:1000 "$root/home/guest"
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' > "$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n' > "$root/etc/hosts"
echo qtga-vm > "$root/etc/hostname"
cp /etc/os-release "$root/etc/os-release"
mkdir -p "$root/usr/share/zoneinfo/Etc"
cp -L /usr/share/zoneinfo/Etc/UTC "$root/usr/share/zoneinfo/Etc/UTC"
ln -s /usr/share/zoneinfo/Etc/UTC "$root/etc/localtime"
echo Etc/UTC > "$root/etc/timezone"

# Room for the guests' writes (logs, shadow, state) on top of what the tree holds.
kib=$(du -sk "$root" | cut -f1)
size=$(( (kib / 1024) + 64 ))
rm -f "$out/root.img" "$out/root.qcow2"
mkfs.ext4 -q -F -L qtga-root -d "$root" "$out/root.img" "${size}M"
qemu-img convert -f raw -O qcow2 "$out/root.img" "$out/root.qcow2"
rm -rf "$root" "$out/root.img"
echo "make-root-image: root.qcow2, ${size} MiB ext4 ($(du -k "$out/root.qcow2" | cut -f1) KiB allocated)"
