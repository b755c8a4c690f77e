/*
 * Unit tests: sparse guest RAM.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/memory.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)
#define TiB (1024ull * GiB)

static bool all_bytes(const uint8_t *p, size_t len, uint8_t v)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != v) {
            return false;
        }
    }
    return true;
}

START_TEST(test_ram_untouched_reads_zero_without_allocating)
{
    GuestRAM *ram = guest_ram_new(512 * MiB);
    uint8_t buf[8192];

    memset(buf, 0xaa, sizeof(buf));
    guest_ram_read(ram, 0x1234567, buf, sizeof(buf));
    ck_assert(all_bytes(buf, sizeof(buf), 0));
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 0);
    ck_assert_uint_eq(guest_ram_size(ram), 512 * MiB);
    guest_ram_free(ram);
}
END_TEST

START_TEST(test_ram_write_allocates_one_page)
{
    GuestRAM *ram = guest_ram_new(512 * MiB);
    uint32_t v = 0xdeadbeef, out = 0;

    guest_ram_write(ram, 0x100000, &v, 4);
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 1);
    guest_ram_read(ram, 0x100000, &out, 4);
    ck_assert_uint_eq(out, 0xdeadbeef);
    /* Same page again: no new allocation. */
    guest_ram_write(ram, 0x100ffc, &v, 4);
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 1);
    /* Neighbouring bytes stay zero. */
    guest_ram_read(ram, 0x100004, &out, 4);
    ck_assert_uint_eq(out, 0);
    guest_ram_free(ram);
}
END_TEST

START_TEST(test_ram_write_crossing_page_boundary)
{
    GuestRAM *ram = guest_ram_new(64 * MiB);
    uint8_t in[16], out[16];

    for (int i = 0; i < 16; i++) {
        in[i] = (uint8_t)(i + 1);
    }
    guest_ram_write(ram, 0x2ff8, in, sizeof(in));
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 2);
    guest_ram_read(ram, 0x2ff8, out, sizeof(out));
    ck_assert_mem_eq(in, out, sizeof(in));
    /* Read the two halves separately: the split is at 0x3000. */
    guest_ram_read(ram, 0x3000, out, 8);
    ck_assert_mem_eq(in + 8, out, 8);
    guest_ram_free(ram);
}
END_TEST

START_TEST(test_ram_write_crossing_2mib_chunk)
{
    GuestRAM *ram = guest_ram_new(64 * MiB);
    uint8_t in[8192], out[8192];

    for (size_t i = 0; i < sizeof(in); i++) {
        in[i] = (uint8_t)(i * 7 + 3);
    }
    guest_ram_write(ram, 2 * MiB - 4096 - 100, in, sizeof(in));
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 3);
    guest_ram_read(ram, 2 * MiB - 4096 - 100, out, sizeof(out));
    ck_assert_mem_eq(in, out, sizeof(in));
    guest_ram_free(ram);
}
END_TEST

START_TEST(test_ram_zero_write_to_untouched_page_does_not_allocate)
{
    GuestRAM *ram = guest_ram_new(64 * MiB);
    uint8_t zeros[4096] = { 0 };

    guest_ram_write(ram, 0x5000, zeros, sizeof(zeros));
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 0);
    guest_ram_free(ram);
}
END_TEST

START_TEST(test_ram_fill_zero_untouched_does_not_allocate)
{
    GuestRAM *ram = guest_ram_new(1 * TiB);

    guest_ram_fill(ram, 0, 0, 1 * TiB);
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 0);
    guest_ram_free(ram);
}
END_TEST

START_TEST(test_ram_fill_zero_clears_touched_pages)
{
    GuestRAM *ram = guest_ram_new(64 * MiB);
    uint8_t out[4];

    guest_ram_fill(ram, 0x10000, 0x5a, 3 * 4096);
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 3);
    guest_ram_read(ram, 0x11ffe, out, 4);
    ck_assert(all_bytes(out, 4, 0x5a));
    guest_ram_fill(ram, 0x10002, 0, 3 * 4096 - 4);
    guest_ram_read(ram, 0x10000, out, 4);
    ck_assert_uint_eq(out[0], 0x5a);
    ck_assert_uint_eq(out[1], 0x5a);
    ck_assert_uint_eq(out[2], 0);
    ck_assert_uint_eq(out[3], 0);
    guest_ram_read(ram, 0x12ffc, out, 4);
    ck_assert_uint_eq(out[1], 0);
    ck_assert_uint_eq(out[2], 0x5a);
    ck_assert_uint_eq(out[3], 0x5a);
    guest_ram_free(ram);
}
END_TEST

START_TEST(test_ram_fill_nonzero_allocates_each_page)
{
    GuestRAM *ram = guest_ram_new(64 * MiB);
    uint8_t buf[4096 * 4];

    guest_ram_fill(ram, 0x1800, 0xff, 0x3000);
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 4);
    guest_ram_read(ram, 0x1000, buf, sizeof(buf));
    ck_assert(all_bytes(buf, 0x800, 0));
    ck_assert(all_bytes(buf + 0x800, 0x3000, 0xff));
    ck_assert(all_bytes(buf + 0x3800, 0x800, 0));
    guest_ram_free(ram);
}
END_TEST

START_TEST(test_ram_huge_size_costs_nothing_until_touched)
{
    GuestRAM *ram = guest_ram_new(1 * TiB);
    uint64_t v = 0x0123456789abcdefull, out = 0;

    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 0);
    guest_ram_write(ram, 1 * TiB - 8, &v, 8);
    guest_ram_write(ram, 0, &v, 8);
    guest_ram_write(ram, 512 * GiB + 12345, &v, 8);
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 3);
    guest_ram_read(ram, 1 * TiB - 8, &out, 8);
    ck_assert_uint_eq(out, v);
    guest_ram_read(ram, 512 * GiB + 12345, &out, 8);
    ck_assert_uint_eq(out, v);
    guest_ram_free(ram);
}
END_TEST

START_TEST(test_ram_full_64bit_size)
{
    GuestRAM *ram = guest_ram_new(UINT64_MAX);
    uint32_t v = 0xcafef00d, out = 0;

    guest_ram_write(ram, UINT64_MAX - 8, &v, 4);
    guest_ram_read(ram, UINT64_MAX - 8, &out, 4);
    ck_assert_uint_eq(out, v);
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 1);
    guest_ram_free(ram);
}
END_TEST

START_TEST(test_ram_access_past_end_is_clamped)
{
    GuestRAM *ram = guest_ram_new(8192);
    uint8_t in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[8];

    /* Half in range: the in-range half is stored, the rest dropped. */
    guest_ram_write(ram, 8188, in, 8);
    memset(out, 0xee, sizeof(out));
    guest_ram_read(ram, 8188, out, 8);
    ck_assert_mem_eq(out, in, 4);
    ck_assert(all_bytes(out + 4, 4, 0));
    /* Entirely out of range. */
    guest_ram_write(ram, 1 * GiB, in, 8);
    memset(out, 0xee, sizeof(out));
    guest_ram_read(ram, UINT64_MAX - 2, out, 8);
    ck_assert(all_bytes(out, 8, 0));
    guest_ram_fill(ram, 8000, 0x11, 1000);
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 1);
    guest_ram_free(ram);
}
END_TEST

START_TEST(test_ram_zero_size_and_free_null)
{
    GuestRAM *ram = guest_ram_new(0);
    uint8_t out = 0x55;

    guest_ram_read(ram, 0, &out, 1);
    ck_assert_uint_eq(out, 0);
    guest_ram_write(ram, 0, &out, 1);
    ck_assert_uint_eq(guest_ram_pages_allocated(ram), 0);
    guest_ram_free(ram);
    guest_ram_free(NULL);
}
END_TEST

/* Random writes checked against a flat shadow copy. */
START_TEST(test_ram_random_writes_match_flat_model)
{
    const size_t size = 4 * MiB;
    GuestRAM *ram = guest_ram_new(size);
    uint8_t *shadow = calloc(1, size), *out = malloc(size);
    uint32_t seed = 12345;

    for (int i = 0; i < 2000; i++) {
        uint8_t chunk[300];
        seed = seed * 1103515245 + 12345;
        size_t off = seed % (size - sizeof(chunk));
        size_t len = (seed >> 8) % sizeof(chunk);
        for (size_t j = 0; j < len; j++) {
            chunk[j] = (uint8_t)(seed >> (j % 24));
        }
        guest_ram_write(ram, off, chunk, len);
        memcpy(shadow + off, chunk, len);
    }
    guest_ram_read(ram, 0, out, size);
    ck_assert_mem_eq(out, shadow, size);
    free(shadow);
    free(out);
    guest_ram_free(ram);
}
END_TEST

static Suite *ram_suite(void)
{
    Suite *s = suite_create("ram");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_ram_untouched_reads_zero_without_allocating);
    tcase_add_test(tc, test_ram_write_allocates_one_page);
    tcase_add_test(tc, test_ram_write_crossing_page_boundary);
    tcase_add_test(tc, test_ram_write_crossing_2mib_chunk);
    tcase_add_test(tc, test_ram_zero_write_to_untouched_page_does_not_allocate);
    tcase_add_test(tc, test_ram_fill_zero_untouched_does_not_allocate);
    tcase_add_test(tc, test_ram_fill_zero_clears_touched_pages);
    tcase_add_test(tc, test_ram_fill_nonzero_allocates_each_page);
    tcase_add_test(tc, test_ram_huge_size_costs_nothing_until_touched);
    tcase_add_test(tc, test_ram_full_64bit_size);
    tcase_add_test(tc, test_ram_access_past_end_is_clamped);
    tcase_add_test(tc, test_ram_zero_size_and_free_null);
    tcase_add_test(tc, test_ram_random_writes_match_flat_model);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ram_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
