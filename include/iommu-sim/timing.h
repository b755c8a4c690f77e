/*
 * The vendor-neutral timing model: profiles, the per-IOMMU walker, cost
 * accounting of one translation, invalidation costs, statistics and
 * Chrome/Perfetto trace output.  docs/timing.md describes the model and
 * where every number of a profile comes from.
 *
 * Shape of a translation in time (all vendors alike):
 *
 *   arrival --lookup pipeline--> [walker queue] --walk--> done
 *            config cache,        wait for one    paging-structure-cache
 *            IOTLB lookups        of N slots      lookups, table reads
 *
 * The lookup pipeline costs cycles of the IOMMU clock and holds
 * `lookup_slots` translations at once (a later arrival waits for the
 * place that frees first).  A translation
 * that misses (config or IOTLB) needs a page walker; the walker has
 * `walk_slots` slots, each holding one walk from its start until its last
 * table read returns.  When every slot is busy the translation waits for
 * the earliest one to free up, so concurrency and throughput come out of
 * the model: the walker serves at most walk_slots / walk_time walks per
 * second however many requests are outstanding.
 *
 * Arrival times are absolute virtual nanoseconds given by the caller
 * (the IOMMU passes vclock_now() of its clock); they must not go
 * backwards by more than what is already queued, which holds whenever
 * time only moves forward.  Nothing here reads a clock or guest memory:
 * the model is pure arithmetic on what the IOMMU reports, so functional
 * results never depend on it.
 *
 * How a vendor model uses it (VT-d: hw/intel-vtd/vtd-translate.c):
 *
 *   TimingXlate x;
 *   timing_xlate_begin(tm, &x, now_ns, requester_id, iova);
 *   timing_xlate_lookup(tm, &x, TIMING_LOOKUP_CONFIG, hit);   each lookup
 *   timing_xlate_lookup(tm, &x, TIMING_LOOKUP_IOTLB, hit);
 *   timing_xlate_lookup(tm, &x, TIMING_LOOKUP_PWC, hit);      walker side
 *   timing_xlate_read(tm, &x, table_entry_address);          each read
 *   timing_xlate_finish(tm, &x, &out->cost);                 fills cost
 *
 * With the `ideal` profile every cost is zero and the walker is never
 * full; the same calls still count events.
 *
 * A TimingModel belongs to one device instance; it is not thread-safe.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_TIMING_H
#define IOMMU_SIM_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "iommu-sim/iommu.h"

/* Where a lookup happens; kinds up to TIMING_LOOKUP_IOTLB are before the
 * walker, the rest are done by a walker slot. */
typedef enum {
    TIMING_LOOKUP_CONFIG = 0,   /* VT-d context cache, AMD DTE cache */
    TIMING_LOOKUP_PASID,        /* VT-d PASID cache */
    TIMING_LOOKUP_IOTLB,        /* VT-d IOTLB, AMD IOTLB (PTE) */
    TIMING_LOOKUP_PWC,          /* VT-d paging-structure caches, AMD PDE */
    TIMING_LOOKUP_IEC,          /* interrupt entry cache (not on DMA path) */
    TIMING_LOOKUP_COUNT,
} TimingLookupKind;

/* Invalidation request types, vendor-neutral (VT-d 6.5, AMD-Vi 2.4). */
typedef enum {
    TIMING_INV_CONFIG = 0,      /* context cache / DTE (INVALIDATE_DEVTAB) */
    TIMING_INV_IOTLB_GLOBAL,
    TIMING_INV_IOTLB_DOMAIN,
    TIMING_INV_IOTLB_PAGE,      /* page-selective / INVALIDATE_IOMMU_PAGES */
    TIMING_INV_DEVTLB,          /* device-TLB (ATS) invalidation */
    TIMING_INV_IEC,             /* interrupt entry cache / INVALIDATE_INTR */
    TIMING_INV_WAIT,            /* wait descriptor / COMPLETION_WAIT */
    TIMING_INV_COUNT,
} TimingInvKind;

/*
 * All parameters of one timing profile.  Zero means "free" for a cost
 * and "unlimited" for walk_slots; clock_mhz 0 is the ideal IOMMU.
 */
typedef struct TimingProfile {
    const char *name;
    const char *description;

    /* IOMMU side */
    uint32_t clock_mhz;             /* IOMMU clock that cycles count */
    uint32_t lookup_cycles[TIMING_LOOKUP_COUNT]; /* per lookup, hit or miss */
    /*
     * Translations in the lookup pipeline at once (config, PASID and
     * IOTLB lookups): one holds a place from entering the pipeline until
     * its last lookup there completes; 0: unlimited.
     */
    uint32_t lookup_slots;
    uint32_t walk_step_cycles;      /* walker work per table read */
    uint32_t table_read_ns;         /* one paging-structure read */
    uint32_t walk_slots;            /* concurrent walks (0: unlimited) */

    /* invalidation: fetch, per-type processing, drain of walks in flight */
    uint32_t inv_fetch_ns;          /* descriptor / command fetch */
    uint32_t inv_cycles[TIMING_INV_COUNT];
    bool inv_drains_walks;          /* waits for walks in flight */

    /* device and link (the IOMMU-off baseline of dma_bench) */
    uint32_t link_latency_ns;       /* one way, device <-> root complex */
    uint32_t mem_latency_ns;        /* DMA data read at the root complex */
    uint32_t link_mbps;             /* data rate per direction, Mb/s */
    uint32_t tlp_overhead_bytes;    /* framing + header + LCRC per TLP */
    uint32_t max_payload_bytes;     /* completion / write TLP payload */
    uint32_t dev_tags;              /* outstanding reads the device keeps */
} TimingProfile;

/* The named profiles: "ideal", "broadwell-ep". NULL when unknown. */
const TimingProfile *timing_profile_find(const char *name);
/* NULL-terminated list of names, for "accepted:" messages. */
const char *const *timing_profile_names(void);
/* True when the profile charges nothing (ideal). */
bool timing_profile_is_ideal(const TimingProfile *p);
/* cycles of p's IOMMU clock as ns, rounded up; 0 for an ideal profile. */
uint64_t timing_cycles_to_ns(const TimingProfile *p, uint64_t cycles);
/* ns as cycles of p's clock, rounded down; 0 for an ideal profile. */
uint64_t timing_ns_to_cycles(const TimingProfile *p, uint64_t ns);

typedef struct TimingTrace TimingTrace;
typedef struct TimingModel TimingModel;

/* Counters named after Intel's IIO IOMMU uncore events where possible. */
typedef struct TimingStats {
    uint64_t translations;
    uint64_t lookups[TIMING_LOOKUP_COUNT];
    uint64_t hits[TIMING_LOOKUP_COUNT];
    uint64_t walks;                 /* translations that used a slot */
    uint64_t walk_reads;            /* memory accesses of the walker */
    uint64_t walks_queued;          /* walks that found every slot busy */
    uint64_t walk_queue_ns;         /* time walks spent waiting */
    uint64_t walk_busy_ns;          /* sum of slot holding times */
    uint64_t walker_full_ns;        /* time an arrival saw every slot busy */
    uint64_t lookups_queued;        /* translations that waited to enter
                                       the lookup pipeline */
    uint64_t lookup_queue_ns;       /* time they waited */
    uint64_t xlate_ns;              /* sum of translation latencies */
    uint64_t invalidations[TIMING_INV_COUNT];
    uint64_t inv_ns;                /* sum of invalidation processing */
    int64_t first_arrival_ns;       /* -1 before the first translation */
    int64_t last_done_ns;
} TimingStats;

/* p must outlive the model (the named profiles are static). */
TimingModel *timing_model_new(const TimingProfile *p);
void timing_model_free(TimingModel *tm);
const TimingProfile *timing_model_profile(const TimingModel *tm);
/* Device reset: slots idle, counters kept. */
void timing_model_reset(TimingModel *tm);
void timing_model_get_stats(const TimingModel *tm, TimingStats *out);
void timing_model_reset_stats(TimingModel *tm);
/*
 * Appends " timing=<profile> walks=... walker_full_cycles=..." etc.
 * ("name=value" words, a leading space when out is not empty).
 */
void timing_model_stats_text(const TimingModel *tm, GString *out);
/* Events go to trace (NULL: none); track names the IOMMU in the viewer. */
void timing_model_set_trace(TimingModel *tm, TimingTrace *trace,
                            const char *track);

/*
 * Walker slots on their own (used by timing_xlate_finish): a walk that
 * may start at ready_ns and holds a slot hold_ns.  Returns its start
 * time (>= ready_ns) and the slot it got in *slot (may be NULL).
 */
int64_t timing_walker_acquire(TimingModel *tm, int64_t ready_ns,
                              uint64_t hold_ns, unsigned *slot);
/* Latest time any slot is busy until (for draining). */
int64_t timing_walker_idle_at(const TimingModel *tm);

/* One translation being accounted; on the caller's stack. */
typedef struct TimingXlate {
    int64_t arrival_ns;
    uint16_t sid;
    uint64_t iova;
    uint64_t pipe_cycles;       /* lookups before the walker */
    uint64_t walk_cycles;       /* lookups and steps inside the walker */
    uint32_t walk_reads;
    bool needs_walk;            /* some miss sends it to the walker */
    uint32_t events;            /* IOMMU_EV_* */
    unsigned n_trace;           /* trace records kept below (tracing on) */
    struct {
        uint8_t kind;           /* TimingLookupKind, or 0xff: table read */
        bool hit;
        uint64_t addr;
    } trace[16];
} TimingXlate;

void timing_xlate_begin(TimingModel *tm, TimingXlate *x, int64_t arrival_ns,
                        uint16_t sid, uint64_t iova);
/*
 * A cache lookup and its result.  A miss of CONFIG, PASID or IOTLB
 * means the translation needs a walker slot.
 */
void timing_xlate_lookup(TimingModel *tm, TimingXlate *x,
                         TimingLookupKind kind, bool hit);
/* One table read by the walker (entry address, for the trace). */
void timing_xlate_read(TimingModel *tm, TimingXlate *x, uint64_t addr);
/* n table reads whose addresses are not known. */
void timing_xlate_reads(TimingModel *tm, TimingXlate *x, uint32_t n);
/*
 * Schedule the walk (if any), fill cost (cycles, ns, mem_reads, events
 * ORed with x->events) and count; returns the completion time.
 */
int64_t timing_xlate_finish(TimingModel *tm, TimingXlate *x,
                            IOMMUCost *cost);

/* Whether a trace is being written (fast paths then step aside). */
bool timing_model_tracing(const TimingModel *tm);
/*
 * The whole accounting of a translation that hit in every lookup of the
 * pipeline and needed no walk: kinds is a bit mask (1u << kind) of the
 * lookups made, each of kind <= TIMING_LOOKUP_IOTLB.  Same counters and
 * cost as begin + a hit lookup per kind + finish, without their
 * per-call arithmetic (the costs are precomputed).  Returns the
 * completion time.  Not for use while tracing (the trace would miss it).
 */
int64_t timing_xlate_pipeline_hit(TimingModel *tm, int64_t arrival_ns,
                                  uint32_t kinds, IOMMUCost *cost);

/*
 * An invalidation request arriving at now_ns: fetch + processing (+ the
 * drain of walks in flight when the profile says so).  Returns the time
 * it completes; a wait descriptor / COMPLETION_WAIT should signal then.
 */
int64_t timing_invalidate(TimingModel *tm, TimingInvKind kind,
                          int64_t now_ns);
const char *timing_inv_kind_name(TimingInvKind kind);
const char *timing_lookup_kind_name(TimingLookupKind kind);

/*
 * Chrome / Perfetto trace JSON ("traceEvents" array of complete events,
 * ts in microseconds).  Open in chrome://tracing or ui.perfetto.dev.
 */
TimingTrace *timing_trace_open(const char *path, GError **errp);
/* Writes the closing bracket; NULL is fine. */
void timing_trace_close(TimingTrace *t);
/*
 * One complete event [start_ns, start_ns + dur_ns) on process pid_name,
 * thread tid; args_json is "" or a JSON object body ("\"k\":1,...").
 */
void timing_trace_event(TimingTrace *t, const char *pid_name, unsigned tid,
                        const char *name, int64_t start_ns, uint64_t dur_ns,
                        const char *args_json);
uint64_t timing_trace_events(const TimingTrace *t);

#endif
