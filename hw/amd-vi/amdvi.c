/*
 * AMD-Vi IOMMU ("-device amd-iommu"): state, properties, realize/reset,
 * MMIO glue and the per-requester DMA address spaces.
 *
 * The register file is generated from specs/amdvi/regs.toml and run by
 * the hw/core mask engine; side effects live in amdvi-regs.c (this half)
 * and amdvi-cmd.c (the command buffer).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "hw/amd-vi/amdvi-internal.h"
#include "iommu-sim/props.h"
#include "specs/amdvi-regs-table.h"

void amdvi_props_default(AMDVIProps *p)
{
    memset(p, 0, sizeof(*p));
    p->intremap = -1;
    p->pt = true;
    p->efr_profile = AMDVI_EFR_PROFILE_QEMU;
    p->mmio_base = AMDVI_MMIO_BASE;
    p->pa_bits = 52;
    amdvi_cache_config_default(&p->cache_cfg);
    p->timing = timing_profile_find("ideal");
}

static bool amdvi_props_bad(GError **errp, const char *name,
                            const char *value, const char *want)
{
    return props_error_bad_value(errp, "amd-iommu", name, value, want);
}

/*
 * unity=FIRST[-LAST]:START-END[:r|w|rw] (DeviceIDs and addresses in any
 * C base); reported as IVMD by the IVRS.
 */
static bool amdvi_parse_unity(AMDVIProps *p, const char *value,
                              GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(value, ":", 3);
    AMDVIUnityRange u = { .ir = true, .iw = true };
    g_auto(GStrv) ids = NULL, range = NULL;
    uint64_t a, b;

    if (p->n_unity >= AMDVI_MAX_UNITY || g_strv_length(parts) < 2) {
        return false;
    }
    ids = g_strsplit(parts[0], "-", 2);
    range = g_strsplit(parts[1], "-", 2);
    if (!props_parse_u64(ids[0], &a) || a > 0xffff ||
        (ids[1] && (!props_parse_u64(ids[1], &b) || b > 0xffff || b < a))) {
        return false;
    }
    u.devid_first = (uint16_t)a;
    u.devid_last = ids[1] ? (uint16_t)b : (uint16_t)a;
    if (!range[0] || !range[1] || !props_parse_u64(range[0], &a) ||
        !props_parse_u64(range[1], &b) || (a & 0xfff) || b < a) {
        return false;
    }
    u.start = a;
    u.end = b | 0xfff;
    if (parts[2]) {
        u.ir = strchr(parts[2], 'r') != NULL;
        u.iw = strchr(parts[2], 'w') != NULL;
    }
    p->unity[p->n_unity++] = u;
    return true;
}

/*
 * timing=PROFILE (hw/timing; functional behaviour is identical under
 * every profile) and timing-trace=FILE (Chrome/Perfetto trace JSON).
 */
static int amdvi_props_set_timing(AMDVIProps *p, const char *name,
                                  const char *value, GError **errp)
{
    if (!strcmp(name, "timing-trace")) {
        if (!*value) {
            return amdvi_props_bad(errp, name, value, "a file name") ? 1 : -1;
        }
        p->timing_trace = g_intern_string(value);
        return 1;
    }
    if (!timing_profile_find(value)) {
        g_autofree char *names =
            g_strjoinv(", ", (char **)timing_profile_names());

        return amdvi_props_bad(errp, name, value, names) ? 1 : -1;
    }
    p->timing = timing_profile_find(value);
    return 1;
}

static int amdvi_props_set_number(AMDVIProps *p, const char *name,
                                  const char *value, GError **errp)
{
    uint64_t v;

    if (!props_parse_u64(value, &v)) {
        return amdvi_props_bad(errp, name, value, "a number") ? 1 : -1;
    }
    if (!strcmp(name, "x-efr")) {
        p->efr_set = true;
        p->efr = v;
    } else if (!strcmp(name, "x-efr2")) {
        p->efr2_set = true;
        p->efr2 = v;
    } else if (!strcmp(name, "mmio-base")) {
        if (v & 0x3fff) {
            return amdvi_props_bad(errp, name, value, "16 KiB aligned")
                   ? 1 : -1;
        }
        p->mmio_base = v;
    } else if (!strcmp(name, "pa-bits")) {
        if (v < 32 || v > 52) {
            return amdvi_props_bad(errp, name, value, "32-52") ? 1 : -1;
        }
        p->pa_bits = (unsigned)v;
    } else {
        return 0;
    }
    return 1;
}

static int amdvi_props_set_other(AMDVIProps *p, const char *name,
                                 const char *value, GError **errp)
{
    bool *flag = NULL;
    bool b;

    if (!strcmp(name, "device-iotlb")) {
        flag = &p->device_iotlb;
    } else if (!strcmp(name, "pt")) {
        flag = &p->pt;
    } else if (!strcmp(name, "xtsup")) {
        flag = &p->xtsup;
    }
    if (flag) {
        if (!props_parse_bool_loose(value, flag)) {
            return amdvi_props_bad(errp, name, value, "on or off") ? 1 : -1;
        }
        return 1;
    }
    if (!strcmp(name, "intremap")) {
        if (!strcmp(value, "auto")) {
            p->intremap = -1;
        } else if (props_parse_bool_loose(value, &b)) {
            p->intremap = b;
        } else {
            return amdvi_props_bad(errp, name, value, "on, off or auto")
                   ? 1 : -1;
        }
        return 1;
    }
    if (!strcmp(name, "efr-profile")) {
        if (!strcmp(value, "qemu")) {
            p->efr_profile = AMDVI_EFR_PROFILE_QEMU;
        } else if (!strcmp(value, "zen")) {
            p->efr_profile = AMDVI_EFR_PROFILE_ZEN;
        } else {
            return amdvi_props_bad(errp, name, value, "qemu or zen")
                   ? 1 : -1;
        }
        return 1;
    }
    if (!strcmp(name, "timing") || !strcmp(name, "timing-trace")) {
        return amdvi_props_set_timing(p, name, value, errp);
    }
    if (!strcmp(name, "unity")) {
        return amdvi_parse_unity(p, value, errp) ? 1 :
               (amdvi_props_bad(errp, name, value,
                                "FIRST[-LAST]:START-END[:rw], at most 8")
                ? 1 : -1);
    }
    return amdvi_props_set_number(p, name, value, errp);
}

bool amdvi_props_set(AMDVIProps *p, const char *name, const char *value,
                     GError **errp)
{
    int r;

    if (!name || !value) {
        return amdvi_props_bad(errp, name ? name : "", value, "name=value");
    }
    r = amdvi_props_set_other(p, name, value, errp);
    if (r == 0) {
        r = amdvi_cache_config_set(&p->cache_cfg, name, value, errp);
    }
    if (r == 0) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "amd-iommu: unknown property '%s'", name);
    }
    return r > 0;
}

/* --- MMIO -------------------------------------------------------------- */

MemoryRegion *amdvi_mmio_region(AMDVIState *s)
{
    return &s->mmio;
}

/* --- lifetime ----------------------------------------------------------- */

static bool amdvi_check_props(const AMDVIProps *p, GError **errp)
{
    if (p->xtsup && p->intremap == 0) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "amd-iommu: xtsup=on requires intremap");
        return false;
    }
    return amdvi_cache_config_check(&p->cache_cfg, errp);
}

static void amdvi_init_regs(AMDVIState *s)
{
    s->regs = regfile_new(&amdvi_regfile_spec, AMDVI_MMIO_SIZE);
    iommu_front_gate_init(&s->front_gate, s->regs);
    regfile_set_reset(s->regs, AMDVI_RI_EFR, s->efr);
    regfile_set_reset(s->regs, AMDVI_RI_EFR2, s->efr2);
    /*
     * MSI capability id 05h, 64-bit capable, mirrored at 0158h (§3.4) --
     * only when EFR.MsiCapMmioSup says the mirror exists; otherwise the
     * range reads 0, as on QEMU 7.2 (whose EFR lacks the bit).
     */
    if (amdvi_efr_get_msi_cap_mmio_sup(s->efr)) {
        regfile_set_reset(s->regs, AMDVI_RI_MSI_CAP_HDR,
                          0x05u | AMDVI_MSI_CAP_HDR_MSI_64_EN_MASK);
    }
    regfile_reset(s->regs);
    s->cmd = amdvi_cmd_new(s);
    amdvi_regs_install_hooks(s);
}

AMDVIState *amdvi_new(const AMDVIProps *props, AddressSpace *dma_as,
                      MsiSink *msi, VirtualClock *clock, GError **errp)
{
    TimingTrace *trace = NULL;
    AMDVIState *s;

    if (!props || !amdvi_check_props(props, errp)) {
        return NULL;
    }
    if (props->timing_trace &&
        !(trace = timing_trace_open(props->timing_trace, errp))) {
        g_prefix_error(errp, "amd-iommu: property 'timing-trace': ");
        return NULL;
    }
    s = g_new0(AMDVIState, 1);
    s->props = *props;
    s->timing = timing_model_new(props->timing ? props->timing
                                 : timing_profile_find("ideal"));
    s->trace = trace;
    timing_model_set_trace(s->timing, trace, "amd-iommu");
    amdvi_regs_compute_efr(props, &s->efr, &s->efr2);
    s->control_supported = amdvi_regs_control_supported(s->efr);
    s->pa_mask = ~((1ull << props->pa_bits) - 1);
    s->dma_as = dma_as;
    s->msi = msi;
    s->clock = clock;
    /* Before the command buffer, which builds them only if absent. */
    s->caches = amdvi_caches_new(&props->cache_cfg, errp);
    if (!s->caches) {
        timing_trace_close(s->trace);
        timing_model_free(s->timing);
        g_free(s);
        return NULL;
    }
    amdvi_init_regs(s);
    /*
     * §3.4: registers are accessed as dwords or qwords (Linux writes the
     * command-buffer tail with 32-bit stores).
     */
    regfile_init_mmio(&s->mmio, s->regs, "amd-iommu", AMDVI_MMIO_SIZE);
    s->spaces = iommu_requester_spaces_new("amdvi", &amdvi_iommu_ops, msi,
                                           sizeof(AMDVIAddressSpace));
    amdvi_reset(s);
    return s;
}

void amdvi_reset(AMDVIState *s)
{
    regfile_reset(s->regs);
    s->msi_msg = (MsiMessage){ 0 };
    s->msi_enabled = false;
    s->evlog_stopped = false;
    amdvi_cmd_reset(s);
    if (s->caches) {
        amdvi_caches_reset(s->caches);
    }
    if (s->timing) {
        timing_model_reset(s->timing);
    }
}

void amdvi_free(AMDVIState *s)
{
    if (!s) {
        return;
    }
    iommu_requester_spaces_free(s->spaces);
    amdvi_caches_free(s->caches);
    amdvi_cmd_free(s->cmd);
    memory_region_destroy(&s->mmio);
    regfile_free(s->regs);
    timing_trace_close(s->trace);
    timing_model_free(s->timing);
    g_free(s);
}

/*
 * A requester's view: the IOMMU region over the whole space and above it
 * the interrupt window 0xFEE00000-0xFEEFFFFF, where writes are interrupt
 * requests handled by interrupt remapping, not by the page tables (§2.2.5).
 */
G_STATIC_ASSERT(offsetof(AMDVIAddressSpace, rs) == 0);

AddressSpace *amdvi_dma_as(AMDVIState *s, uint16_t devid)
{
    bool created;
    AMDVIAddressSpace *vas = (AMDVIAddressSpace *)
        iommu_requester_space_get(s->spaces, devid, &created);

    if (created) {
        vas->s = s;
        vas->devid = devid;
    }
    return &vas->rs.as;
}

char *amdvi_stats_text(AMDVIState *s)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out,
        "translations=%" G_GUINT64_FORMAT " faults=%" G_GUINT64_FORMAT
        " events_logged=%" G_GUINT64_FORMAT
        " events_dropped=%" G_GUINT64_FORMAT " walks=%" G_GUINT64_FORMAT
        " walk_reads=%" G_GUINT64_FORMAT " interrupts=%" G_GUINT64_FORMAT,
        s->stats.translations, s->stats.faults, s->stats.events_logged,
        s->stats.events_dropped, s->stats.walks, s->stats.walk_reads,
        s->stats.interrupts);
    amdvi_cmd_stats(s, out);
    if (s->caches) {
        char *c = amdvi_cache_stats_text(s->caches);

        g_string_append_printf(out, " %s", c);
        g_free(c);
    }
    /* Last, so "functional" counters are everything before " timing=". */
    if (s->timing) {
        timing_model_stats_text(s->timing, out);
    }
    return g_string_free(out, FALSE);
}
