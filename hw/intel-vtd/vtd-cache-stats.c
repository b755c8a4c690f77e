/*
 * Statistics of the VT-d caches for the `stats` verb.
 *
 * Names follow Intel's IIO IOMMU uncore PMU events (Ice Lake-SP / Sapphire
 * Rapids event lists, UNC_IIO_IOMMU0..3.*) lowercased without the UNC_IIO_
 * prefix where an event exists; the model's own counters carry a "vtd."
 * prefix.  docs/vtd.md "Caches and invalidation" has the mapping.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/intel-vtd/vtd-cache.h"

typedef struct VTDStatItem {
    char name[48];
    uint64_t value;
} VTDStatItem;

#define VTD_STAT_MAX 96

static TimingCacheStats vtd_stat_of(const TimingCache *tc)
{
    TimingCacheStats st = { 0 };

    if (tc) {
        timing_cache_get_stats(tc, &st);
    }
    return st;
}

static unsigned vtd_stat_cache(VTDStatItem *it, unsigned n, const char *pfx,
                               const TimingCache *tc)
{
    static const char *const fields[] = {
        "lookups", "hits", "misses", "fills", "evictions", "invalidated",
    };
    TimingCacheStats st = vtd_stat_of(tc);
    const uint64_t v[] = { st.lookups, st.hits, st.misses, st.insertions,
                           st.evictions, st.invalidations };

    for (unsigned i = 0; i < G_N_ELEMENTS(fields); i++) {
        g_snprintf(it[n].name, sizeof(it[n].name), "vtd.%s.%s", pfx,
                   fields[i]);
        it[n++].value = v[i];
    }
    return n;
}

static unsigned vtd_stat_items(const VTDCaches *c, VTDStatItem *it)
{
    static const char *const psc_names[] = { "pde", "pdpe", "pml4e",
                                             "pml5e" };
    TimingCacheStats io = vtd_stat_of(c->iotlb);
    TimingCacheStats cc = vtd_stat_of(c->cc);
    TimingCacheStats iec = vtd_stat_of(c->iec);
    uint64_t fills = 0;
    unsigned n = 0;

    for (unsigned k = 0; k < VTD_PSC_COUNT; k++) {
        fills += vtd_stat_of(c->psc[k]).insertions;
    }
#define ITEM(nm, val) do { \
        g_strlcpy(it[n].name, (nm), sizeof(it[n].name)); \
        it[n++].value = (val); \
    } while (0)
    ITEM("iommu0.first_lookups", io.lookups);
    ITEM("iommu0.all_lookups", io.lookups);
    ITEM("iommu0.4k_hits", c->ctr.iotlb_hits_by_size[0]);
    ITEM("iommu0.2m_hits", c->ctr.iotlb_hits_by_size[1]);
    ITEM("iommu0.1g_hits", c->ctr.iotlb_hits_by_size[2]);
    ITEM("iommu0.misses", io.misses);
    ITEM("iommu0.ctxt_cache_lookups", cc.lookups);
    ITEM("iommu0.ctxt_cache_hits", cc.hits);
    ITEM("iommu1.pwt_cache_lookups", c->ctr.psc_lookups);
    ITEM("iommu1.pwc_4k_hits", c->ctr.psc_hits[VTD_PSC_PDE]);
    ITEM("iommu1.pwc_2m_hits", c->ctr.psc_hits[VTD_PSC_PDPE]);
    ITEM("iommu1.pwc_1g_hits", c->ctr.psc_hits[VTD_PSC_PML4E]);
    ITEM("iommu1.pwc_512g_hits", c->ctr.psc_hits[VTD_PSC_PML5E]);
    ITEM("iommu1.pwc_cache_fills", fills);
    ITEM("iommu1.num_mem_accesses", c->ctr.walk_mem_reads);
    ITEM("iommu3.int_cache_lookups", iec.lookups);
    ITEM("iommu3.int_cache_hits", iec.hits);
    ITEM("iommu3.num_inval_gbl", c->ctr.iotlb_inv[0]);
    ITEM("iommu3.num_inval_domain", c->ctr.iotlb_inv[1]);
    ITEM("iommu3.num_inval_page", c->ctr.iotlb_inv[2]);
    ITEM("iommu3.num_ctxt_cache_inval_gbl", c->ctr.cc_inv[0]);
    ITEM("iommu3.num_ctxt_cache_inval_domain", c->ctr.cc_inv[1]);
    ITEM("iommu3.num_ctxt_cache_inval_device", c->ctr.cc_inv[2]);
    ITEM("vtd.iec_inval_gbl", c->ctr.iec_inv[0]);
    ITEM("vtd.iec_inval_index", c->ctr.iec_inv[2]);
    ITEM("vtd.devtlb_inval", c->ctr.devtlb_inv);
    ITEM("vtd.inv_wait", c->ctr.wait_desc);
#undef ITEM
    n = vtd_stat_cache(it, n, "cc", c->cc);
    n = vtd_stat_cache(it, n, "iotlb", c->iotlb);
    for (unsigned k = 0; k < VTD_PSC_COUNT; k++) {
        n = vtd_stat_cache(it, n, psc_names[k], c->psc[k]);
    }
    n = vtd_stat_cache(it, n, "iec", c->iec);
    g_assert(n <= VTD_STAT_MAX);
    return n;
}

char *vtd_cache_stats_text(const VTDCaches *c)
{
    VTDStatItem it[VTD_STAT_MAX];
    unsigned n = vtd_stat_items(c, it);
    GString *s = g_string_new(NULL);

    for (unsigned i = 0; i < n; i++) {
        g_string_append_printf(s, "%s%s=%" G_GUINT64_FORMAT, i ? " " : "",
                               it[i].name, it[i].value);
    }
    return g_string_free(s, FALSE);
}

bool vtd_cache_stat(const VTDCaches *c, const char *name, uint64_t *out)
{
    VTDStatItem it[VTD_STAT_MAX];
    unsigned n = vtd_stat_items(c, it);

    for (unsigned i = 0; i < n; i++) {
        if (strcmp(it[i].name, name) == 0) {
            *out = it[i].value;
            return true;
        }
    }
    return false;
}
