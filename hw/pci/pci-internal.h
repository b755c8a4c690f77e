/*
 * hw/pci private: the bus structure and helpers shared by pci.c,
 * pci-bus.c and pci-msi.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_PCI_PCI_INTERNAL_H
#define HW_PCI_PCI_INTERNAL_H

#include "iommu-sim/pci.h"

#define PCI_DEVFN_MAX       256
#define PCI_BUS_MAX_IRQS    16

struct PCIBus {
    uint8_t bus_num;
    PCIDevice *devices[PCI_DEVFN_MAX];
    MemoryRegion *mem;          /* BARs of memory type map here */
    MemoryRegion *io;           /* I/O BARs map here */
    AddressSpace *dma_as;       /* default DMA view */
    VirtualClock *clock;
    PCIIOMMUFunc iommu_fn;
    void *iommu_opaque;
    PCIMapIrqFn map_irq;
    PCISetIrqFn set_irq;
    void *irq_opaque;
    int irq_count[PCI_BUS_MAX_IRQS];
};

/* Header defaults and masks when a function is plugged (pci.c). */
void pci_device_init_config(PCIDevice *dev);
void pci_device_unmap_bars(PCIDevice *dev);
/* A function's INTx assertion changed by +1 / -1 (pci-bus.c). */
void pci_bus_irq_change(PCIBus *bus, PCIDevice *dev, int change);
/* MSI side effects of a config write (pci-msi.c). */
void msi_config_write(PCIDevice *dev, uint32_t addr, unsigned len);

#endif
