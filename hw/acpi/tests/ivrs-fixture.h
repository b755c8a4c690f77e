/*
 * A fixed IVRS configuration shared by the Check test and dump-ivrs: one
 * IOMMU at 00:00.2 as the same unit in IVHD 10h, 11h and 40h form (QEMU
 * 7.2's EFR 0x29d3), every device-entry kind, and IVMDs of all three
 * types (unity and exclusion).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IVRS_FIXTURE_H
#define IVRS_FIXTURE_H

#include "iommu-sim/acpi.h"

#define FIX_IOMMU_DEVID 0x0002      /* 00:00.2 */
#define FIX_CAP_OFFSET 0x40
#define FIX_BASE 0xfed80000ull
#define FIX_EFR 0x29d3ull
/* IVinfo: EFRSup, DMA remap, GVA 48 (2), PA 48, VA 64 (§5.2.1). */
#define FIX_IVINFO (0x1u | 0x2u | 2u << 5 | 48u << 8 | 64u << 15)

static const AcpiIvrsDevEntry fix_entries[] = {
    { .kind = ACPI_IVRS_DEV_SELECT, .devid = 0x0008, .dte_setting = 0x00 },
    { .kind = ACPI_IVRS_DEV_RANGE, .devid = 0x0010, .devid_last = 0x00ff,
      .dte_setting = 0xc7 },
    { .kind = ACPI_IVRS_DEV_ALIAS_SELECT, .devid = 0x0100, .alias = 0x00f8 },
    { .kind = ACPI_IVRS_DEV_ALIAS_RANGE, .devid = 0x0200, .devid_last = 0x02ff,
      .alias = 0x00f0 },
    { .kind = ACPI_IVRS_DEV_EXT_SELECT, .devid = 0x0300,
      .ext_setting = 0x80000000u },
    { .kind = ACPI_IVRS_DEV_EXT_RANGE, .devid = 0x0400, .devid_last = 0x04ff },
    { .kind = ACPI_IVRS_DEV_SPECIAL_IOAPIC, .devid = 0x00a0, .handle = 0,
      .dte_setting = 0xd7 },
    { .kind = ACPI_IVRS_DEV_SPECIAL_HPET, .devid = 0x00a5, .handle = 0 },
};

#define FIX_IVHD(t, feat) { .type = (t), .flags = 0x10 | 0x40 | 0x80, \
    .device_id = FIX_IOMMU_DEVID, .cap_offset = FIX_CAP_OFFSET, \
    .base = FIX_BASE, .segment = 0, .iommu_info = 0x0000, .feature = (feat), \
    .efr = (t) == 0x10 ? 0 : FIX_EFR, .efr2 = 0, .entries = fix_entries, \
    .n_entries = G_N_ELEMENTS(fix_entries) }

static const AcpiIvrsIvhd fix_ivhds[] = {
    FIX_IVHD(ACPI_IVRS_IVHD_10, 0x80048f6eu),
    FIX_IVHD(ACPI_IVRS_IVHD_11, 0),
    FIX_IVHD(ACPI_IVRS_IVHD_40, 0),
};

static const AcpiIvrsIvmd fix_ivmds[] = {
    { .type = ACPI_IVRS_IVMD_ALL, .flags = ACPI_IVMD_FLAG_EXCL_RANGE,
      .start = 0x80000000ull, .length = 0x100000 },
    { .type = ACPI_IVRS_IVMD_SELECT, .flags = ACPI_IVMD_FLAG_UNITY |
      ACPI_IVMD_FLAG_IR | ACPI_IVMD_FLAG_IW, .device_id = 0x0010,
      .start = 0xd0000, .length = 0x10000 },
    { .type = ACPI_IVRS_IVMD_RANGE, .flags = ACPI_IVMD_FLAG_UNITY |
      ACPI_IVMD_FLAG_IR, .device_id = 0x0200, .device_id_last = 0x02ff,
      .start = 0x100000000ull, .length = 0x200000 },
};

static const AcpiIvrsConfig fix_config = {
    .header = NULL,
    .ivinfo = FIX_IVINFO,
    .ivhds = fix_ivhds,
    .n_ivhds = G_N_ELEMENTS(fix_ivhds),
    .ivmds = fix_ivmds,
    .n_ivmds = G_N_ELEMENTS(fix_ivmds),
};

/* Only IVHD 10h: what Debian's iasl (20200925) fully decodes. */
static const AcpiIvrsConfig fix_config_10 = {
    .header = NULL,
    .ivinfo = FIX_IVINFO,
    .ivhds = fix_ivhds,
    .n_ivhds = 1,
    .ivmds = fix_ivmds,
    .n_ivmds = G_N_ELEMENTS(fix_ivmds),
};

#endif
