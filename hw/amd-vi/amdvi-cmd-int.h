/*
 * Between the command-buffer ring (amdvi-cmd.c) and the per-command
 * handlers (amdvi-cmd-exec.c).  Not a public header.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_AMD_VI_AMDVI_CMD_INT_H
#define HW_AMD_VI_AMDVI_CMD_INT_H

#include <stdint.h>

typedef struct AMDVIState AMDVIState;

typedef enum {
    AMDVI_CMD_OK,
    AMDVI_CMD_ILLEGAL,      /* ILLEGAL_COMMAND_ERROR (§2.5.6) */
    AMDVI_CMD_HW_ERROR,     /* COMMAND_HARDWARE_ERROR (§2.5.7) */
} AMDVICmdResult;

/* Execute one fetched command (host-order words). */
AMDVICmdResult amdvi_cmd_exec(AMDVIState *s, const uint64_t cmd[2]);

#endif
