/*
 * DMAR parser: table bytes back into an AcpiDmarConfig (VT-d 5.10
 * chapter 8), for tests and tools.  Structure is checked strictly
 * (lengths, checksum, §8.2 type order); field values are taken as they
 * are, so a table the builder would refuse can still be inspected.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/acpi.h"
#include "hw/acpi/dmar-layout.h"

/* The public result plus what it owns. */
typedef struct DmarParsed {
    AcpiDmarParsed pub;          /* first: the pointer handed out */
    AcpiTableHeaderInfo header_info;
    GArray *drhds, *rmrrs, *atsrs, *rhsas, *andds, *satcs, *sidps;
    GPtrArray *owned;            /* scope arrays and ANDD names */
} DmarParsed;

/* One remapping structure being decoded: its bytes and its table offset. */
typedef struct DmarCursor {
    const uint8_t *p;
    size_t len;
    size_t table_off;
} DmarCursor;

#define DMAR_MALFORMED(errp, off, fmt, ...) \
    (g_set_error(errp, ACPI_ERROR, ACPI_ERROR_MALFORMED, \
                 "DMAR offset %zu: " fmt, (size_t)(off), __VA_ARGS__), false)

/* §8.3.1: decode every scope entry from byte `from` to the structure end. */
static bool dmar_parse_scopes(DmarParsed *d, const DmarCursor *c, size_t from,
                              const AcpiDmarScope **out, size_t *n_out,
                              GError **errp)
{
    GArray *a = g_array_new(false, true, sizeof(AcpiDmarScope));
    size_t off = from;

    while (off < c->len) {
        AcpiDmarScope s = { 0 };
        size_t len = c->len - off >= SCOPE_PATH ? c->p[off + SCOPE_LENGTH] : 0;

        if (len < SCOPE_PATH + SCOPE_PATH_PAIR || len % SCOPE_PATH_PAIR ||
            len > c->len - off ||
            (len - SCOPE_PATH) / SCOPE_PATH_PAIR > ACPI_DMAR_SCOPE_MAX_PATH) {
            g_array_free(a, true);
            return DMAR_MALFORMED(errp, c->table_off + off, "device scope "
                                  "length %zu is not 6 + 2 * (1..%u) within "
                                  "its structure (VT-d 5.10 §8.3.1)", len,
                                  ACPI_DMAR_SCOPE_MAX_PATH);
        }
        s.type = c->p[off + SCOPE_TYPE];
        s.flags = c->p[off + SCOPE_FLAGS];
        s.enumeration_id = c->p[off + SCOPE_ENUM_ID];
        s.start_bus = c->p[off + SCOPE_START_BUS];
        s.path_len = (uint8_t)((len - SCOPE_PATH) / SCOPE_PATH_PAIR);
        for (unsigned k = 0; k < s.path_len; k++) {
            s.path[k].device = c->p[off + SCOPE_PATH + SCOPE_PATH_PAIR * k];
            s.path[k].function =
                c->p[off + SCOPE_PATH + SCOPE_PATH_PAIR * k + 1];
        }
        g_array_append_val(a, s);
        off += len;
    }
    *n_out = a->len;
    *out = (const AcpiDmarScope *)a->data;
    g_ptr_array_add(d->owned, g_array_free(a, false));
    return true;
}

static bool dmar_parse_drhd(DmarParsed *d, const DmarCursor *c, GError **errp)
{
    AcpiDmarDrhd x = {
        .flags = c->p[DRHD_FLAGS],
        .size = c->p[DRHD_SIZE] & DRHD_SIZE_MASK,
        .segment = acpi_get_u16(c->p, DRHD_SEGMENT),
        .base = acpi_get_u64(c->p, DRHD_BASE),
    };

    if (!dmar_parse_scopes(d, c, DRHD_SCOPES, &x.scopes, &x.n_scopes, errp)) {
        return false;
    }
    g_array_append_val(d->drhds, x);
    return true;
}

static bool dmar_parse_rmrr(DmarParsed *d, const DmarCursor *c, GError **errp)
{
    AcpiDmarRmrr x = {
        .segment = acpi_get_u16(c->p, RMRR_SEGMENT),
        .base = acpi_get_u64(c->p, RMRR_BASE),
        .limit = acpi_get_u64(c->p, RMRR_LIMIT),
    };

    if (!dmar_parse_scopes(d, c, RMRR_SCOPES, &x.scopes, &x.n_scopes, errp)) {
        return false;
    }
    g_array_append_val(d->rmrrs, x);
    return true;
}

/* ATSR, SATC and SIDP share the 8-byte head (§8.5, §8.8, §8.9). */
static bool dmar_parse_flagged(DmarParsed *d, const DmarCursor *c,
                               unsigned type, GError **errp)
{
    uint8_t flags = c->p[ATSR_FLAGS];
    uint16_t segment = acpi_get_u16(c->p, ATSR_SEGMENT);
    const AcpiDmarScope *scopes;
    size_t n;

    if (!dmar_parse_scopes(d, c, ATSR_SCOPES, &scopes, &n, errp)) {
        return false;
    }
    if (type == ACPI_DMAR_TYPE_ATSR) {
        AcpiDmarAtsr x = { flags, segment, scopes, n };
        g_array_append_val(d->atsrs, x);
    } else if (type == ACPI_DMAR_TYPE_SATC) {
        AcpiDmarSatc x = { flags, segment, scopes, n };
        g_array_append_val(d->satcs, x);
    } else {
        AcpiDmarSidp x = { segment, scopes, n };
        g_array_append_val(d->sidps, x);
    }
    return true;
}

static bool dmar_parse_rhsa(DmarParsed *d, const DmarCursor *c, GError **errp)
{
    AcpiDmarRhsa x = {
        .base = acpi_get_u64(c->p, RHSA_BASE),
        .proximity_domain = acpi_get_u32(c->p, RHSA_PROXIMITY),
    };

    g_array_append_val(d->rhsas, x);
    return true;
}

/* §8.7: the name runs to its NUL or, leniently, to the structure end. */
static bool dmar_parse_andd(DmarParsed *d, const DmarCursor *c, GError **errp)
{
    char *name = g_strndup((const char *)c->p + ANDD_NAME,
                           c->len - ANDD_NAME);
    AcpiDmarAndd x = {
        .device_number = c->p[ANDD_DEVICE_NUMBER],
        .object_name = name,
    };

    g_ptr_array_add(d->owned, name);
    g_array_append_val(d->andds, x);
    return true;
}

/* The fixed bytes each known structure type has before its scopes. */
static size_t dmar_struct_min_len(unsigned type)
{
    switch (type) {
    case ACPI_DMAR_TYPE_DRHD:
        return DRHD_SCOPES;
    case ACPI_DMAR_TYPE_RMRR:
        return RMRR_SCOPES;
    case ACPI_DMAR_TYPE_RHSA:
        return RHSA_LEN;
    case ACPI_DMAR_TYPE_ANDD:
        return ANDD_NAME + 1;
    case ACPI_DMAR_TYPE_ATSR:
    case ACPI_DMAR_TYPE_SATC:
    case ACPI_DMAR_TYPE_SIDP:
        return ATSR_SCOPES;
    default:
        return DMAR_ST_HEADER_LEN;
    }
}

static bool dmar_parse_struct(DmarParsed *d, unsigned type,
                              const DmarCursor *c, GError **errp)
{
    switch (type) {
    case ACPI_DMAR_TYPE_DRHD:
        return dmar_parse_drhd(d, c, errp);
    case ACPI_DMAR_TYPE_RMRR:
        return dmar_parse_rmrr(d, c, errp);
    case ACPI_DMAR_TYPE_RHSA:
        return dmar_parse_rhsa(d, c, errp);
    case ACPI_DMAR_TYPE_ANDD:
        return dmar_parse_andd(d, c, errp);
    case ACPI_DMAR_TYPE_ATSR:
    case ACPI_DMAR_TYPE_SATC:
    case ACPI_DMAR_TYPE_SIDP:
        return dmar_parse_flagged(d, c, type, errp);
    default:
        /* §8.2: software skips types it does not comprehend. */
        d->pub.n_skipped++;
        return true;
    }
}

/* §8.2: walk the remapping structures from byte 48 to the table end. */
static bool dmar_parse_structs(DmarParsed *d, const uint8_t *p, size_t n,
                               GError **errp)
{
    size_t off = DMAR_STRUCTS;
    unsigned prev_type = 0;

    while (off < n) {
        unsigned type, len;
        DmarCursor c;

        if (n - off < DMAR_ST_HEADER_LEN) {
            return DMAR_MALFORMED(errp, off, "%zu trailing bytes are not a "
                                  "remapping structure header", n - off);
        }
        type = acpi_get_u16(p, off + DMAR_ST_TYPE);
        len = acpi_get_u16(p, off + DMAR_ST_LENGTH);
        if (len < dmar_struct_min_len(type) || len > n - off ||
            (type == ACPI_DMAR_TYPE_RHSA && len != RHSA_LEN)) {
            return DMAR_MALFORMED(errp, off, "%s length %u is invalid "
                                  "(VT-d 5.10 §8.2)",
                                  acpi_dmar_struct_name(type), len);
        }
        if (type < prev_type) {
            return DMAR_MALFORMED(errp, off, "%s after %s: types must come "
                                  "in numerical order (VT-d 5.10 §8.2)",
                                  acpi_dmar_struct_name(type),
                                  acpi_dmar_struct_name(prev_type));
        }
        prev_type = type;
        c = (DmarCursor){ p + off, len, off };
        if (!dmar_parse_struct(d, type, &c, errp)) {
            return false;
        }
        off += len;
    }
    return true;
}

static DmarParsed *dmar_parsed_new(void)
{
    DmarParsed *d = g_new0(DmarParsed, 1);

    d->drhds = g_array_new(false, true, sizeof(AcpiDmarDrhd));
    d->rmrrs = g_array_new(false, true, sizeof(AcpiDmarRmrr));
    d->atsrs = g_array_new(false, true, sizeof(AcpiDmarAtsr));
    d->rhsas = g_array_new(false, true, sizeof(AcpiDmarRhsa));
    d->andds = g_array_new(false, true, sizeof(AcpiDmarAndd));
    d->satcs = g_array_new(false, true, sizeof(AcpiDmarSatc));
    d->sidps = g_array_new(false, true, sizeof(AcpiDmarSidp));
    d->owned = g_ptr_array_new_with_free_func(g_free);
    return d;
}

/* Point the public configuration at the parsed arrays and header. */
static void dmar_parsed_publish(DmarParsed *d, const uint8_t *p)
{
    AcpiDmarConfig *cfg = &d->pub.cfg;
    AcpiTableHeader *h = &d->pub.header;

    d->header_info = (AcpiTableHeaderInfo){
        h->signature, h->revision, h->oem_id, h->oem_table_id,
        h->oem_revision, h->creator_id, h->creator_revision,
    };
    cfg->header = &d->header_info;
    cfg->host_address_width = (uint8_t)(p[DMAR_HAW] + 1);
    cfg->flags = p[DMAR_FLAGS];
#define DMAR_PUBLISH(f, T) \
    cfg->f = (const T *)d->f->data; cfg->n_##f = d->f->len
    DMAR_PUBLISH(drhds, AcpiDmarDrhd);
    DMAR_PUBLISH(rmrrs, AcpiDmarRmrr);
    DMAR_PUBLISH(atsrs, AcpiDmarAtsr);
    DMAR_PUBLISH(rhsas, AcpiDmarRhsa);
    DMAR_PUBLISH(andds, AcpiDmarAndd);
    DMAR_PUBLISH(satcs, AcpiDmarSatc);
    DMAR_PUBLISH(sidps, AcpiDmarSidp);
#undef DMAR_PUBLISH
}

static bool dmar_parse_header(const uint8_t *p, size_t n, AcpiTableHeader *h,
                              GError **errp)
{
    if (!acpi_table_header_parse(p, n, h, errp)) {
        return false;
    }
    if (strcmp(h->signature, "DMAR") != 0) {
        return DMAR_MALFORMED(errp, (size_t)0, "signature \"%s\" is not "
                              "DMAR", h->signature);
    }
    if (h->length != n || n < DMAR_STRUCTS) {
        return DMAR_MALFORMED(errp, (size_t)4, "header length %u for %zu "
                              "bytes (a DMAR has at least %d)", h->length, n,
                              DMAR_STRUCTS);
    }
    if (!acpi_table_checksum_ok(p, n)) {
        return DMAR_MALFORMED(errp, (size_t)9, "checksum: bytes sum to 0x%02x, "
                              "not 0 (ACPI 6.5 §5.2.6)",
                              (unsigned)(uint8_t)(0x100 - acpi_checksum(p, n)));
    }
    return true;
}

AcpiDmarParsed *acpi_dmar_parse(const uint8_t *p, size_t n, GError **errp)
{
    DmarParsed *d;

    d = dmar_parsed_new();
    if (!dmar_parse_header(p, n, &d->pub.header, errp) ||
        !dmar_parse_structs(d, p, n, errp)) {
        acpi_dmar_parsed_free(&d->pub);
        return NULL;
    }
    dmar_parsed_publish(d, p);
    return &d->pub;
}

void acpi_dmar_parsed_free(AcpiDmarParsed *pub)
{
    DmarParsed *d = (DmarParsed *)pub;

    if (!d) {
        return;
    }
    g_array_free(d->drhds, true);
    g_array_free(d->rmrrs, true);
    g_array_free(d->atsrs, true);
    g_array_free(d->rhsas, true);
    g_array_free(d->andds, true);
    g_array_free(d->satcs, true);
    g_array_free(d->sidps, true);
    g_ptr_array_free(d->owned, true);
    g_free(d);
}
