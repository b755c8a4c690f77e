/*
 * Check tests: the second-stage walker (VT-d 5.10 §3.7, §9.8): each page
 * size at its boundaries, 3/4/5 levels, and a property test against a
 * simple reference walker on random tables.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "vtd-test-util.h"

#define SID 0x0010

static uint64_t ref_walk(VTest *t, uint64_t root, unsigned levels,
                         uint64_t iova, unsigned *perm)
{
    uint64_t table = root;
    *perm = 3;
    for (unsigned l = levels; l >= 1; l--) {
        unsigned shift = 12 + 9 * (l - 1);
        uint64_t e = vt_ram_r64(t, table + ((iova >> shift) & 511) * 8);
        *perm &= e & 3;
        if (!(e & 3)) {
            return UINT64_MAX;
        }
        if (l == 1 || (l <= 3 && (e & 0x80))) {
            uint64_t m = (1ull << shift) - 1;
            return (e & 0x000ffffffffff000ull & ~m) | (iova & m);
        }
        table = e & 0x000ffffffffff000ull;
    }
    return UINT64_MAX;
}

START_TEST(test_vtd_walk_page_sizes_at_boundaries)
{
    VTest *t = vt_new("aw-bits=48");
    IOMMUTranslation out;
    uint64_t root = vt_alloc_table(t);

    vt_ctx_ss(t, SID, 0, root, 2, 7);
    vt_map(t, root, 4, 0x40000000ull, 0x80000000ull, 3, 3);  /* 1G */
    vt_map(t, root, 4, 0x200000ull, 0x400000ull, 2, 1);      /* 2M RO */
    vt_map(t, root, 4, 0x1000ull, 0x7000ull, 1, 3);          /* 4K */
    vt_enable(t);
    vt_translate(t, SID, 0x7fffffffull, IOMMU_RO, &out);
    ck_assert(!out.fault);
    ck_assert_uint_eq(out.entry.addr_mask, (1ull << 30) - 1);
    ck_assert_uint_eq(out.entry.translated_addr, 0x80000000ull);
    vt_translate(t, SID, 0x3fffffull, IOMMU_RO, &out);
    ck_assert_uint_eq(out.entry.addr_mask, (1ull << 21) - 1);
    ck_assert_uint_eq(out.entry.translated_addr, 0x400000ull);
    ck_assert_uint_eq(out.entry.perm, IOMMU_RO);
    vt_translate(t, SID, 0x400000ull, IOMMU_RO, &out);
    ck_assert(out.fault);
    vt_translate(t, SID, 0x1fffull, IOMMU_WO, &out);
    ck_assert_uint_eq(out.entry.translated_addr, 0x7000ull);
    ck_assert_uint_eq(out.entry.addr_mask, 0xfff);
    vt_translate(t, SID, 0x2000ull, IOMMU_WO, &out);
    ck_assert(out.fault);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_walk_large_page_needs_sllps)
{
    VTest *t = vt_new("cap-sllps=1");
    IOMMUTranslation out;
    uint64_t root = vt_alloc_table(t);

    vt_ctx_ss(t, SID, 0, root, 1, 7);
    vt_map(t, root, 3, 0x40000000ull, 0x80000000ull, 3, 3);
    vt_enable(t);
    vt_translate(t, SID, 0x40000000ull, IOMMU_RO, &out);
    ck_assert_uint_eq(out.fault_code, VTD_FR_SS_ENTRY_RSVD);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_walk_5level_and_mgaw)
{
    VTest *t = vt_new("aw-bits=57");
    IOMMUTranslation out;
    uint64_t root = vt_alloc_table(t);

    vt_ctx_ss(t, SID, 0, root, 3, 7);
    vt_map(t, root, 5, 1ull << 50, 0x9000, 1, 3);
    vt_enable(t);
    vt_translate(t, SID, (1ull << 50) + 0x10, IOMMU_RO, &out);
    ck_assert(!out.fault);
    ck_assert_uint_eq(out.entry.translated_addr, 0x9000);
    vt_translate(t, SID, 1ull << 57, IOMMU_RO, &out);
    ck_assert_uint_eq(out.fault_code, VTD_FR_ADDR_BEYOND_AW);
    vt_free(t);
}
END_TEST

/* Random tables: the model agrees with the reference for every probe. */
START_TEST(test_vtd_walk_matches_reference_on_random_tables)
{
    for (unsigned round = 0; round < 20; round++) {
        VTest *t = vt_new("aw-bits=48");
        GRand *r = g_rand_new_with_seed(round + 1);
        uint64_t root = vt_alloc_table(t);

        vt_ctx_ss(t, SID, 0, root, 2, 3);
        for (unsigned i = 0; i < 64; i++) {
            uint64_t iova = ((uint64_t)g_rand_int_range(r, 0, 1 << 18)) << 21
                            | ((uint64_t)g_rand_int_range(r, 0, 4) << 12);
            unsigned lvl = g_rand_int_range(r, 1, 4);
            uint64_t pa = ((uint64_t)g_rand_int_range(r, 0, 64)) << 30;
            vt_map(t, root, 4, iova & ~((1ull << (12 + 9 * (lvl - 1))) - 1),
                   pa, lvl, g_rand_int_range(r, 1, 4));
        }
        vt_enable(t);
        for (unsigned i = 0; i < 512; i++) {
            uint64_t iova = ((uint64_t)g_rand_int_range(r, 0, 1 << 18)) << 21
                            | g_rand_int_range(r, 0, 1 << 21);
            IOMMUTranslation out;
            unsigned perm;
            uint64_t want = ref_walk(t, root, 4, iova, &perm);

            vt_translate(t, SID, iova, IOMMU_NONE, &out);
            if (want == UINT64_MAX) {
                ck_assert(out.fault);
                continue;
            }
            ck_assert_msg(!out.fault, "iova 0x%lx", (unsigned long)iova);
            ck_assert_uint_eq(out.entry.translated_addr |
                              (iova & out.entry.addr_mask), want);
            ck_assert_uint_eq(out.entry.perm, perm);
        }
        g_rand_free(r);
        vt_free(t);
    }
}
END_TEST

int main(void)
{
    Suite *su = suite_create("vtd-walk");
    TCase *tc = tcase_create("walk");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vtd_walk_page_sizes_at_boundaries);
    tcase_add_test(tc, test_vtd_walk_large_page_needs_sllps);
    tcase_add_test(tc, test_vtd_walk_5level_and_mgaw);
    tcase_add_test(tc, test_vtd_walk_matches_reference_on_random_tables);
    suite_add_tcase(su, tc);
    sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
