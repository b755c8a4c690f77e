/*
 * Statistics of the AMD-Vi caches for the `stats` verb.
 *
 * Names are the AMD IOMMU PMU events as Linux publishes them
 * (arch/x86/events/amd/iommu.c, "csource" 01h-13h): mem_pass_untrans,
 * mem_iommu_tlb_pte_hit, mem_dte_mis ...  The model's own counters (per
 * cache geometry activity, hits per level) carry an "amdvi." prefix.
 * docs/amdvi.md "Command buffer, caches and IVRS" has the mapping and the
 * places where the model's reading of an event is an approximation.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/amd-vi/amdvi-cache.h"

typedef struct AMDVIStatItem {
    char name[48];
    uint64_t value;
} AMDVIStatItem;

#define AMDVI_STAT_MAX 96

static TimingCacheStats amdvi_stat_of(const TimingCache *tc)
{
    TimingCacheStats st = { 0 };

    if (tc) {
        timing_cache_get_stats(tc, &st);
    }
    return st;
}

static unsigned amdvi_stat_cache(AMDVIStatItem *it, unsigned n,
                                 const TimingCache *tc)
{
    static const char *const fields[] = {
        "lookups", "hits", "misses", "fills", "evictions", "invalidated",
    };
    TimingCacheStats st = amdvi_stat_of(tc);
    const uint64_t v[] = { st.lookups, st.hits, st.misses, st.insertions,
                           st.evictions, st.invalidations };

    for (unsigned i = 0; i < G_N_ELEMENTS(fields); i++) {
        g_snprintf(it[n].name, sizeof(it[n].name), "amdvi.%s.%s",
                   tc ? timing_cache_name(tc) : "?", fields[i]);
        it[n++].value = v[i];
    }
    return n;
}

static unsigned amdvi_stat_pmu(const AMDVICaches *c, AMDVIStatItem *it)
{
    TimingCacheStats io = amdvi_stat_of(c->iotlb);
    TimingCacheStats dte = amdvi_stat_of(c->dte);
    TimingCacheStats irte = amdvi_stat_of(c->irte);
    uint64_t pdc_hits = 0;
    unsigned n = 0;

    for (unsigned i = 0; i < AMDVI_PDC_COUNT; i++) {
        pdc_hits += c->ctr.pdc_hits[i];
    }
#define ITEM(nm, val) do { \
        g_strlcpy(it[n].name, (nm), sizeof(it[n].name)); \
        it[n++].value = (val); \
    } while (0)
    ITEM("mem_pass_untrans", c->ctr.mem_pass_untrans);
    ITEM("mem_pass_pretrans", c->ctr.mem_pass_pretrans);
    ITEM("mem_pass_excl", c->ctr.mem_pass_excl);
    ITEM("mem_target_abort", c->ctr.mem_target_abort);
    ITEM("mem_trans_total", c->ctr.mem_trans_total);
    ITEM("mem_iommu_tlb_pte_hit", io.hits);
    ITEM("mem_iommu_tlb_pte_mis", io.misses);
    ITEM("mem_iommu_tlb_pde_hit", pdc_hits);
    ITEM("mem_iommu_tlb_pde_mis", c->ctr.pdc_lookups - pdc_hits);
    ITEM("mem_dte_hit", dte.hits);
    ITEM("mem_dte_mis", dte.misses);
    ITEM("page_tbl_read_tot", c->ctr.page_tbl_read_tot);
    ITEM("page_tbl_read_nst", c->ctr.page_tbl_read_nst);
    ITEM("page_tbl_read_gst", c->ctr.page_tbl_read_gst);
    ITEM("int_dte_hit", irte.hits);
    ITEM("int_dte_mis", irte.misses);
    ITEM("cmd_processed", c->ctr.cmd_processed);
    ITEM("cmd_processed_inv", c->ctr.cmd_processed_inv);
    ITEM("tlb_inv", c->ctr.tlb_inv);
#undef ITEM
    return n;
}

static unsigned amdvi_stat_items(const AMDVICaches *c, AMDVIStatItem *it)
{
    unsigned n = amdvi_stat_pmu(c, it);

    for (unsigned l = 0; l < AMDVI_LEVEL_MAX; l++) {
        g_snprintf(it[n].name, sizeof(it[n].name), "amdvi.iotlb.l%u_hits",
                   l + 1);
        it[n++].value = c->ctr.iotlb_hits_by_level[l];
    }
    g_strlcpy(it[n].name, "amdvi.iotlb.range_invalidated",
              sizeof(it[n].name));
    it[n++].value = c->ctr.iotlb_pages_invalidated;
    n = amdvi_stat_cache(it, n, c->dte);
    n = amdvi_stat_cache(it, n, c->iotlb);
    for (unsigned i = 0; i < AMDVI_PDC_COUNT; i++) {
        n = amdvi_stat_cache(it, n, c->pdc[i]);
    }
    n = amdvi_stat_cache(it, n, c->irte);
    g_assert(n <= AMDVI_STAT_MAX);
    return n;
}

char *amdvi_cache_stats_text(const AMDVICaches *c)
{
    AMDVIStatItem it[AMDVI_STAT_MAX];
    GString *s = g_string_new(NULL);
    unsigned n;

    if (!c) {
        return g_string_free(s, FALSE);
    }
    n = amdvi_stat_items(c, it);
    for (unsigned i = 0; i < n; i++) {
        g_string_append_printf(s, "%s%s=%" G_GUINT64_FORMAT, i ? " " : "",
                               it[i].name, it[i].value);
    }
    return g_string_free(s, FALSE);
}

bool amdvi_cache_stat(const AMDVICaches *c, const char *name, uint64_t *out)
{
    AMDVIStatItem it[AMDVI_STAT_MAX];
    unsigned n;

    if (!c || !name) {
        return false;
    }
    n = amdvi_stat_items(c, it);
    for (unsigned i = 0; i < n; i++) {
        if (strcmp(it[i].name, name) == 0) {
            *out = it[i].value;
            return true;
        }
    }
    return false;
}
