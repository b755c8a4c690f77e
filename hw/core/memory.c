/*
 * Memory regions: initialisation and topology.
 *
 * Subregions are kept in one array per container, sorted so that the
 * first entry wins: descending priority, and among equal priorities the
 * most recently added first (QEMU inserts a new subregion before the
 * first sibling whose priority is not higher, which gives the same
 * order).  Accesses (memory-access.c) scan that array; there is no
 * flattened view to rebuild, so topology changes are cheap.
 *
 * Misuse from callers (adding a region that already has a container,
 * deleting one that is not a child) is reported with g_warning and
 * otherwise ignored: bad input never crashes the model.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <glib.h>
#include <string.h>

#include "iommu-sim/iommu.h"
#include "iommu-sim/memory.h"
#include "hw/core/memory-internal.h"

static void memory_region_init_common(MemoryRegion *mr,
                                      MemoryRegionType type,
                                      const char *name, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->type = type;
    mr->name = g_strdup(name ? name : "anonymous");
    mr->enabled = true;
    if (size == MEMORY_REGION_SIZE_2_64) {
        mr->size_is_2_64 = true;
    } else {
        mr->size = size;
    }
}

void memory_region_init_container(MemoryRegion *mr, const char *name,
                                  uint64_t size)
{
    memory_region_init_common(mr, MR_CONTAINER, name, size);
}

void memory_region_init_io(MemoryRegion *mr, const MemoryRegionOps *ops,
                           void *opaque, const char *name, uint64_t size)
{
    memory_region_init_common(mr, MR_IO, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
}

void memory_region_init_ram(MemoryRegion *mr, GuestRAM *ram,
                            uint64_t ram_offset, const char *name,
                            uint64_t size)
{
    memory_region_init_common(mr, MR_RAM, name, size);
    mr->ram = ram;
    mr->ram_offset = ram_offset;
}

/*
 * ROM contents live in a plain buffer of the region's size.  A size no
 * allocation can satisfy leaves rom_data NULL and the region reads as
 * zeros rather than aborting.
 */
static void memory_region_rom_resize(MemoryRegion *mr, uint64_t size,
                                     const void *data, size_t len)
{
    uint8_t *bytes = NULL;

    if (!mr->size_is_2_64 && size <= G_MAXSIZE) {
        bytes = g_try_malloc0(size ? size : 1);
    }
    if (bytes && data) {
        memcpy(bytes, data, MIN((uint64_t)len, size));
    }
    g_free(mr->rom_data);
    mr->rom_data = bytes;
}

void memory_region_init_rom(MemoryRegion *mr, const char *name,
                            uint64_t size, const void *data, size_t len)
{
    memory_region_init_common(mr, MR_ROM, name, size);
    memory_region_rom_resize(mr, size, data, len);
    if (!mr->rom_data) {
        g_warning("ROM %s: cannot allocate 0x%" G_GINT64_MODIFIER "x "
                  "bytes; it reads as zeros", mr->name, size);
    }
}

void memory_region_init_alias(MemoryRegion *mr, const char *name,
                              MemoryRegion *orig, uint64_t offset,
                              uint64_t size)
{
    memory_region_init_common(mr, MR_ALIAS, name, size);
    mr->alias = orig;
    mr->alias_offset = offset;
}

void memory_region_init_iommu(MemoryRegion *mr,
                              const IOMMUMemoryRegionOps *ops, void *opaque,
                              const char *name, uint64_t size)
{
    memory_region_init_common(mr, MR_IOMMU, name, size);
    mr->iommu_ops = ops;
    mr->iommu_opaque = opaque;
}

void memory_region_destroy(MemoryRegion *mr)
{
    if (!mr) {
        return;
    }
    if (mr->container) {
        memory_region_del_subregion(mr->container, mr);
    }
    for (unsigned i = 0; i < mr->n_subregions; i++) {
        mr->subregions[i]->container = NULL;
    }
    while (mr->notifiers) {
        memory_region_unregister_iommu_notifier(mr, mr->notifiers);
    }
    g_free(mr->subregions);
    g_free(mr->rom_data);
    g_free(mr->name);
    memset(mr, 0, sizeof(*mr));
}

/* Insert sub into parent's array before the first sibling it beats. */
static void memory_region_insert_sorted(MemoryRegion *parent,
                                        MemoryRegion *sub)
{
    unsigned pos = 0;

    if (parent->n_subregions == parent->cap_subregions) {
        parent->cap_subregions = MAX(4u, parent->cap_subregions * 2);
        parent->subregions = g_renew(MemoryRegion *, parent->subregions,
                                     parent->cap_subregions);
    }
    while (pos < parent->n_subregions &&
           parent->subregions[pos]->priority > sub->priority) {
        pos++;
    }
    memmove(&parent->subregions[pos + 1], &parent->subregions[pos],
            (parent->n_subregions - pos) * sizeof(MemoryRegion *));
    parent->subregions[pos] = sub;
    parent->n_subregions++;
}

static void memory_region_add_common(MemoryRegion *parent, uint64_t offset,
                                     MemoryRegion *sub, int priority,
                                     bool may_overlap)
{
    if (!parent || !sub || parent == sub) {
        g_warning("memory_region_add_subregion: invalid region");
        return;
    }
    if (sub->container) {
        g_warning("region %s is already in %s; not added to %s", sub->name,
                  sub->container->name, parent->name);
        return;
    }
    sub->container = parent;
    sub->addr = offset;
    sub->priority = priority;
    sub->may_overlap = may_overlap;
    memory_region_insert_sorted(parent, sub);
}

void memory_region_add_subregion(MemoryRegion *parent, uint64_t offset,
                                 MemoryRegion *sub)
{
    memory_region_add_common(parent, offset, sub, 0, false);
}

void memory_region_add_subregion_overlap(MemoryRegion *parent,
                                         uint64_t offset, MemoryRegion *sub,
                                         int priority)
{
    memory_region_add_common(parent, offset, sub, priority, true);
}

void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *sub)
{
    if (!parent || !sub || sub->container != parent) {
        g_warning("memory_region_del_subregion: %s is not a subregion of %s",
                  sub ? sub->name : "(null)",
                  parent ? parent->name : "(null)");
        return;
    }
    for (unsigned i = 0; i < parent->n_subregions; i++) {
        if (parent->subregions[i] == sub) {
            memmove(&parent->subregions[i], &parent->subregions[i + 1],
                    (parent->n_subregions - i - 1) * sizeof(MemoryRegion *));
            parent->n_subregions--;
            break;
        }
    }
    sub->container = NULL;
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    mr->enabled = enabled;
}

/*
 * Moving a region re-inserts it, so it becomes the most recent among its
 * equal-priority siblings, as QEMU's readd does.
 */
void memory_region_set_address(MemoryRegion *mr, uint64_t offset)
{
    MemoryRegion *parent = mr->container;

    if (!parent) {
        mr->addr = offset;
        return;
    }
    memory_region_del_subregion(parent, mr);
    memory_region_add_common(parent, offset, mr, mr->priority,
                             mr->may_overlap);
}

void memory_region_set_alias_offset(MemoryRegion *mr, uint64_t offset)
{
    mr->alias_offset = offset;
}

void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    uint64_t old_size = mr->size;

    mr->size_is_2_64 = size == MEMORY_REGION_SIZE_2_64;
    mr->size = mr->size_is_2_64 ? 0 : size;
    if (mr->type == MR_ROM) {
        uint8_t *old = mr->rom_data;
        uint64_t old_len = old ? old_size : 0;

        /* Keep the old contents (up to the new size), zero the rest. */
        mr->rom_data = NULL;
        memory_region_rom_resize(mr, size, old, MIN(old_len, size));
        g_free(old);
    }
}

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    as->name = g_strdup(name ? name : "anonymous");
    as->root = root;
}

void address_space_destroy(AddressSpace *as)
{
    g_free(as->name);
    as->name = NULL;
    as->root = NULL;
}
