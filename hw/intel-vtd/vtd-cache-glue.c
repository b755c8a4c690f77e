/*
 * The VT-d caches as the translate path sees them: VTDContext and
 * VTDWalkResult in and out of the tag-level caches of vtd-cache.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/intel-vtd/vtd-internal.h"
#include "hw/intel-vtd/vtd-cache.h"
#include "hw/intel-vtd/vtd-inv.h"

struct VTDCaches *vtd_cache_new(VTDState *s)
{
    VTDCaches *c = g_new0(VTDCaches, 1);
    GError *err = NULL;

    c->cfg = s->cache_cfg;
    if (!vtd_caches_init(c, &err)) {
        /* realize validated the geometry with vtd_cache_config_check. */
        g_error("%s", err->message);
    }
    vtd_caches_set_caching_mode(c, vtd_cap_get_cm(s->cap));
    return c;
}

void vtd_cache_free(struct VTDCaches *c)
{
    if (c) {
        vtd_caches_destroy(c);
        g_free(c);
    }
}

void vtd_cache_reset(VTDState *s)
{
    if (s->caches) {
        vtd_caches_reset(s->caches);
        vtd_caches_set_caching_mode(s->caches, vtd_cap_get_cm(s->cap));
    }
}

bool vtd_cache_ctx_lookup(VTDState *s, uint16_t sid, VTDContext *out)
{
    const VTDContextCacheEntry *e;

    if (!s->caches || !(e = vtd_cc_lookup(s->caches, sid))) {
        return false;
    }
    /* Decoding is free of memory reads: the entry itself is cached. */
    vtd_ctx_decode(s, e->ce, sid, out);
    return true;
}

void vtd_cache_ctx_insert(VTDState *s, const VTDContext *ctx)
{
    VTDContextCacheEntry e = { .did = ctx->did };

    if (!s->caches) {
        return;
    }
    memcpy(e.ce, ctx->raw, sizeof(e.ce));
    e.fault = (uint8_t)vtd_ctx_decode(s, ctx->raw, ctx->sid,
                                      &(VTDContext){ 0 });
    vtd_cc_insert(s->caches, ctx->sid, &e);
}

bool vtd_cache_iotlb_lookup(VTDState *s, const VTDContext *ctx,
                            uint64_t iova, VTDWalkResult *out)
{
    const VTDIotlbEntry *e;
    uint64_t mask;

    if (!s->caches || !(e = vtd_iotlb_lookup(s->caches, ctx->did, iova))) {
        return false;
    }
    mask = (1ULL << e->page_shift) - 1;
    memset(out, 0, sizeof(*out));
    out->status = VTD_OK;
    out->iova = iova & ~mask;
    out->addr = e->page_addr;
    out->addr_mask = mask;
    out->perm = (IOMMUAccessFlags)e->perm;
    out->level = (e->page_shift - 12) / 9 + 1;
    out->leaf = e->pte;
    return true;
}

/* A leaf the walk read whose R and W are both clear (§9.8). */
static bool vtd_walk_not_present(const VTDWalkResult *w)
{
    return w->level >= 1 && w->level <= 3 &&
           (w->status == VTD_FR_NO_READ || w->status == VTD_FR_NO_WRITE) &&
           w->perm == IOMMU_NONE;
}

void vtd_cache_iotlb_insert(VTDState *s, const VTDContext *ctx,
                            const VTDWalkResult *w)
{
    VTDIotlbEntry e = { 0 };

    if (!s->caches) {
        return;
    }
    if (w->status != VTD_OK && !vtd_walk_not_present(w)) {
        return;     /* erroneous entries are never cached */
    }
    e.pte = w->leaf;
    e.sid = ctx->sid;
    e.page_shift = (uint8_t)(12 + 9 * (w->level ? w->level - 1 : 0));
    e.page_addr = w->addr & ~((1ULL << e.page_shift) - 1);
    e.perm = (uint8_t)w->perm;
    /* A not-present leaf: cached only under CM=1 (vtd_iotlb_insert). */
    e.fault = w->status == VTD_OK ? 0 : (uint8_t)w->status;
    vtd_iotlb_insert(s->caches, ctx->did, w->iova, &e);
}

bool vtd_cache_psc_lookup(VTDState *s, const VTDContext *ctx, uint64_t iova,
                          unsigned *level, uint64_t *table,
                          IOMMUAccessFlags *perm)
{
    VTDPscEntry e;

    if (!s->caches ||
        !vtd_psc_lookup(s->caches, ctx->did, iova, ctx->levels, &e)) {
        return false;
    }
    *level = e.level - 1u;
    *table = e.entry;
    *perm = (IOMMUAccessFlags)e.perm;
    return true;
}

void vtd_cache_psc_insert(VTDState *s, const VTDContext *ctx,
                          const VTDWalkResult *w)
{
    unsigned top;

    if (!s->caches || w->status != VTD_OK || !w->mem_reads) {
        return;
    }
    /*
     * The level-l entry (read from table[l]) points at table[l - 1].
     * Only levels this walk read: one resumed from a paging-structure-
     * cache hit read levels top..leaf, and table[] / perm_at[] above top
     * are zero; caching those would plant a not-present entry.
     */
    top = MIN(ctx->levels, w->level + w->mem_reads - 1);
    for (unsigned l = top; l > w->level && l >= 2; l--) {
        VTDPscEntry e = { .entry = w->table[l - 1],
                          .perm = (uint8_t)w->perm_at[l - 1] };

        vtd_psc_insert(s->caches, ctx->did, w->iova, l, &e);
    }
    s->caches->ctr.walk_mem_reads += w->mem_reads;
}

void vtd_cache_stats(VTDState *s, GString *out)
{
    char *t;

    if (!s->caches) {
        return;
    }
    t = vtd_cache_stats_text(s->caches);
    g_string_append_printf(out, "%s%s", out->len ? " " : "", t);
    g_free(t);
}
