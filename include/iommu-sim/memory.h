/*
 * Memory regions, address spaces and sparse guest RAM.
 *
 * The shape follows the QEMU memory API that device and IOMMU authors
 * already know: a tree of regions (containers, RAM, ROM, MMIO, aliases,
 * IOMMU regions) rooted in an address space.  Accesses walk the tree,
 * picking the enabled subregion with the highest priority (the most
 * recently added one among equals), and an IOMMU region on the path
 * translates the address and continues in the target address space.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_MEMORY_H
#define IOMMU_SIM_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;
typedef struct GuestRAM GuestRAM;
typedef struct IOMMUMemoryRegionOps IOMMUMemoryRegionOps;
typedef struct IOMMUNotifier IOMMUNotifier;

/* Result of a memory transaction: a bit set, MEMTX_OK when empty. */
typedef uint32_t MemTxResult;
#define MEMTX_OK            0u
#define MEMTX_ERROR         (1u << 0) /* the target signalled an error */
#define MEMTX_DECODE_ERROR  (1u << 1) /* nothing decodes the address */
#define MEMTX_ACCESS_DENIED (1u << 2) /* an IOMMU refused the request */

/* PCIe address type (AT field) of a request. */
typedef enum {
    ADDR_TYPE_UNTRANSLATED = 0,
    ADDR_TYPE_TRANSLATION_REQUEST = 1,
    ADDR_TYPE_TRANSLATED = 2,
} AddrType;

/*
 * Who issues a transaction and how: what an IOMMU sees beside the address.
 * Laid out in 16 bytes so it travels in two registers on every translate.
 */
typedef struct MemTxAttrs {
    bool unspecified;       /* CPU or harness access: no requester id */
    bool has_pasid;
    bool priv;              /* privileged (supervisor) request */
    bool exec;              /* execute request */
    uint8_t addr_type;      /* AddrType */
    /*
     * A zero-length request (PCIe: one DWORD, no byte enables; VT-d 5.10
     * §3.14 calls the read form a flush).  Set by address_space_rw for
     * len 0: no bytes move, but an IOMMU on the path still translates it
     * once, so the hook can apply its zero-length rules (VT-d CAP.ZLR).
     */
    bool zero_length;
    uint16_t requester_id;  /* PCI bus/device/function of the initiator */
    uint32_t pasid;
    /*
     * Bytes of the request an IOMMU translates (PCIe's Length field): the
     * memory core sets it to the part of the access within the 4 KiB page
     * it is translating (a PCIe request never crosses one).  0 with
     * zero_length, and from callers that translate without an access
     * (a hook must then not rely on it).
     */
    uint32_t len;
} MemTxAttrs;

_Static_assert(sizeof(MemTxAttrs) == 16, "MemTxAttrs: two registers");

#define MEMTXATTRS_UNSPECIFIED ((MemTxAttrs){ .unspecified = true })

/* Requester-id attributes for a device DMA request. */
static inline MemTxAttrs memtxattrs_for_requester(uint16_t rid)
{
    return (MemTxAttrs){ .requester_id = rid };
}

/*
 * MMIO callbacks.  Either the plain or the *_with_attrs pair is set.
 * valid: the access sizes the bus accepts; an access outside them, or a
 * misaligned one without valid.unaligned, reads 0 and is dropped,
 * returning MEMTX_DECODE_ERROR.  As in QEMU, valid.max_access_size 0
 * accepts every size on a direct dispatch, while address_space_rw splits
 * into pieces of at most 4 bytes then.  impl: the sizes the callbacks
 * handle (0 means 1 for min, 4 for max); the core splits wider accesses
 * little-endian and widens narrower ones to a naturally aligned
 * impl.min_access_size access (unless impl.unaligned), shifting the data.
 */
typedef struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
    void (*write)(void *opaque, uint64_t addr, uint64_t data, unsigned size);
    MemTxResult (*read_with_attrs)(void *opaque, uint64_t addr,
                                   uint64_t *data, unsigned size,
                                   MemTxAttrs attrs);
    MemTxResult (*write_with_attrs)(void *opaque, uint64_t addr,
                                    uint64_t data, unsigned size,
                                    MemTxAttrs attrs);
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } valid;
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } impl;
} MemoryRegionOps;

typedef enum {
    MR_CONTAINER,
    MR_RAM,
    MR_ROM,
    MR_IO,
    MR_ALIAS,
    MR_IOMMU,
} MemoryRegionType;

/*
 * A region.  Devices embed it in their state; fields are read by the
 * core only, set through the functions below.
 */
struct MemoryRegion {
    MemoryRegionType type;
    char *name;
    uint64_t size;              /* 0 with size_is_2_64 means 2^64 bytes */
    bool size_is_2_64;

    /* MR_IO */
    const MemoryRegionOps *ops;
    void *opaque;

    /* MR_RAM and MR_ROM: backing store and offset into it */
    GuestRAM *ram;
    uint64_t ram_offset;
    uint8_t *rom_data;          /* MR_ROM owns its bytes */

    /* MR_ALIAS */
    MemoryRegion *alias;
    uint64_t alias_offset;

    /* MR_IOMMU */
    const IOMMUMemoryRegionOps *iommu_ops;
    void *iommu_opaque;
    IOMMUNotifier *notifiers;   /* singly linked through IOMMUNotifier.next */
    unsigned notifier_flags;    /* union of registered notifiers' flags */

    /* topology */
    MemoryRegion *container;
    uint64_t addr;              /* offset within container */
    int priority;
    bool enabled;
    bool may_overlap;
    MemoryRegion **subregions;  /* sorted: first wins */
    unsigned n_subregions;
    unsigned cap_subregions;
};

/* Sparse RAM: untouched pages cost nothing and read as zero. */
GuestRAM *guest_ram_new(uint64_t size);
void guest_ram_free(GuestRAM *ram);
uint64_t guest_ram_size(const GuestRAM *ram);
void guest_ram_read(GuestRAM *ram, uint64_t offset, void *buf, uint64_t len);
void guest_ram_write(GuestRAM *ram, uint64_t offset, const void *buf,
                     uint64_t len);
void guest_ram_fill(GuestRAM *ram, uint64_t offset, uint8_t byte,
                    uint64_t len);
/* Number of 4 KiB pages that have backing memory. */
uint64_t guest_ram_pages_allocated(const GuestRAM *ram);

void memory_region_init_container(MemoryRegion *mr, const char *name,
                                  uint64_t size);
void memory_region_init_io(MemoryRegion *mr, const MemoryRegionOps *ops,
                           void *opaque, const char *name, uint64_t size);
void memory_region_init_ram(MemoryRegion *mr, GuestRAM *ram,
                            uint64_t ram_offset, const char *name,
                            uint64_t size);
/* ROM: a copy of data (zero-padded to size); guest writes are ignored. */
void memory_region_init_rom(MemoryRegion *mr, const char *name,
                            uint64_t size, const void *data, size_t len);
void memory_region_init_alias(MemoryRegion *mr, const char *name,
                              MemoryRegion *orig, uint64_t offset,
                              uint64_t size);
void memory_region_init_iommu(MemoryRegion *mr,
                              const IOMMUMemoryRegionOps *ops, void *opaque,
                              const char *name, uint64_t size);
/* Size argument meaning the whole 64-bit space. */
#define MEMORY_REGION_SIZE_2_64 UINT64_MAX

/* Releases what init allocated; the region must have no container. */
void memory_region_destroy(MemoryRegion *mr);

void memory_region_add_subregion(MemoryRegion *parent, uint64_t offset,
                                 MemoryRegion *sub);
void memory_region_add_subregion_overlap(MemoryRegion *parent,
                                         uint64_t offset, MemoryRegion *sub,
                                         int priority);
void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *sub);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, uint64_t offset);
void memory_region_set_alias_offset(MemoryRegion *mr, uint64_t offset);
void memory_region_set_size(MemoryRegion *mr, uint64_t size);

/* One access of 1, 2, 4 or 8 bytes to a region, little-endian data. */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, uint64_t addr,
                                        uint64_t *data, unsigned size,
                                        MemTxAttrs attrs);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, uint64_t addr,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs);

struct AddressSpace {
    char *name;
    MemoryRegion *root;
};

/*
 * What happened during a transaction, for callers that want detail:
 * how far it got, the fault an IOMMU reported, and what translation cost.
 */
typedef struct MemTxInfo {
    uint64_t done;          /* bytes transferred before stopping */
    bool faulted;
    uint32_t fault_code;    /* vendor encoding (VT-d fault reason, ...) */
    const char *fault_name; /* spec name of the fault, static string */
    uint64_t fault_addr;    /* where the refused piece starts, in the
                               address space of the IOMMU region that
                               refused it (a nested stage: its input) */
    unsigned translations;  /* IOMMU translate calls made */
    uint64_t cost_cycles;   /* summed IOMMUCost.cycles */
    uint64_t cost_ns;       /* summed IOMMUCost.ns */
} MemTxInfo;

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);
void address_space_destroy(AddressSpace *as);

/*
 * Byte-granular access.  RAM is copied; MMIO is split into the widest
 * accesses the region accepts at each alignment (as QEMU does); IOMMU
 * regions translate each piece and the access stops at the first fault,
 * which is reported in *info (may be NULL).  Unassigned bytes read as 0
 * and set MEMTX_DECODE_ERROR.
 *
 * len 0 is a zero-length request (buf may be NULL): attrs.zero_length is
 * set and every IOMMU region on the path is asked once (info->translations
 * counts it); nothing is read or written, MMIO callbacks are not called.
 * The hook's fault flag is the whole verdict there: the core does not
 * hold entry.perm against the access, since no bytes move and VT-d lets a
 * zero-length read complete on a write-only page.  A fault stops it with
 * MEMTX_ACCESS_DENIED; an address nothing decodes gives
 * MEMTX_DECODE_ERROR; otherwise MEMTX_OK.
 */
MemTxResult address_space_rw(AddressSpace *as, uint64_t addr,
                             MemTxAttrs attrs, void *buf, uint64_t len,
                             bool is_write, MemTxInfo *info);
MemTxResult address_space_read(AddressSpace *as, uint64_t addr,
                               MemTxAttrs attrs, void *buf, uint64_t len);
MemTxResult address_space_write(AddressSpace *as, uint64_t addr,
                                MemTxAttrs attrs, const void *buf,
                                uint64_t len);
MemTxResult address_space_set(AddressSpace *as, uint64_t addr,
                              MemTxAttrs attrs, uint8_t byte, uint64_t len);

/* Little-endian loads and stores of 1, 2, 4 or 8 bytes. */
MemTxResult address_space_ld_le(AddressSpace *as, uint64_t addr,
                                unsigned size, uint64_t *val,
                                MemTxAttrs attrs);
MemTxResult address_space_st_le(AddressSpace *as, uint64_t addr,
                                unsigned size, uint64_t val,
                                MemTxAttrs attrs);

#endif
