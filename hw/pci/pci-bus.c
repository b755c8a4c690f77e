/*
 * PCI bus 0: slots, devfn assignment, the IOMMU hook, INTx routing, and
 * the host bridge's two config mechanisms (PCI 3.0 §3.2.2.3.2
 * configuration mechanism #1 at I/O 0xcf8/0xcfc; PCIe 3.0 §7.2.2 ECAM
 * for MMCONFIG).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/pci.h"
#include "hw/pci/pci-internal.h"

PCIBus *pci_bus_new(MemoryRegion *mem, MemoryRegion *io,
                    AddressSpace *dma_as)
{
    PCIBus *bus = g_new0(PCIBus, 1);

    bus->mem = mem;
    bus->io = io;
    bus->dma_as = dma_as;
    return bus;
}

void pci_bus_free(PCIBus *bus)
{
    g_free(bus);
}

void pci_bus_set_clock(PCIBus *bus, VirtualClock *clock)
{
    bus->clock = clock;
}

VirtualClock *pci_bus_clock(PCIBus *bus)
{
    return bus->clock;
}

uint8_t pci_bus_num(const PCIBus *bus)
{
    return bus->bus_num;
}

PCIDevice *pci_bus_find(PCIBus *bus, uint8_t devfn)
{
    return bus->devices[devfn];
}

/* QEMU: the first slot whose function 0 is free, from slot 0 upward. */
static int pci_bus_free_devfn(PCIBus *bus)
{
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn += 8) {
        if (!bus->devices[devfn]) {
            return devfn;
        }
    }
    return -1;
}

bool pci_bus_plug(PCIBus *bus, PCIDevice *dev, GError **errp)
{
    const char *name = dev->qdev.klass->name;
    int devfn = dev->devfn;

    if (devfn < 0) {
        devfn = pci_bus_free_devfn(bus);
        if (devfn < 0) {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                        "PCI: no slot/function available for %s, all in "
                        "use", name);
            return false;
        }
    }
    if (devfn >= PCI_DEVFN_MAX || bus->devices[devfn]) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "PCI: slot %d function %d not available for %s, in use "
                    "by %s", PCI_SLOT(devfn), PCI_FUNC(devfn), name,
                    bus->devices[devfn]->qdev.klass->name);
        return false;
    }
    dev->devfn = devfn;
    dev->bus = bus;
    bus->devices[devfn] = dev;
    pci_device_init_config(dev);
    return true;
}

void pci_bus_unplug(PCIBus *bus, PCIDevice *dev)
{
    if (dev->bus != bus || dev->devfn < 0) {
        return;
    }
    pci_set_irq(dev, 0);
    pci_device_unmap_bars(dev);
    bus->devices[dev->devfn] = NULL;
    dev->bus = NULL;
}

void pci_bus_set_iommu(PCIBus *bus, PCIIOMMUFunc fn, void *opaque)
{
    bus->iommu_fn = fn;
    bus->iommu_opaque = opaque;
}

AddressSpace *pci_bus_dma_as(PCIBus *bus, uint16_t requester_id)
{
    AddressSpace *as = NULL;

    if (bus->iommu_fn) {
        as = bus->iommu_fn(bus->iommu_opaque, requester_id);
    }
    return as ? as : bus->dma_as;
}

void pci_bus_set_irq_router(PCIBus *bus, PCIMapIrqFn map, PCISetIrqFn set,
                            void *opaque)
{
    bus->map_irq = map;
    bus->set_irq = set;
    bus->irq_opaque = opaque;
}

/*
 * One function's pin changed: count assertions per router input so the
 * input is the wired-OR of every function sharing it (PCI 3.0 §2.2.6).
 */
void pci_bus_irq_change(PCIBus *bus, PCIDevice *dev, int change)
{
    int pin = dev->config[PCI_INTERRUPT_PIN] - 1;
    int pirq;

    if (!bus->map_irq || pin < 0 || pin >= PCI_NUM_PINS) {
        return;
    }
    pirq = bus->map_irq(bus->irq_opaque, (uint8_t)dev->devfn, pin);
    if (pirq < 0 || pirq >= PCI_BUS_MAX_IRQS) {
        return;
    }
    bus->irq_count[pirq] += change;
    if (bus->set_irq) {
        bus->set_irq(bus->irq_opaque, pirq, bus->irq_count[pirq] != 0);
    }
}

uint32_t pci_bus_config_read(PCIBus *bus, uint8_t devfn, uint32_t addr,
                             unsigned len)
{
    PCIDevice *dev = bus->devices[devfn];

    if (!dev) {
        return len >= 4 ? UINT32_MAX : (1u << (len * 8)) - 1;
    }
    return pci_config_read(dev, addr, len);
}

void pci_bus_config_write(PCIBus *bus, uint8_t devfn, uint32_t addr,
                          uint32_t val, unsigned len)
{
    PCIDevice *dev = bus->devices[devfn];

    if (dev) {
        pci_config_write(dev, addr, val, len);
    }
}

void pci_bus_reset(PCIBus *bus)
{
    for (int i = 0; i < PCI_DEVFN_MAX; i++) {
        if (bus->devices[i]) {
            pci_device_reset(bus->devices[i]);
        }
    }
    memset(bus->irq_count, 0, sizeof(bus->irq_count));
}

/* ---- configuration mechanism #1 ------------------------------------- */

/*
 * CONFIG_ADDRESS: only a 32-bit write at 0xcf8 loads it (narrower writes
 * go to other chipset registers); a read returns it.
 */
static uint64_t pci_host_addr_read(void *opaque, uint64_t addr,
                                   unsigned size)
{
    PCIHost *h = opaque;

    return addr == 0 ? h->config_addr : 0;
}

static void pci_host_addr_write(void *opaque, uint64_t addr, uint64_t val,
                                unsigned size)
{
    PCIHost *h = opaque;

    if (addr == 0 && size == 4) {
        h->config_addr = (uint32_t)val;
    }
}

/*
 * CONFIG_DATA: enable bit 31, bus 23:16, devfn 15:8, register 7:0 plus
 * the port's byte offset (QEMU ORs them: CONFIG_ADDRESS bits 1:0 are not
 * masked).  Only bus 0 exists: other buses read all-ones.
 */
static bool pci_host_decode(PCIHost *h, uint64_t port, uint8_t *devfn,
                            uint32_t *reg)
{
    uint32_t ca = h->config_addr;

    if (!(ca & 0x80000000u) || ((ca >> 16) & 0xff) != h->bus->bus_num) {
        return false;
    }
    *devfn = (uint8_t)(ca >> 8);
    *reg = (ca & 0xff) | (uint32_t)(port & 3);
    return true;
}

static uint64_t pci_host_data_read(void *opaque, uint64_t addr,
                                   unsigned size)
{
    PCIHost *h = opaque;
    uint8_t devfn;
    uint32_t reg;

    if (!pci_host_decode(h, addr, &devfn, &reg)) {
        return size >= 4 ? UINT32_MAX : (1u << (size * 8)) - 1;
    }
    return pci_bus_config_read(h->bus, devfn, reg, size);
}

static void pci_host_data_write(void *opaque, uint64_t addr, uint64_t val,
                                unsigned size)
{
    PCIHost *h = opaque;
    uint8_t devfn;
    uint32_t reg;

    if (pci_host_decode(h, addr, &devfn, &reg)) {
        pci_bus_config_write(h->bus, devfn, reg, (uint32_t)val, size);
    }
}

static const MemoryRegionOps pci_host_addr_ops = {
    .read = pci_host_addr_read,
    .write = pci_host_addr_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static const MemoryRegionOps pci_host_data_ops = {
    .read = pci_host_data_read,
    .write = pci_host_data_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- ECAM ------------------------------------------------------------- */

/* PCIe 3.0 §7.2.2: bus 27:20, device 19:15, function 14:12, reg 11:0. */
static uint64_t pci_host_mmcfg_read(void *opaque, uint64_t addr,
                                    unsigned size)
{
    PCIHost *h = opaque;

    if (((addr >> 20) & 0xff) != h->bus->bus_num) {
        return size >= 4 ? UINT32_MAX : (1u << (size * 8)) - 1;
    }
    return pci_bus_config_read(h->bus, (uint8_t)(addr >> 12),
                               (uint32_t)(addr & 0xfff), size);
}

static void pci_host_mmcfg_write(void *opaque, uint64_t addr, uint64_t val,
                                 unsigned size)
{
    PCIHost *h = opaque;

    if (((addr >> 20) & 0xff) == h->bus->bus_num) {
        pci_bus_config_write(h->bus, (uint8_t)(addr >> 12),
                             (uint32_t)(addr & 0xfff), (uint32_t)val, size);
    }
}

static const MemoryRegionOps pci_host_mmcfg_ops = {
    .read = pci_host_mmcfg_read,
    .write = pci_host_mmcfg_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

void pci_host_init(PCIHost *h, PCIBus *bus, MemoryRegion *io,
                   MemoryRegion *mem)
{
    memset(h, 0, sizeof(*h));
    h->bus = bus;
    h->mmcfg_parent = mem;
    memory_region_init_io(&h->conf_addr_mr, &pci_host_addr_ops, h,
                          "pci-conf-idx", 4);
    memory_region_init_io(&h->conf_data_mr, &pci_host_data_ops, h,
                          "pci-conf-data", 4);
    memory_region_init_io(&h->mmcfg_mr, &pci_host_mmcfg_ops, h,
                          "pcie-mmcfg-mmio", 256u << 20);
    memory_region_add_subregion(io, 0xcf8, &h->conf_addr_mr);
    memory_region_add_subregion(io, 0xcfc, &h->conf_data_mr);
}

void pci_host_mmcfg_update(PCIHost *h, bool enable, uint64_t base,
                           uint64_t size)
{
    if (h->mmcfg_mapped) {
        memory_region_del_subregion(h->mmcfg_parent, &h->mmcfg_mr);
        h->mmcfg_mapped = false;
    }
    if (!enable || !size) {
        return;
    }
    memory_region_set_size(&h->mmcfg_mr, size);
    memory_region_add_subregion(h->mmcfg_parent, base, &h->mmcfg_mr);
    h->mmcfg_mapped = true;
}

void pci_host_destroy(PCIHost *h)
{
    pci_host_mmcfg_update(h, false, 0, 0);
    memory_region_destroy(&h->conf_addr_mr);
    memory_region_destroy(&h->conf_data_mr);
    memory_region_destroy(&h->mmcfg_mr);
}
