#!/usr/bin/env python3
"""iommu-sim demo: drive the q35 machine, the edu device and Intel VT-d the
way firmware and a driver do, and show what the model did at each step.

    python3 qtest/demo/demo.py --sim build/qtest/iommu-sim

Every register offset and bit position comes from the generated spec module
(build/specs/vtd_spec.py, made from specs/vtd/*.toml), the same source the C
model is built from.  Standard library only.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))

from iommusim_qtest import Fault, Qtest, bdf  # noqa: E402

VTD_BASE = 0xFED90000       # DRHD register base in the machine's DMAR
EDU_BAR0 = 0xFE000000       # where our "firmware" places edu's BAR0
EDU_SID = bdf(0, 2, 0)      # edu at 00:02.0
DOMAIN = 1

# Guest-physical layout of the tables this demo builds.
ROOT_TABLE = 0x0010_0000
CONTEXT_TABLE = 0x0010_1000
PDPT = 0x0010_2000           # level 3 (AW=1: 39-bit, 3-level)
PD = 0x0010_3000
PT = 0x0010_4000
BUF_RW = 0x0020_0000         # page the device may read and write
BUF_RO = 0x0020_1000         # page the device may only read
BUF_NEW = 0x0020_2000        # where the remap step points
IOVA_RW = 0x0800_0000        # below edu's 28-bit DMA mask
IOVA_RO = 0x0800_1000
IOVA_UNMAPPED = 0x0800_2000

EDU_DMA_NS = 100_000_000     # edu completes a DMA 100 ms after the command


class Spec:
    """Named access to the generated VT-d declarations."""

    def __init__(self, mod):
        self.m = mod

    def off(self, reg):
        return self.m.REGISTERS[reg]["offset"]

    def bit(self, reg, field):
        lsb, _ = self.m.field("registers", reg, field)
        return 1 << lsb

    def get(self, value, reg, field):
        return self.m.get(value, "registers", reg, field)

    def put(self, value, reg, field, f):
        return self.m.put(value, "registers", reg, field, f)

    def entry(self, layout, **fields):
        v = 0
        for name, f in fields.items():
            v = self.m.put(v, "layouts", layout, name, f)
        return v

    def fault_name(self, code):
        for name, e in self.m.ENUMS["fault_reason"].items():
            if e["value"] == code:
                return name
        return "0x%x" % code


def step(title):
    print("\n== %s" % title)


def say(text, *args):
    print("   " + (text % args if args else text))


def load_spec(build_dir):
    sys.path.insert(0, os.path.join(build_dir, "specs"))
    import vtd_spec
    return Spec(vtd_spec)


class Demo:
    def __init__(self, qt, spec):
        self.qt = qt
        self.s = spec

    # -- VT-d register helpers ---------------------------------------
    def rd(self, reg, width=None):
        w = width or self.s.m.REGISTERS[reg]["width"]
        a = VTD_BASE + self.s.off(reg)
        return self.qt.readq(a) if w == 64 else self.qt.readl(a)

    def wr(self, reg, value):
        a = VTD_BASE + self.s.off(reg)
        if self.s.m.REGISTERS[reg]["width"] == 64:
            self.qt.writeq(a, value)
        else:
            self.qt.writel(a, value)

    def gcmd(self, field):
        """Linux's idiom: keep the persistent status bits, add one command."""
        gsts = self.rd("GSTS")
        self.wr("GCMD", (gsts & 0x96FFFFFF) | self.s.bit("GCMD", field))
        return self.rd("GSTS")

    def group_base(self, group):
        g = self.s.m.GROUPS[group]["base"]
        v = self.rd(g["reg"])
        return VTD_BASE + self.s.get(v, g["reg"], g["field"]) * g["scale"]

    # -- the edu device ------------------------------------------------
    def edu_dma(self, src, dst, count, to_ram):
        qt = self.qt
        qt.writeq(EDU_BAR0 + 0x80, src)
        qt.writeq(EDU_BAR0 + 0x88, dst)
        qt.writeq(EDU_BAR0 + 0x90, count)
        qt.writeq(EDU_BAR0 + 0x98, 0x1 | (0x2 if to_ram else 0))
        t = qt.clock_step(EDU_DMA_NS)
        return t


def firmware_and_pci(d):
    qt = d.qt
    step("Firmware: enable MMCONFIG and enumerate bus 0")
    qt.pci_cfg_write(bdf(0, 0, 0), 0x60, 0xB0000001)
    say("PCIEXBAR = 0xb0000001: MMCONFIG now decodes at 0xb0000000")
    for dev in range(32):
        for fn in range(8):
            vid_did = qt.pci_cfg_read(bdf(0, dev, fn), 0)
            if vid_did == 0xFFFFFFFF:
                if fn == 0:
                    break
                continue
            cls = qt.pci_cfg_read(bdf(0, dev, fn), 8) >> 8
            say("00:%02x.%d  %04x:%04x  class %06x", dev, fn,
                vid_did & 0xFFFF, vid_did >> 16, cls)
            header_type = qt.pci_cfg_read(bdf(0, dev, fn), 0x0C) >> 16
            if fn == 0 and not header_type & 0x80:
                break               # not a multi-function device

    step("Driver: probe edu at 00:02.0")
    qt.pci_cfg_write(EDU_SID, 0x10, 0xFFFFFFFF)
    size = (~(qt.pci_cfg_read(EDU_SID, 0x10) & ~0xF) & 0xFFFFFFFF) + 1
    qt.pci_cfg_write(EDU_SID, 0x10, EDU_BAR0)
    qt.pci_cfg_write(EDU_SID, 0x04, 0x0006, size=2)
    say("BAR0 is %d KiB, placed at 0x%x; memory space + bus master on",
        size >> 10, EDU_BAR0)
    qt.writel(EDU_BAR0 + 4, 0x12345678)
    say("edu id 0x%08x, liveness check: wrote 0x12345678, read 0x%08x",
        qt.readl(EDU_BAR0), qt.readl(EDU_BAR0 + 4))


def vtd_capabilities(d):
    s = d.s
    step("VT-d: what the unit reports (VT-d 5.10 §11.4.1-3)")
    ver, cap, ecap = d.rd("VER"), d.rd("CAP"), d.rd("ECAP")
    say("VER 0x%x  CAP 0x%016x  ECAP 0x%016x", ver, cap, ecap)
    say("SAGAW 0x%x (bit 1 = 39-bit, 3-level)  MGAW %d bits  NFR %d  "
        "FRO 0x%x", s.get(cap, "CAP", "SAGAW"), s.get(cap, "CAP", "MGAW") + 1,
        s.get(cap, "CAP", "NFR") + 1, s.get(cap, "CAP", "FRO") * 16)
    say("queued invalidation %s, pass-through %s, IOTLB registers at 0x%x",
        "yes" if s.get(ecap, "ECAP", "QI") else "no",
        "yes" if s.get(ecap, "ECAP", "PT") else "no",
        s.get(ecap, "ECAP", "IRO") * 16)


def build_tables(d):
    qt, s = d.qt, d.s
    step("Driver: build root, context and second-stage tables in RAM")
    root = s.entry("ROOT_ENTRY", P=1, CTP=CONTEXT_TABLE >> 12)
    qt.write(ROOT_TABLE, root.to_bytes(16, "little"))
    ctx = s.entry("CONTEXT_ENTRY", P=1, TT=0, SSPTPTR=PDPT >> 12, AW=1,
                  DID=DOMAIN)
    qt.write(CONTEXT_TABLE + 16 * (EDU_SID & 0xFF), ctx.to_bytes(16, "little"))
    say("root[0] -> context table 0x%x; context[02.0]: domain %d, "
        "3-level table at 0x%x", CONTEXT_TABLE, DOMAIN, PDPT)
    qt.writeq(PDPT + 8 * ((IOVA_RW >> 30) & 0x1FF),
              s.entry("SS_PDPE", R=1, W=1, ADDR=PD >> 12))
    qt.writeq(PD + 8 * ((IOVA_RW >> 21) & 0x1FF),
              s.entry("SS_PDE", R=1, W=1, ADDR=PT >> 12))
    qt.writeq(PT + 8 * ((IOVA_RW >> 12) & 0x1FF),
              s.entry("SS_PTE", R=1, W=1, ADDR=BUF_RW >> 12))
    qt.writeq(PT + 8 * ((IOVA_RO >> 12) & 0x1FF),
              s.entry("SS_PTE", R=1, W=0, ADDR=BUF_RO >> 12))
    say("IOVA 0x%x -> 0x%x read/write", IOVA_RW, BUF_RW)
    say("IOVA 0x%x -> 0x%x read-only", IOVA_RO, BUF_RO)
    say("IOVA 0x%x    not mapped", IOVA_UNMAPPED)


def enable_translation(d):
    qt, s = d.qt, d.s
    step("Driver: program the unit the way Linux does (VT-d 5.10 §11.4.4-5)")
    d.wr("RTADDR", ROOT_TABLE)
    gsts = d.gcmd("SRTP")
    say("RTADDR = 0x%x, GCMD.SRTP -> GSTS 0x%08x (RTPS %d on the next read)",
        ROOT_TABLE, gsts, s.get(gsts, "GSTS", "RTPS"))
    d.wr("CCMD", s.put(s.put(0, "CCMD", "ICC", 1), "CCMD", "CIRG", 1))
    ccmd = d.rd("CCMD")
    say("global context-cache invalidation: ICC cleared, CAIG %d",
        s.get(ccmd, "CCMD", "CAIG"))
    iotlb = d.group_base("IOTLB_REGS") + s.off("IOTLB")
    qt.writeq(iotlb, s.put(s.put(0, "IOTLB", "IVT", 1), "IOTLB", "IIRG", 1))
    say("global IOTLB invalidation: IAIG %d",
        s.get(qt.readq(iotlb), "IOTLB", "IAIG"))
    d.wr("FEDATA", 0x0000_0041)
    d.wr("FEADDR", 0xFEE0_0000)
    d.wr("FECTL", 0)
    qt.msi_intercept(True)
    say("fault event: vector 0x41 to APIC 0, unmasked (FECTL 0x%08x)",
        d.rd("FECTL"))
    gsts = d.gcmd("TE")
    say("GCMD.TE -> GSTS 0x%08x: DMA remapping is on", gsts)


def translated_dma(d):
    qt = d.qt
    step("edu DMA through a mapped page")
    message = b"Hello from RAM, via VT-d!"
    qt.write(BUF_RW, message)
    d.edu_dma(IOVA_RW, 0x40000, len(message), to_ram=False)
    say("edu copied %d bytes from IOVA 0x%x (RAM 0x%x) into its buffer",
        len(message), IOVA_RW, BUF_RW)
    t = d.edu_dma(0x40000, IOVA_RW + 0x800, len(message), to_ram=True)
    got = qt.read(BUF_RW + 0x800, len(message))
    say("and back out to IOVA 0x%x: RAM 0x%x now holds %r", IOVA_RW + 0x800,
        BUF_RW + 0x800, got)
    say("virtual time now %.1f ms (edu finishes 100 ms after the command)",
        t / 1e6)
    stats = qt.stats()
    keys = [k for k in stats if "lookups" in k or "hits" in k or
            "misses" in k or "mem_accesses" in k]
    say("caches: " + " ".join("%s=%s" % (k, stats[k]) for k in keys[:8]))


def faulting_dma(d):
    qt, s = d.qt, d.s
    step("edu DMA writes to a read-only page: a fault, as hardware reports it")
    qt.async_lines.clear()
    d.edu_dma(0x40000, IOVA_RO, 8, to_ram=True)
    fsts = d.rd("FSTS")
    say("FSTS 0x%08x: PPF %d, FRI %d", fsts, s.get(fsts, "FSTS", "PPF"),
        s.get(fsts, "FSTS", "FRI"))
    frcd = d.group_base("FRCD_REGS")
    rec = qt.readq(frcd) | (qt.readq(frcd + 8) << 64)
    fr = s.get(rec, "FRCD", "FR")
    sid = s.get(rec, "FRCD", "SID")
    say("fault record: F=%d SID %02x:%02x.%d reason 0x%x (%s) at IOVA 0x%x, "
        "%s request", s.get(rec, "FRCD", "F"), sid >> 8, (sid >> 3) & 0x1F,
        sid & 7, fr, s.fault_name(fr), s.get(rec, "FRCD", "FI") << 12,
        "read" if s.get(rec, "FRCD", "T1") else "write")
    for line in qt.async_lines:
        say("interrupt seen: %s", line)
    qt.writel(frcd + 12, 0x80000000)
    say("driver clears F (write 1 to bit 127): FSTS now 0x%08x", d.rd("FSTS"))
    try:
        qt.dma_read(EDU_SID, IOVA_UNMAPPED, 4)
    except Fault as f:
        say("direct request to an unmapped IOVA: OK FAULT %s", f.name)


def stale_translation(d):
    qt, s = d.qt, d.s
    step("The IOTLB is real: change a mapping without invalidating")
    qt.write(BUF_NEW, b"NEW!")
    say("before: dma_read 00:02.0 0x%x -> %r", IOVA_RW,
        qt.dma_read(EDU_SID, IOVA_RW, 4))
    qt.writeq(PT + 8 * ((IOVA_RW >> 12) & 0x1FF),
              s.entry("SS_PTE", R=1, W=1, ADDR=BUF_NEW >> 12))
    say("PTE now points at 0x%x; no invalidation yet: %r", BUF_NEW,
        qt.dma_read(EDU_SID, IOVA_RW, 4))
    group = d.group_base("IOTLB_REGS")
    qt.writeq(group + s.off("IVA"), IOVA_RW)
    qt.writeq(group + s.off("IOTLB"), s.put(s.put(s.put(0, "IOTLB", "IVT", 1), "IOTLB",
                                   "IIRG", 3), "IOTLB", "DID", DOMAIN))
    say("page-selective IOTLB invalidation (IIRG 3, domain %d): %r", DOMAIN,
        qt.dma_read(EDU_SID, IOVA_RW, 4))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sim", default="build/qtest/iommu-sim",
                    help="path of the iommu-sim binary")
    args = ap.parse_args()
    sim = os.path.abspath(args.sim)
    if not os.access(sim, os.X_OK):
        sys.exit("demo: %s is not built (meson compile -C build)" % sim)
    spec = load_spec(os.path.dirname(os.path.dirname(sim)))
    argv = ["-machine", "q35", "-accel", "qtest", "-m", "512M",
            "-device", "intel-iommu", "-device", "edu,addr=02.0"]
    print("iommu-sim demo: %s %s" % (sim, " ".join(argv)))
    with Qtest(binary=sim, args=argv) as qt:
        d = Demo(qt, spec)
        firmware_and_pci(d)
        vtd_capabilities(d)
        build_tables(d)
        enable_translation(d)
        translated_dma(d)
        faulting_dma(d)
        stale_translation(d)
    print("\nDone. docs/vtd.md has the feature table; docs/harness.md the "
          "protocol used here.")


if __name__ == "__main__":
    main()
