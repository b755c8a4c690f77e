/*
 * The command line's monitor options (-chardev, -mon, -qmp), internal to
 * the option parser (options.c, options-monitor.c); qtest/options.h is
 * the parser's API.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef QTEST_OPTIONS_MONITOR_H
#define QTEST_OPTIONS_MONITOR_H

#include <glib.h>
#include <stdbool.h>

#include "qtest/options.h"

/* The GError domain of every option error, "OPT ARG: what is wrong". */
#define HARNESS_ERROR g_quark_from_static_string("harness-options")

/*
 * Set the QMP monitor (one at most) to spec, a -qtest style chardev spec
 * that this takes ownership of; opt and arg ("-qmp", "unix:P") name the
 * option in the error.
 */
bool harness_set_qmp(HarnessOptions *o, const char *opt, const char *arg,
                     char *spec, GError **errp);

/*
 * Once argv is read: check every -chardev, resolve each -mon to its
 * chardev (mode=control sets the QMP monitor, mode=readline is ignored)
 * and refuse a QMP monitor on stdio when -qtest has it.
 */
bool harness_resolve_monitors(HarnessOptions *o, GError **errp);

#endif
