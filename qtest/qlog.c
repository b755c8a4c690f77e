/*
 * The -qtest-log writer.  Formats follow QEMU 7.2 softmmu/qtest.c so that
 * logs of iommu-sim and QEMU runs can be compared with diff after the
 * timestamps are masked.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "qtest/qlog.h"

struct QtestLog {
    FILE *fp;
    gint64 t0_us;           /* monotonic time of OPENED */
    bool opened;
};

QtestLog *qtest_log_open(const char *path, GError **errp)
{
    QtestLog *log;
    FILE *fp;

    if (!path || strcmp(path, "/dev/null") == 0 || strcmp(path, "none") == 0) {
        return NULL;
    }
    fp = fopen(path, "w+");
    if (!fp) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "-qtest-log %s: %s", path, g_strerror(errno));
        return NULL;
    }
    /* Fully buffered: the server flushes once per batch of input. */
    setvbuf(fp, NULL, _IOFBF, 64 * 1024);
    log = g_new0(QtestLog, 1);
    log->fp = fp;
    log->t0_us = g_get_monotonic_time();
    return log;
}

void qtest_log_close(QtestLog *log)
{
    if (!log) {
        return;
    }
    fclose(log->fp);
    g_free(log);
}

static double qtest_log_elapsed(const QtestLog *log)
{
    return (double)(g_get_monotonic_time() - log->t0_us) / 1e6;
}

void qtest_log_opened(QtestLog *log)
{
    if (!log) {
        return;
    }
    log->t0_us = g_get_monotonic_time();
    log->opened = true;
    fprintf(log->fp, "[I %.6f] OPENED\n", 0.0);
    fflush(log->fp);
}

void qtest_log_closed(QtestLog *log)
{
    if (!log || !log->opened) {
        return;
    }
    fprintf(log->fp, "[I +%.6f] CLOSED\n", qtest_log_elapsed(log));
    log->opened = false;
    fflush(log->fp);
}

void qtest_log_recv(QtestLog *log, char **words, int n)
{
    if (!log) {
        return;
    }
    fprintf(log->fp, "[R +%.6f]", qtest_log_elapsed(log));
    for (int i = 0; i < n; i++) {
        fputc(' ', log->fp);
        fputs(words[i], log->fp);
    }
    fputc('\n', log->fp);
}

void qtest_log_send(QtestLog *log, const char *text, size_t len)
{
    const char *end = text + len;

    if (!log || !log->opened) {
        return;
    }
    while (text < end) {
        const char *nl = memchr(text, '\n', end - text);
        size_t n = nl ? (size_t)(nl - text) + 1 : (size_t)(end - text);

        fprintf(log->fp, "[S +%.6f] ", qtest_log_elapsed(log));
        fwrite(text, 1, n, log->fp);
        text += n;
    }
}

void qtest_log_note(QtestLog *log, const char *text)
{
    qtest_log_send(log, text, strlen(text));
}

void qtest_log_flush(QtestLog *log)
{
    if (log) {
        fflush(log->fp);
    }
}
