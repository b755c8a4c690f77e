/*
 * PCI: bus 0 of the q35 machine, functions with a config space, BARs,
 * bus mastering, INTx and the MSI capability.
 *
 * A PCIDevice embeds Device first and is embedded first in a function's
 * state.  Its config space carries per-byte masks as QEMU's does:
 * wmask (bits a config write stores) and w1cmask (bits a write of 1
 * clears).  As in QEMU, bytes 0x40..0xff start writable and a capability
 * added with pci_add_capability() becomes read-only except what its
 * helper opens (MSI: enable, multiple message enable, address, data).
 *
 * DMA goes through pci_dma_read/write: with Bus Master Enable clear the
 * request is dropped the way QEMU's disabled bus-master alias drops it
 * (reads return zeros, writes vanish, MEMTX_DECODE_ERROR); otherwise it
 * goes to the device's DMA address space - the IOMMU's per-requester
 * space when one is registered with pci_bus_set_iommu(), else the bus's
 * default (system memory plus the MSI sink) - with requester id
 * bus << 8 | devfn.
 *
 * Register offsets below are the PCI Local Bus Specification 3.0 §6.1
 * header (type 0) and §6.8.1 MSI capability layout.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_PCI_H
#define IOMMU_SIM_PCI_H

#include <stddef.h>

#include "iommu-sim/clock.h"
#include "iommu-sim/memory.h"
#include "iommu-sim/qdev.h"

/* Type 0 header (PCI 3.0 §6.1, Figure 6-1). */
#define PCI_VENDOR_ID           0x00
#define PCI_DEVICE_ID           0x02
#define PCI_COMMAND             0x04
#define  PCI_COMMAND_IO         0x0001
#define  PCI_COMMAND_MEMORY     0x0002
#define  PCI_COMMAND_MASTER     0x0004
#define  PCI_COMMAND_SERR       0x0100
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS              0x06
#define  PCI_STATUS_INTERRUPT   0x0008
#define  PCI_STATUS_CAP_LIST    0x0010
#define PCI_REVISION_ID         0x08
#define PCI_CLASS_PROG          0x09
#define PCI_CLASS_DEVICE        0x0a
#define PCI_CACHE_LINE_SIZE     0x0c
#define PCI_HEADER_TYPE         0x0e
#define  PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BASE_ADDRESS_0      0x10
#define  PCI_BASE_ADDRESS_SPACE_IO      0x01
#define  PCI_BASE_ADDRESS_SPACE_MEMORY  0x00
#define  PCI_BASE_ADDRESS_MEM_TYPE_64   0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH  0x08
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID        0x2e
#define PCI_CAPABILITY_LIST     0x34
#define PCI_INTERRUPT_LINE      0x3c
#define PCI_INTERRUPT_PIN       0x3d
#define PCI_CONFIG_HEADER_SIZE  0x40
#define PCI_CONFIG_SPACE_SIZE   0x100
#define PCIE_CONFIG_SPACE_SIZE  0x1000

/* Capability ids (PCI 3.0 Appendix H). */
#define PCI_CAP_ID_MSI          0x05

/* MSI capability (PCI 3.0 §6.8.1). */
#define PCI_MSI_FLAGS           0x02
#define  PCI_MSI_FLAGS_ENABLE   0x0001
#define  PCI_MSI_FLAGS_QMASK    0x000e   /* multiple message capable */
#define  PCI_MSI_FLAGS_QSIZE    0x0070   /* multiple message enable */
#define  PCI_MSI_FLAGS_64BIT    0x0080
#define  PCI_MSI_FLAGS_MASKBIT  0x0100
#define PCI_MSI_ADDRESS_LO      0x04

#define PCI_NUM_BARS            6
#define PCI_BAR_UNMAPPED        UINT64_MAX
#define PCI_DEVFN(slot, fn)     ((((slot) & 0x1f) << 3) | ((fn) & 7))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 7)
#define PCI_NUM_PINS            4   /* INTA..INTD */

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

/* The DMA address space for a requester id, or NULL for the default. */
typedef AddressSpace *(*PCIIOMMUFunc)(void *opaque, uint16_t requester_id);
/* Which interrupt router input (PIRQ) a function's pin (0 = INTA) uses. */
typedef int (*PCIMapIrqFn)(void *opaque, uint8_t devfn, int pin);
/* A router input's level changed (wired-OR of every function on it). */
typedef void (*PCISetIrqFn)(void *opaque, int pirq, int level);

/* Config hooks: override to add side effects, call the defaults inside. */
typedef uint32_t (*PCIConfigReadFn)(PCIDevice *dev, uint32_t addr,
                                    unsigned len);
typedef void (*PCIConfigWriteFn)(PCIDevice *dev, uint32_t addr,
                                 uint32_t val, unsigned len);

typedef struct PCIBar {
    MemoryRegion *region;       /* NULL: BAR not implemented */
    uint64_t size;
    uint8_t type;               /* PCI_BASE_ADDRESS_* low bits */
    uint64_t addr;              /* where mapped, or PCI_BAR_UNMAPPED */
} PCIBar;

struct PCIDevice {
    Device qdev;                /* must be first */
    /* properties (PCI_DEVICE_PROPERTIES) */
    int32_t devfn;              /* "addr": -1 until plugged */
    bool multifunction;         /* "multifunction" */

    PCIBus *bus;
    uint32_t config_size;       /* 256 or 4096 */
    uint8_t config[PCIE_CONFIG_SPACE_SIZE];
    uint8_t wmask[PCIE_CONFIG_SPACE_SIZE];
    uint8_t w1cmask[PCIE_CONFIG_SPACE_SIZE];
    uint8_t cmask[PCIE_CONFIG_SPACE_SIZE]; /* bytes owned by a capability */
    PCIBar bars[PCI_NUM_BARS];
    PCIConfigReadFn config_read;
    PCIConfigWriteFn config_write;
    uint8_t msi_cap;            /* offset of the MSI capability, 0: none */
    int intx_level;             /* what the function drives on its pin */
    bool intx_asserted;         /* what the bus currently sees */
};

/* Properties every PCI function has; put first in its table. */
#define PCI_DEVICE_PROPERTIES                                           \
    { .name = "addr", .type = PROP_PCI_DEVFN,                          \
      .offset = offsetof(PCIDevice, devfn), .defval = "-1",            \
      .description = "slot[.function] on bus 0 (default: first free)" }, \
    { .name = "multifunction", .type = PROP_BOOL,                      \
      .offset = offsetof(PCIDevice, multifunction), .defval = "off",   \
      .description = "set the multi-function bit in the header" }

/* What a function's header says about it. */
typedef struct PCIDeviceInfo {
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint32_t class_code;        /* base << 16 | sub << 8 | prog-if */
    uint16_t subsystem_vendor_id;
    uint16_t subsystem_id;
    uint8_t interrupt_pin;      /* 0 none, 1 INTA .. 4 INTD */
    bool express;               /* 4 KiB config space */
} PCIDeviceInfo;

/* ---- bus -------------------------------------------------------------- */

/*
 * Bus 0: BARs map into mem / io; dma_as is the default DMA view.
 * Nothing is owned except the bus itself.
 */
PCIBus *pci_bus_new(MemoryRegion *mem, MemoryRegion *io,
                    AddressSpace *dma_as);
void pci_bus_free(PCIBus *bus);
/* The clock devices on the bus arm their timers on. */
void pci_bus_set_clock(PCIBus *bus, VirtualClock *clock);
VirtualClock *pci_bus_clock(PCIBus *bus);
uint8_t pci_bus_num(const PCIBus *bus);
PCIDevice *pci_bus_find(PCIBus *bus, uint8_t devfn);
/*
 * Claim a devfn: dev->devfn when >= 0, else the first free slot's
 * function 0 (QEMU's auto-assignment).  Sets up the header defaults.
 * Error as QEMU: "PCI: slot 1 function 0 not available for edu, in use
 * by edu".
 */
bool pci_bus_plug(PCIBus *bus, PCIDevice *dev, GError **errp);
void pci_bus_unplug(PCIBus *bus, PCIDevice *dev);
/* An IOMMU claims the bus's DMA: fn(opaque, rid) gives the space. */
void pci_bus_set_iommu(PCIBus *bus, PCIIOMMUFunc fn, void *opaque);
/* The space a request from rid goes through (IOMMU's or default). */
AddressSpace *pci_bus_dma_as(PCIBus *bus, uint16_t requester_id);
void pci_bus_set_irq_router(PCIBus *bus, PCIMapIrqFn map, PCISetIrqFn set,
                            void *opaque);
/* Config access by devfn; absent functions read all-ones. */
uint32_t pci_bus_config_read(PCIBus *bus, uint8_t devfn, uint32_t addr,
                             unsigned len);
void pci_bus_config_write(PCIBus *bus, uint8_t devfn, uint32_t addr,
                          uint32_t val, unsigned len);
void pci_bus_reset(PCIBus *bus);

/* ---- host bridge: mechanism #1 and MMCONFIG -------------------------- */

typedef struct PCIHost {
    PCIBus *bus;
    uint32_t config_addr;       /* CONFIG_ADDRESS (0xcf8) */
    MemoryRegion conf_addr_mr;  /* I/O 0xcf8, 4 bytes */
    MemoryRegion conf_data_mr;  /* I/O 0xcfc, 4 bytes */
    MemoryRegion mmcfg_mr;      /* ECAM window */
    MemoryRegion *mmcfg_parent;
    bool mmcfg_mapped;
} PCIHost;

/* Map 0xcf8/0xcfc into io; MMCONFIG will go into mem when enabled. */
void pci_host_init(PCIHost *h, PCIBus *bus, MemoryRegion *io,
                   MemoryRegion *mem);
void pci_host_destroy(PCIHost *h);
/* Place (or remove) the ECAM window: size 256, 128 or 64 MiB. */
void pci_host_mmcfg_update(PCIHost *h, bool enable, uint64_t base,
                           uint64_t size);

/* ---- functions -------------------------------------------------------- */

static inline PCIDevice *PCI_DEVICE(Device *dev)
{
    return (PCIDevice *)dev;
}

uint16_t pci_requester_id(const PCIDevice *dev);
void pci_config_set_info(PCIDevice *dev, const PCIDeviceInfo *info);

/* Little-endian config helpers on dev->config (no side effects). */
uint32_t pci_get_long(const uint8_t *p);
uint16_t pci_get_word(const uint8_t *p);
void pci_set_long(uint8_t *p, uint32_t v);
void pci_set_word(uint8_t *p, uint16_t v);

/* The defaults the hooks chain to: masks, BAR remapping, INTx gating. */
uint32_t pci_default_config_read(PCIDevice *dev, uint32_t addr,
                                 unsigned len);
void pci_default_config_write(PCIDevice *dev, uint32_t addr, uint32_t val,
                              unsigned len);
/* What a config cycle does (hooks included); out of range: all-ones. */
uint32_t pci_config_read(PCIDevice *dev, uint32_t addr, unsigned len);
void pci_config_write(PCIDevice *dev, uint32_t addr, uint32_t val,
                      unsigned len);

/*
 * Declare BAR n backed by mr (size a power of two, >= 4 KiB advised for
 * memory).  type: PCI_BASE_ADDRESS_SPACE_IO or _MEMORY, optionally
 * | _MEM_TYPE_64 (uses n and n + 1) | _MEM_PREFETCH.
 */
void pci_register_bar(PCIDevice *dev, int n, uint8_t type,
                      MemoryRegion *mr);
/* Where BAR n is mapped, or PCI_BAR_UNMAPPED. */
uint64_t pci_bar_address(const PCIDevice *dev, int n);
/* Re-evaluate every BAR against the command register (after writes). */
void pci_update_mappings(PCIDevice *dev);

/* Capability list (PCI 3.0 §6.7): returns the offset or 0 on overlap. */
uint8_t pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset,
                           uint8_t size, GError **errp);
uint8_t pci_find_capability(const PCIDevice *dev, uint8_t cap_id);

/* DMA as the function: gated by Bus Master Enable, tagged with its rid. */
AddressSpace *pci_device_dma_as(PCIDevice *dev);
bool pci_bus_master_enabled(const PCIDevice *dev);
MemTxResult pci_dma_rw(PCIDevice *dev, uint64_t addr, void *buf,
                       uint64_t len, bool is_write);
MemTxResult pci_dma_read(PCIDevice *dev, uint64_t addr, void *buf,
                         uint64_t len);
MemTxResult pci_dma_write(PCIDevice *dev, uint64_t addr, const void *buf,
                          uint64_t len);

/* INTx on the function's interrupt pin; gated by Interrupt Disable. */
void pci_set_irq(PCIDevice *dev, int level);

/* Reset the header to its plugged state (command 0, BARs 0, MSI off). */
void pci_device_reset(PCIDevice *dev);

/* ---- MSI (PCI 3.0 §6.8.1) -------------------------------------------- */

/*
 * Add an MSI capability at offset (0: pick 0x40 or the first free
 * space after it): nr_vectors 1..32 (power of two), 64-bit addresses,
 * per-vector masking.  Returns the offset or 0 with errp.
 */
uint8_t msi_init(PCIDevice *dev, uint8_t offset, unsigned nr_vectors,
                 bool msi64bit, bool per_vector_mask, GError **errp);
bool msi_enabled(const PCIDevice *dev);
unsigned msi_nr_vectors_allocated(const PCIDevice *dev);
/* The message vector would send (data | vector within MME). */
void msi_get_message(const PCIDevice *dev, unsigned vector,
                     uint64_t *addr, uint32_t *data);
bool msi_is_masked(const PCIDevice *dev, unsigned vector);
/*
 * Send vector: a DWORD write of the data through the function's DMA
 * address space with its requester id (so an IOMMU and interrupt
 * remapping see it).  Masked vectors set the pending bit instead.
 */
void msi_notify(PCIDevice *dev, unsigned vector);

#endif
