/*
 * VT-d translation caches (VT-d 5.10 ch. 6): context cache, IOTLB,
 * paging-structure caches and the interrupt entry cache, each a
 * set-associative hw/timing TimingCache.  See vtd-cache.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/intel-vtd/vtd-cache.h"

/* Page-size classes of the IOTLB key, smallest first (§6.2.4). */
static const uint8_t vtd_iotlb_shifts[3] = { 12, 21, 30 };

static const char *const vtd_cache_prefixes[] = {
    "cc", "iotlb", "pde-cache", "pdpe-cache", "pml4e-cache", "pml5e-cache",
    "iec",
};
#define VTD_CACHE_NCACHES G_N_ELEMENTS(vtd_cache_prefixes)

static const char *const vtd_cache_props[] = {
    "cc-entries", "cc-ways", "cc-replacement",
    "iotlb-entries", "iotlb-ways", "iotlb-replacement",
    "pde-cache-entries", "pde-cache-ways", "pde-cache-replacement",
    "pdpe-cache-entries", "pdpe-cache-ways", "pdpe-cache-replacement",
    "pml4e-cache-entries", "pml4e-cache-ways", "pml4e-cache-replacement",
    "pml5e-cache-entries", "pml5e-cache-ways", "pml5e-cache-replacement",
    "iec-entries", "iec-ways", "iec-replacement",
    NULL,
};

/* Geometry of cache i in the order of vtd_cache_prefixes. */
static VTDCacheGeometry *vtd_cache_geom(VTDCacheConfig *cfg, unsigned i)
{
    if (i == 0) {
        return &cfg->cc;
    }
    if (i == 1) {
        return &cfg->iotlb;
    }
    if (i < 2 + VTD_PSC_COUNT) {
        return &cfg->psc[i - 2];
    }
    return &cfg->iec;
}

void vtd_cache_config_default(VTDCacheConfig *cfg)
{
    static const VTDCacheGeometry defaults[] = {
        { 32, 32, TIMING_CACHE_LRU },   /* context cache */
        { 64, 8, TIMING_CACHE_PLRU },   /* IOTLB */
        { 32, 4, TIMING_CACHE_PLRU },   /* PDE cache */
        { 16, 4, TIMING_CACHE_PLRU },   /* PDPE cache */
        { 8, 8, TIMING_CACHE_PLRU },    /* PML4E cache */
        { 4, 4, TIMING_CACHE_PLRU },    /* PML5E cache */
        { 64, 8, TIMING_CACHE_PLRU },   /* interrupt entry cache */
    };
    for (unsigned i = 0; i < VTD_CACHE_NCACHES; i++) {
        *vtd_cache_geom(cfg, i) = defaults[i];
    }
}

const char *const *vtd_cache_prop_names(void)
{
    return vtd_cache_props;
}

int vtd_cache_config_set(VTDCacheConfig *cfg, const char *name,
                         const char *value, GError **errp)
{
    const char *field;
    int i = timing_cache_geometry_prop(vtd_cache_prefixes,
                                       VTD_CACHE_NCACHES, name, &field);

    switch (i < 0 ? TIMING_GEOMETRY_NOT_MINE
                  : timing_cache_geometry_set(vtd_cache_geom(cfg, i), field,
                                              value)) {
    case TIMING_GEOMETRY_SET:
        return 1;
    case TIMING_GEOMETRY_BAD_COUNT:
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "intel-iommu: property '%s' wants a number 1..%u, "
                    "not '%s'", name, TIMING_CACHE_MAX_ENTRIES,
                    value ? value : "");
        return -1;
    case TIMING_GEOMETRY_BAD_POLICY:
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "intel-iommu: property '%s' accepts lru, plru, fifo, "
                    "random, not '%s'", name, value ? value : "");
        return -1;
    default:
        return 0;
    }
}

bool vtd_cache_config_check(const VTDCacheConfig *cfg, GError **errp)
{
    VTDCaches c = { .cfg = *cfg };

    if (!vtd_caches_init(&c, errp)) {
        return false;
    }
    vtd_caches_destroy(&c);
    return true;
}

static TimingCache *vtd_cache_make(const VTDCacheGeometry *g,
                                   const char *prefix, size_t value_size,
                                   uint32_t hit, uint32_t miss, GError **errp)
{
    TimingCacheConfig tc = {
        .name = prefix,
        .entries = g->entries,
        .ways = g->ways,
        .value_size = value_size,
        .policy = g->policy,
        .hit_cycles = hit,
        .miss_cycles = miss,
    };
    GError *err = NULL;
    TimingCache *c = timing_cache_new(&tc, &err);

    if (!c) {
        /* Name the property group so the user knows what to fix. */
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "intel-iommu: %s-entries=%u %s-ways=%u "
                    "%s-replacement=%s: %s", prefix, g->entries, prefix,
                    g->ways, prefix, timing_cache_policy_name(g->policy),
                    err->message);
        g_error_free(err);
    }
    return c;
}

bool vtd_caches_init(VTDCaches *c, GError **errp)
{
    /*
     * Latencies in IOMMU cycles: the lookup cost of small SRAM arrays.
     * The timing model may refine them; functional results never
     * depend on them.
     */
    c->cc = vtd_cache_make(&c->cfg.cc, "cc", sizeof(VTDContextCacheEntry),
                           2, 2, errp);
    c->iotlb = c->cc ? vtd_cache_make(&c->cfg.iotlb, "iotlb",
                                      sizeof(VTDIotlbEntry), 1, 1, errp)
                     : NULL;
    for (unsigned k = 0; k < VTD_PSC_COUNT; k++) {
        c->psc[k] = c->iotlb ? vtd_cache_make(&c->cfg.psc[k],
                                              vtd_cache_prefixes[2 + k],
                                              sizeof(VTDPscEntry), 2, 2,
                                              errp)
                             : NULL;
        if (!c->psc[k]) {
            break;
        }
    }
    c->iec = c->psc[VTD_PSC_COUNT - 1] ?
             vtd_cache_make(&c->cfg.iec, "iec", sizeof(VTDIecEntry), 2, 2,
                            errp) : NULL;
    memset(&c->ctr, 0, sizeof(c->ctr));
    if (!c->iec) {
        vtd_caches_destroy(c);
        return false;
    }
    return true;
}

void vtd_caches_destroy(VTDCaches *c)
{
    timing_cache_free(c->cc);
    timing_cache_free(c->iotlb);
    for (unsigned k = 0; k < VTD_PSC_COUNT; k++) {
        timing_cache_free(c->psc[k]);
        c->psc[k] = NULL;
    }
    timing_cache_free(c->iec);
    c->cc = c->iotlb = c->iec = NULL;
}

void vtd_caches_reset(VTDCaches *c)
{
    timing_cache_invalidate_all(c->cc);
    vtd_iotlb_invalidate_all(c);
    timing_cache_invalidate_all(c->iec);
}

void vtd_caches_set_caching_mode(VTDCaches *c, bool cm)
{
    c->caching_mode = cm;
}

/* ---- context cache (§6.2.2) ---- */

const VTDContextCacheEntry *vtd_cc_lookup(VTDCaches *c, uint16_t sid)
{
    TimingCacheKey k = TIMING_CACHE_KEY(sid);

    return timing_cache_lookup(c->cc, &k);
}

bool vtd_cc_insert(VTDCaches *c, uint16_t sid, const VTDContextCacheEntry *e)
{
    TimingCacheKey k = TIMING_CACHE_KEY(sid);

    /* §6.1: with CM=0 not-present / erroneous entries are never cached. */
    if (e->fault && !c->caching_mode) {
        return false;
    }
    timing_cache_insert(c->cc, &k, e, NULL, NULL, NULL);
    return true;
}

/* ---- IOTLB (§6.2.4) ---- */

const VTDIotlbEntry *vtd_iotlb_lookup(VTDCaches *c, uint16_t did,
                                      uint64_t iova)
{
    TimingCacheKey keys[3];
    unsigned which = 0;
    const VTDIotlbEntry *e;

    for (unsigned i = 0; i < 3; i++) {
        keys[i] = TIMING_CACHE_KEY(did, iova >> vtd_iotlb_shifts[i], i);
    }
    e = timing_cache_lookup_any(c->iotlb, keys, 3, &which);
    if (e) {
        c->ctr.iotlb_hits_by_size[which]++;
    }
    return e;
}

static int vtd_iotlb_class(uint8_t page_shift)
{
    for (unsigned i = 0; i < 3; i++) {
        if (vtd_iotlb_shifts[i] == page_shift) {
            return (int)i;
        }
    }
    return -1;
}

bool vtd_iotlb_insert(VTDCaches *c, uint16_t did, uint64_t iova,
                      const VTDIotlbEntry *e)
{
    int cls = vtd_iotlb_class(e->page_shift);
    TimingCacheKey k;

    g_assert(cls >= 0);
    if (e->fault && !c->caching_mode) {
        return false;
    }
    k = TIMING_CACHE_KEY(did, iova >> e->page_shift, (uint64_t)cls);
    timing_cache_insert(c->iotlb, &k, e, NULL, NULL, NULL);
    return true;
}

/* ---- paging-structure caches (§6.2.5.1) ---- */

/* Bits of input address one entry at walk level `level` covers. */
static unsigned vtd_level_shift(unsigned level)
{
    return 12 + 9 * (level - 1);
}

bool vtd_psc_lookup(VTDCaches *c, uint16_t did, uint64_t iova,
                    unsigned top_level, VTDPscEntry *out)
{
    c->ctr.psc_lookups++;
    for (unsigned k = 0; k < VTD_PSC_COUNT; k++) {
        unsigned level = VTD_PSC_LEVEL(k);
        TimingCacheKey key;
        const VTDPscEntry *e;

        if (level > top_level) {
            break;
        }
        key = TIMING_CACHE_KEY(did, iova >> vtd_level_shift(level), level);
        e = timing_cache_lookup(c->psc[k], &key);
        if (e) {
            *out = *e;
            out->level = (uint8_t)level;
            c->ctr.psc_hits[k]++;
            return true;
        }
    }
    return false;
}

bool vtd_psc_insert(VTDCaches *c, uint16_t did, uint64_t iova,
                    unsigned level, const VTDPscEntry *e)
{
    TimingCacheKey key;
    VTDPscEntry v = *e;

    if (level < 2 || level > 5) {
        return false;
    }
    v.level = (uint8_t)level;
    key = TIMING_CACHE_KEY(did, iova >> vtd_level_shift(level), level);
    timing_cache_insert(c->psc[level - 2], &key, &v, NULL, NULL, NULL);
    return true;
}

/* ---- interrupt entry cache (§6.4) ---- */

const VTDIecEntry *vtd_iec_lookup(VTDCaches *c, uint16_t index)
{
    TimingCacheKey k = TIMING_CACHE_KEY(index);

    return timing_cache_lookup(c->iec, &k);
}

bool vtd_iec_insert(VTDCaches *c, uint16_t index, const VTDIecEntry *e)
{
    TimingCacheKey k = TIMING_CACHE_KEY(index);

    timing_cache_insert(c->iec, &k, e, NULL, NULL, NULL);
    return true;
}

/* ---- invalidation by tag (§6.5) ---- */

typedef struct VTDInvMatch {
    uint64_t did;
    uint64_t sid_mask;      /* context cache: SID bits compared */
    uint64_t sid;
    uint64_t first, last;   /* page-selective: inclusive address range */
    bool is_iotlb;
} VTDInvMatch;

static bool vtd_match_did(const TimingCacheKey *key, const void *value,
                          void *opaque)
{
    const VTDInvMatch *m = opaque;

    return key->w[0] == m->did;
}

static bool vtd_match_cc_did(const TimingCacheKey *key, const void *value,
                             void *opaque)
{
    const VTDContextCacheEntry *e = value;
    const VTDInvMatch *m = opaque;

    return e->did == m->did;
}

static bool vtd_match_cc_sid(const TimingCacheKey *key, const void *value,
                             void *opaque)
{
    const VTDInvMatch *m = opaque;

    return (key->w[0] & m->sid_mask) == (m->sid & m->sid_mask);
}

/* An entry of did covering [base, base + 2^shift) overlapping the range. */
static bool vtd_match_range(const TimingCacheKey *key, const void *value,
                            void *opaque)
{
    const VTDInvMatch *m = opaque;
    unsigned shift;
    uint64_t base, end;

    if (key->w[0] != m->did) {
        return false;
    }
    shift = m->is_iotlb ? vtd_iotlb_shifts[key->w[2]]
                        : vtd_level_shift((unsigned)key->w[2]);
    base = key->w[1] << shift;
    end = base + ((1ULL << shift) - 1);
    return base <= m->last && end >= m->first;
}

unsigned vtd_cc_invalidate_all(VTDCaches *c)
{
    return timing_cache_invalidate_all(c->cc);
}

unsigned vtd_cc_invalidate_domain(VTDCaches *c, uint16_t did)
{
    VTDInvMatch m = { .did = did };

    return timing_cache_invalidate_matching(c->cc, vtd_match_cc_did, &m);
}

unsigned vtd_cc_invalidate_device(VTDCaches *c, uint16_t sid, unsigned fm)
{
    /* §11.4.6.1 FM: 01 masks SID[2], 10 SID[2:1], 11 SID[2:0]. */
    uint64_t fmask = fm ? (((1u << (fm & 3)) - 1) << (3 - (fm & 3))) : 0;
    VTDInvMatch m = { .sid = sid, .sid_mask = 0xffff & ~fmask };

    return timing_cache_invalidate_matching(c->cc, vtd_match_cc_sid, &m);
}

unsigned vtd_iotlb_invalidate_all(VTDCaches *c)
{
    unsigned n = timing_cache_invalidate_all(c->iotlb);

    for (unsigned k = 0; k < VTD_PSC_COUNT; k++) {
        n += timing_cache_invalidate_all(c->psc[k]);
    }
    return n;
}

unsigned vtd_iotlb_invalidate_domain(VTDCaches *c, uint16_t did)
{
    VTDInvMatch m = { .did = did };
    unsigned n = timing_cache_invalidate_matching(c->iotlb, vtd_match_did,
                                                  &m);

    for (unsigned k = 0; k < VTD_PSC_COUNT; k++) {
        n += timing_cache_invalidate_matching(c->psc[k], vtd_match_did, &m);
    }
    return n;
}

unsigned vtd_iotlb_invalidate_pages(VTDCaches *c, uint16_t did,
                                    uint64_t addr, unsigned am, bool ih)
{
    uint64_t size = am >= 52 ? 0 : 1ULL << (12 + am);
    VTDInvMatch m = { .did = did, .is_iotlb = true };
    unsigned n;

    /* The address is aligned to the mask (§6.5.1.2): low bits ignored. */
    m.first = size ? addr & ~(size - 1) : 0;
    m.last = size ? m.first + (size - 1) : UINT64_MAX;
    n = timing_cache_invalidate_matching(c->iotlb, vtd_match_range, &m);
    if (ih) {
        /* IH=1: software changed only leaves; PSC entries may stay. */
        return n;
    }
    m.is_iotlb = false;
    for (unsigned k = 0; k < VTD_PSC_COUNT; k++) {
        n += timing_cache_invalidate_matching(c->psc[k], vtd_match_range, &m);
    }
    return n;
}

unsigned vtd_iec_invalidate_all(VTDCaches *c)
{
    return timing_cache_invalidate_all(c->iec);
}

static bool vtd_match_iec(const TimingCacheKey *key, const void *value,
                          void *opaque)
{
    const VTDInvMatch *m = opaque;

    return key->w[0] >= m->first && key->w[0] <= m->last;
}

unsigned vtd_iec_invalidate_index(VTDCaches *c, uint16_t index, unsigned im)
{
    uint64_t n = 1ULL << (im > 16 ? 16 : im);
    VTDInvMatch m;

    m.first = index & ~(n - 1);
    m.last = m.first + n - 1;
    return timing_cache_invalidate_matching(c->iec, vtd_match_iec, &m);
}
