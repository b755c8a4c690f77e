/*
 * Check tests: VT-d register reset values (Debian QEMU 7.2 and
 * Broadwell-EP profiles), RO/W1C/reserved behaviour from the generated
 * table (VT-d 5.10 §11.4), and GCMD/GSTS for the client idioms of
 * CLIENTS.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "vtd-test-util.h"
#include "specs/vtd-regs-table.h"

START_TEST(test_vtd_regs_reset_matches_qemu72)
{
    VTest *t = vt_new(NULL);

    ck_assert_uint_eq(vt_rd(t, VTD_REG_VER, 4), 0x10);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_CAP, 8), 0x00d2008c22260206ull);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_ECAP, 8), 0x0000000000f00f4aull);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FECTL, 4), 0x80000000u);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_IECTL, 4), 0x80000000u);
    /* Everything else up to the IOTLB/FRCD registers reads 0. */
    for (uint64_t off = 0x18; off < 0x300; off += 4) {
        if (off == VTD_REG_FECTL || off == VTD_REG_IECTL) {
            continue;
        }
        ck_assert_msg(vt_rd(t, off, 4) == 0, "offset 0x%lx",
                      (unsigned long)off);
    }
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_regs_props_match_qemu72)
{
    static const struct { const char *p; uint64_t cap, ecap; } c[] = {
        { "aw-bits=48", 0x00d2008c222f0606ull, 0xf00f4aull },
        { "caching-mode=on", 0x00d2008c22260286ull, 0xf00f4aull },
        { "x-scalable-mode=on", 0x00d2008c22260206ull, 0x480080f00f4aull },
        { "device-iotlb=on", 0x00d2008c22260206ull, 0xf00f4eull },
        { "pt=off", 0x00d2008c22260206ull, 0xf00f0aull },
        { "dma-drain=off", 0x0012008c22260206ull, 0xf00f4aull },
        { "snoop-control=on", 0x00d2008c22260206ull, 0xf00fcaull },
        { "intremap=off", 0x00d2008c22260206ull, 0xf42ull },
        { "dma-translation=off", 0x00d2008c22260006ull, 0xf00f4aull },
        { "x-scalable-mode=on,x-pasid-mode=on", 0x00d2008c22260206ull,
          0x490080f00f4aull },
        { "cap-profile=broadwell-ep", 0x8d2078c106f0466ull, 0xf020dfull },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(c); i++) {
        VTest *t = vt_new(c[i].p);
        ck_assert_msg(vt_rd(t, VTD_REG_CAP, 8) == c[i].cap, "%s", c[i].p);
        ck_assert_msg(vt_rd(t, VTD_REG_ECAP, 8) == c[i].ecap, "%s", c[i].p);
        vt_free(t);
    }
}
END_TEST

START_TEST(test_vtd_regs_field_overrides)
{
    VTest *t = vt_new("cap-nfr=7,cap-fro=0x40,cap-sllps=1,cap-plmr=1,"
                      "ecap-iro=0x30,spec-version=0x60");

    ck_assert_uint_eq(vtd_cap_get_nfr(vt_rd(t, VTD_REG_CAP, 8)), 7);
    ck_assert_uint_eq(vtd_cap_get_fro(vt_rd(t, VTD_REG_CAP, 8)), 0x40);
    ck_assert_uint_eq(vtd_cap_get_sslps(vt_rd(t, VTD_REG_CAP, 8)), 1);
    ck_assert_uint_eq(vtd_ecap_get_iro(vt_rd(t, VTD_REG_ECAP, 8)), 0x30);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_VER, 4), 0x60);
    ck_assert_uint_eq(regfile_group_count(t->s->regs, VTD_GROUP_FRCD_REGS),
                      8);
    ck_assert_uint_eq(regfile_group_base(t->s->regs, VTD_GROUP_FRCD_REGS),
                      0x400);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_regs_bad_props_rejected)
{
    static const char *const bad[][2] = {
        { "aw-bits", "40" }, { "caching-mode", "maybe" },
        { "cap-profile", "skylake" }, { "no-such-prop", "1" },
        { "cap-nfr", "-1" }, { "cap-nfr", "" },
    };
    VTDProps p;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *err = NULL;
        vtd_props_default(&p);
        ck_assert(!vtd_props_set(&p, bad[i][0], bad[i][1], &err));
        ck_assert_ptr_nonnull(err);
        ck_assert(strstr(err->message, bad[i][0]) != NULL);
        g_error_free(err);
    }
}
END_TEST

/*
 * Values each property accepts alone but the unit cannot be built with:
 * fault records or IOTLB registers placed over the fixed map, past the
 * 4 KiB register window, or over each other (§11.4).  vtd_new refuses
 * them with a message naming the property.
 */
START_TEST(test_vtd_regs_impossible_layouts_refused)
{
    static const char *const bad[][2] = {
        { "cap-nfr=255", "cap-nfr" },           /* 256 records from 0x220 */
        { "cap-fro=0x3f0,cap-nfr=1", "cap-nfr" },   /* ends at 0x401f */
        { "cap-fro=0x8", "cap-fro" },           /* over the fixed map */
        { "ecap-iro=0x4", "ecap-iro" },
        { "ecap-iro=0x100", "ecap-iro" },       /* IOTLB at 0x1008 */
        { "ecap-iro=0x22", "overlap" },         /* on the first record */
    };
    IOMMUTestBed bed;
    AddressSpace as;
    VirtualClock *clk;
    MsiSink *msi;

    iommu_test_bed_init(&bed, 1 << 20, &as, &clk, &msi);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        VTDProps p;
        GError *err = NULL;

        vtd_props_default(&p);
        ck_assert(iommu_test_props_apply(&p, vt_props_set, bad[i][0], &err));
        ck_assert_ptr_null(vtd_new(&p, &as, msi, clk, &err));
        ck_assert_ptr_nonnull(err);
        ck_assert_msg(strstr(err->message, bad[i][1]) != NULL, "%s",
                      err->message);
        g_error_free(err);
    }
    iommu_test_bed_destroy(&bed, &as, clk, msi);
}
END_TEST

/* Every fixed register: RO bits keep their value, reserved read 0. */
START_TEST(test_vtd_regs_ro_and_reserved_from_table)
{
    VTest *t = vt_new(NULL);

    for (unsigned i = 0; i < VTD_RI_COUNT; i++) {
        const RegInfo *ri = &vtd_reg_info[i];
        uint64_t before, after, width_mask;

        if (ri->group != VTD_GROUP_FIXED || i == VTD_RI_GCMD ||
            i == VTD_RI_CCMD || i == VTD_RI_IQT || i == VTD_RI_IQA ||
            i == VTD_RI_PMEN || i == VTD_RI_FECTL || i == VTD_RI_IECTL) {
            continue;   /* command registers: covered below / by vtd-inv */
        }
        width_mask = ri->size == 8 ? ~0ull : 0xffffffffull;
        before = vt_rd(t, ri->offset, ri->size);
        vt_wr(t, ri->offset, width_mask & ~ri->w1c, ri->size);
        after = vt_rd(t, ri->offset, ri->size);
        ck_assert_msg((after & ri->rsvd) == 0, "%s rsvd", ri->name);
        ck_assert_msg((after & ~ri->wmask & ~ri->w1c & ~ri->w1s) ==
                      (before & ~ri->wmask & ~ri->w1c & ~ri->w1s),
                      "%s RO changed", ri->name);
    }
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_regs_gcmd_idioms)
{
    VTest *t = vt_new(NULL);
    uint32_t sts;

    vt_wr(t, VTD_REG_RTADDR, VT_ROOT, 8);
    /* EDK2 PEI: a lone bit. */
    vt_wr(t, VTD_REG_GCMD, VTD_GCMD_SRTP_MASK, 4);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_GSTS, 4), VTD_GSTS_RTPS_MASK);
    /* kvm-unit-tests: GSTS | bit, re-sending SRTP. */
    sts = (uint32_t)vt_rd(t, VTD_REG_GSTS, 4);
    vt_wr(t, VTD_REG_GCMD, sts | VTD_GCMD_TE_MASK, 4);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_GSTS, 4),
                      VTD_GSTS_RTPS_MASK | VTD_GSTS_TES_MASK);
    /* Linux: (GSTS & 0x96FFFFFF) | bit keeps TE on while enabling QI. */
    sts = (uint32_t)vt_rd(t, VTD_REG_GSTS, 4);
    vt_wr(t, VTD_REG_GCMD, (sts & 0x96FFFFFFu) | VTD_GCMD_QIE_MASK, 4);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_GSTS, 4),
                      VTD_GSTS_RTPS_MASK | VTD_GSTS_TES_MASK |
                      VTD_GSTS_QIES_MASK);
    /* IR: SIRTP, IRE, CFI follow; GCMD itself reads 0. */
    sts = (uint32_t)vt_rd(t, VTD_REG_GSTS, 4);
    vt_wr(t, VTD_REG_GCMD, (sts & 0x96FFFFFFu) | VTD_GCMD_SIRTP_MASK, 4);
    ck_assert(vt_rd(t, VTD_REG_GSTS, 4) & VTD_GSTS_IRTPS_MASK);
    sts = (uint32_t)vt_rd(t, VTD_REG_GSTS, 4);
    vt_wr(t, VTD_REG_GCMD, (sts & 0x96FFFFFFu) | VTD_GCMD_IRE_MASK |
          VTD_GCMD_CFI_MASK, 4);
    ck_assert(vt_rd(t, VTD_REG_GSTS, 4) & VTD_GSTS_IRES_MASK);
    ck_assert(vt_rd(t, VTD_REG_GSTS, 4) & VTD_GSTS_CFIS_MASK);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_GCMD, 4), 0);
    /* WBF completes at once: WBFS never seen. */
    sts = (uint32_t)vt_rd(t, VTD_REG_GSTS, 4);
    vt_wr(t, VTD_REG_GCMD, (sts & 0x96FFFFFFu) | VTD_GCMD_WBF_MASK, 4);
    ck_assert(!(vt_rd(t, VTD_REG_GSTS, 4) & VTD_GSTS_WBFS_MASK));
    /* Turning TE off with the spec idiom leaves the others. */
    sts = (uint32_t)vt_rd(t, VTD_REG_GSTS, 4);
    vt_wr(t, VTD_REG_GCMD, (sts & 0x96FFFFFFu) & ~VTD_GCMD_TE_MASK, 4);
    ck_assert(!(vt_rd(t, VTD_REG_GSTS, 4) & VTD_GSTS_TES_MASK));
    ck_assert(vt_rd(t, VTD_REG_GSTS, 4) & VTD_GSTS_QIES_MASK);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_regs_unreported_features_read_zero)
{
    VTest *t = vt_new("intremap=off");

    vt_wr(t, VTD_REG_IRTA, 0x123000, 8);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_IRTA, 8), 0);
    vt_wr(t, VTD_REG_PLMBASE, 0xffffffff, 4);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_PLMBASE, 4), 0);
    vt_wr(t, VTD_REG_GCMD, VTD_GCMD_IRE_MASK, 4);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_GSTS, 4), 0);
    vt_free(t);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("vtd-regs");
    TCase *tc = tcase_create("regs");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_vtd_regs_reset_matches_qemu72);
    tcase_add_test(tc, test_vtd_regs_props_match_qemu72);
    tcase_add_test(tc, test_vtd_regs_field_overrides);
    tcase_add_test(tc, test_vtd_regs_bad_props_rejected);
    tcase_add_test(tc, test_vtd_regs_impossible_layouts_refused);
    tcase_add_test(tc, test_vtd_regs_ro_and_reserved_from_table);
    tcase_add_test(tc, test_vtd_regs_gcmd_idioms);
    tcase_add_test(tc, test_vtd_regs_unreported_features_read_zero);
    suite_add_tcase(su, tc);
    sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
