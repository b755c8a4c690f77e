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

#include "qtest/qmp.h"
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

/* Write the monitor's pending output; a dead client is disconnected. */
static void harness_qmp_flush(HarnessQmp *qmp)
{
    GString *out = qmp_monitor_output(qmp->mon);

    if (out->len && qmp->ch.out_fd >= 0 &&
        !qtest_chardev_write_all(qmp->ch.out_fd, out->str, out->len)) {
        qtest_chardev_disconnect(&qmp->ch);
    }
    g_string_truncate(out, 0);
}

/* The QMP fd is readable: accept a client or execute its input. */
static void harness_qmp_ready(HarnessQmp *qmp, char *buf)
{
    GError *err = NULL;
    ssize_t n;

    if (qmp->ch.in_fd < 0) {
        if (!qtest_chardev_accept(&qmp->ch, &err)) {
            fprintf(stderr, "iommu-sim: -qmp: %s\n", err->message);
            g_error_free(err);
            return;
        }
        qmp_monitor_opened(qmp->mon);
    } else {
        do {
            n = read(qmp->ch.in_fd, buf, HARNESS_READ_CHUNK);
        } while (n < 0 && errno == EINTR);
        if (n <= 0) {
            qtest_chardev_disconnect(&qmp->ch);  /* the monitor goes away */
            return;
        }
        qmp_monitor_feed(qmp->mon, buf, (size_t)n);
    }
    harness_qmp_flush(qmp);
}

static int harness_qmp_fd(const HarnessQmp *qmp)
{
    if (!qmp) {
        return -1;
    }
    return qmp->ch.in_fd >= 0 ? qmp->ch.in_fd : qmp->ch.listen_fd;
}

int harness_serve(QtestChannel *ch, QtestProto *p, VirtualClock *clock,
                  int sig_fd, HarnessQmp *qmp)
{
    char *buf = g_malloc(HARNESS_READ_CHUNK);
    int64_t spin_until = 0;
    int status = 0;

    if (ch->listen_fd < 0) {
        qtest_proto_opened(p);
    }
    if (qmp && qmp->ch.in_fd >= 0) {
        qmp_monitor_opened(qmp->mon);
        harness_qmp_flush(qmp);
    }
    for (;;) {
        struct pollfd fds[3] = {
            { .fd = sig_fd, .events = POLLIN },
            { .fd = ch->listen_fd >= 0 ? ch->listen_fd : ch->in_fd,
              .events = POLLIN },
            { .fd = harness_qmp_fd(qmp), .events = POLLIN },
        };
        bool spinning = harness_now_ns() < spin_until;
        int rc = poll(fds, 3, spinning ? 0 : harness_poll_timeout(clock));

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
        if (rc > 0 && fds[2].revents) {
            harness_qmp_ready(qmp, buf);
            if (qmp_monitor_quit_requested(qmp->mon)) {
                break;          /* quit: replied and flushed; exit 0 */
            }
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
