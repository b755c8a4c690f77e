/*
 * The dma_bench extension verb (docs/harness.md, docs/timing.md): a
 * pcie-bench style traffic generator run through the requester's real
 * DMA path, answered with its figures followed by the machine's counters.
 *
 *   dma_bench SID BASE WINDOW XFER COUNT [pattern=random|seq]
 *             [dir=read|write] [outstanding=N] [seed=S] [link=PROFILE]
 *   -> OK transactions=N ns=T gbps=X lat_mean_ns=M lat_p50_ns=P ...
 *
 * The generator moves the virtual clock (each request reaches the IOMMU
 * at its modelled arrival time; the clock ends at the last completion),
 * so it needs -accel qtest; in real-time mode it answers ERR.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "iommu-sim/dma-bench.h"
#include "qtest/proto-internal.h"

void qtest_verb_dma_bench(QtestProto *p, char **w, int n)
{
    DmaBenchParams params;
    DmaBenchResult res;
    GError *err = NULL;
    char *text, *stats;

    if (!dma_bench_parse(&params, w + 1, n - 1, &err) ||
        !dma_bench_run(machine_dma_as(p->machine, params.sid), p->clock,
                       &params, &res, &err)) {
        qtest_reply_err(p, "%s", err->message);
        g_error_free(err);
        return;
    }
    text = dma_bench_result_text(&res);
    /* The IOMMU's own counters (hits, walks, walker queueing) follow. */
    stats = machine_stats(p->machine, NULL);
    qtest_reply(p, "OK %s%s%s", text, stats && *stats ? " " : "",
                stats ? stats : "");
    g_free(stats);
    g_free(text);
}
