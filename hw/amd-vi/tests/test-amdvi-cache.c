/*
 * Check tests for the AMD-Vi caches (amdvi-cache*.c): properties,
 * geometry and eviction, the tags of each cache, range invalidation as
 * INVALIDATE_IOMMU_PAGES encodes it (§2.4.3) and the PMU-named stats.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hw/amd-vi/amdvi-cache.h"

static AMDVICaches *caches_default(void)
{
    AMDVICacheConfig cfg;
    AMDVICaches *c;

    amdvi_cache_config_default(&cfg);
    c = amdvi_caches_new(&cfg, NULL);
    ck_assert_ptr_nonnull(c);
    return c;
}

static AMDVIIotlbEntry leaf(uint64_t addr, unsigned shift, unsigned level)
{
    AMDVIIotlbEntry e = { 0 };

    e.page_addr = addr;
    e.page_shift = (uint8_t)shift;
    e.level = (uint8_t)level;
    e.perm = IOMMU_RW;
    return e;
}

START_TEST(test_amdvi_cache_props_defaults_and_set)
{
    AMDVICacheConfig cfg;
    GError *err = NULL;

    amdvi_cache_config_default(&cfg);
    ck_assert_uint_eq(cfg.iotlb.entries, 64);
    ck_assert_uint_eq(cfg.iotlb.ways, 8);
    ck_assert_uint_eq(cfg.dte.entries, 64);
    ck_assert_uint_eq(cfg.pdc[AMDVI_PDC_INDEX(2)].entries, 32);
    ck_assert_int_eq(amdvi_cache_config_set(&cfg, "iotlb-entries", "128",
                                            NULL), 1);
    ck_assert_int_eq(amdvi_cache_config_set(&cfg, "pdc-l3-ways", "2", NULL),
                     1);
    ck_assert_int_eq(amdvi_cache_config_set(&cfg, "dte-cache-replacement",
                                            "FIFO", NULL), 1);
    ck_assert_uint_eq(cfg.iotlb.entries, 128);
    ck_assert_uint_eq(cfg.pdc[1].ways, 2);
    ck_assert_int_eq(cfg.dte.policy, TIMING_CACHE_FIFO);
    ck_assert_int_eq(amdvi_cache_config_set(&cfg, "nonsense", "1", NULL), 0);
    ck_assert_int_eq(amdvi_cache_config_set(&cfg, "iotlb-entries", "0",
                                            &err), -1);
    ck_assert_ptr_nonnull(strstr(err->message, "iotlb-entries"));
    g_clear_error(&err);
    ck_assert_int_eq(amdvi_cache_config_set(&cfg, "iotlb-replacement",
                                            "mru", &err), -1);
    g_clear_error(&err);
    ck_assert_int_eq(amdvi_cache_config_set(&cfg, "irte-cache-ways", NULL,
                                            &err), -1);
    g_clear_error(&err);
    ck_assert_ptr_null(amdvi_cache_prop_names()[24]);
    ck_assert_str_eq(amdvi_cache_prop_names()[0], "dte-cache-entries");
}
END_TEST

START_TEST(test_amdvi_cache_config_check_names_property)
{
    AMDVICacheConfig cfg;
    GError *err = NULL;

    amdvi_cache_config_default(&cfg);
    ck_assert(amdvi_cache_config_check(&cfg, NULL));
    cfg.pdc[AMDVI_PDC_INDEX(4)].ways = 3;   /* does not divide 8 */
    ck_assert(!amdvi_cache_config_check(&cfg, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "pdc-l4"));
    g_clear_error(&err);
    ck_assert_ptr_null(amdvi_caches_new(&cfg, &err));
    g_clear_error(&err);
}
END_TEST

START_TEST(test_amdvi_cache_dte_tag_is_devid)
{
    AMDVICaches *c = caches_default();
    AMDVIDteCacheEntry e = { { 3, 0x1000, 0, 0 } }, out;

    ck_assert(!amdvi_dte_cache_lookup(c, 0x10, &out));
    amdvi_dte_cache_insert(c, 0x10, &e);
    ck_assert(amdvi_dte_cache_lookup(c, 0x10, &out));
    ck_assert_uint_eq(out.dte[1], 0x1000);
    ck_assert(!amdvi_dte_cache_lookup(c, 0x11, &out));
    ck_assert_uint_eq(amdvi_dte_cache_invalidate(c, 0x11), 0);
    ck_assert_uint_eq(amdvi_dte_cache_invalidate(c, 0x10), 1);
    ck_assert(!amdvi_dte_cache_lookup(c, 0x10, &out));
    amdvi_caches_free(c);
}
END_TEST

START_TEST(test_amdvi_cache_iotlb_domain_and_level_tags)
{
    AMDVICaches *c = caches_default();
    AMDVIIotlbEntry e4k = leaf(0x5000, 12, 1), e2m = leaf(0x40000000, 21, 2);
    const AMDVIIotlbEntry *h;

    ck_assert(amdvi_iotlb_insert(c, 1, 0x1234, &e4k));
    ck_assert(amdvi_iotlb_insert(c, 1, 0x200000 + 0x1234, &e2m));
    h = amdvi_iotlb_lookup(c, 1, 0x1ff8, 3);
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(h->page_addr, 0x5000);
    ck_assert_uint_eq(h->page_iova, 0x1000);
    ck_assert_ptr_null(amdvi_iotlb_lookup(c, 2, 0x1ff8, 3));   /* domain */
    ck_assert_ptr_null(amdvi_iotlb_lookup(c, 1, 0x2000, 3));
    h = amdvi_iotlb_lookup(c, 1, 0x3fffff, 3);
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(h->page_shift, 21);
    ck_assert_uint_eq(h->page_iova, 0x200000);
    /* A mode-1 table never probes the 2 MiB class. */
    ck_assert_ptr_null(amdvi_iotlb_lookup(c, 1, 0x3fffff, 1));
    ck_assert_uint_eq(c->ctr.iotlb_hits_by_level[1], 1);
    amdvi_caches_free(c);
}
END_TEST

START_TEST(test_amdvi_cache_iotlb_rejects_bad_leaf)
{
    AMDVICaches *c = caches_default();
    AMDVIIotlbEntry bad_level = leaf(0, 12, 7), small = leaf(0, 12, 2),
                    huge = leaf(0, 64, 6);

    ck_assert(!amdvi_iotlb_insert(c, 1, 0, &bad_level));
    ck_assert(!amdvi_iotlb_insert(c, 1, 0, &small));    /* < level granule */
    ck_assert(!amdvi_iotlb_insert(c, 1, 0, &huge));
    ck_assert_uint_eq(timing_cache_occupancy(c->iotlb), 0);
    amdvi_caches_free(c);
}
END_TEST

START_TEST(test_amdvi_cache_iotlb_geometry_evicts)
{
    AMDVICacheConfig cfg;
    AMDVICaches *c;
    unsigned hits = 0;

    amdvi_cache_config_default(&cfg);
    cfg.iotlb = (AMDVICacheGeometry){ 4, 4, TIMING_CACHE_LRU };
    c = amdvi_caches_new(&cfg, NULL);
    for (unsigned i = 0; i < 5; i++) {
        AMDVIIotlbEntry e = leaf(0x100000 + i * 0x1000, 12, 1);

        amdvi_iotlb_insert(c, 7, i * 0x1000ull, &e);
    }
    ck_assert_uint_eq(timing_cache_occupancy(c->iotlb), 4);
    for (unsigned i = 0; i < 5; i++) {
        hits += amdvi_iotlb_lookup(c, 7, i * 0x1000ull, 3) != NULL;
    }
    ck_assert_uint_eq(hits, 4);
    /* LRU: the first page inserted is the one gone. */
    ck_assert_ptr_null(amdvi_iotlb_lookup(c, 7, 0, 3));
    amdvi_caches_free(c);
}
END_TEST

START_TEST(test_amdvi_cache_range_decode_s0_and_s1)
{
    uint64_t s, l;

    amdvi_inv_range_decode(0x12345678, false, &s, &l);
    ck_assert_uint_eq(s, 0x12345000);
    ck_assert_uint_eq(l, 0x12345fff);
    /* S=1, bit 12 clear: 8 KiB. */
    amdvi_inv_range_decode(0x4000, true, &s, &l);
    ck_assert_uint_eq(s, 0x4000);
    ck_assert_uint_eq(l, 0x5fff);
    /* S=1, bits 12-19 set, 20 clear: 2 MiB at 0x200000. */
    amdvi_inv_range_decode(0x2ff000, true, &s, &l);
    ck_assert_uint_eq(s, 0x200000);
    ck_assert_uint_eq(l, 0x3fffff);
    /* Linux CMD_INV_IOMMU_ALL_PAGES_ADDRESS: everything. */
    amdvi_inv_range_decode(0x7ffffffffffff000ull, true, &s, &l);
    ck_assert_uint_eq(s, 0);
    ck_assert_uint_eq(l, UINT64_MAX);
    amdvi_inv_range_decode(UINT64_MAX, true, &s, &l);
    ck_assert_uint_eq(s, 0);
    ck_assert_uint_eq(l, UINT64_MAX);
}
END_TEST

START_TEST(test_amdvi_cache_invalidate_range_exact)
{
    AMDVICaches *c = caches_default();
    uint64_t s, l;

    for (unsigned i = 0; i < 8; i++) {
        AMDVIIotlbEntry e = leaf(0x800000 + i * 0x1000, 12, 1);

        amdvi_iotlb_insert(c, 3, i * 0x1000ull, &e);
    }
    {
        AMDVIIotlbEntry other = leaf(0x900000, 12, 1);

        amdvi_iotlb_insert(c, 4, 0x2000, &other);
    }
    /* S=1 address 0x2000 | 0x1000 -> bit 13 clear? 0x3000: bits 12,13
     * set, 14 clear -> 32 KiB at 0: all eight of domain 3 only. */
    amdvi_inv_range_decode(0x2000, true, &s, &l);      /* 8 KiB: 2000-3fff */
    ck_assert_uint_eq(amdvi_iotlb_invalidate_range(c, 3, s, l, false), 2);
    ck_assert_ptr_null(amdvi_iotlb_lookup(c, 3, 0x2000, 3));
    ck_assert_ptr_null(amdvi_iotlb_lookup(c, 3, 0x3000, 3));
    ck_assert_ptr_nonnull(amdvi_iotlb_lookup(c, 3, 0x1000, 3));
    ck_assert_ptr_nonnull(amdvi_iotlb_lookup(c, 3, 0x4000, 3));
    ck_assert_ptr_nonnull(amdvi_iotlb_lookup(c, 4, 0x2000, 3));
    amdvi_inv_range_decode(0x3000, true, &s, &l);      /* 32 KiB at 0 */
    ck_assert_uint_eq(amdvi_iotlb_invalidate_range(c, 3, s, l, false), 6);
    ck_assert_uint_eq(timing_cache_occupancy(c->iotlb), 1);
    amdvi_caches_free(c);
}
END_TEST

START_TEST(test_amdvi_cache_invalidate_large_page_by_any_byte)
{
    AMDVICaches *c = caches_default();
    AMDVIIotlbEntry e = leaf(0x10000000, 15, 1);    /* a 32 KiB page */

    amdvi_iotlb_insert(c, 9, 0x8000 + 0x1000, &e);  /* splinter at 0x9000 */
    amdvi_iotlb_insert(c, 9, 0x8000 + 0x5000, &e);  /* splinter at 0xd000 */
    ck_assert_uint_eq(timing_cache_occupancy(c->iotlb), 2);
    /* A 4 KiB invalidation of the page's last 4 KiB drops both. */
    ck_assert_uint_eq(amdvi_iotlb_invalidate_range(c, 9, 0xf000, 0xffff,
                                                   false), 2);
    amdvi_caches_free(c);
}
END_TEST

START_TEST(test_amdvi_cache_pdc_deepest_and_pde_flag)
{
    AMDVICaches *c = caches_default();
    AMDVIPdcEntry l3 = { .pde = 0x3001 | (2ull << 9), .perm = IOMMU_RW };
    AMDVIPdcEntry l2 = { .pde = 0x4001 | (1ull << 9), .perm = IOMMU_RO };
    AMDVIPdcEntry out;

    ck_assert(!amdvi_pdc_insert(c, 1, 0, 1, &l2));          /* level 1 */
    ck_assert(!amdvi_pdc_insert(c, 1, 0, 2, &(AMDVIPdcEntry){ .pde = 0 }));
    ck_assert(amdvi_pdc_insert(c, 1, 0x40201000, 3, &l3));
    ck_assert(amdvi_pdc_lookup(c, 1, 0x40000000, 3, &out));
    ck_assert_uint_eq(out.level, 3);
    ck_assert(amdvi_pdc_insert(c, 1, 0x40201000, 2, &l2));
    ck_assert(amdvi_pdc_lookup(c, 1, 0x40200000, 3, &out));
    ck_assert_uint_eq(out.level, 2);
    ck_assert_uint_eq(out.pde, l2.pde);
    /* Outside the L2 entry's 2 MiB but inside the L3's 1 GiB. */
    ck_assert(amdvi_pdc_lookup(c, 1, 0x40400000, 3, &out));
    ck_assert_uint_eq(out.level, 3);
    /* PDE=0 keeps directory entries. */
    amdvi_iotlb_invalidate_range(c, 1, 0x40200000, 0x40200fff, false);
    ck_assert(amdvi_pdc_lookup(c, 1, 0x40200000, 3, &out));
    ck_assert_uint_eq(out.level, 2);
    ck_assert_uint_eq(amdvi_iotlb_invalidate_range(c, 1, 0x40200000,
                                                   0x40200fff, true), 2);
    ck_assert(!amdvi_pdc_lookup(c, 1, 0x40200000, 3, &out));
    amdvi_caches_free(c);
}
END_TEST

START_TEST(test_amdvi_cache_irte_and_all)
{
    AMDVICaches *c = caches_default();
    AMDVIIrteCacheEntry e = { { 1, 2 } };
    AMDVIDteCacheEntry d = { { 1 } };
    AMDVIIotlbEntry l = leaf(0, 12, 1);

    amdvi_irte_cache_insert(c, 5, 0, &e);
    amdvi_irte_cache_insert(c, 5, 7, &e);
    amdvi_irte_cache_insert(c, 6, 0, &e);
    ck_assert(amdvi_irte_cache_lookup(c, 5, 7, NULL));
    ck_assert_uint_eq(amdvi_irte_cache_invalidate(c, 5), 2);
    ck_assert(amdvi_irte_cache_lookup(c, 6, 0, NULL));
    amdvi_dte_cache_insert(c, 1, &d);
    amdvi_iotlb_insert(c, 1, 0, &l);
    ck_assert_uint_eq(amdvi_caches_invalidate_all(c), 3);
    amdvi_caches_free(c);
}
END_TEST

START_TEST(test_amdvi_cache_stats_pmu_names)
{
    AMDVICaches *c = caches_default();
    AMDVIDteCacheEntry d = { { 1 } };
    uint64_t v = 99;
    char *t;

    amdvi_dte_cache_lookup(c, 1, NULL);
    amdvi_dte_cache_insert(c, 1, &d);
    amdvi_dte_cache_lookup(c, 1, NULL);
    amdvi_iotlb_lookup(c, 1, 0, 3);
    amdvi_pdc_lookup(c, 1, 0, 3, NULL);
    amdvi_cache_count(c, AMDVI_COUNT_PT_READ);
    amdvi_cache_count(c, AMDVI_COUNT_TRANS_TOTAL);
    ck_assert(amdvi_cache_stat(c, "mem_dte_hit", &v));
    ck_assert_uint_eq(v, 1);
    ck_assert(amdvi_cache_stat(c, "mem_dte_mis", &v));
    ck_assert_uint_eq(v, 1);
    ck_assert(amdvi_cache_stat(c, "mem_iommu_tlb_pte_mis", &v));
    ck_assert_uint_eq(v, 1);
    ck_assert(amdvi_cache_stat(c, "mem_iommu_tlb_pde_mis", &v));
    ck_assert_uint_eq(v, 1);
    ck_assert(amdvi_cache_stat(c, "page_tbl_read_nst", &v));
    ck_assert_uint_eq(v, 1);
    ck_assert(amdvi_cache_stat(c, "mem_trans_total", &v));
    ck_assert_uint_eq(v, 1);
    ck_assert(!amdvi_cache_stat(c, "no_such_event", &v));
    t = amdvi_cache_stats_text(c);
    ck_assert_ptr_nonnull(strstr(t, "mem_pass_untrans=0 "));
    ck_assert_ptr_nonnull(strstr(t, "amdvi.iotlb.lookups=1"));
    ck_assert_ptr_nonnull(strstr(t, "amdvi.pdc-l6.fills=0"));
    g_free(t);
    amdvi_caches_free(c);
}
END_TEST

START_TEST(test_amdvi_cache_reset_keeps_counters)
{
    AMDVICaches *c = caches_default();
    AMDVIDteCacheEntry d = { { 1 } };
    uint64_t v;

    amdvi_dte_cache_insert(c, 1, &d);
    amdvi_dte_cache_lookup(c, 1, NULL);
    amdvi_caches_reset(c);
    ck_assert(!amdvi_dte_cache_lookup(c, 1, NULL));
    ck_assert(amdvi_cache_stat(c, "mem_dte_hit", &v));
    ck_assert_uint_eq(v, 1);
    amdvi_caches_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("amdvi-cache");
    TCase *tc = tcase_create("cache");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_amdvi_cache_props_defaults_and_set);
    tcase_add_test(tc, test_amdvi_cache_config_check_names_property);
    tcase_add_test(tc, test_amdvi_cache_dte_tag_is_devid);
    tcase_add_test(tc, test_amdvi_cache_iotlb_domain_and_level_tags);
    tcase_add_test(tc, test_amdvi_cache_iotlb_rejects_bad_leaf);
    tcase_add_test(tc, test_amdvi_cache_iotlb_geometry_evicts);
    tcase_add_test(tc, test_amdvi_cache_range_decode_s0_and_s1);
    tcase_add_test(tc, test_amdvi_cache_invalidate_range_exact);
    tcase_add_test(tc, test_amdvi_cache_invalidate_large_page_by_any_byte);
    tcase_add_test(tc, test_amdvi_cache_pdc_deepest_and_pde_flag);
    tcase_add_test(tc, test_amdvi_cache_irte_and_all);
    tcase_add_test(tc, test_amdvi_cache_stats_pmu_names);
    tcase_add_test(tc, test_amdvi_cache_reset_keeps_counters);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
