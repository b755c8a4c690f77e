/*
 * Shared between vtd-inv.c (register-based invalidation) and vtd-qi.c
 * (queued invalidation).  Not for the rest of the model.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_INTEL_VTD_VTD_INV_INT_H
#define HW_INTEL_VTD_VTD_INV_INT_H

#include "hw/intel-vtd/vtd-internal.h"

/* Actual granularity (VTD_GRAN_*), 0 for a reserved request. */
unsigned vtd_inv_context(VTDState *s, unsigned gran, uint16_t did,
                         uint16_t sid, unsigned fm);
unsigned vtd_inv_iotlb(VTDState *s, unsigned gran, uint16_t did,
                       uint64_t addr, unsigned am, bool ih);
/* Event to notifiers of every space (sid < 0) or one; did < 0: any. */
void vtd_inv_notify(VTDState *s, IOMMUNotifierFlag type, int did, int sid,
                    uint64_t iova, uint64_t mask);
void vtd_qi_install_hooks(VTDState *s);

#endif
