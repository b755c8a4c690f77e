/*
 * Check tests for the VT-d caches (vtd-cache.c, vtd-cache-stats.c):
 * geometry from properties, tags, CM semantics, invalidation by tag.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>

#include "hw/intel-vtd/vtd-cache.h"

static VTDCaches *new_caches(bool cm)
{
    VTDCaches *c = g_new0(VTDCaches, 1);

    vtd_cache_config_default(&c->cfg);
    ck_assert(vtd_caches_init(c, NULL));
    vtd_caches_set_caching_mode(c, cm);
    return c;
}

static void free_caches(VTDCaches *c)
{
    vtd_caches_destroy(c);
    g_free(c);
}

static VTDIotlbEntry leaf(uint64_t pa, unsigned shift, uint8_t perm)
{
    return (VTDIotlbEntry){ .page_addr = pa, .page_shift = (uint8_t)shift,
                            .perm = perm };
}

static uint64_t stat(VTDCaches *c, const char *name)
{
    uint64_t v = ~0ULL;

    ck_assert_msg(vtd_cache_stat(c, name, &v), "no stat %s", name);
    return v;
}

START_TEST(test_cache_config_defaults_and_props)
{
    VTDCacheConfig cfg;
    GError *err = NULL;

    vtd_cache_config_default(&cfg);
    ck_assert_uint_eq(cfg.iotlb.entries, 64);
    ck_assert_uint_eq(cfg.iotlb.ways, 8);
    ck_assert_int_eq(vtd_cache_config_set(&cfg, "iotlb-entries", "16", &err), 1);
    ck_assert_int_eq(vtd_cache_config_set(&cfg, "iotlb-ways", "2", &err), 1);
    ck_assert_int_eq(vtd_cache_config_set(&cfg, "pde-cache-replacement",
                                          "fifo", &err), 1);
    ck_assert_uint_eq(cfg.iotlb.entries, 16);
    ck_assert_uint_eq(cfg.iotlb.ways, 2);
    ck_assert_int_eq(cfg.psc[VTD_PSC_PDE].policy, TIMING_CACHE_FIFO);
    ck_assert_int_eq(vtd_cache_config_set(&cfg, "aw-bits", "48", &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_int_eq(vtd_cache_config_set(&cfg, "cc-ways", "zero", &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err->message, "cc-ways"));
    g_clear_error(&err);
    ck_assert_int_eq(vtd_cache_config_set(&cfg, "iec-replacement", "mru",
                                          &err), -1);
    g_clear_error(&err);
    /* 16 entries in 3 ways does not divide: refused, naming the cache. */
    cfg.iotlb.ways = 3;
    ck_assert(!vtd_cache_config_check(&cfg, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "iotlb-ways"));
    g_clear_error(&err);
    ck_assert_str_eq(vtd_cache_prop_names()[0], "cc-entries");
}
END_TEST

START_TEST(test_cache_iotlb_tag_is_did_and_page_size)
{
    VTDCaches *c = new_caches(false);
    VTDIotlbEntry e4k = leaf(0x5000, 12, IOMMU_RW);
    VTDIotlbEntry e2m = leaf(0x40000000, 21, IOMMU_RO);
    const VTDIotlbEntry *h;

    ck_assert(vtd_iotlb_insert(c, 1, 0x1234000, &e4k));
    ck_assert(vtd_iotlb_insert(c, 1, 0x80000000 + 0x12345, &e2m));
    h = vtd_iotlb_lookup(c, 1, 0x1234abc);
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(h->page_addr, 0x5000);
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 2, 0x1234abc));   /* other DID */
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 1, 0x1235000));   /* next page */
    /* A 2M entry hits anywhere in its 2 MiB. */
    h = vtd_iotlb_lookup(c, 1, 0x801fffff);
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(h->page_shift, 21);
    ck_assert_uint_eq(stat(c, "iommu0.4k_hits"), 1);
    ck_assert_uint_eq(stat(c, "iommu0.2m_hits"), 1);
    ck_assert_uint_eq(stat(c, "iommu0.misses"), 2);
    ck_assert_uint_eq(stat(c, "iommu0.first_lookups"), 4);
    free_caches(c);
}
END_TEST

START_TEST(test_cache_iotlb_geometry_evicts)
{
    VTDCaches *c = g_new0(VTDCaches, 1);
    VTDIotlbEntry e = leaf(0, 12, IOMMU_RW);
    unsigned present = 0;

    vtd_cache_config_default(&c->cfg);
    c->cfg.iotlb.entries = 4;
    c->cfg.iotlb.ways = 4;
    c->cfg.iotlb.policy = TIMING_CACHE_LRU;
    ck_assert(vtd_caches_init(c, NULL));
    for (uint64_t p = 0; p < 8; p++) {
        e.page_addr = p << 12;
        vtd_iotlb_insert(c, 7, p << 12, &e);
    }
    for (uint64_t p = 0; p < 8; p++) {
        present += vtd_iotlb_lookup(c, 7, p << 12) != NULL;
    }
    /* Only 4 fit; LRU keeps the last four inserted. */
    ck_assert_uint_eq(present, 4);
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 7, 0));
    ck_assert_uint_eq(stat(c, "vtd.iotlb.evictions"), 4);
    free_caches(c);
}
END_TEST

START_TEST(test_cache_cm0_refuses_fault_entries)
{
    VTDCaches *c = new_caches(false);
    VTDIotlbEntry neg = leaf(0, 12, IOMMU_NONE);
    VTDContextCacheEntry ce = { .did = 3, .fault = 2 };

    neg.fault = 6;
    ck_assert(!vtd_iotlb_insert(c, 1, 0x1000, &neg));
    ck_assert(!vtd_cc_insert(c, 0x10, &ce));
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 1, 0x1000));
    ck_assert_ptr_null(vtd_cc_lookup(c, 0x10));
    free_caches(c);
}
END_TEST

START_TEST(test_cache_cm1_caches_not_present)
{
    VTDCaches *c = new_caches(true);
    VTDIotlbEntry neg = leaf(0, 12, IOMMU_NONE);
    VTDContextCacheEntry ce = { .did = 3, .fault = 2 };
    const VTDIotlbEntry *h;

    neg.fault = 6;
    ck_assert(vtd_iotlb_insert(c, 1, 0x1000, &neg));
    ck_assert(vtd_cc_insert(c, 0x10, &ce));
    h = vtd_iotlb_lookup(c, 1, 0x1000);
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(h->perm, IOMMU_NONE);
    ck_assert_uint_eq(vtd_cc_lookup(c, 0x10)->fault, 2);
    /* Until software invalidates. */
    ck_assert_uint_eq(vtd_iotlb_invalidate_pages(c, 1, 0x1000, 0, false), 1);
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 1, 0x1000));
    free_caches(c);
}
END_TEST

START_TEST(test_cache_cc_device_selective_function_mask)
{
    VTDCaches *c = new_caches(false);
    VTDContextCacheEntry e = { .did = 1 };

    /* 00:02.0 .. 00:02.7 (sid 0x10..0x17) and 00:03.0 (0x18). */
    for (uint16_t sid = 0x10; sid <= 0x18; sid++) {
        vtd_cc_insert(c, sid, &e);
    }
    ck_assert_uint_eq(vtd_cc_invalidate_device(c, 0x10, 0), 1);
    ck_assert_uint_eq(vtd_cc_invalidate_device(c, 0x11, 1), 2); /* .1 .5 */
    ck_assert_ptr_null(vtd_cc_lookup(c, 0x15));
    ck_assert_ptr_nonnull(vtd_cc_lookup(c, 0x13));
    ck_assert_uint_eq(vtd_cc_invalidate_device(c, 0x12, 3), 5); /* rest */
    ck_assert_ptr_nonnull(vtd_cc_lookup(c, 0x18));
    ck_assert_uint_eq(stat(c, "iommu0.ctxt_cache_hits"), 2);
    free_caches(c);
}
END_TEST

START_TEST(test_cache_cc_domain_selective)
{
    VTDCaches *c = new_caches(false);
    VTDContextCacheEntry a = { .did = 1 }, b = { .did = 2 };

    vtd_cc_insert(c, 1, &a);
    vtd_cc_insert(c, 2, &b);
    vtd_cc_insert(c, 3, &a);
    ck_assert_uint_eq(vtd_cc_invalidate_domain(c, 1), 2);
    ck_assert_ptr_nonnull(vtd_cc_lookup(c, 2));
    ck_assert_uint_eq(vtd_cc_invalidate_all(c), 1);
    free_caches(c);
}
END_TEST

START_TEST(test_cache_iotlb_page_selective_am_and_large_pages)
{
    VTDCaches *c = new_caches(false);
    VTDIotlbEntry e4k = leaf(0, 12, IOMMU_RW), e2m = leaf(0, 21, IOMMU_RW);

    for (uint64_t p = 0; p < 8; p++) {
        vtd_iotlb_insert(c, 1, 0x100000 + (p << 12), &e4k);
    }
    vtd_iotlb_insert(c, 2, 0x100000, &e4k);            /* other domain */
    vtd_iotlb_insert(c, 1, 0x40000000, &e2m);          /* 2M at 1 GiB */
    /* AM=2: four pages from 0x104000 (address aligned down to 16 KiB). */
    ck_assert_uint_eq(vtd_iotlb_invalidate_pages(c, 1, 0x105000, 2, true), 4);
    ck_assert_ptr_nonnull(vtd_iotlb_lookup(c, 1, 0x103000));
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 1, 0x107000));
    ck_assert_ptr_nonnull(vtd_iotlb_lookup(c, 2, 0x100000));
    /* One 4K page inside a 2M entry drops the whole 2M entry. */
    ck_assert_uint_eq(vtd_iotlb_invalidate_pages(c, 1, 0x40123000, 0, true), 1);
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 1, 0x40000000));
    ck_assert_uint_eq(vtd_iotlb_invalidate_domain(c, 1), 4);
    ck_assert_ptr_nonnull(vtd_iotlb_lookup(c, 2, 0x100000));
    free_caches(c);
}
END_TEST

START_TEST(test_cache_psc_deepest_level_and_ih)
{
    VTDCaches *c = new_caches(false);
    VTDPscEntry pml4 = { .entry = 0x10000, .perm = IOMMU_RW };
    VTDPscEntry pde = { .entry = 0x30000, .perm = IOMMU_RO };
    VTDPscEntry out;

    vtd_psc_insert(c, 1, 0x200000, 4, &pml4);
    ck_assert(vtd_psc_lookup(c, 1, 0x7fffffffff, 4, &out));
    ck_assert_uint_eq(out.level, 4);
    ck_assert_uint_eq(out.entry, 0x10000);
    vtd_psc_insert(c, 1, 0x200000, 2, &pde);
    ck_assert(vtd_psc_lookup(c, 1, 0x3fffff, 4, &out));
    ck_assert_uint_eq(out.level, 2);                   /* deepest wins */
    ck_assert_uint_eq(out.perm, IOMMU_RO);
    ck_assert(!vtd_psc_lookup(c, 2, 0x200000, 4, &out));
    /* A PML4E is not consulted for a 3-level table. */
    ck_assert(!vtd_psc_lookup(c, 1, 0x400000, 3, &out));
    /* IH=1 keeps the paging-structure caches, IH=0 drops covering ones. */
    ck_assert_uint_eq(vtd_iotlb_invalidate_pages(c, 1, 0x200000, 0, true), 0);
    ck_assert(vtd_psc_lookup(c, 1, 0x200000, 4, &out));
    ck_assert_uint_eq(out.level, 2);
    ck_assert_uint_eq(vtd_iotlb_invalidate_pages(c, 1, 0x200000, 0, false), 2);
    ck_assert(!vtd_psc_lookup(c, 1, 0x200000, 4, &out));
    ck_assert_uint_eq(stat(c, "iommu1.pwc_4k_hits"), 2);
    ck_assert_uint_eq(stat(c, "iommu1.pwc_1g_hits"), 1);
    free_caches(c);
}
END_TEST

START_TEST(test_cache_iec_index_selective)
{
    VTDCaches *c = new_caches(false);
    VTDIecEntry e = { { 1, 0 } };

    for (uint16_t i = 0; i < 16; i++) {
        vtd_iec_insert(c, i, &e);
    }
    ck_assert_uint_eq(vtd_iec_invalidate_index(c, 5, 2), 4);   /* 4..7 */
    ck_assert_ptr_null(vtd_iec_lookup(c, 4));
    ck_assert_ptr_nonnull(vtd_iec_lookup(c, 8));
    ck_assert_uint_eq(vtd_iec_invalidate_all(c), 12);
    ck_assert_uint_eq(stat(c, "iommu3.int_cache_lookups"), 2);
    free_caches(c);
}
END_TEST

START_TEST(test_cache_stats_text_names)
{
    VTDCaches *c = new_caches(false);
    char *t;

    vtd_cc_lookup(c, 1);
    t = vtd_cache_stats_text(c);
    ck_assert_ptr_nonnull(strstr(t, "iommu0.ctxt_cache_lookups=1"));
    ck_assert_ptr_nonnull(strstr(t, "iommu0.ctxt_cache_hits=0"));
    ck_assert_ptr_nonnull(strstr(t, "vtd.pml5e.lookups=0"));
    ck_assert(!vtd_cache_stat(c, "nonsense", &(uint64_t){ 0 }));
    g_free(t);
    vtd_caches_reset(c);
    free_caches(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vtd-cache");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_cache_config_defaults_and_props);
    tcase_add_test(tc, test_cache_iotlb_tag_is_did_and_page_size);
    tcase_add_test(tc, test_cache_iotlb_geometry_evicts);
    tcase_add_test(tc, test_cache_cm0_refuses_fault_entries);
    tcase_add_test(tc, test_cache_cm1_caches_not_present);
    tcase_add_test(tc, test_cache_cc_device_selective_function_mask);
    tcase_add_test(tc, test_cache_cc_domain_selective);
    tcase_add_test(tc, test_cache_iotlb_page_selective_am_and_large_pages);
    tcase_add_test(tc, test_cache_psc_deepest_level_and_ih);
    tcase_add_test(tc, test_cache_iec_index_selective);
    tcase_add_test(tc, test_cache_stats_text_names);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
