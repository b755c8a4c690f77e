/*
 * A PCI function: config space with per-byte write / write-1-to-clear
 * masks, BAR sizing and mapping, command register gating of memory, I/O
 * and bus mastering, capabilities, DMA and INTx.  The masks and reset
 * values follow QEMU's hw/pci/pci.c as measured on QEMU 7.2 (see
 * docs): command writable bits 0x0507, status W1C bits 0xf900, cache
 * line size and interrupt line writable, 0x40..0xff writable until a
 * capability claims the bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/pci.h"
#include "hw/pci/pci-internal.h"

/* Status bits software clears by writing 1 (PCI 3.0 §6.2.3). */
#define PCI_STATUS_W1C_BITS 0xf900u
#define PCI_COMMAND_WRITABLE (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
                              PCI_COMMAND_MASTER | PCI_COMMAND_SERR | \
                              PCI_COMMAND_INTX_DISABLE)

uint32_t pci_get_long(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

uint16_t pci_get_word(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

void pci_set_long(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

uint16_t pci_requester_id(const PCIDevice *dev)
{
    uint8_t bus = dev->bus ? pci_bus_num(dev->bus) : 0;

    return (uint16_t)(bus << 8 | (dev->devfn & 0xff));
}

void pci_device_init_config(PCIDevice *dev)
{
    dev->config_size = PCI_CONFIG_SPACE_SIZE;
    memset(dev->config, 0, sizeof(dev->config));
    memset(dev->wmask, 0, sizeof(dev->wmask));
    memset(dev->w1cmask, 0, sizeof(dev->w1cmask));
    memset(dev->cmask, 0, sizeof(dev->cmask));
    pci_set_word(dev->wmask + PCI_COMMAND, PCI_COMMAND_WRITABLE);
    pci_set_word(dev->w1cmask + PCI_STATUS, PCI_STATUS_W1C_BITS);
    dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
    memset(dev->wmask + PCI_CONFIG_HEADER_SIZE, 0xff,
           dev->config_size - PCI_CONFIG_HEADER_SIZE);
    if (dev->multifunction) {
        dev->config[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTI_FUNCTION;
    }
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        dev->bars[i].addr = PCI_BAR_UNMAPPED;
    }
}

void pci_config_set_info(PCIDevice *dev, const PCIDeviceInfo *info)
{
    pci_set_word(dev->config + PCI_VENDOR_ID, info->vendor_id);
    pci_set_word(dev->config + PCI_DEVICE_ID, info->device_id);
    dev->config[PCI_REVISION_ID] = info->revision;
    dev->config[PCI_CLASS_PROG] = (uint8_t)info->class_code;
    pci_set_word(dev->config + PCI_CLASS_DEVICE,
                 (uint16_t)(info->class_code >> 8));
    pci_set_word(dev->config + PCI_SUBSYSTEM_VENDOR_ID,
                 info->subsystem_vendor_id);
    pci_set_word(dev->config + PCI_SUBSYSTEM_ID, info->subsystem_id);
    dev->config[PCI_INTERRUPT_PIN] = info->interrupt_pin;
    if (info->express && dev->config_size != PCIE_CONFIG_SPACE_SIZE) {
        dev->config_size = PCIE_CONFIG_SPACE_SIZE;
        memset(dev->wmask + PCI_CONFIG_SPACE_SIZE, 0xff,
               PCIE_CONFIG_SPACE_SIZE - PCI_CONFIG_SPACE_SIZE);
    }
}

/* ---- config cycles ---------------------------------------------------- */

uint32_t pci_default_config_read(PCIDevice *dev, uint32_t addr,
                                 unsigned len)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < len && addr + i < dev->config_size; i++) {
        v |= (uint32_t)dev->config[addr + i] << (8 * i);
    }
    return v;
}

static bool pci_range_covers(uint32_t addr, unsigned len, uint32_t start,
                             uint32_t size)
{
    return addr < start + size && start < addr + len;
}

void pci_default_config_write(PCIDevice *dev, uint32_t addr, uint32_t val,
                              unsigned len)
{
    for (unsigned i = 0; i < len && addr + i < dev->config_size; i++) {
        uint8_t b = (uint8_t)(val >> (8 * i));
        uint8_t wm = dev->wmask[addr + i];
        uint8_t w1c = dev->w1cmask[addr + i];

        dev->config[addr + i] = (uint8_t)((dev->config[addr + i] & ~wm) |
                                          (b & wm));
        dev->config[addr + i] &= (uint8_t)~(b & w1c);
    }
    if (pci_range_covers(addr, len, PCI_BASE_ADDRESS_0, 24) ||
        pci_range_covers(addr, len, PCI_COMMAND, 2)) {
        pci_update_mappings(dev);
    }
    if (pci_range_covers(addr, len, PCI_COMMAND, 2)) {
        /* Interrupt Disable may have changed what the bus sees. */
        pci_set_irq(dev, dev->intx_level);
    }
    msi_config_write(dev, addr, len);
}

/* Beyond the function's config space: all-ones, as a master abort. */
uint32_t pci_config_read(PCIDevice *dev, uint32_t addr, unsigned len)
{
    uint32_t ones = len >= 4 ? UINT32_MAX : (1u << (len * 8)) - 1;

    if (addr >= dev->config_size || len == 0 || len > 4) {
        return ones;
    }
    len = MIN(len, dev->config_size - addr);
    return dev->config_read ? dev->config_read(dev, addr, len) :
           pci_default_config_read(dev, addr, len);
}

void pci_config_write(PCIDevice *dev, uint32_t addr, uint32_t val,
                      unsigned len)
{
    if (addr >= dev->config_size || len == 0 || len > 4) {
        return;
    }
    len = MIN(len, dev->config_size - addr);
    if (dev->config_write) {
        dev->config_write(dev, addr, val, len);
    } else {
        pci_default_config_write(dev, addr, val, len);
    }
}

/* ---- BARs ------------------------------------------------------------- */

void pci_register_bar(PCIDevice *dev, int n, uint8_t type, MemoryRegion *mr)
{
    PCIBar *bar;
    uint64_t wmask;
    uint32_t off = PCI_BASE_ADDRESS_0 + 4 * (uint32_t)n;

    g_assert(n >= 0 && n < PCI_NUM_BARS && mr && mr->size);
    g_assert(!(mr->size & (mr->size - 1)));
    bar = &dev->bars[n];
    bar->region = mr;
    bar->size = mr->size;
    bar->type = type;
    bar->addr = PCI_BAR_UNMAPPED;
    wmask = ~(bar->size - 1);
    pci_set_long(dev->config + off, type);
    pci_set_long(dev->wmask + off, (uint32_t)wmask);
    if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        g_assert(n + 1 < PCI_NUM_BARS);
        pci_set_long(dev->config + off + 4, 0);
        pci_set_long(dev->wmask + off + 4, (uint32_t)(wmask >> 32));
    }
}

uint64_t pci_bar_address(const PCIDevice *dev, int n)
{
    return (n >= 0 && n < PCI_NUM_BARS) ? dev->bars[n].addr :
           PCI_BAR_UNMAPPED;
}

/*
 * Where a BAR decodes now (QEMU pci_bar_address): nothing while its
 * space is disabled in COMMAND, at address 0, when it wraps, or - for
 * 32-bit BARs - when it reaches 4 GiB (the all-ones sizing pattern).
 */
static uint64_t pci_bar_decode(const PCIDevice *dev, int n)
{
    const PCIBar *bar = &dev->bars[n];
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);
    uint32_t off = PCI_BASE_ADDRESS_0 + 4 * (uint32_t)n;
    bool io = bar->type & PCI_BASE_ADDRESS_SPACE_IO;
    bool is64 = !io && (bar->type & PCI_BASE_ADDRESS_MEM_TYPE_64);
    uint64_t base = pci_get_long(dev->config + off), last;

    if (!(cmd & (io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY))) {
        return PCI_BAR_UNMAPPED;
    }
    if (is64) {
        base |= (uint64_t)pci_get_long(dev->config + off + 4) << 32;
    }
    base &= ~(bar->size - 1);
    last = base + bar->size - 1;
    if (base == 0 || last <= base || last == PCI_BAR_UNMAPPED ||
        (!is64 && last >= UINT32_MAX)) {
        return PCI_BAR_UNMAPPED;
    }
    return base;
}

static MemoryRegion *pci_bar_parent(const PCIDevice *dev, int n)
{
    return (dev->bars[n].type & PCI_BASE_ADDRESS_SPACE_IO) ? dev->bus->io :
           dev->bus->mem;
}

void pci_update_mappings(PCIDevice *dev)
{
    for (int n = 0; dev->bus && n < PCI_NUM_BARS; n++) {
        PCIBar *bar = &dev->bars[n];
        uint64_t addr;

        if (!bar->region) {
            continue;
        }
        addr = pci_bar_decode(dev, n);
        if (addr == bar->addr) {
            continue;
        }
        if (bar->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(pci_bar_parent(dev, n), bar->region);
        }
        bar->addr = addr;
        if (addr != PCI_BAR_UNMAPPED) {
            /* BARs overlap each other (QEMU: priority 1 over the bus). */
            memory_region_add_subregion_overlap(pci_bar_parent(dev, n), addr,
                                                bar->region, 1);
        }
    }
}

void pci_device_unmap_bars(PCIDevice *dev)
{
    for (int n = 0; dev->bus && n < PCI_NUM_BARS; n++) {
        PCIBar *bar = &dev->bars[n];

        if (bar->region && bar->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(pci_bar_parent(dev, n), bar->region);
            bar->addr = PCI_BAR_UNMAPPED;
        }
    }
}

/* ---- capabilities (PCI 3.0 §6.7) ------------------------------------- */

static uint8_t pci_find_space(const PCIDevice *dev, uint8_t size)
{
    for (uint32_t off = PCI_CONFIG_HEADER_SIZE;
         off + size <= PCI_CONFIG_SPACE_SIZE; off += 4) {
        bool used = false;

        for (uint32_t i = 0; i < size; i++) {
            used |= dev->cmask[off + i] != 0;
        }
        if (!used) {
            return (uint8_t)off;
        }
    }
    return 0;
}

uint8_t pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset,
                           uint8_t size, GError **errp)
{
    if (!offset) {
        offset = pci_find_space(dev, size);
    }
    if (offset < PCI_CONFIG_HEADER_SIZE ||
        (uint32_t)offset + size > PCI_CONFIG_SPACE_SIZE) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "capability 0x%02x: no room at 0x%02x", cap_id, offset);
        return 0;
    }
    for (uint32_t i = 0; i < size; i++) {
        if (dev->cmask[offset + i]) {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                        "capability 0x%02x at 0x%02x overlaps another",
                        cap_id, offset);
            return 0;
        }
    }
    dev->config[offset] = cap_id;
    dev->config[offset + 1] = dev->config[PCI_CAPABILITY_LIST];
    dev->config[PCI_CAPABILITY_LIST] = offset;
    dev->config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    memset(dev->wmask + offset, 0, size);
    memset(dev->w1cmask + offset, 0, size);
    memset(dev->cmask + offset, 0xff, size);
    return offset;
}

uint8_t pci_find_capability(const PCIDevice *dev, uint8_t cap_id)
{
    uint8_t off = dev->config[PCI_CAPABILITY_LIST];

    if (!(dev->config[PCI_STATUS] & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    /* A looped list ends after as many hops as could fit. */
    for (int hops = 0; off >= PCI_CONFIG_HEADER_SIZE && hops < 48; hops++) {
        if (dev->config[off] == cap_id) {
            return off;
        }
        off = dev->config[off + 1];
    }
    return 0;
}

/* ---- DMA -------------------------------------------------------------- */

AddressSpace *pci_device_dma_as(PCIDevice *dev)
{
    return dev->bus ? pci_bus_dma_as(dev->bus, pci_requester_id(dev)) :
           NULL;
}

bool pci_bus_master_enabled(const PCIDevice *dev)
{
    return pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_MASTER;
}

/*
 * Without Bus Master Enable QEMU routes the function's DMA into a
 * disabled alias: reads see zeros, writes vanish, nothing reaches the
 * IOMMU.  The same here, reported as a decode error.
 */
MemTxResult pci_dma_rw(PCIDevice *dev, uint64_t addr, void *buf,
                       uint64_t len, bool is_write)
{
    AddressSpace *as = pci_device_dma_as(dev);

    if (!as || !pci_bus_master_enabled(dev)) {
        if (!is_write && buf) {
            memset(buf, 0, len);
        }
        return MEMTX_DECODE_ERROR;
    }
    return address_space_rw(as, addr,
                            memtxattrs_for_requester(pci_requester_id(dev)),
                            buf, len, is_write, NULL);
}

MemTxResult pci_dma_read(PCIDevice *dev, uint64_t addr, void *buf,
                         uint64_t len)
{
    return pci_dma_rw(dev, addr, buf, len, false);
}

MemTxResult pci_dma_write(PCIDevice *dev, uint64_t addr, const void *buf,
                          uint64_t len)
{
    return pci_dma_rw(dev, addr, (void *)buf, len, true);
}

/* ---- INTx ------------------------------------------------------------- */

/*
 * The status bit follows the function's pin; the bus sees it only while
 * COMMAND.Interrupt Disable is clear (PCI 3.0 §6.2.2, §6.2.3).
 */
void pci_set_irq(PCIDevice *dev, int level)
{
    bool disabled = pci_get_word(dev->config + PCI_COMMAND) &
                    PCI_COMMAND_INTX_DISABLE;
    bool assert_now;

    dev->intx_level = level != 0;
    if (dev->intx_level) {
        dev->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    } else {
        dev->config[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
    }
    assert_now = dev->intx_level && !disabled;
    if (assert_now != dev->intx_asserted && dev->bus) {
        dev->intx_asserted = assert_now;
        pci_bus_irq_change(dev->bus, dev, assert_now ? 1 : -1);
    }
}

/* ---- reset ------------------------------------------------------------ */

/* QEMU pci_do_device_reset: writable header state back to zero. */
void pci_device_reset(PCIDevice *dev)
{
    uint16_t cmd_mask = pci_get_word(dev->wmask + PCI_COMMAND) |
                        pci_get_word(dev->w1cmask + PCI_COMMAND);
    uint16_t sts_mask = pci_get_word(dev->wmask + PCI_STATUS) |
                        pci_get_word(dev->w1cmask + PCI_STATUS);

    pci_set_irq(dev, 0);
    pci_set_word(dev->config + PCI_COMMAND,
                 pci_get_word(dev->config + PCI_COMMAND) & ~cmd_mask);
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) & ~sts_mask);
    dev->config[PCI_CACHE_LINE_SIZE] = 0;
    dev->config[PCI_INTERRUPT_LINE] = 0;
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        PCIBar *bar = &dev->bars[n];
        uint32_t off = PCI_BASE_ADDRESS_0 + 4 * (uint32_t)n;

        if (!bar->region) {
            continue;
        }
        pci_set_long(dev->config + off, bar->type);
        if (bar->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            pci_set_long(dev->config + off + 4, 0);
        }
    }
    if (dev->msi_cap) {
        uint8_t *flags = dev->config + dev->msi_cap + PCI_MSI_FLAGS;

        pci_set_word(flags, pci_get_word(flags) &
                     (uint16_t)~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE));
    }
    pci_update_mappings(dev);
}
