/*
 * TimingCache replacement policies: LRU and FIFO by stamp, tree
 * pseudo-LRU, seeded xorshift random.  See include/iommu-sim/timing-cache.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "timing-cache-int.h"

#include <string.h>

static inline bool timing_cache_repl_plru_bit(const uint64_t *bits,
                                              uint32_t node)
{
    return (bits[node / 64] >> (node % 64)) & 1;
}

static inline void timing_cache_repl_plru_set(uint64_t *bits, uint32_t node,
                                              bool right)
{
    uint64_t bit = 1ull << (node % 64);

    bits[node / 64] = right ? bits[node / 64] | bit : bits[node / 64] & ~bit;
}

/* Point every node on way's path at the other half (the colder one). */
void timing_cache_repl_plru_touch(TimingCache *c, uint32_t set, uint32_t way)
{
    uint64_t *bits = c->plru + (size_t)set * c->plru_words;
    uint32_t node = 1, lo = 0, size = c->ways;

    while (size > 1) {
        uint32_t half = size / 2;
        bool in_left = way < lo + half;

        timing_cache_repl_plru_set(bits, node, in_left);
        node = 2 * node + (in_left ? 0 : 1);
        lo += in_left ? 0 : half;
        size = half;
    }
}

/*
 * The nodes a touch of each way sets, as a mask and the values: the tree
 * walk above run once per way on a scratch word, from all zeros and from
 * all ones (a node the walk leaves alone keeps its bit in both).
 */
void timing_cache_repl_init(TimingCache *c)
{
    if (c->policy != TIMING_CACHE_PLRU || c->plru_words != 1) {
        return;
    }
    for (uint32_t way = 0; way < c->ways; way++) {
        uint64_t *saved = c->plru, zeros = 0, ones = ~0ull;

        c->plru = &zeros;
        timing_cache_repl_plru_touch(c, 0, way);
        c->plru = &ones;
        timing_cache_repl_plru_touch(c, 0, way);
        c->plru = saved;
        c->plru_mask[way] = zeros | ~ones;
        c->plru_val[way] = zeros;
    }
}

static uint32_t timing_cache_repl_plru_victim(const TimingCache *c,
                                             uint32_t set)
{
    const uint64_t *bits = c->plru + (size_t)set * c->plru_words;
    uint32_t node = 1, lo = 0, size = c->ways;

    while (size > 1) {
        uint32_t half = size / 2;
        bool right = timing_cache_repl_plru_bit(bits, node);

        node = 2 * node + (right ? 1 : 0);
        lo += right ? half : 0;
        size = half;
    }
    return lo;
}

/* Oldest stamp: last access for LRU, insertion for FIFO. */
static uint32_t timing_cache_repl_oldest_way(const TimingCache *c, uint32_t set)
{
    uint32_t victim = 0;
    uint64_t oldest = UINT64_MAX;

    for (uint32_t way = 0; way < c->ways; way++) {
        uint64_t stamp = timing_cache_slot(c, set, way)->stamp;

        if (stamp < oldest) {
            oldest = stamp;
            victim = way;
        }
    }
    return victim;
}

static uint32_t timing_cache_repl_random_way(TimingCache *c)
{
    uint64_t x = c->rng;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c->rng = x;
    return (uint32_t)(x % c->ways);
}

/* A free way (lowest first) if the set has one, else the policy's pick. */
uint32_t timing_cache_repl_victim(TimingCache *c, uint32_t set)
{
    if (c->fill[set] < c->ways) {
        const uint8_t *fps = c->fp + (size_t)set * c->ways_padded;
        const uint8_t *hole = memchr(fps, 0, c->ways);

        g_assert(hole);
        return (uint32_t)(hole - fps);
    }
    switch (c->policy) {
    case TIMING_CACHE_PLRU:
        return timing_cache_repl_plru_victim(c, set);
    case TIMING_CACHE_RANDOM:
        return timing_cache_repl_random_way(c);
    case TIMING_CACHE_LRU:
    case TIMING_CACHE_FIFO:
    default:
        return timing_cache_repl_oldest_way(c, set);
    }
}
