"""AMD-Vi command buffer and caches through the harness (AMD IOMMU 48882
§2.4): the head wraps to 0, COMPLETION_WAIT stores all 64 bits, an illegal
command logs ILLEGAL_COMMAND_ERROR and stops the ring, and the IOTLB is
real (a changed PTE is unseen until INVALIDATE_IOMMU_PAGES).

Run against iommu-sim -device amd-iommu (skipped with the reason until the
machine has it) and, where QEMU 7.2 is an oracle (head wrap, completion
store), against Debian's qemu-system-x86_64 too.

MMIO offsets (§3.4): DEVTAB_BASE 0x00, CMD_BUF_BASE 0x08, EVENT_LOG_BASE
0x10, CONTROL 0x18, CMD head/tail 0x2000/0x2008, EVENT tail 0x2018,
STATUS 0x2020.
"""
import os
import shutil
import subprocess

import pytest

MMIO = 0xFED80000
CTRL_IOMMU_EN, CTRL_EVT_LOG_EN, CTRL_CMD_BUF_EN = 1, 1 << 2, 1 << 12
ST_CMD_BUF_RUN = 1 << 4
CMD_BASE, EVT_BASE, STORE = 0x100000, 0x110000, 0x120000
QEMU = shutil.which("qemu-system-x86_64")


def _sim():
    sim = os.environ.get("IOMMU_SIM")
    root = os.environ.get("IOMMU_SIM_BUILD_ROOT")
    if not sim and root:
        sim = os.path.join(root, "qtest", "iommu-sim")
    return sim if sim and os.access(sim, os.X_OK) else None


class Amd:
    """qtest over stdio to iommu-sim or QEMU with -device amd-iommu."""

    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        r = self.cmd("readl 0x%x" % (MMIO + 0x18))
        if not r.startswith("OK"):
            self.close()
            err = self.p.stderr.read() if self.p.poll() is not None else ""
            raise RuntimeError((err or r).strip() or "no reply")

    def cmd(self, line):
        try:
            self.p.stdin.write(line + "\n")
            self.p.stdin.flush()
        except BrokenPipeError:
            return ""
        while True:
            r = self.p.stdout.readline()
            if not r or not r.startswith("IRQ"):
                return r.strip()

    def ok(self, line):
        r = self.cmd(line)
        assert r.startswith("OK"), (line, r)
        return r

    def rd(self, off, q=False):
        return int(self.ok("read%s 0x%x" % ("q" if q else "l", MMIO + off))
                   .split()[1], 16)

    def wr(self, off, v, q=False):
        self.ok("write%s 0x%x 0x%x" % ("q" if q else "l", MMIO + off, v))

    def memq(self, addr, v):
        self.ok("writeq 0x%x 0x%x" % (addr, v))

    def readq(self, addr):
        return int(self.ok("readq 0x%x" % addr).split()[1], 16)

    def close(self):
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.p.wait(timeout=1)
        except subprocess.TimeoutExpired:
            # QEMU's qtest does not exit at EOF: end it as libqtest does.
            self.p.terminate()
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()

    # Linux's sequence (CLIENTS.md): base | len << 56, head = tail = 0.
    def cmd_enable(self, comlen=8, extra=0):
        self.wr(0x08, CMD_BASE | comlen << 56, q=True)
        self.wr(0x2000, 0)
        self.wr(0x2008, 0)
        self.wr(0x18, CTRL_IOMMU_EN | CTRL_CMD_BUF_EN | extra)

    def put(self, slot, w0, w1):
        self.memq(CMD_BASE + slot * 16, w0)
        self.memq(CMD_BASE + slot * 16 + 8, w1)

    def tail(self, slot):
        self.wr(0x2008, slot * 16)      # a 32-bit store, as Linux does


def completion_wait(addr, data):
    return addr | 1 | 1 << 60, data        # S=1, store address 51:3


def inv_pages(domid, addr, s=False, pde=False):
    return domid << 32 | 3 << 60, (addr & ~0xFFF) | int(s) | int(pde) << 1


def start_sim():
    sim = _sim()
    if sim is None:
        pytest.skip("iommu-sim is not built yet (qtest/)")
    try:
        return Amd([sim, "-machine", "q35", "-qtest", "stdio", "-display",
                    "none", "-nodefaults", "-device", "amd-iommu",
                    "-device", "edu,addr=02.0"])
    except RuntimeError as e:
        pytest.skip("iommu-sim has no -device amd-iommu yet: %s" % e)


def start_qemu(tmp_path):
    hlt = tmp_path / "hlt.bin"
    hlt.write_bytes(b"\xf4" * 65536)
    return Amd([QEMU, "-machine", "q35", "-qtest", "stdio", "-qtest-log",
                "/dev/null", "-display", "none", "-nodefaults", "-bios",
                str(hlt), "-device", "amd-iommu"])


@pytest.fixture(params=["iommu-sim", "qemu-7.2"])
def unit(request, tmp_path):
    if request.param == "qemu-7.2":
        if QEMU is None:
            pytest.skip("qemu-system-x86_64 missing")
        u = start_qemu(tmp_path)
    else:
        u = start_sim()
    yield u
    u.close()


def test_head_wraps_to_zero(unit):
    unit.cmd_enable(comlen=8)                   # 256 slots
    for i in range(255):
        unit.put(i, *completion_wait(STORE, i))
    unit.tail(255)
    assert unit.rd(0x2000) == 255 * 16
    unit.put(255, *completion_wait(STORE, 0xAA))
    unit.put(0, *completion_wait(STORE + 8, 0xBB))
    unit.tail(1)
    assert unit.rd(0x2000) == 16                # wrapped through 0
    assert unit.readq(STORE) == 0xAA
    assert unit.readq(STORE + 8) == 0xBB


def test_completion_wait_stores_64_bits(unit):
    unit.cmd_enable()
    unit.memq(STORE + 8, 0xFEEDFACECAFEBEEF)
    unit.put(0, *completion_wait(STORE, 0x1122334455667788))
    unit.tail(1)
    assert unit.readq(STORE) == 0x1122334455667788
    assert unit.readq(STORE + 8) == 0xFEEDFACECAFEBEEF   # 8 bytes only
    assert unit.rd(0x2020) & ST_CMD_BUF_RUN


def test_illegal_command_logs_event_and_stops():
    u = start_sim()
    try:
        u.wr(0x10, EVT_BASE | 8 << 56, q=True)
        u.cmd_enable(extra=CTRL_EVT_LOG_EN)
        u.put(0, *completion_wait(STORE, 1))
        u.put(1, 0xF << 60, 0)                  # opcode Fh: illegal
        u.put(2, *completion_wait(STORE, 2))
        u.tail(3)
        assert u.readq(STORE) == 1              # before it: done
        assert not u.rd(0x2020) & ST_CMD_BUF_RUN
        assert u.rd(0x2000) == 16               # head on the bad command
        assert u.rd(0x2018) == 16               # one event logged
        ev0, ev1 = u.readq(EVT_BASE), u.readq(EVT_BASE + 8)
        assert ev0 >> 60 == 0x5                 # ILLEGAL_COMMAND_ERROR
        assert ev1 == CMD_BASE + 16             # the command's address
        # Fix the slot, toggle CmdBufEn: the ring restarts at the head.
        u.put(1, *completion_wait(STORE + 8, 3))
        u.wr(0x18, CTRL_IOMMU_EN | CTRL_EVT_LOG_EN)
        u.wr(0x18, CTRL_IOMMU_EN | CTRL_EVT_LOG_EN | CTRL_CMD_BUF_EN)
        assert u.rd(0x2000) == 48
        assert u.readq(STORE) == 2
    finally:
        u.close()


# ---- the caches are real -------------------------------------------------

SID = 0x10                                      # 00:02.0 (edu)
DEVTAB, L3, L2, L1 = 0x200000, 0x201000, 0x202000, 0x203000
OLD, NEW = 0x300000, 0x301000
IR, IW = 1 << 61, 1 << 62


def pde(addr, next_level):
    return addr | next_level << 9 | IR | IW | 1


def setup_translation(u, domid=7):
    u.memq(DEVTAB + SID * 32, 1 | 2 | 3 << 9 | L3 | IR | IW)   # V TV Mode 3
    u.memq(DEVTAB + SID * 32 + 8, domid)
    u.memq(L3, pde(L2, 2))
    u.memq(L2, pde(L1, 1))
    u.memq(L1, OLD | IR | IW | 1)               # 4 KiB leaf, NextLevel 0
    u.memq(OLD, 0x11223344)
    u.memq(NEW, 0x55667788)
    u.wr(0x00, DEVTAB | 0, q=True)              # one 4 KiB table page
    u.cmd_enable(comlen=8)


def dma_read(u, addr):
    return u.ok("dma_read 0x%x 0x%x 4" % (SID, addr)).split()[1]


def test_changed_pte_unseen_until_invalidate_iommu_pages():
    u = start_sim()
    try:
        setup_translation(u)
        first = dma_read(u, 0)
        u.memq(L1, NEW | IR | IW | 1)           # no invalidation
        assert dma_read(u, 0) == first          # the IOTLB still has it
        u.put(0, *inv_pages(8, 0))              # another domain: no effect
        u.put(1, *inv_pages(7, 0x1000))         # another page: no effect
        u.tail(2)
        assert dma_read(u, 0) == first
        u.put(2, *inv_pages(7, 0))
        u.put(3, *completion_wait(STORE, 1))
        u.tail(4)
        assert u.readq(STORE) == 1
        assert dma_read(u, 0) != first
        st = dict(kv.split("=") for kv in u.ok("stats").split()[1:]
                  if "=" in kv)
        assert int(st.get("mem_iommu_tlb_pte_hit", 0)) >= 1
    finally:
        u.close()
