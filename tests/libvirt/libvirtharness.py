# SPDX-FileCopyrightText: 2026 The qtga authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

"""Runs libvirt's own daemon and virsh against a TCG guest whose agent is qtga-agent or qemu-ga.

libvirtd is started by the test, not by systemd, in a mount namespace of its own: tmpfs over
/run/libvirt, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt, and a copy of
/etc/libvirt with QEMU running as root without cgroups, namespaces or a security driver. Nothing
of the machine's own libvirt (if any) is seen or changed, and everything goes when the test ends.

The domain boots the vm label's kernel and initramfs (tests/vm/make-vm-image.sh) with
qtga.root=vda: its root is a qcow2 copy-on-write layer over make-root-image.sh's disk. It has
libvirt's standard org.qemu.guest_agent.0 channel, an ext4 data disk (vdb, serial qtga-data), a
user-mode virtio NIC and a control shell on its serial console (a unix socket), through which
the test starts and stops the agents in the guest.

Only the Python standard library is used.
"""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

DOMAIN = "qtga-libvirt"
NAMESPACE_FLAG = "QTGA_LIBVIRT_NAMESPACE"
BOOT_TIMEOUT = 180
KERNEL_ARGUMENTS = "console=ttyS0 quiet loglevel=1 panic=-1 mitigations=off tsc=reliable qtga.root=vda"
# Where each agent lives in the guest (make-root-image.sh) and how it is started there. qtga
# keeps its defaults (the status socket included), as installed; both log to /tmp.
AGENTS = {
    "qtga": "/usr/sbin/qtga-agent",
    "qemu-ga": "/usr/sbin/qemu-ga",
}
AGENT_PORT = "/dev/virtio-ports/org.qemu.guest_agent.0"


def enter_namespace():
    """Re-runs this script under `unshare -m` once; returns inside the namespace."""
    if os.environ.get(NAMESPACE_FLAG) == "1":
        return
    if os.geteuid() != 0:
        print("SKIP: the libvirt tests run libvirtd and QEMU as root")
        sys.exit(77)
    for tool in ("unshare", "libvirtd", "virsh", "qemu-img", "qemu-system-x86_64", "mkfs.ext4"):
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            print(f"FAIL: {tool} is missing (see .ci/deps)")
            sys.exit(1)
    env = dict(os.environ, **{NAMESPACE_FLAG: "1"})
    os.execvpe("unshare", ["unshare", "-m", "--propagation", "private", sys.executable] + sys.argv, env)


def _run(argv, check=True, timeout=120, **kwargs):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}): {result.stdout.decode(errors='replace')}")
    return result


class Libvirt:
    """libvirtd in this process's private mount namespace."""

    def __init__(self, work):
        self.work = work
        self.daemon = None
        self.log_path = os.path.join(work, "libvirtd.log")
        self.starts = 0

    def prepare(self):
        for path in ("/run/libvirt", "/var/lib/libvirt", "/var/log/libvirt", "/var/cache/libvirt"):
            os.makedirs(path, exist_ok=True)
            _run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", path])
        etc = os.path.join(self.work, "etc-libvirt")
        shutil.copytree("/etc/libvirt", etc, symlinks=True)
        # No network autostarts (the default network would want dnsmasq and a bridge).
        shutil.rmtree(os.path.join(etc, "qemu", "networks"), ignore_errors=True)
        with open(os.path.join(etc, "qemu.conf"), "a") as conf:
            conf.write('\n# qtga tests: QEMU as root, no cgroups, no namespaces, no confinement\n'
                       'user = "root"\ngroup = "root"\ncgroup_controllers = [ ]\nnamespaces = [ ]\n'
                       'security_driver = "none"\nremember_owner = 0\nstdio_handler = "file"\n')
        with open(os.path.join(etc, "libvirtd.conf"), "a") as conf:
            conf.write('\nauth_unix_rw = "none"\nauth_unix_ro = "none"\n')
        _run(["mount", "--bind", etc, "/etc/libvirt"])

    def start(self):
        log = open(self.log_path, "ab")
        self.daemon = subprocess.Popen(["libvirtd"], stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self.starts += 1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.daemon.poll() is not None:
                raise RuntimeError(f"libvirtd exited with {self.daemon.returncode}, see {self.log_path}")
            if _run(["virsh", "-q", "-c", "qemu:///system", "uri"], check=False).returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("libvirtd does not answer")

    def stop(self, sig=signal.SIGTERM):
        if self.daemon is not None and self.daemon.poll() is None:
            self.daemon.send_signal(sig)
            self.daemon.wait(30)
        self.daemon = None


def virsh(*args, check=True, timeout=120, quiet=True):
    """virsh's output (stdout and stderr) as text; `quiet` leaves out headers and messages."""
    result = _run(["virsh"] + (["-q"] if quiet else []) + ["-c", "qemu:///system"] + list(args),
                  check=check, timeout=timeout)
    return result.stdout.decode(errors="replace")


def virsh_result(*args, timeout=120):
    result = _run(["virsh", "-q", "-c", "qemu:///system"] + list(args), check=False, timeout=timeout)
    return result.returncode, result.stdout.decode(errors="replace")


def agent_command(request, timeout=10, check=True):
    """A raw agent command through libvirt (qemu-agent-command); the parsed answer's return."""
    code, out = virsh_result("qemu-agent-command", "--timeout", str(timeout), DOMAIN, json.dumps(request),
                             timeout=timeout + 30)
    if code != 0:
        if check:
            raise RuntimeError(f"qemu-agent-command {request['execute']} failed: {out.strip()}")
        return None
    return json.loads(out)["return"]


def ping(timeout=5):
    return agent_command({"execute": "guest-ping"}, timeout=timeout, check=False) is not None


def wait_for_ping(limit=60):
    """Seconds until the first guest-ping through libvirt succeeds (raises after `limit`)."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if ping(timeout=2):
            return time.monotonic() - start
    raise RuntimeError("the agent does not answer guest-ping through libvirt")


def exec_status(pid):
    return agent_command({"execute": "guest-exec-status", "arguments": {"pid": pid}})


def run_in_guest(path, args, limit=30):
    """guest-exec with captured output; waits for the exit; returns (exitcode, stdout bytes)."""
    pid = agent_command({"execute": "guest-exec",
                         "arguments": {"path": path, "arg": args, "capture-output": True}})["pid"]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        status = exec_status(pid)
        if status["exited"]:
            return status.get("exitcode"), base64.b64decode(status.get("out-data", ""))
        time.sleep(0.05)
    raise RuntimeError(f"{path} did not exit in the guest")


class Console:
    """The guest's control shell on its serial console (a unix socket QEMU listens on)."""

    def __init__(self, path, log_path):
        self.path = path
        self.sock = None
        self.buffer = b""
        self.marker = 0
        self.log = open(log_path, "ab")

    def connect(self, limit=30):
        self.close()
        deadline = time.monotonic() + limit
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(self.path)
                self.buffer = b""
                return
            except OSError:
                self.sock.close()
                self.sock = None
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _read(self, until):
        self.sock.settimeout(max(0.01, min(1.0, until - time.monotonic())))
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return
        if not chunk:
            raise RuntimeError("the console closed")
        self.log.write(chunk)
        self.log.flush()
        self.buffer += chunk.replace(b"\r", b"")

    def wait_for_boot(self, limit=BOOT_TIMEOUT):
        """Until the guest's init says its shell is up (after a reboot, with the console
        connected throughout), then until that shell answers."""
        deadline = time.monotonic() + limit
        while b"QTGA-VM-READY\n" not in self.buffer:
            if time.monotonic() > deadline:
                raise RuntimeError("the guest did not come back")
            self._read(deadline)
        self.buffer = self.buffer[self.buffer.index(b"QTGA-VM-READY\n") + 14:]
        self.wait_for_shell(max(1, deadline - time.monotonic()))

    def wait_for_shell(self, limit=BOOT_TIMEOUT):
        """Until the shell answers (output before connecting is lost, so it is asked)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            self.marker += 1
            token = b"@@UP%d@@" % self.marker
            self.sock.sendall(b"\necho @@UP''%d@@\n" % self.marker)
            resend = time.monotonic() + 2
            while time.monotonic() < min(resend, deadline):
                if token in self.buffer:
                    self.buffer = b""
                    self.shell("PS1=''; PS2=''; stty -echo -onlcr 2>/dev/null; true")
                    return
                self._read(min(resend, deadline))
        raise RuntimeError("the guest's control shell does not answer")

    def shell(self, command, limit=60, check=True):
        """Runs one line of sh in the guest; returns (status, output)."""
        self.marker += 1
        begin = b"@@B%d@@" % self.marker
        end = b"@@E%d@@ " % self.marker
        # One line: the shell never waits in the middle of a compound command.
        body = command.strip()
        body += " " if body.endswith("&") else "; "
        script = (b"printf '\\n@@B%d@@\\n'; { " % self.marker + body.encode()
                  + b"} </dev/null 2>&1; printf '\\n@@E%d@@ %%s\\n' $?\n" % self.marker)
        self.sock.sendall(script)
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            start = self.buffer.find(begin + b"\n")
            if start >= 0:
                stop = self.buffer.find(b"\n" + end, start)
                if stop >= 0:
                    line_end = self.buffer.find(b"\n", stop + 1 + len(end))
                    if line_end >= 0:
                        output = self.buffer[start + len(begin) + 1:stop]
                        status = int(self.buffer[stop + 1 + len(end):line_end])
                        self.buffer = self.buffer[line_end + 1:]
                        if check and status != 0:
                            raise RuntimeError(f"guest: {command} failed ({status}): {output.decode(errors='replace')}")
                        return status, output.decode(errors="replace")
            self._read(deadline)
        raise RuntimeError(f"guest: {command} did not finish")

    def output(self, command, limit=60):
        return self.shell(command, limit)[1].strip()


class Domain:
    """The test domain, its disks and its console."""

    def __init__(self, work, image_dir, root_image):
        self.work = work
        self.image_dir = image_dir
        self.root_image = root_image
        self.console = Console(os.path.join(work, "console.sock"), os.path.join(work, "console.log"))
        self.agent = None
        self.agent_pid = None

    def kernel(self):
        vmlinux = os.path.join(self.image_dir, "vmlinux")
        return vmlinux if os.path.exists(vmlinux) else os.path.join(self.image_dir, "vmlinuz")

    def create_disks(self):
        root = os.path.join(self.work, "root.qcow2")
        _run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", self.root_image, "-F", "qcow2", root])
        raw = os.path.join(self.work, "data.img")
        with open(raw, "wb") as f:
            f.truncate(64 << 20)
        _run(["mkfs.ext4", "-q", "-F", "-L", "qtga-data", raw])
        _run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, os.path.join(self.work, "data.qcow2")])
        os.unlink(raw)

    def xml(self):
        return f"""<domain type='qemu'>
  <name>{DOMAIN}</name>
  <memory unit='MiB'>384</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{self.kernel()}</kernel>
    <initrd>{os.path.join(self.image_dir, 'initramfs.gz')}</initrd>
    <cmdline>{KERNEL_ARGUMENTS}</cmdline>
  </os>
  <features><acpi/></features>
  <cpu mode='maximum'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='unsafe'/>
      <source file='{os.path.join(self.work, 'root.qcow2')}'/>
      <target dev='vda' bus='virtio'/>
      <serial>qtga-root</serial>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='unsafe'/>
      <source file='{os.path.join(self.work, 'data.qcow2')}'/>
      <target dev='vdb' bus='virtio'/>
      <serial>qtga-data</serial>
    </disk>
    <interface type='user'>
      <mac address='52:54:00:12:34:56'/>
      <model type='virtio'/>
    </interface>
    <serial type='unix'>
      <source mode='bind' path='{self.console.path}'/>
      <target port='0'/>
    </serial>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <memballoon model='none'/>
  </devices>
</domain>
"""

    def define(self):
        path = os.path.join(self.work, "domain.xml")
        with open(path, "w") as f:
            f.write(self.xml())
        virsh("define", path)

    def start(self):
        virsh("start", DOMAIN)
        self.after_boot()

    def after_boot(self, connect=True):
        """Waits for the control shell (connecting the console first after a QEMU start; else
        waiting for the new boot's first words), then sets up the agent's port and the NIC."""
        if connect:
            self.console.connect()
            self.console.wait_for_shell()
        else:
            self.console.wait_for_boot()
        self.agent = None
        self.agent_pid = None
        # No udev in the guest: the port's symlink qemu-ga opens, as udev's rule would make it.
        self.console.shell("mkdir -p /dev/virtio-ports; for n in /sys/class/virtio-ports/*/name; do "
                           "[ \"$(cat $n)\" = org.qemu.guest_agent.0 ] && "
                           "ln -sf /dev/$(basename $(dirname $n)) " + AGENT_PORT + "; done; test -e " + AGENT_PORT)
        # Without duplicate address detection, and only once the link-local address is there:
        # every step must see the same addresses.
        self.console.shell("echo 0 > /proc/sys/net/ipv6/conf/eth0/accept_dad; "
                           "ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up && route add default gw 10.0.2.2 && "
                           "while ! ip -6 addr show dev eth0 | grep -q 'inet6 fe80'; do usleep 20000; done")

    def wait_for_reboot(self):
        """After a guest reboot (same QEMU, same console connection)."""
        self.after_boot(connect=False)

    def agent_command_line(self, name, extra=""):
        return (f"{AGENTS[name]} -m virtio-serial -p {AGENT_PORT} -t /run/qga-state {extra}"
                f" </dev/null >>/tmp/{name}.log 2>&1 & echo $!")

    def start_agent(self, name, extra=""):
        """Starts an agent in the guest and waits until libvirt reaches it."""
        self.console.shell("mkdir -p /run/qga-state")
        self.agent_pid = int(self.console.output(self.agent_command_line(name, extra)))
        self.agent = name
        return wait_for_ping()

    def stop_agent(self):
        if self.agent_pid is not None:
            self.console.shell(f"kill {self.agent_pid}; while kill -0 {self.agent_pid} 2>/dev/null; do usleep 10000; done",
                               check=False)
        self.agent = None
        self.agent_pid = None

    def state(self):
        return virsh("domstate", DOMAIN).strip()

    def wait_for_state(self, wanted, limit=120):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.state() == wanted:
                return
            time.sleep(0.2)
        raise RuntimeError(f"the domain is {self.state()}, not {wanted}")

    def qemu_pid(self):
        try:
            with open(f"/run/libvirt/qemu/{DOMAIN}.pid") as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None


class Session:
    """Everything one test needs, torn down in reverse order whatever happens."""

    def __init__(self):
        enter_namespace()
        self.image_dir = os.environ["QTGA_VM_IMAGE"]
        self.root_image = os.path.join(os.environ["QTGA_LIBVIRT_IMAGE"], "root.qcow2")
        keep = os.environ.get("QTGA_LIBVIRT_WORK")
        if keep:
            shutil.rmtree(keep, ignore_errors=True)
            os.makedirs(keep)
            self.work = keep
        else:
            self.work = tempfile.mkdtemp(prefix="qtga-libvirt-")
        self.libvirt = Libvirt(self.work)
        self.domain = Domain(self.work, self.image_dir, self.root_image)

    def __enter__(self):
        self.libvirt.prepare()
        self.libvirt.start()
        self.domain.create_disks()
        self.domain.define()
        return self

    def __exit__(self, *exc):
        self.domain.console.close()
        if self.libvirt.daemon is not None and self.libvirt.daemon.poll() is None:
            virsh("destroy", DOMAIN, check=False, timeout=60)
        pid = self.domain.qemu_pid()
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.libvirt.stop()
        if not os.environ.get("QTGA_LIBVIRT_WORK") and exc[0] is None:
            shutil.rmtree(self.work, ignore_errors=True)
        elif exc[0] is not None:
            print(f"logs kept in {self.work} (console.log, libvirtd.log)")
        return False


def publish_report(lines):
    """Prints a test's report, and writes it to $QTGA_LIBVIRT_REPORT when that is set."""
    text = "\n".join(lines)
    print(text)
    if os.environ.get("QTGA_LIBVIRT_REPORT"):
        with open(os.environ["QTGA_LIBVIRT_REPORT"], "w") as f:
            f.write(text + "\n")


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def run_test(main):
    """Runs a test's main(): a failed assertion is the test's failure, said in one line."""
    try:
        main()
    except AssertionError as error:
        print(f"FAIL: {error}")
        sys.exit(1)
