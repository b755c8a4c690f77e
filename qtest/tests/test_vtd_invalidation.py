"""VT-d register-based and queued invalidation through the harness
(VT-d 5.10 §6.5.1, §6.5.2)."""
import pytest

from vtd_harness_util import Harness, qi_enable, wait_desc

QBASE = 0x10000


@pytest.fixture
def h():
    hh = Harness()
    yield hh
    hh.close()


def test_qi_enable_sets_qies_and_iqh_zero(h):
    qi_enable(h, QBASE)
    assert h.readl(0x1C) & (1 << 26)
    assert h.readq(0x80) == 0


def test_wait_descriptor_writes_status(h):
    qi_enable(h, QBASE)
    h.memq(0x8000, 0xEEEEEEEEEEEEEEEE)
    lo, hi = wait_desc(0x1234, 0x8000, iflag=True)
    h.memq(QBASE, lo)
    h.memq(QBASE + 8, hi)
    h.writeq(0x88, 16)
    assert h.readq(0x80) == 16
    assert h.meml(0x8000) == 0x1234
    assert h.meml(0x8004) == 0xEEEEEEEE      # exactly 4 bytes written
    assert h.readl(0x9C) & 1                 # ICS.IWC


def test_queue_wraps_at_256_slots(h):
    qi_enable(h, QBASE, qs=0)
    tail = 0
    for i in range(300):
        lo, hi = wait_desc(i, 0x8000)
        h.memq(QBASE + tail, lo)
        h.memq(QBASE + tail + 8, hi)
        tail = (tail + 16) % 4096
        if i % 50 == 49 or i == 299:
            h.writeq(0x88, tail)
            assert h.readq(0x80) == tail
    assert h.meml(0x8000) == 299


def test_bad_descriptor_stops_then_resumes(h):
    qi_enable(h, QBASE)
    h.memq(QBASE, 0xF)                       # no such descriptor type
    h.memq(QBASE + 8, 0)
    h.writeq(0x88, 16)
    assert h.readl(0x34) & (1 << 4)          # FSTS.IQE
    assert h.readq(0xB0) & 0xF == 3          # IQERCD.IQEI: invalid type
    assert h.readq(0x80) == 0                # IQH on the bad slot
    lo, hi = wait_desc(0x77, 0x8000)         # Linux overwrites the slot
    h.memq(QBASE, lo)
    h.memq(QBASE + 8, hi)
    h.writel(0x34, 1 << 4)                   # W1C IQE
    assert h.readq(0x80) == 16
    assert h.meml(0x8000) == 0x77


def test_ccmd_global_reports_caig_and_clears_icc(h):
    h.writeq(0x28, (1 << 63) | (1 << 61))
    v = h.readq(0x28)
    assert v >> 63 == 0
    assert (v >> 59) & 3 == 1


def test_iotlb_register_page_selective_reports_iaig(h):
    off = h.iotlb_off()
    h.writeq(off - 8, 0x1000 | 1)            # IVA: page 1, AM=1
    h.writeq(off, (1 << 63) | (3 << 60) | (5 << 32))
    v = h.readq(off)
    assert v >> 63 == 0
    assert (v >> 57) & 3 == 3
