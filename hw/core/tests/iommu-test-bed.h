/*
 * What the vendor models' machine-less Check tests and benchmarks put
 * around a unit, written once for VT-d (hw/intel-vtd/tests) and AMD-Vi
 * (hw/amd-vi/tests):
 *
 *  - the bed: sparse guest RAM at 0 in a 2^64 container, the MSI sink at
 *    MSI_ADDR_BASE, a virtual clock, and the system address space over
 *    them, as a machine would give a realized IOMMU;
 *  - a flat DMA space (RAM as the whole space) for units assembled by
 *    hand without the translation half;
 *  - little-endian RAM words, "name=value,..." property lists, and a
 *    translation through one requester's IOMMU region.
 *
 * The fixtures keep their own field names (t->clk, t->msi, t->as) since
 * the tests use them; the address space, clock and sink are therefore the
 * caller's and handed in.  Header-only, like the fixtures that use it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_TEST_BED_H
#define IOMMU_TEST_BED_H

#include <glib.h>

#include "iommu-sim/clock.h"
#include "iommu-sim/iommu.h"
#include "iommu-sim/memory.h"
#include "iommu-sim/msi.h"

typedef struct IOMMUTestBed {
    GuestRAM *ram;
    MemoryRegion sys, ramr;
} IOMMUTestBed;

/* RAM of ram_size at 0 and a new sink (on a new clock) at MSI_ADDR_BASE. */
static inline void iommu_test_bed_init(IOMMUTestBed *b, uint64_t ram_size,
                                       AddressSpace *as, VirtualClock **clk,
                                       MsiSink **msi)
{
    b->ram = guest_ram_new(ram_size);
    memory_region_init_container(&b->sys, "sys", MEMORY_REGION_SIZE_2_64);
    memory_region_init_ram(&b->ramr, b->ram, 0, "ram", ram_size);
    memory_region_add_subregion(&b->sys, 0, &b->ramr);
    *clk = vclock_new();
    *msi = msi_sink_new(*clk);
    memory_region_add_subregion(&b->sys, MSI_ADDR_BASE,
                                msi_sink_region(*msi));
    address_space_init(as, &b->sys, "sys");
}

/* After the unit is freed: it may still hold as and the sink. */
static inline void iommu_test_bed_destroy(IOMMUTestBed *b, AddressSpace *as,
                                          VirtualClock *clk, MsiSink *msi)
{
    address_space_destroy(as);
    memory_region_del_subregion(&b->sys, msi_sink_region(msi));
    msi_sink_free(msi);
    vclock_free(clk);
    memory_region_del_subregion(&b->sys, &b->ramr);
    memory_region_destroy(&b->ramr);
    memory_region_destroy(&b->sys);
    guest_ram_free(b->ram);
}

/* RAM of size as the root of as: no holes, no MSI window. */
static inline GuestRAM *iommu_test_flat_init(MemoryRegion *ram_mr,
                                             AddressSpace *as,
                                             uint64_t size)
{
    GuestRAM *ram = guest_ram_new(size);

    memory_region_init_ram(ram_mr, ram, 0, "ram", size);
    address_space_init(as, ram_mr, "dma");
    return ram;
}

static inline void iommu_test_flat_destroy(GuestRAM *ram,
                                           MemoryRegion *ram_mr,
                                           AddressSpace *as)
{
    address_space_destroy(as);
    memory_region_destroy(ram_mr);
    guest_ram_free(ram);
}

/* Table entries and completion stores are little-endian in memory. */
static inline void iommu_test_ram_w64(GuestRAM *ram, uint64_t a, uint64_t v)
{
    uint64_t le = GUINT64_TO_LE(v);

    guest_ram_write(ram, a, &le, 8);
}

static inline uint64_t iommu_test_ram_r64(GuestRAM *ram, uint64_t a)
{
    uint64_t le;

    guest_ram_read(ram, a, &le, 8);
    return GUINT64_FROM_LE(le);
}

static inline uint32_t iommu_test_ram_r32(GuestRAM *ram, uint64_t a)
{
    uint32_t le;

    guest_ram_read(ram, a, &le, 4);
    return GUINT32_FROM_LE(le);
}

/* A vendor's props setter (vtd_props_set, amdvi_props_set) behind void. */
typedef bool (*IOMMUTestPropSetFn)(void *props, const char *name,
                                   const char *value, GError **errp);

/*
 * "a=1,b=2" (NULL or "" for none) through set, in order; false with set's
 * error at the first it refuses.  No check.h here: bench-amdvi-cmd
 * includes this without libcheck.
 */
static inline bool iommu_test_props_apply(void *props,
                                          IOMMUTestPropSetFn set,
                                          const char *list, GError **errp)
{
    gchar **kv = g_strsplit(list ? list : "", ",", -1);
    bool ok = true;

    for (gchar **i = kv; ok && *i && **i; i++) {
        gchar **nv = g_strsplit(*i, "=", 2);

        ok = set(props, nv[0], nv[1] ? nv[1] : "", errp);
        g_strfreev(nv);
    }
    g_strfreev(kv);
    return ok;
}

/*
 * Translate through requester rid's IOMMU region; the caller has had the
 * model build the space (vtd_dma_as / amdvi_dma_as).
 */
static inline void iommu_test_translate(IOMMURequesterSpaces *spaces,
                                        uint16_t rid, uint64_t iova,
                                        IOMMUAccessFlags access,
                                        MemTxAttrs attrs,
                                        IOMMUTranslation *out)
{
    IOMMURequesterSpace *rs = iommu_requester_space_lookup(spaces, rid);

    memory_region_iommu_translate(&rs->iommu, iova, access, attrs, out);
}

#endif
