/*
 * Generic set-associative cache: lookup, insert, invalidation, statistics;
 * see include/iommu-sim/timing-cache.h for the model and
 * timing-cache-int.h for the storage layout.
 *
 * A lookup hashes the key once: the hash picks the set (unless the user
 * supplied set_index) and a fingerprint byte.  Only ways whose
 * fingerprint matches have their full key compared.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "timing-cache-int.h"

#include <string.h>

#define TIMING_CACHE_BYTES_01 0x0101010101010101ull
#define TIMING_CACHE_BYTES_80 0x8080808080808080ull
#define TIMING_CACHE_DEFAULT_SEED 0x9e3779b97f4a7c15ull

G_DEFINE_QUARK(timing-cache-error-quark, timing_cache_error)

/* ---- hashing and slot addressing ------------------------------------ */

/*
 * Sum of per-word products with odd constants (the multiplies run in
 * parallel), then one fold-and-multiply so the high half depends on every
 * key bit: the plain sum is a Weyl sequence in a page number, and its
 * middle bits step through only some of the sets.  Bits 32..63 pick the
 * set, bits 24..31 are the fingerprint.
 */
static inline uint64_t timing_cache_hash(const TimingCacheKey *key)
{
    uint64_t h = key->w[0] * 0x9e3779b97f4a7c15ull +
                 key->w[1] * 0xc2b2ae3d27d4eb4full +
                 key->w[2] * 0x165667b19e3779f9ull +
                 key->w[3] * 0xd6e8feb86659fd93ull;

    h ^= h >> 32;
    return h * 0xbf58476d1ce4e5b9ull;
}

static inline uint8_t timing_cache_fingerprint(uint64_t hash)
{
    uint8_t fp = hash >> 24;

    return fp ? fp : 1;     /* 0 marks an invalid way */
}

static inline uint32_t timing_cache_set_of(const TimingCache *c,
                                           const TimingCacheKey *key,
                                           uint64_t hash)
{
    uint32_t raw = c->set_index ? c->set_index(key, c->set_index_opaque)
                                : (uint32_t)(hash >> 32);

    return c->sets_pow2 ? raw & (c->sets - 1) : raw % c->sets;
}

static inline bool timing_cache_key_equal(const TimingCacheKey *a,
                                          const TimingCacheKey *b)
{
    return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) |
            (a->w[2] ^ b->w[2]) | (a->w[3] ^ b->w[3])) == 0;
}

/*
 * The way of set holding key, or -1.  Eight fingerprints are compared per
 * step with the classic "has zero byte" trick on fp XOR pattern; it never
 * misses a matching byte and its rare false positives are filtered by the
 * exact byte and key comparison.
 */
static inline int timing_cache_find(const TimingCache *c, uint32_t set,
                                    uint8_t fp, const TimingCacheKey *key)
{
    const uint8_t *fps = c->fp + (size_t)set * c->ways_padded;
    uint64_t pattern = fp * TIMING_CACHE_BYTES_01;

    for (uint32_t base = 0; base < c->ways_padded; base += 8) {
        uint64_t word;

        memcpy(&word, fps + base, sizeof(word));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        word = __builtin_bswap64(word);
#endif
        word ^= pattern;
        uint64_t m = (word - TIMING_CACHE_BYTES_01) & ~word &
                     TIMING_CACHE_BYTES_80;
        while (m) {
            uint32_t way = base + (__builtin_ctzll(m) >> 3);

            if (fps[way] == fp &&
                timing_cache_key_equal(&timing_cache_slot(c, set, way)->key,
                                       key)) {
                return (int)way;
            }
            m &= m - 1;
        }
    }
    return -1;
}

/* ---- construction --------------------------------------------------- */

static bool timing_cache_check_config(const TimingCacheConfig *cfg,
                                      const char *name, GError **errp)
{
    if (cfg->entries == 0 || cfg->entries > TIMING_CACHE_MAX_ENTRIES) {
        g_set_error(errp, TIMING_CACHE_ERROR, TIMING_CACHE_ERROR_GEOMETRY,
                    "timing cache '%s': entries (%u) must be 1..%u", name,
                    cfg->entries, TIMING_CACHE_MAX_ENTRIES);
        return false;
    }
    if (cfg->ways == 0 || cfg->entries % cfg->ways != 0) {
        g_set_error(errp, TIMING_CACHE_ERROR, TIMING_CACHE_ERROR_GEOMETRY,
                    "timing cache '%s': ways (%u) must be > 0 and divide "
                    "entries (%u)", name, cfg->ways, cfg->entries);
        return false;
    }
    if (cfg->value_size > TIMING_CACHE_MAX_VALUE_SIZE) {
        g_set_error(errp, TIMING_CACHE_ERROR, TIMING_CACHE_ERROR_GEOMETRY,
                    "timing cache '%s': value_size (%zu) exceeds %u", name,
                    cfg->value_size, TIMING_CACHE_MAX_VALUE_SIZE);
        return false;
    }
    if ((unsigned)cfg->policy > TIMING_CACHE_RANDOM) {
        g_set_error(errp, TIMING_CACHE_ERROR, TIMING_CACHE_ERROR_POLICY,
                    "timing cache '%s': unknown policy %d", name,
                    (int)cfg->policy);
        return false;
    }
    if (cfg->policy == TIMING_CACHE_PLRU &&
        (cfg->ways & (cfg->ways - 1)) != 0) {
        g_set_error(errp, TIMING_CACHE_ERROR, TIMING_CACHE_ERROR_POLICY,
                    "timing cache '%s': tree PLRU needs power-of-two ways, "
                    "not %u", name, cfg->ways);
        return false;
    }
    return true;
}

/* Carve fp / fill / plru / slots out of one zeroed block. */
static bool timing_cache_alloc(TimingCache *c, GError **errp)
{
    size_t fp_bytes = (size_t)c->sets * c->ways_padded;
    size_t fill_off = (fp_bytes + 7) & ~(size_t)7;
    size_t plru_off = fill_off + (((size_t)c->sets * 4 + 7) & ~(size_t)7);
    size_t slot_off = plru_off + (size_t)c->sets * c->plru_words * 8;
    size_t total = slot_off + (size_t)c->entries * c->stride;

    c->mem = g_try_malloc0(total);
    if (!c->mem) {
        g_set_error(errp, TIMING_CACHE_ERROR, TIMING_CACHE_ERROR_GEOMETRY,
                    "timing cache '%s': cannot allocate %zu bytes",
                    c->name, total);
        return false;
    }
    c->fp = c->mem;
    c->fill = (uint32_t *)((uint8_t *)c->mem + fill_off);
    c->plru = (uint64_t *)((uint8_t *)c->mem + plru_off);
    c->slots = (uint8_t *)c->mem + slot_off;
    return true;
}

TimingCache *timing_cache_new(const TimingCacheConfig *cfg, GError **errp)
{
    g_return_val_if_fail(cfg != NULL, NULL);
    const char *name = cfg->name ? cfg->name : "cache";

    if (!timing_cache_check_config(cfg, name, errp)) {
        return NULL;
    }

    TimingCache *c = g_new0(TimingCache, 1);

    c->name = g_strdup(name);
    c->entries = cfg->entries;
    c->ways = cfg->ways;
    c->sets = cfg->entries / cfg->ways;
    c->sets_pow2 = (c->sets & (c->sets - 1)) == 0;
    c->ways_padded = (cfg->ways + 7) & ~7u;
    c->plru_words = (cfg->ways + 63) / 64;
    c->policy = cfg->policy;
    c->value_size = cfg->value_size;
    c->stride = sizeof(TimingCacheSlot) + ((cfg->value_size + 7) & ~(size_t)7);
    c->set_bytes = c->stride * cfg->ways;
    c->hit_cycles = cfg->hit_cycles;
    c->miss_cycles = cfg->miss_cycles;
    c->set_index = cfg->set_index;
    c->set_index_opaque = cfg->set_index_opaque;
    c->rng = cfg->seed ? cfg->seed : TIMING_CACHE_DEFAULT_SEED;
    if (!timing_cache_alloc(c, errp)) {
        timing_cache_free(c);
        return NULL;
    }
    timing_cache_repl_init(c);
    return c;
}

void timing_cache_free(TimingCache *cache)
{
    if (cache) {
        g_free(cache->mem);
        g_free(cache->name);
        g_free(cache);
    }
}

/* ---- lookup and insert ---------------------------------------------- */

/* Find key; on a hit record the access.  No counters. */
static inline void *timing_cache_probe(TimingCache *c,
                                       const TimingCacheKey *key)
{
    uint64_t hash = timing_cache_hash(key);
    uint32_t set = timing_cache_set_of(c, key, hash);
    int way = timing_cache_find(c, set, timing_cache_fingerprint(hash), key);

    if (way < 0) {
        return NULL;
    }
    timing_cache_repl_touch(c, set, (uint32_t)way);
    c->last_gen = c->gen + 1;
    c->last_set = set;
    c->last_way = (uint32_t)way;
    return timing_cache_slot_value(timing_cache_slot(c, set, (uint32_t)way));
}

static inline void timing_cache_count(TimingCache *c, bool hit)
{
    c->stats.lookups++;
    if (hit) {
        c->stats.hits++;
        c->stats.cycles += c->hit_cycles;
    } else {
        c->stats.misses++;
        c->stats.cycles += c->miss_cycles;
    }
}

void *timing_cache_lookup(TimingCache *cache, const TimingCacheKey *key)
{
    g_return_val_if_fail(cache != NULL && key != NULL, NULL);
    void *value = timing_cache_probe(cache, key);

    timing_cache_count(cache, value != NULL);
    return value;
}

void *timing_cache_lookup_any(TimingCache *cache, const TimingCacheKey *keys,
                              unsigned n, unsigned *which)
{
    g_return_val_if_fail(cache != NULL && (keys != NULL || n == 0), NULL);
    for (unsigned i = 0; i < n; i++) {
        void *value = timing_cache_probe(cache, &keys[i]);

        if (value) {
            timing_cache_count(cache, true);
            if (which) {
                *which = i;
            }
            return value;
        }
    }
    timing_cache_count(cache, false);
    return NULL;
}

void *timing_cache_peek(const TimingCache *cache, const TimingCacheKey *key)
{
    g_return_val_if_fail(cache != NULL && key != NULL, NULL);
    uint64_t hash = timing_cache_hash(key);
    uint32_t set = timing_cache_set_of(cache, key, hash);
    int way = timing_cache_find(cache, set, timing_cache_fingerprint(hash),
                                key);

    return way < 0 ? NULL
        : timing_cache_slot_value(timing_cache_slot(cache, set,
                                                    (uint32_t)way));
}

static void timing_cache_store(TimingCache *c, TimingCacheSlot *slot,
                               const void *value)
{
    if (value) {
        memcpy(timing_cache_slot_value(slot), value, c->value_size);
    } else {
        memset(timing_cache_slot_value(slot), 0, c->value_size);
    }
}

void *timing_cache_insert(TimingCache *cache, const TimingCacheKey *key,
                          const void *value, TimingCacheKey *victim_key,
                          void *victim_value, bool *evicted)
{
    g_return_val_if_fail(cache != NULL && key != NULL, NULL);
    uint64_t hash = timing_cache_hash(key);
    uint32_t set = timing_cache_set_of(cache, key, hash);
    uint8_t fp = timing_cache_fingerprint(hash);
    int found = timing_cache_find(cache, set, fp, key);
    uint32_t way = found >= 0 ? (uint32_t)found
                              : timing_cache_repl_victim(cache, set);
    TimingCacheSlot *slot = timing_cache_slot(cache, set, way);
    uint8_t *way_fp = cache->fp + (size_t)set * cache->ways_padded + way;
    bool displaced = found < 0 && *way_fp != 0;

    cache->stats.insertions++;
    cache->gen++;
    if (displaced) {
        cache->stats.evictions++;
        if (victim_key) {
            *victim_key = slot->key;
        }
        if (victim_value) {
            memcpy(victim_value, timing_cache_slot_value(slot),
                   cache->value_size);
        }
    } else if (found < 0) {
        cache->fill[set]++;
        cache->occupancy++;
    }
    if (evicted) {
        *evicted = displaced;
    }
    if (found < 0) {
        slot->key = *key;
        slot->stamp = ++cache->tick;    /* LRU and FIFO both start here */
        *way_fp = fp;
    }
    timing_cache_store(cache, slot, value);
    timing_cache_repl_touch(cache, set, way);
    return timing_cache_slot_value(slot);
}

/* ---- invalidation and iteration ------------------------------------- */

static void timing_cache_drop(TimingCache *c, uint32_t set, uint32_t way)
{
    c->fp[(size_t)set * c->ways_padded + way] = 0;
    c->gen++;
    c->fill[set]--;
    c->occupancy--;
    c->stats.invalidations++;
}

bool timing_cache_invalidate(TimingCache *cache, const TimingCacheKey *key)
{
    g_return_val_if_fail(cache != NULL && key != NULL, false);
    uint64_t hash = timing_cache_hash(key);
    uint32_t set = timing_cache_set_of(cache, key, hash);
    int way = timing_cache_find(cache, set, timing_cache_fingerprint(hash),
                                key);

    if (way < 0) {
        return false;
    }
    timing_cache_drop(cache, set, (uint32_t)way);
    return true;
}

unsigned timing_cache_invalidate_matching(TimingCache *cache,
                                          TimingCacheMatchFn match,
                                          void *opaque)
{
    g_return_val_if_fail(cache != NULL && match != NULL, 0);
    unsigned removed = 0;

    for (uint32_t set = 0; set < cache->sets && cache->occupancy; set++) {
        const uint8_t *fps = cache->fp + (size_t)set * cache->ways_padded;

        for (uint32_t way = 0; way < cache->ways && cache->fill[set]; way++) {
            TimingCacheSlot *slot = timing_cache_slot(cache, set, way);

            if (fps[way] &&
                match(&slot->key, timing_cache_slot_value(slot), opaque)) {
                timing_cache_drop(cache, set, way);
                removed++;
            }
        }
    }
    return removed;
}

unsigned timing_cache_invalidate_all(TimingCache *cache)
{
    g_return_val_if_fail(cache != NULL, 0);
    unsigned removed = cache->occupancy;

    /* Replacement state restarts too, so a flushed cache behaves new. */
    memset(cache->fp, 0, (size_t)cache->sets * cache->ways_padded);
    memset(cache->fill, 0, (size_t)cache->sets * sizeof(*cache->fill));
    memset(cache->plru, 0,
           (size_t)cache->sets * cache->plru_words * sizeof(*cache->plru));
    cache->occupancy = 0;
    cache->stats.invalidations += removed;
    cache->gen++;
    return removed;
}

/* ---- hints (replayed hits) ------------------------------------------- */

bool timing_cache_last_hit(const TimingCache *cache, TimingCacheHint *out)
{
    if (!cache || cache->last_gen != cache->gen + 1) {
        return false;
    }
    out->gen = cache->gen;
    out->set = cache->last_set;
    out->way = cache->last_way;
    return true;
}

bool timing_cache_hint_valid(const TimingCache *cache,
                             const TimingCacheHint *h)
{
    return cache && h->gen == cache->gen;
}

static inline void *timing_cache_replay(TimingCache *cache,
                                        const TimingCacheHint *h)
{
    timing_cache_repl_touch(cache, h->set, h->way);
    timing_cache_count(cache, true);
    cache->last_gen = cache->gen + 1;
    cache->last_set = h->set;
    cache->last_way = h->way;
    return timing_cache_slot_value(timing_cache_slot(cache, h->set,
                                                     h->way));
}

void *timing_cache_hit_hint(TimingCache *cache, const TimingCacheHint *h)
{
    return timing_cache_hint_valid(cache, h) ? timing_cache_replay(cache, h)
                                             : NULL;
}

bool timing_cache_hit_hints(TimingCache *const *caches,
                            const TimingCacheHint *hints, unsigned n)
{
    return timing_cache_replay_hints(caches, hints, n);
}

void timing_cache_foreach(TimingCache *cache, TimingCacheForeachFn fn,
                          void *opaque)
{
    g_return_if_fail(cache != NULL && fn != NULL);
    cache->gen++;       /* fn may rewrite values: hints taken before go */
    for (uint32_t set = 0; set < cache->sets; set++) {
        const uint8_t *fps = cache->fp + (size_t)set * cache->ways_padded;

        for (uint32_t way = 0; way < cache->ways; way++) {
            if (fps[way]) {
                TimingCacheSlot *slot = timing_cache_slot(cache, set, way);

                fn(&slot->key, timing_cache_slot_value(slot), opaque);
            }
        }
    }
}

/* ---- geometry and statistics ---------------------------------------- */

uint32_t timing_cache_occupancy(const TimingCache *cache)
{
    return cache->occupancy;
}

uint32_t timing_cache_entries(const TimingCache *cache)
{
    return cache->entries;
}

uint32_t timing_cache_ways(const TimingCache *cache)
{
    return cache->ways;
}

uint32_t timing_cache_sets(const TimingCache *cache)
{
    return cache->sets;
}

size_t timing_cache_value_size(const TimingCache *cache)
{
    return cache->value_size;
}

const char *timing_cache_name(const TimingCache *cache)
{
    return cache->name;
}

uint32_t timing_cache_latency(const TimingCache *cache, bool hit)
{
    return hit ? cache->hit_cycles : cache->miss_cycles;
}

void timing_cache_get_stats(const TimingCache *cache, TimingCacheStats *out)
{
    *out = cache->stats;
    out->lookups += cache->replayed;
    out->hits += cache->replayed;
    out->cycles += cache->replayed * cache->hit_cycles;
}

void timing_cache_reset_stats(TimingCache *cache)
{
    memset(&cache->stats, 0, sizeof(cache->stats));
    cache->replayed = 0;
}
