/*
 * TimingModel internals shared by timing-model.c and the front cache's
 * hit path (iommu-front-hit.h), which charges a pipeline-only hit inline.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_TIMING_TIMING_MODEL_INT_H
#define HW_TIMING_TIMING_MODEL_INT_H

#include "iommu-sim/timing.h"

/* More slots than any real walker; walk_slots 0 (unlimited) uses none. */
#define TIMING_MAX_SLOTS 64u
/* Likewise for the lookup pipeline (lookup_slots). */
#define TIMING_MAX_LOOKUP_SLOTS 16u
#define TIMING_TRACE_READ 0xffu

struct TimingModel {
    const TimingProfile *p;
    unsigned nslots;                    /* 0: unlimited */
    int64_t busy_until[TIMING_MAX_SLOTS];
    int64_t full_until;                 /* walker-full time counted to */
    unsigned nlookup;                   /* lookup places; 0: unlimited */
    int64_t lookup_busy[TIMING_MAX_LOOKUP_SLOTS];
    int64_t lookup_idle_at;             /* every place free from then on */
    unsigned lookup_next;               /* the place an idle pipeline uses */
    TimingStats st;
    TimingTrace *trace;
    char *track;
    /* Pipeline-only hits by lookup-kind mask: cost ns and cycles. */
    uint64_t pipe_ns[1u << (TIMING_LOOKUP_IOTLB + 1)];
    uint64_t pipe_cycles[1u << (TIMING_LOOKUP_IOTLB + 1)];
    /*
     * Pipeline-only hits counted by mask, folded into the statistics when
     * they are read (timing_model_fold): the hit path updates one counter.
     */
    uint64_t pipe_count[1u << (TIMING_LOOKUP_IOTLB + 1)];
};

/* timing_lookup_enter while some place is taken: the FCFS scan. */
int64_t timing_lookup_enter_busy(TimingModel *tm, int64_t arrival_ns,
                                 uint64_t hold_ns);

/*
 * Enter the lookup pipeline at arrival_ns for hold_ns: the time the
 * translation starts its lookups (later than arrival when every place is
 * taken; FCFS over identical places, as the walker's slots).
 */
static inline int64_t timing_lookup_enter(TimingModel *tm, int64_t arrival_ns,
                                          uint64_t hold_ns)
{
    if (tm->nlookup == 0) {
        return arrival_ns;
    }
    if (arrival_ns >= tm->lookup_idle_at) {
        /*
         * Every place is free: any one is the earliest, and the others
         * stay free for every later arrival, so taking the next in turn
         * is the FCFS choice without the scan.
         */
        tm->lookup_busy[tm->lookup_next] = arrival_ns + (int64_t)hold_ns;
        if (++tm->lookup_next == tm->nlookup) {
            tm->lookup_next = 0;
        }
        tm->lookup_idle_at = arrival_ns + (int64_t)hold_ns;
        return arrival_ns;
    }
    return timing_lookup_enter_busy(tm, arrival_ns, hold_ns);
}

/* timing_xlate_pipeline_hit (include/iommu-sim/timing.h). */
static inline int64_t timing_model_pipe_hit(TimingModel *tm,
                                            int64_t arrival_ns,
                                            uint32_t kinds, IOMMUCost *cost)
{
    uint32_t m = kinds & (G_N_ELEMENTS(tm->pipe_ns) - 1);
    int64_t start = timing_lookup_enter(tm, arrival_ns, tm->pipe_ns[m]);
    int64_t done = start + (int64_t)tm->pipe_ns[m];

    /* lookups, hits, latency: timing_model_fold; a wait: counted here */
    tm->pipe_count[m]++;
    if (start > arrival_ns) {
        tm->st.xlate_ns += (uint64_t)(start - arrival_ns);
    }
    if (tm->st.first_arrival_ns < 0) {
        tm->st.first_arrival_ns = arrival_ns;
    }
    tm->st.last_done_ns = MAX(tm->st.last_done_ns, done);
    if (cost) {
        cost->ns = (uint64_t)(done - arrival_ns);
        cost->cycles = start == arrival_ns
            ? tm->pipe_cycles[m]
            : timing_ns_to_cycles(tm->p, cost->ns);
        cost->mem_reads = 0;
    }
    return done;
}

#endif
