/*
 * Register files as MMIO regions: the one MemoryRegionOps both vendor
 * models map their register files with.  Kept out of regs.c, which the
 * specs/ table tests link on its own without the memory core.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "iommu-sim/regs.h"

static uint64_t regs_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    return regfile_read(opaque, addr, size);
}

static void regs_mmio_write(void *opaque, uint64_t addr, uint64_t data,
                            unsigned size)
{
    regfile_write(opaque, addr, data, size);
}

/*
 * Both vendors' registers take dword and qword accesses (VT-d 11.2,
 * AMD IOMMU 3.4); narrower naturally aligned ones are applied byte-wise
 * by the engine rather than widened by the core.
 */
static const MemoryRegionOps regs_mmio_ops = {
    .read = regs_mmio_read,
    .write = regs_mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

void regfile_init_mmio(MemoryRegion *mr, RegFile *rf, const char *name,
                       uint64_t size)
{
    memory_region_init_io(mr, &regs_mmio_ops, rf, name, size);
}
