/*
 * Unit tests for the shared property value parsers (hw/core/props.c):
 * qdev's QEMU-style syntax and the IOMMU models' looser one.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "iommu-sim/props.h"

#include <check.h>
#include <stdlib.h>

START_TEST(test_props_bool_qemu_words_exact)
{
    bool b = false;

    ck_assert(props_parse_bool("on", &b) && b);
    ck_assert(props_parse_bool("off", &b) && !b);
    ck_assert(props_parse_bool("yes", &b) && b);
    ck_assert(props_parse_bool("false", &b) && !b);
    b = true;
    ck_assert(!props_parse_bool("ON", &b));
    ck_assert(!props_parse_bool("1", &b));
    ck_assert(!props_parse_bool("", &b));
    ck_assert(!props_parse_bool(NULL, &b));
    ck_assert(b);   /* untouched on failure */
}
END_TEST

START_TEST(test_props_bool_loose_any_case_and_digits)
{
    bool b = false;

    ck_assert(props_parse_bool_loose("ON", &b) && b);
    ck_assert(props_parse_bool_loose("False", &b) && !b);
    ck_assert(props_parse_bool_loose("1", &b) && b);
    ck_assert(props_parse_bool_loose("0", &b) && !b);
    ck_assert(!props_parse_bool_loose("2", &b));
    ck_assert(!props_parse_bool_loose("onn", &b));
    ck_assert(!props_parse_bool_loose(NULL, &b));
}
END_TEST

START_TEST(test_props_uint_decimal_and_hex_bounded)
{
    uint64_t v = 0;

    ck_assert(props_parse_uint("42", 100, &v) && v == 42);
    ck_assert(props_parse_uint("0x1F", 100, &v) && v == 31);
    ck_assert(props_parse_uint("010", 100, &v) && v == 10);  /* no octal */
    ck_assert(props_parse_uint("18446744073709551615", UINT64_MAX, &v));
    ck_assert_uint_eq(v, UINT64_MAX);
    ck_assert(!props_parse_uint("101", 100, &v));
    ck_assert(!props_parse_uint("18446744073709551616", UINT64_MAX, &v));
    ck_assert(!props_parse_uint("-1", UINT64_MAX, &v));
    ck_assert(!props_parse_uint("+1", UINT64_MAX, &v));
    ck_assert(!props_parse_uint(" 1", UINT64_MAX, &v));
    ck_assert(!props_parse_uint("0x", UINT64_MAX, &v));
    ck_assert(!props_parse_uint("0x-1", UINT64_MAX, &v));
    ck_assert(!props_parse_uint("12ab", UINT64_MAX, &v));
    ck_assert(!props_parse_uint(NULL, UINT64_MAX, &v));
}
END_TEST

START_TEST(test_props_u64_any_c_base)
{
    uint64_t v = 0;

    ck_assert(props_parse_u64("0x10", &v) && v == 16);
    ck_assert(props_parse_u64("010", &v) && v == 8);
    ck_assert(props_parse_u64("77", &v) && v == 77);
    ck_assert(!props_parse_u64("-1", &v));
    ck_assert(!props_parse_u64("", &v));
    ck_assert(!props_parse_u64("9z", &v));
    ck_assert(!props_parse_u64("0x10000000000000000", &v));
    ck_assert(!props_parse_u64(NULL, &v));
}
END_TEST

START_TEST(test_props_size_suffixes)
{
    uint64_t v = 0;

    ck_assert(props_parse_size("4K", &v) && v == 4096);
    ck_assert(props_parse_size("2m", &v) && v == 2ull << 20);
    ck_assert(props_parse_size("1T", &v) && v == 1ull << 40);
    ck_assert(props_parse_size("512", &v) && v == 512);
    ck_assert(props_parse_size("0x1b", &v) && v == 0x1b);
    ck_assert(props_parse_size("0x2K", &v) && v == 2048);
    ck_assert(!props_parse_size("16777216T", &v));     /* overflows */
    ck_assert(!props_parse_size("K", &v));
    ck_assert(!props_parse_size("", &v));
    ck_assert(!props_parse_size(NULL, &v));
}
END_TEST

START_TEST(test_props_error_bad_value_wording)
{
    GError *err = NULL;

    ck_assert(!props_error_bad_value(&err, "intel-iommu", "aw-bits", "40",
                                     "39, 48 or 57"));
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err->message, "intel-iommu: property 'aw-bits': bad "
                     "value '40' (39, 48 or 57)");
    g_clear_error(&err);
    props_error_bad_value(&err, "amd-iommu", "x", NULL, "name=value");
    ck_assert_str_eq(err->message,
                     "amd-iommu: property 'x': bad value '' (name=value)");
    g_clear_error(&err);
    ck_assert(!props_error_bad_value(NULL, "d", "n", "v", "w"));
}
END_TEST

static Suite *props_suite(void)
{
    Suite *s = suite_create("props");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_props_bool_qemu_words_exact);
    tcase_add_test(tc, test_props_bool_loose_any_case_and_digits);
    tcase_add_test(tc, test_props_uint_decimal_and_hex_bounded);
    tcase_add_test(tc, test_props_u64_any_c_base);
    tcase_add_test(tc, test_props_size_suffixes);
    tcase_add_test(tc, test_props_error_bad_value_wording);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(props_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
