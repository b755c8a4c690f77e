/*
 * Virtual clock in nanoseconds, with timers.
 *
 * In the default (qtest) mode time moves only when the harness says so
 * (clock_step / clock_set) or when a model advances it on purpose, so
 * runs are deterministic.  In real-time mode (-accel tcg or kvm, the way
 * a QEMU built without the qtest accelerator behaves) the clock follows
 * the host's monotonic clock and the harness fires due timers between
 * commands.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_CLOCK_H
#define IOMMU_SIM_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef struct VirtualClock VirtualClock;
typedef struct VirtualTimer VirtualTimer;
typedef void (*VirtualTimerCb)(void *opaque);

VirtualClock *vclock_new(void);
void vclock_free(VirtualClock *clock);

/*
 * The part of a clock vclock_now and vclock_advance_to use inline (every
 * translation asks for the time; a stream of requests steps it); the
 * rest of the clock is clock.c's own.  Use it only through those two.
 */
typedef struct VirtualClockPublic {
    int64_t now_ns;             /* virtual mode: the time */
    bool realtime;
    int64_t next_deadline;      /* earliest armed timer; INT64_MAX: none */
} VirtualClockPublic;

/* Real-time mode's read (the host clock); vclock_now calls it. */
int64_t vclock_now_realtime(VirtualClock *clock);

static inline int64_t vclock_now(VirtualClock *clock)
{
    const VirtualClockPublic *pub = (const VirtualClockPublic *)clock;

    return pub->realtime ? vclock_now_realtime(clock) : pub->now_ns;
}

/* Real-time mode: now() follows CLOCK_MONOTONIC from the moment of the call. */
void vclock_set_realtime(VirtualClock *clock, bool realtime);
bool vclock_is_realtime(const VirtualClock *clock);

/* Earliest pending deadline, or -1 when no timer is armed. */
int64_t vclock_next_deadline(VirtualClock *clock);

/*
 * Advance to target (never backwards), firing due timers in deadline
 * order; while a callback runs, now() equals its deadline.  Callbacks
 * may arm or cancel timers.  In real-time mode only fires timers that
 * are due.  Inline when no timer is due by target; otherwise (or in
 * real-time mode) vclock_advance_to_slow does the work.
 */
void vclock_advance_to_slow(VirtualClock *clock, int64_t target_ns);

static inline void vclock_advance_to(VirtualClock *clock, int64_t target_ns)
{
    VirtualClockPublic *pub = (VirtualClockPublic *)clock;

    if (!pub->realtime && target_ns < pub->next_deadline) {
        /* No timer is due by then: only the time moves. */
        if (target_ns > pub->now_ns) {
            pub->now_ns = target_ns;
        }
        return;
    }
    vclock_advance_to_slow(clock, target_ns);
}

/* Fire timers whose deadline is <= now() (real-time mode polling). */
void vclock_run_due(VirtualClock *clock);

VirtualTimer *vtimer_new(VirtualClock *clock, VirtualTimerCb cb,
                         void *opaque);
void vtimer_free(VirtualTimer *timer);
/* Arm (or re-arm) at an absolute deadline in ns. */
void vtimer_mod(VirtualTimer *timer, int64_t deadline_ns);
void vtimer_del(VirtualTimer *timer);
bool vtimer_pending(const VirtualTimer *timer);
int64_t vtimer_deadline(const VirtualTimer *timer);

#endif
