/*
 * Generic ACPI table building: little-endian appends and patches, the
 * System Description Table header and its checksum (ACPI 6.5 §5.2.6).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/acpi.h"

G_DEFINE_QUARK(acpi-error-quark, acpi_error)

/* Byte offsets in the SDT header (ACPI 6.5 §5.2.6, Table 5.4). */
enum {
    ACPI_HDR_SIGNATURE = 0,
    ACPI_HDR_LENGTH = 4,
    ACPI_HDR_REVISION = 8,
    ACPI_HDR_CHECKSUM = 9,
    ACPI_HDR_OEM_ID = 10,
    ACPI_HDR_OEM_TABLE_ID = 16,
    ACPI_HDR_OEM_REVISION = 24,
    ACPI_HDR_CREATOR_ID = 28,
    ACPI_HDR_CREATOR_REVISION = 32,
};

static void acpi_append_le(GByteArray *b, uint64_t v, unsigned size)
{
    uint8_t bytes[8];

    for (unsigned i = 0; i < size; i++) {
        bytes[i] = (uint8_t)(v >> (8 * i));
    }
    g_byte_array_append(b, bytes, size);
}

void acpi_append_u8(GByteArray *b, uint8_t v)
{
    acpi_append_le(b, v, 1);
}

void acpi_append_u16(GByteArray *b, uint16_t v)
{
    acpi_append_le(b, v, 2);
}

void acpi_append_u32(GByteArray *b, uint32_t v)
{
    acpi_append_le(b, v, 4);
}

void acpi_append_u64(GByteArray *b, uint64_t v)
{
    acpi_append_le(b, v, 8);
}

void acpi_append_zeros(GByteArray *b, size_t n)
{
    size_t old = b->len;

    if (n == 0) {
        return; /* an empty array may have no buffer to memset */
    }
    g_byte_array_set_size(b, old + n);
    memset(b->data + old, 0, n);
}

void acpi_append_bytes(GByteArray *b, const void *p, size_t n)
{
    g_byte_array_append(b, p, n);
}

void acpi_append_fixed_str(GByteArray *b, const char *s, size_t width)
{
    size_t len = s ? strnlen(s, width) : 0;

    g_byte_array_append(b, (const uint8_t *)s, len);
    for (size_t i = len; i < width; i++) {
        acpi_append_u8(b, ' ');
    }
}

static void acpi_patch_le(GByteArray *b, size_t off, uint64_t v,
                          unsigned size)
{
    g_assert(off <= b->len && size <= b->len - off);
    for (unsigned i = 0; i < size; i++) {
        b->data[off + i] = (uint8_t)(v >> (8 * i));
    }
}

void acpi_patch_u8(GByteArray *b, size_t off, uint8_t v)
{
    acpi_patch_le(b, off, v, 1);
}

void acpi_patch_u16(GByteArray *b, size_t off, uint16_t v)
{
    acpi_patch_le(b, off, v, 2);
}

void acpi_patch_u32(GByteArray *b, size_t off, uint32_t v)
{
    acpi_patch_le(b, off, v, 4);
}

static uint64_t acpi_get_le(const uint8_t *p, size_t off, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[off + i] << (8 * i);
    }
    return v;
}

uint16_t acpi_get_u16(const uint8_t *p, size_t off)
{
    return (uint16_t)acpi_get_le(p, off, 2);
}

uint32_t acpi_get_u32(const uint8_t *p, size_t off)
{
    return (uint32_t)acpi_get_le(p, off, 4);
}

uint64_t acpi_get_u64(const uint8_t *p, size_t off)
{
    return acpi_get_le(p, off, 8);
}

size_t acpi_table_begin(GByteArray *b, const AcpiTableHeaderInfo *h)
{
    size_t start = b->len;

    acpi_append_fixed_str(b, h->signature, ACPI_SIG_LEN);
    acpi_append_u32(b, 0);                  /* Length: acpi_table_end */
    acpi_append_u8(b, h->revision);
    acpi_append_u8(b, 0);                   /* Checksum: acpi_table_end */
    acpi_append_fixed_str(b, h->oem_id ? h->oem_id : ACPI_DEFAULT_OEM_ID,
                          ACPI_OEM_ID_LEN);
    acpi_append_fixed_str(b, h->oem_table_id ? h->oem_table_id
                                             : ACPI_DEFAULT_OEM_TABLE_ID,
                          ACPI_OEM_TABLE_ID_LEN);
    acpi_append_u32(b, h->oem_revision);
    acpi_append_fixed_str(b, h->creator_id ? h->creator_id
                                           : ACPI_DEFAULT_CREATOR_ID,
                          ACPI_CREATOR_ID_LEN);
    acpi_append_u32(b, h->creator_revision);
    g_assert(b->len - start == ACPI_TABLE_HEADER_LEN);
    return start;
}

void acpi_table_end(GByteArray *b, size_t start)
{
    size_t len = b->len - start;

    g_assert(start <= b->len && len >= ACPI_TABLE_HEADER_LEN &&
             len <= UINT32_MAX);
    acpi_patch_u32(b, start + ACPI_HDR_LENGTH, (uint32_t)len);
    acpi_patch_u8(b, start + ACPI_HDR_CHECKSUM, 0);
    acpi_patch_u8(b, start + ACPI_HDR_CHECKSUM,
                  acpi_checksum(b->data + start, len));
}

uint8_t acpi_checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < n; i++) {
        sum = (uint8_t)(sum + p[i]);
    }
    return (uint8_t)(0x100 - sum);
}

bool acpi_table_checksum_ok(const uint8_t *p, size_t n)
{
    if (!p || n < ACPI_TABLE_HEADER_LEN ||
        acpi_get_u32(p, ACPI_HDR_LENGTH) != n) {
        return false;
    }
    return acpi_checksum(p, n) == 0;
}

static void acpi_copy_field(char *dst, const uint8_t *src, size_t width)
{
    memcpy(dst, src, width);
    dst[width] = '\0';
}

bool acpi_table_header_parse(const uint8_t *p, size_t n, AcpiTableHeader *h,
                             GError **errp)
{
    if (!p || n < ACPI_TABLE_HEADER_LEN) {
        g_set_error(errp, ACPI_ERROR, ACPI_ERROR_MALFORMED,
                    "ACPI table: %zu bytes, shorter than the %u-byte header "
                    "(ACPI 6.5 §5.2.6)", n, ACPI_TABLE_HEADER_LEN);
        return false;
    }
    memset(h, 0, sizeof(*h));
    acpi_copy_field(h->signature, p + ACPI_HDR_SIGNATURE, ACPI_SIG_LEN);
    h->length = acpi_get_u32(p, ACPI_HDR_LENGTH);
    h->revision = p[ACPI_HDR_REVISION];
    h->checksum = p[ACPI_HDR_CHECKSUM];
    acpi_copy_field(h->oem_id, p + ACPI_HDR_OEM_ID, ACPI_OEM_ID_LEN);
    acpi_copy_field(h->oem_table_id, p + ACPI_HDR_OEM_TABLE_ID,
                    ACPI_OEM_TABLE_ID_LEN);
    h->oem_revision = acpi_get_u32(p, ACPI_HDR_OEM_REVISION);
    acpi_copy_field(h->creator_id, p + ACPI_HDR_CREATOR_ID,
                    ACPI_CREATOR_ID_LEN);
    h->creator_revision = acpi_get_u32(p, ACPI_HDR_CREATOR_REVISION);
    if (h->length < ACPI_TABLE_HEADER_LEN) {
        g_set_error(errp, ACPI_ERROR, ACPI_ERROR_MALFORMED,
                    "ACPI table %s: header length %u is shorter than the "
                    "header itself", h->signature, h->length);
        return false;
    }
    return true;
}
