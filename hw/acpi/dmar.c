/*
 * DMAR builder: the DMA Remapping Reporting table (VT-d 5.10 chapter 8)
 * from an AcpiDmarConfig.  The configuration is checked first
 * (dmar-check.c), so emitting bytes never fails half-way.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/acpi.h"
#include "hw/acpi/dmar-layout.h"

size_t acpi_dmar_scope_size(const AcpiDmarScope *s)
{
    return SCOPE_PATH + (size_t)SCOPE_PATH_PAIR * s->path_len;
}

const char *acpi_dmar_struct_name(unsigned type)
{
    static const char *const names[] = {
        [ACPI_DMAR_TYPE_DRHD] = "DRHD", [ACPI_DMAR_TYPE_RMRR] = "RMRR",
        [ACPI_DMAR_TYPE_ATSR] = "ATSR", [ACPI_DMAR_TYPE_RHSA] = "RHSA",
        [ACPI_DMAR_TYPE_ANDD] = "ANDD", [ACPI_DMAR_TYPE_SATC] = "SATC",
        [ACPI_DMAR_TYPE_SIDP] = "SIDP",
    };

    return type < G_N_ELEMENTS(names) ? names[type] : "unknown";
}

/* §8.3.1: Type, Length, Flags, Reserved, Enumeration ID, Start Bus, Path. */
static void dmar_append_scopes(GByteArray *b, const AcpiDmarScope *scopes,
                               size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const AcpiDmarScope *s = &scopes[i];

        acpi_append_u8(b, (uint8_t)s->type);
        acpi_append_u8(b, (uint8_t)acpi_dmar_scope_size(s));
        acpi_append_u8(b, s->flags);
        acpi_append_u8(b, 0);
        acpi_append_u8(b, s->enumeration_id);
        acpi_append_u8(b, s->start_bus);
        for (unsigned k = 0; k < s->path_len; k++) {
            acpi_append_u8(b, s->path[k].device);
            acpi_append_u8(b, s->path[k].function);
        }
    }
}

/* §8.2: every remapping structure starts with Type and Length (patched). */
static size_t dmar_struct_begin(GByteArray *b, AcpiDmarStructType type)
{
    size_t start = b->len;

    acpi_append_u16(b, (uint16_t)type);
    acpi_append_u16(b, 0);
    return start;
}

static void dmar_struct_end(GByteArray *b, size_t start)
{
    size_t len = b->len - start;

    /* dmar-check.c bounded every structure to the 16-bit Length. */
    g_assert(len <= G_MAXUINT16);
    acpi_patch_u16(b, start + DMAR_ST_LENGTH, (uint16_t)len);
}

/* §8.3 */
static void dmar_append_drhd(GByteArray *b, const AcpiDmarDrhd *d)
{
    size_t start = dmar_struct_begin(b, ACPI_DMAR_TYPE_DRHD);

    acpi_append_u8(b, d->flags);
    acpi_append_u8(b, d->size & DRHD_SIZE_MASK);
    acpi_append_u16(b, d->segment);
    acpi_append_u64(b, d->base);
    dmar_append_scopes(b, d->scopes, d->n_scopes);
    dmar_struct_end(b, start);
}

/* §8.4 */
static void dmar_append_rmrr(GByteArray *b, const AcpiDmarRmrr *m)
{
    size_t start = dmar_struct_begin(b, ACPI_DMAR_TYPE_RMRR);

    acpi_append_u16(b, 0);
    acpi_append_u16(b, m->segment);
    acpi_append_u64(b, m->base);
    acpi_append_u64(b, m->limit);
    dmar_append_scopes(b, m->scopes, m->n_scopes);
    dmar_struct_end(b, start);
}

/*
 * ATSR (§8.5), SATC (§8.8) and SIDP (§8.9): Flags, Reserved, Segment,
 * scopes.  SIDP's two bytes at offset 4 are reserved, so flags is 0.
 */
static void dmar_append_flagged(GByteArray *b, AcpiDmarStructType type,
                                uint8_t flags, uint16_t segment,
                                const AcpiDmarScope *scopes, size_t n)
{
    size_t start = dmar_struct_begin(b, type);

    acpi_append_u8(b, flags);
    acpi_append_u8(b, 0);
    acpi_append_u16(b, segment);
    dmar_append_scopes(b, scopes, n);
    dmar_struct_end(b, start);
}

/* §8.6 */
static void dmar_append_rhsa(GByteArray *b, const AcpiDmarRhsa *r)
{
    size_t start = dmar_struct_begin(b, ACPI_DMAR_TYPE_RHSA);

    acpi_append_u32(b, 0);
    acpi_append_u64(b, r->base);
    acpi_append_u32(b, r->proximity_domain);
    dmar_struct_end(b, start);
}

/* §8.7: the object name is written with its terminating NUL. */
static void dmar_append_andd(GByteArray *b, const AcpiDmarAndd *a)
{
    size_t start = dmar_struct_begin(b, ACPI_DMAR_TYPE_ANDD);

    acpi_append_zeros(b, ANDD_RESERVED_LEN);
    acpi_append_u8(b, a->device_number);
    acpi_append_bytes(b, a->object_name, strlen(a->object_name) + 1);
    dmar_struct_end(b, start);
}

/* The remapping structures in the type order §8.2 requires. */
static void dmar_append_structs(GByteArray *b, const AcpiDmarConfig *cfg)
{
    for (size_t i = 0; i < cfg->n_drhds; i++) {
        dmar_append_drhd(b, &cfg->drhds[i]);
    }
    for (size_t i = 0; i < cfg->n_rmrrs; i++) {
        dmar_append_rmrr(b, &cfg->rmrrs[i]);
    }
    for (size_t i = 0; i < cfg->n_atsrs; i++) {
        const AcpiDmarAtsr *a = &cfg->atsrs[i];

        dmar_append_flagged(b, ACPI_DMAR_TYPE_ATSR, a->flags, a->segment,
                            a->scopes, a->n_scopes);
    }
    for (size_t i = 0; i < cfg->n_rhsas; i++) {
        dmar_append_rhsa(b, &cfg->rhsas[i]);
    }
    for (size_t i = 0; i < cfg->n_andds; i++) {
        dmar_append_andd(b, &cfg->andds[i]);
    }
    for (size_t i = 0; i < cfg->n_satcs; i++) {
        const AcpiDmarSatc *s = &cfg->satcs[i];

        dmar_append_flagged(b, ACPI_DMAR_TYPE_SATC, s->flags, s->segment,
                            s->scopes, s->n_scopes);
    }
    for (size_t i = 0; i < cfg->n_sidps; i++) {
        const AcpiDmarSidp *s = &cfg->sidps[i];

        dmar_append_flagged(b, ACPI_DMAR_TYPE_SIDP, 0, s->segment,
                            s->scopes, s->n_scopes);
    }
}

GByteArray *acpi_build_dmar(const AcpiDmarConfig *cfg, GError **errp)
{
    static const AcpiTableHeaderInfo dmar_default_header = {
        .signature = "DMAR",
        .revision = ACPI_DMAR_REVISION,
        .oem_revision = ACPI_DEFAULT_OEM_REVISION,
        .creator_revision = ACPI_DEFAULT_CREATOR_REVISION,
    };
    AcpiTableHeaderInfo h;
    GByteArray *b;
    size_t start;

    if (!acpi_dmar_config_check(cfg, errp)) {
        return NULL;
    }
    /* A caller's header chooses the OEM fields; the signature is fixed. */
    h = cfg->header ? *cfg->header : dmar_default_header;
    h.signature = "DMAR";
    b = g_byte_array_new();
    start = acpi_table_begin(b, &h);
    /* §8.1: HAW is reported as N where the width is N + 1 bits. */
    acpi_append_u8(b, (uint8_t)(cfg->host_address_width - 1));
    acpi_append_u8(b, cfg->flags);
    acpi_append_zeros(b, DMAR_RESERVED_LEN);
    g_assert(b->len - start == DMAR_STRUCTS);
    dmar_append_structs(b, cfg);
    acpi_table_end(b, start);
    return b;
}
