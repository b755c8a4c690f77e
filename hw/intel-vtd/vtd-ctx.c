/*
 * Intel VT-d: legacy-mode device-to-domain mapping (VT-d 5.10 §3.4.2):
 * the root table (§9.1) indexed by bus, then the context table (§9.3)
 * indexed by device:function.  Fault reasons per §7.1.3 Table 30 (LRT.x
 * for the root entry, LCT.x for the context entry).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/intel-vtd/vtd-internal.h"

#define VTD_ENTRY16 16u

/* One 128-bit table entry, little-endian in memory. */
static bool vtd_ctx_read16(VTDState *s, uint64_t addr, uint64_t w[2])
{
    uint8_t buf[VTD_ENTRY16];
    uint64_t lo, hi;

    if (address_space_read(s->dma_as, addr, MEMTXATTRS_UNSPECIFIED, buf,
                           sizeof(buf)) != MEMTX_OK) {
        return false;
    }
    memcpy(&lo, buf, 8);
    memcpy(&hi, buf + 8, 8);
    w[0] = GUINT64_FROM_LE(lo);
    w[1] = GUINT64_FROM_LE(hi);
    return true;
}

/* Root entry for bus (§9.1): LRT.1 access, LRT.2 present, LRT.3 rsvd. */
static uint32_t vtd_ctx_root_entry(VTDState *s, uint8_t bus, uint64_t *ctp,
                                   uint32_t *mem_reads)
{
    uint64_t re[2];

    (*mem_reads)++;
    if (!vtd_ctx_read16(s, s->root_addr + bus * VTD_ENTRY16, re)) {
        return VTD_FR_ROOT_TABLE_ACCESS;
    }
    if (!vtd_root_entry_get_p(re)) {
        return VTD_FR_ROOT_NOT_PRESENT;
    }
    if ((re[0] & VTD_ROOT_ENTRY_RSVD_MASK_W0) ||
        (re[1] & VTD_ROOT_ENTRY_RSVD_MASK_W1) ||
        (re[0] & VTD_ROOT_ENTRY_CTP_MASK & s->haw_mask)) {
        return VTD_FR_ROOT_RSVD;
    }
    *ctp = re[0] & VTD_ROOT_ENTRY_CTP_MASK;
    return VTD_OK;
}

/* TT encodings this unit accepts (§9.3 TT, ECAP.DT, ECAP.PT). */
static bool vtd_ctx_tt_valid(const VTDState *s, unsigned tt)
{
    switch (tt) {
    case VTD_CTX_TT_UNTRANSLATED:
        return true;
    case VTD_CTX_TT_ALL:
        return vtd_ecap_get_dt(s->ecap);
    case VTD_CTX_TT_PASSTHROUGH:
        return vtd_ecap_get_pt(s->ecap);
    default:
        return false;
    }
}

uint32_t vtd_ctx_decode(const VTDState *s, const uint64_t raw[2],
                        uint16_t sid, VTDContext *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->raw[0] = raw[0];
    ctx->raw[1] = raw[1];
    ctx->sid = sid;
    ctx->fpd = vtd_context_entry_get_fpd(raw);
    ctx->tt = vtd_context_entry_get_tt(raw);
    ctx->aw = vtd_context_entry_get_aw(raw);
    ctx->did = vtd_context_entry_get_did(raw);
    ctx->levels = ctx->aw + 2;
    ctx->ssptptr = raw[0] & VTD_CONTEXT_ENTRY_SSPTPTR_MASK;
    /* LCT.2: FPD is honoured even for a not-present entry (§7.1.1). */
    if (!vtd_context_entry_get_p(raw)) {
        return VTD_FR_CTX_NOT_PRESENT;
    }
    /* LCT.3: reserved fields, and table pointers beyond HAW. */
    if ((raw[0] & VTD_CONTEXT_ENTRY_RSVD_MASK_W0) ||
        (raw[1] & VTD_CONTEXT_ENTRY_RSVD_MASK_W1) ||
        (ctx->tt != VTD_CTX_TT_PASSTHROUGH &&
         (ctx->ssptptr & s->haw_mask))) {
        return VTD_FR_CTX_RSVD;
    }
    /* LCT.4: invalid programming (TT, AW not in SAGAW). */
    if (!vtd_ctx_tt_valid(s, ctx->tt)) {
        return VTD_FR_CTX_INVALID;
    }
    if (ctx->tt != VTD_CTX_TT_PASSTHROUGH &&
        !vtd_ss_aw_supported(s, ctx->aw)) {
        return VTD_FR_CTX_INVALID;
    }
    return VTD_OK;
}

uint32_t vtd_ctx_lookup(VTDState *s, uint16_t sid, VTDContext *ctx,
                        uint32_t *mem_reads)
{
    uint64_t ctp = 0, ce[2];
    uint32_t st;

    memset(ctx, 0, sizeof(*ctx));
    ctx->sid = sid;
    st = vtd_ctx_root_entry(s, sid >> 8, &ctp, mem_reads);
    if (st != VTD_OK) {
        return st;
    }
    (*mem_reads)++;
    if (!vtd_ctx_read16(s, ctp + (sid & 0xff) * VTD_ENTRY16, ce)) {
        return VTD_FR_CTX_TABLE_ACCESS;
    }
    return vtd_ctx_decode(s, ce, sid, ctx);
}
