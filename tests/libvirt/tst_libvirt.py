#!/usr/bin/env python3

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

"""The host tool users run, against both agents in the same guest (label `libvirt`).

virsh drives the agent through libvirt's org.qemu.guest_agent.0 channel: guestinfo (all groups
and each one), domfsinfo, domfsfreeze/domfsthaw, domfstrim, domtime and domtime --sync,
domifaddr --source agent, guestvcpus, set-user-password, qemu-agent-command with guest-exec,
then reboot --mode agent and shutdown --mode agent. Each step checks what it did in the guest,
and the same list runs against qemu-ga in the same guest: the outputs must be the same, but for
the differences listed in DIFFERENCES (and docs/libvirt.md) with their reasons. A difference
that appears, or a listed one that is gone, fails the test.
"""

import base64
import ctypes
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import libvirtharness as h  # noqa: E402

D = h.DOMAIN
PASSWORD = "qtga-Secret-1"

# Values that differ from one run to the next whatever the agent: they are replaced before the
# comparison (each step checks them itself); in JSON by 0, so that it stays JSON.
VOLATILE = [
    (re.compile(r"(fs\.\d+\.used-bytes\s+:) \d+"), r"\1 <varies>"),
    (re.compile(r'"used-bytes": ?\d+'), '"used-bytes": 0'),
    (re.compile(r"^Time: \d+$", re.M), "Time: <varies>"),
    (re.compile(r'"pid": ?\d+'), '"pid": 0'),
    # A NIC's counters move between the two agents' runs (an IPv6 router solicitation, say).
    (re.compile(r'"([rt]x-(?:packets|bytes|errs|dropped))": ?\d+'), r'"\1": 0'),
]

# The agent commands under guestinfo, domfsinfo, domifaddr and guestvcpus, compared raw.
RAW_COMMANDS = ["guest-info", "guest-get-osinfo", "guest-get-timezone", "guest-get-host-name", "guest-get-users",
                "guest-get-fsinfo", "guest-get-disks", "guest-network-get-interfaces", "guest-get-vcpus"]

def _common_commands(ours, theirs):
    """guest-info without the version, and only the commands both agents have."""
    a, b = json.loads(ours)["return"], json.loads(theirs)["return"]
    both = {c["name"] for c in a["supported_commands"]} & {c["name"] for c in b["supported_commands"]}
    for info in (a, b):
        info.pop("version")
        info["supported_commands"] = [c for c in info["supported_commands"] if c["name"] in both]
    return json.dumps(a), json.dumps(b)


def _without_privileged_total(ours, theirs):
    a = json.loads(ours)["return"]
    for fs in a:
        fs.pop("total-bytes-privileged")
    return json.dumps(a), json.dumps(json.loads(theirs)["return"])


# step -> (reason, what takes the difference out): the steps whose output differs between qtga
# and qemu-ga 7.2. Past the difference the outputs must still be equal, and each difference must
# still be there. Keep in step with docs/libvirt.md. What virsh prints is the same for both.
DIFFERENCES = {
    "qemu-agent-command guest-info": (
        "qtga reports the upstream release whose protocol it follows (10.2.0, not 7.2.x), lists "
        "guest-get-load and guest-network-get-route (upstream since 9.1) and not the Windows-only "
        "guest-get-devices", _common_commands),
    "qemu-agent-command guest-get-fsinfo": (
        "qtga adds total-bytes-privileged to each filesystem (upstream since 8.2; libvirt 9.0 "
        "ignores it)", _without_privileged_total),
}


def crypt(password, setting):
    """libcrypt's crypt(3), which knows every hash chpasswd may write (yescrypt included)."""
    library = ctypes.CDLL("libcrypt.so.1")
    library.crypt.restype = ctypes.c_char_p
    library.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    result = library.crypt(password.encode(), setting.encode())
    return result.decode() if result else None


def normalise(text):
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def fields(text):
    """virsh's `key : value` lines as a dict."""
    result = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            result[key.strip()] = value.strip()
    return result


def check(condition, message):
    if not condition:
        raise AssertionError(message)


class Run:
    """One agent's pass over the command list: outputs by step, latency by step."""

    def __init__(self, name):
        self.name = name
        self.outputs = {}
        self.seconds = {}

    def virsh(self, step, *args, quiet=True):
        start = time.monotonic()
        out = h.virsh(*args, quiet=quiet)
        self.seconds[step] = time.monotonic() - start
        self.outputs[step] = normalise(out)
        return out


def command_list(dom, name):
    run = Run(name)
    console = dom.console

    info = fields(run.virsh("guestinfo", "guestinfo", D))
    check(info.get("os.id") == "debian", f"guestinfo os.id: {info.get('os.id')}")
    check(info.get("hostname") == "qtga-vm", f"guestinfo hostname: {info.get('hostname')}")
    check(info.get("timezone.name") == "UTC", f"guestinfo timezone: {info.get('timezone.name')}")
    check(info.get("fs.count") == "2" and info.get("disk.count") == "2", f"guestinfo fs/disk counts: {info}")
    check(info.get("if.1.hwaddr") == "52:54:00:12:34:56", f"guestinfo interfaces: {info}")
    check(info.get("os.kernel-release") == console.output("uname -r"), "guestinfo kernel release")
    for group in ("user", "os", "timezone", "hostname", "filesystem", "disk", "interface"):
        part = fields(run.virsh("guestinfo --" + group, "guestinfo", "--" + group, D))
        check(part and all(info.get(k) == v for k, v in part.items() if "used-bytes" not in k),
              f"guestinfo --{group} is not the part of guestinfo: {part}")

    fsinfo = run.virsh("domfsinfo", "domfsinfo", D)
    rows = [line.split() for line in fsinfo.splitlines() if line.strip()]
    check(["/", "vda", "ext4", "vda"] in rows and ["/mnt/vmdisk", "vdb", "ext4", "vdb"] in rows, f"domfsinfo: {fsinfo}")

    out = run.virsh("domfsfreeze", "domfsfreeze", D, quiet=False)
    check("Froze 2 filesystem(s)" in out, f"domfsfreeze: {out}")
    check(h.agent_command({"execute": "guest-fsfreeze-status"}) == "frozen", "not frozen after domfsfreeze")
    out = run.virsh("domfsthaw", "domfsthaw", D, quiet=False)
    check("Thawed 2 filesystem(s)" in out, f"domfsthaw: {out}")
    check(h.agent_command({"execute": "guest-fsfreeze-status"}) == "thawed", "not thawed after domfsthaw")

    run.virsh("domfstrim", "domfstrim", D)

    # A guest clock 25 years off, which domtime reads and --sync puts right.
    console.shell("date -s @1000000000 >/dev/null")
    guest_time = int(fields(run.virsh("domtime", "domtime", D))["Time"])
    check(1000000000 <= guest_time < 1000000000 + 600, f"domtime read {guest_time}")
    run.virsh("domtime --sync", "domtime", "--sync", D)
    guest_time = int(fields(h.virsh("domtime", D))["Time"])
    check(abs(guest_time - time.time()) < 60, f"domtime --sync left the guest at {guest_time}")

    addresses = run.virsh("domifaddr --source agent", "domifaddr", "--source", "agent", D)
    check(re.search(r"eth0\s+52:54:00:12:34:56\s+ipv4\s+10\.0\.2\.15/24", addresses), f"domifaddr: {addresses}")

    vcpus = fields(run.virsh("guestvcpus", "guestvcpus", D))
    check(vcpus == {"vcpus": "0-1", "online": "0-1", "offlinable": "1"}, f"guestvcpus: {vcpus}")

    console.shell("sed -i 's/^guest:[^:]*:/guest:*:/' /etc/shadow")
    run.virsh("set-user-password", "set-user-password", D, "guest", PASSWORD)
    hashed = console.output("grep '^guest:' /etc/shadow | cut -d: -f2")
    check(hashed.startswith("$"), f"set-user-password left the hash {hashed!r}")
    check(crypt(PASSWORD, hashed) == hashed, f"the new hash {hashed!r} is not of the password given")

    # What libvirt reads under those commands, as the agent sent it (virsh prints the JSON).
    for command in RAW_COMMANDS:
        run.virsh("qemu-agent-command " + command, "qemu-agent-command", D, '{"execute":"%s"}' % command)

    request = ('{"execute":"guest-exec","arguments":{"path":"/bin/echo","arg":["hello","libvirt"],'
               '"capture-output":true}}')
    out = run.virsh("qemu-agent-command guest-exec", "qemu-agent-command", D, request)
    pid = int(re.search(r'"pid": ?(\d+)', out).group(1))
    status = h.exec_status(pid)
    while not status["exited"]:
        time.sleep(0.05)
        status = h.exec_status(pid)
    check(status.get("exitcode") == 0 and base64.b64decode(status["out-data"]) == b"hello libvirt\n",
          f"guest-exec: {status}")
    return run


def compare(runs, report):
    qtga, qemu_ga = runs["qtga"], runs["qemu-ga"]
    check(set(qtga.outputs) == set(qemu_ga.outputs), "the two runs took different steps")
    for step, theirs in qemu_ga.outputs.items():
        ours = qtga.outputs[step]
        if step in DIFFERENCES:
            reason, take_out = DIFFERENCES[step]
            check(ours != theirs, f"{step}: the listed difference is gone (update DIFFERENCES and docs/libvirt.md)")
            ours, theirs = take_out(ours, theirs)
            report.append(f"{step}: differs as listed ({reason})")
        if ours != theirs:
            report.append(f"difference in {step}:\n  qtga:    {ours!r}\n  qemu-ga: {theirs!r}")
        check(ours == theirs, f"{step}: qtga's output differs from qemu-ga's (see the report)")


def reboot_by_agent(dom):
    dom.console.shell("touch /run/before-reboot")
    h.virsh("reboot", "--mode", "agent", D)
    dom.wait_for_reboot()
    check(dom.console.shell("test -e /run/before-reboot", check=False)[0] != 0, "the guest did not reboot")


def shutdown_by_agent(dom):
    h.virsh("shutdown", "--mode", "agent", D)
    dom.wait_for_state("shut off")


def main():
    report = []
    try:
        run_all(report)
    finally:
        h.publish_report(report)


def run_all(report):
    runs = {}
    with h.Session() as session:
        dom = session.domain
        dom.start()
        for name in ("qtga", "qemu-ga"):
            dom.start_agent(name)
            runs[name] = command_list(dom, name)
            reboot_by_agent(dom)
            report.append(f"{name}: command list and reboot --mode agent passed")
        dom.start_agent("qemu-ga")
        shutdown_by_agent(dom)
        dom.start()
        dom.start_agent("qtga")
        shutdown_by_agent(dom)
        report.append("shutdown --mode agent passed for qemu-ga and qtga")
        compare(runs, report)
        report.append("step latency in s (one run each; tests/bench/libvirt-bench.py takes medians):")
        for step in runs["qtga"].seconds:
            report.append(f"  {step:32} qtga {runs['qtga'].seconds[step]:.3f}  qemu-ga {runs['qemu-ga'].seconds[step]:.3f}")


if __name__ == "__main__":
    h.run_test(main)
