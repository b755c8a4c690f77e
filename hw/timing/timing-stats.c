/*
 * The `stats` name=value list shared by the IOMMU models (see
 * include/iommu-sim/timing-stats.h).  Which counters a model reports and
 * under which PMU names stays in the model; this file only keeps the list,
 * the per-cache counter names and the text form, which were the same for
 * VT-d and AMD-Vi.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <glib.h>

#include "iommu-sim/timing-stats.h"

void timing_stats_init(TimingStats *st)
{
    st->n = 0;
}

void timing_stats_add(TimingStats *st, const char *name, uint64_t value)
{
    /* The lists are fixed by the models' code: running out is a bug. */
    g_assert(st->n < TIMING_STATS_MAX);
    g_strlcpy(st->item[st->n].name, name, TIMING_STATS_NAME_LEN);
    st->item[st->n++].value = value;
}

TimingCacheStats timing_cache_stats_or_zero(const TimingCache *cache)
{
    TimingCacheStats cs = { 0 };

    if (cache) {
        timing_cache_get_stats(cache, &cs);
    }
    return cs;
}

void timing_stats_add_cache(TimingStats *st, const char *prefix,
                            const char *label, const TimingCache *cache)
{
    static const char *const fields[] = {
        "lookups", "hits", "misses", "fills", "evictions", "invalidated",
    };
    TimingCacheStats cs = timing_cache_stats_or_zero(cache);
    const uint64_t v[] = { cs.lookups, cs.hits, cs.misses, cs.insertions,
                           cs.evictions, cs.invalidations };
    char name[TIMING_STATS_NAME_LEN];

    if (!label) {
        label = cache ? timing_cache_name(cache) : "?";
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(fields); i++) {
        g_snprintf(name, sizeof(name), "%s.%s.%s", prefix, label, fields[i]);
        timing_stats_add(st, name, v[i]);
    }
}

char *timing_stats_text(const TimingStats *st)
{
    GString *s = g_string_new(NULL);

    for (unsigned i = 0; i < st->n; i++) {
        g_string_append_printf(s, "%s%s=%" G_GUINT64_FORMAT, i ? " " : "",
                               st->item[i].name, st->item[i].value);
    }
    return g_string_free(s, FALSE);
}

bool timing_stats_find(const TimingStats *st, const char *name,
                       uint64_t *out)
{
    if (!name) {
        return false;
    }
    for (unsigned i = 0; i < st->n; i++) {
        if (strcmp(st->item[i].name, name) == 0) {
            *out = st->item[i].value;
            return true;
        }
    }
    return false;
}
