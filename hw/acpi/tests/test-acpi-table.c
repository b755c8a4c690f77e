/*
 * Unit tests: the generic ACPI byte builder, the SDT header layout and
 * the checksum (ACPI 6.5 §5.2.6).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/acpi.h"

static void assert_bytes(const GByteArray *b, size_t off, const uint8_t *exp,
                         size_t n)
{
    ck_assert_uint_ge(b->len, off + n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(b->data[off + i] == exp[i],
                      "byte %zu: 0x%02x, expected 0x%02x", off + i,
                      b->data[off + i], exp[i]);
    }
}

START_TEST(test_acpi_append_little_endian)
{
    static const uint8_t exp[] = {
        0xab, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12,
        0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0,
    };
    GByteArray *b = g_byte_array_new();

    acpi_append_u8(b, 0xab);
    acpi_append_u16(b, 0x1234);
    acpi_append_u32(b, 0x12345678);
    acpi_append_u64(b, UINT64_C(0x0123456789abcdef));
    acpi_append_zeros(b, 3);
    ck_assert_uint_eq(b->len, sizeof(exp));
    assert_bytes(b, 0, exp, sizeof(exp));
    ck_assert_uint_eq(acpi_get_u16(b->data, 1), 0x1234);
    ck_assert_uint_eq(acpi_get_u32(b->data, 3), 0x12345678);
    ck_assert_uint_eq(acpi_get_u64(b->data, 7), UINT64_C(0x0123456789abcdef));
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_acpi_fixed_str_pads_and_truncates)
{
    GByteArray *b = g_byte_array_new();

    acpi_append_fixed_str(b, "AB", 4);
    acpi_append_fixed_str(b, "TOOLONGID", 6);
    acpi_append_fixed_str(b, NULL, 2);
    ck_assert_uint_eq(b->len, 12);
    ck_assert(memcmp(b->data, "AB  TOOLON  ", 12) == 0);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_acpi_patch_overwrites_in_place)
{
    static const uint8_t exp[] = { 0x11, 0xcd, 0xab, 0x78, 0x56, 0x34, 0x12,
                                   0x00 };
    GByteArray *b = g_byte_array_new();

    acpi_append_zeros(b, 8);
    acpi_patch_u8(b, 0, 0x11);
    acpi_patch_u16(b, 1, 0xabcd);
    acpi_patch_u32(b, 3, 0x12345678);
    ck_assert_uint_eq(b->len, 8);
    assert_bytes(b, 0, exp, sizeof(exp));
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_acpi_checksum_known_values)
{
    static const uint8_t a[] = { 1, 2, 3 };
    static const uint8_t z[] = { 0x80, 0x80 };

    ck_assert_uint_eq(acpi_checksum(a, 3), 0xfa);
    ck_assert_uint_eq(acpi_checksum(z, 2), 0x00);
    ck_assert_uint_eq(acpi_checksum(a, 0), 0x00);
}
END_TEST

/* Every header byte at its §5.2.6 offset, with length and checksum set. */
START_TEST(test_acpi_table_header_layout)
{
    static const uint8_t exp[36] = {
        'T', 'E', 'S', 'T', 40, 0, 0, 0, 7, 0 /* checksum, below */,
        'O', 'E', 'M', 'I', 'D', ' ',
        'T', 'A', 'B', 'L', 'E', ' ', ' ', ' ',
        0x04, 0x03, 0x02, 0x01, 'C', 'R', 'E', 'A', 0x0d, 0x0c, 0x0b, 0x0a,
    };
    AcpiTableHeaderInfo h = { "TEST", 7, "OEMID", "TABLE", 0x01020304,
                              "CREA", 0x0a0b0c0d };
    GByteArray *b = g_byte_array_new();
    size_t start = acpi_table_begin(b, &h);
    uint8_t sum = 0;

    ck_assert_uint_eq(start, 0);
    ck_assert_uint_eq(b->len, ACPI_TABLE_HEADER_LEN);
    acpi_append_u32(b, 0xdeadbeef);
    acpi_table_end(b, start);
    ck_assert_uint_eq(b->len, 40);
    assert_bytes(b, 0, exp, 9);
    assert_bytes(b, 10, exp + 10, 26);
    for (size_t i = 0; i < b->len; i++) {
        sum = (uint8_t)(sum + b->data[i]);
    }
    ck_assert_uint_eq(sum, 0);
    ck_assert(acpi_table_checksum_ok(b->data, b->len));
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_acpi_table_header_defaults_are_qemu_q35)
{
    AcpiTableHeaderInfo h = { .signature = "DMAR", .revision = 1 };
    GByteArray *b = g_byte_array_new();

    acpi_table_end(b, acpi_table_begin(b, &h));
    ck_assert(memcmp(b->data + 10, "BOCHS BXPC    ", 14) == 0);
    ck_assert(memcmp(b->data + 28, "BXPC", 4) == 0);
    g_byte_array_unref(b);
}
END_TEST

/* A table built after other bytes: length and checksum cover it alone. */
START_TEST(test_acpi_table_begin_at_offset)
{
    AcpiTableHeaderInfo h = { .signature = "ABCD", .revision = 2 };
    GByteArray *b = g_byte_array_new();
    size_t start;

    acpi_append_u32(b, 0x55555555);
    start = acpi_table_begin(b, &h);
    ck_assert_uint_eq(start, 4);
    acpi_append_u16(b, 0x1234);
    acpi_table_end(b, start);
    ck_assert_uint_eq(acpi_get_u32(b->data, 0), 0x55555555);
    ck_assert_uint_eq(acpi_get_u32(b->data, start + 4), 38);
    ck_assert(acpi_table_checksum_ok(b->data + start, 38));
    ck_assert(!acpi_table_checksum_ok(b->data, b->len));
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_acpi_checksum_ok_rejects_bad_tables)
{
    AcpiTableHeaderInfo h = { .signature = "ABCD", .revision = 1 };
    GByteArray *b = g_byte_array_new();

    acpi_append_zeros(b, 0);
    acpi_table_begin(b, &h);
    acpi_append_u64(b, 42);
    acpi_table_end(b, 0);
    ck_assert(acpi_table_checksum_ok(b->data, b->len));
    /* one corrupted byte */
    b->data[40] ^= 0x01;
    ck_assert(!acpi_table_checksum_ok(b->data, b->len));
    b->data[40] ^= 0x01;
    /* buffer length differing from the header's */
    ck_assert(!acpi_table_checksum_ok(b->data, b->len - 1));
    /* shorter than a header, or nothing at all */
    ck_assert(!acpi_table_checksum_ok(b->data, 35));
    ck_assert(!acpi_table_checksum_ok(NULL, 0));
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_acpi_header_parse_fields)
{
    AcpiTableHeaderInfo h = { "TEST", 3, "OEM", "TBLID", 9, "ABCD", 10 };
    GByteArray *b = g_byte_array_new();
    AcpiTableHeader out;
    GError *err = NULL;

    acpi_table_begin(b, &h);
    acpi_append_u8(b, 0);
    acpi_table_end(b, 0);
    ck_assert(acpi_table_header_parse(b->data, b->len, &out, &err));
    ck_assert_str_eq(out.signature, "TEST");
    ck_assert_uint_eq(out.length, 37);
    ck_assert_uint_eq(out.revision, 3);
    ck_assert_uint_eq(out.checksum, b->data[9]);
    ck_assert_str_eq(out.oem_id, "OEM   ");
    ck_assert_str_eq(out.oem_table_id, "TBLID   ");
    ck_assert_uint_eq(out.oem_revision, 9);
    ck_assert_str_eq(out.creator_id, "ABCD");
    ck_assert_uint_eq(out.creator_revision, 10);
    /* short input and a header claiming less than itself */
    ck_assert(!acpi_table_header_parse(b->data, 20, &out, &err));
    ck_assert_int_eq(err->code, ACPI_ERROR_MALFORMED);
    g_clear_error(&err);
    acpi_patch_u32(b, 4, 12);
    ck_assert(!acpi_table_header_parse(b->data, b->len, &out, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "shorter"));
    g_clear_error(&err);
    g_byte_array_unref(b);
}
END_TEST

static Suite *acpi_table_suite(void)
{
    Suite *s = suite_create("acpi-table");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_acpi_append_little_endian);
    tcase_add_test(tc, test_acpi_fixed_str_pads_and_truncates);
    tcase_add_test(tc, test_acpi_patch_overwrites_in_place);
    tcase_add_test(tc, test_acpi_checksum_known_values);
    tcase_add_test(tc, test_acpi_table_header_layout);
    tcase_add_test(tc, test_acpi_table_header_defaults_are_qemu_q35);
    tcase_add_test(tc, test_acpi_table_begin_at_offset);
    tcase_add_test(tc, test_acpi_checksum_ok_rejects_bad_tables);
    tcase_add_test(tc, test_acpi_header_parse_fields);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(acpi_table_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
