/*
 * Sparse guest RAM.
 *
 * Guest RAM is a radix tree of 4 KiB pages with 512-way interior nodes
 * (9 address bits per level, like an x86 page table), sized by the RAM
 * size: 512 MiB needs two levels, 1 TiB four, the full 64-bit space six.
 * Nodes and pages are allocated on the first write that stores a
 * non-zero byte, so a 1 TiB machine costs one root node until the guest
 * touches it, reads of untouched memory return zeros without allocating,
 * and zero-filling an untouched page stays free.
 *
 * A one-entry cache of the last page looked up keeps the common case
 * (many small accesses to the same page, as qtest readl/writel do) at a
 * compare and a memcpy.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <glib.h>
#include <string.h>

#include "iommu-sim/memory.h"

#define RAM_PAGE_BITS 12
#define RAM_PAGE_SIZE (1ull << RAM_PAGE_BITS)
#define RAM_LEVEL_BITS 9
#define RAM_FANOUT (1u << RAM_LEVEL_BITS)

struct GuestRAM {
    uint64_t size;
    unsigned levels;        /* interior levels above the pages, >= 1 */
    void **root;            /* RAM_FANOUT slots */
    uint64_t pages;         /* allocated pages */
    uint64_t cached_pfn;    /* page number of cached_page */
    uint8_t *cached_page;   /* NULL when the cache is empty */
};

/* Interior levels needed so that levels * 9 bits cover every page number. */
static unsigned guest_ram_levels_for(uint64_t size)
{
    uint64_t last_pfn = size ? (size - 1) >> RAM_PAGE_BITS : 0;
    unsigned levels = 1;

    while (levels * RAM_LEVEL_BITS < 64 &&
           (last_pfn >> (levels * RAM_LEVEL_BITS)) != 0) {
        levels++;
    }
    return levels;
}

GuestRAM *guest_ram_new(uint64_t size)
{
    GuestRAM *ram = g_new0(GuestRAM, 1);

    ram->size = size;
    ram->levels = guest_ram_levels_for(size);
    ram->root = g_new0(void *, RAM_FANOUT);
    return ram;
}

static void guest_ram_free_node(void **node, unsigned level)
{
    for (unsigned i = 0; i < RAM_FANOUT; i++) {
        if (!node[i]) {
            continue;
        }
        if (level > 1) {
            guest_ram_free_node(node[i], level - 1);
        } else {
            g_free(node[i]);
        }
    }
    g_free(node);
}

void guest_ram_free(GuestRAM *ram)
{
    if (!ram) {
        return;
    }
    guest_ram_free_node(ram->root, ram->levels);
    g_free(ram);
}

uint64_t guest_ram_size(const GuestRAM *ram)
{
    return ram->size;
}

uint64_t guest_ram_pages_allocated(const GuestRAM *ram)
{
    return ram->pages;
}

static unsigned guest_ram_index(uint64_t pfn, unsigned level)
{
    return (pfn >> ((level - 1) * RAM_LEVEL_BITS)) & (RAM_FANOUT - 1);
}

/*
 * The page holding page number pfn, or NULL when it has no backing.
 * With alloc, missing nodes and the page itself are created.  Without,
 * *hole_pages (when non-NULL) receives how many pages the missing node
 * spans from pfn on, so that walks over untouched memory can skip it.
 */
static uint8_t *guest_ram_lookup(GuestRAM *ram, uint64_t pfn, bool alloc,
                                 uint64_t *hole_pages)
{
    void **node = ram->root;

    if (ram->cached_page && ram->cached_pfn == pfn) {
        return ram->cached_page;
    }
    for (unsigned level = ram->levels; level > 1; level--) {
        void **slot = &node[guest_ram_index(pfn, level)];
        if (!*slot) {
            if (!alloc) {
                unsigned bits = (level - 1) * RAM_LEVEL_BITS;
                if (hole_pages) {
                    *hole_pages = (1ull << bits) -
                                  (pfn & ((1ull << bits) - 1));
                }
                return NULL;
            }
            *slot = g_new0(void *, RAM_FANOUT);
        }
        node = *slot;
    }
    void **leaf = &node[guest_ram_index(pfn, 1)];
    if (!*leaf) {
        if (!alloc) {
            if (hole_pages) {
                *hole_pages = 1;
            }
            return NULL;
        }
        *leaf = g_malloc0(RAM_PAGE_SIZE);
        ram->pages++;
    }
    ram->cached_pfn = pfn;
    ram->cached_page = *leaf;
    return *leaf;
}

static uint8_t *guest_ram_page(GuestRAM *ram, uint64_t pfn, bool alloc)
{
    return guest_ram_lookup(ram, pfn, alloc, NULL);
}

/* Bytes of [offset, offset+len) that lie inside the RAM. */
static uint64_t guest_ram_clamp(const GuestRAM *ram, uint64_t offset,
                                uint64_t len)
{
    if (offset >= ram->size) {
        return 0;
    }
    return MIN(len, ram->size - offset);
}

static bool guest_ram_all_zero(const uint8_t *p, uint64_t len)
{
    for (uint64_t i = 0; i < len; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

void guest_ram_read(GuestRAM *ram, uint64_t offset, void *buf, uint64_t len)
{
    uint8_t *out = buf;
    uint64_t in_range = guest_ram_clamp(ram, offset, len);

    /* Bytes past the end read as zero, like unbacked pages. */
    if (in_range < len) {
        memset(out + in_range, 0, len - in_range);
    }
    while (in_range) {
        uint64_t in_page = offset & (RAM_PAGE_SIZE - 1);
        uint64_t n = MIN(in_range, RAM_PAGE_SIZE - in_page);
        const uint8_t *page = guest_ram_page(ram, offset >> RAM_PAGE_BITS,
                                             false);
        if (page) {
            memcpy(out, page + in_page, n);
        } else {
            memset(out, 0, n);
        }
        out += n;
        offset += n;
        in_range -= n;
    }
}

void guest_ram_write(GuestRAM *ram, uint64_t offset, const void *buf,
                     uint64_t len)
{
    const uint8_t *in = buf;
    uint64_t in_range = guest_ram_clamp(ram, offset, len);

    while (in_range) {
        uint64_t in_page = offset & (RAM_PAGE_SIZE - 1);
        uint64_t n = MIN(in_range, RAM_PAGE_SIZE - in_page);
        uint64_t pfn = offset >> RAM_PAGE_BITS;
        uint8_t *page = guest_ram_page(ram, pfn, false);

        /* Zeros stored into an unbacked page change nothing: skip them. */
        if (!page && !guest_ram_all_zero(in, n)) {
            page = guest_ram_page(ram, pfn, true);
        }
        if (page) {
            memcpy(page + in_page, in, n);
        }
        in += n;
        offset += n;
        in_range -= n;
    }
}

void guest_ram_fill(GuestRAM *ram, uint64_t offset, uint8_t byte,
                    uint64_t len)
{
    uint64_t in_range = guest_ram_clamp(ram, offset, len);

    while (in_range) {
        uint64_t in_page = offset & (RAM_PAGE_SIZE - 1);
        uint64_t n = MIN(in_range, RAM_PAGE_SIZE - in_page);
        uint64_t hole = 0;
        uint8_t *page = guest_ram_lookup(ram, offset >> RAM_PAGE_BITS,
                                         byte != 0, &hole);
        if (page) {
            memset(page + in_page, byte, n);
        } else if (hole > 1) {
            /* Zeroing untouched memory: skip the whole missing subtree. */
            uint64_t span = (hole << RAM_PAGE_BITS) - in_page;
            n = MIN(in_range, span);
        }
        offset += n;
        in_range -= n;
    }
}
