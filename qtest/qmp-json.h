/*
 * QMP's JSON framing and output format.  The streamer splits a byte
 * stream into top-level JSON values as QEMU 7.2's JSON lexer does
 * (values may span reads, several may share one read, no separator is
 * needed) and reports QEMU's lexical errors; json-glib then parses each
 * value.  The writer prints a JsonNode the way QEMU prints a QObject:
 * ", " and ": " separators, non-ASCII as \uXXXX, doubles as %.17g.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef QTEST_QMP_JSON_H
#define QTEST_QMP_JSON_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

/* A value larger than this is answered with an error and discarded. */
#define QMP_JSON_MAX_VALUE (16 * 1024 * 1024)
#define QMP_JSON_MAX_DEPTH 1024

/*
 * Called once per top-level value: text is the value (single-quoted
 * strings rewritten to double quotes) when error is NULL; otherwise
 * error is the detail after "JSON parse error, " and text is NULL.
 */
typedef void (*QmpJsonValueFn)(void *opaque, const char *text,
                               const char *error);

typedef struct QmpJsonStreamer QmpJsonStreamer;

QmpJsonStreamer *qmp_json_streamer_new(QmpJsonValueFn fn, void *opaque);
void qmp_json_streamer_free(QmpJsonStreamer *s);
/* Forget any partial value (a new client connected). */
void qmp_json_streamer_reset(QmpJsonStreamer *s);
void qmp_json_streamer_feed(QmpJsonStreamer *s, const char *buf, size_t len);

/*
 * Parse one value text from the streamer.  On a syntax error returns
 * NULL with the detail after "JSON parse error, " in *error (g_free it).
 */
JsonNode *qmp_json_parse(const char *text, char **error);

/* Append node in QEMU's compact format (no line ending). */
void qmp_json_write(GString *out, JsonNode *node);

#endif
