/*
 * Statistics of the VT-d caches for the `stats` verb.
 *
 * Names follow Intel's IIO IOMMU uncore PMU events (Ice Lake-SP / Sapphire
 * Rapids event lists, UNC_IIO_IOMMU0..3.*) lowercased without the UNC_IIO_
 * prefix where an event exists; the model's own counters carry a "vtd."
 * prefix.  docs/vtd.md "Caches and invalidation" has the mapping.  The
 * list and its text form are hw/timing/timing-stats.c's.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/intel-vtd/vtd-cache.h"
#include "iommu-sim/timing-stats.h"

static void vtd_stat_pmu(const VTDCaches *c, TimingStats *st)
{
    TimingCacheStats io = timing_cache_stats_or_zero(c->iotlb);
    TimingCacheStats cc = timing_cache_stats_or_zero(c->cc);
    TimingCacheStats iec = timing_cache_stats_or_zero(c->iec);
    const VTDCacheCounters *ctr = &c->ctr;
    uint64_t fills = 0;

    for (unsigned k = 0; k < VTD_PSC_COUNT; k++) {
        fills += timing_cache_stats_or_zero(c->psc[k]).insertions;
    }
    timing_stats_add(st, "iommu0.first_lookups", io.lookups);
    timing_stats_add(st, "iommu0.all_lookups", io.lookups);
    timing_stats_add(st, "iommu0.4k_hits", ctr->iotlb_hits_by_size[0]);
    timing_stats_add(st, "iommu0.2m_hits", ctr->iotlb_hits_by_size[1]);
    timing_stats_add(st, "iommu0.1g_hits", ctr->iotlb_hits_by_size[2]);
    timing_stats_add(st, "iommu0.misses", io.misses);
    timing_stats_add(st, "iommu0.ctxt_cache_lookups", cc.lookups);
    timing_stats_add(st, "iommu0.ctxt_cache_hits", cc.hits);
    timing_stats_add(st, "iommu1.pwt_cache_lookups", ctr->psc_lookups);
    timing_stats_add(st, "iommu1.pwc_4k_hits", ctr->psc_hits[VTD_PSC_PDE]);
    timing_stats_add(st, "iommu1.pwc_2m_hits", ctr->psc_hits[VTD_PSC_PDPE]);
    timing_stats_add(st, "iommu1.pwc_1g_hits", ctr->psc_hits[VTD_PSC_PML4E]);
    timing_stats_add(st, "iommu1.pwc_512g_hits",
                     ctr->psc_hits[VTD_PSC_PML5E]);
    timing_stats_add(st, "iommu1.pwc_cache_fills", fills);
    timing_stats_add(st, "iommu1.num_mem_accesses", ctr->walk_mem_reads);
    timing_stats_add(st, "iommu3.int_cache_lookups", iec.lookups);
    timing_stats_add(st, "iommu3.int_cache_hits", iec.hits);
}

static void vtd_stat_inv(const VTDCacheCounters *ctr, TimingStats *st)
{
    timing_stats_add(st, "iommu3.num_inval_gbl", ctr->iotlb_inv[0]);
    timing_stats_add(st, "iommu3.num_inval_domain", ctr->iotlb_inv[1]);
    timing_stats_add(st, "iommu3.num_inval_page", ctr->iotlb_inv[2]);
    timing_stats_add(st, "iommu3.num_ctxt_cache_inval_gbl", ctr->cc_inv[0]);
    timing_stats_add(st, "iommu3.num_ctxt_cache_inval_domain",
                     ctr->cc_inv[1]);
    timing_stats_add(st, "iommu3.num_ctxt_cache_inval_device",
                     ctr->cc_inv[2]);
    timing_stats_add(st, "vtd.iec_inval_gbl", ctr->iec_inv[0]);
    timing_stats_add(st, "vtd.iec_inval_index", ctr->iec_inv[2]);
    timing_stats_add(st, "vtd.devtlb_inval", ctr->devtlb_inv);
    timing_stats_add(st, "vtd.inv_wait", ctr->wait_desc);
}

static void vtd_stat_items(const VTDCaches *c, TimingStats *st)
{
    static const char *const psc_names[] = { "pde", "pdpe", "pml4e",
                                             "pml5e" };

    timing_stats_init(st);
    vtd_stat_pmu(c, st);
    vtd_stat_inv(&c->ctr, st);
    /* Named by the property prefixes, not the caches' own names. */
    timing_stats_add_cache(st, "vtd", "cc", c->cc);
    timing_stats_add_cache(st, "vtd", "iotlb", c->iotlb);
    for (unsigned k = 0; k < VTD_PSC_COUNT; k++) {
        timing_stats_add_cache(st, "vtd", psc_names[k], c->psc[k]);
    }
    timing_stats_add_cache(st, "vtd", "iec", c->iec);
}

char *vtd_cache_stats_text(const VTDCaches *c)
{
    TimingStats st;

    vtd_stat_items(c, &st);
    return timing_stats_text(&st);
}

bool vtd_cache_stat(const VTDCaches *c, const char *name, uint64_t *out)
{
    TimingStats st;

    vtd_stat_items(c, &st);
    return timing_stats_find(&st, name, out);
}
