/*
 * Unit tests: memory regions, MMIO dispatch and address-space accesses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/memory.h"

#define MAX_LOG 64

/* An MMIO device that logs every callback and reads back a pattern. */
typedef struct LogDev {
    unsigned n;
    struct {
        bool write;
        uint64_t addr;
        uint64_t data;
        unsigned size;
        MemTxAttrs attrs;
    } log[MAX_LOG];
    uint64_t pattern_base;   /* read value = pattern_base + addr */
} LogDev;

static void logdev_record(LogDev *d, bool write, uint64_t addr, uint64_t data,
                          unsigned size, MemTxAttrs attrs)
{
    if (d->n < MAX_LOG) {
        d->log[d->n].write = write;
        d->log[d->n].addr = addr;
        d->log[d->n].data = data;
        d->log[d->n].size = size;
        d->log[d->n].attrs = attrs;
    }
    d->n++;
}

/* Each byte of a read is its own address: easy to check shifts. */
static uint64_t logdev_value(uint64_t addr, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)((addr + i) & 0xff) << (i * 8);
    }
    return v;
}

static uint64_t logdev_read(void *opaque, uint64_t addr, unsigned size)
{
    logdev_record(opaque, false, addr, 0, size, MEMTXATTRS_UNSPECIFIED);
    return logdev_value(addr, size);
}

static void logdev_write(void *opaque, uint64_t addr, uint64_t data,
                         unsigned size)
{
    logdev_record(opaque, true, addr, data, size, MEMTXATTRS_UNSPECIFIED);
}

static MemTxResult logdev_read_attrs(void *opaque, uint64_t addr,
                                     uint64_t *data, unsigned size,
                                     MemTxAttrs attrs)
{
    logdev_record(opaque, false, addr, 0, size, attrs);
    *data = logdev_value(addr, size);
    return addr == 0xbad ? MEMTX_ERROR : MEMTX_OK;
}

static MemTxResult logdev_write_attrs(void *opaque, uint64_t addr,
                                      uint64_t data, unsigned size,
                                      MemTxAttrs attrs)
{
    logdev_record(opaque, true, addr, data, size, attrs);
    return MEMTX_OK;
}

static const MemoryRegionOps ops_default = {
    .read = logdev_read, .write = logdev_write,
};

static const MemoryRegionOps ops_dword_only = {
    .read = logdev_read, .write = logdev_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

static const MemoryRegionOps ops_impl_dword = {
    .read = logdev_read, .write = logdev_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static const MemoryRegionOps ops_impl_byte = {
    .read = logdev_read, .write = logdev_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps ops_qword = {
    .read = logdev_read, .write = logdev_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

static const MemoryRegionOps ops_attrs = {
    .read_with_attrs = logdev_read_attrs,
    .write_with_attrs = logdev_write_attrs,
};

static const MemoryRegionOps ops_unaligned = {
    .read = logdev_read, .write = logdev_write,
    .valid = { .min_access_size = 1, .max_access_size = 4,
               .unaligned = true },
    .impl = { .unaligned = true },
};

/* A machine-like fixture: 2^64 root, 1 MiB RAM at 0, MMIO at 0x10000000. */
typedef struct Fixture {
    GuestRAM *ram;
    MemoryRegion root, ram_mr, io;
    AddressSpace as;
    LogDev dev;
} Fixture;

static void fixture_init(Fixture *f, const MemoryRegionOps *ops)
{
    memset(f, 0, sizeof(*f));
    f->ram = guest_ram_new(1 << 20);
    memory_region_init_container(&f->root, "root", MEMORY_REGION_SIZE_2_64);
    memory_region_init_ram(&f->ram_mr, f->ram, 0, "ram", 1 << 20);
    memory_region_init_io(&f->io, ops, &f->dev, "io", 0x1000);
    memory_region_add_subregion(&f->root, 0, &f->ram_mr);
    memory_region_add_subregion(&f->root, 0x10000000, &f->io);
    address_space_init(&f->as, &f->root, "memory");
}

static void fixture_fini(Fixture *f)
{
    address_space_destroy(&f->as);
    memory_region_del_subregion(&f->root, &f->io);
    memory_region_del_subregion(&f->root, &f->ram_mr);
    memory_region_destroy(&f->io);
    memory_region_destroy(&f->ram_mr);
    memory_region_destroy(&f->root);
    guest_ram_free(f->ram);
}

/* ---- dispatch: valid and impl rules ------------------------------------ */

START_TEST(test_memory_dispatch_default_dword)
{
    Fixture f;
    uint64_t v = 0;

    fixture_init(&f, &ops_default);
    ck_assert_uint_eq(memory_region_dispatch_read(&f.io, 0x10, &v, 4,
                                                  MEMTXATTRS_UNSPECIFIED),
                      MEMTX_OK);
    ck_assert_uint_eq(f.dev.n, 1);
    ck_assert_uint_eq(f.dev.log[0].size, 4);
    ck_assert_uint_eq(v, 0x13121110);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_dispatch_qword_split_by_default_impl)
{
    Fixture f;
    uint64_t v = 0;

    fixture_init(&f, &ops_default);
    /* valid.max 0 accepts any size (QEMU); impl.max defaults to 4. */
    ck_assert_uint_eq(memory_region_dispatch_read(&f.io, 0x20, &v, 8,
                                                  MEMTXATTRS_UNSPECIFIED),
                      MEMTX_OK);
    ck_assert_uint_eq(f.dev.n, 2);
    ck_assert_uint_eq(f.dev.log[0].addr, 0x20);
    ck_assert_uint_eq(f.dev.log[1].addr, 0x24);
    ck_assert_uint_eq(v, 0x2726252423222120ull);
    memory_region_dispatch_write(&f.io, 0x40, 0x1122334455667788ull, 8,
                                 MEMTXATTRS_UNSPECIFIED);
    ck_assert_uint_eq(f.dev.log[2].data, 0x55667788);
    ck_assert_uint_eq(f.dev.log[3].addr, 0x44);
    ck_assert_uint_eq(f.dev.log[3].data, 0x11223344);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_dispatch_invalid_size_reads_zero)
{
    Fixture f;
    uint64_t v = 0x55;

    fixture_init(&f, &ops_dword_only);
    ck_assert_uint_eq(memory_region_dispatch_read(&f.io, 0x10, &v, 1,
                                                  MEMTXATTRS_UNSPECIFIED),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(memory_region_dispatch_write(&f.io, 0x10, 1, 2,
                                                   MEMTXATTRS_UNSPECIFIED),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(memory_region_dispatch_read(&f.io, 0x10, &v, 8,
                                                  MEMTXATTRS_UNSPECIFIED),
                      MEMTX_DECODE_ERROR);
    /* Sizes other than 1, 2, 4, 8 are never valid. */
    ck_assert_uint_eq(memory_region_dispatch_read(&f.io, 0x10, &v, 3,
                                                  MEMTXATTRS_UNSPECIFIED),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(f.dev.n, 0);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_dispatch_misaligned_rejected)
{
    Fixture f;
    uint64_t v = 0x55;

    fixture_init(&f, &ops_default);
    ck_assert_uint_eq(memory_region_dispatch_read(&f.io, 0x11, &v, 4,
                                                  MEMTXATTRS_UNSPECIFIED),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(f.dev.n, 0);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_dispatch_unaligned_allowed)
{
    Fixture f;
    uint64_t v = 0;

    fixture_init(&f, &ops_unaligned);
    ck_assert_uint_eq(memory_region_dispatch_read(&f.io, 0x11, &v, 4,
                                                  MEMTXATTRS_UNSPECIFIED),
                      MEMTX_OK);
    ck_assert_uint_eq(f.dev.n, 1);
    ck_assert_uint_eq(f.dev.log[0].addr, 0x11);
    ck_assert_uint_eq(v, 0x14131211);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_dispatch_narrow_read_widened_and_shifted)
{
    Fixture f;
    uint64_t v = 0;

    fixture_init(&f, &ops_impl_dword);
    ck_assert_uint_eq(memory_region_dispatch_read(&f.io, 0x12, &v, 1,
                                                  MEMTXATTRS_UNSPECIFIED),
                      MEMTX_OK);
    ck_assert_uint_eq(f.dev.n, 1);
    ck_assert_uint_eq(f.dev.log[0].addr, 0x10);
    ck_assert_uint_eq(f.dev.log[0].size, 4);
    ck_assert_uint_eq(v, 0x12);
    memory_region_dispatch_read(&f.io, 0x16, &v, 2, MEMTXATTRS_UNSPECIFIED);
    ck_assert_uint_eq(f.dev.log[1].addr, 0x14);
    ck_assert_uint_eq(v, 0x1716);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_dispatch_narrow_write_widened_and_shifted)
{
    Fixture f;

    fixture_init(&f, &ops_impl_dword);
    memory_region_dispatch_write(&f.io, 0x13, 0xab, 1,
                                 MEMTXATTRS_UNSPECIFIED);
    ck_assert_uint_eq(f.dev.n, 1);
    ck_assert_uint_eq(f.dev.log[0].addr, 0x10);
    ck_assert_uint_eq(f.dev.log[0].size, 4);
    ck_assert_uint_eq(f.dev.log[0].data, 0xab000000);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_dispatch_wide_write_split_little_endian)
{
    Fixture f;

    fixture_init(&f, &ops_impl_byte);
    memory_region_dispatch_write(&f.io, 0x20, 0x44332211, 4,
                                 MEMTXATTRS_UNSPECIFIED);
    ck_assert_uint_eq(f.dev.n, 4);
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_uint_eq(f.dev.log[i].addr, 0x20 + i);
        ck_assert_uint_eq(f.dev.log[i].size, 1);
        ck_assert_uint_eq(f.dev.log[i].data, 0x11 * (i + 1));
    }
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_dispatch_with_attrs_sees_requester)
{
    Fixture f;
    uint64_t v;

    fixture_init(&f, &ops_attrs);
    memory_region_dispatch_write(&f.io, 0x8, 7, 4,
                                 memtxattrs_for_requester(0x0810));
    ck_assert_uint_eq(f.dev.log[0].attrs.requester_id, 0x0810);
    ck_assert(!f.dev.log[0].attrs.unspecified);
    /* The device's own error result comes back. */
    ck_assert_uint_eq(memory_region_dispatch_read(&f.io, 0xbad, &v, 1,
                                                  MEMTXATTRS_UNSPECIFIED),
                      MEMTX_ERROR);
    fixture_fini(&f);
}
END_TEST

/* ---- address_space_rw: MMIO splitting ---------------------------------- */

START_TEST(test_memory_as_mmio_split_widest_aligned)
{
    Fixture f;
    uint8_t buf[8];

    fixture_init(&f, &ops_default);
    /* 8 bytes, valid.max 4 by default: two dwords. */
    ck_assert_uint_eq(address_space_read(&f.as, 0x10000020,
                                         MEMTXATTRS_UNSPECIFIED, buf, 8),
                      MEMTX_OK);
    ck_assert_uint_eq(f.dev.n, 2);
    ck_assert_uint_eq(f.dev.log[0].size, 4);
    ck_assert_uint_eq(f.dev.log[1].addr, 0x24);
    for (int i = 0; i < 8; i++) {
        ck_assert_uint_eq(buf[i], 0x20 + i);
    }
    /* 7 bytes at an odd address: 1, 2, 4 by alignment. */
    f.dev.n = 0;
    address_space_read(&f.as, 0x10000031, MEMTXATTRS_UNSPECIFIED, buf, 7);
    ck_assert_uint_eq(f.dev.n, 3);
    ck_assert_uint_eq(f.dev.log[0].size, 1);
    ck_assert_uint_eq(f.dev.log[1].addr, 0x32);
    ck_assert_uint_eq(f.dev.log[1].size, 2);
    ck_assert_uint_eq(f.dev.log[2].addr, 0x34);
    ck_assert_uint_eq(f.dev.log[2].size, 4);
    /* 3 bytes at an aligned address: 2 then 1 (power of two). */
    f.dev.n = 0;
    address_space_read(&f.as, 0x10000040, MEMTXATTRS_UNSPECIFIED, buf, 3);
    ck_assert_uint_eq(f.dev.n, 2);
    ck_assert_uint_eq(f.dev.log[0].size, 2);
    ck_assert_uint_eq(f.dev.log[1].size, 1);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_as_mmio_qword_single_access)
{
    Fixture f;
    uint64_t v = 0;

    fixture_init(&f, &ops_qword);
    ck_assert_uint_eq(address_space_st_le(&f.as, 0x10000008, 8,
                                          0x8877665544332211ull,
                                          MEMTXATTRS_UNSPECIFIED),
                      MEMTX_OK);
    ck_assert_uint_eq(f.dev.n, 1);
    ck_assert_uint_eq(f.dev.log[0].size, 8);
    ck_assert_uint_eq(f.dev.log[0].data, 0x8877665544332211ull);
    address_space_ld_le(&f.as, 0x10000008, 8, &v, MEMTXATTRS_UNSPECIFIED);
    ck_assert_uint_eq(v, 0x0f0e0d0c0b0a0908ull);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_as_mmio_invalid_piece_reads_zero)
{
    Fixture f;
    uint8_t buf[4];

    fixture_init(&f, &ops_dword_only);
    memset(buf, 0xee, sizeof(buf));
    /* A 2-byte access to a dword-only device: dropped, reads 0. */
    ck_assert_uint_eq(address_space_read(&f.as, 0x10000010,
                                         MEMTXATTRS_UNSPECIFIED, buf, 2),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(buf[0], 0);
    ck_assert_uint_eq(buf[1], 0);
    ck_assert_uint_eq(f.dev.n, 0);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_as_mmio_set_repeats_byte)
{
    Fixture f;

    fixture_init(&f, &ops_default);
    ck_assert_uint_eq(address_space_set(&f.as, 0x10000100,
                                        MEMTXATTRS_UNSPECIFIED, 0x5a, 6),
                      MEMTX_OK);
    ck_assert_uint_eq(f.dev.n, 2);
    ck_assert_uint_eq(f.dev.log[0].size, 4);
    ck_assert_uint_eq(f.dev.log[0].data, 0x5a5a5a5a);
    ck_assert_uint_eq(f.dev.log[1].size, 2);
    ck_assert_uint_eq(f.dev.log[1].data, 0x5a5a);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_as_passes_attrs_to_mmio)
{
    Fixture f;
    uint32_t v = 0;

    fixture_init(&f, &ops_attrs);
    address_space_write(&f.as, 0x10000000, memtxattrs_for_requester(0x18),
                        &v, 4);
    ck_assert_uint_eq(f.dev.log[0].attrs.requester_id, 0x18);
    fixture_fini(&f);
}
END_TEST

/* ---- address_space_rw: RAM, ROM, unassigned ---------------------------- */

START_TEST(test_memory_as_ram_roundtrip_and_ld_st)
{
    Fixture f;
    uint64_t v = 0;

    fixture_init(&f, &ops_default);
    for (unsigned size = 1; size <= 8; size *= 2) {
        uint64_t val = 0x8877665544332211ull >> (64 - size * 8);
        ck_assert_uint_eq(address_space_st_le(&f.as, 0x2000 + size, size, val,
                                              MEMTXATTRS_UNSPECIFIED),
                          MEMTX_OK);
        ck_assert_uint_eq(address_space_ld_le(&f.as, 0x2000 + size, size, &v,
                                              MEMTXATTRS_UNSPECIFIED),
                          MEMTX_OK);
        ck_assert_uint_eq(v, val);
    }
    ck_assert_uint_eq(address_space_ld_le(&f.as, 0, 3, &v,
                                          MEMTXATTRS_UNSPECIFIED),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(address_space_st_le(&f.as, 0, 16, 0,
                                          MEMTXATTRS_UNSPECIFIED),
                      MEMTX_DECODE_ERROR);
    /* Little-endian in memory. */
    uint8_t b[4];
    address_space_st_le(&f.as, 0x3000, 4, 0xa1b2c3d4, MEMTXATTRS_UNSPECIFIED);
    guest_ram_read(f.ram, 0x3000, b, 4);
    ck_assert_uint_eq(b[0], 0xd4);
    ck_assert_uint_eq(b[3], 0xa1);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_as_unassigned_reads_zero_decode_error)
{
    Fixture f;
    uint8_t buf[16];
    MemTxInfo info;

    fixture_init(&f, &ops_default);
    memset(buf, 0xee, sizeof(buf));
    ck_assert_uint_eq(address_space_rw(&f.as, 0x20000000,
                                       MEMTXATTRS_UNSPECIFIED, buf, 16, false,
                                       &info),
                      MEMTX_DECODE_ERROR);
    for (int i = 0; i < 16; i++) {
        ck_assert_uint_eq(buf[i], 0);
    }
    ck_assert_uint_eq(info.done, 16);
    ck_assert(!info.faulted);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_as_access_spanning_ram_end)
{
    Fixture f;
    uint8_t buf[8];

    fixture_init(&f, &ops_default);
    guest_ram_fill(f.ram, 0xffffc, 0x77, 4);
    memset(buf, 0xee, sizeof(buf));
    /* RAM ends at 1 MiB: four bytes of RAM then four unassigned. */
    ck_assert_uint_eq(address_space_read(&f.as, 0xffffc,
                                         MEMTXATTRS_UNSPECIFIED, buf, 8),
                      MEMTX_DECODE_ERROR);
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(buf[i], 0x77);
        ck_assert_uint_eq(buf[i + 4], 0);
    }
    /* A write spanning the end stores the RAM part. */
    uint8_t in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    ck_assert_uint_eq(address_space_write(&f.as, 0xffffc,
                                          MEMTXATTRS_UNSPECIFIED, in, 8),
                      MEMTX_DECODE_ERROR);
    guest_ram_read(f.ram, 0xffffc, buf, 4);
    ck_assert_mem_eq(buf, in, 4);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_rom_reads_data_ignores_writes)
{
    Fixture f;
    MemoryRegion rom;
    const uint8_t image[4] = { 0xf4, 0xf4, 0x90, 0xeb };
    uint8_t buf[8];
    uint32_t v = 0x12345678;

    fixture_init(&f, &ops_default);
    memory_region_init_rom(&rom, "bios", 0x10000, image, sizeof(image));
    memory_region_add_subregion(&f.root, 0xffff0000, &rom);
    ck_assert_uint_eq(address_space_read(&f.as, 0xffff0000,
                                         MEMTXATTRS_UNSPECIFIED, buf, 8),
                      MEMTX_OK);
    ck_assert_mem_eq(buf, image, 4);
    ck_assert_uint_eq(buf[4], 0);   /* zero padded */
    ck_assert_uint_eq(address_space_write(&f.as, 0xffff0000,
                                          MEMTXATTRS_UNSPECIFIED, &v, 4),
                      MEMTX_OK);
    address_space_read(&f.as, 0xffff0000, MEMTXATTRS_UNSPECIFIED, buf, 4);
    ck_assert_mem_eq(buf, image, 4);
    /* The last bytes of the ROM, just below 4 GiB. */
    ck_assert_uint_eq(address_space_read(&f.as, 0xfffffffc,
                                         MEMTXATTRS_UNSPECIFIED, buf, 4),
                      MEMTX_OK);
    /* Growing keeps the contents. */
    memory_region_set_size(&rom, 0x20000);
    address_space_read(&f.as, 0xffff0000, MEMTXATTRS_UNSPECIFIED, buf, 4);
    ck_assert_mem_eq(buf, image, 4);
    memory_region_del_subregion(&f.root, &rom);
    memory_region_destroy(&rom);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_ram_dispatch_direct)
{
    Fixture f;
    uint64_t v = 0;

    fixture_init(&f, &ops_default);
    guest_ram_write(f.ram, 0x100, "\x11\x22\x33\x44", 4);
    ck_assert_uint_eq(memory_region_dispatch_read(&f.ram_mr, 0x100, &v, 4,
                                                  MEMTXATTRS_UNSPECIFIED),
                      MEMTX_OK);
    ck_assert_uint_eq(v, 0x44332211);
    memory_region_dispatch_write(&f.root, 0x104, 0xabcd, 2,
                                 MEMTXATTRS_UNSPECIFIED);
    memory_region_dispatch_read(&f.ram_mr, 0x104, &v, 2,
                                MEMTXATTRS_UNSPECIFIED);
    ck_assert_uint_eq(v, 0xabcd);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_memory_ram_region_with_backing_offset)
{
    GuestRAM *ram = guest_ram_new(0x10000);
    MemoryRegion root, lo, hi;
    AddressSpace as;
    uint8_t buf[8];

    memory_region_init_container(&root, "root", MEMORY_REGION_SIZE_2_64);
    /* Two windows onto one backing store, as q35's split below 4 GiB. */
    memory_region_init_ram(&lo, ram, 0, "lo", 0x8000);
    memory_region_init_ram(&hi, ram, 0x8000, "hi", 0x8000);
    memory_region_add_subregion(&root, 0, &lo);
    memory_region_add_subregion(&root, 0x100000000ull, &hi);
    address_space_init(&as, &root, "m");
    guest_ram_write(ram, 0x8000, "ABCDEFGH", 8);
    address_space_read(&as, 0x100000000ull, MEMTXATTRS_UNSPECIFIED, buf, 8);
    ck_assert_mem_eq(buf, "ABCDEFGH", 8);
    address_space_write(&as, 0x7ffc, MEMTXATTRS_UNSPECIFIED, "wxyz", 4);
    guest_ram_read(ram, 0x7ffc, buf, 4);
    ck_assert_mem_eq(buf, "wxyz", 4);
    memory_region_destroy(&lo);
    memory_region_destroy(&hi);
    memory_region_destroy(&root);
    address_space_destroy(&as);
    guest_ram_free(ram);
}
END_TEST


static Suite *memory_suite(void)
{
    Suite *s = suite_create("memory");
    TCase *d = tcase_create("dispatch");
    TCase *a = tcase_create("address_space");

    tcase_add_test(d, test_memory_dispatch_default_dword);
    tcase_add_test(d, test_memory_dispatch_qword_split_by_default_impl);
    tcase_add_test(d, test_memory_dispatch_invalid_size_reads_zero);
    tcase_add_test(d, test_memory_dispatch_misaligned_rejected);
    tcase_add_test(d, test_memory_dispatch_unaligned_allowed);
    tcase_add_test(d, test_memory_dispatch_narrow_read_widened_and_shifted);
    tcase_add_test(d, test_memory_dispatch_narrow_write_widened_and_shifted);
    tcase_add_test(d, test_memory_dispatch_wide_write_split_little_endian);
    tcase_add_test(d, test_memory_dispatch_with_attrs_sees_requester);
    tcase_add_test(a, test_memory_as_mmio_split_widest_aligned);
    tcase_add_test(a, test_memory_as_mmio_qword_single_access);
    tcase_add_test(a, test_memory_as_mmio_invalid_piece_reads_zero);
    tcase_add_test(a, test_memory_as_mmio_set_repeats_byte);
    tcase_add_test(a, test_memory_as_passes_attrs_to_mmio);
    tcase_add_test(a, test_memory_as_ram_roundtrip_and_ld_st);
    tcase_add_test(a, test_memory_as_unassigned_reads_zero_decode_error);
    tcase_add_test(a, test_memory_as_access_spanning_ram_end);
    tcase_add_test(a, test_memory_rom_reads_data_ignores_writes);
    tcase_add_test(a, test_memory_ram_dispatch_direct);
    tcase_add_test(a, test_memory_ram_region_with_backing_offset);
    suite_add_tcase(s, d);
    suite_add_tcase(s, a);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(memory_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
