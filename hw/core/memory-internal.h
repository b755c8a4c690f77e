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

#endif
