/*
 * The IVRS an AMD-Vi unit reports (AMD IOMMU spec 48882 §5.2), filled
 * from its properties, its EFR and the functions on bus 0, and assembled
 * by hw/acpi's builder.
 *
 * Choices (docs/amdvi.md "PCI function and IVRS"):
 * - the same unit three times, as IVHD 10h, 11h and 40h: Linux picks the
 *   highest type <= 40h, and hypervisors that reject 40h (CLIENTS.md)
 *   still find 10h/11h;
 * - one select entry (02h) per present function, as QEMU 7.2 does, and
 *   the special IOAPIC entry (48h variety 1, id 0 at 00:14.0) Linux needs
 *   before it enables interrupt remapping;
 * - IVinfo and the 10h feature field derived from the EFR, so the table
 *   and the MMIO registers never disagree.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/amd-vi/amdvi-pci.h"
#include "iommu-sim/acpi.h"
#include "specs/amdvi-ivrs.h"

/* v1 tables with Mode 6 translate a 64-bit input address (§2.2.3). */
#define AMDVI_IVRS_VA_SIZE 64u
/* GVASize 010b: 48-bit guest virtual addresses (§5.2.1, with EFR.GTSup). */
#define AMDVI_IVRS_GVA_48 2u

static uint32_t amdvi_ivrs_ivinfo(const AMDVIState *s)
{
    uint64_t v = 0;

    v = amdvi_ivinfo_set_efr_sup(v, 1);
    v = amdvi_ivinfo_set_pa_size(v, s->props.pa_bits);
    v = amdvi_ivinfo_set_va_size(v, AMDVI_IVRS_VA_SIZE);
    if (amdvi_efr_get_gt_sup(s->efr)) {
        v = amdvi_ivinfo_set_gva_size(v, AMDVI_IVRS_GVA_48);
    }
    return (uint32_t)v;
}

/* IVHD 10h "IOMMU Feature Reporting": the EFR fields it mirrors. */
static uint32_t amdvi_ivrs_features_10(uint64_t efr)
{
    uint64_t v = 0;

    v = amdvi_ivhd_10_features_set_xt_sup(v, amdvi_efr_get_xt_sup(efr));
    v = amdvi_ivhd_10_features_set_nx_sup(v, amdvi_efr_get_nx_sup(efr));
    v = amdvi_ivhd_10_features_set_gt_sup(v, amdvi_efr_get_gt_sup(efr));
    v = amdvi_ivhd_10_features_set_glx_sup(v, amdvi_efr_get_glx_sup(efr));
    v = amdvi_ivhd_10_features_set_ia_sup(v, amdvi_efr_get_ia_sup(efr));
    v = amdvi_ivhd_10_features_set_ga_sup(v, amdvi_efr_get_ga_sup(efr));
    v = amdvi_ivhd_10_features_set_he_sup(v, amdvi_efr_get_he_sup(efr));
    v = amdvi_ivhd_10_features_set_pas_max(v, amdvi_efr_get_pas_max(efr));
    v = amdvi_ivhd_10_features_set_gats(v, amdvi_efr_get_gats(efr));
    v = amdvi_ivhd_10_features_set_hats(v, amdvi_efr_get_hats(efr));
    return (uint32_t)v;
}

/*
 * IVHD flags: IotlbSup (INVALIDATE_IOTLB_PAGES reaches device IOTLBs),
 * Coherent (table reads and DMA are cache coherent here), PrefSup and
 * PPRSup as the EFR says.
 */
static uint8_t amdvi_ivrs_flags(const AMDVIState *s)
{
    uint64_t v = 0;

    v = amdvi_ivhd_flags_set_iotlb_sup(v, 1);
    v = amdvi_ivhd_flags_set_coherent(v, 1);
    v = amdvi_ivhd_flags_set_pref_sup(v, amdvi_efr_get_pref_sup(s->efr));
    v = amdvi_ivhd_flags_set_ppr_sup(v, amdvi_efr_get_ppr_sup(s->efr));
    return (uint8_t)v;
}

static AcpiIvrsDevEntry *amdvi_ivrs_entries(const AMDVIIvrsInfo *info,
                                            unsigned *n)
{
    AcpiIvrsDevEntry *e = g_new0(AcpiIvrsDevEntry, info->n_devids + 1);
    unsigned k = 0;

    for (unsigned i = 0; i < info->n_devids; i++) {
        e[k].kind = ACPI_IVRS_DEV_SELECT;
        e[k++].devid = info->devids[i];
    }
    e[k].kind = ACPI_IVRS_DEV_SPECIAL_IOAPIC;
    e[k].devid = AMDVI_IVRS_IOAPIC_DEVID;
    e[k++].handle = AMDVI_IVRS_IOAPIC_ID;
    *n = k;
    return e;
}

/* Unity ranges (§5.2.2.4): 21h for one device, 22h for a range. */
static unsigned amdvi_ivrs_ivmds(const AMDVIState *s,
                                 const AMDVIIvrsInfo *info,
                                 AcpiIvrsIvmd *out)
{
    unsigned n = 0;

    for (unsigned i = 0; i < s->props.n_unity; i++) {
        const AMDVIUnityRange *u = &s->props.unity[i];
        AcpiIvrsIvmd *m = &out[n++];

        m->type = u->devid_first == u->devid_last ? ACPI_IVRS_IVMD_SELECT
                                                  : ACPI_IVRS_IVMD_RANGE;
        m->flags = ACPI_IVMD_FLAG_UNITY | (u->ir ? ACPI_IVMD_FLAG_IR : 0) |
                   (u->iw ? ACPI_IVMD_FLAG_IW : 0);
        m->device_id = u->devid_first;
        m->device_id_last = u->devid_last;
        m->start = u->start;
        m->length = u->end - u->start + 1;
    }
    if (info->excl_len) {
        AcpiIvrsIvmd *m = &out[n++];

        m->type = ACPI_IVRS_IVMD_ALL;
        m->flags = ACPI_IVMD_FLAG_EXCL_RANGE;
        m->start = info->excl_start;
        m->length = info->excl_len;
    }
    return n;
}

GByteArray *amdvi_acpi_build_ivrs(const AMDVIState *s,
                                  const AMDVIIvrsInfo *info, GError **errp)
{
    static const uint8_t types[] = {
        ACPI_IVRS_IVHD_10, ACPI_IVRS_IVHD_11, ACPI_IVRS_IVHD_40,
    };
    AcpiIvrsIvhd ivhd[G_N_ELEMENTS(types)] = { 0 };
    AcpiIvrsIvmd ivmd[AMDVI_MAX_UNITY + 1] = { 0 };
    AcpiIvrsConfig cfg = { 0 };
    AcpiIvrsDevEntry *entries;
    unsigned n_entries;
    GByteArray *b;

    entries = amdvi_ivrs_entries(info, &n_entries);
    for (unsigned i = 0; i < G_N_ELEMENTS(types); i++) {
        ivhd[i].type = types[i];
        ivhd[i].flags = amdvi_ivrs_flags(s);
        ivhd[i].device_id = info->iommu_devid;
        ivhd[i].cap_offset = info->cap_offset;
        ivhd[i].base = info->mmio_base;
        /* 10h reports features; 11h/40h carry the EFR images instead. */
        ivhd[i].feature = types[i] == ACPI_IVRS_IVHD_10
                          ? amdvi_ivrs_features_10(s->efr) : 0;
        ivhd[i].efr = types[i] == ACPI_IVRS_IVHD_10 ? 0 : s->efr;
        ivhd[i].efr2 = types[i] == ACPI_IVRS_IVHD_10 ? 0 : s->efr2;
        ivhd[i].entries = entries;
        ivhd[i].n_entries = n_entries;
    }
    cfg.ivinfo = amdvi_ivrs_ivinfo(s);
    cfg.ivhds = ivhd;
    cfg.n_ivhds = G_N_ELEMENTS(ivhd);
    cfg.ivmds = ivmd;
    cfg.n_ivmds = amdvi_ivrs_ivmds(s, info, ivmd);
    b = acpi_build_ivrs(&cfg, errp);
    g_free(entries);
    return b;
}
