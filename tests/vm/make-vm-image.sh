#!/bin/sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# Builds the test VM's boot files in OUTDIR from Debian packages only: the kernel of Debian's
# current linux-image-amd64 (fetched with apt-get download, unpacked with dpkg-deb -x, never
# installed) and an initramfs of busybox-static, the virtio/9p/overlay/ext4/vsock modules and
# guest-init.sh. The kernel package and its unpacked tree are cached in OUTDIR; a rerun with the
# same kernel only rebuilds the initramfs, which takes a second.
#
# Result: OUTDIR/vmlinuz, OUTDIR/initramfs.gz, OUTDIR/kernel-release, and OUTDIR/vmlinux: the same
# kernel decompressed, which QEMU boots through its PVH entry point. Under TCG that saves the
# seconds the kernel's own xz decompressor takes on every boot and reboot. OUTDIR/udev: udevadm
# (also as systemd-udevd) and the rules for persistent storage names, from Debian's udev
# package, run in the guest from the host's filesystem.
set -eu

out=${1:?usage: make-vm-image.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Loaded in this order with their dependencies first; virtio_pci brings up the devices,
# overlay gives the guest a writable root over the read-only 9p share, nvme drives the emulated
# NVMe disk whose SMART log guest-get-disks reports, virtio_net the libvirt tests' user-mode NIC.
modules="virtio_pci virtio_console virtio_blk 9pnet_virtio 9p overlay ext4 vsock_loopback nvme virtio_net"

for tool in apt-get apt-cache dpkg-deb depmod modprobe cpio gzip xz; do
    command -v "$tool" >/dev/null || { echo "make-vm-image: $tool is missing (see .ci/deps)" >&2; exit 1; }
done
busybox=/bin/busybox
if ! "$busybox" --help >/dev/null 2>&1 || ldd "$busybox" >/dev/null 2>&1; then
    echo "make-vm-image: $busybox must be the static busybox (package busybox-static)" >&2
    exit 1
fi

refresh_lists() {
    [ "$(id -u)" -eq 0 ] || return 1
    apt-get update -qq >&2
}

kernel_package() {
    apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1
}

package=$(kernel_package)
if [ -z "$package" ]; then
    refresh_lists || true
    package=$(kernel_package)
fi
[ -n "$package" ] || { echo "make-vm-image: cannot tell which package linux-image-amd64 depends on" >&2; exit 1; }

cache="$out/kernel-cache"
tree="$cache/$package"
if [ ! -f "$tree/.complete" ]; then
    rm -rf "$cache"
    mkdir -p "$tree"
    download() { (cd "$cache" && apt-get -o APT::Sandbox::User=root download "$package" >&2); }
    download || { refresh_lists && download; }
    deb=$(ls "$cache"/"$package"_*.deb | head -n 1)
    dpkg-deb -x "$deb" "$tree"
    rm -f "$deb"
    release=$(ls "$tree/lib/modules")
    depmod -b "$tree" "$release"
    touch "$tree/.complete"
fi
release=$(ls "$tree/lib/modules")

# Debian's udev, for the guest: no udev runs there (nor, often, on the host whose root it
# shares), and its systemd-udevd writes the device database that guest-get-disks reads disk
# serials from. udevadm needs no systemd library. Unpacked like the kernel, never installed.
udev_version() {
    apt-cache show --no-all-versions udev 2>/dev/null | sed -n 's/^Version: //p' | head -n 1
}
udev_pkg=$(udev_version)
if [ -z "$udev_pkg" ]; then
    refresh_lists || true
    udev_pkg=$(udev_version)
fi
[ -n "$udev_pkg" ] || { echo "make-vm-image: no udev package in the apt lists" >&2; exit 1; }
udev_cache="$out/udev-cache"
udev_tree="$udev_cache/$udev_pkg"
if [ ! -f "$udev_tree/.complete" ]; then
    rm -rf "$udev_cache"
    mkdir -p "$udev_tree"
    download_udev() { (cd "$udev_cache" && apt-get -o APT::Sandbox::User=root download udev >&2); }
    download_udev || { refresh_lists && download_udev; }
    dpkg-deb -x "$(ls "$udev_cache"/udev_*.deb | head -n 1)" "$udev_tree"
    rm -f "$udev_cache"/udev_*.deb
    touch "$udev_tree/.complete"
fi
rm -rf "$out/udev"
mkdir -p "$out/udev/rules.d"
# bookworm's package has /bin and /lib, later ones /usr/bin and /usr/lib.
cp "$(ls "$udev_tree/bin/udevadm" "$udev_tree/usr/bin/udevadm" 2>/dev/null | head -n 1)" "$out/udev/udevadm"
ln -s udevadm "$out/udev/systemd-udevd"
cp "$(ls "$udev_tree"/lib/udev/rules.d/60-persistent-storage.rules "$udev_tree"/usr/lib/udev/rules.d/60-persistent-storage.rules 2>/dev/null | head -n 1)" "$out/udev/rules.d/"

root="$out/initramfs-root"
rm -rf "$root"
mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" "$root/dev" "$root/lower" "$root/ovl" "$root/newroot"
cp "$busybox" "$root/bin/busybox"
cp "$here/guest-init.sh" "$root/init"
chmod 0755 "$root/init"

: > "$root/modules.order"
for module in $modules; do
    modprobe -d "$tree" -S "$release" --show-depends "$module" | while read -r kind path _; do
        [ "$kind" = insmod ] || continue
        name=$(basename "$path")
        grep -qx "$name" "$root/modules.order" && continue
        cp "$path" "$root/lib/modules/$name"
        echo "$name" >> "$root/modules.order"
    done
done

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$out/initramfs.gz.new"
mv "$out/initramfs.gz.new" "$out/initramfs.gz"
cp "$tree/boot/vmlinuz-$release" "$out/vmlinuz"
rm -f "$out/vmlinux"
if grep -qx 'CONFIG_PVH=y' "$tree/boot/config-$release" && grep -qx 'CONFIG_KERNEL_XZ=y' "$tree/boot/config-$release"; then
    offset=$(LC_ALL=C grep -aobUP '\xfd7zXZ\x00' "$out/vmlinuz" | head -n 1 | cut -d: -f1)
    if [ -n "$offset" ] && tail -c +"$((offset + 1))" "$out/vmlinuz" | xz -dc --single-stream > "$out/vmlinux.new" 2>/dev/null; then
        mv "$out/vmlinux.new" "$out/vmlinux"
    fi
    rm -f "$out/vmlinux.new"
fi
echo "$release" > "$out/kernel-release"
rm -rf "$root"
boot=bzImage
[ -f "$out/vmlinux" ] && boot="PVH vmlinux"
echo "make-vm-image: kernel $release ($package, $boot), initramfs $(du -k "$out/initramfs.gz" | cut -f1) KiB"
