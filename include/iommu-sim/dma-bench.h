/*
 * A pcie-bench style traffic generator (Neugebauer et al., SIGCOMM 2018):
 * COUNT DMA transfers of XFER bytes at random (or sequential) XFER-aligned
 * offsets of a WINDOW at BASE, by requester SID, with at most N in flight.
 *
 * Every transfer goes through the real DMA path of the address space the
 * caller gives (machine_dma_as(sid): the IOMMU's translate, its caches and
 * walks, then guest RAM), so hits, misses and walker queueing are the
 * model's own.  Around the IOMMU sits a device/link model from a
 * TimingProfile (link latency each way, link data rate and TLP overhead,
 * the memory latency of the data, the device's tags); with no IOMMU on
 * the path that model alone is the IOMMU-off baseline.
 *
 * Time: requests are issued in time order; before each one reaches the
 * IOMMU the virtual clock is advanced to its arrival, so the IOMMU's
 * walker sees real arrival times, and at the end the clock stands at the
 * last completion.  Needs the virtual (qtest) clock.
 *
 * Per transfer, reads:  issue (a free tag) -> request TLP on the link
 *   -> link latency -> IOMMU translation (incl. walker queue) -> memory
 *   -> completion TLPs serialized on the downstream link -> link latency
 *   -> tag free.  Writes (posted): data TLPs upstream -> link latency ->
 *   translation -> memory; the tag models the root complex's posted
 *   credit and frees when the data is in memory.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_DMA_BENCH_H
#define IOMMU_SIM_DMA_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "iommu-sim/clock.h"
#include "iommu-sim/memory.h"
#include "iommu-sim/timing.h"

typedef enum {
    DMA_BENCH_RANDOM = 0,
    DMA_BENCH_SEQ,
} DmaBenchPattern;

/* Upper bounds that keep one run sane. */
#define DMA_BENCH_MAX_XFER (64u * 1024)
#define DMA_BENCH_MAX_COUNT (100u * 1000 * 1000)
#define DMA_BENCH_MAX_OUTSTANDING 4096u

typedef struct DmaBenchParams {
    uint16_t sid;
    uint64_t base;
    uint64_t window;            /* >= xfer */
    uint32_t xfer;              /* bytes per transfer, 1..MAX_XFER */
    uint64_t count;             /* transfers, 1..MAX_COUNT */
    DmaBenchPattern pattern;
    bool write;
    uint32_t outstanding;       /* 0: the link profile's dev_tags */
    uint64_t seed;
    const TimingProfile *link;  /* NULL: broadwell-ep */
    TimingTrace *trace;         /* per-transfer events, may be NULL */
} DmaBenchParams;

typedef struct DmaBenchResult {
    uint64_t transactions;      /* completed without fault */
    uint64_t faults;            /* transfers an IOMMU refused */
    uint64_t translations;      /* translate calls on the path */
    uint64_t ns;                /* first issue to last completion */
    double gbps;                /* payload bits / ns */
    double lat_mean_ns;         /* issue to completion */
    uint64_t lat_p50_ns;
    uint64_t lat_p99_ns;
    uint64_t xlate_ns;          /* summed IOMMU cost */
    uint64_t tag_wait_ns;       /* time the device waited for a tag */
    uint64_t link_busy_ns;      /* downstream (reads) / upstream (writes) */
} DmaBenchResult;

/* Defaults: random, read, outstanding 0, seed 1, link NULL. */
void dma_bench_params_init(DmaBenchParams *p);
/*
 * Parse the verb's words after the verb itself:
 * SID BASE WINDOW XFER COUNT [pattern=random|seq] [dir=read|write]
 * [outstanding=N] [seed=S] [link=PROFILE].  SID as "BB:DD.F" or a number.
 */
bool dma_bench_parse(DmaBenchParams *p, char **words, int n, GError **errp);
/* Run; false with errp set on bad parameters or a real-time clock. */
bool dma_bench_run(AddressSpace *as, VirtualClock *clock,
                   const DmaBenchParams *p, DmaBenchResult *r,
                   GError **errp);
/* "transactions=N ns=T gbps=X lat_mean_ns=M lat_p50_ns=P ..." (g_free). */
char *dma_bench_result_text(const DmaBenchResult *r);

#endif
