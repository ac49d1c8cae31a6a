#!/usr/bin/env python3

# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

"""How much code a server runs from exec() to its first answer: distinct instructions, counted
by callgrind (repeatable, whatever else the machine does).

Under TCG every instruction a process runs for the first time at a new (randomized) address is
translated before it runs, so a TCG guest's start-up time follows this count, not the number
of instructions executed. Runs qtga-agent, qemu-ga and the Qt floors (tests/bench/qtfloor*.cpp)
on a unix socket, sends one guest-ping, dumps callgrind's counts when the answer is in, and prints
per server the distinct instructions by object; for qtga also by start-up phase (each
instruction counted in the first phase that runs it). Not a pass/fail test.

    tests/bench/startup-footprint.py [--build build] [--qemu-ga PATH] [--objects 8]
"""

import argparse
import collections
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# qtga-agent's start-up phases: callgrind dumps its counts when each of these functions is
# entered, so a phase runs from one of them to the next (the last one to the first answer).
QTGA_PHASE_ENDS = ["main", "QCoreApplication::QCoreApplication*", "qtga::Agent::Agent*",
                   "qtga::Agent::start(*", "QCoreApplication::exec*"]


def reference_qemu_ga(build):
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as cache:
            for line in cache:
                if line.startswith("QTGA_REFERENCE_ROOT:PATH="):
                    path = os.path.join(line.split("=", 1)[1].strip(), "usr/sbin/qemu-ga")
                    if os.path.exists(path):
                        return path
    except OSError:
        pass
    return shutil.which("qemu-ga") or "/usr/sbin/qemu-ga"


def ping(path):
    """Connects as soon as the socket exists and sends guest-ping; returns the connection, still
    open (a disconnect is not start-up work), and the answer."""
    deadline = time.monotonic() + 60
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            # Not there yet, or bound but not listening yet.
            s.close()
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing listens on {path}")
            time.sleep(0.05)
    s.sendall(b'{"execute":"guest-ping"}\n')
    answer = b""
    while not answer.endswith(b"\n"):
        chunk = s.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed before the answer")
        answer += chunk
    return s, answer


def record(command, work, tag, phases):
    """Runs `command` (it listens on work/sock) under callgrind, dumping the counts at each of
    `phases` and at the first answer; returns (the main thread's dump files in order, the other
    threads' dump files)."""
    out = os.path.join(work, f"cg.{tag}")
    sock = os.path.join(work, "sock")
    if os.path.exists(sock):
        os.unlink(sock)
    args = ["valgrind", "--tool=callgrind", "--dump-instr=yes", "--compress-strings=no",
            "--compress-pos=no", "--separate-threads=yes", f"--callgrind-out-file={out}"]
    args += [f"--dump-before={function}" for function in phases]
    proc = subprocess.Popen(args + command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        connection, answer = ping(sock)
        if b'"return"' not in answer:
            raise RuntimeError(f"{tag}: unexpected answer {answer!r}")
        subprocess.run(["callgrind_control", "--dump", str(proc.pid)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        connection.close()
    finally:
        # The counts are written; the way out does not matter (under valgrind, qemu-ga has been
        # seen to miss a SIGTERM now and then).
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    # Dumps are numbered from 1 in the order written, one file per thread (-01 is the main
    # thread); the unnumbered files hold what ran after the last dump.
    def dump_number(path):
        return int(path.rsplit(".", 1)[1].split("-")[0])
    main_thread = sorted(glob.glob(out + ".*-01"), key=dump_number)
    others = [f for f in glob.glob(out + ".*-*") if not f.endswith("-01")]
    return main_thread, others


def distinct(dumps):
    """Per dump: where it was taken (the function entered, or "first answer") and a Counter of
    object -> instructions first run in that dump."""
    seen = set()
    result = []
    for path in dumps:
        per_object = collections.Counter()
        trigger = "the first answer"
        obj = None
        after_call = False
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("desc: Trigger: --dump-before="):
                    trigger = line.split("=", 1)[1].strip()
                elif line.startswith("ob="):
                    obj = os.path.basename(line[3:].strip())
                elif line.startswith("calls="):
                    after_call = True   # the next cost line is the call's inclusive cost
                elif line.startswith("0x"):
                    if after_call:
                        after_call = False
                        continue
                    key = (obj, line.split()[0])
                    if key not in seen:
                        seen.add(key)
                        per_object[obj] += 1
        result.append((trigger, per_object))
    return result


def short(obj):
    return re.sub(r"\.so(\.[0-9]+)*$", "", obj)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(HERE, "..", "..", "build"))
    parser.add_argument("--qemu-ga", default=None)
    parser.add_argument("--objects", type=int, default=8, help="objects listed per server")
    opts = parser.parse_args()
    build = os.path.abspath(opts.build)
    qemu_ga = opts.qemu_ga or reference_qemu_ga(build)
    work = tempfile.mkdtemp(prefix="qtga-footprint.")
    try:
        state = os.path.join(work, "state")
        os.mkdir(state)
        sock = os.path.join(work, "sock")
        servers = [
            # Its status socket as by default (group lookup and all), in the work directory.
            ("qtga", [os.path.join(build, "agent/qtga-agent"), "-m", "unix-listen", "-p", sock, "-t", state,
                      "--status-socket", os.path.join(work, "status.sock")], QTGA_PHASE_ENDS),
            ("qemu-ga", [qemu_ga, "-m", "unix-listen", "-p", sock, "-t", state], []),
            ("Qt floor", [os.path.join(build, "tests/bench/qtfloor"), "-m", "unix-listen", "-p", sock], []),
            ("Qt floor, QLocalServer and logging",
             [os.path.join(build, "tests/bench/qtfloor-local"), "-m", "unix-listen", "-p", sock], []),
        ]
        totals = {}
        for tag, command, phases in servers:
            # The numbered dumps end with the one taken at the answer; the exit's is not read.
            main_thread, others = record(command, work, tag.replace(" ", "-"), phases)
            counts = distinct(main_thread)
            total = collections.Counter()
            for _, c in counts:
                total.update(c)
            totals[tag] = sum(total.values())
            print(f"## {tag}: {totals[tag]:,} distinct instructions in the main thread up to the first answer")
            print()
            if others:
                # Another thread runs beside the main one (qtga: the status socket's group lookup).
                beside = sum(sum(c.values()) for _, c in distinct(sorted(others)))
                print(f"Other threads by then: {beside:,} (not on the way to the answer).")
                print()
            print("| object | distinct instructions |")
            print("|---|---:|")
            for obj, n in total.most_common(opts.objects):
                print(f"| {short(obj)} | {n:,} |")
            print()
            if phases:
                print("| phase: from the previous one up to | distinct instructions | largest objects |")
                print("|---|---:|---|")
                for trigger, c in counts:
                    top = ", ".join(f"{short(o)} {n:,}" for o, n in c.most_common(3))
                    print(f"| {trigger} | {sum(c.values()):,} | {top} |")
                print()
        print("| distinct instructions, main thread, to the first answer | count | / qemu-ga |")
        print("|---|---:|---:|")
        for tag, total in totals.items():
            print(f"| {tag} | {total:,} | {total / totals['qemu-ga']:.2f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
