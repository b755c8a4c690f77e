/*
 * Memory accesses: the byte-granular address-space path through
 * containers, aliases and IOMMU regions (MMIO dispatch itself is in
 * memory-dispatch.c).
 *
 * There is no flattened view: each piece of an access resolves its
 * address by walking the tree from the root (mem_resolve), which also
 * says how many bytes from there on resolve the same way, so a long RAM
 * copy is one memcpy per backing page.  Holes in a container are
 * transparent, as in QEMU's rendering: a lower-priority sibling shows
 * through where a higher-priority container has no child.
 *
 * Nothing here allocates: the hot path is a tree walk, a page lookup and
 * a memcpy, or a walk and a callback.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <glib.h>
#include <string.h>

#include "iommu-sim/iommu.h"
#include "iommu-sim/memory.h"
#include "hw/core/memory-internal.h"

/* Pieces of an access through an IOMMU never cross this boundary. */
#define MEM_IOMMU_PAGE 4096ull

/* One address-space access in flight. */
typedef struct MemAccess {
    MemTxAttrs attrs;
    bool is_write;
    bool fill;          /* address_space_set: store `byte`, no buffer */
    uint8_t byte;
    MemTxInfo *info;    /* never NULL */
    bool stopped;       /* an IOMMU refused a piece: nothing further */
} MemAccess;

/* Where an address resolved to, and for how many bytes it stays so. */
typedef struct MemTarget {
    MemoryRegion *mr;   /* RAM, ROM, IO or IOMMU */
    uint64_t off;       /* offset inside mr */
    uint64_t avail;     /* >= 1 */
    uint64_t addr;      /* the address resolved, in its address space */
} MemTarget;

typedef enum {
    MEM_RESOLVE_HOLE,
    MEM_RESOLVE_FOUND,
    MEM_RESOLVE_TOO_DEEP,
} MemResolve;


static MemTxResult mem_rw(MemoryRegion *root, uint64_t addr, uint8_t *buf,
                          uint64_t len, MemAccess *acc, unsigned depth,
                          uint64_t *done);

/* ---- resolving an address ------------------------------------------ */

static MemResolve mem_resolve(MemoryRegion *mr, uint64_t off, unsigned depth,
                              MemTarget *t);

static MemResolve mem_resolve_alias(MemoryRegion *mr, uint64_t off,
                                    unsigned depth, MemTarget *t)
{
    uint64_t limit = memory_region_remaining(mr, off);
    uint64_t aoff = mr->alias_offset + off;
    MemResolve r;

    if (!mr->alias || !memory_region_covers(mr->alias, aoff)) {
        t->avail = limit;
        return MEM_RESOLVE_HOLE;
    }
    r = mem_resolve(mr->alias, aoff, depth + 1, t);
    t->avail = MIN(t->avail, limit);
    return r;
}

/*
 * The first enabled child covering off wins unless it is a container
 * with a hole there.  Children scanned before the winner that start
 * after off bound how far the result holds.
 */
static MemResolve mem_resolve_container(MemoryRegion *mr, uint64_t off,
                                        unsigned depth, MemTarget *t)
{
    uint64_t limit = memory_region_remaining(mr, off);

    for (unsigned i = 0; i < mr->n_subregions; i++) {
        MemoryRegion *sub = mr->subregions[i];
        if (!sub->enabled) {
            continue;
        }
        if (off >= sub->addr && memory_region_covers(sub, off - sub->addr)) {
            MemResolve r = mem_resolve(sub, off - sub->addr, depth + 1, t);
            limit = MIN(limit, t->avail);
            if (r != MEM_RESOLVE_HOLE) {
                t->avail = limit;
                return r;
            }
        } else if (sub->addr > off) {
            limit = MIN(limit, sub->addr - off);
        }
    }
    t->avail = limit;
    return MEM_RESOLVE_HOLE;
}

/* Precondition: mr covers off. */
static MemResolve mem_resolve(MemoryRegion *mr, uint64_t off, unsigned depth,
                              MemTarget *t)
{
    if (depth >= MEMORY_MAX_DEPTH) {
        t->avail = UINT64_MAX;
        return MEM_RESOLVE_TOO_DEEP;
    }
    switch (mr->type) {
    case MR_ALIAS:
        return mem_resolve_alias(mr, off, depth, t);
    case MR_CONTAINER:
        return mem_resolve_container(mr, off, depth, t);
    default:
        t->mr = mr;
        t->off = off;
        t->avail = memory_region_remaining(mr, off);
        return MEM_RESOLVE_FOUND;
    }
}

/* ---- the byte path ----------------------------------------------------- */

static MemTxResult mem_unassigned(uint8_t *buf, uint64_t len, MemAccess *acc)
{
    if (!acc->is_write && buf) {
        memset(buf, 0, len);
    }
    return MEMTX_DECODE_ERROR;
}

static MemTxResult mem_ram_rw(MemoryRegion *mr, uint64_t off, uint8_t *buf,
                              uint64_t len, MemAccess *acc)
{
    if (!mr->ram) {
        return mem_unassigned(buf, len, acc);
    }
    off += mr->ram_offset;
    if (acc->fill) {
        guest_ram_fill(mr->ram, off, acc->byte, len);
    } else if (acc->is_write) {
        guest_ram_write(mr->ram, off, buf, len);
    } else {
        guest_ram_read(mr->ram, off, buf, len);
    }
    return MEMTX_OK;
}

/* Guest writes to ROM are dropped without error, as on real hardware. */
static MemTxResult mem_rom_rw(MemoryRegion *mr, uint64_t off, uint8_t *buf,
                              uint64_t len, MemAccess *acc)
{
    if (acc->is_write) {
        return MEMTX_OK;
    }
    if (mr->rom_data) {
        memcpy(buf, mr->rom_data + off, len);
    } else {
        memset(buf, 0, len);
    }
    return MEMTX_OK;
}

/*
 * QEMU memory_access_size: the widest access the bus takes (valid max,
 * 4 when unset), no wider than the address alignment unless the
 * callbacks handle unaligned accesses, rounded down to a power of two.
 */
static unsigned mem_access_size(const MemoryRegionOps *ops, uint64_t len,
                                uint64_t addr)
{
    unsigned max = ops->valid.max_access_size ? ops->valid.max_access_size
                                               : 4;
    unsigned l;

    if (!ops->impl.unaligned) {
        uint64_t align = addr & -addr;
        if (align != 0 && align < max) {
            max = (unsigned)align;
        }
    }
    l = (unsigned)MIN(len, (uint64_t)max);
    while (l & (l - 1)) {
        l &= l - 1;
    }
    return l;
}

static MemTxResult mem_io_rw(MemoryRegion *mr, uint64_t off, uint8_t *buf,
                             uint64_t len, MemAccess *acc)
{
    MemTxResult r = MEMTX_OK;

    if (!mr->ops) {
        return mem_unassigned(buf, len, acc);
    }
    while (len) {
        unsigned sz = mem_access_size(mr->ops, len, off);
        uint64_t v;

        if (acc->is_write) {
            v = acc->fill ? 0x0101010101010101ull * acc->byte
                          : mem_ld_le(buf, sz);
            r |= memory_region_dispatch_write(mr, off, v, sz, acc->attrs);
        } else {
            r |= memory_region_dispatch_read(mr, off, &v, sz, acc->attrs);
            mem_st_le(buf, sz, v);
        }
        off += sz;
        len -= sz;
        if (buf) {
            buf += sz;
        }
    }
    return r;
}

/*
 * addr: where the refused piece starts in the address space the IOMMU
 * region sits in (the requester's, or a nested stage's input), not the
 * hook's region-relative input: a window such as the interrupt range is
 * a region at 0xFEE00000.
 */
static void mem_iommu_fault(MemAccess *acc, uint64_t addr,
                            const IOMMUTranslation *tr, const char *why)
{
    acc->stopped = true;
    acc->info->faulted = true;
    acc->info->fault_addr = addr;
    acc->info->fault_code = tr->fault ? tr->fault_code : 0;
    acc->info->fault_name = tr->fault && tr->fault_name ? tr->fault_name : why;
}

/*
 * One piece through an IOMMU region: translate the page the piece starts
 * in, then continue in the target space for at most the rest of that
 * page and of the returned block.  A fault or a missing permission stops
 * the whole access (bytes before it stay transferred).
 */
static MemTxResult mem_iommu_rw(const MemTarget *t, uint8_t *buf,
                                uint64_t len, MemAccess *acc, unsigned depth,
                                uint64_t *moved)
{
    IOMMUAccessFlags access = acc->is_write ? IOMMU_WO : IOMMU_RO;
    MemTxAttrs attrs = acc->attrs;
    uint64_t iova = t->off;
    IOMMUTranslation tr;
    uint64_t mask;

    *moved = 0;
    len = MIN(len, MEM_IOMMU_PAGE - (iova & (MEM_IOMMU_PAGE - 1)));
    attrs.len = (uint32_t)len;      /* the request the hook translates */
    memory_region_iommu_translate(t->mr, iova, access, attrs, &tr);
    acc->info->translations++;
    acc->info->cost_cycles += tr.cost.cycles;
    acc->info->cost_ns += tr.cost.ns;
    if (tr.fault) {
        mem_iommu_fault(acc, t->addr, &tr, "IOMMU fault");
        return MEMTX_ACCESS_DENIED;
    }
    if ((tr.entry.perm & access) != access) {
        mem_iommu_fault(acc, t->addr, &tr,
                        "access not permitted by IOMMU entry");
        return MEMTX_ACCESS_DENIED;
    }
    if (!tr.entry.target_as) {
        /* A model bug: a successful translation must name its target. */
        mem_iommu_fault(acc, t->addr, &tr, "IOMMU entry without target");
        return MEMTX_ERROR;
    }
    mask = tr.entry.addr_mask;
    len = MIN(len - 1, mask - (iova & mask)) + 1;
    return mem_rw(tr.entry.target_as->root,
                  (tr.entry.translated_addr & ~mask) | (iova & mask),
                  buf, len, acc, depth + 1, moved);
}

static MemTxResult mem_leaf_rw(const MemTarget *t, uint8_t *buf,
                               uint64_t len, MemAccess *acc, unsigned depth,
                               uint64_t *moved)
{
    *moved = len;
    switch (t->mr->type) {
    case MR_RAM:
        return mem_ram_rw(t->mr, t->off, buf, len, acc);
    case MR_ROM:
        return mem_rom_rw(t->mr, t->off, buf, len, acc);
    case MR_IO:
        return mem_io_rw(t->mr, t->off, buf, len, acc);
    case MR_IOMMU:
        return mem_iommu_rw(t, buf, len, acc, depth, moved);
    default:
        return mem_unassigned(buf, len, acc);
    }
}

static MemTxResult mem_rw(MemoryRegion *root, uint64_t addr, uint8_t *buf,
                          uint64_t len, MemAccess *acc, unsigned depth,
                          uint64_t *done)
{
    MemTxResult res = MEMTX_OK;

    *done = 0;
    while (len && !acc->stopped) {
        MemTarget t = { .avail = UINT64_MAX };
        MemResolve r = MEM_RESOLVE_HOLE;
        uint64_t moved;

        if (root && memory_region_covers(root, addr)) {
            r = mem_resolve(root, addr, depth, &t);
        }
        t.addr = addr;
        moved = MIN(len, MAX(t.avail, 1));
        if (r == MEM_RESOLVE_FOUND) {
            res |= mem_leaf_rw(&t, buf, moved, acc, depth, &moved);
        } else {
            /* Unassigned, or nested too deep (an alias or IOMMU loop). */
            if (r == MEM_RESOLVE_TOO_DEEP) {
                moved = len;
            }
            res |= mem_unassigned(buf, moved, acc);
        }
        *done += moved;
        addr += moved;
        len -= moved;
        if (buf) {
            buf += moved;
        }
    }
    return res;
}

/* ---- zero-length requests ------------------------------------------ */

/*
 * A request that moves no bytes still travels the path: each IOMMU
 * region on it translates the address once (with attrs.zero_length set)
 * and may fault, and the request goes on in the target address space.
 * RAM, ROM and MMIO complete it without being touched; a hole does not
 * decode it.  Only the hook's fault counts here (see memory.h).
 */
static MemTxResult mem_zero_rw(MemoryRegion *root, uint64_t addr,
                               MemAccess *acc, unsigned depth)
{
    IOMMUAccessFlags access = acc->is_write ? IOMMU_WO : IOMMU_RO;
    MemTarget t = { .avail = UINT64_MAX };
    IOMMUTranslation tr;
    uint64_t mask;

    if (!root || !memory_region_covers(root, addr) ||
        mem_resolve(root, addr, depth, &t) != MEM_RESOLVE_FOUND) {
        return MEMTX_DECODE_ERROR;
    }
    if (t.mr->type != MR_IOMMU) {
        return MEMTX_OK;
    }
    memory_region_iommu_translate(t.mr, t.off, access, acc->attrs, &tr);
    acc->info->translations++;
    acc->info->cost_cycles += tr.cost.cycles;
    acc->info->cost_ns += tr.cost.ns;
    if (tr.fault) {
        mem_iommu_fault(acc, addr, &tr, "IOMMU fault");
        return MEMTX_ACCESS_DENIED;
    }
    if (!tr.entry.target_as) {
        mem_iommu_fault(acc, addr, &tr, "IOMMU entry without target");
        return MEMTX_ERROR;
    }
    mask = tr.entry.addr_mask;
    return mem_zero_rw(tr.entry.target_as->root,
                       (tr.entry.translated_addr & ~mask) | (t.off & mask),
                       acc, depth + 1);
}

MemTxResult memory_region_access_bytes(MemoryRegion *mr, uint64_t addr,
                                       MemTxAttrs attrs, uint8_t *buf,
                                       unsigned len, bool is_write)
{
    MemTxInfo info;
    MemAccess acc = { .attrs = attrs, .is_write = is_write, .info = &info };
    uint64_t done;

    memset(&info, 0, sizeof(info));
    return mem_rw(mr, addr, buf, len, &acc, 0, &done);
}

/* ---- address spaces ------------------------------------------------- */

static MemTxResult mem_as_access(AddressSpace *as, uint64_t addr,
                                 MemAccess *acc, uint8_t *buf, uint64_t len)
{
    uint64_t done = 0;
    MemTxResult r;

    memset(acc->info, 0, sizeof(*acc->info));
    if (!as) {
        return mem_unassigned(buf, len, acc);
    }
    acc->attrs.zero_length = len == 0;
    if (len == 0) {
        return mem_zero_rw(as->root, addr, acc, 0);
    }
    r = mem_rw(as->root, addr, buf, len, acc, 0, &done);
    acc->info->done = done;
    return r;
}

MemTxResult address_space_rw(AddressSpace *as, uint64_t addr,
                             MemTxAttrs attrs, void *buf, uint64_t len,
                             bool is_write, MemTxInfo *info)
{
    MemTxInfo local;
    MemAccess acc = {
        .attrs = attrs, .is_write = is_write, .info = info ? info : &local,
    };

    if (!buf && len) {
        memset(acc.info, 0, sizeof(*acc.info));
        return MEMTX_DECODE_ERROR;
    }
    return mem_as_access(as, addr, &acc, buf, len);
}

MemTxResult address_space_read(AddressSpace *as, uint64_t addr,
                               MemTxAttrs attrs, void *buf, uint64_t len)
{
    return address_space_rw(as, addr, attrs, buf, len, false, NULL);
}

MemTxResult address_space_write(AddressSpace *as, uint64_t addr,
                                MemTxAttrs attrs, const void *buf,
                                uint64_t len)
{
    /* The write path never stores through buf. */
    return address_space_rw(as, addr, attrs, (void *)buf, len, true, NULL);
}

MemTxResult address_space_set(AddressSpace *as, uint64_t addr,
                              MemTxAttrs attrs, uint8_t byte, uint64_t len)
{
    MemTxInfo local;
    MemAccess acc = {
        .attrs = attrs, .is_write = true, .fill = true, .byte = byte,
        .info = &local,
    };

    return mem_as_access(as, addr, &acc, NULL, len);
}

MemTxResult address_space_ld_le(AddressSpace *as, uint64_t addr,
                                unsigned size, uint64_t *val,
                                MemTxAttrs attrs)
{
    uint8_t bytes[8];
    MemTxResult r;

    *val = 0;
    if (!mem_size_ok(size)) {
        return MEMTX_DECODE_ERROR;
    }
    r = address_space_read(as, addr, attrs, bytes, size);
    *val = mem_ld_le(bytes, size);
    return r;
}

MemTxResult address_space_st_le(AddressSpace *as, uint64_t addr,
                                unsigned size, uint64_t val,
                                MemTxAttrs attrs)
{
    uint8_t bytes[8];

    if (!mem_size_ok(size)) {
        return MEMTX_DECODE_ERROR;
    }
    mem_st_le(bytes, size, val);
    return address_space_write(as, addr, attrs, bytes, size);
}

