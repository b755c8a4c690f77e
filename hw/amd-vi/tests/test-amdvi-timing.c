/*
 * AMD-Vi under the hw/timing cost model (docs/timing.md): the timing= and
 * timing-trace= properties, identical functional results under
 * timing=ideal and timing=broadwell-ep over a mixed scenario
 * (translations, faults, event log, command buffer with remaps and
 * COMPLETION_WAIT stores, counters), zero cost when ideal, determinism,
 * costs that follow the path, and the command buffer's completions
 * (head, store, ComWaitInt) at the modelled time (AMD IOMMU spec 48882
 * §2.4.1).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <unistd.h>

#include "amdvi-test-util.h"
#include "specs/amdvi-commands.h"

#define TT_DEV 0x0010
#define TT_DOM 0x42
#define TT_N 3000
#define TT_CMDBUF 0x800000ull       /* 256 commands = 4 KiB */
#define TT_STORE 0x900000ull        /* COMPLETION_WAIT store words */
#define TT_IOVA 0x40000000ull
#define TT_BIG 0x60000000ull        /* one 2 MiB page */

typedef struct TTRecord {
    IOMMUTLBEntry entry;
    bool fault;
    uint32_t fault_code;
    uint64_t ns, cycles, mem_reads;
} TTRecord;

/* Map iova -> pa with a leaf at leaf_level under a mode-`mode` root. */
static void tt_map(ATest *t, uint64_t root, unsigned mode, uint64_t iova,
                   uint64_t pa, unsigned leaf_level, bool iw)
{
    uint64_t table = root;

    for (unsigned l = mode; l > leaf_level; l--) {
        uint64_t a = table + at_idx(iova, l) * 8, e = at_r64(t, a);

        if (!amdvi_pde_get_pr(e)) {
            e = at_pde(at_alloc(t), l - 1, true, true);
            at_w64(t, a, e);
        }
        table = amdvi_pde_get_addr(e) << 12;
    }
    at_w64(t, table + at_idx(iova, leaf_level) * 8, at_pte(pa, true, iw));
}

/* Address of iova's level-1 PTE (tables built by tt_map). */
static uint64_t tt_pte_addr(ATest *t, uint64_t root, uint64_t iova)
{
    uint64_t table = root;

    for (unsigned l = 3; l > 1; l--) {
        table = amdvi_pde_get_addr(at_r64(t, table + at_idx(iova, l) * 8))
                << 12;
    }
    return table + at_idx(iova, 1) * 8;
}

/* Command buffer of 256 entries, ComWaitIntEn, running. */
static void tt_cmd_enable(ATest *t)
{
    at_wr(t, AMDVI_REG_CMD_BUF_BASE, TT_CMDBUF | (8ull << 56), 8);
    at_wr(t, AMDVI_REG_CMD_BUF_HEAD, 0, 8);
    at_wr(t, AMDVI_REG_CMD_BUF_TAIL, 0, 8);
    at_wr(t, AMDVI_REG_CONTROL, at_rd(t, AMDVI_REG_CONTROL, 8) |
          AMDVI_CONTROL_CMD_BUF_EN_MASK |
          AMDVI_CONTROL_COM_WAIT_INT_EN_MASK, 8);
}

/* Append commands at the tail and publish them with one 32-bit store. */
static void tt_submit(ATest *t, const uint64_t (*c)[2], unsigned n)
{
    uint64_t tail = at_rd(t, AMDVI_REG_CMD_BUF_TAIL, 8);

    for (unsigned i = 0; i < n; i++) {
        at_w64(t, TT_CMDBUF + tail, c[i][0]);
        at_w64(t, TT_CMDBUF + tail + 8, c[i][1]);
        tail = (tail + 16) % 4096;
    }
    at_wr(t, AMDVI_REG_CMD_BUF_TAIL, tail, 4);
}

static void tt_inv_page(uint64_t c[2], uint64_t iova)
{
    c[0] = c[1] = 0;
    amdvi_cmd_invalidate_iommu_pages_set_opcode(c,
        AMDVI_CMD_INVALIDATE_IOMMU_PAGES);
    amdvi_cmd_invalidate_iommu_pages_set_domain_id(c, TT_DOM);
    amdvi_cmd_invalidate_iommu_pages_set_address(c, iova >> 12);
}

static void tt_wait(uint64_t c[2], uint64_t addr, uint64_t data, bool irq)
{
    c[0] = c[1] = 0;
    amdvi_cmd_completion_wait_set_opcode(c, AMDVI_CMD_COMPLETION_WAIT);
    amdvi_cmd_completion_wait_set_s(c, 1);
    amdvi_cmd_completion_wait_set_i(c, irq);
    amdvi_cmd_completion_wait_set_store_addr(c, addr >> 3);
    amdvi_cmd_completion_wait_set_store_data(c, data);
}

/* Mode 3: 600 pages (every 7th read-only), a 2 MiB page, holes. */
static ATest *tt_setup(const char *timing, uint64_t *root_out)
{
    char *props = g_strdup_printf("timing=%s", timing);
    ATest *t = at_new(props);
    uint64_t root = at_alloc(t);

    for (uint64_t i = 0; i < 600; i++) {
        tt_map(t, root, 3, TT_IOVA + i * 0x1000, 0x8000000 + i * 0x1000, 1,
               (i % 7) != 0);
    }
    tt_map(t, root, 3, TT_BIG, 0x20000000, 2, true);
    at_enable(t);
    at_dte_xlate(t, TT_DEV, 3, root, true, true, TT_DOM);
    tt_cmd_enable(t);
    *root_out = root;
    g_free(props);
    return t;
}

/* Every 250th translation remaps a page and invalidates it with a wait. */
static void tt_remap(ATest *t, uint64_t root, int i)
{
    uint64_t iova = TT_IOVA + (uint64_t)(i % 600) * 0x1000, c[2][2];

    at_w64(t, tt_pte_addr(t, root, iova),
           at_pte(0x10000000 + (uint64_t)i * 0x1000, true, true));
    tt_inv_page(c[0], iova);
    tt_wait(c[1], TT_STORE + (uint64_t)(i / 250) * 8, 0x1000 + i, true);
    tt_submit(t, (const uint64_t (*)[2])c, 2);
}

/* The same pseudo-random scenario of reads and writes, hits and faults. */
static void tt_run(ATest *t, uint64_t root, TTRecord *rec)
{
    GRand *r = g_rand_new_with_seed(11);

    for (int i = 0; i < TT_N; i++) {
        uint64_t iova = g_rand_boolean(r)
            ? TT_IOVA + g_rand_int_range(r, 0, 700) * 0x1000ull
            : TT_BIG + g_rand_int_range(r, 0, 512) * 0x1000ull;
        IOMMUAccessFlags acc = g_rand_int_range(r, 0, 4) ? IOMMU_RO
                                                         : IOMMU_WO;
        IOMMUTranslation out = at_xlate(t, TT_DEV, iova + 8, acc);

        rec[i].entry = out.entry;
        rec[i].fault = out.fault;
        rec[i].fault_code = out.fault_code;
        rec[i].ns = out.cost.ns;
        rec[i].cycles = out.cost.cycles;
        rec[i].mem_reads = out.cost.mem_reads;
        if (i % 250 == 249) {
            tt_remap(t, root, i);
        }
        if (i % 100 == 99) {
            vclock_advance_to(t->clk, vclock_now(t->clk) + 5000);
        }
    }
    g_rand_free(r);
}

/* Stats text without the timing words (they differ by design). */
static char *tt_functional_stats(ATest *t)
{
    char *all = amdvi_stats_text(t->s);
    char *cut = strstr(all, " timing=");

    ck_assert_ptr_nonnull(cut);
    *cut = '\0';
    return all;
}

static void tt_assert_same_entry(const TTRecord *a, const TTRecord *b)
{
    ck_assert_int_eq(a->fault, b->fault);
    ck_assert_uint_eq(a->fault_code, b->fault_code);
    ck_assert_uint_eq(a->entry.iova, b->entry.iova);
    ck_assert_uint_eq(a->entry.translated_addr, b->entry.translated_addr);
    ck_assert_uint_eq(a->entry.addr_mask, b->entry.addr_mask);
    ck_assert_int_eq(a->entry.perm, b->entry.perm);
    ck_assert_uint_eq(a->mem_reads, b->mem_reads);
}

START_TEST(test_amdvi_timing_functional_equivalence_ideal_broadwell)
{
    uint64_t ra_root, rb_root;
    ATest *a = tt_setup("ideal", &ra_root), *b = tt_setup("broadwell-ep",
                                                          &rb_root);
    TTRecord *ra = g_new0(TTRecord, TT_N), *rb = g_new0(TTRecord, TT_N);
    unsigned faults = 0, remapped = 0;
    char *sa, *sb;

    tt_run(a, ra_root, ra);
    tt_run(b, rb_root, rb);
    vclock_advance_to(b->clk, vclock_now(b->clk) + 100000);
    for (int i = 0; i < TT_N; i++) {
        tt_assert_same_entry(&ra[i], &rb[i]);
        faults += ra[i].fault;
        remapped += !ra[i].fault &&
                    ra[i].entry.translated_addr >= 0x10000000 &&
                    ra[i].entry.translated_addr < 0x20000000;
    }
    ck_assert_uint_gt(faults, 100);     /* the scenario does fault */
    ck_assert_uint_gt(remapped, 0);     /* and sees remapped pages */
    /* Same event log, same stores, same head, same STATUS. */
    ck_assert_uint_eq(at_nevents(a), at_nevents(b));
    ck_assert_uint_gt(at_nevents(a), 10);
    for (unsigned n = 0; n < at_nevents(a); n++) {
        uint64_t wa[2], wb[2];

        at_event(a, n, wa);
        at_event(b, n, wb);
        ck_assert_uint_eq(wa[0], wb[0]);
        ck_assert_uint_eq(wa[1], wb[1]);
    }
    for (unsigned k = 0; k < TT_N / 250; k++) {
        ck_assert_uint_eq(at_r64(a, TT_STORE + k * 8), 0x1000 + k * 250 + 249);
        ck_assert_uint_eq(at_r64(b, TT_STORE + k * 8), 0x1000 + k * 250 + 249);
    }
    ck_assert_uint_eq(at_rd(a, AMDVI_REG_CMD_BUF_HEAD, 8),
                      at_rd(b, AMDVI_REG_CMD_BUF_HEAD, 8));
    ck_assert_uint_eq(at_rd(a, AMDVI_REG_STATUS, 8),
                      at_rd(b, AMDVI_REG_STATUS, 8));
    ck_assert_uint_eq(msi_sink_count(a->msi), msi_sink_count(b->msi));
    sa = tt_functional_stats(a);
    sb = tt_functional_stats(b);
    ck_assert_str_eq(sa, sb);
    g_free(sa);
    g_free(sb);
    g_free(ra);
    g_free(rb);
    at_free(a);
    at_free(b);
}
END_TEST

START_TEST(test_amdvi_timing_ideal_costs_nothing)
{
    uint64_t root;
    ATest *t = tt_setup("ideal", &root);
    TTRecord *rec = g_new0(TTRecord, TT_N);
    char *st;

    tt_run(t, root, rec);
    for (int i = 0; i < TT_N; i++) {
        ck_assert_uint_eq(rec[i].ns, 0);
        ck_assert_uint_eq(rec[i].cycles, 0);
    }
    st = amdvi_stats_text(t->s);
    ck_assert_ptr_nonnull(strstr(st, " timing=ideal"));
    ck_assert_ptr_nonnull(strstr(st, " timing_translations=3000"));
    ck_assert_ptr_nonnull(strstr(st, " timing_inv_wait=12"));
    ck_assert_ptr_nonnull(strstr(st, " timing_inv_iotlb_page=12"));
    g_free(st);
    g_free(rec);
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_timing_deterministic_costs)
{
    uint64_t ra_root, rb_root;
    ATest *a = tt_setup("broadwell-ep", &ra_root);
    ATest *b = tt_setup("broadwell-ep", &rb_root);
    TTRecord *ra = g_new0(TTRecord, TT_N), *rb = g_new0(TTRecord, TT_N);
    uint64_t sum = 0;
    char *sa, *sb;

    tt_run(a, ra_root, ra);
    tt_run(b, rb_root, rb);
    for (int i = 0; i < TT_N; i++) {
        ck_assert_uint_eq(ra[i].ns, rb[i].ns);
        ck_assert_uint_eq(ra[i].cycles, rb[i].cycles);
        sum += ra[i].ns;
    }
    ck_assert_uint_gt(sum, 0);
    sa = amdvi_stats_text(a->s);
    sb = amdvi_stats_text(b->s);
    ck_assert_str_eq(sa, sb);           /* timing counters included */
    ck_assert_ptr_nonnull(strstr(sa, " timing=broadwell-ep"));
    g_free(sa);
    g_free(sb);
    g_free(ra);
    g_free(rb);
    at_free(a);
    at_free(b);
}
END_TEST

/* Cold walk > walk resumed from the PDE cache > IOTLB hit > 0. */
START_TEST(test_amdvi_timing_costs_follow_the_path)
{
    uint64_t root;
    ATest *t = tt_setup("broadwell-ep", &root);
    const TimingProfile *p = timing_profile_find("broadwell-ep");
    IOMMUTranslation cold, warm, hit;

    cold = at_xlate(t, TT_DEV, TT_IOVA, IOMMU_RO);
    vclock_advance_to(t->clk, 100000);
    warm = at_xlate(t, TT_DEV, TT_IOVA + 0x1000, IOMMU_RO);
    vclock_advance_to(t->clk, 200000);
    hit = at_xlate(t, TT_DEV, TT_IOVA + 0x1000, IOMMU_RO);
    ck_assert(!cold.fault && !warm.fault && !hit.fault);
    /* DTE + 3 levels; then only the PTE below the cached level-2 PDE. */
    ck_assert_uint_eq(cold.cost.mem_reads, 4);
    ck_assert_uint_eq(warm.cost.mem_reads, 1);
    ck_assert_uint_eq(hit.cost.mem_reads, 0);
    ck_assert_uint_ge(cold.cost.ns, 4ull * p->table_read_ns);
    ck_assert_uint_ge(warm.cost.ns, p->table_read_ns);
    ck_assert_uint_lt(warm.cost.ns, 2ull * p->table_read_ns);
    /* A hit costs the DTE-cache and IOTLB probes of the pipeline. */
    ck_assert_uint_eq(hit.cost.ns, timing_cycles_to_ns(p,
        p->lookup_cycles[TIMING_LOOKUP_CONFIG] +
        p->lookup_cycles[TIMING_LOOKUP_IOTLB]));
    ck_assert_uint_gt(hit.cost.ns, 0);
    ck_assert(hit.cost.events & IOMMU_EV_IOTLB_HIT);
    at_free(t);
}
END_TEST

/* Misses arriving at one instant queue for the walker's slots. */
START_TEST(test_amdvi_timing_walker_queues_at_one_instant)
{
    uint64_t root;
    ATest *t = tt_setup("broadwell-ep", &root);
    const TimingProfile *p = timing_profile_find("broadwell-ep");
    uint64_t first = 0, last = 0;
    TimingStats st;

    at_xlate(t, TT_DEV, TT_IOVA, IOMMU_RO);     /* warm DTE and PDEs */
    vclock_advance_to(t->clk, 100000);
    for (unsigned i = 1; i <= 2 * p->walk_slots; i++) {
        IOMMUTranslation x = at_xlate(t, TT_DEV, TT_IOVA + i * 0x1000,
                                      IOMMU_RO);

        first = i == 1 ? x.cost.ns : first;
        last = x.cost.ns;
    }
    ck_assert_uint_gt(last, first + p->table_read_ns);
    timing_model_get_stats(t->s->timing, &st);
    ck_assert_uint_eq(st.walks_queued, p->walk_slots);
    at_free(t);
}
END_TEST

/* The modelled completion of n commands of kinds k[] from an idle unit. */
static int64_t tt_inv_ns(const TimingProfile *p, const TimingInvKind *k,
                         unsigned n)
{
    int64_t ns = 0;

    for (unsigned i = 0; i < n; i++) {
        ns += p->inv_fetch_ns +
              (int64_t)timing_cycles_to_ns(p, p->inv_cycles[k[i]]);
    }
    return ns;
}

START_TEST(test_amdvi_timing_completion_wait_store_after_modelled_time)
{
    uint64_t root, c[2][2];
    ATest *t = tt_setup("broadwell-ep", &root);
    const TimingProfile *p = timing_profile_find("broadwell-ep");
    static const TimingInvKind k[] = { TIMING_INV_IOTLB_PAGE,
                                       TIMING_INV_WAIT };
    int64_t t0, first, done;

    vclock_advance_to(t->clk, 1000);
    t0 = vclock_now(t->clk);
    first = t0 + tt_inv_ns(p, k, 1);
    done = t0 + tt_inv_ns(p, k, 2);
    tt_inv_page(c[0], TT_IOVA);
    tt_wait(c[1], TT_STORE, 0xfeedfacecafe0001ull, true);
    tt_submit(t, (const uint64_t (*)[2])c, 2);
    /* Fetched, not complete: head, store and ComWaitInt all wait. */
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_CMD_BUF_HEAD, 8), 0);
    ck_assert_uint_eq(at_r64(t, TT_STORE), 0);
    ck_assert(!(at_rd(t, AMDVI_REG_STATUS, 8) &
                AMDVI_STATUS_COM_WAIT_INT_MASK));
    vclock_advance_to(t->clk, first);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_CMD_BUF_HEAD, 8), 16);
    vclock_advance_to(t->clk, done - 1);
    ck_assert_uint_eq(at_r64(t, TT_STORE), 0);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_CMD_BUF_HEAD, 8), 16);
    vclock_advance_to(t->clk, done);
    ck_assert_uint_eq(at_r64(t, TT_STORE), 0xfeedfacecafe0001ull);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_CMD_BUF_HEAD, 8), 32);
    ck_assert(at_rd(t, AMDVI_REG_STATUS, 8) & AMDVI_STATUS_COM_WAIT_INT_MASK);
    ck_assert_uint_eq(msi_sink_count(t->msi), 0);   /* MSI not enabled */
    at_free(t);
}
END_TEST

/* A second batch queues behind the first: the unit is in order. */
/*
 * §2.5.7 / 2.4.1: a COMPLETION_WAIT whose store fails (no memory there)
 * is COMMAND_HARDWARE_ERROR: the event names the wait command's address
 * (as ILLEGAL_COMMAND_ERROR does, docs/amdvi.md), the buffer stops (CmdBufRun clear) with the head on the wait, and commands
 * fetched behind it never complete.  At the modelled time with a profile,
 * at once without.
 */
static void tt_failed_store(const char *timing)
{
    uint64_t root, c[3][2], w[2];
    ATest *t = tt_setup(timing, &root);
    uint64_t bad = AT_RAM_SIZE + 0x10000;

    vclock_advance_to(t->clk, 1000);
    tt_inv_page(c[0], TT_IOVA);
    tt_wait(c[1], bad, 1, true);
    tt_wait(c[2], TT_STORE, 2, false);
    tt_submit(t, (const uint64_t (*)[2])c, 3);
    vclock_advance_to(t->clk, vclock_now(t->clk) + 1000000);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_CMD_BUF_HEAD, 8), 16);
    ck_assert(!(at_rd(t, AMDVI_REG_STATUS, 8) &
                AMDVI_STATUS_CMD_BUF_RUN_MASK));
    ck_assert(!(at_rd(t, AMDVI_REG_STATUS, 8) &
                AMDVI_STATUS_COM_WAIT_INT_MASK));
    ck_assert_uint_eq(at_r64(t, TT_STORE), 0);      /* dropped behind it */
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EVENT_LOG_TAIL, 8), 16);
    at_event(t, 0, w);
    ck_assert_uint_eq(amdvi_event_get_event_code(w),
                      AMDVI_EVENT_COMMAND_HARDWARE_ERROR);
    ck_assert_uint_eq(w[1] & ~0xfull, TT_CMDBUF + 16);
    at_free(t);
}

START_TEST(test_amdvi_timing_failed_store_stops_the_buffer)
{
    tt_failed_store("broadwell-ep");
    tt_failed_store("ideal");
}
END_TEST

START_TEST(test_amdvi_timing_commands_complete_in_order)
{
    uint64_t root, c[2];
    ATest *t = tt_setup("broadwell-ep", &root);
    const TimingProfile *p = timing_profile_find("broadwell-ep");
    static const TimingInvKind k[] = { TIMING_INV_WAIT, TIMING_INV_WAIT };
    int64_t t0 = vclock_now(t->clk);

    tt_wait(c, TT_STORE, 1, false);
    tt_submit(t, (const uint64_t (*)[2])&c, 1);
    tt_wait(c, TT_STORE + 8, 2, false);
    tt_submit(t, (const uint64_t (*)[2])&c, 1);
    vclock_advance_to(t->clk, t0 + tt_inv_ns(p, k, 1));
    ck_assert_uint_eq(at_r64(t, TT_STORE), 1);
    ck_assert_uint_eq(at_r64(t, TT_STORE + 8), 0);
    vclock_advance_to(t->clk, t0 + tt_inv_ns(p, k, 2));
    ck_assert_uint_eq(at_r64(t, TT_STORE + 8), 2);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_CMD_BUF_HEAD, 8), 32);
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_timing_completion_wait_at_once_when_ideal)
{
    uint64_t root, c[2][2];
    ATest *t = tt_setup("ideal", &root);

    tt_inv_page(c[0], TT_IOVA);
    tt_wait(c[1], TT_STORE, 7, true);
    tt_submit(t, (const uint64_t (*)[2])c, 2);
    ck_assert_uint_eq(at_r64(t, TT_STORE), 7);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_CMD_BUF_HEAD, 8), 32);
    ck_assert(at_rd(t, AMDVI_REG_STATUS, 8) & AMDVI_STATUS_COM_WAIT_INT_MASK);
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_timing_reset_drops_pending_completions)
{
    uint64_t root, c[2];
    ATest *t = tt_setup("broadwell-ep", &root);

    tt_wait(c, TT_STORE, 9, true);
    tt_submit(t, (const uint64_t (*)[2])&c, 1);
    amdvi_reset(t->s);
    vclock_advance_to(t->clk, 1000000);
    ck_assert_uint_eq(at_r64(t, TT_STORE), 0);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_CMD_BUF_HEAD, 8), 0);
    ck_assert(!(at_rd(t, AMDVI_REG_STATUS, 8) &
                AMDVI_STATUS_COM_WAIT_INT_MASK));
    at_free(t);
}
END_TEST

/* An illegal command behind pending ones: the head stops on it. */
START_TEST(test_amdvi_timing_illegal_command_head_stops_on_it)
{
    uint64_t root, c[2][2];
    ATest *t = tt_setup("broadwell-ep", &root);

    tt_wait(c[0], TT_STORE, 5, false);
    c[1][0] = 0xfull << 60;     /* opcode 0Fh: not a command */
    c[1][1] = 0;
    tt_submit(t, (const uint64_t (*)[2])c, 2);
    ck_assert(!(at_rd(t, AMDVI_REG_STATUS, 8) &
                AMDVI_STATUS_CMD_BUF_RUN_MASK));
    vclock_advance_to(t->clk, 1000000);
    ck_assert_uint_eq(at_r64(t, TT_STORE), 5);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_CMD_BUF_HEAD, 8), 16);
    ck_assert_uint_eq(at_nevents(t), 1);
    at_free(t);
}
END_TEST

START_TEST(test_amdvi_timing_trace_written)
{
    char path[] = "/tmp/amdvi-trace-XXXXXX";
    int fd = mkstemp(path);
    char *props, *text = NULL;
    ATest *t;
    uint64_t root;

    ck_assert_int_ge(fd, 0);
    close(fd);
    props = g_strdup_printf("timing=broadwell-ep,timing-trace=%s", path);
    t = at_new(props);
    root = at_alloc(t);
    tt_map(t, root, 3, TT_IOVA, 0x8000000, 1, true);
    at_enable(t);
    at_dte_xlate(t, TT_DEV, 3, root, true, true, TT_DOM);
    at_xlate(t, TT_DEV, TT_IOVA, IOMMU_RO);
    at_free(t);
    ck_assert(g_file_get_contents(path, &text, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(text, "\"amd-iommu\""));
    ck_assert_ptr_nonnull(strstr(text, "\"translate\""));
    ck_assert_ptr_nonnull(strstr(text, "iotlb miss"));
    ck_assert_ptr_nonnull(strstr(text, "\"read\""));
    g_free(text);
    g_free(props);
    unlink(path);
}
END_TEST

START_TEST(test_amdvi_timing_bad_profile_names_the_property)
{
    AMDVIProps p;
    GError *err = NULL;

    amdvi_props_default(&p);
    ck_assert(!amdvi_props_set(&p, "timing", "skylake-x", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "'timing'"));
    ck_assert_ptr_nonnull(strstr(err->message, "broadwell-ep"));
    g_clear_error(&err);
    ck_assert(amdvi_props_set(&p, "timing", "broadwell-ep", &err));
    ck_assert_str_eq(p.timing->name, "broadwell-ep");
    p.timing_trace = "/nonexistent-dir/x.json";
    ck_assert_ptr_null(amdvi_new(&p, NULL, NULL, NULL, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "timing-trace"));
    g_clear_error(&err);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("amdvi-timing");
    TCase *tc = tcase_create("timing");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_amdvi_timing_functional_equivalence_ideal_broadwell);
    tcase_add_test(tc, test_amdvi_timing_ideal_costs_nothing);
    tcase_add_test(tc, test_amdvi_timing_deterministic_costs);
    tcase_add_test(tc, test_amdvi_timing_costs_follow_the_path);
    tcase_add_test(tc, test_amdvi_timing_walker_queues_at_one_instant);
    tcase_add_test(tc,
                   test_amdvi_timing_completion_wait_store_after_modelled_time);
    tcase_add_test(tc, test_amdvi_timing_commands_complete_in_order);
    tcase_add_test(tc, test_amdvi_timing_failed_store_stops_the_buffer);
    tcase_add_test(tc, test_amdvi_timing_completion_wait_at_once_when_ideal);
    tcase_add_test(tc, test_amdvi_timing_reset_drops_pending_completions);
    tcase_add_test(tc, test_amdvi_timing_illegal_command_head_stops_on_it);
    tcase_add_test(tc, test_amdvi_timing_trace_written);
    tcase_add_test(tc, test_amdvi_timing_bad_profile_names_the_property);
    suite_add_tcase(su, tc);
    sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
