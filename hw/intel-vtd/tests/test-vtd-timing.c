/*
 * VT-d under the hw/timing cost model: the timing= and timing-trace=
 * properties, identical functional results under timing=ideal and
 * timing=broadwell-ep (translations, faults, cache counters), zero cost
 * when ideal, determinism, and costs that follow the path (a hit is
 * cheaper than a walk; walker queueing at one instant).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <unistd.h>

#include "vtd-test-util.h"

#define TV_SID 0x10
#define TV_N 3000

typedef struct TVRecord {
    IOMMUTLBEntry entry;
    bool fault;
    uint32_t fault_code;
    uint64_t ns, cycles;
} TVRecord;

/* 3-level tables: 600 mapped 4 KiB pages, a 2 MiB page, holes. */
static VTest *tv_setup(const char *timing)
{
    char *props = g_strdup_printf("timing=%s", timing);
    VTest *t = vt_new(props);
    uint64_t root = vt_alloc_table(t);

    for (uint64_t i = 0; i < 600; i++) {
        vt_map(t, root, 3, 0x40000000 + i * 0x1000, 0x8000000 + i * 0x1000,
               1, (i % 7) ? 3 : 1);
    }
    vt_map(t, root, 3, 0x60000000, 0x20000000, 2, 3);
    vt_ctx_ss(t, TV_SID, 0, root, 1, 5);
    vt_enable(t);
    g_free(props);
    return t;
}

/* The same pseudo-random scenario of reads and writes, hits and faults. */
static void tv_run(VTest *t, TVRecord *rec)
{
    GRand *r = g_rand_new_with_seed(11);

    for (int i = 0; i < TV_N; i++) {
        uint64_t iova = g_rand_boolean(r)
            ? 0x40000000 + g_rand_int_range(r, 0, 700) * 0x1000ull
            : 0x60000000 + g_rand_int_range(r, 0, 512) * 0x1000ull;
        IOMMUAccessFlags acc = g_rand_int_range(r, 0, 4) ? IOMMU_RO
                                                         : IOMMU_WO;
        IOMMUTranslation out;

        vt_translate(t, TV_SID, iova + 8, acc, &out);
        rec[i].entry = out.entry;
        rec[i].fault = out.fault;
        rec[i].fault_code = out.fault_code;
        rec[i].ns = out.cost.ns;
        rec[i].cycles = out.cost.cycles;
        if (i % 100 == 99) {
            vclock_advance_to(t->clk, vclock_now(t->clk) + 5000);
        }
    }
    g_rand_free(r);
}

/* Stats text without the timing words (they differ by design). */
static char *tv_functional_stats(VTest *t)
{
    char *all = vtd_stats_text(t->s);
    char *cut = strstr(all, " timing=");

    if (cut) {
        *cut = '\0';
    }
    return all;
}

START_TEST(test_vtd_timing_functional_equivalence_ideal_broadwell)
{
    VTest *a = tv_setup("ideal"), *b = tv_setup("broadwell-ep");
    TVRecord *ra = g_new0(TVRecord, TV_N), *rb = g_new0(TVRecord, TV_N);
    char *sa, *sb;
    unsigned faults = 0;

    tv_run(a, ra);
    tv_run(b, rb);
    for (int i = 0; i < TV_N; i++) {
        ck_assert_int_eq(ra[i].fault, rb[i].fault);
        ck_assert_uint_eq(ra[i].fault_code, rb[i].fault_code);
        /* target_as is each unit's own memory; the rest is equal. */
        ck_assert(ra[i].fault || ra[i].entry.target_as == &a->as);
        ck_assert(rb[i].fault || rb[i].entry.target_as == &b->as);
        ck_assert_uint_eq(ra[i].entry.iova, rb[i].entry.iova);
        ck_assert_uint_eq(ra[i].entry.translated_addr,
                          rb[i].entry.translated_addr);
        ck_assert_uint_eq(ra[i].entry.addr_mask, rb[i].entry.addr_mask);
        ck_assert_int_eq(ra[i].entry.perm, rb[i].entry.perm);
        faults += ra[i].fault;
    }
    ck_assert_uint_gt(faults, 100);     /* the scenario does fault */
    for (unsigned f = 0; f < 8; f++) {
        ck_assert_uint_eq(vt_frcd(a, f, 0), vt_frcd(b, f, 0));
        ck_assert_uint_eq(vt_frcd(a, f, 1), vt_frcd(b, f, 1));
    }
    sa = tv_functional_stats(a);
    sb = tv_functional_stats(b);
    ck_assert_str_eq(sa, sb);
    g_free(sa);
    g_free(sb);
    g_free(ra);
    g_free(rb);
    vt_free(a);
    vt_free(b);
}
END_TEST

START_TEST(test_vtd_timing_ideal_costs_nothing)
{
    VTest *t = tv_setup("ideal");
    TVRecord *rec = g_new0(TVRecord, TV_N);

    tv_run(t, rec);
    for (int i = 0; i < TV_N; i++) {
        ck_assert_uint_eq(rec[i].ns, 0);
        ck_assert_uint_eq(rec[i].cycles, 0);
    }
    g_free(rec);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_timing_deterministic_costs)
{
    VTest *a = tv_setup("broadwell-ep"), *b = tv_setup("broadwell-ep");
    TVRecord *ra = g_new0(TVRecord, TV_N), *rb = g_new0(TVRecord, TV_N);
    uint64_t sum = 0;

    tv_run(a, ra);
    tv_run(b, rb);
    for (int i = 0; i < TV_N; i++) {
        ck_assert_uint_eq(ra[i].ns, rb[i].ns);
        ck_assert_uint_eq(ra[i].cycles, rb[i].cycles);
        sum += ra[i].ns;
    }
    ck_assert_uint_gt(sum, 0);
    g_free(ra);
    g_free(rb);
    vt_free(a);
    vt_free(b);
}
END_TEST

START_TEST(test_vtd_timing_hit_cheaper_than_walk)
{
    VTest *t = tv_setup("broadwell-ep");
    const TimingProfile *p = timing_profile_find("broadwell-ep");
    IOMMUTranslation cold, warm;

    vt_translate(t, TV_SID, 0x40001000, IOMMU_RO, &cold);
    vclock_advance_to(t->clk, 100000);
    vt_translate(t, TV_SID, 0x40001000, IOMMU_RO, &warm);
    ck_assert(!cold.fault && !warm.fault);
    /* Cold: context miss (2 reads) + 3-level walk, each a table read. */
    ck_assert_uint_eq(cold.cost.mem_reads, 5);
    ck_assert_uint_ge(cold.cost.ns, 5ull * p->table_read_ns);
    /* Warm: context-cache + IOTLB hit, two lookups of the pipeline. */
    ck_assert_uint_eq(warm.cost.mem_reads, 0);
    ck_assert_uint_eq(warm.cost.ns,
        timing_cycles_to_ns(p, p->lookup_cycles[TIMING_LOOKUP_CONFIG] +
                               p->lookup_cycles[TIMING_LOOKUP_IOTLB]));
    ck_assert_uint_eq(warm.cost.cycles, timing_ns_to_cycles(p, warm.cost.ns));
    ck_assert(warm.cost.events & IOMMU_EV_IOTLB_HIT);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_timing_walks_queue_at_one_instant)
{
    VTest *t = tv_setup("broadwell-ep");
    const TimingProfile *p = timing_profile_find("broadwell-ep");
    IOMMUTranslation out;
    uint64_t first = 0;
    char *stats;

    /* Warm the context cache and the PDE cache, then miss the IOTLB. */
    vt_translate(t, TV_SID, 0x40000000, IOMMU_RO, &out);
    vclock_advance_to(t->clk, 1000000);
    for (unsigned i = 0; i <= p->walk_slots; i++) {
        vt_translate(t, TV_SID, 0x40100000 + i * 0x1000ull, IOMMU_RO, &out);
        if (i == 0) {
            first = out.cost.ns;
        }
    }
    /* The slot-count-plus-first walk waited for a whole walk. */
    ck_assert_uint_ge(out.cost.ns, 2 * first - 10);
    stats = vtd_stats_text(t->s);
    ck_assert_ptr_nonnull(strstr(stats, " timing=broadwell-ep "));
    ck_assert_ptr_nonnull(strstr(stats, " timing_walks_queued=1 "));
    g_free(stats);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_timing_properties)
{
    VTDProps p;
    GError *err = NULL;

    vtd_props_default(&p);
    ck_assert_str_eq(p.timing->name, "ideal");
    ck_assert(vtd_props_set(&p, "timing", "broadwell-ep", &err));
    ck_assert_str_eq(p.timing->name, "broadwell-ep");
    ck_assert(!vtd_props_set(&p, "timing", "pentium", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "'timing'"));
    g_clear_error(&err);
    ck_assert(!vtd_props_set(&p, "timing-trace", "", &err));
    g_clear_error(&err);
    ck_assert(vtd_props_set(&p, "timing-trace", "/nonexistent/d/t.json",
                            &err));
    ck_assert_ptr_null(vtd_new(&p, NULL, NULL, NULL, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "timing-trace"));
    g_clear_error(&err);
}
END_TEST

START_TEST(test_vtd_timing_trace_file)
{
    char *path = g_build_filename(g_get_tmp_dir(), "vtd-trace-XXXXXX", NULL);
    int fd = g_mkstemp(path);
    char *props, *text;
    IOMMUTranslation out;
    VTest *t;

    close(fd);
    props = g_strdup_printf("timing=broadwell-ep,timing-trace=%s", path);
    t = vt_new(props);
    vt_ctx_ss(t, TV_SID, 0, 0x300000, 1, 5);
    vt_map(t, 0x300000, 3, 0x1000, 0x9000, 1, 3);
    vt_enable(t);
    vt_translate(t, TV_SID, 0x1000, IOMMU_RO, &out);
    vt_free(t);
    ck_assert(g_file_get_contents(path, &text, NULL, NULL));
    ck_assert(g_str_has_suffix(text, "]}\n"));
    ck_assert_ptr_nonnull(strstr(text, "\"name\":\"intel-iommu\""));
    ck_assert_ptr_nonnull(strstr(text, "\"name\":\"iotlb miss\""));
    ck_assert_ptr_nonnull(strstr(text, "\"name\":\"read\""));
    g_free(text);
    g_free(props);
    unlink(path);
    g_free(path);
}
END_TEST

/*
 * Regression: a walk resumed from a PDE-cache hit used to refill the
 * PDPE cache with the zero table[] above its start, so the next walk in
 * another 2 MiB region "hit" a not-present PDPE and faulted.
 */
START_TEST(test_vtd_timing_psc_resumed_walk_keeps_upper_entries)
{
    VTest *t = tv_setup("ideal");
    IOMMUTranslation out;

    vt_translate(t, TV_SID, 0x40000000, IOMMU_RO, &out);   /* cold walk */
    ck_assert(!out.fault);
    vt_translate(t, TV_SID, 0x40001000, IOMMU_RO, &out);   /* PDE hit */
    ck_assert(!out.fault);
    ck_assert(out.cost.events & IOMMU_EV_PWC_HIT);
    vt_translate(t, TV_SID, 0x60000000, IOMMU_RO, &out);   /* PDPE hit */
    ck_assert_msg(!out.fault, "%s", out.fault_name);
    ck_assert_uint_eq(out.entry.translated_addr, 0x20000000);
    ck_assert_uint_eq(out.cost.mem_reads, 1);
    vt_free(t);
}
END_TEST

/* ---- invalidation timing: waits and register commands complete late ---- */

#define TI_QUEUE 0x400000ull
#define TI_STATUS 0x500000ull
#define TI_DATA 0x5a5a1234u

/* Queued invalidation on, the way Linux enables it (IQT 0, IQA, QIE). */
static VTest *ti_setup(const char *timing)
{
    char *props = g_strdup_printf("timing=%s", timing);
    VTest *t = vt_new(props);

    vt_qi_enable(t, TI_QUEUE);
    ck_assert(vt_rd(t, VTD_REG_GSTS, 4) & VTD_GSTS_QIES_MASK);
    g_free(props);
    return t;
}

/* Slot i: a global IOTLB invalidation (§6.5.2.3) or a wait (§6.5.2.9). */
static void ti_put_iotlb_global(VTest *t, unsigned i)
{
    vt_ram_w64(t, TI_QUEUE + i * 16, 0x2 | (1u << 4));
    vt_ram_w64(t, TI_QUEUE + i * 16 + 8, 0);
}

static void ti_put_wait(VTest *t, unsigned i, uint32_t data)
{
    /* SW (bit 5) and IF (bit 4); the status address in the high word. */
    vt_ram_w64(t, TI_QUEUE + i * 16, 0x5 | (1u << 4) | (1u << 5) |
               ((uint64_t)data << 32));
    vt_ram_w64(t, TI_QUEUE + i * 16 + 8, TI_STATUS);
}

static uint64_t ti_inv_ns(TimingInvKind kind)
{
    const TimingProfile *p = timing_profile_find("broadwell-ep");

    return p->inv_fetch_ns + timing_cycles_to_ns(p, p->inv_cycles[kind]);
}

static uint32_t ti_status(VTest *t)
{
    return (uint32_t)vt_ram_r64(t, TI_STATUS);
}

START_TEST(test_vtd_timing_wait_status_after_modelled_time_broadwell)
{
    VTest *t = ti_setup("broadwell-ep");
    int64_t t0 = 1000000, done;
    char *stats;

    vclock_advance_to(t->clk, t0);
    ti_put_iotlb_global(t, 0);
    ti_put_wait(t, 1, TI_DATA);
    vt_wr(t, VTD_REG_IQT, 32, 8);
    /* Fetched at once (IQH moves), but the wait has not completed yet. */
    ck_assert_uint_eq(vt_rd(t, VTD_REG_IQH, 8), 32);
    ck_assert_uint_eq(ti_status(t), 0);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_ICS, 4) & 1, 0);
    /* In order: the IOTLB invalidation, then the wait's own processing. */
    done = t0 + (int64_t)(ti_inv_ns(TIMING_INV_IOTLB_GLOBAL) +
                          ti_inv_ns(TIMING_INV_WAIT));
    ck_assert_int_eq(vclock_next_deadline(t->clk), done);
    vclock_advance_to(t->clk, done - 1);
    ck_assert_uint_eq(ti_status(t), 0);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_ICS, 4) & 1, 0);
    vclock_advance_to(t->clk, done);
    ck_assert_uint_eq(ti_status(t), TI_DATA);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_ICS, 4) & 1, 1);     /* IWC */
    stats = vtd_stats_text(t->s);
    ck_assert_ptr_nonnull(strstr(stats, " timing_inv_wait=1 "));
    ck_assert_ptr_nonnull(strstr(stats, " timing_inv_iotlb_global=1 "));
    g_free(stats);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_timing_wait_status_immediate_ideal)
{
    VTest *t = ti_setup("ideal");

    vclock_advance_to(t->clk, 1000000);
    ti_put_iotlb_global(t, 0);
    ti_put_wait(t, 1, TI_DATA);
    vt_wr(t, VTD_REG_IQT, 32, 8);
    ck_assert_uint_eq(ti_status(t), TI_DATA);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_ICS, 4) & 1, 1);
    ck_assert_int_eq(vclock_next_deadline(t->clk), -1);
    vt_free(t);
}
END_TEST

/* Two waits: each completes in turn; the second after the first. */
START_TEST(test_vtd_timing_waits_complete_in_order)
{
    VTest *t = ti_setup("broadwell-ep");
    int64_t t0 = 2000000, first = t0 + (int64_t)ti_inv_ns(TIMING_INV_WAIT);

    vclock_advance_to(t->clk, t0);
    ti_put_wait(t, 0, 1);
    ti_put_wait(t, 1, 2);
    vt_wr(t, VTD_REG_IQT, 32, 8);
    ck_assert_uint_eq(ti_status(t), 0);
    vclock_advance_to(t->clk, first);
    ck_assert_uint_eq(ti_status(t), 1);
    vclock_advance_to(t->clk, first + (int64_t)ti_inv_ns(TIMING_INV_WAIT) - 1);
    ck_assert_uint_eq(ti_status(t), 1);
    vclock_advance_to(t->clk, first + (int64_t)ti_inv_ns(TIMING_INV_WAIT));
    ck_assert_uint_eq(ti_status(t), 2);
    vt_free(t);
}
END_TEST

/* A wait completes no earlier than the walks in flight (inv_drains_walks). */
START_TEST(test_vtd_timing_wait_drains_walks_in_flight)
{
    VTest *t = tv_setup("broadwell-ep");
    IOMMUTranslation out;
    int64_t idle;

    vclock_advance_to(t->clk, 3000000);
    vt_translate(t, TV_SID, 0x40005000, IOMMU_RO, &out);    /* cold walk */
    idle = timing_walker_idle_at(t->s->timing);
    ck_assert_int_gt(idle, 3000000 + (int64_t)ti_inv_ns(TIMING_INV_WAIT));
    vt_qi_enable(t, TI_QUEUE);
    ti_put_wait(t, 0, TI_DATA);
    vt_wr(t, VTD_REG_IQT, 16, 8);
    ck_assert_int_eq(vclock_next_deadline(t->clk), idle);
    vclock_advance_to(t->clk, idle - 1);
    ck_assert_uint_eq(ti_status(t), 0);
    vclock_advance_to(t->clk, idle);
    ck_assert_uint_eq(ti_status(t), TI_DATA);
    vt_free(t);
}
END_TEST

/* A reset loses the completions in flight (and their timer). */
START_TEST(test_vtd_timing_reset_drops_pending_wait)
{
    VTest *t = ti_setup("broadwell-ep");

    vclock_advance_to(t->clk, 1000);
    ti_put_wait(t, 0, TI_DATA);
    vt_wr(t, VTD_REG_IQT, 16, 8);
    ck_assert_int_ne(vclock_next_deadline(t->clk), -1);
    vtd_reset(t->s);
    ck_assert_int_eq(vclock_next_deadline(t->clk), -1);
    vclock_advance_to(t->clk, 1000000);
    ck_assert_uint_eq(ti_status(t), 0);
    vt_free(t);
}
END_TEST

/* Register-based (§6.5.1.1): CCMD.ICC stays set until the modelled time. */
static void ti_ccmd_global(VTest *t)
{
    vt_wr(t, VTD_REG_CCMD, (1ull << 63) | (1ull << 61), 8);
}

START_TEST(test_vtd_timing_ccmd_icc_clears_at_modelled_time)
{
    VTest *t = vt_new("timing=broadwell-ep");
    int64_t done = 5000 + (int64_t)ti_inv_ns(TIMING_INV_CONFIG);
    uint64_t v;

    vclock_advance_to(t->clk, 5000);
    ti_ccmd_global(t);
    ck_assert(vt_rd(t, VTD_REG_CCMD, 8) >> 63);              /* ICC busy */
    vclock_advance_to(t->clk, done - 1);
    ck_assert(vt_rd(t, VTD_REG_CCMD, 8) >> 63);
    vclock_advance_to(t->clk, done);
    v = vt_rd(t, VTD_REG_CCMD, 8);
    ck_assert_uint_eq(v >> 63, 0);
    ck_assert_uint_eq((v >> 59) & 3, 1);                      /* CAIG */
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_timing_ccmd_icc_clears_at_once_ideal)
{
    VTest *t = vt_new("timing=ideal");
    uint64_t v;

    ti_ccmd_global(t);
    v = vt_rd(t, VTD_REG_CCMD, 8);
    ck_assert_uint_eq(v >> 63, 0);
    ck_assert_uint_eq((v >> 59) & 3, 1);
    vt_free(t);
}
END_TEST

/* ---- the front cache replays hits exactly (vtd-translate.c) ---- */

/*
 * A hit-heavy scenario: a few hot pages (one read-only), writes that
 * fault, PTEs rewritten without invalidation (stale until invalidated),
 * page-selective and global IOTLB invalidations through the registers,
 * a cold page now and then evicting from the IOTLB, and spells of PMR
 * protection and of translation disabled.
 */
static void tf_run(VTest *t, TVRecord *rec)
{
    GRand *r = g_rand_new_with_seed(5);

    for (int i = 0; i < TV_N; i++) {
        int pick = g_rand_int_range(r, 0, 100);
        uint64_t iova = pick < 90
            ? 0x40000000 + g_rand_int_range(r, 0, 6) * 0x1000ull
            : 0x40000000 + g_rand_int_range(r, 0, 600) * 0x1000ull;
        IOMMUAccessFlags acc = g_rand_int_range(r, 0, 8) ? IOMMU_RO
                                                         : IOMMU_WO;
        IOMMUTranslation out;

        if (i % 97 == 0) {          /* remap page 1, no invalidation */
            vt_map(t, 0x200000, 3, 0x40001000,
                   0x9000000 + (uint64_t)i * 0x1000, 1, 3);
        }
        if (i % 331 == 0) {         /* page-selective, domain 5, page 1 */
            vt_iotlb_inv(t, 3, 5, 0x40001000);
        }
        if (i % 1009 == 0) {        /* global */
            vt_iotlb_inv(t, 1, 0, 0);
        }
        /*
         * Registers the caches never see (the front cache's gate): the
         * PMR over the hot pages for 40 steps, translation off for 30.
         */
        if (i % 613 == 100) {
            vt_wr(t, VTD_REG_PLMBASE, 0x40000000, 4);
            vt_wr(t, VTD_REG_PLMLIMIT, 0x40100000, 4);
            vt_wr(t, VTD_REG_PMEN, VTD_PMEN_EPM_MASK, 4);
        } else if (i % 613 == 140) {
            vt_wr(t, VTD_REG_PMEN, 0, 4);
        } else if (i % 701 == 300) {
            vt_wr(t, VTD_REG_GCMD, 0, 4);
        } else if (i % 701 == 330) {
            vt_enable(t);
        }
        vt_translate(t, TV_SID, iova + (uint64_t)(i & 0xff8), acc, &out);
        rec[i].entry = out.entry;
        rec[i].fault = out.fault;
        rec[i].fault_code = out.fault_code;
        rec[i].ns = out.cost.ns | (uint64_t)out.cost.events << 40;
        rec[i].cycles = out.cost.cycles;
        if (i % 50 == 49) {
            vclock_advance_to(t->clk, vclock_now(t->clk) + 3000);
        }
    }
    g_rand_free(r);
}

START_TEST(test_vtd_timing_front_cache_equals_full_path)
{
    VTest *a = tv_setup("broadwell-ep"), *b = tv_setup("broadwell-ep");
    TVRecord *ra = g_new0(TVRecord, TV_N), *rb = g_new0(TVRecord, TV_N);
    uint64_t hits_before;
    TimingCacheStats st;
    char *sa, *sb;
    unsigned faults = 0;

    iommu_front_gate_set_off(&b->s->front_gate, true);
    tf_run(a, ra);
    tf_run(b, rb);
    for (int i = 0; i < TV_N; i++) {
        ck_assert_int_eq(ra[i].fault, rb[i].fault);
        ck_assert_uint_eq(ra[i].fault_code, rb[i].fault_code);
        ck_assert_uint_eq(ra[i].entry.iova, rb[i].entry.iova);
        ck_assert_uint_eq(ra[i].entry.translated_addr,
                          rb[i].entry.translated_addr);
        ck_assert_uint_eq(ra[i].entry.addr_mask, rb[i].entry.addr_mask);
        ck_assert_int_eq(ra[i].entry.perm, rb[i].entry.perm);
        ck_assert_uint_eq(ra[i].ns, rb[i].ns);          /* cost and events */
        ck_assert_uint_eq(ra[i].cycles, rb[i].cycles);
        faults += ra[i].fault;
    }
    ck_assert_uint_gt(faults, 50);
    /* Every counter, timing included, and the fault records. */
    sa = vtd_stats_text(a->s);
    sb = vtd_stats_text(b->s);
    ck_assert_str_eq(sa, sb);
    for (unsigned f = 0; f < 8; f++) {
        ck_assert_uint_eq(vt_frcd(a, f, 0), vt_frcd(b, f, 0));
        ck_assert_uint_eq(vt_frcd(a, f, 1), vt_frcd(b, f, 1));
    }
    /* The front cache did serve most of the hot-page hits. */
    timing_cache_get_stats(a->s->caches->iotlb, &st);
    hits_before = st.hits;
    {
        IOMMUTranslation out;
        VTDAddressSpace *vas = (VTDAddressSpace *)
            iommu_requester_space_lookup(a->s->spaces, TV_SID);

        vt_translate(a, TV_SID, 0x40002000, IOMMU_RO, &out);
        vt_translate(a, TV_SID, 0x40002000, IOMMU_RO, &out);
        ck_assert(vas->front.e[2].valid && vas->front.e[2].page == 0x40002);
        timing_cache_get_stats(a->s->caches->iotlb, &st);
        ck_assert_uint_ge(st.hits, hits_before + 1);
    }
    g_free(sa);
    g_free(sb);
    g_free(ra);
    g_free(rb);
    vt_free(a);
    vt_free(b);
}
END_TEST

/* A stale PTE stays visible through the front cache until invalidated. */
START_TEST(test_vtd_timing_front_cache_stale_until_invalidated)
{
    VTest *t = tv_setup("broadwell-ep");
    IOMMUTranslation out;

    for (int i = 0; i < 3; i++) {
        vt_translate(t, TV_SID, 0x40003000, IOMMU_RO, &out);
    }
    ck_assert_uint_eq(out.entry.translated_addr, 0x8003000);
    vt_map(t, 0x200000, 3, 0x40003000, 0xa000000, 1, 3);
    vt_translate(t, TV_SID, 0x40003000, IOMMU_RO, &out);
    ck_assert_uint_eq(out.entry.translated_addr, 0x8003000);  /* stale */
    vt_iotlb_inv(t, 3, 5, 0x40003000);
    vt_translate(t, TV_SID, 0x40003000, IOMMU_RO, &out);
    ck_assert_uint_eq(out.entry.translated_addr, 0xa000000);
    /* TE off: the front cache must not hand out translations. */
    vt_wr(t, VTD_REG_GCMD, 0, 4);
    vt_translate(t, TV_SID, 0x40003000, IOMMU_RO, &out);
    ck_assert_uint_eq(out.entry.translated_addr, 0x40003000);
    vt_free(t);
}
END_TEST

static Suite *vtd_timing_suite(void)
{
    Suite *s = suite_create("vtd-timing");
    TCase *tc = tcase_create("timing");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vtd_timing_functional_equivalence_ideal_broadwell);
    tcase_add_test(tc, test_vtd_timing_ideal_costs_nothing);
    tcase_add_test(tc, test_vtd_timing_deterministic_costs);
    tcase_add_test(tc, test_vtd_timing_hit_cheaper_than_walk);
    tcase_add_test(tc, test_vtd_timing_walks_queue_at_one_instant);
    tcase_add_test(tc, test_vtd_timing_properties);
    tcase_add_test(tc, test_vtd_timing_trace_file);
    tcase_add_test(tc, test_vtd_timing_psc_resumed_walk_keeps_upper_entries);
    tcase_add_test(tc, test_vtd_timing_wait_status_after_modelled_time_broadwell);
    tcase_add_test(tc, test_vtd_timing_wait_status_immediate_ideal);
    tcase_add_test(tc, test_vtd_timing_waits_complete_in_order);
    tcase_add_test(tc, test_vtd_timing_wait_drains_walks_in_flight);
    tcase_add_test(tc, test_vtd_timing_reset_drops_pending_wait);
    tcase_add_test(tc, test_vtd_timing_ccmd_icc_clears_at_modelled_time);
    tcase_add_test(tc, test_vtd_timing_ccmd_icc_clears_at_once_ideal);
    tcase_add_test(tc, test_vtd_timing_front_cache_equals_full_path);
    tcase_add_test(tc, test_vtd_timing_front_cache_stale_until_invalidated);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vtd_timing_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
