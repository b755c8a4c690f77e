"""Minimal qtest-over-stdio driver for the VT-d invalidation/caching tests.

Register offsets are VT-d 5.10 ch. 11 (GCMD 0x18, GSTS 0x1c, RTADDR 0x20,
CCMD 0x28, FSTS 0x34, IQH 0x80, IQT 0x88, IQA 0x90, ICS 0x9c, IQERCD 0xb0);
the IOTLB registers sit at 16 * ECAP.IRO (+8).
"""
import os
import subprocess

VTD = 0xFED90000


class Harness:
    def __init__(self, *device_props):
        exe = os.environ.get('IOMMU_SIM', 'iommu-sim')
        dev = 'intel-iommu' + ''.join(',' + p for p in device_props)
        self.p = subprocess.Popen(
            [exe, '-machine', 'q35', '-qtest', 'stdio', '-display', 'none',
             '-nodefaults', '-device', dev, '-device', 'edu,addr=02.0'],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def cmd(self, line):
        self.p.stdin.write(line + '\n')
        self.p.stdin.flush()
        while True:
            r = self.p.stdout.readline().strip()
            if not r.startswith('IRQ'):
                return r

    def ok(self, line):
        r = self.cmd(line)
        assert r.startswith('OK'), (line, r)
        return r

    def readl(self, off):
        return int(self.ok('readl 0x%x' % (VTD + off)).split()[1], 16)

    def readq(self, off):
        return int(self.ok('readq 0x%x' % (VTD + off)).split()[1], 16)

    def writel(self, off, v):
        self.ok('writel 0x%x 0x%x' % (VTD + off, v))

    def writeq(self, off, v):
        self.ok('writeq 0x%x 0x%x' % (VTD + off, v))

    def memq(self, addr, v):
        self.ok('writeq 0x%x 0x%x' % (addr, v))

    def meml(self, addr):
        return int(self.ok('readl 0x%x' % addr).split()[1], 16)

    def iotlb_off(self):
        return ((self.readq(0x10) >> 8) & 0x3FF) * 16 + 8

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


def wait_desc(data, addr, sw=True, iflag=False):
    """128-bit invalidation wait descriptor (VT-d 5.10 §6.5.2.9)."""
    lo = 0x5 | (int(iflag) << 4) | (int(sw) << 5) | (data << 32)
    hi = addr  # STATUS_ADDR is bits 127:66, i.e. the address in word 1
    return lo, hi


def qi_enable(h, base, qs=0, dw=0):
    """Linux's order: IQT=0, IQA = base | DW | QS, QIE, poll QIES."""
    h.writeq(0x88, 0)
    h.writeq(0x90, base | (dw << 11) | qs)
    h.writel(0x18, 1 << 26)
    for _ in range(1000):
        if h.readl(0x1C) & (1 << 26):
            return
    raise AssertionError('QIES never set')
