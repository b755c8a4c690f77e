/*
 * Intel VT-d: second-stage translation (VT-d 5.10 §3.7, entry formats
 * §9.8).  A 3-, 4- or 5-level radix walk of 512-entry tables; SS-PDPE
 * and SS-PDE may map 1-GByte and 2-MByte pages when CAP.SSLPS reports
 * them; read and write permission is the AND over every level.
 *
 * Fault reasons (§7.1.3): LSS.1 (7h) a table read failed, LSS.2 (Ch)
 * reserved bits, and a not-present entry (R = W = 0) reported as the
 * request's permission fault, LGN.2 (5h) / LGN.3 (6h), by the caller.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/intel-vtd/vtd-internal.h"

#define VTD_SS_LEVEL_BITS 9u
#define VTD_SS_ENTRIES 512u
#define VTD_PAGE_SHIFT 12u

bool vtd_ss_aw_supported(const VTDState *s, unsigned aw)
{
    /* SAGAW bit n means AW = n is supported (§11.4.2). */
    return aw < 5 && (vtd_cap_get_sagaw(s->cap) & (1u << aw));
}

static unsigned vtd_ss_level_shift(unsigned level)
{
    return VTD_PAGE_SHIFT + VTD_SS_LEVEL_BITS * (level - 1);
}

uint64_t vtd_ss_input_limit(const VTDState *s, const VTDContext *ctx)
{
    unsigned agaw = vtd_ss_level_shift(ctx->levels) + VTD_SS_LEVEL_BITS;
    unsigned mgaw = vtd_cap_get_mgaw(s->cap) + 1;
    unsigned bits = MIN(agaw, mgaw);

    return bits >= 64 ? UINT64_MAX : (1ull << bits);
}

/* Reserved bits of the entry at `level` given whether it is a leaf. */
static uint64_t vtd_ss_rsvd(const VTDState *s, uint64_t e, unsigned level,
                            bool *leaf)
{
    uint64_t haw_addr = s->haw_mask & VTD_SS_PTE_ADDR_MASK;
    unsigned sllps = vtd_cap_get_sslps(s->cap);

    *leaf = level == 1;
    switch (level) {
    case 5:
        return VTD_SS_PML5E_RSVD_MASK | haw_addr;
    case 4:
        return VTD_SS_PML4E_RSVD_MASK | haw_addr;
    case 3:
        if (!vtd_ss_pdpe_get_ps(e)) {
            return VTD_SS_PDPE_RSVD_MASK | haw_addr;
        }
        *leaf = true;
        /* PS=1 without 1-GByte support: PS is a reserved bit. */
        return (sllps & 2u) ? (VTD_SS_PDPE_1G_RSVD_MASK | haw_addr)
                            : VTD_SS_PDPE_PS_MASK;
    case 2:
        if (!vtd_ss_pde_get_ps(e)) {
            return VTD_SS_PDE_RSVD_MASK | haw_addr;
        }
        *leaf = true;
        return (sllps & 1u) ? (VTD_SS_PDE_2M_RSVD_MASK | haw_addr)
                            : VTD_SS_PDE_PS_MASK;
    default:
        return VTD_SS_PTE_RSVD_MASK | haw_addr;
    }
}

static bool vtd_ss_read_entry(VTDState *s, uint64_t addr, uint64_t *e)
{
    uint64_t v;

    if (address_space_ld_le(s->dma_as, addr, 8, &v,
                            MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
        return false;
    }
    *e = v;
    return true;
}

static IOMMUAccessFlags vtd_ss_entry_perm(uint64_t e)
{
    return (vtd_ss_pte_get_r(e) ? IOMMU_RO : 0) |
           (vtd_ss_pte_get_w(e) ? IOMMU_WO : 0);
}

/* The leaf found at `level`: page address, size and offset mask. */
static void vtd_ss_finish_leaf(VTDWalkResult *out, uint64_t e,
                               unsigned level, uint64_t iova)
{
    unsigned shift = vtd_ss_level_shift(level);
    uint64_t mask = (1ull << shift) - 1;

    out->status = VTD_OK;
    out->level = level;
    out->leaf = e;
    out->addr_mask = mask;
    out->iova = iova & ~mask;
    out->addr = e & VTD_SS_PTE_ADDR_MASK & ~mask;
}

void vtd_ss_walk_from(VTDState *s, const VTDContext *ctx, uint64_t iova,
                      unsigned level, uint64_t table, IOMMUAccessFlags perm,
                      VTDWalkResult *out)
{
    for (; level >= 1; level--) {
        unsigned idx = (iova >> vtd_ss_level_shift(level)) &
                       (VTD_SS_ENTRIES - 1);
        uint64_t e;
        bool leaf;

        table &= VTD_SS_PTE_ADDR_MASK;
        out->table[level] = table;
        out->perm_at[level] = perm;
        out->mem_reads++;
        if (!vtd_ss_read_entry(s, table + idx * 8ull, &e)) {
            out->status = VTD_FR_SS_ENTRY_ACCESS;
            return;
        }
        perm &= vtd_ss_entry_perm(e);
        out->perm = perm;
        out->level = level;
        out->leaf = e;
        if (!vtd_ss_entry_perm(e)) {
            /* Not present: the caller maps it to 5h/6h by request type. */
            out->status = VTD_FR_NO_READ;
            return;
        }
        if (e & vtd_ss_rsvd(s, e, level, &leaf)) {
            out->status = VTD_FR_SS_ENTRY_RSVD;
            return;
        }
        if (leaf) {
            vtd_ss_finish_leaf(out, e, level, iova);
            return;
        }
        table = e & VTD_SS_PTE_ADDR_MASK;
    }
    g_assert_not_reached();
}

void vtd_ss_walk(VTDState *s, const VTDContext *ctx, uint64_t iova,
                 VTDWalkResult *out)
{
    memset(out, 0, sizeof(*out));
    out->iova = iova;
    if (iova >= vtd_ss_input_limit(s, ctx)) {
        out->status = VTD_FR_ADDR_BEYOND_AW;
        return;
    }
    vtd_ss_walk_from(s, ctx, iova, ctx->levels, ctx->ssptptr, IOMMU_RW,
                     out);
}
