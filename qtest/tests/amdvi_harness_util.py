"""Driving -device amd-iommu through the harness (AMD IOMMU spec 48882).

Every register offset, bit and descriptor field comes from the generated
spec module (build/specs/amdvi_spec.py, made from specs/amdvi/*.toml), the
source the C model uses; nothing is re-declared here by hand.

Memory plan of the scenarios (guest physical, all below edu's 256 MiB
dma_mask): device table 0x200000 (2 MiB: 64k DTEs), command buffer
0x100000, event log 0x110000, completion stores 0x120000, page tables
from 0x400000, data pages from 0x800000.
"""
import os
import sys

from iommusim_qtest import Qtest, Fault, hlt_bios  # noqa: F401

MMIO = 0xFED80000
IOMMU_BDF = "00:01.0"          # first free slot, as QEMU 7.2 places it
IOMMU_DEVID = 0x0008
EDU_DEVID = 0x0010             # edu,addr=02.0

DEVTAB, CMDBUF, EVTLOG, STORE = 0x200000, 0x100000, 0x110000, 0x120000
PT_POOL, DATA = 0x400000, 0x800000


def _load_spec():
    sim = os.environ.get("IOMMU_SIM", "")
    root = os.environ.get("IOMMU_SIM_BUILD_ROOT") or \
        os.path.dirname(os.path.dirname(os.path.abspath(sim)))
    sys.path.insert(0, os.path.join(root, "specs"))
    import amdvi_spec
    return amdvi_spec


S = _load_spec()


def reg(name):
    return S.REGISTERS[name]["offset"]


def rbit(name, field, value=None):
    """Mask of a register field, or value placed in it."""
    lsb, msb = S.field("registers", name, field)
    if value is None:
        return ((1 << (msb - lsb + 1)) - 1) << lsb
    return (value << lsb) & (((1 << (msb - lsb + 1)) - 1) << lsb)


def layout(name, **fields):
    v = 0
    for f, x in fields.items():
        v = S.put(v, "layouts", name, f.upper(), int(x))
    return v


def lget(value, name, field):
    return S.get(value, "layouts", name, field.upper())


def code(name):
    return S.ENUMS["event_code"][name]["value"]


def opcode(name):
    return S.ENUMS["cmd_opcode"][name]["value"]


def words(v, n):
    return [(v >> (64 * i)) & (2**64 - 1) for i in range(n)]


# ---- descriptors -----------------------------------------------------------

def dte(root=0, mode=0, domid=0, v=1, tv=1, ir=1, iw=1, **kw):
    return words(layout("DTE", v=v, tv=tv, mode=mode,
                        pt_root=root >> 12, ir=ir, iw=iw, domain_id=domid,
                        **kw), 4)


def pde(table, next_level, ir=1, iw=1):
    return layout("PDE", pr=1, next_level=next_level, addr=table >> 12,
                  ir=ir, iw=iw)


def pte(page, ir=1, iw=1, next_level=0):
    return layout("PTE", pr=1, next_level=next_level, addr=page >> 12,
                  ir=ir, iw=iw)


def cmd(name, **fields):
    return words(layout("CMD_" + name, opcode=opcode(name), **fields), 2)


def completion_wait(addr, data, i=0):
    return cmd("COMPLETION_WAIT", s=1, i=i, store_addr=addr >> 3,
               store_data=data)


def inv_devtab(devid):
    return cmd("INVALIDATE_DEVTAB_ENTRY", device_id=devid)


def inv_pages_all(domid):
    # S=1, address 7FFF_FFFF_FFFF_F000: every page (spec 2.4.3).
    return cmd("INVALIDATE_IOMMU_PAGES", domain_id=domid, s=1, pde=1,
               address=0x7FFFFFFFFFFFF000 >> 12)


def inv_irt(devid):
    return cmd("INVALIDATE_INTERRUPT_TABLE", device_id=devid)


def pack(cmds):
    out = bytearray()
    for w0, w1 in cmds:
        out += w0.to_bytes(8, "little") + w1.to_bytes(8, "little")
    return bytes(out)


# ---- the unit ----------------------------------------------------------------

class AmdVi:
    """One iommu-sim (or QEMU) with -device amd-iommu, driven as Linux does."""

    def __init__(self, qt):
        self.qt = qt
        self.cmd_slots = 0
        self.cmd_tail = 0
        self.evt_head = 0
        self.pt_next = PT_POOL

    def rd(self, name):
        return self.qt.readq(MMIO + reg(name))

    def rdl(self, name):
        return self.qt.readl(MMIO + reg(name))

    def wr(self, name, v):
        self.qt.writeq(MMIO + reg(name), v)

    def wrl(self, name, v):
        self.qt.writel(MMIO + reg(name), v)

    def control(self, *fields, on=True):
        v = self.rd("CONTROL")
        m = 0
        for f in fields:
            m |= rbit("CONTROL", f)
        self.wr("CONTROL", v | m if on else v & ~m)

    def status(self, field):
        return bool(self.rd("STATUS") & rbit("STATUS", field))

    # -- memory
    def memq(self, addr, v):
        self.qt.writeq(addr, v)

    def put_words(self, addr, ws):
        self.qt.write(addr, b"".join(w.to_bytes(8, "little") for w in ws))

    def alloc_table(self):
        t = self.pt_next
        self.pt_next += 0x1000
        self.qt.memset(t, 0x1000, 0)
        return t

    def set_dte(self, devid, ws):
        self.put_words(DEVTAB + devid * 32, ws)

    # -- Linux's setup order (drivers/iommu/amd/init.c, CLIENTS.md)
    def setup_devtab(self, entries=0x10000):
        self.wr("DEVTAB_BASE", DEVTAB | (entries * 32 // 4096 - 1))

    def setup_cmdbuf(self, comlen=9):
        self.control("CMD_BUF_EN", on=False)
        self.wr("CMD_BUF_BASE", CMDBUF | comlen << 56)
        self.wrl("CMD_BUF_HEAD", 0)
        self.wrl("CMD_BUF_TAIL", 0)
        self.cmd_slots, self.cmd_tail = 1 << comlen, 0
        self.control("CMD_BUF_EN")

    def setup_evtlog(self, evtlen=9):
        self.control("EVENT_LOG_EN", on=False)
        self.wr("EVENT_LOG_BASE", EVTLOG | evtlen << 56)
        self.wrl("EVENT_LOG_HEAD", 0)
        self.wrl("EVENT_LOG_TAIL", 0)
        self.evt_slots, self.evt_head = 1 << evtlen, 0
        self.control("EVENT_LOG_EN")

    def submit(self, cmds):
        """Queue commands at the tail (wrapping) and ring with a 32-bit
        store of the tail, as Linux does; returns the new tail slot."""
        data = bytearray(pack(cmds))
        while data:
            room = self.cmd_slots - self.cmd_tail
            chunk, data = data[:room * 16], data[room * 16:]
            self.qt.write(CMDBUF + self.cmd_tail * 16, bytes(chunk))
            self.cmd_tail = (self.cmd_tail + len(chunk) // 16) % \
                self.cmd_slots
        self.wrl("CMD_BUF_TAIL", self.cmd_tail * 16)
        return self.cmd_tail

    def wait(self, token, addr=STORE):
        """COMPLETION_WAIT with a store; poll the semaphore as Linux."""
        self.qt.writeq(addr, 0)
        self.submit([completion_wait(addr, token)])
        for _ in range(100):
            if self.qt.readq(addr) == token:
                return True
        return False

    def events(self):
        """New event-log entries since the last call: [(code, w0, w1)]."""
        tail = self.rdl("EVENT_LOG_TAIL") // 16
        out = []
        while self.evt_head != tail:
            w0 = self.qt.readq(EVTLOG + self.evt_head * 16)
            w1 = self.qt.readq(EVTLOG + self.evt_head * 16 + 8)
            out.append((w0 >> 60, w0, w1))
            self.evt_head = (self.evt_head + 1) % self.evt_slots
        self.wrl("EVENT_LOG_HEAD", self.evt_head * 16)
        return out

    # -- v1 page tables
    def map_page(self, mode, root, iova, page, ir=1, iw=1):
        """Map one 4 KiB page through mode levels below root."""
        table = root
        for level in range(mode, 1, -1):
            idx = (iova >> (12 + 9 * (level - 1))) & 0x1FF
            entry = self.qt.readq(table + idx * 8)
            if not entry & 1:
                nxt = self.alloc_table()
                self.memq(table + idx * 8, pde(nxt, level - 1))
            else:
                nxt = lget(entry, "PDE", "addr") << 12
            table = nxt
        self.memq(table + ((iova >> 12) & 0x1FF) * 8, pte(page, ir, iw))


def start(sim, bios, iommu="amd-iommu", devices=("edu,addr=02.0",),
          accel=True):
    """iommu-sim (accel: the deterministic clock) with the unit and edu."""
    args = ["-machine", "q35", "-display", "none", "-nodefaults",
            "-bios", bios, "-device", iommu]
    for d in devices:
        args += ["-device", d]
    if accel:
        args = ["-accel", "qtest"] + args
    return Qtest(sim, args)
