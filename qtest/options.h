/*
 * The iommu-sim command line: QEMU's option words, parsed into a plain
 * struct.  Both -opt and --opt spellings are accepted.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef QTEST_OPTIONS_H
#define QTEST_OPTIONS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct HarnessOptions {
    char *machine_type;     /* "q35" */
    bool accel_qtest;       /* deterministic clock (-accel qtest) */
    uint64_t ram_size;      /* bytes; 0 = machine default */
    char *bios;             /* -bios FILE or NULL */
    char *qtest;            /* -qtest CHARDEV or NULL */
    char *qtest_log;        /* -qtest-log FILE or NULL */
    char *dump_acpi;        /* -dump-acpi DIR or NULL */
    char *qmp;              /* QMP monitor's chardev spec (as -qtest's) */
    bool start_paused;      /* -S: QMP run state "prelaunch" */
    GPtrArray *chardevs;    /* -chardev specs (char *), resolved at the end */
    GPtrArray *mons;        /* -mon specs (char *) */
    GPtrArray *devices;     /* -device specs, in order (char *) */
    bool device_help;       /* -device help / -device ? */
    bool machine_help;      /* -machine help */
    bool show_help;         /* -h / -help */
    bool show_version;      /* -version */
} HarnessOptions;

void harness_options_init(HarnessOptions *o);
void harness_options_clear(HarnessOptions *o);

/*
 * Parse argv.  On error returns false with a one-line message in *errp
 * that names the option ("-foo: invalid option").
 */
bool harness_options_parse(HarnessOptions *o, int argc, char **argv,
                           GError **errp);

/*
 * QEMU's -m rules: a number with an optional suffix B, K, M, G, T, P, E
 * (case-insensitive, powers of 1024, fractions allowed), MiB when no
 * suffix; "size=" prefix accepted; rounded up to 8 KiB.
 */
bool harness_parse_ram_size(const char *arg, uint64_t *bytes, GError **errp);

void harness_options_usage(void);

#endif
