/*
 * TimingCache operations: invalidation, counters, iteration, payloads,
 * multi-key lookup, geometry validation, and a random-operation check
 * against a simple reference model.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "timing-cache-test.h"

/* An IOTLB-like key: { domain, page number at its size, size class }. */
static TimingCacheKey iotlb_key(uint64_t did, uint64_t iova, unsigned cls)
{
    return TIMING_CACHE_KEY(did, iova >> (12 + 9 * cls), cls);
}

/* ---- invalidation --------------------------------------------------- */

START_TEST(test_timing_cache_invalidate_by_key)
{
    TimingCache *c = tct_new(16, 4, TIMING_CACHE_LRU, 8, false);
    TimingCacheKey k5 = TIMING_CACHE_KEY(5), k6 = TIMING_CACHE_KEY(6);
    TimingCacheStats st;

    tct_insert(c, 5);
    tct_insert(c, 7);
    ck_assert(timing_cache_invalidate(c, &k5));
    ck_assert(!timing_cache_invalidate(c, &k5));
    ck_assert(!timing_cache_invalidate(c, &k6));
    ck_assert(!tct_hit(c, 5));
    ck_assert(tct_hit(c, 7));
    ck_assert_uint_eq(timing_cache_occupancy(c), 1);
    timing_cache_get_stats(c, &st);
    ck_assert_uint_eq(st.invalidations, 1);
    timing_cache_free(c);
}
END_TEST

typedef struct {
    uint64_t did;
    uint64_t addr;      /* page-selective: base of the range */
    unsigned am;        /* address mask: 2^am 4 KiB pages */
} InvDesc;

static bool match_domain(const TimingCacheKey *key, const void *value,
                         void *opaque)
{
    return key->w[0] == ((InvDesc *)opaque)->did;
}

/* Page-selective within a domain: any entry overlapping the range. */
static bool match_pages(const TimingCacheKey *key, const void *value,
                        void *opaque)
{
    const InvDesc *d = opaque;
    unsigned shift = 12 + 9 * (unsigned)key->w[2];
    uint64_t start = key->w[1] << shift, end = start + (1ull << shift);
    uint64_t lo = d->addr, hi = d->addr + (4096ull << d->am);

    return key->w[0] == d->did && start < hi && lo < end;
}

START_TEST(test_timing_cache_invalidate_matching_domain)
{
    TimingCache *c = tct_new(64, 8, TIMING_CACHE_LRU, 0, false);
    InvDesc d = { .did = 2 };

    for (uint64_t did = 1; did <= 3; did++) {
        for (uint64_t p = 0; p < 5; p++) {
            TimingCacheKey k = iotlb_key(did, p << 12, 0);

            timing_cache_insert(c, &k, NULL, NULL, NULL, NULL);
        }
    }
    ck_assert_uint_eq(timing_cache_invalidate_matching(c, match_domain, &d),
                      5);
    ck_assert_uint_eq(timing_cache_occupancy(c), 10);
    for (uint64_t p = 0; p < 5; p++) {
        TimingCacheKey k2 = iotlb_key(2, p << 12, 0);
        TimingCacheKey k3 = iotlb_key(3, p << 12, 0);

        ck_assert_ptr_null(timing_cache_peek(c, &k2));
        ck_assert_ptr_nonnull(timing_cache_peek(c, &k3));
    }
    ck_assert_uint_eq(timing_cache_invalidate_matching(c, match_domain, &d),
                      0);
    timing_cache_free(c);
}
END_TEST

START_TEST(test_timing_cache_invalidate_matching_page_range)
{
    TimingCache *c = tct_new(64, 64, TIMING_CACHE_LRU, 0, false);
    /* 4K pages at 0x10000..0x17000, a 2M page at 0x200000, a 1G page. */
    TimingCacheKey keys[] = {
        iotlb_key(1, 0x10000, 0), iotlb_key(1, 0x11000, 0),
        iotlb_key(1, 0x12000, 0), iotlb_key(1, 0x13000, 0),
        iotlb_key(1, 0x14000, 0), iotlb_key(2, 0x12000, 0),
        iotlb_key(1, 0x200000, 1), iotlb_key(1, 0x40000000, 2),
    };
    /* am = 1: 0x12000..0x13fff. */
    InvDesc d = { .did = 1, .addr = 0x12000, .am = 1 };
    InvDesc big = { .did = 1, .addr = 0x40200000, .am = 0 };

    for (unsigned i = 0; i < G_N_ELEMENTS(keys); i++) {
        timing_cache_insert(c, &keys[i], NULL, NULL, NULL, NULL);
    }
    ck_assert_uint_eq(timing_cache_invalidate_matching(c, match_pages, &d), 2);
    ck_assert_ptr_nonnull(timing_cache_peek(c, &keys[1]));
    ck_assert_ptr_null(timing_cache_peek(c, &keys[2]));
    ck_assert_ptr_null(timing_cache_peek(c, &keys[3]));
    ck_assert_ptr_nonnull(timing_cache_peek(c, &keys[4]));
    ck_assert_ptr_nonnull(timing_cache_peek(c, &keys[5]));   /* other DID */
    /* A 4K invalidation inside the 1G page drops the 1G entry only. */
    ck_assert_uint_eq(timing_cache_invalidate_matching(c, match_pages, &big),
                      1);
    ck_assert_ptr_null(timing_cache_peek(c, &keys[7]));
    ck_assert_ptr_nonnull(timing_cache_peek(c, &keys[6]));
    timing_cache_free(c);
}
END_TEST

START_TEST(test_timing_cache_invalidate_all)
{
    TimingCache *c = tct_new(32, 4, TIMING_CACHE_PLRU, 8, false);
    TimingCacheStats st;

    for (uint64_t k = 0; k < 20; k++) {
        tct_insert(c, k);
    }
    uint32_t held = timing_cache_occupancy(c);

    ck_assert_uint_gt(held, 0);
    ck_assert_uint_eq(timing_cache_invalidate_all(c), held);
    ck_assert_uint_eq(timing_cache_occupancy(c), 0);
    for (uint64_t k = 0; k < 20; k++) {
        ck_assert(!tct_hit(c, k));
    }
    ck_assert_uint_eq(timing_cache_invalidate_all(c), 0);
    timing_cache_get_stats(c, &st);
    ck_assert_uint_eq(st.invalidations, held);
    /* Usable again, and empty sets fill without evicting. */
    for (uint64_t k = 0; k < 4; k++) {
        ck_assert_int_eq(tct_insert(c, k), -1);
    }
    ck_assert(tct_hit(c, 3));
    timing_cache_free(c);
}
END_TEST

/* ---- counters, peek, latency ---------------------------------------- */

START_TEST(test_timing_cache_counters_and_reset)
{
    TimingCache *c = tct_new(2, 2, TIMING_CACHE_LRU, 8, false);
    TimingCacheKey k1 = TIMING_CACHE_KEY(1);
    TimingCacheStats st;

    tct_insert(c, 1);
    tct_insert(c, 2);
    tct_insert(c, 3);                   /* evicts 1 */
    tct_insert(c, 3);                   /* update */
    ck_assert(!tct_hit(c, 1));
    ck_assert(tct_hit(c, 2));
    ck_assert(tct_hit(c, 3));
    timing_cache_peek(c, &k1);          /* not counted */
    timing_cache_invalidate(c, &k1);    /* absent: not counted */
    timing_cache_get_stats(c, &st);
    ck_assert_uint_eq(st.lookups, 3);
    ck_assert_uint_eq(st.hits, 2);
    ck_assert_uint_eq(st.misses, 1);
    ck_assert_uint_eq(st.insertions, 4);
    ck_assert_uint_eq(st.evictions, 1);
    ck_assert_uint_eq(st.invalidations, 0);
    ck_assert_uint_eq(st.cycles, 2 * 2 + 1 * 3);
    ck_assert_uint_eq(timing_cache_latency(c, true), 2);
    ck_assert_uint_eq(timing_cache_latency(c, false), 3);

    timing_cache_reset_stats(c);
    timing_cache_get_stats(c, &st);
    ck_assert_uint_eq(st.lookups + st.hits + st.misses + st.insertions +
                      st.evictions + st.invalidations + st.cycles, 0);
    ck_assert_uint_eq(timing_cache_occupancy(c), 2);    /* contents kept */
    timing_cache_free(c);
}
END_TEST

START_TEST(test_timing_cache_peek_leaves_replacement_state)
{
    TimingCache *c = tct_new(2, 2, TIMING_CACHE_LRU, 8, false);
    TimingCacheKey k1 = TIMING_CACHE_KEY(1);
    uint64_t *v;

    tct_insert(c, 1);
    tct_insert(c, 2);
    v = timing_cache_peek(c, &k1);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(*v, 1);
    ck_assert_int_eq(tct_insert(c, 3), 1);  /* 1 is still the LRU */
    timing_cache_free(c);
}
END_TEST

/* ---- iteration and payloads ----------------------------------------- */

static void sum_and_bump(const TimingCacheKey *key, void *value, void *opaque)
{
    uint64_t *acc = opaque;

    ck_assert_uint_eq(*(uint64_t *)value, key->w[0]);
    acc[0] += key->w[0];
    acc[1]++;
    *(uint64_t *)value += 1000;
}

START_TEST(test_timing_cache_foreach_visits_valid_entries)
{
    TimingCache *c = tct_new(16, 4, TIMING_CACHE_LRU, 8, true);
    TimingCacheKey k4 = TIMING_CACHE_KEY(4), k6 = TIMING_CACHE_KEY(6);
    uint64_t acc[2] = { 0, 0 };

    for (uint64_t k = 1; k <= 6; k++) {
        tct_insert(c, k);
    }
    timing_cache_invalidate(c, &k4);
    timing_cache_foreach(c, sum_and_bump, acc);
    ck_assert_uint_eq(acc[0], 1 + 2 + 3 + 5 + 6);
    ck_assert_uint_eq(acc[1], 5);
    ck_assert_ptr_null(timing_cache_peek(c, &k4));
    ck_assert_uint_eq(*(uint64_t *)timing_cache_peek(c, &k6), 1006);
    timing_cache_free(c);
}
END_TEST

/* An odd-sized payload (not a multiple of 8) filled from the key. */
static void fill_payload(uint8_t *buf, size_t n, uint64_t k)
{
    for (size_t i = 0; i < n; i++) {
        buf[i] = (uint8_t)(k * 131 + i * 7 + (k >> 8));
    }
}

START_TEST(test_timing_cache_payload_integrity)
{
    enum { VSZ = 21 };
    TimingCache *c = tct_new(1024, 8, TIMING_CACHE_RANDOM, VSZ, false);
    uint8_t want[VSZ], out[VSZ];
    unsigned present = 0;

    for (uint64_t k = 0; k < 1500; k++) {
        TimingCacheKey key = TIMING_CACHE_KEY(k, ~k), victim;
        bool evicted;
        uint8_t *stored;

        fill_payload(want, VSZ, k);
        stored = timing_cache_insert(c, &key, want, &victim, out, &evicted);
        ck_assert_mem_eq(stored, want, VSZ);
        if (evicted) {
            ck_assert_uint_eq(victim.w[1], ~victim.w[0]);
            fill_payload(want, VSZ, victim.w[0]);
            ck_assert_mem_eq(out, want, VSZ);
        }
    }
    for (uint64_t k = 0; k < 1500; k++) {
        TimingCacheKey key = TIMING_CACHE_KEY(k, ~k);
        uint8_t *v = timing_cache_lookup(c, &key);

        if (v) {
            fill_payload(want, VSZ, k);
            ck_assert_mem_eq(v, want, VSZ);
            present++;
        }
    }
    ck_assert_uint_eq(present, timing_cache_occupancy(c));
    ck_assert_uint_ge(present, 900);
    timing_cache_free(c);
}
END_TEST

START_TEST(test_timing_cache_insert_null_value_zeroes)
{
    TimingCache *c = tct_new(1, 1, TIMING_CACHE_LRU, 16, false);
    TimingCacheKey k1 = TIMING_CACHE_KEY(1), k2 = TIMING_CACHE_KEY(2);
    uint8_t ones[16], zeros[16] = { 0 };

    memset(ones, 0xff, sizeof(ones));
    timing_cache_insert(c, &k1, ones, NULL, NULL, NULL);
    timing_cache_insert(c, &k2, NULL, NULL, NULL, NULL);
    ck_assert_mem_eq(timing_cache_lookup(c, &k2), zeros, 16);
    timing_cache_free(c);
}
END_TEST

START_TEST(test_timing_cache_keys_compare_every_word)
{
    TimingCache *c = tct_new(64, 64, TIMING_CACHE_LRU, 8, false);
    TimingCacheKey k = TIMING_CACHE_KEY(1, 2, 3, 4);

    timing_cache_insert(c, &k, NULL, NULL, NULL, NULL);
    for (int w = 0; w < TIMING_CACHE_KEY_WORDS; w++) {
        TimingCacheKey other = k;

        other.w[w] ^= 1ull << 63;
        ck_assert_ptr_null(timing_cache_peek(c, &other));
    }
    ck_assert_ptr_nonnull(timing_cache_peek(c, &k));
    timing_cache_free(c);
}
END_TEST

/* ---- page-size classes ---------------------------------------------- */

START_TEST(test_timing_cache_lookup_any_page_size_classes)
{
    TimingCache *c = tct_new(64, 4, TIMING_CACHE_LRU, 8, false);
    uint64_t iova = 0x40345678;
    TimingCacheKey probe[3] = {
        iotlb_key(7, iova, 0), iotlb_key(7, iova, 1), iotlb_key(7, iova, 2),
    };
    uint64_t two_m = 0x2000;
    unsigned which = 99;
    TimingCacheStats st;

    ck_assert_ptr_null(timing_cache_lookup_any(c, probe, 3, &which));
    ck_assert_uint_eq(which, 99);
    timing_cache_insert(c, &probe[1], &two_m, NULL, NULL, NULL);
    ck_assert_uint_eq(*(uint64_t *)timing_cache_lookup_any(c, probe, 3,
                                                           &which), two_m);
    ck_assert_uint_eq(which, 1);
    /* Another 4K page of the same 2M page hits the same entry. */
    TimingCacheKey near[3] = {
        iotlb_key(7, iova + 0x1000, 0), iotlb_key(7, iova + 0x1000, 1),
        iotlb_key(7, iova + 0x1000, 2),
    };
    ck_assert_ptr_nonnull(timing_cache_lookup_any(c, near, 3, NULL));
    ck_assert_ptr_null(timing_cache_lookup_any(c, probe, 0, &which));
    timing_cache_get_stats(c, &st);
    ck_assert_uint_eq(st.lookups, 4);
    ck_assert_uint_eq(st.hits, 2);
    ck_assert_uint_eq(st.misses, 2);
    ck_assert_uint_eq(st.cycles, 2 * 2 + 2 * 3);
    timing_cache_free(c);
}
END_TEST

/* ---- geometry validation -------------------------------------------- */

static void expect_bad(uint32_t entries, uint32_t ways, size_t value_size,
                       int policy, int code)
{
    TimingCacheConfig cfg = {
        .name = "iotlb", .entries = entries, .ways = ways,
        .value_size = value_size, .policy = (TimingCachePolicy)policy,
    };
    GError *err = NULL;

    ck_assert_ptr_null(timing_cache_new(&cfg, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(g_error_matches(err, TIMING_CACHE_ERROR, code),
                  "%u/%u/%zu/%d: %s", entries, ways, value_size, policy,
                  err->message);
    ck_assert_ptr_nonnull(strstr(err->message, "'iotlb'"));
    g_error_free(err);
    ck_assert_ptr_null(timing_cache_new(&cfg, NULL));   /* no errp: fine */
}

START_TEST(test_timing_cache_geometry_validation)
{
    const int geo = TIMING_CACHE_ERROR_GEOMETRY;

    expect_bad(0, 1, 8, TIMING_CACHE_LRU, geo);
    expect_bad(16, 0, 8, TIMING_CACHE_LRU, geo);
    expect_bad(10, 4, 8, TIMING_CACHE_LRU, geo);     /* not a multiple */
    expect_bad(4, 8, 8, TIMING_CACHE_LRU, geo);      /* ways > entries */
    expect_bad(TIMING_CACHE_MAX_ENTRIES + 1, 1, 8, TIMING_CACHE_LRU, geo);
    expect_bad(16, 4, TIMING_CACHE_MAX_VALUE_SIZE + 1, TIMING_CACHE_LRU, geo);
    expect_bad(16, 4, 8, 17, TIMING_CACHE_ERROR_POLICY);
    expect_bad(16, 4, 8, -1, TIMING_CACHE_ERROR_POLICY);
    expect_bad(24, 3, 8, TIMING_CACHE_PLRU, TIMING_CACHE_ERROR_POLICY);
}
END_TEST

START_TEST(test_timing_cache_geometry_accessors)
{
    TimingCacheConfig cfg = {
        .entries = 96, .ways = 96, .value_size = 12,
        .policy = TIMING_CACHE_FIFO,
    };
    TimingCache *c = timing_cache_new(&cfg, NULL);

    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(timing_cache_entries(c), 96);
    ck_assert_uint_eq(timing_cache_ways(c), 96);
    ck_assert_uint_eq(timing_cache_sets(c), 1);
    ck_assert_uint_eq(timing_cache_value_size(c), 12);
    ck_assert_str_eq(timing_cache_name(c), "cache");
    ck_assert_uint_eq(timing_cache_occupancy(c), 0);
    timing_cache_free(c);
    timing_cache_free(NULL);
}
END_TEST

/* ---- random operations against a reference model -------------------- */

/* Reference: per set, keys ordered oldest first (LRU or FIFO age). */
typedef struct {
    uint32_t sets, ways;
    uint64_t *keys;     /* [sets][ways] */
    uint32_t *len;
} RefCache;

static int ref_find(RefCache *r, uint32_t set, uint64_t k)
{
    for (uint32_t i = 0; i < r->len[set]; i++) {
        if (r->keys[set * r->ways + i] == k) {
            return (int)i;
        }
    }
    return -1;
}

static void ref_remove(RefCache *r, uint32_t set, int i)
{
    uint64_t *row = &r->keys[set * r->ways];

    memmove(&row[i], &row[i + 1], (r->len[set] - i - 1) * sizeof(*row));
    r->len[set]--;
}

static void ref_push(RefCache *r, uint32_t set, uint64_t k)
{
    r->keys[set * r->ways + r->len[set]++] = k;
}

/* One random operation on both; asserts they agree. */
static void ref_step(TimingCache *c, RefCache *r, GRand *rng, bool lru,
                     uint64_t key_range)
{
    uint64_t k = g_rand_int_range(rng, 0, key_range);
    uint32_t set = r->sets == 1 ? 0 : (uint32_t)k % r->sets;
    int at = ref_find(r, set, k);
    int op = g_rand_int_range(rng, 0, 10);

    if (op < 5) {                           /* lookup */
        ck_assert_int_eq(tct_hit(c, k), at >= 0);
        if (at >= 0 && lru) {
            ref_remove(r, set, at);
            ref_push(r, set, k);
        }
    } else if (op < 9) {                    /* insert */
        int64_t victim = tct_insert(c, k);

        if (at >= 0) {
            ck_assert_int_eq(victim, -1);
            if (lru) {
                ref_remove(r, set, at);
                ref_push(r, set, k);
            }
            return;
        }
        ck_assert_int_eq(victim, r->len[set] == r->ways
                         ? (int64_t)r->keys[set * r->ways] : -1);
        if (r->len[set] == r->ways) {
            ref_remove(r, set, 0);
        }
        ref_push(r, set, k);
    } else {                                /* invalidate */
        TimingCacheKey key = TIMING_CACHE_KEY(k);

        ck_assert_int_eq(timing_cache_invalidate(c, &key), at >= 0);
        if (at >= 0) {
            ref_remove(r, set, at);
        }
    }
}

static void check_against_reference(uint32_t entries, uint32_t ways,
                                    TimingCachePolicy policy)
{
    uint32_t sets = entries / ways;
    TimingCache *c = tct_new(entries, ways, policy, 8, sets > 1);
    RefCache r = { .sets = sets, .ways = ways };
    GRand *rng = g_rand_new_with_seed(entries * 31 + ways + policy);

    r.keys = g_new0(uint64_t, entries);
    r.len = g_new0(uint32_t, sets);
    for (int i = 0; i < 20000; i++) {
        ref_step(c, &r, rng, policy == TIMING_CACHE_LRU, 2 * entries + 3);
    }
    uint32_t total = 0;

    for (uint32_t s = 0; s < sets; s++) {
        total += r.len[s];
    }
    ck_assert_uint_eq(timing_cache_occupancy(c), total);
    g_rand_free(rng);
    g_free(r.keys);
    g_free(r.len);
    timing_cache_free(c);
}

/* Hints: a replayed hit is the lookup's hit; any change voids hints. */
static TimingCache *hint_cache(void)
{
    TimingCacheConfig cfg = { .name = "h", .entries = 8, .ways = 8,
                              .value_size = 8, .policy = TIMING_CACHE_PLRU,
                              .hit_cycles = 3, .miss_cycles = 1 };
    TimingCache *c = timing_cache_new(&cfg, NULL);

    for (uint64_t i = 0; i < 8; i++) {
        timing_cache_insert(c, &TIMING_CACHE_KEY(i), &i, NULL, NULL, NULL);
    }
    return c;
}

START_TEST(test_timing_cache_hint_replays_the_hit)
{
    TimingCache *a = hint_cache(), *b = hint_cache();
    TimingCacheKey victim_a, victim_b, k = TIMING_CACHE_KEY(3);
    TimingCacheStats sa, sb;
    TimingCacheHint h;
    uint64_t *v;

    ck_assert(!timing_cache_last_hit(a, &h));       /* inserts are not hits */
    ck_assert_ptr_nonnull(timing_cache_lookup(a, &k));
    ck_assert(timing_cache_last_hit(a, &h));
    ck_assert(timing_cache_hint_valid(a, &h));
    timing_cache_lookup(b, &k);
    /* Same touches: key 0 then key 3 again, by lookup (b) or replay (a). */
    timing_cache_lookup(a, &TIMING_CACHE_KEY(0));
    timing_cache_lookup(b, &TIMING_CACHE_KEY(0));
    v = timing_cache_hit_hint(a, &h);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(*v, 3);
    timing_cache_lookup(b, &k);
    timing_cache_get_stats(a, &sa);
    timing_cache_get_stats(b, &sb);
    ck_assert_uint_eq(sa.lookups, sb.lookups);
    ck_assert_uint_eq(sa.hits, sb.hits);
    ck_assert_uint_eq(sa.cycles, sb.cycles);
    /* The PLRU victim is the same: the replay touched the same way. */
    timing_cache_insert(a, &TIMING_CACHE_KEY(100), NULL, &victim_a, NULL,
                        NULL);
    timing_cache_insert(b, &TIMING_CACHE_KEY(100), NULL, &victim_b, NULL,
                        NULL);
    ck_assert_uint_eq(victim_a.w[0], victim_b.w[0]);
    /* The insert moved the generation: the hint is void, nothing counted. */
    ck_assert(!timing_cache_hint_valid(a, &h));
    ck_assert_ptr_null(timing_cache_hit_hint(a, &h));
    timing_cache_get_stats(a, &sa);
    ck_assert_uint_eq(sa.lookups, sb.lookups);
    timing_cache_free(a);
    timing_cache_free(b);
}
END_TEST

START_TEST(test_timing_cache_hint_void_after_any_change)
{
    TimingCache *c = hint_cache(), *d = hint_cache();
    TimingCache *both[2] = { c, d };
    TimingCacheHint h[2];
    TimingCacheStats st;

    timing_cache_lookup(c, &TIMING_CACHE_KEY(1));
    timing_cache_last_hit(c, &h[0]);
    timing_cache_lookup(d, &TIMING_CACHE_KEY(2));
    timing_cache_last_hit(d, &h[1]);
    ck_assert(timing_cache_hit_hints(both, h, 2));
    /* A miss changes nothing; dropping an absent key changes nothing. */
    timing_cache_lookup(d, &TIMING_CACHE_KEY(77));
    ck_assert(!timing_cache_invalidate(d, &TIMING_CACHE_KEY(77)));
    ck_assert(timing_cache_hit_hints(both, h, 2));
    /* An invalidation of another entry voids every hint of that cache. */
    ck_assert(timing_cache_invalidate(d, &TIMING_CACHE_KEY(5)));
    timing_cache_get_stats(c, &st);
    ck_assert(!timing_cache_hit_hints(both, h, 2));   /* all or nothing */
    {
        TimingCacheStats st2;

        timing_cache_get_stats(c, &st2);
        ck_assert_uint_eq(st2.lookups, st.lookups);
    }
    ck_assert(timing_cache_hint_valid(c, &h[0]));
    timing_cache_invalidate_all(c);
    ck_assert(!timing_cache_hint_valid(c, &h[0]));
    timing_cache_free(c);
    timing_cache_free(d);
}
END_TEST

/*
 * hit_hints defers its counting to the statistics read: the figures
 * equal lookups that hit (lookups, hits, cycles), a reset clears the
 * deferred ones too, and the replacement state moves as a lookup's.
 */
START_TEST(test_timing_cache_hit_hints_count_as_lookups)
{
    TimingCache *a = hint_cache(), *b = hint_cache();
    TimingCache *ca[1] = { a };
    TimingCacheKey va, vb;
    TimingCacheStats sa, sb;
    TimingCacheHint h;

    timing_cache_lookup(a, &TIMING_CACHE_KEY(4));
    ck_assert(timing_cache_last_hit(a, &h));
    timing_cache_lookup(a, &TIMING_CACHE_KEY(0));
    timing_cache_lookup(b, &TIMING_CACHE_KEY(4));
    timing_cache_lookup(b, &TIMING_CACHE_KEY(0));
    for (int i = 0; i < 5; i++) {
        ck_assert(timing_cache_hit_hints(ca, &h, 1));
        timing_cache_lookup(b, &TIMING_CACHE_KEY(4));
    }
    timing_cache_get_stats(a, &sa);
    timing_cache_get_stats(b, &sb);
    ck_assert_uint_eq(sa.lookups, 7);
    ck_assert_uint_eq(sa.lookups, sb.lookups);
    ck_assert_uint_eq(sa.hits, sb.hits);
    ck_assert_uint_eq(sa.misses, sb.misses);
    ck_assert_uint_eq(sa.cycles, sb.cycles);
    ck_assert_uint_eq(sa.cycles, 21);
    /*
     * The same victim next: the replays touched key 4's way after key
     * 0's, as the lookups did (untouched, PLRU would pick 4's half).
     */
    timing_cache_insert(a, &TIMING_CACHE_KEY(100), NULL, &va, NULL, NULL);
    timing_cache_insert(b, &TIMING_CACHE_KEY(100), NULL, &vb, NULL, NULL);
    ck_assert_mem_eq(&va, &vb, sizeof(va));
    ck_assert_uint_lt(va.w[0], 4);
    timing_cache_reset_stats(a);
    timing_cache_get_stats(a, &sa);
    ck_assert_uint_eq(sa.lookups, 0);
    ck_assert_uint_eq(sa.hits, 0);
    ck_assert_uint_eq(sa.cycles, 0);
    timing_cache_free(a);
    timing_cache_free(b);
}
END_TEST

START_TEST(test_timing_cache_matches_reference_model)
{
    static const uint32_t geo[][2] = {
        { 1, 1 }, { 8, 1 }, { 64, 4 }, { 12, 4 }, { 64, 64 },
        { 96, 96 }, { 1024, 8 }, { 1024, 1024 },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(geo); i++) {
        check_against_reference(geo[i][0], geo[i][1], TIMING_CACHE_LRU);
        check_against_reference(geo[i][0], geo[i][1], TIMING_CACHE_FIFO);
    }
}
END_TEST

static Suite *timing_cache_ops_suite(void)
{
    Suite *s = suite_create("timing-cache-ops");
    TCase *tc = tcase_create("ops");

    tcase_add_test(tc, test_timing_cache_invalidate_by_key);
    tcase_add_test(tc, test_timing_cache_invalidate_matching_domain);
    tcase_add_test(tc, test_timing_cache_invalidate_matching_page_range);
    tcase_add_test(tc, test_timing_cache_invalidate_all);
    tcase_add_test(tc, test_timing_cache_counters_and_reset);
    tcase_add_test(tc, test_timing_cache_peek_leaves_replacement_state);
    tcase_add_test(tc, test_timing_cache_foreach_visits_valid_entries);
    tcase_add_test(tc, test_timing_cache_payload_integrity);
    tcase_add_test(tc, test_timing_cache_insert_null_value_zeroes);
    tcase_add_test(tc, test_timing_cache_keys_compare_every_word);
    tcase_add_test(tc, test_timing_cache_lookup_any_page_size_classes);
    tcase_add_test(tc, test_timing_cache_geometry_validation);
    tcase_add_test(tc, test_timing_cache_geometry_accessors);
    tcase_add_test(tc, test_timing_cache_matches_reference_model);
    tcase_add_test(tc, test_timing_cache_hint_replays_the_hit);
    tcase_add_test(tc, test_timing_cache_hint_void_after_any_change);
    tcase_add_test(tc, test_timing_cache_hit_hints_count_as_lookups);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tct_run(timing_cache_ops_suite());
}
