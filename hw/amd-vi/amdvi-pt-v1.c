/*
 * AMD-Vi v1 (host) I/O page tables (AMD IOMMU spec 48882 §2.2.3).
 *
 * DTE.Mode 1-6 is the level of the root table; each level indexes 9 bits
 * of the input address above bit 12 + 9 * (level - 1).  An entry with
 * PR=0 ends the walk (not present).  Otherwise its NextLevel says what it
 * is:
 *   1..6  a directory entry pointing at the table of that level.  A
 *         NextLevel below level - 1 skips levels; the input address bits
 *         the skipped levels would index must be zero (as the spec's
 *         level-skipping figure was recalled), else the walk faults as
 *         not present.  NextLevel >= level is malformed (RZ fault).
 *   0     a leaf mapping the level's natural page: 4 KiB at 1, 2 MiB at
 *         2, 1 GiB at 3, 512 GiB at 4, 256 TiB at 5, 128 PiB at 6.
 *   7     a leaf mapping a larger power-of-two page: the lowest clear
 *         address bit at or above 12 is bit n-1 of a 2^n-byte page (Linux
 *         PAGE_SIZE_PTE), the size strictly between the level's natural
 *         size and the next level's (Linux replicates such a PTE over
 *         2^k entries of the level).  Sizes outside that are malformed.
 * IR/IW are ANDed over every level; the DTE's IR/IW are applied by the
 * translate step.  Reserved bits (PDE 58:52, PTE 56:52) or an address
 * beyond the physical address size give an IO_PAGE_FAULT with RZ.  A
 * table read that fails is a PAGE_TAB_HARDWARE_ERROR.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/amd-vi/amdvi-internal.h"

static unsigned amdvi_pt_level_shift(unsigned level)
{
    return 12u + 9u * (level - 1u);
}

bool amdvi_pt_iova_in_range(unsigned mode, uint64_t iova)
{
    unsigned bits = 12u + 9u * mode;

    return bits >= 64 || (iova >> bits) == 0;
}

unsigned amdvi_pt_nl7_shift(uint64_t pte, unsigned level)
{
    uint64_t frames = amdvi_pte_get_addr(pte);    /* address bits 51:12 */
    unsigned b, shift;

    if (level < 1 || level > 6 || (~frames & REG_BITS(39, 0)) == 0) {
        return 0;
    }
    b = 12u + (unsigned)__builtin_ctzll(~frames);
    shift = b + 1u;
    if (shift <= amdvi_pt_level_shift(level) ||
        (level < 6 && shift >= amdvi_pt_level_shift(level + 1))) {
        return 0;
    }
    return shift;
}

static IOMMUAccessFlags amdvi_pt_entry_perm(uint64_t e)
{
    return (IOMMUAccessFlags)((amdvi_pte_get_ir(e) ? IOMMU_RO : 0) |
                              (amdvi_pte_get_iw(e) ? IOMMU_WO : 0));
}

/* The leaf at level (NextLevel 0 or 7): page, permission, result. */
static void amdvi_pt_leaf(const AMDVIState *s, uint64_t e, uint64_t iova,
                          unsigned level, IOMMUAccessFlags perm,
                          AMDVIWalkResult *out)
{
    unsigned nl = (unsigned)amdvi_pte_get_next_level(e);
    unsigned shift = nl == 0 ? amdvi_pt_level_shift(level)
                             : amdvi_pt_nl7_shift(e, level);
    uint64_t mask, addr;

    out->level = level;
    out->leaf = e;
    if (shift == 0 || (e & AMDVI_PTE_RSVD_MASK)) {
        out->status = AMDVI_ST_PAGE_RSVD;
        return;
    }
    mask = shift >= 64 ? ~0ull : (1ull << shift) - 1;
    addr = (amdvi_pte_get_addr(e) << 12) & ~mask;
    if (addr & s->pa_mask) {
        out->status = AMDVI_ST_PAGE_RSVD;
        return;
    }
    out->status = AMDVI_OK;
    out->iova = iova & ~mask;
    out->addr = addr;
    out->addr_mask = mask;
    out->perm = perm;
}

/* Input-address bits indexed by the levels between nl and level. */
static bool amdvi_pt_skipped_bits_zero(uint64_t iova, unsigned level,
                                       unsigned nl)
{
    unsigned lo = amdvi_pt_level_shift(nl + 1);
    unsigned hi = amdvi_pt_level_shift(level);  /* exclusive */

    if (nl + 1 >= level) {
        return true;
    }
    return (iova & REG_BITS(hi - 1, lo)) == 0;
}

/* One directory entry: AMDVI_OK to continue at *table / *level. */
static AMDVIStatus amdvi_pt_follow(const AMDVIState *s, uint64_t e,
                                   uint64_t iova, unsigned *level,
                                   uint64_t *table)
{
    unsigned nl = (unsigned)amdvi_pde_get_next_level(e);
    uint64_t next = amdvi_pde_get_addr(e) << 12;

    if (nl >= *level || (e & AMDVI_PDE_RSVD_MASK) || (next & s->pa_mask)) {
        return AMDVI_ST_PAGE_RSVD;
    }
    if (!amdvi_pt_skipped_bits_zero(iova, *level, nl)) {
        return AMDVI_ST_PAGE_NOT_PRESENT;
    }
    *level = nl;
    *table = next;
    return AMDVI_OK;
}

static bool amdvi_pt_read(AMDVIState *s, uint64_t addr, uint64_t *e,
                          AMDVIWalkResult *out)
{
    out->entry_addr = addr;
    if (out->mem_reads < G_N_ELEMENTS(out->read_addr)) {
        out->read_addr[out->mem_reads] = addr;
    }
    out->mem_reads++;
    return address_space_ld_le(s->dma_as, addr, 8, e,
                               MEMTXATTRS_UNSPECIFIED) == MEMTX_OK;
}

void amdvi_pt_walk_from(AMDVIState *s, const AMDVIDte *dte, uint64_t iova,
                        unsigned level, uint64_t table, IOMMUAccessFlags perm,
                        AMDVIWalkResult *out)
{
    uint64_t e;

    while (level >= 1 && level <= 6) {
        uint64_t idx = (iova >> amdvi_pt_level_shift(level)) & 0x1ff;
        unsigned nl;

        out->level = level;
        if (!amdvi_pt_read(s, table + idx * 8, &e, out)) {
            out->status = AMDVI_ST_PT_HW_ERROR;
            return;
        }
        if (!amdvi_pde_get_pr(e)) {
            out->status = AMDVI_ST_PAGE_NOT_PRESENT;
            return;
        }
        perm &= amdvi_pt_entry_perm(e);
        nl = (unsigned)amdvi_pde_get_next_level(e);
        if (nl == 0 || nl == 7) {
            amdvi_pt_leaf(s, e, iova, level, perm, out);
            return;
        }
        out->pde[level] = e;
        out->perm_at[level] = perm;
        out->pde_mask |= 1u << level;
        out->status = amdvi_pt_follow(s, e, iova, &level, &table);
        if (out->status != AMDVI_OK) {
            return;
        }
    }
    out->status = AMDVI_ST_PAGE_RSVD;
}

void amdvi_pt_walk(AMDVIState *s, const AMDVIDte *dte, uint64_t iova,
                   AMDVIWalkResult *out)
{
    memset(out, 0, sizeof(*out));
    if (dte->mode < 1 || dte->mode > 6) {
        out->status = AMDVI_ST_PAGE_RSVD;
        return;
    }
    /* Input bits above the root level must be zero (§2.2.3). */
    if (!amdvi_pt_iova_in_range(dte->mode, iova)) {
        out->status = AMDVI_ST_PAGE_NOT_PRESENT;
        out->level = dte->mode;
        return;
    }
    amdvi_pt_walk_from(s, dte, iova, dte->mode, dte->pt_root, IOMMU_RW, out);
}

void amdvi_pt_walk_resume(AMDVIState *s, const AMDVIDte *dte, uint64_t iova,
                          unsigned pde_level, uint64_t pde,
                          IOMMUAccessFlags perm, AMDVIWalkResult *out)
{
    unsigned level = pde_level;
    uint64_t table;

    out->level = pde_level;
    out->status = amdvi_pt_follow(s, pde, iova, &level, &table);
    if (out->status == AMDVI_OK) {
        amdvi_pt_walk_from(s, dte, iova, level, table, perm, out);
    }
}
