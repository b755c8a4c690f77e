/*
 * Line framing and verb dispatch of the qtest protocol.
 *
 * QEMU 7.2 (softmmu/qtest.c) splits a line on single spaces and asserts
 * on anything it does not expect.  We accept the same lines with the same
 * replies, and answer the rest instead of aborting: runs of blanks and a
 * trailing CR are tolerated, an empty line or a NUL byte gets ERR, an
 * unknown verb gets QEMU's "FAIL Unknown command '<verb>'".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <string.h>

#include "qtest/proto-internal.h"

QtestProto *qtest_proto_new(Machine *m, bool qtest_clock, QtestLog *log)
{
    QtestProto *p = g_new0(QtestProto, 1);

    p->machine = m;
    p->mem_as = machine_memory_as(m);
    p->io_as = machine_io_as(m);
    p->clock = machine_clock(m);
    p->log = log;
    p->qtest_clock = qtest_clock;
    p->in = g_string_sized_new(4096);
    p->out = g_string_sized_new(4096);
    p->scratch = g_byte_array_new();
    return p;
}

void qtest_proto_free(QtestProto *p)
{
    if (!p) {
        return;
    }
    if (p->msi_intercept) {
        msi_sink_set_listener(machine_msi_sink(p->machine), NULL, NULL);
    }
    g_string_free(p->in, TRUE);
    g_string_free(p->out, TRUE);
    g_byte_array_free(p->scratch, TRUE);
    g_free(p->irq_path);
    g_free(p);
}

void qtest_proto_opened(QtestProto *p)
{
    memset(p->irq_levels, 0, sizeof(p->irq_levels));
    g_string_truncate(p->in, 0);
    p->discarding = false;
    qtest_log_opened(p->log);
}

void qtest_proto_closed(QtestProto *p)
{
    if (p->in->len || p->discarding) {
        qtest_log_note(p->log, "(partial last line dropped at EOF)\n");
    }
    g_string_truncate(p->in, 0);
    p->discarding = false;
    qtest_log_closed(p->log);
    qtest_log_flush(p->log);
}

GString *qtest_proto_output(QtestProto *p)
{
    return p->out;
}

static void qtest_append_line(QtestProto *p, size_t start)
{
    g_string_append_c(p->out, '\n');
    qtest_log_send(p->log, p->out->str + start, p->out->len - start);
}

void qtest_reply(QtestProto *p, const char *fmt, ...)
{
    size_t start = p->out->len;
    va_list ap;

    va_start(ap, fmt);
    g_string_append_vprintf(p->out, fmt, ap);
    va_end(ap);
    qtest_append_line(p, start);
}

void qtest_reply_ok(QtestProto *p)
{
    size_t start = p->out->len;

    g_string_append_len(p->out, "OK", 2);
    qtest_append_line(p, start);
}

void qtest_reply_err(QtestProto *p, const char *fmt, ...)
{
    size_t start = p->out->len;
    va_list ap;

    g_string_append_len(p->out, "ERR ", 4);
    va_start(ap, fmt);
    g_string_append_vprintf(p->out, fmt, ap);
    va_end(ap);
    qtest_append_line(p, start);
}

/* Split in place on runs of blanks; returns the word count. */
static int qtest_split(char *line, char **w)
{
    int n = 0;
    char *s = line;

    while (*s) {
        while (*s == ' ' || *s == '\t') {
            *s++ = '\0';
        }
        if (!*s) {
            break;
        }
        if (n < QTEST_MAX_WORDS) {
            w[n++] = s;
        }
        while (*s && *s != ' ' && *s != '\t') {
            s++;
        }
    }
    return n;
}

static const QtestVerb *qtest_lookup(const QtestVerb *table, const char *v)
{
    for (const QtestVerb *e = table; e->name; e++) {
        if (strcmp(e->name, v) == 0) {
            return e;
        }
    }
    return NULL;
}

/* Unknown verb: echo it as QEMU does, but never echo control bytes. */
static void qtest_reply_unknown(QtestProto *p, const char *verb)
{
    GString *s = g_string_new(NULL);

    for (const unsigned char *c = (const unsigned char *)verb; *c; c++) {
        if (*c >= 0x20 && *c < 0x7f) {
            g_string_append_c(s, *c);
        } else {
            g_string_append_printf(s, "\\x%02x", *c);
        }
    }
    qtest_reply(p, "FAIL Unknown command '%s'", s->str);
    g_string_free(s, TRUE);
}

static void qtest_execute(QtestProto *p, char *line, size_t len)
{
    char *w[QTEST_MAX_WORDS];
    const QtestVerb *verb;
    int n;

    if (len && line[len - 1] == '\r') {
        line[--len] = '\0';
    }
    if (memchr(line, '\0', len)) {
        qtest_reply_err(p, "NUL byte in command line");
        return;
    }
    n = qtest_split(line, w);
    qtest_log_recv(p->log, w, n);
    if (n == 0) {
        qtest_reply_err(p, "empty command line");
        return;
    }
    if (!p->qtest_clock) {
        /* Real time: timers due by now fire before the command runs. */
        vclock_run_due(p->clock);
    }
    verb = qtest_lookup(qtest_verbs_qemu, w[0]);
    if (!verb) {
        verb = qtest_lookup(qtest_verbs_ext, w[0]);
    }
    if (!verb || (verb->needs_qtest_clock && !p->qtest_clock)) {
        qtest_reply_unknown(p, w[0]);
    } else if (n < verb->min_words) {
        qtest_reply_err(p, "%s: missing argument", w[0]);
    } else {
        verb->fn(p, w, n);
    }
}

void qtest_proto_feed(QtestProto *p, const char *data, size_t len)
{
    size_t pos = 0;

    g_string_append_len(p->in, data, len);
    while (pos < p->in->len) {
        char *start = p->in->str + pos;
        char *nl = memchr(start, '\n', p->in->len - pos);

        if (!nl) {
            break;
        }
        *nl = '\0';
        if (p->discarding || nl - start > QTEST_PROTO_MAX_LINE) {
            p->discarding = false;
            qtest_reply_err(p, "line too long (limit %d bytes)",
                            QTEST_PROTO_MAX_LINE);
        } else {
            qtest_execute(p, start, nl - start);
        }
        pos = nl - p->in->str + 1;
    }
    g_string_erase(p->in, 0, pos);
    if (p->in->len > QTEST_PROTO_MAX_LINE) {
        p->discarding = true;
        g_string_truncate(p->in, 0);
    }
}

void qtest_proto_poll_timers(QtestProto *p)
{
    if (!p->qtest_clock) {
        vclock_run_due(p->clock);
    }
}
