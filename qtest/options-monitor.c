/*
 * The monitor options (-chardev, -mon, -qmp), QEMU's words and rules
 * (qemu-options.hx).  options.c collects them; once the command line is
 * read, every -chardev is checked here and the one QMP monitor becomes a
 * -qtest style chardev spec.  Every message names the option, as the
 * rest of the parser's do.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "qtest/options-monitor.h"

/* One QMP monitor at most; spec (owned) is a -qtest style chardev spec. */
bool harness_set_qmp(HarnessOptions *o, const char *opt, const char *arg,
                     char *spec, GError **errp)
{
    if (o->qmp) {
        g_set_error(errp, HARNESS_ERROR, 1, "%s %s: only one QMP monitor is "
                    "supported", opt, arg);
        g_free(spec);
        return false;
    }
    o->qmp = spec;
    return true;
}

/* "key=value" items after the first of spec; NULL when absent. */
static const char *harness_spec_get(char **items, const char *key)
{
    size_t n = strlen(key);

    for (int i = 1; items[i]; i++) {
        if (strncmp(items[i], key, n) == 0 && items[i][n] == '=') {
            return items[i] + n + 1;
        }
    }
    return NULL;
}

/*
 * -chardev socket,id=ID,path=P|host=H,port=N[,server=..][,wait=..] as the
 * legacy spec chardev.c parses ("unix:P,server=on"); stdio as "stdio".
 * Other backends give NULL: fine unless a -mon uses them.
 */
static bool harness_chardev_spec(const char *arg, char **items, char **spec,
                                 GError **errp)
{
    const char *path = harness_spec_get(items, "path");
    const char *port = harness_spec_get(items, "port");
    const char *host = harness_spec_get(items, "host");
    GString *s;

    *spec = NULL;
    if (strcmp(items[0], "stdio") == 0) {
        *spec = g_strdup("stdio");
        return true;
    }
    if (strcmp(items[0], "socket") != 0) {
        return true;
    }
    if (!path && !port) {
        g_set_error(errp, HARNESS_ERROR, 1, "-chardev %s: socket needs path= "
                    "or host=,port=", arg);
        return false;
    }
    s = g_string_new(NULL);
    if (path) {
        g_string_append_printf(s, "unix:%s", path);
    } else {
        g_string_append_printf(s, "tcp:%s:%s", host ? host : "", port);
    }
    for (int i = 1; items[i]; i++) {
        if (g_str_has_prefix(items[i], "server") ||
            g_str_has_prefix(items[i], "wait") ||
            g_str_has_prefix(items[i], "nowait")) {
            g_string_append_printf(s, ",%s", items[i]);
        }
    }
    *spec = g_string_free(s, FALSE);
    return true;
}

/* The -chardev with id=ID: its backend name and legacy spec. */
static bool harness_find_chardev(HarnessOptions *o, const char *mon,
                                 const char *id, bool control, char **spec,
                                 GError **errp)
{
    for (guint i = 0; i < o->chardevs->len; i++) {
        const char *arg = g_ptr_array_index(o->chardevs, i);
        char **items = g_strsplit(arg, ",", -1);
        const char *cid = items[0] ? harness_spec_get(items, "id") : NULL;
        bool ok = true;

        if (cid && strcmp(cid, id) == 0) {
            ok = harness_chardev_spec(arg, items, spec, errp);
            if (ok && !*spec && control) {
                g_set_error(errp, HARNESS_ERROR, 1, "-mon %s: chardev backend "
                            "'%s' is not supported for a monitor (accepted: "
                            "socket, stdio)", mon, items[0]);
                ok = false;
            }
            g_strfreev(items);
            return ok;
        }
        g_strfreev(items);
    }
    g_set_error(errp, HARNESS_ERROR, 1, "-mon %s: chardev '%s' not found",
                mon, id);
    return false;
}

static bool harness_check_chardevs(HarnessOptions *o, GError **errp)
{
    for (guint i = 0; i < o->chardevs->len; i++) {
        const char *arg = g_ptr_array_index(o->chardevs, i);
        char **items = g_strsplit(arg, ",", -1);
        char *spec = NULL;
        bool ok = items[0] && harness_spec_get(items, "id");

        if (!ok) {
            g_set_error(errp, HARNESS_ERROR, 1, "-chardev %s: Parameter 'id' "
                        "is missing", arg);
        } else {
            ok = harness_chardev_spec(arg, items, &spec, errp);
        }
        g_free(spec);
        g_strfreev(items);
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* -mon chardev=ID[,mode=control|readline][,pretty=off]. */
static bool harness_resolve_mon(HarnessOptions *o, const char *arg,
                                GError **errp)
{
    char **items = g_strsplit(arg, ",", -1);
    const char *id = NULL, *mode = "readline";
    char *spec = NULL;
    bool ok = true;

    for (int i = 0; ok && items[i]; i++) {
        if (g_str_has_prefix(items[i], "chardev=")) {
            id = items[i] + 8;
        } else if (g_str_has_prefix(items[i], "mode=")) {
            mode = items[i] + 5;
        } else if (strcmp(items[i], "pretty=off") != 0) {
            g_set_error(errp, HARNESS_ERROR, 1, "-mon %s: '%s' not supported "
                        "(accepted: chardev=ID, mode=control|readline, "
                        "pretty=off)", arg, items[i]);
            ok = false;
        }
    }
    if (ok && (!id || !*id)) {
        g_set_error(errp, HARNESS_ERROR, 1, "-mon %s: chardev=ID is missing",
                    arg);
        ok = false;
    } else if (ok && strcmp(mode, "control") && strcmp(mode, "readline")) {
        g_set_error(errp, HARNESS_ERROR, 1, "-mon %s: invalid mode '%s' "
                    "(accepted: control, readline)", arg, mode);
        ok = false;
    }
    if (ok) {
        ok = harness_find_chardev(o, arg, id, strcmp(mode, "control") == 0,
                                  &spec, errp);
    }
    /* mode=readline is the human monitor, which we do not have. */
    if (ok && strcmp(mode, "control") == 0) {
        ok = harness_set_qmp(o, "-mon", arg, g_steal_pointer(&spec), errp);
    }
    g_free(spec);
    g_strfreev(items);
    return ok;
}

bool harness_resolve_monitors(HarnessOptions *o, GError **errp)
{
    if (!harness_check_chardevs(o, errp)) {
        return false;
    }
    for (guint i = 0; i < o->mons->len; i++) {
        if (!harness_resolve_mon(o, g_ptr_array_index(o->mons, i), errp)) {
            return false;
        }
    }
    if (o->qmp && o->qtest && strcmp(o->qmp, "stdio") == 0 &&
        strcmp(o->qtest, "stdio") == 0) {
        g_set_error(errp, HARNESS_ERROR, 1, "-qmp stdio: stdio is already "
                    "the qtest channel");
        return false;
    }
    return true;
}
