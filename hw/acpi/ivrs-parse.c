/*
 * IVRS parser (AMD IOMMU spec 48882 §5.2) for tests and tools: header,
 * IVinfo, IVHD 10h/11h/40h with their device entries folded back into
 * AcpiIvrsDevKind (start + end = range), IVMD 20h-22h.  Every length is
 * checked; malformed input fails with the byte offset.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/acpi.h"
#include "specs/amdvi-ivrs.h"

#define IVRS_MALFORMED(errp, off, ...) \
    (ivrs_malformed(errp, (size_t)(off), __VA_ARGS__), false)

static void G_GNUC_PRINTF(3, 4) ivrs_malformed(GError **errp, size_t off,
                                               const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(errp, ACPI_ERROR, ACPI_ERROR_MALFORMED,
                "IVRS: byte %zu: %s", off, msg);
    g_free(msg);
}

/* Little-endian words of n bytes at p (n a multiple of 8). */
static void ivrs_words(const uint8_t *p, unsigned n, uint64_t *w)
{
    for (unsigned i = 0; i < n / 8; i++) {
        w[i] = acpi_get_u64(p, i * 8);
    }
}

/* Size of the device entry of type t (§5.2.2.3); 0 for variable HID. */
static unsigned ivrs_dev_len(uint8_t t)
{
    if (t < 0x40) {
        return 4;
    }
    if (t < 0x80) {
        return 8;
    }
    if (t < 0xc0) {
        return 16;
    }
    if (t < 0xf0) {
        return 32;
    }
    return 0;
}

/* Pending range start (03h/43h/47h) waiting for its 04h. */
typedef struct IvrsRange {
    bool open;
    AcpiIvrsDevEntry e;
} IvrsRange;

static bool ivrs_parse_dev8(uint64_t v, uint8_t t, AcpiIvrsDevEntry *e,
                            size_t off, GError **errp)
{
    memset(e, 0, sizeof(*e));
    e->dte_setting = (uint8_t)amdvi_ivhd_dev8_ext_get_dte_setting(v);
    if (t == AMDVI_IVHD_DEV_SPECIAL) {
        unsigned var = (unsigned)amdvi_ivhd_dev8_special_get_variety(v);

        if (var != AMDVI_IVHD_SPECIAL_IOAPIC && var != AMDVI_IVHD_SPECIAL_HPET) {
            return IVRS_MALFORMED(errp, off, "special entry variety %u", var);
        }
        e->kind = var == AMDVI_IVHD_SPECIAL_IOAPIC
                  ? ACPI_IVRS_DEV_SPECIAL_IOAPIC : ACPI_IVRS_DEV_SPECIAL_HPET;
        e->handle = (uint8_t)amdvi_ivhd_dev8_special_get_handle(v);
        e->devid = (uint16_t)amdvi_ivhd_dev8_special_get_source_device_id(v);
        return true;
    }
    e->devid = (uint16_t)amdvi_ivhd_dev8_ext_get_device_id(v);
    if (t == AMDVI_IVHD_DEV_ALIAS_SELECT || t == AMDVI_IVHD_DEV_ALIAS_START) {
        e->kind = t == AMDVI_IVHD_DEV_ALIAS_SELECT
                  ? ACPI_IVRS_DEV_ALIAS_SELECT : ACPI_IVRS_DEV_ALIAS_RANGE;
        e->alias = (uint16_t)amdvi_ivhd_dev8_alias_get_source_device_id(v);
        return true;
    }
    if (t == AMDVI_IVHD_DEV_EXT_SELECT || t == AMDVI_IVHD_DEV_EXT_START) {
        e->kind = t == AMDVI_IVHD_DEV_EXT_SELECT
                  ? ACPI_IVRS_DEV_EXT_SELECT : ACPI_IVRS_DEV_EXT_RANGE;
        e->ext_setting = (uint32_t)(v >> 32);
        return true;
    }
    return IVRS_MALFORMED(errp, off, "device entry type %02xh", t);
}

/* One device entry at p[off]; appends to out when complete. */
static bool ivrs_parse_dev(const uint8_t *p, size_t off, uint8_t t,
                           IvrsRange *rg, GArray *out, GError **errp)
{
    AcpiIvrsDevEntry e = { 0 };
    uint64_t v = t < 0x40 ? acpi_get_u32(p, off) : acpi_get_u64(p, off);

    if (t == AMDVI_IVHD_DEV_PAD4 || t == AMDVI_IVHD_DEV_PAD8) {
        return true;
    }
    if (t == AMDVI_IVHD_DEV_END) {
        if (!rg->open) {
            return IVRS_MALFORMED(errp, off, "range end without a start");
        }
        rg->e.devid_last = (uint16_t)amdvi_ivhd_dev4_get_device_id(v);
        g_array_append_val(out, rg->e);
        rg->open = false;
        return true;
    }
    if (rg->open) {
        return IVRS_MALFORMED(errp, off, "range start not followed by an "
                              "end entry (04h)");
    }
    if (t < 0x40) {
        if (t > AMDVI_IVHD_DEV_START) {
            return IVRS_MALFORMED(errp, off, "device entry type %02xh", t);
        }
        e.kind = t == AMDVI_IVHD_DEV_ALL ? ACPI_IVRS_DEV_ALL
               : t == AMDVI_IVHD_DEV_SELECT ? ACPI_IVRS_DEV_SELECT
               : ACPI_IVRS_DEV_RANGE;
        e.devid = (uint16_t)amdvi_ivhd_dev4_get_device_id(v);
        e.dte_setting = (uint8_t)amdvi_ivhd_dev4_get_dte_setting(v);
    } else if (!ivrs_parse_dev8(v, t, &e, off, errp)) {
        return false;
    }
    if (e.kind == ACPI_IVRS_DEV_RANGE || e.kind == ACPI_IVRS_DEV_ALIAS_RANGE ||
        e.kind == ACPI_IVRS_DEV_EXT_RANGE) {
        rg->open = true;
        rg->e = e;
    } else {
        g_array_append_val(out, e);
    }
    return true;
}

static bool ivrs_parse_ivhd(const uint8_t *p, size_t off, size_t len,
                            AcpiIvrsIvhd *v, GError **errp)
{
    uint64_t w[5] = { 0 };
    unsigned hl = p[off] == ACPI_IVRS_IVHD_10 ? 24 : 40;
    GArray *ents = g_array_new(FALSE, TRUE, sizeof(AcpiIvrsDevEntry));
    IvrsRange rg = { false };
    size_t pos;

    if (len < hl) {
        g_array_free(ents, TRUE);
        return IVRS_MALFORMED(errp, off, "IVHD %02xh length %zu below its "
                              "%u-byte header", p[off], len, hl);
    }
    ivrs_words(p + off, hl, w);
    v->type = p[off];
    v->flags = (uint8_t)amdvi_ivhd_11_get_flags(w);
    v->device_id = (uint16_t)amdvi_ivhd_11_get_device_id(w);
    v->cap_offset = (uint16_t)amdvi_ivhd_11_get_cap_offset(w);
    v->base = amdvi_ivhd_11_get_base_address(w);
    v->segment = (uint16_t)amdvi_ivhd_11_get_pci_segment(w);
    v->iommu_info = (uint16_t)amdvi_ivhd_11_get_iommu_info(w);
    v->feature = (uint32_t)(hl == 24 ? amdvi_ivhd_10_get_feature_reporting(w)
                                     : amdvi_ivhd_11_get_iommu_attributes(w));
    v->efr = hl == 24 ? 0 : amdvi_ivhd_11_get_efr_image(w);
    v->efr2 = hl == 24 ? 0 : amdvi_ivhd_11_get_efr2_image(w);
    for (pos = off + hl; pos < off + len;) {
        uint8_t t = p[pos];
        unsigned dl = ivrs_dev_len(t);

        if (dl == 0 && pos + 22 <= off + len) {
            dl = 22 + p[pos + 21];      /* ACPI HID entry: UID length */
        }
        if (dl == 0 || pos + dl > off + len) {
            g_array_free(ents, TRUE);
            return IVRS_MALFORMED(errp, pos, "device entry %02xh overruns "
                                  "its IVHD", t);
        }
        if (t < 0x80 && !ivrs_parse_dev(p, pos, t, &rg, ents, errp)) {
            g_array_free(ents, TRUE);
            return false;
        }
        pos += dl;      /* longer kinds (ACPI HID) are skipped */
    }
    if (rg.open) {
        g_array_free(ents, TRUE);
        return IVRS_MALFORMED(errp, pos, "range start without an end");
    }
    v->n_entries = ents->len;
    v->entries = (const AcpiIvrsDevEntry *)g_array_free(ents, FALSE);
    return true;
}

static void ivrs_parse_ivmd(const uint8_t *p, size_t off, AcpiIvrsIvmd *m)
{
    uint64_t w[4];

    ivrs_words(p + off, 32, w);
    m->type = (uint8_t)amdvi_ivmd_get_type(w);
    m->flags = (uint8_t)amdvi_ivmd_get_flags(w);
    m->device_id = (uint16_t)amdvi_ivmd_get_device_id(w);
    m->device_id_last = (uint16_t)amdvi_ivmd_get_aux_data(w);
    m->start = amdvi_ivmd_get_start_address(w);
    m->length = amdvi_ivmd_get_memory_length(w);
}

static bool ivrs_parse_blocks(const uint8_t *p, size_t n, AcpiIvrsParsed *d,
                              GArray *hds, GArray *mds, GError **errp)
{
    for (size_t off = ACPI_IVRS_IVDB_OFFSET; off < n;) {
        uint8_t t = p[off];
        size_t len = off + 4 <= n ? acpi_get_u16(p, off + 2) : 0;

        if (len < 4 || off + len > n) {
            return IVRS_MALFORMED(errp, off, "block length %zu runs past "
                                  "the table (%zu bytes)", len, n);
        }
        if (t == ACPI_IVRS_IVHD_10 || t == ACPI_IVRS_IVHD_11 ||
            t == ACPI_IVRS_IVHD_40) {
            AcpiIvrsIvhd v = { 0 };

            if (!ivrs_parse_ivhd(p, off, len, &v, errp)) {
                return false;
            }
            g_array_append_val(hds, v);
        } else if (t >= ACPI_IVRS_IVMD_ALL && t <= ACPI_IVRS_IVMD_RANGE) {
            AcpiIvrsIvmd m = { 0 };

            if (len != 32) {
                return IVRS_MALFORMED(errp, off, "IVMD length %zu is not 32",
                                      len);
            }
            ivrs_parse_ivmd(p, off, &m);
            g_array_append_val(mds, m);
        } else {
            d->n_skipped++;
        }
        off += len;
    }
    return true;
}

AcpiIvrsParsed *acpi_ivrs_parse(const uint8_t *p, size_t n, GError **errp)
{
    AcpiIvrsParsed *d = g_new0(AcpiIvrsParsed, 1);
    GArray *hds = g_array_new(FALSE, TRUE, sizeof(AcpiIvrsIvhd));
    GArray *mds = g_array_new(FALSE, TRUE, sizeof(AcpiIvrsIvmd));
    bool ok = acpi_table_header_parse(p, n, &d->header, errp);

    if (ok && strcmp(d->header.signature, "IVRS") != 0) {
        ok = IVRS_MALFORMED(errp, 0, "signature \"%s\" is not IVRS",
                            d->header.signature);
    } else if (ok && (d->header.length != n || n < ACPI_IVRS_IVDB_OFFSET)) {
        ok = IVRS_MALFORMED(errp, 4, "header length %u for %zu bytes",
                            d->header.length, n);
    } else if (ok && !acpi_table_checksum_ok(p, n)) {
        ok = IVRS_MALFORMED(errp, 9, "checksum does not sum to zero");
    }
    if (ok) {
        d->cfg.ivinfo = acpi_get_u32(p, 36);
        ok = ivrs_parse_blocks(p, n, d, hds, mds, errp);
    }
    d->cfg.n_ivhds = hds->len;
    d->cfg.ivhds = (const AcpiIvrsIvhd *)g_array_free(hds, FALSE);
    d->cfg.n_ivmds = mds->len;
    d->cfg.ivmds = (const AcpiIvrsIvmd *)g_array_free(mds, FALSE);
    if (!ok) {
        acpi_ivrs_parsed_free(d);
        return NULL;
    }
    return d;
}

void acpi_ivrs_parsed_free(AcpiIvrsParsed *d)
{
    if (!d) {
        return;
    }
    for (unsigned i = 0; i < d->cfg.n_ivhds; i++) {
        g_free((gpointer)d->cfg.ivhds[i].entries);
    }
    g_free((gpointer)d->cfg.ivhds);
    g_free((gpointer)d->cfg.ivmds);
    g_free(d);
}
