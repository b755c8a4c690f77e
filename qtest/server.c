/*
 * The server loop.  A QEMU without the qtest accelerator keeps virtual
 * time running while the qtest client is idle; we do the same in
 * real-time mode by polling with a timeout of the next timer deadline,
 * so that an edu DMA completes ~100 ms after it starts with nobody
 * talking to us.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "qtest/server.h"

#define HARNESS_READ_CHUNK (64 * 1024)

/*
 * After answering, keep polling without sleeping for this long: a client
 * in a request/reply loop sends its next line within microseconds, and
 * catching it without a scheduler wake-up takes one wake-up out of every
 * round trip.  An idle harness spins this long once, then sleeps.
 */
#define HARNESS_SPIN_NS 50000

static int64_t harness_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
int harness_signals_setup(void)
{
    sigset_t set;

    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &set, NULL)) {
        return -1;
    }
    return signalfd(-1, &set, SFD_CLOEXEC);
}

/* Milliseconds until the next real-time deadline, -1 when none. */
static int harness_poll_timeout(VirtualClock *clock)
{
    int64_t deadline, wait_ns;

    if (!vclock_is_realtime(clock)) {
        return -1;
    }
    deadline = vclock_next_deadline(clock);
    if (deadline < 0) {
        return -1;
    }
    wait_ns = deadline - vclock_now(clock);
    if (wait_ns <= 0) {
        return 0;
    }
    return wait_ns > 60000000000ll ? 60000 : (int)((wait_ns + 999999) / 1000000);
}

static bool harness_flush(QtestChannel *ch, QtestProto *p)
{
    GString *out = qtest_proto_output(p);
    bool ok = true;

    if (out->len) {
        ok = qtest_chardev_write_all(ch->out_fd, out->str, out->len);
        g_string_truncate(out, 0);
    }
    return ok;
}

/* Read one chunk and execute it; false at EOF or on a dead channel. */
static bool harness_read(QtestChannel *ch, QtestProto *p, char *buf)
{
    ssize_t n;

    do {
        n = read(ch->in_fd, buf, HARNESS_READ_CHUNK);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        return false;
    }
    qtest_proto_feed(p, buf, (size_t)n);
    return harness_flush(ch, p);
}

static bool harness_accept(QtestChannel *ch, QtestProto *p)
{
    GError *err = NULL;

    if (!qtest_chardev_accept(ch, &err)) {
        fprintf(stderr, "iommu-sim: %s\n", err->message);
        g_error_free(err);
        return false;
    }
    qtest_proto_opened(p);
    return true;
}

int harness_serve(QtestChannel *ch, QtestProto *p, VirtualClock *clock,
                  int sig_fd)
{
    char *buf = g_malloc(HARNESS_READ_CHUNK);
    int64_t spin_until = 0;
    int status = 0;

    if (ch->listen_fd < 0) {
        qtest_proto_opened(p);
    }
    for (;;) {
        struct pollfd fds[2] = {
            { .fd = sig_fd, .events = POLLIN },
            { .fd = ch->listen_fd >= 0 ? ch->listen_fd : ch->in_fd,
              .events = POLLIN },
        };
        bool spinning = harness_now_ns() < spin_until;
        int rc = poll(fds, 2, spinning ? 0 : harness_poll_timeout(clock));

        if (rc < 0 && errno != EINTR) {
            status = 1;
            break;
        }
        if (rc > 0 && fds[0].revents) {
            break;      /* SIGTERM / SIGINT / SIGHUP: clean exit */
        }
        if (rc > 0 && fds[1].revents) {
            if (ch->listen_fd >= 0) {
                if (!harness_accept(ch, p)) {
                    status = 1;
                    break;
                }
            } else if (!harness_read(ch, p, buf)) {
                break;          /* EOF or a dead channel */
            }
            spin_until = harness_now_ns() + HARNESS_SPIN_NS;
        }
        qtest_proto_poll_timers(p);
        if (!harness_flush(ch, p)) {
            break;
        }
    }
    qtest_proto_closed(p);
    g_free(buf);
    return status;
}
