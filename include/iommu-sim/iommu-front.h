/*
 * Front cache of an IOMMU model's translate hook: a requester's recent
 * translations that were exactly a configuration-cache hit (VT-d context
 * cache, AMD-Vi device table cache) plus an IOTLB hit, direct-mapped by
 * 4 KiB page.
 *
 * Not an architectural cache and never visible to the guest: an entry
 * only remembers where the two hits were (TimingCache hints) and what the
 * full path handed out.  Any change of either cache's contents (insert,
 * eviction, invalidation of any entry, reset) moves that cache's
 * generation and voids the hints, so a replayed translation touches the
 * same entries, counts the same lookups and hits and updates the same
 * replacement state as the full path would, and a stale entry is seen
 * exactly while the modelled IOTLB still holds it (docs/timing.md,
 * "Simulation speed").
 *
 * What stays with the model: whether a request may take the front cache
 * at all (translation enabled, request kind, registers the full path
 * reads before its lookups), its own counters, and filling only after a
 * full translation whose outcome was those two hits and success.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_IOMMU_FRONT_H
#define IOMMU_SIM_IOMMU_FRONT_H

#include <stdbool.h>
#include <stdint.h>

#include "iommu-sim/iommu.h"
#include "iommu-sim/timing-cache.h"
#include "iommu-sim/timing.h"

#define IOMMU_FRONT_ENTRIES 8       /* per requester, by 4 KiB page */
#define IOMMU_FRONT_HINTS 2         /* configuration cache, IOTLB */
#define IOMMU_FRONT_PAGE_SHIFT 12

/* The outcome a front-cache hit reports (IOMMUCost.events). */
#define IOMMU_FRONT_EVENTS (IOMMU_EV_CONFIG_HIT | IOMMU_EV_IOTLB_HIT)

typedef struct IOMMUFrontEntry {
    uint64_t page;              /* iova >> 12 */
    bool valid;
    uint8_t size_class;         /* the model's IOTLB hit class (counter) */
    IOMMUAccessFlags perm;      /* as handed out */
    uint64_t iova;              /* the IOMMUTLBEntry handed out */
    uint64_t translated_addr;
    uint64_t addr_mask;
    TimingCacheHint hits[IOMMU_FRONT_HINTS];
} IOMMUFrontEntry;

/* Embedded in a requester's address space; all zeros is empty. */
typedef struct IOMMUFront {
    IOMMUFrontEntry e[IOMMU_FRONT_ENTRIES];
    uint64_t replays;           /* translations served (tests, tuning) */
} IOMMUFront;

static inline IOMMUFrontEntry *iommu_front_slot(IOMMUFront *f, uint64_t iova)
{
    return &f->e[(iova >> IOMMU_FRONT_PAGE_SHIFT) % IOMMU_FRONT_ENTRIES];
}

/*
 * The entry of iova's page if it grants access; no side effects.  The
 * model then checks its own gate (registers, request kind) and replays.
 * Inline, as is the replay: together they are both models' hit path.
 */
static inline const IOMMUFrontEntry *iommu_front_match(IOMMUFront *f,
                                                       uint64_t iova,
                                                       IOMMUAccessFlags access)
{
    const IOMMUFrontEntry *e = iommu_front_slot(f, iova);

    if (!e->valid || e->page != iova >> IOMMU_FRONT_PAGE_SHIFT ||
        (access & ~e->perm)) {
        return NULL;
    }
    return e;
}

/*
 * Replay e's two hits in caches[] (configuration cache, IOTLB) if both
 * hints are still valid: true, counted as the lookups would be.  false
 * with nothing counted or touched in either cache otherwise.
 */
static inline bool iommu_front_replay(IOMMUFront *f, const IOMMUFrontEntry *e,
                                      TimingCache *const caches[IOMMU_FRONT_HINTS])
{
    if (!timing_cache_hit_hints(caches, e->hits, IOMMU_FRONT_HINTS)) {
        return false;
    }
    f->replays++;
    return true;
}

/* Hand out what the full path handed out when e was filled. */
static inline void iommu_front_serve(const IOMMUFrontEntry *e,
                                     AddressSpace *target_as,
                                     IOMMUTLBEntry *out)
{
    out->target_as = target_as;
    out->iova = e->iova;
    out->translated_addr = e->translated_addr;
    out->addr_mask = e->addr_mask;
    out->perm = e->perm;
}

/*
 * The cost and events of a replayed hit: the two lookups as pipeline
 * hits in tm (NULL: a model built without one, which costs nothing), no
 * memory reads; the same figures timing_xlate_finish gives the full path.
 */
void iommu_front_charge(TimingModel *tm, int64_t arrival_ns, IOMMUCost *cost);

/*
 * After a full translation of iova that succeeded with entry and whose
 * outcome was one hit in each of caches[] (the caller knows: a miss does
 * not clear a cache's last hit): remember those hits in iova's slot.
 * false, and the slot emptied, when a cache has changed since its last
 * hit (or never hit).
 */
bool iommu_front_fill(IOMMUFront *f,
                      TimingCache *const caches[IOMMU_FRONT_HINTS],
                      uint64_t iova, uint8_t size_class,
                      const IOMMUTLBEntry *entry);
/* Empty iova's slot (a full translation that may not be replayed). */
void iommu_front_drop(IOMMUFront *f, uint64_t iova);
/* Empty every slot (the replay count stays). */
void iommu_front_clear(IOMMUFront *f);

#endif
