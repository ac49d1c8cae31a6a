# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

# %preun, as Fedora's %systemd_preun expands: stop and disable on removal, not on upgrade.
if [ $1 -eq 0 ] && [ -x /usr/lib/systemd/systemd-update-helper ]; then
    /usr/lib/systemd/systemd-update-helper remove-system-units qemu-guest-agent.service qtga-agent.socket qtga-agent-vsock.socket qtga-agent-socket.service qtga-agent-vsock.service || :
fi
