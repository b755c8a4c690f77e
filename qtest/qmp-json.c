/*
 * QMP JSON framing and output (see qmp-json.h).  The streamer tracks
 * strings and bracket depth byte by byte; a value ends when its
 * brackets balance, or, for a top-level scalar, at the next delimiter.
 * An error inside a value spoils it but scanning goes on to its end, so
 * one malformed value gets one error reply and the stream resynchronises
 * by itself.  QEMU's extensions are kept: single-quoted strings and the
 * \' escape.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qtest/qmp-json.h"

struct QmpJsonStreamer {
    QmpJsonValueFn fn;
    void *opaque;
    GString *value;     /* the value so far, rewritten for json-glib */
    GString *token;     /* a number or keyword being read */
    char *error;        /* first error in this value, or NULL */
    int depth;
    char quote;         /* in a string: its quote character, else 0 */
    int escape;         /* 0; 1 after '\'; 2 + n: n \u hex digits to come */
    bool too_large;
};

QmpJsonStreamer *qmp_json_streamer_new(QmpJsonValueFn fn, void *opaque)
{
    QmpJsonStreamer *s = g_new0(QmpJsonStreamer, 1);

    s->fn = fn;
    s->opaque = opaque;
    s->value = g_string_new(NULL);
    s->token = g_string_new(NULL);
    return s;
}

void qmp_json_streamer_free(QmpJsonStreamer *s)
{
    if (s) {
        g_string_free(s->value, TRUE);
        g_string_free(s->token, TRUE);
        g_free(s->error);
        g_free(s);
    }
}

void qmp_json_streamer_reset(QmpJsonStreamer *s)
{
    g_string_truncate(s->value, 0);
    g_string_truncate(s->token, 0);
    g_clear_pointer(&s->error, g_free);
    s->depth = 0;
    s->quote = 0;
    s->escape = 0;
    s->too_large = false;
}

static void streamer_error(QmpJsonStreamer *s, char *msg)
{
    if (s->error) {
        g_free(msg);
    } else {
        s->error = msg;
    }
}

static void streamer_put(QmpJsonStreamer *s, const char *text, size_t len)
{
    if (s->too_large) {
        return;
    }
    if (s->value->len + len > QMP_JSON_MAX_VALUE) {
        s->too_large = true;
        streamer_error(s, g_strdup("value too large"));
        return;
    }
    g_string_append_len(s->value, text, len);
}

static void streamer_emit(QmpJsonStreamer *s)
{
    if (!s->error && !g_utf8_validate(s->value->str, s->value->len, NULL)) {
        s->error = g_strdup("invalid UTF-8 sequence");
    }
    if (s->error) {
        s->fn(s->opaque, NULL, s->error);
    } else {
        s->fn(s->opaque, s->value->str, NULL);
    }
    qmp_json_streamer_reset(s);
}

/*
 * A number or keyword has ended.  QEMU reads an integer beyond int64 as
 * uint64 or else as a double; json-glib would clamp it, so make it a
 * double (a uint64 above INT64_MAX then prints as %.17g, not exactly).
 */
static void streamer_end_token(QmpJsonStreamer *s)
{
    const char *t = s->token->str;
    char *end;

    if (!s->token->len) {
        return;
    }
    if (g_ascii_isalpha(t[0])) {
        if (strcmp(t, "true") && strcmp(t, "false") && strcmp(t, "null")) {
            streamer_error(s, g_strdup_printf("invalid keyword '%s'", t));
        }
    } else if (g_ascii_isdigit(t[0]) || t[0] == '-') {
        errno = 0;
        g_ascii_strtoll(t, &end, 10);
        if (errno == ERANGE && !*end) {
            g_string_append(s->token, ".0");
        }
    } else {
        streamer_error(s, g_strdup_printf("stray '%s'", t));
    }
    streamer_put(s, s->token->str, s->token->len);
    g_string_truncate(s->token, 0);
    if (s->depth == 0) {
        streamer_emit(s);
    }
}

/* One byte inside a string. */
static void streamer_string_byte(QmpJsonStreamer *s, char c)
{
    if (s->escape == 1) {
        s->escape = 0;
        if (c == '\'') {
            streamer_put(s, "'", 1);     /* QEMU's \' (json-glib lacks it) */
            return;
        }
        if (!strchr("\"\\/bfnrtu", c) || !c) {
            streamer_error(s, g_strdup("invalid escape sequence in string"));
            return;
        }
        s->escape = c == 'u' ? 6 : 0;
        streamer_put(s, "\\", 1);
    } else if (s->escape > 1) {
        if (!g_ascii_isxdigit(c)) {
            streamer_error(s, g_strdup("invalid escape sequence in string"));
        }
        if (--s->escape == 2) {
            s->escape = 0;
        }
    } else if (c == '\\') {
        s->escape = 1;
        return;
    } else if (c == s->quote) {
        s->quote = 0;
        streamer_put(s, "\"", 1);
        if (s->depth == 0) {
            streamer_emit(s);
        }
        return;
    } else if ((unsigned char)c < 0x20) {
        streamer_error(s, g_strdup("control character in string"));
    } else if (c == '"') {
        streamer_put(s, "\\\"", 2);      /* inside a single-quoted string */
        return;
    }
    streamer_put(s, &c, 1);
}

/* One structural character outside strings. */
static void streamer_structural(QmpJsonStreamer *s, char c)
{
    bool opening = c == '{' || c == '[';

    if (s->depth == 0 && !opening) {
        /* A stray '}', ']', ',' or ':' between values. */
        s->fn(s->opaque, NULL, "expecting value");
        return;
    }
    streamer_put(s, &c, 1);
    if (opening) {
        if (++s->depth == QMP_JSON_MAX_DEPTH + 1) {
            streamer_error(s, g_strdup("nesting too deep"));
        }
    } else if ((c == '}' || c == ']') && --s->depth == 0) {
        streamer_emit(s);
    }
}

static void streamer_byte(QmpJsonStreamer *s, char c)
{
    if (s->quote) {
        streamer_string_byte(s, c);
        return;
    }
    if (!strchr("{}[],:\"' \t\r\n", c) && c) {
        g_string_append_c(s->token, c);
        if (s->token->len > 1024 * 1024) {
            streamer_error(s, g_strdup("token too long"));
            g_string_truncate(s->token, 1);
        }
        return;
    }
    streamer_end_token(s);
    if (c == '"' || c == '\'') {
        s->quote = c;
        streamer_put(s, "\"", 1);
    } else if (strchr("{}[],:", c) && c) {
        streamer_structural(s, c);
    } else if (s->depth > 0) {
        streamer_put(s, &c, 1);
    } else if (!c) {
        s->fn(s->opaque, NULL, "stray '\\0'");
    }
}

void qmp_json_streamer_feed(QmpJsonStreamer *s, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        streamer_byte(s, buf[i]);
    }
}

/* json-glib's messages, reworded as QEMU 7.2 words the common ones. */
static char *parse_error_text(const GError *err)
{
    const char *msg = strstr(err->message, "Parse error: ");

    switch (err->code) {
    case JSON_PARSER_ERROR_MISSING_COLON:
        return g_strdup("missing : in object pair");
    case JSON_PARSER_ERROR_TRAILING_COMMA:
        return g_strdup("expecting value");
    default:
        break;
    }
    if (msg && strstr(msg, "expected value")) {
        return g_strdup("expecting value");
    }
    return g_strdup(msg ? msg + strlen("Parse error: ") : err->message);
}

/*
 * json-glib keeps the last of duplicate keys; QEMU refuses them.  Count
 * the members parsed per object against the members it ended up with.
 */
static void parse_member(JsonParser *p, JsonObject *o, const char *name,
                         gpointer counts)
{
    (void)p;
    (void)name;
    g_hash_table_insert(counts, o, GUINT_TO_POINTER(
        GPOINTER_TO_UINT(g_hash_table_lookup(counts, o)) + 1));
}

static void parse_object_end(JsonParser *p, JsonObject *o, gpointer counts)
{
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(counts, o));

    (void)p;
    if (n != json_object_get_size(o)) {
        g_hash_table_insert(counts, counts, counts);   /* the "dup" mark */
    }
    g_hash_table_remove(counts, o);
}

JsonNode *qmp_json_parse(const char *text, char **error)
{
    JsonParser *p = json_parser_new_immutable();
    GHashTable *counts = g_hash_table_new(NULL, NULL);
    GError *err = NULL;
    JsonNode *root = NULL;

    g_signal_connect(p, "object-member", G_CALLBACK(parse_member), counts);
    g_signal_connect(p, "object-end", G_CALLBACK(parse_object_end), counts);
    if (json_parser_load_from_data(p, text, -1, &err)) {
        root = json_parser_steal_root(p);
        if (g_hash_table_contains(counts, counts)) {
            g_clear_pointer(&root, json_node_unref);
            *error = g_strdup("duplicate key");
        } else if (!root) {
            *error = g_strdup("expecting value");
        }
    } else {
        *error = parse_error_text(err);
        g_error_free(err);
    }
    g_object_unref(p);
    g_hash_table_destroy(counts);
    return root;
}

/* QEMU's string escapes: \uXXXX (upper case) for all but printable ASCII. */
static void write_string(GString *out, const char *str)
{
    const char *p = str;

    g_string_append_c(out, '"');
    while (*p) {
        gunichar u = g_utf8_get_char_validated(p, -1);

        if (u == (gunichar)-1 || u == (gunichar)-2) {
            u = 0xfffd;                  /* not UTF-8: one byte, replaced */
            p++;
        } else {
            p = g_utf8_next_char(p);
        }
        switch (u) {
        case '"':  g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\b': g_string_append(out, "\\b"); break;
        case '\f': g_string_append(out, "\\f"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        default:
            if (u >= 0x20 && u < 0x7f) {
                g_string_append_c(out, (char)u);
            } else if (u > 0xffff) {
                u -= 0x10000;
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xd800 | (u >> 10), 0xdc00 | (u & 0x3ff));
            } else {
                g_string_append_printf(out, "\\u%04X", u);
            }
        }
    }
    g_string_append_c(out, '"');
}

static void write_value(GString *out, JsonNode *node)
{
    GType t = json_node_get_value_type(node);

    if (t == G_TYPE_INT64) {
        g_string_append_printf(out, "%" PRId64, json_node_get_int(node));
    } else if (t == G_TYPE_DOUBLE) {
        g_string_append_printf(out, "%.17g", json_node_get_double(node));
    } else if (t == G_TYPE_BOOLEAN) {
        g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
    } else {
        write_string(out, json_node_get_string(node));
    }
}

void qmp_json_write(GString *out, JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObject *o = json_node_get_object(node);
        GList *names = json_object_get_members(o);

        g_string_append_c(out, '{');
        for (GList *l = names; l; l = l->next) {
            write_string(out, l->data);
            g_string_append(out, ": ");
            qmp_json_write(out, json_object_get_member(o, l->data));
            g_string_append(out, l->next ? ", " : "");
        }
        g_string_append_c(out, '}');
        g_list_free(names);
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *a = json_node_get_array(node);
        guint n = json_array_get_length(a);

        g_string_append_c(out, '[');
        for (guint i = 0; i < n; i++) {
            qmp_json_write(out, json_array_get_element(a, i));
            g_string_append(out, i + 1 < n ? ", " : "");
        }
        g_string_append_c(out, ']');
        break;
    }
    case JSON_NODE_VALUE:
        write_value(out, node);
        break;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    }
}
