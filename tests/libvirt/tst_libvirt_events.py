#!/usr/bin/env python3

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

"""What happens to the agent around it while libvirt stays in charge (label `libvirt`).

Host side: the domain paused and resumed (virsh suspend/resume), saved to a file and restored
(a new QEMU process), libvirtd restarted, libvirtd killed while a command is in flight (a freeze
whose hook takes a few seconds), an internal snapshot taken and reverted to. Guest side: the
agent restarted while libvirt stays connected. After each, the first guest-ping through libvirt
must succeed, and a guest-exec started before must still be known (its process still running);
after the agent's own restart that process table is gone with the old agent, for qemu-ga as for
qtga, and both must refuse the old pid (each with its release's error text). The same runs against qemu-ga in the same guest; the
report gives the recovery times (from the end of the host action to the first answered ping,
one virsh call included) side by side.
"""

import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import libvirtharness as h  # noqa: E402

D = h.DOMAIN
HOOK = "/run/slow-fsfreeze-hook"
HOOK_SECONDS = 3


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def start_long_exec():
    pid = h.agent_command({"execute": "guest-exec", "arguments": {"path": "/bin/sleep", "arg": ["900"]}})["pid"]
    check(h.exec_status(pid)["exited"] is False, "the long guest-exec is not running")
    return pid


def exec_still_known(pid, event):
    status = h.exec_status(pid)
    check(status["exited"] is False, f"after {event}: guest-exec {pid} is {status}")


def events_for(session, name, report):
    """One agent through every event; returns {event: recovery seconds}."""
    dom = session.domain
    libvirt = session.libvirt
    console = dom.console
    recovery = {}
    # A freeze hook slow enough for libvirtd to be killed while the freeze is in flight; it marks
    # when it starts, in tmpfs (the disks are about to freeze).
    console.shell(f"printf '#!/bin/sh\\n[ \"$1\" = freeze ] && touch /run/hook-started && sleep {HOOK_SECONDS}\\nexit 0\\n'"
                  f" > {HOOK} && chmod 0755 {HOOK} && rm -f /run/hook-started")
    dom.start_agent(name, f"-F{HOOK}")
    pid = start_long_exec()

    h.virsh("suspend", D)
    check(dom.state() == "paused", "virsh suspend did not pause the domain")
    h.virsh("resume", D)
    recovery["suspend/resume"] = h.wait_for_ping()
    exec_still_known(pid, "suspend/resume")

    saved = os.path.join(session.work, "saved.img")
    h.virsh("save", D, saved)
    check(dom.state() == "shut off", "virsh save left the domain running")
    h.virsh("restore", saved)
    recovery["save/restore"] = h.wait_for_ping()
    os.unlink(saved)
    exec_still_known(pid, "save/restore")
    dom.console.connect()  # a new QEMU, a new console socket
    dom.console.wait_for_shell()

    libvirt.stop()
    libvirt.start()
    recovery["libvirtd restart"] = h.wait_for_ping()
    exec_still_known(pid, "libvirtd restart")

    # The freeze is in flight (its hook runs) when libvirtd dies without a word.
    freeze = subprocess.Popen(["virsh", "-c", "qemu:///system", "domfsfreeze", D],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    console.shell("while [ ! -e /run/hook-started ]; do usleep 20000; done", limit=30)
    libvirt.stop(signal.SIGKILL)
    freeze.wait(30)
    check(freeze.returncode != 0, "domfsfreeze finished although libvirtd was killed during it")
    libvirt.start()
    recovery["killed mid-command"] = h.wait_for_ping(limit=HOOK_SECONDS + 60)
    # The freeze went on in the guest without anybody to answer to; the new libvirtd thaws.
    status = h.agent_command({"execute": "guest-fsfreeze-status"})
    deadline = time.monotonic() + HOOK_SECONDS + 30
    while status != "frozen" and time.monotonic() < deadline:
        time.sleep(0.2)
        status = h.agent_command({"execute": "guest-fsfreeze-status"})
    check(status == "frozen", f"the interrupted freeze left the guest {status}")
    check("Thawed 2 filesystem(s)" in h.virsh("domfsthaw", D, quiet=False), "domfsthaw after the interrupted freeze")
    exec_still_known(pid, "killed mid-command")

    h.virsh("snapshot-create-as", D, "before-revert")
    check(h.ping(), "no ping after taking the snapshot")
    console.shell("touch /run/after-snapshot")
    h.virsh("snapshot-revert", D, "before-revert")
    recovery["snapshot revert"] = h.wait_for_ping()
    exec_still_known(pid, "snapshot revert")
    dom.console.connect()  # libvirt may start a new QEMU for the revert
    dom.console.wait_for_shell()
    check(console.shell("test -e /run/after-snapshot", check=False)[0] != 0, "snapshot-revert did not go back")
    h.virsh("snapshot-delete", D, "before-revert")

    # Guest side: the agent goes and a new one comes while libvirt keeps its channel.
    old = dom.agent_pid
    console.shell(f"kill {old}; while kill -0 {old} 2>/dev/null; do usleep 10000; done")
    dom.agent_pid = int(console.output(dom.agent_command_line(name, f"-F{HOOK}")))
    recovery["agent restart"] = h.wait_for_ping()
    gone = h.agent_command({"execute": "guest-exec-status", "arguments": {"pid": pid}}, check=False)
    check(gone is None, f"the restarted agent knows the old agent's guest-exec: {gone}")
    code, out = h.virsh_result("qemu-agent-command", D, '{"execute":"guest-exec-status","arguments":{"pid":%d}}' % pid)
    report.append(f"{name}: guest-exec-status of the old agent's process after the restart: {out.strip()}")
    # The error texts differ by release: upstream names the pid since 8.0, which qtga follows.
    expected = f"PID {pid} does not exist" if name == "qtga" else "Invalid parameter 'pid'"
    check(code != 0 and out.strip().endswith(expected), f"{name}: guest-exec-status of an unknown pid: {out.strip()}")
    dom.stop_agent()
    console.shell(f"kill {pid} 2>/dev/null; true")
    return recovery


def main():
    report = []
    try:
        recoveries = {}
        with h.Session() as session:
            session.domain.start()
            for name in ("qtga", "qemu-ga"):
                recoveries[name] = events_for(session, name, report)
        report.append("recovery in s, from the end of the host action to the first answered guest-ping (one virsh call):")
        report.append(f"  {'event':24} qtga   qemu-ga")
        for event in recoveries["qtga"]:
            report.append(f"  {event:24} {recoveries['qtga'][event]:.2f}   {recoveries['qemu-ga'][event]:.2f}")
    finally:
        h.publish_report(report)


if __name__ == "__main__":
    h.run_test(main)
