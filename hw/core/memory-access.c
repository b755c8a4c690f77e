/*
 * Memory accesses: MMIO dispatch with QEMU's access-size rules and the
 * byte-granular address-space path through containers, aliases and
 * IOMMU regions.
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
} MemTarget;

typedef enum {
    MEM_RESOLVE_HOLE,
    MEM_RESOLVE_FOUND,
    MEM_RESOLVE_TOO_DEEP,
} MemResolve;

static MemTxResult mem_rw(MemoryRegion *root, uint64_t addr, uint8_t *buf,
                          uint64_t len, MemAccess *acc, unsigned depth,
                          uint64_t *done);

static uint64_t mem_size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;
}

static uint64_t mem_ld_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (i * 8);
    }
    return v;
}

static void mem_st_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        p[i] = (uint8_t)(v >> (i * 8));
    }
}

static bool mem_size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/* ---- MMIO dispatch ---------------------------------------------------- */

/*
 * Whether the bus accepts this access (QEMU memory_region_access_valid):
 * misaligned accesses need valid.unaligned; valid.max_access_size 0
 * means every size is accepted.
 */
static bool mem_access_valid(const MemoryRegionOps *ops, uint64_t addr,
                             unsigned size)
{
    if (!ops->valid.unaligned && (addr & (size - 1))) {
        return false;
    }
    if (!ops->valid.max_access_size) {
        return true;
    }
    return size >= ops->valid.min_access_size &&
           size <= ops->valid.max_access_size;
}

static MemTxResult mem_io_call(MemoryRegion *mr, uint64_t addr,
                               uint64_t *data, unsigned size, bool is_write,
                               MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;

    if (is_write) {
        if (ops->write) {
            ops->write(mr->opaque, addr, *data, size);
        } else if (ops->write_with_attrs) {
            return ops->write_with_attrs(mr->opaque, addr, *data, size,
                                         attrs);
        }
        return MEMTX_OK;
    }
    *data = 0;
    if (ops->read) {
        *data = ops->read(mr->opaque, addr, size);
    } else if (ops->read_with_attrs) {
        return ops->read_with_attrs(mr->opaque, addr, data, size, attrs);
    }
    return MEMTX_OK;
}

/*
 * An access narrower than impl.min_access_size: one access of asz bytes
 * at the naturally aligned address (unless impl.unaligned), the data
 * shifted into place.  Writes put zeros in the other bytes; there is no
 * read-modify-write, so no read side effects.  An access straddling two
 * such windows goes byte by byte.
 */
static MemTxResult mem_io_widen(MemoryRegion *mr, uint64_t addr,
                                uint64_t *data, unsigned size, unsigned asz,
                                bool is_write, MemTxAttrs attrs)
{
    uint64_t base = mr->ops->impl.unaligned ? addr : addr & ~(uint64_t)(asz - 1);
    unsigned shift = (unsigned)(addr - base) * 8;
    uint64_t v;
    MemTxResult r = MEMTX_OK;

    if (addr - base + size > asz) {
        uint64_t out = 0;
        for (unsigned i = 0; i < size; i++) {
            uint64_t b = (*data >> (i * 8)) & 0xff;
            r |= mem_io_widen(mr, addr + i, &b, 1, asz, is_write, attrs);
            out |= (b & 0xff) << (i * 8);
        }
        if (!is_write) {
            *data = out;
        }
        return r;
    }
    if (is_write) {
        v = (*data & mem_size_mask(size)) << shift;
        return mem_io_call(mr, base, &v, asz, true, attrs);
    }
    r = mem_io_call(mr, base, &v, asz, false, attrs);
    *data = (v >> shift) & mem_size_mask(size);
    return r;
}

/* QEMU access_with_adjusted_size: fit the access to impl min/max. */
static MemTxResult mem_io_adjusted(MemoryRegion *mr, uint64_t addr,
                                   uint64_t *data, unsigned size,
                                   bool is_write, MemTxAttrs attrs)
{
    unsigned min = mr->ops->impl.min_access_size;
    unsigned max = mr->ops->impl.max_access_size;
    unsigned asz;
    MemTxResult r = MEMTX_OK;
    uint64_t in = *data;

    /* QEMU's defaults when the region leaves impl sizes at 0. */
    min = min ? min : 1;
    max = max ? max : 4;
    asz = MAX(MIN(size, max), min);

    if (asz > size) {
        return mem_io_widen(mr, addr, data, size, asz, is_write, attrs);
    }
    /* Wider than the callbacks take: little-endian pieces. */
    if (!is_write) {
        *data = 0;
    }
    for (unsigned i = 0; i < size; i += asz) {
        uint64_t v = (in >> (i * 8)) & mem_size_mask(asz);
        r |= mem_io_call(mr, addr + i, &v, asz, is_write, attrs);
        if (!is_write) {
            *data |= (v & mem_size_mask(asz)) << (i * 8);
        }
    }
    return r;
}

/* Follow aliases to the region that handles a dispatch. */
static MemoryRegion *mem_dispatch_target(MemoryRegion *mr, uint64_t *addr)
{
    for (unsigned depth = 0; mr && mr->type == MR_ALIAS; depth++) {
        if (depth >= MEMORY_MAX_DEPTH) {
            return NULL;
        }
        *addr += mr->alias_offset;
        mr = mr->alias;
    }
    return mr;
}

static MemTxResult mem_dispatch(MemoryRegion *mr, uint64_t addr,
                                uint64_t *data, unsigned size, bool is_write,
                                MemTxAttrs attrs)
{
    uint8_t bytes[8];
    MemTxInfo info;
    MemAccess acc = { .attrs = attrs, .is_write = is_write, .info = &info };
    uint64_t done;
    MemTxResult r;

    mr = mem_dispatch_target(mr, &addr);
    if (!mr || !mem_size_ok(size)) {
        return MEMTX_DECODE_ERROR;
    }
    if (mr->type == MR_IO) {
        if (!mr->ops || !mem_access_valid(mr->ops, addr, size)) {
            return MEMTX_DECODE_ERROR;
        }
        return mem_io_adjusted(mr, addr, data, size, is_write, attrs);
    }
    /* RAM, ROM, containers, IOMMU regions: the byte path. */
    memset(&info, 0, sizeof(info));
    mem_st_le(bytes, size, *data);
    r = mem_rw(mr, addr, bytes, size, &acc, 0, &done);
    if (!is_write) {
        *data = mem_ld_le(bytes, size);
    }
    return r;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, uint64_t addr,
                                        uint64_t *data, unsigned size,
                                        MemTxAttrs attrs)
{
    MemTxResult r;

    *data = 0;
    r = mem_dispatch(mr, addr, data, size, false, attrs);
    if ((r & MEMTX_DECODE_ERROR) && mr && mr->type == MR_IO) {
        *data = 0;  /* an invalid access reads as zero */
    }
    *data &= mem_size_ok(size) ? mem_size_mask(size) : 0;
    return r;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, uint64_t addr,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs)
{
    return mem_dispatch(mr, addr, &data, size, true, attrs);
}

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

static void mem_iommu_fault(MemAccess *acc, uint64_t iova,
                            const IOMMUTranslation *tr, const char *why)
{
    acc->stopped = true;
    acc->info->faulted = true;
    acc->info->fault_addr = iova;
    acc->info->fault_code = tr->fault ? tr->fault_code : 0;
    acc->info->fault_name = tr->fault && tr->fault_name ? tr->fault_name : why;
}

/*
 * One piece through an IOMMU region: translate the page the piece starts
 * in, then continue in the target space for at most the rest of that
 * page and of the returned block.  A fault or a missing permission stops
 * the whole access (bytes before it stay transferred).
 */
static MemTxResult mem_iommu_rw(MemoryRegion *mr, uint64_t iova, uint8_t *buf,
                                uint64_t len, MemAccess *acc, unsigned depth,
                                uint64_t *moved)
{
    IOMMUAccessFlags access = acc->is_write ? IOMMU_WO : IOMMU_RO;
    IOMMUTranslation tr;
    uint64_t mask;

    *moved = 0;
    len = MIN(len, MEM_IOMMU_PAGE - (iova & (MEM_IOMMU_PAGE - 1)));
    memory_region_iommu_translate(mr, iova, access, acc->attrs, &tr);
    acc->info->translations++;
    acc->info->cost_cycles += tr.cost.cycles;
    acc->info->cost_ns += tr.cost.ns;
    if (tr.fault) {
        mem_iommu_fault(acc, iova, &tr, "IOMMU fault");
        return MEMTX_ACCESS_DENIED;
    }
    if ((tr.entry.perm & access) != access) {
        mem_iommu_fault(acc, iova, &tr, "access not permitted by IOMMU entry");
        return MEMTX_ACCESS_DENIED;
    }
    if (!tr.entry.target_as) {
        /* A model bug: a successful translation must name its target. */
        mem_iommu_fault(acc, iova, &tr, "IOMMU entry without target");
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
        return mem_iommu_rw(t->mr, t->off, buf, len, acc, depth, moved);
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
