/*
 * A bus 0 with its host bridge, system memory (RAM at 0, MSI sink at
 * 0xfee00000 in the DMA view) and I/O space, for the hw/pci tests.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_PCI_TESTS_PCI_TEST_UTIL_H
#define HW_PCI_TESTS_PCI_TEST_UTIL_H

#include <string.h>

#include "iommu-sim/msi.h"
#include "iommu-sim/pci.h"

typedef struct PciFixture {
    VirtualClock *clock;
    MsiSink *msi;
    GuestRAM *ram;
    MemoryRegion sysmem, ram_mr, io, dma_root, dma_alias;
    AddressSpace mem_as, io_as, dma_as;
    PCIBus *bus;
    PCIHost host;
    int pirq_level[16];
    int pirq_calls;
} PciFixture;

static inline void pci_fixture_set_pirq(void *opaque, int pirq, int level)
{
    PciFixture *f = opaque;

    f->pirq_level[pirq] = level;
    f->pirq_calls++;
}

/* Same rotation as q35 for slots below 0x19. */
static inline int pci_fixture_map_irq(void *opaque, uint8_t devfn, int pin)
{
    return 4 + (int)((PCI_SLOT(devfn) + (unsigned)pin) & 3);
}

static inline PciFixture *pci_fixture_new(void)
{
    PciFixture *f = g_new0(PciFixture, 1);

    f->clock = vclock_new();
    f->msi = msi_sink_new(f->clock);
    f->ram = guest_ram_new(64u << 20);
    memory_region_init_container(&f->sysmem, "sys", MEMORY_REGION_SIZE_2_64);
    memory_region_init_ram(&f->ram_mr, f->ram, 0, "ram", 64u << 20);
    memory_region_add_subregion(&f->sysmem, 0, &f->ram_mr);
    memory_region_init_container(&f->io, "io", 0x10000);
    memory_region_init_container(&f->dma_root, "dma",
                                 MEMORY_REGION_SIZE_2_64);
    memory_region_init_alias(&f->dma_alias, "dma-sys", &f->sysmem, 0,
                             MEMORY_REGION_SIZE_2_64);
    memory_region_add_subregion(&f->dma_root, 0, &f->dma_alias);
    memory_region_add_subregion_overlap(&f->dma_root, MSI_ADDR_BASE,
                                        msi_sink_region(f->msi), 1);
    address_space_init(&f->mem_as, &f->sysmem, "mem");
    address_space_init(&f->io_as, &f->io, "io");
    address_space_init(&f->dma_as, &f->dma_root, "dma");
    f->bus = pci_bus_new(&f->sysmem, &f->io, &f->dma_as);
    pci_bus_set_clock(f->bus, f->clock);
    pci_bus_set_irq_router(f->bus, pci_fixture_map_irq, pci_fixture_set_pirq,
                           f);
    pci_host_init(&f->host, f->bus, &f->io, &f->sysmem);
    return f;
}

static inline void pci_fixture_free(PciFixture *f)
{
    for (int devfn = 0; devfn < 256; devfn++) {
        PCIDevice *d = pci_bus_find(f->bus, (uint8_t)devfn);

        if (d) {
            pci_bus_unplug(f->bus, d);
            g_free(d);
        }
    }
    pci_host_destroy(&f->host);
    pci_bus_free(f->bus);
    address_space_destroy(&f->mem_as);
    address_space_destroy(&f->io_as);
    address_space_destroy(&f->dma_as);
    memory_region_del_subregion(&f->dma_root, msi_sink_region(f->msi));
    msi_sink_free(f->msi);
    memory_region_destroy(&f->dma_alias);
    memory_region_destroy(&f->dma_root);
    memory_region_destroy(&f->ram_mr);
    memory_region_destroy(&f->io);
    memory_region_destroy(&f->sysmem);
    guest_ram_free(f->ram);
    vclock_free(f->clock);
    g_free(f);
}

static const DeviceClass pci_test_class = {
    .name = "test-fn",
    .instance_size = sizeof(PCIDevice),
    .is_pci = true,
};

/* A bare function plugged at devfn (-1: auto) with ids 0x1234:0xbeef. */
static inline PCIDevice *pci_fixture_add(PciFixture *f, int devfn)
{
    PCIDevice *d = g_new0(PCIDevice, 1);
    static const PCIDeviceInfo info = {
        .vendor_id = 0x1234, .device_id = 0xbeef, .revision = 1,
        .class_code = 0x00ff00, .interrupt_pin = 1,
    };

    d->qdev.klass = &pci_test_class;
    d->devfn = devfn;
    if (!pci_bus_plug(f->bus, d, NULL)) {
        g_free(d);
        return NULL;
    }
    pci_config_set_info(d, &info);
    return d;
}

static inline void pci_fixture_remove(PciFixture *f, PCIDevice *d)
{
    pci_bus_unplug(f->bus, d);
    g_free(d);
}

/* Port I/O as the CPU does it. */
static inline uint32_t pci_in(PciFixture *f, uint16_t port, unsigned size)
{
    uint64_t v = 0;

    address_space_ld_le(&f->io_as, port, size, &v, MEMTXATTRS_UNSPECIFIED);
    return (uint32_t)v;
}

static inline void pci_out(PciFixture *f, uint16_t port, unsigned size,
                           uint32_t v)
{
    address_space_st_le(&f->io_as, port, size, v, MEMTXATTRS_UNSPECIFIED);
}

/* Mechanism #1 dword read / write of devfn's register reg. */
static inline uint32_t pci_cfg_readl(PciFixture *f, int devfn, int reg)
{
    pci_out(f, 0xcf8, 4, 0x80000000u | (uint32_t)devfn << 8 |
            (uint32_t)reg);
    return pci_in(f, 0xcfc, 4);
}

static inline void pci_cfg_writel(PciFixture *f, int devfn, int reg,
                                  uint32_t v)
{
    pci_out(f, 0xcf8, 4, 0x80000000u | (uint32_t)devfn << 8 |
            (uint32_t)reg);
    pci_out(f, 0xcfc, 4, v);
}

static inline uint32_t pci_mem_readl(PciFixture *f, uint64_t addr)
{
    uint64_t v = 0;

    address_space_ld_le(&f->mem_as, addr, 4, &v, MEMTXATTRS_UNSPECIFIED);
    return (uint32_t)v;
}

#endif
