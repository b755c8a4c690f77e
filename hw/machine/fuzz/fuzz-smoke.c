/*
 * The machine fuzzer without libFuzzer: a deterministic run of
 * pseudo-random programs (and of any input files named), so every build
 * -- gcc, and the sanitizer build above all -- exercises the same
 * guest-side paths as a meson test.
 *
 *   fuzz-smoke [-n COUNT] [-s SEED] [FILE...]
 *
 * Each program is 1 + 16..2048 bytes from a xorshift generator; the first
 * byte picks the IOMMU (bit 0), the profile (bit 1) and caching mode
 * (bit 2), and the generator cycles through all of them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "hw/machine/fuzz/fuzz-machine.h"

static uint64_t smoke_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int smoke_file(const char *path)
{
    gchar *data;
    gsize len;
    GError *err = NULL;

    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "fuzz-smoke: %s\n", err->message);
        g_error_free(err);
        return 1;
    }
    fuzz_machine_run((const uint8_t *)data, len);
    g_free(data);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long count = 2000;
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    int i, rc = 0;
    unsigned files = 0;

    fuzz_machine_init();
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            count = strtoul(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 0) | 1;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: %s [-n COUNT] [-s SEED] [FILE...]\n",
                    argv[0]);
            return 2;
        } else {
            rc |= smoke_file(argv[i]);
            files++;
            count = 0;
        }
    }
    for (unsigned long n = 0; n < count; n++) {
        size_t len = 17 + smoke_next(&seed) % 2032;
        uint8_t *buf = g_malloc(len);

        for (size_t k = 0; k < len; k++) {
            buf[k] = (uint8_t)smoke_next(&seed);
        }
        buf[0] = (uint8_t)(n & 7);
        fuzz_machine_run(buf, len);
        g_free(buf);
    }
    printf("fuzz-smoke: %lu programs and %u files run\n", count, files);
    return rc;
}
