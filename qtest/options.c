/*
 * Command-line parsing, QEMU's words and rules (qemu-options.hx): options
 * take -x or --x, an argument is the next word, a missing argument is
 * "-x: requires an argument", an unknown option "-x: invalid option".
 * Options that only matter to a CPU or a display are accepted and
 * ignored so that QEMU command lines run unchanged.  The monitor options
 * (-chardev, -mon, -qmp) are resolved in options-monitor.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qtest/options.h"
#include "qtest/options-monitor.h"

typedef enum {
    OPT_MACHINE, OPT_ACCEL, OPT_M, OPT_BIOS, OPT_QTEST, OPT_QTEST_LOG,
    OPT_DEVICE, OPT_DUMP_ACPI, OPT_CHARDEV, OPT_MON, OPT_QMP, OPT_S,
    OPT_IGNORE, OPT_HELP, OPT_VERSION,
} HarnessOptKind;

typedef struct HarnessOpt {
    const char *name;
    bool has_arg;
    HarnessOptKind kind;
} HarnessOpt;

static const HarnessOpt harness_opts[] = {
    { "machine", true, OPT_MACHINE },   { "M", true, OPT_MACHINE },
    { "accel", true, OPT_ACCEL },       { "m", true, OPT_M },
    { "bios", true, OPT_BIOS },         { "qtest", true, OPT_QTEST },
    { "qtest-log", true, OPT_QTEST_LOG }, { "device", true, OPT_DEVICE },
    { "dump-acpi", true, OPT_DUMP_ACPI },
    { "display", true, OPT_IGNORE },    { "smp", true, OPT_IGNORE },
    { "vga", true, OPT_IGNORE },        { "serial", true, OPT_IGNORE },
    { "monitor", true, OPT_IGNORE },    { "chardev", true, OPT_CHARDEV },
    { "mon", true, OPT_MON },           { "qmp", true, OPT_QMP },
    { "name", true, OPT_IGNORE },       { "nic", true, OPT_IGNORE },
    { "nodefaults", false, OPT_IGNORE }, { "S", false, OPT_S },
    { "no-reboot", false, OPT_IGNORE }, { "no-shutdown", false, OPT_IGNORE },
    { "nographic", false, OPT_IGNORE },
    { "h", false, OPT_HELP },           { "help", false, OPT_HELP },
    { "version", false, OPT_VERSION },
    { NULL, false, OPT_IGNORE },
};

/* -machine properties q35 users pass that mean nothing without a CPU. */
static const char *const harness_machine_props[] = {
    "accel", "kernel-irqchip", "smm", "usb", "vmport", "graphics",
    "dump-guest-core", "mem-merge", "hpet", "sata", "pit", "pic", NULL,
};

void harness_options_init(HarnessOptions *o)
{
    memset(o, 0, sizeof(*o));
    o->machine_type = g_strdup("q35");
    o->devices = g_ptr_array_new_with_free_func(g_free);
    o->chardevs = g_ptr_array_new_with_free_func(g_free);
    o->mons = g_ptr_array_new_with_free_func(g_free);
}

void harness_options_clear(HarnessOptions *o)
{
    g_free(o->machine_type);
    g_free(o->bios);
    g_free(o->qtest);
    g_free(o->qtest_log);
    g_free(o->dump_acpi);
    g_free(o->qmp);
    if (o->devices) {
        g_ptr_array_free(o->devices, TRUE);
        g_ptr_array_free(o->chardevs, TRUE);
        g_ptr_array_free(o->mons, TRUE);
    }
    memset(o, 0, sizeof(*o));
}

static void harness_set_str(char **dst, const char *value)
{
    g_free(*dst);
    *dst = g_strdup(value);
}

/* "qtest", "tcg:qtest", "kvm,thread=single": the first listed wins. */
static bool harness_accel_is_qtest(const char *accel)
{
    size_t n = strcspn(accel, ":,");

    return n == 5 && strncmp(accel, "qtest", 5) == 0;
}

static bool harness_parse_accel(HarnessOptions *o, const char *arg,
                                GError **errp)
{
    const char *start = strncmp(arg, "accel=", 6) == 0 ? arg + 6 : arg;
    char *name = g_strndup(start, strcspn(start, ","));
    bool ok = true;

    if (strcmp(name, "qtest") && strcmp(name, "tcg") && strcmp(name, "kvm")) {
        g_set_error(errp, HARNESS_ERROR, 1, "-accel %s: invalid accelerator "
                    "'%s' (accepted: qtest, tcg, kvm)", arg, name);
        ok = false;
    } else {
        o->accel_qtest = strcmp(name, "qtest") == 0;
    }
    g_free(name);
    return ok;
}

static bool harness_machine_type_ok(const char *type)
{
    return strcmp(type, "q35") == 0 || g_str_has_prefix(type, "pc-q35-");
}

static bool harness_machine_prop(HarnessOptions *o, const char *arg,
                                 const char *item, GError **errp)
{
    const char *eq = strchr(item, '=');
    size_t klen = eq ? (size_t)(eq - item) : strlen(item);

    for (const char *const *k = harness_machine_props; *k; k++) {
        if (strlen(*k) == klen && strncmp(*k, item, klen) == 0) {
            if (strcmp(*k, "accel") == 0 && eq) {
                o->accel_qtest = harness_accel_is_qtest(eq + 1);
            }
            return true;
        }
    }
    g_set_error(errp, HARNESS_ERROR, 1, "-machine %s: property '%.*s' not "
                "supported (accepted: type, accel, kernel-irqchip, smm, "
                "usb, vmport, graphics, ...)", arg, (int)klen, item);
    return false;
}

/* "q35[,accel=qtest][,prop=val]" or "type=q35,...". */
static bool harness_parse_machine(HarnessOptions *o, const char *arg,
                                  GError **errp)
{
    char **items = g_strsplit(arg, ",", -1);
    bool ok = true;

    for (int i = 0; ok && items[i]; i++) {
        const char *it = items[i];

        if (i == 0 && !strchr(it, '=')) {
            if (strcmp(it, "help") == 0 || strcmp(it, "?") == 0) {
                o->machine_help = true;
                continue;
            }
        } else if (g_str_has_prefix(it, "type=")) {
            it += 5;
        } else {
            ok = harness_machine_prop(o, arg, it, errp);
            continue;
        }
        if (!harness_machine_type_ok(it)) {
            g_set_error(errp, HARNESS_ERROR, 1, "-machine %s: unsupported "
                        "machine type '%s' (accepted: q35)", arg, it);
            ok = false;
        } else {
            harness_set_str(&o->machine_type, "q35");
        }
    }
    g_strfreev(items);
    return ok;
}

/* A size with QEMU's suffixes; default_shift applies without one. */
static bool harness_parse_size(const char *s, unsigned default_shift,
                               uint64_t *bytes)
{
    static const char suffixes[] = "BKMGTPE";
    const char *p;
    unsigned shift = default_shift;
    double v;
    char *end;

    if (!*s || *s == '-' || *s == '+' || g_ascii_isspace(*s)) {
        return false;
    }
    errno = 0;
    v = g_ascii_strtod(s, &end);
    if (errno || end == s || !isfinite(v) || v < 0) {
        return false;
    }
    if (*end) {
        p = strchr(suffixes, g_ascii_toupper(*end));
        if (!p || end[1]) {
            return false;
        }
        shift = 10 * (unsigned)(p - suffixes);
    }
    v = ldexp(v, (int)shift);
    if (v >= 18446744073709551616.0) {
        return false;
    }
    *bytes = (uint64_t)v;
    return true;
}

bool harness_parse_ram_size(const char *arg, uint64_t *bytes, GError **errp)
{
    char **items = g_strsplit(arg, ",", -1);
    bool ok = items[0] != NULL;

    for (int i = 0; ok && items[i]; i++) {
        const char *it = items[i];
        uint64_t v;

        if (i == 0 && g_str_has_prefix(it, "size=")) {
            it += 5;
        } else if (i > 0 && (g_str_has_prefix(it, "slots=") ||
                             g_str_has_prefix(it, "maxmem="))) {
            continue;   /* memory hotplug has no meaning here */
        } else if (i > 0) {
            ok = false;
            break;
        }
        ok = harness_parse_size(it, 20, &v);
        if (ok) {
            /* QEMU rounds the RAM size up to 8 KiB. */
            *bytes = v > UINT64_MAX - 8191 ? v : (v + 8191) & ~8191ull;
        }
    }
    if (!ok) {
        g_set_error(errp, HARNESS_ERROR, 1, "-m %s: Parameter 'size' expects "
                    "a non-negative number below 2^64 with an optional "
                    "suffix B, K, M, G, T, P or E", arg);
    }
    g_strfreev(items);
    return ok;
}

static const HarnessOpt *harness_find_opt(const char *word)
{
    const char *name = word + 1 + (word[1] == '-');

    for (const HarnessOpt *o = harness_opts; o->name; o++) {
        if (strcmp(o->name, name) == 0) {
            return o;
        }
    }
    return NULL;
}

static bool harness_apply(HarnessOptions *o, const HarnessOpt *opt,
                          const char *arg, GError **errp)
{
    switch (opt->kind) {
    case OPT_MACHINE:
        return harness_parse_machine(o, arg, errp);
    case OPT_ACCEL:
        return harness_parse_accel(o, arg, errp);
    case OPT_M:
        return harness_parse_ram_size(arg, &o->ram_size, errp);
    case OPT_BIOS:
        harness_set_str(&o->bios, arg);
        break;
    case OPT_QTEST:
        harness_set_str(&o->qtest, arg);
        break;
    case OPT_QTEST_LOG:
        harness_set_str(&o->qtest_log, arg);
        break;
    case OPT_DEVICE:
        if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
            o->device_help = true;
        } else {
            g_ptr_array_add(o->devices, g_strdup(arg));
        }
        break;
    case OPT_DUMP_ACPI:
        harness_set_str(&o->dump_acpi, arg);
        break;
    case OPT_CHARDEV:
        g_ptr_array_add(o->chardevs, g_strdup(arg));
        break;
    case OPT_MON:
        g_ptr_array_add(o->mons, g_strdup(arg));
        break;
    case OPT_QMP:
        return harness_set_qmp(o, "-qmp", arg, g_strdup(arg), errp);
    case OPT_S:
        o->start_paused = true;
        break;
    case OPT_HELP:
        o->show_help = true;
        break;
    case OPT_VERSION:
        o->show_version = true;
        break;
    case OPT_IGNORE:
        break;
    }
    return true;
}

bool harness_options_parse(HarnessOptions *o, int argc, char **argv,
                           GError **errp)
{
    bool accel_seen = false;

    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        const HarnessOpt *opt;
        bool was_qtest = o->accel_qtest;

        if (word[0] != '-' || !word[1]) {
            g_set_error(errp, HARNESS_ERROR, 1, "%s: invalid option "
                        "(positional arguments are not accepted)", word);
            return false;
        }
        opt = harness_find_opt(word);
        if (!opt) {
            g_set_error(errp, HARNESS_ERROR, 1, "%s: invalid option", word);
            return false;
        }
        if (opt->has_arg && i + 1 >= argc) {
            g_set_error(errp, HARNESS_ERROR, 1, "%s: requires an argument",
                        word);
            return false;
        }
        if (!harness_apply(o, opt, opt->has_arg ? argv[++i] : NULL, errp)) {
            return false;
        }
        /* Like QEMU's accelerator list, the first -accel given wins. */
        if (opt->kind == OPT_ACCEL) {
            if (accel_seen) {
                o->accel_qtest = was_qtest;
            }
            accel_seen = true;
        }
    }
    return harness_resolve_monitors(o, errp);
}

void harness_options_usage(void)
{
    printf("usage: iommu-sim [-machine q35[,accel=qtest]] [-accel qtest|tcg]\n"
           "                 [-m SIZE] [-bios FILE] [-device NAME[,prop=val]]\n"
           "                 -qtest stdio|unix:PATH|tcp:HOST:PORT"
           "[,server=on[,wait=off]]\n"
           "                 [-qtest-log FILE] [-dump-acpi DIR] [-S]\n"
           "Accepted and ignored: -display -nodefaults -no-reboot "
           "-nographic -vga -smp -serial -monitor -name -nic\n"
           "QMP: -qmp unix:PATH|tcp:HOST:PORT|stdio[,server=on], or "
           "-chardev socket,id=ID,path=P -mon chardev=ID,mode=control\n"
           "See docs/harness.md.\n");
}
