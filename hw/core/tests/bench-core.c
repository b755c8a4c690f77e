/*
 * Benchmark: cost of the core access paths, in ns per access.
 *
 * A q35-like tree (RAM, a few MMIO regions, ROM below 4 GiB) and a DMA
 * space through a trivial identity IOMMU, so the numbers show what the
 * core adds before any IOMMU model does work.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "iommu-sim/iommu.h"
#include "iommu-sim/memory.h"

#define ITERS 2000000

static uint64_t bench_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    return addr;
}

static void bench_mmio_write(void *opaque, uint64_t addr, uint64_t data,
                             unsigned size)
{
}

static const MemoryRegionOps bench_ops = {
    .read = bench_mmio_read, .write = bench_mmio_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
};

static void bench_translate(MemoryRegion *mr, uint64_t iova,
                            IOMMUAccessFlags access, MemTxAttrs attrs,
                            IOMMUTranslation *out)
{
    out->entry.target_as = mr->iommu_opaque;
    out->entry.iova = iova & ~0xfffull;
    out->entry.translated_addr = iova & ~0xfffull;
    out->entry.addr_mask = 0xfff;
    out->entry.perm = IOMMU_RW;
}

static const IOMMUMemoryRegionOps bench_iommu_ops = {
    .translate = bench_translate,
};

static double bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* span must be a power of two */
static double bench_loop(AddressSpace *as, uint64_t base, uint64_t span)
{
    uint32_t v;
    double t0 = bench_now();

    for (unsigned i = 0; i < ITERS; i++) {
        address_space_rw(as, base + ((i * 64ull) & (span - 1)),
                         memtxattrs_for_requester(8), &v, 4, false, NULL);
    }
    return (bench_now() - t0) / ITERS;
}

int main(void)
{
    GuestRAM *ram = guest_ram_new(512ull << 20);
    MemoryRegion root, ram_mr, io[4], rom, iommu;
    AddressSpace as, dma;
    static const uint8_t image[16];

    memory_region_init_container(&root, "system", MEMORY_REGION_SIZE_2_64);
    memory_region_init_ram(&ram_mr, ram, 0, "ram", 512ull << 20);
    memory_region_add_subregion(&root, 0, &ram_mr);
    for (unsigned i = 0; i < 4; i++) {
        memory_region_init_io(&io[i], &bench_ops, NULL, "mmio", 0x1000);
        memory_region_add_subregion(&root, 0xfed00000 + i * 0x10000, &io[i]);
    }
    memory_region_init_rom(&rom, "bios", 0x10000, image, sizeof(image));
    memory_region_add_subregion(&root, 0xffff0000, &rom);
    address_space_init(&as, &root, "memory");
    memory_region_init_iommu(&iommu, &bench_iommu_ops, &as, "iommu",
                             MEMORY_REGION_SIZE_2_64);
    address_space_init(&dma, &iommu, "dma");
    guest_ram_fill(ram, 0, 1, 1 << 20);

    printf("ram read 4B:        %6.1f ns\n", bench_loop(&as, 0, 1 << 20));
    printf("mmio read 4B:       %6.1f ns\n",
           bench_loop(&as, 0xfed20000, 0x1000));
    printf("rom read 4B:        %6.1f ns\n",
           bench_loop(&as, 0xffff0000, 0x10000));
    printf("iommu->ram read 4B: %6.1f ns\n", bench_loop(&dma, 0, 1 << 20));

    address_space_destroy(&dma);
    address_space_destroy(&as);
    memory_region_destroy(&iommu);
    memory_region_destroy(&rom);
    for (unsigned i = 0; i < 4; i++) {
        memory_region_destroy(&io[i]);
    }
    memory_region_destroy(&ram_mr);
    memory_region_destroy(&root);
    guest_ram_free(ram);
    return 0;
}
