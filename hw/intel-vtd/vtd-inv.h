/*
 * VT-d cache invalidation (VT-d 5.10 §6.5) and the VTDState-level view of
 * the caches (vtd-cache.h) the translate path uses.
 *
 *  - Register-based (§6.5.1): CCMD (§11.4.6.1) and the IOTLB registers
 *    at 16 * ECAP.IRO (IVA/IOTLB, §11.4.6.3-4).  Every granularity, the
 *    actual granularity reported in CAIG/IAIG, ICC/IVT clear when done
 *    (synchronously: status visible on the next read).  Refused (CAIG /
 *    IAIG = 0, nothing invalidated) when the latched TTM is not legacy;
 *    the registers read as zero and ignore writes when VER major >= 6
 *    (§6.5: register-based invalidation exists only up to major 5).
 *  - Queued (§6.5.2): IQA (DW, QS), IQH/IQT, GSTS.QIES, IQERCD; all
 *    legacy-mode descriptors (context-cache, IOTLB, device-TLB,
 *    interrupt-entry-cache, wait).  A bad descriptor sets FSTS.IQE with
 *    IQERCD.IQEI and stops the queue with IQH on it; clearing IQE resumes
 *    fetching at IQH, re-reading memory.
 *
 * Processing: vtd_qi_process() consumes descriptors; today the IQT write
 * and the IQE clear call it at once, a timer may later call it with a
 * budget without changing anything else.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_INTEL_VTD_VTD_INV_H
#define HW_INTEL_VTD_VTD_INV_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "iommu-sim/iommu.h"

typedef struct VTDState VTDState;
typedef struct VTDContext VTDContext;
typedef struct VTDWalkResult VTDWalkResult;
struct VTDCaches;
struct VTDCacheConfig;

/* Queued-invalidation state beyond the registers. */
typedef struct VTDInvState {
    VTDState *s;
    bool enabled;           /* GSTS.QIES */
    bool stopped;           /* FSTS.IQE set: no fetching until cleared */
    uint64_t descs_done;    /* descriptors completed since reset */
    uint64_t status_writes; /* wait descriptors' status writes */
} VTDInvState;

/* ---- lifetime (called by vtd.c) ---- */

/* Installs the hooks on CCMD, IOTLB, IVA, IQT, IQA and ICS. */
struct VTDInvState *vtd_inv_new(VTDState *s);
void vtd_inv_free(struct VTDInvState *inv);
/* Device reset: queue disabled, IQH 0. */
void vtd_inv_reset(VTDState *s);

/* ---- called from the other half's register hooks ---- */

/* GCMD.QIE written (§10.4.4 / §11.4.4.1): sets/clears GSTS.QIES, IQH. */
void vtd_inv_set_qie(VTDState *s, bool enable);
/* FSTS.IQE was write-1-cleared: fetching resumes at IQH (§6.5.2.10). */
void vtd_inv_iqe_cleared(VTDState *s);

/* Process up to max descriptors (0: until empty or stopped). */
unsigned vtd_qi_process(VTDState *s, unsigned max);

/* ---- the caches as the translate path sees them (vtd-cache-glue.c) ---- */

/* Realize: caches from s->cache_cfg (checked with vtd_cache_config_check). */
struct VTDCaches *vtd_cache_new(VTDState *s);
void vtd_cache_free(struct VTDCaches *c);
/* Device reset: caches emptied, CAP.CM re-read. */
void vtd_cache_reset(VTDState *s);
/* Context cache by source id; a hit fills *out (decoded from the cache). */
bool vtd_cache_ctx_lookup(VTDState *s, uint16_t sid, VTDContext *out);
/* Cache a context the walk found valid. */
void vtd_cache_ctx_insert(VTDState *s, const VTDContext *ctx);
/* IOTLB by ctx->did; a hit fills out (status VTD_OK, page, perm, leaf). */
bool vtd_cache_iotlb_lookup(VTDState *s, const VTDContext *ctx,
                            uint64_t iova, VTDWalkResult *out);
/*
 * After a walk: the leaf goes to the IOTLB, the non-leaf entries to the
 * paging-structure caches.  With CAP.CM=0 a walk that found a
 * not-present entry caches nothing (§6.1); with CM=1 the not-present
 * leaf is cached as a perm-NONE IOTLB entry.
 */
void vtd_cache_iotlb_insert(VTDState *s, const VTDContext *ctx,
                            const VTDWalkResult *w);
/* The walk may resume at *level reading *table with *perm above it. */
bool vtd_cache_psc_lookup(VTDState *s, const VTDContext *ctx, uint64_t iova,
                          unsigned *level, uint64_t *table,
                          IOMMUAccessFlags *perm);
void vtd_cache_psc_insert(VTDState *s, const VTDContext *ctx,
                          const VTDWalkResult *w);
/* Appends " name=value ..." (leading space when out is not empty). */
void vtd_cache_stats(VTDState *s, GString *out);

#endif
