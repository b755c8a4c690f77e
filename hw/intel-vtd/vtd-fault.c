/*
 * Intel VT-d: non-recoverable fault reporting (VT-d 5.10 §7.2) and the
 * two event interrupts that reach software by MSI: the fault event
 * (FECTL/FEDATA/FEADDR/FEUADDR, §7.2.2, §11.4.7.2-5) and the invalidation
 * completion event (IECTL/IEDATA/IEADDR/IEUADDR, §11.4.9.5-8).
 *
 * Primary fault logging (§7.2.1): NFR+1 fault recording registers at
 * 16 * CAP.FRO used round robin from an internal index; a record whose F
 * is still set stops logging (FSTS.PFO); FSTS.PPF is the OR of the F
 * bits; FSTS.FRI names the record that made PPF go 0 -> 1.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/intel-vtd/vtd-internal.h"

/* FSTS bits whose being set makes an event pending (§11.4.7.1). */
#define VTD_FSTS_EVENT_BITS \
    (VTD_FSTS_PFO_MASK | VTD_FSTS_PPF_MASK | VTD_FSTS_IQE_MASK | \
     VTD_FSTS_ICE_MASK | VTD_FSTS_ITE_MASK)

static unsigned vtd_fault_nrecords(const VTDState *s)
{
    return regfile_group_count(s->regs, VTD_GROUP_FRCD_REGS);
}

void vtd_send_event_msi(VTDState *s, unsigned ri_data, unsigned ri_addr,
                        unsigned ri_uaddr)
{
    MsiMessage msg = {
        .address = (vtd_reg_get(s, ri_uaddr) << 32) |
                   vtd_reg_get(s, ri_addr),
        .data = (uint32_t)vtd_reg_get(s, ri_data),
    };

    s->stats.fault_events += ri_data == VTD_RI_FEDATA;
    if (s->msi) {
        /* The unit's own interrupts are not subject to remapping (§5.1). */
        msi_sink_deliver(s->msi, msg, MEMTXATTRS_UNSPECIFIED);
    }
}

/* §7.2.2: masked -> IP; unmasked -> the message now. */
void vtd_fault_event(VTDState *s)
{
    if (vtd_reg_get(s, VTD_RI_FECTL) & VTD_FECTL_IM_MASK) {
        vtd_reg_update(s, VTD_RI_FECTL, 0, VTD_FECTL_IP_MASK);
        return;
    }
    vtd_send_event_msi(s, VTD_RI_FEDATA, VTD_RI_FEADDR, VTD_RI_FEUADDR);
}

void vtd_fault_fectl_written(VTDState *s)
{
    uint64_t fectl = vtd_reg_get(s, VTD_RI_FECTL);

    if (!(fectl & VTD_FECTL_IM_MASK) && (fectl & VTD_FECTL_IP_MASK)) {
        vtd_reg_update(s, VTD_RI_FECTL, VTD_FECTL_IP_MASK, 0);
        vtd_send_event_msi(s, VTD_RI_FEDATA, VTD_RI_FEADDR, VTD_RI_FEUADDR);
    }
}

bool vtd_fault_ppf(VTDState *s)
{
    unsigned n = vtd_fault_nrecords(s);

    for (unsigned i = 0; i < n; i++) {
        if (regfile_get(s->regs, VTD_RI_FRCD_W1, i) &
            (1ull << VTD_FRCD_F_SHIFT)) {
            return true;
        }
    }
    return false;
}

/*
 * Software cleared an F bit or an FSTS status bit: PPF follows the
 * records, and IP clears once every event source is serviced (§11.4.7.2).
 */
void vtd_fault_status_changed(VTDState *s)
{
    bool ppf = vtd_fault_ppf(s);
    uint64_t fsts;

    vtd_reg_update(s, VTD_RI_FSTS, VTD_FSTS_PPF_MASK,
                   ppf ? VTD_FSTS_PPF_MASK : 0);
    fsts = vtd_reg_get(s, VTD_RI_FSTS);
    if (!(fsts & VTD_FSTS_EVENT_BITS)) {
        vtd_reg_update(s, VTD_RI_FECTL, VTD_FECTL_IP_MASK, 0);
    }
}

/* An event is generated only when no earlier status is outstanding. */
void vtd_fault_status_raise(VTDState *s, uint32_t fsts_bits)
{
    uint64_t before = vtd_reg_get(s, VTD_RI_FSTS);

    vtd_reg_update(s, VTD_RI_FSTS, 0, fsts_bits);
    if (!(before & VTD_FSTS_EVENT_BITS)) {
        vtd_fault_event(s);
    }
}

/*
 * Repeated faults: a request that faults exactly as a still-pending
 * record (same source, reason, page and type) is not logged again
 * (§7.2.1 lets hardware collapse them; Linux's handler relies on seeing
 * each distinct fault once).
 */
static bool vtd_fault_is_repeat(VTDState *s, const uint64_t rec[2])
{
    unsigned n = vtd_fault_nrecords(s);
    uint64_t key_w1 = VTD_FRCD_SID_MASK | VTD_FRCD_FR_MASK |
                      VTD_FRCD_T1_MASK;

    for (unsigned i = 0; i < n; i++) {
        uint64_t w0 = regfile_get(s->regs, VTD_RI_FRCD_W0, i);
        uint64_t w1 = regfile_get(s->regs, VTD_RI_FRCD_W1, i);

        if ((w1 & (1ull << VTD_FRCD_F_SHIFT)) && w0 == rec[0] &&
            (w1 & key_w1) == (rec[1] & key_w1)) {
            return true;
        }
    }
    return false;
}

static void vtd_fault_encode(const VTDState *s, const VTDFaultInfo *fi,
                             uint64_t rec[2])
{
    rec[0] = rec[1] = 0;
    vtd_frcd_set_fi(rec, (fi->addr & ~s->haw_mask) >> VTD_FRCD_FI_SHIFT);
    vtd_frcd_set_sid(rec, fi->sid);
    vtd_frcd_set_fr(rec, fi->reason);
    /* T1 (the legacy T bit): 0 write, 1 read (§11.4.7.6). */
    vtd_frcd_set_t1(rec, !fi->is_write);
    vtd_frcd_set_priv(rec, fi->priv);
    vtd_frcd_set_exe(rec, fi->exec);
    vtd_frcd_set_pp(rec, fi->has_pasid);
    vtd_frcd_set_pv(rec, fi->has_pasid ? fi->pasid : 0);
    vtd_frcd_set_at(rec, fi->at);
    vtd_frcd_set_f(rec, 1);
}

bool vtd_fault_record(VTDState *s, const VTDFaultInfo *fi)
{
    uint64_t rec[2], fsts;
    unsigned idx = s->fault_next, n = vtd_fault_nrecords(s);

    s->stats.faults++;
    /* §7.1.1: FPD=1 suppresses qualified faults only. */
    if (fi->fpd && vtd_fault_reason_qualified(fi->reason)) {
        return false;
    }
    vtd_fault_encode(s, fi, rec);
    if (vtd_fault_is_repeat(s, rec)) {
        return false;
    }
    if (idx >= n) {
        idx = 0;
    }
    if (regfile_get(s->regs, VTD_RI_FRCD_W1, idx) &
        (1ull << VTD_FRCD_F_SHIFT)) {
        /* Next record still owned by software: overflow (§7.2.1). */
        vtd_fault_status_raise(s, VTD_FSTS_PFO_MASK);
        return false;
    }
    regfile_set(s->regs, VTD_RI_FRCD_W0, idx, rec[0]);
    regfile_set(s->regs, VTD_RI_FRCD_W1, idx, rec[1]);
    s->fault_next = (idx + 1) % n;
    s->stats.faults_recorded++;
    fsts = vtd_reg_get(s, VTD_RI_FSTS);
    if (!(fsts & VTD_FSTS_PPF_MASK)) {
        vtd_reg_set(s, VTD_RI_FSTS, vtd_fsts_set_fri(fsts, idx));
        vtd_fault_status_raise(s, VTD_FSTS_PPF_MASK);
    }
    return true;
}

/* --- invalidation completion event (§11.4.9.5) ----------------------- */

void vtd_inv_event_raise(VTDState *s)
{
    if (vtd_reg_get(s, VTD_RI_IECTL) & VTD_IECTL_IM_MASK) {
        vtd_reg_update(s, VTD_RI_IECTL, 0, VTD_IECTL_IP_MASK);
        return;
    }
    vtd_send_event_msi(s, VTD_RI_IEDATA, VTD_RI_IEADDR, VTD_RI_IEUADDR);
}

void vtd_inv_event_iectl_written(VTDState *s)
{
    uint64_t iectl = vtd_reg_get(s, VTD_RI_IECTL);

    if (!(iectl & VTD_IECTL_IM_MASK) && (iectl & VTD_IECTL_IP_MASK)) {
        vtd_reg_update(s, VTD_RI_IECTL, VTD_IECTL_IP_MASK, 0);
        vtd_send_event_msi(s, VTD_RI_IEDATA, VTD_RI_IEADDR, VTD_RI_IEUADDR);
    }
}
