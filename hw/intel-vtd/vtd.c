/*
 * Intel VT-d remapping unit ("-device intel-iommu"): state, properties,
 * realize/reset, MMIO glue and the per-requester DMA address spaces.
 *
 * The register file is generated from specs/vtd/regs.toml and run by the
 * hw/core mask engine; side effects live in vtd-regs.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "hw/intel-vtd/vtd-internal.h"
#include "iommu-sim/props.h"
#include "specs/vtd-regs-table.h"

void vtd_props_default(VTDProps *p)
{
    memset(p, 0, sizeof(*p));
    p->aw_bits = 39;
    p->intremap = true;
    p->eim = -1;
    p->pt = true;
    p->dma_drain = true;
    p->dma_translation = true;
    p->profile = VTD_PROFILE_QEMU;
    p->timing = timing_profile_find("ideal");
    vtd_cache_config_default(&p->cache_cfg);
}

typedef struct VTDBoolProp {
    const char *name;
    size_t offset;
    unsigned explicit_flag;
} VTDBoolProp;

static const VTDBoolProp vtd_bool_props[] = {
    { "caching-mode", offsetof(VTDProps, caching_mode),
      VTD_PROP_CACHING_MODE },
    { "intremap", offsetof(VTDProps, intremap), VTD_PROP_INTREMAP },
    { "x-scalable-mode", offsetof(VTDProps, scalable_mode), 0 },
    { "device-iotlb", offsetof(VTDProps, device_iotlb),
      VTD_PROP_DEVICE_IOTLB },
    { "pt", offsetof(VTDProps, pt), VTD_PROP_PT },
    { "dma-drain", offsetof(VTDProps, dma_drain), VTD_PROP_DMA_DRAIN },
    { "dma-translation", offsetof(VTDProps, dma_translation), 0 },
    { "snoop-control", offsetof(VTDProps, snoop_control), 0 },
    { "x-pasid-mode", offsetof(VTDProps, pasid_mode), 0 },
};

typedef struct VTDFieldProp {
    const char *name;
    size_t offset;
} VTDFieldProp;

#define VTD_FIELD(n, f) { n, offsetof(VTDProps, f) }
static const VTDFieldProp vtd_field_props[] = {
    VTD_FIELD("cap-nfr", nfr), VTD_FIELD("cap-fro", fro),
    VTD_FIELD("cap-sagaw", sagaw), VTD_FIELD("cap-sllps", sllps),
    VTD_FIELD("cap-mgaw", mgaw), VTD_FIELD("cap-plmr", plmr),
    VTD_FIELD("cap-phmr", phmr), VTD_FIELD("cap-cm", cm),
    VTD_FIELD("cap-psi", psi), VTD_FIELD("cap-mamv", mamv),
    VTD_FIELD("cap-zlr", zlr), VTD_FIELD("cap-rwbf", rwbf),
    VTD_FIELD("cap-nd", nd), VTD_FIELD("cap-esrtps", esrtps),
    VTD_FIELD("cap-esirtps", esirtps), VTD_FIELD("ecap-iro", iro),
    VTD_FIELD("ecap-qi", qi), VTD_FIELD("ecap-ir", ir),
    VTD_FIELD("ecap-pt", pt_ecap), VTD_FIELD("ecap-adms", adms),
    VTD_FIELD("ecap-sc", sc), VTD_FIELD("ecap-dt", dt),
    VTD_FIELD("ecap-eim", eim_ecap), VTD_FIELD("ecap-smts", smts),
    VTD_FIELD("spec-version", version), VTD_FIELD("x-cap", cap_raw),
    VTD_FIELD("x-ecap", ecap_raw), VTD_FIELD("x-haw-bits", haw_override),
};

static bool vtd_props_bad(GError **errp, const char *name, const char *value,
                          const char *want)
{
    return props_error_bad_value(errp, "intel-iommu", name, value, want);
}

static bool vtd_props_set_special(VTDProps *p, const char *name,
                                  const char *value, GError **errp)
{
    uint64_t v;
    bool b;

    if (!strcmp(name, "aw-bits")) {
        if (!props_parse_u64(value, &v) || (v != 39 && v != 48 && v != 57)) {
            return vtd_props_bad(errp, name, value, "39, 48 or 57");
        }
        p->aw_bits = (unsigned)v;
    } else if (!strcmp(name, "eim")) {
        if (!strcmp(value, "auto")) {
            p->eim = -1;
        } else if (props_parse_bool_loose(value, &b)) {
            p->eim = b;
        } else {
            return vtd_props_bad(errp, name, value, "on, off or auto");
        }
    } else if (!strcmp(name, "timing")) {
        /* hw/timing cost model; functional behaviour is identical. */
        if (!timing_profile_find(value)) {
            return vtd_props_bad(errp, name, value, "ideal or broadwell-ep");
        }
        p->timing = timing_profile_find(value);
    } else if (!strcmp(name, "timing-trace")) {
        if (!*value) {
            return vtd_props_bad(errp, name, value, "a file name");
        }
        p->timing_trace = g_intern_string(value);
    } else if (!strcmp(name, "cap-profile")) {
        if (!strcmp(value, "qemu")) {
            p->profile = VTD_PROFILE_QEMU;
        } else if (!strcmp(value, "broadwell-ep")) {
            p->profile = VTD_PROFILE_BROADWELL_EP;
        } else {
            return vtd_props_bad(errp, name, value, "qemu or broadwell-ep");
        }
    }
    return true;
}

static int vtd_props_set_table(VTDProps *p, const char *name,
                               const char *value, GError **errp)
{
    for (size_t i = 0; i < G_N_ELEMENTS(vtd_bool_props); i++) {
        if (!strcmp(name, vtd_bool_props[i].name)) {
            bool *field = (bool *)((char *)p + vtd_bool_props[i].offset);

            if (!props_parse_bool_loose(value, field)) {
                return vtd_props_bad(errp, name, value, "on or off") ? 1 : -1;
            }
            p->explicit_props |= vtd_bool_props[i].explicit_flag;
            return 1;
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(vtd_field_props); i++) {
        if (!strcmp(name, vtd_field_props[i].name)) {
            VTDFieldOverride *o =
                (VTDFieldOverride *)((char *)p + vtd_field_props[i].offset);

            if (!props_parse_u64(value, &o->value)) {
                return vtd_props_bad(errp, name, value, "a number") ? 1 : -1;
            }
            o->set = true;
            return 1;
        }
    }
    return 0;
}

bool vtd_props_set(VTDProps *p, const char *name, const char *value,
                   GError **errp)
{
    int r;

    if (!strcmp(name, "aw-bits") || !strcmp(name, "eim") ||
        !strcmp(name, "cap-profile") || !strcmp(name, "timing") ||
        !strcmp(name, "timing-trace")) {
        return vtd_props_set_special(p, name, value, errp);
    }
    r = vtd_props_set_table(p, name, value, errp);
    if (r == 0) {
        r = vtd_cache_config_set(&p->cache_cfg, name, value, errp);
    }
    if (r == 0) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "intel-iommu: unknown property '%s'", name);
    }
    return r > 0;
}

/* --- lifetime ----------------------------------------------------------- */

static bool vtd_check_props(const VTDProps *p, GError **errp)
{
    if (p->eim == 1 && !p->intremap) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "intel-iommu: eim=on requires intremap=on");
        return false;
    }
    if (p->pasid_mode && !p->scalable_mode) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "intel-iommu: x-pasid-mode needs x-scalable-mode=on");
        return false;
    }
    return vtd_cache_config_check(&p->cache_cfg, errp);
}

static void vtd_init_regs(VTDState *s, uint64_t ver)
{
    s->regs = regfile_new(&vtd_regfile_spec, VTD_MMIO_SIZE);
    regfile_set_reset(s->regs, VTD_RI_VER, ver);
    regfile_set_reset(s->regs, VTD_RI_CAP, s->cap);
    regfile_set_reset(s->regs, VTD_RI_ECAP, s->ecap);
    regfile_reset(s->regs);
    iommu_front_gate_init(&s->front_gate, s->regs);
    s->inv = vtd_inv_new(s);
    vtd_regs_install_hooks(s);
}

VTDState *vtd_new(const VTDProps *props, AddressSpace *dma_as, MsiSink *msi,
                  VirtualClock *clock, GError **errp)
{
    uint64_t ver, cap, ecap;
    VTDState *s;
    TimingTrace *trace = NULL;

    if (!vtd_check_props(props, errp) ||
        !vtd_regs_compute_caps(props, &ver, &cap, &ecap, errp)) {
        return NULL;
    }
    if (props->timing_trace &&
        !(trace = timing_trace_open(props->timing_trace, errp))) {
        g_prefix_error(errp, "intel-iommu: property 'timing-trace': ");
        return NULL;
    }
    s = g_new0(VTDState, 1);
    s->props = *props;
    s->cap = cap;
    s->ecap = ecap;
    s->haw = props->haw_override.set ? (unsigned)props->haw_override.value
                                     : props->aw_bits;
    s->haw_mask = s->haw >= 64 ? 0 : ~((1ull << s->haw) - 1);
    s->dma_as = dma_as;
    s->msi = msi;
    s->clock = clock;
    s->timing = timing_model_new(props->timing);
    s->trace = trace;
    timing_model_set_trace(s->timing, trace, "intel-iommu");
    s->cache_cfg = props->cache_cfg;
    vtd_init_regs(s, ver);
    /* §11.2: 32-bit registers as dwords, 64-bit as a qword or 2 dwords. */
    regfile_init_mmio(&s->mmio, s->regs, "intel-iommu", VTD_MMIO_SIZE);
    s->spaces = iommu_requester_spaces_new("vtd", &vtd_iommu_ops, msi,
                                           sizeof(VTDAddressSpace));
    vtd_intr_range_init(s);
    s->caches = vtd_cache_new(s);
    vtd_reset(s);
    return s;
}

void vtd_reset(VTDState *s)
{
    regfile_reset(s->regs);
    s->root_addr = 0;
    s->root_ttm = 0;
    s->root_valid = false;
    s->irta_latched = 0;
    s->fault_next = 0;
    timing_model_reset(s->timing);
    vtd_inv_reset(s);
    vtd_cache_reset(s);
}

void vtd_free(VTDState *s)
{
    if (!s) {
        return;
    }
    iommu_requester_spaces_free(s->spaces);
    vtd_intr_range_fini(s);
    vtd_cache_free(s->caches);
    vtd_inv_free(s->inv);
    memory_region_destroy(&s->mmio);
    regfile_free(s->regs);
    timing_trace_close(s->trace);
    timing_model_free(s->timing);
    g_free(s);
}

/*
 * A requester's view: the IOMMU region over the whole space, and above
 * it the interrupt window, whose own rules (§3.15: DWORD writes without
 * PASID are interrupts, other reads and writes there fault) are in
 * vtd-intr-range.c.
 */
G_STATIC_ASSERT(offsetof(VTDAddressSpace, rs) == 0);

AddressSpace *vtd_dma_as(VTDState *s, uint16_t sid)
{
    bool created;
    VTDAddressSpace *vas = (VTDAddressSpace *)
        iommu_requester_space_get(s->spaces, sid, &created);

    if (created) {
        vas->s = s;
        vas->sid = sid;
    }
    return &vas->rs.as;
}

char *vtd_stats_text(VTDState *s)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out,
        "translations=%" G_GUINT64_FORMAT " faults=%" G_GUINT64_FORMAT
        " faults_recorded=%" G_GUINT64_FORMAT " walks=%" G_GUINT64_FORMAT
        " walk_reads=%" G_GUINT64_FORMAT " fault_events=%" G_GUINT64_FORMAT,
        s->stats.translations, s->stats.faults, s->stats.faults_recorded,
        s->stats.walks, s->stats.walk_reads, s->stats.fault_events);
    vtd_cache_stats(s, out);
    timing_model_stats_text(s->timing, out);
    return g_string_free(out, FALSE);
}
