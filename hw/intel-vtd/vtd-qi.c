/*
 * VT-d queued invalidation (VT-d 5.10 §6.5.2, registers §11.4.9).
 *
 * The queue is a ring of 2^(QS+8) 128-bit or 2^(QS+7) 256-bit slots at
 * IQA; IQH and IQT hold byte offsets into it.  vtd_qi_process() fetches
 * from IQH up to IQT, one descriptor at a time, and stops on the first
 * bad one with FSTS.IQE set and IQH left on it (§6.5.2.10).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/intel-vtd/vtd-internal.h"
#include "hw/intel-vtd/vtd-cache.h"
#include "hw/intel-vtd/vtd-inv.h"
#include "hw/intel-vtd/vtd-inv-int.h"
#include "specs/vtd-desc.h"

typedef struct VTDQueue {
    uint64_t base;
    uint64_t size;      /* bytes */
    unsigned dsz;       /* descriptor bytes: 16 or 32 */
} VTDQueue;

static void vtd_qi_queue(VTDState *s, VTDQueue *q)
{
    uint64_t iqa = vtd_reg_get(s, VTD_RI_IQA);

    q->base = (vtd_iqa_get_iqa(iqa) << 12) & ~s->haw_mask;
    q->size = 4096ULL << vtd_iqa_get_qs(iqa);
    q->dsz = vtd_iqa_get_dw(iqa) ? 32 : 16;
}

/* Invalidation queue error (§6.5.2.10): record the cause, stop. */
static void vtd_qi_error(VTDState *s, VTDIqErrorInfo code)
{
    uint64_t r = vtd_reg_get(s, VTD_RI_IQERCD);

    vtd_reg_set(s, VTD_RI_IQERCD, vtd_iqercd_set_iqei(r, code));
    vtd_fault_status_raise(s, VTD_FSTS_IQE_MASK);
}

static bool vtd_qi_stopped(VTDState *s)
{
    return !s->inv || !s->inv->enabled ||
           (vtd_reg_get(s, VTD_RI_FSTS) & VTD_FSTS_IQE_MASK);
}

/* Reserved bits of a 128-bit layout plus, in a 256-bit slot, the pad. */
static bool vtd_qi_rsvd(const uint64_t *d, unsigned dsz, uint64_t m0,
                        uint64_t m1)
{
    if ((d[0] & m0) || (d[1] & m1)) {
        return true;
    }
    return dsz == 32 && (d[2] || d[3]);
}

static VTDIqErrorInfo vtd_qi_cc(VTDState *s, const uint64_t *d, unsigned dsz)
{
    if (vtd_qi_rsvd(d, dsz, VTD_CC_DESC_RSVD_MASK_W0,
                    VTD_CC_DESC_RSVD_MASK_W1) ||
        !vtd_inv_context(s, (unsigned)vtd_cc_desc_get_g(d),
                         (uint16_t)vtd_cc_desc_get_did(d),
                         (uint16_t)vtd_cc_desc_get_sid(d),
                         (unsigned)vtd_cc_desc_get_fm(d))) {
        return VTD_IQEI_RSVD;
    }
    return VTD_IQEI_NONE;
}

static VTDIqErrorInfo vtd_qi_iotlb(VTDState *s, const uint64_t *d,
                                   unsigned dsz)
{
    /* DR/DW drains are implicit: DMA completes synchronously. */
    if (vtd_qi_rsvd(d, dsz, VTD_IOTLB_DESC_RSVD_MASK_W0,
                    VTD_IOTLB_DESC_RSVD_MASK_W1) ||
        !vtd_inv_iotlb(s, (unsigned)vtd_iotlb_desc_get_g(d),
                       (uint16_t)vtd_iotlb_desc_get_did(d),
                       vtd_iotlb_desc_get_addr(d) << 12,
                       (unsigned)vtd_iotlb_desc_get_am(d),
                       vtd_iotlb_desc_get_ih(d) != 0)) {
        return VTD_IQEI_RSVD;
    }
    return VTD_IQEI_NONE;
}

/*
 * Device-TLB invalidation (§6.5.2.5): S=1 encodes the size in the
 * address, the lowest clear bit at or above 12 marking 2^(bit+1).
 * Endpoint TLBs are modelled by DEVIOTLB_UNMAP notifiers.
 */
static VTDIqErrorInfo vtd_qi_devtlb(VTDState *s, const uint64_t *d,
                                    unsigned dsz)
{
    uint64_t addr = vtd_dev_tlb_desc_get_addr(d) << 12;
    uint64_t mask = 0xfff;

    if (!vtd_ecap_get_dt(s->ecap)) {
        return VTD_IQEI_TYPE;
    }
    if (vtd_qi_rsvd(d, dsz, VTD_DEV_TLB_DESC_RSVD_MASK_W0,
                    VTD_DEV_TLB_DESC_RSVD_MASK_W1)) {
        return VTD_IQEI_RSVD;
    }
    if (vtd_dev_tlb_desc_get_s(d)) {
        unsigned b = 12;

        while (b < 63 && (addr >> b) & 1) {
            b++;
        }
        mask = b >= 63 ? UINT64_MAX : (1ULL << (b + 1)) - 1;
    }
    if (s->caches) {
        s->caches->ctr.devtlb_inv++;
    }
    vtd_inv_notify(s, IOMMU_NOTIFIER_DEVIOTLB_UNMAP, -1,
                   (int)vtd_dev_tlb_desc_get_sid(d), addr, mask);
    return VTD_IQEI_NONE;
}

/* Interrupt entry cache (§6.5.2.8): G=0 global, G=1 index-selective. */
static VTDIqErrorInfo vtd_qi_iec(VTDState *s, const uint64_t *d,
                                 unsigned dsz)
{
    VTDCaches *c = s->caches;

    if (vtd_qi_rsvd(d, dsz, VTD_IEC_DESC_RSVD_MASK_W0,
                    VTD_IEC_DESC_RSVD_MASK_W1)) {
        return VTD_IQEI_RSVD;
    }
    if (!c) {
        return VTD_IQEI_NONE;
    }
    if (vtd_iec_desc_get_g(d)) {
        c->ctr.iec_inv[2]++;
        vtd_iec_invalidate_index(c, (uint16_t)vtd_iec_desc_get_iidx(d),
                                 (unsigned)vtd_iec_desc_get_im(d));
    } else {
        c->ctr.iec_inv[0]++;
        vtd_iec_invalidate_all(c);
    }
    return VTD_IQEI_NONE;
}

/*
 * The wait descriptor completes (§6.5.2.9): the status write and the
 * invalidation completion event.
 */
void vtd_qi_wait_signal(VTDState *s, const VTDInvDone *d)
{
    if (d->sw) {
        /* Exactly 4 bytes (§6.5.2.9); a failed write is not an IQ error. */
        address_space_st_le(s->dma_as, d->addr, 4, d->data,
                            MEMTXATTRS_UNSPECIFIED);
        if (s->inv) {
            s->inv->status_writes++;
        }
    }
    if (d->iflag) {
        bool was_set = vtd_reg_get(s, VTD_RI_ICS) & VTD_ICS_IWC_MASK;

        vtd_reg_update(s, VTD_RI_ICS, 0, VTD_ICS_IWC_MASK);
        if (!was_set) {
            vtd_inv_event_raise(s);
        }
    }
}

/*
 * Invalidation wait (§6.5.2.9): it completes after every earlier
 * descriptor, i.e. at the modelled time the unit gets to it (at once with
 * timing=ideal); the cache effects of those descriptors were immediate,
 * which software cannot tell apart.  FN and PD need nothing more here.
 */
static VTDIqErrorInfo vtd_qi_wait(VTDState *s, const uint64_t *d,
                                  unsigned dsz)
{
    VTDInvDone done = { .is_wait = true };

    if (vtd_qi_rsvd(d, dsz, VTD_WAIT_DESC_RSVD_MASK_W0,
                    VTD_WAIT_DESC_RSVD_MASK_W1)) {
        return VTD_IQEI_RSVD;
    }
    if (s->caches) {
        s->caches->ctr.wait_desc++;
    }
    done.sw = vtd_wait_desc_get_sw(d) != 0;
    done.iflag = vtd_wait_desc_get_if(d) != 0;
    done.addr = (vtd_wait_desc_get_status_addr(d) << 2) & ~s->haw_mask;
    done.data = (uint32_t)vtd_wait_desc_get_status_data(d);
    done.at = vtd_inv_charge(s, TIMING_INV_WAIT);
    vtd_inv_complete(s, &done);
    return VTD_IQEI_NONE;
}

/* What a good descriptor of type costs (the wait charges itself). */
static void vtd_qi_charge(VTDState *s, unsigned type, const uint64_t *d)
{
    switch (type) {
    case VTD_INV_DESC_CC:
        vtd_inv_charge(s, TIMING_INV_CONFIG);
        break;
    case VTD_INV_DESC_IOTLB:
        vtd_inv_charge(s, vtd_inv_iotlb_kind((unsigned)
                                             vtd_iotlb_desc_get_g(d)));
        break;
    case VTD_INV_DESC_DEV_TLB:
        vtd_inv_charge(s, TIMING_INV_DEVTLB);
        break;
    case VTD_INV_DESC_IEC:
        vtd_inv_charge(s, TIMING_INV_IEC);
        break;
    default:
        break;
    }
}

static VTDIqErrorInfo vtd_qi_exec(VTDState *s, const uint64_t *d,
                                  unsigned dsz)
{
    unsigned type = (unsigned)(vtd_cc_desc_get_type_hi(d) << 4 |
                               vtd_cc_desc_get_type_lo(d));
    VTDIqErrorInfo err;

    switch (type) {
    case VTD_INV_DESC_CC:
        err = vtd_qi_cc(s, d, dsz);
        break;
    case VTD_INV_DESC_IOTLB:
        err = vtd_qi_iotlb(s, d, dsz);
        break;
    case VTD_INV_DESC_DEV_TLB:
        err = vtd_qi_devtlb(s, d, dsz);
        break;
    case VTD_INV_DESC_IEC:
        err = vtd_qi_iec(s, d, dsz);
        break;
    case VTD_INV_DESC_WAIT:
        return vtd_qi_wait(s, d, dsz);
    default:
        /* PASID-based types need scalable mode (Table 26); legacy here. */
        return VTD_IQEI_TYPE;
    }
    if (err == VTD_IQEI_NONE) {
        vtd_qi_charge(s, type, d);
    }
    return err;
}

/* Queue-level checks made before fetching (§11.4.9.9 IQEI 1, 5, 6, 7). */
static VTDIqErrorInfo vtd_qi_check(VTDState *s, const VTDQueue *q,
                                   uint64_t tail)
{
    if (s->root_ttm == 2) {
        return VTD_IQEI_TTM;
    }
    if (q->dsz == 32 && !vtd_ecap_get_smts(s->ecap) &&
        !vtd_ecap_get_adms(s->ecap)) {
        return VTD_IQEI_WIDTH;
    }
    if (q->dsz == 16 && (s->root_ttm == 1 || s->root_ttm == 3)) {
        return VTD_IQEI_WIDTH;
    }
    if (q->dsz == 32 && (tail & 16)) {
        return VTD_IQEI_TAIL_ALIGN;
    }
    if (tail >= q->size) {
        return VTD_IQEI_TAIL;
    }
    return VTD_IQEI_NONE;
}

unsigned vtd_qi_process(VTDState *s, unsigned max)
{
    VTDQueue q;
    uint64_t head, tail;
    unsigned done = 0;
    VTDIqErrorInfo err;

    if (vtd_qi_stopped(s)) {
        return 0;
    }
    vtd_qi_queue(s, &q);
    tail = vtd_reg_get(s, VTD_RI_IQT);
    head = vtd_reg_get(s, VTD_RI_IQH) % q.size;
    if ((err = vtd_qi_check(s, &q, tail)) != VTD_IQEI_NONE) {
        vtd_qi_error(s, err);
        return 0;
    }
    while (head != tail && (max == 0 || done < max)) {
        uint64_t d[4] = { 0 };

        head &= ~(uint64_t)(q.dsz - 1);
        if (address_space_read(s->dma_as, q.base + head,
                               MEMTXATTRS_UNSPECIFIED, d, q.dsz) != MEMTX_OK) {
            err = VTD_IQEI_FETCH;
        } else {
            for (unsigned i = 0; i < 4; i++) {
                d[i] = GUINT64_FROM_LE(d[i]);
            }
            err = vtd_qi_exec(s, d, q.dsz);
        }
        if (err != VTD_IQEI_NONE) {
            vtd_qi_error(s, err);   /* IQH stays on the bad slot */
            break;
        }
        head = (head + q.dsz) % q.size;
        vtd_reg_set(s, VTD_RI_IQH, head);
        s->inv->descs_done++;
        done++;
    }
    return done;
}

/* IQT written: new work (§6.5.2). */
static void vtd_qi_iqt_post_write(RegFile *rf, unsigned reg, unsigned inst,
                                  uint64_t old, uint64_t v, uint64_t written,
                                  void *opaque)
{
    vtd_qi_process(opaque, 0);
}

static const RegHooks vtd_qi_iqt_hooks = {
    .name = "IQT: invalidation queue tail (§11.4.9.2)",
    .post_write = vtd_qi_iqt_post_write,
};

void vtd_qi_install_hooks(VTDState *s)
{
    regfile_set_hooks(s->regs, VTD_RI_IQT, &vtd_qi_iqt_hooks, s);
}

/* GCMD.QIE (§11.4.4.1): QIES follows; IQH is 0 while disabled. */
void vtd_inv_set_qie(VTDState *s, bool enable)
{
    if (!s->inv) {
        return;
    }
    vtd_reg_set(s, VTD_RI_IQH, 0);
    s->inv->enabled = enable;
    vtd_reg_update(s, VTD_RI_GSTS, VTD_GSTS_QIES_MASK,
                   enable ? VTD_GSTS_QIES_MASK : 0);
    if (enable) {
        vtd_qi_process(s, 0);
    }
}

void vtd_inv_iqe_cleared(VTDState *s)
{
    /* Fetching resumes at IQH, re-reading the slot from memory. */
    vtd_qi_process(s, 0);
}
