/*
 * AMD-Vi command buffer: ring, run control and dispatch (AMD IOMMU spec
 * 48882 §2.4, registers §3.4).  The per-command handlers live in
 * amdvi-cmd-exec.c.  See amdvi-cmd.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/amd-vi/amdvi-internal.h"
#include "hw/amd-vi/amdvi-cmd-int.h"
#include "specs/amdvi-commands.h"

void amdvi_cmd_ring(AMDVIState *s, AMDVICmdRing *out)
{
    uint64_t b = amdvi_reg_get(s, AMDVI_RI_CMD_BUF_BASE);
    unsigned len = (unsigned)amdvi_cmd_buf_base_get_com_len(b);

    out->base = (amdvi_cmd_buf_base_get_com_base(b) << 12) & ~s->pa_mask;
    out->size = amdvi_ring_bytes(len);
    out->entries = (uint32_t)(out->size / 16);
}

static bool amdvi_cmd_running(const AMDVIState *s)
{
    return s->cmd && !s->cmd->stopped &&
           amdvi_status_has(s, AMDVI_STATUS_CMD_BUF_RUN_MASK);
}

static void amdvi_cmd_set_run(AMDVIState *s, bool run)
{
    amdvi_reg_update(s, AMDVI_RI_STATUS, AMDVI_STATUS_CMD_BUF_RUN_MASK,
                     run ? AMDVI_STATUS_CMD_BUF_RUN_MASK : 0);
}

/*
 * Stop on a bad command (§2.4: ILLEGAL_COMMAND_ERROR, §2.5.7
 * COMMAND_HARDWARE_ERROR): the event names the command's address, the
 * head stays on it and CmdBufRun clears until CmdBufEn is toggled.
 */
static void amdvi_cmd_fail(AMDVIState *s, AMDVICmdResult r, uint64_t addr)
{
    AMDVIEvent ev = { 0 };

    ev.code = r == AMDVI_CMD_HW_ERROR ? AMDVI_EVENT_COMMAND_HARDWARE_ERROR
                                      : AMDVI_EVENT_ILLEGAL_COMMAND_ERROR;
    ev.type = AMDVI_HWERR_MASTER_ABORT;
    ev.addr = addr;
    s->cmd->stopped = true;
    s->cmd->illegal += r == AMDVI_CMD_ILLEGAL;
    amdvi_cmd_set_run(s, false);
    amdvi_event_log_write(s, &ev);
}

/* Fetch the 128-bit command at ring offset head (§2.4: little endian). */
static bool amdvi_cmd_fetch(AMDVIState *s, uint64_t addr, uint64_t cmd[2])
{
    if (address_space_read(s->dma_as, addr, MEMTXATTRS_UNSPECIFIED, cmd,
                           16) != MEMTX_OK) {
        return false;
    }
    cmd[0] = GUINT64_FROM_LE(cmd[0]);
    cmd[1] = GUINT64_FROM_LE(cmd[1]);
    return true;
}

/* ---- completion timing (docs/timing.md) ---- */

/*
 * One command through the cost model, after the ones already charged:
 * the processor handles commands in order (§2.4), so a command starts
 * when the one before it is done.  Without a clock or model: now.
 */
static int64_t amdvi_cmd_charge(AMDVIState *s, TimingInvKind kind)
{
    int64_t now = s->clock ? vclock_now(s->clock) : 0;

    if (!s->timing) {
        return now;
    }
    s->cmd->busy_until = timing_invalidate(s->timing, kind,
                                           MAX(now, s->cmd->busy_until));
    return s->cmd->busy_until;
}

/*
 * What software sees of a completed command: the wait's store and
 * interrupt, then the head past it.  A failed store stops the buffer
 * with the head on the wait (§2.5.7); false then.
 */
static bool amdvi_cmd_report(AMDVIState *s, const AMDVICmdDone *d)
{
    if (d->wait && amdvi_cmd_wait_signal(s, d) != AMDVI_CMD_OK) {
        AMDVICmdRing ring;

        amdvi_cmd_ring(s, &ring);
        amdvi_reg_set(s, AMDVI_RI_CMD_BUF_HEAD,
                      (d->head + ring.size - 16) % ring.size);
        amdvi_cmd_fail(s, AMDVI_CMD_HW_ERROR, d->addr);
        return false;
    }
    amdvi_reg_set(s, AMDVI_RI_CMD_BUF_HEAD, d->head);
    return true;
}

/* Report every completion due by now (all with flush); re-arm. */
static void amdvi_cmd_drain(AMDVIState *s, bool flush)
{
    AMDVICmdState *cmd = s->cmd;
    int64_t now = s->clock ? vclock_now(s->clock) : 0;
    AMDVICmdDone *d;

    while ((d = g_queue_peek_head(&cmd->pending)) && (flush || d->at <= now)) {
        g_queue_pop_head(&cmd->pending);
        if (!amdvi_cmd_report(s, d)) {
            /* Fetched-ahead commands behind a failed one never complete. */
            g_queue_clear_full(&cmd->pending, g_free);
        }
        g_free(d);
    }
    if (cmd->timer) {
        if (d && !flush) {
            vtimer_mod(cmd->timer, d->at);
        } else {
            vtimer_del(cmd->timer);
        }
    }
}

static void amdvi_cmd_timer_cb(void *opaque)
{
    amdvi_cmd_drain(opaque, false);
}

/* Report d now when it is due and nothing is ahead of it, else queue it. */
static bool amdvi_cmd_complete(AMDVIState *s, const AMDVICmdDone *d)
{
    AMDVICmdState *cmd = s->cmd;
    bool idle = g_queue_is_empty(&cmd->pending);

    if (!s->clock || (idle && d->at <= vclock_now(s->clock))) {
        return amdvi_cmd_report(s, d);
    }
    if (!cmd->timer) {
        cmd->timer = vtimer_new(s->clock, amdvi_cmd_timer_cb, s);
    }
    g_queue_push_tail(&cmd->pending, g_memdup2(d, sizeof(*d)));
    if (idle) {
        vtimer_mod(cmd->timer, d->at);
    }
    return true;
}

/*
 * Where fetching continues: after the last command fetched, which is
 * the head unless completions are still pending.
 */
static uint64_t amdvi_cmd_fetch_point(AMDVIState *s)
{
    const AMDVICmdDone *last = g_queue_peek_tail(&s->cmd->pending);

    return last ? last->head
                : amdvi_reg_get(s, AMDVI_RI_CMD_BUF_HEAD) &
                  AMDVI_CMD_BUF_HEAD_CMD_HEAD_PTR_MASK;
}

/* Fetch, execute and charge one command at ring offset head. */
static bool amdvi_cmd_step(AMDVIState *s, const AMDVICmdRing *ring,
                           uint64_t head)
{
    AMDVICmdDone d = { .addr = ring->base + head };
    uint64_t cmd[2];
    AMDVICmdResult r = amdvi_cmd_fetch(s, d.addr, cmd)
                       ? amdvi_cmd_exec(s, cmd, &d) : AMDVI_CMD_HW_ERROR;

    if (r != AMDVI_CMD_OK) {
        /* Pending completions, if any, bring the head up to this one. */
        if (g_queue_is_empty(&s->cmd->pending)) {
            amdvi_reg_set(s, AMDVI_RI_CMD_BUF_HEAD, head);
        }
        amdvi_cmd_fail(s, r, d.addr);
        return false;
    }
    d.head = (head + 16) % ring->size;      /* wraps to 0 at the end */
    d.at = amdvi_cmd_charge(s, amdvi_cmd_inv_kind(cmd));
    return amdvi_cmd_complete(s, &d);
}

unsigned amdvi_cmd_process(AMDVIState *s, unsigned max)
{
    AMDVICmdRing ring;
    uint64_t head, tail;
    unsigned done = 0;

    if (!amdvi_cmd_running(s)) {
        return 0;
    }
    amdvi_cmd_ring(s, &ring);
    head = amdvi_cmd_fetch_point(s);
    tail = amdvi_reg_get(s, AMDVI_RI_CMD_BUF_TAIL) & AMDVI_CMD_BUF_TAIL_CMD_TAIL_PTR_MASK;
    /* Pointers beyond a smaller ring wrap like the hardware's counters. */
    head %= ring.size;
    tail %= ring.size;
    while (head != tail && (max == 0 || done < max)) {
        if (!amdvi_cmd_step(s, &ring, head)) {
            break;
        }
        head = (head + 16) % ring.size;
        done++;
    }
    return done;
}

/* Run state from CONTROL (§3.4: CmdBufRun needs CmdBufEn and IOMMUEn). */
void amdvi_cmd_control_written(AMDVIState *s, uint64_t old_ctrl,
                               uint64_t new_ctrl)
{
    const uint64_t need = AMDVI_CONTROL_CMD_BUF_EN_MASK |
                          AMDVI_CONTROL_IOMMU_EN_MASK;
    bool was = (old_ctrl & need) == need;
    bool now = (new_ctrl & need) == need;

    if (!s->cmd || was == now) {
        return;
    }
    if (now) {
        s->cmd->stopped = false;        /* restart at the head */
        amdvi_cmd_set_run(s, true);
        amdvi_cmd_process(s, 0);
    } else {
        amdvi_cmd_set_run(s, false);
    }
}

/*
 * Base written (§2.4): head and tail reset to 0.  The registers may only
 * be changed while CmdBufRun is 0; a write while running is dropped.
 */
static void amdvi_cmd_base_post_write(RegFile *rf, unsigned reg,
                                      unsigned inst, uint64_t old,
                                      uint64_t v, uint64_t written,
                                      void *opaque)
{
    AMDVIState *s = opaque;

    if (amdvi_status_has(s, AMDVI_STATUS_CMD_BUF_RUN_MASK)) {
        regfile_set(rf, reg, inst, old);
        return;
    }
    /* Commands already fetched complete before the ring moves. */
    amdvi_cmd_drain(s, true);
    amdvi_reg_set(s, AMDVI_RI_CMD_BUF_HEAD, 0);
    amdvi_reg_set(s, AMDVI_RI_CMD_BUF_TAIL, 0);
}

/* Software moves the head only while the buffer is not running. */
static void amdvi_cmd_head_post_write(RegFile *rf, unsigned reg,
                                      unsigned inst, uint64_t old,
                                      uint64_t v, uint64_t written,
                                      void *opaque)
{
    AMDVIState *s = opaque;

    if (amdvi_cmd_running(s)) {
        regfile_set(rf, reg, inst, old);
    } else if (!g_queue_is_empty(&s->cmd->pending)) {
        /* Earlier commands complete first; software's value then stands. */
        amdvi_cmd_drain(s, true);
        regfile_set(rf, reg, inst, v);
    }
}

/* Tail written (Linux: one 32-bit store at 2008h): new commands. */
static void amdvi_cmd_tail_post_write(RegFile *rf, unsigned reg,
                                      unsigned inst, uint64_t old,
                                      uint64_t v, uint64_t written,
                                      void *opaque)
{
    amdvi_cmd_process(opaque, 0);
}

static const RegHooks amdvi_cmd_base_hooks = {
    .name = "CMD_BUF_BASE: head/tail reset (§2.4)",
    .post_write = amdvi_cmd_base_post_write,
};

static const RegHooks amdvi_cmd_head_hooks = {
    .name = "CMD_BUF_HEAD: frozen while running (§3.4)",
    .post_write = amdvi_cmd_head_post_write,
};

static const RegHooks amdvi_cmd_tail_hooks = {
    .name = "CMD_BUF_TAIL: process commands (§2.4)",
    .post_write = amdvi_cmd_tail_post_write,
};

AMDVICmdState *amdvi_cmd_new(AMDVIState *s)
{
    AMDVICmdState *cmd = g_new0(AMDVICmdState, 1);
    GError *err = NULL;

    cmd->s = s;
    cmd->ppr_completions = g_array_new(FALSE, TRUE,
                                       sizeof(AMDVIPprCompletion));
    g_queue_init(&cmd->pending);
    if (!s->caches) {
        s->caches = amdvi_caches_new(&s->props.cache_cfg, &err);
        cmd->owns_caches = s->caches != NULL;
        if (err) {
            g_warning("%s; running without caches", err->message);
            g_error_free(err);
        }
    }
    regfile_set_hooks(s->regs, AMDVI_RI_CMD_BUF_BASE, &amdvi_cmd_base_hooks,
                      s);
    regfile_set_hooks(s->regs, AMDVI_RI_CMD_BUF_HEAD, &amdvi_cmd_head_hooks,
                      s);
    regfile_set_hooks(s->regs, AMDVI_RI_CMD_BUF_TAIL, &amdvi_cmd_tail_hooks,
                      s);
    return cmd;
}

void amdvi_cmd_free(AMDVICmdState *cmd)
{
    if (!cmd) {
        return;
    }
    if (cmd->owns_caches && cmd->s->caches) {
        amdvi_caches_free(cmd->s->caches);
        cmd->s->caches = NULL;
    }
    g_array_free(cmd->ppr_completions, TRUE);
    g_queue_clear_full(&cmd->pending, g_free);
    if (cmd->timer) {
        vtimer_free(cmd->timer);
    }
    g_free(cmd);
}

void amdvi_cmd_reset(AMDVIState *s)
{
    AMDVICmdState *cmd = s->cmd;

    if (!cmd) {
        return;
    }
    cmd->stopped = false;
    cmd->cmds_done = cmd->store_writes = cmd->illegal = 0;
    memset(cmd->by_opcode, 0, sizeof(cmd->by_opcode));
    g_array_set_size(cmd->ppr_completions, 0);
    /* Completions in flight are lost with the unit's state. */
    g_queue_clear_full(&cmd->pending, g_free);
    cmd->busy_until = 0;
    if (cmd->timer) {
        vtimer_del(cmd->timer);
    }
    amdvi_caches_reset(s->caches);
}

void amdvi_cmd_stats(AMDVIState *s, GString *out)
{
    AMDVICmdState *cmd = s->cmd;

    if (!cmd) {
        return;
    }
    g_string_append_printf(out, "%samdvi.cmd.done=%" G_GUINT64_FORMAT
                           " amdvi.cmd.store_writes=%" G_GUINT64_FORMAT
                           " amdvi.cmd.illegal=%" G_GUINT64_FORMAT
                           " amdvi.cmd.ppr_completions=%u",
                           out->len ? " " : "", cmd->cmds_done,
                           cmd->store_writes, cmd->illegal,
                           cmd->ppr_completions->len);
}
