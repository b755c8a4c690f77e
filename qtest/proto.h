/*
 * The qtest protocol engine: turns bytes from the qtest channel into
 * commands against a Machine and collects the replies (and asynchronous
 * IRQ lines) in an output buffer that the caller writes out once per
 * batch of input.
 *
 * Framing: one command per '\n'-terminated line.  A partial last line
 * at EOF is dropped, as QEMU 7.2 does (it only ever executes complete
 * lines).  A line longer than QTEST_PROTO_MAX_LINE is discarded and
 * answered with one ERR when its newline arrives.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef QTEST_PROTO_H
#define QTEST_PROTO_H

#include <glib.h>

#include "iommu-sim/machine.h"
#include "qtest/qlog.h"

#define QTEST_PROTO_MAX_LINE (1024 * 1024)

typedef struct QtestProto QtestProto;

/*
 * qtest_clock: the deterministic clock of -accel qtest, so clock_step and
 * clock_set exist; without it they are unknown commands, as in a QEMU
 * that has no qtest accelerator.  log may be NULL.
 */
QtestProto *qtest_proto_new(Machine *m, bool qtest_clock, QtestLog *log);
void qtest_proto_free(QtestProto *p);

/* A client connected: reset IRQ levels, log OPENED. */
void qtest_proto_opened(QtestProto *p);
/* The client went away (EOF, signal): drop a partial line, log CLOSED. */
void qtest_proto_closed(QtestProto *p);

/* Execute every complete line in data (plus what was buffered before). */
void qtest_proto_feed(QtestProto *p, const char *data, size_t len);

/* Run due timers of a real-time clock (async lines may result). */
void qtest_proto_poll_timers(QtestProto *p);

/* Pending output; the caller writes it and then clears it. */
GString *qtest_proto_output(QtestProto *p);

#endif
