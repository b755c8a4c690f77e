/*
 * Check tests for the IVRS builder and parser (hw/acpi/ivrs*.c, AMD
 * IOMMU spec 48882 §5.2): header and IVinfo, every byte of IVHD 10h and
 * 11h/40h headers, every device-entry kind, IVMD types, checksum, the
 * configurations refused and malformed tables rejected.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ivrs-fixture.h"

static GByteArray *build(const AcpiIvrsConfig *c)
{
    GError *err = NULL;
    GByteArray *b = acpi_build_ivrs(c, &err);

    ck_assert_msg(b != NULL, "%s", err ? err->message : "?");
    return b;
}

/* Offset of the first IVHD's device entries and of the second IVHD. */
#define IVHD0 48u

START_TEST(test_ivrs_header_ivinfo_checksum)
{
    GByteArray *b = build(&fix_config);

    ck_assert_mem_eq(b->data, "IVRS", 4);
    ck_assert_uint_eq(acpi_get_u32(b->data, 4), b->len);
    ck_assert_uint_eq(b->data[8], ACPI_IVRS_REVISION_MIXED);
    ck_assert(acpi_table_checksum_ok(b->data, b->len));
    ck_assert_mem_eq(b->data + 10, "BOCHS ", 6);
    ck_assert_uint_eq(acpi_get_u32(b->data, 36), FIX_IVINFO);
    ck_assert_uint_eq(acpi_get_u64(b->data, 40), 0);    /* reserved */
    g_byte_array_unref(b);
    b = build(&fix_config_10);
    ck_assert_uint_eq(b->data[8], ACPI_IVRS_REVISION_FIXED);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_ivrs_ivhd10_bytes)
{
    GByteArray *b = build(&fix_config_10);
    const uint8_t *h = b->data + IVHD0;
    /* 8 entries: 4 + (4+4) + 8 + (8+4) + 8 + (8+4) + 8 + 8 = 68 */
    unsigned len = 24 + 68;

    ck_assert_uint_eq(h[0], 0x10);
    ck_assert_uint_eq(h[1], 0xd0);
    ck_assert_uint_eq(acpi_get_u16(h, 2), len);
    ck_assert_uint_eq(acpi_get_u16(h, 4), FIX_IOMMU_DEVID);
    ck_assert_uint_eq(acpi_get_u16(h, 6), FIX_CAP_OFFSET);
    ck_assert_uint_eq(acpi_get_u64(h, 8), FIX_BASE);
    ck_assert_uint_eq(acpi_get_u16(h, 16), 0);
    ck_assert_uint_eq(acpi_get_u16(h, 18), 0);
    ck_assert_uint_eq(acpi_get_u32(h, 20), 0x80048f6eu);
    /* IVMDs follow right after. */
    ck_assert_uint_eq(b->data[IVHD0 + len], ACPI_IVRS_IVMD_ALL);
    ck_assert_uint_eq(b->len, IVHD0 + len + 3 * 32);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_ivrs_device_entry_bytes)
{
    GByteArray *b = build(&fix_config_10);
    const uint8_t *e = b->data + IVHD0 + 24;
    static const uint8_t want[] = {
        0x02, 0x08, 0x00, 0x00,                         /* select 00:01.0 */
        0x03, 0x10, 0x00, 0xc7, 0x04, 0xff, 0x00, 0x00, /* range 10-ff */
        0x42, 0x00, 0x01, 0x00, 0x00, 0xf8, 0x00, 0x00, /* alias select */
        0x43, 0x00, 0x02, 0x00, 0x00, 0xf0, 0x00, 0x00, /* alias range */
        0x04, 0xff, 0x02, 0x00,
        0x46, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x80, /* ext, ATS off */
        0x47, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, /* ext range */
        0x04, 0xff, 0x04, 0x00,
        0x48, 0x00, 0x00, 0xd7, 0x00, 0xa0, 0x00, 0x01, /* IOAPIC 0 */
        0x48, 0x00, 0x00, 0x00, 0x00, 0xa5, 0x00, 0x02, /* HPET 0 */
    };

    ck_assert_mem_eq(e, want, sizeof(want));
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_ivrs_ivhd11_40_bytes)
{
    GByteArray *b = build(&fix_config);
    size_t off = IVHD0 + acpi_get_u16(b->data, IVHD0 + 2);
    const uint8_t *h = b->data + off;

    ck_assert_uint_eq(h[0], 0x11);
    ck_assert_uint_eq(acpi_get_u16(h, 2), 40 + 68);
    ck_assert_uint_eq(acpi_get_u64(h, 8), FIX_BASE);
    ck_assert_uint_eq(acpi_get_u32(h, 20), 0);      /* attributes */
    ck_assert_uint_eq(acpi_get_u64(h, 24), FIX_EFR);
    ck_assert_uint_eq(acpi_get_u64(h, 32), 0);      /* EFR2 */
    ck_assert_uint_eq(h[40], 0x02);                 /* first entry */
    h += 40 + 68;
    ck_assert_uint_eq(h[0], 0x40);
    ck_assert_uint_eq(acpi_get_u64(h, 24), FIX_EFR);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_ivrs_ivmd_bytes)
{
    GByteArray *b = build(&fix_config_10);
    const uint8_t *m = b->data + b->len - 3 * 32;

    ck_assert_uint_eq(m[0], 0x20);
    ck_assert_uint_eq(m[1], 0x08);
    ck_assert_uint_eq(acpi_get_u16(m, 2), 32);
    ck_assert_uint_eq(acpi_get_u16(m, 4), 0);
    ck_assert_uint_eq(acpi_get_u64(m, 8), 0);
    ck_assert_uint_eq(acpi_get_u64(m, 16), 0x80000000ull);
    ck_assert_uint_eq(acpi_get_u64(m, 24), 0x100000);
    m += 32;
    ck_assert_uint_eq(m[0], 0x21);
    ck_assert_uint_eq(m[1], 0x07);
    ck_assert_uint_eq(acpi_get_u16(m, 4), 0x0010);
    m += 32;
    ck_assert_uint_eq(m[0], 0x22);
    ck_assert_uint_eq(acpi_get_u16(m, 4), 0x0200);
    ck_assert_uint_eq(acpi_get_u16(m, 6), 0x02ff);  /* aux: last device */
    ck_assert_uint_eq(acpi_get_u64(m, 16), 0x100000000ull);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_ivrs_parse_round_trip)
{
    GByteArray *b = build(&fix_config);
    GError *err = NULL;
    AcpiIvrsParsed *d = acpi_ivrs_parse(b->data, b->len, &err);

    ck_assert_msg(d != NULL, "%s", err ? err->message : "?");
    ck_assert_uint_eq(d->cfg.ivinfo, FIX_IVINFO);
    ck_assert_uint_eq(d->cfg.n_ivhds, 3);
    ck_assert_uint_eq(d->cfg.n_ivmds, 3);
    for (unsigned i = 0; i < 3; i++) {
        const AcpiIvrsIvhd *v = &d->cfg.ivhds[i];

        ck_assert_uint_eq(v->type, fix_ivhds[i].type);
        ck_assert_uint_eq(v->flags, fix_ivhds[i].flags);
        ck_assert_uint_eq(v->base, FIX_BASE);
        ck_assert_uint_eq(v->feature, fix_ivhds[i].feature);
        ck_assert_uint_eq(v->efr, fix_ivhds[i].efr);
        ck_assert_uint_eq(v->n_entries, G_N_ELEMENTS(fix_entries));
        ck_assert_mem_eq(v->entries, fix_entries, sizeof(fix_entries));
    }
    ck_assert_mem_eq(d->cfg.ivmds, fix_ivmds, sizeof(fix_ivmds));
    acpi_ivrs_parsed_free(d);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_ivrs_config_refused)
{
    AcpiIvrsDevEntry bad_range = { .kind = ACPI_IVRS_DEV_RANGE,
                                   .devid = 0x20, .devid_last = 0x10 };
    AcpiIvrsDevEntry bad_ext = { .kind = ACPI_IVRS_DEV_EXT_SELECT,
                                 .ext_setting = 1 };
    AcpiIvrsIvhd hd = fix_ivhds[0];
    AcpiIvrsIvmd md = fix_ivmds[0];
    AcpiIvrsConfig c = { .ivhds = &hd, .n_ivhds = 1 };
    GError *err = NULL;

    ck_assert(acpi_ivrs_config_check(&c, NULL));
    c.ivinfo = 1u << 2;                                 /* reserved */
    ck_assert_ptr_null(acpi_build_ivrs(&c, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "IVinfo"));
    g_clear_error(&err);
    c.ivinfo = 0;
    hd.type = 0x12;
    ck_assert(!acpi_ivrs_config_check(&c, NULL));
    hd.type = 0x10;
    hd.entries = &bad_range;
    hd.n_entries = 1;
    ck_assert(!acpi_ivrs_config_check(&c, NULL));
    hd.entries = &bad_ext;
    ck_assert(!acpi_ivrs_config_check(&c, NULL));
    hd.n_entries = 0;
    hd.iommu_info = 0x20;                               /* reserved */
    ck_assert(!acpi_ivrs_config_check(&c, NULL));
    hd.iommu_info = 0;
    c.ivmds = &md;
    c.n_ivmds = 1;
    md.start = 0x800;                                   /* not 4 KiB */
    ck_assert(!acpi_ivrs_config_check(&c, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "IVMD 0"));
    g_clear_error(&err);
    md.start = 0;
    md.length = 0;
    ck_assert(!acpi_ivrs_config_check(&c, NULL));
    md.length = 0x1000;
    md.flags = 0x10;
    ck_assert(!acpi_ivrs_config_check(&c, NULL));
    md.flags = 0;
    md.type = 0x23;
    ck_assert(!acpi_ivrs_config_check(&c, NULL));
}
END_TEST

START_TEST(test_ivrs_parse_rejects_malformed)
{
    GByteArray *b = build(&fix_config_10);
    GError *err = NULL;
    uint8_t *p = g_memdup2(b->data, b->len);
    size_t n = b->len;

    p[20] ^= 1;                                         /* checksum */
    ck_assert_ptr_null(acpi_ivrs_parse(p, n, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "checksum"));
    g_clear_error(&err);
    p[20] ^= 1;
    ck_assert_ptr_null(acpi_ivrs_parse(p, n - 1, NULL));    /* length */
    /* IVHD length past the table (checksum fixed up). */
    p[IVHD0 + 2] = 0xff;
    p[IVHD0 + 3] = 0x7f;
    p[9] = 0;
    p[9] = acpi_checksum(p, n);
    ck_assert_ptr_null(acpi_ivrs_parse(p, n, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "byte 48"));
    g_clear_error(&err);
    /* A range start whose end entry became a select. */
    memcpy(p, b->data, n);
    p[IVHD0 + 24 + 8] = 0x02;
    p[9] = 0;
    p[9] = acpi_checksum(p, n);
    ck_assert_ptr_null(acpi_ivrs_parse(p, n, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "range start"));
    g_clear_error(&err);
    ck_assert_ptr_null(acpi_ivrs_parse(p, 10, NULL));
    g_free(p);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_ivrs_parse_random_corruption_never_crashes)
{
    GByteArray *b = build(&fix_config);
    GRand *r = g_rand_new_with_seed(4);
    unsigned ok = 0;

    for (unsigned i = 0; i < 2000; i++) {
        uint8_t *p = g_memdup2(b->data, b->len);
        AcpiIvrsParsed *d;

        p[48 + g_rand_int_range(r, 0, (gint32)b->len - 48)] =
            (uint8_t)g_rand_int(r);
        p[9] = 0;
        p[9] = acpi_checksum(p, b->len);
        d = acpi_ivrs_parse(p, b->len, NULL);
        ok += d != NULL;
        acpi_ivrs_parsed_free(d);
        g_free(p);
    }
    ck_assert_uint_gt(ok, 0);
    g_rand_free(r);
    g_byte_array_unref(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ivrs");
    TCase *tc = tcase_create("ivrs");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_ivrs_header_ivinfo_checksum);
    tcase_add_test(tc, test_ivrs_ivhd10_bytes);
    tcase_add_test(tc, test_ivrs_device_entry_bytes);
    tcase_add_test(tc, test_ivrs_ivhd11_40_bytes);
    tcase_add_test(tc, test_ivrs_ivmd_bytes);
    tcase_add_test(tc, test_ivrs_parse_round_trip);
    tcase_add_test(tc, test_ivrs_config_refused);
    tcase_add_test(tc, test_ivrs_parse_rejects_malformed);
    tcase_add_test(tc, test_ivrs_parse_random_corruption_never_crashes);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
