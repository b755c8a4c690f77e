/*
 * Command-buffer drain benchmark: Linux without EFR.IA flushes with one
 * command per device id (INVALIDATE_DEVTAB_ENTRY for 64K ids, then
 * INVALIDATE_IOMMU_PAGES per domain and INVALIDATE_INTERRUPT_TABLE per
 * id: ~196k commands) through a 512-slot ring, waiting on a
 * COMPLETION_WAIT store whenever the ring fills.  Prints commands/s.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>

#include "amdvi-cmd-fake.h"

#define ENTRIES 512u
#define STORE 0x200000ull

static void make(uint64_t c[2], unsigned kind, unsigned id)
{
    c[0] = c[1] = 0;
    if (kind == 0) {
        inv_devtab(c, (uint16_t)id);
    } else if (kind == 1) {
        inv_pages(c, (uint16_t)id, 0x7ffffffffffff000ull, true, true);
    } else {
        amdvi_cmd_invalidate_interrupt_table_set_opcode(c,
            AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE);
        amdvi_cmd_invalidate_interrupt_table_set_device_id(c, id);
    }
}

int main(void)
{
    Unit *u = unit_new(EFR_QEMU & ~(1ull << 6));    /* no IA */
    unsigned tail = 0, pending = 0;
    uint64_t total = 0, seq = 0, c[2];
    gint64 t0, t1;

    cmd_enable(u, 9);
    t0 = g_get_monotonic_time();
    for (unsigned kind = 0; kind < 3; kind++) {
        for (unsigned id = 0; id < 0x10000; id++) {
            make(c, kind, id);
            put_cmd(u, tail, c);
            tail = (tail + 1) % ENTRIES;
            total++;
            if (++pending == ENTRIES - 2) {
                cw(c, true, false, STORE, ++seq);
                put_cmd(u, tail, c);
                tail = (tail + 1) % ENTRIES;
                total++;
                wr(u, AMDVI_REG_CMD_BUF_TAIL, tail * 16ull, 4);
                if (ram64(u, STORE) != seq) {
                    fprintf(stderr, "completion wait %" G_GUINT64_FORMAT
                            " not stored\n", seq);
                    return EXIT_FAILURE;
                }
                pending = 0;
            }
        }
    }
    wr(u, AMDVI_REG_CMD_BUF_TAIL, tail * 16ull, 4);
    t1 = g_get_monotonic_time();
    if (u->s.cmd->cmds_done != total) {
        fprintf(stderr, "executed %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                "\n", u->s.cmd->cmds_done, total);
        return EXIT_FAILURE;
    }
    printf("amdvi command buffer: %" G_GUINT64_FORMAT " commands in %.1f ms, "
           "%.2f M commands/s\n", total, (t1 - t0) / 1000.0,
           total / ((t1 - t0) / 1e6) / 1e6);
    unit_free(u);
    return EXIT_SUCCESS;
}
