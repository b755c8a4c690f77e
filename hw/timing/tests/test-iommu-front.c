/*
 * The shared front cache (include/iommu-sim/iommu-front.h): a replay is
 * exactly the two lookups it stands for (counters, replacement state,
 * value), anything that changes either cache or a request the entry does
 * not cover gets NULL with nothing touched, a fill needs a hit in each
 * cache with no change since, and the charged cost is the full path's.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hw/timing/iommu-front-hit.h"

#define TF_PAGE 0x12345ull

/* Eight keys in a fully associative 8-way PLRU cache. */
static TimingCache *tf_cache(const char *name)
{
    TimingCacheConfig cfg = { .name = name, .entries = 8, .ways = 8,
                              .value_size = 8, .policy = TIMING_CACHE_PLRU,
                              .hit_cycles = 3, .miss_cycles = 1 };
    TimingCache *c = timing_cache_new(&cfg, NULL);

    for (uint64_t i = 0; i < 8; i++) {
        timing_cache_insert(c, &TIMING_CACHE_KEY(i), &i, NULL, NULL, NULL);
    }
    return c;
}

typedef struct TFPair {
    TimingCache *c[IOMMU_FRONT_HINTS];
} TFPair;

static void tf_pair(TFPair *p)
{
    p->c[0] = tf_cache("config");
    p->c[1] = tf_cache("iotlb");
}

static void tf_pair_free(TFPair *p)
{
    timing_cache_free(p->c[0]);
    timing_cache_free(p->c[1]);
}

/* The full path's two hits: key 2 in the config cache, 5 in the IOTLB. */
static void tf_lookups(TFPair *p)
{
    ck_assert_ptr_nonnull(timing_cache_lookup(p->c[0], &TIMING_CACHE_KEY(2)));
    ck_assert_ptr_nonnull(timing_cache_lookup(p->c[1], &TIMING_CACHE_KEY(5)));
}

/* What a model's hit path does, minus its own gate (no timing model). */
static const IOMMUFrontEntry *tf_hit_out(IOMMUFront *f, TimingCache *const *c,
                                         uint64_t iova,
                                         IOMMUAccessFlags access,
                                         IOMMUTranslation *out)
{
    const IOMMUFrontEntry *e = iommu_front_match(f, iova, access);

    return e && iommu_front_hit(f, e, c, NULL, 0, NULL, out) ? e : NULL;
}

static const IOMMUFrontEntry *tf_hit(IOMMUFront *f, TimingCache *const *c,
                                     uint64_t iova, IOMMUAccessFlags access)
{
    IOMMUTranslation out;

    return tf_hit_out(f, c, iova, access, &out);
}

static const IOMMUTLBEntry tf_entry = {
    .iova = TF_PAGE << 12, .translated_addr = 0xabc000,
    .addr_mask = 0xfff, .perm = IOMMU_RO,
};

static void tf_assert_same_stats(TimingCache *a, TimingCache *b)
{
    TimingCacheStats sa, sb;

    timing_cache_get_stats(a, &sa);
    timing_cache_get_stats(b, &sb);
    ck_assert_uint_eq(sa.lookups, sb.lookups);
    ck_assert_uint_eq(sa.hits, sb.hits);
    ck_assert_uint_eq(sa.cycles, sb.cycles);
}

START_TEST(test_iommu_front_replay_equals_the_lookups)
{
    TFPair a, b;
    IOMMUFront f = { 0 };
    const IOMMUFrontEntry *e;
    IOMMUTranslation out = { 0 };
    TimingCacheKey va, vb;
    AddressSpace *as = (AddressSpace *)&f;  /* only compared */

    tf_pair(&a);
    tf_pair(&b);
    tf_lookups(&a);
    tf_lookups(&b);
    ck_assert(iommu_front_fill(&f, a.c, (TF_PAGE << 12) | 0x10, 1,
                               &tf_entry));
    /* Both touch key 0, then a replays what b looks up again. */
    for (int i = 0; i < 2; i++) {
        timing_cache_lookup(a.c[i], &TIMING_CACHE_KEY(0));
        timing_cache_lookup(b.c[i], &TIMING_CACHE_KEY(0));
    }
    e = iommu_front_match(&f, (TF_PAGE << 12) | 0xff8, IOMMU_RO);
    ck_assert_ptr_nonnull(e);
    ck_assert(iommu_front_hit(&f, e, a.c, NULL, 0, as, &out));
    tf_lookups(&b);
    ck_assert_uint_eq(e->size_class, 1);
    ck_assert_uint_eq(f.replays, 1);
    ck_assert_ptr_eq(out.entry.target_as, as);
    ck_assert_uint_eq(out.entry.iova, tf_entry.iova);
    ck_assert_uint_eq(out.entry.translated_addr, tf_entry.translated_addr);
    ck_assert_uint_eq(out.entry.addr_mask, tf_entry.addr_mask);
    ck_assert_int_eq(out.entry.perm, tf_entry.perm);
    for (int i = 0; i < 2; i++) {
        tf_assert_same_stats(a.c[i], b.c[i]);
        /* Same PLRU state: the same victim for the next insert. */
        timing_cache_insert(a.c[i], &TIMING_CACHE_KEY(100), NULL, &va, NULL,
                            NULL);
        timing_cache_insert(b.c[i], &TIMING_CACHE_KEY(100), NULL, &vb, NULL,
                            NULL);
        ck_assert_uint_eq(va.w[0], vb.w[0]);
    }
    tf_pair_free(&a);
    tf_pair_free(&b);
}
END_TEST

/* A NULL answer counts nothing in either cache. */
static void tf_assert_refused(IOMMUFront *f, TFPair *p, uint64_t iova,
                              IOMMUAccessFlags access)
{
    TimingCacheStats before[2], after[2];

    for (int i = 0; i < 2; i++) {
        timing_cache_get_stats(p->c[i], &before[i]);
    }
    ck_assert_ptr_null(tf_hit(f, p->c, iova, access));
    for (int i = 0; i < 2; i++) {
        timing_cache_get_stats(p->c[i], &after[i]);
        ck_assert_uint_eq(after[i].lookups, before[i].lookups);
        ck_assert_uint_eq(after[i].hits, before[i].hits);
    }
}

START_TEST(test_iommu_front_replay_refused_without_side_effects)
{
    TFPair p;
    IOMMUFront f = { 0 };
    uint64_t iova = TF_PAGE << 12;

    tf_pair(&p);
    tf_assert_refused(&f, &p, iova, IOMMU_RO);              /* empty */
    tf_lookups(&p);
    ck_assert(iommu_front_fill(&f, p.c, iova, 0, &tf_entry));
    tf_assert_refused(&f, &p, iova, IOMMU_WO);              /* perm */
    tf_assert_refused(&f, &p, iova, IOMMU_RW);
    /* Same slot, other page. */
    tf_assert_refused(&f, &p, iova + IOMMU_FRONT_ENTRIES * 0x1000ull,
                      IOMMU_RO);
    ck_assert_ptr_nonnull(tf_hit(&f, p.c, iova, IOMMU_NONE));
    /* A miss changes nothing; invalidating another entry does (either). */
    timing_cache_lookup(p.c[1], &TIMING_CACHE_KEY(77));
    ck_assert_ptr_nonnull(tf_hit(&f, p.c, iova, IOMMU_RO));
    ck_assert(timing_cache_invalidate(p.c[1], &TIMING_CACHE_KEY(7)));
    tf_assert_refused(&f, &p, iova, IOMMU_RO);
    /*
     * The entry still matches; only the hit knows it is void, and it
     * writes nothing into the answer.
     */
    ck_assert_ptr_nonnull(iommu_front_match(&f, iova, IOMMU_RO));
    {
        IOMMUTranslation out, before;

        memset(&out, 0x5a, sizeof(out));
        before = out;
        ck_assert(!iommu_front_hit(&f, iommu_front_match(&f, iova, IOMMU_RO),
                                   p.c, NULL, 0, NULL, &out));
        ck_assert_mem_eq(&out, &before, sizeof(out));
    }
    ck_assert_uint_eq(f.replays, 2);
    /* Refilled after the full path hit again; a config change voids it. */
    tf_lookups(&p);
    ck_assert(iommu_front_fill(&f, p.c, iova, 0, &tf_entry));
    ck_assert_ptr_nonnull(tf_hit(&f, p.c, iova, IOMMU_RO));
    timing_cache_invalidate_all(p.c[0]);
    tf_assert_refused(&f, &p, iova, IOMMU_RO);
    tf_pair_free(&p);
}
END_TEST

START_TEST(test_iommu_front_fill_needs_an_unchanged_hit_in_each_cache)
{
    TFPair p;
    IOMMUFront f = { 0 };
    uint64_t iova = TF_PAGE << 12;

    tf_pair(&p);
    tf_lookups(&p);
    ck_assert(iommu_front_fill(&f, p.c, iova, 0, &tf_entry));
    /* The IOTLB changed since its hit: no fill, and the old entry goes. */
    timing_cache_insert(p.c[1], &TIMING_CACHE_KEY(99), NULL, NULL, NULL,
                        NULL);
    ck_assert(!iommu_front_fill(&f, p.c, iova, 0, &tf_entry));
    ck_assert(!iommu_front_slot(&f, iova)->valid);
    tf_assert_refused(&f, &p, iova, IOMMU_RO);
    /* Likewise the configuration cache (an invalidation after the hits). */
    tf_lookups(&p);
    ck_assert(timing_cache_invalidate(p.c[0], &TIMING_CACHE_KEY(6)));
    ck_assert(!iommu_front_fill(&f, p.c, iova, 0, &tf_entry));
    /* drop and clear empty slots. */
    tf_lookups(&p);
    ck_assert(iommu_front_fill(&f, p.c, iova, 0, &tf_entry));
    iommu_front_drop(&f, iova + 0x800);
    tf_assert_refused(&f, &p, iova, IOMMU_RO);
    tf_lookups(&p);
    ck_assert(iommu_front_fill(&f, p.c, iova, 0, &tf_entry));
    iommu_front_clear(&f);
    tf_assert_refused(&f, &p, iova, IOMMU_RO);
    tf_pair_free(&p);
}
END_TEST

START_TEST(test_iommu_front_charge_equals_the_full_path_cost)
{
    TimingModel *full = timing_model_new(timing_profile_find("broadwell-ep"));
    TimingModel *fast = timing_model_new(timing_profile_find("broadwell-ep"));
    IOMMUCost cf = { 0 }, cq;
    IOMMUTranslation out = { .cost = { .mem_reads = 9 } };
    TimingStats sf, sq;
    TimingXlate x;
    TFPair p;
    IOMMUFront f = { 0 };
    uint64_t iova = TF_PAGE << 12;

    tf_pair(&p);
    tf_lookups(&p);
    ck_assert(iommu_front_fill(&f, p.c, iova, 0, &tf_entry));
    timing_xlate_begin(full, &x, 1000, 0x10, 0x4000);
    timing_xlate_lookup(full, &x, TIMING_LOOKUP_CONFIG, true);
    timing_xlate_lookup(full, &x, TIMING_LOOKUP_IOTLB, true);
    timing_xlate_finish(full, &x, &cf);
    ck_assert(iommu_front_hit(&f, iommu_front_match(&f, iova, IOMMU_RO), p.c,
                              fast, 1000, NULL, &out));
    cq = out.cost;
    ck_assert_uint_gt(cq.ns, 0);
    ck_assert_uint_eq(cq.ns, cf.ns);
    ck_assert_uint_eq(cq.cycles, cf.cycles);
    ck_assert_uint_eq(cq.mem_reads, 0);
    ck_assert_uint_eq(cq.events, IOMMU_FRONT_EVENTS);
    timing_model_get_stats(full, &sf);
    timing_model_get_stats(fast, &sq);
    ck_assert_uint_eq(sq.translations, sf.translations);
    ck_assert_uint_eq(sq.xlate_ns, sf.xlate_ns);
    for (int k = 0; k < TIMING_LOOKUP_COUNT; k++) {
        ck_assert_uint_eq(sq.lookups[k], sf.lookups[k]);
        ck_assert_uint_eq(sq.hits[k], sf.hits[k]);
    }
    ck_assert_int_eq(sq.first_arrival_ns, sf.first_arrival_ns);
    ck_assert_int_eq(sq.last_done_ns, sf.last_done_ns);
    /* Without a model: no cost, the events and no reads still reported. */
    out = (IOMMUTranslation){ .cost = { .mem_reads = 3 } };
    ck_assert(iommu_front_hit(&f, iommu_front_match(&f, iova, IOMMU_RO), p.c,
                              NULL, 1000, NULL, &out));
    ck_assert_uint_eq(out.cost.ns, 0);
    ck_assert_uint_eq(out.cost.mem_reads, 0);
    ck_assert_uint_eq(out.cost.events, IOMMU_FRONT_EVENTS);
    tf_pair_free(&p);
    timing_model_free(full);
    timing_model_free(fast);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("iommu-front");
    TCase *tc = tcase_create("front");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_iommu_front_replay_equals_the_lookups);
    tcase_add_test(tc, test_iommu_front_replay_refused_without_side_effects);
    tcase_add_test(tc,
                   test_iommu_front_fill_needs_an_unchanged_hit_in_each_cache);
    tcase_add_test(tc, test_iommu_front_charge_equals_the_full_path_cost);
    suite_add_tcase(su, tc);
    sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
