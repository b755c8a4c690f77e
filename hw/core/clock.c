/*
 * Virtual clock and timers.
 *
 * Armed timers sit in a doubly linked list sorted by deadline; timers
 * with equal deadlines fire in the order they were armed, so runs are
 * deterministic.  Firing always takes the head of the list afresh, which
 * is what lets a callback re-arm itself, arm new timers or delete any
 * timer (itself included) without invalidating an iterator.
 *
 * The clock also knows every timer created on it (armed or not), so that
 * freeing the clock first leaves the timers inert rather than dangling.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <glib.h>
#include <time.h>

#include "iommu-sim/clock.h"

struct VirtualTimer {
    VirtualClock *clock;        /* NULL once the clock is gone */
    VirtualTimerCb cb;
    void *opaque;
    int64_t deadline;
    bool pending;
    VirtualTimer *prev, *next;  /* armed list, sorted */
    VirtualTimer *all_prev, *all_next;
};

struct VirtualClock {
    VirtualClockPublic pub;     /* first: vclock_now's inline read */
    int64_t rt_base_virtual;    /* real-time mode: now at the switch ... */
    int64_t rt_base_host;       /* ... and the host time then */
    VirtualTimer *head;         /* earliest armed timer */
    VirtualTimer *all;          /* every timer of this clock */
};

static int64_t vclock_host_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

VirtualClock *vclock_new(void)
{
    VirtualClock *clock = g_new0(VirtualClock, 1);

    clock->pub.next_deadline = INT64_MAX;
    return clock;
}

/* After the head of the armed list changed: the inline advance's bound. */
static void vclock_head_changed(VirtualClock *clock)
{
    clock->pub.next_deadline = clock->head ? clock->head->deadline
                                           : INT64_MAX;
}

void vclock_free(VirtualClock *clock)
{
    if (!clock) {
        return;
    }
    for (VirtualTimer *t = clock->all; t; t = t->all_next) {
        t->clock = NULL;
        t->pending = false;
        t->prev = t->next = NULL;
    }
    g_free(clock);
}

int64_t vclock_now_realtime(VirtualClock *clock)
{
    if (clock->pub.realtime) {
        int64_t t = clock->rt_base_virtual +
                    (vclock_host_ns() - clock->rt_base_host);
        /* Never backwards, even if a timer fired "late" moved now on. */
        if (t > clock->pub.now_ns) {
            clock->pub.now_ns = t;
        }
    }
    return clock->pub.now_ns;
}

void vclock_set_realtime(VirtualClock *clock, bool realtime)
{
    if (realtime == clock->pub.realtime) {
        return;
    }
    /* Freeze or resume from the current reading: time stays continuous. */
    clock->pub.now_ns = vclock_now(clock);
    clock->pub.realtime = realtime;
    clock->rt_base_virtual = clock->pub.now_ns;
    clock->rt_base_host = vclock_host_ns();
}

bool vclock_is_realtime(const VirtualClock *clock)
{
    return clock->pub.realtime;
}

int64_t vclock_next_deadline(VirtualClock *clock)
{
    return clock->pub.next_deadline == INT64_MAX ? -1
                                                 : clock->pub.next_deadline;
}

static void vclock_unlink(VirtualClock *clock, VirtualTimer *t)
{
    if (t->prev) {
        t->prev->next = t->next;
    } else {
        clock->head = t->next;
        vclock_head_changed(clock);
    }
    if (t->next) {
        t->next->prev = t->prev;
    }
    t->prev = t->next = NULL;
    t->pending = false;
}

/* Insert after every timer with a deadline <= t's: FIFO among equals. */
static void vclock_insert(VirtualClock *clock, VirtualTimer *t)
{
    VirtualTimer *prev = NULL, *cur = clock->head;

    while (cur && cur->deadline <= t->deadline) {
        prev = cur;
        cur = cur->next;
    }
    t->prev = prev;
    t->next = cur;
    if (prev) {
        prev->next = t;
    } else {
        clock->head = t;
        vclock_head_changed(clock);
    }
    if (cur) {
        cur->prev = t;
    }
    t->pending = true;
}

/* Fire the earliest timer if it is due by limit; false when none is. */
static bool vclock_fire_one(VirtualClock *clock, int64_t limit)
{
    VirtualTimer *t = clock->head;

    if (!t || t->deadline > limit) {
        return false;
    }
    vclock_unlink(clock, t);
    if (!clock->pub.realtime && t->deadline > clock->pub.now_ns) {
        clock->pub.now_ns = t->deadline;
    }
    /* t may be freed or re-armed by its callback: do not touch it after. */
    t->cb(t->opaque);
    return true;
}

void vclock_advance_to_slow(VirtualClock *clock, int64_t target_ns)
{
    if (clock->pub.realtime) {
        vclock_run_due(clock);
        return;
    }
    while (vclock_fire_one(clock, target_ns)) {
        continue;
    }
    if (target_ns > clock->pub.now_ns) {
        clock->pub.now_ns = target_ns;
    }
}

void vclock_run_due(VirtualClock *clock)
{
    while (vclock_fire_one(clock, vclock_now(clock))) {
        continue;
    }
}

VirtualTimer *vtimer_new(VirtualClock *clock, VirtualTimerCb cb,
                         void *opaque)
{
    VirtualTimer *t = g_new0(VirtualTimer, 1);

    t->clock = clock;
    t->cb = cb;
    t->opaque = opaque;
    t->all_next = clock->all;
    if (clock->all) {
        clock->all->all_prev = t;
    }
    clock->all = t;
    return t;
}

void vtimer_free(VirtualTimer *timer)
{
    VirtualClock *clock;

    if (!timer) {
        return;
    }
    clock = timer->clock;
    if (clock) {
        vtimer_del(timer);
        if (timer->all_prev) {
            timer->all_prev->all_next = timer->all_next;
        } else {
            clock->all = timer->all_next;
        }
        if (timer->all_next) {
            timer->all_next->all_prev = timer->all_prev;
        }
    }
    g_free(timer);
}

void vtimer_mod(VirtualTimer *timer, int64_t deadline_ns)
{
    if (!timer->clock) {
        return;
    }
    if (timer->pending) {
        vclock_unlink(timer->clock, timer);
    }
    timer->deadline = deadline_ns;
    vclock_insert(timer->clock, timer);
}

void vtimer_del(VirtualTimer *timer)
{
    if (timer->clock && timer->pending) {
        vclock_unlink(timer->clock, timer);
    }
}

bool vtimer_pending(const VirtualTimer *timer)
{
    return timer->pending;
}

int64_t vtimer_deadline(const VirtualTimer *timer)
{
    return timer->pending ? timer->deadline : -1;
}
