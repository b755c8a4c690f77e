/*
 * Requests to the interrupt address range, VT-d 5.10 §3.15.
 *
 * Physical range FEEx_xxxxh is the interrupt address range.  For a
 * request without PASID:
 *   - a single-DWORD write is an interrupt request: not remapped, handed
 *     to interrupt processing (the MSI sink and its remap hook, ch. 5);
 *   - a zero-length read bypasses remapping and completes;
 *   - any other read, atomics, and a non-DWORD write are illegal: blocked
 *     and reported as DMA-remapping faults.  Table 30 names no condition
 *     of its own for them; we record reason Eh (LGN.4, the interrupt
 *     range condition).  The context entry is never consulted, so there
 *     is no FPD to suppress the record.
 * A request with PASID is translated like any other (legacy mode then
 * blocks it, RTA.2).  With translation disabled (GSTS.TES Clear) the unit
 * remaps nothing and reports nothing: the window behaves as without an
 * IOMMU (the sink takes DWORD writes, reads return 0).
 *
 * The per-requester window (hw/core/iommu-space.c) is an IOMMU region
 * with vtd_intr_range_ops.  The hook judges a write by the request's
 * length (MemTxAttrs.len, which the memory core fills): one aligned
 * DWORD passes to the interrupt path, anything else faults there, so the
 * requester sees the fault.  A passing write goes through a gate region
 * that checks each piece again, for callers that translate without a
 * length.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <glib.h>

#include "hw/intel-vtd/vtd-internal.h"

static bool vtd_intr_te(const VTDState *s)
{
    return vtd_gsts_has(s, VTD_GSTS_TES_MASK);
}

/* LGN.4 as the record of an illegal request to the range (see above). */
static void vtd_intr_fault(VTDState *s, uint16_t sid, uint64_t addr,
                           bool is_write, MemTxAttrs attrs)
{
    VTDFaultInfo fi = {
        .sid = sid,
        .addr = addr & ~0xfffull,  /* FRCD.FI: the page */
        .reason = VTD_FR_OUTPUT_IN_INTR_RANGE,
        .is_write = is_write,
        .priv = attrs.priv,
        .exec = attrs.exec,
        .at = attrs.addr_type,
    };

    vtd_fault_record(s, &fi);
}

/* The gate: the window's target address space, offsets into the range. */
static MemTxResult vtd_intr_gate_write(void *opaque, uint64_t off,
                                       uint64_t data, unsigned size,
                                       MemTxAttrs attrs)
{
    VTDState *s = opaque;
    MemoryRegion *sink = msi_sink_region(s->msi);

    if (!vtd_intr_te(s) || (size == 4 && (off & 3) == 0)) {
        return memory_region_dispatch_write(sink, off, data, size, attrs);
    }
    vtd_intr_fault(s, attrs.requester_id, MSI_ADDR_BASE + off, true, attrs);
    return MEMTX_ACCESS_DENIED;
}

/* Only reached with TES Clear: non-ZLR reads fault in the hook. */
static MemTxResult vtd_intr_gate_read(void *opaque, uint64_t off,
                                      uint64_t *data, unsigned size,
                                      MemTxAttrs attrs)
{
    VTDState *s = opaque;

    return memory_region_dispatch_read(msi_sink_region(s->msi), off, data,
                                       size, attrs);
}

/* Every size, unaligned too: the gate itself judges DWORD-ness. */
static const MemoryRegionOps vtd_intr_gate_ops = {
    .read_with_attrs = vtd_intr_gate_read,
    .write_with_attrs = vtd_intr_gate_write,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8,
              .unaligned = true },
};

static void vtd_intr_pass(VTDState *s, uint64_t off, IOMMUAccessFlags perm,
                          IOMMUTranslation *out)
{
    out->entry.target_as = &s->intr_as;
    out->entry.iova = off & ~(MSI_ADDR_SIZE - 1);
    out->entry.translated_addr = out->entry.iova;
    out->entry.addr_mask = MSI_ADDR_SIZE - 1;
    out->entry.perm = perm;
    out->cost.events = IOMMU_EV_BYPASS;
}

static void vtd_intr_range_translate(MemoryRegion *iommu, uint64_t off,
                                     IOMMUAccessFlags access,
                                     MemTxAttrs attrs, IOMMUTranslation *out)
{
    VTDAddressSpace *vas = iommu->iommu_opaque;
    VTDState *s = vas->s;
    uint64_t addr = MSI_ADDR_BASE + off;

    if (attrs.has_pasid) {
        /* Translated normally (§3.15); the block is 4 KiB inside here. */
        vtd_iommu_ops.translate(&vas->rs.iommu, addr, access, attrs, out);
        return;
    }
    if (!vtd_intr_te(s) || access == IOMMU_NONE) {
        vtd_intr_pass(s, off, IOMMU_RW, out);
    } else if (access == IOMMU_WO && !attrs.zero_length &&
               (attrs.len == 0 || (attrs.len == 4 && (off & 3) == 0))) {
        /* A DWORD (or a caller that gives no length: the gate checks). */
        vtd_intr_pass(s, off, IOMMU_WO, out);
    } else if (access == IOMMU_RO && attrs.zero_length) {
        vtd_intr_pass(s, off, IOMMU_RO, out);   /* ZLR: completes */
    } else {
        out->fault = true;
        out->fault_code = VTD_FR_OUTPUT_IN_INTR_RANGE;
        out->fault_name = vtd_fault_reason_name(VTD_FR_OUTPUT_IN_INTR_RANGE);
        vtd_intr_fault(s, vas->sid, addr, access == IOMMU_WO, attrs);
    }
}

const IOMMUMemoryRegionOps vtd_intr_range_ops = {
    .translate = vtd_intr_range_translate,
};

/* Without an MSI sink the spaces have no window, so nothing to do. */
void vtd_intr_range_init(VTDState *s)
{
    if (!s->msi) {
        return;
    }
    memory_region_init_io(&s->intr_gate, &vtd_intr_gate_ops, s,
                          "vtd-intr-gate", MSI_ADDR_SIZE);
    address_space_init(&s->intr_as, &s->intr_gate, "vtd-intr-gate");
    iommu_requester_spaces_set_intr_ops(s->spaces, &vtd_intr_range_ops);
}

/* After the spaces are gone. */
void vtd_intr_range_fini(VTDState *s)
{
    if (s->msi) {
        address_space_destroy(&s->intr_as);
        memory_region_destroy(&s->intr_gate);
    }
}
