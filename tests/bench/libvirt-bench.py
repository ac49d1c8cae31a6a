#!/usr/bin/env python3

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

"""Speed as a libvirt user sees it: per-step latency through virsh, qtga-agent against qemu-ga.

Boots the libvirt tests' TCG domain once (tests/libvirt/libvirtharness.py; root, after a build
and `ctest -L libvirt` or at least its image fixtures), then in every round starts each agent in
turn in the guest (the order alternates between rounds) and times each step REPEAT times, from
virsh's start to its exit. Prints the median per step and agent in milliseconds and the ratio
qtga/qemu-ga as a Markdown table. Then, inside the guest with qtga-guest-probe
(tests/libvirt/guestprobe.cpp, on unix sockets, no host in between): the agents' start-up to
first answer (with the two Qt floors beside them, and once more without address
randomization), and the latency of the commands under the steps. Not a pass/fail test.

    tests/bench/libvirt-bench.py [--build build] [--rounds 3] [--repeat 5]
"""

import argparse
import os
import shlex
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "libvirt"))
import libvirtharness as h  # noqa: E402

D = h.DOMAIN
STEPS = [
    ("guest-ping (qemu-agent-command)", [["qemu-agent-command", D, '{"execute":"guest-ping"}']]),
    ("guestinfo", [["guestinfo", D]]),
    ("guestinfo --user", [["guestinfo", "--user", D]]),
    ("guestinfo --os", [["guestinfo", "--os", D]]),
    ("guestinfo --timezone", [["guestinfo", "--timezone", D]]),
    ("guestinfo --hostname", [["guestinfo", "--hostname", D]]),
    ("guestinfo --filesystem", [["guestinfo", "--filesystem", D]]),
    ("guestinfo --disk", [["guestinfo", "--disk", D]]),
    ("guestinfo --interface", [["guestinfo", "--interface", D]]),
    ("domfsinfo", [["domfsinfo", D]]),
    ("domfsfreeze + domfsthaw", [["domfsfreeze", D], ["domfsthaw", D]]),
    ("domfstrim", [["domfstrim", D]]),
    ("domtime", [["domtime", D]]),
    ("domtime --sync", [["domtime", "--sync", D]]),
    ("domifaddr --source agent", [["domifaddr", "--source", "agent", D]]),
    ("guestvcpus", [["guestvcpus", D]]),
    ("set-user-password", [["set-user-password", D, "guest", "bench-Secret-1"]]),
    ("guest-exec /bin/true (qemu-agent-command)",
     [["qemu-agent-command", D, '{"execute":"guest-exec","arguments":{"path":"/bin/true"}}']]),
]

# The agent commands under the steps, timed inside the guest.
GUEST_REQUESTS = [
    '{"execute":"guest-ping"}',
    '{"execute":"guest-get-osinfo"}',
    '{"execute":"guest-get-fsinfo"}',
    '{"execute":"guest-get-disks"}',
    '{"execute":"guest-get-vcpus"}',
    '{"execute":"guest-network-get-interfaces"}',
    '{"execute":"guest-get-timezone"}',
    '{"execute":"guest-get-users"}',
    '{"execute":"guest-get-host-name"}',
    '{"execute":"guest-fstrim"}',
    '{"execute":"guest-set-user-password","arguments":{"username":"guest","password":"YmVuY2g=","crypted":false}}',
]


def time_step(commands):
    start = time.monotonic()
    for command in commands:
        h.virsh(*command)
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(HERE, "..", "..", "build"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--startup-runs", type=int, default=15)
    parser.add_argument("--guest-runs", type=int, default=30)
    options = parser.parse_args()
    build = os.path.abspath(options.build)
    os.environ.setdefault("QTGA_VM_IMAGE", os.path.join(build, "tests", "vm", "vm-image"))
    os.environ.setdefault("QTGA_LIBVIRT_IMAGE", os.path.join(build, "tests", "libvirt", "root-image"))

    samples = {name: {step: [] for step, _ in STEPS} for name in ("qtga", "qemu-ga")}
    with h.Session() as session:
        dom = session.domain
        dom.start()
        for round_number in range(options.rounds):
            order = ("qtga", "qemu-ga") if round_number % 2 == 0 else ("qemu-ga", "qtga")
            for name in order:
                dom.start_agent(name)
                for _ in range(options.repeat):
                    for step, commands in STEPS:
                        samples[name][step].append(time_step(commands))
                dom.stop_agent()
        agents = "/usr/sbin/qtga-agent /usr/sbin/qemu-ga"
        # The Qt floors beside them (tests/bench/qtfloor*.cpp): what Debian's Qt Core costs alone,
        # and with Qt Network's QLocalServer and a Qt logging category, as in the agent.
        floors = "/usr/bin/qtfloor /usr/bin/qtfloor-local"
        startup = dom.console.output(f"qtga-guest-probe startup {options.startup_runs} {agents} {floors}",
                                     limit=600)
        # TCG translates the guest's code into host code and keeps the translations by address:
        # with address randomization, every start runs all its code for the first time.
        fixed = dom.console.output(f"setarch x86_64 -R qtga-guest-probe startup {options.startup_runs} {agents} "
                                   f"{floors}", limit=600)
        latency = []
        for request in GUEST_REQUESTS:
            out = dom.console.output(f"qtga-guest-probe latency {options.guest_runs} {shlex.quote(request)} {agents}",
                                     limit=600)
            latency.append((request, out))

    print(f"rounds {options.rounds}, {options.repeat} runs per step and round: "
          f"{options.rounds * options.repeat} samples per step and agent\n")
    print("| step through virsh | qtga (ms) | qemu-ga (ms) | qtga/qemu-ga |")
    print("|---|---|---|---|")
    for step, _ in STEPS if options.rounds > 0 else []:
        ours = h.median(samples["qtga"][step]) * 1000
        theirs = h.median(samples["qemu-ga"][step]) * 1000
        print(f"| {step} | {ours:.1f} | {theirs:.1f} | {ours / theirs:.2f} |")
    print(f"\nstart-up to first answer in the guest (unix socket, guest-sync + guest-ping), "
          f"{options.startup_runs} runs each:")
    print(startup)
    print("the same without address randomization (setarch -R):")
    print(fixed)
    print(f"\nlatency in the guest (unix socket, {options.guest_runs} runs each, alternating):")
    for request, out in latency:
        print(request)
        print(out)


if __name__ == "__main__":
    main()
