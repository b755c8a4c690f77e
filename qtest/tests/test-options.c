/*
 * Unit tests of the command-line parser: QEMU's -m size rules, -machine
 * and -accel forms, the monitor options (-qmp, -chardev, -mon, -S),
 * error messages naming the option.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "qtest/options.h"

static bool parse_va(HarnessOptions *o, GError **err, const char *first,
                     va_list ap)
{
    GPtrArray *v = g_ptr_array_new();
    bool ok;

    g_ptr_array_add(v, (char *)"iommu-sim");
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        g_ptr_array_add(v, (char *)a);
    }
    harness_options_init(o);
    ok = harness_options_parse(o, v->len, (char **)v->pdata, err);
    g_ptr_array_free(v, TRUE);
    return ok;
}

static bool parse(HarnessOptions *o, GError **err, const char *first, ...)
{
    va_list ap;
    bool ok;

    va_start(ap, first);
    ok = parse_va(o, err, first, ap);
    va_end(ap);
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

/* argv parses; returns the QMP monitor's spec ("" for none). */
static char *qmp_of(const char *first, ...)
{
    HarnessOptions o;
    GError *err = NULL;
    va_list ap;
    char *spec;
    bool ok;

    va_start(ap, first);
    ok = parse_va(&o, &err, first, ap);
    va_end(ap);
    ck_assert_msg(ok, "parse failed: %s", err ? err->message : "?");
    spec = g_strdup(o.qmp ? o.qmp : "");
    harness_options_clear(&o);
    return spec;
}

#define ck_assert_qmp(want, ...) do {                                   \
        char *got_ = qmp_of(__VA_ARGS__, NULL);                         \
        ck_assert_str_eq(got_, want);                                   \
        g_free(got_);                                                   \
    } while (0)

/* argv fails with exactly want, in the parser's error domain. */
static void expect_exact_error(const char *want, const char *first, ...)
{
    HarnessOptions o;
    GError *err = NULL;
    va_list ap;
    bool ok;

    va_start(ap, first);
    ok = parse_va(&o, &err, first, ap);
    va_end(ap);
    ck_assert_msg(!ok, "parse accepted, want '%s'", want);
    ck_assert_ptr_nonnull(err);
    ck_assert_uint_eq(err->domain, g_quark_from_string("harness-options"));
    ck_assert_str_eq(err->message, want);
    g_error_free(err);
    harness_options_clear(&o);
}

START_TEST(test_options_qmp_legacy_forms)
{
    ck_assert_qmp("", "-qtest", "stdio");
    ck_assert_qmp("unix:/tmp/q.sock", "-qmp", "unix:/tmp/q.sock");
    ck_assert_qmp("unix:/tmp/q.sock,server=on,wait=off",
                  "-qmp", "unix:/tmp/q.sock,server=on,wait=off");
    ck_assert_qmp("tcp:localhost:4444", "--qmp", "tcp:localhost:4444");
    ck_assert_qmp("stdio", "-qtest", "unix:/tmp/t.sock", "-qmp", "stdio");
    /* The spec is chardev.c's to check when it opens it. */
    ck_assert_qmp("pipe:x", "-qmp", "pipe:x");
}
END_TEST

START_TEST(test_options_qmp_chardev_socket_unix)
{
    ck_assert_qmp("unix:/tmp/q.sock",
                  "-chardev", "socket,id=c,path=/tmp/q.sock",
                  "-mon", "chardev=c,mode=control");
    ck_assert_qmp("unix:/tmp/q.sock,server=on,wait=off",
                  "-chardev", "socket,id=c,path=/tmp/q.sock,server=on,wait=off",
                  "-mon", "chardev=c,mode=control,pretty=off");
    /* Resolved once argv is read: -mon may come first. */
    ck_assert_qmp("unix:/tmp/q.sock,server=on,nowait",
                  "--mon", "mode=control,chardev=m",
                  "--chardev", "socket,path=/tmp/q.sock,id=m,server=on,nowait");
}
END_TEST

START_TEST(test_options_qmp_chardev_socket_tcp_and_stdio)
{
    ck_assert_qmp("tcp:127.0.0.1:4444,server=on,wait=off",
                  "-chardev", "socket,id=c,host=127.0.0.1,port=4444,"
                  "server=on,wait=off,telnet=off",
                  "-mon", "chardev=c,mode=control");
    ck_assert_qmp("tcp::4444", "-chardev", "socket,id=c,port=4444",
                  "-mon", "chardev=c,mode=control");
    ck_assert_qmp("stdio", "-qtest", "unix:/tmp/t.sock",
                  "-chardev", "stdio,id=s", "-mon", "chardev=s,mode=control");
}
END_TEST

START_TEST(test_options_mon_readline_ignored)
{
    ck_assert_qmp("", "-chardev", "socket,id=c,path=/tmp/h.sock",
                  "-mon", "chardev=c,mode=readline");
    /* readline is the default mode, and any backend will do for it. */
    ck_assert_qmp("", "-chardev", "null,id=n", "-mon", "chardev=n");
    ck_assert_qmp("", "-chardev", "vc,id=v", "-mon", "chardev=v,mode=readline");
    /* A human monitor beside the QMP one is not a second QMP monitor. */
    ck_assert_qmp("unix:/tmp/q.sock", "-qmp", "unix:/tmp/q.sock",
                  "-chardev", "stdio,id=s", "-mon", "chardev=s");
}
END_TEST

START_TEST(test_options_chardev_unused_ignored)
{
    HarnessOptions o;
    GError *err = NULL;

    ck_assert(parse(&o, &err, "-chardev", "null,id=n", "-chardev",
                    "file,id=f,path=/tmp/log", "-chardev", "pty,id=p",
                    "-chardev", "socket,id=s,path=/tmp/s.sock",
                    "-chardev", "stdio,id=io", "-qtest", "stdio", NULL));
    ck_assert_ptr_null(err);
    ck_assert_ptr_null(o.qmp);
    ck_assert_uint_eq(o.chardevs->len, 5);
    ck_assert_str_eq(g_ptr_array_index(o.chardevs, 1),
                     "file,id=f,path=/tmp/log");
    ck_assert_uint_eq(o.mons->len, 0);
    harness_options_clear(&o);
}
END_TEST

START_TEST(test_options_start_paused)
{
    HarnessOptions o;
    GError *err = NULL;

    ck_assert(parse(&o, &err, "-qtest", "stdio", NULL));
    ck_assert(!o.start_paused);
    harness_options_clear(&o);
    ck_assert(parse(&o, &err, "-S", "-qmp", "unix:/tmp/q.sock", NULL));
    ck_assert(o.start_paused);
    harness_options_clear(&o);
    ck_assert(parse(&o, &err, "--S", NULL));
    ck_assert(o.start_paused);
    harness_options_clear(&o);
}
END_TEST

START_TEST(test_options_monitor_requires_an_argument)
{
    expect_exact_error("-qmp: requires an argument", "-qmp", NULL);
    expect_exact_error("-chardev: requires an argument", "-chardev", NULL);
    expect_exact_error("--mon: requires an argument", "--mon", NULL);
}
END_TEST

START_TEST(test_options_chardev_errors)
{
    expect_exact_error("-chardev socket,path=/tmp/x: Parameter 'id' is "
                       "missing", "-chardev", "socket,path=/tmp/x", NULL);
    /* Every -chardev is checked, used or not. */
    expect_exact_error("-chardev null: Parameter 'id' is missing",
                       "-chardev", "null,id=n", "-chardev", "null", NULL);
    expect_exact_error("-chardev : Parameter 'id' is missing",
                       "-chardev", "", NULL);
    expect_exact_error("-chardev socket,id=c: socket needs path= or "
                       "host=,port=", "-chardev", "socket,id=c", NULL);
    expect_exact_error("-chardev socket,id=c,host=h,server=on: socket needs "
                       "path= or host=,port=",
                       "-chardev", "socket,id=c,host=h,server=on", NULL);
    /* A bad -chardev is reported before the -mon that names it. */
    expect_exact_error("-chardev socket,id=c: socket needs path= or "
                       "host=,port=", "-mon", "chardev=c,mode=control",
                       "-chardev", "socket,id=c", NULL);
}
END_TEST

START_TEST(test_options_mon_errors)
{
    expect_exact_error("-mon mode=control: chardev=ID is missing",
                       "-mon", "mode=control", NULL);
    expect_exact_error("-mon chardev=,mode=control: chardev=ID is missing",
                       "-mon", "chardev=,mode=control", NULL);
    expect_exact_error("-mon chardev=nope,mode=control: chardev 'nope' not "
                       "found", "-chardev", "stdio,id=s",
                       "-mon", "chardev=nope,mode=control", NULL);
    expect_exact_error("-mon chardev=nope: chardev 'nope' not found",
                       "-mon", "chardev=nope", NULL);
    expect_exact_error("-mon chardev=n,mode=control: chardev backend 'null' "
                       "is not supported for a monitor (accepted: socket, "
                       "stdio)", "-chardev", "null,id=n",
                       "-mon", "chardev=n,mode=control", NULL);
    expect_exact_error("-mon chardev=s,mode=bogus: invalid mode 'bogus' "
                       "(accepted: control, readline)", "-chardev",
                       "stdio,id=s", "-mon", "chardev=s,mode=bogus", NULL);
    expect_exact_error("-mon chardev=s,pretty=on: 'pretty=on' not supported "
                       "(accepted: chardev=ID, mode=control|readline, "
                       "pretty=off)", "-chardev", "stdio,id=s",
                       "-mon", "chardev=s,pretty=on", NULL);
}
END_TEST

START_TEST(test_options_qmp_only_one_monitor)
{
    expect_exact_error("-qmp unix:/tmp/b: only one QMP monitor is supported",
                       "-qmp", "unix:/tmp/a", "-qmp", "unix:/tmp/b", NULL);
    expect_exact_error("-mon chardev=c,mode=control: only one QMP monitor is "
                       "supported", "-qmp", "unix:/tmp/a", "-chardev",
                       "socket,id=c,path=/tmp/b",
                       "-mon", "chardev=c,mode=control", NULL);
    expect_exact_error("-mon chardev=d,mode=control: only one QMP monitor is "
                       "supported", "-chardev", "socket,id=c,path=/tmp/a",
                       "-chardev", "socket,id=d,port=4444",
                       "-mon", "chardev=c,mode=control",
                       "-mon", "chardev=d,mode=control", NULL);
}
END_TEST

START_TEST(test_options_qmp_stdio_taken_by_qtest)
{
    expect_exact_error("-qmp stdio: stdio is already the qtest channel",
                       "-qtest", "stdio", "-qmp", "stdio", NULL);
    expect_exact_error("-qmp stdio: stdio is already the qtest channel",
                       "-qmp", "stdio", "-qtest", "stdio", NULL);
    expect_exact_error("-qmp stdio: stdio is already the qtest channel",
                       "-chardev", "stdio,id=s", "-mon",
                       "chardev=s,mode=control", "-qtest", "stdio", NULL);
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
    tcase_add_test(tc, test_options_qmp_legacy_forms);
    tcase_add_test(tc, test_options_qmp_chardev_socket_unix);
    tcase_add_test(tc, test_options_qmp_chardev_socket_tcp_and_stdio);
    tcase_add_test(tc, test_options_mon_readline_ignored);
    tcase_add_test(tc, test_options_chardev_unused_ignored);
    tcase_add_test(tc, test_options_start_paused);
    tcase_add_test(tc, test_options_monitor_requires_an_argument);
    tcase_add_test(tc, test_options_chardev_errors);
    tcase_add_test(tc, test_options_mon_errors);
    tcase_add_test(tc, test_options_qmp_only_one_monitor);
    tcase_add_test(tc, test_options_qmp_stdio_taken_by_qtest);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
