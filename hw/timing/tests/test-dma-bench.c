/*
 * dma_bench: the IOMMU-off baseline from the link model, the link as the
 * bottleneck, a walker-bound IOMMU on the path, the virtual clock,
 * determinism, argument parsing and bad input.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/dma-bench.h"
#include "iommu-sim/iommu.h"

#define TB_RAM (64ull << 20)

typedef struct TBench {
    GuestRAM *ram;
    MemoryRegion sys, ramr, iommu;
    AddressSpace as, iommu_as;
    VirtualClock *clk;
    TimingProfile prof;
    TimingModel *tm;
} TBench;

/* Identity translation that always misses: two pipeline, one read. */
static void tb_translate(MemoryRegion *iommu, uint64_t iova,
                         IOMMUAccessFlags access, MemTxAttrs attrs,
                         IOMMUTranslation *out)
{
    TBench *b = iommu->iommu_opaque;
    TimingXlate x;

    timing_xlate_begin(b->tm, &x, vclock_now(b->clk), attrs.requester_id,
                       iova);
    timing_xlate_lookup(b->tm, &x, TIMING_LOOKUP_IOTLB, false);
    timing_xlate_read(b->tm, &x, 0);
    timing_xlate_finish(b->tm, &x, &out->cost);
    out->entry.target_as = &b->as;
    out->entry.iova = iova & ~0xfffull;
    out->entry.translated_addr = iova & ~0xfffull;
    out->entry.addr_mask = 0xfff;
    out->entry.perm = iova >= TB_RAM / 2 ? IOMMU_NONE : IOMMU_RW;
}

static const IOMMUMemoryRegionOps tb_iommu_ops = {
    .translate = tb_translate,
};

static TBench *tb_new(void)
{
    TBench *b = g_new0(TBench, 1);

    b->ram = guest_ram_new(TB_RAM);
    memory_region_init_container(&b->sys, "sys", MEMORY_REGION_SIZE_2_64);
    memory_region_init_ram(&b->ramr, b->ram, 0, "ram", TB_RAM);
    memory_region_add_subregion(&b->sys, 0, &b->ramr);
    address_space_init(&b->as, &b->sys, "sys");
    memory_region_init_iommu(&b->iommu, &tb_iommu_ops, b, "tb-iommu",
                             MEMORY_REGION_SIZE_2_64);
    address_space_init(&b->iommu_as, &b->iommu, "tb-iommu");
    b->clk = vclock_new();
    /* 2 slots, walk = 100 ns read + 10 cycles step = 110 ns. */
    b->prof = (TimingProfile){ .name = "tb", .clock_mhz = 1000,
                               .walk_step_cycles = 10, .table_read_ns = 100,
                               .walk_slots = 2 };
    b->tm = timing_model_new(&b->prof);
    return b;
}

static void tb_free(TBench *b)
{
    timing_model_free(b->tm);
    vclock_free(b->clk);
    address_space_destroy(&b->iommu_as);
    memory_region_destroy(&b->iommu);
    address_space_destroy(&b->as);
    memory_region_del_subregion(&b->sys, &b->ramr);
    memory_region_destroy(&b->ramr);
    memory_region_destroy(&b->sys);
    guest_ram_free(b->ram);
    g_free(b);
}

static DmaBenchParams tb_params(uint64_t window, uint32_t xfer,
                                uint64_t count)
{
    DmaBenchParams p;

    dma_bench_params_init(&p);
    p.sid = 0x10;
    p.window = window;
    p.xfer = xfer;
    p.count = count;
    return p;
}

START_TEST(test_dma_bench_baseline_latency_600ns)
{
    TBench *b = tb_new();
    DmaBenchParams p = tb_params(1 << 20, 64, 1000);
    DmaBenchResult r;

    /* 4 request + 190 + 205 memory + 12 completion + 190 (broadwell-ep). */
    p.outstanding = 1;
    ck_assert(dma_bench_run(&b->as, b->clk, &p, &r, NULL));
    ck_assert_uint_eq(r.transactions, 1000);
    ck_assert_uint_eq(r.lat_p50_ns, 601);
    ck_assert_uint_eq(r.lat_p99_ns, 601);
    ck_assert_uint_eq(r.translations, 0);
    ck_assert_uint_eq(r.ns, 1000 * 601);
    /* The clock stands at the last completion. */
    ck_assert_int_eq(vclock_now(b->clk), 1000 * 601);
    tb_free(b);
}
END_TEST

START_TEST(test_dma_bench_baseline_tags_bound_throughput)
{
    TBench *b = tb_new();
    DmaBenchParams p = tb_params(1 << 20, 64, 20000);
    DmaBenchResult r;

    /* 32 tags of 64 B every ~601 ns: 27.3 Gb/s, pcie-bench's 27.7-28.1. */
    ck_assert(dma_bench_run(&b->as, b->clk, &p, &r, NULL));
    ck_assert_double_eq_tol(r.gbps, 32 * 512 / 601.0, 0.3);
    ck_assert_uint_ge(r.lat_p50_ns, 601);
    ck_assert_uint_le(r.lat_p50_ns, 640);
    tb_free(b);
}
END_TEST

START_TEST(test_dma_bench_link_bound_throughput)
{
    TBench *b = tb_new();
    DmaBenchParams p = tb_params(8 << 20, 4096, 4000);
    DmaBenchResult r;

    /* 4 KiB = 16 TLPs of 256 B + 24: 4480 B at 63.015 Gb/s per 4096. */
    ck_assert(dma_bench_run(&b->as, b->clk, &p, &r, NULL));
    ck_assert_double_eq_tol(r.gbps, 4096 * 8 / (4480 * 8 / 63.015), 0.5);
    ck_assert_uint_gt(r.link_busy_ns, r.ns * 95 / 100);
    tb_free(b);
}
END_TEST

START_TEST(test_dma_bench_walker_bound_throughput)
{
    TBench *b = tb_new();
    DmaBenchParams p = tb_params(8 << 20, 64, 20000);
    DmaBenchResult r;
    TimingStats st;

    /* Every request walks: 2 slots / 110 ns = 18.2 M/s = 9.3 Gb/s. */
    ck_assert(dma_bench_run(&b->iommu_as, b->clk, &p, &r, NULL));
    ck_assert_uint_eq(r.translations, 20000);
    ck_assert_double_eq_tol(r.gbps, 2 * 512 / 110.0, 0.2);
    timing_model_get_stats(b->tm, &st);
    ck_assert_uint_gt(st.walks_queued, 19000);
    ck_assert_uint_gt(st.walker_full_ns, r.ns * 9 / 10);
    /* One outstanding: no queue, 601 + 110 per transfer. */
    p.outstanding = 1;
    p.count = 100;
    ck_assert(dma_bench_run(&b->iommu_as, b->clk, &p, &r, NULL));
    ck_assert_uint_eq(r.lat_p50_ns, 711);
    tb_free(b);
}
END_TEST

START_TEST(test_dma_bench_faults_counted_not_transferred)
{
    TBench *b = tb_new();
    DmaBenchParams p = tb_params(TB_RAM, 64, 4000);
    DmaBenchResult r;

    /* The upper half of the window is refused by the fake IOMMU. */
    ck_assert(dma_bench_run(&b->iommu_as, b->clk, &p, &r, NULL));
    ck_assert_uint_eq(r.transactions + r.faults, 4000);
    ck_assert_uint_gt(r.faults, 1500);
    ck_assert_uint_gt(r.transactions, 1500);
    tb_free(b);
}
END_TEST

START_TEST(test_dma_bench_determinism_same_seed)
{
    TBench *b1 = tb_new(), *b2 = tb_new();
    DmaBenchParams p = tb_params(8 << 20, 64, 5000);
    DmaBenchResult r1, r2;

    p.seed = 42;
    ck_assert(dma_bench_run(&b1->iommu_as, b1->clk, &p, &r1, NULL));
    ck_assert(dma_bench_run(&b2->iommu_as, b2->clk, &p, &r2, NULL));
    ck_assert_mem_eq(&r1, &r2, sizeof(r1));
    tb_free(b1);
    tb_free(b2);
}
END_TEST

START_TEST(test_dma_bench_write_posted)
{
    TBench *b = tb_new();
    DmaBenchParams p = tb_params(1 << 20, 64, 100);
    DmaBenchResult r;

    /* Data 12 ns up + 190 link + 205 memory; no completion. */
    p.write = true;
    p.outstanding = 1;
    p.pattern = DMA_BENCH_SEQ;
    ck_assert(dma_bench_run(&b->as, b->clk, &p, &r, NULL));
    ck_assert_uint_eq(r.lat_p50_ns, 12 + 190 + 205);
    tb_free(b);
}
END_TEST

START_TEST(test_dma_bench_bad_input_rejected)
{
    TBench *b = tb_new();
    DmaBenchParams p = tb_params(1 << 20, 64, 10);
    DmaBenchResult r;
    GError *err = NULL;

    p.xfer = 0;
    ck_assert(!dma_bench_run(&b->as, b->clk, &p, &r, &err));
    g_clear_error(&err);
    p = tb_params(32, 64, 10);
    ck_assert(!dma_bench_run(&b->as, b->clk, &p, &r, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "WINDOW"));
    g_clear_error(&err);
    p = tb_params(1 << 20, 64, 0);
    ck_assert(!dma_bench_run(&b->as, b->clk, &p, &r, &err));
    g_clear_error(&err);
    p = tb_params(1 << 20, 64, 10);
    p.base = UINT64_MAX - 100;
    ck_assert(!dma_bench_run(&b->as, b->clk, &p, &r, &err));
    g_clear_error(&err);
    p.base = 0;
    vclock_set_realtime(b->clk, true);
    ck_assert(!dma_bench_run(&b->as, b->clk, &p, &r, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "clock"));
    g_clear_error(&err);
    tb_free(b);
}
END_TEST

static bool tb_parse(const char *line, DmaBenchParams *p, GError **err)
{
    char **w = g_strsplit(line, " ", -1);
    bool ok = dma_bench_parse(p, w, (int)g_strv_length(w), err);

    g_strfreev(w);
    return ok;
}

START_TEST(test_dma_bench_parse_options)
{
    DmaBenchParams p;
    GError *err = NULL;

    ck_assert(tb_parse("00:02.0 0x1000 0x40000 64 100", &p, &err));
    ck_assert_uint_eq(p.sid, 0x10);
    ck_assert_uint_eq(p.base, 0x1000);
    ck_assert_uint_eq(p.window, 0x40000);
    ck_assert_uint_eq(p.xfer, 64);
    ck_assert_uint_eq(p.count, 100);
    ck_assert_int_eq(p.pattern, DMA_BENCH_RANDOM);
    ck_assert(!p.write);
    ck_assert(tb_parse("0x18 0 4096 64 1 pattern=seq dir=write "
                       "outstanding=8 seed=9 link=ideal", &p, &err));
    ck_assert_uint_eq(p.sid, 0x18);
    ck_assert_int_eq(p.pattern, DMA_BENCH_SEQ);
    ck_assert(p.write);
    ck_assert_uint_eq(p.outstanding, 8);
    ck_assert_uint_eq(p.seed, 9);
    ck_assert_str_eq(p.link->name, "ideal");
    ck_assert_ptr_null(err);
}
END_TEST

START_TEST(test_dma_bench_parse_bad_input)
{
    static const char *const bad[] = {
        "00:02.0 0 4096 64", "zz 0 4096 64 1", "100:00.0 0 4096 64 1",
        "0x10000 0 4096 64 1", "1 x 4096 64 1", "1 0 4096 0 1",
        "1 0 4096 65537 1", "1 0 4096 64 -1", "1 0 4096 64 1 pattern=zig",
        "1 0 4096 64 1 outstanding=0", "1 0 4096 64 1 outstanding=5000",
        "1 0 4096 64 1 link=nope", "1 0 4096 64 1 seed", "1 0 4096 64 1 x=1",
    };
    DmaBenchParams p;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *err = NULL;

        ck_assert_msg(!tb_parse(bad[i], &p, &err), "%s", bad[i]);
        ck_assert_ptr_nonnull(err);
        ck_assert(g_str_has_prefix(err->message, "dma_bench: "));
        g_error_free(err);
    }
}
END_TEST

START_TEST(test_dma_bench_result_text_fields)
{
    DmaBenchResult r = { .transactions = 3, .ns = 1000, .gbps = 1.536,
                         .lat_mean_ns = 600.4, .lat_p50_ns = 600 };
    char *t = dma_bench_result_text(&r);

    ck_assert(g_str_has_prefix(t, "transactions=3 ns=1000 gbps=1.54 "
                                  "lat_mean_ns=600 lat_p50_ns=600 "));
    g_free(t);
}
END_TEST

static Suite *dma_bench_suite(void)
{
    Suite *s = suite_create("dma-bench");
    TCase *tc = tcase_create("bench");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_dma_bench_baseline_latency_600ns);
    tcase_add_test(tc, test_dma_bench_baseline_tags_bound_throughput);
    tcase_add_test(tc, test_dma_bench_link_bound_throughput);
    tcase_add_test(tc, test_dma_bench_walker_bound_throughput);
    tcase_add_test(tc, test_dma_bench_faults_counted_not_transferred);
    tcase_add_test(tc, test_dma_bench_determinism_same_seed);
    tcase_add_test(tc, test_dma_bench_write_posted);
    tcase_add_test(tc, test_dma_bench_bad_input_rejected);
    tcase_add_test(tc, test_dma_bench_parse_options);
    tcase_add_test(tc, test_dma_bench_parse_bad_input);
    tcase_add_test(tc, test_dma_bench_result_text_fields);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dma_bench_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
