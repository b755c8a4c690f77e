/*
 * Unit tests: virtual clock and timers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <time.h>

#include "iommu-sim/clock.h"

#define MAX_FIRES 32

typedef struct Fires {
    VirtualClock *clock;
    unsigned n;
    int ids[MAX_FIRES];
    int64_t at[MAX_FIRES];
} Fires;

typedef struct Tagged {
    Fires *fires;
    int id;
    VirtualTimer *timer;
    VirtualTimer *victim;       /* deleted or freed by the callback */
    int64_t rearm_period;       /* > 0: re-arm itself this much later */
    unsigned rearm_left;
    bool free_self;
    bool free_victim;
} Tagged;

static void tagged_cb(void *opaque)
{
    Tagged *t = opaque;
    Fires *f = t->fires;

    if (f->n < MAX_FIRES) {
        f->ids[f->n] = t->id;
        f->at[f->n] = vclock_now(f->clock);
    }
    f->n++;
    if (t->victim) {
        if (t->free_victim) {
            vtimer_free(t->victim);
        } else {
            vtimer_del(t->victim);
        }
        t->victim = NULL;
    }
    if (t->rearm_period > 0 && t->rearm_left > 0) {
        t->rearm_left--;
        vtimer_mod(t->timer, vclock_now(f->clock) + t->rearm_period);
    }
    if (t->free_self) {
        vtimer_free(t->timer);
        t->timer = NULL;
    }
}

static void tagged_init(Tagged *t, Fires *f, int id)
{
    *t = (Tagged){ .fires = f, .id = id };
    t->timer = vtimer_new(f->clock, tagged_cb, t);
}

START_TEST(test_clock_starts_at_zero_no_deadline)
{
    VirtualClock *c = vclock_new();

    ck_assert_int_eq(vclock_now(c), 0);
    ck_assert_int_eq(vclock_next_deadline(c), -1);
    ck_assert(!vclock_is_realtime(c));
    vclock_advance_to(c, 1000);
    ck_assert_int_eq(vclock_now(c), 1000);
    /* Never backwards. */
    vclock_advance_to(c, 10);
    ck_assert_int_eq(vclock_now(c), 1000);
    vclock_free(c);
}
END_TEST

START_TEST(test_clock_fires_in_deadline_order)
{
    Fires f = { .clock = vclock_new() };
    Tagged a, b, c;

    tagged_init(&a, &f, 1);
    tagged_init(&b, &f, 2);
    tagged_init(&c, &f, 3);
    vtimer_mod(a.timer, 300);
    vtimer_mod(b.timer, 100);
    vtimer_mod(c.timer, 200);
    ck_assert_int_eq(vclock_next_deadline(f.clock), 100);
    vclock_advance_to(f.clock, 1000);
    ck_assert_uint_eq(f.n, 3);
    ck_assert_int_eq(f.ids[0], 2);
    ck_assert_int_eq(f.ids[1], 3);
    ck_assert_int_eq(f.ids[2], 1);
    /* now() equals each deadline while its callback runs. */
    ck_assert_int_eq(f.at[0], 100);
    ck_assert_int_eq(f.at[1], 200);
    ck_assert_int_eq(f.at[2], 300);
    ck_assert_int_eq(vclock_now(f.clock), 1000);
    ck_assert_int_eq(vclock_next_deadline(f.clock), -1);
    vtimer_free(a.timer);
    vtimer_free(b.timer);
    vtimer_free(c.timer);
    vclock_free(f.clock);
}
END_TEST

START_TEST(test_clock_equal_deadlines_fire_in_arm_order)
{
    Fires f = { .clock = vclock_new() };
    Tagged t[4];

    for (int i = 0; i < 4; i++) {
        tagged_init(&t[i], &f, i);
    }
    vtimer_mod(t[2].timer, 50);
    vtimer_mod(t[0].timer, 50);
    vtimer_mod(t[3].timer, 50);
    vtimer_mod(t[1].timer, 50);
    vclock_advance_to(f.clock, 50);
    ck_assert_uint_eq(f.n, 4);
    ck_assert_int_eq(f.ids[0], 2);
    ck_assert_int_eq(f.ids[1], 0);
    ck_assert_int_eq(f.ids[2], 3);
    ck_assert_int_eq(f.ids[3], 1);
    for (int i = 0; i < 4; i++) {
        vtimer_free(t[i].timer);
    }
    vclock_free(f.clock);
}
END_TEST

START_TEST(test_clock_advance_stops_at_target)
{
    Fires f = { .clock = vclock_new() };
    Tagged a, b;

    tagged_init(&a, &f, 1);
    tagged_init(&b, &f, 2);
    vtimer_mod(a.timer, 100);
    vtimer_mod(b.timer, 101);
    vclock_advance_to(f.clock, 100);    /* inclusive */
    ck_assert_uint_eq(f.n, 1);
    ck_assert(vtimer_pending(b.timer));
    ck_assert(!vtimer_pending(a.timer));
    ck_assert_int_eq(vtimer_deadline(b.timer), 101);
    ck_assert_int_eq(vtimer_deadline(a.timer), -1);
    ck_assert_int_eq(vclock_next_deadline(f.clock), 101);
    vclock_advance_to(f.clock, 101);
    ck_assert_uint_eq(f.n, 2);
    vtimer_free(a.timer);
    vtimer_free(b.timer);
    vclock_free(f.clock);
}
END_TEST

START_TEST(test_clock_rearm_inside_callback)
{
    Fires f = { .clock = vclock_new() };
    Tagged a;

    tagged_init(&a, &f, 1);
    a.rearm_period = 10;
    a.rearm_left = 3;
    vtimer_mod(a.timer, 5);
    vclock_advance_to(f.clock, 100);
    /* 5, 15, 25, 35: the last re-arm count is spent after the fourth. */
    ck_assert_uint_eq(f.n, 4);
    ck_assert_int_eq(f.at[3], 35);
    ck_assert(!vtimer_pending(a.timer));
    /* A periodic timer past the target stays armed for next time. */
    a.rearm_left = 100;
    vtimer_mod(a.timer, 110);
    vclock_advance_to(f.clock, 135);
    ck_assert_uint_eq(f.n, 7);
    ck_assert_int_eq(vclock_next_deadline(f.clock), 140);
    vtimer_free(a.timer);
    vclock_free(f.clock);
}
END_TEST

START_TEST(test_clock_callback_deletes_other_timer)
{
    Fires f = { .clock = vclock_new() };
    Tagged a, b;

    tagged_init(&a, &f, 1);
    tagged_init(&b, &f, 2);
    a.victim = b.timer;
    vtimer_mod(a.timer, 10);
    vtimer_mod(b.timer, 10);    /* same deadline, after a */
    vclock_advance_to(f.clock, 20);
    ck_assert_uint_eq(f.n, 1);
    ck_assert_int_eq(f.ids[0], 1);
    ck_assert(!vtimer_pending(b.timer));
    vtimer_free(a.timer);
    vtimer_free(b.timer);
    vclock_free(f.clock);
}
END_TEST

START_TEST(test_clock_callback_frees_itself_and_other)
{
    Fires f = { .clock = vclock_new() };
    Tagged a, b, c;

    tagged_init(&a, &f, 1);
    tagged_init(&b, &f, 2);
    tagged_init(&c, &f, 3);
    a.free_self = true;
    a.victim = b.timer;
    a.free_victim = true;
    vtimer_mod(a.timer, 10);
    vtimer_mod(b.timer, 20);
    vtimer_mod(c.timer, 30);
    vclock_advance_to(f.clock, 100);
    ck_assert_uint_eq(f.n, 2);
    ck_assert_int_eq(f.ids[1], 3);
    vtimer_free(c.timer);
    vclock_free(f.clock);
}
END_TEST

START_TEST(test_clock_callback_arms_new_earlier_timer)
{
    Fires f = { .clock = vclock_new() };
    Tagged a, b, c;

    tagged_init(&a, &f, 1);
    tagged_init(&b, &f, 2);
    tagged_init(&c, &f, 3);
    /* a re-arms itself once at +5 = 15, before c at 20. */
    a.rearm_period = 5;
    a.rearm_left = 1;
    vtimer_mod(a.timer, 10);
    vtimer_mod(c.timer, 20);
    vclock_advance_to(f.clock, 50);
    ck_assert_uint_eq(f.n, 3);
    ck_assert_int_eq(f.ids[0], 1);
    ck_assert_int_eq(f.ids[1], 1);
    ck_assert_int_eq(f.at[1], 15);
    ck_assert_int_eq(f.ids[2], 3);
    vtimer_free(a.timer);
    vtimer_free(b.timer);
    vtimer_free(c.timer);
    vclock_free(f.clock);
}
END_TEST

START_TEST(test_clock_del_and_mod_rearm)
{
    Fires f = { .clock = vclock_new() };
    Tagged a;

    tagged_init(&a, &f, 1);
    vtimer_mod(a.timer, 100);
    vtimer_del(a.timer);
    ck_assert(!vtimer_pending(a.timer));
    ck_assert_int_eq(vclock_next_deadline(f.clock), -1);
    vtimer_del(a.timer);    /* twice is fine */
    vtimer_mod(a.timer, 300);
    vtimer_mod(a.timer, 200);   /* re-arm moves the deadline */
    ck_assert_int_eq(vclock_next_deadline(f.clock), 200);
    vclock_advance_to(f.clock, 250);
    ck_assert_uint_eq(f.n, 1);
    ck_assert_int_eq(f.at[0], 200);
    vtimer_free(a.timer);
    vclock_free(f.clock);
}
END_TEST

/*
 * vclock_advance_to moves time inline while no timer is due: every change
 * of the earliest timer (arm at the head, re-arm earlier or later, delete
 * or free the head) must move its bound, or a due timer would be skipped.
 */
START_TEST(test_clock_inline_advance_sees_every_head_change)
{
    Fires f = { .clock = vclock_new() };
    Tagged a, b;

    tagged_init(&a, &f, 1);
    tagged_init(&b, &f, 2);
    vclock_advance_to(f.clock, 10);             /* nothing armed */
    ck_assert_int_eq(vclock_now(f.clock), 10);
    vtimer_mod(a.timer, 500);
    vtimer_mod(b.timer, 800);
    vclock_advance_to(f.clock, 400);
    ck_assert_uint_eq(f.n, 0);
    vtimer_mod(a.timer, 450);                   /* head earlier */
    vclock_advance_to(f.clock, 460);
    ck_assert_uint_eq(f.n, 1);
    ck_assert_int_eq(f.at[0], 450);
    vtimer_mod(b.timer, 470);                   /* head re-armed earlier */
    vtimer_mod(a.timer, 900);
    vclock_advance_to(f.clock, 480);
    ck_assert_uint_eq(f.n, 2);
    ck_assert_int_eq(f.at[1], 470);
    vtimer_mod(b.timer, 600);
    vtimer_del(a.timer);
    vtimer_mod(a.timer, 550);                   /* new head */
    vtimer_free(a.timer);                       /* head freed: b bounds */
    vclock_advance_to(f.clock, 590);
    ck_assert_uint_eq(f.n, 2);
    vclock_advance_to(f.clock, 600);
    ck_assert_uint_eq(f.n, 3);
    ck_assert_int_eq(f.at[2], 600);
    ck_assert_int_eq(vclock_now(f.clock), 600);
    vclock_advance_to(f.clock, 100);            /* never backwards */
    ck_assert_int_eq(vclock_now(f.clock), 600);
    vtimer_free(b.timer);
    vclock_free(f.clock);
}
END_TEST

START_TEST(test_clock_past_deadline_fires_without_going_back)
{
    Fires f = { .clock = vclock_new() };
    Tagged a;

    tagged_init(&a, &f, 1);
    vclock_advance_to(f.clock, 1000);
    vtimer_mod(a.timer, 500);
    vclock_run_due(f.clock);
    ck_assert_uint_eq(f.n, 1);
    ck_assert_int_eq(f.at[0], 1000);
    ck_assert_int_eq(vclock_now(f.clock), 1000);
    vtimer_free(a.timer);
    vclock_free(f.clock);
}
END_TEST

START_TEST(test_clock_realtime_follows_host)
{
    Fires f = { .clock = vclock_new() };
    Tagged a;
    struct timespec ts = { .tv_nsec = 3 * 1000 * 1000 };

    tagged_init(&a, &f, 1);
    vclock_advance_to(f.clock, 5000);
    vclock_set_realtime(f.clock, true);
    ck_assert(vclock_is_realtime(f.clock));
    int64_t t0 = vclock_now(f.clock);
    ck_assert_int_ge(t0, 5000);
    vtimer_mod(a.timer, t0 + 1000000);      /* 1 ms later */
    vclock_run_due(f.clock);
    ck_assert_uint_eq(f.n, 0);
    nanosleep(&ts, NULL);
    int64_t t1 = vclock_now(f.clock);
    ck_assert_int_ge(t1 - t0, 3000000);
    vclock_advance_to(f.clock, 0);          /* polls in real-time mode */
    ck_assert_uint_eq(f.n, 1);
    /* Back to virtual time: frozen where it was. */
    vclock_set_realtime(f.clock, false);
    int64_t t2 = vclock_now(f.clock);
    nanosleep(&ts, NULL);
    ck_assert_int_eq(vclock_now(f.clock), t2);
    ck_assert_int_ge(t2, t1);
    vtimer_free(a.timer);
    vclock_free(f.clock);
}
END_TEST

START_TEST(test_clock_free_clock_before_timers)
{
    Fires f = { .clock = vclock_new() };
    Tagged a, b;

    tagged_init(&a, &f, 1);
    tagged_init(&b, &f, 2);
    vtimer_mod(a.timer, 10);
    vclock_free(f.clock);
    /* Timers outliving their clock are inert. */
    ck_assert(!vtimer_pending(a.timer));
    vtimer_mod(a.timer, 20);
    vtimer_del(b.timer);
    vtimer_free(a.timer);
    vtimer_free(b.timer);
    vclock_free(NULL);
    vtimer_free(NULL);
}
END_TEST

START_TEST(test_clock_many_timers_sorted)
{
    Fires f = { .clock = vclock_new() };
    Tagged t[MAX_FIRES];
    uint32_t seed = 7;

    for (int i = 0; i < MAX_FIRES; i++) {
        tagged_init(&t[i], &f, i);
        seed = seed * 1103515245 + 12345;
        vtimer_mod(t[i].timer, (seed >> 8) % 1000);
    }
    vclock_advance_to(f.clock, 1000);
    ck_assert_uint_eq(f.n, MAX_FIRES);
    for (int i = 1; i < MAX_FIRES; i++) {
        ck_assert_int_le(f.at[i - 1], f.at[i]);
    }
    for (int i = 0; i < MAX_FIRES; i++) {
        vtimer_free(t[i].timer);
    }
    vclock_free(f.clock);
}
END_TEST

static Suite *clock_suite(void)
{
    Suite *s = suite_create("clock");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_clock_starts_at_zero_no_deadline);
    tcase_add_test(tc, test_clock_fires_in_deadline_order);
    tcase_add_test(tc, test_clock_equal_deadlines_fire_in_arm_order);
    tcase_add_test(tc, test_clock_advance_stops_at_target);
    tcase_add_test(tc, test_clock_rearm_inside_callback);
    tcase_add_test(tc, test_clock_callback_deletes_other_timer);
    tcase_add_test(tc, test_clock_callback_frees_itself_and_other);
    tcase_add_test(tc, test_clock_callback_arms_new_earlier_timer);
    tcase_add_test(tc, test_clock_del_and_mod_rearm);
    tcase_add_test(tc, test_clock_inline_advance_sees_every_head_change);
    tcase_add_test(tc, test_clock_past_deadline_fires_without_going_back);
    tcase_add_test(tc, test_clock_realtime_follows_host);
    tcase_add_test(tc, test_clock_free_clock_before_timers);
    tcase_add_test(tc, test_clock_many_timers_sorted);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(clock_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
