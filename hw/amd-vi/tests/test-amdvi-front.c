/*
 * AMD-Vi's front cache (amdvi-translate.c over include/iommu-sim/
 * iommu-front.h; docs/timing.md "Simulation speed"): a requester's recent
 * DTE-cache + IOTLB hits replayed without the full path.  It must be
 * invisible: every reply, cost, event, counter and event-log entry equal
 * with it on and off over a hit-heavy scenario with remaps, DTE changes
 * and invalidations (AMD IOMMU spec 48882 §2.4.2, §2.4.3), stale
 * translations exactly while the modelled caches hold them, and no
 * replay while IOMMUEn is clear or the exclusion range is enabled (§3.4).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "amdvi-test-util.h"
#include "specs/amdvi-commands.h"

#define TF_DEV 0x0018
#define TF_DOM 0x21
#define TF_N 4000
#define TF_CMDBUF 0x800000ull       /* 256 commands = 4 KiB */
#define TF_STORE 0x900000ull
#define TF_IOVA 0x40000000ull
#define TF_BIG 0x60000000ull        /* one 2 MiB page */

typedef struct TFRecord {
    IOMMUTLBEntry entry;
    bool fault;
    uint32_t fault_code;
    uint64_t ns, cycles, mem_reads, events;
} TFRecord;

typedef struct TFUnit {
    ATest *t;
    uint64_t root;
    unsigned cmds;
} TFUnit;

/* Map iova -> pa with a leaf at leaf_level under a mode-3 root. */
static uint64_t tf_map(ATest *t, uint64_t root, uint64_t iova, uint64_t pa,
                       unsigned leaf_level, bool iw)
{
    uint64_t table = root;

    for (unsigned l = 3; l > leaf_level; l--) {
        uint64_t a = table + at_idx(iova, l) * 8, e = at_r64(t, a);

        if (!amdvi_pde_get_pr(e)) {
            e = at_pde(at_alloc(t), l - 1, true, true);
            at_w64(t, a, e);
        }
        table = amdvi_pde_get_addr(e) << 12;
    }
    table += at_idx(iova, leaf_level) * 8;
    at_w64(t, table, at_pte(pa, true, iw));
    return table;                   /* the leaf's address */
}

static void tf_dte(TFUnit *u, bool iw)
{
    uint64_t w[4] = { 0 };

    amdvi_dte_set_v(w, 1);
    amdvi_dte_set_tv(w, 1);
    amdvi_dte_set_mode(w, 3);
    amdvi_dte_set_pt_root(w, u->root >> 12);
    amdvi_dte_set_ir(w, 1);
    amdvi_dte_set_iw(w, iw);
    amdvi_dte_set_domain_id(w, TF_DOM);
    /* Memory only: the cached DTE stays until INVALIDATE_DEVTAB_ENTRY. */
    for (unsigned i = 0; i < 4; i++) {
        at_w64(u->t, AT_DEVTAB + TF_DEV * 32ull + i * 8, w[i]);
    }
}

/* One command and a COMPLETION_WAIT behind it, published together. */
static void tf_submit(TFUnit *u, const uint64_t cmd[2])
{
    uint64_t tail = at_rd(u->t, AMDVI_REG_CMD_BUF_TAIL, 8), wait[2] = { 0 };

    amdvi_cmd_completion_wait_set_opcode(wait, AMDVI_CMD_COMPLETION_WAIT);
    amdvi_cmd_completion_wait_set_s(wait, 1);
    amdvi_cmd_completion_wait_set_store_addr(wait, TF_STORE >> 3);
    amdvi_cmd_completion_wait_set_store_data(wait, ++u->cmds);
    for (unsigned i = 0; i < 2; i++) {
        const uint64_t *c = i ? wait : cmd;

        at_w64(u->t, TF_CMDBUF + tail, c[0]);
        at_w64(u->t, TF_CMDBUF + tail + 8, c[1]);
        tail = (tail + 16) % 4096;
    }
    at_wr(u->t, AMDVI_REG_CMD_BUF_TAIL, tail, 4);
}

/* INVALIDATE_IOMMU_PAGES of one page, or (all) of the whole domain. */
static void tf_inv_pages(TFUnit *u, uint64_t iova, bool all)
{
    uint64_t c[2] = { 0 };

    amdvi_cmd_invalidate_iommu_pages_set_opcode(c,
        AMDVI_CMD_INVALIDATE_IOMMU_PAGES);
    amdvi_cmd_invalidate_iommu_pages_set_domain_id(c, TF_DOM);
    amdvi_cmd_invalidate_iommu_pages_set_s(c, all);
    amdvi_cmd_invalidate_iommu_pages_set_pde(c, all);
    amdvi_cmd_invalidate_iommu_pages_set_address(c, all ? 0x7ffffffffffffull
                                                        : iova >> 12);
    tf_submit(u, c);
}

static void tf_inv_dte(TFUnit *u)
{
    uint64_t c[2] = { 0 };

    amdvi_cmd_invalidate_devtab_entry_set_opcode(c,
        AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY);
    amdvi_cmd_invalidate_devtab_entry_set_device_id(c, TF_DEV);
    tf_submit(u, c);
}

/* Mode 3: 600 pages (every 7th read-only), a 2 MiB page, holes. */
static void tf_setup(TFUnit *u, const char *timing)
{
    char *props = g_strdup_printf("timing=%s", timing);

    u->t = at_new(props);
    u->root = at_alloc(u->t);
    u->cmds = 0;
    for (uint64_t i = 0; i < 600; i++) {
        tf_map(u->t, u->root, TF_IOVA + i * 0x1000, 0x8000000 + i * 0x1000,
               1, (i % 7) != 0);
    }
    tf_map(u->t, u->root, TF_BIG, 0x20000000, 2, true);
    at_enable(u->t);
    tf_dte(u, true);
    at_wr(u->t, AMDVI_REG_CMD_BUF_BASE, TF_CMDBUF | (8ull << 56), 8);
    at_wr(u->t, AMDVI_REG_CONTROL, at_rd(u->t, AMDVI_REG_CONTROL, 8) |
          AMDVI_CONTROL_CMD_BUF_EN_MASK, 8);
    g_free(props);
}

/* The guest's side of the scenario at step i: remaps and invalidations. */
static void tf_guest_step(TFUnit *u, int i)
{
    uint64_t page = TF_IOVA + (uint64_t)(i % 6) * 0x1000;

    if (i % 97 == 0) {              /* remap a hot page, no invalidation */
        tf_map(u->t, u->root, page, 0x9000000 + (uint64_t)i * 0x1000, 1,
               true);
    }
    if (i % 331 == 0) {
        tf_inv_pages(u, page, false);
    }
    if (i % 1009 == 0) {
        tf_inv_pages(u, 0, true);
    }
    if (i % 443 == 0) {             /* DTE.IW flips; seen once invalidated */
        tf_dte(u, (i / 443) % 2 == 0);
    }
    if (i % 887 == 0) {
        tf_inv_dte(u);
    }
    if (i % 50 == 49) {
        vclock_advance_to(u->t->clk, vclock_now(u->t->clk) + 3000);
    }
}

static void tf_run(TFUnit *u, TFRecord *rec)
{
    GRand *r = g_rand_new_with_seed(7);

    for (int i = 0; i < TF_N; i++) {
        int pick = g_rand_int_range(r, 0, 100);
        uint64_t iova = pick < 85
            ? TF_IOVA + g_rand_int_range(r, 0, 6) * 0x1000ull
            : pick < 92 ? TF_BIG + g_rand_int_range(r, 0, 4) * 0x1000ull
            : TF_IOVA + g_rand_int_range(r, 0, 700) * 0x1000ull;
        IOMMUAccessFlags acc = g_rand_int_range(r, 0, 6) ? IOMMU_RO
                                                         : IOMMU_WO;
        IOMMUTranslation out;

        tf_guest_step(u, i);
        out = at_xlate(u->t, TF_DEV, iova + (uint64_t)(i & 0xff8), acc);
        rec[i].entry = out.entry;
        rec[i].fault = out.fault;
        rec[i].fault_code = out.fault_code;
        rec[i].ns = out.cost.ns;
        rec[i].cycles = out.cost.cycles;
        rec[i].mem_reads = out.cost.mem_reads;
        rec[i].events = out.cost.events;
    }
    g_rand_free(r);
}

static void tf_assert_same(const TFRecord *a, const TFRecord *b)
{
    ck_assert_int_eq(a->fault, b->fault);
    ck_assert_uint_eq(a->fault_code, b->fault_code);
    ck_assert_uint_eq(a->entry.iova, b->entry.iova);
    ck_assert_uint_eq(a->entry.translated_addr, b->entry.translated_addr);
    ck_assert_uint_eq(a->entry.addr_mask, b->entry.addr_mask);
    ck_assert_int_eq(a->entry.perm, b->entry.perm);
    ck_assert_uint_eq(a->ns, b->ns);
    ck_assert_uint_eq(a->cycles, b->cycles);
    ck_assert_uint_eq(a->mem_reads, b->mem_reads);
    ck_assert_uint_eq(a->events, b->events);
}

static AMDVIAddressSpace *tf_space(ATest *t)
{
    return (AMDVIAddressSpace *)iommu_requester_space_lookup(t->s->spaces,
                                                            TF_DEV);
}

START_TEST(test_amdvi_front_cache_equals_full_path)
{
    TFUnit a, b;
    TFRecord *ra = g_new0(TFRecord, TF_N), *rb = g_new0(TFRecord, TF_N);
    unsigned faults = 0, big = 0, n;
    char *sa, *sb;

    tf_setup(&a, "broadwell-ep");
    tf_setup(&b, "broadwell-ep");
    iommu_front_gate_set_off(&b.t->s->front_gate, true);
    tf_run(&a, ra);
    tf_run(&b, rb);
    for (int i = 0; i < TF_N; i++) {
        tf_assert_same(&ra[i], &rb[i]);
        faults += ra[i].fault;
        big += !ra[i].fault && ra[i].entry.addr_mask == 0x1fffff;
    }
    ck_assert_uint_gt(faults, 20);
    ck_assert_uint_gt(big, 100);
    /* Every counter (caches, PMU-style, timing) and the event log. */
    sa = amdvi_stats_text(a.t->s);
    sb = amdvi_stats_text(b.t->s);
    ck_assert_str_eq(sa, sb);
    n = at_nevents(a.t);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_eq(n, at_nevents(b.t));
    for (unsigned e = 0; e < n; e++) {
        uint64_t wa[2], wb[2];

        at_event(a.t, e, wa);
        at_event(b.t, e, wb);
        ck_assert_uint_eq(wa[0], wb[0]);
        ck_assert_uint_eq(wa[1], wb[1]);
    }
    /* The front cache did hold the hot pages (off: never filled). */
    at_xlate(a.t, TF_DEV, TF_IOVA + 0x2000, IOMMU_RO);
    at_xlate(b.t, TF_DEV, TF_IOVA + 0x2000, IOMMU_RO);
    ck_assert(tf_space(a.t)->front.e[2].valid);
    ck_assert_uint_eq(tf_space(a.t)->front.e[2].page, (TF_IOVA >> 12) + 2);
    ck_assert(!tf_space(b.t)->front.e[2].valid);
    /* Most translations were served by it; none with it off. */
    ck_assert_uint_gt(tf_space(a.t)->front.replays, TF_N / 2);
    ck_assert_uint_eq(tf_space(b.t)->front.replays, 0);
    g_free(sa);
    g_free(sb);
    g_free(ra);
    g_free(rb);
    at_free(a.t);
    at_free(b.t);
}
END_TEST

static IOMMUTranslation tf_settle_xlate(TFUnit *u, uint64_t iova,
                                        IOMMUAccessFlags acc)
{
    /* Far past any modelled command completion. */
    vclock_advance_to(u->t->clk, vclock_now(u->t->clk) + 1000000);
    return at_xlate(u->t, TF_DEV, iova, acc);
}

/* A stale PTE or DTE stays visible until its invalidation, no longer. */
START_TEST(test_amdvi_front_cache_stale_until_invalidated)
{
    TFUnit u;
    IOMMUTranslation out;
    uint64_t page = TF_IOVA + 0x3000;

    tf_setup(&u, "broadwell-ep");
    for (int i = 0; i < 3; i++) {
        out = tf_settle_xlate(&u, page, IOMMU_WO);
    }
    ck_assert(!out.fault);
    ck_assert_uint_eq(out.entry.translated_addr, 0x8003000);
    ck_assert(tf_space(u.t)->front.e[3].valid);
    tf_map(u.t, u.root, page, 0xa000000, 1, true);
    out = tf_settle_xlate(&u, page, IOMMU_RO);
    ck_assert_uint_eq(out.entry.translated_addr, 0x8003000);   /* stale */
    tf_inv_pages(&u, page, false);
    out = tf_settle_xlate(&u, page, IOMMU_RO);
    ck_assert_uint_eq(out.entry.translated_addr, 0xa000000);
    /* DTE.IW cleared in memory: writes pass until the DTE is dropped. */
    out = tf_settle_xlate(&u, page, IOMMU_WO);
    tf_dte(&u, false);
    out = tf_settle_xlate(&u, page, IOMMU_WO);
    ck_assert(!out.fault);
    tf_inv_dte(&u);
    out = tf_settle_xlate(&u, page, IOMMU_WO);
    ck_assert(out.fault);
    ck_assert_uint_eq(out.fault_code, AMDVI_EVENT_IO_PAGE_FAULT);
    at_free(u.t);
}
END_TEST

/* Register state the caches do not see: the front cache steps aside. */
START_TEST(test_amdvi_front_cache_steps_aside_for_registers)
{
    TFUnit u;
    IOMMUTranslation out;
    uint64_t page = TF_IOVA + 0x4000;

    tf_setup(&u, "broadwell-ep");
    for (int i = 0; i < 3; i++) {
        out = tf_settle_xlate(&u, page, IOMMU_RO);
    }
    ck_assert_uint_eq(out.entry.translated_addr, 0x8004000);
    /* Exclusion range with Allow over the page: untranslated (§3.4). */
    at_wr(u.t, AMDVI_REG_EXCL_LIMIT, page, 8);
    at_wr(u.t, AMDVI_REG_EXCL_BASE, page | AMDVI_EXCL_BASE_EX_EN_MASK |
          AMDVI_EXCL_BASE_ALLOW_MASK, 8);
    out = tf_settle_xlate(&u, page, IOMMU_RO);
    ck_assert_uint_eq(out.entry.translated_addr, page);
    at_wr(u.t, AMDVI_REG_EXCL_BASE, 0, 8);
    out = tf_settle_xlate(&u, page, IOMMU_RO);
    ck_assert_uint_eq(out.entry.translated_addr, 0x8004000);
    /* IOMMUEn clear: everything passes untranslated. */
    at_wr(u.t, AMDVI_REG_CONTROL, at_rd(u.t, AMDVI_REG_CONTROL, 8) &
          ~AMDVI_CONTROL_IOMMU_EN_MASK, 8);
    out = tf_settle_xlate(&u, page, IOMMU_RO);
    ck_assert_uint_eq(out.entry.translated_addr, page);
    /* A pretranslated request is not an untranslated one to replay. */
    at_wr(u.t, AMDVI_REG_CONTROL, at_rd(u.t, AMDVI_REG_CONTROL, 8) |
          AMDVI_CONTROL_IOMMU_EN_MASK, 8);
    out = tf_settle_xlate(&u, page, IOMMU_RO);
    ck_assert_uint_eq(out.entry.translated_addr, 0x8004000);
    {
        MemTxAttrs attrs = memtxattrs_for_requester(TF_DEV);

        attrs.addr_type = ADDR_TYPE_TRANSLATED;
        out = at_xlate_attrs(u.t, TF_DEV, page, IOMMU_RO, attrs);
        ck_assert(out.fault);       /* DTE.I=0 (§2.2.2.1) */
        ck_assert_uint_eq(out.fault_code, AMDVI_EVENT_INVALID_DEVICE_REQUEST);
    }
    at_free(u.t);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("amdvi-front");
    TCase *tc = tcase_create("front");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_amdvi_front_cache_equals_full_path);
    tcase_add_test(tc, test_amdvi_front_cache_stale_until_invalidated);
    tcase_add_test(tc, test_amdvi_front_cache_steps_aside_for_registers);
    suite_add_tcase(su, tc);
    sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
