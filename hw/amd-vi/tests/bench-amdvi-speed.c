/*
 * Simulation speed of the AMD-Vi translate path: ns of host time per
 * translation for an IOTLB hit, an IOTLB miss resumed from a warm
 * page-directory cache, and a cold walk (every page-directory cache
 * misses), with timing=ideal and timing=broadwell-ep (issue 5 item 6:
 * an IOTLB hit under 25 ns with timing on).  `bench-amdvi-speed [N]
 * [hit|warm|cold]`; the runner is hw/core/tests/iommu-bench.h.
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
#include "amdvi-test-util.h"
#include "hw/core/tests/iommu-bench.h"

#define SP_DEV 0x0010
#define SP_DOM 7

/* Mode-3 mapping of one 4 KiB page, tables allocated on the way. */
static void sp_map(ATest *t, uint64_t root, uint64_t iova, uint64_t pa)
{
    uint64_t table = root;

    for (unsigned l = 3; l > 1; l--) {
        uint64_t a = table + at_idx(iova, l) * 8, e = at_r64(t, a);

        if (!amdvi_pde_get_pr(e)) {
            e = at_pde(at_alloc(t), l - 1, true, true);
            at_w64(t, a, e);
        }
        table = amdvi_pde_get_addr(e) << 12;
    }
    at_w64(t, table + at_idx(iova, 1) * 8, at_pte(pa, true, true));
}

/*
 * Mode 3: 512 pages under one level-2 PDE (PDC-warm misses: the IOTLB
 * holds 64) and one page in each of 64 regions 1 GiB apart (64 level-2
 * and level-3 PDEs > the 32- and 16-entry caches: full walks).
 */
static void *sp_setup(const char *timing)
{
    char *props = g_strdup_printf("timing=%s", timing);
    ATest *t = at_new(props);
    uint64_t root = at_alloc(t);

    for (uint64_t i = 0; i < 512; i++) {
        sp_map(t, root, IOMMU_BENCH_BASE + i * 0x1000, 0x2000000 + i * 0x1000);
    }
    for (uint64_t i = 0; i < 64; i++) {
        sp_map(t, root, (i + 2) << 30, 0x3000000);
    }
    at_enable(t);
    at_dte_xlate(t, SP_DEV, 3, root, true, true, SP_DOM);
    g_free(props);
    return t;
}

/*
 * The requester's IOMMU region, resolved once as bench-vtd-speed does, so
 * both vendors' figures are the translate hook and the memory core's
 * call, nothing of the fixture.
 */
static MemoryRegion *sp_region(void *unit, uint16_t *rid, VirtualClock **clk)
{
    ATest *t = unit;
    AMDVIAddressSpace *vas;

    amdvi_dma_as(t->s, SP_DEV);
    vas = (AMDVIAddressSpace *)iommu_requester_space_lookup(t->s->spaces, SP_DEV);
    *rid = SP_DEV;
    *clk = t->clk;
    return &vas->rs.iommu;
}

static void sp_free(void *unit)
{
    at_free(unit);
}

int main(int argc, char **argv)
{
    static const IOMMUBenchVendor amdvi = {
        .name = "amd-iommu",
        .kind_names = { "iotlb hit", "iotlb miss, PDC warm",
                        "cold walk (PDCs miss)" },
        .default_n = 500000,
        .setup = sp_setup,
        .region = sp_region,
        .free = sp_free,
    };

    return iommu_bench_main(argc, argv, &amdvi);
}
