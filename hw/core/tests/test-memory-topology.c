/*
 * Unit tests: region topology - priorities, overlap, enable/disable,
 * moving, container holes, clipping, aliases and their loops, the top of
 * the 64-bit space, and bad calls.  (Dispatch and address-space access
 * rules are in test-memory.c.)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/memory.h"
/* ---- topology: priorities, overlap, enable, aliases -------------------- */

typedef struct Overlap {
    GuestRAM *ram_a, *ram_b, *ram_c;
    MemoryRegion root, a, b, c;
    AddressSpace as;
} Overlap;

static void overlap_init(Overlap *o)
{
    o->ram_a = guest_ram_new(0x10000);
    o->ram_b = guest_ram_new(0x10000);
    o->ram_c = guest_ram_new(0x10000);
    guest_ram_fill(o->ram_a, 0, 0xaa, 0x10000);
    guest_ram_fill(o->ram_b, 0, 0xbb, 0x10000);
    guest_ram_fill(o->ram_c, 0, 0xcc, 0x10000);
    memory_region_init_container(&o->root, "root", MEMORY_REGION_SIZE_2_64);
    memory_region_init_ram(&o->a, o->ram_a, 0, "a", 0x10000);
    memory_region_init_ram(&o->b, o->ram_b, 0, "b", 0x10000);
    memory_region_init_ram(&o->c, o->ram_c, 0, "c", 0x10000);
    address_space_init(&o->as, &o->root, "m");
}

static void overlap_fini(Overlap *o)
{
    MemoryRegion *mrs[] = { &o->a, &o->b, &o->c };

    for (unsigned i = 0; i < 3; i++) {
        memory_region_destroy(mrs[i]);
    }
    memory_region_destroy(&o->root);
    address_space_destroy(&o->as);
    guest_ram_free(o->ram_a);
    guest_ram_free(o->ram_b);
    guest_ram_free(o->ram_c);
}

static uint8_t byte_at(AddressSpace *as, uint64_t addr)
{
    uint8_t b = 0x99;

    address_space_read(as, addr, MEMTXATTRS_UNSPECIFIED, &b, 1);
    return b;
}

START_TEST(test_memory_priority_higher_wins)
{
    Overlap o;

    overlap_init(&o);
    memory_region_add_subregion_overlap(&o.root, 0, &o.a, 1);
    memory_region_add_subregion_overlap(&o.root, 0x8000, &o.b, 0);
    ck_assert_uint_eq(byte_at(&o.as, 0x9000), 0xaa);
    ck_assert_uint_eq(byte_at(&o.as, 0x10000), 0xbb);
    ck_assert_uint_eq(byte_at(&o.as, 0x17fff), 0xbb);
    ck_assert_uint_eq(byte_at(&o.as, 0x18000), 0);
    /* Negative priorities sort below the default. */
    memory_region_add_subregion_overlap(&o.root, 0, &o.c, -1);
    ck_assert_uint_eq(byte_at(&o.as, 0x100), 0xaa);
    overlap_fini(&o);
}
END_TEST

START_TEST(test_memory_priority_equal_most_recent_wins)
{
    Overlap o;

    overlap_init(&o);
    memory_region_add_subregion_overlap(&o.root, 0, &o.a, 2);
    memory_region_add_subregion_overlap(&o.root, 0, &o.b, 2);
    ck_assert_uint_eq(byte_at(&o.as, 0x10), 0xbb);
    memory_region_add_subregion_overlap(&o.root, 0, &o.c, 2);
    ck_assert_uint_eq(byte_at(&o.as, 0x10), 0xcc);
    /* Moving re-adds: the moved region becomes the most recent. */
    memory_region_set_address(&o.a, 0);
    ck_assert_uint_eq(byte_at(&o.as, 0x10), 0xaa);
    overlap_fini(&o);
}
END_TEST

START_TEST(test_memory_enable_disable_reveals_lower)
{
    Overlap o;

    overlap_init(&o);
    memory_region_add_subregion_overlap(&o.root, 0, &o.a, 0);
    memory_region_add_subregion_overlap(&o.root, 0x4000, &o.b, 5);
    ck_assert_uint_eq(byte_at(&o.as, 0x4000), 0xbb);
    memory_region_set_enabled(&o.b, false);
    ck_assert_uint_eq(byte_at(&o.as, 0x4000), 0xaa);
    ck_assert_uint_eq(byte_at(&o.as, 0x12000), 0);
    memory_region_set_enabled(&o.b, true);
    ck_assert_uint_eq(byte_at(&o.as, 0x12000), 0xbb);
    overlap_fini(&o);
}
END_TEST

START_TEST(test_memory_overlap_read_spans_boundary)
{
    Overlap o;
    uint8_t buf[0x20];

    overlap_init(&o);
    memory_region_add_subregion_overlap(&o.root, 0, &o.a, 0);
    memory_region_add_subregion_overlap(&o.root, 0x1010, &o.b, 1);
    /* One read crossing from a (low priority) into b (high priority). */
    address_space_read(&o.as, 0x1000, MEMTXATTRS_UNSPECIFIED, buf, 0x20);
    for (int i = 0; i < 0x10; i++) {
        ck_assert_uint_eq(buf[i], 0xaa);
        ck_assert_uint_eq(buf[i + 0x10], 0xbb);
    }
    /* And from b's end back into a. */
    address_space_read(&o.as, 0x11000, MEMTXATTRS_UNSPECIFIED, buf, 0x20);
    for (int i = 0; i < 0x10; i++) {
        ck_assert_uint_eq(buf[i], 0xbb);
    }
    ck_assert_uint_eq(buf[0x10], 0);    /* a ends at 0x10000 */
    overlap_fini(&o);
}
END_TEST

START_TEST(test_memory_set_address_moves_region)
{
    Overlap o;

    overlap_init(&o);
    memory_region_add_subregion(&o.root, 0x100000, &o.a);
    ck_assert_uint_eq(byte_at(&o.as, 0x100000), 0xaa);
    memory_region_set_address(&o.a, 0x200000);
    ck_assert_uint_eq(byte_at(&o.as, 0x100000), 0);
    ck_assert_uint_eq(byte_at(&o.as, 0x20ffff), 0xaa);
    memory_region_del_subregion(&o.root, &o.a);
    ck_assert_uint_eq(byte_at(&o.as, 0x200000), 0);
    ck_assert_ptr_null(o.a.container);
    overlap_fini(&o);
}
END_TEST

START_TEST(test_memory_container_hole_is_transparent)
{
    Overlap o;
    MemoryRegion sub;
    uint8_t buf[0x10];

    overlap_init(&o);
    memory_region_init_container(&sub, "sub", 0x10000);
    memory_region_add_subregion(&sub, 0x2000, &o.b);
    memory_region_set_size(&o.b, 0x1000);
    memory_region_add_subregion_overlap(&o.root, 0, &o.a, 0);
    memory_region_add_subregion_overlap(&o.root, 0, &sub, 1);
    ck_assert_uint_eq(byte_at(&o.as, 0x1000), 0xaa);
    ck_assert_uint_eq(byte_at(&o.as, 0x2000), 0xbb);
    ck_assert_uint_eq(byte_at(&o.as, 0x3000), 0xaa);
    address_space_read(&o.as, 0x1ff8, MEMTXATTRS_UNSPECIFIED, buf, 0x10);
    ck_assert_uint_eq(buf[7], 0xaa);
    ck_assert_uint_eq(buf[8], 0xbb);
    memory_region_del_subregion(&o.root, &sub);
    memory_region_del_subregion(&sub, &o.b);
    memory_region_destroy(&sub);
    overlap_fini(&o);
}
END_TEST

START_TEST(test_memory_subregion_clipped_to_container)
{
    Overlap o;
    MemoryRegion small;
    uint8_t buf[8];

    overlap_init(&o);
    memory_region_init_container(&small, "small", 0x1000);
    memory_region_add_subregion(&small, 0x800, &o.a);   /* overhangs */
    memory_region_add_subregion(&o.root, 0x10000, &small);
    ck_assert_uint_eq(address_space_read(&o.as, 0x10ffc,
                                         MEMTXATTRS_UNSPECIFIED, buf, 8),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(buf[3], 0xaa);
    ck_assert_uint_eq(buf[4], 0);
    memory_region_destroy(&small);
    overlap_fini(&o);
}
END_TEST

START_TEST(test_memory_alias_maps_offset)
{
    Overlap o;
    MemoryRegion alias, alias2;

    overlap_init(&o);
    guest_ram_fill(o.ram_a, 0x3000, 0x33, 0x1000);
    memory_region_init_alias(&alias, "alias", &o.a, 0x3000, 0x1000);
    memory_region_add_subregion(&o.root, 0x500000, &alias);
    ck_assert_uint_eq(byte_at(&o.as, 0x500000), 0x33);
    ck_assert_uint_eq(byte_at(&o.as, 0x501000), 0);     /* alias size */
    memory_region_set_alias_offset(&alias, 0x2000);
    ck_assert_uint_eq(byte_at(&o.as, 0x500fff), 0xaa);
    /* An alias of an alias. */
    memory_region_init_alias(&alias2, "alias2", &alias, 0xfff, 1);
    memory_region_add_subregion(&o.root, 0x600000, &alias2);
    ck_assert_uint_eq(byte_at(&o.as, 0x600000), 0xaa);
    /* Writes through an alias land in the backing store. */
    address_space_write(&o.as, 0x500010, MEMTXATTRS_UNSPECIFIED, "\x42", 1);
    uint8_t b;
    guest_ram_read(o.ram_a, 0x2010, &b, 1);
    ck_assert_uint_eq(b, 0x42);
    memory_region_destroy(&alias2);
    memory_region_destroy(&alias);
    overlap_fini(&o);
}
END_TEST

START_TEST(test_memory_alias_loop_is_decode_error)
{
    MemoryRegion root, x, y;
    AddressSpace as;
    uint8_t buf[4] = { 1, 2, 3, 4 };
    uint64_t v = 5;

    memory_region_init_container(&root, "root", 0x10000);
    memory_region_init_alias(&x, "x", &y, 0, 0x1000);
    memory_region_init_alias(&y, "y", &x, 0, 0x1000);
    memory_region_add_subregion(&root, 0, &x);
    address_space_init(&as, &root, "loop");
    ck_assert_uint_eq(address_space_read(&as, 0, MEMTXATTRS_UNSPECIFIED,
                                         buf, 4),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(buf[0], 0);
    ck_assert_uint_eq(memory_region_dispatch_read(&x, 0, &v, 4,
                                                  MEMTXATTRS_UNSPECIFIED),
                      MEMTX_DECODE_ERROR);
    memory_region_destroy(&x);
    memory_region_destroy(&y);
    memory_region_destroy(&root);
    address_space_destroy(&as);
}
END_TEST

START_TEST(test_memory_top_of_64bit_space)
{
    Overlap o;
    uint8_t buf[8];

    overlap_init(&o);
    memory_region_set_size(&o.a, 0x1000);
    memory_region_add_subregion(&o.root, 0xfffffffffffff000ull, &o.a);
    ck_assert_uint_eq(address_space_read(&o.as, 0xfffffffffffffffcull,
                                         MEMTXATTRS_UNSPECIFIED, buf, 4),
                      MEMTX_OK);
    ck_assert_uint_eq(buf[3], 0xaa);
    /* Wrapping past 2^64 continues at 0 (unassigned here). */
    ck_assert_uint_eq(address_space_read(&o.as, 0xfffffffffffffffcull,
                                         MEMTXATTRS_UNSPECIFIED, buf, 8),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(buf[3], 0xaa);
    ck_assert_uint_eq(buf[4], 0);
    overlap_fini(&o);
}
END_TEST

START_TEST(test_memory_bad_input_does_not_crash)
{
    Overlap o;
    MemTxInfo info;

    overlap_init(&o);
    memory_region_add_subregion(&o.root, 0, &o.a);
    /* Already in a container: refused. */
    memory_region_add_subregion(&o.root, 0x100000, &o.a);
    ck_assert_uint_eq(o.a.addr, 0);
    /* Not a child: ignored. */
    memory_region_del_subregion(&o.root, &o.b);
    ck_assert_uint_eq(o.root.n_subregions, 1);
    /* NULL buffer, NULL address space. */
    ck_assert_uint_eq(address_space_rw(&o.as, 0, MEMTXATTRS_UNSPECIFIED,
                                       NULL, 4, false, &info),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(address_space_set(NULL, 0, MEMTXATTRS_UNSPECIFIED, 0,
                                        4),
                      MEMTX_DECODE_ERROR);
    /* Zero-length accesses do nothing. */
    ck_assert_uint_eq(address_space_read(&o.as, 0, MEMTXATTRS_UNSPECIFIED,
                                         NULL, 0),
                      MEMTX_OK);
    /* Destroying a region still in a container detaches it. */
    memory_region_destroy(&o.a);
    ck_assert_uint_eq(o.root.n_subregions, 0);
    memory_region_init_ram(&o.a, o.ram_a, 0, "a", 0x10000);
    overlap_fini(&o);
}
END_TEST

static Suite *memory_topology_suite(void)
{
    Suite *s = suite_create("memory-topology");
    TCase *t = tcase_create("topology");

    tcase_add_test(t, test_memory_priority_higher_wins);
    tcase_add_test(t, test_memory_priority_equal_most_recent_wins);
    tcase_add_test(t, test_memory_enable_disable_reveals_lower);
    tcase_add_test(t, test_memory_overlap_read_spans_boundary);
    tcase_add_test(t, test_memory_set_address_moves_region);
    tcase_add_test(t, test_memory_container_hole_is_transparent);
    tcase_add_test(t, test_memory_subregion_clipped_to_container);
    tcase_add_test(t, test_memory_alias_maps_offset);
    tcase_add_test(t, test_memory_alias_loop_is_decode_error);
    tcase_add_test(t, test_memory_top_of_64bit_space);
    tcase_add_test(t, test_memory_bad_input_does_not_crash);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(memory_topology_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
