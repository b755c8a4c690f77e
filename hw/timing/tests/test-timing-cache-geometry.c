/*
 * Unit tests for the cache geometry properties and policy names
 * (hw/timing/timing-cache-geometry.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>

#include "iommu-sim/timing-cache.h"

START_TEST(test_timing_geometry_policy_names_round_trip)
{
    TimingCachePolicy p = TIMING_CACHE_LRU;

    ck_assert(timing_cache_policy_parse("PLRU", &p));
    ck_assert_int_eq(p, TIMING_CACHE_PLRU);
    ck_assert(timing_cache_policy_parse("random", &p));
    ck_assert_int_eq(p, TIMING_CACHE_RANDOM);
    ck_assert(!timing_cache_policy_parse("mru", &p));
    ck_assert(!timing_cache_policy_parse(NULL, &p));
    ck_assert_int_eq(p, TIMING_CACHE_RANDOM);
    ck_assert_str_eq(timing_cache_policy_name(TIMING_CACHE_FIFO), "fifo");
    ck_assert_str_eq(timing_cache_policy_name((TimingCachePolicy)9), "?");
}
END_TEST

START_TEST(test_timing_geometry_prop_finds_prefix)
{
    static const char *const pre[] = { "cc", "pde-cache", "iotlb" };
    const char *field = NULL;

    ck_assert_int_eq(timing_cache_geometry_prop(pre, 3, "pde-cache-ways",
                                                &field), 1);
    ck_assert_str_eq(field, "ways");
    ck_assert_int_eq(timing_cache_geometry_prop(pre, 3, "iotlb-x", &field),
                     2);
    ck_assert_str_eq(field, "x");
    ck_assert_int_eq(timing_cache_geometry_prop(pre, 3, "ccx-ways", &field),
                     -1);
    ck_assert_int_eq(timing_cache_geometry_prop(pre, 3, "pde", &field), -1);
    ck_assert_int_eq(timing_cache_geometry_prop(pre, 3, NULL, &field), -1);
}
END_TEST

START_TEST(test_timing_geometry_set_fields_and_refusals)
{
    TimingCacheGeometry g = { 64, 8, TIMING_CACHE_PLRU };

    ck_assert_int_eq(timing_cache_geometry_set(&g, "entries", "128"),
                     TIMING_GEOMETRY_SET);
    ck_assert_int_eq(timing_cache_geometry_set(&g, "ways", "1048576"),
                     TIMING_GEOMETRY_SET);
    ck_assert_int_eq(timing_cache_geometry_set(&g, "replacement", "Fifo"),
                     TIMING_GEOMETRY_SET);
    ck_assert_uint_eq(g.entries, 128);
    ck_assert_uint_eq(g.ways, 1048576);
    ck_assert_int_eq(g.policy, TIMING_CACHE_FIFO);
    ck_assert_int_eq(timing_cache_geometry_set(&g, "entries", "0"),
                     TIMING_GEOMETRY_BAD_COUNT);
    ck_assert_int_eq(timing_cache_geometry_set(&g, "ways", "1048577"),
                     TIMING_GEOMETRY_BAD_COUNT);
    ck_assert_int_eq(timing_cache_geometry_set(&g, "ways", "0x10"),
                     TIMING_GEOMETRY_BAD_COUNT);
    ck_assert_int_eq(timing_cache_geometry_set(&g, "entries", NULL),
                     TIMING_GEOMETRY_BAD_COUNT);
    ck_assert_int_eq(timing_cache_geometry_set(&g, "replacement", "mru"),
                     TIMING_GEOMETRY_BAD_POLICY);
    ck_assert_int_eq(timing_cache_geometry_set(&g, "size", "4"),
                     TIMING_GEOMETRY_NOT_MINE);
    ck_assert_uint_eq(g.entries, 128);      /* refusals change nothing */
    ck_assert_uint_eq(g.ways, 1048576);
    ck_assert_int_eq(g.policy, TIMING_CACHE_FIFO);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("timing-cache-geometry");
    TCase *tc = tcase_create("geometry");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_timing_geometry_policy_names_round_trip);
    tcase_add_test(tc, test_timing_geometry_prop_finds_prefix);
    tcase_add_test(tc, test_timing_geometry_set_fields_and_refusals);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
