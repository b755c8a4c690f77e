/*
 * Unit tests: the DMAR builder (VT-d 5.10 chapter 8) — every structure's
 * bytes at their spec offsets, lengths, checksum, type order, and every
 * configuration the spec forbids refused with its section.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/acpi.h"
#include "dmar-fixture.h"

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

static GByteArray *build_ok(const AcpiDmarConfig *cfg)
{
    GError *err = NULL;
    GByteArray *b = acpi_build_dmar(cfg, &err);

    ck_assert_msg(b != NULL, "build failed: %s", err ? err->message : "?");
    ck_assert(acpi_table_checksum_ok(b->data, b->len));
    return b;
}

/* The q35 table the VT-d model reports, every byte from §8.1/§8.3/§8.3.1. */
START_TEST(test_dmar_q35_every_byte)
{
    static const AcpiDmarScope ioapic = {
        .type = ACPI_DMAR_SCOPE_IOAPIC, .start_bus = 0xff, .path_len = 1,
    };
    static const AcpiDmarDrhd drhd = {
        .flags = ACPI_DMAR_DRHD_FLAG_INCLUDE_PCI_ALL, .base = 0xfed90000,
        .scopes = &ioapic, .n_scopes = 1,
    };
    static const AcpiDmarConfig cfg = {
        .host_address_width = 39, .flags = ACPI_DMAR_FLAG_INTR_REMAP,
        .drhds = &drhd, .n_drhds = 1,
    };
    static const uint8_t exp[72] = {
        'D', 'M', 'A', 'R', 72, 0, 0, 0, 1, 0 /* checksum */,
        'B', 'O', 'C', 'H', 'S', ' ', 'B', 'X', 'P', 'C', ' ', ' ', ' ', ' ',
        1, 0, 0, 0, 'B', 'X', 'P', 'C', 1, 0, 0, 0,
        38, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* HAW-1, flags */
        0, 0, 24, 0, 0x01, 0, 0, 0,                       /* DRHD */
        0x00, 0x00, 0xd9, 0xfe, 0, 0, 0, 0,
        3, 8, 0, 0, 0, 0xff, 0, 0,                        /* IOAPIC scope */
    };
    GByteArray *b = build_ok(&cfg);

    ck_assert_uint_eq(b->len, sizeof(exp));
    assert_bytes(b, 0, exp, 9);
    assert_bytes(b, 10, exp + 10, sizeof(exp) - 10);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_dmar_header_haw_flags_reserved)
{
    DmarFixture f;
    GByteArray *b;

    dmar_fixture_init(&f);
    f.cfg.flags = ACPI_DMAR_FLAG_INTR_REMAP |
                  ACPI_DMAR_FLAG_DMA_CTRL_PLATFORM_OPT_IN;
    b = build_ok(&f.cfg);
    ck_assert(memcmp(b->data, "DMAR", 4) == 0);
    ck_assert_uint_eq(acpi_get_u32(b->data, 4), b->len);
    ck_assert_uint_eq(b->len, FX_END);
    ck_assert_uint_eq(b->data[8], ACPI_DMAR_REVISION);
    ck_assert_uint_eq(b->data[36], 45);
    ck_assert_uint_eq(b->data[37], 0x05);
    for (size_t i = 38; i < 48; i++) {
        ck_assert_uint_eq(b->data[i], 0);
    }
    g_byte_array_unref(b);
}
END_TEST

/* §8.2: types in numerical order, each Length adding up to the table's. */
START_TEST(test_dmar_structures_in_type_order)
{
    static const unsigned exp_types[] = { 0, 0, 1, 2, 2, 3, 3, 4, 5, 6 };
    static const size_t exp_offs[] = { FX_DRHD0, FX_DRHD1, FX_RMRR, FX_ATSR0,
                                       FX_ATSR1, FX_RHSA0, FX_RHSA1, FX_ANDD,
                                       FX_SATC, FX_SIDP };
    DmarFixture f;
    GByteArray *b;
    size_t off = 48;

    dmar_fixture_init(&f);
    b = build_ok(&f.cfg);
    for (size_t i = 0; i < G_N_ELEMENTS(exp_types); i++) {
        ck_assert_uint_eq(off, exp_offs[i]);
        ck_assert_uint_eq(acpi_get_u16(b->data, off), exp_types[i]);
        off += acpi_get_u16(b->data, off + 2);
    }
    ck_assert_uint_eq(off, b->len);
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_dmar_drhd_fields_and_scopes)
{
    static const uint8_t drhd0[] = {
        0, 0, 42, 0, 0x00, 0x01, 0, 0,                    /* size 1: 8 KiB */
        0x00, 0x20, 0xd9, 0xfe, 0, 0, 0, 0,
        1, 8, 0, 0, 0, 0, 3, 0,                           /* endpoint 00:03.0 */
        2, 8, 0, 0, 0, 0, 0x1c, 0,                        /* bridge 00:1c.0 */
        1, 10, 0, 0, 0, 0, 0x1c, 4, 0, 1,                 /* 00:1c.4 -> 00.1 */
    };
    static const uint8_t drhd1[] = {
        0, 0, 40, 0, 0x01, 0x00, 0, 0,                    /* INCLUDE_PCI_ALL */
        0x00, 0x00, 0xd9, 0xfe, 0, 0, 0, 0,
        3, 8, 0, 0, 2, 0, 0x1f, 7,                        /* IOAPIC id 2 */
        4, 8, 0, 0, 0, 0, 0x1f, 6,                        /* HPET 0 */
        5, 8, 0, 0, 1, 0, 0x15, 0,                        /* ANDD device 1 */
    };
    DmarFixture f;
    GByteArray *b;

    dmar_fixture_init(&f);
    b = build_ok(&f.cfg);
    assert_bytes(b, FX_DRHD0, drhd0, sizeof(drhd0));
    assert_bytes(b, FX_DRHD1, drhd1, sizeof(drhd1));
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_dmar_drhd_segment_and_high_base)
{
    static const AcpiDmarDrhd drhd = {
        .flags = ACPI_DMAR_DRHD_FLAG_INCLUDE_PCI_ALL, .size = 3,
        .segment = 0x1234, .base = UINT64_C(0x123456788000),
    };
    static const AcpiDmarConfig cfg = {
        .host_address_width = 52, .drhds = &drhd, .n_drhds = 1,
    };
    GByteArray *b = build_ok(&cfg);

    ck_assert_uint_eq(b->len, 64);
    ck_assert_uint_eq(acpi_get_u16(b->data, 50), 16);
    ck_assert_uint_eq(b->data[53], 3);
    ck_assert_uint_eq(acpi_get_u16(b->data, 54), 0x1234);
    ck_assert_uint_eq(acpi_get_u64(b->data, 56), UINT64_C(0x123456788000));
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_dmar_rmrr_fields)
{
    static const uint8_t exp[] = {
        1, 0, 32, 0, 0, 0, 0, 0,
        0x00, 0x00, 0x00, 0x7d, 0, 0, 0, 0,               /* base */
        0xff, 0xff, 0x7f, 0x7d, 0, 0, 0, 0,               /* limit */
        1, 8, 0, 0, 0, 0, 0x1d, 0,
    };
    DmarFixture f;
    GByteArray *b;

    dmar_fixture_init(&f);
    b = build_ok(&f.cfg);
    assert_bytes(b, FX_RMRR, exp, sizeof(exp));
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_dmar_atsr_all_ports_and_root_ports)
{
    static const uint8_t atsr0[] = { 2, 0, 16, 0, 0, 0, 0, 0,
                                     2, 8, 0, 0, 0, 0, 0x1c, 0 };
    static const uint8_t atsr1[] = { 2, 0, 8, 0, 0x01, 0, 1, 0 };
    DmarFixture f;
    GByteArray *b;

    dmar_fixture_init(&f);
    b = build_ok(&f.cfg);
    assert_bytes(b, FX_ATSR0, atsr0, sizeof(atsr0));
    assert_bytes(b, FX_ATSR1, atsr1, sizeof(atsr1));
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_dmar_rhsa_and_andd_fields)
{
    static const uint8_t rhsa1[] = { 3, 0, 20, 0, 0, 0, 0, 0,
                                     0x00, 0x00, 0xd9, 0xfe, 0, 0, 0, 0,
                                     1, 0, 0, 0 };
    static const uint8_t andd_head[] = { 4, 0, 23, 0, 0, 0, 0, 1 };
    DmarFixture f;
    GByteArray *b;

    dmar_fixture_init(&f);
    b = build_ok(&f.cfg);
    assert_bytes(b, FX_RHSA1, rhsa1, sizeof(rhsa1));
    assert_bytes(b, FX_ANDD, andd_head, sizeof(andd_head));
    /* the name with its NUL, nothing after it inside the structure */
    ck_assert(memcmp(b->data + FX_ANDD + 8, "\\_SB.PCI0.I2C0", 15) == 0);
    g_byte_array_unref(b);
}
END_TEST

/* SATC (§8.8) and SIDP (§8.9): Debian's iasl predates both, so here only. */
START_TEST(test_dmar_satc_and_sidp_fields)
{
    static const uint8_t satc[] = { 5, 0, 24, 0, 0x01, 0, 0, 0,
                                    1, 8, 0, 0, 0, 0, 5, 0,
                                    1, 8, 0, 0, 0, 0, 6, 0 };
    static const uint8_t sidp[] = { 6, 0, 24, 0, 0, 0, 0, 0,
                                    1, 8, 0x18, 0, 0, 0, 5, 0,
                                    5, 8, 0x02, 0, 1, 0, 0x15, 0 };
    DmarFixture f;
    GByteArray *b;

    dmar_fixture_init(&f);
    b = build_ok(&f.cfg);
    assert_bytes(b, FX_SATC, satc, sizeof(satc));
    assert_bytes(b, FX_SIDP, sidp, sizeof(sidp));
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_dmar_scope_deepest_path)
{
    DmarFixture f;
    GByteArray *b;
    AcpiDmarScope *s;

    dmar_fixture_init(&f);
    s = &f.unit0_scopes[2];
    s->path_len = ACPI_DMAR_SCOPE_MAX_PATH;
    for (unsigned k = 0; k < ACPI_DMAR_SCOPE_MAX_PATH; k++) {
        s->path[k].device = (uint8_t)(k + 1);
        s->path[k].function = (uint8_t)(k % 8);
    }
    ck_assert_uint_eq(acpi_dmar_scope_size(s), 6 + 2 * 8);
    b = build_ok(&f.cfg);
    ck_assert_uint_eq(acpi_get_u16(b->data, FX_DRHD0 + 2), 16 + 8 + 8 + 22);
    ck_assert_uint_eq(b->data[FX_DRHD0 + 32 + 1], 22);
    for (unsigned k = 0; k < ACPI_DMAR_SCOPE_MAX_PATH; k++) {
        ck_assert_uint_eq(b->data[FX_DRHD0 + 32 + 6 + 2 * k], k + 1);
        ck_assert_uint_eq(b->data[FX_DRHD0 + 32 + 7 + 2 * k], k % 8);
    }
    g_byte_array_unref(b);
}
END_TEST

START_TEST(test_dmar_custom_header_keeps_signature)
{
    AcpiTableHeaderInfo h = { "XXXX", 1, "IOMSIM", "IOMMUSIM", 5, "ISIM", 6 };
    DmarFixture f;
    GByteArray *b;

    dmar_fixture_init(&f);
    f.cfg.header = &h;
    b = build_ok(&f.cfg);
    ck_assert(memcmp(b->data, "DMAR", 4) == 0);
    ck_assert(memcmp(b->data + 10, "IOMSIMIOMMUSIM", 14) == 0);
    ck_assert_uint_eq(acpi_get_u32(b->data, 24), 5);
    ck_assert(memcmp(b->data + 28, "ISIM", 4) == 0);
    ck_assert_uint_eq(acpi_get_u32(b->data, 32), 6);
    g_byte_array_unref(b);
}
END_TEST

/* ---- configurations the spec forbids ---- */

typedef struct BadCase {
    const char *what;
    void (*mutate)(DmarFixture *f);
    const char *expect;      /* in the message: the section or the reason */
} BadCase;

static void bad_no_drhd(DmarFixture *f) { f->cfg.n_drhds = 0; }
static void bad_haw_zero(DmarFixture *f) { f->cfg.host_address_width = 0; }
static void bad_haw_65(DmarFixture *f) { f->cfg.host_address_width = 65; }
static void bad_dmar_flags(DmarFixture *f) { f->cfg.flags = 0x08; }
static void bad_null_array(DmarFixture *f) { f->cfg.rmrrs = NULL; }
static void bad_drhd_flags(DmarFixture *f) { f->drhds[0].flags = 0x02; }
static void bad_drhd_size(DmarFixture *f) { f->drhds[0].size = 16; }
static void bad_drhd_align(DmarFixture *f) { f->drhds[0].base = 0xfed91000; }
static void bad_pci_all_first(DmarFixture *f)
{
    AcpiDmarDrhd t = f->drhds[0];
    f->drhds[0] = f->drhds[1];
    f->drhds[1] = t;
}
static void bad_pci_all_endpoint(DmarFixture *f)
{
    f->unit1_scopes[1] = f->unit0_scopes[0];
}
static void bad_scope_type0(DmarFixture *f) { f->unit0_scopes[0].type = 0; }
static void bad_scope_type6(DmarFixture *f) { f->unit0_scopes[0].type = 6; }
static void bad_path_empty(DmarFixture *f) { f->unit0_scopes[0].path_len = 0; }
static void bad_path_deep(DmarFixture *f) { f->unit0_scopes[0].path_len = 9; }
static void bad_device_32(DmarFixture *f)
{
    f->unit0_scopes[0].path[0].device = 32;
}
static void bad_function_8(DmarFixture *f)
{
    f->unit0_scopes[2].path[1].function = 8;
}
static void bad_hpet_path(DmarFixture *f) { f->unit1_scopes[1].path_len = 2; }
static void bad_flags_in_drhd(DmarFixture *f) { f->unit0_scopes[0].flags = 1; }
static void bad_sidp_flags_ioapic(DmarFixture *f)
{
    f->sidp_scopes[1] = f->unit1_scopes[0];
    f->sidp_scopes[1].flags = 1;
}
static void bad_sidp_flags_rsvd(DmarFixture *f) { f->sidp_scopes[0].flags = 0x20; }
static void bad_pci_enum_id(DmarFixture *f)
{
    f->unit0_scopes[1].enumeration_id = 3;
}
static void bad_andd_missing(DmarFixture *f)
{
    f->unit1_scopes[2].enumeration_id = 9;
}
static void bad_rmrr_base(DmarFixture *f) { f->rmrrs[0].base += 0x800; }
static void bad_rmrr_limit(DmarFixture *f) { f->rmrrs[0].limit = 0x7d000000; }
static void bad_rmrr_partial(DmarFixture *f) { f->rmrrs[0].limit -= 0x10; }
static void bad_rmrr_empty(DmarFixture *f) { f->rmrrs[0].n_scopes = 0; }
static void bad_rmrr_ioapic(DmarFixture *f)
{
    f->rmrr_scopes[0] = f->unit1_scopes[0];
}
static void bad_atsr_all_scoped(DmarFixture *f)
{
    f->atsrs[0].flags = ACPI_DMAR_ATSR_FLAG_ALL_PORTS;
}
static void bad_atsr_unscoped(DmarFixture *f) { f->atsrs[1].flags = 0; }
static void bad_atsr_endpoint(DmarFixture *f)
{
    f->atsr_scopes[0].type = ACPI_DMAR_SCOPE_PCI_ENDPOINT;
}
static void bad_atsr_flags(DmarFixture *f) { f->atsrs[1].flags = 0x03; }
static void bad_rhsa_missing(DmarFixture *f) { f->cfg.n_rhsas = 1; }
static void bad_rhsa_base(DmarFixture *f) { f->rhsas[1].base = 0xfee00000; }
static void bad_andd_dup(DmarFixture *f)
{
    static AcpiDmarAndd two[2] = { { 1, "\\_SB.A" }, { 1, "\\_SB.B" } };
    f->cfg.andds = two;
    f->cfg.n_andds = 2;
}
static void bad_andd_name(DmarFixture *f) { f->andds[0].object_name = ""; }
static void bad_satc_deep(DmarFixture *f) { f->satc_scopes[0].path_len = 2; }
static void bad_satc_bridge(DmarFixture *f)
{
    f->satc_scopes[1].type = ACPI_DMAR_SCOPE_PCI_SUB_HIERARCHY;
}
static void bad_satc_flags(DmarFixture *f) { f->satcs[0].flags = 0x80; }
static void bad_satc_split(DmarFixture *f)
{
    static AcpiDmarSatc two[2];
    two[0] = f->satcs[0];
    two[1] = f->satcs[0];
    f->cfg.satcs = two;
    f->cfg.n_satcs = 2;
}
static void bad_too_long(DmarFixture *f)
{
    /* 16 + 2979 * 22 bytes > 65535: the 16-bit Length cannot say it. */
    static AcpiDmarScope many[2979];
    for (size_t i = 0; i < G_N_ELEMENTS(many); i++) {
        many[i] = f->unit0_scopes[0];
        many[i].path_len = ACPI_DMAR_SCOPE_MAX_PATH;
    }
    f->drhds[0].scopes = many;
    f->drhds[0].n_scopes = G_N_ELEMENTS(many);
}

static const BadCase bad_cases[] = {
    { "no DRHD", bad_no_drhd, "§8.1" },
    { "HAW 0", bad_haw_zero, "§8.1" },
    { "HAW 65", bad_haw_65, "§8.1" },
    { "DMAR flag bit 3", bad_dmar_flags, "reserved bits 3-7" },
    { "count without array", bad_null_array, "without its array" },
    { "DRHD flag bit 1", bad_drhd_flags, "DRHD[0]: flags" },
    { "DRHD size 16", bad_drhd_size, "exceeds 15" },
    { "DRHD base misaligned", bad_drhd_align, "not aligned to its 8 KiB" },
    { "INCLUDE_PCI_ALL first", bad_pci_all_first, "must come after" },
    { "INCLUDE_PCI_ALL endpoint", bad_pci_all_endpoint,
      "DRHD[1] scope[1]: type 1 not allowed" },
    { "scope type 0", bad_scope_type0, "type 0 not allowed" },
    { "scope type 6", bad_scope_type6, "type 6 not allowed" },
    { "empty path", bad_path_empty, "path of 0 pairs" },
    { "path of 9", bad_path_deep, "path of 9 pairs" },
    { "device 32", bad_device_32, "32.0 is not a PCI" },
    { "function 8", bad_function_8, "path[1] 0.8" },
    { "HPET two pairs", bad_hpet_path, "DRHD[1] scope[1]: path of 2" },
    { "flags outside SIDP", bad_flags_in_drhd, "flags 0x1 are reserved" },
    { "SIDP flags on IOAPIC", bad_sidp_flags_ioapic, "SIDP[0] scope[1]" },
    { "SIDP reserved flag", bad_sidp_flags_rsvd, "flags 0x20 are reserved" },
    { "enum id on bridge", bad_pci_enum_id, "enumeration id is reserved" },
    { "ACPI device without ANDD", bad_andd_missing, "number 9 has no ANDD" },
    { "RMRR base", bad_rmrr_base, "RMRR[0]" },
    { "RMRR limit <= base", bad_rmrr_limit, "RMRR[0]" },
    { "RMRR partial page", bad_rmrr_partial, "whole 4 KiB pages" },
    { "RMRR without scopes", bad_rmrr_empty, "one or more device scopes" },
    { "RMRR IOAPIC scope", bad_rmrr_ioapic, "§8.4" },
    { "ATSR ALL_PORTS with scopes", bad_atsr_all_scoped, "ALL_PORTS omits" },
    { "ATSR without scopes", bad_atsr_unscoped, "root-port scopes" },
    { "ATSR endpoint", bad_atsr_endpoint, "ATSR[0] scope[0]: type 1" },
    { "ATSR flag bit 1", bad_atsr_flags, "ATSR[1]: flags 0x3" },
    { "RHSA missing", bad_rhsa_missing, "DRHD[1]: no RHSA" },
    { "RHSA unknown base", bad_rhsa_base, "RHSA[1]: base 0xfee00000" },
    { "ANDD duplicate", bad_andd_dup, "already used by ANDD[0]" },
    { "ANDD empty name", bad_andd_name, "needs an ACPI object name" },
    { "SATC two pairs", bad_satc_deep, "SATC[0] scope[0]: path of 2" },
    { "SATC bridge", bad_satc_bridge, "SATC[0] scope[1]: type 2" },
    { "SATC flag bit 7", bad_satc_flags, "SATC[0]: flags 0x80" },
    { "SATC split", bad_satc_split, "belong in one structure" },
    { "DRHD over 64 KiB", bad_too_long, "16-bit Length" },
};

START_TEST(test_dmar_rejects_forbidden_config)
{
    const BadCase *c = &bad_cases[_i];
    DmarFixture f;
    GError *err = NULL;
    GByteArray *b;

    dmar_fixture_init(&f);
    c->mutate(&f);
    b = acpi_build_dmar(&f.cfg, &err);
    ck_assert_msg(b == NULL, "%s: built anyway", c->what);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(err->code, ACPI_ERROR_CONFIG);
    ck_assert_msg(strstr(err->message, c->expect) != NULL,
                  "%s: message \"%s\" lacks \"%s\"", c->what, err->message,
                  c->expect);
    ck_assert_msg(strncmp(err->message, "DMAR: ", 6) == 0, "%s", err->message);
    g_error_free(err);
    err = NULL;
    ck_assert(!acpi_dmar_config_check(&f.cfg, &err));
    g_error_free(err);
}
END_TEST

START_TEST(test_dmar_rejects_null_config)
{
    GError *err = NULL;

    ck_assert_ptr_null(acpi_build_dmar(NULL, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "no configuration"));
    g_error_free(err);
    /* a NULL errp is allowed: callers that only test validity */
    ck_assert_ptr_null(acpi_build_dmar(NULL, NULL));
}
END_TEST

START_TEST(test_dmar_struct_names)
{
    ck_assert_str_eq(acpi_dmar_struct_name(0), "DRHD");
    ck_assert_str_eq(acpi_dmar_struct_name(5), "SATC");
    ck_assert_str_eq(acpi_dmar_struct_name(6), "SIDP");
    ck_assert_str_eq(acpi_dmar_struct_name(7), "unknown");
    ck_assert_str_eq(acpi_dmar_struct_name(0xffff), "unknown");
}
END_TEST

static Suite *dmar_suite(void)
{
    Suite *s = suite_create("dmar");
    TCase *tc = tcase_create("build");
    TCase *bad = tcase_create("reject");

    tcase_add_test(tc, test_dmar_q35_every_byte);
    tcase_add_test(tc, test_dmar_header_haw_flags_reserved);
    tcase_add_test(tc, test_dmar_structures_in_type_order);
    tcase_add_test(tc, test_dmar_drhd_fields_and_scopes);
    tcase_add_test(tc, test_dmar_drhd_segment_and_high_base);
    tcase_add_test(tc, test_dmar_rmrr_fields);
    tcase_add_test(tc, test_dmar_atsr_all_ports_and_root_ports);
    tcase_add_test(tc, test_dmar_rhsa_and_andd_fields);
    tcase_add_test(tc, test_dmar_satc_and_sidp_fields);
    tcase_add_test(tc, test_dmar_scope_deepest_path);
    tcase_add_test(tc, test_dmar_custom_header_keeps_signature);
    tcase_add_test(tc, test_dmar_struct_names);
    suite_add_tcase(s, tc);
    tcase_add_loop_test(bad, test_dmar_rejects_forbidden_config, 0,
                        G_N_ELEMENTS(bad_cases));
    tcase_add_test(bad, test_dmar_rejects_null_config);
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dmar_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
