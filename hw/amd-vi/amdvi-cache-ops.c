/*
 * AMD-Vi caches: lookups, fills and invalidation by tag (AMD IOMMU spec
 * 48882 §2.4.2, §2.4.3, §2.4.5, §2.4.8).  See amdvi-cache.h for the tags.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/amd-vi/amdvi-cache.h"

static bool amdvi_level_ok(unsigned level)
{
    return level >= AMDVI_LEVEL_MIN && level <= AMDVI_LEVEL_MAX;
}

/* Mask of the bytes below bit `shift` (shift up to 64). */
static uint64_t amdvi_low_mask(unsigned shift)
{
    return shift >= 64 ? UINT64_MAX : (1ull << shift) - 1;
}

static bool amdvi_overlaps(uint64_t base, uint64_t last, uint64_t start,
                           uint64_t end)
{
    return base <= end && start <= last;
}

/* ---- device table cache ---- */

bool amdvi_dte_cache_lookup(AMDVICaches *c, uint16_t devid,
                            AMDVIDteCacheEntry *out)
{
    TimingCacheKey k = TIMING_CACHE_KEY(devid);
    const AMDVIDteCacheEntry *e = timing_cache_lookup(c->dte, &k);

    if (e && out) {
        *out = *e;
    }
    return e != NULL;
}

void amdvi_dte_cache_insert(AMDVICaches *c, uint16_t devid,
                            const AMDVIDteCacheEntry *e)
{
    TimingCacheKey k = TIMING_CACHE_KEY(devid);

    timing_cache_insert(c->dte, &k, e, NULL, NULL, NULL);
}

unsigned amdvi_dte_cache_invalidate(AMDVICaches *c, uint16_t devid)
{
    TimingCacheKey k = TIMING_CACHE_KEY(devid);

    return timing_cache_invalidate(c->dte, &k) ? 1 : 0;
}

/* ---- IOTLB ---- */

static TimingCacheKey amdvi_iotlb_key(uint16_t domid, uint64_t iova,
                                      unsigned level)
{
    return TIMING_CACHE_KEY(domid, iova >> AMDVI_LEVEL_SHIFT(level), level);
}

const AMDVIIotlbEntry *amdvi_iotlb_lookup(AMDVICaches *c, uint16_t domid,
                                          uint64_t iova, unsigned top_level)
{
    TimingCacheKey keys[AMDVI_LEVEL_MAX];
    unsigned n = 0, which = 0;
    const AMDVIIotlbEntry *e;

    if (top_level > AMDVI_LEVEL_MAX) {
        top_level = AMDVI_LEVEL_MAX;
    }
    for (unsigned l = AMDVI_LEVEL_MIN; l <= top_level; l++) {
        keys[n++] = amdvi_iotlb_key(domid, iova, l);
    }
    if (n == 0) {
        return NULL;
    }
    e = timing_cache_lookup_any(c->iotlb, keys, n, &which);
    if (e) {
        c->ctr.iotlb_hits_by_level[which]++;
    }
    return e;
}

bool amdvi_iotlb_insert(AMDVICaches *c, uint16_t domid, uint64_t iova,
                        const AMDVIIotlbEntry *e)
{
    AMDVIIotlbEntry v;
    TimingCacheKey k;
    uint64_t mask;

    if (!amdvi_level_ok(e->level) || e->page_shift < 12 ||
        e->page_shift > 63 || e->page_shift < AMDVI_LEVEL_SHIFT(e->level)) {
        return false;
    }
    v = *e;
    mask = amdvi_low_mask(v.page_shift);
    v.page_iova = iova & ~mask;
    v.page_addr &= ~mask;
    k = amdvi_iotlb_key(domid, iova, v.level);
    timing_cache_insert(c->iotlb, &k, &v, NULL, NULL, NULL);
    return true;
}

/* ---- page-directory caches ---- */

static TimingCacheKey amdvi_pdc_key(uint16_t domid, uint64_t iova,
                                    unsigned level)
{
    return TIMING_CACHE_KEY(domid, iova >> AMDVI_LEVEL_SHIFT(level), level);
}

bool amdvi_pdc_lookup(AMDVICaches *c, uint16_t domid, uint64_t iova,
                      unsigned top_level, AMDVIPdcEntry *out)
{
    bool hit = false;

    c->ctr.pdc_lookups++;
    if (top_level > AMDVI_LEVEL_MAX) {
        top_level = AMDVI_LEVEL_MAX;
    }
    /* Deepest first: the closest cached directory saves the most reads. */
    for (unsigned l = 2; l <= top_level && !hit; l++) {
        TimingCacheKey k = amdvi_pdc_key(domid, iova, l);
        const AMDVIPdcEntry *e =
            timing_cache_lookup(c->pdc[AMDVI_PDC_INDEX(l)], &k);

        if (e) {
            c->ctr.pdc_hits[AMDVI_PDC_INDEX(l)]++;
            if (out) {
                *out = *e;
                out->level = (uint8_t)l;
            }
            hit = true;
        }
    }
    return hit;
}

bool amdvi_pdc_insert(AMDVICaches *c, uint16_t domid, uint64_t iova,
                      unsigned level, const AMDVIPdcEntry *e)
{
    AMDVIPdcEntry v;
    TimingCacheKey k;

    if (level < 2 || level > AMDVI_LEVEL_MAX || !(e->pde & 1)) {
        return false;
    }
    v = *e;
    v.level = (uint8_t)level;
    k = amdvi_pdc_key(domid, iova, level);
    timing_cache_insert(c->pdc[AMDVI_PDC_INDEX(level)], &k, &v, NULL, NULL,
                        NULL);
    return true;
}

/* ---- interrupt remapping table cache ---- */

bool amdvi_irte_cache_lookup(AMDVICaches *c, uint16_t devid, uint32_t index,
                             AMDVIIrteCacheEntry *out)
{
    TimingCacheKey k = TIMING_CACHE_KEY(devid, index);
    const AMDVIIrteCacheEntry *e = timing_cache_lookup(c->irte, &k);

    if (e && out) {
        *out = *e;
    }
    return e != NULL;
}

void amdvi_irte_cache_insert(AMDVICaches *c, uint16_t devid, uint32_t index,
                             const AMDVIIrteCacheEntry *e)
{
    TimingCacheKey k = TIMING_CACHE_KEY(devid, index);

    timing_cache_insert(c->irte, &k, e, NULL, NULL, NULL);
}

static bool amdvi_match_word0(const TimingCacheKey *key, const void *value,
                              void *opaque)
{
    (void)value;
    return key->w[0] == *(const uint64_t *)opaque;
}

unsigned amdvi_irte_cache_invalidate(AMDVICaches *c, uint16_t devid)
{
    uint64_t d = devid;

    return timing_cache_invalidate_matching(c->irte, amdvi_match_word0, &d);
}

/* ---- range invalidation (§2.4.3) ---- */

typedef struct AMDVIRangeMatch {
    uint64_t domid;
    uint64_t start, last;
} AMDVIRangeMatch;

static bool amdvi_match_iotlb(const TimingCacheKey *key, const void *value,
                              void *opaque)
{
    const AMDVIRangeMatch *m = opaque;
    const AMDVIIotlbEntry *e = value;

    return key->w[0] == m->domid &&
           amdvi_overlaps(e->page_iova,
                          e->page_iova + amdvi_low_mask(e->page_shift),
                          m->start, m->last);
}

static bool amdvi_match_pdc(const TimingCacheKey *key, const void *value,
                            void *opaque)
{
    const AMDVIRangeMatch *m = opaque;
    unsigned shift = AMDVI_LEVEL_SHIFT(key->w[2]);
    uint64_t base = shift >= 64 ? 0 : key->w[1] << shift;

    (void)value;
    return key->w[0] == m->domid &&
           amdvi_overlaps(base, base + amdvi_low_mask(shift), m->start,
                          m->last);
}

unsigned amdvi_iotlb_invalidate_range(AMDVICaches *c, uint16_t domid,
                                      uint64_t start, uint64_t last,
                                      bool pde)
{
    AMDVIRangeMatch m = { domid, start, last };
    unsigned n = timing_cache_invalidate_matching(c->iotlb,
                                                  amdvi_match_iotlb, &m);

    c->ctr.iotlb_pages_invalidated += n;
    if (pde) {
        for (unsigned i = 0; i < AMDVI_PDC_COUNT; i++) {
            n += timing_cache_invalidate_matching(c->pdc[i], amdvi_match_pdc,
                                                  &m);
        }
    }
    return n;
}

unsigned amdvi_caches_invalidate_all(AMDVICaches *c)
{
    unsigned n = timing_cache_invalidate_all(c->dte);

    n += timing_cache_invalidate_all(c->iotlb);
    for (unsigned i = 0; i < AMDVI_PDC_COUNT; i++) {
        n += timing_cache_invalidate_all(c->pdc[i]);
    }
    n += timing_cache_invalidate_all(c->irte);
    return n;
}

void amdvi_inv_range_decode(uint64_t addr, bool s, uint64_t *start,
                            uint64_t *last)
{
    unsigned b = 12;
    uint64_t size_mask;

    addr &= ~0xfffull;
    if (!s) {
        *start = addr;
        *last = addr + 0xfff;
        return;
    }
    /* The lowest clear bit b at or above 12 sizes the range 2^(b+1). */
    while (b < 64 && ((addr >> b) & 1)) {
        b++;
    }
    size_mask = b >= 63 ? UINT64_MAX : (1ull << (b + 1)) - 1;
    *start = addr & ~size_mask;
    *last = *start + size_mask;
}
