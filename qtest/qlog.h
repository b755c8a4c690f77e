/*
 * The -qtest-log file, in QEMU 7.2's format (softmmu/qtest.c):
 *   [I 0.000000] OPENED
 *   [R +0.013267] readl 0x0          one line per received command
 *   [S +0.013270] OK 0x...           one per reply or async line
 *   [I +1.234567] CLOSED
 * Times are seconds since OPENED.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef QTEST_QLOG_H
#define QTEST_QLOG_H

#include <glib.h>
#include <stdbool.h>

typedef struct QtestLog QtestLog;

/* NULL path or /dev/null: returns NULL (logging off) without error. */
QtestLog *qtest_log_open(const char *path, GError **errp);
void qtest_log_close(QtestLog *log);

void qtest_log_opened(QtestLog *log);
void qtest_log_closed(QtestLog *log);
/* A received command, as its words. */
void qtest_log_recv(QtestLog *log, char **words, int n);
/* Text sent (one or more complete lines, each gets its own prefix). */
void qtest_log_send(QtestLog *log, const char *text, size_t len);
/* A free-form note, logged as a sent line would be (QEMU does so too). */
void qtest_log_note(QtestLog *log, const char *text);
void qtest_log_flush(QtestLog *log);

#endif
