/*
 * The front cache's hit after the model's gate (include/iommu-sim/
 * iommu-front.h), inline in the models' translate hooks: it reaches into
 * the caches' and the timing model's internals, which only hw/timing and
 * these hot paths see.
 *
 * If both of e's hints are still valid: replay them in caches[]
 * (configuration cache, IOTLB; touched and counted as the lookups would
 * be), charge the two lookups as pipeline hits arriving at arrival_ns in
 * tm (NULL: a model built without one, which costs nothing), and hand
 * out what the full path handed out when e was filled, with target_as,
 * into out: the same cost, events and entry the full path gives.  false,
 * with nothing counted, touched or written, when either cache has
 * changed since.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_TIMING_IOMMU_FRONT_HIT_H
#define HW_TIMING_IOMMU_FRONT_HIT_H

#include "iommu-sim/iommu-front.h"
#include "timing-cache-int.h"
#include "timing-model-int.h"

static inline bool iommu_front_hit(IOMMUFront *f, const IOMMUFrontEntry *e,
                                   TimingCache *const caches[IOMMU_FRONT_HINTS],
                                   TimingModel *tm, int64_t arrival_ns,
                                   AddressSpace *target_as,
                                   IOMMUTranslation *out)
{
    if (!timing_cache_replay_hints(caches, e->hits, IOMMU_FRONT_HINTS)) {
        return false;
    }
    f->replays++;
    out->cost.events = IOMMU_FRONT_EVENTS;
    out->cost.mem_reads = 0;
    if (tm) {
        timing_model_pipe_hit(tm, arrival_ns,
                              1u << TIMING_LOOKUP_CONFIG |
                              1u << TIMING_LOOKUP_IOTLB, &out->cost);
    }
    out->entry.target_as = target_as;
    out->entry.iova = e->iova;
    out->entry.translated_addr = e->translated_addr;
    out->entry.addr_mask = e->addr_mask;
    out->entry.perm = e->perm;
    return true;
}

#endif
