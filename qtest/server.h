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

/* Block the exit signals and return a signalfd for them (-1 on error). */
int harness_signals_setup(void);

/* Serve until EOF or a signal; returns the process exit status. */
int harness_serve(QtestChannel *ch, QtestProto *p, VirtualClock *clock,
                  int sig_fd);

#endif
