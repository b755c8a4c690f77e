/*
 * Intel VT-d: the translate hook of a requester's IOMMU region.
 *
 * One shape (ARCHITECTURE.md): configuration lookup (context cache, else
 * root/context walk) -> decode and validate -> IOTLB -> second-stage walk
 * -> one finish step that turns the status into a TLB entry or a fault
 * (recorded per §7.2 unless the access is a no-fault lookup).
 *
 * Legacy mode (RTADDR.TTM = 00b) only; requests-without-PASID
 * (VT-d 5.10 §3.4.2, §3.6, §3.7, §4.2.3-4 for ATS address types);
 * zero-length reads (MemTxAttrs.zero_length) per CAP.ZLR (§3.14).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/intel-vtd/vtd-internal.h"
#include "hw/timing/iommu-front-hit.h"

#define VTD_PAGE_MASK_4K 0xfffull

/* Everything the finish step needs. */
typedef struct VTDXlate {
    uint16_t sid;
    uint64_t iova;
    IOMMUAccessFlags access;
    MemTxAttrs attrs;
    uint32_t status;
    bool fpd;
    VTDWalkResult walk;
    uint32_t mem_reads;
    uint32_t events;
    TimingXlate t;              /* cost along the path (hw/timing) */
} VTDXlate;

static bool vtd_in_intr_range(uint64_t addr)
{
    return addr >= MSI_ADDR_BASE && addr < MSI_ADDR_BASE + MSI_ADDR_SIZE;
}

/* Identity mapping of one 4 KiB page (TE=0, pass-through, translated). */
static void vtd_xlate_identity(VTDXlate *x, IOMMUAccessFlags perm)
{
    x->walk.iova = x->iova & ~VTD_PAGE_MASK_4K;
    x->walk.addr = x->walk.iova;
    x->walk.addr_mask = VTD_PAGE_MASK_4K;
    x->walk.perm = perm;
    x->walk.level = 1;
    x->status = VTD_OK;
}

/* §3.4.1, §11.4.5: which root-table type the last SRTP latched. */
static uint32_t vtd_xlate_check_ttm(VTDState *s, const VTDXlate *x)
{
    if (vtd_abort_dma_mode(s)) {
        return VTD_BLOCKED_SILENT;
    }
    if (s->root_ttm != 0) {
        /* Scalable mode (01b) is a later issue; 10b/11b w/o ADMS: rsvd. */
        return VTD_FR_RTA_INVALID;
    }
    if (x->attrs.has_pasid) {
        return VTD_FR_RTA_LEGACY_PASID;
    }
    if (x->attrs.exec) {
        return VTD_FR_RTA_EXEC_REQ;
    }
    return VTD_OK;
}

static uint32_t vtd_xlate_context(VTDState *s, VTDXlate *x, VTDContext *ctx)
{
    uint32_t st, reads;

    if (vtd_cache_ctx_lookup(s, x->sid, ctx)) {
        timing_xlate_lookup(s->timing, &x->t, TIMING_LOOKUP_CONFIG, true);
        x->events |= IOMMU_EV_CONFIG_HIT;
        x->fpd = ctx->fpd;
        uint64_t raw[2] = { ctx->raw[0], ctx->raw[1] };

        /* The cache holds the entry; its checks are re-applied. */
        return vtd_ctx_decode(s, raw, x->sid, ctx);
    }
    reads = x->mem_reads;
    st = vtd_ctx_lookup(s, x->sid, ctx, &x->mem_reads);
    timing_xlate_lookup(s->timing, &x->t, TIMING_LOOKUP_CONFIG, false);
    /* Root and context entry reads (§3.4.2), done by a walker slot. */
    timing_xlate_reads(s->timing, &x->t, x->mem_reads - reads);
    x->events |= IOMMU_EV_CONFIG_MISS;
    x->fpd = ctx->fpd;
    if (st == VTD_OK) {
        vtd_cache_ctx_insert(s, ctx);
    }
    return st;
}

/*
 * The walk's table reads, for the timing model: one entry per level from
 * `level` down (§9.8 numbering), at table[l] + index * 8.
 */
static void vtd_xlate_time_walk(VTDState *s, VTDXlate *x, unsigned level)
{
    const VTDWalkResult *w = &x->walk;

    for (uint32_t i = 0; i < w->mem_reads; i++) {
        unsigned l = level - i;
        uint64_t addr = UINT64_MAX;

        if (l >= 1 && l < G_N_ELEMENTS(w->table)) {
            addr = w->table[l] + ((x->iova >> (12 + 9 * (l - 1))) & 0x1ff) * 8;
        }
        timing_xlate_read(s->timing, &x->t, addr);
    }
}

/* IOTLB, else a walk resumed from the deepest paging-structure-cache hit. */
static void vtd_xlate_lookup_or_walk(VTDState *s, VTDXlate *x,
                                     const VTDContext *ctx)
{
    VTDWalkResult *w = &x->walk;
    unsigned level = ctx->levels;
    uint64_t table = ctx->ssptptr;
    IOMMUAccessFlags perm = IOMMU_RW;

    memset(w, 0, sizeof(*w));
    if (vtd_cache_iotlb_lookup(s, ctx, x->iova, w)) {
        timing_xlate_lookup(s->timing, &x->t, TIMING_LOOKUP_IOTLB, true);
        x->events |= IOMMU_EV_IOTLB_HIT;
        return;
    }
    timing_xlate_lookup(s->timing, &x->t, TIMING_LOOKUP_IOTLB, false);
    if (vtd_cache_psc_lookup(s, ctx, x->iova, &level, &table, &perm)) {
        x->events |= IOMMU_EV_PWC_HIT;
    }
    timing_xlate_lookup(s->timing, &x->t, TIMING_LOOKUP_PWC,
                        level != ctx->levels);
    x->events |= IOMMU_EV_IOTLB_MISS;
    vtd_ss_walk_from(s, ctx, x->iova, level, table, perm, w);
    vtd_xlate_time_walk(s, x, level);
    s->stats.walks++;
    s->stats.walk_reads += w->mem_reads;
    x->mem_reads += w->mem_reads;
    vtd_cache_iotlb_insert(s, ctx, w);
    vtd_cache_psc_insert(s, ctx, w);
}

/*
 * §3.14: with CAP.ZLR Set, a zero-length read whose only fault would be
 * the read-permission violation of a write-only page (a present leaf,
 * W=1 R=0 after the AND over levels) completes; with ZLR Clear it is
 * an ordinary read and takes LGN.3.  Not-present pages still fault.
 */
static bool vtd_xlate_zlr_completes(const VTDState *s, const VTDXlate *x)
{
    return x->attrs.zero_length && x->access == IOMMU_RO &&
           vtd_cap_get_zlr(s->cap) && x->walk.status == VTD_OK &&
           x->walk.perm == IOMMU_WO;
}

/* Second stage: walk, then the permission check of the request (§3.7). */
static uint32_t vtd_xlate_walk(VTDState *s, VTDXlate *x,
                               const VTDContext *ctx)
{
    VTDWalkResult *w = &x->walk;

    /* LGN.1: beyond the smaller of AGAW and MGAW (§3.7.1). */
    if (x->iova >= vtd_ss_input_limit(s, ctx)) {
        return VTD_FR_ADDR_BEYOND_AW;
    }
    vtd_xlate_lookup_or_walk(s, x, ctx);
    if (w->status == VTD_FR_NO_READ || w->status == VTD_OK) {
        /* Not present or not permitted: LGN.2 write, LGN.3 read. */
        if ((x->access & IOMMU_WO) && !(w->perm & IOMMU_WO)) {
            return VTD_FR_NO_WRITE;
        }
        if ((x->access & IOMMU_RO) && !(w->perm & IOMMU_RO)) {
            return vtd_xlate_zlr_completes(s, x) ? VTD_OK : VTD_FR_NO_READ;
        }
        if (w->perm == IOMMU_NONE) {
            return VTD_FR_NO_READ;
        }
    }
    return w->status;
}

/* Translation type of the context entry against the request's AT. */
static uint32_t vtd_xlate_by_tt(VTDState *s, VTDXlate *x,
                                const VTDContext *ctx)
{
    bool ats = x->attrs.addr_type != ADDR_TYPE_UNTRANSLATED;

    /* LCT.5: ATS requests need TT=01b (§4.2.2-4). */
    if (ats && ctx->tt != VTD_CTX_TT_ALL) {
        return VTD_FR_CTX_TT_BLOCKED;
    }
    if (x->attrs.addr_type == ADDR_TYPE_TRANSLATED ||
        ctx->tt == VTD_CTX_TT_PASSTHROUGH) {
        vtd_xlate_identity(x, IOMMU_RW);
        return VTD_OK;
    }
    return vtd_xlate_walk(s, x, ctx);
}

static uint32_t vtd_xlate_run(VTDState *s, VTDXlate *x)
{
    VTDContext ctx;
    uint32_t st;

    if (!vtd_gsts_has(s, VTD_GSTS_TES_MASK)) {
        x->events |= IOMMU_EV_BYPASS;
        vtd_xlate_identity(x, IOMMU_RW);
        return VTD_OK;
    }
    st = vtd_xlate_check_ttm(s, x);
    if (st == VTD_OK) {
        st = vtd_xlate_context(s, x, &ctx);
    }
    if (st == VTD_OK) {
        st = vtd_xlate_by_tt(s, x, &ctx);
    }
    /* LGN.4: an output address in the interrupt range (§3.15). */
    if (st == VTD_OK &&
        vtd_in_intr_range(x->walk.addr | (x->iova & x->walk.addr_mask))) {
        st = VTD_FR_OUTPUT_IN_INTR_RANGE;
    }
    return st;
}

/* Cost from hw/timing: lookups + walker queue + walk (docs/timing.md). */
static void vtd_xlate_cost(VTDState *s, VTDXlate *x, IOMMUTranslation *out)
{
    out->cost.events = x->events;
    timing_xlate_finish(s->timing, &x->t, &out->cost);
    out->cost.mem_reads = x->mem_reads;
}

/* A large page that overlaps a checked range is handed out 4 KiB-wise. */
static uint64_t vtd_xlate_entry_mask(const VTDXlate *x)
{
    uint64_t lo = x->walk.addr, hi = x->walk.addr | x->walk.addr_mask;

    if (x->walk.addr_mask > VTD_PAGE_MASK_4K &&
        lo < MSI_ADDR_BASE + MSI_ADDR_SIZE && hi >= MSI_ADDR_BASE) {
        return VTD_PAGE_MASK_4K;
    }
    return x->walk.addr_mask;
}

static void vtd_xlate_fault(VTDState *s, const VTDXlate *x,
                            IOMMUTranslation *out)
{
    VTDFaultInfo fi = {
        .sid = x->sid,
        .addr = x->iova & ~VTD_PAGE_MASK_4K,
        .reason = x->status,
        .is_write = (x->access & IOMMU_WO) != 0,
        .priv = x->attrs.priv,
        .exec = x->attrs.exec,
        .has_pasid = x->attrs.has_pasid,
        .pasid = x->attrs.pasid,
        .at = x->attrs.addr_type,
        .fpd = x->fpd,
    };

    out->fault = true;
    out->fault_code = x->status;
    out->fault_name = vtd_fault_reason_name(x->status);
    if (x->access != IOMMU_NONE) {
        vtd_fault_record(s, &fi);
    }
}

/* The one place a status becomes a TLB entry or an architectural fault. */
static void vtd_xlate_finish(VTDState *s, VTDXlate *x, IOMMUTranslation *out)
{
    uint64_t mask = vtd_xlate_entry_mask(x);
    uint64_t target = x->walk.addr | (x->iova & x->walk.addr_mask);

    vtd_xlate_cost(s, x, out);
    if (x->status == VTD_OK && vtd_pmr_blocks(s, target)) {
        x->status = VTD_BLOCKED_SILENT;
    }
    if (x->status == VTD_BLOCKED_SILENT) {
        /* PMR / Abort-DMA: blocked, nothing recorded (§11.4.8, §11.4.5). */
        out->fault = true;
        out->fault_code = 0;
        out->fault_name = vtd_abort_dma_mode(s) ? "ABORT_DMA_MODE"
                                                : "PMR_BLOCKED";
        return;
    }
    if (x->status != VTD_OK) {
        vtd_xlate_fault(s, x, out);
        return;
    }
    out->entry.target_as = s->dma_as;
    out->entry.iova = x->iova & ~mask;
    out->entry.translated_addr = target & ~mask;
    out->entry.addr_mask = mask;
    out->entry.perm = x->walk.perm;
}

/* ---- front cache (iommu-front.h; VTDAddressSpace.front) ---- */

/*
 * Whether the front cache may serve at all, besides the request: what
 * the full path checks before its lookups (TES, legacy TTM so no
 * Abort-DMA, PMR off), caches present and no trace.  All of it changes
 * only with registers or never, so the gate caches the answer.
 */
static bool vtd_front_regs_open(const void *model)
{
    const VTDState *s = model;

    return s->caches && s->root_ttm == 0 && !s->trace &&
           vtd_gsts_has(s, VTD_GSTS_TES_MASK) &&
           !(vtd_reg_get(s, VTD_RI_PMEN) & VTD_PMEN_PRS_MASK);
}

/* The gate (refreshed if registers changed) and the request: for fills. */
static inline bool vtd_front_allowed(VTDState *s, MemTxAttrs attrs)
{
    return iommu_front_request_ok(attrs) &&
           iommu_front_gate_open(&s->front_gate, vtd_front_regs_open, s);
}

/*
 * Replay a context-cache hit and an IOTLB hit of this page: both caches
 * unchanged since (hints valid), so the full path would hit the same two
 * entries, decode the same context and succeed with the same entry.
 */
static bool vtd_front_try(VTDState *s, VTDAddressSpace *vas, uint64_t iova,
                          IOMMUAccessFlags access, MemTxAttrs attrs,
                          IOMMUTranslation *out)
{
    const IOMMUFrontEntry *f;
    VTDCaches *c = s->caches;

    f = iommu_front_match(&vas->front, iova, access);
    /* The gate as cached: after a register change, one full path
     * refreshes it (at its fill), so a hit makes no call. */
    if (!f || !iommu_front_request_ok(attrs) ||
        !iommu_front_gate_open_cached(&s->front_gate) ||
        !iommu_front_hit(&vas->front, f,
                         (TimingCache *[]){ c->cc, c->iotlb }, s->timing,
                         s->clock ? vclock_now(s->clock) : 0, s->dma_as,
                         out)) {
        return false;
    }
    c->ctr.iotlb_hits_by_size[f->size_class]++;
    s->stats.translations++;
    return true;
}

/* After a full translation that was exactly two hits and succeeded. */
static void vtd_front_fill(VTDState *s, VTDAddressSpace *vas,
                           const VTDXlate *x, const IOMMUTranslation *out)
{
    if (out->fault || x->events != IOMMU_FRONT_EVENTS ||
        !vtd_front_allowed(s, x->attrs) || x->walk.level < 1 ||
        x->walk.level > 3) {
        iommu_front_drop(&vas->front, x->iova);
        return;
    }
    iommu_front_fill(&vas->front,
                     (TimingCache *[]){ s->caches->cc, s->caches->iotlb },
                     x->iova, (uint8_t)(x->walk.level - 1), &out->entry);
}

/* The full path (kept out of line: the front-cache hit needs no frame). */
static G_GNUC_NO_INLINE void vtd_translate_full(VTDAddressSpace *vas,
                                                uint64_t iova,
                                                IOMMUAccessFlags access,
                                                MemTxAttrs attrs,
                                                IOMMUTranslation *out)
{
    VTDState *s = vas->s;
    VTDXlate x;

    /* Only what the path reads: TimingXlate's trace stays unwritten. */
    x.sid = vas->sid;
    x.iova = iova;
    x.access = access;
    x.attrs = attrs;
    x.status = VTD_OK;
    x.fpd = false;
    x.mem_reads = 0;
    x.events = 0;
    memset(&x.walk, 0, sizeof(x.walk));
    s->stats.translations++;
    timing_xlate_begin(s->timing, &x.t, s->clock ? vclock_now(s->clock) : 0,
                       x.sid, iova);
    x.status = vtd_xlate_run(s, &x);
    vtd_xlate_finish(s, &x, out);
    vtd_front_fill(s, vas, &x, out);
}

static void vtd_translate(MemoryRegion *iommu, uint64_t iova,
                          IOMMUAccessFlags access, MemTxAttrs attrs,
                          IOMMUTranslation *out)
{
    VTDAddressSpace *vas = iommu->iommu_opaque;

    if (!vtd_front_try(vas->s, vas, iova, access, attrs, out)) {
        vtd_translate_full(vas, iova, access, attrs, out);
    }
}

const IOMMUMemoryRegionOps vtd_iommu_ops = {
    .translate = vtd_translate,
};
