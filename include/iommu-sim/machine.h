/*
 * The q35-like machine: what the harness builds from the command line.
 *
 * Memory map (as QEMU's q35 with the same -m): RAM from 0 (split at
 * 2 GiB with the rest above 4 GiB when -m >= 0xb0000000), the -bios image
 * as ROM ending at 4 GiB, the MSI range at 0xFEE00000, PCI config
 * mechanism #1 at I/O 0xcf8/0xcfc, MMCONFIG where PCIEXBAR puts it
 * (0xb0000000 once firmware enables it), unassigned I/O reading as ones.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_MACHINE_H
#define IOMMU_SIM_MACHINE_H

#include <glib.h>

#include "iommu-sim/clock.h"
#include "iommu-sim/memory.h"
#include "iommu-sim/msi.h"

typedef struct Machine Machine;
typedef struct Device Device;

typedef struct MachineOptions {
    const char *type;       /* "q35" (NULL means q35) */
    uint64_t ram_size;      /* bytes; 0 means 512 MiB */
    const char *bios_path;  /* NULL: no ROM image */
} MachineOptions;

/* Line-level interrupt observer: irq_intercept_in on "ioapic". */
typedef void (*MachineIrqListener)(void *opaque, int gsi, int level);

Machine *machine_new(const MachineOptions *opts, GError **errp);
/*
 * Add a device from a -device argument: "name[,prop=value...]".
 * Unknown names and properties fail with a message naming what is accepted.
 */
Device *machine_add_device(Machine *m, const char *spec, GError **errp);
/* After all devices are added: assign BARs' slots, build ACPI tables. */
bool machine_realize(Machine *m, GError **errp);
void machine_reset(Machine *m);
void machine_free(Machine *m);

AddressSpace *machine_memory_as(Machine *m);  /* the CPU's view */
AddressSpace *machine_io_as(Machine *m);      /* port I/O */
VirtualClock *machine_clock(Machine *m);
MsiSink *machine_msi_sink(Machine *m);
GuestRAM *machine_ram(Machine *m);

/*
 * The address space a DMA request from requester id sid goes through:
 * an IOMMU's per-requester space when one owns it, else system memory.
 */
AddressSpace *machine_dma_as(Machine *m, uint16_t sid);

/* Named interrupt controllers that irq_intercept_in accepts. */
bool machine_irq_intercept(Machine *m, const char *path,
                           MachineIrqListener fn, void *opaque);
/* set_irq_in: drive an input line of a named controller. */
bool machine_set_irq_in(Machine *m, const char *path, const char *name,
                        int num, int level);

/* Statistics text for the `stats` verb: "name=value ..." or NULL. */
char *machine_stats(Machine *m, const char *which);

/* ACPI tables the machine provides, for -dump-acpi. */
typedef struct AcpiTableBlob {
    char signature[5];
    GByteArray *data;
} AcpiTableBlob;
GPtrArray *machine_acpi_tables(Machine *m); /* of AcpiTableBlob*, owned by m */

/* Device names -device accepts, for error messages and -device help. */
const char *const *machine_device_names(void);

/*
 * What device models (the IOMMUs) reach the machine through.  All are
 * owned by the machine.
 */
struct PCIBus;
/* The CPU view's root container: map MMIO here (VT-d at 0xfed90000). */
MemoryRegion *machine_system_memory(Machine *m);
/* The I/O port container (64 KiB). */
MemoryRegion *machine_io_space(Machine *m);
/*
 * Untranslated DMA view: system memory with the MSI sink at 0xFEE00000.
 * machine_dma_as() returns it when no IOMMU claimed the bus; an IOMMU
 * uses it as the target of its translations.
 */
AddressSpace *machine_dma_root_as(Machine *m);
/* PCI bus 0; an IOMMU claims DMA with pci_bus_set_iommu() on it. */
struct PCIBus *machine_pci_bus(Machine *m);
/* RAM layout chosen from -m (QEMU q35: split at 2 GiB when >= 0xb0000000). */
uint64_t machine_ram_below_4g(Machine *m);
uint64_t machine_ram_above_4g(Machine *m);
/* The devices added with -device, in order (chipset functions excluded). */
unsigned machine_device_count(Machine *m);
Device *machine_device(Machine *m, unsigned index);
/*
 * Add an ACPI table for -dump-acpi (and later firmware): the machine
 * takes data; a table with the same signature is replaced.
 */
void machine_add_acpi_table(Machine *m, const char *signature,
                            GByteArray *data);
/* Drive / read an IOAPIC input (GSI 0..23); listeners see changes. */
void machine_set_gsi(Machine *m, int gsi, int level);
int machine_gsi_level(Machine *m, int gsi);
#define MACHINE_NUM_GSI 24

#endif
