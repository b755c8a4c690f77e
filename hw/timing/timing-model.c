/*
 * TimingModel: the walker slots, the cost of one translation as the sum
 * along its path, invalidation costs and the counters.  See
 * include/iommu-sim/timing.h for the shape and docs/timing.md for why.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "timing-model-int.h"

/* Precomputed costs of timing_xlate_pipeline_hit (as finish computes). */
static void timing_model_precompute(TimingModel *tm)
{
    for (uint32_t m = 0; m < G_N_ELEMENTS(tm->pipe_ns); m++) {
        uint64_t cyc = 0;

        for (unsigned k = 0; k <= TIMING_LOOKUP_IOTLB; k++) {
            cyc += (m >> k & 1) ? tm->p->lookup_cycles[k] : 0;
        }
        tm->pipe_ns[m] = timing_cycles_to_ns(tm->p, cyc);
        tm->pipe_cycles[m] = timing_ns_to_cycles(tm->p, tm->pipe_ns[m]);
    }
}

TimingModel *timing_model_new(const TimingProfile *p)
{
    TimingModel *tm = g_new0(TimingModel, 1);

    tm->p = p ? p : timing_profile_find("ideal");
    tm->nslots = MIN(tm->p->walk_slots, TIMING_MAX_SLOTS);
    tm->nlookup = MIN(tm->p->lookup_slots, TIMING_MAX_LOOKUP_SLOTS);
    if (timing_profile_is_ideal(tm->p)) {
        tm->nslots = 0;
        tm->nlookup = 0;
    }
    tm->track = g_strdup("iommu");
    timing_model_precompute(tm);
    timing_model_reset_stats(tm);
    return tm;
}

void timing_model_free(TimingModel *tm)
{
    if (tm) {
        g_free(tm->track);
        g_free(tm);
    }
}

const TimingProfile *timing_model_profile(const TimingModel *tm)
{
    return tm->p;
}

void timing_model_reset(TimingModel *tm)
{
    memset(tm->busy_until, 0, sizeof(tm->busy_until));
    memset(tm->lookup_busy, 0, sizeof(tm->lookup_busy));
    tm->lookup_idle_at = 0;
    tm->lookup_next = 0;
    tm->full_until = 0;
}

/* The statistics with the pipeline-only hits folded in. */
static void timing_model_fold(const TimingModel *tm, TimingStats *out)
{
    *out = tm->st;
    for (uint32_t m = 0; m < G_N_ELEMENTS(tm->pipe_count); m++) {
        uint64_t n = tm->pipe_count[m];

        for (unsigned k = 0; k <= TIMING_LOOKUP_IOTLB; k++) {
            out->lookups[k] += (m >> k & 1) * n;
            out->hits[k] += (m >> k & 1) * n;
        }
        out->translations += n;
        out->xlate_ns += n * tm->pipe_ns[m];
    }
}

void timing_model_get_stats(const TimingModel *tm, TimingStats *out)
{
    timing_model_fold(tm, out);
}

void timing_model_reset_stats(TimingModel *tm)
{
    memset(&tm->st, 0, sizeof(tm->st));
    memset(tm->pipe_count, 0, sizeof(tm->pipe_count));
    tm->st.first_arrival_ns = -1;
}

void timing_model_set_trace(TimingModel *tm, TimingTrace *trace,
                            const char *track)
{
    tm->trace = trace;
    g_free(tm->track);
    tm->track = g_strdup(track ? track : "iommu");
}

/*
 * FCFS over n identical servers (walker slots, lookup places): the one
 * that frees first, the lowest index among equals.
 */
static unsigned timing_first_free(const int64_t *busy_until, unsigned n)
{
    unsigned best = 0;

    for (unsigned i = 1; i < n; i++) {
        if (busy_until[i] < busy_until[best]) {
            best = i;
        }
    }
    return best;
}

/* ---- lookup pipeline -------------------------------------------------- */

int64_t timing_lookup_enter_busy(TimingModel *tm, int64_t arrival_ns,
                                 uint64_t hold_ns)
{
    unsigned best = timing_first_free(tm->lookup_busy, tm->nlookup);
    int64_t start, end;

    start = MAX(arrival_ns, tm->lookup_busy[best]);
    end = start + (int64_t)hold_ns;
    tm->lookup_busy[best] = end;
    tm->lookup_idle_at = MAX(tm->lookup_idle_at, end);
    if (start > arrival_ns) {
        tm->st.lookups_queued++;
        tm->st.lookup_queue_ns += (uint64_t)(start - arrival_ns);
    }
    return start;
}

/* ---- walker slots ----------------------------------------------------- */

/*
 * Time an arrival sees every slot busy: [ready, earliest free), counted
 * once however many arrivals see the same interval.
 */
static void timing_walker_count_full(TimingModel *tm, int64_t ready_ns,
                                     int64_t free_ns)
{
    int64_t from = MAX(ready_ns, tm->full_until);

    if (free_ns > from) {
        tm->st.walker_full_ns += (uint64_t)(free_ns - from);
        tm->full_until = free_ns;
    }
}

int64_t timing_walker_acquire(TimingModel *tm, int64_t ready_ns,
                              uint64_t hold_ns, unsigned *slot)
{
    unsigned best = 0;
    int64_t start;

    tm->st.walks++;
    tm->st.walk_busy_ns += hold_ns;
    if (tm->nslots == 0) {
        if (slot) {
            *slot = 0;
        }
        return ready_ns;
    }
    best = timing_first_free(tm->busy_until, tm->nslots);
    start = MAX(ready_ns, tm->busy_until[best]);
    if (start > ready_ns) {
        tm->st.walks_queued++;
        tm->st.walk_queue_ns += (uint64_t)(start - ready_ns);
        timing_walker_count_full(tm, ready_ns, start);
    }
    tm->busy_until[best] = start + (int64_t)hold_ns;
    if (slot) {
        *slot = best;
    }
    return start;
}

int64_t timing_walker_idle_at(const TimingModel *tm)
{
    int64_t t = 0;

    for (unsigned i = 0; i < tm->nslots; i++) {
        t = MAX(t, tm->busy_until[i]);
    }
    return t;
}

/* ---- one translation ------------------------------------------------- */

void timing_xlate_begin(TimingModel *tm, TimingXlate *x, int64_t arrival_ns,
                        uint16_t sid, uint64_t iova)
{
    /* Not the trace array: it is only read up to n_trace (hot path). */
    x->pipe_cycles = x->walk_cycles = 0;
    x->walk_reads = 0;
    x->needs_walk = false;
    x->events = 0;
    x->n_trace = 0;
    x->arrival_ns = arrival_ns;
    x->sid = sid;
    x->iova = iova;
}

static void timing_xlate_note(const TimingModel *tm, TimingXlate *x,
                              uint8_t kind, bool hit, uint64_t addr)
{
    if (tm->trace && x->n_trace < G_N_ELEMENTS(x->trace)) {
        x->trace[x->n_trace].kind = kind;
        x->trace[x->n_trace].hit = hit;
        x->trace[x->n_trace].addr = addr;
        x->n_trace++;
    }
}

void timing_xlate_lookup(TimingModel *tm, TimingXlate *x,
                         TimingLookupKind kind, bool hit)
{
    uint32_t cyc;

    if ((unsigned)kind >= TIMING_LOOKUP_COUNT) {
        return;
    }
    cyc = tm->p->lookup_cycles[kind];
    tm->st.lookups[kind]++;
    tm->st.hits[kind] += hit;
    if (kind <= TIMING_LOOKUP_IOTLB) {
        x->pipe_cycles += cyc;
        x->needs_walk |= !hit;
    } else {
        x->walk_cycles += cyc;
    }
    timing_xlate_note(tm, x, (uint8_t)kind, hit, 0);
}

void timing_xlate_read(TimingModel *tm, TimingXlate *x, uint64_t addr)
{
    x->walk_reads++;
    x->walk_cycles += tm->p->walk_step_cycles;
    x->needs_walk = true;
    timing_xlate_note(tm, x, TIMING_TRACE_READ, true, addr);
}

void timing_xlate_reads(TimingModel *tm, TimingXlate *x, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        timing_xlate_read(tm, x, UINT64_MAX);
    }
}

/* Trace: the translation, then its lookups and reads laid out in order. */
static void timing_xlate_trace(TimingModel *tm, const TimingXlate *x,
                               int64_t pipe_start, int64_t walk_start,
                               unsigned slot, int64_t done)
{
    int64_t t = x->arrival_ns;
    char args[96];

    g_snprintf(args, sizeof(args), "\"sid\":%u,\"iova\":\"0x%" G_GINT64_MODIFIER
               "x\",\"reads\":%u", x->sid, x->iova, x->walk_reads);
    timing_trace_event(tm->trace, tm->track, 0, "translate", t,
                       (uint64_t)(done - t), args);
    t = pipe_start;             /* after a wait to enter the pipeline */
    for (unsigned i = 0; i < x->n_trace; i++) {
        uint8_t k = x->trace[i].kind;
        bool pipe = k <= TIMING_LOOKUP_IOTLB;
        uint64_t dur = k == TIMING_TRACE_READ
            ? tm->p->table_read_ns +
              timing_cycles_to_ns(tm->p, tm->p->walk_step_cycles)
            : timing_cycles_to_ns(tm->p, tm->p->lookup_cycles[k]);
        char name[40];

        if (!pipe && t < walk_start) {
            t = walk_start;
        }
        if (k == TIMING_TRACE_READ) {
            g_snprintf(name, sizeof(name), "read");
            g_snprintf(args, sizeof(args), "\"addr\":\"0x%" G_GINT64_MODIFIER
                       "x\"", x->trace[i].addr);
        } else {
            g_snprintf(name, sizeof(name), "%s %s",
                       timing_lookup_kind_name(k),
                       x->trace[i].hit ? "hit" : "miss");
            args[0] = '\0';
        }
        timing_trace_event(tm->trace, tm->track, pipe ? 1 : 2 + slot, name,
                           t, dur, args);
        t += (int64_t)dur;
    }
}

int64_t timing_xlate_finish(TimingModel *tm, TimingXlate *x,
                            IOMMUCost *cost)
{
    const TimingProfile *p = tm->p;
    uint64_t pipe_ns = timing_cycles_to_ns(p, x->pipe_cycles);
    int64_t pipe_start = timing_lookup_enter(tm, x->arrival_ns, pipe_ns);
    int64_t ready = pipe_start + (int64_t)pipe_ns;
    int64_t start = ready, done = ready;
    unsigned slot = 0;

    if (x->needs_walk) {
        uint64_t hold = timing_cycles_to_ns(p, x->walk_cycles);

        if (!timing_profile_is_ideal(p)) {
            hold += (uint64_t)x->walk_reads * p->table_read_ns;
        }
        start = timing_walker_acquire(tm, ready, hold, &slot);
        done = start + (int64_t)hold;
    }
    tm->st.translations++;
    tm->st.walk_reads += x->walk_reads;
    tm->st.xlate_ns += (uint64_t)(done - x->arrival_ns);
    if (tm->st.first_arrival_ns < 0) {
        tm->st.first_arrival_ns = x->arrival_ns;
    }
    tm->st.last_done_ns = MAX(tm->st.last_done_ns, done);
    if (cost) {
        cost->ns = (uint64_t)(done - x->arrival_ns);
        cost->cycles = timing_ns_to_cycles(p, cost->ns);
        cost->mem_reads = x->walk_reads;
        cost->events |= x->events;
    }
    if (tm->trace) {
        timing_xlate_trace(tm, x, pipe_start, start, slot, done);
    }
    return done;
}

bool timing_model_tracing(const TimingModel *tm)
{
    return tm->trace != NULL;
}

int64_t timing_xlate_pipeline_hit(TimingModel *tm, int64_t arrival_ns,
                                  uint32_t kinds, IOMMUCost *cost)
{
    return timing_model_pipe_hit(tm, arrival_ns, kinds, cost);
}

/* ---- invalidation (VT-d 6.5.2, AMD-Vi 2.4) ---------------------------- */

int64_t timing_invalidate(TimingModel *tm, TimingInvKind kind,
                          int64_t now_ns)
{
    const TimingProfile *p = tm->p;
    int64_t done = now_ns;

    if ((unsigned)kind >= TIMING_INV_COUNT) {
        return now_ns;
    }
    tm->st.invalidations[kind]++;
    if (timing_profile_is_ideal(p)) {
        return now_ns;
    }
    done += p->inv_fetch_ns + (int64_t)timing_cycles_to_ns(p,
                                                    p->inv_cycles[kind]);
    /* A wait completes only after the walks that were in flight. */
    if (p->inv_drains_walks) {
        done = MAX(done, timing_walker_idle_at(tm));
    }
    tm->st.inv_ns += (uint64_t)(done - now_ns);
    timing_trace_event(tm->trace, tm->track, 1, timing_inv_kind_name(kind),
                       now_ns, (uint64_t)(done - now_ns), "");
    return done;
}

/* ---- statistics text ---------------------------------------------------- */

static void timing_kv(GString *out, const char *name, uint64_t v)
{
    g_string_append_printf(out, "%s%s=%" G_GUINT64_FORMAT,
                           out->len ? " " : "", name, v);
}

void timing_model_stats_text(const TimingModel *tm, GString *out)
{
    TimingStats st;
    const TimingStats *s = &st;
    const TimingProfile *p = tm->p;
    uint64_t span;

    timing_model_fold(tm, &st);
    span = s->first_arrival_ns < 0 ? 0
         : (uint64_t)(s->last_done_ns - s->first_arrival_ns);
    g_string_append_printf(out, "%stiming=%s", out->len ? " " : "",
                           p->name);
    timing_kv(out, "timing_translations", s->translations);
    timing_kv(out, "timing_walks", s->walks);
    timing_kv(out, "timing_walk_mem_reads", s->walk_reads);
    timing_kv(out, "timing_walks_queued", s->walks_queued);
    timing_kv(out, "timing_walk_queue_ns", s->walk_queue_ns);
    timing_kv(out, "timing_lookups_queued", s->lookups_queued);
    timing_kv(out, "timing_lookup_queue_ns", s->lookup_queue_ns);
    timing_kv(out, "timing_walker_full_cycles",
              timing_ns_to_cycles(p, s->walker_full_ns));
    /* Mean slots busy over the span, in thousandths. */
    timing_kv(out, "timing_walk_occupancy_milli",
              span ? s->walk_busy_ns * 1000 / span : 0);
    timing_kv(out, "timing_xlate_ns", s->xlate_ns);
    for (unsigned k = 0; k < TIMING_INV_COUNT; k++) {
        char name[48];

        g_snprintf(name, sizeof(name), "timing_inv_%s",
                   timing_inv_kind_name((TimingInvKind)k));
        timing_kv(out, name, s->invalidations[k]);
    }
    timing_kv(out, "timing_inv_ns", s->inv_ns);
}
