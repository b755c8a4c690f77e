"""qtest client for iommu-sim and QEMU (standard library only).

Start a server and talk QEMU's qtest protocol to it::

    from iommusim_qtest import Qtest
    with Qtest(args=["-machine", "q35", "-device", "edu,addr=02.0"]) as qt:
        qt.outl(0xcf8, 0x80001000)
        print(hex(qt.inl(0xcfc)))

The same class drives QEMU: pass binary="qemu-system-x86_64" and QEMU's
arguments (see hlt_bios() for a firmware that keeps the CPU quiet).

Transports: "stdio" (a socketpair as the child's stdin/stdout, -qtest
stdio) or "unix" (we listen, the child gets -qtest unix:PATH, as QEMU's
libqtest does).  Asynchronous "IRQ ..." lines that arrive before a reply
are queued in .async_lines and tracked in .irq_levels.
"""

import base64
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

__all__ = ["Qtest", "QtestError", "Fault", "bdf", "parse_bdf",
           "default_binary", "qemu_binary", "hlt_bios"]


class QtestError(Exception):
    """A reply that was not OK, or a dead channel."""


class Fault(Exception):
    """An extension DMA verb answered "OK FAULT <name>"."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name


def bdf(bus, dev, fn):
    """Requester id / PCI address as a 16-bit number."""
    return (bus << 8) | (dev << 3) | fn


def parse_bdf(text):
    """"BB:DD.F" -> 16-bit requester id."""
    bus, rest = text.split(":")
    dev, fn = rest.split(".")
    return bdf(int(bus, 16), int(dev, 16), int(fn))


def default_binary():
    """$IOMMU_SIM, else iommu-sim on PATH."""
    return os.environ.get("IOMMU_SIM") or shutil.which("iommu-sim")


def qemu_binary():
    """Path of qemu-system-x86_64, or None."""
    return shutil.which("qemu-system-x86_64")


def hlt_bios(path, size=65536):
    """Write a firmware image of HLT instructions: the CPU stops at reset."""
    with open(path, "wb") as f:
        f.write(b"\xf4" * size)
    return path


class Qtest:
    """One server process (or an attached socket) and its qtest channel."""

    def __init__(self, binary=None, args=(), transport="stdio", timeout=10.0,
                 env=None, sock=None):
        self.timeout = timeout
        self.async_lines = []
        self.irq_levels = {}
        self.proc = None
        self._rbuf = b""
        self._stderr = None
        if sock is not None:
            self.sock = sock
        else:
            self._spawn(binary or default_binary(), list(args), transport,
                        env)
        self.sock.settimeout(timeout)

    @classmethod
    def connect_unix(cls, path, timeout=10.0):
        """Attach to iommu-sim -qtest unix:PATH,server=on."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        return cls(sock=s, timeout=timeout)

    @classmethod
    def connect_tcp(cls, host, port, timeout=10.0):
        s = socket.create_connection((host, port), timeout=timeout)
        return cls(sock=s, timeout=timeout)

    def _spawn(self, binary, args, transport, env):
        if not binary:
            raise QtestError("no server binary (set IOMMU_SIM)")
        self._stderr = tempfile.TemporaryFile()
        if transport == "stdio":
            mine, theirs = socket.socketpair()
            self.proc = subprocess.Popen(
                [binary] + args + ["-qtest", "stdio"], stdin=theirs,
                stdout=theirs, stderr=self._stderr, env=env)
            theirs.close()
            self.sock = mine
        elif transport == "unix":
            self._spawn_unix(binary, args, env)
        else:
            raise ValueError("transport must be 'stdio' or 'unix'")

    def _spawn_unix(self, binary, args, env):
        tmp = tempfile.mkdtemp(prefix="qtest-")
        path = os.path.join(tmp, "qtest.sock")
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            lsock.bind(path)
            lsock.listen(1)
            lsock.settimeout(0.05)
            self.proc = subprocess.Popen(
                [binary] + args + ["-qtest", "unix:" + path],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=self._stderr, env=env)
            deadline = time.monotonic() + 30
            while True:
                try:
                    self.sock, _ = lsock.accept()
                    break
                except socket.timeout:
                    if self.proc.poll() is not None:
                        raise QtestError("server exited (%d): %s" % (
                            self.proc.returncode, self.stderr_text()))
                    if time.monotonic() > deadline:
                        raise QtestError("server did not connect")
        finally:
            lsock.close()
            shutil.rmtree(tmp, ignore_errors=True)

    # -- lifetime -----------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def stderr_text(self):
        """Everything the child wrote to stderr so far."""
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def _reap(self, timeout):
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -signal.SIGKILL

    def close(self, timeout=10.0):
        """SIGTERM the server and wait; returns its exit status."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.sock.close()
        return self._reap(timeout)

    def close_channel(self, timeout=10.0):
        """Close our end (the server sees EOF) and wait for the exit."""
        self.sock.close()
        return self._reap(timeout)

    # -- raw lines ------------------------------------------------------

    def send(self, line):
        if isinstance(line, str):
            line = line.encode()
        self.sock.sendall(line + b"\n")

    def send_raw(self, data):
        self.sock.sendall(data)

    def recv_line(self, timeout=None):
        """Next line from the server (str, without newline)."""
        self.sock.settimeout(self.timeout if timeout is None else timeout)
        while b"\n" not in self._rbuf:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise QtestError("timeout waiting for the server")
            if not chunk:
                raise QtestError("server closed the channel")
            self._rbuf += chunk
        line, self._rbuf = self._rbuf.split(b"\n", 1)
        return line.decode(errors="replace")

    def _note_async(self, line):
        words = line.split()
        if len(words) >= 3 and words[1] in ("raise", "lower"):
            self.irq_levels[int(words[2])] = words[1] == "raise"
        self.async_lines.append(line)

    def reply(self, timeout=None):
        """The next non-async line; async lines are queued."""
        while True:
            line = self.recv_line(timeout)
            if line.startswith("IRQ "):
                self._note_async(line)
            else:
                return line

    def cmd(self, line):
        """Send one command, return its reply line."""
        self.send(line)
        return self.reply()

    def ok(self, line):
        """Send a command; the reply must be OK.  Returns the text after OK."""
        r = self.cmd(line)
        if r != "OK" and not r.startswith("OK "):
            raise QtestError("%s -> %s" % (line, r))
        return r[3:]

    def wait_async(self, prefix="IRQ", timeout=None):
        """Wait for an async line starting with prefix, return it."""
        end = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            for i, line in enumerate(self.async_lines):
                if line.startswith(prefix):
                    return self.async_lines.pop(i)
            left = end - time.monotonic()
            if left <= 0:
                raise QtestError("no async line %r" % prefix)
            line = self.recv_line(left)
            if line.startswith("IRQ "):
                self._note_async(line)

    # -- QEMU verbs -----------------------------------------------------

    def inb(self, port): return int(self.ok("inb 0x%x" % port), 16)
    def inw(self, port): return int(self.ok("inw 0x%x" % port), 16)
    def inl(self, port): return int(self.ok("inl 0x%x" % port), 16)
    def outb(self, port, v): self.ok("outb 0x%x 0x%x" % (port, v))
    def outw(self, port, v): self.ok("outw 0x%x 0x%x" % (port, v))
    def outl(self, port, v): self.ok("outl 0x%x 0x%x" % (port, v))
    def readb(self, a): return int(self.ok("readb 0x%x" % a), 16)
    def readw(self, a): return int(self.ok("readw 0x%x" % a), 16)
    def readl(self, a): return int(self.ok("readl 0x%x" % a), 16)
    def readq(self, a): return int(self.ok("readq 0x%x" % a), 16)
    def writeb(self, a, v): self.ok("writeb 0x%x 0x%x" % (a, v))
    def writew(self, a, v): self.ok("writew 0x%x 0x%x" % (a, v))
    def writel(self, a, v): self.ok("writel 0x%x 0x%x" % (a, v))
    def writeq(self, a, v): self.ok("writeq 0x%x 0x%x" % (a, v))

    def read(self, addr, size):
        return bytes.fromhex(self.ok("read 0x%x 0x%x" % (addr, size))[2:])

    def write(self, addr, data):
        self.ok("write 0x%x 0x%x 0x%s" % (addr, len(data), data.hex()))

    def b64read(self, addr, size):
        return base64.b64decode(self.ok("b64read 0x%x 0x%x" % (addr, size)))

    def b64write(self, addr, data):
        self.ok("b64write 0x%x 0x%x %s" % (
            addr, len(data), base64.b64encode(data).decode()))

    def memset(self, addr, size, value):
        self.ok("memset 0x%x 0x%x 0x%x" % (addr, size, value))

    def endianness(self):
        return self.ok("endianness")

    def clock_step(self, ns=None):
        return int(self.ok("clock_step" if ns is None else
                           "clock_step %d" % ns))

    def clock_set(self, ns):
        return int(self.ok("clock_set %d" % ns))

    def irq_intercept_in(self, path="ioapic"):
        self.ok("irq_intercept_in " + path)

    def set_irq_in(self, path, name, num, level):
        self.ok("set_irq_in %s %s %d %d" % (path, name, num, level))

    # -- iommu-sim extensions (docs/harness.md) --------------------------

    @staticmethod
    def _sid(sid):
        return sid if isinstance(sid, str) else "0x%x" % sid

    @staticmethod
    def _opts(opts):
        return "".join(" %s=%d" % (k, int(v)) for k, v in opts.items())

    def dma_read(self, sid, addr, size, **opts):
        """Bytes read as requester sid; raises Fault on an IOMMU fault."""
        r = self.ok("dma_read %s 0x%x 0x%x%s" % (self._sid(sid), addr, size,
                                                 self._opts(opts)))
        if r.startswith("FAULT "):
            raise Fault(r[6:])
        return bytes.fromhex(r[2:])

    def dma_write(self, sid, addr, data, **opts):
        r = self.ok("dma_write %s 0x%x 0x%s%s" % (self._sid(sid), addr,
                                                  data.hex(),
                                                  self._opts(opts)))
        if r.startswith("FAULT "):
            raise Fault(r[6:])

    def msi(self, sid, addr, data):
        self.ok("msi %s 0x%x 0x%x" % (self._sid(sid), addr, data))

    def msi_intercept(self, on=True):
        self.ok("msi_intercept " + ("on" if on else "off"))

    def stats(self, which=None):
        r = self.ok("stats" + ("" if which is None else " " + which))
        return dict(kv.split("=", 1) for kv in r.split() if "=" in kv)

    # -- PCI configuration mechanism #1 -----------------------------------

    def _cfg_addr(self, devfn, off):
        self.outl(0xcf8, 0x80000000 | (devfn << 8) | (off & 0xfc))

    def pci_cfg_read(self, devfn, off, size=4):
        """devfn: bdf(bus, dev, fn) or "BB:DD.F"."""
        if isinstance(devfn, str):
            devfn = parse_bdf(devfn)
        self._cfg_addr(devfn, off)
        port = 0xcfc + (off & (4 - size))
        return {1: self.inb, 2: self.inw, 4: self.inl}[size](port)

    def pci_cfg_write(self, devfn, off, value, size=4):
        if isinstance(devfn, str):
            devfn = parse_bdf(devfn)
        self._cfg_addr(devfn, off)
        port = 0xcfc + (off & (4 - size))
        {1: self.outb, 2: self.outw, 4: self.outl}[size](port, value)
