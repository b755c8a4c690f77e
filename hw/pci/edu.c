/*
 * The "edu" educational PCI device, behaving as QEMU 7.2's (register map
 * from QEMU docs/specs/edu.rst; every reply below checked against Debian's
 * qemu-system-x86_64 7.2, see docs).
 *
 * BAR0, 1 MiB of 32-bit non-prefetchable MMIO; accesses of 4 or 8 bytes
 * (1- and 2-byte accesses are refused by the bus and read 0):
 *   0x00 RO   identification 0x010000ed
 *   0x04 RW   liveness check: reads back the bitwise inverse of the write
 *   0x08 RW   factorial: write n, read n!
 *   0x20 RW   status: bit 0 computing (RO), bit 7 raise INTx/MSI on fact
 *   0x24 RO   interrupt status
 *   0x60 WO   interrupt raise (ORs into status)
 *   0x64 WO   interrupt acknowledge (clears bits)
 *   0x80 RW   DMA source, 0x88 DMA destination, 0x90 DMA count
 *   0x98 RW   DMA command: bit 0 start, bit 1 direction (1: buffer->RAM),
 *             bit 2 interrupt 0x100 when done
 * Below 0x80 only 4-byte accesses act (an 8-byte read there is all-ones,
 * an 8-byte write is ignored); unknown offsets read all-ones.  The 4 KiB
 * DMA buffer sits at device address 0x40000 and is not visible on the
 * BAR.  DMA addresses in RAM are clamped with dma_mask (default 2^28-1).
 *
 * Deviations: the factorial completes at once (QEMU computes it in a
 * thread, so COMPUTING is set only briefly); a DMA whose buffer range
 * falls outside 0x40000..0x40fff makes QEMU abort (hw_error) - here it
 * logs one line naming the register and the command is dropped.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/clock.h"
#include "iommu-sim/pci.h"

#define EDU_FACT_IRQ        0x00000001u
#define EDU_DMA_IRQ         0x00000100u
#define EDU_DMA_START       0x40000u
#define EDU_DMA_SIZE        4096u
#define EDU_STATUS_COMPUTING 0x01u
#define EDU_STATUS_IRQFACT  0x80u
#define EDU_DMA_RUN         0x1u
#define EDU_DMA_TO_PCI      0x2u    /* direction: buffer -> RAM */
#define EDU_DMA_IRQ_EN      0x4u
#define EDU_ID              0x010000edu
/* QEMU arms the DMA timer in whole milliseconds: now_ms + 100. */
#define EDU_DMA_DELAY_MS    100
#define NS_PER_MS           1000000

typedef struct EduState {
    PCIDevice pdev;
    uint64_t dma_mask;          /* property */
    MemoryRegion mmio;
    VirtualClock *clock;
    VirtualTimer *dma_timer;
    uint32_t addr4;
    uint32_t fact;
    uint32_t status;
    uint32_t irq_status;
    uint64_t dma_src, dma_dst, dma_cnt, dma_cmd;
    uint8_t dma_buf[EDU_DMA_SIZE];
} EduState;

static void edu_raise_irq(EduState *s, uint32_t val)
{
    s->irq_status |= val;
    if (!s->irq_status) {
        return;
    }
    if (msi_enabled(&s->pdev)) {
        msi_notify(&s->pdev, 0);
    } else {
        pci_set_irq(&s->pdev, 1);
    }
}

static void edu_lower_irq(EduState *s, uint32_t val)
{
    s->irq_status &= ~val;
    if (!s->irq_status && !msi_enabled(&s->pdev)) {
        pci_set_irq(&s->pdev, 0);
    }
}

/* The buffer side of a transfer must lie inside 0x40000..0x40fff. */
static bool edu_buffer_range_ok(uint64_t start, uint64_t cnt)
{
    uint64_t end = start + cnt;

    return end >= start && start >= EDU_DMA_START &&
           end <= EDU_DMA_START + EDU_DMA_SIZE;
}

static void edu_dma_timer(void *opaque)
{
    EduState *s = opaque;
    bool to_pci = s->dma_cmd & EDU_DMA_TO_PCI;
    uint64_t buf_addr = to_pci ? s->dma_src : s->dma_dst;

    if (!(s->dma_cmd & EDU_DMA_RUN)) {
        return;
    }
    if (!edu_buffer_range_ok(buf_addr, s->dma_cnt)) {
        g_message("edu: DMA %s 0x%" G_GINT64_MODIFIER "x count 0x%"
                  G_GINT64_MODIFIER "x outside the buffer 0x40000-0x40fff; "
                  "command dropped (QEMU aborts here)",
                  to_pci ? "source (0x80)" : "destination (0x88)",
                  buf_addr, s->dma_cnt);
        s->dma_cmd &= ~(uint64_t)EDU_DMA_RUN;
        return;
    }
    if (to_pci) {
        pci_dma_write(&s->pdev, s->dma_dst & s->dma_mask,
                      s->dma_buf + (s->dma_src - EDU_DMA_START), s->dma_cnt);
    } else {
        pci_dma_read(&s->pdev, s->dma_src & s->dma_mask,
                     s->dma_buf + (s->dma_dst - EDU_DMA_START), s->dma_cnt);
    }
    s->dma_cmd &= ~(uint64_t)EDU_DMA_RUN;
    if (s->dma_cmd & EDU_DMA_IRQ_EN) {
        edu_raise_irq(s, EDU_DMA_IRQ);
    }
}

static uint64_t edu_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    EduState *s = opaque;

    if (addr < 0x80 && size != 4) {
        return UINT64_MAX;
    }
    switch (addr) {
    case 0x00:
        return EDU_ID;
    case 0x04:
        return s->addr4;
    case 0x08:
        return s->fact;
    case 0x20:
        return s->status;
    case 0x24:
        return s->irq_status;
    case 0x80:
        return s->dma_src;
    case 0x88:
        return s->dma_dst;
    case 0x90:
        return s->dma_cnt;
    case 0x98:
        return s->dma_cmd;
    default:
        return UINT64_MAX;
    }
}

static void edu_fact_write(EduState *s, uint32_t n)
{
    uint32_t r = 1;

    if (s->status & EDU_STATUS_COMPUTING) {
        return;
    }
    /* 32-bit wrap-around, as QEMU's uint32_t product. */
    while (n > 0) {
        r *= n--;
    }
    s->fact = r;
    if (s->status & EDU_STATUS_IRQFACT) {
        edu_raise_irq(s, EDU_FACT_IRQ);
    }
}

/* DMA registers are frozen while a transfer is running. */
static void edu_dma_reg_write(EduState *s, uint64_t addr, uint64_t val)
{
    if (s->dma_cmd & EDU_DMA_RUN) {
        return;
    }
    switch (addr) {
    case 0x80:
        s->dma_src = val;
        break;
    case 0x88:
        s->dma_dst = val;
        break;
    case 0x90:
        s->dma_cnt = val;
        break;
    case 0x98:
        if (!(val & EDU_DMA_RUN)) {
            return;
        }
        s->dma_cmd = val;
        vtimer_mod(s->dma_timer,
                   (vclock_now(s->clock) / NS_PER_MS + EDU_DMA_DELAY_MS) *
                   NS_PER_MS);
        break;
    }
}

static void edu_mmio_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    EduState *s = opaque;

    if (addr < 0x80 && size != 4) {
        return;
    }
    switch (addr) {
    case 0x04:
        s->addr4 = ~(uint32_t)val;
        break;
    case 0x08:
        edu_fact_write(s, (uint32_t)val);
        break;
    case 0x20:
        s->status = (s->status & ~EDU_STATUS_IRQFACT) |
                    ((uint32_t)val & EDU_STATUS_IRQFACT);
        break;
    case 0x60:
        edu_raise_irq(s, (uint32_t)val);
        break;
    case 0x64:
        edu_lower_irq(s, (uint32_t)val);
        break;
    case 0x80:
    case 0x88:
    case 0x90:
    case 0x98:
        edu_dma_reg_write(s, addr, val);
        break;
    }
}

static const MemoryRegionOps edu_mmio_ops = {
    .read = edu_mmio_read,
    .write = edu_mmio_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

static const PCIDeviceInfo edu_pci_info = {
    .vendor_id = 0x1234,
    .device_id = 0x11e8,
    .revision = 0x10,
    .class_code = 0x00ff00,     /* PCI_CLASS_OTHERS */
    .subsystem_vendor_id = 0x1af4,
    .subsystem_id = 0x1100,
    .interrupt_pin = 1,
};

static bool edu_realize(Device *dev, Machine *m, GError **errp)
{
    EduState *s = (EduState *)dev;

    pci_config_set_info(&s->pdev, &edu_pci_info);
    /* QEMU: msi_init(dev, 0, 1, true, false) lands at 0x40. */
    if (!msi_init(&s->pdev, 0, 1, true, false, errp)) {
        return false;
    }
    s->clock = pci_bus_clock(s->pdev.bus);
    if (!s->clock) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "edu: the PCI bus has no clock for the DMA timer");
        return false;
    }
    s->dma_timer = vtimer_new(s->clock, edu_dma_timer, s);
    memory_region_init_io(&s->mmio, &edu_mmio_ops, s, "edu-mmio", 1u << 20);
    pci_register_bar(&s->pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
    return true;
}

static void edu_finalize(Device *dev)
{
    EduState *s = (EduState *)dev;

    vtimer_free(s->dma_timer);
    memory_region_destroy(&s->mmio);
}

static const Property edu_props[] = {
    PCI_DEVICE_PROPERTIES,
    { .name = "dma_mask", .type = PROP_UINT64,
      .offset = offsetof(EduState, dma_mask), .defval = "0xfffffff",
      .description = "mask applied to RAM-side DMA addresses" },
    PROP_END
};

const DeviceClass edu_device_class = {
    .name = "edu",
    .description = "QEMU's educational PCI device (1234:11e8)",
    .instance_size = sizeof(EduState),
    .props = edu_props,
    .is_pci = true,
    .realize = edu_realize,
    .finalize = edu_finalize,
};
