/*
 * TimingCache: a generic set-associative cache, the building block of every
 * cache an IOMMU model keeps (VT-d context cache, PASID cache, IOTLB,
 * paging-structure caches; AMD-Vi device table cache, IOTLB, PDE caches,
 * interrupt remapping caches).
 *
 * One structure serves two purposes at once:
 *
 *  - functional caching with real geometry.  An entry lives in exactly one
 *    set, a set holds `ways` entries, and an insert into a full set evicts
 *    one chosen by the replacement policy; an evicted entry is gone.  So
 *    when guest software forgets an invalidation, whether a translation is
 *    stale depends on what the modelled hardware would still be holding,
 *    which is the behaviour worth reproducing.
 *  - timing.  Each lookup is a hit or a miss with a configured latency in
 *    IOMMU cycles; counters record lookups, hits, misses, insertions,
 *    evictions, invalidations and the cycles spent.  Functional code only
 *    ever asks "is it cached"; turning cycles into virtual time is the
 *    caller's business (hw/timing walker slots and memory latency belong
 *    in sibling files, not here).
 *
 * Geometry.  `entries` total, `ways` per set, sets = entries / ways.
 * ways == entries is fully associative, ways == 1 is direct-mapped.  The
 * set of a key is set_index(key) reduced modulo the number of sets (a
 * mask when the count is a power of two); the default set_index hashes
 * all key words.  A model that wants the hardware's indexing (say, low
 * bits of the page number) passes its own function.
 *
 * Replacement (per set; an invalid way is always filled first, lowest
 * way number first, under every policy):
 *  - LRU: the least recently looked-up or inserted entry.
 *  - PLRU: tree pseudo-LRU, ways must be a power of two.  Node bits point
 *    at the colder half; an access flips the nodes on its path away from
 *    itself, the victim is found by following the bits from the root.
 *  - FIFO: the entry inserted longest ago; hits do not matter.  This is
 *    the round-robin pointer of real designs (identical as long as no
 *    invalidation leaves a hole in the middle of the set).
 *  - RANDOM: xorshift64 seeded per instance, so a run is reproducible
 *    for a given seed and two caches never share a stream.
 *
 * Keys.  A TimingCacheKey is TIMING_CACHE_KEY_WORDS 64-bit words compared
 * exactly.  The caller packs the tag, and must zero words it does not
 * use (TIMING_CACHE_KEY() does).  Suggested packing:
 *
 *   VT-d context cache   { source_id, pasid_or_0, 0, 0 }
 *   VT-d IOTLB           { did | pasid << 16, iova >> page_shift,
 *                          size_class, 0 }
 *   VT-d PDE/PML4 cache  { did, iova >> level_shift, level, 0 }
 *   AMD-Vi DTE cache     { device_id, 0, 0, 0 }
 *   AMD-Vi IOTLB         { domain_id | pasid << 16,
 *                          iova >> page_shift, size_class, 0 }
 *
 * Page-size classes.  An IOTLB that holds 4 KiB, 2 MiB and 1 GiB entries
 * puts the size class and the page number *at that size* in the key.  On a
 * translation the model does not yet know the size, so it builds one key
 * per class and calls timing_cache_lookup_any(), which probes them in the
 * order given, counts one lookup, one hit or miss and one latency, and
 * says which key hit.  On a fill the model inserts under the key of the
 * size the walk found.  (Hardware that keeps one array per page size is
 * modelled with one TimingCache per size instead.)
 *
 * Invalidation by tag.  timing_cache_invalidate() drops one exact key;
 * timing_cache_invalidate_matching() runs a predicate over every valid
 * entry (key and value) and drops those it accepts: domain-selective
 * (key word 0 == did), page-selective with an address mask
 * ((key.w[1] << page_shift) within [addr, addr + (1 << am)) and also
 * every larger page that overlaps), PASID-selective, and so on; the
 * value may carry what the key does not (e.g. global-page bit, the
 * permission bits, a cached PTE).  timing_cache_invalidate_all() empties
 * the cache.  Each counts the entries it removed.
 *
 * Values.  Every entry carries `value_size` bytes of caller data, stored
 * inline in the cache's single allocation (8-byte aligned).  A pointer
 * returned by lookup/peek/insert stays valid until the next insert or
 * invalidation on the same cache.  No operation allocates after
 * timing_cache_new().
 *
 * Cost.  A hit is a hash, one 8-byte fingerprint scan per 8 ways, one key
 * compare and a stamp update; it is latency-bound at roughly 7-10 ns on a
 * 3 GHz host (misses ~7 ns, tree PLRU hits ~13 ns; see the timing-cache
 * benchmark).  Fully associative caches scan one word per 8 ways, so a
 * 64-way hit or miss is ~15 ns and a 1024-way miss tens of ns; split such
 * a cache into sets if that matters.
 *
 * A TimingCache is not thread-safe; it belongs to one device instance.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_TIMING_CACHE_H
#define IOMMU_SIM_TIMING_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define TIMING_CACHE_KEY_WORDS 4

typedef struct TimingCacheKey {
    uint64_t w[TIMING_CACHE_KEY_WORDS];
} TimingCacheKey;

/* A key from up to four words; missing words are zero. */
#define TIMING_CACHE_KEY(...) ((TimingCacheKey){ .w = { __VA_ARGS__ } })

typedef enum {
    TIMING_CACHE_LRU = 0,
    TIMING_CACHE_PLRU,
    TIMING_CACHE_FIFO,
    TIMING_CACHE_RANDOM,
} TimingCachePolicy;

/* Largest configuration accepted; far above any real IOMMU cache. */
#define TIMING_CACHE_MAX_ENTRIES (1u << 20)
#define TIMING_CACHE_MAX_VALUE_SIZE 4096u

/*
 * What a user may choose of a model's cache: the properties
 * "<cache>-entries", "<cache>-ways" and "<cache>-replacement" (policy
 * names lru, plru, fifo, random in any case).  Whether the three fit
 * together is timing_cache_new's to say.
 */
typedef struct TimingCacheGeometry {
    uint32_t entries;
    uint32_t ways;
    TimingCachePolicy policy;
} TimingCacheGeometry;

typedef enum {
    TIMING_GEOMETRY_NOT_MINE = 0,   /* not a geometry property name */
    TIMING_GEOMETRY_SET,
    TIMING_GEOMETRY_BAD_COUNT,      /* entries/ways not decimal 1..MAX */
    TIMING_GEOMETRY_BAD_POLICY,     /* not a policy name */
} TimingGeometryResult;

bool timing_cache_policy_parse(const char *s, TimingCachePolicy *out);
/* "lru" ...; "?" out of range. */
const char *timing_cache_policy_name(TimingCachePolicy p);
/*
 * Which of n prefixes name begins with as "<prefix>-" (its index, the
 * rest in *field), or -1.
 */
int timing_cache_geometry_prop(const char *const *prefixes, unsigned n,
                               const char *name, const char **field);
/* Set field ("entries", "ways", "replacement") of g from value. */
TimingGeometryResult timing_cache_geometry_set(TimingCacheGeometry *g,
                                               const char *field,
                                               const char *value);

/* Returns any number; the cache reduces it modulo the number of sets. */
typedef uint32_t (*TimingCacheSetIndexFn)(const TimingCacheKey *key,
                                          void *opaque);

typedef struct TimingCacheConfig {
    const char *name;           /* for error messages and statistics */
    uint32_t entries;           /* total entries, > 0 */
    uint32_t ways;              /* entries per set, divides entries */
    size_t value_size;          /* bytes of payload per entry, may be 0 */
    TimingCachePolicy policy;
    uint64_t seed;              /* RANDOM only; 0 picks a fixed default */
    uint32_t hit_cycles;        /* latency of a hit, IOMMU cycles */
    uint32_t miss_cycles;       /* latency to detect a miss */
    TimingCacheSetIndexFn set_index;    /* NULL: hash of the key */
    void *set_index_opaque;
} TimingCacheConfig;

typedef struct TimingCacheStats {
    uint64_t lookups;       /* lookup and lookup_any calls */
    uint64_t hits;
    uint64_t misses;
    uint64_t insertions;    /* insert calls, including in-place updates */
    uint64_t evictions;     /* valid entries displaced by an insert */
    uint64_t invalidations; /* entries removed by the invalidate calls */
    uint64_t cycles;        /* sum of hit/miss latencies of lookups */
} TimingCacheStats;

typedef struct TimingCache TimingCache;

/* Visits a valid entry; the value may be modified in place. */
typedef void (*TimingCacheForeachFn)(const TimingCacheKey *key, void *value,
                                     void *opaque);
/* Says whether a valid entry is to be invalidated; must not touch cache. */
typedef bool (*TimingCacheMatchFn)(const TimingCacheKey *key,
                                   const void *value, void *opaque);

#define TIMING_CACHE_ERROR (timing_cache_error_quark())
typedef enum {
    TIMING_CACHE_ERROR_GEOMETRY,    /* entries / ways / value size */
    TIMING_CACHE_ERROR_POLICY,      /* unknown policy or unfit geometry */
} TimingCacheError;

GQuark timing_cache_error_quark(void);

/* NULL with *errp set when the configuration is unusable. */
TimingCache *timing_cache_new(const TimingCacheConfig *cfg, GError **errp);
void timing_cache_free(TimingCache *cache);

/*
 * Hit: the entry's value (never NULL, even when value_size is 0), with
 * replacement state and counters updated.  Miss: NULL, counted.
 */
void *timing_cache_lookup(TimingCache *cache, const TimingCacheKey *key);
/*
 * Probe keys[0..n-1] in order as one lookup (page-size classes).  On a
 * hit *which (if not NULL) is the index of the key that hit.
 */
void *timing_cache_lookup_any(TimingCache *cache, const TimingCacheKey *keys,
                              unsigned n, unsigned *which);
/* Like lookup, without touching replacement state or counters. */
void *timing_cache_peek(const TimingCache *cache, const TimingCacheKey *key);

/*
 * Store value (value_size bytes, or zeros when NULL) under key and
 * return where it now lives.  A key already present is updated in place
 * and counts as an access (LRU / PLRU state; FIFO age is kept).  When a
 * valid entry had to make room, it is copied to *victim_key /
 * victim_value (either may be NULL); *evicted (if not NULL) says whether
 * that happened.  Never allocates.
 */
void *timing_cache_insert(TimingCache *cache, const TimingCacheKey *key,
                          const void *value, TimingCacheKey *victim_key,
                          void *victim_value, bool *evicted);

/* Each says how many entries it removed (counted as invalidations). */
bool timing_cache_invalidate(TimingCache *cache, const TimingCacheKey *key);
unsigned timing_cache_invalidate_matching(TimingCache *cache,
                                          TimingCacheMatchFn match,
                                          void *opaque);
unsigned timing_cache_invalidate_all(TimingCache *cache);

/*
 * Valid entries in set order, then way order.  fn must not insert or
 * invalidate; it may rewrite the value.
 */
void timing_cache_foreach(TimingCache *cache, TimingCacheForeachFn fn,
                          void *opaque);

uint32_t timing_cache_occupancy(const TimingCache *cache);
uint32_t timing_cache_entries(const TimingCache *cache);
uint32_t timing_cache_ways(const TimingCache *cache);
uint32_t timing_cache_sets(const TimingCache *cache);
size_t timing_cache_value_size(const TimingCache *cache);
const char *timing_cache_name(const TimingCache *cache);
/* Latency charged for a hit (true) or a miss (false), in cycles. */
uint32_t timing_cache_latency(const TimingCache *cache, bool hit);

/*
 * Hints: a model's front cache (say, a requester's last translations)
 * remembers where a hit was and later replays that hit without hashing
 * or scanning.  Any change of contents (insert, including an in-place
 * update; invalidation of any entry; invalidate_all) moves the cache's
 * generation, which voids every hint taken before; so a replayed hit is
 * exactly the hit a lookup would have made, with the same counters and
 * replacement update.
 */
typedef struct TimingCacheHint {
    uint64_t gen;       /* the cache's generation when the hit was made */
    uint32_t set, way;
} TimingCacheHint;

/* The hit of the last lookup / lookup_any; false if there was none. */
bool timing_cache_last_hit(const TimingCache *cache, TimingCacheHint *out);
/* Whether replaying h would hit (no side effects). */
bool timing_cache_hint_valid(const TimingCache *cache,
                             const TimingCacheHint *h);
/*
 * Replay the hit h names: counted as one lookup and one hit, replacement
 * state touched, the value returned.  NULL (nothing counted) when the
 * cache changed since.
 */
void *timing_cache_hit_hint(TimingCache *cache, const TimingCacheHint *h);
/*
 * All or nothing over n caches (a translation's chain of hits): replays
 * every hint when each is valid (counted and touched as hit_hint does;
 * the last hit stays that of the last lookup), else replays none and
 * returns false.
 */
bool timing_cache_hit_hints(TimingCache *const *caches,
                            const TimingCacheHint *hints, unsigned n);

void timing_cache_get_stats(const TimingCache *cache, TimingCacheStats *out);
void timing_cache_reset_stats(TimingCache *cache);

#endif
