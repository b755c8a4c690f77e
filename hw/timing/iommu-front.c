/*
 * Front cache of an IOMMU model's translate hook (include/iommu-sim/
 * iommu-front.h): filling and emptying slots, and the cost of a replayed
 * hit.  The replay itself is inline in the header.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/iommu-front.h"

void iommu_front_charge(TimingModel *tm, int64_t arrival_ns, IOMMUCost *cost)
{
    cost->events = IOMMU_FRONT_EVENTS;
    cost->mem_reads = 0;
    if (tm) {
        timing_xlate_pipeline_hit(tm, arrival_ns,
                                  1u << TIMING_LOOKUP_CONFIG |
                                  1u << TIMING_LOOKUP_IOTLB, cost);
    }
}

bool iommu_front_fill(IOMMUFront *f,
                      TimingCache *const caches[IOMMU_FRONT_HINTS],
                      uint64_t iova, uint8_t size_class,
                      const IOMMUTLBEntry *entry)
{
    IOMMUFrontEntry *e = iommu_front_slot(f, iova);

    e->valid = false;
    for (unsigned i = 0; i < IOMMU_FRONT_HINTS; i++) {
        if (!timing_cache_last_hit(caches[i], &e->hits[i])) {
            return false;
        }
    }
    e->page = iova >> IOMMU_FRONT_PAGE_SHIFT;
    e->size_class = size_class;
    e->perm = entry->perm;
    e->iova = entry->iova;
    e->translated_addr = entry->translated_addr;
    e->addr_mask = entry->addr_mask;
    e->valid = true;
    return true;
}

void iommu_front_drop(IOMMUFront *f, uint64_t iova)
{
    iommu_front_slot(f, iova)->valid = false;
}

void iommu_front_clear(IOMMUFront *f)
{
    memset(f->e, 0, sizeof(f->e));
}
