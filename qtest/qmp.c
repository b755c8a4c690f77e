/*
 * The QMP monitor.  Replies follow Debian's QEMU 7.2 byte for byte where
 * the protocol fixes them (member order as QEMU prints it, error classes
 * and texts); docs/harness.md lists the departures.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "qtest/qmp-json.h"
#include "qtest/qmp.h"

/* What query-version and the greeting report (see docs/harness.md). */
#define QMP_QEMU_MAJOR 7
#define QMP_QEMU_MINOR 2
#define QMP_QEMU_MICRO 1
#define QMP_PACKAGE "iommu-sim 0.1.0"

typedef enum {
    QMP_RUN_PRELAUNCH, QMP_RUN_RUNNING, QMP_RUN_PAUSED,
} QmpRunState;

struct QmpMonitor {
    Machine *machine;
    QmpJsonStreamer *streamer;
    GString *out;
    QmpRunState state;
    bool negotiated;
    bool quit;
};

typedef struct QmpCommand {
    const char *name;
    /* Returns the "return" value; NULL with *error set on failure. */
    JsonNode *(*run)(QmpMonitor *mon, JsonObject *args);
} QmpCommand;

static void qmp_send(QmpMonitor *mon, JsonNode *msg)
{
    qmp_json_write(mon->out, msg);
    g_string_append(mon->out, "\r\n");
    json_node_unref(msg);
}

static JsonNode *qmp_empty_object(void)
{
    return json_node_init_object(json_node_alloc(), json_object_new());
}

static JsonNode *qmp_version_object(void)
{
    JsonObject *qemu = json_object_new(), *v = json_object_new();

    json_object_set_int_member(qemu, "micro", QMP_QEMU_MICRO);
    json_object_set_int_member(qemu, "minor", QMP_QEMU_MINOR);
    json_object_set_int_member(qemu, "major", QMP_QEMU_MAJOR);
    json_object_set_object_member(v, "qemu", qemu);
    json_object_set_string_member(v, "package", QMP_PACKAGE);
    return json_node_init_object(json_node_alloc(), v);
}

/* An event now, stamped with the host's real time as QEMU does. */
static void qmp_event(QmpMonitor *mon, const char *name, JsonObject *data)
{
    gint64 now = g_get_real_time();
    JsonObject *ts = json_object_new(), *ev = json_object_new();

    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_object_member(ev, "timestamp", ts);
    json_object_set_string_member(ev, "event", name);
    if (data) {
        json_object_set_object_member(ev, "data", data);
    }
    qmp_send(mon, json_node_init_object(json_node_alloc(), ev));
}

static JsonObject *qmp_host_reason(const char *reason)
{
    JsonObject *d = json_object_new();

    json_object_set_boolean_member(d, "guest", false);
    json_object_set_string_member(d, "reason", reason);
    return d;
}

static JsonNode *qmp_cmd_query_version(QmpMonitor *mon, JsonObject *args)
{
    (void)mon;
    (void)args;
    return qmp_version_object();
}

static JsonNode *qmp_cmd_query_status(QmpMonitor *mon, JsonObject *args)
{
    static const char *const names[] = { "prelaunch", "running", "paused" };
    JsonObject *o = json_object_new();

    (void)args;
    json_object_set_string_member(o, "status", names[mon->state]);
    json_object_set_boolean_member(o, "singlestep", false);
    json_object_set_boolean_member(o, "running",
                                   mon->state == QMP_RUN_RUNNING);
    return json_node_init_object(json_node_alloc(), o);
}

/* QEMU: only a running VM stops (STOP event); prelaunch stays. */
static JsonNode *qmp_cmd_stop(QmpMonitor *mon, JsonObject *args)
{
    (void)args;
    if (mon->state == QMP_RUN_RUNNING) {
        mon->state = QMP_RUN_PAUSED;
        qmp_event(mon, "STOP", NULL);
    }
    return qmp_empty_object();
}

static JsonNode *qmp_cmd_cont(QmpMonitor *mon, JsonObject *args)
{
    (void)args;
    if (mon->state != QMP_RUN_RUNNING) {
        mon->state = QMP_RUN_RUNNING;
        qmp_event(mon, "RESUME", NULL);
    }
    return qmp_empty_object();
}

static JsonNode *qmp_cmd_system_reset(QmpMonitor *mon, JsonObject *args)
{
    (void)args;
    machine_reset(mon->machine);
    qmp_event(mon, "RESET", qmp_host_reason("host-qmp-system-reset"));
    return qmp_empty_object();
}

/* QEMU 7.2 sends SHUTDOWN before the reply; the server then exits 0. */
static JsonNode *qmp_cmd_quit(QmpMonitor *mon, JsonObject *args)
{
    (void)args;
    qmp_event(mon, "SHUTDOWN", qmp_host_reason("host-qmp-quit"));
    mon->quit = true;
    return qmp_empty_object();
}

static JsonNode *qmp_cmd_query_commands(QmpMonitor *mon, JsonObject *args);

static const QmpCommand qmp_commands[] = {
    { "qmp_capabilities", NULL },   /* handled before dispatch */
    { "query-version", qmp_cmd_query_version },
    { "query-status", qmp_cmd_query_status },
    { "query-commands", qmp_cmd_query_commands },
    { "stop", qmp_cmd_stop },
    { "cont", qmp_cmd_cont },
    { "system_reset", qmp_cmd_system_reset },
    { "quit", qmp_cmd_quit },
    { NULL, NULL },
};

static JsonNode *qmp_cmd_query_commands(QmpMonitor *mon, JsonObject *args)
{
    JsonArray *a = json_array_new();

    (void)mon;
    (void)args;
    for (const QmpCommand *c = qmp_commands; c->name; c++) {
        JsonObject *o = json_object_new();

        json_object_set_string_member(o, "name", c->name);
        json_array_add_object_element(a, o);
    }
    return json_node_init_array(json_node_alloc(), a);
}

static const QmpCommand *qmp_find(const char *name)
{
    for (const QmpCommand *c = qmp_commands; c->name; c++) {
        if (strcmp(c->name, name) == 0) {
            return c;
        }
    }
    return NULL;
}

/* QEMU prints "id" after "return" but before "error". */
static void qmp_reply_error(QmpMonitor *mon, JsonNode *id, const char *cls,
                            char *desc)
{
    JsonObject *r = json_object_new(), *e = json_object_new();

    if (id) {
        json_object_set_member(r, "id", json_node_copy(id));
    }
    json_object_set_string_member(e, "class", cls);
    json_object_set_string_member(e, "desc", desc);
    json_object_set_object_member(r, "error", e);
    qmp_send(mon, json_node_init_object(json_node_alloc(), r));
    g_free(desc);
}

static void qmp_reply_return(QmpMonitor *mon, JsonNode *id, JsonNode *ret)
{
    JsonObject *r = json_object_new();

    json_object_set_member(r, "return", ret);
    if (id) {
        json_object_set_member(r, "id", json_node_copy(id));
    }
    qmp_send(mon, json_node_init_object(json_node_alloc(), r));
}

/* The message checks of QEMU's qmp_dispatch, in its order; NULL if OK. */
static char *qmp_check_message(JsonObject *msg, const char **execute,
                               JsonObject **args)
{
    GList *names = json_object_get_members(msg);
    char *err = NULL;

    for (GList *l = names; l && !err; l = l->next) {
        const char *k = l->data;
        JsonNode *v = json_object_get_member(msg, k);

        if (strcmp(k, "execute") == 0) {
            if (!JSON_NODE_HOLDS_VALUE(v) ||
                json_node_get_value_type(v) != G_TYPE_STRING) {
                err = g_strdup("QMP input member 'execute' must be a string");
            } else {
                *execute = json_node_get_string(v);
            }
        } else if (strcmp(k, "arguments") == 0) {
            if (!JSON_NODE_HOLDS_OBJECT(v)) {
                err = g_strdup("QMP input member 'arguments' must be an "
                               "object");
            } else {
                *args = json_node_get_object(v);
            }
        } else if (strcmp(k, "id") != 0) {
            err = g_strdup_printf("QMP input member '%s' is unexpected", k);
        }
    }
    g_list_free(names);
    if (!err && !*execute) {
        err = g_strdup("QMP input lacks member 'execute'");
    }
    return err;
}

/* None of our commands takes an argument but qmp_capabilities' enable. */
static char *qmp_check_args(const char *cmd, JsonObject *args)
{
    GList *names = args ? json_object_get_members(args) : NULL;
    char *err = NULL;

    for (GList *l = names; l && !err; l = l->next) {
        if (strcmp(cmd, "qmp_capabilities") || strcmp(l->data, "enable")) {
            err = g_strdup_printf("Parameter '%s' is unexpected",
                                  (const char *)l->data);
        }
    }
    g_list_free(names);
    return err;
}

static void qmp_dispatch(QmpMonitor *mon, JsonNode *id, const char *name,
                         JsonObject *args)
{
    const QmpCommand *c = qmp_find(name);
    bool caps = strcmp(name, "qmp_capabilities") == 0;
    char *err;

    if (!mon->negotiated && !caps) {
        qmp_reply_error(mon, id, "CommandNotFound", g_strdup(
            "Expecting capabilities negotiation with 'qmp_capabilities'"));
    } else if (mon->negotiated && caps) {
        qmp_reply_error(mon, id, "CommandNotFound", g_strdup(
            "Capabilities negotiation is already complete, command "
            "ignored"));
    } else if (!c) {
        qmp_reply_error(mon, id, "CommandNotFound", g_strdup_printf(
            "The command %s has not been found", name));
    } else if ((err = qmp_check_args(name, args))) {
        qmp_reply_error(mon, id, "GenericError", err);
    } else if (caps) {
        mon->negotiated = true;
        qmp_reply_return(mon, id, qmp_empty_object());
    } else {
        qmp_reply_return(mon, id, c->run(mon, args));
    }
}

static void qmp_on_value(void *opaque, const char *text, const char *error)
{
    QmpMonitor *mon = opaque;
    JsonNode *root = NULL, *id = NULL;
    const char *execute = NULL;
    JsonObject *args = NULL;
    char *err = NULL;

    if (mon->quit) {
        return;             /* nothing after quit is executed */
    }
    if (error) {
        err = g_strdup_printf("JSON parse error, %s", error);
    } else if (!(root = qmp_json_parse(text, &err))) {
        char *detail = err;

        err = g_strdup_printf("JSON parse error, %s", detail);
        g_free(detail);
    } else if (!JSON_NODE_HOLDS_OBJECT(root)) {
        err = g_strdup("QMP input must be a JSON object");
    } else {
        id = json_object_get_member(json_node_get_object(root), "id");
        err = qmp_check_message(json_node_get_object(root), &execute, &args);
    }
    if (err) {
        qmp_reply_error(mon, id, "GenericError", err);
    } else {
        qmp_dispatch(mon, id, execute, args);
    }
    if (root) {
        json_node_unref(root);
    }
}

QmpMonitor *qmp_monitor_new(Machine *m, bool start_paused)
{
    QmpMonitor *mon = g_new0(QmpMonitor, 1);

    mon->machine = m;
    mon->streamer = qmp_json_streamer_new(qmp_on_value, mon);
    mon->out = g_string_new(NULL);
    mon->state = start_paused ? QMP_RUN_PRELAUNCH : QMP_RUN_RUNNING;
    return mon;
}

void qmp_monitor_free(QmpMonitor *mon)
{
    if (mon) {
        qmp_json_streamer_free(mon->streamer);
        g_string_free(mon->out, TRUE);
        g_free(mon);
    }
}

void qmp_monitor_opened(QmpMonitor *mon)
{
    JsonObject *g = json_object_new(), *qmp = json_object_new();
    JsonArray *caps = json_array_new();

    qmp_json_streamer_reset(mon->streamer);
    mon->negotiated = false;
    json_array_add_string_element(caps, "oob");
    json_object_set_member(qmp, "version", qmp_version_object());
    json_object_set_array_member(qmp, "capabilities", caps);
    json_object_set_object_member(g, "QMP", qmp);
    qmp_send(mon, json_node_init_object(json_node_alloc(), g));
}

void qmp_monitor_feed(QmpMonitor *mon, const char *buf, size_t len)
{
    qmp_json_streamer_feed(mon->streamer, buf, len);
}

GString *qmp_monitor_output(QmpMonitor *mon)
{
    return mon->out;
}

bool qmp_monitor_quit_requested(const QmpMonitor *mon)
{
    return mon->quit;
}
