/*
 * Unit tests: the IOMMU translate interface, DMA through IOMMU regions,
 * notifiers and replay.  A small test IOMMU lives here with three modes
 * (identity, offset by 0x100000, always fault) plus knobs for partial
 * faults, permissions and block sizes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/iommu.h"
#include "iommu-sim/memory.h"
#include "iommu-sim/msi.h"

#define TEST_OFFSET 0x100000ull
#define TEST_FAULT_CODE 0x5
#define MAX_CALLS 64

typedef enum { MODE_IDENTITY, MODE_OFFSET, MODE_FAULT } TestMode;

typedef struct TestIommu {
    MemoryRegion mr;
    AddressSpace *target;
    TestMode mode;
    uint64_t fault_from;        /* iova >= this faults (UINT64_MAX: never) */
    uint64_t present_below;     /* replay: iova >= this is not mapped */
    IOMMUAccessFlags perm;
    uint64_t addr_mask;
    uint64_t min_page;          /* 0: let the core default */
    unsigned n_calls;
    struct {
        uint64_t iova;
        IOMMUAccessFlags access;
        MemTxAttrs attrs;
    } calls[MAX_CALLS];
    unsigned flag_changes;
    unsigned old_flags, new_flags;
    unsigned custom_replays;
} TestIommu;

static void test_iommu_translate(MemoryRegion *mr, uint64_t iova,
                                 IOMMUAccessFlags access, MemTxAttrs attrs,
                                 IOMMUTranslation *out)
{
    TestIommu *t = mr->iommu_opaque;

    if (t->n_calls < MAX_CALLS) {
        t->calls[t->n_calls].iova = iova;
        t->calls[t->n_calls].access = access;
        t->calls[t->n_calls].attrs = attrs;
    }
    t->n_calls++;
    out->cost.cycles = 10;
    out->cost.ns = 3;
    if (t->mode == MODE_FAULT || iova >= t->fault_from ||
        (access == IOMMU_NONE && iova >= t->present_below)) {
        out->fault = true;
        out->fault_code = TEST_FAULT_CODE;
        out->fault_name = "test fault";
        return;
    }
    out->entry.target_as = t->target;
    out->entry.iova = iova & ~t->addr_mask;
    out->entry.translated_addr = (iova & ~t->addr_mask) +
                                 (t->mode == MODE_OFFSET ? TEST_OFFSET : 0);
    out->entry.addr_mask = t->addr_mask;
    out->entry.perm = t->perm;
}

static void test_iommu_flag_changed(MemoryRegion *mr, unsigned old_flags,
                                    unsigned new_flags)
{
    TestIommu *t = mr->iommu_opaque;

    t->flag_changes++;
    t->old_flags = old_flags;
    t->new_flags = new_flags;
}

static uint64_t test_iommu_min_page(MemoryRegion *mr)
{
    TestIommu *t = mr->iommu_opaque;

    return t->min_page;
}

static void test_iommu_custom_replay(MemoryRegion *mr, IOMMUNotifier *n)
{
    TestIommu *t = mr->iommu_opaque;
    IOMMUTLBEvent ev = {
        .type = IOMMU_NOTIFIER_MAP,
        .entry = { .target_as = t->target, .iova = 0x7000,
                   .translated_addr = 0x9000, .addr_mask = 0xfff,
                   .perm = IOMMU_RW },
    };

    t->custom_replays++;
    memory_region_notify_iommu_one(n, &ev);
}

static const IOMMUMemoryRegionOps test_iommu_ops = {
    .translate = test_iommu_translate,
    .notify_flag_changed = test_iommu_flag_changed,
    .min_page_size = test_iommu_min_page,
};

static const IOMMUMemoryRegionOps test_iommu_ops_replay = {
    .translate = test_iommu_translate,
    .replay = test_iommu_custom_replay,
};

/* System memory (16 MiB RAM) and a DMA space rooted in the test IOMMU. */
typedef struct Fixture {
    GuestRAM *ram;
    MemoryRegion sys_root, sys_ram;
    AddressSpace sys_as, dma_as;
    TestIommu iommu;
} Fixture;

static void fixture_init_ops(Fixture *f, TestMode mode,
                             const IOMMUMemoryRegionOps *ops, uint64_t size)
{
    memset(f, 0, sizeof(*f));
    f->ram = guest_ram_new(16 << 20);
    memory_region_init_container(&f->sys_root, "system",
                                 MEMORY_REGION_SIZE_2_64);
    memory_region_init_ram(&f->sys_ram, f->ram, 0, "ram", 16 << 20);
    memory_region_add_subregion(&f->sys_root, 0, &f->sys_ram);
    address_space_init(&f->sys_as, &f->sys_root, "memory");
    f->iommu.target = &f->sys_as;
    f->iommu.mode = mode;
    f->iommu.fault_from = UINT64_MAX;
    f->iommu.present_below = UINT64_MAX;
    f->iommu.perm = IOMMU_RW;
    f->iommu.addr_mask = 0xfff;
    memory_region_init_iommu(&f->iommu.mr, ops, &f->iommu, "test-iommu",
                             size);
    address_space_init(&f->dma_as, &f->iommu.mr, "dma");
}

static void fixture_init(Fixture *f, TestMode mode)
{
    fixture_init_ops(f, mode, &test_iommu_ops, MEMORY_REGION_SIZE_2_64);
}

static void fixture_fini(Fixture *f)
{
    address_space_destroy(&f->dma_as);
    address_space_destroy(&f->sys_as);
    memory_region_destroy(&f->iommu.mr);
    memory_region_destroy(&f->sys_ram);
    memory_region_destroy(&f->sys_root);
    guest_ram_free(f->ram);
}

static const MemTxAttrs dev_attrs = { .requester_id = 0x0010 };

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

/* ---- notifiers ----------------------------------------------------------- */

typedef struct Heard {
    unsigned n;
    IOMMUTLBEvent ev[32];
} Heard;

static void heard_notify(IOMMUNotifier *n, const IOMMUTLBEvent *event)
{
    Heard *h = n->opaque;

    if (h->n < 32) {
        h->ev[h->n] = *event;
    }
    h->n++;
}

static IOMMUTLBEvent make_event(IOMMUNotifierFlag type, uint64_t iova,
                                uint64_t mask)
{
    IOMMUTLBEvent ev = {
        .type = type,
        .entry = { .iova = iova, .translated_addr = iova, .addr_mask = mask,
                   .perm = type == IOMMU_NOTIFIER_MAP ? IOMMU_RW
                                                      : IOMMU_NONE },
    };
    return ev;
}

START_TEST(test_iommu_notifier_register_updates_flags)
{
    Fixture f;
    IOMMUNotifier a, b;
    Heard h = { 0 };

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&a, heard_notify, IOMMU_NOTIFIER_UNMAP, 0,
                        UINT64_MAX, &h);
    iommu_notifier_init(&b, heard_notify, IOMMU_NOTIFIER_MAP, 0, UINT64_MAX,
                        &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &a);
    ck_assert_uint_eq(f.iommu.mr.notifier_flags, IOMMU_NOTIFIER_UNMAP);
    ck_assert_uint_eq(f.iommu.flag_changes, 1);
    ck_assert_uint_eq(f.iommu.old_flags, 0);
    ck_assert_uint_eq(f.iommu.new_flags, IOMMU_NOTIFIER_UNMAP);
    ck_assert_ptr_eq(a.iommu, &f.iommu.mr);
    memory_region_register_iommu_notifier(&f.iommu.mr, &b);
    ck_assert_uint_eq(f.iommu.mr.notifier_flags, IOMMU_NOTIFIER_IOTLB_EVENTS);
    ck_assert_uint_eq(f.iommu.flag_changes, 2);
    /* Iteration in registration order. */
    ck_assert_ptr_eq(memory_region_iommu_next_notifier(&f.iommu.mr, NULL),
                     &a);
    ck_assert_ptr_eq(memory_region_iommu_next_notifier(&f.iommu.mr, &a), &b);
    ck_assert_ptr_null(memory_region_iommu_next_notifier(&f.iommu.mr, &b));
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &a);
    ck_assert_uint_eq(f.iommu.mr.notifier_flags, IOMMU_NOTIFIER_MAP);
    ck_assert_uint_eq(f.iommu.old_flags, IOMMU_NOTIFIER_IOTLB_EVENTS);
    ck_assert_ptr_null(a.iommu);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &b);
    ck_assert_uint_eq(f.iommu.mr.notifier_flags, 0);
    ck_assert_uint_eq(f.iommu.flag_changes, 4);
    /* Unregistering twice is harmless and changes nothing. */
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &b);
    ck_assert_uint_eq(f.iommu.flag_changes, 4);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_notifier_same_flags_no_change_callback)
{
    Fixture f;
    IOMMUNotifier a, b;
    Heard h = { 0 };

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&a, heard_notify, IOMMU_NOTIFIER_MAP, 0, 0xffff, &h);
    iommu_notifier_init(&b, heard_notify, IOMMU_NOTIFIER_MAP, 0, 0xffff, &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &a);
    memory_region_register_iommu_notifier(&f.iommu.mr, &b);
    ck_assert_uint_eq(f.iommu.flag_changes, 1);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &a);
    ck_assert_uint_eq(f.iommu.flag_changes, 1);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &b);
    ck_assert_uint_eq(f.iommu.flag_changes, 2);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_notify_filters_by_flags)
{
    Fixture f;
    IOMMUNotifier map_only, unmap_only, dev;
    Heard hm = { 0 }, hu = { 0 }, hd = { 0 };
    IOMMUTLBEvent ev;

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&map_only, heard_notify, IOMMU_NOTIFIER_MAP, 0,
                        UINT64_MAX, &hm);
    iommu_notifier_init(&unmap_only, heard_notify, IOMMU_NOTIFIER_UNMAP, 0,
                        UINT64_MAX, &hu);
    iommu_notifier_init(&dev, heard_notify, IOMMU_NOTIFIER_DEVIOTLB_UNMAP, 0,
                        UINT64_MAX, &hd);
    memory_region_register_iommu_notifier(&f.iommu.mr, &map_only);
    memory_region_register_iommu_notifier(&f.iommu.mr, &unmap_only);
    memory_region_register_iommu_notifier(&f.iommu.mr, &dev);
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x1000, 0xfff);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(hm.n, 0);
    ck_assert_uint_eq(hu.n, 1);
    ck_assert_uint_eq(hd.n, 0);
    ck_assert_uint_eq(hu.ev[0].entry.iova, 0x1000);
    ev = make_event(IOMMU_NOTIFIER_MAP, 0x2000, 0xfff);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(hm.n, 1);
    ck_assert_uint_eq(hm.ev[0].entry.perm, IOMMU_RW);
    ev = make_event(IOMMU_NOTIFIER_DEVIOTLB_UNMAP, 0x3000, 0xfff);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(hd.n, 1);
    ck_assert_uint_eq(hu.n, 1);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &map_only);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &unmap_only);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &dev);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_notify_filters_by_range)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };
    IOMMUTLBEvent ev;

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_UNMAP, 0x10000,
                        0x1ffff, &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0xf000, 0xfff);    /* just below */
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x20000, 0xfff);   /* just above */
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(h.n, 0);
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x1f000, 0xfff);   /* last page */
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(h.n, 1);
    /* A 2 MiB block containing the whole range intersects it. */
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0, 0x1fffff);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(h.n, 2);
    ck_assert_uint_eq(h.ev[1].entry.addr_mask, 0x1fffff);
    /* notify_one applies the same filters. */
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x30000, 0xfff);
    memory_region_notify_iommu_one(&n, &ev);
    ck_assert_uint_eq(h.n, 2);
    ev = make_event(IOMMU_NOTIFIER_MAP, 0x10000, 0xfff);
    memory_region_notify_iommu_one(&n, &ev);
    ck_assert_uint_eq(h.n, 2);
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x10000, 0xfff);
    memory_region_notify_iommu_one(&n, &ev);
    ck_assert_uint_eq(h.n, 3);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_unregistered_notifier_hears_nothing)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };
    IOMMUTLBEvent ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x1000, 0xfff);

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_UNMAP, 0,
                        UINT64_MAX, &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(h.n, 1);
    fixture_fini(&f);
}
END_TEST

static void unregister_self(IOMMUNotifier *n, const IOMMUTLBEvent *event)
{
    Heard *h = n->opaque;

    h->n++;
    memory_region_unregister_iommu_notifier(n->iommu, n);
}

START_TEST(test_iommu_notifier_may_unregister_itself)
{
    Fixture f;
    IOMMUNotifier a, b;
    Heard ha = { 0 }, hb = { 0 };
    IOMMUTLBEvent ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x1000, 0xfff);

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&a, unregister_self, IOMMU_NOTIFIER_UNMAP, 0,
                        UINT64_MAX, &ha);
    iommu_notifier_init(&b, heard_notify, IOMMU_NOTIFIER_UNMAP, 0,
                        UINT64_MAX, &hb);
    memory_region_register_iommu_notifier(&f.iommu.mr, &a);
    memory_region_register_iommu_notifier(&f.iommu.mr, &b);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(ha.n, 1);
    ck_assert_uint_eq(hb.n, 2);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &b);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_notifier_bad_registration_ignored)
{
    Fixture f;
    IOMMUNotifier n, empty;
    Heard h = { 0 };

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0, 0xfff, &h);
    memory_region_register_iommu_notifier(&f.sys_ram, &n);
    ck_assert_ptr_null(n.iommu);
    iommu_notifier_init(&empty, heard_notify, IOMMU_NOTIFIER_MAP, 0x2000,
                        0x1000, &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &empty);
    ck_assert_ptr_null(empty.iommu);
    ck_assert_uint_eq(f.iommu.mr.notifier_flags, 0);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);   /* twice */
    ck_assert_ptr_eq(memory_region_iommu_next_notifier(&f.iommu.mr, &n),
                     NULL);
    /* Destroying the region unregisters what is left. */
    fixture_fini(&f);
    ck_assert_ptr_null(n.iommu);
}
END_TEST

/* ---- replay -------------------------------------------------------------- */

START_TEST(test_iommu_replay_generic_maps_present_pages)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };

    fixture_init(&f, MODE_OFFSET);
    f.iommu.present_below = 0x5000;
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0x2000, 0x9fff,
                        &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_iommu_replay(&f.iommu.mr, &n);
    /* Pages 0x2000, 0x3000, 0x4000 present; 0x5000-0x9000 looked up. */
    ck_assert_uint_eq(h.n, 3);
    ck_assert_uint_eq(f.iommu.n_calls, 8);
    for (unsigned i = 0; i < 3; i++) {
        ck_assert_uint_eq(h.ev[i].type, IOMMU_NOTIFIER_MAP);
        ck_assert_uint_eq(h.ev[i].entry.iova, 0x2000 + i * 0x1000);
        ck_assert_uint_eq(h.ev[i].entry.translated_addr,
                          TEST_OFFSET + 0x2000 + i * 0x1000);
    }
    ck_assert_uint_eq(f.iommu.calls[0].access, IOMMU_NONE);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_replay_generic_honours_min_page_and_blocks)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };

    fixture_init(&f, MODE_IDENTITY);
    f.iommu.min_page = 0x10000;
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0, 0x3ffff,
                        &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_iommu_replay(&f.iommu.mr, &n);
    ck_assert_uint_eq(f.iommu.n_calls, 4);
    ck_assert_uint_eq(h.n, 4);
    /* A 2 MiB block is reported once, not per step. */
    f.iommu.n_calls = 0;
    h.n = 0;
    f.iommu.min_page = 0;
    f.iommu.addr_mask = 0x1fffff;
    n.end = 0x3fffff;
    memory_region_iommu_replay(&f.iommu.mr, &n);
    ck_assert_uint_eq(h.n, 2);
    ck_assert_uint_eq(h.ev[1].entry.iova, 0x200000);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_replay_generic_clipped_to_region)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };

    fixture_init_ops(&f, MODE_IDENTITY, &test_iommu_ops, 0x4000);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0, UINT64_MAX,
                        &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_iommu_replay(&f.iommu.mr, &n);
    ck_assert_uint_eq(h.n, 4);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_replay_generic_refuses_huge_range)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0, UINT64_MAX,
                        &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_iommu_replay(&f.iommu.mr, &n);
    ck_assert_uint_eq(f.iommu.n_calls, 0);
    ck_assert_uint_eq(h.n, 0);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_replay_custom_op)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };

    fixture_init_ops(&f, MODE_IDENTITY, &test_iommu_ops_replay,
                     MEMORY_REGION_SIZE_2_64);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0, 0xffff, &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_iommu_replay(&f.iommu.mr, &n);
    ck_assert_uint_eq(f.iommu.custom_replays, 1);
    ck_assert_uint_eq(f.iommu.n_calls, 0);     /* no generic walk */
    ck_assert_uint_eq(h.n, 1);
    ck_assert_uint_eq(h.ev[0].entry.translated_addr, 0x9000);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

/* ---- per-requester address spaces (iommu-space.c) ---------------------- */

/* A model's per-requester state, IOMMURequesterSpace first. */
typedef struct ToySpace {
    IOMMURequesterSpace rs;
    AddressSpace *target;
    uint16_t rid;
    unsigned calls;
} ToySpace;

static void toy_translate(MemoryRegion *mr, uint64_t iova,
                          IOMMUAccessFlags access, MemTxAttrs attrs,
                          IOMMUTranslation *out)
{
    ToySpace *t = mr->iommu_opaque;

    (void)access;
    (void)attrs;
    t->calls++;
    out->entry.target_as = t->target;
    out->entry.iova = iova & ~0xfffull;
    out->entry.translated_addr = (iova & ~0xfffull) + TEST_OFFSET;
    out->entry.addr_mask = 0xfff;
    out->entry.perm = IOMMU_RW;
}

static const IOMMUMemoryRegionOps toy_space_ops = {
    .translate = toy_translate,
};

static void toy_count(IOMMURequesterSpace *rs, void *opaque)
{
    unsigned *n = opaque;

    *n += ((ToySpace *)rs)->rid;
}

START_TEST(test_iommu_requester_space_built_once_per_id)
{
    IOMMURequesterSpaces *set =
        iommu_requester_spaces_new("toy", &toy_space_ops, NULL,
                                   sizeof(ToySpace));
    IOMMURequesterSpace *a, *b;
    bool created = false;
    unsigned sum = 0;

    ck_assert_ptr_null(iommu_requester_space_lookup(set, 0x0010));
    a = iommu_requester_space_get(set, 0x0010, &created);
    ck_assert(created);
    ck_assert_uint_eq(((ToySpace *)a)->calls, 0);   /* zero-filled */
    ((ToySpace *)a)->rid = 0x0010;
    ck_assert_str_eq(a->as.name, "toy-00:02.0");
    ck_assert_str_eq(a->iommu.name, "toy-00:02.0");
    ck_assert_ptr_eq(a->iommu.iommu_opaque, a);
    ck_assert_int_eq(a->intr.type, MR_CONTAINER);    /* no MSI window */
    ck_assert_ptr_eq(iommu_requester_space_get(set, 0x0010, &created), a);
    ck_assert(!created);
    ck_assert_ptr_eq(iommu_requester_space_lookup(set, 0x0010), a);
    b = iommu_requester_space_get(set, 0xfffa, NULL);
    ((ToySpace *)b)->rid = 0xfffa;
    ck_assert_str_eq(b->as.name, "toy-ff:1f.2");
    ck_assert_ptr_ne(a, b);
    iommu_requester_spaces_foreach(set, toy_count, &sum);
    ck_assert_uint_eq(sum, 0x0010 + 0xfffa);
    iommu_requester_spaces_free(set);
    ck_assert_ptr_null(iommu_requester_space_lookup(NULL, 1));
    iommu_requester_spaces_foreach(NULL, toy_count, &sum);
    iommu_requester_spaces_free(NULL);
}
END_TEST

/* DMA goes through the IOMMU region; 0xFEE00000 goes to the MSI sink. */
START_TEST(test_iommu_requester_space_msi_window_over_iommu)
{
    Fixture f;
    VirtualClock *clock = vclock_new();
    MsiSink *msi = msi_sink_new(clock);
    IOMMURequesterSpaces *set;
    ToySpace *t;
    uint32_t v = 0x12345678, out = 0;

    fixture_init(&f, MODE_IDENTITY);
    set = iommu_requester_spaces_new("toy", &toy_space_ops, msi,
                                     sizeof(ToySpace));
    t = (ToySpace *)iommu_requester_space_get(set, 0x0018, NULL);
    t->target = &f.sys_as;
    ck_assert_int_eq(t->rs.intr.type, MR_ALIAS);
    ck_assert_str_eq(t->rs.intr.name, "toy-intr");
    ck_assert_uint_eq(address_space_write(&t->rs.as, 0x2000, dev_attrs, &v,
                                          4), MEMTX_OK);
    ck_assert_uint_eq(t->calls, 1);
    address_space_read(&f.sys_as, 0x2000 + TEST_OFFSET, dev_attrs, &out, 4);
    ck_assert_uint_eq(out, v);
    v = 0x41;
    ck_assert_uint_eq(address_space_write(&t->rs.as, MSI_ADDR_BASE,
                                          dev_attrs, &v, 4), MEMTX_OK);
    ck_assert_uint_eq(t->calls, 1);                 /* not translated */
    ck_assert_uint_eq(msi_sink_count(msi), 1);
    ck_assert_uint_eq(msi_sink_record(msi, 0)->raw.data, 0x41);
    /* Just below the window is translated again. */
    address_space_write(&t->rs.as, MSI_ADDR_BASE - 4, dev_attrs, &v, 4);
    ck_assert_uint_eq(t->calls, 2);
    iommu_requester_spaces_free(set);
    msi_sink_free(msi);
    vclock_free(clock);
    fixture_fini(&f);
}
END_TEST

static Suite *iommu_suite(void)
{
    Suite *s = suite_create("iommu");
    TCase *tr = tcase_create("translate");
    TCase *no = tcase_create("notifier");
    TCase *re = tcase_create("replay");
    TCase *rq = tcase_create("requester-space");

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
    tcase_add_test(no, test_iommu_notifier_register_updates_flags);
    tcase_add_test(no, test_iommu_notifier_same_flags_no_change_callback);
    tcase_add_test(no, test_iommu_notify_filters_by_flags);
    tcase_add_test(no, test_iommu_notify_filters_by_range);
    tcase_add_test(no, test_iommu_unregistered_notifier_hears_nothing);
    tcase_add_test(no, test_iommu_notifier_may_unregister_itself);
    tcase_add_test(no, test_iommu_notifier_bad_registration_ignored);
    tcase_add_test(re, test_iommu_replay_generic_maps_present_pages);
    tcase_add_test(re, test_iommu_replay_generic_honours_min_page_and_blocks);
    tcase_add_test(re, test_iommu_replay_generic_clipped_to_region);
    tcase_add_test(re, test_iommu_replay_generic_refuses_huge_range);
    tcase_add_test(re, test_iommu_replay_custom_op);
    suite_add_tcase(s, tr);
    suite_add_tcase(s, no);
    tcase_add_test(rq, test_iommu_requester_space_built_once_per_id);
    tcase_add_test(rq, test_iommu_requester_space_msi_window_over_iommu);
    suite_add_tcase(s, re);
    suite_add_tcase(s, rq);
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
