/*
 * Register files: one generic MMIO read/write path for device registers.
 *
 * A RegFileSpec (generated from specs/ by specs/gen.py, e.g. the
 * vtd_regfile_spec in build/specs/vtd-regs-table.h) lists every register
 * with its offset, size, reset value and per-bit classes:
 *
 *   wmask  bits a write stores (RW and WO fields)
 *   w1c    write-1-to-clear status bits (RW1C, RW1CS)
 *   w1s    write-1-to-set bits (RW1S)
 *   rsvd   reserved bits: read as 0, writes ignored (RsvdZ, RsvdP)
 *   wo     write-only bits: stored for the hooks, read as 0
 *   (everything else is read-only: hardware changes it with regfile_set)
 *
 * Registers belong to groups.  Group 0 is the fixed map at offset 0; other
 * groups sit at a base that software discovers from a capability field
 * (VT-d: the IOTLB registers at 16 * ECAP.IRO, the fault recording
 * registers at 16 * CAP.FRO) and may repeat count times at a stride.
 *
 * Accesses of 1, 2, 4 or 8 bytes, naturally aligned, are accepted and may
 * cover part of a register (a 64-bit register written as two 32-bit
 * halves, low then high, as VT-d 5.10 §11.2 allows) or several adjacent
 * registers (handled lowest address first).  Bytes no register covers
 * read 0 and ignore writes; so do misaligned or odd-sized accesses.
 *
 * Named hooks attach side effects to a register: a read hook derives the
 * value software sees (VT-d FSTS.PPF), a pre-write hook may adjust the
 * value about to be stored, a post-write hook acts on the change.  Write
 * hooks get the old and new values and a byte mask of what was written,
 * so a model can act only when the byte holding a command bit is written
 * (VT-d CCMD.ICC, §11.4.6.1).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_REGS_H
#define IOMMU_SIM_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu-sim/memory.h"

/* Bits hi..lo set, for hand-declared tables in tests (hi >= lo, < 64). */
#define REG_BITS(hi, lo) \
    ((~0ULL >> (63 - (hi))) & (~0ULL << (lo)))

typedef struct RegInfo {
    const char *name;
    uint32_t offset;    /* bytes, relative to the group base */
    uint8_t size;       /* 4 or 8 */
    uint8_t group;      /* index into RegFileSpec.groups */
    uint64_t reset;
    uint64_t wmask;
    uint64_t w1c;
    uint64_t w1s;
    uint64_t rsvd;
    uint64_t wo;
} RegInfo;

/*
 * Where a group lives.  base = ((reg >> base_shift) & base_mask) *
 * base_scale and count = ((reg >> count_shift) & count_mask) + count_add,
 * read from the registers' current values by regfile_update_groups();
 * a negative *_reg means "fixed": base 0, count 1.
 */
typedef struct RegGroupInfo {
    const char *name;
    uint32_t stride;        /* bytes between instances */
    uint32_t max_count;     /* storage is reserved for this many */
    int base_reg;
    unsigned base_shift;
    uint64_t base_mask;
    uint64_t base_scale;
    int count_reg;
    unsigned count_shift;
    uint64_t count_mask;
    uint64_t count_add;
} RegGroupInfo;

typedef struct RegFileSpec {
    const char *name;
    const RegInfo *regs;
    unsigned n_regs;
    const RegGroupInfo *groups;
    unsigned n_groups;
} RegFileSpec;

typedef struct RegFile RegFile;

/* Value software reads; value is the stored value with rsvd/wo cleared. */
typedef uint64_t (*RegReadHook)(RegFile *rf, unsigned reg, unsigned inst,
                                uint64_t value, void *opaque);
/*
 * Before a write is stored: old is the stored value, *new_value what the
 * masks produced (the hook may change it; rsvd bits are cleared after),
 * written the byte-enable mask of the access (0xff per written byte).
 */
typedef void (*RegPreWriteHook)(RegFile *rf, unsigned reg, unsigned inst,
                                uint64_t old, uint64_t *new_value,
                                uint64_t written, void *opaque);
/* After a write is stored. */
typedef void (*RegPostWriteHook)(RegFile *rf, unsigned reg, unsigned inst,
                                 uint64_t old, uint64_t new_value,
                                 uint64_t written, void *opaque);

typedef struct RegHooks {
    const char *name;   /* for logs: what the side effect is */
    RegReadHook read;
    RegPreWriteHook pre_write;
    RegPostWriteHook post_write;
} RegHooks;

/* window: size of the MMIO region; registers beyond it are unreachable. */
RegFile *regfile_new(const RegFileSpec *spec, uint64_t window);
void regfile_free(RegFile *rf);
const RegFileSpec *regfile_spec(const RegFile *rf);

/* Replace a register's reset value (capability-derived registers). */
void regfile_set_reset(RegFile *rf, unsigned reg, uint64_t reset);
/* Every instance to its reset value, then regfile_update_groups(). */
void regfile_reset(RegFile *rf);

/* hooks NULL removes them.  hooks must outlive the register file. */
void regfile_set_hooks(RegFile *rf, unsigned reg, const RegHooks *hooks,
                       void *opaque);
/* Register index by name, or -1. */
int regfile_find(const RegFile *rf, const char *name);

/* Software (MMIO) access; size 1, 2, 4 or 8, little-endian value. */
uint64_t regfile_read(RegFile *rf, uint64_t addr, unsigned size);
void regfile_write(RegFile *rf, uint64_t addr, uint64_t value,
                   unsigned size);

/*
 * An MMIO region of size bytes whose accesses go to regfile_read and
 * regfile_write.  Accesses of 1 to 8 bytes reach the engine unsplit, so
 * it decides what a partial or multi-register access does (see above).
 * rf must outlive the region; the caller destroys mr.
 */
void regfile_init_mmio(MemoryRegion *mr, RegFile *rf, const char *name,
                       uint64_t size);

/* Hardware-side access: stored value, no masks but rsvd, no hooks. */
uint64_t regfile_get(const RegFile *rf, unsigned reg, unsigned inst);
void regfile_set(RegFile *rf, unsigned reg, unsigned inst, uint64_t value);
/*
 * A counter that moves whenever a stored value or a group may have
 * changed (set, update, write, reset, group moves): a model that caches
 * something derived from registers on a hot path compares it instead of
 * re-reading them.  Valid as long as rf.
 */
const uint64_t *regfile_generation(const RegFile *rf);
/* value = (value & ~clear) | set, hardware-side. */
void regfile_update(RegFile *rf, unsigned reg, unsigned inst,
                    uint64_t clear, uint64_t set);

/* Recompute group bases and counts from the register values. */
void regfile_update_groups(RegFile *rf);
/* Place a group explicitly (count clamped to max_count). */
void regfile_set_group(RegFile *rf, unsigned group, uint64_t base,
                       unsigned count);
uint64_t regfile_group_base(const RegFile *rf, unsigned group);
unsigned regfile_group_count(const RegFile *rf, unsigned group);
/* MMIO address of a register instance, or UINT64_MAX if not mapped. */
uint64_t regfile_addr(const RegFile *rf, unsigned reg, unsigned inst);

#endif
