/*
 * dump-dmar VARIANT DIR: write DIR/DMAR.dat built from a fixed
 * configuration, for qtest/tests/test_acpi_dmar.py to disassemble with
 * iasl.  Variants:
 *   q35   what the VT-d model reports on q35: one INCLUDE_PCI_ALL unit at
 *         0xfed90000 with the root-complex IOAPIC, 39-bit HAW, INTR_REMAP
 *   full  every structure type Debian's iasl 20200925 knows (0-4): two
 *         units, bridge paths, HPET and ACPI name-space scopes, RMRRs,
 *         ATSRs, RHSAs and an ANDD
 *   qemu72  what Debian QEMU 7.2 reports for `-machine q35 -device
 *         intel-iommu -device edu,addr=02.0`: no INCLUDE_PCI_ALL, the
 *         IOAPIC then one endpoint scope per PCI function (host bridge,
 *         edu, ICH9 LPC/SATA/SMBus); the pytest compares it byte for byte
 *         with the table QEMU serves through fw_cfg
 * The expected values are repeated in the pytest; change both together.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "iommu-sim/acpi.h"

/* q35: the IOAPIC on QEMU's pseudo platform bus 0xff, devfn 0 (id 0). */
static const AcpiDmarScope q35_scopes[] = {
    { .type = ACPI_DMAR_SCOPE_IOAPIC, .enumeration_id = 0, .start_bus = 0xff,
      .path_len = 1, .path = { { 0, 0 } } },
};

static const AcpiDmarDrhd q35_drhd[] = {
    { .flags = ACPI_DMAR_DRHD_FLAG_INCLUDE_PCI_ALL, .base = 0xfed90000,
      .scopes = q35_scopes, .n_scopes = G_N_ELEMENTS(q35_scopes) },
};

static const AcpiDmarConfig q35_cfg = {
    .host_address_width = 39,
    .flags = ACPI_DMAR_FLAG_INTR_REMAP,
    .drhds = q35_drhd, .n_drhds = 1,
};

/* qemu72: QEMU's scope order is the IOAPIC, then bus 0 in devfn order. */
static const AcpiDmarScope qemu72_scopes[] = {
    { .type = ACPI_DMAR_SCOPE_IOAPIC, .enumeration_id = 0, .start_bus = 0xff,
      .path_len = 1, .path = { { 0, 0 } } },
    { .type = ACPI_DMAR_SCOPE_PCI_ENDPOINT, .path_len = 1,
      .path = { { 0x00, 0 } } },
    { .type = ACPI_DMAR_SCOPE_PCI_ENDPOINT, .path_len = 1,
      .path = { { 0x02, 0 } } },
    { .type = ACPI_DMAR_SCOPE_PCI_ENDPOINT, .path_len = 1,
      .path = { { 0x1f, 0 } } },
    { .type = ACPI_DMAR_SCOPE_PCI_ENDPOINT, .path_len = 1,
      .path = { { 0x1f, 2 } } },
    { .type = ACPI_DMAR_SCOPE_PCI_ENDPOINT, .path_len = 1,
      .path = { { 0x1f, 3 } } },
};

static const AcpiDmarDrhd qemu72_drhd[] = {
    { .flags = 0, .base = 0xfed90000,
      .scopes = qemu72_scopes, .n_scopes = G_N_ELEMENTS(qemu72_scopes) },
};

static const AcpiDmarConfig qemu72_cfg = {
    .host_address_width = 39,
    .flags = ACPI_DMAR_FLAG_INTR_REMAP,
    .drhds = qemu72_drhd, .n_drhds = 1,
};

/* full: unit 0 owns 00:03.0, everything behind the root port 00:1c.0 and
 * 01:00.0 reached through it; unit 1 owns the rest plus platform devices. */
static const AcpiDmarScope full_unit0[] = {
    { .type = ACPI_DMAR_SCOPE_PCI_ENDPOINT, .path_len = 1,
      .path = { { 3, 0 } } },
    { .type = ACPI_DMAR_SCOPE_PCI_SUB_HIERARCHY, .path_len = 1,
      .path = { { 0x1c, 0 } } },
    { .type = ACPI_DMAR_SCOPE_PCI_ENDPOINT, .path_len = 2,
      .path = { { 0x1c, 4 }, { 0, 1 } } },
};

static const AcpiDmarScope full_unit1[] = {
    { .type = ACPI_DMAR_SCOPE_IOAPIC, .enumeration_id = 2, .start_bus = 0,
      .path_len = 1, .path = { { 0x1f, 7 } } },
    { .type = ACPI_DMAR_SCOPE_MSI_CAPABLE_HPET, .enumeration_id = 0,
      .start_bus = 0, .path_len = 1, .path = { { 0x1f, 6 } } },
    { .type = ACPI_DMAR_SCOPE_ACPI_NAMESPACE_DEVICE, .enumeration_id = 1,
      .start_bus = 0, .path_len = 1, .path = { { 0x15, 0 } } },
};

static const AcpiDmarDrhd full_drhds[] = {
    { .flags = 0, .size = 1, .base = 0xfed92000,
      .scopes = full_unit0, .n_scopes = G_N_ELEMENTS(full_unit0) },
    { .flags = ACPI_DMAR_DRHD_FLAG_INCLUDE_PCI_ALL, .base = 0xfed90000,
      .scopes = full_unit1, .n_scopes = G_N_ELEMENTS(full_unit1) },
};

static const AcpiDmarScope full_gfx[] = {
    { .type = ACPI_DMAR_SCOPE_PCI_ENDPOINT, .path_len = 1,
      .path = { { 2, 0 } } },
};

static const AcpiDmarScope full_usb[] = {
    { .type = ACPI_DMAR_SCOPE_PCI_ENDPOINT, .path_len = 1,
      .path = { { 0x1d, 0 } } },
    { .type = ACPI_DMAR_SCOPE_PCI_ENDPOINT, .path_len = 1,
      .path = { { 0x1a, 0 } } },
};

static const AcpiDmarRmrr full_rmrrs[] = {
    { .base = 0xe8000, .limit = 0xeffff,
      .scopes = full_usb, .n_scopes = G_N_ELEMENTS(full_usb) },
    { .base = 0x7d000000, .limit = 0x7f7fffff,
      .scopes = full_gfx, .n_scopes = G_N_ELEMENTS(full_gfx) },
};

static const AcpiDmarScope full_root_port[] = {
    { .type = ACPI_DMAR_SCOPE_PCI_SUB_HIERARCHY, .path_len = 1,
      .path = { { 0x1c, 0 } } },
};

static const AcpiDmarAtsr full_atsrs[] = {
    { .flags = 0, .segment = 0,
      .scopes = full_root_port, .n_scopes = 1 },
};

static const AcpiDmarRhsa full_rhsas[] = {
    { .base = 0xfed92000, .proximity_domain = 0 },
    { .base = 0xfed90000, .proximity_domain = 1 },
};

static const AcpiDmarAndd full_andds[] = {
    { .device_number = 1, .object_name = "\\_SB.PCI0.I2C0" },
};

static const AcpiDmarConfig full_cfg = {
    .host_address_width = 46,
    .flags = ACPI_DMAR_FLAG_INTR_REMAP | ACPI_DMAR_FLAG_X2APIC_OPT_OUT |
             ACPI_DMAR_FLAG_DMA_CTRL_PLATFORM_OPT_IN,
    .drhds = full_drhds, .n_drhds = G_N_ELEMENTS(full_drhds),
    .rmrrs = full_rmrrs, .n_rmrrs = G_N_ELEMENTS(full_rmrrs),
    .atsrs = full_atsrs, .n_atsrs = G_N_ELEMENTS(full_atsrs),
    .rhsas = full_rhsas, .n_rhsas = G_N_ELEMENTS(full_rhsas),
    .andds = full_andds, .n_andds = G_N_ELEMENTS(full_andds),
};

int main(int argc, char **argv)
{
    const AcpiDmarConfig *cfg;
    GError *err = NULL;
    GByteArray *dmar;
    char *path;

    static const struct {
        const char *name;
        const AcpiDmarConfig *cfg;
    } variants[] = {
        { "q35", &q35_cfg }, { "full", &full_cfg }, { "qemu72", &qemu72_cfg },
    };

    cfg = NULL;
    for (size_t i = 0; argc == 3 && i < G_N_ELEMENTS(variants); i++) {
        if (strcmp(argv[1], variants[i].name) == 0) {
            cfg = variants[i].cfg;
        }
    }
    if (!cfg) {
        fprintf(stderr, "usage: dump-dmar q35|full|qemu72 DIR\n");
        return 2;
    }
    dmar = acpi_build_dmar(cfg, &err);
    if (!dmar) {
        fprintf(stderr, "dump-dmar: %s\n", err->message);
        g_error_free(err);
        return 1;
    }
    path = g_build_filename(argv[2], "DMAR.dat", NULL);
    if (!g_file_set_contents(path, (const char *)dmar->data, dmar->len,
                             &err)) {
        fprintf(stderr, "dump-dmar: %s\n", err->message);
        g_error_free(err);
        g_free(path);
        g_byte_array_unref(dmar);
        return 1;
    }
    g_free(path);
    g_byte_array_unref(dmar);
    return 0;
}
