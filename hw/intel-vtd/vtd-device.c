/*
 * "-device intel-iommu": the qdev glue of the VT-d model.
 *
 * Properties are kept as the strings the command line gave and handed to
 * vtd_props_set() at realize, so the model's own parser (QEMU's names,
 * the profile and field overrides, the cache geometry) is the single
 * place that knows their syntax and which ones were given explicitly.
 * Realize builds the unit on the machine's untranslated DMA view, maps
 * its registers at 0xfed90000 (where QEMU's q35 puts them), claims bus
 * 0's DMA and registers the DMAR (VT-d 5.10 ch. 8).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/intel-vtd/vtd-internal.h"
#include "iommu-sim/acpi.h"
#include "iommu-sim/machine.h"
#include "iommu-sim/pci.h"
#include "iommu-sim/qdev.h"

/*
 * Every property vtd_props_set() accepts (docs/vtd.md), in help order:
 * X(field of VTDDeviceProps, property name, help).  Values stay strings
 * for the model's own parser; help names the real type first ("<uint8>",
 * hw/machine/qdev.c) and the default as QEMU 7.2's -device
 * intel-iommu,help shows it for QEMU's properties.
 */
#define VTD_DEV_CACHE_PROPS(X, f, n)                                    \
    X(f##_entries, n "-entries", "<uint32> " n ": total entries")       \
    X(f##_ways, n "-ways", "<uint32> " n ": entries per set")           \
    X(f##_replacement, n "-replacement",                                \
      "<str> " n ": lru, plru, fifo or random")
#define VTD_OVR(t, what) "<" t "> override of " what " (default: profile's)"
#define VTD_DEV_PROPS(X)                                                \
    /* QEMU 7.2's intel-iommu */                                        \
    X(aw_bits, "aw-bits", "<uint8>  (default: 39)")                     \
    X(caching_mode, "caching-mode", "<bool>  (default: false)")         \
    X(intremap, "intremap", "<OnOffAuto> on/off/auto (default: \"auto\")") \
    X(eim, "eim", "<OnOffAuto> on/off/auto (default: \"auto\")")         \
    X(scalable_mode, "x-scalable-mode", "<bool>  (default: false)")     \
    X(pasid_mode, "x-pasid-mode", "<bool>  (default: false)")           \
    X(device_iotlb, "device-iotlb", "<bool>  (default: false)")         \
    X(pt, "pt", "<bool>  (default: true)")                              \
    X(dma_drain, "dma-drain", "<bool>  (default: true)")                \
    X(dma_translation, "dma-translation", "<bool>  (default: true)")    \
    X(snoop_control, "snoop-control", "<bool>  (default: false)")       \
    /* this model's: profile, whole registers, CAP/ECAP fields */       \
    X(cap_profile, "cap-profile",                                       \
      "<str> CAP/ECAP profile: qemu or broadwell-ep (default: qemu)")   \
    X(spec_version, "spec-version", VTD_OVR("uint32", "VER_REG"))       \
    X(x_cap, "x-cap", VTD_OVR("uint64", "the whole CAP_REG"))           \
    X(x_ecap, "x-ecap", VTD_OVR("uint64", "the whole ECAP_REG"))        \
    X(x_haw_bits, "x-haw-bits", VTD_OVR("uint8", "the host address width")) \
    X(cap_nfr, "cap-nfr", VTD_OVR("uint64", "CAP.NFR"))                 \
    X(cap_fro, "cap-fro", VTD_OVR("uint64", "CAP.FRO"))                 \
    X(cap_sagaw, "cap-sagaw", VTD_OVR("uint64", "CAP.SAGAW"))           \
    X(cap_sllps, "cap-sllps", VTD_OVR("uint64", "CAP.SSLPS"))           \
    X(cap_mgaw, "cap-mgaw", VTD_OVR("uint64", "CAP.MGAW"))              \
    X(cap_plmr, "cap-plmr", VTD_OVR("uint64", "CAP.PLMR"))              \
    X(cap_phmr, "cap-phmr", VTD_OVR("uint64", "CAP.PHMR"))              \
    X(cap_cm, "cap-cm", VTD_OVR("uint64", "CAP.CM"))                    \
    X(cap_psi, "cap-psi", VTD_OVR("uint64", "CAP.PSI"))                 \
    X(cap_mamv, "cap-mamv", VTD_OVR("uint64", "CAP.MAMV"))              \
    X(cap_zlr, "cap-zlr", VTD_OVR("uint64", "CAP.ZLR"))                 \
    X(cap_rwbf, "cap-rwbf", VTD_OVR("uint64", "CAP.RWBF"))              \
    X(cap_nd, "cap-nd", VTD_OVR("uint64", "CAP.ND"))                    \
    X(cap_esrtps, "cap-esrtps", VTD_OVR("uint64", "CAP.ESRTPS"))        \
    X(cap_esirtps, "cap-esirtps", VTD_OVR("uint64", "CAP.ESIRTPS"))     \
    X(ecap_iro, "ecap-iro", VTD_OVR("uint64", "ECAP.IRO"))              \
    X(ecap_qi, "ecap-qi", VTD_OVR("uint64", "ECAP.QI"))                 \
    X(ecap_ir, "ecap-ir", VTD_OVR("uint64", "ECAP.IR"))                 \
    X(ecap_pt, "ecap-pt", VTD_OVR("uint64", "ECAP.PT"))                 \
    X(ecap_adms, "ecap-adms", VTD_OVR("uint64", "ECAP.ADMS"))           \
    X(ecap_sc, "ecap-sc", VTD_OVR("uint64", "ECAP.SC"))                 \
    X(ecap_dt, "ecap-dt", VTD_OVR("uint64", "ECAP.DT"))                 \
    X(ecap_eim, "ecap-eim", VTD_OVR("uint64", "ECAP.EIM"))              \
    X(ecap_smts, "ecap-smts", VTD_OVR("uint64", "ECAP.SMTS"))           \
    /* hw/timing */                                                     \
    X(timing, "timing",                                                 \
      "<str> cost model: ideal or broadwell-ep (default: ideal)")     \
    X(timing_trace, "timing-trace",                                     \
      "<str> write a Chrome/Perfetto trace JSON to FILE")               \
    /* cache geometry (vtd-cache.c) */                                  \
    VTD_DEV_CACHE_PROPS(X, cc, "cc")                                    \
    VTD_DEV_CACHE_PROPS(X, iotlb, "iotlb")                              \
    VTD_DEV_CACHE_PROPS(X, pde, "pde-cache")                            \
    VTD_DEV_CACHE_PROPS(X, pdpe, "pdpe-cache")                          \
    VTD_DEV_CACHE_PROPS(X, pml4e, "pml4e-cache")                        \
    VTD_DEV_CACHE_PROPS(X, pml5e, "pml5e-cache")                        \
    VTD_DEV_CACHE_PROPS(X, iec, "iec")

/* The strings as given; NULL: not given (the model's default applies). */
#define VTD_DEV_FIELD(f, n, h) char *f;
typedef struct VTDDeviceProps {
    VTD_DEV_PROPS(VTD_DEV_FIELD)
} VTDDeviceProps;

typedef struct VTDDevice {
    Device qdev;                        /* must be first */
    VTDDeviceProps p;
    VTDState *vtd;
    Machine *machine;
    bool mmio_mapped;
} VTDDevice;

#define VTD_DEV_PROP(f, n, h)                                           \
    { .name = n, .type = PROP_STRING,                                  \
      .offset = offsetof(VTDDevice, p.f), .description = h },

static const Property vtd_dev_props[] = {
    VTD_DEV_PROPS(VTD_DEV_PROP)
    PROP_END
};

static inline VTDDevice *VTD_DEVICE(Device *dev)
{
    return (VTDDevice *)dev;
}

/* A bare "prop" (QEMU's shorthand for a boolean) arrives as "". */
static bool vtd_dev_apply_props(VTDDevice *d, VTDProps *p, GError **errp)
{
    vtd_props_default(p);
    for (const Property *prop = vtd_dev_props; prop->name; prop++) {
        const char *v = *(char *const *)((const char *)d + prop->offset);

        if (v && !vtd_props_set(p, prop->name, *v ? v : "on", errp)) {
            return false;
        }
    }
    return true;
}

/* The requester-id hook of bus 0: every function is behind this unit. */
static AddressSpace *vtd_dev_iommu_fn(void *opaque, uint16_t requester_id)
{
    return vtd_dma_as(opaque, requester_id);
}

/* ---- DMAR (VT-d 5.10 ch. 8) -------------------------------------------- */

/*
 * QEMU 7.2's DRHD scope list: the IOAPIC on its pseudo platform bus 0xff
 * (devfn 0, IOAPIC id 0), then one PCI endpoint (§8.3.1 type 1) per
 * function on bus 0 in devfn order.  Returns the number of scopes.
 */
static size_t vtd_dev_dmar_scopes(Machine *m, AcpiDmarScope *sc, size_t max)
{
    PCIBus *bus = machine_pci_bus(m);
    size_t n = 0;

    sc[n++] = (AcpiDmarScope) {
        .type = ACPI_DMAR_SCOPE_IOAPIC, .enumeration_id = 0,
        .start_bus = 0xff, .path_len = 1, .path = { { 0, 0 } } };
    for (unsigned devfn = 0; devfn < 256 && n < max; devfn++) {
        if (pci_bus_find(bus, (uint8_t)devfn)) {
            sc[n++] = (AcpiDmarScope) {
                .type = ACPI_DMAR_SCOPE_PCI_ENDPOINT,
                .start_bus = pci_bus_num(bus), .path_len = 1,
                .path = { { PCI_SLOT(devfn), PCI_FUNC(devfn) } } };
        }
    }
    return n;
}

/*
 * Build the DMAR from the unit's state and the functions on the bus now,
 * and hand it to the machine (replacing an earlier one).  §8.1: INTR_REMAP
 * follows ECAP.IR; X2APIC_OPT_OUT stays clear (QEMU never sets it).
 * An ATSR with ALL_PORTS reports device-iotlb=on, as QEMU does (§8.5).
 */
static bool vtd_dev_dmar_register(VTDDevice *d, GError **errp)
{
    static const AcpiDmarAtsr atsr = {
        .flags = ACPI_DMAR_ATSR_FLAG_ALL_PORTS, .segment = 0 };
    AcpiDmarScope scopes[1 + 256];
    AcpiDmarDrhd drhd = { .flags = 0, .size = 0, .segment = 0,
                          .base = VTD_MMIO_BASE, .scopes = scopes };
    AcpiDmarConfig cfg = {
        .host_address_width = (uint8_t)d->vtd->props.aw_bits,
        .flags = vtd_ecap_get_ir(d->vtd->ecap) ? ACPI_DMAR_FLAG_INTR_REMAP
                                                : 0,
        .drhds = &drhd, .n_drhds = 1,
    };
    GByteArray *dmar;

    drhd.n_scopes = vtd_dev_dmar_scopes(d->machine, scopes,
                                        G_N_ELEMENTS(scopes));
    if (d->vtd->props.device_iotlb) {
        cfg.atsrs = &atsr;
        cfg.n_atsrs = 1;
    }
    dmar = acpi_build_dmar(&cfg, errp);
    if (!dmar) {
        g_prefix_error(errp, "intel-iommu: ");
        return false;
    }
    machine_add_acpi_table(d->machine, "DMAR", dmar);
    return true;
}

/* ---- lifecycle ---------------------------------------------------------- */

static void vtd_dev_unrealize(VTDDevice *d)
{
    if (!d->vtd) {
        return;
    }
    pci_bus_set_iommu(machine_pci_bus(d->machine), NULL, NULL);
    if (d->mmio_mapped) {
        memory_region_del_subregion(machine_system_memory(d->machine),
                                    &d->vtd->mmio);
        d->mmio_mapped = false;
    }
    vtd_free(d->vtd);
    d->vtd = NULL;
}

/* QEMU allows one intel-iommu (x86_iommu_realize refuses a second). */
static bool vtd_dev_is_second(Device *dev, Machine *m)
{
    for (unsigned i = 0; i < machine_device_count(m); i++) {
        Device *other = machine_device(m, i);

        if (other != dev && other->klass == dev->klass) {
            return true;
        }
    }
    return false;
}

static bool vtd_dev_realize(Device *dev, Machine *m, GError **errp)
{
    VTDDevice *d = VTD_DEVICE(dev);
    VTDProps props;

    if (vtd_dev_is_second(dev, m)) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "QEMU does not support multiple vIOMMUs for x86 yet.");
        return false;
    }
    if (!vtd_dev_apply_props(d, &props, errp)) {
        return false;
    }
    d->vtd = vtd_new(&props, machine_dma_root_as(m), machine_msi_sink(m),
                     machine_clock(m), errp);
    if (!d->vtd) {
        return false;
    }
    d->machine = m;
    d->vtd->dev = dev;
    d->vtd->machine = m;
    /* Above the PCI hole (priority -1) like QEMU's sysbus mapping. */
    memory_region_add_subregion_overlap(machine_system_memory(m),
                                        VTD_MMIO_BASE, &d->vtd->mmio, 0);
    d->mmio_mapped = true;
    pci_bus_set_iommu(machine_pci_bus(m), vtd_dev_iommu_fn, d->vtd);
    if (!vtd_dev_dmar_register(d, errp)) {
        vtd_dev_unrealize(d);
        return false;
    }
    return true;
}

/*
 * Machine reset: the unit's registers and caches, and the DMAR again,
 * because -device functions added after intel-iommu were not on the bus
 * at realize (QEMU likewise builds its tables once the machine is done).
 */
static void vtd_dev_reset(Device *dev)
{
    VTDDevice *d = VTD_DEVICE(dev);
    GError *err = NULL;

    if (!d->vtd) {
        return;
    }
    vtd_reset(d->vtd);
    if (!vtd_dev_dmar_register(d, &err)) {
        /* The same configuration built at realize: a model bug. */
        g_error("%s", err->message);
    }
}

static void vtd_dev_finalize(Device *dev)
{
    vtd_dev_unrealize(VTD_DEVICE(dev));
}

/* `stats` and `stats intel-iommu` (or "vtd") answer with the unit's. */
static char *vtd_dev_stats(Device *dev, const char *which)
{
    VTDDevice *d = VTD_DEVICE(dev);

    if (!d->vtd || (which && strcmp(which, "intel-iommu") &&
                    strcmp(which, "vtd"))) {
        return NULL;
    }
    return vtd_stats_text(d->vtd);
}

/* ---- the class ---------------------------------------------------------- */

const DeviceClass vtd_device_class = {
    .name = "intel-iommu",
    .description = "Intel VT-d DMA remapping unit (VT-d 5.10, legacy mode)",
    .instance_size = sizeof(VTDDevice),
    .props = vtd_dev_props,
    .is_pci = false,
    .realize = vtd_dev_realize,
    .reset = vtd_dev_reset,
    .finalize = vtd_dev_finalize,
    .stats = vtd_dev_stats,
};
