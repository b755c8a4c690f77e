"""edu DMA through translated, read-only and unmapped pages of
-device intel-iommu, and the fault side of it (VT-d 5.10 §7.1.3 fault
reasons, §7.2.1 primary fault logging, §7.3 fault event, §11.4.7 FSTS /
FECTL / FRCD): records decoded field by field, the fault event seen as an
MSI with `msi_intercept on`, FSTS.PPF derived from F, F write-1-to-clear,
and the dma_read / dma_write verbs answering OK FAULT <name>."""
import os

import pytest

from iommusim_qtest import Fault, Qtest, hlt_bios
from vtd_harness_util import (EDU_SID, SPEC, Tables, Vtd, edu_copy,
                              edu_enable, sim_args)

EDU_BUF = 0x40000
RW_IOVA, RO_IOVA, HOLE_IOVA = 0x10000, 0x11000, 0x12000
RW_PA, RO_PA = 0x3000000, 0x3001000
FEDATA, FEADDR = 0x4e, 0xfee01000       # vector 0x4e to APIC id 1
FR = {k: e["value"] for k, e in SPEC.ENUMS["fault_reason"].items()}


@pytest.fixture(scope="module")
def bios(tmp_path_factory):
    return hlt_bios(str(tmp_path_factory.mktemp("bios") / "hlt.bin"))


@pytest.fixture
def v(bios):
    """Translation on: edu's RW page, RO page and a hole; faults unmasked."""
    qt = Qtest(os.environ.get("IOMMU_SIM"), sim_args(bios))
    vtd = Vtd(qt)
    t = Tables(qt)
    t.context(EDU_SID, did=3)
    t.map(EDU_SID, RW_IOVA, RW_PA, r=1, w=1)
    t.map(EDU_SID, RO_IOVA, RO_PA, r=1, w=0)
    vtd.wr("RTADDR", t.root)
    vtd.gcmd("SRTP")
    vtd.wr("FEDATA", FEDATA)
    vtd.wr("FEADDR", FEADDR)
    vtd.wr("FECTL", 0)
    vtd.gcmd("TE")
    edu_enable(qt)
    yield vtd
    assert qt.close() == 0


def edu_to_ram(v, iova, data):
    """Load edu's buffer from the RW page, then DMA it out to iova."""
    v.qt.write(RW_PA, data)
    edu_copy(v, RW_IOVA, EDU_BUF, len(data), to_ram=False)
    edu_copy(v, EDU_BUF, iova, len(data), to_ram=True)


def msi_lines(qt):
    qt.ok("endianness")                 # flush async lines queued so far
    lines = [a for a in qt.async_lines if a.startswith("IRQ msi")]
    qt.async_lines[:] = [a for a in qt.async_lines
                         if not a.startswith("IRQ msi")]
    return lines


def test_translated_page_data_arrives(v):
    data = bytes(range(32))
    v.qt.write(RW_PA, data)
    edu_copy(v, RW_IOVA, EDU_BUF, 32, to_ram=False)
    v.qt.memset(RW_PA, 32, 0)
    edu_copy(v, EDU_BUF, RW_IOVA + 0x100, 32, to_ram=True)
    assert v.qt.read(RW_PA + 0x100, 32) == data
    assert v.rd("FSTS") == 0
    assert v.frcd(0)["F"] == 0


def test_read_only_page_blocks_the_write_with_a_record(v):
    v.qt.msi_intercept(True)
    v.qt.memset(RO_PA, 16, 0xcc)
    edu_to_ram(v, RO_IOVA + 0x40, b"\x01" * 16)
    assert v.qt.read(RO_PA, 16) == b"\xcc" * 16
    fsts = v.rd("FSTS")
    assert v.field("FSTS", "PPF", fsts) == 1
    assert v.field("FSTS", "FRI", fsts) == 0
    assert v.field("FSTS", "PFO", fsts) == 0
    rec = v.frcd(0)
    assert rec["F"] == 1
    assert rec["SID"] == EDU_SID
    assert rec["FR"] == FR["NO_WRITE"]
    assert rec["FI"] == RO_IOVA              # page-aligned input address
    assert (rec["T1"], rec["T2"]) == (0, 0)  # a write (§11.4.7.6)
    assert (rec["PRIV"], rec["EXE"], rec["PP"], rec["AT"]) == (0, 0, 0, 0)
    (msi,) = msi_lines(v.qt)
    w = msi.split()
    assert int(w[2], 16) == FEADDR and int(w[3], 16) == FEDATA
    assert "dest=1" in w and "vector=0x4e" in w
    assert v.field("FECTL", "IP") == 0       # delivered, not pending


def test_unmapped_page_read_and_write_faults(v):
    """edu reading a hole: 6h with T1=1; writing it: 5h (LGN.2/LGN.3)."""
    edu_copy(v, HOLE_IOVA + 8, EDU_BUF, 4, to_ram=False)
    rec = v.frcd(0)
    assert (rec["F"], rec["SID"], rec["FR"], rec["T1"]) == (
        1, EDU_SID, FR["NO_READ"], 1)
    assert rec["FI"] == HOLE_IOVA
    # NFR = 1 (QEMU's CAP): the next fault wraps to record 0, which is
    # still pending, so it overflows (PFO) instead of being recorded.
    assert v.field("CAP", "NFR") == 0
    edu_copy(v, EDU_BUF, HOLE_IOVA + 0x1000, 4, to_ram=True)
    assert v.field("FSTS", "PFO") == 1
    assert v.frcd(0)["FR"] == FR["NO_READ"]


def test_ppf_follows_f_and_f_is_write_one_to_clear(v):
    edu_to_ram(v, RO_IOVA, b"\x02" * 4)
    assert v.field("FSTS", "PPF") == 1
    lo_hi = v.rd("FRCD")
    v.wr("FRCD", lo_hi & ~(1 << 127))        # writing 0 to F: no effect
    assert v.frcd(0)["F"] == 1
    v.wr("FRCD", 1 << 127)                   # W1C
    assert v.frcd(0)["F"] == 0
    assert v.field("FSTS", "PPF") == 0       # derived, nothing pending
    # With F clear, the next fault is recorded again.
    edu_copy(v, HOLE_IOVA, EDU_BUF, 4, to_ram=False)
    assert v.frcd(0)["FR"] == FR["NO_READ"] and v.frcd(0)["F"] == 1


def test_masked_fault_event_pends_until_unmasked(v):
    v.qt.msi_intercept(True)
    v.wr("FECTL", v.bit("FECTL", "IM"))
    edu_to_ram(v, RO_IOVA, b"\x03" * 4)
    assert msi_lines(v.qt) == []
    assert v.rd("FECTL") == v.bit("FECTL", "IM") | v.bit("FECTL", "IP")
    v.wr("FECTL", 0)                         # unmask: the owed event
    assert len(msi_lines(v.qt)) == 1
    assert v.rd("FECTL") == 0


def test_dma_verbs_answer_fault_names(v):
    qt = v.qt
    qt.write(RO_PA, b"\x99\x88")
    assert qt.dma_read(EDU_SID, RO_IOVA, 2) == b"\x99\x88"
    assert qt.cmd("dma_write 0x10 0x%x 0x55" % RO_IOVA) == "OK FAULT NO_WRITE"
    with pytest.raises(Fault) as e:
        qt.dma_read(EDU_SID, HOLE_IOVA, 4)
    assert e.value.name == "NO_READ"
    assert qt.cmd("dma_read 00:02.0 0x%x 4" % (1 << 39)) == \
        "OK FAULT ADDR_BEYOND_AW"
    # A requester with no context entry (00:03.0): CTX_NOT_PRESENT.
    with pytest.raises(Fault) as e:
        qt.dma_read("00:03.0", RW_IOVA, 4)
    assert e.value.name == "CTX_NOT_PRESENT"
    qt.dma_write(EDU_SID, RW_IOVA, b"\x42")
    assert qt.read(RW_PA, 1) == b"\x42"


def test_stats_count_faults(v):
    edu_to_ram(v, RO_IOVA, b"\x04" * 4)
    st = v.qt.stats("intel-iommu")
    assert int(st["faults"]) == 1
    assert int(st["faults_recorded"]) == 1
    assert int(st["fault_events"]) == 1
    assert v.qt.cmd("stats amd-iommu").startswith("FAIL")


# ---- zero-length reads (VT-d 5.10 §3.14, §3.15) -----------------------------

WO_IOVA, WO_PA = 0x13000, 0x3002000


def zlr_unit(bios, zlr):
    """Translation on with cap-zlr=zlr: RW, write-only pages and a hole."""
    qt = Qtest(os.environ.get("IOMMU_SIM"),
               sim_args(bios, dev="intel-iommu,cap-zlr=%d" % zlr))
    vtd = Vtd(qt)
    t = Tables(qt)
    t.context(EDU_SID, did=3)
    t.map(EDU_SID, RW_IOVA, RW_PA, r=1, w=1)
    t.map(EDU_SID, WO_IOVA, WO_PA, r=0, w=1)
    vtd.wr("RTADDR", t.root)
    vtd.gcmd("SRTP")
    vtd.gcmd("TE")
    return vtd


def zero_read(qt, iova, sid="00:02.0"):
    return qt.cmd("dma_read %s 0x%x 0" % (sid, iova))


def translations(qt):
    return int(qt.stats("intel-iommu")["translations"])


def test_zero_length_read_to_write_only_page_completes_with_zlr(bios):
    v = zlr_unit(bios, 1)
    assert v.field("CAP", "ZLR") == 1
    assert zero_read(v.qt, WO_IOVA + 0x20) == "OK 0x"
    assert v.rd("FSTS") == 0
    assert v.frcd(0)["F"] == 0
    assert translations(v.qt) == 1
    # Only the zero-length form: a one-byte read is still LGN.3.
    assert v.qt.cmd("dma_read 0x10 0x%x 1" % WO_IOVA) == "OK FAULT NO_READ"
    assert v.qt.close() == 0


def test_zero_length_read_to_write_only_page_faults_without_zlr(bios):
    v = zlr_unit(bios, 0)
    assert v.field("CAP", "ZLR") == 0
    assert zero_read(v.qt, WO_IOVA + 0x20) == "OK FAULT NO_READ"
    rec = v.frcd(0)
    assert (rec["F"], rec["SID"], rec["FR"], rec["FI"]) == (
        1, EDU_SID, FR["NO_READ"], WO_IOVA)
    assert rec["T1"] == 1                    # recorded as a read
    assert v.field("FSTS", "PPF") == 1
    assert v.qt.close() == 0


@pytest.mark.parametrize("zlr", [0, 1])
def test_zero_length_read_reaches_the_iommu(bios, zlr):
    """Each zero-length read is one translation, faulting as a read would
    everywhere but on a write-only page."""
    v = zlr_unit(bios, zlr)
    qt = v.qt
    assert zero_read(qt, RW_IOVA) == "OK 0x"
    assert translations(qt) == 1
    assert zero_read(qt, HOLE_IOVA) == "OK FAULT NO_READ"
    assert zero_read(qt, 1 << 39) == "OK FAULT ADDR_BEYOND_AW"
    assert zero_read(qt, RW_IOVA, sid="00:03.0") == "OK FAULT CTX_NOT_PRESENT"
    assert translations(qt) == 4
    assert qt.close() == 0


def test_zero_length_read_to_interrupt_range_bypasses_remapping(bios):
    """§3.15: no PASID, 0xFEEx_xxxx: completes without translation."""
    v = zlr_unit(bios, 0)
    assert zero_read(v.qt, 0xfee00000) == "OK 0x"
    assert zero_read(v.qt, 0xfeeffffc) == "OK 0x"
    assert translations(v.qt) == 0
    assert v.rd("FSTS") == 0
    assert v.qt.close() == 0


def test_zero_length_read_without_iommu_is_empty(qt):
    assert qt.cmd("dma_read 0x10 0x1000 0") == "OK 0x"
    assert qt.dma_read(0x10, 0x1000, 0) == b""


# ---- requests to the interrupt address range (VT-d 5.10 §3.15) --------------
# Without PASID: a DWORD write is an interrupt; other reads and writes are
# blocked and recorded (reason Eh, OUTPUT_IN_INTR_RANGE); with TE off the
# range behaves as without an IOMMU.

def device_msis(qt):
    """MSIs seen since the last call, without the unit's fault events."""
    return [m.split() for m in msi_lines(qt)
            if int(m.split()[2], 16) != FEADDR]


def test_interrupt_range_read_faults_with_te_on(v):
    v.qt.msi_intercept(True)
    assert v.qt.cmd("dma_read 0x10 0xfee00000 4") == \
        "OK FAULT OUTPUT_IN_INTR_RANGE"
    rec = v.frcd(0)
    assert (rec["F"], rec["SID"], rec["FR"], rec["FI"]) == (
        1, EDU_SID, FR["OUTPUT_IN_INTR_RANGE"], 0xfee00000)
    assert rec["T1"] == 1                    # a read
    assert v.field("FSTS", "PPF") == 1
    assert device_msis(v.qt) == []
    assert int(v.qt.stats("intel-iommu")["faults"]) == 1


def test_interrupt_range_dword_write_is_an_msi_with_te_on(v):
    v.qt.msi_intercept(True)
    assert v.qt.cmd("dma_write 0x10 0xfee00000 0x31000000") == "OK"
    (m,) = device_msis(v.qt)
    assert int(m[2], 16) == 0xfee00000 and int(m[3], 16) == 0x31
    assert v.rd("FSTS") == 0
    assert v.frcd(0)["F"] == 0


@pytest.mark.parametrize("data", ["0x3100", "0x3100000032",
                                  "0x3100000032000000"])
def test_interrupt_range_non_dword_write_faults_with_te_on(v, data):
    """Two, five and eight bytes: one request each, none a DWORD, so no
    part is delivered and the requester sees the fault (§3.15)."""
    v.qt.msi_intercept(True)
    assert v.qt.cmd("dma_write 0x10 0xfee00000 %s" % data) == \
        "OK FAULT OUTPUT_IN_INTR_RANGE"
    assert device_msis(v.qt) == []
    rec = v.frcd(0)
    assert (rec["F"], rec["FR"], rec["FI"]) == (
        1, FR["OUTPUT_IN_INTR_RANGE"], 0xfee00000)
    assert rec["T1"] == 0                    # a write
    assert v.field("FSTS", "PPF") == 1


def test_interrupt_range_with_te_off_is_as_without_iommu(bios):
    qt = Qtest(os.environ.get("IOMMU_SIM"), sim_args(bios))
    vtd = Vtd(qt)
    qt.msi_intercept(True)
    assert qt.cmd("dma_read 0x10 0xfee00000 4") == "OK 0x00000000"
    assert qt.cmd("dma_write 0x10 0xfee00000 0x41000000") == "OK"
    qt.cmd("dma_write 0x10 0xfee00000 0x4100")      # dropped by the sink
    (m,) = device_msis(qt)
    assert int(m[3], 16) == 0x41
    assert vtd.rd("FSTS") == 0
    assert int(qt.stats("intel-iommu")["faults"]) == 0
    assert qt.close() == 0
