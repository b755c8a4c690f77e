"""The extension verbs of docs/harness.md: dma_read / dma_write without an
IOMMU (system memory), msi / msi_intercept, stats."""
import re

import pytest

from iommusim_qtest import Fault


def test_dma_read_write_without_iommu_reach_ram(qt):
    qt.writel(0x3000, 0x11223344)
    assert qt.cmd("dma_read 00:02.0 0x3000 4") == "OK 0x44332211"
    assert qt.cmd("dma_read 0x10 0x3000 2") == "OK 0x4433"
    assert qt.cmd("dma_write 16 0x3000 0xaabb") == "OK"
    assert qt.readl(0x3000) == 0x1122bbaa
    assert qt.cmd("dma_write 00:02.0 0x3004 0x01 pasid=5 priv=1 exec=0") \
        == "OK"
    assert qt.readb(0x3004) == 1


def test_dma_helpers_round_trip(qt):
    qt.dma_write("00:03.0", 0x5000, b"\x01\x02\x03")
    assert qt.dma_read(0x18, 0x5000, 3, pasid=1) == b"\x01\x02\x03"


@pytest.mark.parametrize("line", [
    "dma_read 00:02.0 0x0 4 bogus=1",
    "dma_read 00:20.0 0x0 4",
    "dma_read 0x10000 0x0 4",
    "dma_write 00:02.0 0x0 0x",
    "dma_write 00:02.0 0x0 0xabc",
])
def test_dma_argument_errors(qt, line):
    assert qt.cmd(line).startswith("ERR ")


def test_msi_intercept_reports_decoded_message_before_ok(qt):
    assert qt.cmd("msi_intercept on") == "OK"
    qt.send("msi 00:02.0 0xfee01000 0x4031")
    line = qt.recv_line()
    assert line == ("IRQ msi 0xfee01000 0x4031 dest=1 vector=0x31 mode=fixed "
                    "dest_mode=physical trigger=edge rid=00:02.0 remapped=0")
    assert qt.recv_line() == "OK"
    assert qt.cmd("msi 0x18 0xfee0300c 0x0131") == "OK"
    assert re.fullmatch(r"IRQ msi 0xfee0300c 0x131 dest=3 vector=0x31 "
                        r"mode=lowest dest_mode=logical trigger=edge "
                        r"rid=00:03.0 remapped=0", qt.async_lines.pop())
    assert qt.cmd("msi_intercept off") == "OK"
    assert qt.cmd("msi 00:02.0 0xfee00000 0x30") == "OK"
    assert qt.async_lines == []


def test_stats_fail_when_nothing_provides_them(qt):
    r = qt.cmd("stats")
    assert r.startswith("OK ") or r == "FAIL no statistics"
    assert qt.cmd("stats nosuchunit").startswith("FAIL no statistics for")
