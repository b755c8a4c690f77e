"""The dma_bench verb (docs/timing.md, docs/harness.md) through the harness:
the IOMMU-off baseline of the broadwell-ep link model, VT-d with
timing=broadwell-ep reproducing the shape of the pcie-bench calibration
(Neugebauer et al., SIGCOMM 2018) with a few windows and small counts, and
bad arguments answered with ERR while the harness keeps serving.

VT-d tables: legacy root/context entries (VT-d 5.10 §9.1, §9.3) and
3-level second-stage tables (§9.8), the window mapped 1:1 at BASE by
4 KiB pages for 00:02.0 and by 2 MiB pages (PS, §9.8 bit 7) for 00:03.0.
"""
import subprocess

import pytest

from conftest import BASE_ARGS
from iommusim_qtest import Qtest

VTD = 0xFED90000
SID_4K, SID_2M = 0x10, 0x18
ROOT, CTX = 0x100000, 0x101000
L3_4K, L2_4K, L1_4K = 0x102000, 0x103000, 0x104000
L3_2M, L2_2M = 0x105000, 0x106000
BASE = 0x1000000                # 16 MiB, L2 index 8
MAX_WINDOW = 2 << 20
TOL = 0.15
OFF_LO, OFF_HI = 27.7, 28.1     # published IOMMU-off band, every window
# Window -> published Gb/s with the IOMMU on, 4 KiB pages, 64 B reads.
PUBLISHED = {256 << 10: 27.6, 512 << 10: 20.2, 2 << 20: 11.7}


def fields(reply):
    """name=value words; the bench's own come first and win over the
    machine counters that follow (translations=, faults= appear in both)."""
    assert reply.startswith("OK "), reply
    out = {}
    for kv in reply.split()[1:]:
        if "=" in kv:
            k, v = kv.split("=", 1)
            out.setdefault(k, v)
    return out


def within(value, lo, hi=None):
    hi = lo if hi is None else hi
    ref = min(max(value, lo), hi)
    return abs(value / ref - 1) <= TOL


def bench(q, sid, window, count, *opts, base=BASE):
    line = "dma_bench 0x%x 0x%x 0x%x 64 %d %s" % (sid, base, window, count,
                                                 " ".join(opts))
    return fields(q.cmd(line.strip()))


def vtd_available(sim):
    r = subprocess.run([sim, "-device", "help"], capture_output=True,
                       timeout=10)
    return b"intel-iommu" in r.stdout + r.stderr


@pytest.fixture
def vtd(sim, bios):
    if not vtd_available(sim):
        pytest.skip("-device intel-iommu is not registered in the machine "
                    "yet (hw/intel-vtd integration)")
    q = Qtest(sim, BASE_ARGS + ["-accel", "qtest", "-bios", bios, "-device",
                                "intel-iommu,timing=broadwell-ep"])
    map_window(q)
    yield q
    assert q.close() == 0


def write_table(q, addr, entries):
    """One 4 KiB table in a single `write` (512 little-endian qwords)."""
    data = b"".join(e.to_bytes(8, "little") for e in entries)
    data += bytes(4096 - len(data))
    q.ok("write 0x%x 0x1000 0x%s" % (addr, data.hex()))


def map_window(q):
    q.writeq(ROOT, CTX | 1)
    for sid, l3 in ((SID_4K, L3_4K), (SID_2M, L3_2M)):
        q.writeq(CTX + sid * 16, l3 | 1)                  # P, TT=00
        q.writeq(CTX + sid * 16 + 8, 1 | (sid << 8))      # AW 39-bit, DID
    write_table(q, L3_4K, [L2_4K | 3])
    write_table(q, L2_4K, [0] * 8 + [L1_4K | 3])
    write_table(q, L1_4K, [(BASE + i * 4096) | 3 for i in range(512)])
    write_table(q, L3_2M, [L2_2M | 3])
    write_table(q, L2_2M, [0] * 8 + [BASE | (1 << 7) | 3])
    q.writeq(VTD + 0x20, ROOT)
    q.writel(VTD + 0x18, 1 << 30)                         # SRTP
    q.writel(VTD + 0x18, 1 << 31)                         # TE
    assert q.readl(VTD + 0x1C) & (1 << 31)                # GSTS.TES


def test_timing_bench_iommu_off_baseline(qt):
    """No IOMMU: the link model alone, 27.7-28.1 Gb/s and 600 ns median
    read latency published; every transfer completes untranslated."""
    for window in PUBLISHED:
        r = bench(qt, SID_4K, window, 5000)
        assert int(r["transactions"]) == 5000
        assert int(r["faults"]) == 0
        assert int(r["translations"]) == 0
        assert int(r["xlate_ns"]) == 0
        assert within(float(r["gbps"]), OFF_LO, OFF_HI), r
    r = bench(qt, SID_4K, MAX_WINDOW, 2000, "outstanding=1")
    assert within(int(r["lat_p50_ns"]), 600), r
    assert int(r["tag_wait_ns"]) > 0


def test_timing_bench_moves_the_clock_to_the_last_completion(qt):
    before = int(qt.ok("clock_step 0"))
    r = bench(qt, SID_4K, 1 << 20, 1000)
    after = int(qt.ok("clock_step 0"))
    assert after - before >= int(r["ns"]) > 0


def test_timing_bench_same_seed_same_figures(qt):
    a = bench(qt, SID_4K, 1 << 20, 3000, "seed=7")
    b = bench(qt, SID_4K, 1 << 20, 3000, "seed=7")
    assert a == b
    c = bench(qt, SID_4K, 1 << 20, 3000, "dir=write", "pattern=seq",
              "outstanding=8")
    assert int(c["transactions"]) == 3000
    assert float(c["gbps"]) != float(a["gbps"])


def test_timing_bench_vtd_broadwell_calibration_shape(vtd):
    """4 KiB pages: throughput falls with the window as the 64-entry IOTLB
    stops covering it (published 27.6 / 20.2 / 11.7 Gb/s); 2 MiB pages
    stay in the IOMMU-off band."""
    got = {}
    for window, published in PUBLISHED.items():
        bench(vtd, SID_4K, window, 5000)                  # warm-up
        r = bench(vtd, SID_4K, window, 20000, "seed=2")
        assert int(r["transactions"]) == 20000 and int(r["faults"]) == 0
        assert int(r["translations"]) >= 20000
        got[window] = float(r["gbps"])
        assert within(got[window], published), (window, r)
        bench(vtd, SID_2M, window, 5000)
        big = bench(vtd, SID_2M, window, 20000, "seed=2")
        assert within(float(big["gbps"]), OFF_LO, OFF_HI), (window, big)
    windows = sorted(got)
    assert all(got[a] > got[b] for a, b in zip(windows, windows[1:])), got


def test_timing_bench_vtd_counters_follow_the_figures(vtd):
    r = bench(vtd, SID_4K, MAX_WINDOW, 4000, "outstanding=1")
    # IOTLB misses cost a walk: median latency above the 600 ns baseline.
    assert int(r["lat_p50_ns"]) > 700, r
    assert int(r["xlate_ns"]) > 0
    # The machine's counters follow the figures (docs/timing.md).
    assert r["timing"] == "broadwell-ep"
    assert int(r["timing_translations"]) >= 4000, r
    assert int(r["timing_walks"]) > 0, r
    assert int(r["iommu0.misses"]) > 0, r
    # Requests reach the IOMMU at most at link rate, far below what a
    # lookup pipeline of 4 places x 4 ns takes: none waits to enter it.
    assert int(r["timing_lookups_queued"]) == 0, r
    assert int(r["timing_lookup_queue_ns"]) == 0, r


def test_timing_bench_vtd_unmapped_window_faults(vtd):
    r = bench(vtd, SID_4K, 0x10000, 100, base=BASE + MAX_WINDOW)
    assert int(r["faults"]) == 100
    assert int(r["transactions"]) == 0


BAD = [
    ("dma_bench 0 0 64 64", "missing argument"),
    ("dma_bench 0 0 0x1000 0 10", "XFER"),
    ("dma_bench 0 0 0x100000 65537 10", "XFER"),
    ("dma_bench 0 0 32 64 10", "WINDOW"),
    ("dma_bench 0 0 0x1000 64 0", "COUNT"),
    ("dma_bench 0 0 0x1000 64 100000001", "COUNT"),
    ("dma_bench 0x10000 0 0x1000 64 10", "SID"),
    ("dma_bench 00:20.0 0 0x1000 64 10", "SID"),
    ("dma_bench 0 zz 0x1000 64 10", "BASE"),
    ("dma_bench 0 0xfffffffffffff000 0x2000 64 10", "wraps"),
    ("dma_bench 0 0 0x1000 64 10 pattern=zigzag", "bad option"),
    ("dma_bench 0 0 0x1000 64 10 dir=sideways", "bad option"),
    ("dma_bench 0 0 0x1000 64 10 outstanding=0", "bad option"),
    ("dma_bench 0 0 0x1000 64 10 outstanding=4097", "bad option"),
    ("dma_bench 0 0 0x1000 64 10 link=pentium", "bad option"),
    ("dma_bench 0 0 0x1000 64 10 seed", "bad option"),
]


@pytest.mark.parametrize("line,why", BAD)
def test_timing_bench_bad_arguments_err(qt, line, why):
    r = qt.cmd(line)
    assert r.startswith("ERR ") and why in r, r
    assert qt.ok("endianness") == "little"


def test_timing_bench_real_time_clock_err(sim, bios):
    q = Qtest(sim, BASE_ARGS + ["-bios", bios])
    r = q.cmd("dma_bench 0 0 0x1000 64 10")
    assert r.startswith("ERR ") and "qtest" in r, r
    assert q.ok("endianness") == "little"
    assert q.close() == 0


def clock_now(q):
    return int(q.ok("clock_step 0"))


def test_timing_dma_verbs_untranslated_leave_the_clock(qt):
    """No IOMMU on the path: nothing costs, the clock stays."""
    t0 = clock_now(qt)
    assert qt.ok("dma_read 0x10 0x%x 8" % BASE) == "0x0000000000000000"
    assert qt.cmd("dma_write 0x10 0x%x 0x11223344" % BASE) == "OK"
    assert clock_now(qt) == t0


def test_timing_dma_verbs_advance_clock_by_cost(vtd):
    """broadwell-ep: an IOTLB miss costs a walk (~240 ns per table read),
    a hit the 4 ns pipeline; the clock moves by exactly that, the replies
    are the usual ones."""
    t0 = clock_now(vtd)
    assert vtd.cmd("dma_write 0x10 0x%x 0x11223344" % (BASE + 0x5000)) == "OK"
    t1 = clock_now(vtd)
    assert vtd.ok("dma_read 0x10 0x%x 4" % (BASE + 0x5000)) == "0x11223344"
    t2 = clock_now(vtd)
    assert t1 - t0 >= 240, (t0, t1)          # miss: at least one table read
    assert 0 < t2 - t1 < 100, (t1, t2)       # hit: the lookup pipeline
    r = vtd.cmd("dma_read 0x10 0x%x 4" % (BASE + MAX_WINDOW))
    assert r.startswith("OK FAULT"), r
    assert clock_now(vtd) > t2               # a fault walked too
