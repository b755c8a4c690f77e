/*
 * TimingCache replacement policies and associativity.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "timing-cache-test.h"

/* ---- LRU ------------------------------------------------------------ */

START_TEST(test_timing_cache_lru_evicts_least_recently_used)
{
    TimingCache *c = tct_new(4, 4, TIMING_CACHE_LRU, 8, false);

    for (uint64_t k = 1; k <= 4; k++) {
        ck_assert_int_eq(tct_insert(c, k), -1);
    }
    ck_assert(tct_hit(c, 1));
    ck_assert(tct_hit(c, 3));
    /* Recency now, oldest first: 2 4 1 3. */
    ck_assert_int_eq(tct_insert(c, 5), 2);
    ck_assert_int_eq(tct_insert(c, 6), 4);
    ck_assert_int_eq(tct_insert(c, 7), 1);
    ck_assert_int_eq(tct_insert(c, 8), 3);
    ck_assert_int_eq(tct_insert(c, 9), 5);
    timing_cache_free(c);
}
END_TEST

START_TEST(test_timing_cache_lru_update_in_place_refreshes)
{
    TimingCache *c = tct_new(2, 2, TIMING_CACHE_LRU, 8, false);

    tct_insert(c, 1);
    tct_insert(c, 2);
    ck_assert_int_eq(tct_insert(c, 1), -1);     /* update, no eviction */
    ck_assert_uint_eq(timing_cache_occupancy(c), 2);
    ck_assert_int_eq(tct_insert(c, 3), 2);
    timing_cache_free(c);
}
END_TEST

START_TEST(test_timing_cache_lru_per_set)
{
    /* 2 sets x 2 ways, set = key & 1: traffic in set 0 never evicts set 1. */
    TimingCache *c = tct_new(4, 2, TIMING_CACHE_LRU, 8, true);

    tct_insert(c, 1);
    tct_insert(c, 3);
    for (uint64_t k = 0; k < 20; k += 2) {
        tct_insert(c, k);
    }
    ck_assert(tct_hit(c, 1));
    ck_assert(tct_hit(c, 3));
    ck_assert(tct_hit(c, 18));
    ck_assert(tct_hit(c, 16));
    ck_assert(!tct_hit(c, 14));
    timing_cache_free(c);
}
END_TEST

/* ---- tree PLRU ------------------------------------------------------ */

/*
 * 4 ways, tree nodes: root chooses {0,1} vs {2,3}; a bit points at the
 * half to evict from, and an access points the bits on its path away.
 *   fill 1,2,3,4 into ways 0..3   -> root: left,  left node: way 0
 *   hit 1 (way 0)                 -> root: right, right node: way 2
 *   insert 5: victim way 2 (key 3); true LRU would have taken key 2
 *   5 in way 2                    -> root: left,  left node: way 1
 *   insert 6: victim way 1 (key 2)
 *   6 in way 1                    -> root: right, right node: way 3
 *   insert 7: victim way 3 (key 4)
 *   7 in way 3                    -> root: left,  left node: way 0
 *   insert 8: victim way 0 (key 1)
 */
START_TEST(test_timing_cache_plru_tree_4way_by_hand)
{
    TimingCache *c = tct_new(4, 4, TIMING_CACHE_PLRU, 8, false);

    for (uint64_t k = 1; k <= 4; k++) {
        ck_assert_int_eq(tct_insert(c, k), -1);
    }
    ck_assert(tct_hit(c, 1));
    ck_assert_int_eq(tct_insert(c, 5), 3);
    ck_assert_int_eq(tct_insert(c, 6), 2);
    ck_assert_int_eq(tct_insert(c, 7), 4);
    ck_assert_int_eq(tct_insert(c, 8), 1);
    timing_cache_free(c);
}
END_TEST

/* 16 ways: one word of tree bits; 128 ways: two words. */
START_TEST(test_timing_cache_plru_never_evicts_most_recent)
{
    static const uint32_t ways[] = { 2, 16, 128 };

    for (unsigned g = 0; g < G_N_ELEMENTS(ways); g++) {
        TimingCache *c = tct_new(ways[g], ways[g], TIMING_CACHE_PLRU, 8,
                                 false);
        unsigned evicted_original = 0;

        for (uint64_t k = 0; k < ways[g]; k++) {
            tct_insert(c, k);
        }
        for (uint64_t k = 1000; k < 1000 + 8 * ways[g]; k++) {
            int64_t victim;

            ck_assert(k == 1000 || tct_hit(c, k - 1));
            victim = tct_insert(c, k);
            ck_assert_int_ne(victim, (int64_t)(k - 1));
            evicted_original += victim >= 0 && victim < ways[g];
        }
        /* Never re-touched, every original must have been chosen. */
        ck_assert_uint_eq(evicted_original, ways[g]);
        ck_assert_uint_eq(timing_cache_occupancy(c), ways[g]);
        timing_cache_free(c);
    }
}
END_TEST

START_TEST(test_timing_cache_plru_rejects_non_power_of_two_ways)
{
    TimingCacheConfig cfg = {
        .name = "pwc", .entries = 12, .ways = 6, .policy = TIMING_CACHE_PLRU,
    };
    GError *err = NULL;

    ck_assert_ptr_null(timing_cache_new(&cfg, &err));
    ck_assert(g_error_matches(err, TIMING_CACHE_ERROR,
                              TIMING_CACHE_ERROR_POLICY));
    ck_assert_ptr_nonnull(strstr(err->message, "pwc"));
    g_error_free(err);
}
END_TEST

/* ---- FIFO / round-robin --------------------------------------------- */

START_TEST(test_timing_cache_fifo_evicts_in_insertion_order)
{
    TimingCache *c = tct_new(4, 4, TIMING_CACHE_FIFO, 8, false);

    for (uint64_t k = 1; k <= 4; k++) {
        tct_insert(c, k);
    }
    ck_assert(tct_hit(c, 1));                   /* hits do not matter */
    ck_assert_int_eq(tct_insert(c, 1), -1);     /* nor do updates */
    ck_assert_int_eq(tct_insert(c, 5), 1);
    ck_assert_int_eq(tct_insert(c, 6), 2);
    ck_assert_int_eq(tct_insert(c, 7), 3);
    ck_assert_int_eq(tct_insert(c, 8), 4);
    ck_assert_int_eq(tct_insert(c, 9), 5);
    timing_cache_free(c);
}
END_TEST

START_TEST(test_timing_cache_fifo_refills_invalidated_way_first)
{
    TimingCache *c = tct_new(4, 4, TIMING_CACHE_FIFO, 8, false);
    TimingCacheKey k3 = TIMING_CACHE_KEY(3);

    for (uint64_t k = 1; k <= 4; k++) {
        tct_insert(c, k);
    }
    ck_assert(timing_cache_invalidate(c, &k3));
    ck_assert_int_eq(tct_insert(c, 5), -1);     /* takes the hole */
    ck_assert_int_eq(tct_insert(c, 6), 1);
    ck_assert_int_eq(tct_insert(c, 7), 2);
    ck_assert_int_eq(tct_insert(c, 8), 4);
    ck_assert_int_eq(tct_insert(c, 9), 5);
    timing_cache_free(c);
}
END_TEST

/* ---- random --------------------------------------------------------- */

static void random_victims(uint64_t seed, int64_t *victims, unsigned n)
{
    TimingCacheConfig cfg = {
        .entries = 8, .ways = 8, .value_size = 8,
        .policy = TIMING_CACHE_RANDOM, .seed = seed,
    };
    TimingCache *c = timing_cache_new(&cfg, NULL);

    ck_assert_ptr_nonnull(c);
    for (uint64_t k = 0; k < 8; k++) {
        tct_insert(c, k);
    }
    for (unsigned i = 0; i < n; i++) {
        ck_assert(tct_hit(c, 1000 + i - 1) || i == 0);
        victims[i] = tct_insert(c, 1000 + i);
        ck_assert_int_ge(victims[i], 0);
    }
    timing_cache_free(c);
}

START_TEST(test_timing_cache_random_deterministic_per_seed)
{
    int64_t a[200], b[200];

    random_victims(42, a, 200);
    random_victims(42, b, 200);
    ck_assert_mem_eq(a, b, sizeof(a));
}
END_TEST

START_TEST(test_timing_cache_random_seed_changes_sequence)
{
    int64_t a[200], b[200], d[200];

    random_victims(42, a, 200);
    random_victims(43, b, 200);
    random_victims(0, d, 200);      /* 0 means "default seed", still works */
    ck_assert(memcmp(a, b, sizeof(a)) != 0);
    ck_assert(memcmp(a, d, sizeof(a)) != 0);
}
END_TEST

START_TEST(test_timing_cache_random_uses_every_way)
{
    TimingCacheConfig cfg = {
        .entries = 8, .ways = 8, .policy = TIMING_CACHE_RANDOM, .seed = 7,
    };
    TimingCache *c = timing_cache_new(&cfg, NULL);
    unsigned evicted_original = 0;

    /* Originals 0..7 are never re-inserted: all must go eventually. */
    for (uint64_t k = 0; k < 8; k++) {
        tct_insert(c, k);
    }
    for (uint64_t k = 100; k < 400; k++) {
        evicted_original += tct_insert(c, k) < 8;
    }
    ck_assert_uint_eq(evicted_original, 8);
    timing_cache_free(c);
}
END_TEST

/* ---- associativity -------------------------------------------------- */

START_TEST(test_timing_cache_direct_mapped_conflict_misses)
{
    /* 8 sets x 1 way, set = key % 8: keys 0 and 8 fight for set 0. */
    TimingCache *c = tct_new(8, 1, TIMING_CACHE_LRU, 8, true);
    TimingCacheStats st;

    for (int i = 0; i < 10; i++) {
        uint64_t k = (i & 1) ? 8 : 0;

        if (!tct_hit(c, k)) {
            tct_insert(c, k);
        }
    }
    timing_cache_get_stats(c, &st);
    ck_assert_uint_eq(st.misses, 10);
    ck_assert_uint_eq(st.evictions, 9);
    ck_assert_uint_eq(timing_cache_occupancy(c), 1);
    timing_cache_free(c);
}
END_TEST

START_TEST(test_timing_cache_fully_associative_no_conflict_misses)
{
    TimingCache *c = tct_new(8, 8, TIMING_CACHE_LRU, 8, true);
    TimingCacheStats st;

    for (int round = 0; round < 5; round++) {
        for (uint64_t k = 0; k < 64; k += 8) {
            if (!tct_hit(c, k)) {
                tct_insert(c, k);
            }
        }
    }
    timing_cache_get_stats(c, &st);
    ck_assert_uint_eq(st.misses, 8);    /* compulsory only */
    ck_assert_uint_eq(st.hits, 32);
    ck_assert_uint_eq(st.evictions, 0);
    timing_cache_free(c);
}
END_TEST

START_TEST(test_timing_cache_default_hash_direct_mapped_conflicts)
{
    /* Same 32 keys: the hashed direct-mapped cache loses some. */
    TimingCache *dm = tct_new(64, 1, TIMING_CACHE_LRU, 8, false);
    TimingCache *fa = tct_new(64, 64, TIMING_CACHE_LRU, 8, false);
    TimingCacheStats sdm, sfa;

    for (uint64_t k = 0; k < 32; k++) {
        tct_insert(dm, k << 12);
        tct_insert(fa, k << 12);
    }
    timing_cache_get_stats(dm, &sdm);
    timing_cache_get_stats(fa, &sfa);
    ck_assert_uint_gt(sdm.evictions, 0);
    ck_assert_uint_eq(sfa.evictions, 0);
    ck_assert_uint_eq(timing_cache_occupancy(fa), 32);
    ck_assert_uint_eq(timing_cache_occupancy(dm), 32 - sdm.evictions);
    timing_cache_free(dm);
    timing_cache_free(fa);
}
END_TEST

/* Sequential page numbers (the common IOTLB stream) must use every set. */
START_TEST(test_timing_cache_default_hash_spreads_page_numbers)
{
    static const uint32_t geo[][2] = { { 1024, 8 }, { 64, 4 }, { 96, 4 } };

    for (unsigned g = 0; g < G_N_ELEMENTS(geo); g++) {
        TimingCache *c = tct_new(geo[g][0], geo[g][1], TIMING_CACHE_LRU, 0,
                                 false);

        for (uint64_t pfn = 0; pfn < 2 * geo[g][0]; pfn++) {
            TimingCacheKey k = TIMING_CACHE_KEY(3, 0x80000 + pfn, 0);

            timing_cache_insert(c, &k, NULL, NULL, NULL, NULL);
        }
        /* Twice as many keys as entries: a fair hash leaves few holes. */
        ck_assert_uint_ge(timing_cache_occupancy(c), geo[g][0] * 9 / 10);
        timing_cache_free(c);
    }
}
END_TEST

START_TEST(test_timing_cache_non_power_of_two_sets)
{
    /* 3 sets x 4 ways; keys 0,3,6,9,12 all land in set 0. */
    TimingCache *c = tct_new(12, 4, TIMING_CACHE_LRU, 8, true);

    ck_assert_uint_eq(timing_cache_sets(c), 3);
    tct_insert(c, 1);
    for (uint64_t k = 0; k <= 9; k += 3) {
        ck_assert_int_eq(tct_insert(c, k), -1);
    }
    ck_assert_int_eq(tct_insert(c, 12), 0);
    ck_assert(tct_hit(c, 1));
    ck_assert_uint_eq(timing_cache_occupancy(c), 5);
    timing_cache_free(c);
}
END_TEST

static Suite *timing_cache_policy_suite(void)
{
    Suite *s = suite_create("timing-cache-policy");
    TCase *tc = tcase_create("policy");

    tcase_add_test(tc, test_timing_cache_lru_evicts_least_recently_used);
    tcase_add_test(tc, test_timing_cache_lru_update_in_place_refreshes);
    tcase_add_test(tc, test_timing_cache_lru_per_set);
    tcase_add_test(tc, test_timing_cache_plru_tree_4way_by_hand);
    tcase_add_test(tc, test_timing_cache_plru_never_evicts_most_recent);
    tcase_add_test(tc, test_timing_cache_plru_rejects_non_power_of_two_ways);
    tcase_add_test(tc, test_timing_cache_fifo_evicts_in_insertion_order);
    tcase_add_test(tc, test_timing_cache_fifo_refills_invalidated_way_first);
    tcase_add_test(tc, test_timing_cache_random_deterministic_per_seed);
    tcase_add_test(tc, test_timing_cache_random_seed_changes_sequence);
    tcase_add_test(tc, test_timing_cache_random_uses_every_way);
    suite_add_tcase(s, tc);

    tc = tcase_create("associativity");
    tcase_add_test(tc, test_timing_cache_direct_mapped_conflict_misses);
    tcase_add_test(tc, test_timing_cache_fully_associative_no_conflict_misses);
    tcase_add_test(tc, test_timing_cache_default_hash_direct_mapped_conflicts);
    tcase_add_test(tc, test_timing_cache_default_hash_spreads_page_numbers);
    tcase_add_test(tc, test_timing_cache_non_power_of_two_sets);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tct_run(timing_cache_policy_suite());
}
