/*
 * "-device amd-iommu": the AMD-Vi unit as the PCI function software finds
 * it by (AMD IOMMU spec 48882 §3.2), wired into the q35 machine.
 *
 * The function (layout as QEMU 7.2 places it; contents from the spec):
 *   header   AMD 1022h, class 0806h (system peripheral, IOMMU), no BARs,
 *            no INTx pin; device id 0008h as Debian QEMU 7.2 reads it
 *            (efr-profile=zen: 1481h, an EPYC Zen 2 IOMMU)
 *   40h      capability 0Fh (specs/amdvi/pcicap.toml): header, base low
 *            and high, range, misc 0 and 1
 *   5Ch      HyperTransport MSI mapping capability (fixed, enabled)
 *   60h      MSI, 64-bit, one vector: writes reconfigure the unit's own
 *            interrupt (amdvi_msi_configure)
 * The MMIO window sits at mmio-base (0xfed80000) from realize on, as if
 * firmware had programmed the base and set Enable; writing base + Enable
 * moves it, clearing Enable unmaps it.  Every requester on bus 0 goes
 * through the unit (pci_bus_set_iommu).  The IVRS is rebuilt at every
 * reset so it lists functions added after this one (amdvi-acpi.c).
 *
 * Departures from QEMU 7.2 (docs/amdvi.md, qtest/tests/test_amdvi_pci.py):
 * no 4-byte placeholder MSI capability at 58h; HtTunnel and NpCache read
 * 0 (no HyperTransport, not-present entries are never cached); Enable set
 * in base low; range valid; misc 0 address sizes in their own fields.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/amd-vi/amdvi-pci.h"
#include "iommu-sim/machine.h"
#include "iommu-sim/pci.h"
#include "iommu-sim/qdev.h"
#include "specs/amdvi-pcicap.h"

#define AMDVI_PCI_VENDOR_AMD 0x1022u
#define AMDVI_PCI_DEVICE_QEMU 0x0008u
#define AMDVI_PCI_DEVICE_ZEN 0x1481u
#define AMDVI_PCI_CLASS 0x080600u    /* base 08h, sub 06h: IOMMU */
#define AMDVI_PCI_CAP_ID 0x0fu       /* "secure device" (§3.2) */
#define AMDVI_PCI_CAP_TYPE 3u        /* IOMMU capability block */
#define PCI_CAP_ID_HT 0x08u
/* HT MSI mapping: Enable (bit 16), Fixed (17), type 10101b (31:27). */
#define AMDVI_PCI_HT_MSI_MAP 0xa8030000u
#define AMDVI_PCI_N_CACHE_PROPS 24

typedef struct AMDVIPCIState {
    PCIDevice pdev;
    /* properties, as strings for amdvi_props_set (NULL: default) */
    char *intremap, *device_iotlb, *pt, *xtsup, *efr_profile;
    char *x_efr, *x_efr2, *pa_bits, *mmio_base, *unity, *exclusion;
    char *timing, *timing_trace;
    char *cache[AMDVI_PCI_N_CACHE_PROPS];

    AMDVIState *iommu;
    Machine *machine;
    uint64_t excl_start, excl_len;
    uint64_t cap_reset[AMDVI_PCICAP_RI_COUNT];
    bool mmio_mapped;
    uint64_t mmio_at;
} AMDVIPCIState;

/* ---- properties -------------------------------------------------------- */

/* unity=R[;R...] (several ranges in one value) and exclusion=START-END. */
static bool amdvi_pci_parse_exclusion(AMDVIPCIState *d, GError **errp)
{
    g_auto(GStrv) ab = g_strsplit(d->exclusion, "-", 2);
    uint64_t a, b;

    if (!ab[0] || !ab[1] || !qdev_parse_uint(ab[0], UINT64_MAX, &a) ||
        !qdev_parse_uint(ab[1], UINT64_MAX, &b) || (a & 0xfff) || b < a) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "amd-iommu: property 'exclusion': bad value '%s' "
                    "(START-END, START 4 KiB aligned)", d->exclusion);
        return false;
    }
    d->excl_start = a;
    d->excl_len = (b | 0xfff) - a + 1;
    return true;
}

static bool amdvi_pci_set(AMDVIProps *p, const char *name, const char *v,
                          GError **errp)
{
    return !v || amdvi_props_set(p, name, v, errp);
}

static bool amdvi_pci_props(AMDVIPCIState *d, AMDVIProps *p, GError **errp)
{
    const char *const *cache_names = amdvi_cache_prop_names();
    g_auto(GStrv) unity = d->unity ? g_strsplit(d->unity, ";", -1) : NULL;
    bool ok;

    amdvi_props_default(p);
    ok = amdvi_pci_set(p, "intremap", d->intremap, errp) &&
         amdvi_pci_set(p, "device-iotlb", d->device_iotlb, errp) &&
         amdvi_pci_set(p, "pt", d->pt, errp) &&
         amdvi_pci_set(p, "xtsup", d->xtsup, errp) &&
         amdvi_pci_set(p, "efr-profile", d->efr_profile, errp) &&
         amdvi_pci_set(p, "x-efr", d->x_efr, errp) &&
         amdvi_pci_set(p, "x-efr2", d->x_efr2, errp) &&
         amdvi_pci_set(p, "pa-bits", d->pa_bits, errp) &&
         amdvi_pci_set(p, "mmio-base", d->mmio_base, errp) &&
         amdvi_pci_set(p, "timing", d->timing, errp) &&
         amdvi_pci_set(p, "timing-trace", d->timing_trace, errp);
    for (unsigned i = 0; ok && unity && unity[i]; i++) {
        ok = amdvi_props_set(p, "unity", unity[i], errp);
    }
    for (unsigned i = 0; ok && i < AMDVI_PCI_N_CACHE_PROPS && cache_names[i];
         i++) {
        ok = amdvi_pci_set(p, cache_names[i], d->cache[i], errp);
    }
    if (ok && d->exclusion) {
        ok = amdvi_pci_parse_exclusion(d, errp);
    }
    return ok;
}

/* ---- capability block (§3.2) ----------------------------------------- */

static void amdvi_pci_cap_values(const AMDVIPCIState *d, uint64_t *v)
{
    const AMDVIState *s = d->iommu;
    uint64_t hdr = 0, misc0 = 0, range = 0, base = s->props.mmio_base;

    hdr = amdvi_cap_hdr_set_cap_id(hdr, AMDVI_PCI_CAP_ID);
    hdr = amdvi_cap_hdr_set_cap_type(hdr, AMDVI_PCI_CAP_TYPE);
    hdr = amdvi_cap_hdr_set_iotlb_sup(hdr, 1);
    hdr = amdvi_cap_hdr_set_efr_sup(hdr, 1);
    hdr = amdvi_cap_hdr_set_cap_ext(hdr, 1);
    v[AMDVI_PCICAP_RI_CAP_HDR] = hdr;
    v[AMDVI_PCICAP_RI_BASE_LO] =
        amdvi_base_lo_set_enable(base & AMDVI_BASE_LO_BASE_ADDR_LO_MASK, 1);
    v[AMDVI_PCICAP_RI_BASE_HI] = base >> 32;
    /* Bus 0, devices 00h..FFh (every devfn): the unit covers bus 0. */
    range = amdvi_range_set_rng_valid(range, 1);
    range = amdvi_range_set_last_device(range, 0xff);
    v[AMDVI_PCICAP_RI_RANGE] = range;
    misc0 = amdvi_misc0_set_pa_size(misc0, s->props.pa_bits);
    misc0 = amdvi_misc0_set_va_size(misc0, 64);
    if (amdvi_efr_get_gt_sup(s->efr)) {
        misc0 = amdvi_misc0_set_gva_size(misc0, 2);   /* 48 bits */
    }
    v[AMDVI_PCICAP_RI_MISC0] = misc0;
    v[AMDVI_PCICAP_RI_MISC1] = 0;
}

/* Writable bits per register: what the spec table leaves RW. */
static uint32_t amdvi_pci_cap_wmask(unsigned ri)
{
    switch (ri) {
    case AMDVI_PCICAP_RI_BASE_LO:
        return AMDVI_BASE_LO_ENABLE_MASK | AMDVI_BASE_LO_BASE_ADDR_LO_MASK;
    case AMDVI_PCICAP_RI_BASE_HI:
        return 0xffffffffu;
    default:
        return 0;
    }
}

static void amdvi_pci_cap_load(AMDVIPCIState *d)
{
    uint8_t *cfg = d->pdev.config + AMDVI_PCI_CAP_OFFSET;
    uint8_t next = cfg[1];

    for (unsigned ri = 0; ri < AMDVI_PCICAP_RI_COUNT; ri++) {
        pci_set_long(cfg + 4 * ri, (uint32_t)d->cap_reset[ri]);
        pci_set_long(d->pdev.wmask + AMDVI_PCI_CAP_OFFSET + 4 * ri,
                     amdvi_pci_cap_wmask(ri));
    }
    cfg[1] = next;   /* the list pointer pci_add_capability chained */
}

/* ---- MMIO window and MSI ----------------------------------------------- */

static void amdvi_pci_mmio_update(AMDVIPCIState *d)
{
    const uint8_t *cap = d->pdev.config + AMDVI_PCI_CAP_OFFSET;
    uint32_t lo = pci_get_long(cap + AMDVI_REG_BASE_LO);
    uint64_t at = (uint64_t)pci_get_long(cap + AMDVI_REG_BASE_HI) << 32 |
                  (lo & AMDVI_BASE_LO_BASE_ADDR_LO_MASK);
    bool on = lo & AMDVI_BASE_LO_ENABLE_MASK;
    MemoryRegion *sys = machine_system_memory(d->machine);

    if (d->mmio_mapped && (!on || at != d->mmio_at)) {
        memory_region_del_subregion(sys, amdvi_mmio_region(d->iommu));
        d->mmio_mapped = false;
    }
    if (on && !d->mmio_mapped) {
        /* Above the PCI hole's BARs, as a chipset decode would be. */
        memory_region_add_subregion_overlap(sys, at,
                                            amdvi_mmio_region(d->iommu), 1);
        d->mmio_mapped = true;
        d->mmio_at = at;
    }
}

static void amdvi_pci_msi_update(AMDVIPCIState *d)
{
    MsiMessage msg = { 0 };

    msi_get_message(&d->pdev, 0, &msg.address, &msg.data);
    amdvi_msi_configure(d->iommu, msi_enabled(&d->pdev), msg);
}

static bool amdvi_pci_overlaps(uint32_t addr, unsigned len, uint32_t start,
                               uint32_t size)
{
    return addr < start + size && start < addr + len;
}

static void amdvi_pci_config_write(PCIDevice *pdev, uint32_t addr,
                                   uint32_t val, unsigned len)
{
    AMDVIPCIState *d = (AMDVIPCIState *)pdev;

    pci_default_config_write(pdev, addr, val, len);
    if (amdvi_pci_overlaps(addr, len, AMDVI_PCI_MSI_OFFSET, 14)) {
        amdvi_pci_msi_update(d);
    }
    if (amdvi_pci_overlaps(addr, len, AMDVI_PCI_CAP_OFFSET + AMDVI_REG_BASE_LO,
                           8)) {
        amdvi_pci_mmio_update(d);
    }
}

/* ---- IVRS ----------------------------------------------------------------- */

static void amdvi_pci_register_ivrs(AMDVIPCIState *d)
{
    PCIBus *bus = machine_pci_bus(d->machine);
    uint16_t devids[256];
    AMDVIIvrsInfo info = {
        .iommu_devid = pci_requester_id(&d->pdev),
        .cap_offset = AMDVI_PCI_CAP_OFFSET,
        .mmio_base = d->iommu->props.mmio_base,
        .devids = devids,
        .excl_start = d->excl_start,
        .excl_len = d->excl_len,
    };
    g_autoptr(GError) err = NULL;
    GByteArray *ivrs;

    for (unsigned devfn = 0; devfn < 256; devfn++) {
        if (pci_bus_find(bus, (uint8_t)devfn)) {
            devids[info.n_devids++] = (uint16_t)(pci_bus_num(bus) << 8 |
                                                 devfn);
        }
    }
    ivrs = amdvi_acpi_build_ivrs(d->iommu, &info, &err);
    if (!ivrs) {
        /* Properties are checked at realize: this is a model bug. */
        g_warning("amd-iommu: IVRS not built: %s", err->message);
        return;
    }
    machine_add_acpi_table(d->machine, "IVRS", ivrs);
}

/* ---- lifecycle ------------------------------------------------------------ */

static AddressSpace *amdvi_pci_dma_as(void *opaque, uint16_t rid)
{
    return amdvi_dma_as(opaque, rid);
}

static bool amdvi_pci_setup_caps(AMDVIPCIState *d, GError **errp)
{
    PCIDevice *pdev = &d->pdev;

    /* No device-specific config registers beyond the capabilities. */
    memset(pdev->wmask + PCI_CONFIG_HEADER_SIZE, 0,
           PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
    if (!pci_add_capability(pdev, AMDVI_PCI_CAP_ID, AMDVI_PCI_CAP_OFFSET,
                            AMDVI_PCI_CAP_SIZE, errp) ||
        !pci_add_capability(pdev, PCI_CAP_ID_HT, AMDVI_PCI_HT_OFFSET, 4,
                            errp) ||
        !msi_init(pdev, AMDVI_PCI_MSI_OFFSET, 1, true, false, errp)) {
        return false;
    }
    pci_set_word(pdev->config + AMDVI_PCI_HT_OFFSET + 2,
                 AMDVI_PCI_HT_MSI_MAP >> 16);
    amdvi_pci_cap_values(d, d->cap_reset);
    amdvi_pci_cap_load(d);
    return true;
}

static bool amdvi_pci_realize(Device *dev, Machine *m, GError **errp)
{
    AMDVIPCIState *d = (AMDVIPCIState *)dev;
    AMDVIProps props;
    PCIDeviceInfo info = {
        .vendor_id = AMDVI_PCI_VENDOR_AMD,
        .device_id = AMDVI_PCI_DEVICE_QEMU,
        .class_code = AMDVI_PCI_CLASS,
        .subsystem_vendor_id = 0x1af4,    /* QEMU's defaults */
        .subsystem_id = 0x1100,
    };

    d->machine = m;
    if (!amdvi_pci_props(d, &props, errp)) {
        return false;
    }
    if (props.efr_profile == AMDVI_EFR_PROFILE_ZEN) {
        info.device_id = AMDVI_PCI_DEVICE_ZEN;
    }
    d->iommu = amdvi_new(&props, machine_dma_root_as(m), machine_msi_sink(m),
                         machine_clock(m), errp);
    if (!d->iommu) {
        return false;
    }
    d->iommu->dev = d;
    d->pdev.config_write = amdvi_pci_config_write;
    pci_config_set_info(&d->pdev, &info);
    if (!amdvi_pci_setup_caps(d, errp)) {
        amdvi_free(d->iommu);
        d->iommu = NULL;
        return false;
    }
    amdvi_pci_mmio_update(d);
    pci_bus_set_iommu(machine_pci_bus(m), amdvi_pci_dma_as, d->iommu);
    amdvi_pci_register_ivrs(d);
    return true;
}

static void amdvi_pci_reset(Device *dev)
{
    AMDVIPCIState *d = (AMDVIPCIState *)dev;

    if (!d->iommu) {
        return;
    }
    amdvi_reset(d->iommu);
    amdvi_pci_cap_load(d);
    amdvi_pci_mmio_update(d);
    amdvi_pci_msi_update(d);
    amdvi_pci_register_ivrs(d);
}

static void amdvi_pci_finalize(Device *dev)
{
    AMDVIPCIState *d = (AMDVIPCIState *)dev;

    if (!d->iommu) {
        return;
    }
    pci_bus_set_iommu(machine_pci_bus(d->machine), NULL, NULL);
    if (d->mmio_mapped) {
        memory_region_del_subregion(machine_system_memory(d->machine),
                                    amdvi_mmio_region(d->iommu));
    }
    amdvi_free(d->iommu);
    d->iommu = NULL;
}

char *amdvi_pci_stats_text(Device *dev)
{
    AMDVIPCIState *d = (AMDVIPCIState *)dev;

    return d->iommu ? amdvi_stats_text(d->iommu) : NULL;
}

/* `stats`, `stats amd-iommu`, `stats amdvi` or `stats iommu`. */
static char *amdvi_pci_stats(Device *dev, const char *which)
{
    if (which && strcmp(which, "amd-iommu") && strcmp(which, "amdvi") &&
        strcmp(which, "iommu")) {
        return NULL;
    }
    return amdvi_pci_stats_text(dev);
}

/* ---- class ---------------------------------------------------------------- */

#define AMDVI_STR_PROP(pname, field, def, desc)                           \
    { .name = pname, .type = PROP_STRING,                                 \
      .offset = offsetof(AMDVIPCIState, field), .defval = def,            \
      .description = desc }
#define AMDVI_CACHE_PROPS(cname, i)                                       \
    AMDVI_STR_PROP(cname "-entries", cache[3 * (i)], NULL,                \
                   cname ": total entries (docs/amdvi.md)"),              \
    AMDVI_STR_PROP(cname "-ways", cache[3 * (i) + 1], NULL,               \
                   cname ": entries per set"),                            \
    AMDVI_STR_PROP(cname "-replacement", cache[3 * (i) + 2], NULL,        \
                   cname ": lru, plru, fifo or random")

static const Property amdvi_pci_props_table[] = {
    PCI_DEVICE_PROPERTIES,
    /* "<type>" heads: the type help shows (hw/machine/qdev.c), as QEMU's. */
    AMDVI_STR_PROP("intremap", intremap, "auto",
                   "<OnOffAuto> on/off/auto (QEMU)"),
    AMDVI_STR_PROP("device-iotlb", device_iotlb, "off", "<bool> ATS (QEMU)"),
    AMDVI_STR_PROP("pt", pt, "on", "<bool> pass-through (QEMU)"),
    AMDVI_STR_PROP("xtsup", xtsup, "off", "<bool> EFR.XTSup, x2APIC (QEMU)"),
    AMDVI_STR_PROP("efr-profile", efr_profile, "qemu",
                   "EFR: qemu (0x29d3, QEMU 7.2) or zen (EPYC)"),
    AMDVI_STR_PROP("x-efr", x_efr, NULL, "replace the profile's EFR"),
    AMDVI_STR_PROP("x-efr2", x_efr2, NULL, "replace the profile's EFR2"),
    AMDVI_STR_PROP("pa-bits", pa_bits, "52", "physical address bits 32-52"),
    AMDVI_STR_PROP("mmio-base", mmio_base, "0xfed80000",
                   "MMIO base, 16 KiB aligned"),
    AMDVI_STR_PROP("unity", unity, NULL,
                   "FIRST[-LAST]:START-END[:rw][;...] unity ranges (IVMD)"),
    AMDVI_STR_PROP("exclusion", exclusion, NULL,
                   "START-END exclusion range reported as IVMD 20h"),
    AMDVI_STR_PROP("timing", timing, "ideal",
                   "cost model profile (docs/timing.md): ideal, "
                   "broadwell-ep, ..."),
    AMDVI_STR_PROP("timing-trace", timing_trace, NULL,
                   "write a Chrome/Perfetto trace JSON to FILE"),
    AMDVI_CACHE_PROPS("dte-cache", 0),
    AMDVI_CACHE_PROPS("iotlb", 1),
    AMDVI_CACHE_PROPS("pdc-l2", 2),
    AMDVI_CACHE_PROPS("pdc-l3", 3),
    AMDVI_CACHE_PROPS("pdc-l4", 4),
    AMDVI_CACHE_PROPS("pdc-l5", 5),
    AMDVI_CACHE_PROPS("pdc-l6", 6),
    AMDVI_CACHE_PROPS("irte-cache", 7),
    PROP_END
};

const DeviceClass amdvi_device_class = {
    .name = "amd-iommu",
    .description = "AMD IOMMU (AMD-Vi) as a PCI function, MMIO at "
                   "0xfed80000",
    .instance_size = sizeof(AMDVIPCIState),
    .props = amdvi_pci_props_table,
    .is_pci = true,
    .realize = amdvi_pci_realize,
    .reset = amdvi_pci_reset,
    .finalize = amdvi_pci_finalize,
    .stats = amdvi_pci_stats,
};
