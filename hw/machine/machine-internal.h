/*
 * hw/machine private: the q35 machine's state, shared by machine.c,
 * q35-chipset.c and qdev-table.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_MACHINE_MACHINE_INTERNAL_H
#define HW_MACHINE_MACHINE_INTERNAL_H

#include "iommu-sim/machine.h"
#include "iommu-sim/pci.h"
#include "iommu-sim/qdev.h"

/* QEMU q35 (hw/i386/pc_q35.c): above this much RAM, low RAM stops at 2G. */
#define Q35_LOWMEM_SPLIT        0xb0000000ull
#define Q35_LOWMEM_LARGE        0x80000000ull
#define Q35_ABOVE_4G_BASE       0x100000000ull
#define Q35_ISA_BIOS_END        0x100000ull
#define Q35_ISA_BIOS_MAX        (128u * 1024u)
#define Q35_MMCONFIG_DEFAULT    0xb0000000ull
/* ICH9 PIRQA..H drive IOAPIC inputs 16..23 (ICH9 datasheet §5.8). */
#define Q35_PIRQ_GSI_BASE       16
#define Q35_NUM_PIRQS           8

struct Machine {
    uint64_t ram_size, below_4g, above_4g;
    GuestRAM *ram;
    VirtualClock *clock;
    MsiSink *msi;

    MemoryRegion sysmem;        /* CPU view root */
    MemoryRegion ram_low, ram_high;
    MemoryRegion bios, isa_bios;
    bool have_bios;
    MemoryRegion pci_mem;       /* BARs, below RAM in priority */
    MemoryRegion lapic;         /* 0xfee00000 as the CPU sees it */
    MemoryRegion io;            /* port I/O root */
    MemoryRegion io_unassigned; /* reads all-ones */
    MemoryRegion dma_root;      /* devices' untranslated view */
    MemoryRegion dma_sysmem;    /* alias of sysmem inside dma_root */
    AddressSpace mem_as, io_as, dma_as;

    PCIBus *bus;
    PCIHost host;
    GPtrArray *chipset;         /* Device *: MCH, LPC, AHCI, SMBus */
    GPtrArray *devices;         /* Device *: -device, in order */
    GPtrArray *acpi_tables;     /* AcpiTableBlob * */

    int gsi_level[MACHINE_NUM_GSI];
    MachineIrqListener irq_fn;
    void *irq_opaque;
    bool realized;
};

/* The chipset functions QEMU's "-machine q35 -nodefaults" has. */
bool q35_chipset_create(Machine *m, GError **errp);
/* IRQ router callbacks installed on bus 0. */
int q35_map_irq(void *opaque, uint8_t devfn, int pin);
void q35_set_pirq(void *opaque, int pirq, int level);

/* Plug a PCI function (when is_pci) and realize a device. */
bool machine_realize_device(Machine *m, Device *dev, GError **errp);
void machine_destroy_device(Machine *m, Device *dev);

#endif
