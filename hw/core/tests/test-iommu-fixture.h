/*
 * The test IOMMU shared by the translate tests (test-iommu.c) and the
 * notifier, replay and requester-space tests (test-iommu-notify.c): three
 * modes (identity, offset by 0x100000, always fault) plus knobs for partial
 * faults, permissions and block sizes, and a fixture with 16 MiB of RAM and
 * a DMA space rooted in the IOMMU.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef TEST_IOMMU_FIXTURE_H
#define TEST_IOMMU_FIXTURE_H

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

static inline void test_iommu_translate(MemoryRegion *mr, uint64_t iova,
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

static inline void test_iommu_flag_changed(MemoryRegion *mr, unsigned old_flags,
                                    unsigned new_flags)
{
    TestIommu *t = mr->iommu_opaque;

    t->flag_changes++;
    t->old_flags = old_flags;
    t->new_flags = new_flags;
}

static inline uint64_t test_iommu_min_page(MemoryRegion *mr)
{
    TestIommu *t = mr->iommu_opaque;

    return t->min_page;
}

static inline void test_iommu_custom_replay(MemoryRegion *mr, IOMMUNotifier *n)
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

static inline void fixture_init_ops(Fixture *f, TestMode mode,
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

static inline void fixture_init(Fixture *f, TestMode mode)
{
    fixture_init_ops(f, mode, &test_iommu_ops, MEMORY_REGION_SIZE_2_64);
}

static inline void fixture_fini(Fixture *f)
{
    address_space_destroy(&f->dma_as);
    address_space_destroy(&f->sys_as);
    memory_region_destroy(&f->iommu.mr);
    memory_region_destroy(&f->sys_ram);
    memory_region_destroy(&f->sys_root);
    guest_ram_free(f->ram);
}

static const MemTxAttrs dev_attrs = { .requester_id = 0x0010 };

#endif
