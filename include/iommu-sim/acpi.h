/*
 * ACPI tables the IOMMU models report: a small little-endian byte builder
 * with the common System Description Table header (ACPI 6.5 §5.2.6), a
 * checksum check, and the Intel DMAR table (VT-d 5.10 chapter 8) with a
 * builder from a plain configuration and a parser for tests and tools.
 *
 * Ownership: builders return a new GByteArray the caller owns (free with
 * g_byte_array_unref); the configuration is only read.  A model fills an
 * AcpiDmarConfig from its state at realize, builds the blob once and hands
 * it to the machine, which -dump-acpi writes out as DIR/DMAR.dat.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_ACPI_H
#define IOMMU_SIM_ACPI_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Errors: a configuration the spec forbids, or malformed table bytes. */
#define ACPI_ERROR (acpi_error_quark())
typedef enum AcpiError {
    ACPI_ERROR_CONFIG,      /* builder input the spec forbids */
    ACPI_ERROR_MALFORMED,   /* parser input that is not a valid table */
} AcpiError;
GQuark acpi_error_quark(void);

/* ---- Generic: the System Description Table header (ACPI 6.5 §5.2.6) ---- */

#define ACPI_TABLE_HEADER_LEN 36u   /* bytes; the header of every SDT */
#define ACPI_SIG_LEN 4u
#define ACPI_OEM_ID_LEN 6u
#define ACPI_OEM_TABLE_ID_LEN 8u
#define ACPI_CREATOR_ID_LEN 4u

/*
 * The header fields a builder chooses.  Strings are copied into their
 * fixed-width fields, padded with spaces (ACPI leaves padding to the OEM;
 * spaces are what QEMU and most firmware use) and truncated if longer.
 */
typedef struct AcpiTableHeaderInfo {
    const char *signature;       /* exactly 4 characters, e.g. "DMAR" */
    uint8_t revision;
    const char *oem_id;          /* NULL: ACPI_DEFAULT_OEM_ID */
    const char *oem_table_id;    /* NULL: ACPI_DEFAULT_OEM_TABLE_ID */
    uint32_t oem_revision;
    const char *creator_id;      /* NULL: ACPI_DEFAULT_CREATOR_ID */
    uint32_t creator_revision;
} AcpiTableHeaderInfo;

/*
 * QEMU's q35 values, so a table whose contents agree with Debian QEMU 7.2's
 * agrees byte for byte (its linker leaves the checksum to firmware).
 */
#define ACPI_DEFAULT_OEM_ID "BOCHS"
#define ACPI_DEFAULT_OEM_TABLE_ID "BXPC"
#define ACPI_DEFAULT_OEM_REVISION 1u
#define ACPI_DEFAULT_CREATOR_ID "BXPC"
#define ACPI_DEFAULT_CREATOR_REVISION 1u

/* A header as read back from bytes (strings NUL-terminated copies). */
typedef struct AcpiTableHeader {
    char signature[ACPI_SIG_LEN + 1];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[ACPI_OEM_ID_LEN + 1];
    char oem_table_id[ACPI_OEM_TABLE_ID_LEN + 1];
    uint32_t oem_revision;
    char creator_id[ACPI_CREATOR_ID_LEN + 1];
    uint32_t creator_revision;
} AcpiTableHeader;

/* Little-endian appends; every ACPI multi-byte field is little-endian. */
void acpi_append_u8(GByteArray *b, uint8_t v);
void acpi_append_u16(GByteArray *b, uint16_t v);
void acpi_append_u32(GByteArray *b, uint32_t v);
void acpi_append_u64(GByteArray *b, uint64_t v);
void acpi_append_zeros(GByteArray *b, size_t n);
void acpi_append_bytes(GByteArray *b, const void *p, size_t n);
/* A fixed-width ASCII field: s copied, space padded, truncated to width. */
void acpi_append_fixed_str(GByteArray *b, const char *s, size_t width);

/* Overwrite already appended bytes; off + size must be within b. */
void acpi_patch_u8(GByteArray *b, size_t off, uint8_t v);
void acpi_patch_u16(GByteArray *b, size_t off, uint16_t v);
void acpi_patch_u32(GByteArray *b, size_t off, uint32_t v);

/* Little-endian reads; off + size must be within p's buffer. */
uint16_t acpi_get_u16(const uint8_t *p, size_t off);
uint32_t acpi_get_u32(const uint8_t *p, size_t off);
uint64_t acpi_get_u64(const uint8_t *p, size_t off);

/*
 * Append a header with length and checksum left 0; returns the table's
 * start offset for acpi_table_end().  A table may start anywhere in b.
 */
size_t acpi_table_begin(GByteArray *b, const AcpiTableHeaderInfo *h);
/* Patch the header's length (start to end of b) and checksum (§5.2.6). */
void acpi_table_end(GByteArray *b, size_t start);

/* The byte that makes n bytes sum to zero modulo 256 (ACPI 6.5 §5.2.6). */
uint8_t acpi_checksum(const uint8_t *p, size_t n);
/*
 * True when p holds one whole table: at least a header, the header's
 * length equal to n, and all n bytes summing to zero.
 */
bool acpi_table_checksum_ok(const uint8_t *p, size_t n);
/* Decode the header of the table in p (n bytes); checks length >= 36. */
bool acpi_table_header_parse(const uint8_t *p, size_t n, AcpiTableHeader *h,
                             GError **errp);

/* ---- DMAR: DMA Remapping Reporting table (VT-d 5.10 chapter 8) ---- */

#define ACPI_DMAR_REVISION 1u            /* VT-d 5.10 §8.1 */

/* DMAR Flags (VT-d 5.10 §8.1, byte 37). */
#define ACPI_DMAR_FLAG_INTR_REMAP 0x01u
#define ACPI_DMAR_FLAG_X2APIC_OPT_OUT 0x02u
#define ACPI_DMAR_FLAG_DMA_CTRL_PLATFORM_OPT_IN 0x04u
#define ACPI_DMAR_FLAGS_DEFINED 0x07u

/* Remapping structure types, reported in this order (VT-d 5.10 §8.2). */
typedef enum AcpiDmarStructType {
    ACPI_DMAR_TYPE_DRHD = 0,   /* §8.3 */
    ACPI_DMAR_TYPE_RMRR = 1,   /* §8.4 */
    ACPI_DMAR_TYPE_ATSR = 2,   /* §8.5 */
    ACPI_DMAR_TYPE_RHSA = 3,   /* §8.6 */
    ACPI_DMAR_TYPE_ANDD = 4,   /* §8.7 */
    ACPI_DMAR_TYPE_SATC = 5,   /* §8.8 */
    ACPI_DMAR_TYPE_SIDP = 6,   /* §8.9 */
} AcpiDmarStructType;

/* Device scope entry types (VT-d 5.10 §8.3.1). */
typedef enum AcpiDmarScopeType {
    ACPI_DMAR_SCOPE_PCI_ENDPOINT = 1,
    ACPI_DMAR_SCOPE_PCI_SUB_HIERARCHY = 2,
    ACPI_DMAR_SCOPE_IOAPIC = 3,
    ACPI_DMAR_SCOPE_MSI_CAPABLE_HPET = 4,
    ACPI_DMAR_SCOPE_ACPI_NAMESPACE_DEVICE = 5,
} AcpiDmarScopeType;

/* Device scope Flags, meaningful only inside SIDP (VT-d 5.10 §8.3.1). */
#define ACPI_DMAR_SCOPE_FLAG_REQ_WO_PASID_NESTED_NOTALLOWED 0x01u
#define ACPI_DMAR_SCOPE_FLAG_REQ_WO_PASID_PWSNP_NOTALLOWED 0x02u
#define ACPI_DMAR_SCOPE_FLAG_REQ_WO_PASID_PGSNP_NOTALLOWED 0x04u
#define ACPI_DMAR_SCOPE_FLAG_ATC_HARDENED 0x08u
#define ACPI_DMAR_SCOPE_FLAG_ATC_REQUIRED 0x10u
#define ACPI_DMAR_SCOPE_FLAGS_DEFINED 0x1fu

/* DRHD Flags bit 0 (§8.3), ATSR Flags bit 0 (§8.5), SATC Flags bit 0 (§8.8). */
#define ACPI_DMAR_DRHD_FLAG_INCLUDE_PCI_ALL 0x01u
#define ACPI_DMAR_ATSR_FLAG_ALL_PORTS 0x01u
#define ACPI_DMAR_SATC_FLAG_ATC_REQUIRED 0x01u

/* Deepest bridge path a scope entry may name here (the spec sets none). */
#define ACPI_DMAR_SCOPE_MAX_PATH 8u

typedef struct AcpiDmarPathEntry {
    uint8_t device;      /* 0..31 */
    uint8_t function;    /* 0..7 */
} AcpiDmarPathEntry;

/*
 * One device scope entry (§8.3.1).  For types 1-3 path walks from
 * start_bus through bridges; for HPET and ACPI name-space devices
 * start_bus:path[0] is the platform-assigned source-id.
 */
typedef struct AcpiDmarScope {
    AcpiDmarScopeType type;
    uint8_t flags;            /* SIDP only (ACPI_DMAR_SCOPE_FLAG_*); else 0 */
    uint8_t enumeration_id;   /* IOAPIC id, HPET number, ANDD device number */
    uint8_t start_bus;
    uint8_t path_len;         /* pairs in path, 1..ACPI_DMAR_SCOPE_MAX_PATH */
    AcpiDmarPathEntry path[ACPI_DMAR_SCOPE_MAX_PATH];
} AcpiDmarScope;

/* DMA Remapping Hardware Unit Definition (§8.3). */
typedef struct AcpiDmarDrhd {
    uint8_t flags;            /* ACPI_DMAR_DRHD_FLAG_INCLUDE_PCI_ALL */
    uint8_t size;             /* register set is 2^size 4 KiB pages (0..15) */
    uint16_t segment;
    uint64_t base;            /* aligned to the register-set size */
    const AcpiDmarScope *scopes;
    size_t n_scopes;
} AcpiDmarDrhd;

/* Reserved Memory Region Reporting (§8.4): [base, limit], 4 KiB granular. */
typedef struct AcpiDmarRmrr {
    uint16_t segment;
    uint64_t base;
    uint64_t limit;           /* last byte of the region */
    const AcpiDmarScope *scopes;   /* one or more */
    size_t n_scopes;
} AcpiDmarRmrr;

/* Root Port ATS Capability Reporting (§8.5). */
typedef struct AcpiDmarAtsr {
    uint8_t flags;            /* ACPI_DMAR_ATSR_FLAG_ALL_PORTS: no scopes */
    uint16_t segment;
    const AcpiDmarScope *scopes;   /* root ports (type 2) */
    size_t n_scopes;
} AcpiDmarAtsr;

/* Remapping Hardware Static Affinity (§8.6). */
typedef struct AcpiDmarRhsa {
    uint64_t base;            /* a DRHD's register base */
    uint32_t proximity_domain;
} AcpiDmarRhsa;

/* ACPI Name-space Device Declaration (§8.7). */
typedef struct AcpiDmarAndd {
    uint8_t device_number;    /* matched by a type-5 scope's enumeration_id */
    const char *object_name;  /* e.g. "\\_SB.I2C0"; written NUL-terminated */
} AcpiDmarAndd;

/* SoC Integrated ATC (§8.8) and SoC Integrated Device Property (§8.9). */
typedef struct AcpiDmarSatc {
    uint8_t flags;            /* ACPI_DMAR_SATC_FLAG_ATC_REQUIRED */
    uint16_t segment;
    const AcpiDmarScope *scopes;   /* RCIEPs: type 1, one path pair */
    size_t n_scopes;
} AcpiDmarSatc;

typedef struct AcpiDmarSidp {
    uint16_t segment;
    const AcpiDmarScope *scopes;   /* types 1 or 5, flags say the property */
    size_t n_scopes;
} AcpiDmarSidp;

/*
 * Everything a DMAR reports.  Structures are emitted grouped by type in
 * the order of §8.2, each group in array order.
 */
typedef struct AcpiDmarConfig {
    const AcpiTableHeaderInfo *header;  /* NULL: defaults; signature forced */
    uint8_t host_address_width;   /* bits (e.g. 39); written as HAW - 1 */
    uint8_t flags;                /* ACPI_DMAR_FLAG_* */
    const AcpiDmarDrhd *drhds;    /* one or more */
    size_t n_drhds;
    const AcpiDmarRmrr *rmrrs;
    size_t n_rmrrs;
    const AcpiDmarAtsr *atsrs;
    size_t n_atsrs;
    const AcpiDmarRhsa *rhsas;
    size_t n_rhsas;
    const AcpiDmarAndd *andds;
    size_t n_andds;
    const AcpiDmarSatc *satcs;
    size_t n_satcs;
    const AcpiDmarSidp *sidps;
    size_t n_sidps;
} AcpiDmarConfig;

/*
 * Build the DMAR for cfg.  A configuration the spec forbids (no DRHD, a
 * misaligned register base or RMRR, an INCLUDE_PCI_ALL unit not last in
 * its segment or naming PCI scopes, a bad scope path, reserved flag bits,
 * a structure longer than 64 KiB ...) fails with a message naming the
 * structure and the VT-d section; never a crash.
 */
GByteArray *acpi_build_dmar(const AcpiDmarConfig *cfg, GError **errp);
/* Check cfg without building (the same rules, the same messages). */
bool acpi_dmar_config_check(const AcpiDmarConfig *cfg, GError **errp);

/*
 * A DMAR read back from bytes.  cfg's arrays and strings are owned by the
 * AcpiDmarParsed; n_skipped counts structures of types after SIDP, which
 * software skips by their Length (§8.2).
 */
typedef struct AcpiDmarParsed {
    AcpiTableHeader header;
    AcpiDmarConfig cfg;
    size_t n_skipped;
} AcpiDmarParsed;

/*
 * Parse a whole DMAR (header length, checksum, every structure and scope
 * length checked; types must come in §8.2 order).  Malformed input fails
 * with a message giving the byte offset.
 */
AcpiDmarParsed *acpi_dmar_parse(const uint8_t *p, size_t n, GError **errp);
void acpi_dmar_parsed_free(AcpiDmarParsed *d);

/* Sizes in bytes, for callers sizing tables (§8.3.1: 6 + 2 * pairs). */
size_t acpi_dmar_scope_size(const AcpiDmarScope *s);

/* "DRHD", "RMRR" ... for a structure type, "unknown" otherwise. */
const char *acpi_dmar_struct_name(unsigned type);

/* ---- IVRS: I/O Virtualization Reporting Structure (AMD IOMMU 48882 §5.2) ---- */

/*
 * Revision 1 when only IVHD type 10h blocks are present, 2 with 11h/40h
 * (Linux and ACPICA read it that way).
 */
#define ACPI_IVRS_REVISION_FIXED 1u
#define ACPI_IVRS_REVISION_MIXED 2u
#define ACPI_IVRS_IVDB_OFFSET 48u       /* first IVHD/IVMD (§5.2.1) */

/* IVDB types (§5.2.2): hardware definition and memory definition blocks. */
#define ACPI_IVRS_IVHD_10 0x10u
#define ACPI_IVRS_IVHD_11 0x11u
#define ACPI_IVRS_IVHD_40 0x40u
#define ACPI_IVRS_IVMD_ALL 0x20u
#define ACPI_IVRS_IVMD_SELECT 0x21u
#define ACPI_IVRS_IVMD_RANGE 0x22u

/* IVMD flags (§5.2.2.4). */
#define ACPI_IVMD_FLAG_UNITY 0x01u
#define ACPI_IVMD_FLAG_IR 0x02u
#define ACPI_IVMD_FLAG_IW 0x04u
#define ACPI_IVMD_FLAG_EXCL_RANGE 0x08u

/*
 * IVHD device entries (§5.2.2.3) by what they say; the builder picks the
 * type codes and sizes (ranges become a start entry and an end entry 04h).
 */
typedef enum AcpiIvrsDevKind {
    ACPI_IVRS_DEV_ALL,          /* 01h: every device id */
    ACPI_IVRS_DEV_SELECT,       /* 02h: devid */
    ACPI_IVRS_DEV_RANGE,        /* 03h + 04h: devid..devid_last */
    ACPI_IVRS_DEV_ALIAS_SELECT, /* 42h: devid requests appear as alias */
    ACPI_IVRS_DEV_ALIAS_RANGE,  /* 43h + 04h */
    ACPI_IVRS_DEV_EXT_SELECT,   /* 46h: with the extended setting */
    ACPI_IVRS_DEV_EXT_RANGE,    /* 47h + 04h */
    ACPI_IVRS_DEV_SPECIAL_IOAPIC,   /* 48h variety 1: handle = IOAPIC id */
    ACPI_IVRS_DEV_SPECIAL_HPET,     /* 48h variety 2: handle = HPET number */
} AcpiIvrsDevKind;

typedef struct AcpiIvrsDevEntry {
    AcpiIvrsDevKind kind;
    uint16_t devid;         /* select, range start, special's source id */
    uint16_t devid_last;    /* ranges: last device id (inclusive) */
    uint16_t alias;         /* alias kinds: the source id used instead */
    uint8_t dte_setting;    /* §5.2.2.3 DTE setting byte */
    uint8_t handle;         /* special kinds */
    uint32_t ext_setting;   /* extended kinds (bit 31: ATS disabled) */
} AcpiIvrsDevEntry;

/* One IVHD (§5.2.2.1 type 10h, §5.2.2.2 types 11h and 40h). */
typedef struct AcpiIvrsIvhd {
    uint8_t type;           /* ACPI_IVRS_IVHD_10 / _11 / _40 */
    uint8_t flags;          /* HtTunEn .. PPRSup (amdvi-ivrs.h IVHD_FLAGS) */
    uint16_t device_id;     /* the IOMMU's own requester id */
    uint16_t cap_offset;    /* its capability block in config space */
    uint64_t base;          /* MMIO base */
    uint16_t segment;
    uint16_t iommu_info;    /* MSI number, UnitID */
    uint32_t feature;       /* 10h: feature reporting; 11h/40h: attributes */
    uint64_t efr;           /* 11h/40h: EFR image */
    uint64_t efr2;          /* 11h/40h: EFR2 image */
    const AcpiIvrsDevEntry *entries;
    unsigned n_entries;
} AcpiIvrsIvhd;

/* One IVMD (§5.2.2.4): unity-mapped or exclusion range. */
typedef struct AcpiIvrsIvmd {
    uint8_t type;           /* ACPI_IVRS_IVMD_ALL / _SELECT / _RANGE */
    uint8_t flags;          /* ACPI_IVMD_FLAG_* */
    uint16_t device_id;     /* SELECT: the device; RANGE: the first */
    uint16_t device_id_last;/* RANGE: the last (the block's auxiliary data) */
    uint64_t start;         /* 4 KiB aligned */
    uint64_t length;        /* bytes, a multiple of 4 KiB, > 0 */
} AcpiIvrsIvmd;

typedef struct AcpiIvrsConfig {
    const AcpiTableHeaderInfo *header;  /* NULL: defaults; signature forced;
                                           revision 0: FIXED or MIXED */
    uint32_t ivinfo;                /* amdvi-ivrs.h IVINFO fields */
    const AcpiIvrsIvhd *ivhds;      /* emitted in this order */
    unsigned n_ivhds;
    const AcpiIvrsIvmd *ivmds;      /* emitted after the IVHDs */
    unsigned n_ivmds;
} AcpiIvrsConfig;

/* NULL with ACPI_ERROR_CONFIG naming the block and field on bad input. */
GByteArray *acpi_build_ivrs(const AcpiIvrsConfig *cfg, GError **errp);
bool acpi_ivrs_config_check(const AcpiIvrsConfig *cfg, GError **errp);

/* An IVRS read back; arrays owned by it.  Device entries are merged back
 * into the kinds above (a start entry with its end entry is one range). */
typedef struct AcpiIvrsParsed {
    AcpiTableHeader header;
    AcpiIvrsConfig cfg;
    unsigned n_skipped;     /* IVDBs of unknown type, skipped by length */
} AcpiIvrsParsed;

AcpiIvrsParsed *acpi_ivrs_parse(const uint8_t *p, size_t n, GError **errp);
void acpi_ivrs_parsed_free(AcpiIvrsParsed *d);

#endif
