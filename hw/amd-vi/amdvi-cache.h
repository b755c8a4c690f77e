/*
 * AMD-Vi translation caches with real geometry (AMD IOMMU spec 48882
 * §2.2 "data structures", caching rules of §2.4 "Commands").
 *
 * The caches the spec's invalidation commands name, each a set-associative
 * hw/timing TimingCache sized by properties:
 *
 *   device table cache     tag: DeviceID               value: AMDVIDteCacheEntry
 *                          (dropped by INVALIDATE_DEVTAB_ENTRY, §2.4.2)
 *   IOTLB (PTEs)           tag: DomainID (+ PASID/GN for v2 later), page
 *                          number at the granule of the level the leaf was
 *                          found at, that level          value: AMDVIIotlbEntry
 *   page-directory caches  one per non-leaf level 2..6; tag: DomainID, the
 *   (PDEs)                 input-address bits above that level's entry
 *                          granule, level                value: AMDVIPdcEntry
 *   interrupt remapping    tag: DeviceID, IRTE index      value: AMDVIIrteCacheEntry
 *   table cache            (for the interrupt-remapping issue to fill; the
 *                          invalidation side, §2.4.5, is complete today)
 *
 * Page sizes.  A v1 leaf at level L (a PTE with NextLevel 0, or NextLevel
 * 7 with the size encoded in the address, spec §2.2.3) maps a page of
 * 2^page_shift bytes with 12 + 9(L-1) <= page_shift < 12 + 9L.  The IOTLB
 * keys an entry by the page number at the level granule 12 + 9(L-1) (a
 * 32 KiB page fills one 4 KiB-granule splinter per walk, as hardware that
 * splinters non-native sizes does) and keeps the real page in the value,
 * so invalidation by address range drops every splinter of a page the
 * range touches (§2.4.3: a page is invalidated if any byte of it is in
 * the range).
 *
 * Nothing here reads guest memory or registers: the translate path asks,
 * fills, and the command buffer (amdvi-cmd.c) drops entries by tag.
 *
 * Properties (docs/amdvi.md "Command buffer, caches and IVRS"): for each
 * cache C in dte-cache, iotlb, pdc-l2, pdc-l3, pdc-l4, pdc-l5, pdc-l6,
 * irte-cache:
 *   C-entries      total entries (> 0)
 *   C-ways         entries per set, divides C-entries (= entries: fully
 *                  associative, 1: direct mapped)
 *   C-replacement  lru | plru | fifo | random  (plru needs 2^n ways)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_AMD_VI_AMDVI_CACHE_H
#define HW_AMD_VI_AMDVI_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "iommu-sim/iommu.h"
#include "iommu-sim/timing-cache.h"

/* v1 levels (spec §2.2.3): 1 holds PTEs, 2..6 directories. */
#define AMDVI_LEVEL_MIN 1
#define AMDVI_LEVEL_MAX 6
#define AMDVI_PDC_COUNT 5           /* page-directory caches, levels 2..6 */
#define AMDVI_PDC_INDEX(level) ((unsigned)(level) - 2)

/* log2 of the bytes one entry at level 1..6 maps: 12, 21, 30, 39, 48, 57. */
#define AMDVI_LEVEL_SHIFT(level) (12u + 9u * ((unsigned)(level) - 1u))

/* "<cache>-entries/-ways/-replacement", parsed by hw/timing. */
typedef TimingCacheGeometry AMDVICacheGeometry;

/*
 * Embedded in AMDVIState; the property table points into it.  AMD
 * publishes no geometry: the defaults are our choice, sized like the
 * VT-d model's and documented in docs/amdvi.md.
 */
typedef struct AMDVICacheConfig {
    AMDVICacheGeometry dte;                 /* 64 entries, 8 ways, LRU */
    AMDVICacheGeometry iotlb;               /* 64 entries, 8 ways, PLRU */
    AMDVICacheGeometry pdc[AMDVI_PDC_COUNT];/* L2 32/4, L3 16/4, L4 8/8,
                                               L5 4/4, L6 4/4, PLRU */
    AMDVICacheGeometry irte;                /* 64 entries, 8 ways, PLRU */
} AMDVICacheConfig;

/* Cached device table entry (§2.2.2): the 256-bit entry as read. */
typedef struct AMDVIDteCacheEntry {
    uint64_t dte[4];        /* little-endian words, already host order */
} AMDVIDteCacheEntry;

/* Cached leaf translation. */
typedef struct AMDVIIotlbEntry {
    uint64_t pte;           /* the leaf entry as read (FC, U, ...) */
    uint64_t page_addr;     /* output address, aligned to the page */
    uint64_t page_iova;     /* input address, aligned to the page */
    uint16_t devid;         /* requester that filled it (informational) */
    uint8_t page_shift;     /* 12..63: the real page size */
    uint8_t level;          /* 1..6: level the leaf was found at */
    uint8_t perm;           /* IOMMUAccessFlags, cumulative over the walk */
    uint8_t pad[3];
} AMDVIIotlbEntry;

/* Cached non-leaf entry: where the walk resumes. */
typedef struct AMDVIPdcEntry {
    uint64_t pde;           /* the PDE as read: next table, NextLevel */
    uint8_t perm;           /* IOMMUAccessFlags accumulated down to it */
    uint8_t level;          /* 2..6: level of this PDE, filled by lookup */
    uint8_t pad[6];
} AMDVIPdcEntry;

/* Cached interrupt remapping table entry (128-bit form covers both). */
typedef struct AMDVIIrteCacheEntry {
    uint64_t irte[2];
} AMDVIIrteCacheEntry;

/*
 * Counters the caches do not keep themselves.  The translate path bumps
 * the mem_* ones (amdvi_cache_count); the command buffer the cmd_* ones.
 */
typedef struct AMDVICacheCounters {
    uint64_t mem_pass_untrans;      /* csource 01h: untranslated pass */
    uint64_t mem_pass_pretrans;     /* 02h: ATS-translated pass */
    uint64_t mem_pass_excl;         /* 03h: exclusion-range pass */
    uint64_t mem_target_abort;      /* 04h: target abort */
    uint64_t mem_trans_total;       /* 05h: translations */
    uint64_t page_tbl_read_tot;     /* 0Ch: page-table reads */
    uint64_t page_tbl_read_nst;     /* 0Dh: of them nested (v1 host) */
    uint64_t page_tbl_read_gst;     /* 0Eh: guest (v2) */
    uint64_t cmd_processed;         /* 11h: commands executed */
    uint64_t cmd_processed_inv;     /* 12h: of them invalidations */
    uint64_t tlb_inv;               /* 13h: IOTLB invalidation commands */
    uint64_t pdc_lookups;           /* amdvi_pdc_lookup calls */
    uint64_t pdc_hits[AMDVI_PDC_COUNT];
    uint64_t iotlb_hits_by_level[AMDVI_LEVEL_MAX];
    uint64_t iotlb_pages_invalidated;   /* entries dropped by range */
} AMDVICacheCounters;

typedef struct AMDVICaches {
    AMDVICacheConfig cfg;
    TimingCache *dte;
    TimingCache *iotlb;
    TimingCache *pdc[AMDVI_PDC_COUNT];
    TimingCache *irte;
    AMDVICacheCounters ctr;
} AMDVICaches;

/* Which counter amdvi_cache_count() bumps (translate path outcomes). */
typedef enum {
    AMDVI_COUNT_PASS_UNTRANS,
    AMDVI_COUNT_PASS_PRETRANS,
    AMDVI_COUNT_PASS_EXCL,
    AMDVI_COUNT_TARGET_ABORT,
    AMDVI_COUNT_TRANS_TOTAL,
    AMDVI_COUNT_PT_READ,            /* one v1 page-table read */
    AMDVI_COUNT_PT_READ_GUEST,      /* one v2 page-table read */
} AMDVICountKind;

/* ---- configuration and lifetime ---- */

void amdvi_cache_config_default(AMDVICacheConfig *cfg);
/*
 * Set one property ("iotlb-ways", "pdc-l3-replacement" ...): 1 when
 * handled, 0 when name is not a cache property, -1 with *errp set naming
 * the property on a bad value.
 */
int amdvi_cache_config_set(AMDVICacheConfig *cfg, const char *name,
                           const char *value, GError **errp);
/* Whether every cache of cfg can be built; errp names the property. */
bool amdvi_cache_config_check(const AMDVICacheConfig *cfg, GError **errp);
/* NULL-terminated list of the property names above. */
const char *const *amdvi_cache_prop_names(void);

/* Caches built from cfg; NULL with errp naming the property. */
AMDVICaches *amdvi_caches_new(const AMDVICacheConfig *cfg, GError **errp);
void amdvi_caches_free(AMDVICaches *c);
/* Device reset: every cache emptied; counters kept. */
void amdvi_caches_reset(AMDVICaches *c);
void amdvi_cache_count(AMDVICaches *c, AMDVICountKind kind);

/* ---- lookups and fills (the translate path) ---- */

/* Device table cache: true and *out filled on a hit. */
bool amdvi_dte_cache_lookup(AMDVICaches *c, uint16_t devid,
                            AMDVIDteCacheEntry *out);
/* Cache a DTE the translate path read (V=1 entries only, §2.2.2). */
void amdvi_dte_cache_insert(AMDVICaches *c, uint16_t devid,
                            const AMDVIDteCacheEntry *e);

/*
 * IOTLB: the entry covering iova under domid, probing level granules 1
 * up to top_level (the DTE's Mode, 1..6) as one lookup.  NULL on a miss.
 */
const AMDVIIotlbEntry *amdvi_iotlb_lookup(AMDVICaches *c, uint16_t domid,
                                          uint64_t iova, unsigned top_level);
/* e->level, page_shift, page_addr, perm set by the walker; iova any
 * address inside the page.  false when e is not a sane leaf. */
bool amdvi_iotlb_insert(AMDVICaches *c, uint16_t domid, uint64_t iova,
                        const AMDVIIotlbEntry *e);

/*
 * Page-directory caches: the deepest cached PDE on iova's path under
 * domid among levels 2..top_level, so the walk continues with the table
 * that PDE points at (its NextLevel).  Probes level 2 first; one lookup.
 */
bool amdvi_pdc_lookup(AMDVICaches *c, uint16_t domid, uint64_t iova,
                      unsigned top_level, AMDVIPdcEntry *out);
/* level 2..6; e->pde must be a present directory entry. */
bool amdvi_pdc_insert(AMDVICaches *c, uint16_t domid, uint64_t iova,
                      unsigned level, const AMDVIPdcEntry *e);

/* Interrupt remapping table cache (filled by the IR issue). */
bool amdvi_irte_cache_lookup(AMDVICaches *c, uint16_t devid, uint32_t index,
                             AMDVIIrteCacheEntry *out);
void amdvi_irte_cache_insert(AMDVICaches *c, uint16_t devid, uint32_t index,
                             const AMDVIIrteCacheEntry *e);

/* ---- invalidation by tag (§2.4); each returns the entries dropped ---- */

/* INVALIDATE_DEVTAB_ENTRY (§2.4.2). */
unsigned amdvi_dte_cache_invalidate(AMDVICaches *c, uint16_t devid);
/*
 * INVALIDATE_IOMMU_PAGES (§2.4.3) with the range already decoded:
 * IOTLB entries of domid whose page overlaps [start, last]; with pde
 * also the page-directory entries whose covered range overlaps it.
 */
unsigned amdvi_iotlb_invalidate_range(AMDVICaches *c, uint16_t domid,
                                      uint64_t start, uint64_t last,
                                      bool pde);
/* INVALIDATE_INTERRUPT_TABLE (§2.4.5): every IRTE of devid. */
unsigned amdvi_irte_cache_invalidate(AMDVICaches *c, uint16_t devid);
/* INVALIDATE_IOMMU_ALL (§2.4.8): every cache. */
unsigned amdvi_caches_invalidate_all(AMDVICaches *c);

/*
 * The range an INVALIDATE_IOMMU_PAGES / INVALIDATE_IOTLB_PAGES /
 * PREFETCH address selects (§2.4.3): S=0 the 4 KiB page at addr; S=1 the
 * naturally aligned 2^(b+1) bytes where b is the lowest clear address
 * bit at or above 12 (all ones up to bit 62: everything).
 */
void amdvi_inv_range_decode(uint64_t addr, bool s, uint64_t *start,
                            uint64_t *last);

/* ---- statistics ---- */

/*
 * "name=value ..." (g_free it).  Names are AMD's IOMMU PMU events
 * (Linux arch/x86/events/amd/iommu.c csource 01h-13h) where one exists,
 * model counters prefixed "amdvi." (docs/amdvi.md has the map).
 */
char *amdvi_cache_stats_text(const AMDVICaches *c);
/* Value of one named counter from that text; false if unknown. */
bool amdvi_cache_stat(const AMDVICaches *c, const char *name, uint64_t *out);

#endif
