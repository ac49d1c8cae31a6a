# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# %postun, as Fedora's %systemd_postun_with_restart and %udev_rules_update expand: restart the
# agent after an upgrade.
if [ $1 -ge 1 ] && [ -x /usr/lib/systemd/systemd-update-helper ]; then
    /usr/lib/systemd/systemd-update-helper mark-restart-system-units qemu-guest-agent.service qtga-agent-socket.service qtga-agent-vsock.service || :
fi
udevadm control --reload >/dev/null 2>&1 || :
