/*
 * Unit tests: the DMAR parser — round trips through the builder, the
 * structural errors it reports, §8.2 skipping of unknown types, and
 * random corruption never crashing it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/acpi.h"
#include "dmar-fixture.h"

static GByteArray *build_fixture(DmarFixture *f)
{
    GError *err = NULL;
    GByteArray *b;

    dmar_fixture_init(f);
    b = acpi_build_dmar(&f->cfg, &err);
    ck_assert_msg(b != NULL, "%s", err ? err->message : "?");
    return b;
}

static void fix_checksum(GByteArray *b)
{
    acpi_patch_u32(b, 4, b->len);
    acpi_patch_u8(b, 9, 0);
    acpi_patch_u8(b, 9, acpi_checksum(b->data, b->len));
}

static void assert_scopes_eq(const AcpiDmarScope *a, size_t na,
                             const AcpiDmarScope *b, size_t nb)
{
    ck_assert_uint_eq(na, nb);
    for (size_t i = 0; i < na; i++) {
        ck_assert_int_eq(a[i].type, b[i].type);
        ck_assert_uint_eq(a[i].flags, b[i].flags);
        ck_assert_uint_eq(a[i].enumeration_id, b[i].enumeration_id);
        ck_assert_uint_eq(a[i].start_bus, b[i].start_bus);
        ck_assert_uint_eq(a[i].path_len, b[i].path_len);
        ck_assert(memcmp(a[i].path, b[i].path,
                         a[i].path_len * sizeof(a[i].path[0])) == 0);
    }
}

START_TEST(test_dmar_parse_round_trip_every_field)
{
    DmarFixture f;
    GByteArray *b = build_fixture(&f);
    GError *err = NULL;
    AcpiDmarParsed *p = acpi_dmar_parse(b->data, b->len, &err);
    const AcpiDmarConfig *c;

    ck_assert_msg(p != NULL, "%s", err ? err->message : "?");
    c = &p->cfg;
    ck_assert_str_eq(p->header.signature, "DMAR");
    ck_assert_uint_eq(p->header.length, b->len);
    ck_assert_uint_eq(p->n_skipped, 0);
    ck_assert_uint_eq(c->host_address_width, 46);
    ck_assert_uint_eq(c->flags, f.cfg.flags);
    ck_assert_uint_eq(c->n_drhds, 2);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_uint_eq(c->drhds[i].flags, f.drhds[i].flags);
        ck_assert_uint_eq(c->drhds[i].size, f.drhds[i].size);
        ck_assert_uint_eq(c->drhds[i].base, f.drhds[i].base);
        assert_scopes_eq(c->drhds[i].scopes, c->drhds[i].n_scopes,
                         f.drhds[i].scopes, f.drhds[i].n_scopes);
    }
    ck_assert_uint_eq(c->n_rmrrs, 1);
    ck_assert_uint_eq(c->rmrrs[0].base, 0x7d000000);
    ck_assert_uint_eq(c->rmrrs[0].limit, 0x7d7fffff);
    assert_scopes_eq(c->rmrrs[0].scopes, c->rmrrs[0].n_scopes,
                     f.rmrr_scopes, 1);
    ck_assert_uint_eq(c->n_atsrs, 2);
    ck_assert_uint_eq(c->atsrs[1].flags, ACPI_DMAR_ATSR_FLAG_ALL_PORTS);
    ck_assert_uint_eq(c->atsrs[1].segment, 1);
    ck_assert_uint_eq(c->atsrs[1].n_scopes, 0);
    ck_assert_uint_eq(c->n_rhsas, 2);
    ck_assert_uint_eq(c->rhsas[1].proximity_domain, 1);
    ck_assert_uint_eq(c->n_andds, 1);
    ck_assert_str_eq(c->andds[0].object_name, "\\_SB.PCI0.I2C0");
    ck_assert_uint_eq(c->n_satcs, 1);
    ck_assert_uint_eq(c->satcs[0].flags, ACPI_DMAR_SATC_FLAG_ATC_REQUIRED);
    assert_scopes_eq(c->satcs[0].scopes, c->satcs[0].n_scopes,
                     f.satc_scopes, 2);
    ck_assert_uint_eq(c->n_sidps, 1);
    assert_scopes_eq(c->sidps[0].scopes, c->sidps[0].n_scopes,
                     f.sidp_scopes, 2);
    acpi_dmar_parsed_free(p);
    g_byte_array_unref(b);
}
END_TEST

/* parse(build(cfg)) rebuilt is the same bytes, header included. */
START_TEST(test_dmar_parse_rebuild_identical)
{
    DmarFixture f;
    GByteArray *b = build_fixture(&f);
    AcpiDmarParsed *p = acpi_dmar_parse(b->data, b->len, NULL);
    GByteArray *again;

    ck_assert_ptr_nonnull(p);
    again = acpi_build_dmar(&p->cfg, NULL);
    ck_assert_ptr_nonnull(again);
    ck_assert_uint_eq(again->len, b->len);
    ck_assert(memcmp(again->data, b->data, b->len) == 0);
    g_byte_array_unref(again);
    acpi_dmar_parsed_free(p);
    g_byte_array_unref(b);
}
END_TEST

/* §8.2: a structure of a later type is skipped by its Length. */
START_TEST(test_dmar_parse_skips_unknown_type)
{
    DmarFixture f;
    GByteArray *b = build_fixture(&f);
    AcpiDmarParsed *p;

    acpi_append_u16(b, 7);
    acpi_append_u16(b, 12);
    acpi_append_u64(b, UINT64_C(0x1122334455667788));
    fix_checksum(b);
    p = acpi_dmar_parse(b->data, b->len, NULL);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->n_skipped, 1);
    ck_assert_uint_eq(p->cfg.n_sidps, 1);
    acpi_dmar_parsed_free(p);
    g_byte_array_unref(b);
}
END_TEST

typedef struct ParseBad {
    const char *what;
    void (*mutate)(GByteArray *b);
    bool keep_checksum;     /* false: fix length and checksum afterwards */
    const char *expect;
} ParseBad;

static void pb_flip(GByteArray *b) { b->data[60] ^= 0x40; }
static void pb_truncate(GByteArray *b) { g_byte_array_set_size(b, b->len - 1); }
static void pb_signature(GByteArray *b) { memcpy(b->data, "IVRS", 4); }
static void pb_header_only(GByteArray *b) { g_byte_array_set_size(b, 40); }
static void pb_tail(GByteArray *b) { acpi_append_u16(b, 0); }
static void pb_struct_short(GByteArray *b)
{
    acpi_patch_u16(b, FX_DRHD0 + 2, 12);
}
static void pb_struct_past_end(GByteArray *b)
{
    acpi_patch_u16(b, FX_SIDP + 2, 200);
}
static void pb_scope_odd(GByteArray *b) { b->data[FX_DRHD0 + 17] = 9; }
static void pb_scope_past(GByteArray *b) { b->data[FX_DRHD0 + 33] = 16; }
static void pb_scope_zero(GByteArray *b) { b->data[FX_DRHD0 + 17] = 0; }
static void pb_order(GByteArray *b) { acpi_patch_u16(b, FX_RMRR, 4); }
static void pb_rhsa_len(GByteArray *b)
{
    /* RHSA with 28 bytes: shrink the following ANDD's share to keep sizes */
    acpi_patch_u16(b, FX_RHSA1 + 2, 24);
}

static const ParseBad parse_bad[] = {
    { "flipped bit", pb_flip, true, "checksum" },
    { "truncated", pb_truncate, true, "header length" },
    { "wrong signature", pb_signature, false, "not DMAR" },
    { "header only", pb_header_only, false, "at least 48" },
    { "trailing bytes", pb_tail, false, "trailing bytes" },
    { "DRHD length 12", pb_struct_short, false, "DRHD length 12" },
    { "SIDP past end", pb_struct_past_end, false, "SIDP length 200" },
    { "odd scope length", pb_scope_odd, false, "device scope length 9" },
    { "scope past its structure", pb_scope_past, false,
      "device scope length 16" },
    { "zero scope length", pb_scope_zero, false, "device scope length 0" },
    { "types out of order", pb_order, false, "numerical order" },
    { "RHSA not 20 bytes", pb_rhsa_len, false, "RHSA length 24" },
};

START_TEST(test_dmar_parse_rejects_malformed)
{
    const ParseBad *c = &parse_bad[_i];
    DmarFixture f;
    GByteArray *b = build_fixture(&f);
    GError *err = NULL;

    c->mutate(b);
    if (!c->keep_checksum && b->len >= ACPI_TABLE_HEADER_LEN) {
        fix_checksum(b);
    }
    ck_assert_msg(acpi_dmar_parse(b->data, b->len, &err) == NULL,
                  "%s: parsed anyway", c->what);
    ck_assert_int_eq(err->code, ACPI_ERROR_MALFORMED);
    ck_assert_msg(strstr(err->message, c->expect) != NULL,
                  "%s: \"%s\" lacks \"%s\"", c->what, err->message, c->expect);
    g_error_free(err);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_dmar_parse_rejects_short_and_null)
{
    static const uint8_t few[10] = { 'D', 'M', 'A', 'R' };

    ck_assert_ptr_null(acpi_dmar_parse(few, sizeof(few), NULL));
    ck_assert_ptr_null(acpi_dmar_parse(NULL, 0, NULL));
    acpi_dmar_parsed_free(NULL);
}
END_TEST

/*
 * Random corruption with the checksum repaired, so the structure walker
 * sees it: every result is either an error or a table whose counts are
 * consistent with its bytes.  Run under valgrind/ASan to catch overreads.
 */
START_TEST(test_dmar_parse_random_corruption_never_crashes)
{
    GRand *rng = g_rand_new_with_seed(0x5eed);
    DmarFixture f;
    GByteArray *orig = build_fixture(&f);
    unsigned parsed = 0;

    for (int iter = 0; iter < 20000; iter++) {
        GByteArray *b = g_byte_array_sized_new(orig->len);
        int flips = g_rand_int_range(rng, 1, 4);
        AcpiDmarParsed *p;

        g_byte_array_append(b, orig->data, orig->len);
        for (int k = 0; k < flips; k++) {
            guint32 off = g_rand_int_range(rng, 48, (gint32)b->len);
            b->data[off] = (uint8_t)g_rand_int_range(rng, 0, 256);
        }
        if (g_rand_boolean(rng)) {
            g_byte_array_set_size(b, g_rand_int_range(rng, 48, b->len + 1));
        }
        fix_checksum(b);
        p = acpi_dmar_parse(b->data, b->len, NULL);
        if (p) {
            parsed++;
            ck_assert_uint_le(p->cfg.n_drhds, b->len / 16);
            acpi_dmar_parsed_free(p);
        }
        g_byte_array_unref(b);
    }
    /* both outcomes happen, so the test exercises the walker */
    ck_assert_uint_gt(parsed, 0);
    ck_assert_uint_lt(parsed, 20000);
    g_byte_array_unref(orig);
    g_rand_free(rng);
}
END_TEST

static Suite *dmar_parse_suite(void)
{
    Suite *s = suite_create("dmar-parse");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, test_dmar_parse_round_trip_every_field);
    tcase_add_test(tc, test_dmar_parse_rebuild_identical);
    tcase_add_test(tc, test_dmar_parse_skips_unknown_type);
    tcase_add_loop_test(tc, test_dmar_parse_rejects_malformed, 0,
                        G_N_ELEMENTS(parse_bad));
    tcase_add_test(tc, test_dmar_parse_rejects_short_and_null);
    tcase_add_test(tc, test_dmar_parse_random_corruption_never_crashes);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dmar_parse_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
