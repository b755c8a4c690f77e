/*
 * Named timing profiles and clock conversion.  docs/timing.md has the
 * table of every broadwell-ep parameter with its source; the comments
 * here say the same in short.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/timing.h"

/* The IOMMU that costs nothing: functional behaviour only. */
static const TimingProfile timing_profile_ideal = {
    .name = "ideal",
    .description = "zero cost: no latency, unlimited walkers, ideal link",
};

/*
 * Xeon E5-2630 v4 (Broadwell-EP) with a Netronome NFP6000 on PCIe Gen3
 * x8, the system of the pcie-bench measurements (Neugebauer et al.,
 * SIGCOMM 2018).  Structure first (IOTLB and paging-structure-cache
 * geometry are the VT-d model's, link and tags are PCIe's), then two
 * numbers fitted to two measurements, never per window (docs/timing.md
 * "Calibration"):
 *   - table_read_ns from the IOTLB-miss penalty of a lone read (880 -
 *     600 ns at a 64 MiB window, about 1.1 table reads per walk there):
 *     a dependent coherent read from the IIO, ~35 ns slower than the
 *     streaming DMA data read (mem_latency_ns);
 *   - walk_slots from the saturated throughput at a 64 MiB window
 *     (9.8 Gb/s = 19 M walks/s of ~260 ns: 5 walks in flight).
 */
static const TimingProfile timing_profile_broadwell_ep = {
    .name = "broadwell-ep",
    .description = "Xeon E5-2630 v4 IIO VT-d + NFP6000 on PCIe Gen3 x8 "
                   "(pcie-bench, SIGCOMM 2018)",
    /* IIO clock: Intel publishes none; 1 GHz is the order of the uncore
     * clock of E5 v4 (1.2-2.8 GHz) rounded down. */
    .clock_mhz = 1000,
    /* Small SRAM arrays: 2 cycles per probe (CACTI-scale for <= 64
     * entries); an IOTLB hit costs config + IOTLB = 4 ns end to end. */
    .lookup_cycles = { 2, 2, 2, 2, 2 },
    /* Pipelined probes: a translation enters the lookup pipeline each
     * cycle and spends 4 there (config + IOTLB), so 4 are in flight.
     * Not published; its ceiling (1 G translations/s) is far above every
     * pcie-bench point, so no measurement constrains it. */
    .lookup_slots = 4,
    .walk_step_cycles = 4,
    .table_read_ns = 240,
    .walk_slots = 5,
    /* Invalidation: the descriptor is one memory read; per-type work is
     * a scan of the affected arrays (global/domain walk every set). */
    .inv_fetch_ns = 205,
    .inv_cycles = {
        [TIMING_INV_CONFIG] = 64,
        [TIMING_INV_IOTLB_GLOBAL] = 128,
        [TIMING_INV_IOTLB_DOMAIN] = 128,
        [TIMING_INV_IOTLB_PAGE] = 32,
        /* ATS invalidation round trip to the device: ~2 us. */
        [TIMING_INV_DEVTLB] = 2000,
        [TIMING_INV_IEC] = 64,
        [TIMING_INV_WAIT] = 16,
    },
    .inv_drains_walks = true,
    /* 600 ns median 64 B read, IOMMU off = 2 x 190 + 205 + serialization
     * (pcie-bench Fig. latency; the split between link and memory does
     * not change any result, only the sum does). */
    .link_latency_ns = 190,
    .mem_latency_ns = 205,
    /* Gen3 x8: 8 GT/s x 8 lanes x 128/130 encoding. */
    .link_mbps = 63015,
    /* STP 4 + sequence 2 + 3DW/4DW header 12-16 + LCRC 4 (PCIe 3.0
     * §2.2, §4.2.2.3.1), 24 as in pcie-bench's model. */
    .tlp_overhead_bytes = 24,
    .max_payload_bytes = 256,
    /* 5-bit Tag field without Extended Tag (PCIe 3.0 §2.2.6.2). */
    .dev_tags = 32,
};

static const TimingProfile *const timing_profiles[] = {
    &timing_profile_ideal,
    &timing_profile_broadwell_ep,
};

static const char *const timing_profile_name_list[] = {
    "ideal", "broadwell-ep", NULL,
};

const TimingProfile *timing_profile_find(const char *name)
{
    for (size_t i = 0; name && i < G_N_ELEMENTS(timing_profiles); i++) {
        if (!strcmp(name, timing_profiles[i]->name)) {
            return timing_profiles[i];
        }
    }
    return NULL;
}

const char *const *timing_profile_names(void)
{
    return timing_profile_name_list;
}

bool timing_profile_is_ideal(const TimingProfile *p)
{
    return !p || p->clock_mhz == 0;
}

uint64_t timing_cycles_to_ns(const TimingProfile *p, uint64_t cycles)
{
    if (timing_profile_is_ideal(p)) {
        return 0;
    }
    return (cycles * 1000 + p->clock_mhz - 1) / p->clock_mhz;
}

uint64_t timing_ns_to_cycles(const TimingProfile *p, uint64_t ns)
{
    if (timing_profile_is_ideal(p)) {
        return 0;
    }
    return ns * p->clock_mhz / 1000;
}

static const char *const timing_inv_names[TIMING_INV_COUNT] = {
    [TIMING_INV_CONFIG] = "config",
    [TIMING_INV_IOTLB_GLOBAL] = "iotlb_global",
    [TIMING_INV_IOTLB_DOMAIN] = "iotlb_domain",
    [TIMING_INV_IOTLB_PAGE] = "iotlb_page",
    [TIMING_INV_DEVTLB] = "devtlb",
    [TIMING_INV_IEC] = "iec",
    [TIMING_INV_WAIT] = "wait",
};

static const char *const timing_lookup_names[TIMING_LOOKUP_COUNT] = {
    [TIMING_LOOKUP_CONFIG] = "config",
    [TIMING_LOOKUP_PASID] = "pasid",
    [TIMING_LOOKUP_IOTLB] = "iotlb",
    [TIMING_LOOKUP_PWC] = "pwc",
    [TIMING_LOOKUP_IEC] = "iec",
};

const char *timing_inv_kind_name(TimingInvKind kind)
{
    return (unsigned)kind < TIMING_INV_COUNT ? timing_inv_names[kind] : "?";
}

const char *timing_lookup_kind_name(TimingLookupKind kind)
{
    return (unsigned)kind < TIMING_LOOKUP_COUNT ? timing_lookup_names[kind]
                                                : "?";
}
