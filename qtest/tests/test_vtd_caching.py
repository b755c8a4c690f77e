"""The VT-d caches are real (VT-d 5.10 §6.2): a changed PTE is not seen
until software invalidates; counters through the `stats` verb."""
import pytest

from vtd_harness_util import Harness

SID = 0x10                      # 00:02.0
ROOT, CTX, L3, L2, L1 = 0x100000, 0x101000, 0x102000, 0x103000, 0x104000
OLD, NEW = 0x200000, 0x300000


def setup_tables(h):
    """Legacy root/context entries (§9.1, §9.3), 3-level SS tables (§9.8)."""
    h.memq(ROOT, CTX | 1)
    h.memq(CTX + SID * 16, L3 | 1)                   # P, TT=00
    h.memq(CTX + SID * 16 + 8, 1 | (7 << 8))         # AW=1 (39-bit), DID 7
    h.memq(L3, L2 | 3)
    h.memq(L2, L1 | 3)
    h.memq(L1, OLD | 3)
    h.memq(OLD, 0x11223344)
    h.memq(NEW, 0x55667788)
    h.writeq(0x20, ROOT)
    h.writel(0x18, 1 << 30)                          # SRTP
    h.writel(0x18, 1 << 31)                          # TE


def dma_read(h, addr):
    r = h.ok('dma_read 0x%x 0x%x 4' % (SID, addr))
    return r.split()[1]


def stats(h):
    r = h.ok('stats')
    return dict(kv.split('=') for kv in r.split()[1:] if '=' in kv)


@pytest.fixture
def h():
    hh = Harness()
    setup_tables(hh)
    yield hh
    hh.close()


def test_changed_pte_unseen_until_invalidated(h):
    first = dma_read(h, 0)
    h.memq(L1, NEW | 3)                              # no invalidation
    assert dma_read(h, 0) == first                   # still cached
    off = h.iotlb_off()
    h.writeq(off, (1 << 63) | (2 << 60) | (7 << 32))  # domain 7
    assert dma_read(h, 0) != first


def test_stats_count_iotlb_hits(h):
    dma_read(h, 0)
    dma_read(h, 0)
    st = stats(h)
    assert int(st['iommu0.4k_hits']) >= 1
    assert int(st['iommu0.misses']) >= 1
