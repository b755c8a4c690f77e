/*
 * The generated VT-d headers against the spec, and the mask engine driven
 * by the generated VT-d register table.  Values cite VT-d 5.10; CAP/ECAP
 * samples are the QEMU 7.2 intel-iommu defaults (reference/CLIENTS.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "iommu-sim/regs.h"
#include "specs/vtd-desc.h"
#include "specs/vtd-entries.h"
#include "specs/vtd-faults.h"
#include "specs/vtd-regs.h"
#include "specs/vtd-regs-table.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define QEMU_CAP  0x00d2008c22260206ULL
#define QEMU_ECAP 0x0000000000f00f4aULL

START_TEST(test_vtd_spec_cap_fields_decode_qemu_default)
{
    ck_assert_uint_eq(vtd_cap_get_nd(QEMU_CAP), 6);
    ck_assert_uint_eq(vtd_cap_get_sagaw(QEMU_CAP), 0x2);     /* 39-bit */
    ck_assert_uint_eq(vtd_cap_get_mgaw(QEMU_CAP), 38);
    ck_assert_uint_eq(vtd_cap_get_fro(QEMU_CAP), 0x22);      /* 0x220 */
    ck_assert_uint_eq(vtd_cap_get_sslps(QEMU_CAP), 0x3);     /* 2M + 1G */
    ck_assert_uint_eq(vtd_cap_get_psi(QEMU_CAP), 1);
    ck_assert_uint_eq(vtd_cap_get_nfr(QEMU_CAP), 0);
    ck_assert_uint_eq(vtd_cap_get_mamv(QEMU_CAP), 18);
    ck_assert_uint_eq(vtd_cap_get_dwd(QEMU_CAP), 1);
    ck_assert_uint_eq(vtd_cap_get_drd(QEMU_CAP), 1);
    ck_assert_uint_eq(vtd_cap_get_esrtps(QEMU_CAP), 0);
    ck_assert_uint_eq(vtd_cap_set_nfr(QEMU_CAP, 7) >> 40 & 0xff, 7);
}
END_TEST

START_TEST(test_vtd_spec_ecap_fields_decode_qemu_default)
{
    ck_assert_uint_eq(vtd_ecap_get_qi(QEMU_ECAP), 1);
    ck_assert_uint_eq(vtd_ecap_get_ir(QEMU_ECAP), 1);
    ck_assert_uint_eq(vtd_ecap_get_pt(QEMU_ECAP), 1);
    ck_assert_uint_eq(vtd_ecap_get_dt(QEMU_ECAP), 0);
    ck_assert_uint_eq(vtd_ecap_get_iro(QEMU_ECAP), 0xf);     /* 0xf0 */
    ck_assert_uint_eq(vtd_ecap_get_mhmv(QEMU_ECAP), 0xf);
    ck_assert_uint_eq(vtd_ecap_get_smts(QEMU_ECAP), 0);
}
END_TEST

START_TEST(test_vtd_spec_register_offsets)
{
    ck_assert_uint_eq(VTD_REG_GCMD, 0x18);
    ck_assert_uint_eq(VTD_REG_GSTS, 0x1c);
    ck_assert_uint_eq(VTD_REG_FSTS, 0x34);
    ck_assert_uint_eq(VTD_REG_IQERCD, 0xb0);
    ck_assert_uint_eq(VTD_REG_IRTA, 0xb8);
    ck_assert_uint_eq(VTD_REG_PEUADDR, 0xec);
    ck_assert_uint_eq(VTD_REG_IOTLB_REL, 0x8);
    ck_assert_uint_eq(VTD_GSTS_TES_MASK, 1ULL << 31);
    ck_assert_uint_eq(VTD_FRCD_F_WORD, 1);
    ck_assert_uint_eq(VTD_FRCD_F_SHIFT, 63);
    ck_assert_uint_eq(VTD_FRCD_FR_LSB, 96);
    ck_assert_uint_eq(VTD_FECTL_RESET, 0x80000000ULL);
}
END_TEST

START_TEST(test_vtd_entries_context_entry_fields)
{
    uint64_t ce[2] = { 0, 0 };

    vtd_context_entry_set_p(ce, 1);
    vtd_context_entry_set_tt(ce, 2);
    vtd_context_entry_set_ssptptr(ce, 0x12345);
    vtd_context_entry_set_aw(ce, 1);
    vtd_context_entry_set_did(ce, 0xbeef);
    ck_assert_uint_eq(ce[0], 0x12345009ULL);
    ck_assert_uint_eq(ce[1], (0xbeefULL << 8) | 1);
    ck_assert_uint_eq(vtd_context_entry_get_did(ce), 0xbeef);
    ck_assert_uint_eq(VTD_CONTEXT_ENTRY_RSVD_MASK_W0, 0xff0ULL);
    ck_assert_uint_eq(VTD_CONTEXT_ENTRY_RSVD_MASK_W1, 0xffffffffff000080ULL);
    ck_assert_uint_eq(VTD_ROOT_ENTRY_RSVD_MASK_W1, UINT64_MAX);
}
END_TEST

START_TEST(test_vtd_entries_second_stage_large_pages)
{
    ck_assert_uint_eq(VTD_SS_PDE_2M_ADDR_MASK, 0x000fffffffe00000ULL);
    ck_assert_uint_eq(VTD_SS_PDE_2M_RSVD_MASK, 0x1ff000ULL);
    ck_assert_uint_eq(VTD_SS_PDPE_1G_ADDR_MASK, 0x000fffffc0000000ULL);
    ck_assert_uint_eq(VTD_SS_PDPE_1G_RSVD_MASK, 0x3ffff000ULL);
    ck_assert_uint_eq(VTD_SS_PDE_PS_MASK, 1ULL << 7);
    ck_assert_uint_eq(VTD_SS_PTE_SNP_MASK, 1ULL << 11);
    ck_assert_uint_eq(VTD_SS_PTE_RSVD_MASK, 0);
    ck_assert_uint_eq(VTD_SS_PML4E_RSVD_MASK, 0x880ULL);
    ck_assert_uint_eq(vtd_ss_pte_get_addr(0x0000000123456003ULL), 0x123456);
}
END_TEST

START_TEST(test_vtd_desc_type_and_wait_fields)
{
    uint64_t d[2] = { 0, 0 };

    vtd_wait_desc_set_type_lo(d, VTD_INV_DESC_WAIT);
    vtd_wait_desc_set_sw(d, 1);
    vtd_wait_desc_set_status_data(d, 0xcafe);
    vtd_wait_desc_set_status_addr(d, 0x1000 >> 2);
    ck_assert_uint_eq(d[0], 0x0000cafe00000025ULL);
    ck_assert_uint_eq(d[1], 0x1000);
    ck_assert_int_eq(vtd_inv_desc_type_width(VTD_INV_DESC_P_IOTLB), 256);
    ck_assert_int_eq(vtd_inv_desc_type_width(VTD_INV_DESC_IEC), 128);
    ck_assert_uint_eq(VTD_IOTLB_DESC_ADDR_LSB, 76);
    ck_assert_uint_eq(VTD_DEV_TLB_DESC_SID_LSB, 32);
}
END_TEST

START_TEST(test_vtd_faults_names_and_qualification)
{
    ck_assert_str_eq(vtd_fault_reason_name(VTD_FR_NO_WRITE), "NO_WRITE");
    ck_assert_uint_eq(VTD_FR_NO_WRITE, 0x5);
    ck_assert_str_eq(vtd_fault_reason_cond(0x5), "LGN.2");
    ck_assert(vtd_fault_reason_qualified(0x2));
    ck_assert(!vtd_fault_reason_qualified(0x1));
    ck_assert_str_eq(vtd_fault_reason_section(0x22), "5.1.4.1");
    ck_assert_ptr_null(vtd_fault_reason_name(0xff));
    ck_assert_str_eq(vtd_iqei_name(VTD_IQEI_TAIL_ALIGN), "TAIL_ALIGN");
    ck_assert_uint_eq(VTD_IQEI_TYPE, 3);
}
END_TEST

static RegFile *rf;

static void setup(void)
{
    rf = regfile_new(&vtd_regfile_spec, 0x1000);
    regfile_set_reset(rf, VTD_RI_VER, 0x10);
    regfile_set_reset(rf, VTD_RI_CAP, QEMU_CAP);
    regfile_set_reset(rf, VTD_RI_ECAP, QEMU_ECAP);
    regfile_reset(rf);
}

static void teardown(void)
{
    regfile_free(rf);
}

START_TEST(test_vtd_regs_reset_values)
{
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_VER, 4), 0x10);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_CAP, 4), 0x22260206);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_CAP + 4, 4), 0x00d2008c);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_ECAP, 8), QEMU_ECAP);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_FECTL, 4), 0x80000000);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_IECTL, 4), 0x80000000);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_GSTS, 4), 0);
}
END_TEST

START_TEST(test_vtd_regs_status_and_capability_read_only)
{
    regfile_write(rf, VTD_REG_GSTS, 0xffffffff, 4);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_GSTS, 4), 0);
    regfile_write(rf, VTD_REG_CAP, 0, 8);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_CAP, 8), QEMU_CAP);
    regfile_write(rf, VTD_REG_IQH, 0x7ff0, 8);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_IQH, 8), 0);
    regfile_write(rf, VTD_REG_IQT, ~0ULL, 8);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_IQT, 8), 0x7fff0ULL);
    /* FECTL: IM writable, IP read-only, 29:0 RsvdP */
    regfile_write(rf, VTD_REG_FECTL, 0x7fffffff, 4);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_FECTL, 4), 0);
}
END_TEST

START_TEST(test_vtd_regs_gcmd_write_only)
{
    regfile_write(rf, VTD_REG_GCMD, VTD_GCMD_TE_MASK | 0x1, 4);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_GCMD, 4), 0);
    ck_assert_uint_eq(regfile_get(rf, VTD_RI_GCMD, 0), VTD_GCMD_TE_MASK);
}
END_TEST

START_TEST(test_vtd_regs_fsts_w1c)
{
    regfile_set(rf, VTD_RI_FSTS, 0, VTD_FSTS_PFO_MASK | VTD_FSTS_PPF_MASK |
                VTD_FSTS_IQE_MASK);
    regfile_write(rf, VTD_REG_FSTS, VTD_FSTS_PFO_MASK | VTD_FSTS_PPF_MASK, 4);
    ck_assert_uint_eq(regfile_read(rf, VTD_REG_FSTS, 4),
                      VTD_FSTS_PPF_MASK | VTD_FSTS_IQE_MASK);
}
END_TEST

START_TEST(test_vtd_regs_frcd_at_fro_and_iotlb_at_iro)
{
    uint64_t frcd = 16 * vtd_cap_get_fro(QEMU_CAP);

    ck_assert_uint_eq(regfile_group_base(rf, VTD_GROUP_FRCD_REGS), 0x220);
    ck_assert_uint_eq(regfile_group_count(rf, VTD_GROUP_FRCD_REGS), 1);
    ck_assert_uint_eq(regfile_group_base(rf, VTD_GROUP_IOTLB_REGS), 0xf0);
    /* F, FR = 5 (bits 103:96), SID = 0xbeef (bits 79:64) */
    regfile_set(rf, VTD_RI_FRCD_W1, 0,
                VTD_FRCD_F_MASK | (5ULL << 32) | 0xbeefULL);
    ck_assert_uint_eq(regfile_read(rf, frcd + 12, 4), 0x80000005);
    ck_assert_uint_eq(regfile_read(rf, frcd + 8, 4), 0xbeef);
    regfile_write(rf, frcd + 8, ~0ULL, 8);      /* only F is writable */
    ck_assert_uint_eq(regfile_get(rf, VTD_RI_FRCD_W1, 0),
                      (5ULL << 32) | 0xbeefULL);
    ck_assert_uint_eq(regfile_read(rf, frcd + 16, 8), 0);   /* NFR = 0 */
    regfile_write(rf, 0xf8, 0x1234ULL << 32, 8);
    ck_assert_uint_eq(regfile_read(rf, 0xf8, 8), 0x1234ULL << 32);
    regfile_write(rf, 0xf0, 0x5000, 8);         /* IVA is write-only */
    ck_assert_uint_eq(regfile_read(rf, 0xf0, 8), 0);
}
END_TEST

static Suite *vtd_spec_suite(void)
{
    Suite *s = suite_create("vtd-spec");
    TCase *tc = tcase_create("headers");
    TCase *tr = tcase_create("regfile");

    tcase_add_test(tc, test_vtd_spec_cap_fields_decode_qemu_default);
    tcase_add_test(tc, test_vtd_spec_ecap_fields_decode_qemu_default);
    tcase_add_test(tc, test_vtd_spec_register_offsets);
    tcase_add_test(tc, test_vtd_entries_context_entry_fields);
    tcase_add_test(tc, test_vtd_entries_second_stage_large_pages);
    tcase_add_test(tc, test_vtd_desc_type_and_wait_fields);
    tcase_add_test(tc, test_vtd_faults_names_and_qualification);
    tcase_add_checked_fixture(tr, setup, teardown);
    tcase_add_test(tr, test_vtd_regs_reset_values);
    tcase_add_test(tr, test_vtd_regs_status_and_capability_read_only);
    tcase_add_test(tr, test_vtd_regs_gcmd_write_only);
    tcase_add_test(tr, test_vtd_regs_fsts_w1c);
    tcase_add_test(tr, test_vtd_regs_frcd_at_fro_and_iotlb_at_iro);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, tr);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vtd_spec_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
