/*
 * AMD-Vi commands, one handler per opcode (AMD IOMMU spec 48882 §2.4.1 -
 * §2.4.8).  Reserved bits and opcodes the EFR does not advertise make a
 * command illegal (§2.4).  Cache effects are immediate (an
 * implementation may invalidate early; software cannot tell); what
 * software observes of a command, the head moving past it and a
 * COMPLETION_WAIT's store and interrupt, happens at its modelled
 * completion, after every earlier command's (amdvi-cmd.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/amd-vi/amdvi-internal.h"
#include "hw/amd-vi/amdvi-cmd-int.h"
#include "specs/amdvi-commands.h"

static bool amdvi_cmd_rsvd(const uint64_t cmd[2], uint64_t m0, uint64_t m1)
{
    return (cmd[0] & m0) || (cmd[1] & m1);
}

/*
 * COMPLETION_WAIT (§2.4.1): checked and decoded when fetched; the store
 * and the interrupt wait until every earlier command has completed,
 * i.e. its modelled completion time (amdvi-cmd.c).
 */
static AMDVICmdResult amdvi_cmd_completion_wait(AMDVIState *s,
                                                const uint64_t *c,
                                                AMDVICmdDone *d)
{
    if (amdvi_cmd_rsvd(c, AMDVI_CMD_COMPLETION_WAIT_RSVD_MASK_W0,
                       AMDVI_CMD_COMPLETION_WAIT_RSVD_MASK_W1)) {
        return AMDVI_CMD_ILLEGAL;
    }
    d->wait = true;
    d->store = amdvi_cmd_completion_wait_get_s(c) != 0;
    d->irq = amdvi_cmd_completion_wait_get_i(c) != 0;
    d->store_addr = (amdvi_cmd_completion_wait_get_store_addr(c) << 3) &
                    ~s->pa_mask;
    d->store_data = amdvi_cmd_completion_wait_get_store_data(c);
    return AMDVI_CMD_OK;
}

/*
 * The store is the full 64-bit StoreData at the 8-byte aligned
 * StoreAddr; a failed store is a COMMAND_HARDWARE_ERROR (§2.5.7).
 * ComWaitInt is sticky until software clears it (W1C); the MSI is sent
 * on its rising edge when ComWaitIntEn.
 */
AMDVICmdResult amdvi_cmd_wait_signal(AMDVIState *s, const AMDVICmdDone *d)
{
    if (d->store) {
        if (address_space_st_le(s->dma_as, d->store_addr, 8, d->store_data,
                                MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
            return AMDVI_CMD_HW_ERROR;
        }
        s->cmd->store_writes++;
    }
    if (d->irq) {
        bool was = amdvi_status_has(s, AMDVI_STATUS_COM_WAIT_INT_MASK);

        amdvi_reg_update(s, AMDVI_RI_STATUS, 0,
                         AMDVI_STATUS_COM_WAIT_INT_MASK);
        if (!was && amdvi_control_has(s, AMDVI_CONTROL_COM_WAIT_INT_EN_MASK)) {
            amdvi_interrupt_raise(s, AMDVI_STATUS_COM_WAIT_INT_MASK);
        }
    }
    return AMDVI_CMD_OK;
}

/* INVALIDATE_DEVTAB_ENTRY (§2.4.2). */
static AMDVICmdResult amdvi_cmd_inv_devtab(AMDVIState *s, const uint64_t *c)
{
    if (amdvi_cmd_rsvd(c, AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY_RSVD_MASK_W0,
                       AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY_RSVD_MASK_W1)) {
        return AMDVI_CMD_ILLEGAL;
    }
    if (s->caches) {
        amdvi_dte_cache_invalidate(s->caches, (uint16_t)
            amdvi_cmd_invalidate_devtab_entry_get_device_id(c));
    }
    return AMDVI_CMD_OK;
}

/*
 * INVALIDATE_IOMMU_PAGES (§2.4.3): exactly the S-encoded range of
 * DomainID, directory entries too when PDE.  GN=1 names guest (v2)
 * translations of a PASID, which this model does not cache yet: nothing
 * to drop.
 */
static AMDVICmdResult amdvi_cmd_inv_pages(AMDVIState *s, const uint64_t *c)
{
    uint64_t start, last;

    if (amdvi_cmd_rsvd(c, AMDVI_CMD_INVALIDATE_IOMMU_PAGES_RSVD_MASK_W0,
                       AMDVI_CMD_INVALIDATE_IOMMU_PAGES_RSVD_MASK_W1)) {
        return AMDVI_CMD_ILLEGAL;
    }
    amdvi_inv_range_decode(amdvi_cmd_invalidate_iommu_pages_get_address(c)
                           << 12, amdvi_cmd_invalidate_iommu_pages_get_s(c),
                           &start, &last);
    if (s->caches && !amdvi_cmd_invalidate_iommu_pages_get_gn(c)) {
        amdvi_iotlb_invalidate_range(s->caches, (uint16_t)
            amdvi_cmd_invalidate_iommu_pages_get_domain_id(c), start, last,
            amdvi_cmd_invalidate_iommu_pages_get_pde(c) != 0);
    }
    return AMDVI_CMD_OK;
}

/* Tell the device's remote IOTLB (its DEVIOTLB_UNMAP notifiers). */
static void amdvi_cmd_notify_deviotlb(AMDVIState *s, uint16_t devid,
                                      uint64_t start, uint64_t last)
{
    AMDVIAddressSpace *sp;
    IOMMUTLBEvent ev = { 0 };

    sp = (AMDVIAddressSpace *)iommu_requester_space_lookup(s->spaces, devid);
    if (!sp) {
        return;
    }
    ev.type = IOMMU_NOTIFIER_DEVIOTLB_UNMAP;
    ev.entry.target_as = s->dma_as;
    ev.entry.iova = start;
    ev.entry.addr_mask = last - start;
    ev.entry.perm = IOMMU_NONE;
    memory_region_notify_iommu(&sp->rs.iommu, &ev);
}

/* INVALIDATE_IOTLB_PAGES (§2.4.4): remote (ATS) IOTLB of DeviceID. */
static AMDVICmdResult amdvi_cmd_inv_iotlb(AMDVIState *s, const uint64_t *c)
{
    uint64_t start, last;

    if (amdvi_cmd_rsvd(c, AMDVI_CMD_INVALIDATE_IOTLB_PAGES_RSVD_MASK_W0,
                       AMDVI_CMD_INVALIDATE_IOTLB_PAGES_RSVD_MASK_W1) ||
        (amdvi_cmd_invalidate_iotlb_pages_get_type(c) &&
         !amdvi_efr_get_inv_iotlb_type_sup(s->efr))) {
        return AMDVI_CMD_ILLEGAL;
    }
    amdvi_inv_range_decode(amdvi_cmd_invalidate_iotlb_pages_get_address(c)
                           << 12, amdvi_cmd_invalidate_iotlb_pages_get_s(c),
                           &start, &last);
    amdvi_cmd_notify_deviotlb(s, (uint16_t)
        amdvi_cmd_invalidate_iotlb_pages_get_device_id(c), start, last);
    return AMDVI_CMD_OK;
}

/* INVALIDATE_INTERRUPT_TABLE (§2.4.5). */
static AMDVICmdResult amdvi_cmd_inv_irt(AMDVIState *s, const uint64_t *c)
{
    if (amdvi_cmd_rsvd(c, AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE_RSVD_MASK_W0,
                       AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE_RSVD_MASK_W1)) {
        return AMDVI_CMD_ILLEGAL;
    }
    if (s->caches) {
        amdvi_irte_cache_invalidate(s->caches, (uint16_t)
            amdvi_cmd_invalidate_interrupt_table_get_device_id(c));
    }
    return AMDVI_CMD_OK;
}

/*
 * PREFETCH_IOMMU_PAGES (§2.4.6): a hint.  With Inval the range of the
 * device's domain is dropped first; then the pages are looked up through
 * the device's translation (no faults recorded), which fills the caches
 * as a prefetch would.
 */
static AMDVICmdResult amdvi_cmd_prefetch(AMDVIState *s, const uint64_t *c)
{
    uint16_t devid = (uint16_t)amdvi_cmd_prefetch_iommu_pages_get_device_id(c);
    uint64_t start, last, raw[4];
    uint32_t reads = 0, count;
    AMDVIAddressSpace *sp;
    AMDVIDte dte;

    if (amdvi_cmd_rsvd(c, AMDVI_CMD_PREFETCH_IOMMU_PAGES_RSVD_MASK_W0,
                       AMDVI_CMD_PREFETCH_IOMMU_PAGES_RSVD_MASK_W1)) {
        return AMDVI_CMD_ILLEGAL;
    }
    amdvi_inv_range_decode(amdvi_cmd_prefetch_iommu_pages_get_address(c)
                           << 12, amdvi_cmd_prefetch_iommu_pages_get_s(c),
                           &start, &last);
    if (amdvi_dte_fetch(s, devid, raw, &reads) != AMDVI_OK ||
        amdvi_dte_decode(s, raw, devid, &dte) != AMDVI_OK || !dte.v) {
        return AMDVI_CMD_OK;    /* nothing to prefetch for */
    }
    if (amdvi_cmd_prefetch_iommu_pages_get_inval(c) && s->caches) {
        amdvi_iotlb_invalidate_range(s->caches, dte.domain_id, start, last,
                                     true);
    }
    count = (uint32_t)amdvi_cmd_prefetch_iommu_pages_get_pf_count(c);
    amdvi_dma_as(s, devid);     /* the device's space, created on demand */
    sp = (AMDVIAddressSpace *)iommu_requester_space_lookup(s->spaces, devid);
    for (uint32_t i = 0; sp && i < count && start + i * 4096ull <= last;
         i++) {
        IOMMUTranslation t;
        MemTxAttrs at = { .requester_id = devid };

        memory_region_iommu_translate(&sp->rs.iommu, start + i * 4096ull,
                                      IOMMU_NONE, at, &t);
    }
    return AMDVI_CMD_OK;
}

/* COMPLETE_PPR_REQUEST (§2.4.7): recorded for the PPR-log issue. */
static AMDVICmdResult amdvi_cmd_complete_ppr(AMDVIState *s, const uint64_t *c)
{
    AMDVIPprCompletion p;

    if (amdvi_cmd_rsvd(c, AMDVI_CMD_COMPLETE_PPR_REQUEST_RSVD_MASK_W0,
                       AMDVI_CMD_COMPLETE_PPR_REQUEST_RSVD_MASK_W1)) {
        return AMDVI_CMD_ILLEGAL;
    }
    p.devid = (uint16_t)amdvi_cmd_complete_ppr_request_get_device_id(c);
    p.pasid = (uint32_t)amdvi_cmd_complete_ppr_request_get_pasid(c);
    p.gn = amdvi_cmd_complete_ppr_request_get_gn(c) != 0;
    p.tag = (uint16_t)amdvi_cmd_complete_ppr_request_get_completion_tag(c);
    p.status = (uint8_t)amdvi_cmd_complete_ppr_request_get_ppr_status(c);
    g_array_append_val(s->cmd->ppr_completions, p);
    return AMDVI_CMD_OK;
}

/* INVALIDATE_IOMMU_ALL (§2.4.8). */
static AMDVICmdResult amdvi_cmd_inv_all(AMDVIState *s, const uint64_t *c)
{
    if (amdvi_cmd_rsvd(c, AMDVI_CMD_INVALIDATE_IOMMU_ALL_RSVD_MASK_W0,
                       AMDVI_CMD_INVALIDATE_IOMMU_ALL_RSVD_MASK_W1)) {
        return AMDVI_CMD_ILLEGAL;
    }
    if (s->caches) {
        amdvi_caches_invalidate_all(s->caches);
    }
    return AMDVI_CMD_OK;
}

/* Whether the EFR advertises what opcode op needs (§2.4, §3.4 EFR). */
static bool amdvi_cmd_supported(const AMDVIState *s, unsigned op)
{
    switch (op) {
    case AMDVI_CMD_COMPLETION_WAIT:
    case AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY:
    case AMDVI_CMD_INVALIDATE_IOMMU_PAGES:
    case AMDVI_CMD_INVALIDATE_IOTLB_PAGES:
    case AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE:
        return true;
    case AMDVI_CMD_PREFETCH_IOMMU_PAGES:
        return amdvi_efr_get_pref_sup(s->efr);
    case AMDVI_CMD_COMPLETE_PPR_REQUEST:
        return amdvi_efr_get_ppr_sup(s->efr);
    case AMDVI_CMD_INVALIDATE_IOMMU_ALL:
        return amdvi_efr_get_ia_sup(s->efr);
    default:
        /* vIOMMU commands (9h, Ah) are not modelled: illegal. */
        return false;
    }
}

static void amdvi_cmd_count(AMDVIState *s, unsigned op)
{
    AMDVICaches *c = s->caches;

    s->cmd->cmds_done++;
    s->cmd->by_opcode[op & 0xf]++;
    if (!c) {
        return;
    }
    c->ctr.cmd_processed++;
    if (op != AMDVI_CMD_COMPLETION_WAIT &&
        op != AMDVI_CMD_COMPLETE_PPR_REQUEST &&
        op != AMDVI_CMD_PREFETCH_IOMMU_PAGES) {
        c->ctr.cmd_processed_inv++;
    }
    if (op == AMDVI_CMD_INVALIDATE_IOMMU_PAGES ||
        op == AMDVI_CMD_INVALIDATE_IOMMU_ALL) {
        c->ctr.tlb_inv++;
    }
}

/*
 * Cost classes (TimingInvKind) of the commands, docs/timing.md:
 * INVALIDATE_IOMMU_PAGES whose S-encoded range is the whole address
 * space (Linux's domain flush) is a domain invalidation, any other range
 * page-selective; INVALIDATE_IOMMU_ALL is global.  PREFETCH_IOMMU_PAGES
 * is charged as page-selective (its Inval and lookup setup) on top of the
 * translations it makes; COMPLETE_PPR_REQUEST, a posted response to the
 * device, as the cheapest class (CONFIG).
 */
TimingInvKind amdvi_cmd_inv_kind(const uint64_t cmd[2])
{
    uint64_t start, last;

    switch ((unsigned)amdvi_cmd_get_opcode(cmd)) {
    case AMDVI_CMD_COMPLETION_WAIT:
        return TIMING_INV_WAIT;
    case AMDVI_CMD_INVALIDATE_IOMMU_PAGES:
        amdvi_inv_range_decode(amdvi_cmd_invalidate_iommu_pages_get_address(
                                   cmd) << 12,
                               amdvi_cmd_invalidate_iommu_pages_get_s(cmd),
                               &start, &last);
        return start == 0 && last == UINT64_MAX ? TIMING_INV_IOTLB_DOMAIN
                                                : TIMING_INV_IOTLB_PAGE;
    case AMDVI_CMD_INVALIDATE_IOTLB_PAGES:
        return TIMING_INV_DEVTLB;
    case AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE:
        return TIMING_INV_IEC;
    case AMDVI_CMD_PREFETCH_IOMMU_PAGES:
        return TIMING_INV_IOTLB_PAGE;
    case AMDVI_CMD_INVALIDATE_IOMMU_ALL:
        return TIMING_INV_IOTLB_GLOBAL;
    default:        /* INVALIDATE_DEVTAB_ENTRY, COMPLETE_PPR_REQUEST */
        return TIMING_INV_CONFIG;
    }
}

AMDVICmdResult amdvi_cmd_exec(AMDVIState *s, const uint64_t cmd[2],
                              AMDVICmdDone *d)
{
    unsigned op = (unsigned)amdvi_cmd_get_opcode(cmd);
    AMDVICmdResult r;

    if (!amdvi_cmd_supported(s, op)) {
        return AMDVI_CMD_ILLEGAL;
    }
    switch (op) {
    case AMDVI_CMD_COMPLETION_WAIT:
        r = amdvi_cmd_completion_wait(s, cmd, d);
        break;
    case AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY:
        r = amdvi_cmd_inv_devtab(s, cmd);
        break;
    case AMDVI_CMD_INVALIDATE_IOMMU_PAGES:
        r = amdvi_cmd_inv_pages(s, cmd);
        break;
    case AMDVI_CMD_INVALIDATE_IOTLB_PAGES:
        r = amdvi_cmd_inv_iotlb(s, cmd);
        break;
    case AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE:
        r = amdvi_cmd_inv_irt(s, cmd);
        break;
    case AMDVI_CMD_PREFETCH_IOMMU_PAGES:
        r = amdvi_cmd_prefetch(s, cmd);
        break;
    case AMDVI_CMD_COMPLETE_PPR_REQUEST:
        r = amdvi_cmd_complete_ppr(s, cmd);
        break;
    default:
        r = amdvi_cmd_inv_all(s, cmd);
        break;
    }
    if (r == AMDVI_CMD_OK) {
        amdvi_cmd_count(s, op);
    }
    return r;
}
