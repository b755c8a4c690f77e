/*
 * A valid DMAR configuration using every structure type (VT-d 5.10 ch. 8),
 * in writable storage so tests can break one field at a time.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_ACPI_TESTS_DMAR_FIXTURE_H
#define HW_ACPI_TESTS_DMAR_FIXTURE_H

#include <string.h>

#include "iommu-sim/acpi.h"

typedef struct DmarFixture {
    AcpiDmarScope unit0_scopes[3];   /* endpoint, bridge, 2-deep endpoint */
    AcpiDmarScope unit1_scopes[3];   /* IOAPIC, HPET, ACPI name-space */
    AcpiDmarDrhd drhds[2];
    AcpiDmarScope rmrr_scopes[1];
    AcpiDmarRmrr rmrrs[1];
    AcpiDmarScope atsr_scopes[1];
    AcpiDmarAtsr atsrs[2];
    AcpiDmarRhsa rhsas[2];
    AcpiDmarAndd andds[1];
    AcpiDmarScope satc_scopes[2];
    AcpiDmarSatc satcs[1];
    AcpiDmarScope sidp_scopes[2];
    AcpiDmarSidp sidps[1];
    AcpiDmarConfig cfg;
} DmarFixture;

static inline AcpiDmarScope dmar_fx_scope(AcpiDmarScopeType type,
                                          uint8_t enum_id, uint8_t bus,
                                          uint8_t dev, uint8_t fn)
{
    AcpiDmarScope s = {
        .type = type, .enumeration_id = enum_id, .start_bus = bus,
        .path_len = 1, .path = { { dev, fn } },
    };
    return s;
}

static inline void dmar_fixture_init(DmarFixture *f)
{
    memset(f, 0, sizeof(*f));
    f->unit0_scopes[0] = dmar_fx_scope(ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0,
                                       3, 0);
    f->unit0_scopes[1] = dmar_fx_scope(ACPI_DMAR_SCOPE_PCI_SUB_HIERARCHY, 0,
                                       0, 0x1c, 0);
    f->unit0_scopes[2] = dmar_fx_scope(ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0,
                                       0x1c, 4);
    f->unit0_scopes[2].path_len = 2;
    f->unit0_scopes[2].path[1].device = 0;
    f->unit0_scopes[2].path[1].function = 1;
    f->unit1_scopes[0] = dmar_fx_scope(ACPI_DMAR_SCOPE_IOAPIC, 2, 0, 0x1f, 7);
    f->unit1_scopes[1] = dmar_fx_scope(ACPI_DMAR_SCOPE_MSI_CAPABLE_HPET, 0, 0,
                                       0x1f, 6);
    f->unit1_scopes[2] = dmar_fx_scope(ACPI_DMAR_SCOPE_ACPI_NAMESPACE_DEVICE,
                                       1, 0, 0x15, 0);
    f->drhds[0] = (AcpiDmarDrhd){ 0, 1, 0, 0xfed92000, f->unit0_scopes, 3 };
    f->drhds[1] = (AcpiDmarDrhd){ ACPI_DMAR_DRHD_FLAG_INCLUDE_PCI_ALL, 0, 0,
                                  0xfed90000, f->unit1_scopes, 3 };
    f->rmrr_scopes[0] = dmar_fx_scope(ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0,
                                      0x1d, 0);
    f->rmrrs[0] = (AcpiDmarRmrr){ 0, 0x7d000000, 0x7d7fffff,
                                  f->rmrr_scopes, 1 };
    f->atsr_scopes[0] = dmar_fx_scope(ACPI_DMAR_SCOPE_PCI_SUB_HIERARCHY, 0, 0,
                                      0x1c, 0);
    f->atsrs[0] = (AcpiDmarAtsr){ 0, 0, f->atsr_scopes, 1 };
    f->atsrs[1] = (AcpiDmarAtsr){ ACPI_DMAR_ATSR_FLAG_ALL_PORTS, 1, NULL, 0 };
    f->rhsas[0] = (AcpiDmarRhsa){ 0xfed92000, 0 };
    f->rhsas[1] = (AcpiDmarRhsa){ 0xfed90000, 1 };
    f->andds[0] = (AcpiDmarAndd){ 1, "\\_SB.PCI0.I2C0" };
    f->satc_scopes[0] = dmar_fx_scope(ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 5, 0);
    f->satc_scopes[1] = dmar_fx_scope(ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 6, 0);
    f->satcs[0] = (AcpiDmarSatc){ ACPI_DMAR_SATC_FLAG_ATC_REQUIRED, 0,
                                  f->satc_scopes, 2 };
    f->sidp_scopes[0] = dmar_fx_scope(ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 5, 0);
    f->sidp_scopes[0].flags = ACPI_DMAR_SCOPE_FLAG_ATC_HARDENED |
                              ACPI_DMAR_SCOPE_FLAG_ATC_REQUIRED;
    f->sidp_scopes[1] = dmar_fx_scope(ACPI_DMAR_SCOPE_ACPI_NAMESPACE_DEVICE,
                                      1, 0, 0x15, 0);
    f->sidp_scopes[1].flags =
        ACPI_DMAR_SCOPE_FLAG_REQ_WO_PASID_PWSNP_NOTALLOWED;
    f->sidps[0] = (AcpiDmarSidp){ 0, f->sidp_scopes, 2 };
    f->cfg = (AcpiDmarConfig){
        .host_address_width = 46,
        .flags = ACPI_DMAR_FLAG_INTR_REMAP | ACPI_DMAR_FLAG_X2APIC_OPT_OUT,
        .drhds = f->drhds, .n_drhds = 2,
        .rmrrs = f->rmrrs, .n_rmrrs = 1,
        .atsrs = f->atsrs, .n_atsrs = 2,
        .rhsas = f->rhsas, .n_rhsas = 2,
        .andds = f->andds, .n_andds = 1,
        .satcs = f->satcs, .n_satcs = 1,
        .sidps = f->sidps, .n_sidps = 1,
    };
}

/*
 * Byte offsets of each structure in the fixture's table, derived by hand
 * from the §8.3-§8.9 sizes (header 48; DRHD0 16+8+8+10; DRHD1 16+3*8;
 * RMRR 24+8; ATSR0 8+8; ATSR1 8; RHSA 20 each; ANDD 8+15; SATC 8+16;
 * SIDP 8+16).  Independent of the builder on purpose.
 */
enum {
    FX_DRHD0 = 48, FX_DRHD1 = FX_DRHD0 + 42, FX_RMRR = FX_DRHD1 + 40,
    FX_ATSR0 = FX_RMRR + 32, FX_ATSR1 = FX_ATSR0 + 16, FX_RHSA0 = FX_ATSR1 + 8,
    FX_RHSA1 = FX_RHSA0 + 20, FX_ANDD = FX_RHSA1 + 20, FX_SATC = FX_ANDD + 23,
    FX_SIDP = FX_SATC + 24, FX_END = FX_SIDP + 24,
};

#endif
