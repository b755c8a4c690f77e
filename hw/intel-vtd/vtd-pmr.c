/*
 * Intel VT-d: protected memory regions (VT-d 5.10 §11.4.8, CAP.PLMR /
 * CAP.PHMR) and Abort-DMA mode (RTADDR.TTM = 11b with ECAP.ADMS,
 * §11.4.5).
 *
 * PMRs let firmware (EDK2 IntelVTdPmrPei, coreboot) fence DMA before the
 * remapping tables exist.  Firmware probes the granularity by writing all
 * ones to PLMBASE and reading back: the low bits that stay zero are the
 * implementation's N (fixed by specs/vtd/regs.toml at 1 MiB).  Requests
 * into an enabled region are blocked without a fault record; remapping
 * structure reads by the unit itself are not checked.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/intel-vtd/vtd-internal.h"

void vtd_pmr_pmen_written(VTDState *s)
{
    uint64_t pmen = vtd_reg_get(s, VTD_RI_PMEN);
    bool on = (pmen & VTD_PMEN_EPM_MASK) != 0;

    /* Enabling/disabling completes at once: PRS follows EPM. */
    vtd_reg_update(s, VTD_RI_PMEN, VTD_PMEN_PRS_MASK,
                   on ? VTD_PMEN_PRS_MASK : 0);
}

/* [base, limit] inclusive; limit extends to the end of its granule. */
static bool vtd_pmr_in(uint64_t addr, uint64_t base, uint64_t limit,
                       uint64_t field_mask)
{
    uint64_t lo = base & field_mask;
    uint64_t hi = (limit & field_mask) | ((field_mask & -field_mask) - 1);

    return lo <= hi && addr >= lo && addr <= hi;
}

bool vtd_pmr_blocks(const VTDState *s, uint64_t addr)
{
    if (!(vtd_reg_get(s, VTD_RI_PMEN) & VTD_PMEN_PRS_MASK)) {
        return false;
    }
    if (vtd_cap_get_plmr(s->cap) &&
        vtd_pmr_in(addr, vtd_reg_get(s, VTD_RI_PLMBASE),
                   vtd_reg_get(s, VTD_RI_PLMLIMIT), VTD_PLMBASE_PLMB_MASK) &&
        addr < (1ull << 32)) {
        return true;
    }
    return vtd_cap_get_phmr(s->cap) &&
           vtd_pmr_in(addr, vtd_reg_get(s, VTD_RI_PHMBASE),
                      vtd_reg_get(s, VTD_RI_PHMLIMIT),
                      VTD_PHMBASE_PHMB_MASK);
}

bool vtd_abort_dma_mode(const VTDState *s)
{
    return s->root_valid && s->root_ttm == 3 &&
           vtd_ecap_get_adms(s->ecap) &&
           vtd_gsts_has(s, VTD_GSTS_TES_MASK);
}
