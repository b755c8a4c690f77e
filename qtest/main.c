/*
 * iommu-sim: the harness executable.  Parses a QEMU-style command line,
 * builds the machine, then serves the qtest protocol until EOF or a
 * termination signal.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iommu-sim/machine.h"
#include "iommu-sim/qdev.h"
#include "qtest/chardev.h"
#include "qtest/options.h"
#include "qtest/proto.h"
#include "qtest/qlog.h"
#include "qtest/qmp.h"
#include "qtest/server.h"

static int harness_fail(const char *msg)
{
    fprintf(stderr, "iommu-sim: %s\n", msg);
    return 1;
}

static int harness_fail_error(GError *err)
{
    int rc = harness_fail(err->message);

    g_error_free(err);
    return rc;
}

static void harness_device_help(void)
{
    const char *const *names = machine_device_names();

    printf("Devices:\n");
    for (int i = 0; names && names[i]; i++) {
        printf("name \"%s\"\n", names[i]);
    }
}

/*
 * -device NAME,help (or NAME,?): the device's properties on stdout.  As
 * QEMU 7.2 does, the first such -device wins and the process exits 0
 * before anything else is checked, even when NAME is unknown (one line
 * on stderr then).  Returns false when no -device asked for help.
 */
static bool harness_device_prop_help(const HarnessOptions *o)
{
    for (guint i = 0; i < o->devices->len; i++) {
        const char *spec = g_ptr_array_index(o->devices, i);
        GError *err = NULL;
        char *text;

        if (!qdev_spec_is_help(spec)) {
            continue;
        }
        text = qdev_help_text(spec, &err);
        if (text) {
            fputs(text, stdout);
            g_free(text);
        } else {
            fprintf(stderr, "iommu-sim: -device %s: %s\n", spec,
                    err ? err->message : "no help");
            g_clear_error(&err);
        }
        return true;
    }
    return false;
}

/* QEMU refuses to start when the -bios image cannot be read. */
static bool harness_check_bios(const char *path, GError **errp)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;

    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        g_set_error(errp, G_FILE_ERROR, 0, "-bios %s: could not load PC BIOS "
                    "'%s': %s", path, path,
                    fd < 0 ? g_strerror(errno) : "not a regular file");
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    close(fd);
    return true;
}

static Machine *harness_build_machine(const HarnessOptions *o, GError **errp)
{
    MachineOptions mo = {
        .type = o->machine_type,
        .ram_size = o->ram_size,
        .bios_path = o->bios,
    };
    Machine *m;

    if (o->bios && !harness_check_bios(o->bios, errp)) {
        return NULL;
    }
    m = machine_new(&mo, errp);
    if (!m) {
        return NULL;
    }
    for (guint i = 0; i < o->devices->len; i++) {
        const char *spec = g_ptr_array_index(o->devices, i);
        GError *err = NULL;

        if (!machine_add_device(m, spec, &err)) {
            g_set_error(errp, G_FILE_ERROR, 0, "-device %s: %s", spec,
                        err ? err->message : "cannot add device");
            g_clear_error(&err);
            machine_free(m);
            return NULL;
        }
    }
    if (!machine_realize(m, errp)) {
        machine_free(m);
        return NULL;
    }
    machine_reset(m);
    return m;
}

/* -dump-acpi DIR: every table as DIR/<SIG>.dat. */
static bool harness_dump_acpi(Machine *m, const char *dir, GError **errp)
{
    GPtrArray *tables = machine_acpi_tables(m);

    if (g_mkdir_with_parents(dir, 0755)) {
        g_set_error(errp, G_FILE_ERROR, 0, "-dump-acpi %s: %s", dir,
                    g_strerror(errno));
        return false;
    }
    for (guint i = 0; tables && i < tables->len; i++) {
        const AcpiTableBlob *t = g_ptr_array_index(tables, i);
        char *name = g_strdup_printf("%s/%s.dat", dir, t->signature);
        bool ok = g_file_set_contents(name, (const char *)t->data->data,
                                      t->data->len, errp);

        g_free(name);
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* Open the QMP monitor's channel, if one was asked for. */
static bool harness_qmp_open(const HarnessOptions *o, Machine *m,
                             HarnessQmp *qmp, GError **errp)
{
    if (!qtest_chardev_open_for(&qmp->ch, "-qmp", o->qmp, errp)) {
        return false;
    }
    qmp->ch.reaccept = true;     /* QEMU's monitor serves client after client */
    if (qmp->ch.listen_fd >= 0) {
        fprintf(stderr, "iommu-sim: QMP waiting for connection on %s\n",
                qmp->ch.description);
    }
    qmp->mon = qmp_monitor_new(m, o->start_paused);
    return true;
}

static void harness_qmp_close(HarnessQmp *qmp)
{
    qmp_monitor_free(qmp->mon);
    qtest_chardev_close(&qmp->ch);
}

static int harness_run(const HarnessOptions *o, Machine *m)
{
    HarnessQmp qmp = { .mon = NULL };
    QtestChannel ch;
    GError *err = NULL;
    QtestLog *log;
    QtestProto *p;
    int sig_fd, rc;

    sig_fd = harness_signals_setup();
    if (sig_fd < 0) {
        return harness_fail("cannot set up signal handling");
    }
    if (!qtest_chardev_open(&ch, o->qtest, &err)) {
        return harness_fail_error(err);
    }
    if (o->qmp && !harness_qmp_open(o, m, &qmp, &err)) {
        qtest_chardev_close(&ch);
        return harness_fail_error(err);
    }
    if (ch.listen_fd >= 0) {
        fprintf(stderr, "iommu-sim: waiting for connection on %s\n",
                ch.description);
    }
    log = qtest_log_open(o->qtest_log, &err);
    if (err) {
        qtest_chardev_close(&ch);
        if (qmp.mon) {
            harness_qmp_close(&qmp);
        }
        return harness_fail_error(err);
    }
    /* Without -accel qtest virtual time follows the host, as in QEMU. */
    vclock_set_realtime(machine_clock(m), !o->accel_qtest);
    p = qtest_proto_new(m, o->accel_qtest, log);
    rc = harness_serve(&ch, p, machine_clock(m), sig_fd,
                       qmp.mon ? &qmp : NULL);
    qtest_proto_free(p);
    qtest_log_close(log);
    qtest_chardev_close(&ch);
    if (qmp.mon) {
        harness_qmp_close(&qmp);
    }
    close(sig_fd);
    return rc;
}

static int harness_main(HarnessOptions *o)
{
    GError *err = NULL;
    Machine *m;
    int rc = 0;

    if (o->machine_help) {
        printf("Supported machines are:\nq35                  "
               "Standard PC (Q35 + ICH9) model for IOMMU simulation\n");
        return 0;
    }
    if (o->device_help) {
        harness_device_help();
        return 0;
    }
    if (harness_device_prop_help(o)) {
        return 0;
    }
    if (!o->qtest && !o->dump_acpi) {
        return harness_fail("-qtest is required (stdio, unix:PATH or "
                            "tcp:HOST:PORT), or -dump-acpi DIR");
    }
    m = harness_build_machine(o, &err);
    if (!m) {
        return harness_fail_error(err);
    }
    if (o->dump_acpi) {
        if (!harness_dump_acpi(m, o->dump_acpi, &err)) {
            rc = harness_fail_error(err);
        }
    } else {
        rc = harness_run(o, m);
    }
    machine_free(m);
    return rc;
}

int main(int argc, char **argv)
{
    HarnessOptions o;
    GError *err = NULL;
    int rc;

    harness_options_init(&o);
    if (!harness_options_parse(&o, argc, argv, &err)) {
        harness_options_clear(&o);
        return harness_fail_error(err);
    }
    if (o.show_help || o.show_version) {
        if (o.show_version) {
            printf("iommu-sim version 0.1.0 (QEMU 7.2 qtest protocol)\n");
        } else {
            harness_options_usage();
        }
        harness_options_clear(&o);
        return 0;
    }
    rc = harness_main(&o);
    harness_options_clear(&o);
    return rc;
}
