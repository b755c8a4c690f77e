/*
 * The IOMMU translate interface: the one place every IOMMU model and every
 * DMA-capable device meet.
 *
 * A device's DMA address space has an IOMMU region on its path.  For each
 * piece of a transaction the core calls the region's translate hook with
 * the input address, the access type and the request attributes
 * (requester id, PASID, privileged, execute, address type).  The hook
 * returns either a TLB entry - the naturally aligned block
 * [iova & ~addr_mask, iova | addr_mask] maps to translated_addr in
 * target_as with permissions perm - or a fault, plus what the
 * translation cost in the timing model.
 *
 * Consumers that shadow mappings register notifiers (MAP, UNMAP,
 * DEVIOTLB_UNMAP) and can ask for a replay of the current mappings.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_IOMMU_H
#define IOMMU_SIM_IOMMU_H

#include "iommu-sim/memory.h"

typedef enum {
    IOMMU_NONE = 0,
    IOMMU_RO = 1,
    IOMMU_WO = 2,
    IOMMU_RW = 3,
} IOMMUAccessFlags;

typedef struct IOMMUTLBEntry {
    AddressSpace *target_as;
    uint64_t iova;              /* aligned down to addr_mask */
    uint64_t translated_addr;   /* aligned down to addr_mask */
    uint64_t addr_mask;         /* 0xfff for a 4 KiB page */
    IOMMUAccessFlags perm;
} IOMMUTLBEntry;

/* Cache outcomes a translation can report, as bits of IOMMUCost.events. */
enum {
    IOMMU_EV_CONFIG_HIT = 1u << 0,  /* context / device-table cache hit */
    IOMMU_EV_CONFIG_MISS = 1u << 1,
    IOMMU_EV_IOTLB_HIT = 1u << 2,
    IOMMU_EV_IOTLB_MISS = 1u << 3,
    IOMMU_EV_PWC_HIT = 1u << 4,     /* some paging-structure cache hit */
    IOMMU_EV_BYPASS = 1u << 5,      /* pass-through / translation off */
};

/* What a translation cost; filled by the model, summed by the core. */
typedef struct IOMMUCost {
    uint64_t cycles;    /* IOMMU clock cycles */
    uint64_t ns;        /* the same in virtual time */
    uint32_t mem_reads; /* table reads from memory */
    uint32_t events;    /* IOMMU_EV_* bits */
} IOMMUCost;

typedef struct IOMMUTranslation {
    IOMMUTLBEntry entry;        /* valid when !fault */
    bool fault;
    uint32_t fault_code;        /* vendor encoding */
    const char *fault_name;     /* spec name, static string */
    IOMMUCost cost;
} IOMMUTranslation;

typedef enum {
    IOMMU_NOTIFIER_UNMAP = 1u << 0,
    IOMMU_NOTIFIER_MAP = 1u << 1,
    IOMMU_NOTIFIER_DEVIOTLB_UNMAP = 1u << 2,
} IOMMUNotifierFlag;

#define IOMMU_NOTIFIER_IOTLB_EVENTS \
    (IOMMU_NOTIFIER_MAP | IOMMU_NOTIFIER_UNMAP)

typedef struct IOMMUTLBEvent {
    IOMMUNotifierFlag type;     /* exactly one flag */
    IOMMUTLBEntry entry;        /* perm IOMMU_NONE for unmaps */
} IOMMUTLBEvent;

typedef void (*IOMMUNotify)(IOMMUNotifier *n, const IOMMUTLBEvent *event);

struct IOMMUNotifier {
    IOMMUNotify notify;
    unsigned flags;             /* IOMMUNotifierFlag bits */
    uint64_t start;             /* inclusive range of iova of interest */
    uint64_t end;
    void *opaque;
    MemoryRegion *iommu;        /* set while registered */
    IOMMUNotifier *next;
};

struct IOMMUMemoryRegionOps {
    /*
     * Translate one access.  access is IOMMU_RO for a read, IOMMU_WO for
     * a write, IOMMU_NONE for a lookup that must not record faults
     * (replay, harness queries).  *out is zeroed by the caller.
     */
    void (*translate)(MemoryRegion *iommu, uint64_t iova,
                      IOMMUAccessFlags access, MemTxAttrs attrs,
                      IOMMUTranslation *out);
    /* Optional: the union of notifier flags changed. */
    void (*notify_flag_changed)(MemoryRegion *iommu, unsigned old_flags,
                                unsigned new_flags);
    /*
     * Optional: send MAP events for every present mapping in n's range.
     * Without it the core walks n's range in min_page_size steps calling
     * translate with IOMMU_NONE.
     */
    void (*replay)(MemoryRegion *iommu, IOMMUNotifier *n);
    /* Optional: smallest page the IOMMU maps; 4 KiB when NULL. */
    uint64_t (*min_page_size)(MemoryRegion *iommu);
};

void iommu_notifier_init(IOMMUNotifier *n, IOMMUNotify fn, unsigned flags,
                         uint64_t start, uint64_t end, void *opaque);

/* Calls the translate hook with a zeroed *out. */
void memory_region_iommu_translate(MemoryRegion *iommu, uint64_t iova,
                                   IOMMUAccessFlags access, MemTxAttrs attrs,
                                   IOMMUTranslation *out);

void memory_region_register_iommu_notifier(MemoryRegion *iommu,
                                           IOMMUNotifier *n);
void memory_region_unregister_iommu_notifier(MemoryRegion *iommu,
                                             IOMMUNotifier *n);
/* Deliver event to every registered notifier whose flags and range match. */
void memory_region_notify_iommu(MemoryRegion *iommu,
                                const IOMMUTLBEvent *event);
/* Deliver event to one notifier if its flags and range match. */
void memory_region_notify_iommu_one(IOMMUNotifier *n,
                                    const IOMMUTLBEvent *event);
void memory_region_iommu_replay(MemoryRegion *iommu, IOMMUNotifier *n);
/* Iterate registered notifiers; NULL starts. */
IOMMUNotifier *memory_region_iommu_next_notifier(MemoryRegion *iommu,
                                                 IOMMUNotifier *prev);


/*
 * Per-requester DMA address spaces behind an IOMMU, the shape both
 * vendor models give a requester: a container over 2^64 holding the
 * IOMMU region at 0 and, above it (priority 1), an alias of the MSI
 * window at MSI_ADDR_BASE, because requests to 0xFEEx_xxxx are
 * interrupts and never translated (VT-d 3.15, AMD IOMMU 2.2.5).
 *
 * A model's per-requester state begins with an IOMMURequesterSpace
 * (first member); the set allocates space_size bytes per requester and
 * passes that block as the IOMMU region's opaque, so the translate hook
 * reads the model's own structure from iommu->iommu_opaque.
 */
typedef struct MsiSink MsiSink;

typedef struct IOMMURequesterSpace {
    MemoryRegion root;          /* container: IOMMU region + MSI window */
    MemoryRegion iommu;
    MemoryRegion intr;          /* MSI window: MR_ALIAS of the sink, or
                                 * MR_IOMMU with the vendor's intr_ops */
    AddressSpace as;
} IOMMURequesterSpace;

typedef struct IOMMURequesterSpaces IOMMURequesterSpaces;

/*
 * prefix names the regions ("vtd" -> "vtd-00:02.0", "vtd-intr"); msi
 * NULL leaves out the interrupt window.  space_size >=
 * sizeof(IOMMURequesterSpace).
 */
IOMMURequesterSpaces *iommu_requester_spaces_new(
    const char *prefix, const IOMMUMemoryRegionOps *ops, MsiSink *msi,
    size_t space_size);
/*
 * Optional, before the first space is built: make each requester's
 * interrupt window an IOMMU region with these ops (opaque: the space, as
 * for the main region; iova: the offset into the window) instead of a
 * plain alias of the MSI sink, for a vendor whose rule depends on the
 * request (VT-d 5.10 §3.15: only DWORD writes without PASID are
 * interrupts; reads are blocked as faults).  Without it (AMD-Vi) every
 * access to the window goes to the sink.
 */
void iommu_requester_spaces_set_intr_ops(IOMMURequesterSpaces *set,
                                         const IOMMUMemoryRegionOps *ops);
/* Destroys every space and the set; NULL is a no-op. */
void iommu_requester_spaces_free(IOMMURequesterSpaces *set);
/*
 * The space of a requester, built on first use (*created, if not NULL,
 * says so: the caller fills its own fields then).  Zero-filled beyond
 * the IOMMURequesterSpace.
 */
IOMMURequesterSpace *iommu_requester_space_get(IOMMURequesterSpaces *set,
                                               uint16_t requester_id,
                                               bool *created);
/* The space if it exists, else NULL (set may be NULL). */
IOMMURequesterSpace *iommu_requester_space_lookup(IOMMURequesterSpaces *set,
                                                  uint16_t requester_id);
/* fn for every space, in no particular order; set may be NULL. */
void iommu_requester_spaces_foreach(IOMMURequesterSpaces *set,
                                    void (*fn)(IOMMURequesterSpace *rs,
                                               void *opaque),
                                    void *opaque);

#endif
