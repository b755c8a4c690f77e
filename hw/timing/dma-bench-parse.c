/*
 * dma_bench arguments as the harness verb spells them:
 *   dma_bench SID BASE WINDOW XFER COUNT [pattern=random|seq]
 *             [dir=read|write] [outstanding=N] [seed=S] [link=PROFILE]
 * Numbers as strtoull base 0 (like every qtest verb); the whole word must
 * be consumed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iommu-sim/dma-bench.h"

void dma_bench_params_init(DmaBenchParams *p)
{
    memset(p, 0, sizeof(*p));
    p->pattern = DMA_BENCH_RANDOM;
    p->seed = 1;
}

static bool dma_bench_bad(GError **errp, const char *what, const char *word)
{
    g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "dma_bench: bad %s '%s'", what, word);
    return false;
}

static bool dma_bench_u64(const char *w, uint64_t *v)
{
    char *end = NULL;

    if (!w || !*w || *w == '-') {
        return false;
    }
    errno = 0;
    *v = g_ascii_strtoull(w, &end, 0);
    return errno == 0 && end && *end == '\0';
}

static bool dma_bench_sid(const char *w, uint16_t *sid)
{
    unsigned b, d, f;
    uint64_t v;
    char tail;

    if (sscanf(w, "%x:%x.%x%c", &b, &d, &f, &tail) == 3) {
        if (b > 0xff || d > 0x1f || f > 7) {
            return false;
        }
        *sid = (uint16_t)(b << 8 | d << 3 | f);
        return true;
    }
    if (!dma_bench_u64(w, &v) || v > 0xffff) {
        return false;
    }
    *sid = (uint16_t)v;
    return true;
}

static bool dma_bench_option(DmaBenchParams *p, const char *w, GError **errp)
{
    const char *eq = strchr(w, '=');
    const char *v = eq ? eq + 1 : "";
    uint64_t n;

    if (g_str_has_prefix(w, "pattern=") &&
        (!strcmp(v, "random") || !strcmp(v, "seq"))) {
        p->pattern = !strcmp(v, "seq") ? DMA_BENCH_SEQ : DMA_BENCH_RANDOM;
    } else if (g_str_has_prefix(w, "dir=") &&
               (!strcmp(v, "read") || !strcmp(v, "write"))) {
        p->write = !strcmp(v, "write");
    } else if (g_str_has_prefix(w, "outstanding=") && dma_bench_u64(v, &n) &&
               n >= 1 && n <= DMA_BENCH_MAX_OUTSTANDING) {
        p->outstanding = (uint32_t)n;
    } else if (g_str_has_prefix(w, "seed=") && dma_bench_u64(v, &n)) {
        p->seed = n;
    } else if (g_str_has_prefix(w, "link=") && timing_profile_find(v)) {
        p->link = timing_profile_find(v);
    } else {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "dma_bench: bad option '%s' (pattern=random|seq, "
                    "dir=read|write, outstanding=1..%u, seed=N, "
                    "link=ideal|broadwell-ep)", w, DMA_BENCH_MAX_OUTSTANDING);
        return false;
    }
    return true;
}

bool dma_bench_parse(DmaBenchParams *p, char **words, int n, GError **errp)
{
    static const char *const what[] = { "BASE", "WINDOW", "XFER", "COUNT" };
    uint64_t v[4];

    dma_bench_params_init(p);
    if (n < 5) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "dma_bench: expected SID BASE WINDOW XFER COUNT");
        return false;
    }
    if (!dma_bench_sid(words[0], &p->sid)) {
        return dma_bench_bad(errp, "SID", words[0]);
    }
    for (int i = 0; i < 4; i++) {
        if (!dma_bench_u64(words[i + 1], &v[i])) {
            return dma_bench_bad(errp, what[i], words[i + 1]);
        }
    }
    if (v[2] == 0 || v[2] > DMA_BENCH_MAX_XFER) {
        return dma_bench_bad(errp, "XFER (1..65536)", words[3]);
    }
    p->base = v[0];
    p->window = v[1];
    p->xfer = (uint32_t)v[2];
    p->count = v[3];
    for (int i = 5; i < n; i++) {
        if (!dma_bench_option(p, words[i], errp)) {
            return false;
        }
    }
    return true;
}
