/*
 * A minimal QMP monitor (QEMU 7.2's wire protocol, docs/interop/qmp-spec):
 * greeting, capabilities negotiation, a handful of commands and the
 * events they cause.  Enough for libqtest-based clients to attach.
 * Transport-free: bytes in, reply bytes out; server.c moves them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef QTEST_QMP_H
#define QTEST_QMP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "iommu-sim/machine.h"

typedef struct QmpMonitor QmpMonitor;

/* start_paused: -S (run state "prelaunch" until cont). */
QmpMonitor *qmp_monitor_new(Machine *m, bool start_paused);
void qmp_monitor_free(QmpMonitor *mon);

/* A client connected: queue the greeting, negotiation starts again. */
void qmp_monitor_opened(QmpMonitor *mon);
/* Execute whatever complete messages buf completes. */
void qmp_monitor_feed(QmpMonitor *mon, const char *buf, size_t len);
/* Replies and events not yet written, "\r\n" after each. */
GString *qmp_monitor_output(QmpMonitor *mon);
/* A quit command was executed: flush the output, then exit 0. */
bool qmp_monitor_quit_requested(const QmpMonitor *mon);

#endif
