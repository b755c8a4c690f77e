/*
 * MMIO dispatch: one access of 1, 2, 4 or 8 bytes to a region, with the
 * access-size rules of QEMU's memory API (softmmu/memory.c): the bus
 * refuses what ops->valid excludes, and accesses are fitted to what the
 * callbacks implement (ops->impl) by splitting or widening them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <glib.h>
#include <string.h>

#include "iommu-sim/memory.h"
#include "hw/core/memory-internal.h"

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
    mem_st_le(bytes, size, *data);
    r = memory_region_access_bytes(mr, addr, attrs, bytes, size, is_write);
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
