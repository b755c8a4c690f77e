/*
 * TimingCache internals shared by timing-cache.c (lookup, insert,
 * invalidation) and timing-cache-repl.c (replacement policies).
 *
 * Layout (one allocation, made once in timing_cache_new):
 *   fp[sets][ways_padded]   one fingerprint byte per way, 0 = invalid.
 *                           ways_padded rounds ways up to 8 so a set is
 *                           scanned 8 ways per 64-bit word.
 *   fill[sets]              valid ways per set (skips the free-way search
 *                           once a set is full).
 *   plru[sets][plru_words]  tree pseudo-LRU node bits, heap order.
 *   slots[sets][ways]       { key, stamp, value[value_size] }.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_TIMING_TIMING_CACHE_INT_H
#define HW_TIMING_TIMING_CACHE_INT_H

#include "iommu-sim/timing-cache.h"

typedef struct TimingCacheSlot {
    TimingCacheKey key;
    uint64_t stamp;     /* LRU: last access tick; FIFO: insertion tick */
    /* value_size bytes follow, 8-byte aligned */
} TimingCacheSlot;

struct TimingCache {
    char *name;
    uint32_t entries;
    uint32_t ways;
    uint32_t sets;
    uint32_t ways_padded;
    uint32_t plru_words;
    uint32_t occupancy;
    bool sets_pow2;
    TimingCachePolicy policy;
    size_t value_size;
    size_t stride;      /* bytes per slot */
    size_t set_bytes;   /* ways * stride */
    uint32_t hit_cycles;
    uint32_t miss_cycles;
    TimingCacheSetIndexFn set_index;
    void *set_index_opaque;
    uint64_t rng;       /* xorshift64 state, RANDOM policy */
    uint64_t tick;      /* LRU / FIFO clock */
    uint8_t *fp;
    uint32_t *fill;
    uint64_t *plru;
    uint8_t *slots;
    void *mem;
    TimingCacheStats stats;
    uint64_t replayed;  /* hits replayed by hit_hints, folded into stats on read */
    /*
     * PLRU with one node word (ways <= 64): a touch of way w is
     * word = (word & ~plru_mask[w]) | plru_val[w] (the nodes on its path).
     */
    uint64_t plru_mask[64], plru_val[64];
    uint64_t gen;       /* moves on every change of contents (hints) */
    uint64_t last_gen;  /* generation + 1 of the last hit, 0: none */
    uint32_t last_set, last_way;
};

static inline TimingCacheSlot *timing_cache_slot(const TimingCache *c,
                                                 uint32_t set, uint32_t way)
{
    return (TimingCacheSlot *)(c->slots + set * c->set_bytes +
                               way * c->stride);
}

static inline void *timing_cache_slot_value(TimingCacheSlot *slot)
{
    return slot + 1;
}

/* Way to fill in a set: a free one (lowest first), else the policy's. */
uint32_t timing_cache_repl_victim(TimingCache *c, uint32_t set);
void timing_cache_repl_plru_touch(TimingCache *c, uint32_t set, uint32_t way);
/* At creation: the one-word PLRU touch tables. */
void timing_cache_repl_init(TimingCache *c);

/* Record an access (a hit or an in-place update). */
static inline void timing_cache_repl_touch(TimingCache *c, uint32_t set,
                                           uint32_t way)
{
    if (c->policy == TIMING_CACHE_LRU) {
        timing_cache_slot(c, set, way)->stamp = ++c->tick;
    } else if (c->policy == TIMING_CACHE_PLRU) {
        if (c->plru_words == 1) {
            uint64_t *w = &c->plru[set];

            *w = (*w & ~c->plru_mask[way]) | c->plru_val[way];
        } else {
            timing_cache_repl_plru_touch(c, set, way);
        }
    }
}

/*
 * A hint's hit replayed on the hot path: the replacement touch and one
 * counter (folded into lookups, hits and cycles when statistics are
 * read); the last hit stays that of the last lookup.
 */
static inline void timing_cache_replay_deferred(TimingCache *c,
                                                const TimingCacheHint *h)
{
    timing_cache_repl_touch(c, h->set, h->way);
    c->replayed++;
}

/* timing_cache_hit_hints, inline for the front cache's hit path. */
static inline bool timing_cache_replay_hints(TimingCache *const *caches,
                                             const TimingCacheHint *hints,
                                             unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (!caches[i] || hints[i].gen != caches[i]->gen) {
            return false;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        timing_cache_replay_deferred(caches[i], &hints[i]);
    }
    return true;
}

#endif
