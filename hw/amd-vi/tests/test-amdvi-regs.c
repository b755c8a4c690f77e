/*
 * Check tests for the AMD-Vi registers (AMD IOMMU spec 48882 §3.4):
 * reset values and RO / RW1C / reserved behaviour driven from the
 * generated table, EFR profiles, CONTROL bits the model does not support,
 * the run bits, address bits above pa-bits, the MSI mirror, properties.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "amdvi-test-util.h"
#include "specs/amdvi-regs-table.h"

static bool reg_is_model_reset(unsigned ri)
{
    return ri == AMDVI_RI_EFR || ri == AMDVI_RI_EFR2 ||
           ri == AMDVI_RI_MSI_CAP_HDR;
}

START_TEST(test_amdvi_regs_reset_values_from_table)
{
    ATest *t = at_new(NULL);

    for (unsigned ri = 0; ri < AMDVI_RI_COUNT; ri++) {
        const RegInfo *r = &amdvi_reg_info[ri];

        if (reg_is_model_reset(ri)) {
            continue;
        }
        ck_assert_msg(at_rd(t, r->offset, r->size) ==
                      (r->reset & ~r->rsvd & ~r->wo), "%s", r->name);
    }
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EFR, 8), 0x29d3);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EFR2, 8), 0);
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_regs_efr_profiles)
{
    ATest *t = at_new("efr-profile=zen");

    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EFR, 8), 0x58f77ef22294adeull);
    ck_assert_uint_eq(amdvi_efr_get_hats(at_rd(t, AMDVI_REG_EFR, 8)), 2);
    at_free(t);
    t = at_new("xtsup=on");
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EFR, 8),
                      0x29d3 | AMDVI_EFR_XT_SUP_MASK);
    at_free(t);
    t = at_new("x-efr=0x41,x-efr2=0x4");
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EFR, 8), 0x41);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EFR2, 8), 0x4);
    /* EFR is read-only. */
    at_wr(t, AMDVI_REG_EFR, 0, 8);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EFR, 8), 0x41);
    at_free(t);
}
END_TEST

/* Every RW1C bit clears on 1, RO bits ignore writes (QEMU: w1c 0x67). */
START_TEST(test_amdvi_regs_status_w1c_and_ro)
{
    ATest *t = at_new(NULL);
    uint64_t all = ~AMDVI_STATUS_RSVD_MASK;

    amdvi_reg_set(t->s, AMDVI_RI_STATUS, all);
    at_wr(t, AMDVI_REG_STATUS, 0, 8);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_STATUS, 8), all);
    at_wr(t, AMDVI_REG_STATUS, ~0ull, 8);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_STATUS, 8), AMDVI_STATUS_RO_MASK);
    ck_assert_uint_eq(AMDVI_STATUS_W1C_MASK & 0xff, 0x67);
    ck_assert_uint_eq(AMDVI_STATUS_RO_MASK & 0xff, 0x98);
    /* One bit at a time: only that bit goes. */
    amdvi_reg_set(t->s, AMDVI_RI_STATUS, all);
    at_wr(t, AMDVI_REG_STATUS, AMDVI_STATUS_EVENT_OVERFLOW_MASK, 4);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_STATUS, 8),
                      all & ~AMDVI_STATUS_EVENT_OVERFLOW_MASK);
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_regs_control_unsupported_bits_read_zero)
{
    ATest *t = at_new(NULL);
    uint64_t v;

    at_wr(t, AMDVI_REG_CONTROL, ~0ull & ~AMDVI_CONTROL_IOMMU_EN_MASK, 8);
    v = at_rd(t, AMDVI_REG_CONTROL, 8);
    ck_assert_uint_eq(v & (AMDVI_CONTROL_PPR_EN_MASK |
                           AMDVI_CONTROL_GT_EN_MASK |
                           AMDVI_CONTROL_GA_EN_MASK |
                           AMDVI_CONTROL_XT_EN_MASK), 0);
    ck_assert(v & AMDVI_CONTROL_EVENT_LOG_EN_MASK);
    ck_assert(v & AMDVI_CONTROL_CMD_BUF_EN_MASK);
    ck_assert_uint_eq(v & AMDVI_CONTROL_INV_TIME_OUT_MASK,
                      AMDVI_CONTROL_INV_TIME_OUT_MASK);
    ck_assert_uint_eq(v, amdvi_regs_control_supported(0x29d3) &
                         ~AMDVI_CONTROL_IOMMU_EN_MASK);
    at_free(t);
    t = at_new("efr-profile=zen");
    at_wr(t, AMDVI_REG_CONTROL, AMDVI_CONTROL_XT_EN_MASK |
          AMDVI_CONTROL_GT_EN_MASK, 8);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_CONTROL, 8),
                      AMDVI_CONTROL_XT_EN_MASK);
    at_free(t);
}
END_TEST

/* EventLogRun follows IOMMUEn && EventLogEn (§3.4 STATUS). */
START_TEST(test_amdvi_regs_event_log_run_follows_control)
{
    ATest *t = at_new(NULL);

    at_wr(t, AMDVI_REG_CONTROL, AMDVI_CONTROL_EVENT_LOG_EN_MASK, 8);
    ck_assert(!amdvi_status_has(t->s, AMDVI_STATUS_EVENT_LOG_RUN_MASK));
    at_wr(t, AMDVI_REG_CONTROL, AMDVI_CONTROL_EVENT_LOG_EN_MASK |
          AMDVI_CONTROL_IOMMU_EN_MASK, 4);
    ck_assert(amdvi_status_has(t->s, AMDVI_STATUS_EVENT_LOG_RUN_MASK));
    /* Software cannot clear a RO run bit. */
    at_wr(t, AMDVI_REG_STATUS, AMDVI_STATUS_EVENT_LOG_RUN_MASK, 4);
    ck_assert(amdvi_status_has(t->s, AMDVI_STATUS_EVENT_LOG_RUN_MASK));
    at_wr(t, AMDVI_REG_CONTROL, AMDVI_CONTROL_IOMMU_EN_MASK, 4);
    ck_assert(!amdvi_status_has(t->s, AMDVI_STATUS_EVENT_LOG_RUN_MASK));
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_regs_base_reserved_and_pa_bits)
{
    ATest *t = at_new(NULL);

    at_wr(t, AMDVI_REG_DEVTAB_BASE, ~0ull, 8);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_DEVTAB_BASE, 8),
                      REG_BITS(51, 12) | 0x1ff);
    at_wr(t, AMDVI_REG_EXCL_BASE, ~0ull, 8);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EXCL_BASE, 8),
                      REG_BITS(51, 12) | 3);
    at_wr(t, AMDVI_REG_EXCL_LIMIT, ~0ull, 8);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EXCL_LIMIT, 8), REG_BITS(51, 12));
    at_free(t);
    t = at_new("pa-bits=40");
    at_wr(t, AMDVI_REG_EVENT_LOG_BASE, ~0ull, 8);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EVENT_LOG_BASE, 8),
                      REG_BITS(39, 12) | REG_BITS(59, 56));
    at_free(t);
}
END_TEST

/* Head and tail pointers: bits 18:4, dword writes (Linux writel). */
START_TEST(test_amdvi_regs_head_tail_pointer_mask)
{
    ATest *t = at_new(NULL);

    at_wr(t, AMDVI_REG_EVENT_LOG_HEAD, 0xffffffff, 4);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EVENT_LOG_HEAD, 8), 0x7fff0);
    at_wr(t, AMDVI_REG_EVENT_LOG_TAIL + 4, 0xffffffff, 4);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EVENT_LOG_TAIL, 8), 0);
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_regs_msi_mirror_needs_efr_bit)
{
    ATest *t = at_new(NULL);

    /* Without EFR.MsiCapMmioSup the whole mirror reads 0 (QEMU 7.2 too). */
    for (uint64_t off = AMDVI_REG_MSI_CAP_HDR; off <= AMDVI_REG_MSI_DATA;
         off += 4) {
        ck_assert_uint_eq(at_rd(t, off, 4), 0);
    }
    at_wr(t, AMDVI_REG_MSI_ADDR_LO, 0xfee00000, 4);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_MSI_ADDR_LO, 4), 0);
    at_wr(t, AMDVI_REG_MSI_CAP_HDR, AMDVI_MSI_CAP_HDR_MSI_EN_MASK, 4);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_MSI_CAP_HDR, 4), 0);
    at_free(t);
    t = at_new("efr-profile=zen");
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_MSI_CAP_HDR, 4) & 0xff, 0x05);
    at_wr(t, AMDVI_REG_MSI_ADDR_LO, 0xfee01000, 4);
    at_wr(t, AMDVI_REG_MSI_DATA, 0x4041, 4);
    ck_assert(!t->s->msi_enabled);
    at_wr(t, AMDVI_REG_MSI_CAP_HDR, AMDVI_MSI_CAP_HDR_MSI_EN_MASK, 4);
    ck_assert(t->s->msi_enabled);
    ck_assert_uint_eq(t->s->msi_msg.address, 0xfee01000);
    ck_assert_uint_eq(t->s->msi_msg.data, 0x4041);
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_props_bad_values_name_the_property)
{
    AMDVIProps p;
    GError *err = NULL;
    static const char *const bad[][2] = {
        { "efr-profile", "epyc" }, { "pt", "maybe" },
        { "intremap", "sometimes" }, { "x-efr", "-1" },
        { "pa-bits", "60" }, { "timing", "nehalem" },
        { "timing-trace", "" },
        { "mmio-base", "0x123" }, { "unity", "1:0x1000" },
        { "unity", "zz:0x1000-0x2000" },
    };

    amdvi_props_default(&p);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        ck_assert(!amdvi_props_set(&p, bad[i][0], bad[i][1], &err));
        ck_assert_ptr_nonnull(strstr(err->message, bad[i][0]));
        g_clear_error(&err);
    }
    ck_assert(!amdvi_props_set(&p, "no-such-prop", "1", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "no-such-prop"));
    g_clear_error(&err);
    ck_assert(amdvi_props_set(&p, "unity", "0x10-0x18:0x100000-0x1fffff:r",
                              &err));
    ck_assert_uint_eq(p.n_unity, 1);
    ck_assert_uint_eq(p.unity[0].devid_last, 0x18);
    ck_assert_uint_eq(p.unity[0].end, 0x1fffff);
    ck_assert(p.unity[0].ir && !p.unity[0].iw);
    ck_assert(!amdvi_props_set(&p, NULL, "1", &err));
    g_clear_error(&err);
    /* intremap=auto is QEMU's third value. */
    ck_assert(amdvi_props_set(&p, "intremap", "auto", &err));
    ck_assert_int_eq(p.intremap, -1);
    /* The IVRS carries at most AMDVI_MAX_UNITY unity ranges. */
    while (p.n_unity < AMDVI_MAX_UNITY) {
        ck_assert(amdvi_props_set(&p, "unity", "0x20:0x200000-0x2fffff",
                                  &err));
    }
    ck_assert(!amdvi_props_set(&p, "unity", "0x20:0x200000-0x2fffff", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "unity"));
    g_clear_error(&err);
}
END_TEST

/* Each accepted alone, refused together when the unit is built. */
START_TEST(test_amdvi_regs_xtsup_needs_intremap)
{
    IOMMUTestBed bed;
    AddressSpace as;
    VirtualClock *clk;
    MsiSink *msi;
    AMDVIProps p;
    GError *err = NULL;

    iommu_test_bed_init(&bed, 1 << 20, &as, &clk, &msi);
    amdvi_props_default(&p);
    ck_assert(amdvi_props_set(&p, "xtsup", "on", &err));
    ck_assert(amdvi_props_set(&p, "intremap", "off", &err));
    ck_assert_ptr_null(amdvi_new(&p, &as, msi, clk, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err->message, "xtsup"));
    g_clear_error(&err);
    iommu_test_bed_destroy(&bed, &as, clk, msi);
}
END_TEST

START_TEST(test_amdvi_regs_reset_restores)
{
    ATest *t = at_new(NULL);

    at_enable(t);
    at_wr(t, AMDVI_REG_EXCL_BASE, 0x5003, 8);
    amdvi_reset(t->s);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_CONTROL, 8), 0);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EXCL_BASE, 8), 0);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_STATUS, 8), 0);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EFR, 8), 0x29d3);
    at_free(t);
}
END_TEST

static Suite *amdvi_regs_suite(void)
{
    Suite *s = suite_create("amdvi-regs");
    TCase *tc = tcase_create("regs");

    tcase_add_test(tc, test_amdvi_regs_reset_values_from_table);
    tcase_add_test(tc, test_amdvi_regs_efr_profiles);
    tcase_add_test(tc, test_amdvi_regs_status_w1c_and_ro);
    tcase_add_test(tc, test_amdvi_regs_control_unsupported_bits_read_zero);
    tcase_add_test(tc, test_amdvi_regs_event_log_run_follows_control);
    tcase_add_test(tc, test_amdvi_regs_base_reserved_and_pa_bits);
    tcase_add_test(tc, test_amdvi_regs_head_tail_pointer_mask);
    tcase_add_test(tc, test_amdvi_regs_msi_mirror_needs_efr_bit);
    tcase_add_test(tc, test_amdvi_props_bad_values_name_the_property);
    tcase_add_test(tc, test_amdvi_regs_reset_restores);
    tcase_add_test(tc, test_amdvi_regs_xtsup_needs_intremap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(amdvi_regs_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
