/*
 * Helpers shared by the TimingCache unit tests.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef TIMING_CACHE_TEST_H
#define TIMING_CACHE_TEST_H

#include <check.h>

#include "iommu-sim/timing-cache.h"

/* Hardware-style indexing: the set is key word 0 (reduced by the cache). */
static inline uint32_t tct_index_by_word0(const TimingCacheKey *key,
                                          void *opaque)
{
    (void)opaque;
    return (uint32_t)key->w[0];
}

static inline TimingCache *tct_new(uint32_t entries, uint32_t ways,
                                   TimingCachePolicy policy,
                                   size_t value_size, bool index_by_word0)
{
    TimingCacheConfig cfg = {
        .name = "test",
        .entries = entries,
        .ways = ways,
        .value_size = value_size,
        .policy = policy,
        .hit_cycles = 2,
        .miss_cycles = 3,
        .set_index = index_by_word0 ? tct_index_by_word0 : NULL,
    };
    GError *err = NULL;
    TimingCache *c = timing_cache_new(&cfg, &err);

    ck_assert_msg(c != NULL, "%s", err ? err->message : "?");
    return c;
}

/* Insert key (word 0 only, value = the key) and return the victim or -1. */
static inline int64_t tct_insert(TimingCache *c, uint64_t k)
{
    TimingCacheKey key = TIMING_CACHE_KEY(k), victim;
    uint64_t value = k;
    bool evicted = true;

    g_assert(timing_cache_value_size(c) == 0 ||
             timing_cache_value_size(c) == sizeof(value));
    timing_cache_insert(c, &key, timing_cache_value_size(c) ? &value : NULL,
                        &victim, NULL, &evicted);
    return evicted ? (int64_t)victim.w[0] : -1;
}

static inline bool tct_hit(TimingCache *c, uint64_t k)
{
    TimingCacheKey key = TIMING_CACHE_KEY(k);

    return timing_cache_lookup(c, &key) != NULL;
}

static inline int tct_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
