/*
 * AMD-Vi as a PCI function ("-device amd-iommu"): what amdvi-pci.c (the
 * function, its capability block and the machine wiring) and amdvi-acpi.c
 * (the IVRS it reports) share.  Not a public header.
 *
 * Spec: AMD IOMMU spec 48882 §3.2 (the IOMMU's PCI function and
 * capability block), §5.2 (IVRS).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_AMD_VI_AMDVI_PCI_H
#define HW_AMD_VI_AMDVI_PCI_H

#include <glib.h>
#include <stdint.h>

#include "hw/amd-vi/amdvi-internal.h"

/* Capability block offsets, as QEMU 7.2 lays the function out. */
#define AMDVI_PCI_CAP_OFFSET 0x40u  /* capability 0Fh, 18h bytes */
#define AMDVI_PCI_CAP_SIZE 0x18u
#define AMDVI_PCI_HT_OFFSET 0x5cu   /* HyperTransport MSI mapping */
#define AMDVI_PCI_MSI_OFFSET 0x60u  /* MSI, 64-bit, one vector */

/* IOAPIC the IVRS names (special entry, variety 1): id 0 at 00:14.0. */
#define AMDVI_IVRS_IOAPIC_ID 0u
#define AMDVI_IVRS_IOAPIC_DEVID 0x00a0u

/* What the IVRS reports beyond the unit's own state. */
typedef struct AMDVIIvrsInfo {
    uint16_t iommu_devid;       /* the function's requester id */
    uint8_t cap_offset;
    uint64_t mmio_base;
    const uint16_t *devids;     /* PCI functions present, ascending */
    unsigned n_devids;
    uint64_t excl_start;        /* exclusion IVMD; excl_len 0: none */
    uint64_t excl_len;
} AMDVIIvrsInfo;

/*
 * The IVRS of one unit (§5.2): IVHD 10h, 11h and 40h with a select entry
 * per function and the special IOAPIC entry, IVMD 21h/22h per unity
 * range, IVMD 20h for the exclusion range.  NULL + errp on a
 * configuration the builder refuses.
 */
GByteArray *amdvi_acpi_build_ivrs(const AMDVIState *s,
                                  const AMDVIIvrsInfo *info, GError **errp);

/*
 * The unit's counters ("name=value ...", g_free) for a `stats` verb; dev
 * is an amd-iommu instance.  NULL before realize.
 */
typedef struct Device Device;
char *amdvi_pci_stats_text(Device *dev);

#endif
