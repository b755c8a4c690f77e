/*
 * AMD-Vi: the translate hook of a requester's IOMMU region.
 *
 * One shape (ARCHITECTURE.md): device table entry (DTE cache, else the
 * table) -> decode and validate -> IOTLB -> v1 walk (resumed from the
 * deepest page-directory cache hit) -> one finish step that turns the
 * status into a TLB entry or an event-log entry (AMD IOMMU spec 48882
 * §2.2.2, §2.2.3, §2.5).
 *
 * What passes untranslated: IOMMUEn=0; DTE V=0 (§2.2.2.1); V=1 with
 * TV=0 (Linux's SNP identity domains rely on this; QEMU 9 blocks
 * instead); the exclusion range; Mode 0 subject to the DTE's IR/IW.  So
 * V=1, TV=1, Mode 0, IR=IW=0 blocks every DMA with IO_PAGE_FAULTs
 * (Linux's blocked domain).  Pretranslated requests (AT=10b) pass when
 * DTE.I=1, otherwise INVALID_DEVICE_REQUEST.  Unity ranges (IVMD) are
 * the OS's to map in its page tables; hardware has no unity logic.
 *
 * Speed: recent DTE-cache + IOTLB hits are replayed, exactly, by the
 * shared front cache (iommu-front.h, docs/timing.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <string.h>

#include "hw/amd-vi/amdvi-internal.h"
#include "hw/timing/iommu-front-hit.h"

#define AMDVI_PAGE_MASK_4K 0xfffull
/* INVALID_DEVICE_REQUEST Type 001b: pretranslated with I=0 or V=0. */
#define AMDVI_INVREQ_PRETRANS_NOT_ALLOWED 1u

typedef struct AMDVIXlate {
    uint16_t devid;
    uint64_t iova;
    IOMMUAccessFlags access;
    MemTxAttrs attrs;
    AMDVIStatus status;
    AMDVIDte dte;
    AMDVIWalkResult walk;
    uint32_t mem_reads;
    uint32_t events;
    TimingXlate t;              /* cost along the path (hw/timing) */
} AMDVIXlate;

static void amdvi_count(AMDVIState *s, int kind)
{
    if (s->caches) {
        amdvi_cache_count(s->caches, (AMDVICountKind)kind);
    }
}

/*
 * The timing model sees each lookup and table read as it happens
 * (docs/timing.md "Hooks for AMD-Vi"); a unit without a model (built by
 * hand in tests) costs nothing.
 */
static void amdvi_time_lookup(AMDVIState *s, AMDVIXlate *x,
                              TimingLookupKind kind, bool hit)
{
    if (s->timing) {
        timing_xlate_lookup(s->timing, &x->t, kind, hit);
    }
}

static void amdvi_time_read(AMDVIState *s, AMDVIXlate *x, uint64_t addr)
{
    if (s->timing) {
        timing_xlate_read(s->timing, &x->t, addr);
    }
}

/* Identity mapping of one 4 KiB page with perm. */
static AMDVIStatus amdvi_xlate_identity(AMDVIXlate *x, IOMMUAccessFlags perm)
{
    x->walk.iova = x->iova & ~AMDVI_PAGE_MASK_4K;
    x->walk.addr = x->walk.iova;
    x->walk.addr_mask = AMDVI_PAGE_MASK_4K;
    x->walk.perm = perm;
    x->walk.status = AMDVI_OK;
    return AMDVI_OK;
}

static AMDVIStatus amdvi_xlate_dte(AMDVIState *s, AMDVIXlate *x)
{
    uint64_t raw[4];
    AMDVIStatus st;

    AMDVIDteCacheEntry ce;

    if (s->caches && amdvi_dte_cache_lookup(s->caches, x->devid, &ce)) {
        amdvi_time_lookup(s, x, TIMING_LOOKUP_CONFIG, true);
        x->events |= IOMMU_EV_CONFIG_HIT;
        return amdvi_dte_decode(s, ce.dte, x->devid, &x->dte);
    }
    amdvi_time_lookup(s, x, TIMING_LOOKUP_CONFIG, false);
    x->events |= IOMMU_EV_CONFIG_MISS;
    st = amdvi_dte_fetch(s, x->devid, raw, &x->mem_reads);
    /* One 256-bit DTE read by a walker slot (§2.2.2), unless past the table. */
    if (st != AMDVI_ST_BEYOND_DEVTAB) {
        amdvi_time_read(s, x, amdvi_dte_addr(s, x->devid));
    }
    if (st != AMDVI_OK) {
        return st;
    }
    st = amdvi_dte_decode(s, raw, x->devid, &x->dte);
    if (st == AMDVI_OK && x->dte.v && s->caches) {
        memcpy(ce.dte, raw, sizeof(ce.dte));
        amdvi_dte_cache_insert(s->caches, x->devid, &ce);
    }
    return st;
}

static bool amdvi_xlate_iotlb_hit(AMDVIState *s, AMDVIXlate *x)
{
    const AMDVIIotlbEntry *e;

    if (!s->caches) {
        return false;
    }
    e = amdvi_iotlb_lookup(s->caches, x->dte.domain_id, x->iova,
                           x->dte.mode);
    if (!e) {
        return false;
    }
    x->walk.status = AMDVI_OK;
    x->walk.addr_mask = e->page_shift >= 64 ? ~0ull
                                            : (1ull << e->page_shift) - 1;
    x->walk.iova = x->iova & ~x->walk.addr_mask;
    x->walk.addr = e->page_addr;
    x->walk.perm = (IOMMUAccessFlags)e->perm;
    x->walk.level = e->level;
    x->walk.leaf = e->pte;
    return true;
}

static void amdvi_xlate_fill(AMDVIState *s, AMDVIXlate *x)
{
    const AMDVIWalkResult *w = &x->walk;

    for (unsigned l = 2; l <= 6; l++) {
        if (w->pde_mask & (1u << l)) {
            AMDVIPdcEntry pe = { .pde = w->pde[l],
                                 .perm = (uint8_t)w->perm_at[l] };

            amdvi_pdc_insert(s->caches, x->dte.domain_id, x->iova, l, &pe);
        }
    }
    /* Only a successful walk has a page (addr_mask != 0) to cache. */
    if (w->status == AMDVI_OK) {
        AMDVIIotlbEntry e = {
            .pte = w->leaf, .page_addr = w->addr, .page_iova = w->iova,
            .devid = x->devid, .level = (uint8_t)w->level,
            .page_shift = (uint8_t)(64 - __builtin_clzll(w->addr_mask)),
            .perm = (uint8_t)w->perm,
        };

        amdvi_iotlb_insert(s->caches, x->dte.domain_id, x->iova, &e);
    }
}

/* IOTLB, else a walk resumed from the deepest page-directory hit. */
static void amdvi_xlate_lookup_or_walk(AMDVIState *s, AMDVIXlate *x)
{
    memset(&x->walk, 0, offsetof(AMDVIWalkResult, read_addr));
    AMDVIPdcEntry pe;

    bool pdc_hit;

    if (amdvi_xlate_iotlb_hit(s, x)) {
        amdvi_time_lookup(s, x, TIMING_LOOKUP_IOTLB, true);
        x->events |= IOMMU_EV_IOTLB_HIT;
        return;
    }
    amdvi_time_lookup(s, x, TIMING_LOOKUP_IOTLB, false);
    x->events |= IOMMU_EV_IOTLB_MISS;
    pdc_hit = s->caches && amdvi_pdc_lookup(s->caches, x->dte.domain_id,
                                            x->iova, x->dte.mode, &pe);
    /* The page-directory caches are probed by the walker (one lookup). */
    amdvi_time_lookup(s, x, TIMING_LOOKUP_PWC, pdc_hit);
    if (pdc_hit) {
        x->events |= IOMMU_EV_PWC_HIT;
        amdvi_pt_walk_resume(s, &x->dte, x->iova, pe.level, pe.pde,
                             (IOMMUAccessFlags)pe.perm, &x->walk);
    } else {
        amdvi_pt_walk(s, &x->dte, x->iova, &x->walk);
    }
    for (uint32_t i = 0; i < x->walk.mem_reads; i++) {
        amdvi_time_read(s, x, i < G_N_ELEMENTS(x->walk.read_addr)
                              ? x->walk.read_addr[i] : UINT64_MAX);
    }
    s->stats.walks++;
    s->stats.walk_reads += x->walk.mem_reads;
    x->mem_reads += x->walk.mem_reads;
    for (uint32_t i = 0; i < x->walk.mem_reads; i++) {
        amdvi_count(s, AMDVI_COUNT_PT_READ);
    }
    if (s->caches) {
        amdvi_xlate_fill(s, x);
    }
}

/* DTE V=1, TV=1: Mode 0 or the page tables, both under DTE IR/IW. */
static AMDVIStatus amdvi_xlate_translate(AMDVIState *s, AMDVIXlate *x)
{
    IOMMUAccessFlags dperm = (IOMMUAccessFlags)((x->dte.ir ? IOMMU_RO : 0) |
                                                (x->dte.iw ? IOMMU_WO : 0));

    if (x->dte.mode == AMDVI_MODE_NONE) {
        amdvi_xlate_identity(x, dperm);
    } else {
        amdvi_count(s, AMDVI_COUNT_TRANS_TOTAL);
        amdvi_xlate_lookup_or_walk(s, x);
        if (x->walk.status != AMDVI_OK) {
            return x->walk.status;
        }
        x->walk.perm &= dperm;
    }
    if ((x->access & ~x->walk.perm) || x->walk.perm == IOMMU_NONE) {
        return AMDVI_ST_PAGE_PERM;
    }
    return AMDVI_OK;
}

static AMDVIStatus amdvi_xlate_run(AMDVIState *s, AMDVIXlate *x)
{
    AMDVIStatus st;

    if (!amdvi_control_has(s, AMDVI_CONTROL_IOMMU_EN_MASK)) {
        x->events |= IOMMU_EV_BYPASS;
        return amdvi_xlate_identity(x, IOMMU_RW);
    }
    st = amdvi_xlate_dte(s, x);
    if (st != AMDVI_OK) {
        return st;
    }
    if (x->attrs.addr_type == ADDR_TYPE_TRANSLATED) {
        if (!x->dte.v || !x->dte.i) {
            return AMDVI_ST_DEV_REQ_INVALID;
        }
        amdvi_count(s, AMDVI_COUNT_PASS_PRETRANS);
        return amdvi_xlate_identity(x, IOMMU_RW);
    }
    if (x->dte.v && amdvi_excl_applies(s, &x->dte, x->iova)) {
        amdvi_count(s, AMDVI_COUNT_PASS_EXCL);
        return amdvi_xlate_identity(x, IOMMU_RW);
    }
    if (!x->dte.v || !x->dte.tv) {
        x->events |= IOMMU_EV_BYPASS;
        amdvi_count(s, AMDVI_COUNT_PASS_UNTRANS);
        return amdvi_xlate_identity(x, IOMMU_RW);
    }
    return amdvi_xlate_translate(s, x);
}

/* Cost from hw/timing: lookups + walker queue + walk (docs/timing.md). */
static void amdvi_xlate_cost(AMDVIState *s, AMDVIXlate *x,
                             IOMMUTranslation *out)
{
    out->cost.events = x->events;
    if (s->timing) {
        timing_xlate_finish(s->timing, &x->t, &out->cost);
    }
    out->cost.mem_reads = x->mem_reads;
}

/* The event code a status is logged as (§2.5); 0 for success. */
static AMDVIEventCode amdvi_status_code(AMDVIStatus st)
{
    switch (st) {
    case AMDVI_ST_DTE_ILLEGAL:
    case AMDVI_ST_BEYOND_DEVTAB:
        return AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY;
    case AMDVI_ST_DTE_HW_ERROR:
        return AMDVI_EVENT_DEV_TAB_HARDWARE_ERROR;
    case AMDVI_ST_PAGE_NOT_PRESENT:
    case AMDVI_ST_PAGE_PERM:
    case AMDVI_ST_PAGE_RSVD:
        return AMDVI_EVENT_IO_PAGE_FAULT;
    case AMDVI_ST_PT_HW_ERROR:
        return AMDVI_EVENT_PAGE_TAB_HARDWARE_ERROR;
    case AMDVI_ST_DEV_REQ_INVALID:
        return AMDVI_EVENT_INVALID_DEVICE_REQUEST;
    default:
        return (AMDVIEventCode)0;
    }
}

const char *amdvi_status_name(AMDVIStatus st)
{
    AMDVIEventCode code = amdvi_status_code(st);

    return code ? amdvi_event_code_name(code) : "OK";
}

/* The one place an internal status becomes an event-log entry. */
static void amdvi_xlate_event(const AMDVIXlate *x, AMDVIEvent *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->code = amdvi_status_code(x->status);
    ev->devid = x->devid;
    ev->domain_id = x->dte.domain_id;
    ev->addr = x->iova;
    ev->rw = (x->access & IOMMU_WO) != 0;
    ev->tr = x->attrs.addr_type == ADDR_TYPE_TRANSLATION_REQUEST;
    ev->nx = x->attrs.exec;
    switch (x->status) {
    case AMDVI_ST_DTE_ILLEGAL:
        ev->rz = true;
        break;
    case AMDVI_ST_DTE_HW_ERROR:
    case AMDVI_ST_PT_HW_ERROR:
        /* A read nothing decodes: master abort (§2.5.4, §2.5.5). */
        ev->type = AMDVI_HWERR_MASTER_ABORT;
        ev->addr = x->status == AMDVI_ST_PT_HW_ERROR
                   ? x->walk.entry_addr : 0;
        break;
    case AMDVI_ST_PAGE_PERM:
        ev->pr = true;
        ev->pe = true;
        break;
    case AMDVI_ST_PAGE_RSVD:
        ev->pr = true;
        ev->rz = true;
        break;
    case AMDVI_ST_DEV_REQ_INVALID:
        ev->type = AMDVI_INVREQ_PRETRANS_NOT_ALLOWED;
        break;
    default:
        break;
    }
}

static void amdvi_xlate_fault(AMDVIState *s, const AMDVIXlate *x,
                              IOMMUTranslation *out)
{
    AMDVIEvent ev;

    amdvi_xlate_event(x, &ev);
    if (x->status == AMDVI_ST_DTE_HW_ERROR) {
        ev.addr = amdvi_dte_addr(s, x->devid);
    }
    out->fault = true;
    out->fault_code = ev.code;
    out->fault_name = amdvi_event_code_name(ev.code);
    s->stats.faults++;
    amdvi_count(s, AMDVI_COUNT_TARGET_ABORT);
    if (x->access == IOMMU_NONE) {
        return;
    }
    /* DTE.SA / SE suppress I/O page fault events (§2.2.2.1). */
    if (ev.code == AMDVI_EVENT_IO_PAGE_FAULT && (x->dte.sa || x->dte.se)) {
        return;
    }
    amdvi_event_log_write(s, &ev);
}

/* A large page overlapping the interrupt window is handed out 4 KiB-wise. */
static uint64_t amdvi_xlate_entry_mask(const AMDVIXlate *x)
{
    uint64_t lo = x->walk.iova, hi = x->walk.iova | x->walk.addr_mask;

    if (x->walk.addr_mask > AMDVI_PAGE_MASK_4K &&
        lo < MSI_ADDR_BASE + MSI_ADDR_SIZE && hi >= MSI_ADDR_BASE) {
        return AMDVI_PAGE_MASK_4K;
    }
    return x->walk.addr_mask;
}

static void amdvi_xlate_finish(AMDVIState *s, AMDVIXlate *x,
                               IOMMUTranslation *out)
{
    uint64_t mask, target;

    amdvi_xlate_cost(s, x, out);
    if (x->status != AMDVI_OK) {
        amdvi_xlate_fault(s, x, out);
        return;
    }
    mask = amdvi_xlate_entry_mask(x);
    target = x->walk.addr | (x->iova & x->walk.addr_mask);
    out->entry.target_as = s->dma_as;
    out->entry.iova = x->iova & ~mask;
    out->entry.translated_addr = target & ~mask;
    out->entry.addr_mask = mask;
    out->entry.perm = x->walk.perm;
}

/* ---- front cache (iommu-front.h; AMDVIAddressSpace.front) ---- */

/*
 * Whether the front cache may serve at all, besides the request: the
 * state the full path reads besides the two caches (IOMMUEn, the
 * exclusion range, which registers change without touching a cache),
 * caches present and no trace.  All of it changes only with registers
 * or never, so the gate caches the answer.
 */
static bool amdvi_front_regs_open(const void *model)
{
    const AMDVIState *s = model;

    return s->caches && !s->trace &&
           amdvi_control_has(s, AMDVI_CONTROL_IOMMU_EN_MASK) &&
           !(amdvi_reg_get(s, AMDVI_RI_EXCL_BASE) &
             AMDVI_EXCL_BASE_EX_EN_MASK);
}

/* The gate (refreshed if registers changed) and the request: for fills. */
static inline bool amdvi_front_allowed(AMDVIState *s, MemTxAttrs attrs)
{
    return iommu_front_request_ok(attrs) &&
           iommu_front_gate_open(&s->front_gate, amdvi_front_regs_open, s);
}

/*
 * Replay a DTE-cache hit and an IOTLB hit of this page: both caches
 * unchanged since (hints valid), so the full path would hit the same
 * DTE, decode it the same way, probe the same IOTLB keys up to the same
 * Mode and succeed with the same entry.
 */
static bool amdvi_front_try(AMDVIState *s, AMDVIAddressSpace *vas,
                            uint64_t iova, IOMMUAccessFlags access,
                            MemTxAttrs attrs, IOMMUTranslation *out)
{
    const IOMMUFrontEntry *f;
    AMDVICaches *c = s->caches;

    f = iommu_front_match(&vas->front, iova, access);
    /* The gate as cached: after a register change, one full path
     * refreshes it (at its fill), so a hit makes no call. */
    if (!f || !iommu_front_request_ok(attrs) ||
        !iommu_front_gate_open_cached(&s->front_gate) ||
        !iommu_front_hit(&vas->front, f,
                         (TimingCache *[]){ c->dte, c->iotlb }, s->timing,
                         s->clock ? vclock_now(s->clock) : 0, s->dma_as,
                         out)) {
        return false;
    }
    /* What the full path counts on this outcome besides the caches. */
    c->ctr.mem_trans_total++;
    c->ctr.iotlb_hits_by_level[f->size_class]++;
    s->stats.translations++;
    return true;
}

/* After a full translation that was exactly two hits and succeeded. */
static void amdvi_front_fill(AMDVIState *s, AMDVIAddressSpace *vas,
                             const AMDVIXlate *x, const IOMMUTranslation *out)
{
    if (out->fault || x->events != IOMMU_FRONT_EVENTS ||
        !amdvi_front_allowed(s, x->attrs) ||
        x->walk.level < AMDVI_LEVEL_MIN || x->walk.level > AMDVI_LEVEL_MAX) {
        iommu_front_drop(&vas->front, x->iova);
        return;
    }
    /* The IOTLB's hit class is the leaf level (amdvi_iotlb_lookup). */
    iommu_front_fill(&vas->front,
                     (TimingCache *[]){ s->caches->dte, s->caches->iotlb },
                     x->iova, (uint8_t)(x->walk.level - AMDVI_LEVEL_MIN),
                     &out->entry);
}

/* The full path (kept out of line: the front-cache hit needs no frame). */
static G_GNUC_NO_INLINE void amdvi_translate_full(AMDVIAddressSpace *vas,
                                                  uint64_t iova,
                                                  IOMMUAccessFlags access,
                                                  MemTxAttrs attrs,
                                                  IOMMUTranslation *out)
{
    AMDVIState *s = vas->s;
    AMDVIXlate x;

    /*
     * Field by field: zeroing the whole struct (the TimingXlate trace
     * array, the walk result) costs more than an IOTLB hit's work; the
     * walk is cleared where a path fills it, the trace is read only up
     * to its count.
     */
    x.devid = vas->devid;
    x.iova = iova;
    x.access = access;
    x.attrs = attrs;
    x.status = AMDVI_OK;
    x.mem_reads = 0;
    x.events = 0;
    memset(&x.dte, 0, sizeof(x.dte));
    memset(&x.walk, 0, offsetof(AMDVIWalkResult, read_addr));
    s->stats.translations++;
    if (s->timing) {
        timing_xlate_begin(s->timing, &x.t,
                           s->clock ? vclock_now(s->clock) : 0, x.devid,
                           iova);
    }
    x.status = amdvi_xlate_run(s, &x);
    amdvi_xlate_finish(s, &x, out);
    amdvi_front_fill(s, vas, &x, out);
}

static void amdvi_translate(MemoryRegion *iommu, uint64_t iova,
                            IOMMUAccessFlags access, MemTxAttrs attrs,
                            IOMMUTranslation *out)
{
    AMDVIAddressSpace *vas = iommu->iommu_opaque;

    if (!amdvi_front_try(vas->s, vas, iova, access, attrs, out)) {
        amdvi_translate_full(vas, iova, access, attrs, out);
    }
}

const IOMMUMemoryRegionOps amdvi_iommu_ops = {
    .translate = amdvi_translate,
};
