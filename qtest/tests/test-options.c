/*
 * Unit tests of the command-line parser: QEMU's -m size rules, -machine
 * and -accel forms, error messages naming the option.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "qtest/options.h"

static bool parse(HarnessOptions *o, GError **err, const char *first, ...)
{
    GPtrArray *v = g_ptr_array_new();
    va_list ap;
    bool ok;

    g_ptr_array_add(v, (char *)"iommu-sim");
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        g_ptr_array_add(v, (char *)a);
    }
    va_end(ap);
    harness_options_init(o);
    ok = harness_options_parse(o, v->len, (char **)v->pdata, err);
    g_ptr_array_free(v, TRUE);
    return ok;
}

static uint64_t ram(const char *arg)
{
    uint64_t b = 0;
    GError *err = NULL;

    if (!harness_parse_ram_size(arg, &b, &err)) {
        g_error_free(err);
        return UINT64_MAX;
    }
    return b;
}

START_TEST(test_options_ram_size_suffixes)
{
    ck_assert_uint_eq(ram("512"), 512ull << 20);
    ck_assert_uint_eq(ram("512M"), 512ull << 20);
    ck_assert_uint_eq(ram("512m"), 512ull << 20);
    ck_assert_uint_eq(ram("1G"), 1ull << 30);
    ck_assert_uint_eq(ram("1.5G"), 3ull << 29);
    ck_assert_uint_eq(ram("2T"), 2ull << 40);
    ck_assert_uint_eq(ram("size=256M"), 256ull << 20);
    ck_assert_uint_eq(ram("256M,slots=2,maxmem=1G"), 256ull << 20);
    ck_assert_uint_eq(ram("100k"), 106496);     /* rounded up to 8 KiB */
    ck_assert_uint_eq(ram("8192B"), 8192);
    ck_assert_uint_eq(ram("0"), 0);
}
END_TEST

START_TEST(test_options_ram_size_rejects_garbage)
{
    ck_assert_uint_eq(ram("foo"), UINT64_MAX);
    ck_assert_uint_eq(ram("-1"), UINT64_MAX);
    ck_assert_uint_eq(ram(""), UINT64_MAX);
    ck_assert_uint_eq(ram("12X"), UINT64_MAX);
    ck_assert_uint_eq(ram("1MB"), UINT64_MAX);
    ck_assert_uint_eq(ram("99999999E"), UINT64_MAX);
    ck_assert_uint_eq(ram("256M,bogus=1"), UINT64_MAX);
}
END_TEST

START_TEST(test_options_machine_and_accel_forms)
{
    HarnessOptions o;
    GError *err = NULL;

    ck_assert(parse(&o, &err, "-machine", "q35,accel=qtest", NULL));
    ck_assert(o.accel_qtest);
    harness_options_clear(&o);
    ck_assert(parse(&o, &err, "--M", "q35", "-accel", "qtest", NULL));
    ck_assert(o.accel_qtest);
    harness_options_clear(&o);
    ck_assert(parse(&o, &err, "-accel", "tcg", "-accel", "qtest", NULL));
    ck_assert(!o.accel_qtest);  /* the first accelerator wins */
    harness_options_clear(&o);
    ck_assert(parse(&o, &err, "-machine", "pc-q35-7.2", NULL));
    ck_assert_str_eq(o.machine_type, "q35");
    ck_assert(!o.accel_qtest);
    harness_options_clear(&o);
}
END_TEST

START_TEST(test_options_devices_kept_in_order)
{
    HarnessOptions o;
    GError *err = NULL;

    ck_assert(parse(&o, &err, "-device", "intel-iommu", "--device",
                    "edu,addr=02.0", "-nodefaults", "-display", "none",
                    "-S", "-smp", "2", NULL));
    ck_assert_uint_eq(o.devices->len, 2);
    ck_assert_str_eq(g_ptr_array_index(o.devices, 0), "intel-iommu");
    ck_assert_str_eq(g_ptr_array_index(o.devices, 1), "edu,addr=02.0");
    harness_options_clear(&o);
    ck_assert(parse(&o, &err, "-device", "help", NULL));
    ck_assert(o.device_help);
    harness_options_clear(&o);
}
END_TEST

static void expect_error(const char *want, const char *a, const char *b)
{
    HarnessOptions o;
    GError *err = NULL;

    ck_assert(!parse(&o, &err, a, b, NULL));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->message, want), "'%s' lacks '%s'",
                  err->message, want);
    g_error_free(err);
    harness_options_clear(&o);
}

START_TEST(test_options_errors_name_the_option)
{
    expect_error("-foo: invalid option", "-foo", NULL);
    expect_error("-m: requires an argument", "-m", NULL);
    expect_error("-machine foo: unsupported machine type", "-machine", "foo");
    expect_error("-machine q35,bar=1: property 'bar'", "-machine",
                 "q35,bar=1");
    expect_error("-accel hax: invalid accelerator", "-accel", "hax");
    expect_error("-m foo: Parameter 'size'", "-m", "foo");
    expect_error("stray: invalid option", "stray", NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("harness-options");
    TCase *tc = tcase_create("options");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_options_ram_size_suffixes);
    tcase_add_test(tc, test_options_ram_size_rejects_garbage);
    tcase_add_test(tc, test_options_machine_and_accel_forms);
    tcase_add_test(tc, test_options_devices_kept_in_order);
    tcase_add_test(tc, test_options_errors_name_the_option);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
