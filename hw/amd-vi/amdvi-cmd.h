/*
 * AMD-Vi command buffer (AMD IOMMU spec 48882 §2.4 "Commands", registers
 * §3.4: Command Buffer Base 0008h, Head 2000h, Tail 2008h, CONTROL
 * CmdBufEn / ComWaitIntEn, STATUS CmdBufRun / ComWaitInt).
 *
 * The ring holds 2^ComLen 128-bit commands (ComLen 8..15; smaller values
 * are reserved and treated as 8, spec §3.4 Command Buffer Base Address
 * Register); head and tail are byte offsets into it, head wrapping to 0
 * at the end.  While CONTROL.CmdBufEn is set and no illegal command has
 * stopped it, STATUS.CmdBufRun is set and commands between head and
 * tail are executed in order:
 *
 *   COMPLETION_WAIT             S: 64-bit store of StoreData (after every
 *                               earlier command completed), I: ComWaitInt
 *                               and the MSI when ComWaitIntEn, F: ordering
 *   INVALIDATE_DEVTAB_ENTRY     device table cache entry of DeviceID
 *   INVALIDATE_IOMMU_PAGES      IOTLB (and with PDE the directory caches)
 *                               for DomainID over the S-encoded range
 *   INVALIDATE_IOTLB_PAGES      DEVIOTLB_UNMAP notifiers (remote IOTLBs)
 *   INVALIDATE_INTERRUPT_TABLE  IRTE cache entries of DeviceID
 *   PREFETCH_IOMMU_PAGES        (EFR.PreFSup) a no-op fill hint; Inval
 *                               drops the range first
 *   COMPLETE_PPR_REQUEST        (EFR.PPRSup) recorded for the PPR log
 *   INVALIDATE_IOMMU_ALL        (EFR.IASup) every cache
 *
 * An opcode the EFR does not advertise, an unknown opcode or a command
 * with reserved bits set is an illegal command (§2.4, §2.5.x
 * ILLEGAL_COMMAND_ERROR): the event is logged with the command's
 * physical address, CmdBufRun clears, the head stays on the bad command,
 * and nothing more runs until software re-enables the buffer (CmdBufEn
 * 0 then 1), which restarts at the head.
 *
 * Time (docs/timing.md "AMD-Vi command timing").  Commands are fetched
 * and their cache effects applied on the tail write (and on CmdBufEn
 * 0->1); each one is charged through timing_invalidate in order, and
 * what software can observe of it happens at its modelled completion:
 * the head moves past it, and a COMPLETION_WAIT's store and ComWaitInt
 * (+ MSI) happen then, from a VirtualTimer.  With timing=ideal (or no
 * clock) every completion is immediate, as before.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_AMD_VI_AMDVI_CMD_H
#define HW_AMD_VI_AMDVI_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "iommu-sim/clock.h"

typedef struct AMDVIState AMDVIState;

/* A COMPLETE_PPR_REQUEST seen (§2.4.7), kept for the PPR-log issue. */
typedef struct AMDVIPprCompletion {
    uint16_t devid;
    uint32_t pasid;
    bool gn;
    uint16_t tag;           /* PRG index (Linux: 9 bits) */
    uint8_t status;         /* response code */
} AMDVIPprCompletion;

/*
 * A command whose completion software has not seen yet: at `at` the head
 * moves to `head`, and for a COMPLETION_WAIT the store and/or ComWaitInt
 * happen.  addr is the command's own address (a failed store reports it).
 */
typedef struct AMDVICmdDone {
    int64_t at;                 /* virtual ns */
    uint64_t head;              /* CMD_BUF_HEAD after this command */
    uint64_t addr;              /* physical address of the command */
    bool wait;                  /* COMPLETION_WAIT */
    bool store, irq;            /* its S and I */
    uint64_t store_addr, store_data;
} AMDVICmdDone;

/* Command-buffer state beyond the registers. */
typedef struct AMDVICmdState {
    AMDVIState *s;
    bool stopped;               /* illegal command: wait for re-enable */
    bool owns_caches;           /* amdvi_cmd_new built s->caches */
    uint64_t cmds_done;         /* commands executed since reset */
    uint64_t store_writes;      /* COMPLETION_WAIT stores done */
    uint64_t illegal;           /* ILLEGAL_COMMAND_ERRORs raised */
    uint64_t by_opcode[16];     /* executed, per opcode */
    GArray *ppr_completions;    /* AMDVIPprCompletion, oldest first */
    /*
     * Timing: the command processor is busy until busy_until; pending
     * holds AMDVICmdDone* in completion order (times only grow) for
     * timer.  Empty with timing=ideal.
     */
    int64_t busy_until;
    GQueue pending;
    VirtualTimer *timer;
} AMDVICmdState;

/* The ring as the base register describes it (exposed for tests). */
typedef struct AMDVICmdRing {
    uint64_t base;              /* physical address, 4 KiB aligned */
    uint32_t entries;           /* 2^ComLen, at least 256 */
    uint64_t size;              /* bytes */
} AMDVICmdRing;

/* ---- lifetime (amdvi.c) ---- */

/*
 * Installs the hooks on CMD_BUF_BASE, CMD_BUF_HEAD and CMD_BUF_TAIL.
 * When realize has not built s->caches, builds them from
 * s->props.cache_cfg (check that with amdvi_cache_config_check at
 * property time to report errors) and frees them in amdvi_cmd_free.
 */
AMDVICmdState *amdvi_cmd_new(AMDVIState *s);
void amdvi_cmd_free(AMDVICmdState *cmd);
/* Device reset: not stopped, counters and PPR records cleared. */
void amdvi_cmd_reset(AMDVIState *s);

/* ---- called from the CONTROL write hook (amdvi-regs.c) ---- */

/*
 * CONTROL written: CmdBufEn 0->1 sets CmdBufRun and starts fetching at
 * the head; 1->0 clears CmdBufRun (head and tail keep their values).
 */
void amdvi_cmd_control_written(AMDVIState *s, uint64_t old_ctrl,
                               uint64_t new_ctrl);

/* ---- processing ---- */

void amdvi_cmd_ring(AMDVIState *s, AMDVICmdRing *out);
/* Execute up to max commands (0: until empty or stopped); the count. */
unsigned amdvi_cmd_process(AMDVIState *s, unsigned max);

/*
 * Appends the command buffer's own "amdvi.cmd.* = value" counters (leading
 * space when out is not empty); the caches' PMU-named counters come from
 * amdvi_cache_stats_text().
 */
void amdvi_cmd_stats(AMDVIState *s, GString *out);

#endif
