"""amd-iommu under the timing model through the harness (docs/timing.md):
dma_bench on v1 tables with timing=broadwell-ep (the 4 KiB-page curve falls
with the window as the 64-entry IOTLB stops covering it; 2 MiB pages stay
in the IOMMU-off band), ideal vs broadwell-ep giving the same functional
results, COMPLETION_WAIT's store seen only after clock_step past its
modelled time (AMD IOMMU spec 48882 §2.4.1), stats, the trace, and a bad
profile refused by name.

broadwell-ep's parameters stand in for an AMD part (docs/timing.md): the
published points are Intel's, so the curve's shape is what is checked, with
the same +-15% band the VT-d calibration uses where the geometry is alike.
"""
import json
import subprocess

import pytest

from amdvi_harness_util import (AmdVi, EDU_DEVID, STORE, dte, pde,
                                pte, completion_wait, inv_pages_all, start)

SID_4K, SID_2M = EDU_DEVID, 0x18
DOM_4K, DOM_2M = 1, 2
L3_4K, L2_4K, L1_4K = 0x600000, 0x601000, 0x602000
L3_2M, L2_2M = 0x603000, 0x604000
BASE = 0x1000000                # 16 MiB: level-2 index 8
MAX_WINDOW = 2 << 20
TOL = 0.15
OFF_LO, OFF_HI = 27.7, 28.1
PUBLISHED = {256 << 10: 27.6, 512 << 10: 20.2, 2 << 20: 11.7}


def fields(reply):
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


def bench(q, sid, window, count, *opts):
    line = "dma_bench 0x%x 0x%x 0x%x 64 %d %s" % (sid, BASE, window, count,
                                                 " ".join(opts))
    return fields(q.cmd(line.strip()))


def write_table(q, addr, entries):
    data = b"".join(e.to_bytes(8, "little") for e in entries)
    q.write(addr, data + bytes(4096 - len(data)))


def bring_up(q):
    """Device table, command buffer, event log, IOMMUEn; the 2 MiB window
    at BASE mapped 1:1 by 4 KiB pages for SID_4K and by a NextLevel-0
    level-2 leaf (a 2 MiB page) for SID_2M, mode 3."""
    u = AmdVi(q)
    u.setup_devtab()
    u.setup_cmdbuf()
    u.setup_evtlog()
    write_table(q, L3_4K, [pde(L2_4K, 2)])
    write_table(q, L2_4K, [0] * 8 + [pde(L1_4K, 1)])
    write_table(q, L1_4K, [pte(BASE + i * 4096) for i in range(512)])
    write_table(q, L3_2M, [pde(L2_2M, 2)])
    write_table(q, L2_2M, [0] * 8 + [pte(BASE)])
    u.set_dte(SID_4K, dte(root=L3_4K, mode=3, domid=DOM_4K))
    u.set_dte(SID_2M, dte(root=L3_2M, mode=3, domid=DOM_2M))
    u.control("IOMMU_EN")
    return u


def unit(sim, bios, timing):
    q = start(sim, bios, iommu="amd-iommu,timing=" + timing, devices=())
    return q, bring_up(q)


@pytest.fixture
def bw(sim, bios):
    q, u = unit(sim, bios, "broadwell-ep")
    yield q, u
    assert q.close() == 0


def test_amdvi_timing_bench_curve_falls_with_window(bw):
    """4 KiB pages: 64-entry IOTLB coverage 256 KiB, then walks bound the
    throughput; 2 MiB pages stay in the IOMMU-off band."""
    q, _ = bw
    got = {}
    for window, published in PUBLISHED.items():
        bench(q, SID_4K, window, 5000)                      # warm-up
        r = bench(q, SID_4K, window, 20000, "seed=2")
        assert int(r["transactions"]) == 20000 and int(r["faults"]) == 0
        assert int(r["translations"]) >= 20000
        got[window] = float(r["gbps"])
        assert within(got[window], published), (window, r)
        bench(q, SID_2M, window, 5000)
        big = bench(q, SID_2M, window, 20000, "seed=2")
        assert within(float(big["gbps"]), OFF_LO, OFF_HI), (window, big)
    windows = sorted(got)
    assert all(got[a] > got[b] for a, b in zip(windows, windows[1:])), got


def test_amdvi_timing_bench_counters_follow_the_figures(bw):
    q, _ = bw
    r = bench(q, SID_4K, MAX_WINDOW, 4000, "outstanding=1")
    assert int(r["lat_p50_ns"]) > 700, r      # IOTLB misses cost walks
    assert int(r["xlate_ns"]) > 0
    assert r["timing"] == "broadwell-ep"
    assert int(r["timing_translations"]) >= 4000, r
    assert int(r["timing_walks"]) > 0, r


def test_amdvi_timing_ideal_and_broadwell_same_results(sim, bios):
    """Same transfers, faults, translations and event log; only time
    differs (ideal: zero translation cost)."""
    out = {}
    for timing in ("ideal", "broadwell-ep"):
        q, u = unit(sim, bios, timing)
        r = bench(q, SID_4K, MAX_WINDOW, 3000, "seed=5")
        bad = fields(q.cmd("dma_bench 0x%x 0x%x 0x1000 64 50" %
                           (SID_4K, BASE + MAX_WINDOW)))
        q.ok("clock_step 100000")
        out[timing] = (r, bad, u.events())
        assert q.close() == 0
    (ri, bi, ei), (rb, bb, eb) = out["ideal"], out["broadwell-ep"]
    for k in ("transactions", "faults", "translations"):
        assert ri[k] == rb[k] and bi[k] == bb[k], k
    assert int(bi["faults"]) == 50 and ei == eb and len(ei) > 0
    assert int(ri["xlate_ns"]) == 0 < int(rb["xlate_ns"])


def test_amdvi_timing_completion_wait_store_after_clock_step(bw):
    """broadwell-ep: an idle unit finishes a domain flush (fetch + 128
    cycles) and the wait (fetch + 16 cycles) 554 ns after the tail write;
    the store, ComWaitInt and the head wait until then."""
    q, u = bw
    q.writeq(STORE, 0)
    u.submit([inv_pages_all(DOM_4K), completion_wait(STORE, 0xC0FFEE, i=1)])
    assert q.readq(STORE) == 0
    assert u.rdl("CMD_BUF_HEAD") == 0
    assert not u.status("COM_WAIT_INT")
    q.ok("clock_step 553")
    assert q.readq(STORE) == 0
    assert u.rdl("CMD_BUF_HEAD") == 16
    q.ok("clock_step 1")
    assert q.readq(STORE) == 0xC0FFEE
    assert u.rdl("CMD_BUF_HEAD") == 32
    assert u.status("COM_WAIT_INT")


def test_amdvi_timing_completion_wait_at_once_when_ideal(sim, bios):
    q, u = unit(sim, bios, "ideal")
    q.writeq(STORE, 0)
    u.submit([inv_pages_all(DOM_4K), completion_wait(STORE, 0xC0FFEE)])
    assert q.readq(STORE) == 0xC0FFEE
    assert u.rdl("CMD_BUF_HEAD") == 32
    assert q.close() == 0


def test_amdvi_timing_stats_name_the_profile(bw):
    q, u = bw
    u.submit([inv_pages_all(DOM_4K), completion_wait(STORE, 1)])
    bench(q, SID_4K, 1 << 20, 1000)
    st = dict(kv.split("=", 1) for kv in q.ok("stats amd-iommu").split()
              if "=" in kv)
    assert st["timing"] == "broadwell-ep"
    assert int(st["timing_inv_wait"]) == 1
    assert int(st["timing_inv_iotlb_domain"]) == 1
    assert int(st["timing_translations"]) >= 1000
    assert int(st["cmd_processed"]) == 2        # AMD PMU names unchanged


def test_amdvi_timing_trace_opens_as_json(sim, bios, tmp_path):
    path = tmp_path / "amdvi.json"
    q = start(sim, bios, devices=(),
              iommu="amd-iommu,timing=broadwell-ep,timing-trace=%s" % path)
    bring_up(q)
    bench(q, SID_4K, 1 << 20, 200)
    assert q.close() == 0
    events = json.loads(path.read_text())["traceEvents"]
    names = {e.get("name") for e in events}
    assert "translate" in names and "read" in names, sorted(names)[:20]
    procs = {e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "process_name"}
    assert "amd-iommu" in procs, procs


def test_amdvi_timing_bad_profile_is_one_clear_error(sim):
    r = subprocess.run([sim, "-device", "amd-iommu,timing=zen5", "-qtest",
                        "stdio"], input="", capture_output=True, text=True,
                       timeout=20)
    assert r.returncode == 1
    assert "'timing'" in r.stderr and "broadwell-ep" in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1, r.stderr
