/*
 * VT-d invalidation, register-based interface (VT-d 5.10 §6.5.1,
 * §11.4.6) and what both interfaces share: the invalidation actions on
 * the caches and the notifications to IOMMU notifiers.  The queued
 * interface is in vtd-qi.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/intel-vtd/vtd-internal.h"
#include "hw/intel-vtd/vtd-cache.h"
#include "hw/intel-vtd/vtd-inv.h"
#include "hw/intel-vtd/vtd-inv-int.h"

/* ---- notifications ---- */

typedef struct VTDNotifyReq {
    VTDState *s;
    int did;                /* -1: every domain */
    uint64_t iova, mask;    /* naturally aligned block */
    IOMMUNotifierFlag type;
    int sid;                /* >= 0: only this requester */
} VTDNotifyReq;

static bool vtd_space_has(MemoryRegion *mr, unsigned flag)
{
    for (IOMMUNotifier *n = memory_region_iommu_next_notifier(mr, NULL); n;
         n = memory_region_iommu_next_notifier(mr, n)) {
        if (n->flags & flag) {
            return true;
        }
    }
    return false;
}

static void vtd_notify_one(IOMMURequesterSpace *rs, void *opaque)
{
    VTDAddressSpace *vas = (VTDAddressSpace *)rs;
    VTDNotifyReq *r = opaque;
    IOMMUTLBEvent ev = { .type = r->type };

    if ((r->sid >= 0 && vas->sid != r->sid) ||
        !vtd_space_has(&vas->rs.iommu, r->type)) {
        return;
    }
    if (r->did >= 0) {
        VTDContext ctx = { 0 };
        uint32_t reads = 0;

        /* Only spaces whose context entry names this domain. */
        if (vtd_ctx_lookup(r->s, vas->sid, &ctx, &reads) != VTD_OK ||
            ctx.did != (uint16_t)r->did) {
            return;
        }
    }
    ev.entry.target_as = r->s->dma_as;
    ev.entry.iova = r->iova;
    ev.entry.addr_mask = r->mask;
    ev.entry.perm = IOMMU_NONE;
    memory_region_notify_iommu(&vas->rs.iommu, &ev);
}

void vtd_inv_notify(VTDState *s, IOMMUNotifierFlag type, int did, int sid,
                    uint64_t iova, uint64_t mask)
{
    VTDNotifyReq r = { .s = s, .did = did, .sid = sid, .type = type,
                       .iova = iova & ~mask, .mask = mask };

    iommu_requester_spaces_foreach(s->spaces, vtd_notify_one, &r);
}

/* ---- invalidation actions shared by both interfaces ---- */

/*
 * Context-cache invalidation (§6.5.1.1, §6.5.2.1); returns the actual
 * granularity, 0 when the request granularity is reserved.
 */
unsigned vtd_inv_context(VTDState *s, unsigned gran, uint16_t did,
                         uint16_t sid, unsigned fm)
{
    VTDCaches *c = s->caches;

    switch (gran) {
    case VTD_GRAN_GLOBAL:
        if (c) {
            c->ctr.cc_inv[0]++;
            vtd_cc_invalidate_all(c);
        }
        return VTD_GRAN_GLOBAL;
    case VTD_GRAN_DOMAIN:
        if (c) {
            c->ctr.cc_inv[1]++;
            vtd_cc_invalidate_domain(c, did);
        }
        return VTD_GRAN_DOMAIN;
    case VTD_GRAN_DEVICE_OR_PAGE:
        if (c) {
            c->ctr.cc_inv[2]++;
            vtd_cc_invalidate_device(c, sid, fm);
        }
        return VTD_GRAN_DEVICE_OR_PAGE;
    default:
        return 0;
    }
}

/*
 * IOTLB invalidation (§6.5.1.2, §6.5.2.3) including the paging-structure
 * caches; UNMAP notifiers hear about the range.  Page-selective needs
 * CAP.PSI and AM <= CAP.MAMV; otherwise the domain is invalidated, which
 * the spec allows (an implementation may invalidate more than asked) and
 * reports as the actual granularity.
 */
unsigned vtd_inv_iotlb(VTDState *s, unsigned gran, uint16_t did,
                       uint64_t addr, unsigned am, bool ih)
{
    VTDCaches *c = s->caches;

    if (gran == VTD_GRAN_DEVICE_OR_PAGE &&
        (!vtd_cap_get_psi(s->cap) || am > vtd_cap_get_mamv(s->cap))) {
        gran = VTD_GRAN_DOMAIN;
    }
    switch (gran) {
    case VTD_GRAN_GLOBAL:
        if (c) {
            c->ctr.iotlb_inv[0]++;
            vtd_iotlb_invalidate_all(c);
        }
        vtd_inv_notify(s, IOMMU_NOTIFIER_UNMAP, -1, -1, 0, UINT64_MAX);
        return VTD_GRAN_GLOBAL;
    case VTD_GRAN_DOMAIN:
        if (c) {
            c->ctr.iotlb_inv[1]++;
            vtd_iotlb_invalidate_domain(c, did);
        }
        vtd_inv_notify(s, IOMMU_NOTIFIER_UNMAP, did, -1, 0, UINT64_MAX);
        return VTD_GRAN_DOMAIN;
    case VTD_GRAN_DEVICE_OR_PAGE:
        if (c) {
            c->ctr.iotlb_inv[2]++;
            vtd_iotlb_invalidate_pages(c, did, addr, am, ih);
        }
        vtd_inv_notify(s, IOMMU_NOTIFIER_UNMAP, did, -1, addr,
                       (1ULL << (12 + am)) - 1);
        return VTD_GRAN_DEVICE_OR_PAGE;
    default:
        return 0;
    }
}

/* ---- invalidation timing (docs/timing.md) ---- */

/* The cost class of an IOTLB invalidation by its actual granularity. */
TimingInvKind vtd_inv_iotlb_kind(unsigned gran)
{
    return gran == VTD_GRAN_GLOBAL ? TIMING_INV_IOTLB_GLOBAL
         : gran == VTD_GRAN_DOMAIN ? TIMING_INV_IOTLB_DOMAIN
         : TIMING_INV_IOTLB_PAGE;
}

int64_t vtd_inv_charge(VTDState *s, TimingInvKind kind)
{
    int64_t now = s->clock ? vclock_now(s->clock) : 0;

    if (!s->timing) {
        return now;
    }
    /* In order (§6.5.2): a request starts when the one before is done. */
    s->inv_busy_until = timing_invalidate(s->timing, kind,
                                          MAX(now, s->inv_busy_until));
    return s->inv_busy_until;
}

static void vtd_inv_report(VTDState *s, const VTDInvDone *d)
{
    if (d->is_wait) {
        vtd_qi_wait_signal(s, d);
    } else {
        regfile_set(s->regs, d->ri, 0, d->value);
    }
}

/* The timer: report every completion due by now, re-arm for the next. */
static void vtd_inv_timer_cb(void *opaque)
{
    VTDState *s = opaque;
    int64_t now = vclock_now(s->clock);
    VTDInvDone *d;

    while ((d = g_queue_peek_head(&s->inv_done)) && d->at <= now) {
        g_queue_pop_head(&s->inv_done);
        vtd_inv_report(s, d);
        g_free(d);
    }
    if (d) {
        vtimer_mod(s->inv_timer, d->at);
    }
}

void vtd_inv_complete(VTDState *s, const VTDInvDone *d)
{
    bool idle = g_queue_is_empty(&s->inv_done);

    if (!s->clock || (idle && d->at <= vclock_now(s->clock))) {
        vtd_inv_report(s, d);
        return;
    }
    if (!s->inv_timer) {
        s->inv_timer = vtimer_new(s->clock, vtd_inv_timer_cb, s);
    }
    /* Completion times only grow (vtd_inv_charge), so FIFO is time order. */
    g_queue_push_tail(&s->inv_done, g_memdup2(d, sizeof(*d)));
    if (idle) {
        vtimer_mod(s->inv_timer, d->at);
    }
}

/* Reset and teardown: completions in flight are lost with the unit. */
static void vtd_inv_timing_clear(VTDState *s, bool destroy)
{
    g_queue_clear_full(&s->inv_done, g_free);
    s->inv_busy_until = 0;
    if (s->inv_timer) {
        vtimer_del(s->inv_timer);
        if (destroy) {
            vtimer_free(s->inv_timer);
            s->inv_timer = NULL;
        }
    }
}

/* ---- register-based interface (§6.5.1) ---- */

/* §6.5: the registers exist only in implementations of major version <= 5. */
static bool vtd_inv_regs_absent(VTDState *s)
{
    return vtd_ver_get_max(vtd_reg_get(s, VTD_RI_VER)) >= 6;
}

static void vtd_inv_rsvdz_pre_write(RegFile *rf, unsigned reg, unsigned inst,
                                    uint64_t old, uint64_t *new_value,
                                    uint64_t written, void *opaque)
{
    if (vtd_inv_regs_absent(opaque)) {
        *new_value = 0;
    }
}

/* Register-based invalidation only operates in legacy mode (§6.5.1). */
static bool vtd_inv_regs_refused(VTDState *s)
{
    return s->root_ttm != 0;
}

/* §11.4.6.1: the request starts when the byte holding ICC is written. */
static void vtd_inv_ccmd_post_write(RegFile *rf, unsigned reg, unsigned inst,
                                    uint64_t old, uint64_t v,
                                    uint64_t written, void *opaque)
{
    VTDState *s = opaque;
    VTDInvDone done = { 0 };
    unsigned caig = 0;

    if (!(written & VTD_CCMD_ICC_MASK) || !vtd_ccmd_get_icc(v) ||
        vtd_inv_regs_absent(s)) {
        return;
    }
    if (!vtd_inv_regs_refused(s)) {
        caig = vtd_inv_context(s, (unsigned)vtd_ccmd_get_cirg(v),
                               (uint16_t)vtd_ccmd_get_did(v),
                               (uint16_t)vtd_ccmd_get_sid(v),
                               (unsigned)vtd_ccmd_get_fm(v));
    }
    /*
     * The caches change at once; ICC reads 0 and CAIG is valid from the
     * modelled completion on (at once with timing=ideal).
     */
    v = vtd_ccmd_set_icc(v, 0);
    done.ri = VTD_RI_CCMD;
    done.value = vtd_ccmd_set_caig(v, caig);
    done.at = vtd_inv_charge(s, TIMING_INV_CONFIG);
    vtd_inv_complete(s, &done);
}

/* §11.4.6.3: IVT in the top byte starts the request; IVA holds the page. */
static void vtd_inv_iotlb_post_write(RegFile *rf, unsigned reg,
                                     unsigned inst, uint64_t old, uint64_t v,
                                     uint64_t written, void *opaque)
{
    VTDState *s = opaque;
    uint64_t iva = regfile_get(s->regs, VTD_RI_IVA, 0);
    VTDInvDone done = { 0 };
    unsigned iaig = 0;

    if (!(written & VTD_IOTLB_IVT_MASK) || !vtd_iotlb_get_ivt(v) ||
        vtd_inv_regs_absent(s)) {
        return;
    }
    if (!vtd_inv_regs_refused(s)) {
        /* DR/DW drains are implicit: DMA completes synchronously. */
        iaig = vtd_inv_iotlb(s, (unsigned)vtd_iotlb_get_iirg(v),
                             (uint16_t)vtd_iotlb_get_did(v),
                             vtd_iva_get_addr(iva) << 12,
                             (unsigned)vtd_iva_get_am(iva),
                             vtd_iva_get_ih(iva) != 0);
    }
    v = vtd_iotlb_set_ivt(v, 0);
    done.ri = VTD_RI_IOTLB;
    done.value = vtd_iotlb_set_iaig(v, iaig);
    done.at = vtd_inv_charge(s, vtd_inv_iotlb_kind(iaig));
    vtd_inv_complete(s, &done);
}

/* ICS.IWC serviced: the invalidation event is no longer pending (§11.4.9.5). */
static void vtd_inv_ics_post_write(RegFile *rf, unsigned reg, unsigned inst,
                                   uint64_t old, uint64_t v,
                                   uint64_t written, void *opaque)
{
    VTDState *s = opaque;

    if ((old & VTD_ICS_IWC_MASK) && !(v & VTD_ICS_IWC_MASK)) {
        vtd_reg_update(s, VTD_RI_IECTL, VTD_IECTL_IP_MASK, 0);
    }
}

static const RegHooks vtd_inv_ccmd_hooks = {
    .name = "CCMD: context-cache invalidation (§6.5.1.1)",
    .pre_write = vtd_inv_rsvdz_pre_write,
    .post_write = vtd_inv_ccmd_post_write,
};
static const RegHooks vtd_inv_iotlb_hooks = {
    .name = "IOTLB: IOTLB invalidation (§6.5.1.2)",
    .pre_write = vtd_inv_rsvdz_pre_write,
    .post_write = vtd_inv_iotlb_post_write,
};
static const RegHooks vtd_inv_iva_hooks = {
    .name = "IVA: page-selective invalidation address (§11.4.6.4)",
    .pre_write = vtd_inv_rsvdz_pre_write,
};
static const RegHooks vtd_inv_ics_hooks = {
    .name = "ICS: invalidation wait completion (§11.4.9.4)",
    .post_write = vtd_inv_ics_post_write,
};

struct VTDInvState *vtd_inv_new(VTDState *s)
{
    VTDInvState *inv = g_new0(VTDInvState, 1);

    inv->s = s;
    regfile_set_hooks(s->regs, VTD_RI_CCMD, &vtd_inv_ccmd_hooks, s);
    regfile_set_hooks(s->regs, VTD_RI_IOTLB, &vtd_inv_iotlb_hooks, s);
    regfile_set_hooks(s->regs, VTD_RI_IVA, &vtd_inv_iva_hooks, s);
    regfile_set_hooks(s->regs, VTD_RI_ICS, &vtd_inv_ics_hooks, s);
    vtd_qi_install_hooks(s);
    return inv;
}

void vtd_inv_free(struct VTDInvState *inv)
{
    if (inv) {
        vtd_inv_timing_clear(inv->s, true);
    }
    g_free(inv);
}

void vtd_inv_reset(VTDState *s)
{
    if (s->inv) {
        s->inv->enabled = false;
        s->inv->descs_done = 0;
        s->inv->status_writes = 0;
    }
    vtd_inv_timing_clear(s, false);
    vtd_reg_set(s, VTD_RI_IQH, 0);
}
