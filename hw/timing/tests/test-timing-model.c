/*
 * TimingModel: profiles, walker-slot queueing, cost of a translation as
 * the sum along its path, determinism, the ideal profile, invalidation
 * drain, statistics text and the trace file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iommu-sim/timing.h"

/* A profile with round numbers so expected times are easy to state. */
static TimingProfile tt_profile(unsigned slots)
{
    TimingProfile p = {
        .name = "test",
        .clock_mhz = 1000,
        .lookup_cycles = { 3, 3, 5, 7, 2 },
        .walk_step_cycles = 10,
        .table_read_ns = 100,
        .walk_slots = slots,
        .inv_fetch_ns = 50,
        .inv_cycles = { [TIMING_INV_IOTLB_PAGE] = 20 },
        .inv_drains_walks = true,
    };
    return p;
}

/* A miss translation: config hit, IOTLB miss, PWC hit, one read. */
static int64_t tt_miss(TimingModel *tm, int64_t at, IOMMUCost *c)
{
    TimingXlate x;

    timing_xlate_begin(tm, &x, at, 0x10, 0x1000);
    timing_xlate_lookup(tm, &x, TIMING_LOOKUP_CONFIG, true);
    timing_xlate_lookup(tm, &x, TIMING_LOOKUP_IOTLB, false);
    timing_xlate_lookup(tm, &x, TIMING_LOOKUP_PWC, true);
    timing_xlate_read(tm, &x, 0x5000);
    return timing_xlate_finish(tm, &x, c);
}

START_TEST(test_timing_profile_find_named)
{
    const TimingProfile *b = timing_profile_find("broadwell-ep");

    ck_assert_ptr_nonnull(timing_profile_find("ideal"));
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_null(timing_profile_find("skylake"));
    ck_assert_ptr_null(timing_profile_find(NULL));
    ck_assert(timing_profile_is_ideal(timing_profile_find("ideal")));
    ck_assert(!timing_profile_is_ideal(b));
    ck_assert_uint_gt(b->walk_slots, 0);
    ck_assert_uint_eq(b->dev_tags, 32);
    ck_assert_str_eq(timing_profile_names()[1], "broadwell-ep");
}
END_TEST

START_TEST(test_timing_cycles_conversion_rounds)
{
    TimingProfile p = tt_profile(1);

    p.clock_mhz = 1500;
    ck_assert_uint_eq(timing_cycles_to_ns(&p, 3), 2);
    ck_assert_uint_eq(timing_cycles_to_ns(&p, 1), 1);   /* rounded up */
    ck_assert_uint_eq(timing_ns_to_cycles(&p, 2), 3);
    ck_assert_uint_eq(timing_cycles_to_ns(timing_profile_find("ideal"), 99),
                      0);
}
END_TEST

START_TEST(test_timing_xlate_cost_is_sum_along_path)
{
    TimingProfile p = tt_profile(4);
    TimingModel *tm = timing_model_new(&p);
    IOMMUCost c = { 0 };
    TimingXlate x;

    /* pipeline 3 + 5, walker 7 + 10 + one read of 100 = 125 ns. */
    ck_assert_int_eq(tt_miss(tm, 1000, &c), 1125);
    ck_assert_uint_eq(c.ns, 125);
    ck_assert_uint_eq(c.cycles, 125);
    ck_assert_uint_eq(c.mem_reads, 1);
    /* A hit never touches the walker: 3 + 5. */
    timing_xlate_begin(tm, &x, 2000, 0x10, 0x1000);
    timing_xlate_lookup(tm, &x, TIMING_LOOKUP_CONFIG, true);
    timing_xlate_lookup(tm, &x, TIMING_LOOKUP_IOTLB, true);
    memset(&c, 0, sizeof(c));
    ck_assert_int_eq(timing_xlate_finish(tm, &x, &c), 2008);
    ck_assert_uint_eq(c.mem_reads, 0);
    timing_model_free(tm);
}
END_TEST

START_TEST(test_timing_walker_queues_when_slots_busy)
{
    TimingProfile p = tt_profile(2);
    TimingModel *tm = timing_model_new(&p);
    TimingStats st;
    IOMMUCost c;

    /* Three walks at once on two slots: the third waits a whole walk. */
    ck_assert_int_eq(tt_miss(tm, 0, &c), 125);
    ck_assert_int_eq(tt_miss(tm, 0, &c), 125);
    ck_assert_int_eq(tt_miss(tm, 0, &c), 125 + 117);
    ck_assert_uint_eq(c.ns, 242);
    timing_model_get_stats(tm, &st);
    ck_assert_uint_eq(st.walks, 3);
    ck_assert_uint_eq(st.walks_queued, 1);
    ck_assert_uint_eq(st.walk_queue_ns, 117);
    ck_assert_uint_eq(st.walker_full_ns, 117);
    /* After the slots drain nothing waits. */
    ck_assert_int_eq(tt_miss(tm, 10000, &c), 10125);
    timing_model_get_stats(tm, &st);
    ck_assert_uint_eq(st.walks_queued, 1);
    timing_model_free(tm);
}
END_TEST

START_TEST(test_timing_walker_throughput_is_slots_over_walk_time)
{
    TimingProfile p = tt_profile(4);
    TimingModel *tm = timing_model_new(&p);
    int64_t last = 0;
    IOMMUCost c;

    /* 400 walks arriving together: 100 rounds of 117 ns walker time. */
    for (int i = 0; i < 400; i++) {
        int64_t done = tt_miss(tm, 0, &c);

        last = MAX(last, done);
    }
    ck_assert_int_eq(last, 8 + 100 * 117);
    timing_model_free(tm);
}
END_TEST

START_TEST(test_timing_walker_unlimited_slots_never_queue)
{
    TimingProfile p = tt_profile(0);
    TimingModel *tm = timing_model_new(&p);
    IOMMUCost c;

    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(tt_miss(tm, 0, &c), 125);
    }
    timing_model_free(tm);
}
END_TEST

START_TEST(test_timing_ideal_profile_zero_time)
{
    TimingModel *tm = timing_model_new(timing_profile_find("ideal"));
    IOMMUCost c = { 0 };
    TimingStats st;

    for (int i = 0; i < 50; i++) {
        ck_assert_int_eq(tt_miss(tm, 777, &c), 777);
        ck_assert_uint_eq(c.ns, 0);
        ck_assert_uint_eq(c.cycles, 0);
    }
    ck_assert_int_eq(timing_invalidate(tm, TIMING_INV_IOTLB_GLOBAL, 5), 5);
    timing_model_get_stats(tm, &st);
    ck_assert_uint_eq(st.walks, 50);
    ck_assert_uint_eq(st.walk_reads, 50);
    ck_assert_uint_eq(st.walks_queued, 0);
    ck_assert_uint_eq(st.invalidations[TIMING_INV_IOTLB_GLOBAL], 1);
    timing_model_free(tm);
}
END_TEST

/* A pseudo-random arrival pattern; returns the sum of completion times. */
static int64_t tt_replay(uint64_t seed, TimingStats *st)
{
    TimingModel *tm = timing_model_new(timing_profile_find("broadwell-ep"));
    GRand *r = g_rand_new_with_seed((guint32)seed);
    int64_t t = 0, sum = 0;
    IOMMUCost c;

    for (int i = 0; i < 2000; i++) {
        TimingXlate x;

        t += g_rand_int_range(r, 0, 40);
        timing_xlate_begin(tm, &x, t, 1, (uint64_t)i << 12);
        timing_xlate_lookup(tm, &x, TIMING_LOOKUP_CONFIG, true);
        timing_xlate_lookup(tm, &x, TIMING_LOOKUP_IOTLB,
                            g_rand_boolean(r));
        timing_xlate_reads(tm, &x, (uint32_t)g_rand_int_range(r, 0, 3));
        sum += timing_xlate_finish(tm, &x, &c);
    }
    timing_model_get_stats(tm, st);
    g_rand_free(r);
    timing_model_free(tm);
    return sum;
}

START_TEST(test_timing_determinism_same_inputs_same_cycles)
{
    TimingStats a, b, c;

    ck_assert_int_eq(tt_replay(7, &a), tt_replay(7, &b));
    ck_assert_mem_eq(&a, &b, sizeof(a));
    ck_assert_int_ne(tt_replay(8, &c), tt_replay(7, &b));
    ck_assert_uint_gt(a.walks_queued, 0);   /* the pattern does queue */
}
END_TEST

START_TEST(test_timing_invalidation_drains_walks)
{
    TimingProfile p = tt_profile(1);
    TimingModel *tm = timing_model_new(&p);
    IOMMUCost c;

    /* Alone: fetch 50 + 20 cycles. */
    ck_assert_int_eq(timing_invalidate(tm, TIMING_INV_IOTLB_PAGE, 0), 70);
    /* Behind a walk that finishes at 1125: drains it first. */
    tt_miss(tm, 1000, &c);
    ck_assert_int_eq(timing_invalidate(tm, TIMING_INV_IOTLB_PAGE, 1010),
                     1125);
    p.inv_drains_walks = false;
    ck_assert_int_eq(timing_invalidate(tm, TIMING_INV_IOTLB_PAGE, 1010),
                     1080);
    ck_assert_int_eq(timing_invalidate(tm, TIMING_INV_COUNT, 3), 3);
    timing_model_free(tm);
}
END_TEST

/* A hit through the full path: config and IOTLB lookups only. */
static int64_t tt_hit(TimingModel *tm, int64_t at, IOMMUCost *c)
{
    TimingXlate x;

    timing_xlate_begin(tm, &x, at, 0x10, 0x1000);
    timing_xlate_lookup(tm, &x, TIMING_LOOKUP_CONFIG, true);
    timing_xlate_lookup(tm, &x, TIMING_LOOKUP_IOTLB, true);
    return timing_xlate_finish(tm, &x, c);
}

/*
 * lookup_slots: the pipeline (config 3 + IOTLB 5 = 8 ns) holds two
 * translations; a third arriving at the same instant waits for the
 * first place to free, whichever path charges it, and the counters and
 * latency sums say so.
 */
START_TEST(test_timing_lookup_pipeline_queues_when_full)
{
    TimingProfile p = tt_profile(1);
    TimingModel *full, *fast;
    const uint32_t kinds = 1u << TIMING_LOOKUP_CONFIG |
                           1u << TIMING_LOOKUP_IOTLB;
    IOMMUCost cf[4], cq[4];
    TimingStats sf, sq;
    GString *text = g_string_new("");

    p.lookup_slots = 2;
    full = timing_model_new(&p);
    fast = timing_model_new(&p);
    for (int i = 0; i < 3; i++) {
        tt_hit(full, 1000, &cf[i]);
        memset(&cq[i], 0, sizeof(cq[i]));
        timing_xlate_pipeline_hit(fast, 1000, kinds, &cq[i]);
    }
    /* Later, after the pipeline drained: no wait. */
    tt_hit(full, 2000, &cf[3]);
    timing_xlate_pipeline_hit(fast, 2000, kinds, &cq[3]);
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(cf[i].ns, i == 2 ? 16 : 8);
        ck_assert_uint_eq(cq[i].ns, cf[i].ns);
        ck_assert_uint_eq(cq[i].cycles, cf[i].cycles);
    }
    timing_model_get_stats(full, &sf);
    timing_model_get_stats(fast, &sq);
    ck_assert_uint_eq(sf.lookups_queued, 1);
    ck_assert_uint_eq(sf.lookup_queue_ns, 8);
    ck_assert_uint_eq(sq.lookups_queued, sf.lookups_queued);
    ck_assert_uint_eq(sq.lookup_queue_ns, sf.lookup_queue_ns);
    ck_assert_uint_eq(sf.xlate_ns, 8 + 8 + 16 + 8);
    ck_assert_uint_eq(sq.xlate_ns, sf.xlate_ns);
    ck_assert_uint_eq(sq.translations, sf.translations);
    ck_assert_int_eq(sq.last_done_ns, sf.last_done_ns);
    timing_model_stats_text(full, text);
    ck_assert_ptr_nonnull(strstr(text->str, " timing_lookups_queued=1 "));
    ck_assert_ptr_nonnull(strstr(text->str, " timing_lookup_queue_ns=8 "));
    /* A miss behind a full pipeline starts its walk later by the wait. */
    timing_model_reset(full);
    tt_hit(full, 5000, &cf[0]);
    tt_hit(full, 5000, &cf[1]);
    tt_miss(full, 5000, &cf[2]);
    ck_assert_uint_eq(cf[2].ns, 8 + 8 + 7 + 10 + 100);
    g_string_free(text, TRUE);
    timing_model_free(full);
    timing_model_free(fast);
}
END_TEST

/* lookup_slots 0: unlimited, as every profile before it had. */
START_TEST(test_timing_lookup_pipeline_unlimited_never_queues)
{
    TimingProfile p = tt_profile(0);
    TimingModel *tm = timing_model_new(&p);
    TimingStats st;
    IOMMUCost c;

    for (int i = 0; i < 100; i++) {
        tt_hit(tm, 1000, &c);
        ck_assert_uint_eq(c.ns, 8);
    }
    timing_model_get_stats(tm, &st);
    ck_assert_uint_eq(st.lookups_queued, 0);
    timing_model_free(tm);
}
END_TEST

START_TEST(test_timing_stats_text_names_counters)
{
    TimingProfile p = tt_profile(1);
    TimingModel *tm = timing_model_new(&p);
    GString *s = g_string_new("x=1");
    IOMMUCost c;

    tt_miss(tm, 0, &c);
    tt_miss(tm, 0, &c);
    timing_model_stats_text(tm, s);
    ck_assert_ptr_nonnull(strstr(s->str, "x=1 timing=test "));
    ck_assert_ptr_nonnull(strstr(s->str, " timing_walks=2 "));
    ck_assert_ptr_nonnull(strstr(s->str, " timing_walks_queued=1 "));
    ck_assert_ptr_nonnull(strstr(s->str, " timing_walker_full_cycles=117 "));
    timing_model_reset_stats(tm);
    g_string_truncate(s, 0);
    timing_model_stats_text(tm, s);
    ck_assert_ptr_nonnull(strstr(s->str, " timing_walks=0 "));
    g_string_free(s, TRUE);
    timing_model_free(tm);
}
END_TEST

START_TEST(test_timing_trace_writes_chrome_json)
{
    TimingProfile p = tt_profile(1);
    TimingModel *tm = timing_model_new(&p);
    char *path = g_build_filename(g_get_tmp_dir(), "timing-trace-XXXXXX",
                                  NULL);
    int fd = g_mkstemp(path);
    GError *err = NULL;
    TimingTrace *t;
    char *text;
    IOMMUCost c;

    ck_assert_int_ge(fd, 0);
    close(fd);
    t = timing_trace_open(path, &err);
    ck_assert_ptr_nonnull(t);
    timing_model_set_trace(tm, t, "vtd \"unit\"");
    tt_miss(tm, 2000, &c);
    /* process + 3 thread names, translate + 3 lookups + 1 read. */
    ck_assert_uint_eq(timing_trace_events(t), 9);
    timing_trace_close(t);
    ck_assert(g_file_get_contents(path, &text, NULL, NULL));
    ck_assert(g_str_has_prefix(text, "{\"displayTimeUnit\":\"ns\","
                                     "\"traceEvents\":[\n"));
    ck_assert(g_str_has_suffix(text, "\n]}\n"));
    ck_assert_ptr_nonnull(strstr(text, "\"name\":\"translate\",\"pid\":1,"
                                       "\"tid\":0,\"ts\":2.000,"
                                       "\"dur\":0.125"));
    ck_assert_ptr_nonnull(strstr(text, "\"name\":\"vtd unit\""));
    ck_assert_ptr_nonnull(strstr(text, "\"addr\":\"0x5000\""));
    ck_assert_ptr_null(timing_trace_open("/nonexistent/dir/x.json", &err));
    ck_assert_ptr_nonnull(err);
    g_error_free(err);
    g_free(text);
    unlink(path);
    g_free(path);
    timing_model_free(tm);
}
END_TEST

static Suite *timing_model_suite(void)
{
    Suite *s = suite_create("timing-model");
    TCase *tc = tcase_create("model");

    tcase_add_test(tc, test_timing_profile_find_named);
    tcase_add_test(tc, test_timing_cycles_conversion_rounds);
    tcase_add_test(tc, test_timing_xlate_cost_is_sum_along_path);
    tcase_add_test(tc, test_timing_walker_queues_when_slots_busy);
    tcase_add_test(tc, test_timing_walker_throughput_is_slots_over_walk_time);
    tcase_add_test(tc, test_timing_walker_unlimited_slots_never_queue);
    tcase_add_test(tc, test_timing_lookup_pipeline_queues_when_full);
    tcase_add_test(tc, test_timing_lookup_pipeline_unlimited_never_queues);
    tcase_add_test(tc, test_timing_ideal_profile_zero_time);
    tcase_add_test(tc, test_timing_determinism_same_inputs_same_cycles);
    tcase_add_test(tc, test_timing_invalidation_drains_walks);
    tcase_add_test(tc, test_timing_stats_text_names_counters);
    tcase_add_test(tc, test_timing_trace_writes_chrome_json);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(timing_model_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
