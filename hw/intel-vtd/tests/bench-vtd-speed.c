/*
 * Simulation speed of the VT-d translate path: ns of host time per
 * translation for an IOTLB hit, an IOTLB miss with warm paging-structure
 * caches, and a cold walk (every paging-structure cache misses), with
 * timing=ideal and timing=broadwell-ep.  Target (issue 5): an IOTLB hit
 * under 25 ns with timing on.  `bench-vtd-speed [N] [hit|warm|cold]`;
 * the runner is shared with AMD-Vi (hw/core/tests/iommu-bench.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/*
 * The fixture's ck_assert_msg needs a running Check test; here a failed
 * setup step just aborts.
 */
#include <check.h>
#undef ck_assert_msg
#define ck_assert_msg(expr, ...) ((expr) ? (void)0 : abort())
#include "vtd-test-util.h"
#include "hw/core/tests/iommu-bench.h"

#define SP_SID 0x10

/*
 * 3-level tables: 512 pages under one PDE (PSC-warm misses: the IOTLB
 * holds 64) and one page in each of 64 GiB-apart regions (64 PDPEs > the
 * 16-entry PDPE cache: full walks).
 */
static void *sp_setup(const char *timing)
{
    char *props = g_strdup_printf("timing=%s", timing);
    VTest *t = vt_new(props);
    uint64_t root = vt_alloc_table(t);

    for (uint64_t i = 0; i < 512; i++) {
        vt_map(t, root, 3, IOMMU_BENCH_BASE + i * 0x1000, 0x1000000 + i * 0x1000,
               1, 3);
    }
    for (uint64_t i = 0; i < 64; i++) {
        vt_map(t, root, 3, (i + 2) << 30, 0x2000000, 1, 3);
    }
    vt_ctx_ss(t, SP_SID, 0, root, 1, 1);
    vt_enable(t);
    g_free(props);
    return t;
}

/*
 * The requester's IOMMU region, resolved once: the figures are the
 * translate hook and the memory core's call, nothing of the fixture.
 */
static MemoryRegion *sp_region(void *unit, uint16_t *rid, VirtualClock **clk)
{
    VTest *t = unit;
    VTDAddressSpace *vas;

    vtd_dma_as(t->s, SP_SID);
    vas = (VTDAddressSpace *)iommu_requester_space_lookup(t->s->spaces, SP_SID);
    *rid = SP_SID;
    *clk = t->clk;
    return &vas->rs.iommu;
}

static void sp_free(void *unit)
{
    vt_free(unit);
}

int main(int argc, char **argv)
{
    static const IOMMUBenchVendor vtd = {
        .name = "intel-iommu",
        .kind_names = { "iotlb hit", "iotlb miss, PSCs warm",
                        "cold walk (PSCs miss)" },
        .default_n = 500000,
        .setup = sp_setup,
        .region = sp_region,
        .free = sp_free,
    };

    return iommu_bench_main(argc, argv, &vtd);
}
