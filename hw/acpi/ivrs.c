/*
 * The IVRS (AMD IOMMU spec 48882 §5.2): header with IVinfo, IVHD blocks
 * of types 10h, 11h and 40h with their device entries, IVMD blocks.
 * Every block is assembled as little-endian 64-bit words with the
 * generated accessors of specs/amdvi/ivrs.toml (amdvi-ivrs.h) and then
 * appended; nothing here hand-writes a field position.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/acpi.h"
#include "specs/amdvi-ivrs.h"

#define IVRS_CONFIG(errp, ...) \
    (g_set_error(errp, ACPI_ERROR, ACPI_ERROR_CONFIG, __VA_ARGS__), false)

/* Bytes of an IVHD header: 24 for 10h, 40 for 11h/40h (§5.2.2.1-2). */
static unsigned ivrs_ivhd_header_len(uint8_t type)
{
    return type == ACPI_IVRS_IVHD_10 ? 24u : 40u;
}

static bool ivrs_dev_is_range(AcpiIvrsDevKind k)
{
    return k == ACPI_IVRS_DEV_RANGE || k == ACPI_IVRS_DEV_ALIAS_RANGE ||
           k == ACPI_IVRS_DEV_EXT_RANGE;
}

/* Bytes a device entry occupies (a range adds its 4-byte end entry). */
static unsigned ivrs_dev_size(const AcpiIvrsDevEntry *e)
{
    unsigned n;

    switch (e->kind) {
    case ACPI_IVRS_DEV_ALL:
    case ACPI_IVRS_DEV_SELECT:
    case ACPI_IVRS_DEV_RANGE:
        n = 4;
        break;
    default:
        n = 8;
        break;
    }
    return n + (ivrs_dev_is_range(e->kind) ? 4 : 0);
}

static bool ivrs_check_dev(const AcpiIvrsDevEntry *e, unsigned h, unsigned i,
                           GError **errp)
{
    if ((unsigned)e->kind > ACPI_IVRS_DEV_SPECIAL_HPET) {
        return IVRS_CONFIG(errp, "IVRS: IVHD %u device entry %u: unknown "
                           "kind %u (§5.2.2.3)", h, i, (unsigned)e->kind);
    }
    if (e->ext_setting & 0x7fffffffu) {
        return IVRS_CONFIG(errp, "IVRS: IVHD %u device entry %u: extended "
                           "setting %08x: only bit 31 (ATS disabled) is "
                           "defined (§5.2.2.3)", h, i, e->ext_setting);
    }
    if (ivrs_dev_is_range(e->kind) && e->devid_last < e->devid) {
        return IVRS_CONFIG(errp, "IVRS: IVHD %u device entry %u: range "
                           "end %04x below start %04x (§5.2.2.3)", h, i,
                           e->devid_last, e->devid);
    }
    return true;
}

static bool ivrs_check_ivhd(const AcpiIvrsIvhd *v, unsigned h, GError **errp)
{
    size_t len = ivrs_ivhd_header_len(v->type);

    if (v->type != ACPI_IVRS_IVHD_10 && v->type != ACPI_IVRS_IVHD_11 &&
        v->type != ACPI_IVRS_IVHD_40) {
        return IVRS_CONFIG(errp, "IVRS: IVHD %u: type %02xh is not 10h, 11h "
                           "or 40h (§5.2.2)", h, v->type);
    }
    if (v->n_entries && !v->entries) {
        return IVRS_CONFIG(errp, "IVRS: IVHD %u: entries missing", h);
    }
    if (v->iommu_info & AMDVI_IVHD_IOMMU_INFO_RSVD_MASK) {
        return IVRS_CONFIG(errp, "IVRS: IVHD %u: IOMMU info %04x sets "
                           "reserved bits (§5.2.2.1)", h, v->iommu_info);
    }
    if (v->type != ACPI_IVRS_IVHD_10 &&
        (v->feature & AMDVI_IVHD_11_ATTRIBUTES_RSVD_MASK)) {
        return IVRS_CONFIG(errp, "IVRS: IVHD %u: attributes %08x set "
                           "reserved bits (§5.2.2.2)", h, v->feature);
    }
    for (unsigned i = 0; i < v->n_entries; i++) {
        if (!ivrs_check_dev(&v->entries[i], h, i, errp)) {
            return false;
        }
        len += ivrs_dev_size(&v->entries[i]);
    }
    if (len > 0xffff) {
        return IVRS_CONFIG(errp, "IVRS: IVHD %u: %zu bytes do not fit the "
                           "16-bit Length", h, len);
    }
    return true;
}

static bool ivrs_check_ivmd(const AcpiIvrsIvmd *m, unsigned i, GError **errp)
{
    if (m->type < ACPI_IVRS_IVMD_ALL || m->type > ACPI_IVRS_IVMD_RANGE) {
        return IVRS_CONFIG(errp, "IVRS: IVMD %u: type %02xh is not 20h-22h "
                           "(§5.2.2.4)", i, m->type);
    }
    if (m->flags & ~0x0fu) {
        return IVRS_CONFIG(errp, "IVRS: IVMD %u: flags %02x set reserved "
                           "bits (§5.2.2.4)", i, m->flags);
    }
    if ((m->start | m->length) & 0xfff || m->length == 0 ||
        m->start + m->length - 1 < m->start) {
        return IVRS_CONFIG(errp, "IVRS: IVMD %u: start %#" G_GINT64_MODIFIER
                           "x length %#" G_GINT64_MODIFIER "x must be 4 KiB "
                           "aligned, non-empty and below 2^64 (§5.2.2.4)",
                           i, m->start, m->length);
    }
    if (m->type == ACPI_IVRS_IVMD_RANGE &&
        m->device_id_last < m->device_id) {
        return IVRS_CONFIG(errp, "IVRS: IVMD %u: device range %04x-%04x is "
                           "empty (§5.2.2.4)", i, m->device_id,
                           m->device_id_last);
    }
    return true;
}

bool acpi_ivrs_config_check(const AcpiIvrsConfig *cfg, GError **errp)
{
    if (cfg->ivinfo & AMDVI_IVINFO_RSVD_MASK) {
        return IVRS_CONFIG(errp, "IVRS: IVinfo %08x sets reserved bits "
                           "(§5.2.1)", cfg->ivinfo);
    }
    if ((cfg->n_ivhds && !cfg->ivhds) || (cfg->n_ivmds && !cfg->ivmds)) {
        return IVRS_CONFIG(errp, "IVRS: block array missing");
    }
    for (unsigned i = 0; i < cfg->n_ivhds; i++) {
        if (!ivrs_check_ivhd(&cfg->ivhds[i], i, errp)) {
            return false;
        }
    }
    for (unsigned i = 0; i < cfg->n_ivmds; i++) {
        if (!ivrs_check_ivmd(&cfg->ivmds[i], i, errp)) {
            return false;
        }
    }
    return true;
}

static void ivrs_append_words(GByteArray *b, const uint64_t *w, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        acpi_append_u64(b, w[i]);
    }
}

/* The 4-byte entries: 01h, 02h, 03h and the 04h that ends a range. */
static void ivrs_append_dev4(GByteArray *b, unsigned type, uint16_t devid,
                             uint8_t dte)
{
    uint64_t v = amdvi_ivhd_dev4_set_type(0, type);

    v = amdvi_ivhd_dev4_set_device_id(v, devid);
    v = amdvi_ivhd_dev4_set_dte_setting(v, dte);
    acpi_append_u32(b, (uint32_t)v);
}

static void ivrs_append_dev8(GByteArray *b, const AcpiIvrsDevEntry *e,
                             unsigned type)
{
    uint64_t v;

    if (type == AMDVI_IVHD_DEV_SPECIAL) {
        v = amdvi_ivhd_dev8_special_set_type(0, type);
        v = amdvi_ivhd_dev8_special_set_dte_setting(v, e->dte_setting);
        v = amdvi_ivhd_dev8_special_set_handle(v, e->handle);
        v = amdvi_ivhd_dev8_special_set_source_device_id(v, e->devid);
        v = amdvi_ivhd_dev8_special_set_variety(v,
                e->kind == ACPI_IVRS_DEV_SPECIAL_IOAPIC
                ? AMDVI_IVHD_SPECIAL_IOAPIC : AMDVI_IVHD_SPECIAL_HPET);
    } else if (type == AMDVI_IVHD_DEV_ALIAS_SELECT ||
               type == AMDVI_IVHD_DEV_ALIAS_START) {
        v = amdvi_ivhd_dev8_alias_set_type(0, type);
        v = amdvi_ivhd_dev8_alias_set_device_id(v, e->devid);
        v = amdvi_ivhd_dev8_alias_set_dte_setting(v, e->dte_setting);
        v = amdvi_ivhd_dev8_alias_set_source_device_id(v, e->alias);
    } else {
        v = amdvi_ivhd_dev8_ext_set_type(0, type);
        v = amdvi_ivhd_dev8_ext_set_device_id(v, e->devid);
        v = amdvi_ivhd_dev8_ext_set_dte_setting(v, e->dte_setting);
        v = amdvi_ivhd_dev8_ext_set_ats_disabled(v, e->ext_setting >> 31);
    }
    acpi_append_u64(b, v);
}

static void ivrs_append_dev(GByteArray *b, const AcpiIvrsDevEntry *e)
{
    static const uint8_t types[] = {
        [ACPI_IVRS_DEV_ALL] = AMDVI_IVHD_DEV_ALL,
        [ACPI_IVRS_DEV_SELECT] = AMDVI_IVHD_DEV_SELECT,
        [ACPI_IVRS_DEV_RANGE] = AMDVI_IVHD_DEV_START,
        [ACPI_IVRS_DEV_ALIAS_SELECT] = AMDVI_IVHD_DEV_ALIAS_SELECT,
        [ACPI_IVRS_DEV_ALIAS_RANGE] = AMDVI_IVHD_DEV_ALIAS_START,
        [ACPI_IVRS_DEV_EXT_SELECT] = AMDVI_IVHD_DEV_EXT_SELECT,
        [ACPI_IVRS_DEV_EXT_RANGE] = AMDVI_IVHD_DEV_EXT_START,
        [ACPI_IVRS_DEV_SPECIAL_IOAPIC] = AMDVI_IVHD_DEV_SPECIAL,
        [ACPI_IVRS_DEV_SPECIAL_HPET] = AMDVI_IVHD_DEV_SPECIAL,
    };
    unsigned type = types[e->kind];

    if (type < AMDVI_IVHD_DEV_PAD8) {
        ivrs_append_dev4(b, type, e->kind == ACPI_IVRS_DEV_ALL ? 0 : e->devid,
                         e->dte_setting);
    } else {
        ivrs_append_dev8(b, e, type);
    }
    if (ivrs_dev_is_range(e->kind)) {
        ivrs_append_dev4(b, AMDVI_IVHD_DEV_END, e->devid_last, 0);
    }
}

static void ivrs_append_ivhd(GByteArray *b, const AcpiIvrsIvhd *v)
{
    unsigned len = ivrs_ivhd_header_len(v->type);
    uint64_t w[5] = { 0 };

    for (unsigned i = 0; i < v->n_entries; i++) {
        len += ivrs_dev_size(&v->entries[i]);
    }
    /* 10h and 11h/40h share the first 24 bytes (§5.2.2.1-2). */
    amdvi_ivhd_11_set_type(w, v->type);
    amdvi_ivhd_11_set_flags(w, v->flags);
    amdvi_ivhd_11_set_length(w, len);
    amdvi_ivhd_11_set_device_id(w, v->device_id);
    amdvi_ivhd_11_set_cap_offset(w, v->cap_offset);
    amdvi_ivhd_11_set_base_address(w, v->base);
    amdvi_ivhd_11_set_pci_segment(w, v->segment);
    amdvi_ivhd_11_set_iommu_info(w, v->iommu_info);
    if (v->type == ACPI_IVRS_IVHD_10) {
        amdvi_ivhd_10_set_feature_reporting(w, v->feature);
        ivrs_append_words(b, w, 3);
    } else {
        amdvi_ivhd_11_set_iommu_attributes(w, v->feature);
        amdvi_ivhd_11_set_efr_image(w, v->efr);
        amdvi_ivhd_11_set_efr2_image(w, v->efr2);
        ivrs_append_words(b, w, 5);
    }
    for (unsigned i = 0; i < v->n_entries; i++) {
        ivrs_append_dev(b, &v->entries[i]);
    }
}

static void ivrs_append_ivmd(GByteArray *b, const AcpiIvrsIvmd *m)
{
    uint64_t w[4] = { 0 };

    amdvi_ivmd_set_type(w, m->type);
    amdvi_ivmd_set_flags(w, m->flags);
    amdvi_ivmd_set_length(w, 32);
    amdvi_ivmd_set_device_id(w, m->type == ACPI_IVRS_IVMD_ALL ? 0
                                                              : m->device_id);
    amdvi_ivmd_set_aux_data(w, m->type == ACPI_IVRS_IVMD_RANGE
                               ? m->device_id_last : 0);
    amdvi_ivmd_set_start_address(w, m->start);
    amdvi_ivmd_set_memory_length(w, m->length);
    ivrs_append_words(b, w, 4);
}

GByteArray *acpi_build_ivrs(const AcpiIvrsConfig *cfg, GError **errp)
{
    static const AcpiTableHeaderInfo ivrs_default_header = {
        .signature = "IVRS",
        .oem_revision = ACPI_DEFAULT_OEM_REVISION,
        .creator_revision = ACPI_DEFAULT_CREATOR_REVISION,
    };
    AcpiTableHeaderInfo h;
    GByteArray *b;
    size_t start;

    if (!acpi_ivrs_config_check(cfg, errp)) {
        return NULL;
    }
    h = cfg->header ? *cfg->header : ivrs_default_header;
    h.signature = "IVRS";
    if (h.revision == 0) {
        h.revision = ACPI_IVRS_REVISION_FIXED;
        for (unsigned i = 0; i < cfg->n_ivhds; i++) {
            if (cfg->ivhds[i].type != ACPI_IVRS_IVHD_10) {
                h.revision = ACPI_IVRS_REVISION_MIXED;
            }
        }
    }
    b = g_byte_array_new();
    start = acpi_table_begin(b, &h);
    acpi_append_u32(b, cfg->ivinfo);
    acpi_append_zeros(b, 8);
    for (unsigned i = 0; i < cfg->n_ivhds; i++) {
        ivrs_append_ivhd(b, &cfg->ivhds[i]);
    }
    for (unsigned i = 0; i < cfg->n_ivmds; i++) {
        ivrs_append_ivmd(b, &cfg->ivmds[i]);
    }
    acpi_table_end(b, start);
    return b;
}
