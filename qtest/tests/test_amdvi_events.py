"""AMD-Vi faults through the harness (AMD IOMMU spec 48882 §2.5): each
fault the dma_read / dma_write verbs report as `OK FAULT <name>` lands in
the event log with the spec's encoding (decoded with the generated
layouts), EventLogInt sends the unit's MSI (its PCI MSI capability), and
`stats` shows the AMD counters (PMU event names).
"""
import pytest

from amdvi_harness_util import (AmdVi, DATA, DEVTAB, IOMMU_BDF, Fault,
                                code, dte, lget, pte, rbit, start)

MSI_CAP = 0x60


@pytest.fixture
def amd(sim, bios):
    qt = start(sim, bios)
    u = AmdVi(qt)
    u.wr("CONTROL", 0)
    qt.memset(DEVTAB, 0x200000, 0)
    u.setup_devtab()
    u.setup_cmdbuf()
    u.setup_evtlog()
    u.control("IOMMU_EN")
    yield u
    assert qt.close() == 0


def one_event(u, layout_name, expect_code):
    (c, w0, w1), = u.events()
    assert c == code(expect_code)
    v = w0 | w1 << 64
    return lambda f: lget(v, layout_name, f)


def fault(u, sid, addr, write=False):
    with pytest.raises(Fault) as e:
        if write:
            u.qt.dma_write(sid, addr, b"\x01\x02\x03\x04")
        else:
            u.qt.dma_read(sid, addr, 4)
    return e.value.name


def test_io_page_fault_not_present(amd):
    root = amd.alloc_table()
    amd.set_dte(0x0A11, dte(root=root, mode=2, domid=0x42))
    assert fault(amd, 0x0A11, 0x345000) == "IO_PAGE_FAULT"
    f = one_event(amd, "EVENT_IO_PAGE_FAULT", "IO_PAGE_FAULT")
    assert f("device_id") == 0x0A11             # bus 0Ah included
    assert f("domain_or_pasid") == 0x42
    assert (f("pr"), f("rw"), f("pe"), f("rz")) == (0, 0, 0, 0)
    assert f("address") == 0x345000


def test_io_page_fault_permission_on_write(amd):
    l1 = amd.alloc_table()
    amd.memq(l1, pte(DATA, ir=1, iw=0))
    amd.set_dte(0x0012, dte(root=l1, mode=1, domid=3))
    assert amd.qt.dma_read(0x0012, 0x10, 4) == amd.qt.read(DATA + 0x10, 4)
    assert fault(amd, 0x0012, 0x10, write=True) == "IO_PAGE_FAULT"
    f = one_event(amd, "EVENT_IO_PAGE_FAULT", "IO_PAGE_FAULT")
    assert (f("pr"), f("rw"), f("pe")) == (1, 1, 1)
    assert f("address") == 0x10


def test_io_page_fault_reserved_bits(amd):
    l1 = amd.alloc_table()
    amd.memq(l1, pte(DATA) | 1 << 53)           # PTE 56:52 reserved
    amd.set_dte(0x0013, dte(root=l1, mode=1, domid=3))
    assert fault(amd, 0x0013, 0x0) == "IO_PAGE_FAULT"
    f = one_event(amd, "EVENT_IO_PAGE_FAULT", "IO_PAGE_FAULT")
    assert (f("pr"), f("rz")) == (1, 1)


def test_dte_ir_iw_zero_blocks(amd):
    amd.set_dte(0x0014, dte(mode=0, ir=0, iw=0))
    assert fault(amd, 0x0014, 0x1000) == "IO_PAGE_FAULT"
    amd.set_dte(0x0015, dte(mode=0, ir=1, iw=1))      # Mode 0: untranslated
    amd.qt.writel(DATA, 0xABCD)
    assert amd.qt.dma_read(0x0015, DATA, 4) == (0xABCD).to_bytes(4, "little")


def test_illegal_dev_table_entry(amd):
    amd.set_dte(0x0016, dte(root=0x1000, mode=7))     # Mode 7 reserved
    assert fault(amd, 0x0016, 0x2000) == "ILLEGAL_DEV_TABLE_ENTRY"
    f = one_event(amd, "EVENT_ILLEGAL_DEV_TABLE_ENTRY",
                  "ILLEGAL_DEV_TABLE_ENTRY")
    assert f("device_id") == 0x0016
    assert f("address") == 0x2000 >> 2


def test_dev_tab_hardware_error(amd):
    # A device table in unbacked space: the DTE read fails.
    amd.wr("DEVTAB_BASE", 0xF0000000 | 0x1FF)
    assert fault(amd, 0x0017, 0x0) == "DEV_TAB_HARDWARE_ERROR"
    (c, w0, w1), = amd.events()
    assert c == code("DEV_TAB_HARDWARE_ERROR")
    assert w0 & 0xFFFF == 0x0017
    assert w1 == 0xF0000000 + 0x17 * 32         # the DTE's address


def test_page_tab_hardware_error(amd):
    amd.set_dte(0x0018, dte(root=0xF0000000, mode=1, domid=8))
    assert fault(amd, 0x0018, 0x3000) == "PAGE_TAB_HARDWARE_ERROR"
    (c, w0, w1), = amd.events()
    assert c == code("PAGE_TAB_HARDWARE_ERROR")
    assert w0 & 0xFFFF == 0x0018
    assert w1 & ~0x7 == 0xF0000000 + 3 * 8      # the entry's address


def test_event_log_interrupt_msi(amd):
    qt = amd.qt
    qt.pci_cfg_write(IOMMU_BDF, MSI_CAP + 4, 0xFEE00000)
    qt.pci_cfg_write(IOMMU_BDF, MSI_CAP + 8, 0)
    qt.pci_cfg_write(IOMMU_BDF, MSI_CAP + 12, 0x0041, size=2)
    qt.pci_cfg_write(IOMMU_BDF, MSI_CAP + 2, 0x0001, size=2)   # enable
    amd.control("EVENT_INT_EN")
    qt.msi_intercept(True)
    amd.set_dte(0x0019, dte(root=amd.alloc_table(), mode=1, domid=1))
    fault(amd, 0x0019, 0x1000)
    line = qt.wait_async("IRQ msi", timeout=5)
    assert "0xfee00000 0x41" in line and "vector=0x41" in line
    assert amd.status("EVENT_LOG_INT")
    amd.wr("STATUS", rbit("STATUS", "EVENT_LOG_INT"))          # W1C
    assert not amd.status("EVENT_LOG_INT")
    # MSI disabled in the capability: the bit is set, nothing is sent.
    qt.pci_cfg_write(IOMMU_BDF, MSI_CAP + 2, 0x0000, size=2)
    fault(amd, 0x0019, 0x2000)
    assert amd.status("EVENT_LOG_INT")
    qt.ok("endianness")                          # flush async lines
    assert not [x for x in qt.async_lines if x.startswith("IRQ msi")]


def test_stats_show_amd_counters(amd):
    l1 = amd.alloc_table()
    amd.memq(l1, pte(DATA))
    amd.set_dte(0x001A, dte(root=l1, mode=1, domid=4))
    for _ in range(3):
        amd.qt.dma_read(0x001A, 0x40, 4)
    fault(amd, 0x001A, 0x5000)
    st = amd.qt.stats()
    assert st == amd.qt.stats("amd-iommu")
    assert amd.qt.cmd("stats intel-iommu").startswith("FAIL")
    assert int(st["mem_trans_total"]) >= 4
    assert int(st["mem_iommu_tlb_pte_hit"]) >= 2
    assert int(st["mem_dte_hit"]) >= 3
    assert int(st["faults"]) >= 1
