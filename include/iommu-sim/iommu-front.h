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
#include "iommu-sim/regs.h"
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
 * A model's gate, the state besides the request that decides whether the
 * front cache may serve at all (enables and modes the full path reads
 * from registers before its lookups, no trace, caches present), cached:
 * the model's eval runs again only after the register file's generation
 * has moved (regfile_generation), so a hit reads one counter instead of
 * registers.  eval may read only registers and state that changes with
 * them or never after the model is built.
 */
typedef struct IOMMUFrontGate {
    const uint64_t *regs_gen;   /* the register file's generation */
    uint64_t seen;              /* the generation open was computed at */
    bool valid;                 /* false: compute on next use */
    bool open;
    bool off;                   /* never open (tests compare the full path) */
} IOMMUFrontGate;

typedef bool (*IOMMUFrontGateEval)(const void *model);

/* All zeros (never initialised) is valid too: eval on every use. */
static inline void iommu_front_gate_init(IOMMUFrontGate *g, const RegFile *rf)
{
    g->regs_gen = regfile_generation(rf);
    g->valid = false;
}

void iommu_front_gate_set_off(IOMMUFrontGate *g, bool off);
/* Out of line: eval again and remember the answer for this generation. */
bool iommu_front_gate_refresh(IOMMUFrontGate *g, IOMMUFrontGateEval eval,
                              const void *model);

/*
 * The hit path's check: the cached answer if it is still current, else
 * false (the full path then refreshes it through iommu_front_gate_open
 * when it fills), so the hit path makes no call.
 */
static inline bool iommu_front_gate_open_cached(const IOMMUFrontGate *g)
{
    return g->valid && g->seen == *g->regs_gen && g->open;
}

static inline bool iommu_front_gate_open(IOMMUFrontGate *g,
                                         IOMMUFrontGateEval eval,
                                         const void *model)
{
    if (g->valid && g->seen == *g->regs_gen) {
        return g->open;
    }
    return iommu_front_gate_refresh(g, eval, model);
}

/*
 * The request half of both models' gate: a plain untranslated request
 * without PASID (translation requests, translated and execute requests
 * take the full path, which knows their rules).
 */
static inline bool iommu_front_request_ok(MemTxAttrs attrs)
{
    return attrs.addr_type == ADDR_TYPE_UNTRANSLATED &&
           !attrs.has_pasid && !attrs.exec;
}

/*
 * The entry of iova's page if it grants access; no side effects.  The
 * model then checks its own gate (registers, request kind) and calls
 * iommu_front_hit (hw/timing/iommu-front-hit.h): together they are both
 * models' hit path.
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
 * The rest of a hit, iommu_front_hit, is inline in hw/timing/
 * iommu-front-hit.h: it reaches into the caches and the timing model.
 */

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
