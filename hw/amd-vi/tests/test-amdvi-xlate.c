/*
 * Check tests for AMD-Vi device table decode and the translate path (AMD
 * IOMMU spec 48882 §2.2.2, §2.2.3): V / TV / Mode 0 / IR / IW, every
 * DeviceID (bus included), table size, illegal entries, the exclusion
 * range with EX and Allow, pretranslated requests, the caches' staleness
 * until invalidation, no-fault lookups.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "amdvi-test-util.h"

#define DEV 0x0310

START_TEST(test_amdvi_dte_decode_fields)
{
    ATest *t = at_new(NULL);
    uint64_t w[4] = { 0 };
    AMDVIDte d;

    amdvi_dte_set_v(w, 1);
    amdvi_dte_set_tv(w, 1);
    amdvi_dte_set_mode(w, 4);
    amdvi_dte_set_pt_root(w, 0x12345);
    amdvi_dte_set_iw(w, 1);
    amdvi_dte_set_domain_id(w, 0xbeef);
    amdvi_dte_set_ex(w, 1);
    amdvi_dte_set_sa(w, 1);
    amdvi_dte_set_iv(w, 1);
    amdvi_dte_set_int_tab_len(w, 0xb);
    amdvi_dte_set_int_table_root(w, 0x3456789ull);
    amdvi_dte_set_int_ctl(w, AMDVI_INTCTL_REMAP);
    amdvi_dte_set_nmi_pass(w, 1);
    amdvi_dte_set_lint1_pass(w, 1);
    ck_assert_int_eq(amdvi_dte_decode(t->s, w, 0xa5f3, &d), AMDVI_OK);
    ck_assert(d.v && d.tv && !d.ir && d.iw && d.ex && d.sa && !d.se);
    ck_assert_uint_eq(d.mode, 4);
    ck_assert_uint_eq(d.pt_root, 0x12345000ull);
    ck_assert_uint_eq(d.domain_id, 0xbeef);
    ck_assert_uint_eq(d.devid, 0xa5f3);
    ck_assert(d.iv && d.nmi_pass && d.lint1_pass && !d.init_pass);
    ck_assert_uint_eq(d.int_tab_len, 0xb);
    ck_assert_uint_eq(d.int_table_root, 0x3456789ull << 6);
    ck_assert_uint_eq(d.int_ctl, AMDVI_INTCTL_REMAP);
    /* Linux's bit numbers: V 0, TV 1, IR 61, IW 62, Mode 11:9. */
    ck_assert_uint_eq(w[0] & 3, 3);
    ck_assert_uint_eq((w[0] >> 9) & 7, 4);
    ck_assert_uint_eq((w[0] >> 62) & 1, 1);
    ck_assert_uint_eq(w[1] & 0xffff, 0xbeef);
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_dte_decode_illegal_entries)
{
    ATest *t = at_new("x-efr=0x0");     /* HATS=0: 4 levels at most */
    static const struct { unsigned word; uint64_t bit; } rsvd[] = {
        { 0, 1ull << 2 }, { 0, 1ull << 6 }, { 0, 1ull << 63 },
        { 2, 1ull << 52 }, { 2, 1ull << 53 }, { 3, 1ull << 0 },
        { 3, 1ull << 14 }, { 3, 1ull << 52 },
    };
    AMDVIDte d;

    for (size_t i = 0; i < G_N_ELEMENTS(rsvd); i++) {
        uint64_t w[4] = { 1, 0, 0, 0 };

        w[rsvd[i].word] |= rsvd[i].bit;
        ck_assert_int_eq(amdvi_dte_decode(t->s, w, 1, &d),
                         AMDVI_ST_DTE_ILLEGAL);
        w[0] &= ~1ull;                  /* V=0: nothing is checked */
        if (rsvd[i].word != 0 || rsvd[i].bit != 1) {
            ck_assert_int_eq(amdvi_dte_decode(t->s, w, 1, &d), AMDVI_OK);
        }
    }
    for (unsigned mode = 0; mode <= 7; mode++) {
        uint64_t w[4] = { 3 | ((uint64_t)mode << 9), 0, 0, 0 };

        ck_assert_int_eq(amdvi_dte_decode(t->s, w, 1, &d),
                         mode <= 4 ? AMDVI_OK : AMDVI_ST_DTE_ILLEGAL);
        w[0] &= ~2ull;                  /* TV=0: Mode not looked at */
        ck_assert_int_eq(amdvi_dte_decode(t->s, w, 1, &d), AMDVI_OK);
    }
    at_free(t);
    t = at_new("pa-bits=40");
    {
        uint64_t w[4] = { 3 | (3ull << 9) | (1ull << 40), 0, 0, 0 };

        ck_assert_int_eq(amdvi_dte_decode(t->s, w, 1, &d),
                         AMDVI_ST_DTE_ILLEGAL);
    }
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_xlate_iommu_disabled_passes)
{
    ATest *t = at_new(NULL);
    IOMMUTranslation x = at_xlate(t, DEV, 0x12345678, IOMMU_WO);

    ck_assert(!x.fault);
    ck_assert_uint_eq(x.entry.translated_addr, 0x12345000);
    ck_assert_uint_eq(x.entry.perm, IOMMU_RW);
    ck_assert(x.cost.events & IOMMU_EV_BYPASS);
    at_free(t);
}
END_TEST

/* V=0 and TV=0 pass untranslated; Mode 0 passes under IR/IW. */
START_TEST(test_amdvi_xlate_dte_v_tv_mode0)
{
    ATest *t = at_new(NULL);
    uint64_t w[4] = { 0 };
    IOMMUTranslation x;

    at_enable(t);
    x = at_xlate(t, DEV, 0xabcd000, IOMMU_WO);      /* all-zero DTE: V=0 */
    ck_assert(!x.fault);
    ck_assert_uint_eq(x.entry.translated_addr, 0xabcd000);
    w[0] = 1;                                         /* V=1, TV=0 */
    at_set_dte(t, DEV, w);
    x = at_xlate(t, DEV, 0xabcd000, IOMMU_WO);
    ck_assert(!x.fault);
    at_dte_xlate(t, DEV, 0, 0, 1, 0, 5);             /* Mode 0, IR only */
    x = at_xlate(t, DEV, 0xabcd000, IOMMU_RO);
    ck_assert(!x.fault);
    ck_assert_uint_eq(x.entry.perm, IOMMU_RO);
    x = at_xlate(t, DEV, 0xabcd000, IOMMU_WO);
    ck_assert(x.fault);
    ck_assert_str_eq(x.fault_name, "IO_PAGE_FAULT");
    at_dte_xlate(t, DEV, 0, 0, 0, 0, 5);             /* blocked */
    ck_assert(at_xlate(t, DEV, 0x1000, IOMMU_RO).fault);
    ck_assert(at_xlate(t, DEV, 0x1000, IOMMU_WO).fault);
    ck_assert_uint_eq(at_nevents(t), 3);
    at_free(t);
}
END_TEST

/* DTE IR/IW are ANDed with the page tables'. */
START_TEST(test_amdvi_xlate_dte_perm_limits_page_perm)
{
    ATest *t = at_new(NULL);
    uint64_t l1 = at_alloc(t);
    IOMMUTranslation x;

    at_enable(t);
    at_w64(t, l1 + 8, at_pte(0x9000, 1, 1));
    at_dte_xlate(t, 0xfe07, 1, l1, 1, 0, 9);
    x = at_xlate(t, 0xfe07, 0x1abc, IOMMU_RO);
    ck_assert(!x.fault);
    ck_assert_uint_eq(x.entry.translated_addr, 0x9000);
    ck_assert_uint_eq(x.entry.perm, IOMMU_RO);
    ck_assert(at_xlate(t, 0xfe07, 0x1abc, IOMMU_WO).fault);
    at_free(t);
}
END_TEST

/* Size field: (Size + 1) * 128 DTEs; beyond it the entry is illegal. */
START_TEST(test_amdvi_xlate_devid_beyond_table)
{
    ATest *t = at_new(NULL);
    IOMMUTranslation x;

    at_enable(t);
    at_wr(t, AMDVI_REG_DEVTAB_BASE, AT_DEVTAB | 1, 8);
    ck_assert_uint_eq(amdvi_devtab_entries(t->s), 256);
    x = at_xlate(t, 0x00ff, 0x1000, IOMMU_RO);
    ck_assert(!x.fault);
    x = at_xlate(t, 0x0100, 0x1000, IOMMU_RO);
    ck_assert(x.fault);
    ck_assert_uint_eq(x.fault_code, AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY);
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_xlate_exclusion_range)
{
    ATest *t = at_new(NULL);
    uint64_t w[4] = { 0 };
    IOMMUTranslation x;

    at_enable(t);
    at_dte_xlate(t, DEV, 0, 0, 0, 0, 1);             /* blocked */
    at_wr(t, AMDVI_REG_EXCL_BASE, 0x200000 | AMDVI_EXCL_BASE_EX_EN_MASK, 8);
    at_wr(t, AMDVI_REG_EXCL_LIMIT, 0x3ff000, 8);
    /* Without Allow only DTE.EX devices are excluded. */
    ck_assert(at_xlate(t, DEV, 0x200000, IOMMU_WO).fault);
    memcpy(w, (uint64_t[4]){ 3, 0, 0, 0 }, sizeof(w));
    amdvi_dte_set_ex(w, 1);
    at_set_dte(t, DEV, w);
    x = at_xlate(t, DEV, 0x3fffff, IOMMU_WO);        /* limit incl. FFFh */
    ck_assert(!x.fault);
    ck_assert_uint_eq(x.entry.translated_addr, 0x3ff000);
    ck_assert(at_xlate(t, DEV, 0x400000, IOMMU_WO).fault);
    ck_assert(at_xlate(t, DEV, 0x1ff000, IOMMU_WO).fault);
    /* Allow: every device. */
    at_dte_xlate(t, DEV + 1, 0, 0, 0, 0, 1);
    ck_assert(at_xlate(t, DEV + 1, 0x200000, IOMMU_RO).fault);
    at_wr(t, AMDVI_REG_EXCL_BASE, 0x200000 | 3, 8);
    ck_assert(!at_xlate(t, DEV + 1, 0x200000, IOMMU_RO).fault);
    /* ExEn off: nothing excluded. */
    at_wr(t, AMDVI_REG_EXCL_BASE, 0x200000 | 2, 8);
    ck_assert(at_xlate(t, DEV, 0x200000, IOMMU_RO).fault);
    at_free(t);
}
END_TEST

/* AT=10b: allowed with DTE.I, else INVALID_DEVICE_REQUEST. */
START_TEST(test_amdvi_xlate_pretranslated_needs_i)
{
    ATest *t = at_new(NULL);
    MemTxAttrs a = memtxattrs_for_requester(DEV);
    uint64_t w[4] = { 3, 0, 0, 0 };
    IOMMUTranslation x;

    at_enable(t);
    a.addr_type = ADDR_TYPE_TRANSLATED;
    at_set_dte(t, DEV, w);
    x = at_xlate_attrs(t, DEV, 0x5000, IOMMU_RO, a);
    ck_assert(x.fault);
    ck_assert_str_eq(x.fault_name, "INVALID_DEVICE_REQUEST");
    amdvi_dte_set_i(w, 1);
    at_set_dte(t, DEV, w);
    x = at_xlate_attrs(t, DEV, 0x5000, IOMMU_WO, a);
    ck_assert(!x.fault);
    ck_assert_uint_eq(x.entry.translated_addr, 0x5000);
    at_free(t);
}
END_TEST

/* A cached translation stays until invalidated (§2.4.3). */
START_TEST(test_amdvi_xlate_cached_until_invalidated)
{
    ATest *t = at_new(NULL);
    uint64_t l2 = at_alloc(t), l1 = at_alloc(t);
    IOMMUTranslation x;

    at_enable(t);
    at_w64(t, l2, at_pde(l1, 1, 1, 1));
    at_w64(t, l1 + 8, at_pte(0x7000, 1, 1));
    at_dte_xlate(t, DEV, 2, l2, 1, 1, 3);
    x = at_xlate(t, DEV, 0x1000, IOMMU_RO);
    ck_assert_uint_eq(x.entry.translated_addr, 0x7000);
    ck_assert_uint_eq(x.cost.mem_reads, 3);          /* DTE + 2 levels */
    at_w64(t, l1 + 8, at_pte(0x8000, 1, 1));
    x = at_xlate(t, DEV, 0x1000, IOMMU_RO);
    ck_assert_uint_eq(x.entry.translated_addr, 0x7000);
    ck_assert_uint_eq(x.cost.mem_reads, 0);
    ck_assert(x.cost.events & IOMMU_EV_IOTLB_HIT);
    ck_assert(x.cost.events & IOMMU_EV_CONFIG_HIT);
    at_flush(t);
    x = at_xlate(t, DEV, 0x1000, IOMMU_RO);
    ck_assert_uint_eq(x.entry.translated_addr, 0x8000);
    at_free(t);
}
END_TEST

/* IOMMU_NONE lookups fault without an event; SA/SE suppress events. */
START_TEST(test_amdvi_xlate_lookup_and_suppressed_not_logged)
{
    ATest *t = at_new(NULL);
    uint64_t w[4] = { 3, 0, 0, 0 };
    IOMMUTranslation x;

    at_enable(t);
    at_set_dte(t, DEV, w);
    w[0] = 3;
    x = at_xlate(t, DEV, 0x1000, IOMMU_NONE);
    ck_assert(x.fault);
    ck_assert_uint_eq(at_nevents(t), 0);
    amdvi_dte_set_sa(w, 1);
    at_set_dte(t, DEV, w);
    ck_assert(at_xlate(t, DEV, 0x1000, IOMMU_RO).fault);
    ck_assert_uint_eq(at_nevents(t), 0);
    w[1] = 0;
    amdvi_dte_set_se(w, 1);
    at_set_dte(t, DEV, w);
    ck_assert(at_xlate(t, DEV, 0x1000, IOMMU_RO).fault);
    ck_assert_uint_eq(at_nevents(t), 0);
    w[1] = 0;
    at_set_dte(t, DEV, w);
    ck_assert(at_xlate(t, DEV, 0x1000, IOMMU_RO).fault);
    ck_assert_uint_eq(at_nevents(t), 1);
    at_free(t);
}
END_TEST

/* A 1 GiB page over the interrupt window is handed out 4 KiB-wise. */
START_TEST(test_amdvi_xlate_large_page_over_interrupt_window)
{
    ATest *t = at_new(NULL);
    uint64_t l3 = at_alloc(t);
    IOMMUTranslation x;

    at_enable(t);
    at_w64(t, l3 + 3 * 8, at_pte(0x40000000ull, 1, 1));
    at_dte_xlate(t, DEV, 3, l3, 1, 1, 3);
    x = at_xlate(t, DEV, 0xc0001000ull, IOMMU_RO);
    ck_assert_uint_eq(x.entry.addr_mask, 0xfff);
    ck_assert_uint_eq(x.entry.translated_addr, 0x40001000ull);
    at_w64(t, l3 + 1 * 8, at_pte(0x80000000ull, 1, 1));
    at_flush(t);
    x = at_xlate(t, DEV, 0x40001000ull, IOMMU_RO);
    ck_assert_uint_eq(x.entry.addr_mask, (1ull << 30) - 1);
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_stats_text_counts)
{
    ATest *t = at_new(NULL);
    char *txt;

    at_enable(t);
    at_dte_xlate(t, DEV, 0, 0, 0, 0, 1);
    at_xlate(t, DEV, 0x1000, IOMMU_RO);
    txt = amdvi_stats_text(t->s);
    ck_assert_ptr_nonnull(strstr(txt, "translations=1 "));
    ck_assert_ptr_nonnull(strstr(txt, "faults=1 "));
    ck_assert_ptr_nonnull(strstr(txt, "events_logged=1 "));
    g_free(txt);
    at_free(t);
}
END_TEST

static Suite *amdvi_xlate_suite(void)
{
    Suite *s = suite_create("amdvi-xlate");
    TCase *tc = tcase_create("xlate");

    tcase_add_test(tc, test_amdvi_dte_decode_fields);
    tcase_add_test(tc, test_amdvi_dte_decode_illegal_entries);
    tcase_add_test(tc, test_amdvi_xlate_iommu_disabled_passes);
    tcase_add_test(tc, test_amdvi_xlate_dte_v_tv_mode0);
    tcase_add_test(tc, test_amdvi_xlate_dte_perm_limits_page_perm);
    tcase_add_test(tc, test_amdvi_xlate_devid_beyond_table);
    tcase_add_test(tc, test_amdvi_xlate_exclusion_range);
    tcase_add_test(tc, test_amdvi_xlate_pretranslated_needs_i);
    tcase_add_test(tc, test_amdvi_xlate_cached_until_invalidated);
    tcase_add_test(tc, test_amdvi_xlate_lookup_and_suppressed_not_logged);
    tcase_add_test(tc, test_amdvi_xlate_large_page_over_interrupt_window);
    tcase_add_test(tc, test_amdvi_stats_text_counts);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(amdvi_xlate_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
