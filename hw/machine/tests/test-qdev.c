/*
 * The device model: every property type, bad values, unknown device /
 * property messages (QEMU 7.2's wording), help text, the class table.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <string.h>

#include "iommu-sim/machine.h"
#include "iommu-sim/pci.h"
#include "iommu-sim/qdev.h"

typedef struct TestDev {
    Device parent;
    bool flag;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    uint64_t size;
    char *str;
    int32_t devfn;
} TestDev;

static const Property test_props[] = {
    { "flag", PROP_BOOL, offsetof(TestDev, flag), "on", "a bool" },
    { "u8", PROP_UINT8, offsetof(TestDev, u8), "7", NULL },
    { "u16", PROP_UINT16, offsetof(TestDev, u16), NULL, NULL },
    { "u32", PROP_UINT32, offsetof(TestDev, u32), "0x10", NULL },
    { "u64", PROP_UINT64, offsetof(TestDev, u64), NULL, NULL },
    { "size", PROP_SIZE, offsetof(TestDev, size), "4K", NULL },
    { "str", PROP_STRING, offsetof(TestDev, str), "hello", NULL },
    { "addr", PROP_PCI_DEVFN, offsetof(TestDev, devfn), "-1", NULL },
    PROP_END
};

static const DeviceClass test_class = {
    .name = "tdev",
    .instance_size = sizeof(TestDev),
    .props = test_props,
};

static TestDev *tdev_new(void)
{
    return (TestDev *)qdev_new(&test_class);
}

/* Set and expect success. */
static void set_ok(TestDev *d, const char *name, const char *value)
{
    GError *err = NULL;
    bool ok = qdev_prop_set(&d->parent, name, value, &err);

    ck_assert_msg(ok, "%s=%s: %s", name, value, err ? err->message : "");
}

/* Set, expect failure with a message containing want. */
static void set_bad(TestDev *d, const char *name, const char *value,
                    const char *want)
{
    GError *err = NULL;

    ck_assert(!qdev_prop_set(&d->parent, name, value, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->message, want), "'%s' lacks '%s'",
                  err->message, want);
    g_error_free(err);
}

START_TEST(test_qdev_defaults_applied)
{
    TestDev *d = tdev_new();

    ck_assert(d->flag);
    ck_assert_uint_eq(d->u8, 7);
    ck_assert_uint_eq(d->u16, 0);
    ck_assert_uint_eq(d->u32, 0x10);
    ck_assert_uint_eq(d->size, 4096);
    ck_assert_str_eq(d->str, "hello");
    ck_assert_int_eq(d->devfn, -1);
    qdev_free(&d->parent);
}
END_TEST

START_TEST(test_qdev_bool_forms)
{
    static const char *const on[] = { "on", "true", "yes" };
    static const char *const off[] = { "off", "false", "no" };
    TestDev *d = tdev_new();

    for (int i = 0; i < 3; i++) {
        set_ok(d, "flag", off[i]);
        ck_assert(!d->flag);
        set_ok(d, "flag", on[i]);
        ck_assert(d->flag);
    }
    set_bad(d, "flag", "maybe", "Parameter 'flag' expects 'on' or 'off'");
    set_bad(d, "flag", "", "expects 'on' or 'off'");
    /* "flag" alone means flag=on, as QEMU's shorthand. */
    set_ok(d, "flag", "off");
    set_ok(d, "flag", NULL);
    ck_assert(d->flag);
    qdev_free(&d->parent);
}
END_TEST

START_TEST(test_qdev_uint_ranges)
{
    TestDev *d = tdev_new();

    set_ok(d, "u8", "255");
    ck_assert_uint_eq(d->u8, 255);
    set_ok(d, "u8", "0xff");
    set_bad(d, "u8", "256", "doesn't take value '256' (minimum: 0, "
            "maximum: 255)");
    set_ok(d, "u16", "0xFFFF");
    ck_assert_uint_eq(d->u16, 0xffff);
    set_bad(d, "u16", "65536", "maximum: 65535");
    set_ok(d, "u32", "4294967295");
    ck_assert_uint_eq(d->u32, 0xffffffffu);
    set_bad(d, "u32", "0x100000000", "maximum: 4294967295");
    set_ok(d, "u64", "0xffffffffffffffff");
    ck_assert_uint_eq(d->u64, UINT64_MAX);
    set_bad(d, "u64", "0x10000000000000000", "Parameter 'u64' expects "
            "uint64");
    set_bad(d, "u64", "xyz", "Parameter 'u64' expects uint64 (decimal or "
            "0x hex)");
    set_bad(d, "u64", "-1", "expects uint64");
    set_bad(d, "u64", "12abc", "expects uint64");
    set_bad(d, "u64", "0x", "expects uint64");
    set_bad(d, "u8", " 1", "expects uint8");
    qdev_free(&d->parent);
}
END_TEST

START_TEST(test_qdev_size_suffixes)
{
    TestDev *d = tdev_new();

    set_ok(d, "size", "512");
    ck_assert_uint_eq(d->size, 512);
    set_ok(d, "size", "2K");
    ck_assert_uint_eq(d->size, 2048);
    set_ok(d, "size", "3m");
    ck_assert_uint_eq(d->size, 3u << 20);
    set_ok(d, "size", "1G");
    ck_assert_uint_eq(d->size, 1u << 30);
    set_ok(d, "size", "2T");
    ck_assert_uint_eq(d->size, 2ull << 40);
    set_ok(d, "size", "0x1000");
    ck_assert_uint_eq(d->size, 0x1000);
    set_bad(d, "size", "1Q", "Parameter 'size' expects a size");
    set_bad(d, "size", "K", "expects a size");
    set_bad(d, "size", "16777216T", "expects a size");
    qdev_free(&d->parent);
}
END_TEST

START_TEST(test_qdev_string_and_devfn)
{
    TestDev *d = tdev_new();
    char *s;

    set_ok(d, "str", "world");
    ck_assert_str_eq(d->str, "world");
    set_ok(d, "addr", "02.0");
    ck_assert_int_eq(d->devfn, PCI_DEVFN(2, 0));
    set_ok(d, "addr", "1f.7");
    ck_assert_int_eq(d->devfn, PCI_DEVFN(0x1f, 7));
    set_ok(d, "addr", "3");
    ck_assert_int_eq(d->devfn, PCI_DEVFN(3, 0));
    set_ok(d, "addr", "0x4");
    ck_assert_int_eq(d->devfn, PCI_DEVFN(4, 0));
    s = qdev_prop_get(&d->parent, "addr");
    ck_assert_str_eq(s, "04.0");
    g_free(s);
    set_bad(d, "addr", "zz", "Property 'tdev.addr' doesn't take value "
            "'zz'");
    set_bad(d, "addr", "20.0", "doesn't take value '20.0'");
    set_bad(d, "addr", "02.8", "doesn't take value '02.8'");
    set_bad(d, "addr", "02.", "doesn't take value");
    set_bad(d, "addr", ".1", "doesn't take value");
    qdev_free(&d->parent);
}
END_TEST

START_TEST(test_qdev_unknown_property_message)
{
    TestDev *d = tdev_new();

    set_bad(d, "foo", "1", "Property 'tdev.foo' not found");
    qdev_free(&d->parent);
}
END_TEST

START_TEST(test_qdev_spec_unknown_device_message)
{
    GError *err = NULL;

    ck_assert_ptr_null(qdev_new_from_spec("foo", &err));
    ck_assert_str_eq(err->message, "'foo' is not a valid device model name");
    g_clear_error(&err);
    ck_assert_ptr_null(qdev_new_from_spec("", &err));
    ck_assert_str_eq(err->message, "'' is not a valid device model name");
    g_clear_error(&err);
    ck_assert_ptr_null(qdev_new_from_spec("edu,foo=1", &err));
    ck_assert_str_eq(err->message, "Property 'edu.foo' not found");
    g_clear_error(&err);
    ck_assert_ptr_null(qdev_new_from_spec("edu,dma_mask=xyz", &err));
    ck_assert_str_eq(err->message, "Parameter 'dma_mask' expects uint64 "
                     "(decimal or 0x hex)");
    g_clear_error(&err);
}
END_TEST

START_TEST(test_qdev_spec_sets_props_last_wins)
{
    GError *err = NULL;
    Device *dev = qdev_new_from_spec("edu,addr=02.0,dma_mask=0xffff,"
                                     "addr=03.0", &err);
    char *v;

    ck_assert_ptr_nonnull(dev);
    ck_assert_int_eq(PCI_DEVICE(dev)->devfn, PCI_DEVFN(3, 0));
    v = qdev_prop_get(dev, "dma_mask");
    ck_assert_str_eq(v, "0xffff");
    g_free(v);
    v = qdev_prop_get(dev, "multifunction");
    ck_assert_str_eq(v, "off");
    g_free(v);
    qdev_free(dev);
}
END_TEST

START_TEST(test_qdev_help_text)
{
    GError *err = NULL;
    char *t;

    ck_assert(qdev_spec_is_help("help"));
    ck_assert(qdev_spec_is_help("edu,help"));
    ck_assert(qdev_spec_is_help("?"));
    ck_assert(!qdev_spec_is_help("edu,addr=2"));
    t = qdev_help_text("help", NULL);
    ck_assert_ptr_nonnull(strstr(t, "name \"edu\", bus PCI"));
    g_free(t);
    t = qdev_help_text("edu,help", NULL);
    ck_assert_ptr_nonnull(strstr(t, "edu options:"));
    ck_assert_ptr_nonnull(strstr(t, "dma_mask=<uint64>"));
    /* As QEMU 7.2: "addr=<int32>", and one default. */
    ck_assert_ptr_nonnull(strstr(t, "addr=<int32>"));
    ck_assert_ptr_nonnull(strstr(t, "(default: -1)\n"));
    ck_assert_ptr_null(strstr(t, "first free"));
    g_free(t);
    ck_assert_ptr_null(qdev_help_text("nope,help", &err));
    ck_assert_str_eq(err->message, "'nope' is not a valid device model "
                     "name");
    g_error_free(err);
}
END_TEST

START_TEST(test_qdev_class_table_matches_device_names)
{
    const DeviceClass *const *c = qdev_classes();
    const char *const *names = machine_device_names();
    int i = 0;

    for (; c[i]; i++) {
        ck_assert_ptr_nonnull(names[i]);
        ck_assert_str_eq(c[i]->name, names[i]);
        ck_assert_ptr_eq(qdev_class_find(names[i]), c[i]);
        /* Every default parses (qdev_new asserts it). */
        qdev_free(qdev_new(c[i]));
    }
    ck_assert_ptr_null(names[i]);
    ck_assert_int_ge(i, 1);
    ck_assert_ptr_null(qdev_class_find("nope"));
}
END_TEST

static Suite *qdev_suite(void)
{
    Suite *s = suite_create("qdev");
    TCase *tc = tcase_create("props");

    tcase_add_test(tc, test_qdev_defaults_applied);
    tcase_add_test(tc, test_qdev_bool_forms);
    tcase_add_test(tc, test_qdev_uint_ranges);
    tcase_add_test(tc, test_qdev_size_suffixes);
    tcase_add_test(tc, test_qdev_string_and_devfn);
    tcase_add_test(tc, test_qdev_unknown_property_message);
    tcase_add_test(tc, test_qdev_spec_unknown_device_message);
    tcase_add_test(tc, test_qdev_spec_sets_props_last_wins);
    tcase_add_test(tc, test_qdev_help_text);
    tcase_add_test(tc, test_qdev_class_table_matches_device_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(qdev_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
