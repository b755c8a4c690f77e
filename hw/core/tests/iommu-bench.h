/*
 * Translation-speed measurement shared by the vendor speed benchmarks
 * (hw/intel-vtd/tests/bench-vtd-speed.c, hw/amd-vi/tests/bench-amdvi-
 * speed.c): the same access patterns, warm-up and clock handling, so the
 * two vendors' figures are directly comparable.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_BENCH_H
#define IOMMU_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "iommu-sim/clock.h"
#include "iommu-sim/iommu.h"

/*
 * The patterns, over tables the benchmark maps beforehand: one page hit
 * again and again; 512 pages under one leaf table (IOTLB misses with the
 * upper levels cached); one page in each of 64 GiB-apart regions (walks
 * that miss the upper-level caches too).
 */
typedef enum {
    IOMMU_BENCH_HIT,
    IOMMU_BENCH_WARM_MISS,
    IOMMU_BENCH_COLD_WALK,
    IOMMU_BENCH_KINDS
} IOMMUBenchKind;

#define IOMMU_BENCH_BASE 0x40000000ull

static inline uint64_t iommu_bench_iova(IOMMUBenchKind k, uint64_t i)
{
    switch (k) {
    case IOMMU_BENCH_HIT:
        return IOMMU_BENCH_BASE;
    case IOMMU_BENCH_WARM_MISS:
        return IOMMU_BENCH_BASE + (i % 512) * 0x1000;
    default:
        return ((i % 64) + 2) << 30;
    }
}

static inline double iommu_bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * ns per memory_region_iommu_translate() of pattern k through iommu, after
 * 4096 warm-up calls.  The clock moves 100 us every 64 translations so a
 * modelled walker never builds an endless queue.  A fault means the
 * benchmark's tables are wrong: exit 2.
 */
static inline double iommu_bench_translate(MemoryRegion *iommu, uint16_t rid,
                                           VirtualClock *clk,
                                           IOMMUBenchKind k, uint64_t n)
{
    MemTxAttrs attrs = memtxattrs_for_requester(rid);
    IOMMUTranslation out;
    double t0;

    for (uint64_t i = 0; i < 4096; i++) {
        memory_region_iommu_translate(iommu, iommu_bench_iova(k, i),
                                      IOMMU_RO, attrs, &out);
    }
    t0 = iommu_bench_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        memory_region_iommu_translate(iommu, iommu_bench_iova(k, i),
                                      IOMMU_RO, attrs, &out);
        if ((i & 63) == 63) {
            vclock_advance_to(clk, vclock_now(clk) + 100000);
        }
    }
    if (out.fault) {
        fprintf(stderr, "unexpected fault %s\n", out.fault_name);
        exit(2);
    }
    return (iommu_bench_now_ns() - t0) / n;
}

#endif
