/*
 * Intel VT-d: capability values and the register side effects.
 *
 * The register file itself (offsets, reset values, RO/RW/W1C/reserved
 * masks) is generated from specs/vtd/regs.toml and run by hw/core's mask
 * engine; this file only attaches named hooks:
 *   GCMD  -> GSTS (§11.4.4.1/2; the three client idioms of CLIENTS.md all
 *            reduce to "compare each command bit with its status bit")
 *   FSTS, FRCD.F, FECTL  fault status and event (vtd-fault.c)
 *   IECTL                invalidation event (vtd-fault.c)
 *   PMEN                 protected-memory enable (vtd-pmr.c)
 *   registers whose feature CAP/ECAP does not advertise read as zero.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/intel-vtd/vtd-internal.h"

/* VER 1.0, what QEMU 7.2 reports (§11.4.1). */
#define VTD_VER_QEMU 0x10u
/* Broadwell-EP as published in dmesg logs (CLIENTS.md). */
#define VTD_CAP_BROADWELL_EP 0x08d2078c106f0466ull
#define VTD_ECAP_BROADWELL_EP 0x0000000000f020dfull

/* QEMU 7.2's fixed fields: FRO 0x220, NFR 1, ND 6, MAMV 18, PSI, 2M+1G. */
static uint64_t vtd_cap_qemu(const VTDProps *p)
{
    uint64_t cap = 0, sagaw = 0;

    cap = vtd_cap_set_nd(cap, 6);
    cap = vtd_cap_set_fro(cap, 0x220 / 16);
    cap = vtd_cap_set_nfr(cap, 0);
    cap = vtd_cap_set_mamv(cap, 18);
    cap = vtd_cap_set_psi(cap, 1);
    cap = vtd_cap_set_sslps(cap, 3);
    cap = vtd_cap_set_mgaw(cap, p->aw_bits - 1);
    /* SAGAW bit 1: 39-bit/3-level, bit 2: 48/4, bit 3: 57/5 (§11.4.2). */
    if (p->dma_translation) {
        sagaw = 1u << 1;
        if (p->aw_bits >= 48) {
            sagaw |= 1u << 2;
        }
        if (p->aw_bits >= 57) {
            sagaw |= 1u << 3;
        }
    }
    cap = vtd_cap_set_sagaw(cap, sagaw);
    cap = vtd_cap_set_dwd(cap, p->dma_drain);
    cap = vtd_cap_set_drd(cap, p->dma_drain);
    cap = vtd_cap_set_cm(cap, p->caching_mode);
    return cap;
}

static uint64_t vtd_ecap_qemu(const VTDProps *p)
{
    uint64_t ecap = 0;

    ecap = vtd_ecap_set_qi(ecap, 1);
    ecap = vtd_ecap_set_iro(ecap, 0xf0 / 16);
    if (p->intremap) {
        ecap = vtd_ecap_set_ir(ecap, 1);
        ecap = vtd_ecap_set_mhmv(ecap, 0xf);
        ecap = vtd_ecap_set_eim(ecap, p->eim == 1);
    }
    ecap = vtd_ecap_set_pt(ecap, p->pt);
    ecap = vtd_ecap_set_dt(ecap, p->device_iotlb);
    ecap = vtd_ecap_set_sc(ecap, p->snoop_control);
    if (p->scalable_mode) {
        ecap = vtd_ecap_set_smts(ecap, 1);
        ecap = vtd_ecap_set_srs(ecap, 1);
        ecap = vtd_ecap_set_ssts(ecap, 1);
        ecap = vtd_ecap_set_pasid(ecap, p->pasid_mode);
    }
    return ecap;
}

/* QEMU-named booleans given explicitly also apply to the other profiles. */
static void vtd_caps_apply_explicit(const VTDProps *p, uint64_t *cap,
                                    uint64_t *ecap)
{
    if (p->explicit_props & VTD_PROP_CACHING_MODE) {
        *cap = vtd_cap_set_cm(*cap, p->caching_mode);
    }
    if (p->explicit_props & VTD_PROP_DMA_DRAIN) {
        *cap = vtd_cap_set_dwd(*cap, p->dma_drain);
        *cap = vtd_cap_set_drd(*cap, p->dma_drain);
    }
    if (p->explicit_props & VTD_PROP_PT) {
        *ecap = vtd_ecap_set_pt(*ecap, p->pt);
    }
    if (p->explicit_props & VTD_PROP_DEVICE_IOTLB) {
        *ecap = vtd_ecap_set_dt(*ecap, p->device_iotlb);
    }
    if (p->explicit_props & VTD_PROP_INTREMAP) {
        *ecap = vtd_ecap_set_ir(*ecap, p->intremap);
    }
}

#define VTD_OVR(field, reg, setter) \
    do { \
        if (p->field.set) { \
            reg = setter(reg, p->field.value); \
        } \
    } while (0)

static void vtd_caps_apply_overrides(const VTDProps *p, uint64_t *cap,
                                     uint64_t *ecap)
{
    uint64_t c = *cap, e = *ecap;

    VTD_OVR(nfr, c, vtd_cap_set_nfr);
    VTD_OVR(fro, c, vtd_cap_set_fro);
    VTD_OVR(sagaw, c, vtd_cap_set_sagaw);
    VTD_OVR(sllps, c, vtd_cap_set_sslps);
    VTD_OVR(mgaw, c, vtd_cap_set_mgaw);
    VTD_OVR(plmr, c, vtd_cap_set_plmr);
    VTD_OVR(phmr, c, vtd_cap_set_phmr);
    VTD_OVR(cm, c, vtd_cap_set_cm);
    VTD_OVR(psi, c, vtd_cap_set_psi);
    VTD_OVR(mamv, c, vtd_cap_set_mamv);
    VTD_OVR(zlr, c, vtd_cap_set_zlr);
    VTD_OVR(rwbf, c, vtd_cap_set_rwbf);
    VTD_OVR(nd, c, vtd_cap_set_nd);
    VTD_OVR(esrtps, c, vtd_cap_set_esrtps);
    VTD_OVR(esirtps, c, vtd_cap_set_esirtps);
    VTD_OVR(iro, e, vtd_ecap_set_iro);
    VTD_OVR(qi, e, vtd_ecap_set_qi);
    VTD_OVR(ir, e, vtd_ecap_set_ir);
    VTD_OVR(pt_ecap, e, vtd_ecap_set_pt);
    VTD_OVR(adms, e, vtd_ecap_set_adms);
    VTD_OVR(sc, e, vtd_ecap_set_sc);
    VTD_OVR(dt, e, vtd_ecap_set_dt);
    VTD_OVR(eim_ecap, e, vtd_ecap_set_eim);
    VTD_OVR(smts, e, vtd_ecap_set_smts);
    *cap = c;
    *ecap = e;
}

/*
 * The fault records (CAP.FRO, NFR + 1 of 16 bytes) and the IVA/IOTLB pair
 * (ECAP.IRO) must lie inside the 4 KiB register window and apart: software
 * finds them only there (§11.4.7.4, §11.4.8).
 */
static bool vtd_regs_layout_fits(uint64_t cap, uint64_t ecap, GError **errp)
{
    uint64_t fro = vtd_cap_get_fro(cap) * 16;
    uint64_t fend = fro + (vtd_cap_get_nfr(cap) + 1) * 16;
    uint64_t iro = vtd_ecap_get_iro(ecap) * 16, iend = iro + 16;

    if (fend > VTD_MMIO_SIZE) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "intel-iommu: cap-fro / cap-nfr put fault records at "
                    "0x%" G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER "x, "
                    "past the 4 KiB register window", fro, fend - 1);
        return false;
    }
    if (iend > VTD_MMIO_SIZE) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "intel-iommu: ecap-iro puts IVA/IOTLB at 0x%"
                    G_GINT64_MODIFIER "x, past the 4 KiB register window",
                    iro);
        return false;
    }
    if (iro < fend && fro < iend) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "intel-iommu: ecap-iro and cap-fro / cap-nfr overlap "
                    "(IVA/IOTLB at 0x%" G_GINT64_MODIFIER "x, fault records "
                    "0x%" G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER "x)",
                    iro, fro, fend - 1);
        return false;
    }
    return true;
}

bool vtd_regs_compute_caps(const VTDProps *p, uint64_t *ver, uint64_t *cap,
                           uint64_t *ecap, GError **errp)
{
    if (p->profile == VTD_PROFILE_BROADWELL_EP) {
        *cap = VTD_CAP_BROADWELL_EP;
        *ecap = VTD_ECAP_BROADWELL_EP;
        vtd_caps_apply_explicit(p, cap, ecap);
    } else {
        *cap = vtd_cap_qemu(p);
        *ecap = vtd_ecap_qemu(p);
    }
    vtd_caps_apply_overrides(p, cap, ecap);
    if (p->cap_raw.set) {
        *cap = p->cap_raw.value;
    }
    if (p->ecap_raw.set) {
        *ecap = p->ecap_raw.value;
    }
    *ver = p->version.set ? p->version.value : VTD_VER_QEMU;
    /* The register file reserves room for this many fault records. */
    if (vtd_cap_get_nfr(*cap) + 1 > VTD_GROUP_FRCD_REGS_MAX_COUNT) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "intel-iommu: cap-nfr too large");
        return false;
    }
    /* Above the fixed map (QEMU puts IVA/IOTLB at 0xf0/0xf8). */
    if (vtd_cap_get_fro(*cap) * 16 < 0xf0 ||
        vtd_ecap_get_iro(*ecap) * 16 < 0xf0) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "intel-iommu: cap-fro / ecap-iro must place their "
                    "registers at or above 0xf0 (§11.4)");
        return false;
    }
    return vtd_regs_layout_fits(*cap, *ecap, errp);
}

/* --- GCMD -> GSTS (§11.4.4.1) --------------------------------------- */

/* SRTP: latch RTADDR (§11.4.5); RTPS reads back set at once. */
static void vtd_gcmd_srtp(VTDState *s)
{
    uint64_t rta = vtd_reg_get(s, VTD_RI_RTADDR);

    s->root_addr = rta & VTD_RTADDR_RTA_MASK & ~s->haw_mask;
    s->root_ttm = vtd_rtaddr_get_ttm(rta);
    s->root_valid = true;
    vtd_reg_update(s, VTD_RI_GSTS, 0, VTD_GSTS_RTPS_MASK);
}

static void vtd_gcmd_follow(VTDState *s, uint64_t cmd, uint64_t cmd_mask,
                            uint64_t sts_mask)
{
    vtd_reg_update(s, VTD_RI_GSTS, sts_mask, (cmd & cmd_mask) ? sts_mask : 0);
}

/* §7.2.1: the record index restarts when both remapping functions stop. */
static void vtd_gcmd_check_idle(VTDState *s)
{
    if (!vtd_gsts_has(s, VTD_GSTS_TES_MASK) &&
        !vtd_gsts_has(s, VTD_GSTS_IRES_MASK)) {
        s->fault_next = 0;
    }
}

static void vtd_gcmd_ir_bits(VTDState *s, uint64_t cmd)
{
    if (!vtd_ecap_get_ir(s->ecap)) {
        return;
    }
    if (cmd & VTD_GCMD_SIRTP_MASK) {
        s->irta_latched = vtd_reg_get(s, VTD_RI_IRTA);
        vtd_reg_update(s, VTD_RI_GSTS, 0, VTD_GSTS_IRTPS_MASK);
    }
    vtd_gcmd_follow(s, cmd, VTD_GCMD_IRE_MASK, VTD_GSTS_IRES_MASK);
    vtd_gcmd_follow(s, cmd, VTD_GCMD_CFI_MASK, VTD_GSTS_CFIS_MASK);
}

static void vtd_gcmd_qie(VTDState *s, uint64_t cmd)
{
    bool on = (cmd & VTD_GCMD_QIE_MASK) != 0;

    if (!vtd_ecap_get_qi(s->ecap) ||
        on == vtd_gsts_has(s, VTD_GSTS_QIES_MASK)) {
        return;
    }
    vtd_inv_set_qie(s, on);
}

static void vtd_gcmd_post_write(RegFile *rf, unsigned reg, unsigned inst,
                                uint64_t old, uint64_t cmd, uint64_t written,
                                void *opaque)
{
    VTDState *s = opaque;

    if (cmd & VTD_GCMD_SRTP_MASK) {
        vtd_gcmd_srtp(s);
    }
    /* WBF completes at once: WBFS never reads set (§6.8, CAP.RWBF). */
    vtd_gcmd_qie(s, cmd);
    vtd_gcmd_ir_bits(s, cmd);
    if (s->props.dma_translation) {
        vtd_gcmd_follow(s, cmd, VTD_GCMD_TE_MASK, VTD_GSTS_TES_MASK);
    }
    vtd_gcmd_check_idle(s);
}

static const RegHooks vtd_gcmd_hooks = {
    .name = "GCMD: command bits to GSTS status (§11.4.4)",
    .post_write = vtd_gcmd_post_write,
};

/* --- fault and event registers -------------------------------------- */

static void vtd_fsts_post_write(RegFile *rf, unsigned reg, unsigned inst,
                                uint64_t old, uint64_t new_value,
                                uint64_t written, void *opaque)
{
    VTDState *s = opaque;

    vtd_fault_status_changed(s);
    if ((old & VTD_FSTS_IQE_MASK) && !(new_value & VTD_FSTS_IQE_MASK)) {
        vtd_inv_iqe_cleared(s);
    }
}

static const RegHooks vtd_fsts_hooks = {
    .name = "FSTS: status W1C, PPF derived, IP cleared (§11.4.7.1)",
    .post_write = vtd_fsts_post_write,
};

static void vtd_frcd_post_write(RegFile *rf, unsigned reg, unsigned inst,
                                uint64_t old, uint64_t new_value,
                                uint64_t written, void *opaque)
{
    vtd_fault_status_changed(opaque);
}

static const RegHooks vtd_frcd_hooks = {
    .name = "FRCD.F W1C: PPF recomputed (§11.4.7.6)",
    .post_write = vtd_frcd_post_write,
};

static void vtd_fectl_post_write(RegFile *rf, unsigned reg, unsigned inst,
                                 uint64_t old, uint64_t new_value,
                                 uint64_t written, void *opaque)
{
    vtd_fault_fectl_written(opaque);
}

static const RegHooks vtd_fectl_hooks = {
    .name = "FECTL: unmask delivers a pending fault event (§7.3.1)",
    .post_write = vtd_fectl_post_write,
};

static void vtd_iectl_post_write(RegFile *rf, unsigned reg, unsigned inst,
                                 uint64_t old, uint64_t new_value,
                                 uint64_t written, void *opaque)
{
    vtd_inv_event_iectl_written(opaque);
}

static const RegHooks vtd_iectl_hooks = {
    .name = "IECTL: unmask delivers a pending invalidation event (§7.4)",
    .post_write = vtd_iectl_post_write,
};

static void vtd_pmen_post_write(RegFile *rf, unsigned reg, unsigned inst,
                                uint64_t old, uint64_t new_value,
                                uint64_t written, void *opaque)
{
    vtd_pmr_pmen_written(opaque);
}

static const RegHooks vtd_pmen_hooks = {
    .name = "PMEN: PRS follows EPM (§11.4.8.1)",
    .post_write = vtd_pmen_post_write,
};

/* --- registers of features the unit does not report ------------------ */

static void vtd_absent_pre_write(RegFile *rf, unsigned reg, unsigned inst,
                                 uint64_t old, uint64_t *new_value,
                                 uint64_t written, void *opaque)
{
    *new_value = old;
}

static const RegHooks vtd_absent_hooks = {
    .name = "reserved: feature not reported in CAP/ECAP (§11.4)",
    .pre_write = vtd_absent_pre_write,
};

static void vtd_regs_mark_absent(VTDState *s, const unsigned *ri, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        regfile_set_reset(s->regs, ri[i], 0);
        regfile_set_hooks(s->regs, ri[i], &vtd_absent_hooks, s);
    }
}

static void vtd_regs_hide_unreported(VTDState *s)
{
    static const unsigned qi[] = {
        VTD_RI_IQH, VTD_RI_IQT, VTD_RI_IQA, VTD_RI_ICS, VTD_RI_IECTL,
        VTD_RI_IEDATA, VTD_RI_IEADDR, VTD_RI_IEUADDR, VTD_RI_IQERCD,
    };
    static const unsigned prq[] = {
        VTD_RI_PQH, VTD_RI_PQT, VTD_RI_PQA, VTD_RI_PRS, VTD_RI_PECTL,
        VTD_RI_PEDATA, VTD_RI_PEADDR, VTD_RI_PEUADDR,
    };
    static const unsigned mtrr[] = { VTD_RI_MTRRCAP, VTD_RI_MTRRDEF };
    static const unsigned plm[] = { VTD_RI_PLMBASE, VTD_RI_PLMLIMIT };
    static const unsigned phm[] = { VTD_RI_PHMBASE, VTD_RI_PHMLIMIT };
    static const unsigned pmen[] = { VTD_RI_PMEN };
    static const unsigned irta[] = { VTD_RI_IRTA };
    static const unsigned aflog[] = { VTD_RI_AFLOG };

    if (!vtd_ecap_get_qi(s->ecap)) {
        vtd_regs_mark_absent(s, qi, G_N_ELEMENTS(qi));
    }
    if (!vtd_ecap_get_prs(s->ecap)) {
        vtd_regs_mark_absent(s, prq, G_N_ELEMENTS(prq));
    }
    if (!vtd_ecap_get_mts(s->ecap)) {
        vtd_regs_mark_absent(s, mtrr, G_N_ELEMENTS(mtrr));
    }
    if (!vtd_cap_get_plmr(s->cap)) {
        vtd_regs_mark_absent(s, plm, G_N_ELEMENTS(plm));
    }
    if (!vtd_cap_get_phmr(s->cap)) {
        vtd_regs_mark_absent(s, phm, G_N_ELEMENTS(phm));
    }
    if (!vtd_cap_get_plmr(s->cap) && !vtd_cap_get_phmr(s->cap)) {
        vtd_regs_mark_absent(s, pmen, G_N_ELEMENTS(pmen));
    }
    if (!vtd_ecap_get_ir(s->ecap)) {
        vtd_regs_mark_absent(s, irta, G_N_ELEMENTS(irta));
    }
    /* Advanced fault logging is gone from Rev 5.10 (CAP.AFL reserved). */
    vtd_regs_mark_absent(s, aflog, G_N_ELEMENTS(aflog));
}

void vtd_regs_install_hooks(VTDState *s)
{
    regfile_set_hooks(s->regs, VTD_RI_GCMD, &vtd_gcmd_hooks, s);
    regfile_set_hooks(s->regs, VTD_RI_FSTS, &vtd_fsts_hooks, s);
    regfile_set_hooks(s->regs, VTD_RI_FRCD_W1, &vtd_frcd_hooks, s);
    regfile_set_hooks(s->regs, VTD_RI_FECTL, &vtd_fectl_hooks, s);
    regfile_set_hooks(s->regs, VTD_RI_IECTL, &vtd_iectl_hooks, s);
    regfile_set_hooks(s->regs, VTD_RI_PMEN, &vtd_pmen_hooks, s);
    /* Last, so an unreported feature stays inert whoever hooked it. */
    vtd_regs_hide_unreported(s);
}
