/*
 * Byte layout of the DMAR table and its remapping structures (VT-d 5.10
 * chapter 8), shared by the builder (dmar.c) and the parser
 * (dmar-parse.c).  The structures are byte-packed and variable-length,
 * which the specs/ generator (bit-level layouts of 8..64-bit words) does
 * not express, so the offsets live here, each with its section.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_ACPI_DMAR_LAYOUT_H
#define HW_ACPI_DMAR_LAYOUT_H

/* DMA Remapping Reporting Structure (§8.1), after the 36-byte header. */
enum {
    DMAR_HAW = 36,              /* Host Address Width, stored as HAW - 1 */
    DMAR_FLAGS = 37,
    DMAR_RESERVED = 38,         /* 10 bytes, 0 */
    DMAR_RESERVED_LEN = 10,
    DMAR_STRUCTS = 48,          /* first remapping structure */
};

/* Every remapping structure starts with Type and Length, 2 bytes each (§8.2). */
enum {
    DMAR_ST_TYPE = 0,
    DMAR_ST_LENGTH = 2,
    DMAR_ST_HEADER_LEN = 4,
};

/* DRHD (§8.3): 16 bytes + device scopes. */
enum {
    DRHD_FLAGS = 4,
    DRHD_SIZE = 5,              /* bits 3:0: 2^N 4 KiB pages; 7:4 reserved */
    DRHD_SEGMENT = 6,
    DRHD_BASE = 8,
    DRHD_SCOPES = 16,
    DRHD_SIZE_MASK = 0x0f,
    DRHD_FLAGS_DEFINED = 0x01,
};

/* RMRR (§8.4): 24 bytes + device scopes. */
enum {
    RMRR_RESERVED = 4,          /* 2 bytes */
    RMRR_SEGMENT = 6,
    RMRR_BASE = 8,
    RMRR_LIMIT = 16,
    RMRR_SCOPES = 24,
};

/* ATSR (§8.5), SATC (§8.8) and SIDP (§8.9) share one shape: 8 bytes + scopes. */
enum {
    ATSR_FLAGS = 4,             /* SATC too; SIDP: 2 reserved bytes at 4 */
    ATSR_RESERVED = 5,
    ATSR_SEGMENT = 6,
    ATSR_SCOPES = 8,
    ATSR_FLAGS_DEFINED = 0x01,
    SATC_FLAGS_DEFINED = 0x01,
};

/* RHSA (§8.6): fixed 20 bytes. */
enum {
    RHSA_RESERVED = 4,          /* 4 bytes */
    RHSA_BASE = 8,
    RHSA_PROXIMITY = 16,
    RHSA_LEN = 20,
};

/* ANDD (§8.7): 8 bytes + NUL-terminated ACPI object name. */
enum {
    ANDD_RESERVED = 4,          /* 3 bytes */
    ANDD_RESERVED_LEN = 3,
    ANDD_DEVICE_NUMBER = 7,
    ANDD_NAME = 8,
};

/* Device Scope entry (§8.3.1): 6 bytes + 2 per {Device, Function} pair. */
enum {
    SCOPE_TYPE = 0,
    SCOPE_LENGTH = 1,
    SCOPE_FLAGS = 2,
    SCOPE_RESERVED = 3,
    SCOPE_ENUM_ID = 4,
    SCOPE_START_BUS = 5,
    SCOPE_PATH = 6,
    SCOPE_PATH_PAIR = 2,
};

/* PCI limits for a path pair (PCI Local Bus 3.0 §3.2.2.3.1). */
enum {
    PCI_DEVICE_MAX = 31,
    PCI_FUNCTION_MAX = 7,
};

/* RMRR regions and DRHD register sets are 4 KiB granular (§8.3, §8.4). */
#define DMAR_PAGE_SHIFT 12
#define DMAR_PAGE_MASK ((UINT64_C(1) << DMAR_PAGE_SHIFT) - 1)

#endif
