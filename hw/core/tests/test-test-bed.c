/*
 * Check tests for the machine-less test bed the vendor models' tests share
 * (hw/core/tests/iommu-test-bed.h): what it maps where, the RAM word
 * helpers' byte order and the property-list splitting.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/tests/iommu-test-bed.h"

#define BED_RAM (1ull << 20)

START_TEST(test_test_bed_maps_ram_and_msi_window)
{
    IOMMUTestBed b;
    AddressSpace as;
    VirtualClock *clk;
    MsiSink *msi;
    MemTxAttrs at = memtxattrs_for_requester(0x10);
    uint64_t v = 0;

    iommu_test_bed_init(&b, BED_RAM, &as, &clk, &msi);
    ck_assert_uint_eq(address_space_st_le(&as, 0x1000, 4, 0xa1b2c3d4, at),
                      MEMTX_OK);
    ck_assert_uint_eq(iommu_test_ram_r32(b.ram, 0x1000), 0xa1b2c3d4);
    ck_assert_uint_eq(address_space_ld_le(&as, BED_RAM, 4, &v, at),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(msi_sink_count(msi), 0);
    ck_assert_uint_eq(address_space_st_le(&as, MSI_ADDR_BASE, 4, 0x41, at),
                      MEMTX_OK);
    ck_assert_uint_eq(msi_sink_count(msi), 1);
    iommu_test_bed_destroy(&b, &as, clk, msi);
}
END_TEST

START_TEST(test_test_bed_flat_space_is_ram_only)
{
    MemoryRegion mr;
    AddressSpace as;
    GuestRAM *ram = iommu_test_flat_init(&mr, &as, BED_RAM);
    MemTxAttrs at = memtxattrs_for_requester(1);
    uint64_t v = 0;

    iommu_test_ram_w64(ram, BED_RAM - 8, 0x0102030405060708ull);
    ck_assert_uint_eq(address_space_ld_le(&as, BED_RAM - 8, 8, &v, at),
                      MEMTX_OK);
    ck_assert_uint_eq(v, 0x0102030405060708ull);
    ck_assert_uint_ne(address_space_ld_le(&as, MSI_ADDR_BASE, 4, &v, at),
                      MEMTX_OK);
    iommu_test_flat_destroy(ram, &mr, &as);
}
END_TEST

START_TEST(test_test_bed_ram_words_little_endian)
{
    GuestRAM *ram = guest_ram_new(BED_RAM);
    uint8_t raw[8];

    iommu_test_ram_w64(ram, 0x100, 0x1122334455667788ull);
    guest_ram_read(ram, 0x100, raw, 8);
    ck_assert_uint_eq(raw[0], 0x88);
    ck_assert_uint_eq(raw[7], 0x11);
    ck_assert_uint_eq(iommu_test_ram_r64(ram, 0x100), 0x1122334455667788ull);
    ck_assert_uint_eq(iommu_test_ram_r32(ram, 0x104), 0x11223344);
    guest_ram_free(ram);
}
END_TEST

/* Records "name=value;" and refuses the name "bad". */
static bool bed_prop_set(void *props, const char *name, const char *value,
                         GError **errp)
{
    if (strcmp(name, "bad") == 0) {
        g_set_error(errp, g_quark_from_static_string("test-bed"), 1,
                    "refused %s", value);
        return false;
    }
    g_string_append_printf(props, "%s=%s;", name, value);
    return true;
}

START_TEST(test_test_bed_props_split_and_stop_at_refusal)
{
    GString *seen = g_string_new(NULL);
    GError *err = NULL;

    ck_assert(iommu_test_props_apply(seen, bed_prop_set, NULL, &err));
    ck_assert(iommu_test_props_apply(seen, bed_prop_set, "", &err));
    ck_assert_str_eq(seen->str, "");
    ck_assert(iommu_test_props_apply(seen, bed_prop_set, "a=1,b,c=x=y",
                                     &err));
    ck_assert_str_eq(seen->str, "a=1;b=;c=x=y;");
    g_string_truncate(seen, 0);
    ck_assert(!iommu_test_props_apply(seen, bed_prop_set, "a=1,bad=2,c=3",
                                      &err));
    ck_assert_str_eq(seen->str, "a=1;");
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err->message, "refused 2");
    g_error_free(err);
    g_string_free(seen, TRUE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("test-bed");
    TCase *tc = tcase_create("bed");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_test_bed_maps_ram_and_msi_window);
    tcase_add_test(tc, test_test_bed_flat_space_is_ram_only);
    tcase_add_test(tc, test_test_bed_ram_words_little_endian);
    tcase_add_test(tc, test_test_bed_props_split_and_stop_at_refusal);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
