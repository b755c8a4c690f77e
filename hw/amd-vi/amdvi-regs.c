/*
 * AMD-Vi MMIO register side effects (AMD IOMMU spec 48882 §3.4).
 *
 * The generated table (specs/amdvi/regs.toml) gives every register its
 * reset value and RW / RO / RW1C / reserved bits; the mask engine applies
 * them.  Hooks here add what the masks cannot say:
 *   CONTROL     bits the model does not implement read back 0; EventLogEn
 *               and IOMMUEn drive STATUS.EventLogRun; CmdBufEn goes to
 *               the command buffer (amdvi-cmd)
 *   bases       address bits at and above the physical address size are
 *               reserved (DEVTAB_BASE, EVENT_LOG_BASE, exclusion range)
 *   MSI mirror  0158h-0164h live only with EFR.MsiCapMmioSup
 *   EFR, EFR2   reset values from efr-profile / x-efr
 * STATUS W1C and the head/tail pointers need no hook: the table says it.
 * The command buffer registers (CMD_BUF_BASE/HEAD/TAIL) get their hooks
 * from amdvi-cmd.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/amd-vi/amdvi-internal.h"

/*
 * QEMU 7.2 AMDVI_DEFAULT_EXT_FEATURES (hw/i386/amd_iommu.h): PreFSup,
 * PPRSup, GTSup, IASup, GASup, HESup, HATS=2, GATS=2.
 */
#define AMDVI_EFR_QEMU 0x29d3ull
/*
 * AMD EPYC (Zen 2 / Zen 3) as Linux prints it ("AMD-Vi: Extended
 * features (0x58f77ef22294ade): PPR X2APIC NX GT IA GA PC GA_vAPIC" in
 * public dmesg logs): PPR, XT, NX, GT, IA, GA, PC, HATS=2 (6 levels),
 * GAM (vAPIC), PASMax 15, MsiCapMmioSup, PerfOptSup; EFR2 0.
 */
#define AMDVI_EFR_ZEN 0x58f77ef22294adeull

void amdvi_regs_compute_efr(const AMDVIProps *p, uint64_t *efr,
                            uint64_t *efr2)
{
    *efr = p->efr_profile == AMDVI_EFR_PROFILE_ZEN ? AMDVI_EFR_ZEN
                                                    : AMDVI_EFR_QEMU;
    /* Later QEMU's xtsup=on adds XTSup to the same value. */
    if (p->xtsup) {
        *efr |= AMDVI_EFR_XT_SUP_MASK;
    }
    *efr2 = 0;
    if (p->efr_set) {
        *efr = p->efr;
    }
    if (p->efr2_set) {
        *efr2 = p->efr2;
    }
}

/*
 * What this model implements: the IOMMU, event log, command buffer and
 * their interrupts; InvTimeOut and the HyperTransport attribute bits
 * (PassPW, ResPassPW, Coherent, Isoc, HtTunEn) are stored as hardware
 * does, without a functional effect here.  XTEn / IntCapXTEn are kept
 * when EFR.XTSup for the interrupt-remapping issue.  PPR, GT, GA, SMI
 * filter, dual logs, MARC and the rest read back 0 until their issues.
 */
uint64_t amdvi_regs_control_supported(uint64_t efr)
{
    uint64_t m = AMDVI_CONTROL_IOMMU_EN_MASK | AMDVI_CONTROL_HT_TUN_EN_MASK |
                 AMDVI_CONTROL_EVENT_LOG_EN_MASK |
                 AMDVI_CONTROL_EVENT_INT_EN_MASK |
                 AMDVI_CONTROL_COM_WAIT_INT_EN_MASK |
                 AMDVI_CONTROL_INV_TIME_OUT_MASK |
                 AMDVI_CONTROL_PASS_PW_MASK | AMDVI_CONTROL_RES_PASS_PW_MASK |
                 AMDVI_CONTROL_COHERENT_MASK | AMDVI_CONTROL_ISOC_MASK |
                 AMDVI_CONTROL_CMD_BUF_EN_MASK;

    if (efr & AMDVI_EFR_XT_SUP_MASK) {
        m |= AMDVI_CONTROL_XT_EN_MASK | AMDVI_CONTROL_INT_CAP_XT_EN_MASK;
    }
    return m;
}

/* --- CONTROL ------------------------------------------------------------ */

static void amdvi_control_pre(RegFile *rf, unsigned reg, unsigned inst,
                              uint64_t old, uint64_t *new_value,
                              uint64_t written, void *opaque)
{
    AMDVIState *s = opaque;

    *new_value &= s->control_supported;
}

static void amdvi_control_post(RegFile *rf, unsigned reg, unsigned inst,
                               uint64_t old, uint64_t new_value,
                               uint64_t written, void *opaque)
{
    AMDVIState *s = opaque;

    amdvi_event_log_control(s, old, new_value);
    amdvi_cmd_control_written(s, old, new_value);
}

static const RegHooks amdvi_control_hooks = {
    .name = "CONTROL: supported bits, EventLogRun, CmdBufRun",
    .pre_write = amdvi_control_pre,
    .post_write = amdvi_control_post,
};

/* --- address registers ---------------------------------------------------- */

/* Bits at and above the physical address size are reserved (§3.4). */
static void amdvi_addr_reg_pre(RegFile *rf, unsigned reg, unsigned inst,
                               uint64_t old, uint64_t *new_value,
                               uint64_t written, void *opaque)
{
    AMDVIState *s = opaque;

    *new_value &= ~(s->pa_mask & REG_BITS(51, 0));
}

static const RegHooks amdvi_addr_hooks = {
    .name = "base/limit: address bits above pa-bits reserved",
    .pre_write = amdvi_addr_reg_pre,
};

/* --- MSI capability mirror (0158h-0164h) ------------------------------ */

static bool amdvi_msi_mmio_sup(const AMDVIState *s)
{
    return (s->efr & AMDVI_EFR_MSI_CAP_MMIO_SUP_MASK) != 0;
}

static void amdvi_msi_mirror_pre(RegFile *rf, unsigned reg, unsigned inst,
                                 uint64_t old, uint64_t *new_value,
                                 uint64_t written, void *opaque)
{
    AMDVIState *s = opaque;

    if (!amdvi_msi_mmio_sup(s)) {
        *new_value = old;
    }
}

static void amdvi_msi_mirror_post(RegFile *rf, unsigned reg, unsigned inst,
                                  uint64_t old, uint64_t new_value,
                                  uint64_t written, void *opaque)
{
    AMDVIState *s = opaque;
    MsiMessage msg = {
        .address = (amdvi_reg_get(s, AMDVI_RI_MSI_ADDR_HI) << 32) |
                   amdvi_reg_get(s, AMDVI_RI_MSI_ADDR_LO),
        .data = (uint32_t)amdvi_reg_get(s, AMDVI_RI_MSI_DATA),
    };

    if (!amdvi_msi_mmio_sup(s)) {
        return;
    }
    amdvi_msi_configure(s, (amdvi_reg_get(s, AMDVI_RI_MSI_CAP_HDR) &
                            AMDVI_MSI_CAP_HDR_MSI_EN_MASK) != 0, msg);
}

static const RegHooks amdvi_msi_mirror_hooks = {
    .name = "MSI capability mirror (EFR.MsiCapMmioSup)",
    .pre_write = amdvi_msi_mirror_pre,
    .post_write = amdvi_msi_mirror_post,
};

void amdvi_regs_install_hooks(AMDVIState *s)
{
    static const unsigned addr_regs[] = {
        AMDVI_RI_DEVTAB_BASE, AMDVI_RI_EVENT_LOG_BASE, AMDVI_RI_EXCL_BASE,
        AMDVI_RI_EXCL_LIMIT,
    };
    static const unsigned msi_regs[] = {
        AMDVI_RI_MSI_CAP_HDR, AMDVI_RI_MSI_ADDR_LO, AMDVI_RI_MSI_ADDR_HI,
        AMDVI_RI_MSI_DATA,
    };

    regfile_set_hooks(s->regs, AMDVI_RI_CONTROL, &amdvi_control_hooks, s);
    for (size_t i = 0; i < G_N_ELEMENTS(addr_regs); i++) {
        regfile_set_hooks(s->regs, addr_regs[i], &amdvi_addr_hooks, s);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(msi_regs); i++) {
        regfile_set_hooks(s->regs, msi_regs[i], &amdvi_msi_mirror_hooks, s);
    }
}

/* --- exclusion range (§2.3.x, EXCL_BASE / EXCL_LIMIT) --------------------- */

/*
 * ExEn turns the range on; with Allow every device is excluded, without
 * it only devices whose DTE has EX set.  The limit is inclusive with
 * address bits 11:0 taken as FFFh.  Excluded accesses pass untranslated
 * and unchecked.
 */
bool amdvi_excl_applies(const AMDVIState *s, const AMDVIDte *dte,
                        uint64_t addr)
{
    uint64_t base = amdvi_reg_get(s, AMDVI_RI_EXCL_BASE);
    uint64_t lo = base & AMDVI_EXCL_BASE_EXCL_RANGE_BASE_MASK;
    uint64_t hi = (amdvi_reg_get(s, AMDVI_RI_EXCL_LIMIT) &
                   AMDVI_EXCL_LIMIT_EXCL_RANGE_LIMIT_MASK) | 0xfff;

    if (!(base & AMDVI_EXCL_BASE_EX_EN_MASK) || addr < lo || addr > hi) {
        return false;
    }
    return (base & AMDVI_EXCL_BASE_ALLOW_MASK) || (dte && dte->ex);
}
