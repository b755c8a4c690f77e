/*
 * Between the command-buffer ring (amdvi-cmd.c) and the per-command
 * handlers (amdvi-cmd-exec.c).  Not a public header.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_AMD_VI_AMDVI_CMD_INT_H
#define HW_AMD_VI_AMDVI_CMD_INT_H

#include <stdint.h>

#include "iommu-sim/timing.h"

typedef struct AMDVIState AMDVIState;
typedef struct AMDVICmdDone AMDVICmdDone;

typedef enum {
    AMDVI_CMD_OK,
    AMDVI_CMD_ILLEGAL,      /* ILLEGAL_COMMAND_ERROR (§2.5.6) */
    AMDVI_CMD_HW_ERROR,     /* COMMAND_HARDWARE_ERROR (§2.5.7) */
} AMDVICmdResult;

/*
 * Execute one fetched command (host-order words): its cache effects at
 * once.  A COMPLETION_WAIT only fills d's wait fields; its store and
 * interrupt happen in amdvi_cmd_wait_signal at the completion time.
 */
AMDVICmdResult amdvi_cmd_exec(AMDVIState *s, const uint64_t cmd[2],
                              AMDVICmdDone *d);
/* The cost class a (legal) command is charged as (docs/timing.md). */
TimingInvKind amdvi_cmd_inv_kind(const uint64_t cmd[2]);
/*
 * COMPLETION_WAIT completed (§2.4.1): the 64-bit store, then ComWaitInt
 * and the MSI.  AMDVI_CMD_HW_ERROR when the store fails.
 */
AMDVICmdResult amdvi_cmd_wait_signal(AMDVIState *s, const AMDVICmdDone *d);

#endif
