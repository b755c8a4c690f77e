/*
 * Helpers shared by the memory-region files of hw/core (private).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_CORE_MEMORY_INTERNAL_H
#define HW_CORE_MEMORY_INTERNAL_H

#include "iommu-sim/memory.h"

/*
 * Bound on nested regions (containers, aliases, IOMMU target spaces) an
 * access may go through: alias or IOMMU loops end in a decode error
 * instead of a stack overflow.
 */
#define MEMORY_MAX_DEPTH 32

/* Whether offset off lies inside mr. */
static inline bool memory_region_covers(const MemoryRegion *mr, uint64_t off)
{
    return mr->size_is_2_64 || off < mr->size;
}

/* Bytes from off to the end of mr, saturated at UINT64_MAX. */
static inline uint64_t memory_region_remaining(const MemoryRegion *mr,
                                               uint64_t off)
{
    if (mr->size_is_2_64) {
        return off ? (uint64_t)0 - off : UINT64_MAX;
    }
    return off < mr->size ? mr->size - off : 0;
}

/* All-ones in the low size bytes. */
static inline uint64_t mem_size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;
}

/* Little-endian load and store of 1..8 bytes. */
static inline uint64_t mem_ld_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (i * 8);
    }
    return v;
}

static inline void mem_st_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        p[i] = (uint8_t)(v >> (i * 8));
    }
}

static inline bool mem_size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/*
 * The byte path of memory-access.c on a region instead of an address
 * space: what dispatch does for RAM, ROM, containers and IOMMU regions.
 */
MemTxResult memory_region_access_bytes(MemoryRegion *mr, uint64_t addr,
                                       MemTxAttrs attrs, uint8_t *buf,
                                       unsigned len, bool is_write);

#endif
