"""AMD-Vi end to end through the harness (AMD IOMMU spec 48882): Linux's
init sequence (CLIENTS.md, drivers/iommu/amd/init.c order) including the
flush-all storm without EFR.IA and the event-log overflow recovery, then
edu DMA through a v1 page table; DMA through every mode (1-6), a level
skip and NextLevel-7 large pages with the dma_read / dma_write verbs.
"""
import pytest

from amdvi_harness_util import (AmdVi, DATA, DEVTAB, EDU_DEVID, EVTLOG,
                                IOMMU_DEVID, MMIO, STORE, Fault, code,
                                completion_wait, dte, inv_devtab,
                                inv_irt, inv_pages_all, lget, pde, pte,
                                rbit, start, S)

EDU_BAR = 0xFE000000
EFR_NO_IA = 0x29D3 & ~0x40          # QEMU's EFR without IASup (bit 6)


@pytest.fixture
def amd(sim, bios):
    qt = start(sim, bios, iommu="amd-iommu,x-efr=0x%x" % EFR_NO_IA)
    yield AmdVi(qt)
    assert qt.close() == 0


def find_iommu(qt):
    """Linux/firmware: the function with class 0806h and capability 0Fh."""
    for devfn in range(256):
        if qt.pci_cfg_read(devfn, 0) & 0xFFFF != 0x1022:
            continue
        if qt.pci_cfg_read(devfn, 8) >> 8 != 0x080600:
            continue
        ptr = qt.pci_cfg_read(devfn, 0x34) & 0xFF
        while ptr:
            hdr = qt.pci_cfg_read(devfn, ptr)
            if hdr & 0xFF == 0x0F:
                return devfn, ptr
            ptr = (hdr >> 8) & 0xFF
    return None, None


def linux_init(u):
    """iommu_init_pci .. early_enable_iommu: tables, logs, then enable."""
    u.wr("CONTROL", 0)                          # iommu_disable
    u.qt.memset(DEVTAB, 0x200000, 0)
    u.setup_devtab()                            # 64k DTEs, Size 1FFh
    u.setup_cmdbuf(comlen=9)                    # 512 x 16 B, base | 9<<56
    u.setup_evtlog(evtlen=9)
    u.control("COHERENT", "IOMMU_EN")


def test_linux_finds_the_function_and_capability(amd):
    devfn, cap = find_iommu(amd.qt)
    assert (devfn, cap) == (IOMMU_DEVID, 0x40)
    hdr = amd.qt.pci_cfg_read(devfn, cap)
    assert (hdr >> 16) & 7 == 3                 # CapType: IOMMU
    assert hdr >> 27 & 1                        # EFRSup
    base = amd.qt.pci_cfg_read(devfn, cap + 4) & ~0x3FFF | \
        amd.qt.pci_cfg_read(devfn, cap + 8) << 32
    assert base == MMIO
    assert amd.rd("EFR") == EFR_NO_IA


def test_linux_init_runs_and_unsupported_control_bits_read_0(amd):
    linux_init(amd)
    assert amd.status("CMD_BUF_RUN") and amd.status("EVENT_LOG_RUN")
    # Linux probes by writing and reading back: unsupported bits are 0.
    amd.control("GA_EN", "IRT_CACHE_DIS", "PPR_EN")
    ctl = amd.rd("CONTROL")
    assert ctl & rbit("CONTROL", "IOMMU_EN")
    assert not ctl & (rbit("CONTROL", "GA_EN") |
                      rbit("CONTROL", "IRT_CACHE_DIS") |
                      rbit("CONTROL", "PPR_EN"))
    assert amd.wait(0x1234)


def storm(u, make, count=0x10000):
    """Linux without EFR.IA: one command per id through the 512-slot ring,
    a completion wait whenever it fills."""
    token = 0
    for first in range(0, count, 510):
        u.submit([make(i) for i in range(first, min(first + 510, count))])
        token += 1
        assert u.wait(token), "completion wait %d never stored" % token
    return token


def test_flush_all_storm_without_ia(amd):
    linux_init(amd)
    n = storm(amd, inv_devtab)                  # amd_iommu_flush_dte_all
    n += storm(amd, inv_pages_all)              # flush_all_domains
    n += storm(amd, inv_irt)                    # flush_irt_all
    assert n == 3 * 129
    assert amd.rdl("CMD_BUF_HEAD") == amd.rdl("CMD_BUF_TAIL")
    assert amd.status("CMD_BUF_RUN")
    assert amd.events() == []                   # nothing illegal
    st = amd.qt.stats()
    assert int(st["cmd_processed"]) == 3 * 0x10000 + n
    assert int(st["cmd_processed_inv"]) == 3 * 0x10000
    assert int(st["tlb_inv"]) == 0x10000


def fault_dte(u, devid, domid=0x77):
    """A translating DTE whose (empty) root faults every access."""
    root = u.alloc_table()
    u.set_dte(devid, dte(root=root, mode=1, domid=domid))
    return root


def test_event_log_overflow_recovery(amd):
    linux_init(amd)
    fault_dte(amd, 0x0100)
    for i in range(511):                        # one slot stays empty
        with pytest.raises(Fault):
            amd.qt.dma_read(0x0100, i << 12, 4)
    assert not amd.status("EVENT_OVERFLOW")
    with pytest.raises(Fault):
        amd.qt.dma_read(0x0100, 511 << 12, 4)
    assert amd.status("EVENT_OVERFLOW")
    assert not amd.status("EVENT_LOG_RUN")
    evs = amd.events()                          # the ISR drains the log
    assert len(evs) == 511
    assert all(c == code("IO_PAGE_FAULT") for c, _, _ in evs)
    assert [w1 for _, _, w1 in evs[:3]] == [0, 0x1000, 0x2000]
    # amd_iommu_restart_event_logging: EventLogEn off, W1C, on.
    amd.control("EVENT_LOG_EN", on=False)
    amd.wr("STATUS", rbit("STATUS", "EVENT_OVERFLOW"))
    amd.control("EVENT_LOG_EN")
    assert not amd.status("EVENT_OVERFLOW") and amd.status("EVENT_LOG_RUN")
    with pytest.raises(Fault):
        amd.qt.dma_read(0x0100, 0x7000, 4)
    (c, w0, w1), = amd.events()
    assert (c, lget(w0 | w1 << 64, "EVENT_IO_PAGE_FAULT", "device_id"),
            w1) == (code("IO_PAGE_FAULT"), 0x0100, 0x7000)


def edu_dma(qt, src, dst, count, to_ram):
    qt.writeq(EDU_BAR + 0x80, src)
    qt.writeq(EDU_BAR + 0x88, dst)
    qt.writeq(EDU_BAR + 0x90, count)
    qt.writeq(EDU_BAR + 0x98, 1 | (2 if to_ram else 0))
    qt.clock_step(200 * 1000 * 1000)
    assert not qt.readq(EDU_BAR + 0x98) & 1


def test_edu_dma_through_v1_page_table(amd):
    qt = amd.qt
    linux_init(amd)
    root = amd.alloc_table()
    amd.map_page(3, root, 0x100000, DATA)
    amd.map_page(3, root, 0x101000, DATA + 0x1000)
    amd.set_dte(EDU_DEVID, dte(root=root, mode=3, domid=5))
    amd.submit([inv_devtab(EDU_DEVID)])
    assert amd.wait(1)
    qt.write(DATA, b"AMD-Vi v1 table!")
    qt.pci_cfg_write("00:02.0", 0x10, EDU_BAR)
    qt.pci_cfg_write("00:02.0", 0x04, 0x0006, size=2)   # memory + master
    edu_dma(qt, 0x100000, 0x40000, 16, to_ram=False)    # RAM -> edu
    edu_dma(qt, 0x40000, 0x101000, 16, to_ram=True)     # edu -> RAM
    assert qt.read(DATA + 0x1000, 16) == b"AMD-Vi v1 table!"
    assert amd.events() == []
    # An unmapped IOVA: the write is dropped and logged with edu's id.
    edu_dma(qt, 0x40000, 0x200000, 16, to_ram=True)
    (c, w0, w1), = amd.events()
    assert c == code("IO_PAGE_FAULT")
    assert lget(w0, "EVENT_IO_PAGE_FAULT", "device_id") == EDU_DEVID
    assert lget(w0, "EVENT_IO_PAGE_FAULT", "domain_or_pasid") == 5
    assert lget(w0, "EVENT_IO_PAGE_FAULT", "rw") == 1
    assert w1 == 0x200000


# ---- every mode, level skip, large pages (dma_read verb) ---------------------

def mode_iova(mode):
    """An address with a distinct non-zero index at every level."""
    return sum(((lvl % 7) + 1) << (12 + 9 * (lvl - 1))
               for lvl in range(1, mode + 1)) + 0x123


@pytest.mark.parametrize("mode", range(1, 7))
def test_dma_through_every_mode(amd, mode):
    linux_init(amd)
    devid, page = 0x0200 + mode, DATA + mode * 0x1000
    root = amd.alloc_table()
    iova = mode_iova(mode)
    amd.map_page(mode, root, iova & ~0xFFF, page)
    amd.set_dte(devid, dte(root=root, mode=mode, domid=mode))
    amd.qt.writel(page + 0x120, 0xC0DE0000 | mode)
    assert amd.qt.dma_read(devid, iova - 3, 4) == \
        (0xC0DE0000 | mode).to_bytes(4, "little")
    # Input bits above the root level must be zero (mode 6: 64 bits).
    if mode < 6:
        with pytest.raises(Fault) as e:
            amd.qt.dma_read(devid, iova | 1 << (12 + 9 * mode), 4)
        assert e.value.name == "IO_PAGE_FAULT"


def test_dma_level_skip(amd):
    linux_init(amd)
    l3, l1 = amd.alloc_table(), amd.alloc_table()
    amd.memq(l3 + 5 * 8, pde(l1, 1))            # L3 -> L1 (L2 skipped)
    amd.memq(l1 + 3 * 8, pte(DATA))
    amd.set_dte(0x0300, dte(root=l3, mode=3, domid=3))
    amd.qt.writel(DATA + 0x10, 0x5EED)
    assert amd.qt.dma_read(0x0300, 5 << 30 | 3 << 12 | 0x10, 4) == \
        (0x5EED).to_bytes(4, "little")
    # The skipped level's index bits must be zero.
    with pytest.raises(Fault):
        amd.qt.dma_read(0x0300, 5 << 30 | 1 << 21 | 3 << 12, 4)


@pytest.mark.parametrize("level,shift,base", [(1, 15, 0x2000000),
                                              (2, 22, 0x2000000),
                                              (3, 31, 0)])
def test_dma_next_level_7_page(amd, level, shift, base):
    """A 2^shift page at `level`, NextLevel 7, replicated as Linux does."""
    linux_init(amd)
    size = 1 << shift
    root = amd.alloc_table()
    table, iova = root, 0
    for lvl in range(3, level, -1):
        nxt = amd.alloc_table()
        amd.memq(table, pde(nxt, lvl - 1))
        table = nxt
    # Address bits 12..shift-2 set, shift-1 clear encode the size.
    leaf = pte(base | (size // 2 - 1) & ~0xFFF, next_level=7)
    span = size >> (12 + 9 * (level - 1))
    for i in range(span):
        amd.memq(table + i * 8, leaf)
    amd.set_dte(0x0400 + level, dte(root=root, mode=3, domid=9))
    off = min(size, 0x1FF00000) - 0x1000 + 0x44    # inside 512 MiB RAM
    amd.qt.writel(base + off, 0xB16)
    assert amd.qt.dma_read(0x0400 + level, iova + off, 4) == \
        (0xB16).to_bytes(4, "little")
    assert amd.qt.dma_read(0x0400 + level, iova + 4, 4) == \
        amd.qt.read(base + 4, 4)
