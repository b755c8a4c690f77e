/*
 * Calibration of timing=broadwell-ep against pcie-bench (Neugebauer et
 * al., "Understanding PCIe performance for end host networking",
 * SIGCOMM 2018; Xeon E5-2630 v4, NFP6000, PCIe Gen3 x8): 64 B random DMA
 * reads over windows of 4 KiB mappings, IOMMU off and on, median read
 * latency, and 2 MiB mappings.  Prints model and published figures side
 * by side with the ratio; exits 1 when a point is outside +-15%.
 *
 *   bench-vtd-calib [--data FILE] [--count N]
 *
 * --data writes "window_kib model_on published_on model_off
 * model_on_2m" rows for docs/timing-calib.gp.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>

#include "iommu-sim/dma-bench.h"
/*
 * The fixture's ck_assert_msg needs a running Check test; here a failed
 * setup step just aborts.
 */
#include <check.h>
#undef ck_assert_msg
#define ck_assert_msg(expr, ...) ((expr) ? (void)0 : abort())
#include "vtd-test-util.h"

#define CAL_SID_4K 0x10
#define CAL_SID_2M 0x18
#define CAL_BASE 0x10000000ull
#define CAL_MAX_WINDOW (64ull << 20)
#define CAL_TOLERANCE 0.15
#define CAL_OFF_LO 27.7
#define CAL_OFF_HI 28.1

typedef struct CalPoint {
    uint64_t window;
    double published_gbps;  /* IOMMU on, 4 KiB pages */
} CalPoint;

static const CalPoint cal_points[] = {
    { 256 << 10, 27.6 }, { 512 << 10, 20.2 }, { 1 << 20, 14.3 },
    { 2 << 20, 11.7 }, { 64 << 20, 9.8 },
};

typedef struct Cal {
    VTest *t;
    uint64_t count;
    int bad;
} Cal;

/* The window at CAL_BASE mapped 1:1 by 4 KiB (SID_4K) and 2 MiB pages. */
static void cal_map(VTest *t)
{
    uint64_t root4k = vt_alloc_table(t), root2m = vt_alloc_table(t);

    for (uint64_t a = 0; a < CAL_MAX_WINDOW; a += 0x1000) {
        vt_map(t, root4k, 3, CAL_BASE + a, CAL_BASE + a, 1, 3);
    }
    for (uint64_t a = 0; a < CAL_MAX_WINDOW; a += 0x200000) {
        vt_map(t, root2m, 3, CAL_BASE + a, CAL_BASE + a, 2, 3);
    }
    vt_ctx_ss(t, CAL_SID_4K, 0, root4k, 1, 1);
    vt_ctx_ss(t, CAL_SID_2M, 0, root2m, 1, 2);
    vt_enable(t);
}

/* A warm-up run, then the measured one. */
static DmaBenchResult cal_run(Cal *c, AddressSpace *as, uint16_t sid,
                              uint64_t window, uint32_t outstanding)
{
    DmaBenchParams p;
    DmaBenchResult r;
    GError *err = NULL;

    dma_bench_params_init(&p);
    p.sid = sid;
    p.base = CAL_BASE;
    p.window = window;
    p.xfer = 64;
    p.outstanding = outstanding;
    p.count = c->count / 4;
    if (!dma_bench_run(as, c->t->clk, &p, &r, &err) ||
        (p.count = c->count, p.seed = 2,
         !dma_bench_run(as, c->t->clk, &p, &r, &err))) {
        fprintf(stderr, "dma_bench: %s\n", err->message);
        exit(2);
    }
    return r;
}

static void cal_print(Cal *c, const char *what, double model,
                      double lo, double hi)
{
    double ref = model < lo ? lo : model > hi ? hi : model;
    double ratio = model / ref;
    bool ok = ratio >= 1 - CAL_TOLERANCE && ratio <= 1 + CAL_TOLERANCE;
    char pub[32];

    if (lo == hi) {
        g_snprintf(pub, sizeof(pub), "%.1f", lo);
    } else {
        g_snprintf(pub, sizeof(pub), "%.1f-%.1f", lo, hi);
    }
    printf("%-34s %9.1f %11s %7.3f  %s\n", what, model, pub, ratio,
           ok ? "ok" : "OUT");
    c->bad += !ok;
}

static const char *cal_kib(uint64_t w, char *buf, size_t n)
{
    if (w >= (1 << 20)) {
        g_snprintf(buf, n, "%" G_GUINT64_FORMAT " MiB", w >> 20);
    } else {
        g_snprintf(buf, n, "%" G_GUINT64_FORMAT " KiB", w >> 10);
    }
    return buf;
}

static void cal_bandwidth(Cal *c, FILE *data)
{
    AddressSpace *on4k = vtd_dma_as(c->t->s, CAL_SID_4K);
    AddressSpace *on2m = vtd_dma_as(c->t->s, CAL_SID_2M);

    for (size_t i = 0; i < G_N_ELEMENTS(cal_points); i++) {
        const CalPoint *pt = &cal_points[i];
        DmaBenchResult off = cal_run(c, &c->t->as, CAL_SID_4K, pt->window, 0);
        DmaBenchResult on = cal_run(c, on4k, CAL_SID_4K, pt->window, 0);
        DmaBenchResult big = cal_run(c, on2m, CAL_SID_2M, pt->window, 0);
        char w[16], what[64];

        cal_kib(pt->window, w, sizeof(w));
        g_snprintf(what, sizeof(what), "off, %s, Gb/s", w);
        cal_print(c, what, off.gbps, CAL_OFF_LO, CAL_OFF_HI);
        g_snprintf(what, sizeof(what), "on 4K pages, %s, Gb/s", w);
        cal_print(c, what, on.gbps, pt->published_gbps, pt->published_gbps);
        /* Published: no drop with 2 MiB pages, i.e. the off band. */
        g_snprintf(what, sizeof(what), "on 2M pages, %s, Gb/s", w);
        cal_print(c, what, big.gbps, CAL_OFF_LO, CAL_OFF_HI);
        if (data) {
            fprintf(data, "%" G_GUINT64_FORMAT " %.3f %.1f %.3f %.3f\n",
                    pt->window >> 10, on.gbps, pt->published_gbps, off.gbps,
                    big.gbps);
        }
    }
}

static void cal_latency(Cal *c)
{
    AddressSpace *on4k = vtd_dma_as(c->t->s, CAL_SID_4K);
    DmaBenchResult off = cal_run(c, &c->t->as, CAL_SID_4K, CAL_MAX_WINDOW, 1);
    DmaBenchResult on = cal_run(c, on4k, CAL_SID_4K, CAL_MAX_WINDOW, 1);

    cal_print(c, "off, median read latency, ns", off.lat_p50_ns, 600, 600);
    cal_print(c, "on 4K, 64 MiB, median latency, ns", on.lat_p50_ns, 880,
              880);
}

int main(int argc, char **argv)
{
    Cal c = { .count = 200000 };
    FILE *data = NULL;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--data") && !(data = fopen(argv[i + 1], "w"))) {
            perror(argv[i + 1]);
            return 2;
        }
        if (!strcmp(argv[i], "--count")) {
            c.count = MAX(strtoull(argv[i + 1], NULL, 0), 1000ull);
        }
    }
    c.t = vt_new("timing=broadwell-ep");
    cal_map(c.t);
    printf("timing=broadwell-ep vs pcie-bench (SIGCOMM 2018), 64 B random "
           "reads, %" G_GUINT64_FORMAT " per point\n", c.count);
    printf("%-34s %9s %11s %7s\n", "point", "model", "published", "ratio");
    cal_bandwidth(&c, data);
    cal_latency(&c);
    printf("%s: %d point(s) outside +-%.0f%%\n", c.bad ? "FAIL" : "PASS",
           c.bad, CAL_TOLERANCE * 100);
    if (data) {
        fclose(data);
    }
    vt_free(c.t);
    return c.bad ? 1 : 0;
}
