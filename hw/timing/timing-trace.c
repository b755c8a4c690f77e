/*
 * Chrome / Perfetto trace output: the JSON Object Format with a
 * "traceEvents" array of complete ("ph":"X") events, timestamps in
 * microseconds.  Process and thread names are emitted once as metadata
 * events ("ph":"M") so the viewer shows "intel-iommu / walker slot 2"
 * instead of numbers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iommu-sim/timing.h"

struct TimingTrace {
    FILE *f;
    uint64_t events;
    GHashTable *pids;       /* process name -> pid */
    GHashTable *tids;       /* "pid/tid" seen */
};

TimingTrace *timing_trace_open(const char *path, GError **errp)
{
    TimingTrace *t;
    FILE *f = fopen(path, "w");

    if (!f) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "trace file '%s': %s", path, g_strerror(errno));
        return NULL;
    }
    t = g_new0(TimingTrace, 1);
    t->f = f;
    t->pids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    t->tids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", f);
    return t;
}

void timing_trace_close(TimingTrace *t)
{
    if (!t) {
        return;
    }
    fputs("\n]}\n", t->f);
    fclose(t->f);
    g_hash_table_destroy(t->pids);
    g_hash_table_destroy(t->tids);
    g_free(t);
}

uint64_t timing_trace_events(const TimingTrace *t)
{
    return t ? t->events : 0;
}

static void timing_trace_sep(TimingTrace *t)
{
    if (t->events++) {
        fputs(",\n", t->f);
    }
}

/* Names are ours (static strings and device names): no JSON escaping
 * beyond dropping quotes and backslashes. */
static void timing_trace_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20) {
            fputc(*s, f);
        }
    }
    fputc('"', f);
}

static unsigned timing_trace_pid(TimingTrace *t, const char *name,
                                 unsigned tid)
{
    gpointer v = g_hash_table_lookup(t->pids, name);
    unsigned pid;
    char *key;

    if (!v) {
        pid = g_hash_table_size(t->pids) + 1;
        g_hash_table_insert(t->pids, g_strdup(name), GUINT_TO_POINTER(pid));
        timing_trace_sep(t);
        fprintf(t->f, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,"
                "\"args\":{\"name\":", pid);
        timing_trace_str(t->f, name);
        fputs("}}", t->f);
    } else {
        pid = GPOINTER_TO_UINT(v);
    }
    key = g_strdup_printf("%u/%u", pid, tid);
    if (!g_hash_table_contains(t->tids, key)) {
        timing_trace_sep(t);
        fprintf(t->f, "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,"
                "\"tid\":%u,\"args\":{\"name\":\"%s %u\"}}", pid, tid,
                tid == 0 ? "transactions" : tid == 1 ? "lookups" : "slot",
                tid >= 2 ? tid - 2 : tid);
        g_hash_table_add(t->tids, key);
    } else {
        g_free(key);
    }
    return pid;
}

void timing_trace_event(TimingTrace *t, const char *pid_name, unsigned tid,
                        const char *name, int64_t start_ns, uint64_t dur_ns,
                        const char *args_json)
{
    unsigned pid;

    if (!t) {
        return;
    }
    pid = timing_trace_pid(t, pid_name ? pid_name : "iommu", tid);
    timing_trace_sep(t);
    fputs("{\"ph\":\"X\",\"name\":", t->f);
    timing_trace_str(t->f, name);
    fprintf(t->f, ",\"pid\":%u,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f", pid,
            tid, start_ns / 1000.0, dur_ns / 1000.0);
    if (args_json && *args_json) {
        fprintf(t->f, ",\"args\":{%s}", args_json);
    }
    fputc('}', t->f);
}
