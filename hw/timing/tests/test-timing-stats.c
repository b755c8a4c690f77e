/*
 * Unit tests for the `stats` name=value list (hw/timing/timing-stats.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "iommu-sim/timing-stats.h"

static TimingCache *stats_cache(const char *name)
{
    TimingCacheConfig cfg = {
        .name = name, .entries = 2, .ways = 2, .policy = TIMING_CACHE_LRU,
    };
    TimingCache *tc = timing_cache_new(&cfg, NULL);

    ck_assert_ptr_nonnull(tc);
    return tc;
}

START_TEST(test_timing_stats_text_joins_pairs_in_order)
{
    TimingStats st;
    char *txt;

    timing_stats_init(&st);
    txt = timing_stats_text(&st);
    ck_assert_str_eq(txt, "");
    g_free(txt);
    timing_stats_add(&st, "b", 2);
    timing_stats_add(&st, "a", 18446744073709551615ull);
    txt = timing_stats_text(&st);
    ck_assert_str_eq(txt, "b=2 a=18446744073709551615");
    g_free(txt);
}
END_TEST

START_TEST(test_timing_stats_cache_counters_under_label)
{
    TimingCache *tc = stats_cache("iotlb");
    TimingCacheKey k1 = TIMING_CACHE_KEY(1), k2 = TIMING_CACHE_KEY(2);
    TimingCacheKey k3 = TIMING_CACHE_KEY(3);
    TimingStats st;
    char *txt;

    timing_cache_lookup(tc, &k1);
    timing_cache_insert(tc, &k1, NULL, NULL, NULL, NULL);
    timing_cache_insert(tc, &k2, NULL, NULL, NULL, NULL);
    timing_cache_insert(tc, &k3, NULL, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(timing_cache_lookup(tc, &k3));
    timing_cache_invalidate_all(tc);
    timing_stats_init(&st);
    timing_stats_add_cache(&st, "vtd", "pde", tc);
    timing_stats_add_cache(&st, "amdvi", NULL, tc);
    ck_assert_uint_eq(st.n, 12);
    txt = timing_stats_text(&st);
    ck_assert_str_eq(txt,
        "vtd.pde.lookups=2 vtd.pde.hits=1 vtd.pde.misses=1 vtd.pde.fills=3 "
        "vtd.pde.evictions=1 vtd.pde.invalidated=2 "
        "amdvi.iotlb.lookups=2 amdvi.iotlb.hits=1 amdvi.iotlb.misses=1 "
        "amdvi.iotlb.fills=3 amdvi.iotlb.evictions=1 "
        "amdvi.iotlb.invalidated=2");
    g_free(txt);
    timing_cache_free(tc);
}
END_TEST

START_TEST(test_timing_stats_absent_cache_counts_zero)
{
    TimingStats st;
    TimingCacheStats z = timing_cache_stats_or_zero(NULL);
    uint64_t v = 7;

    ck_assert_uint_eq(z.lookups + z.hits + z.misses + z.insertions +
                      z.evictions + z.invalidations + z.cycles, 0);
    timing_stats_init(&st);
    timing_stats_add_cache(&st, "amdvi", NULL, NULL);
    timing_stats_add_cache(&st, "vtd", "iec", NULL);
    ck_assert_str_eq(st.item[0].name, "amdvi.?.lookups");
    ck_assert_str_eq(st.item[11].name, "vtd.iec.invalidated");
    ck_assert(timing_stats_find(&st, "vtd.iec.hits", &v));
    ck_assert_uint_eq(v, 0);
}
END_TEST

START_TEST(test_timing_stats_find_first_and_missing)
{
    TimingStats st;
    uint64_t v = 7;

    timing_stats_init(&st);
    timing_stats_add(&st, "x", 1);
    timing_stats_add(&st, "x", 2);
    timing_stats_add(&st, "a-name-much-longer-than-the-forty-eight-byte-slot",
                     3);
    ck_assert(timing_stats_find(&st, "x", &v));
    ck_assert_uint_eq(v, 1);
    ck_assert(!timing_stats_find(&st, "y", &v));
    ck_assert(!timing_stats_find(&st, NULL, &v));
    ck_assert_uint_eq(v, 1);
    ck_assert_uint_eq(strlen(st.item[2].name), TIMING_STATS_NAME_LEN - 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("timing-stats");
    TCase *tc = tcase_create("stats");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_timing_stats_text_joins_pairs_in_order);
    tcase_add_test(tc, test_timing_stats_cache_counters_under_label);
    tcase_add_test(tc, test_timing_stats_absent_cache_counts_zero);
    tcase_add_test(tc, test_timing_stats_find_first_and_missing);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
