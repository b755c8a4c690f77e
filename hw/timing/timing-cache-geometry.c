/*
 * Cache geometry properties ("<cache>-entries/-ways/-replacement") and
 * the policy names, shared by the vendor models' cache configuration;
 * see include/iommu-sim/timing-cache.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/timing-cache.h"

static const char *const timing_policy_names[] = {
    [TIMING_CACHE_LRU] = "lru",
    [TIMING_CACHE_PLRU] = "plru",
    [TIMING_CACHE_FIFO] = "fifo",
    [TIMING_CACHE_RANDOM] = "random",
};

bool timing_cache_policy_parse(const char *s, TimingCachePolicy *out)
{
    for (unsigned i = 0; s && i < G_N_ELEMENTS(timing_policy_names); i++) {
        if (g_ascii_strcasecmp(s, timing_policy_names[i]) == 0) {
            *out = (TimingCachePolicy)i;
            return true;
        }
    }
    return false;
}

const char *timing_cache_policy_name(TimingCachePolicy p)
{
    return (unsigned)p < G_N_ELEMENTS(timing_policy_names) ?
           timing_policy_names[p] : "?";
}

int timing_cache_geometry_prop(const char *const *prefixes, unsigned n,
                               const char *name, const char **field)
{
    for (unsigned i = 0; name && i < n; i++) {
        size_t len = strlen(prefixes[i]);

        if (strncmp(name, prefixes[i], len) == 0 && name[len] == '-') {
            *field = name + len + 1;
            return (int)i;
        }
    }
    return -1;
}

TimingGeometryResult timing_cache_geometry_set(TimingCacheGeometry *g,
                                               const char *field,
                                               const char *value)
{
    guint64 v;

    if (strcmp(field, "replacement") == 0) {
        return timing_cache_policy_parse(value, &g->policy)
               ? TIMING_GEOMETRY_SET : TIMING_GEOMETRY_BAD_POLICY;
    }
    if (strcmp(field, "entries") != 0 && strcmp(field, "ways") != 0) {
        return TIMING_GEOMETRY_NOT_MINE;
    }
    if (!value || !g_ascii_string_to_unsigned(value, 10, 1,
                                              TIMING_CACHE_MAX_ENTRIES, &v,
                                              NULL)) {
        return TIMING_GEOMETRY_BAD_COUNT;
    }
    if (field[0] == 'e') {
        g->entries = (uint32_t)v;
    } else {
        g->ways = (uint32_t)v;
    }
    return TIMING_GEOMETRY_SET;
}
