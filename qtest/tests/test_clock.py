"""Virtual time: real time without -accel qtest (like Debian's QEMU 7.2,
which has no qtest accelerator), deterministic with it."""
import time

from conftest import BASE_ARGS
from edu_util import BAR0, DMA_BUF, edu_dma, edu_dma_busy, edu_enable
from iommusim_qtest import Qtest

PATTERN = bytes(range(0x40, 0x48))


def test_realtime_mode_has_no_clock_verbs(sim):
    with Qtest(sim, BASE_ARGS) as q:
        assert q.cmd("clock_step") == "FAIL Unknown command 'clock_step'"
        assert q.cmd("clock_step 10") == "FAIL Unknown command 'clock_step'"
        assert q.cmd("clock_set 10") == "FAIL Unknown command 'clock_set'"


def test_accel_qtest_in_machine_option_enables_clock_verbs(sim):
    with Qtest(sim, ["-machine", "q35,accel=qtest"]) as q:
        assert q.cmd("clock_step 7") == "OK 7"


def test_realtime_edu_dma_completes_after_about_100ms(sim, need_edu):
    with Qtest(sim, BASE_ARGS + ["-device", "edu,addr=02.0"]) as q:
        edu_enable(q)
        q.write(0x10000, PATTERN)
        t0 = time.monotonic()
        edu_dma(q, 0x10000, DMA_BUF, len(PATTERN), to_ram=False)
        assert edu_dma_busy(q) == 1
        while edu_dma_busy(q):
            assert time.monotonic() - t0 < 2.0
            time.sleep(0.005)
        elapsed = time.monotonic() - t0
        assert 0.08 <= elapsed <= 0.5, elapsed
        edu_dma(q, DMA_BUF, 0x20000, len(PATTERN), to_ram=True)
        time.sleep(0.2)             # idle: the harness fires the timer
        assert q.read(0x20000, len(PATTERN)) == PATTERN


def test_qtest_mode_edu_dma_only_after_clock_step(sim, need_edu):
    with Qtest(sim, BASE_ARGS + ["-accel", "qtest", "-device",
                                 "edu,addr=02.0"]) as q:
        edu_enable(q)
        q.write(0x10000, PATTERN)
        edu_dma(q, 0x10000, DMA_BUF, len(PATTERN), to_ram=False)
        time.sleep(0.25)
        assert edu_dma_busy(q) == 1         # wall time does not count
        assert q.clock_step(50_000_000) == 50_000_000
        assert edu_dma_busy(q) == 1
        t = q.clock_step()                  # to the DMA timer's deadline
        assert 99_000_000 <= t <= 101_000_000, t
        assert edu_dma_busy(q) == 0
        edu_dma(q, DMA_BUF, 0x20000, len(PATTERN), to_ram=True)
        q.clock_step(200_000_000)
        assert q.read(0x20000, len(PATTERN)) == PATTERN
