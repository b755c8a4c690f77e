/*
 * Lookup cost of TimingCache: ns per hit and per miss for the geometries
 * the IOMMU models use (64-entry 4-way, 1024-entry 8-way, and a 64-entry
 * fully associative one), plus a three-class IOTLB probe that hits on
 * the last key.  Run with `meson test --benchmark`.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "iommu-sim/timing-cache.h"

#define BENCH_LOOKUPS 1000000u
#define BENCH_ROUNDS 5
#define BENCH_KEYS 256u     /* power of two; the ring stays in L1 */

static double bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Spread keys like IOVAs of one domain; domain 1 = resident, 2 = absent. */
static TimingCacheKey bench_key(uint64_t domain, uint64_t i)
{
    return TIMING_CACHE_KEY(domain, (i * 0x9e37) & 0xfffff, 0);
}

/* Best of BENCH_ROUNDS: the host is shared, the minimum is the cost. */
static double bench_lookups(TimingCache *c, const TimingCacheKey *ring,
                            uintptr_t *sink)
{
    double best = 1e9;

    for (int round = 0; round < BENCH_ROUNDS; round++) {
        double t0 = bench_now_ns();
        uintptr_t acc = 0;

        for (uint32_t i = 0; i < BENCH_LOOKUPS; i++) {
            acc += (uintptr_t)timing_cache_lookup(
                c, &ring[i & (BENCH_KEYS - 1)]);
        }
        *sink += acc;
        best = MIN(best, (bench_now_ns() - t0) / BENCH_LOOKUPS);
    }
    return best;
}

/* Fill the cache, then time lookups of resident and of absent keys. */
static void bench_geometry(uint32_t entries, uint32_t ways,
                           TimingCachePolicy policy, const char *label,
                           uintptr_t *sink)
{
    TimingCacheConfig cfg = {
        .name = label, .entries = entries, .ways = ways, .value_size = 32,
        .policy = policy, .hit_cycles = 1, .miss_cycles = 1,
    };
    TimingCache *c = timing_cache_new(&cfg, NULL);
    TimingCacheKey *resident_keys = g_new(TimingCacheKey, entries);
    TimingCacheKey *hits = g_new(TimingCacheKey, BENCH_KEYS);
    TimingCacheKey *misses = g_new(TimingCacheKey, BENCH_KEYS);
    uint32_t resident = 0;

    g_assert(c);
    for (uint64_t i = 0; i < entries; i++) {
        TimingCacheKey k = bench_key(1, i);

        timing_cache_insert(c, &k, NULL, NULL, NULL, NULL);
    }
    /* Conflicts may have evicted some: probe only what is resident. */
    for (uint64_t i = 0; i < entries; i++) {
        TimingCacheKey k = bench_key(1, i);

        if (timing_cache_peek(c, &k)) {
            resident_keys[resident++] = k;
        }
    }
    for (uint32_t i = 0; i < BENCH_KEYS; i++) {
        hits[i] = resident_keys[(i * 2654435761u) % resident];
        misses[i] = bench_key(2, i);
    }
    double hit_ns = bench_lookups(c, hits, sink);
    double miss_ns = bench_lookups(c, misses, sink);

    printf("timing-cache %-22s %5u entries %4u-way: hit %6.2f ns, "
           "miss %6.2f ns\n", label, entries, ways, hit_ns, miss_ns);
    g_free(resident_keys);
    g_free(hits);
    g_free(misses);
    timing_cache_free(c);
}

/* A 4K translation of an address mapped by a 2M entry: two misses, a hit. */
static void bench_page_classes(uintptr_t *sink)
{
    TimingCacheConfig cfg = {
        .name = "iotlb-classes", .entries = 64, .ways = 4, .value_size = 32,
        .policy = TIMING_CACHE_LRU,
    };
    TimingCache *c = timing_cache_new(&cfg, NULL);
    TimingCacheKey probe[3] = {
        TIMING_CACHE_KEY(1, 0x40345, 0), TIMING_CACHE_KEY(1, 0x201, 1),
        TIMING_CACHE_KEY(1, 0x1, 2),
    };
    uintptr_t acc = 0;

    g_assert(c);
    timing_cache_insert(c, &probe[2], NULL, NULL, NULL, NULL);
    double t0 = bench_now_ns();

    for (uint32_t i = 0; i < BENCH_LOOKUPS; i++) {
        probe[0].w[1] = 0x40000 + (i & 0x3ff);
        acc += (uintptr_t)timing_cache_lookup_any(c, probe, 3, NULL);
    }
    *sink += acc;
    printf("timing-cache %-22s    64 entries    4-way: 4K/2M/1G probe hitting"
           " 1G %6.2f ns\n", "iotlb-classes",
           (bench_now_ns() - t0) / BENCH_LOOKUPS);
    timing_cache_free(c);
}

int main(void)
{
    uintptr_t sink = 0;

    bench_geometry(64, 4, TIMING_CACHE_LRU, "iotlb-lru", &sink);
    bench_geometry(64, 4, TIMING_CACHE_PLRU, "iotlb-plru", &sink);
    bench_geometry(1024, 8, TIMING_CACHE_LRU, "big-iotlb-lru", &sink);
    bench_geometry(1024, 8, TIMING_CACHE_RANDOM, "big-iotlb-random", &sink);
    bench_geometry(64, 64, TIMING_CACHE_LRU, "fully-assoc-lru", &sink);
    bench_page_classes(&sink);
    /* Keep the loops honest: the sum is printed, so it must be computed. */
    printf("(checksum %lx)\n", (unsigned long)sink);
    return EXIT_SUCCESS;
}
