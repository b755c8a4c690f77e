/*
 * The generated AMD-Vi headers, decoded against encodings other projects
 * use (AMD IOMMU spec 48882 is not in our store; specs/README.md, "AMD-Vi
 * sources"), and the generated MMIO and PCI-capability tables driven
 * through the mask engine.  QEMU_EFR is QEMU 7.2's amd-iommu
 * AMDVI_EXT_FEATURES; QEMU_CAP_HDR its AMDVI_CAPAB_FEATURES.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "iommu-sim/regs.h"
#include "specs/amdvi-commands.h"
#include "specs/amdvi-entries.h"
#include "specs/amdvi-events.h"
#include "specs/amdvi-ivrs.h"
#include "specs/amdvi-pcicap-table.h"
#include "specs/amdvi-pcicap.h"
#include "specs/amdvi-regs-table.h"
#include "specs/amdvi-regs.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define QEMU_EFR     0x29d3ULL
#define QEMU_CAP_HDR 0x1f03000fULL
#define MMIO_WINDOW  0x4000u    /* QEMU AMDVI_MMIO_SIZE */

START_TEST(test_amdvi_spec_efr_decodes_qemu_default)
{
    /* 0x29d3 = PreF | PPR | GT | IA | GA | HE | HATS=2 | GATS=2 */
    ck_assert_uint_eq(amdvi_efr_get_pref_sup(QEMU_EFR), 1);
    ck_assert_uint_eq(amdvi_efr_get_ppr_sup(QEMU_EFR), 1);
    ck_assert_uint_eq(amdvi_efr_get_xt_sup(QEMU_EFR), 0);
    ck_assert_uint_eq(amdvi_efr_get_nx_sup(QEMU_EFR), 0);
    ck_assert_uint_eq(amdvi_efr_get_gt_sup(QEMU_EFR), 1);
    ck_assert_uint_eq(amdvi_efr_get_gappi_sup(QEMU_EFR), 0);
    ck_assert_uint_eq(amdvi_efr_get_ia_sup(QEMU_EFR), 1);
    ck_assert_uint_eq(amdvi_efr_get_ga_sup(QEMU_EFR), 1);
    ck_assert_uint_eq(amdvi_efr_get_he_sup(QEMU_EFR), 1);
    ck_assert_uint_eq(amdvi_efr_get_pc_sup(QEMU_EFR), 0);
    ck_assert_uint_eq(amdvi_efr_get_hats(QEMU_EFR), 2);
    ck_assert_uint_eq(amdvi_efr_get_gats(QEMU_EFR), 2);
    ck_assert_uint_eq(amdvi_efr_get_glx_sup(QEMU_EFR), 0);
    ck_assert_uint_eq(amdvi_efr_get_smif_sup(QEMU_EFR), 0);
    ck_assert_uint_eq(amdvi_efr_get_gam_sup(QEMU_EFR), 0);
    ck_assert_uint_eq(amdvi_efr_get_pas_max(QEMU_EFR), 0);
    ck_assert_uint_eq(amdvi_efr_get_snp_sup(QEMU_EFR), 0);
    /* Linux FEATURE_PASMAX GENMASK(36, 32), FEATURE_SNP BIT(63) */
    ck_assert_uint_eq(amdvi_efr_set_pas_max(0, 0xf), 0xfULL << 32);
    ck_assert_uint_eq(amdvi_efr_set_snp_sup(0, 1), 1ULL << 63);
}
END_TEST

START_TEST(test_amdvi_spec_register_offsets_and_bits)
{
    /* Linux MMIO_*_OFFSET */
    ck_assert_uint_eq(AMDVI_REG_CONTROL, 0x18);
    ck_assert_uint_eq(AMDVI_REG_EFR, 0x30);
    ck_assert_uint_eq(AMDVI_REG_GA_LOG_TAIL_ADDR, 0xe8);
    ck_assert_uint_eq(AMDVI_REG_MSI_ADDR_LO, 0x15c);
    ck_assert_uint_eq(AMDVI_REG_XT_GA_INT_CTRL, 0x180);
    ck_assert_uint_eq(AMDVI_REG_EFR2, 0x1a0);
    ck_assert_uint_eq(AMDVI_REG_CMD_BUF_TAIL, 0x2008);
    ck_assert_uint_eq(AMDVI_REG_STATUS, 0x2020);
    ck_assert_uint_eq(AMDVI_REG_GA_LOG_TAIL, 0x2048);
    /* Linux CONTROL_* bit numbers */
    ck_assert_uint_eq(AMDVI_CONTROL_CMD_BUF_EN_MASK, 1ULL << 12);
    ck_assert_uint_eq(AMDVI_CONTROL_GA_EN_SHIFT, 17);
    ck_assert_uint_eq(AMDVI_CONTROL_GAM_EN_SHIFT, 25);
    ck_assert_uint_eq(AMDVI_CONTROL_XT_EN_SHIFT, 50);
    ck_assert_uint_eq(AMDVI_CONTROL_INT_CAP_XT_EN_SHIFT, 51);
    ck_assert_uint_eq(AMDVI_CONTROL_IRT_CACHE_DIS_SHIFT, 59);
    ck_assert_uint_eq(AMDVI_CONTROL_INV_TIME_OUT_MASK, 7ULL << 5);
    /* Linux MMIO_CMD_SIZE_512 = 9 << 56 */
    ck_assert_uint_eq(amdvi_cmd_buf_base_set_com_len(0, 9), 9ULL << 56);
    ck_assert_uint_eq(AMDVI_CMD_BUF_HEAD_CMD_HEAD_PTR_MASK, 0x7fff0ULL);
    /* Linux MMIO_STATUS_*: W1C overflow/int bits, RO run bits */
    ck_assert_uint_eq(AMDVI_STATUS_W1C_MASK & 0x7ff, 0x667);
    ck_assert_uint_eq(AMDVI_STATUS_RO_MASK & 0x7ff, 0x198);
}
END_TEST

START_TEST(test_amdvi_entries_dte_linux_encoding)
{
    uint64_t dte[4] = { 0, 0, 0, 0 };

    amdvi_dte_set_v(dte, 1);
    amdvi_dte_set_tv(dte, 1);
    amdvi_dte_set_mode(dte, AMDVI_MODE_LEVEL_4);
    amdvi_dte_set_pt_root(dte, 0x123456000ULL >> 12);
    amdvi_dte_set_ir(dte, 1);
    amdvi_dte_set_iw(dte, 1);
    amdvi_dte_set_domain_id(dte, 0xbeef);
    amdvi_dte_set_iv(dte, 1);
    amdvi_dte_set_int_tab_len(dte, 9);
    amdvi_dte_set_int_table_root(dte, 0xabcdef80ULL >> 6);
    amdvi_dte_set_int_ctl(dte, AMDVI_INTCTL_REMAP);
    amdvi_dte_set_lint1_pass(dte, 1);
    /* Linux: DTE_FLAG_V|TV, mode << 9, IR/IW bits 61/62 */
    ck_assert_uint_eq(dte[0], 0x123456000ULL | (4ULL << 9) | 3 |
                      (3ULL << 61));
    ck_assert_uint_eq(dte[1], 0xbeef);
    /* DTE_IRQ_REMAP_ENABLE, DTE_INTTABLEN (9 << 1), root bits 51:6,
     * DTE_IRQ_REMAP_INTCTL (2 << 60), LINT1 pass = DTE bit 0xbf */
    ck_assert_uint_eq(dte[2], 1 | (9ULL << 1) | 0xabcdef80ULL |
                      (2ULL << 60) | (1ULL << 63));
    ck_assert_uint_eq(AMDVI_DTE_RSVD_MASK_W0, 0x800000000000007cULL);
    ck_assert_uint_eq(AMDVI_DTE_SYS_MGT_LSB, 104);     /* 0x68 */
    ck_assert_uint_eq(AMDVI_DTE_INIT_PASS_LSB, 184);   /* 0xb8 */
    ck_assert_uint_eq(AMDVI_DTE_SE_LSB, 97);           /* 0x61 */
    ck_assert_uint_eq(amdvi_dte_get_domain_id(dte), 0xbeef);
}
END_TEST

START_TEST(test_amdvi_entries_pte_large_page_encoding)
{
    /* Linux PAGE_SIZE_PTE(0x12340000, 32 KiB) = 0x12343000, NextLevel 7 */
    uint64_t pte = 0;

    pte = amdvi_pte_set_pr(pte, 1);
    pte = amdvi_pte_set_next_level(pte, 7);
    pte = amdvi_pte_set_addr(pte, 0x12343000ULL >> 12);
    pte = amdvi_pte_set_ir(pte, 1);
    pte = amdvi_pte_set_iw(pte, 1);
    ck_assert_uint_eq(pte, 0x12343000ULL | 0xe01 | (3ULL << 61));
    ck_assert_uint_eq(AMDVI_PTE_FC_MASK, 1ULL << 60);   /* IOMMU_PTE_FC */
    ck_assert_uint_eq(AMDVI_PTE_U_MASK, 1ULL << 59);    /* IOMMU_PTE_U */
    ck_assert_uint_eq(AMDVI_PTE_D_MASK, 1ULL << 6);     /* IOMMU_PTE_HD */
    ck_assert_uint_eq(AMDVI_PDE_ADDR_MASK, 0x000ffffffffff000ULL);
    ck_assert_uint_eq(AMDVI_PDE_RSVD_MASK, 0x07f0000000000000ULL);
    ck_assert_int_eq(amdvi_paging_mode_levels(AMDVI_MODE_LEVEL_6), 6);
}
END_TEST

START_TEST(test_amdvi_commands_linux_builders)
{
    uint64_t cw[2] = { 0, 0 }, inv[2] = { 0, 0 };

    /* Linux build_completion_wait: store address | S, opcode 1 */
    amdvi_cmd_completion_wait_set_s(cw, 1);
    amdvi_cmd_completion_wait_set_store_addr(cw, 0xfee01238ULL >> 3);
    amdvi_cmd_completion_wait_set_opcode(cw, AMDVI_CMD_COMPLETION_WAIT);
    amdvi_cmd_completion_wait_set_store_data(cw, 0x1122334455667788ULL);
    ck_assert_uint_eq(cw[0], 0xfee01238ULL | 1 | (1ULL << 60));
    ck_assert_uint_eq(cw[1], 0x1122334455667788ULL);
    /* Linux build_inv_iommu_pages: domid in dword 1, S/PDE in dword 2 */
    amdvi_cmd_invalidate_iommu_pages_set_domain_id(inv, 7);
    amdvi_cmd_invalidate_iommu_pages_set_opcode(inv, 3);
    amdvi_cmd_invalidate_iommu_pages_set_address(inv,
                                                 0x7ffffffffffff000ULL >> 12);
    amdvi_cmd_invalidate_iommu_pages_set_s(inv, 1);
    amdvi_cmd_invalidate_iommu_pages_set_pde(inv, 1);
    ck_assert_uint_eq(inv[0], (7ULL << 32) | (3ULL << 60));
    ck_assert_uint_eq(inv[1], 0x7ffffffffffff003ULL);
    ck_assert_uint_eq(amdvi_cmd_get_opcode(inv), 3);
    ck_assert_str_eq(amdvi_cmd_opcode_name(AMDVI_CMD_INVALIDATE_IOMMU_ALL),
                     "INVALIDATE_IOMMU_ALL");
    ck_assert_str_eq(amdvi_cmd_opcode_needs(8), "IA_SUP");
    ck_assert_ptr_null(amdvi_cmd_opcode_name(0));
    ck_assert_ptr_null(amdvi_cmd_opcode_name(0xf));
}
END_TEST

START_TEST(test_amdvi_events_qemu_io_page_fault)
{
    /* QEMU 7.2 amdvi_page_fault: devid | info << 48, address; info =
     * AMDVI_EVENT_IOPF (2 << 12) | AMDVI_EVENT_IOPF_I (1 << 3) */
    uint64_t evt[2] = { 0x0010ULL | ((0x2000ULL | 0x8) << 48),
                        0xdead0000ULL };

    ck_assert_uint_eq(amdvi_event_get_event_code(evt),
                      AMDVI_EVENT_IO_PAGE_FAULT);
    ck_assert_uint_eq(amdvi_event_io_page_fault_get_device_id(evt), 0x10);
    ck_assert_uint_eq(amdvi_event_io_page_fault_get_i(evt), 1);
    ck_assert_uint_eq(amdvi_event_io_page_fault_get_rw(evt), 0);
    ck_assert_uint_eq(amdvi_event_io_page_fault_get_address(evt), 0xdead0000);
    ck_assert_str_eq(amdvi_event_code_name(2), "IO_PAGE_FAULT");
    ck_assert_str_eq(amdvi_event_code_name(5), "ILLEGAL_COMMAND_ERROR");
    ck_assert_str_eq(amdvi_event_code_section(1), "2.5.2");
    ck_assert_ptr_null(amdvi_event_code_name(0));
    ck_assert_ptr_null(amdvi_event_code_name(0xb));
}
END_TEST

START_TEST(test_amdvi_ivrs_layout_offsets)
{
    ck_assert_uint_eq(AMDVI_IVRS_HEADER_IVINFO_LSB, 36 * 8);
    ck_assert_uint_eq(AMDVI_IVRS_HEADER_WIDTH_BITS, 48 * 8);
    ck_assert_uint_eq(AMDVI_IVHD_10_WIDTH_BITS, 24 * 8);
    ck_assert_uint_eq(AMDVI_IVHD_10_BASE_ADDRESS_LSB, 8 * 8);
    ck_assert_uint_eq(AMDVI_IVHD_11_WIDTH_BITS, 40 * 8);
    ck_assert_uint_eq(AMDVI_IVHD_11_EFR_IMAGE_LSB, 24 * 8);
    ck_assert_uint_eq(AMDVI_IVMD_START_ADDRESS_LSB, 16 * 8);
    ck_assert_uint_eq(AMDVI_IVINFO_PA_SIZE_MASK, 0x7f00);     /* ACPICA */
    ck_assert_uint_eq(AMDVI_IVINFO_VA_SIZE_MASK, 0x3f8000);
    ck_assert_uint_eq(AMDVI_IVHD_10_FEATURES_IA_SUP_SHIFT, 5); /* AGESA */
    ck_assert_int_eq(amdvi_ivhd_entry_type_size(AMDVI_IVHD_DEV_SPECIAL), 8);
    ck_assert_int_eq(amdvi_ivhd_entry_type_size(AMDVI_IVHD_DEV_SELECT), 4);
    ck_assert_int_eq(amdvi_ivhd_entry_type_size(AMDVI_IVHD_DEV_ACPI_HID), 0);
    ck_assert_uint_eq(amdvi_ivhd_dev8_special_get_variety(
                          0x0100a0ff00000048ULL), AMDVI_IVHD_SPECIAL_IOAPIC);
    ck_assert_uint_eq(amdvi_ivhd_dev8_special_get_source_device_id(
                          0x0100a0ff00000048ULL), 0x00a0);
}
END_TEST

static RegFile *rf;

static void setup(void)
{
    rf = regfile_new(&amdvi_regfile_spec, MMIO_WINDOW);
    regfile_set_reset(rf, AMDVI_RI_EFR, QEMU_EFR);
    regfile_reset(rf);
}

static void teardown(void)
{
    regfile_free(rf);
}

START_TEST(test_amdvi_regs_reset_and_efr_read_only)
{
    ck_assert_uint_eq(regfile_read(rf, AMDVI_REG_CONTROL, 8), 0);
    ck_assert_uint_eq(regfile_read(rf, AMDVI_REG_STATUS, 4), 0);
    ck_assert_uint_eq(regfile_read(rf, AMDVI_REG_EFR, 8), QEMU_EFR);
    regfile_write(rf, AMDVI_REG_EFR, ~0ULL, 8);
    ck_assert_uint_eq(regfile_read(rf, AMDVI_REG_EFR, 8), QEMU_EFR);
    ck_assert_uint_eq(regfile_read(rf, AMDVI_REG_EFR2, 8), 0);
}
END_TEST

START_TEST(test_amdvi_regs_status_w1c_and_run_bits)
{
    uint64_t hw = AMDVI_STATUS_EVENT_OVERFLOW_MASK |
                  AMDVI_STATUS_COM_WAIT_INT_MASK |
                  AMDVI_STATUS_EVENT_LOG_RUN_MASK |
                  AMDVI_STATUS_CMD_BUF_RUN_MASK;

    regfile_set(rf, AMDVI_RI_STATUS, 0, hw);
    /* Linux clears with a dword write of the bit */
    regfile_write(rf, AMDVI_REG_STATUS, AMDVI_STATUS_EVENT_OVERFLOW_MASK, 4);
    ck_assert_uint_eq(regfile_read(rf, AMDVI_REG_STATUS, 4), 0x1c);
    regfile_write(rf, AMDVI_REG_STATUS, 0xffffffff, 4);  /* run bits RO */
    ck_assert_uint_eq(regfile_read(rf, AMDVI_REG_STATUS, 4), 0x18);
}
END_TEST

START_TEST(test_amdvi_regs_reserved_bits_read_zero)
{
    regfile_write(rf, AMDVI_REG_CONTROL, ~0ULL, 8);
    ck_assert_uint_eq(regfile_read(rf, AMDVI_REG_CONTROL, 8),
                      ~((1ULL << 49) | (1ULL << 57)));
    regfile_write(rf, AMDVI_REG_DEVTAB_BASE, ~0ULL, 8);
    ck_assert_uint_eq(regfile_read(rf, AMDVI_REG_DEVTAB_BASE, 8),
                      0x000ffffffffff1ffULL);
    /* the tail is written with 32-bit stores; only 18:4 sticks */
    regfile_write(rf, AMDVI_REG_CMD_BUF_TAIL, 0xffffffff, 4);
    ck_assert_uint_eq(regfile_read(rf, AMDVI_REG_CMD_BUF_TAIL, 8), 0x7fff0);
    regfile_write(rf, AMDVI_REG_EXCL_LIMIT, ~0ULL, 8);
    ck_assert_uint_eq(regfile_read(rf, AMDVI_REG_EXCL_LIMIT, 8),
                      0x000ffffffffff000ULL);
}
END_TEST

START_TEST(test_amdvi_pcicap_qemu_header_and_base)
{
    RegFile *cap = regfile_new(&amdvi_pcicap_regfile_spec, 0x18);

    regfile_set_reset(cap, AMDVI_PCICAP_RI_CAP_HDR, QEMU_CAP_HDR);
    regfile_reset(cap);
    ck_assert_uint_eq(amdvi_cap_hdr_get_cap_id(QEMU_CAP_HDR), 0xf);
    ck_assert_uint_eq(amdvi_cap_hdr_get_cap_type(QEMU_CAP_HDR), 3);
    ck_assert_uint_eq(amdvi_cap_hdr_get_iotlb_sup(QEMU_CAP_HDR), 1);
    ck_assert_uint_eq(amdvi_cap_hdr_get_efr_sup(QEMU_CAP_HDR), 1);
    ck_assert_uint_eq(amdvi_cap_hdr_get_cap_ext(QEMU_CAP_HDR), 1);
    regfile_write(cap, AMDVI_REG_CAP_HDR, 0, 4);
    ck_assert_uint_eq(regfile_read(cap, AMDVI_REG_CAP_HDR, 4), QEMU_CAP_HDR);
    regfile_write(cap, AMDVI_REG_BASE_LO, 0xfed83fff, 4);
    ck_assert_uint_eq(regfile_read(cap, AMDVI_REG_BASE_LO, 4), 0xfed80001);
    ck_assert_uint_eq(amdvi_range_get_last_device(0xff000000), 0xff);
    regfile_free(cap);
}
END_TEST

static Suite *amdvi_spec_suite(void)
{
    Suite *s = suite_create("amdvi-spec");
    TCase *tc = tcase_create("headers");
    TCase *tr = tcase_create("regfile");

    tcase_add_test(tc, test_amdvi_spec_efr_decodes_qemu_default);
    tcase_add_test(tc, test_amdvi_spec_register_offsets_and_bits);
    tcase_add_test(tc, test_amdvi_entries_dte_linux_encoding);
    tcase_add_test(tc, test_amdvi_entries_pte_large_page_encoding);
    tcase_add_test(tc, test_amdvi_commands_linux_builders);
    tcase_add_test(tc, test_amdvi_events_qemu_io_page_fault);
    tcase_add_test(tc, test_amdvi_ivrs_layout_offsets);
    tcase_add_test(tc, test_amdvi_pcicap_qemu_header_and_base);
    tcase_add_checked_fixture(tr, setup, teardown);
    tcase_add_test(tr, test_amdvi_regs_reset_and_efr_read_only);
    tcase_add_test(tr, test_amdvi_regs_status_w1c_and_run_bits);
    tcase_add_test(tr, test_amdvi_regs_reserved_bits_read_zero);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, tr);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(amdvi_spec_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
