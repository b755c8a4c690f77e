/*
 * dma_bench: the pcie-bench style traffic generator.  See
 * include/iommu-sim/dma-bench.h for the transfer model.
 *
 * Event order.  Requests are issued in nondecreasing time and reach the
 * IOMMU in that order, so the IOMMU's FCFS walker sees a valid arrival
 * sequence.  After the IOMMU a transfer's data is ready at a time that
 * is not monotone (walks and queueing differ per transfer), so in-flight
 * transfers sit in a min-heap on that time and the downstream link
 * serializes completions in data-ready order, as a link does: PCIe
 * completions for different tags may pass each other (PCIe 3.0 §2.4.1).
 * A tag frees when its completion has crossed the link.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/dma-bench.h"

#define DMA_BENCH_HIST_BINS (1u << 18)     /* 1 ns bins up to 262 us */

typedef struct DmaBenchFlight {
    int64_t ready;      /* data in memory / read data at the root port */
    int64_t issue;
    bool fault;
} DmaBenchFlight;

typedef struct DmaBenchRun {
    const DmaBenchParams *p;
    const TimingProfile *lp;
    AddressSpace *as;
    VirtualClock *clock;
    DmaBenchResult *r;
    DmaBenchFlight *heap;
    unsigned nheap;
    uint32_t *hist;
    uint64_t lat_sum;
    int64_t up_free, down_free, last_issue, last_done;
    uint64_t rng;
    uint8_t *buf;
} DmaBenchRun;

/* ---- helpers ------------------------------------------------------------ */

static uint64_t dma_bench_rand(DmaBenchRun *b)
{
    /* splitmix64: a seed gives one reproducible stream. */
    uint64_t z = (b->rng += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Bytes on the wire for len payload bytes split into max-payload TLPs. */
static uint64_t dma_bench_wire_ns(const TimingProfile *lp, uint64_t len)
{
    uint64_t mps = lp->max_payload_bytes ? lp->max_payload_bytes : 256;
    uint64_t tlps = len ? (len + mps - 1) / mps : 1;
    uint64_t bytes = len + tlps * lp->tlp_overhead_bytes;

    if (!lp->link_mbps) {
        return 0;
    }
    return (bytes * 8 * 1000 + lp->link_mbps - 1) / lp->link_mbps;
}

static void dma_bench_heap_push(DmaBenchRun *b, DmaBenchFlight f)
{
    unsigned i = b->nheap++;

    while (i && b->heap[(i - 1) / 2].ready > f.ready) {
        b->heap[i] = b->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    b->heap[i] = f;
}

static DmaBenchFlight dma_bench_heap_pop(DmaBenchRun *b)
{
    DmaBenchFlight top = b->heap[0], last = b->heap[--b->nheap];
    unsigned i = 0;

    for (;;) {
        unsigned c = 2 * i + 1;

        if (c >= b->nheap) {
            break;
        }
        if (c + 1 < b->nheap && b->heap[c + 1].ready < b->heap[c].ready) {
            c++;
        }
        if (b->heap[c].ready >= last.ready) {
            break;
        }
        b->heap[i] = b->heap[c];
        i = c;
    }
    if (b->nheap) {
        b->heap[i] = last;
    }
    return top;
}

static uint64_t dma_bench_percentile(const DmaBenchRun *b, uint64_t n,
                                     unsigned pct)
{
    uint64_t want = (n * pct + 99) / 100, seen = 0;

    for (uint32_t i = 0; i < DMA_BENCH_HIST_BINS; i++) {
        seen += b->hist[i];
        if (want && seen >= want) {
            return i;
        }
    }
    return DMA_BENCH_HIST_BINS - 1;
}

/* ---- the transfer model -------------------------------------------------- */

/* Retire the transfer whose data is ready first: returns when its tag frees. */
static int64_t dma_bench_retire(DmaBenchRun *b)
{
    DmaBenchFlight f = dma_bench_heap_pop(b);
    const TimingProfile *lp = b->lp;
    int64_t done = f.ready;
    uint64_t lat;

    if (!b->p->write) {
        /* Completion TLPs (or a completer abort) on the downstream link. */
        uint64_t ser = dma_bench_wire_ns(lp, f.fault ? 0 : b->p->xfer);
        int64_t start = MAX(f.ready, b->down_free);

        b->down_free = start + (int64_t)ser;
        b->r->link_busy_ns += ser;
        done = b->down_free + lp->link_latency_ns;
    }
    lat = (uint64_t)(done - f.issue);
    b->hist[MIN(lat, DMA_BENCH_HIST_BINS - 1)]++;
    b->lat_sum += lat;
    b->last_done = MAX(b->last_done, done);
    timing_trace_event(b->p->trace, "device", 0,
                       b->p->write ? "dma write" : "dma read", f.issue, lat,
                       "");
    return done;
}

static uint64_t dma_bench_addr(DmaBenchRun *b, uint64_t i)
{
    uint64_t slots = b->p->window / b->p->xfer;

    if (b->p->pattern == DMA_BENCH_SEQ) {
        return b->p->base + (i % slots) * b->p->xfer;
    }
    return b->p->base + (dma_bench_rand(b) % slots) * b->p->xfer;
}

/* One transfer issued at `issue`: up the link, through the IOMMU, memory. */
static void dma_bench_issue(DmaBenchRun *b, uint64_t i, int64_t issue)
{
    const TimingProfile *lp = b->lp;
    MemTxAttrs attrs = memtxattrs_for_requester(b->p->sid);
    MemTxInfo info = { 0 };
    uint64_t up_ser = dma_bench_wire_ns(lp, b->p->write ? b->p->xfer : 0);
    int64_t arrival;
    DmaBenchFlight f = { .issue = issue };

    /* Requests / posted data serialize on the upstream link. */
    b->up_free = MAX(issue, b->up_free) + (int64_t)up_ser;
    if (b->p->write) {
        b->r->link_busy_ns += up_ser;
    }
    arrival = b->up_free + lp->link_latency_ns;
    vclock_advance_to(b->clock, arrival);
    address_space_rw(b->as, dma_bench_addr(b, i), attrs, b->buf, b->p->xfer,
                     b->p->write, &info);
    b->r->translations += info.translations;
    b->r->xlate_ns += info.cost_ns;
    f.fault = info.faulted;
    b->r->faults += info.faulted;
    b->r->transactions += !info.faulted;
    f.ready = arrival + (int64_t)info.cost_ns +
              (info.faulted ? 0 : lp->mem_latency_ns);
    dma_bench_heap_push(b, f);
}

static void dma_bench_loop(DmaBenchRun *b, uint32_t tags)
{
    int64_t start = vclock_now(b->clock);

    b->last_issue = b->up_free = b->down_free = b->last_done = start;
    for (uint64_t i = 0; i < b->p->count; i++) {
        int64_t issue = b->last_issue;

        if (b->nheap == tags) {
            int64_t freed = dma_bench_retire(b);

            if (freed > issue) {
                b->r->tag_wait_ns += (uint64_t)(freed - issue);
                issue = freed;
            }
        }
        b->last_issue = issue;
        dma_bench_issue(b, i, issue);
    }
    while (b->nheap) {
        dma_bench_retire(b);
    }
    vclock_advance_to(b->clock, b->last_done);
    b->r->ns = (uint64_t)(b->last_done - start);
}

static bool dma_bench_check(VirtualClock *clock, const DmaBenchParams *p,
                            GError **errp)
{
    const char *why = NULL;

    if (!clock || vclock_is_realtime(clock)) {
        why = "needs the virtual (qtest) clock";
    } else if (p->xfer == 0 || p->xfer > DMA_BENCH_MAX_XFER) {
        why = "XFER must be 1..65536 bytes";
    } else if (p->window < p->xfer) {
        why = "WINDOW must be at least XFER";
    } else if (p->base + p->window - 1 < p->base) {
        why = "BASE + WINDOW wraps past the end of the address space";
    } else if (p->count == 0 || p->count > DMA_BENCH_MAX_COUNT) {
        why = "COUNT must be 1..100000000";
    } else if (p->outstanding > DMA_BENCH_MAX_OUTSTANDING) {
        why = "outstanding must be 0..4096";
    }
    if (why) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "dma_bench: %s", why);
    }
    return why == NULL;
}

bool dma_bench_run(AddressSpace *as, VirtualClock *clock,
                   const DmaBenchParams *p, DmaBenchResult *r,
                   GError **errp)
{
    DmaBenchRun b = { .p = p, .as = as, .clock = clock, .r = r };
    uint32_t tags;
    uint64_t n;

    memset(r, 0, sizeof(*r));
    if (!dma_bench_check(clock, p, errp)) {
        return false;
    }
    b.lp = p->link ? p->link : timing_profile_find("broadwell-ep");
    tags = p->outstanding ? p->outstanding : MAX(b.lp->dev_tags, 1u);
    b.heap = g_new(DmaBenchFlight, tags);
    b.hist = g_new0(uint32_t, DMA_BENCH_HIST_BINS);
    b.buf = g_malloc0(p->xfer);
    b.rng = p->seed;
    dma_bench_loop(&b, tags);
    n = r->transactions + r->faults;
    r->gbps = r->ns ? (double)r->transactions * p->xfer * 8 / r->ns : 0;
    r->lat_mean_ns = n ? (double)b.lat_sum / n : 0;
    r->lat_p50_ns = dma_bench_percentile(&b, n, 50);
    r->lat_p99_ns = dma_bench_percentile(&b, n, 99);
    g_free(b.heap);
    g_free(b.hist);
    g_free(b.buf);
    return true;
}

char *dma_bench_result_text(const DmaBenchResult *r)
{
    return g_strdup_printf("transactions=%" G_GUINT64_FORMAT
        " ns=%" G_GUINT64_FORMAT " gbps=%.2f lat_mean_ns=%.0f"
        " lat_p50_ns=%" G_GUINT64_FORMAT " lat_p99_ns=%" G_GUINT64_FORMAT
        " faults=%" G_GUINT64_FORMAT " translations=%" G_GUINT64_FORMAT
        " xlate_ns=%" G_GUINT64_FORMAT " tag_wait_ns=%" G_GUINT64_FORMAT
        " link_busy_ns=%" G_GUINT64_FORMAT,
        r->transactions, r->ns, r->gbps, r->lat_mean_ns, r->lat_p50_ns,
        r->lat_p99_ns, r->faults, r->translations, r->xlate_ns,
        r->tag_wait_ns, r->link_busy_ns);
}
