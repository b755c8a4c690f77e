"""Programming QEMU's edu device (docs/specs/edu.rst in QEMU) over qtest:
BAR0 placement, then its registers.  Shared by the clock and differential
tests; works on any Qtest target."""

EDU = "00:02.0"
BAR0 = 0xfe000000
DMA_BUF = 0x40000           # edu's internal 4 KiB buffer


def edu_enable(qt, bar=BAR0):
    qt.pci_cfg_write(EDU, 0x10, bar)
    qt.pci_cfg_write(EDU, 0x04, 0x0006, size=2)     # memory + bus master


def edu_dma(qt, src, dst, count, to_ram, bar=BAR0):
    """Start a DMA: to_ram copies edu's buffer to RAM, else RAM to edu."""
    qt.writeq(bar + 0x80, src)
    qt.writeq(bar + 0x88, dst)
    qt.writeq(bar + 0x90, count)
    qt.writeq(bar + 0x98, 1 | (2 if to_ram else 0))


def edu_dma_busy(qt, bar=BAR0):
    return qt.readq(bar + 0x98) & 1
