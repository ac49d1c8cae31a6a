# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# %post, as Fedora's %systemd_post and %udev_rules_update expand: presets decide on the first
# installation. The status socket's group for the tray.
if [ $1 -eq 1 ] && [ -x /usr/lib/systemd/systemd-update-helper ]; then
    /usr/lib/systemd/systemd-update-helper install-system-units qemu-guest-agent.service qtga-agent.socket qtga-agent-vsock.socket || :
fi
getent group qtga >/dev/null 2>&1 || groupadd -r qtga >/dev/null 2>&1 || :
udevadm control --reload >/dev/null 2>&1 || :
