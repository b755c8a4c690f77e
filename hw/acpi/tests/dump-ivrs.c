/*
 * dump-ivrs DIR: writes the fixture IVRS (ivrs-fixture.h) as DIR/IVRS.dat
 * (IVHD 10h/11h/40h) and DIR/IVRS10.dat (10h only), for the iasl test.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>

#include "ivrs-fixture.h"

static int dump(const char *dir, const char *name, const AcpiIvrsConfig *c)
{
    GError *err = NULL;
    GByteArray *b = acpi_build_ivrs(c, &err);
    char *path;
    bool ok;

    if (!b) {
        fprintf(stderr, "dump-ivrs: %s\n", err->message);
        g_error_free(err);
        return 1;
    }
    path = g_build_filename(dir, name, NULL);
    ok = g_file_set_contents(path, (const char *)b->data, b->len, &err);
    if (!ok) {
        fprintf(stderr, "dump-ivrs: %s\n", err->message);
        g_error_free(err);
    }
    g_free(path);
    g_byte_array_unref(b);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dump-ivrs DIR\n");
        return 2;
    }
    return dump(argv[1], "IVRS.dat", &fix_config) ||
           dump(argv[1], "IVRS10.dat", &fix_config_10) ? EXIT_FAILURE
                                                       : EXIT_SUCCESS;
}
