#!/bin/busybox sh

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# /init of the test VM (runs as PID 1 from the initramfs). Loads the modules, mounts the host's
# root (shared read-only over 9p) under a tmpfs overlay so the guest can write anywhere without
# touching the host, mounts the test disk, then becomes the control shell on the console,
# chrooted into that root: the test drives it with marker-delimited commands (vmharness.cpp).
/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

while read -r module; do
    insmod "/lib/modules/$module" || echo "qtga-vm: insmod $module failed"
done < /modules.order

fail() {
    echo "qtga-vm: $*"
    echo "QTGA-VM-FAILED"
    poweroff -f
}

# qtga.root=vdX on the kernel command line: the root is that ext4 disk, written in place, and
# the test disk is the next one (the libvirt tests, whose domain must be migratable for
# save/restore and snapshots, which a mounted 9p share prevents; see make-root-image.sh).
root_disk=$(sed -n 's/.*qtga\.root=\([a-z0-9]*\).*/\1/p' /proc/cmdline)
data_disk=vda
if [ -n "$root_disk" ]; then
    mount -t ext4 "/dev/$root_disk" /newroot || fail "cannot mount /dev/$root_disk"
    [ "$root_disk" = vda ] && data_disk=vdb
else
    mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro hostroot /lower || fail "cannot mount the host root"
    mount -t tmpfs -o mode=0755 overlay-upper /ovl
    mkdir -p /ovl/upper /ovl/work
    mount -t overlay -o lowerdir=/lower,upperdir=/ovl/upper,workdir=/ovl/work overlay /newroot || fail "cannot mount the overlay root"
fi

mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs tmpfs /newroot/dev/shm
# /tmp stays the overlay's (writable, host files visible): a checkout or build under the host's
# /tmp must be reachable from the guest. /run starts empty, as after a real boot.
mount -t tmpfs -o mode=0755 tmpfs /newroot/run

if [ -b "/dev/$data_disk" ]; then
    mkdir -p /newroot/mnt/vmdisk
    mount -t ext4 "/dev/$data_disk" /newroot/mnt/vmdisk || fail "cannot mount /dev/$data_disk"
fi

hostname qtga-vm
ifconfig lo 127.0.0.1 up

# The host's power commands talk to systemd, which does not run here; this init's equivalents
# call the kernel directly, as an init without systemd provides them.
for action in poweroff reboot halt; do
    rm -f "/newroot/sbin/$action"
    printf '#!/bin/sh\nsync\nexec /bin/busybox %s -f\n' "$action" > "/newroot/sbin/$action"
    chmod 0755 "/newroot/sbin/$action"
done
rm -f /newroot/sbin/shutdown
cat > /newroot/sbin/shutdown <<'EOF'
#!/bin/sh
action=poweroff
for arg in "$@"; do
    case "$arg" in
        -r) action=reboot ;;
        -H) action=halt ;;
    esac
done
sync
exec /bin/busybox "$action" -f
EOF
chmod 0755 /newroot/sbin/shutdown

# The disk root has the usual directories; the host root's PATH stays as the vm tests know it.
[ -n "$root_disk" ] && export PATH=/usr/sbin:/usr/bin:/sbin:/bin
# PID 1 only waits; the control shell is its child. Processes whose parent dies (a guest-exec
# child of an agent that was stopped) are handed to PID 1, and their SIGCHLD, arriving while an
# interactive busybox shell waits for its next line, ends that read as if the console had
# closed: a control shell that is PID 1 then exits and the guest panics. As a child, the control
# shell never gets those signals; should it end anyway, PID 1 starts another.
exec chroot /newroot /bin/sh -c 'stty -echo -onlcr 2>/dev/null; cd /; echo QTGA-VM-READY; while :; do /bin/sh; done'
