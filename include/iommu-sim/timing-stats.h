/*
 * TimingStats: the name=value list an IOMMU model answers the `stats` verb
 * with.  Both vendor models build one per request (PMU-event names first,
 * then the model's own counters and each TimingCache's counters under a
 * name), print it as "a=1 b=2 ..." and look single names up in it, so the
 * list, its text form and the per-cache counter names live here once.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_TIMING_STATS_H
#define IOMMU_SIM_TIMING_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "iommu-sim/timing-cache.h"

#define TIMING_STATS_MAX 96
#define TIMING_STATS_NAME_LEN 48

typedef struct TimingStat {
    char name[TIMING_STATS_NAME_LEN];
    uint64_t value;
} TimingStat;

/* Filled in order; a model owns one on its stack while it answers. */
typedef struct TimingStats {
    TimingStat item[TIMING_STATS_MAX];
    unsigned n;
} TimingStats;

void timing_stats_init(TimingStats *st);
/* Appends name=value; a name longer than the slot is cut. */
void timing_stats_add(TimingStats *st, const char *name, uint64_t value);
/*
 * Appends "<prefix>.<label>.{lookups,hits,misses,fills,evictions,
 * invalidated}" from cache's counters (zeros when cache is NULL).  A NULL
 * label names the cache by timing_cache_name(), or "?" without a cache.
 */
void timing_stats_add_cache(TimingStats *st, const char *prefix,
                            const char *label, const TimingCache *cache);
/* "name=value" pairs separated by one space; "" when empty. */
char *timing_stats_text(const TimingStats *st);
/* The value of the first item called name; false if none or name NULL. */
bool timing_stats_find(const TimingStats *st, const char *name,
                       uint64_t *out);
/* cache's counters, or all zeros for a cache the configuration left out. */
TimingCacheStats timing_cache_stats_or_zero(const TimingCache *cache);

#endif
