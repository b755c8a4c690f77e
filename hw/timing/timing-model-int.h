/*
 * TimingModel internals shared by timing-model.c and the front cache's
 * hit path (iommu-front.c), which charges a pipeline-only hit inline.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_TIMING_TIMING_MODEL_INT_H
#define HW_TIMING_TIMING_MODEL_INT_H

#include "iommu-sim/timing.h"

/* More slots than any real walker; walk_slots 0 (unlimited) uses none. */
#define TIMING_MAX_SLOTS 64u
#define TIMING_TRACE_READ 0xffu

struct TimingModel {
    const TimingProfile *p;
    unsigned nslots;                    /* 0: unlimited */
    int64_t busy_until[TIMING_MAX_SLOTS];
    int64_t full_until;                 /* walker-full time counted to */
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

/* timing_xlate_pipeline_hit (include/iommu-sim/timing.h). */
static inline int64_t timing_model_pipe_hit(TimingModel *tm,
                                            int64_t arrival_ns,
                                            uint32_t kinds, IOMMUCost *cost)
{
    uint32_t m = kinds & (G_N_ELEMENTS(tm->pipe_ns) - 1);
    int64_t done = arrival_ns + (int64_t)tm->pipe_ns[m];

    tm->pipe_count[m]++;        /* lookups, hits, latency: timing_model_fold */
    if (tm->st.first_arrival_ns < 0) {
        tm->st.first_arrival_ns = arrival_ns;
    }
    tm->st.last_done_ns = MAX(tm->st.last_done_ns, done);
    if (cost) {
        cost->ns = tm->pipe_ns[m];
        cost->cycles = tm->pipe_cycles[m];
        cost->mem_reads = 0;
    }
    return done;
}

#endif
