/*
 * AMD-Vi device table (AMD IOMMU spec 48882 §2.2.2): where a DeviceID's
 * 256-bit entry lives, reading it, and decoding it.
 *
 * DEVTAB_BASE holds the 4 KiB-aligned base and Size = (table bytes / 4
 * KiB) - 1, so Size 1FFh covers all 65536 DeviceIDs (Linux writes
 * (dev_table_size >> 12) - 1).  A DTE is 32 bytes at base + DeviceID * 32
 * (§2.2.2.1).
 *
 * Decoding checks what makes an entry illegal (ILLEGAL_DEV_TABLE_ENTRY,
 * §2.5.2): a reserved bit set while V=1 (the newer layout: QEMU 7.2
 * still reserves HAD, PPR, GPRP, see specs/amdvi/entries.toml), Mode 7,
 * a Mode deeper than EFR.HATS allows, a page-table root beyond the
 * physical address size.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/amd-vi/amdvi-internal.h"

uint64_t amdvi_devtab_base(const AMDVIState *s)
{
    return amdvi_reg_get(s, AMDVI_RI_DEVTAB_BASE) &
           AMDVI_DEVTAB_BASE_DEVTAB_BASE_MASK;
}

uint32_t amdvi_devtab_entries(const AMDVIState *s)
{
    uint64_t size = amdvi_devtab_base_get_size(
        amdvi_reg_get(s, AMDVI_RI_DEVTAB_BASE));

    return (uint32_t)((size + 1) * (4096u / AMDVI_DTE_SIZE));
}

uint64_t amdvi_dte_addr(const AMDVIState *s, uint16_t devid)
{
    return amdvi_devtab_base(s) + (uint64_t)devid * AMDVI_DTE_SIZE;
}

AMDVIStatus amdvi_dte_fetch(AMDVIState *s, uint16_t devid, uint64_t raw[4],
                            uint32_t *mem_reads)
{
    uint8_t buf[AMDVI_DTE_SIZE];

    memset(raw, 0, 4 * sizeof(raw[0]));
    if (devid >= amdvi_devtab_entries(s)) {
        return AMDVI_ST_BEYOND_DEVTAB;
    }
    (*mem_reads)++;
    if (address_space_read(s->dma_as, amdvi_dte_addr(s, devid),
                           MEMTXATTRS_UNSPECIFIED, buf, sizeof(buf))
        != MEMTX_OK) {
        return AMDVI_ST_DTE_HW_ERROR;
    }
    for (unsigned i = 0; i < AMDVI_DTE_SIZE; i++) {
        raw[i / 8] |= (uint64_t)buf[i] << (8 * (i % 8));
    }
    return AMDVI_OK;
}

/* Deepest Mode EFR.HATS allows: 00b 4 levels, 01b 5, 10b 6 (§3.4 EFR). */
static unsigned amdvi_dte_max_mode(const AMDVIState *s)
{
    unsigned hats = (unsigned)amdvi_efr_get_hats(s->efr);

    return hats > 2 ? 4 : 4 + hats;
}

static void amdvi_dte_decode_fields(const uint64_t raw[4], AMDVIDte *d)
{
    d->v = amdvi_dte_get_v(raw);
    d->tv = amdvi_dte_get_tv(raw);
    d->mode = (uint8_t)amdvi_dte_get_mode(raw);
    d->pt_root = amdvi_dte_get_pt_root(raw) << 12;
    d->ir = amdvi_dte_get_ir(raw);
    d->iw = amdvi_dte_get_iw(raw);
    d->domain_id = (uint16_t)amdvi_dte_get_domain_id(raw);
    d->i = amdvi_dte_get_i(raw);
    d->se = amdvi_dte_get_se(raw);
    d->sa = amdvi_dte_get_sa(raw);
    d->ioctl = (uint8_t)amdvi_dte_get_ioctl(raw);
    d->cache = amdvi_dte_get_cache(raw);
    d->sd = amdvi_dte_get_sd(raw);
    d->ex = amdvi_dte_get_ex(raw);
    d->sys_mgt = (uint8_t)amdvi_dte_get_sys_mgt(raw);
    d->sats = amdvi_dte_get_sats(raw);
}

/* Interrupt-remapping fields (§2.2.2.1), stored for that issue. */
static void amdvi_dte_decode_intr(const uint64_t raw[4], AMDVIDte *d)
{
    d->iv = amdvi_dte_get_iv(raw);
    d->int_tab_len = (uint8_t)amdvi_dte_get_int_tab_len(raw);
    d->ig = amdvi_dte_get_ig(raw);
    d->int_table_root = amdvi_dte_get_int_table_root(raw) << 6;
    d->int_ctl = (uint8_t)amdvi_dte_get_int_ctl(raw);
    d->init_pass = amdvi_dte_get_init_pass(raw);
    d->eint_pass = amdvi_dte_get_eint_pass(raw);
    d->nmi_pass = amdvi_dte_get_nmi_pass(raw);
    d->lint0_pass = amdvi_dte_get_lint0_pass(raw);
    d->lint1_pass = amdvi_dte_get_lint1_pass(raw);
}

static bool amdvi_dte_rsvd_set(const uint64_t raw[4])
{
    return (raw[0] & AMDVI_DTE_RSVD_MASK_W0) ||
           (raw[1] & AMDVI_DTE_RSVD_MASK_W1) ||
           (raw[2] & AMDVI_DTE_RSVD_MASK_W2) ||
           (raw[3] & AMDVI_DTE_RSVD_MASK_W3);
}

AMDVIStatus amdvi_dte_decode(const AMDVIState *s, const uint64_t raw[4],
                             uint16_t devid, AMDVIDte *dte)
{
    memset(dte, 0, sizeof(*dte));
    memcpy(dte->raw, raw, sizeof(dte->raw));
    dte->devid = devid;
    amdvi_dte_decode_fields(raw, dte);
    amdvi_dte_decode_intr(raw, dte);
    if (!dte->v) {
        /* V=0: nothing else in the entry is looked at (§2.2.2.1). */
        return AMDVI_OK;
    }
    if (amdvi_dte_rsvd_set(raw)) {
        return AMDVI_ST_DTE_ILLEGAL;
    }
    if (!dte->tv) {
        return AMDVI_OK;
    }
    if (dte->mode == AMDVI_MODE_RESERVED ||
        dte->mode > amdvi_dte_max_mode(s)) {
        return AMDVI_ST_DTE_ILLEGAL;
    }
    if (dte->mode != AMDVI_MODE_NONE && (dte->pt_root & s->pa_mask)) {
        return AMDVI_ST_DTE_ILLEGAL;
    }
    return AMDVI_OK;
}
