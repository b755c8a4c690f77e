/*
 * AMD-Vi translation caches (AMD IOMMU spec 48882 §2.2, §2.4): device
 * table cache, IOTLB, page-directory caches per level and the interrupt
 * remapping table cache, each a set-associative hw/timing TimingCache.
 * See amdvi-cache.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <string.h>

#include "hw/amd-vi/amdvi-cache.h"

/* Property prefix and place in AMDVICacheConfig of every cache. */
typedef struct AMDVICacheDesc {
    const char *prefix;
    size_t offset;
    AMDVICacheGeometry defaults;
    size_t value_size;
} AMDVICacheDesc;

#define AMDVI_GEOM(field) offsetof(AMDVICacheConfig, field)

static const AMDVICacheDesc amdvi_cache_descs[] = {
    { "dte-cache", AMDVI_GEOM(dte), { 64, 8, TIMING_CACHE_LRU },
      sizeof(AMDVIDteCacheEntry) },
    { "iotlb", AMDVI_GEOM(iotlb), { 64, 8, TIMING_CACHE_PLRU },
      sizeof(AMDVIIotlbEntry) },
    { "pdc-l2", AMDVI_GEOM(pdc[0]), { 32, 4, TIMING_CACHE_PLRU },
      sizeof(AMDVIPdcEntry) },
    { "pdc-l3", AMDVI_GEOM(pdc[1]), { 16, 4, TIMING_CACHE_PLRU },
      sizeof(AMDVIPdcEntry) },
    { "pdc-l4", AMDVI_GEOM(pdc[2]), { 8, 8, TIMING_CACHE_PLRU },
      sizeof(AMDVIPdcEntry) },
    { "pdc-l5", AMDVI_GEOM(pdc[3]), { 4, 4, TIMING_CACHE_PLRU },
      sizeof(AMDVIPdcEntry) },
    { "pdc-l6", AMDVI_GEOM(pdc[4]), { 4, 4, TIMING_CACHE_PLRU },
      sizeof(AMDVIPdcEntry) },
    { "irte-cache", AMDVI_GEOM(irte), { 64, 8, TIMING_CACHE_PLRU },
      sizeof(AMDVIIrteCacheEntry) },
};
#define AMDVI_NCACHES G_N_ELEMENTS(amdvi_cache_descs)

static const char *const amdvi_cache_props[] = {
    "dte-cache-entries", "dte-cache-ways", "dte-cache-replacement",
    "iotlb-entries", "iotlb-ways", "iotlb-replacement",
    "pdc-l2-entries", "pdc-l2-ways", "pdc-l2-replacement",
    "pdc-l3-entries", "pdc-l3-ways", "pdc-l3-replacement",
    "pdc-l4-entries", "pdc-l4-ways", "pdc-l4-replacement",
    "pdc-l5-entries", "pdc-l5-ways", "pdc-l5-replacement",
    "pdc-l6-entries", "pdc-l6-ways", "pdc-l6-replacement",
    "irte-cache-entries", "irte-cache-ways", "irte-cache-replacement",
    NULL,
};

static AMDVICacheGeometry *amdvi_geom(AMDVICacheConfig *cfg, unsigned i)
{
    return (AMDVICacheGeometry *)((char *)cfg + amdvi_cache_descs[i].offset);
}

static const AMDVICacheGeometry *amdvi_geom_c(const AMDVICacheConfig *cfg,
                                              unsigned i)
{
    return (const AMDVICacheGeometry *)((const char *)cfg +
                                        amdvi_cache_descs[i].offset);
}

/* The TimingCache of slot i, in amdvi_cache_descs order. */
static TimingCache **amdvi_slot(AMDVICaches *c, unsigned i)
{
    if (i == 0) {
        return &c->dte;
    }
    if (i == 1) {
        return &c->iotlb;
    }
    if (i < 2 + AMDVI_PDC_COUNT) {
        return &c->pdc[i - 2];
    }
    return &c->irte;
}

void amdvi_cache_config_default(AMDVICacheConfig *cfg)
{
    for (unsigned i = 0; i < AMDVI_NCACHES; i++) {
        *amdvi_geom(cfg, i) = amdvi_cache_descs[i].defaults;
    }
}

const char *const *amdvi_cache_prop_names(void)
{
    return amdvi_cache_props;
}

static int amdvi_cache_bad(GError **errp, const char *name, const char *want,
                           const char *value)
{
    g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "amd-iommu: property '%s' wants %s, not '%s'", name, want,
                value ? value : "");
    return -1;
}

static const char *const amdvi_cache_prefixes[] = {
    "dte-cache", "iotlb", "pdc-l2", "pdc-l3", "pdc-l4", "pdc-l5", "pdc-l6",
    "irte-cache",
};
G_STATIC_ASSERT(G_N_ELEMENTS(amdvi_cache_prefixes) == AMDVI_NCACHES);

int amdvi_cache_config_set(AMDVICacheConfig *cfg, const char *name,
                           const char *value, GError **errp)
{
    const char *field;
    int i = timing_cache_geometry_prop(amdvi_cache_prefixes, AMDVI_NCACHES,
                                       name, &field);

    switch (i < 0 ? TIMING_GEOMETRY_NOT_MINE
                  : timing_cache_geometry_set(amdvi_geom(cfg, i), field,
                                              value)) {
    case TIMING_GEOMETRY_SET:
        return 1;
    case TIMING_GEOMETRY_BAD_COUNT:
        return amdvi_cache_bad(errp, name, "a number 1..1048576", value);
    case TIMING_GEOMETRY_BAD_POLICY:
        return amdvi_cache_bad(errp, name, "lru, plru, fifo or random", value);
    default:
        return 0;
    }
}

static void amdvi_timing_config(const AMDVICacheConfig *cfg, unsigned i,
                                TimingCacheConfig *tc)
{
    const AMDVICacheGeometry *g = amdvi_geom_c(cfg, i);

    memset(tc, 0, sizeof(*tc));
    tc->name = amdvi_cache_descs[i].prefix;
    tc->entries = g->entries;
    tc->ways = g->ways;
    tc->policy = g->policy;
    tc->value_size = amdvi_cache_descs[i].value_size;
    tc->seed = 0x414d44ull + i;     /* reproducible, distinct per cache */
    tc->hit_cycles = 1;
    tc->miss_cycles = 1;
}

/* Geometry errors name the property that fixes them. */
static TimingCache *amdvi_cache_build(const AMDVICacheConfig *cfg,
                                      unsigned i, GError **errp)
{
    TimingCacheConfig tc;
    GError *err = NULL;
    TimingCache *cache;

    amdvi_timing_config(cfg, i, &tc);
    cache = timing_cache_new(&tc, &err);
    if (!cache) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "amd-iommu: properties '%s-entries', '%s-ways', "
                    "'%s-replacement': %s", tc.name, tc.name, tc.name,
                    err->message);
        g_error_free(err);
    }
    return cache;
}

bool amdvi_cache_config_check(const AMDVICacheConfig *cfg, GError **errp)
{
    for (unsigned i = 0; i < AMDVI_NCACHES; i++) {
        TimingCache *tc = amdvi_cache_build(cfg, i, errp);

        if (!tc) {
            return false;
        }
        timing_cache_free(tc);
    }
    return true;
}

AMDVICaches *amdvi_caches_new(const AMDVICacheConfig *cfg, GError **errp)
{
    AMDVICaches *c = g_new0(AMDVICaches, 1);

    c->cfg = *cfg;
    for (unsigned i = 0; i < AMDVI_NCACHES; i++) {
        *amdvi_slot(c, i) = amdvi_cache_build(cfg, i, errp);
        if (!*amdvi_slot(c, i)) {
            amdvi_caches_free(c);
            return NULL;
        }
    }
    return c;
}

void amdvi_caches_free(AMDVICaches *c)
{
    if (!c) {
        return;
    }
    for (unsigned i = 0; i < AMDVI_NCACHES; i++) {
        timing_cache_free(*amdvi_slot(c, i));
    }
    g_free(c);
}

void amdvi_caches_reset(AMDVICaches *c)
{
    for (unsigned i = 0; c && i < AMDVI_NCACHES; i++) {
        timing_cache_invalidate_all(*amdvi_slot(c, i));
    }
}

void amdvi_cache_count(AMDVICaches *c, AMDVICountKind kind)
{
    if (!c) {
        return;
    }
    switch (kind) {
    case AMDVI_COUNT_PASS_UNTRANS:
        c->ctr.mem_pass_untrans++;
        break;
    case AMDVI_COUNT_PASS_PRETRANS:
        c->ctr.mem_pass_pretrans++;
        break;
    case AMDVI_COUNT_PASS_EXCL:
        c->ctr.mem_pass_excl++;
        break;
    case AMDVI_COUNT_TARGET_ABORT:
        c->ctr.mem_target_abort++;
        break;
    case AMDVI_COUNT_TRANS_TOTAL:
        c->ctr.mem_trans_total++;
        break;
    case AMDVI_COUNT_PT_READ:
        c->ctr.page_tbl_read_tot++;
        c->ctr.page_tbl_read_nst++;
        break;
    case AMDVI_COUNT_PT_READ_GUEST:
        c->ctr.page_tbl_read_tot++;
        c->ctr.page_tbl_read_gst++;
        break;
    }
}
