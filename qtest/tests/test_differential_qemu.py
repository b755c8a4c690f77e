"""The same qtest script against Debian's qemu-system-x86_64 (7.2) and
iommu-sim, compared reply by reply.  Both run with the same arguments and
no -accel, so both clocks run in real time (the 64 KiB HLT firmware keeps
QEMU's CPU from touching anything)."""
import shutil
import time

import pytest

from edu_util import BAR0, DMA_BUF
from iommusim_qtest import Qtest

QEMU = shutil.which("qemu-system-x86_64")


def cfg_addr(devfn, off):
    return "outl 0xcf8 0x%x" % (0x80000000 | devfn << 8 | off)


def script():
    """Lines to send; "sleep S" lines pause instead."""
    s = []
    for off in range(0, 256, 4):                    # edu config space
        s += [cfg_addr(0x10, off), "inl 0xcfc"]
    for off in range(0, 64, 4):                     # host bridge header
        s += [cfg_addr(0x00, off), "inl 0xcfc"]
    s += [cfg_addr(0x10, 0), "inw 0xcfc", "inw 0xcfe", "inb 0xcfd",
          "inb 0xcff", "inl 0xcf8", "outw 0xcf8 0x1234", "inl 0xcf8"]
    s += [cfg_addr(0x10, 0x10), "outl 0xcfc 0xffffffff", "inl 0xcfc",
          "outl 0xcfc 0x%x" % BAR0, "inl 0xcfc",
          cfg_addr(0x10, 0x04), "outw 0xcfc 0x6", "inl 0xcfc"]
    e = lambda off: BAR0 + off                      # noqa: E731
    s += ["readl 0x%x" % e(0x0),                    # id
          "writel 0x%x 0x12345678" % e(0x4), "readl 0x%x" % e(0x4),
          "writel 0x%x 5" % e(0x8), "sleep 0.05", "readl 0x%x" % e(0x8),
          "readl 0x%x" % e(0x20), "readl 0x%x" % e(0x24),
          "writel 0x%x 0x5" % e(0x60), "readl 0x%x" % e(0x24),
          "writel 0x%x 0x5" % e(0x64), "readl 0x%x" % e(0x24)]
    s += ["write 0x10000 16 0x00112233445566778899aabbccddeeff",
          "writeq 0x%x 0x10000" % e(0x80), "writeq 0x%x 0x%x" % (e(0x88),
                                                                 DMA_BUF),
          "writeq 0x%x 16" % e(0x90), "writeq 0x%x 1" % e(0x98),
          "sleep 0.2", "readq 0x%x" % e(0x98),
          "writeq 0x%x 0x%x" % (e(0x80), DMA_BUF),
          "writeq 0x%x 0x20000" % e(0x88), "writeq 0x%x 16" % e(0x90),
          "writeq 0x%x 3" % e(0x98), "sleep 0.2", "readq 0x%x" % e(0x98),
          "read 0x20000 16", "readl 0x%x" % e(0x24)]
    s += ["write 0x30000 8 0x0102030405060708", "read 0x30000 8",
          "write 0x30010 4 0xab", "read 0x30010 4",
          "memset 0x30020 5 0x5a", "read 0x30020 8",
          "b64write 0x30030 4 AQIDBA==", "read 0x30030 4",
          "b64read 0x30000 8", "b64read 0x30000 0", "readb 0x30001", "readw 0x30001",
          "readl 0x30001", "readq 0x30003", "writew 0x30040 0x1ff",
          "readq 0x30040"]
    s += ["readl 0xb0000000", "readq 0x123456789000", "read 0xe0000000 4",
          "inl 0x3000", "inw 0x3000", "inb 0x3001", "outb 0x3000 1"]
    s += ["read 0xffff0000 16", "readq 0xfffffff8", "b64read 0xfffffff0 16",
          "readl 0xfffffffe", "writel 0xfffffff0 0", "readl 0xfffffff0"]
    s += ["endianness", "module_load a b", "bogus_verb",
          "clock_step", "clock_set 5"]
    return s


def run(binary, args):
    out = []
    with Qtest(binary, args) as q:
        for line in script():
            if line.startswith("sleep "):
                time.sleep(float(line.split()[1]))
            else:
                out.append((line, q.cmd(line)))
    return out


def test_same_replies_as_qemu(sim, bios):
    if not QEMU:
        pytest.skip("qemu-system-x86_64 is not installed")
    args = ["-machine", "q35", "-m", "512M", "-display", "none",
            "-nodefaults", "-bios", bios, "-device", "edu,addr=02.0",
            "-qtest-log", "/dev/null"]
    ref = run(QEMU, args)
    got = run(sim, args)
    diffs = ["%-40s qemu: %-24s iommu-sim: %s" % (c, r, g)
             for (c, r), (_, g) in zip(ref, got) if r != g]
    assert not diffs, "\n" + "\n".join(diffs)
