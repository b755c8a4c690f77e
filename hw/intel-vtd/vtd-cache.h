/*
 * VT-d translation caches with real geometry (VT-d 5.10 ch. 6).
 *
 * The caches the spec names for legacy mode, each a set-associative
 * hw/timing TimingCache sized by properties:
 *
 *   context cache (§6.2.2)   tag: source id          value: VTDContextCacheEntry
 *   IOTLB (§6.2.4)           tag: DID, page number at that page size,
 *                            page-size class (4K/2M/1G)   value: VTDIotlbEntry
 *   paging-structure caches (§6.2.5.1), one per non-leaf level:
 *     PDE (level 2), PDPE (3), PML4E (4), PML5E (5)
 *                            tag: DID, the input-address bits above that
 *                            level's entry, level       value: VTDPscEntry
 *   interrupt entry cache (§6.4)  tag: IRTE index      value: VTDIecEntry
 *                            (for the interrupt-remapping code to fill; the
 *                            invalidation side is complete today)
 *
 * Caching mode (§6.1).  With CAP.CM=0 hardware never caches not-present
 * or erroneous entries, so the insert functions refuse anything that
 * records a fault; with CAP.CM=1 they accept such "negative" entries and
 * later lookups return them until software invalidates.  The model sets
 * the mode with vtd_caches_set_caching_mode() from CAP.CM; the translate
 * path does not need to check it.
 *
 * Nothing here reads guest memory or registers: the walker asks, fills,
 * and the invalidation code (vtd-inv.c) drops entries by tag.
 *
 * Properties (docs/vtd.md "Caches and invalidation"): for each cache C in
 * cc, iotlb, pde-cache, pdpe-cache, pml4e-cache, pml5e-cache, iec:
 *   C-entries      total entries (> 0)
 *   C-ways         entries per set, divides C-entries (= entries: fully
 *                  associative, 1: direct mapped)
 *   C-replacement  lru | plru | fifo | random  (plru needs 2^n ways)
 * vtd_cache_config_set() parses one of them; vtd_cache_prop_names()
 * lists them for "accepted:" messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_INTEL_VTD_VTD_CACHE_H
#define HW_INTEL_VTD_VTD_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "iommu-sim/iommu.h"
#include "iommu-sim/timing-cache.h"

/* Non-leaf second-stage levels a paging-structure cache exists for. */
typedef enum {
    VTD_PSC_PDE = 0,    /* SL-PDE referencing a page table, level 2 */
    VTD_PSC_PDPE,       /* SL-PDPE, level 3 */
    VTD_PSC_PML4E,      /* SL-PML4E, level 4 */
    VTD_PSC_PML5E,      /* SL-PML5E, level 5 */
    VTD_PSC_COUNT,
} VTDPscKind;

/* Walk level (2..5, §9.8 numbering: 1 is the PTE) of a PSC kind. */
#define VTD_PSC_LEVEL(kind) ((unsigned)(kind) + 2)

/* "<cache>-entries/-ways/-replacement", parsed by hw/timing. */
typedef TimingCacheGeometry VTDCacheGeometry;

/*
 * Embedded in VTDState; the property table points into it.  Defaults
 * (vtd_cache_config_default) are in the range published measurements
 * report for Xeon-class IOMMUs (pcie-bench, Neugebauer et al., SIGCOMM
 * 2018: a 64-entry IOTLB); Intel publishes no geometry, so the
 * associativity is our choice and documented in docs/vtd.md.
 */
typedef struct VTDCacheConfig {
    VTDCacheGeometry cc;                /* default 32 entries, fully assoc, LRU */
    VTDCacheGeometry iotlb;             /* default 64 entries, 8 ways, PLRU */
    VTDCacheGeometry psc[VTD_PSC_COUNT];/* PDE 32/4, PDPE 16/4, PML4E 8/8,
                                           PML5E 4/4, PLRU */
    VTDCacheGeometry iec;               /* default 64 entries, 8 ways, PLRU */
} VTDCacheConfig;

/* Cached context entry (§6.2.2): the entry as read plus what is decoded. */
typedef struct VTDContextCacheEntry {
    uint64_t ce[2];     /* little-endian words of the legacy context entry */
    uint16_t did;       /* ce's DID, the tag the IOTLB/PSCs use */
    uint8_t fault;      /* 0, or the VTDFaultReason cached under CM=1 */
    uint8_t pad[5];
} VTDContextCacheEntry;

/* Cached leaf translation (§6.2.4). */
typedef struct VTDIotlbEntry {
    uint64_t pte;           /* leaf SL entry as read (SNP, TM, ...) */
    uint64_t page_addr;     /* output address, aligned to the page */
    uint16_t sid;           /* requester that filled it (informational) */
    uint8_t page_shift;     /* 12, 21 or 30 */
    uint8_t perm;           /* IOMMUAccessFlags, cumulative over the walk */
    uint8_t fault;          /* 0, or a VTDFaultReason cached under CM=1 */
    uint8_t pad[3];
} VTDIotlbEntry;

/* Cached non-leaf entry (§6.2.5.1). */
typedef struct VTDPscEntry {
    uint64_t entry;         /* the SL-PxE as read: next table address */
    uint8_t perm;           /* IOMMUAccessFlags accumulated down to it */
    uint8_t level;          /* 2..5, filled by lookup */
    uint8_t pad[6];
} VTDPscEntry;

/* Cached interrupt remapping table entry (§6.4). */
typedef struct VTDIecEntry {
    uint64_t irte[2];
} VTDIecEntry;

/* Counters the caches do not keep themselves. */
typedef struct VTDCacheCounters {
    uint64_t iotlb_hits_by_size[3];     /* 4K, 2M, 1G */
    uint64_t psc_hits[VTD_PSC_COUNT];
    uint64_t psc_lookups;               /* one per vtd_psc_lookup call */
    uint64_t walk_mem_reads;            /* added by the walker */
    /* Invalidation requests by granularity: [0] global, [1] domain,
     * [2] device (context cache) / page (IOTLB) / index (IEC). */
    uint64_t cc_inv[3], iotlb_inv[3], iec_inv[3];
    uint64_t devtlb_inv;                /* device-TLB descriptors */
    uint64_t wait_desc;                 /* invalidation-wait descriptors */
} VTDCacheCounters;

typedef struct VTDCaches {
    VTDCacheConfig cfg;
    TimingCache *cc;
    TimingCache *iotlb;
    TimingCache *psc[VTD_PSC_COUNT];
    TimingCache *iec;
    bool caching_mode;      /* CAP.CM */
    VTDCacheCounters ctr;
} VTDCaches;

/* Configuration and lifetime. */
void vtd_cache_config_default(VTDCacheConfig *cfg);
/*
 * Set one property ("iotlb-ways", "pde-cache-replacement" ...): 1 when
 * handled, 0 when name is not a cache property, -1 with *errp set
 * naming the property on a bad value.
 */
int vtd_cache_config_set(VTDCacheConfig *cfg, const char *name,
                         const char *value, GError **errp);
/* Whether every cache of cfg can be built; errp names the property. */
bool vtd_cache_config_check(const VTDCacheConfig *cfg, GError **errp);
/* NULL-terminated list of the property names above. */
const char *const *vtd_cache_prop_names(void);

/* Build the caches from c->cfg (set it first); errp names the property. */
bool vtd_caches_init(VTDCaches *c, GError **errp);
void vtd_caches_destroy(VTDCaches *c);
/* Device reset: every cache emptied; counters kept. */
void vtd_caches_reset(VTDCaches *c);
void vtd_caches_set_caching_mode(VTDCaches *c, bool cm);

/* Context cache (§6.2.2).  Lookups return NULL on a miss. */
const VTDContextCacheEntry *vtd_cc_lookup(VTDCaches *c, uint16_t sid);
/* false when refused (a fault entry with CM=0). */
bool vtd_cc_insert(VTDCaches *c, uint16_t sid,
                   const VTDContextCacheEntry *e);

/* IOTLB (§6.2.4): probes 4K, 2M, 1G classes as one lookup. */
const VTDIotlbEntry *vtd_iotlb_lookup(VTDCaches *c, uint16_t did,
                                      uint64_t iova);
bool vtd_iotlb_insert(VTDCaches *c, uint16_t did, uint64_t iova,
                      const VTDIotlbEntry *e);

/*
 * Paging-structure caches (§6.2.5.1): the deepest cached non-leaf entry
 * for iova under did at levels 2..top_level (the table depth, 3..5), so
 * the walk resumes at out->level - 1.  Probes PDE first, counted as one
 * lookup.  false on a miss.
 */
bool vtd_psc_lookup(VTDCaches *c, uint16_t did, uint64_t iova,
                    unsigned top_level, VTDPscEntry *out);
/* level 2..5; e->entry must be a present non-leaf entry. */
bool vtd_psc_insert(VTDCaches *c, uint16_t did, uint64_t iova,
                    unsigned level, const VTDPscEntry *e);

/* Interrupt entry cache (§6.4). */
const VTDIecEntry *vtd_iec_lookup(VTDCaches *c, uint16_t index);
bool vtd_iec_insert(VTDCaches *c, uint16_t index, const VTDIecEntry *e);

/*
 * Invalidation by tag (§6.5).  Each returns the number of entries
 * dropped.  FM is the CCMD/descriptor function mask (§11.4.6.1): the
 * low FM bits of the function number (SID[2:0]) are ignored.
 */
unsigned vtd_cc_invalidate_all(VTDCaches *c);
unsigned vtd_cc_invalidate_domain(VTDCaches *c, uint16_t did);
unsigned vtd_cc_invalidate_device(VTDCaches *c, uint16_t sid, unsigned fm);
/* IOTLB plus all paging-structure caches. */
unsigned vtd_iotlb_invalidate_all(VTDCaches *c);
unsigned vtd_iotlb_invalidate_domain(VTDCaches *c, uint16_t did);
/*
 * Page-selective-within-domain (§6.5.1.2 / §6.5.2.3): IOTLB entries of
 * did overlapping [addr, addr + 2^(12+am)); with ih=0 also the
 * paging-structure-cache entries covering that range.
 */
unsigned vtd_iotlb_invalidate_pages(VTDCaches *c, uint16_t did,
                                    uint64_t addr, unsigned am, bool ih);
unsigned vtd_iec_invalidate_all(VTDCaches *c);
/* Index-selective: entries [index, index + 2^im) (index aligned down). */
unsigned vtd_iec_invalidate_index(VTDCaches *c, uint16_t index, unsigned im);

/*
 * Statistics text: "name=value ..." (g_free it).  Names follow Intel's
 * IIO IOMMU uncore events where one exists (docs/vtd.md has the map).
 */
char *vtd_cache_stats_text(const VTDCaches *c);
/* Value of one named counter from that text; false if unknown. */
bool vtd_cache_stat(const VTDCaches *c, const char *name, uint64_t *out);

#endif
