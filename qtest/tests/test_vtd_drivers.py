"""Driver sequences against -device intel-iommu, each as the real client
programs the unit (../shared/reference/CLIENTS.md), ending with an edu DMA
through the translation it set up (VT-d 5.10; -accel qtest, so time only
moves with clock_step).

- Linux (drivers/iommu/intel): QI first, root table, global context and
  IOTLB invalidation through the queue with a wait descriptor, fault
  interrupt with FECTL read back, TE.
- EDK2: the PEI PMR dance (alignment probe, EPM/PRS) and DXE's
  register-based invalidation (VER major <= 5), TE, then PMR off.
- kvm-unit-tests x86/intel-iommu: GSTS|bit idiom, QIE with IQA still 0,
  IRTA size 0xF, tables made present after TE=1 with no invalidation.
"""
import os

import pytest

from iommusim_qtest import Qtest, hlt_bios
from vtd_harness_util import (BAR0, EDU_SID, Tables, Vtd, cc_global,
                              edu_copy, edu_enable, iotlb_global, sim_args)

QBASE = 0x800000                # invalidation queue (4 KiB, QS=0)
STATUS = 0x810000               # wait-descriptor status dword
SRC_PA, DST_PA = 0x2000000, 0x2001000
SRC_IOVA, DST_IOVA = 0x7f000, 0x123000
EDU_BUF = 0x40000
PAYLOAD = bytes(range(0x40, 0x80))


@pytest.fixture(scope="module")
def bios(tmp_path_factory):
    return hlt_bios(str(tmp_path_factory.mktemp("bios") / "hlt.bin"))


def start(bios, dev="intel-iommu"):
    qt = Qtest(os.environ.get("IOMMU_SIM"), sim_args(bios, dev))
    return qt, Vtd(qt)


def map_payload(t, did, fpd=0):
    """Context for edu and two pages: SRC read-only, DST read-write."""
    t.context(EDU_SID, did=did, fpd=fpd)
    t.map(EDU_SID, SRC_IOVA, SRC_PA, r=1, w=0)
    t.map(EDU_SID, DST_IOVA, DST_PA, r=1, w=1)


def edu_round_trip(v, n=len(PAYLOAD)):
    """RAM -> edu buffer -> RAM through the IOMMU; returns what arrived."""
    qt = v.qt
    qt.write(SRC_PA, PAYLOAD[:n])
    qt.memset(DST_PA, n, 0)
    edu_enable(qt)
    edu_copy(v, SRC_IOVA, EDU_BUF, n, to_ram=False)
    edu_copy(v, EDU_BUF, DST_IOVA, n, to_ram=True)
    return qt.read(DST_PA, n)


def test_linux_qi_sequence_then_edu_dma(bios):
    qt, v = start(bios)
    try:
        t = Tables(qt)
        map_payload(t, did=1)
        # dmar_enable_qi: IQT=0, IQA = base|DW|QS, QIE, poll QIES.
        v.qi_enable(QBASE)
        assert v.rd("IQH") == 0
        # iommu_set_root_entry: RTADDR, SRTP, poll RTPS.
        v.wr("RTADDR", t.root)
        gsts = v.gcmd("SRTP")
        assert gsts & v.bit("GSTS", "QIES")
        assert v.rd("RTADDR") == t.root
        # No CAP.ESRTPS: global context then IOTLB flush, then a wait.
        assert v.field("CAP", "ESRTPS") == 0
        v.qi_sync(STATUS, 1, cc_global(), iotlb_global())
        assert v.rd("IQH") == v.rd("IQT") == 3 << 4
        assert v.field("FSTS", "IQE") == 0
        # dmar_set_interrupt: FEDATA/FEADDR/FEUADDR, unmask, read back.
        assert v.fault_setup() == 0
        # iommu_enable_translation: TE, poll TES.
        gsts = v.gcmd("TE")
        assert gsts == (v.bit("GSTS", "TES") | v.bit("GSTS", "RTPS") |
                        v.bit("GSTS", "QIES"))
        assert edu_round_trip(v) == PAYLOAD
        assert v.rd("FSTS") == 0
        st = qt.stats()
        assert int(st["iommu0.all_lookups"]) >= 2
        assert int(st["iommu3.num_inval_gbl"]) == 1
        assert int(st["iommu3.num_ctxt_cache_inval_gbl"]) == 1
        assert int(st["vtd.inv_wait"]) == 1
    finally:
        assert qt.close() == 0


def test_linux_sequence_blocks_dma_outside_the_mapping(bios):
    """After Linux's bring-up an unmapped IOVA faults instead of landing."""
    qt, v = start(bios)
    try:
        t = Tables(qt)
        map_payload(t, did=1)
        v.qi_enable(QBASE)
        v.wr("RTADDR", t.root)
        v.gcmd("SRTP")
        v.qi_sync(STATUS, 1, cc_global(), iotlb_global())
        v.fault_setup()
        v.gcmd("TE")
        edu_enable(qt)
        qt.memset(DST_PA, 8, 0xab)
        edu_copy(v, EDU_BUF, DST_IOVA + 0x1000, 8, to_ram=True)
        assert v.field("FSTS", "PPF") == 1
        rec = v.frcd(0)
        # Not present for a write: 5h, T1=0 (VT-d 5.10 §7.1.3, LGN.2).
        assert (rec["F"], rec["SID"], rec["FR"], rec["T1"]) == (1, EDU_SID,
                                                                5, 0)
        assert rec["FI"] == DST_IOVA + 0x1000
        assert qt.read(DST_PA, 8) == b"\xab" * 8
    finally:
        assert qt.close() == 0


# ---- EDK2 ----------------------------------------------------------------

def edk2_pmr_alignment(v, reg):
    """IntelVTdPmrPei GetPlmrAlignment/GetPhmrAlignment: write all ones,
    read back, the lowest writable bit is the alignment."""
    ones = (1 << SPEC_WIDTH[reg]) - 1
    v.wr(reg, ones)
    back = v.rd(reg)
    v.wr(reg, 0)
    return (~back & ones) + 1 if reg == "PLMBASE" else back & -back


SPEC_WIDTH = {"PLMBASE": 32, "PHMBASE": 64}


def edk2_set_pmr(v, low_top, high_base, high_top):
    """SetPmrRegion: disable, program both regions, enable, poll PRS."""
    if v.field("PMEN", "EPM"):
        v.wr("PMEN", 0)
        v.poll("PMEN", v.bit("PMEN", "PRS"), 0)
    v.wr("PLMBASE", 0)
    v.wr("PLMLIMIT", low_top - 1)
    v.wr("PHMBASE", high_base)
    v.wr("PHMLIMIT", high_top - 1)
    v.wr("PMEN", v.bit("PMEN", "EPM"))
    v.poll("PMEN", v.bit("PMEN", "PRS"), v.bit("PMEN", "PRS"))


def test_edk2_pmr_dance_then_register_invalidation_and_dma(bios):
    qt, v = start(bios, "intel-iommu,cap-plmr=1,cap-phmr=1")
    try:
        cap = v.rd("CAP")
        assert v.field("CAP", "PLMR", cap) and v.field("CAP", "PHMR", cap)
        # PEI: probe the granule (1 MiB, PLMB/PHMB start at bit 20).
        assert edk2_pmr_alignment(v, "PLMBASE") == 1 << 20
        assert edk2_pmr_alignment(v, "PHMBASE") == 1 << 20
        edk2_set_pmr(v, low_top=0x4000000, high_base=0x100000000,
                     high_top=0x140000000)
        # TE=0 and the PMR protects low memory: edu's write never lands.
        edu_enable(qt)
        qt.memset(DST_PA, 8, 0x5a)
        edu_copy(v, EDU_BUF, DST_PA, 8, to_ram=True)
        assert qt.read(DST_PA, 8) == b"\x5a" * 8
        assert v.rd("FSTS") == 0            # PMR blocks without a record
        # DXE: VER major <= 5 -> register-based invalidation (VtdReg.c).
        assert v.field("VER", "MAX") <= 5
        assert v.field("ECAP", "QI") == 1   # offered, but not used
        t = Tables(qt)
        map_payload(t, did=2)
        v.wr("RTADDR", t.root)
        v.gcmd("SRTP")
        v.wr("CCMD", v.val("CCMD", icc=1, cirg=1))
        ccmd = v.poll("CCMD", v.bit("CCMD", "ICC"), 0)
        assert v.field("CCMD", "CAIG", ccmd) == 1
        v.wr("IOTLB", v.val("IOTLB", ivt=1, iirg=1, dr=1, dw=1))
        iotlb = v.poll("IOTLB", v.bit("IOTLB", "IVT"), 0)
        assert v.field("IOTLB", "IAIG", iotlb) == 1
        v.gcmd("TE")
        # DisablePmr once DMA remapping is on (PRS follows EPM).
        v.wr("PMEN", 0)
        v.poll("PMEN", v.bit("PMEN", "PRS"), 0)
        assert edu_round_trip(v) == PAYLOAD
        assert v.rd("FSTS") == 0
        assert v.rd("GSTS") == v.bit("GSTS", "TES") | v.bit("GSTS", "RTPS")
    finally:
        assert qt.close() == 0


def test_edk2_pmr_absent_reads_zero_without_plmr(bios):
    """Default QEMU CAP has no PLMR/PHMR: EDK2 skips the dance."""
    qt, v = start(bios)
    try:
        assert v.field("CAP", "PLMR") == 0 and v.field("CAP", "PHMR") == 0
        v.wr("PLMBASE", 0xffffffff)
        assert v.rd("PLMBASE") == 0
    finally:
        assert qt.close() == 0


# ---- kvm-unit-tests ---------------------------------------------------------

def test_kvm_unit_tests_dma_part(bios):
    qt, v = start(bios)
    try:
        t = Tables(qt)
        ir_table = t.alloc()
        # vtd_gcmd_or(QIE) while IQA is still 0 (GSTS|bit idiom).
        assert v.rd("IQA") == 0
        v.gcmd("QIE", idiom="gsts")
        # vtd_setup_root_table: zeroed root table, SRTP.
        v.wr("RTADDR", t.root)
        v.gcmd("SRTP", idiom="gsts")
        # vtd_setup_ir_table: size 0xF though only 4 KiB exists.
        v.wr("IRTA", v.val("IRTA", irta=ir_table >> 12, s=0xF))
        v.gcmd("SIRTP", idiom="gsts")
        v.gcmd("TE", idiom="gsts")
        v.gcmd("IRE", idiom="gsts")
        assert v.rd("FSTS") == 0
        # vtd_map_range after TE=1: AW=1, FPD=1, DID=BDF, no invalidation.
        map_payload(t, did=EDU_SID, fpd=1)
        assert edu_round_trip(v, 4) == PAYLOAD[:4]
        assert v.rd("FSTS") == 0
        gsts = v.rd("GSTS")
        for f in ("TES", "RTPS", "QIES", "IRTPS", "IRES"):
            assert gsts & v.bit("GSTS", f), f
    finally:
        assert qt.close() == 0


def test_kvm_unit_tests_fpd_hides_the_unmapped_fault(bios):
    """FPD=1 (as kvm-unit-tests sets it): a qualified fault is not logged."""
    qt, v = start(bios)
    try:
        t = Tables(qt)
        v.wr("RTADDR", t.root)
        v.gcmd("SRTP", idiom="gsts")
        v.gcmd("TE", idiom="gsts")
        map_payload(t, did=EDU_SID, fpd=1)
        edu_enable(qt)
        qt.write(DST_PA, b"\x11" * 4)
        edu_copy(v, EDU_BUF, DST_IOVA + 0x5000, 4, to_ram=True)
        assert qt.read(DST_PA, 4) == b"\x11" * 4
        assert v.rd("FSTS") == 0
        assert v.frcd(0)["F"] == 0
    finally:
        assert qt.close() == 0


def test_edu_bar_is_where_the_drivers_put_it(bios):
    qt, v = start(bios)
    try:
        edu_enable(qt)
        assert qt.readl(BAR0) == 0x010000ed
    finally:
        assert qt.close() == 0
