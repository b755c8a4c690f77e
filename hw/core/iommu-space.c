/*
 * Per-requester DMA address spaces behind an IOMMU: the container, the
 * IOMMU region over 2^64 and the MSI window both vendor models build
 * for every requester; see include/iommu-sim/iommu.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <glib.h>

#include "iommu-sim/iommu.h"
#include "iommu-sim/msi.h"

struct IOMMURequesterSpaces {
    char *prefix;
    const IOMMUMemoryRegionOps *ops;
    MsiSink *msi;
    const IOMMUMemoryRegionOps *intr_ops;   /* NULL: plain MSI alias */
    size_t space_size;
    GHashTable *by_id;          /* requester id -> IOMMURequesterSpace */
};

static void iommu_space_destroy(gpointer data)
{
    IOMMURequesterSpace *rs = data;

    address_space_destroy(&rs->as);
    memory_region_del_subregion(&rs->root, &rs->iommu);
    if (rs->intr.type == MR_ALIAS || rs->intr.type == MR_IOMMU) {
        memory_region_del_subregion(&rs->root, &rs->intr);
        memory_region_destroy(&rs->intr);
    }
    memory_region_destroy(&rs->iommu);
    memory_region_destroy(&rs->root);
    g_free(rs);
}

IOMMURequesterSpaces *iommu_requester_spaces_new(
    const char *prefix, const IOMMUMemoryRegionOps *ops, MsiSink *msi,
    size_t space_size)
{
    IOMMURequesterSpaces *set = g_new0(IOMMURequesterSpaces, 1);

    g_assert(space_size >= sizeof(IOMMURequesterSpace));
    set->prefix = g_strdup(prefix);
    set->ops = ops;
    set->msi = msi;
    set->space_size = space_size;
    set->by_id = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       iommu_space_destroy);
    return set;
}

void iommu_requester_spaces_set_intr_ops(IOMMURequesterSpaces *set,
                                         const IOMMUMemoryRegionOps *ops)
{
    /* Spaces already built keep their window: set it before the first. */
    g_assert(g_hash_table_size(set->by_id) == 0);
    set->intr_ops = ops;
}

void iommu_requester_spaces_free(IOMMURequesterSpaces *set)
{
    if (!set) {
        return;
    }
    g_hash_table_destroy(set->by_id);
    g_free(set->prefix);
    g_free(set);
}

IOMMURequesterSpace *iommu_requester_space_lookup(IOMMURequesterSpaces *set,
                                                  uint16_t requester_id)
{
    return set ? g_hash_table_lookup(set->by_id,
                                     GUINT_TO_POINTER(requester_id))
               : NULL;
}

/* Named by PCI bus:device.function, as the requester id encodes it. */
IOMMURequesterSpace *iommu_requester_space_get(IOMMURequesterSpaces *set,
                                               uint16_t requester_id,
                                               bool *created)
{
    IOMMURequesterSpace *rs = iommu_requester_space_lookup(set,
                                                           requester_id);
    char *name, *intr_name;

    if (created) {
        *created = !rs;
    }
    if (rs) {
        return rs;
    }
    rs = g_malloc0(set->space_size);
    name = g_strdup_printf("%s-%02x:%02x.%x", set->prefix, requester_id >> 8,
                           (requester_id >> 3) & 0x1f, requester_id & 7);
    memory_region_init_container(&rs->root, name, MEMORY_REGION_SIZE_2_64);
    memory_region_init_iommu(&rs->iommu, set->ops, rs, name,
                             MEMORY_REGION_SIZE_2_64);
    memory_region_add_subregion(&rs->root, 0, &rs->iommu);
    if (set->msi) {
        intr_name = g_strconcat(set->prefix, "-intr", NULL);
        if (set->intr_ops) {
            memory_region_init_iommu(&rs->intr, set->intr_ops, rs, intr_name,
                                     MSI_ADDR_SIZE);
        } else {
            memory_region_init_alias(&rs->intr, intr_name,
                                     msi_sink_region(set->msi), 0,
                                     MSI_ADDR_SIZE);
        }
        memory_region_add_subregion_overlap(&rs->root, MSI_ADDR_BASE,
                                            &rs->intr, 1);
        g_free(intr_name);
    }
    address_space_init(&rs->as, &rs->root, name);
    g_free(name);
    g_hash_table_insert(set->by_id, GUINT_TO_POINTER(requester_id), rs);
    return rs;
}

typedef struct IOMMUSpaceVisit {
    void (*fn)(IOMMURequesterSpace *rs, void *opaque);
    void *opaque;
} IOMMUSpaceVisit;

static void iommu_space_visit(gpointer key, gpointer value, gpointer data)
{
    IOMMUSpaceVisit *v = data;

    (void)key;
    v->fn(value, v->opaque);
}

void iommu_requester_spaces_foreach(IOMMURequesterSpaces *set,
                                    void (*fn)(IOMMURequesterSpace *rs,
                                               void *opaque),
                                    void *opaque)
{
    IOMMUSpaceVisit v = { fn, opaque };

    if (set) {
        g_hash_table_foreach(set->by_id, iommu_space_visit, &v);
    }
}
