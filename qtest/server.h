/*
 * The server loop: read the qtest channel, run commands, write replies
 * once per batch, fire real-time timers while idle, stop cleanly on EOF
 * or SIGTERM / SIGINT / SIGHUP.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef QTEST_SERVER_H
#define QTEST_SERVER_H

#include "qtest/chardev.h"
#include "qtest/proto.h"
#include "qtest/qmp.h"

/* The QMP monitor and its channel (a server form re-accepts clients). */
typedef struct HarnessQmp {
    QtestChannel ch;
    QmpMonitor *mon;
} HarnessQmp;

/* Block the exit signals and return a signalfd for them (-1 on error). */
int harness_signals_setup(void);

/*
 * Serve until EOF on the qtest channel, a signal or a QMP quit; returns
 * the process exit status.  qmp may be NULL.  QMP EOF only disconnects
 * the monitor, as in QEMU.
 */
int harness_serve(QtestChannel *ch, QtestProto *p, VirtualClock *clock,
                  int sig_fd, HarnessQmp *qmp);

#endif
