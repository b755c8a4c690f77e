/*
 * Register files: the generic MMIO path applying generated per-register
 * reset / writable / W1C / W1S / reserved / write-only masks, with named
 * side-effect hooks.  See include/iommu-sim/regs.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "iommu-sim/regs.h"

#include <glib.h>
#include <string.h>

struct RegFile {
    const RegFileSpec *spec;
    uint64_t window;            /* 0: no limit */
    uint64_t *reset;            /* per register */
    unsigned *slot;             /* per register: first index into vals */
    uint64_t *vals;             /* max_count values per register */
    const RegHooks **hooks;
    void **opaque;
    uint64_t *gbase;            /* per group */
    unsigned *gcount;
    uint64_t gen;               /* regfile_generation */
};

/* One register instance an access touches, and which of its bytes. */
typedef struct RegHit {
    unsigned reg;
    unsigned inst;
    uint64_t reg_addr;
    unsigned first;             /* first touched byte within the register */
    unsigned len;
    unsigned shift;             /* byte position within the access */
} RegHit;

#define REGFILE_MAX_HITS 8

static uint64_t regs_size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ULL << (8 * size)) - 1;
}

static uint64_t regs_byte_mask(unsigned first, unsigned len)
{
    return regs_size_mask(len) << (8 * first);
}

static uint64_t *regs_val(const RegFile *rf, unsigned reg, unsigned inst)
{
    return &rf->vals[rf->slot[reg] + inst];
}

static bool regs_valid(const RegFile *rf, unsigned reg, unsigned inst)
{
    const RegInfo *ri;

    if (reg >= rf->spec->n_regs) {
        return false;
    }
    ri = &rf->spec->regs[reg];
    return inst < rf->spec->groups[ri->group].max_count;
}

RegFile *regfile_new(const RegFileSpec *spec, uint64_t window)
{
    RegFile *rf = g_new0(RegFile, 1);
    unsigned total = 0;

    g_assert(spec->n_groups >= 1 && spec->regs && spec->groups);
    rf->spec = spec;
    rf->window = window;
    rf->reset = g_new0(uint64_t, spec->n_regs);
    rf->slot = g_new0(unsigned, spec->n_regs);
    rf->hooks = g_new0(const RegHooks *, spec->n_regs);
    rf->opaque = g_new0(void *, spec->n_regs);
    for (unsigned i = 0; i < spec->n_regs; i++) {
        const RegInfo *ri = &spec->regs[i];

        g_assert(ri->group < spec->n_groups);
        g_assert(ri->size == 4 || ri->size == 8);
        rf->reset[i] = ri->reset;
        rf->slot[i] = total;
        total += MAX(spec->groups[ri->group].max_count, 1);
    }
    rf->vals = g_new0(uint64_t, MAX(total, 1));
    rf->gbase = g_new0(uint64_t, spec->n_groups);
    rf->gcount = g_new0(unsigned, spec->n_groups);
    regfile_reset(rf);
    return rf;
}

void regfile_free(RegFile *rf)
{
    if (!rf) {
        return;
    }
    g_free(rf->reset);
    g_free(rf->slot);
    g_free(rf->vals);
    g_free(rf->hooks);
    g_free(rf->opaque);
    g_free(rf->gbase);
    g_free(rf->gcount);
    g_free(rf);
}

const RegFileSpec *regfile_spec(const RegFile *rf)
{
    return rf->spec;
}

void regfile_set_reset(RegFile *rf, unsigned reg, uint64_t reset)
{
    g_return_if_fail(reg < rf->spec->n_regs);
    rf->reset[reg] = reset;
}

void regfile_reset(RegFile *rf)
{
    for (unsigned i = 0; i < rf->spec->n_regs; i++) {
        const RegInfo *ri = &rf->spec->regs[i];
        unsigned n = MAX(rf->spec->groups[ri->group].max_count, 1);
        uint64_t v = rf->reset[i] & ~ri->rsvd & regs_size_mask(ri->size);

        for (unsigned k = 0; k < n; k++) {
            *regs_val(rf, i, k) = v;
        }
    }
    rf->gen++;
    regfile_update_groups(rf);
}

void regfile_set_hooks(RegFile *rf, unsigned reg, const RegHooks *hooks,
                       void *opaque)
{
    g_return_if_fail(reg < rf->spec->n_regs);
    rf->hooks[reg] = hooks;
    rf->opaque[reg] = opaque;
}

int regfile_find(const RegFile *rf, const char *name)
{
    for (unsigned i = 0; i < rf->spec->n_regs; i++) {
        if (name && strcmp(rf->spec->regs[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

uint64_t regfile_get(const RegFile *rf, unsigned reg, unsigned inst)
{
    if (!regs_valid(rf, reg, inst)) {
        return 0;
    }
    return *regs_val(rf, reg, inst);
}

void regfile_set(RegFile *rf, unsigned reg, unsigned inst, uint64_t value)
{
    const RegInfo *ri;

    if (!regs_valid(rf, reg, inst)) {
        return;
    }
    ri = &rf->spec->regs[reg];
    *regs_val(rf, reg, inst) = value & ~ri->rsvd & regs_size_mask(ri->size);
    rf->gen++;
}

void regfile_update(RegFile *rf, unsigned reg, unsigned inst,
                    uint64_t clear, uint64_t set)
{
    regfile_set(rf, reg, inst, (regfile_get(rf, reg, inst) & ~clear) | set);
}

/* A group's base or count from a field of a fixed register. */
static uint64_t regs_group_field(const RegFile *rf, int reg, unsigned shift,
                                 uint64_t mask)
{
    if (reg < 0 || (unsigned)reg >= rf->spec->n_regs) {
        return 0;
    }
    return (regfile_get(rf, (unsigned)reg, 0) >> shift) & mask;
}

void regfile_update_groups(RegFile *rf)
{
    for (unsigned g = 0; g < rf->spec->n_groups; g++) {
        const RegGroupInfo *gi = &rf->spec->groups[g];
        uint64_t base = 0, count = 1;

        if (gi->base_reg >= 0) {
            base = regs_group_field(rf, gi->base_reg, gi->base_shift,
                                    gi->base_mask) * gi->base_scale;
        }
        if (gi->count_reg >= 0) {
            count = regs_group_field(rf, gi->count_reg, gi->count_shift,
                                     gi->count_mask) + gi->count_add;
        }
        regfile_set_group(rf, g, base, (unsigned)MIN(count, UINT32_MAX));
    }
}

void regfile_set_group(RegFile *rf, unsigned group, uint64_t base,
                       unsigned count)
{
    g_return_if_fail(group < rf->spec->n_groups);
    rf->gbase[group] = base;
    rf->gcount[group] = MIN(count, rf->spec->groups[group].max_count);
    rf->gen++;
}

const uint64_t *regfile_generation(const RegFile *rf)
{
    return &rf->gen;
}

uint64_t regfile_group_base(const RegFile *rf, unsigned group)
{
    return group < rf->spec->n_groups ? rf->gbase[group] : 0;
}

unsigned regfile_group_count(const RegFile *rf, unsigned group)
{
    return group < rf->spec->n_groups ? rf->gcount[group] : 0;
}

uint64_t regfile_addr(const RegFile *rf, unsigned reg, unsigned inst)
{
    const RegInfo *ri;

    if (reg >= rf->spec->n_regs) {
        return UINT64_MAX;
    }
    ri = &rf->spec->regs[reg];
    if (inst >= rf->gcount[ri->group]) {
        return UINT64_MAX;
    }
    return rf->gbase[ri->group] +
           (uint64_t)inst * rf->spec->groups[ri->group].stride + ri->offset;
}

/* Record the part of [addr, addr+size) that register reg/inst covers. */
static void regs_hit(const RegFile *rf, unsigned reg, unsigned inst,
                     uint64_t addr, unsigned size, RegHit *hits,
                     unsigned *n, uint8_t *covered)
{
    const RegInfo *ri = &rf->spec->regs[reg];
    uint64_t ra = regfile_addr(rf, reg, inst);
    uint64_t lo, hi;

    if (ra == UINT64_MAX || ra >= addr + size || ra + ri->size <= addr) {
        return;
    }
    lo = MAX(ra, addr);
    hi = MIN(ra + ri->size, addr + size);
    for (uint64_t b = lo; b < hi; b++) {
        if (covered[b - addr]) {
            return; /* an earlier group already decodes these bytes */
        }
    }
    memset(&covered[lo - addr], 1, hi - lo);
    hits[(*n)++] = (RegHit){ .reg = reg, .inst = inst, .reg_addr = ra,
                             .first = (unsigned)(lo - ra),
                             .len = (unsigned)(hi - lo),
                             .shift = (unsigned)(lo - addr) };
}

static int regs_hit_cmp(const void *a, const void *b)
{
    const RegHit *x = a, *y = b;

    return x->shift < y->shift ? -1 : x->shift > y->shift;
}

/*
 * Find the register instances an access touches, lowest address first.
 * Returns false for accesses the bus drops (size, alignment, window).
 */
static bool regs_decode(const RegFile *rf, uint64_t addr, unsigned size,
                        RegHit *hits, unsigned *n)
{
    uint8_t covered[8] = { 0 };

    *n = 0;
    if ((size != 1 && size != 2 && size != 4 && size != 8) ||
        (addr & (size - 1)) || addr > UINT64_MAX - size ||
        (rf->window && addr + size > rf->window)) {
        return false;
    }
    for (unsigned g = 0; g < rf->spec->n_groups; g++) {
        uint32_t stride = rf->spec->groups[g].stride;
        uint64_t base = rf->gbase[g];
        unsigned inst;

        if (rf->gcount[g] == 0 || addr + size <= base) {
            continue;
        }
        inst = stride ? (unsigned)MIN((MAX(addr, base) - base) / stride,
                                      UINT32_MAX) : 0;
        if (inst >= rf->gcount[g]) {
            continue;
        }
        for (unsigned r = 0; r < rf->spec->n_regs; r++) {
            if (rf->spec->regs[r].group == g && *n < REGFILE_MAX_HITS) {
                regs_hit(rf, r, inst, addr, size, hits, n, covered);
            }
        }
    }
    qsort(hits, *n, sizeof(*hits), regs_hit_cmp);
    return true;
}

/* The value software sees for one register instance. */
static uint64_t regs_present(RegFile *rf, unsigned reg, unsigned inst)
{
    const RegInfo *ri = &rf->spec->regs[reg];
    const RegHooks *h = rf->hooks[reg];
    uint64_t v = *regs_val(rf, reg, inst) & ~(ri->rsvd | ri->wo);

    if (h && h->read) {
        v = h->read(rf, reg, inst, v, rf->opaque[reg]);
    }
    return v & regs_size_mask(ri->size);
}

uint64_t regfile_read(RegFile *rf, uint64_t addr, unsigned size)
{
    RegHit hits[REGFILE_MAX_HITS];
    uint64_t result = 0;
    unsigned n;

    if (!regs_decode(rf, addr, size, hits, &n)) {
        return 0;
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t v = regs_present(rf, hits[i].reg, hits[i].inst);

        v = (v >> (8 * hits[i].first)) & regs_size_mask(hits[i].len);
        result |= v << (8 * hits[i].shift);
    }
    return result;
}

/* Apply one access's bytes to one register instance. */
static void regs_write_one(RegFile *rf, const RegHit *h, uint64_t value)
{
    const RegInfo *ri = &rf->spec->regs[h->reg];
    const RegHooks *hk = rf->hooks[h->reg];
    uint64_t be = regs_byte_mask(h->first, h->len);
    uint64_t v = ((value >> (8 * h->shift)) << (8 * h->first)) & be;
    uint64_t *slot = regs_val(rf, h->reg, h->inst);
    uint64_t old = *slot, nv;

    nv = (old & ~(ri->wmask & be)) | (v & ri->wmask);
    nv &= ~(v & ri->w1c);
    nv |= v & ri->w1s;
    if (hk && hk->pre_write) {
        hk->pre_write(rf, h->reg, h->inst, old, &nv, be, rf->opaque[h->reg]);
    }
    nv &= ~ri->rsvd & regs_size_mask(ri->size);
    *slot = nv;
    rf->gen++;
    if (hk && hk->post_write) {
        hk->post_write(rf, h->reg, h->inst, old, nv, be, rf->opaque[h->reg]);
    }
}

void regfile_write(RegFile *rf, uint64_t addr, uint64_t value,
                   unsigned size)
{
    RegHit hits[REGFILE_MAX_HITS];
    unsigned n;

    if (!regs_decode(rf, addr, size, hits, &n)) {
        return;
    }
    value &= regs_size_mask(size);
    for (unsigned i = 0; i < n; i++) {
        regs_write_one(rf, &hits[i], value);
    }
}
