/*
 * Check tests for the AMD-Vi command buffer (amdvi-cmd*.c, AMD IOMMU spec
 * 48882 §2.4): ring sizing and wrap, run control, every command type, the
 * illegal-command stop, completion-wait ordering and its 64-bit store.
 * The translation half is faked (amdvi-cmd-fake.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>

#include "amdvi-cmd-fake.h"

#define STORE 0x200000ull

static uint64_t head(Unit *u)
{
    return rd(u, AMDVI_REG_CMD_BUF_HEAD, 8);
}

static bool running(Unit *u)
{
    return rd(u, AMDVI_REG_STATUS, 4) & AMDVI_STATUS_CMD_BUF_RUN_MASK;
}

/* Write commands at slots from `slot`, then the tail after them. */
static void submit(Unit *u, unsigned slot, const uint64_t (*c)[2], unsigned n,
                   unsigned entries)
{
    for (unsigned i = 0; i < n; i++) {
        put_cmd(u, (slot + i) % entries, c[i]);
    }
    wr(u, AMDVI_REG_CMD_BUF_TAIL, ((slot + n) % entries) * 16ull, 4);
}

START_TEST(test_amdvi_cmd_ring_size_encoding)
{
    Unit *u = unit_new(EFR_QEMU);
    AMDVICmdRing r;

    wr(u, AMDVI_REG_CMD_BUF_BASE, CMD_BASE | 9ull << 56, 8);
    amdvi_cmd_ring(&u->s, &r);
    ck_assert_uint_eq(r.base, CMD_BASE);
    ck_assert_uint_eq(r.entries, 512);
    ck_assert_uint_eq(r.size, 8192);
    wr(u, AMDVI_REG_CMD_BUF_BASE, CMD_BASE | 15ull << 56, 8);
    amdvi_cmd_ring(&u->s, &r);
    ck_assert_uint_eq(r.entries, 32768);
    wr(u, AMDVI_REG_CMD_BUF_BASE, CMD_BASE | 3ull << 56, 8);  /* reserved */
    amdvi_cmd_ring(&u->s, &r);
    ck_assert_uint_eq(r.entries, 256);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_run_needs_cmdbufen_and_iommuen)
{
    Unit *u = unit_new(EFR_QEMU);
    uint64_t c[1][2];

    wr(u, AMDVI_REG_CMD_BUF_BASE, CMD_BASE | 8ull << 56, 8);
    ctrl(u, AMDVI_CONTROL_CMD_BUF_EN_MASK);
    ck_assert(!running(u));
    cw(c[0], true, false, STORE, 0x55);
    submit(u, 0, c, 1, 256);
    ck_assert_uint_eq(ram64(u, STORE), 0);      /* not fetched */
    ck_assert_uint_eq(head(u), 0);
    ctrl(u, AMDVI_CONTROL_CMD_BUF_EN_MASK | AMDVI_CONTROL_IOMMU_EN_MASK);
    ck_assert(running(u));
    ck_assert_uint_eq(ram64(u, STORE), 0x55);   /* pending work runs */
    ck_assert_uint_eq(head(u), 16);
    ctrl(u, AMDVI_CONTROL_IOMMU_EN_MASK);
    ck_assert(!running(u));
    ck_assert_uint_eq(head(u), 16);             /* pointers kept */
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_head_wraps_to_zero)
{
    Unit *u = unit_new(EFR_QEMU);
    uint64_t c[3][2];

    wr(u, AMDVI_REG_CMD_BUF_BASE, CMD_BASE | 8ull << 56, 8);
    /* Park head and tail on the last two slots while stopped. */
    wr(u, AMDVI_REG_CMD_BUF_HEAD, 254 * 16, 8);
    wr(u, AMDVI_REG_CMD_BUF_TAIL, 254 * 16, 8);
    ctrl(u, AMDVI_CONTROL_CMD_BUF_EN_MASK | AMDVI_CONTROL_IOMMU_EN_MASK);
    cw(c[0], true, false, STORE, 1);
    cw(c[1], true, false, STORE + 8, 2);
    cw(c[2], true, false, STORE + 16, 3);
    submit(u, 254, c, 3, 256);
    ck_assert_uint_eq(rd(u, AMDVI_REG_CMD_BUF_TAIL, 8), 16);
    ck_assert_uint_eq(head(u), 16);
    ck_assert_uint_eq(ram64(u, STORE + 16), 3);  /* slot 0 ran */
    ck_assert_uint_eq(u->s.cmd->cmds_done, 3);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_base_write_resets_pointers)
{
    Unit *u = unit_new(EFR_QEMU);
    uint64_t c[2][2];

    cmd_enable(u, 8);
    cw(c[0], false, false, 0, 0);
    cw(c[1], false, false, 0, 0);
    submit(u, 0, c, 2, 256);
    ck_assert_uint_eq(head(u), 32);
    /* Dropped while CmdBufRun (§3.4). */
    wr(u, AMDVI_REG_CMD_BUF_BASE, 0x40000 | 9ull << 56, 8);
    ck_assert_uint_eq(rd(u, AMDVI_REG_CMD_BUF_BASE, 8), CMD_BASE | 8ull << 56);
    wr(u, AMDVI_REG_CMD_BUF_HEAD, 0, 8);        /* frozen while running */
    ck_assert_uint_eq(head(u), 32);
    ctrl(u, AMDVI_CONTROL_IOMMU_EN_MASK);
    wr(u, AMDVI_REG_CMD_BUF_BASE, 0x40000 | 9ull << 56, 8);
    ck_assert_uint_eq(head(u), 0);
    ck_assert_uint_eq(rd(u, AMDVI_REG_CMD_BUF_TAIL, 8), 0);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_completion_wait_store_is_64bit)
{
    Unit *u = unit_new(EFR_QEMU);
    uint64_t c[1][2];

    cmd_enable(u, 9);
    guest_ram_write(u->ram, STORE, "\xff\xff\xff\xff\xff\xff\xff\xff\xee",
                    9);
    cw(c[0], true, false, STORE, 0x1122334455667788ull);
    submit(u, 0, c, 1, 512);
    ck_assert_uint_eq(ram64(u, STORE), 0x1122334455667788ull);
    {
        uint8_t next;

        guest_ram_read(u->ram, STORE + 8, &next, 1);
        ck_assert_uint_eq(next, 0xee);          /* exactly 8 bytes */
    }
    ck_assert_uint_eq(u->s.cmd->store_writes, 1);
    ck_assert_uint_eq(fake.irqs, 0);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_completion_wait_after_earlier_commands)
{
    Unit *u = unit_new(EFR_QEMU);
    AMDVIIotlbEntry e = { .page_addr = 0x9000, .page_shift = 12, .level = 1,
                          .perm = IOMMU_RW };
    uint64_t c[3][2];

    cmd_enable(u, 9);
    amdvi_iotlb_insert(u->s.caches, 4, 0x7000, &e);
    inv_pages(c[0], 4, 0x7000, false, false);
    /* An illegal command between: the wait behind it never completes. */
    c[1][0] = 0xfull << 60;
    c[1][1] = 0;
    cw(c[2], true, false, STORE, 0xabc);
    submit(u, 0, c, 3, 512);
    ck_assert_ptr_null(amdvi_iotlb_lookup(u->s.caches, 4, 0x7000, 3));
    ck_assert_uint_eq(ram64(u, STORE), 0);
    ck_assert_uint_eq(head(u), 16);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_completion_wait_interrupt)
{
    Unit *u = unit_new(EFR_QEMU);
    uint64_t c[3][2];

    cmd_enable(u, 8);
    cw(c[0], false, true, 0, 0);
    submit(u, 0, c, 1, 256);
    /* ComWaitInt set, no MSI without ComWaitIntEn. */
    ck_assert(rd(u, AMDVI_REG_STATUS, 4) & AMDVI_STATUS_COM_WAIT_INT_MASK);
    ck_assert_uint_eq(fake.irqs, 0);
    wr(u, AMDVI_REG_STATUS, AMDVI_STATUS_COM_WAIT_INT_MASK, 4);   /* W1C */
    ctrl(u, AMDVI_CONTROL_CMD_BUF_EN_MASK | AMDVI_CONTROL_IOMMU_EN_MASK |
            AMDVI_CONTROL_COM_WAIT_INT_EN_MASK);
    cw(c[0], false, true, 0, 0);
    cw(c[1], false, true, 0, 0);     /* bit still set: no second MSI */
    submit(u, 1, c, 2, 256);
    ck_assert_uint_eq(fake.irqs, 1);
    ck_assert_uint_eq(fake.irq_bits, AMDVI_STATUS_COM_WAIT_INT_MASK);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_illegal_stops_and_resumes)
{
    Unit *u = unit_new(EFR_QEMU);
    uint64_t c[3][2];

    cmd_enable(u, 8);
    cw(c[0], false, false, 0, 0);
    c[1][0] = 0;                        /* opcode 0 */
    c[1][1] = 0;
    cw(c[2], true, false, STORE, 7);
    submit(u, 0, c, 3, 256);
    ck_assert(!running(u));
    ck_assert_uint_eq(head(u), 16);     /* on the bad command */
    ck_assert_uint_eq(fake.n_ev, 1);
    ck_assert_int_eq(fake.ev[0].code, AMDVI_EVENT_ILLEGAL_COMMAND_ERROR);
    ck_assert_uint_eq(fake.ev[0].addr, CMD_BASE + 16);
    ck_assert_uint_eq(u->s.cmd->illegal, 1);
    /* A tail write does not restart it. */
    wr(u, AMDVI_REG_CMD_BUF_TAIL, 48, 4);
    ck_assert_uint_eq(ram64(u, STORE), 0);
    /* Software fixes the slot, toggles CmdBufEn: restart at the head. */
    cw(c[1], false, false, 0, 0);
    put_cmd(u, 1, c[1]);
    ctrl(u, AMDVI_CONTROL_IOMMU_EN_MASK);
    ctrl(u, AMDVI_CONTROL_CMD_BUF_EN_MASK | AMDVI_CONTROL_IOMMU_EN_MASK);
    ck_assert(running(u));
    ck_assert_uint_eq(head(u), 48);
    ck_assert_uint_eq(ram64(u, STORE), 7);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_reserved_bits_illegal)
{
    static const struct { unsigned op; uint64_t w0, w1; } bad[] = {
        { AMDVI_CMD_COMPLETION_WAIT, 1ull << 52, 0 },
        { AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY, 1ull << 16, 0 },
        { AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY, 0, 1 },
        { AMDVI_CMD_INVALIDATE_IOMMU_PAGES, 1ull << 20, 0 },
        { AMDVI_CMD_INVALIDATE_IOMMU_PAGES, 0, 1ull << 3 },
        { AMDVI_CMD_INVALIDATE_IOTLB_PAGES, 0, 1ull << 1 },
        { AMDVI_CMD_INVALIDATE_IOTLB_PAGES, 0, 1ull << 4 },  /* Type w/o EFR */
        { AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE, 0, 1ull << 63 },
        { AMDVI_CMD_PREFETCH_IOMMU_PAGES, 1ull << 16, 0 },
        { AMDVI_CMD_COMPLETE_PPR_REQUEST, 1ull << 16, 0 },
        { AMDVI_CMD_INVALIDATE_IOMMU_ALL, 1, 0 },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        Unit *u = unit_new(EFR_QEMU);
        uint64_t c[1][2] = { { bad[i].w0 | (uint64_t)bad[i].op << 60,
                               bad[i].w1 } };

        cmd_enable(u, 8);
        submit(u, 0, c, 1, 256);
        ck_assert_msg(fake.n_ev == 1 && !running(u), "case %u", i);
        ck_assert_int_eq(fake.ev[0].code, AMDVI_EVENT_ILLEGAL_COMMAND_ERROR);
        unit_free(u);
    }
}
END_TEST

START_TEST(test_amdvi_cmd_efr_gated_opcodes)
{
    /* Without PreF, PPR, IA (and never the vIOMMU 9h/Ah): illegal. */
    static const unsigned ops[] = { AMDVI_CMD_PREFETCH_IOMMU_PAGES,
                                    AMDVI_CMD_COMPLETE_PPR_REQUEST,
                                    AMDVI_CMD_INVALIDATE_IOMMU_ALL,
                                    AMDVI_CMD_INSERT_GUEST_EVENT,
                                    AMDVI_CMD_RESET_VMMIO, 0xb, 0xf };

    for (unsigned i = 0; i < G_N_ELEMENTS(ops); i++) {
        Unit *u = unit_new(0);
        uint64_t c[1][2] = { { (uint64_t)ops[i] << 60, 0 } };

        cmd_enable(u, 8);
        submit(u, 0, c, 1, 256);
        ck_assert_msg(fake.n_ev == 1, "opcode %x", ops[i]);
        unit_free(u);
    }
}
END_TEST

START_TEST(test_amdvi_cmd_fetch_failure_is_hw_error)
{
    Unit *u = unit_new(EFR_QEMU);

    wr(u, AMDVI_REG_CMD_BUF_BASE, (RAM_SIZE + 0x1000) | 8ull << 56, 8);
    ctrl(u, AMDVI_CONTROL_CMD_BUF_EN_MASK | AMDVI_CONTROL_IOMMU_EN_MASK);
    wr(u, AMDVI_REG_CMD_BUF_TAIL, 16, 4);
    ck_assert_uint_eq(fake.n_ev, 1);
    ck_assert_int_eq(fake.ev[0].code, AMDVI_EVENT_COMMAND_HARDWARE_ERROR);
    ck_assert_uint_eq(fake.ev[0].addr, RAM_SIZE + 0x1000);
    ck_assert(!running(u));
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_invalidate_devtab_entry)
{
    Unit *u = unit_new(EFR_QEMU);
    AMDVIDteCacheEntry d = { { 3 } };
    uint64_t c[1][2];

    cmd_enable(u, 8);
    amdvi_dte_cache_insert(u->s.caches, 0x0010, &d);
    amdvi_dte_cache_insert(u->s.caches, 0x0100, &d);
    inv_devtab(c[0], 0x0100);
    submit(u, 0, c, 1, 256);
    ck_assert(amdvi_dte_cache_lookup(u->s.caches, 0x0010, NULL));
    ck_assert(!amdvi_dte_cache_lookup(u->s.caches, 0x0100, NULL));
    ck_assert_uint_eq(u->s.cmd->by_opcode[AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY],
                      1);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_invalidate_iommu_pages_ranges)
{
    Unit *u = unit_new(EFR_QEMU);
    AMDVIPdcEntry pde = { .pde = 0x5001 | (1ull << 9), .perm = IOMMU_RW };
    uint64_t c[3][2];
    unsigned left = 0;

    cmd_enable(u, 8);
    for (unsigned i = 0; i < 16; i++) {
        AMDVIIotlbEntry e = { .page_addr = 0x100000 + i * 0x1000,
                              .page_shift = 12, .level = 1,
                              .perm = IOMMU_RW };

        amdvi_iotlb_insert(u->s.caches, 2, i * 0x1000ull, &e);
    }
    amdvi_pdc_insert(u->s.caches, 2, 0, 2, &pde);
    inv_pages(c[0], 2, 0x5000, false, false);   /* page 5 only */
    inv_pages(c[1], 2, 0x8000 | 0x1000, true, false);   /* 16 KiB at 8000 */
    inv_pages(c[2], 3, 0x7ffffffffffff000ull, true, true); /* other domain */
    submit(u, 0, c, 3, 256);
    for (unsigned i = 0; i < 16; i++) {
        bool hit = amdvi_iotlb_lookup(u->s.caches, 2, i * 0x1000ull, 3);

        ck_assert_msg(hit == !(i == 5 || (i >= 8 && i < 12)), "page %u", i);
        left += hit;
    }
    ck_assert_uint_eq(left, 11);
    ck_assert(amdvi_pdc_lookup(u->s.caches, 2, 0, 3, NULL));
    inv_pages(c[0], 2, 0x7ffffffffffff000ull, true, true);  /* all, PDE */
    submit(u, 3, c, 1, 256);
    ck_assert_uint_eq(timing_cache_occupancy(u->s.caches->iotlb), 0);
    ck_assert(!amdvi_pdc_lookup(u->s.caches, 2, 0, 3, NULL));
    unit_free(u);
}
END_TEST

static unsigned devtlb_events;
static IOMMUTLBEntry devtlb_last;

static void devtlb_notify(IOMMUNotifier *n, const IOMMUTLBEvent *ev)
{
    devtlb_events++;
    devtlb_last = ev->entry;
}

START_TEST(test_amdvi_cmd_invalidate_iotlb_pages_notifies)
{
    Unit *u = unit_new(EFR_QEMU);
    AMDVIAddressSpace *sp;
    IOMMUNotifier n;
    uint64_t c[1][2] = { { 0, 0 } };

    cmd_enable(u, 8);
    amdvi_dma_as(&u->s, 0x0018);
    sp = (AMDVIAddressSpace *)iommu_requester_space_lookup(u->s.spaces, 0x18);
    iommu_notifier_init(&n, devtlb_notify, IOMMU_NOTIFIER_DEVIOTLB_UNMAP, 0,
                        UINT64_MAX, NULL);
    memory_region_register_iommu_notifier(&sp->rs.iommu, &n);
    devtlb_events = 0;
    amdvi_cmd_invalidate_iotlb_pages_set_opcode(c[0],
        AMDVI_CMD_INVALIDATE_IOTLB_PAGES);
    amdvi_cmd_invalidate_iotlb_pages_set_device_id(c[0], 0x0018);
    amdvi_cmd_invalidate_iotlb_pages_set_s(c[0], 1);
    amdvi_cmd_invalidate_iotlb_pages_set_address(c[0], 0x40000 >> 12 | 1);
    submit(u, 0, c, 1, 256);
    ck_assert_uint_eq(devtlb_events, 1);
    ck_assert_uint_eq(devtlb_last.iova, 0x40000);
    ck_assert_uint_eq(devtlb_last.addr_mask, 0x3fff);
    /* Another device's command reaches nobody here. */
    amdvi_cmd_invalidate_iotlb_pages_set_device_id(c[0], 0x0019);
    submit(u, 1, c, 1, 256);
    ck_assert_uint_eq(devtlb_events, 1);
    memory_region_unregister_iommu_notifier(&sp->rs.iommu, &n);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_invalidate_interrupt_table)
{
    Unit *u = unit_new(EFR_QEMU);
    AMDVIIrteCacheEntry e = { { 1, 0 } };
    uint64_t c[1][2] = { { 0, 0 } };

    cmd_enable(u, 8);
    amdvi_irte_cache_insert(u->s.caches, 0x20, 3, &e);
    amdvi_irte_cache_insert(u->s.caches, 0x21, 3, &e);
    amdvi_cmd_invalidate_interrupt_table_set_opcode(c[0],
        AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE);
    amdvi_cmd_invalidate_interrupt_table_set_device_id(c[0], 0x20);
    submit(u, 0, c, 1, 256);
    ck_assert(!amdvi_irte_cache_lookup(u->s.caches, 0x20, 3, NULL));
    ck_assert(amdvi_irte_cache_lookup(u->s.caches, 0x21, 3, NULL));
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_prefetch_inval_and_lookups)
{
    Unit *u = unit_new(EFR_QEMU);
    AMDVIIotlbEntry e = { .page_addr = 0x9000, .page_shift = 12, .level = 1,
                          .perm = IOMMU_RW };
    uint64_t c[1][2] = { { 0, 0 } };

    cmd_enable(u, 8);
    fake.dte_domain = 6;
    amdvi_iotlb_insert(u->s.caches, 6, 0x3000, &e);
    amdvi_cmd_prefetch_iommu_pages_set_opcode(c[0],
        AMDVI_CMD_PREFETCH_IOMMU_PAGES);
    amdvi_cmd_prefetch_iommu_pages_set_device_id(c[0], 0x30);
    amdvi_cmd_prefetch_iommu_pages_set_pf_count(c[0], 2);
    amdvi_cmd_prefetch_iommu_pages_set_s(c[0], 1);
    amdvi_cmd_prefetch_iommu_pages_set_inval(c[0], 1);
    amdvi_cmd_prefetch_iommu_pages_set_address(c[0], 0x2000 >> 12); /* 8K */
    submit(u, 0, c, 1, 256);
    ck_assert_uint_eq(fake.n_ev, 0);
    ck_assert_ptr_null(amdvi_iotlb_lookup(u->s.caches, 6, 0x3000, 3));
    ck_assert_uint_eq(fake.translates, 2);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_complete_ppr_recorded)
{
    Unit *u = unit_new(EFR_QEMU);
    uint64_t c[1][2] = { { 0, 0 } };
    const AMDVIPprCompletion *p;

    cmd_enable(u, 8);
    amdvi_cmd_complete_ppr_request_set_opcode(c[0],
        AMDVI_CMD_COMPLETE_PPR_REQUEST);
    amdvi_cmd_complete_ppr_request_set_device_id(c[0], 0x0208);
    amdvi_cmd_complete_ppr_request_set_pasid(c[0], 0x12345);
    amdvi_cmd_complete_ppr_request_set_gn(c[0], 1);
    amdvi_cmd_complete_ppr_request_set_completion_tag(c[0], 0x1ab);
    amdvi_cmd_complete_ppr_request_set_ppr_status(c[0], 0xf);
    submit(u, 0, c, 1, 256);
    ck_assert_uint_eq(u->s.cmd->ppr_completions->len, 1);
    p = &g_array_index(u->s.cmd->ppr_completions, AMDVIPprCompletion, 0);
    ck_assert_uint_eq(p->devid, 0x0208);
    ck_assert_uint_eq(p->pasid, 0x12345);
    ck_assert(p->gn);
    ck_assert_uint_eq(p->tag, 0x1ab);
    ck_assert_uint_eq(p->status, 0xf);
    amdvi_cmd_reset(&u->s);
    ck_assert_uint_eq(u->s.cmd->ppr_completions->len, 0);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_invalidate_iommu_all)
{
    Unit *u = unit_new(EFR_QEMU);
    AMDVIDteCacheEntry d = { { 1 } };
    AMDVIIrteCacheEntry ir = { { 1, 0 } };
    uint64_t c[1][2] = { { (uint64_t)AMDVI_CMD_INVALIDATE_IOMMU_ALL << 60,
                           0 } };
    uint64_t v;

    cmd_enable(u, 8);
    amdvi_dte_cache_insert(u->s.caches, 1, &d);
    amdvi_irte_cache_insert(u->s.caches, 1, 0, &ir);
    submit(u, 0, c, 1, 256);
    ck_assert(!amdvi_dte_cache_lookup(u->s.caches, 1, NULL));
    ck_assert(!amdvi_irte_cache_lookup(u->s.caches, 1, 0, NULL));
    ck_assert(amdvi_cache_stat(u->s.caches, "cmd_processed_inv", &v));
    ck_assert_uint_eq(v, 1);
    ck_assert(amdvi_cache_stat(u->s.caches, "tlb_inv", &v));
    ck_assert_uint_eq(v, 1);
    unit_free(u);
}
END_TEST

START_TEST(test_amdvi_cmd_budget_and_stats)
{
    Unit *u = unit_new(EFR_QEMU);
    uint64_t c[4][2];
    GString *st = g_string_new(NULL);

    wr(u, AMDVI_REG_CMD_BUF_BASE, CMD_BASE | 8ull << 56, 8);
    for (unsigned i = 0; i < 4; i++) {
        inv_devtab(c[i], (uint16_t)i);
        put_cmd(u, i, c[i]);
    }
    wr(u, AMDVI_REG_CMD_BUF_TAIL, 64, 4);       /* not running yet */
    wr(u, AMDVI_REG_CONTROL, AMDVI_CONTROL_CMD_BUF_EN_MASK |
                             AMDVI_CONTROL_IOMMU_EN_MASK, 8);
    amdvi_reg_update(&u->s, AMDVI_RI_STATUS, 0,
                     AMDVI_STATUS_CMD_BUF_RUN_MASK);
    ck_assert_uint_eq(amdvi_cmd_process(&u->s, 3), 3);
    ck_assert_uint_eq(head(u), 48);
    ck_assert_uint_eq(amdvi_cmd_process(&u->s, 0), 1);
    ck_assert_uint_eq(amdvi_cmd_process(&u->s, 0), 0);
    amdvi_cmd_stats(&u->s, st);
    ck_assert_ptr_nonnull(strstr(st->str, "amdvi.cmd.done=4"));
    ck_assert_ptr_null(strstr(st->str, "cmd_processed="));
    {
        uint64_t v = 0;

        ck_assert(amdvi_cache_stat(u->s.caches, "cmd_processed", &v));
        ck_assert_uint_eq(v, 4);
    }
    g_string_free(st, TRUE);
    unit_free(u);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("amdvi-cmd");
    TCase *tc = tcase_create("cmd");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_amdvi_cmd_ring_size_encoding);
    tcase_add_test(tc, test_amdvi_cmd_run_needs_cmdbufen_and_iommuen);
    tcase_add_test(tc, test_amdvi_cmd_head_wraps_to_zero);
    tcase_add_test(tc, test_amdvi_cmd_base_write_resets_pointers);
    tcase_add_test(tc, test_amdvi_cmd_completion_wait_store_is_64bit);
    tcase_add_test(tc, test_amdvi_cmd_completion_wait_after_earlier_commands);
    tcase_add_test(tc, test_amdvi_cmd_completion_wait_interrupt);
    tcase_add_test(tc, test_amdvi_cmd_illegal_stops_and_resumes);
    tcase_add_test(tc, test_amdvi_cmd_reserved_bits_illegal);
    tcase_add_test(tc, test_amdvi_cmd_efr_gated_opcodes);
    tcase_add_test(tc, test_amdvi_cmd_fetch_failure_is_hw_error);
    tcase_add_test(tc, test_amdvi_cmd_invalidate_devtab_entry);
    tcase_add_test(tc, test_amdvi_cmd_invalidate_iommu_pages_ranges);
    tcase_add_test(tc, test_amdvi_cmd_invalidate_iotlb_pages_notifies);
    tcase_add_test(tc, test_amdvi_cmd_invalidate_interrupt_table);
    tcase_add_test(tc, test_amdvi_cmd_prefetch_inval_and_lookups);
    tcase_add_test(tc, test_amdvi_cmd_complete_ppr_recorded);
    tcase_add_test(tc, test_amdvi_cmd_invalidate_iommu_all);
    tcase_add_test(tc, test_amdvi_cmd_budget_and_stats);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
