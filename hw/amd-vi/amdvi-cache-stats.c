/*
 * Statistics of the AMD-Vi caches for the `stats` verb.
 *
 * Names are the AMD IOMMU PMU events as Linux publishes them
 * (arch/x86/events/amd/iommu.c, "csource" 01h-13h): mem_pass_untrans,
 * mem_iommu_tlb_pte_hit, mem_dte_mis ...  The model's own counters (per
 * cache geometry activity, hits per level) carry an "amdvi." prefix.
 * docs/amdvi.md "Command buffer, caches and IVRS" has the mapping and the
 * places where the model's reading of an event is an approximation.
 * The list and its text form are hw/timing/timing-stats.c's.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/amd-vi/amdvi-cache.h"
#include "iommu-sim/timing-stats.h"

static void amdvi_stat_pmu(const AMDVICaches *c, TimingStats *st)
{
    TimingCacheStats io = timing_cache_stats_or_zero(c->iotlb);
    TimingCacheStats dte = timing_cache_stats_or_zero(c->dte);
    TimingCacheStats irte = timing_cache_stats_or_zero(c->irte);
    uint64_t pdc_hits = 0;

    for (unsigned i = 0; i < AMDVI_PDC_COUNT; i++) {
        pdc_hits += c->ctr.pdc_hits[i];
    }
    timing_stats_add(st, "mem_pass_untrans", c->ctr.mem_pass_untrans);
    timing_stats_add(st, "mem_pass_pretrans", c->ctr.mem_pass_pretrans);
    timing_stats_add(st, "mem_pass_excl", c->ctr.mem_pass_excl);
    timing_stats_add(st, "mem_target_abort", c->ctr.mem_target_abort);
    timing_stats_add(st, "mem_trans_total", c->ctr.mem_trans_total);
    timing_stats_add(st, "mem_iommu_tlb_pte_hit", io.hits);
    timing_stats_add(st, "mem_iommu_tlb_pte_mis", io.misses);
    timing_stats_add(st, "mem_iommu_tlb_pde_hit", pdc_hits);
    timing_stats_add(st, "mem_iommu_tlb_pde_mis",
                     c->ctr.pdc_lookups - pdc_hits);
    timing_stats_add(st, "mem_dte_hit", dte.hits);
    timing_stats_add(st, "mem_dte_mis", dte.misses);
    timing_stats_add(st, "page_tbl_read_tot", c->ctr.page_tbl_read_tot);
    timing_stats_add(st, "page_tbl_read_nst", c->ctr.page_tbl_read_nst);
    timing_stats_add(st, "page_tbl_read_gst", c->ctr.page_tbl_read_gst);
    timing_stats_add(st, "int_dte_hit", irte.hits);
    timing_stats_add(st, "int_dte_mis", irte.misses);
    timing_stats_add(st, "cmd_processed", c->ctr.cmd_processed);
    timing_stats_add(st, "cmd_processed_inv", c->ctr.cmd_processed_inv);
    timing_stats_add(st, "tlb_inv", c->ctr.tlb_inv);
}

static void amdvi_stat_items(const AMDVICaches *c, TimingStats *st)
{
    char name[TIMING_STATS_NAME_LEN];

    timing_stats_init(st);
    amdvi_stat_pmu(c, st);
    for (unsigned l = 0; l < AMDVI_LEVEL_MAX; l++) {
        g_snprintf(name, sizeof(name), "amdvi.iotlb.l%u_hits", l + 1);
        timing_stats_add(st, name, c->ctr.iotlb_hits_by_level[l]);
    }
    timing_stats_add(st, "amdvi.iotlb.range_invalidated",
                     c->ctr.iotlb_pages_invalidated);
    /* Named by each cache's own name ("?" for one not built). */
    timing_stats_add_cache(st, "amdvi", NULL, c->dte);
    timing_stats_add_cache(st, "amdvi", NULL, c->iotlb);
    for (unsigned i = 0; i < AMDVI_PDC_COUNT; i++) {
        timing_stats_add_cache(st, "amdvi", NULL, c->pdc[i]);
    }
    timing_stats_add_cache(st, "amdvi", NULL, c->irte);
}

char *amdvi_cache_stats_text(const AMDVICaches *c)
{
    TimingStats st;

    if (!c) {
        return g_strdup("");
    }
    amdvi_stat_items(c, &st);
    return timing_stats_text(&st);
}

bool amdvi_cache_stat(const AMDVICaches *c, const char *name, uint64_t *out)
{
    TimingStats st;

    if (!c || !name) {
        return false;
    }
    amdvi_stat_items(c, &st);
    return timing_stats_find(&st, name, out);
}
