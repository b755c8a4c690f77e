/*
 * Unit tests: the IOMMU translate interface and DMA through IOMMU
 * regions, including zero-length requests.  The test IOMMU is in
 * test-iommu-fixture.h; notifiers, replay and per-requester spaces are in
 * test-iommu-notify.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/iommu.h"
#include "iommu-sim/memory.h"
#include "iommu-sim/msi.h"
#include "test-iommu-fixture.h"

/* ---- translation through an address space ------------------------------ */

START_TEST(test_iommu_identity_write_reaches_ram)
{
    Fixture f;
    MemTxInfo info;
    uint32_t v = 0xfeedface, out = 0;

    fixture_init(&f, MODE_IDENTITY);
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x4000, dev_attrs, &v, 4,
                                       true, &info),
                      MEMTX_OK);
    guest_ram_read(f.ram, 0x4000, &out, 4);
    ck_assert_uint_eq(out, 0xfeedface);
    ck_assert_uint_eq(info.done, 4);
    ck_assert_uint_eq(info.translations, 1);
    ck_assert_uint_eq(info.cost_cycles, 10);
    ck_assert_uint_eq(info.cost_ns, 3);
    ck_assert(!info.faulted);
    ck_assert_uint_eq(f.iommu.calls[0].access, IOMMU_WO);
    ck_assert_uint_eq(f.iommu.calls[0].attrs.requester_id, 0x0010);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_offset_read_is_redirected)
{
    Fixture f;
    uint64_t v = 0;

    fixture_init(&f, MODE_OFFSET);
    guest_ram_write(f.ram, TEST_OFFSET + 0x1234, "\x01\x02\x03\x04", 4);
    ck_assert_uint_eq(address_space_ld_le(&f.dma_as, 0x1234, 4, &v,
                                          dev_attrs),
                      MEMTX_OK);
    ck_assert_uint_eq(v, 0x04030201);
    ck_assert_uint_eq(f.iommu.calls[0].access, IOMMU_RO);
    ck_assert_uint_eq(f.iommu.calls[0].iova, 0x1234);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_always_fault_denies_access)
{
    Fixture f;
    MemTxInfo info;
    uint8_t buf[16];

    fixture_init(&f, MODE_FAULT);
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x8010, dev_attrs, buf, 16,
                                       false, &info),
                      MEMTX_ACCESS_DENIED);
    ck_assert(info.faulted);
    ck_assert_uint_eq(info.done, 0);
    ck_assert_uint_eq(info.fault_code, TEST_FAULT_CODE);
    ck_assert_str_eq(info.fault_name, "test fault");
    ck_assert_uint_eq(info.fault_addr, 0x8010);
    ck_assert_uint_eq(info.translations, 1);
    /* Stopped at the first fault: no second translate. */
    ck_assert_uint_eq(f.iommu.n_calls, 1);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_page_crossing_translates_each_page)
{
    Fixture f;
    MemTxInfo info;
    uint8_t in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[8];

    fixture_init(&f, MODE_OFFSET);
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x2ffc, dev_attrs, in, 8,
                                       true, &info),
                      MEMTX_OK);
    ck_assert_uint_eq(info.translations, 2);
    ck_assert_uint_eq(info.cost_cycles, 20);
    ck_assert_uint_eq(f.iommu.calls[0].iova, 0x2ffc);
    ck_assert_uint_eq(f.iommu.calls[1].iova, 0x3000);
    guest_ram_read(f.ram, TEST_OFFSET + 0x2ffc, out, 8);
    ck_assert_mem_eq(in, out, 8);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_large_block_still_split_per_page)
{
    Fixture f;
    MemTxInfo info;
    static uint8_t buf[3 * 4096];

    fixture_init(&f, MODE_IDENTITY);
    f.iommu.addr_mask = 0x1fffff;   /* a 2 MiB mapping */
    address_space_rw(&f.dma_as, 0x1000, dev_attrs, buf, sizeof(buf), false,
                     &info);
    ck_assert_uint_eq(info.translations, 3);
    ck_assert_uint_eq(info.done, sizeof(buf));
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_fault_midway_counts_done)
{
    Fixture f;
    MemTxInfo info;
    static uint8_t in[0x1800];
    uint8_t out[4];

    fixture_init(&f, MODE_IDENTITY);
    f.iommu.fault_from = 0x2000;
    memset(in, 0xab, sizeof(in));
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x1000, dev_attrs, in,
                                       sizeof(in), true, &info),
                      MEMTX_ACCESS_DENIED);
    ck_assert_uint_eq(info.done, 0x1000);
    ck_assert(info.faulted);
    ck_assert_uint_eq(info.fault_addr, 0x2000);
    ck_assert_uint_eq(info.translations, 2);
    guest_ram_read(f.ram, 0xffe, out, 4);
    ck_assert_uint_eq(out[1], 0);
    ck_assert_uint_eq(out[2], 0xab);
    guest_ram_read(f.ram, 0x1ffc, out, 4);
    ck_assert_uint_eq(out[3], 0xab);
    guest_ram_read(f.ram, 0x2000, out, 4);
    ck_assert_uint_eq(out[0], 0);   /* nothing past the fault */
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_read_only_entry_refuses_write)
{
    Fixture f;
    MemTxInfo info;
    uint32_t v = 0x11111111;

    fixture_init(&f, MODE_IDENTITY);
    f.iommu.perm = IOMMU_RO;
    guest_ram_write(f.ram, 0x5000, "\x99\x99\x99\x99", 4);
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x5000, dev_attrs, &v, 4,
                                       false, &info),
                      MEMTX_OK);
    ck_assert_uint_eq(v, 0x99999999);
    v = 0x11111111;
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x5000, dev_attrs, &v, 4,
                                       true, &info),
                      MEMTX_ACCESS_DENIED);
    ck_assert(info.faulted);
    ck_assert_uint_eq(info.fault_code, 0);
    ck_assert_ptr_nonnull(info.fault_name);
    ck_assert_uint_eq(info.done, 0);
    guest_ram_read(f.ram, 0x5000, &v, 4);
    ck_assert_uint_eq(v, 0x99999999);
    /* Write-only refuses reads. */
    f.iommu.perm = IOMMU_WO;
    ck_assert_uint_eq(address_space_read(&f.dma_as, 0x5000, dev_attrs, &v, 4),
                      MEMTX_ACCESS_DENIED);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_region_at_offset_in_container)
{
    Fixture f;
    MemoryRegion dma_root;
    AddressSpace as;
    uint64_t v = 0;

    fixture_init_ops(&f, MODE_IDENTITY, &test_iommu_ops, 0x100000);
    memory_region_init_container(&dma_root, "dma-root",
                                 MEMORY_REGION_SIZE_2_64);
    memory_region_add_subregion(&dma_root, 0x40000000, &f.iommu.mr);
    address_space_init(&as, &dma_root, "dma2");
    guest_ram_write(f.ram, 0x3000, "\x5a", 1);
    ck_assert_uint_eq(address_space_ld_le(&as, 0x40003000, 1, &v, dev_attrs),
                      MEMTX_OK);
    ck_assert_uint_eq(v, 0x5a);
    ck_assert_uint_eq(f.iommu.calls[0].iova, 0x3000);
    /* Outside the IOMMU region: unassigned, no translation. */
    ck_assert_uint_eq(address_space_ld_le(&as, 0x3000, 1, &v, dev_attrs),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(f.iommu.n_calls, 1);
    memory_region_del_subregion(&dma_root, &f.iommu.mr);
    memory_region_destroy(&dma_root);
    address_space_destroy(&as);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_self_loop_bounded)
{
    Fixture f;
    MemTxInfo info;
    uint8_t buf[4];

    fixture_init(&f, MODE_IDENTITY);
    f.iommu.target = &f.dma_as;     /* translates into itself */
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x1000, dev_attrs, buf, 4,
                                       false, &info)
                      & MEMTX_DECODE_ERROR,
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_lt(info.translations, 40);
    ck_assert_uint_gt(info.translations, 1);
    fixture_fini(&f);
}
END_TEST

/* ---- zero-length requests (VT-d 5.10 §3.14) ------------------------------ */

START_TEST(test_iommu_zero_length_read_translates_once)
{
    Fixture f;
    MemTxInfo info;

    fixture_init(&f, MODE_OFFSET);
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x3010, dev_attrs, NULL, 0,
                                       false, &info),
                      MEMTX_OK);
    ck_assert_uint_eq(f.iommu.n_calls, 1);
    ck_assert_uint_eq(f.iommu.calls[0].iova, 0x3010);
    ck_assert_uint_eq(f.iommu.calls[0].access, IOMMU_RO);
    ck_assert(f.iommu.calls[0].attrs.zero_length);
    ck_assert_uint_eq(f.iommu.calls[0].attrs.requester_id, 0x0010);
    ck_assert_uint_eq(info.translations, 1);
    ck_assert_uint_eq(info.cost_cycles, 10);
    ck_assert_uint_eq(info.cost_ns, 3);
    ck_assert_uint_eq(info.done, 0);
    ck_assert(!info.faulted);
    ck_assert_uint_eq(guest_ram_pages_allocated(f.ram), 0);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_zero_length_write_translates_as_write)
{
    Fixture f;
    MemTxInfo info;
    uint8_t byte = 0x77;

    fixture_init(&f, MODE_IDENTITY);
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x5000, dev_attrs, &byte, 0,
                                       true, &info),
                      MEMTX_OK);
    ck_assert_uint_eq(f.iommu.n_calls, 1);
    ck_assert_uint_eq(f.iommu.calls[0].access, IOMMU_WO);
    ck_assert(f.iommu.calls[0].attrs.zero_length);
    ck_assert_uint_eq(guest_ram_pages_allocated(f.ram), 0);
    /* address_space_set with len 0 is a zero-length write too. */
    ck_assert_uint_eq(address_space_set(&f.dma_as, 0x6000, dev_attrs, 0xff, 0),
                      MEMTX_OK);
    ck_assert_uint_eq(f.iommu.n_calls, 2);
    ck_assert_uint_eq(f.iommu.calls[1].access, IOMMU_WO);
    ck_assert_uint_eq(guest_ram_pages_allocated(f.ram), 0);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_zero_length_fault_reported)
{
    Fixture f;
    MemTxInfo info;

    fixture_init(&f, MODE_FAULT);
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x8010, dev_attrs, NULL, 0,
                                       false, &info),
                      MEMTX_ACCESS_DENIED);
    ck_assert(info.faulted);
    ck_assert_uint_eq(info.fault_code, TEST_FAULT_CODE);
    ck_assert_str_eq(info.fault_name, "test fault");
    ck_assert_uint_eq(info.fault_addr, 0x8010);
    ck_assert_uint_eq(info.translations, 1);
    ck_assert_uint_eq(info.done, 0);
    fixture_fini(&f);
}
END_TEST

/* The hook's verdict alone: an entry without read permission completes. */
START_TEST(test_iommu_zero_length_read_ignores_entry_perm)
{
    Fixture f;
    MemTxInfo info;
    uint32_t v;

    fixture_init(&f, MODE_IDENTITY);
    f.iommu.perm = IOMMU_WO;
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x5000, dev_attrs, NULL, 0,
                                       false, &info),
                      MEMTX_OK);
    ck_assert(!info.faulted);
    ck_assert_uint_eq(info.translations, 1);
    /* A one-byte read of the same page is still refused by the core. */
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x5000, dev_attrs, &v, 1,
                                       false, &info),
                      MEMTX_ACCESS_DENIED);
    ck_assert(!f.iommu.calls[1].attrs.zero_length);
    fixture_fini(&f);
}
END_TEST

/* A caller's stale flag never reaches the hook on a real access. */
START_TEST(test_iommu_zero_length_flag_clear_when_bytes_move)
{
    Fixture f;
    MemTxAttrs attrs = dev_attrs;
    uint32_t v = 0;

    fixture_init(&f, MODE_IDENTITY);
    attrs.zero_length = true;
    ck_assert_uint_eq(address_space_read(&f.dma_as, 0x1000, attrs, &v, 4),
                      MEMTX_OK);
    ck_assert_uint_eq(f.iommu.n_calls, 1);
    ck_assert(!f.iommu.calls[0].attrs.zero_length);
    fixture_fini(&f);
}
END_TEST

static unsigned zl_mmio_calls;

static uint64_t zl_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)size;
    zl_mmio_calls++;
    return 0;
}

static void zl_mmio_write(void *opaque, uint64_t addr, uint64_t data,
                          unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)data;
    (void)size;
    zl_mmio_calls++;
}

static const MemoryRegionOps zl_mmio_ops = {
    .read = zl_mmio_read,
    .write = zl_mmio_write,
};

/* Translated into MMIO: completes without a callback; holes don't decode. */
START_TEST(test_iommu_zero_length_mmio_untouched_hole_decode_error)
{
    Fixture f;
    MemoryRegion mmio;
    MemTxInfo info;

    fixture_init(&f, MODE_IDENTITY);
    zl_mmio_calls = 0;
    memory_region_init_io(&mmio, &zl_mmio_ops, NULL, "mmio", 0x1000);
    memory_region_add_subregion(&f.sys_root, 0x10000000, &mmio);
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x10000004, dev_attrs,
                                       NULL, 0, false, &info),
                      MEMTX_OK);
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x10000008, dev_attrs,
                                       NULL, 0, true, &info),
                      MEMTX_OK);
    ck_assert_uint_eq(zl_mmio_calls, 0);
    ck_assert_uint_eq(f.iommu.n_calls, 2);
    /* Translated to an address nothing decodes. */
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x20000000, dev_attrs,
                                       NULL, 0, false, &info),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(info.translations, 1);
    ck_assert(!info.faulted);
    /* No address space at all. */
    ck_assert_uint_eq(address_space_rw(NULL, 0, dev_attrs, NULL, 0, false,
                                       &info),
                      MEMTX_DECODE_ERROR);
    memory_region_del_subregion(&f.sys_root, &mmio);
    memory_region_destroy(&mmio);
    fixture_fini(&f);
}
END_TEST

/* Every IOMMU on the path translates; a loop ends at the depth limit. */
START_TEST(test_iommu_zero_length_nested_and_loop_bounded)
{
    Fixture f, g;
    MemTxInfo info;

    fixture_init(&f, MODE_OFFSET);
    fixture_init(&g, MODE_OFFSET);
    f.iommu.target = &g.dma_as;     /* f's output goes through g */
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x2000, dev_attrs, NULL, 0,
                                       false, &info),
                      MEMTX_OK);
    ck_assert_uint_eq(info.translations, 2);
    ck_assert_uint_eq(g.iommu.n_calls, 1);
    ck_assert_uint_eq(g.iommu.calls[0].iova, 0x2000 + TEST_OFFSET);
    ck_assert(g.iommu.calls[0].attrs.zero_length);
    /* g faults: reported with g's input address. */
    g.iommu.mode = MODE_FAULT;
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x2000, dev_attrs, NULL, 0,
                                       false, &info),
                      MEMTX_ACCESS_DENIED);
    ck_assert_uint_eq(info.fault_addr, 0x2000 + TEST_OFFSET);
    f.iommu.target = &f.dma_as;     /* translates into itself */
    f.iommu.mode = MODE_IDENTITY;
    ck_assert_uint_eq(address_space_rw(&f.dma_as, 0x1000, dev_attrs, NULL, 0,
                                       false, &info),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_gt(info.translations, 1);
    ck_assert_uint_lt(info.translations, 40);
    fixture_fini(&g);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_translate_on_plain_region_faults)
{
    Fixture f;
    IOMMUTranslation tr;

    fixture_init(&f, MODE_IDENTITY);
    memory_region_iommu_translate(&f.sys_ram, 0, IOMMU_RO, dev_attrs, &tr);
    ck_assert(tr.fault);
    memory_region_iommu_translate(&f.iommu.mr, 0x1234, IOMMU_NONE,
                                  dev_attrs, &tr);
    ck_assert(!tr.fault);
    ck_assert_uint_eq(tr.entry.iova, 0x1000);
    ck_assert_uint_eq(tr.entry.addr_mask, 0xfff);
    ck_assert_ptr_eq(tr.entry.target_as, &f.sys_as);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_dispatch_on_iommu_region)
{
    Fixture f;
    uint64_t v = 0;

    fixture_init(&f, MODE_OFFSET);
    ck_assert_uint_eq(memory_region_dispatch_write(&f.iommu.mr, 0x10, 0xbeef,
                                                   2, dev_attrs),
                      MEMTX_OK);
    guest_ram_read(f.ram, TEST_OFFSET + 0x10, &v, 2);
    ck_assert_uint_eq(v, 0xbeef);
    f.iommu.mode = MODE_FAULT;
    ck_assert_uint_eq(memory_region_dispatch_read(&f.iommu.mr, 0x10, &v, 2,
                                                  dev_attrs),
                      MEMTX_ACCESS_DENIED);
    fixture_fini(&f);
}
END_TEST

static Suite *iommu_suite(void)
{
    Suite *s = suite_create("iommu");
    TCase *tr = tcase_create("translate");

    tcase_add_test(tr, test_iommu_identity_write_reaches_ram);
    tcase_add_test(tr, test_iommu_offset_read_is_redirected);
    tcase_add_test(tr, test_iommu_always_fault_denies_access);
    tcase_add_test(tr, test_iommu_page_crossing_translates_each_page);
    tcase_add_test(tr, test_iommu_large_block_still_split_per_page);
    tcase_add_test(tr, test_iommu_fault_midway_counts_done);
    tcase_add_test(tr, test_iommu_read_only_entry_refuses_write);
    tcase_add_test(tr, test_iommu_region_at_offset_in_container);
    tcase_add_test(tr, test_iommu_self_loop_bounded);
    tcase_add_test(tr, test_iommu_translate_on_plain_region_faults);
    tcase_add_test(tr, test_iommu_dispatch_on_iommu_region);
    tcase_add_test(tr, test_iommu_zero_length_read_translates_once);
    tcase_add_test(tr, test_iommu_zero_length_write_translates_as_write);
    tcase_add_test(tr, test_iommu_zero_length_fault_reported);
    tcase_add_test(tr, test_iommu_zero_length_read_ignores_entry_perm);
    tcase_add_test(tr, test_iommu_zero_length_flag_clear_when_bytes_move);
    tcase_add_test(tr, test_iommu_zero_length_mmio_untouched_hole_decode_error);
    tcase_add_test(tr, test_iommu_zero_length_nested_and_loop_bounded);
    suite_add_tcase(s, tr);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(iommu_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
