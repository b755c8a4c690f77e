/*
 * Front cache of an IOMMU model's translate hook (include/iommu-sim/
 * iommu-front.h): the gate's refresh, filling and emptying slots.  The
 * hit path is inline: match and gate in the header, the rest in
 * iommu-front-hit.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/iommu-front.h"

void iommu_front_gate_set_off(IOMMUFrontGate *g, bool off)
{
    g->off = off;
    g->valid = false;
}

bool iommu_front_gate_refresh(IOMMUFrontGate *g, IOMMUFrontGateEval eval,
                              const void *model)
{
    g->open = !g->off && eval(model);
    g->valid = g->regs_gen != NULL;
    if (g->valid) {
        g->seen = *g->regs_gen;
    }
    return g->open;
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
