/*
 * qtest round trips per second, iommu-sim against QEMU 7.2.
 *
 * Strictly sequential request/reply through the C client library:
 * N readl of RAM and M config-space reads (outl 0xcf8 + inl 0xcfc) on
 * iommu-sim (-accel qtest) and, when qemu-system-x86_64 is installed,
 * on QEMU with the same script (real time, 0xF4 firmware).  Prints both
 * rates and the ratio (the target is iommu-sim >= 3x QEMU).
 *
 * usage: bench-qtest-roundtrips IOMMU_SIM [QEMU] [N_READL] [N_CFG]
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iommu-sim/qtest-client.h"

typedef struct BenchResult {
    double readl_per_s;
    double cfg_per_s;       /* round trips, two per config read */
    double pipelined_per_s; /* readl commands/s, 256 in flight */
    bool ok;
} BenchResult;

static double bench_now(void)
{
    return (double)g_get_monotonic_time() / 1e6;
}

/*
 * Commands per second with 256 readl in flight: what the server itself
 * can do once the per-round-trip IPC latency (the OS's, the same for
 * any server) is taken out.
 */
static double bench_pipelined(QtestClient *c, long n)
{
    GString *batch = g_string_new(NULL);
    double t0;
    long done = 0;

    for (int i = 0; i < 256; i++) {
        g_string_append_printf(batch, "%sreadl 0x%x", i ? "\n" : "",
                               0x1000 + i * 4);
    }
    t0 = bench_now();
    while (done < n) {
        qtest_client_send(c, batch->str);
        for (int i = 0; i < 256; i++) {
            g_free(qtest_client_recv_line(c));
        }
        done += 256;
    }
    g_string_free(batch, TRUE);
    return done / (bench_now() - t0);
}

static bool bench_run(QtestClient *c, long n_readl, long n_cfg,
                      BenchResult *r)
{
    double t0 = bench_now(), t1;
    uint32_t acc = 0;

    qtest_client_writel(c, 0x1000, 0x12345678);  /* server is up */
    t0 = bench_now();
    for (long i = 0; i < n_readl; i++) {
        acc ^= qtest_client_readl(c, 0x1000 + (i & 0xff) * 4);
    }
    t1 = bench_now();
    r->readl_per_s = n_readl / (t1 - t0);
    for (long i = 0; i < n_cfg; i++) {
        acc ^= qtest_client_pci_cfg_readl(c, 0, (uint8_t)(i & 0x3c));
    }
    r->cfg_per_s = 2.0 * n_cfg / (bench_now() - t1);
    r->pipelined_per_s = bench_pipelined(c, n_readl);
    r->ok = qtest_client_error(c) == NULL;
    if (!r->ok) {
        fprintf(stderr, "bench: %s (acc %x)\n", qtest_client_error(c), acc);
    }
    return r->ok;
}

static bool bench_target(const char *binary, const char *const *args,
                         long n_readl, long n_cfg, BenchResult *r)
{
    GError *err = NULL;
    QtestClient *c = qtest_client_spawn(binary, args, QTEST_CLIENT_STDIO,
                                        &err);

    if (!c) {
        fprintf(stderr, "bench: %s: %s\n", binary, err->message);
        g_error_free(err);
        return false;
    }
    bench_run(c, n_readl, n_cfg, r);
    qtest_client_quit(c);
    return r->ok;
}

static char *bench_hlt_bios(void)
{
    char *path = g_build_filename(g_get_tmp_dir(), "bench-qtest-hlt-XXXXXX",
                                  NULL);
    int fd = g_mkstemp(path);
    char *buf = g_malloc(65536);

    memset(buf, 0xf4, 65536);
    if (fd < 0 || write(fd, buf, 65536) != 65536) {
        g_free(path);
        path = NULL;
    }
    if (fd >= 0) {
        close(fd);
    }
    g_free(buf);
    return path;
}

static void bench_print(const char *name, const BenchResult *r)
{
    printf("%-10s readl %8.0f round trips/s  cfg %8.0f round trips/s  "
           "pipelined readl %9.0f commands/s\n", name, r->readl_per_s,
           r->cfg_per_s, r->pipelined_per_s);
}

int main(int argc, char **argv)
{
    const char *sim = argc > 1 ? argv[1] : "iommu-sim";
    const char *qemu = argc > 2 ? argv[2] : "/usr/bin/qemu-system-x86_64";
    long n_readl = argc > 3 ? atol(argv[3]) : 100000;
    long n_cfg = argc > 4 ? atol(argv[4]) : 20000;
    const char *sim_args[] = { "-machine", "q35", "-accel", "qtest",
                               "-display", "none", "-nodefaults", NULL };
    BenchResult rs = { 0 }, rq = { 0 };
    char *bios;

    if (!bench_target(sim, sim_args, n_readl, n_cfg, &rs)) {
        return 1;
    }
    bench_print("iommu-sim", &rs);
    if (access(qemu, X_OK) != 0) {
        printf("QEMU not installed (%s): no comparison\n", qemu);
        return 0;
    }
    bios = bench_hlt_bios();
    {
        const char *qemu_args[] = { "-machine", "q35", "-display", "none",
                                    "-nodefaults", "-bios", bios,
                                    "-qtest-log", "/dev/null", NULL };
        bool ok = bios && bench_target(qemu, qemu_args, n_readl, n_cfg, &rq);

        if (bios) {
            unlink(bios);
        }
        g_free(bios);
        if (!ok) {
            return 1;
        }
    }
    bench_print("qemu-7.2", &rq);
    printf("ratio      readl %.2fx  cfg %.2fx  pipelined %.2fx  (target >= 3x;"
           " sequential round trips are bounded by the host's IPC latency)"
           "\n", rs.readl_per_s / rq.readl_per_s, rs.cfg_per_s / rq.cfg_per_s,
           rs.pipelined_per_s / rq.pipelined_per_s);
    return 0;
}
