"""Minimal qtest-over-stdio driver for the VT-d invalidation/caching tests.

Register offsets are VT-d 5.10 ch. 11 (GCMD 0x18, GSTS 0x1c, RTADDR 0x20,
CCMD 0x28, FSTS 0x34, IQH 0x80, IQT 0x88, IQA 0x90, ICS 0x9c, IQERCD 0xb0);
the IOTLB registers sit at 16 * ECAP.IRO (+8).
"""
import importlib
import os
import shutil
import subprocess
import sys
import time

from edu_util import BAR0, edu_dma, edu_enable

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


# ---------------------------------------------------------------------------
# Spec-driven helpers on the Python client (iommusim_qtest.Qtest), usable
# against iommu-sim and Debian's QEMU 7.2 alike.  Offsets, fields and
# descriptor layouts come from the generated build/specs/vtd_spec.py
# (specs/vtd/*.toml), never from hand-written shifts.


EDU_SID = 0x10                  # 00:02.0, the edu function
QEMU = shutil.which("qemu-system-x86_64")
BASE_ARGS = ["-machine", "q35", "-display", "none", "-nodefaults"]


def load_spec():
    """The generated vtd_spec module next to the iommu-sim being tested."""
    root = os.environ.get("IOMMU_SIM_BUILD_ROOT")
    if not root:
        sim = os.environ.get("IOMMU_SIM", "")
        root = os.path.dirname(os.path.dirname(os.path.abspath(sim)))
    path = os.path.join(root, "specs")
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module("vtd_spec")


SPEC = load_spec()


def sim_args(bios, dev="intel-iommu", accel=True, extra=()):
    """iommu-sim's (or QEMU's, accel=False) arguments: unit + edu."""
    a = BASE_ARGS + ["-bios", bios, "-device", dev,
                     "-device", "edu,addr=02.0"] + list(extra)
    return a + (["-accel", "qtest"] if accel else [])


def qemu_args(bios, dev="intel-iommu"):
    return sim_args(bios, dev, accel=False, extra=["-qtest-log", "/dev/null"])


def enc(layout, **fields):
    """A descriptor/entry value with the given fields (spec layout)."""
    v = 0
    for name, val in fields.items():
        v = SPEC.put(v, "layouts", layout, name.upper(), val)
    return v


def desc_words(value, width=128):
    return [(value >> (64 * i)) & (2 ** 64 - 1) for i in range(width // 64)]


class Vtd:
    """The remapping unit at 0xfed90000 seen through a Qtest channel."""

    def __init__(self, qt, realtime=False):
        self.qt = qt
        self.realtime = realtime
        self.base = VTD

    # -- registers --------------------------------------------------------
    def off(self, reg, index=0):
        r = SPEC.REGISTERS[reg]
        g = r["group"]
        if not g:
            return r["offset"]
        gb = SPEC.GROUPS[g]["base"]
        base = self.field(gb["reg"], gb["field"]) * gb["scale"] + gb["add"]
        return base + r["offset"] + index * SPEC.GROUPS[g]["stride"]

    def rd(self, reg, index=0):
        a = self.base + self.off(reg, index)
        w = SPEC.REGISTERS[reg]["width"]
        if w == 128:
            return self.qt.readq(a) | (self.qt.readq(a + 8) << 64)
        return self.qt.readq(a) if w == 64 else self.qt.readl(a)

    def wr(self, reg, value, index=0):
        a = self.base + self.off(reg, index)
        w = SPEC.REGISTERS[reg]["width"]
        if w == 128:
            self.qt.writeq(a, value & (2 ** 64 - 1))
            self.qt.writeq(a + 8, value >> 64)
        elif w == 64:
            self.qt.writeq(a, value)
        else:
            self.qt.writel(a, value)

    def field(self, reg, name, value=None):
        return SPEC.get(self.rd(reg) if value is None else value,
                        "registers", reg, name)

    def bit(self, reg, name):
        lsb, msb = SPEC.field("registers", reg, name)
        return ((1 << (msb - lsb + 1)) - 1) << lsb

    def val(self, reg, **fields):
        v = 0
        for name, f in fields.items():
            v = SPEC.put(v, "registers", reg, name.upper(), f)
        return v

    def poll(self, reg, mask, want, tries=1000):
        for _ in range(tries):
            v = self.rd(reg)
            if (v & mask) == want:
                return v
        raise AssertionError("%s & 0x%x never became 0x%x (0x%x)" %
                             (reg, mask, want, v))

    # -- GCMD idioms (CLIENTS.md) -----------------------------------------
    def gcmd(self, cmd, on=True, idiom="linux"):
        """Issue a GCMD bit (GSTS field name), then poll its status."""
        gsts = self.rd("GSTS")
        keep = {"linux": gsts & 0x96FFFFFF, "gsts": gsts, "lone": 0}[idiom]
        bit = self.bit("GCMD", cmd)
        self.wr("GCMD", (keep | bit) if on else (keep & ~bit))
        status = {"SRTP": "RTPS", "TE": "TES", "QIE": "QIES",
                  "SIRTP": "IRTPS", "IRE": "IRES", "WBF": "WBFS"}[cmd]
        smask = self.bit("GSTS", status)
        if cmd == "WBF":        # WBFS clears when the flush is done
            return self.poll("GSTS", smask, 0)
        return self.poll("GSTS", smask, smask if on else 0)

    # -- faults -------------------------------------------------------------
    def frcd(self, index=0):
        v = self.rd("FRCD", index)
        f = {k: SPEC.get(v, "registers", "FRCD", k)
             for k in SPEC.REGISTERS["FRCD"]["fields"]}
        f["FI"] <<= 12
        return f

    def fault_setup(self, data=0x41, addr=0xfee00000):
        """Linux's dmar_set_interrupt order, then unmask and read back."""
        self.wr("FEDATA", data)
        self.wr("FEADDR", addr)
        self.wr("FEUADDR", 0)
        self.wr("FECTL", 0)
        return self.rd("FECTL")

    # -- queued invalidation -------------------------------------------------
    def qi_enable(self, qbase, qs=0, dw=0):
        """Linux's dmar_enable_qi: IQT=0, IQA, QIE, poll QIES."""
        self.wr("IQT", 0)
        self.wr("IQA", self.val("IQA", iqa=qbase >> 12, dw=dw, qs=qs))
        self.gcmd("QIE")
        self.qbase = qbase
        self.qsize = 1 << (qs + 8)
        self.tail = 0

    def qi_submit(self, *descs):
        """Write 128-bit descriptors at the tail, then move IQT once."""
        for d in descs:
            lo, hi = desc_words(d)
            slot = self.qbase + self.tail * 16
            self.qt.writeq(slot, lo)
            self.qt.writeq(slot + 8, hi)
            self.tail = (self.tail + 1) % self.qsize
        self.wr("IQT", self.tail << 4)

    def qi_sync(self, status_addr, data=1, *descs):
        """descs, then a wait descriptor (SW); poll the status like Linux."""
        self.qt.writel(status_addr, 0)
        wait = enc("WAIT_DESC", type_lo=5, sw=1, status_data=data,
                   status_addr=status_addr >> 2)
        self.qi_submit(*(descs + (wait,)))
        for _ in range(1000):
            if self.qt.readl(status_addr) == data:
                return
            self.settle(0.001)
        raise AssertionError("wait descriptor status never written")

    # -- time -----------------------------------------------------------------
    def settle(self, seconds=0.1):
        """Let edu's DMA timer fire: virtual time, or wall time for QEMU."""
        if self.realtime:
            time.sleep(seconds * 2 if seconds >= 0.05 else seconds)
        else:
            self.qt.clock_step(int(seconds * 1e9))


# Descriptors (VT-d 5.10 §6.5.2), 128-bit.
def cc_global():
    return enc("CC_DESC", type_lo=1, g=1)


def iotlb_global(dr=1, dw=1):
    return enc("IOTLB_DESC", type_lo=2, g=1, dr=dr, dw=dw)


def iotlb_page(did, addr, am=0, ih=0):
    return enc("IOTLB_DESC", type_lo=2, g=3, dr=1, dw=1, did=did,
               addr=addr >> 12, am=am, ih=ih)


class Tables:
    """Legacy root/context tables and 3-level (AW=1) second-stage tables
    (VT-d 5.10 §9.1, §9.3, §9.8) built in guest RAM from a bump allocator."""

    def __init__(self, qt, base=0x1000000):
        self.qt = qt
        self.next = base
        self.root = self.alloc()
        self.ctx = {}
        self.slpt = {}

    def alloc(self):
        a = self.next
        self.next += 0x1000
        self.qt.memset(a, 0x1000, 0)
        return a

    def context(self, sid, did, fpd=0, tt=0, aw=1, present_root=True):
        """Root entry for sid's bus and its context entry (returns SLPT)."""
        bus = sid >> 8
        if bus not in self.ctx:
            self.ctx[bus] = self.alloc()
        if present_root:
            self.qt.writeq(self.root + 16 * bus,
                           enc("ROOT_ENTRY", p=1, ctp=self.ctx[bus] >> 12))
        slpt = self.slpt.setdefault(sid, self.alloc())
        e = enc("CONTEXT_ENTRY", p=1, fpd=fpd, tt=tt, ssptptr=slpt >> 12,
                aw=aw, did=did)
        a = self.ctx[bus] + 16 * (sid & 0xff)
        self.qt.writeq(a + 8, e >> 64)
        self.qt.writeq(a, e & (2 ** 64 - 1))
        return slpt

    def map(self, sid, iova, pa, r=1, w=1):
        """A 4 KiB leaf iova -> pa in sid's 3-level table."""
        table = self.slpt[sid]
        for level, name in ((3, "SS_PDPE"), (2, "SS_PDE")):
            idx = (iova >> (12 + 9 * (level - 1))) & 0x1ff
            e = self.qt.readq(table + 8 * idx)
            if not e & 3:
                nxt = self.alloc()
                e = enc(name, r=1, w=1, addr=nxt >> 12)
                self.qt.writeq(table + 8 * idx, e)
            table = (e >> 12 << 12) & (2 ** 52 - 1)
        idx = (iova >> 12) & 0x1ff
        self.qt.writeq(table + 8 * idx, enc("SS_PTE", r=r, w=w, addr=pa >> 12))


def edu_copy(vtd, src, dst, count, to_ram):
    """One edu DMA and the wait for its timer (docs/specs/edu.rst)."""
    edu_dma(vtd.qt, src, dst, count, to_ram)
    vtd.settle(0.1)
    assert vtd.qt.readq(BAR0 + 0x98) & 1 == 0, "edu DMA still running"


