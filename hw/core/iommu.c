/*
 * The IOMMU translate interface: translate calls, notifiers, replay.
 *
 * Notifiers hang off their IOMMU region in a singly linked list, in
 * registration order.  The region keeps the union of their flags so that
 * a model can skip work nobody listens for (e.g. MAP events exist only
 * for shadowing consumers, like QEMU's caching-mode users); the model
 * hears about changes of that union through notify_flag_changed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <glib.h>
#include <string.h>

#include "iommu-sim/iommu.h"

/* The generic replay refuses notifier ranges of more pages than this. */
#define IOMMU_REPLAY_MAX_PAGES (1ull << 32)
#define IOMMU_DEFAULT_PAGE 4096ull

void iommu_notifier_init(IOMMUNotifier *n, IOMMUNotify fn, unsigned flags,
                         uint64_t start, uint64_t end, void *opaque)
{
    memset(n, 0, sizeof(*n));
    n->notify = fn;
    n->flags = flags;
    n->start = start;
    n->end = end;
    n->opaque = opaque;
}

void memory_region_iommu_translate(MemoryRegion *iommu, uint64_t iova,
                                   IOMMUAccessFlags access, MemTxAttrs attrs,
                                   IOMMUTranslation *out)
{
    memset(out, 0, sizeof(*out));
    if (!iommu || iommu->type != MR_IOMMU || !iommu->iommu_ops ||
        !iommu->iommu_ops->translate) {
        out->fault = true;
        out->fault_name = "not an IOMMU region";
        return;
    }
    iommu->iommu_ops->translate(iommu, iova, access, attrs, out);
}

static unsigned iommu_notifier_union(const MemoryRegion *iommu)
{
    unsigned flags = 0;

    for (const IOMMUNotifier *n = iommu->notifiers; n; n = n->next) {
        flags |= n->flags;
    }
    return flags;
}

static void iommu_update_flags(MemoryRegion *iommu)
{
    unsigned old_flags = iommu->notifier_flags;
    unsigned new_flags = iommu_notifier_union(iommu);

    iommu->notifier_flags = new_flags;
    if (old_flags != new_flags && iommu->iommu_ops &&
        iommu->iommu_ops->notify_flag_changed) {
        iommu->iommu_ops->notify_flag_changed(iommu, old_flags, new_flags);
    }
}

void memory_region_register_iommu_notifier(MemoryRegion *iommu,
                                           IOMMUNotifier *n)
{
    IOMMUNotifier **tail;

    if (!iommu || !n || iommu->type != MR_IOMMU) {
        g_warning("IOMMU notifier registered on a region that is not an "
                  "IOMMU region");
        return;
    }
    if (n->iommu) {
        g_warning("IOMMU notifier already registered on %s", n->iommu->name);
        return;
    }
    if (n->start > n->end || !n->flags) {
        g_warning("IOMMU notifier for %s: empty range or no flags; ignored",
                  iommu->name);
        return;
    }
    for (tail = &iommu->notifiers; *tail; tail = &(*tail)->next) {
        continue;
    }
    n->next = NULL;
    n->iommu = iommu;
    *tail = n;
    iommu_update_flags(iommu);
}

void memory_region_unregister_iommu_notifier(MemoryRegion *iommu,
                                             IOMMUNotifier *n)
{
    if (!iommu || !n || n->iommu != iommu) {
        return;
    }
    for (IOMMUNotifier **p = &iommu->notifiers; *p; p = &(*p)->next) {
        if (*p == n) {
            *p = n->next;
            break;
        }
    }
    n->next = NULL;
    n->iommu = NULL;
    iommu_update_flags(iommu);
}

/*
 * The entry covers [iova, iova | addr_mask] after aligning iova down;
 * the notifier hears it when its flags include the event type and its
 * range intersects that block.  The entry is passed on unclipped: it is
 * a naturally aligned block and consumers may rely on that.
 */
void memory_region_notify_iommu_one(IOMMUNotifier *n,
                                    const IOMMUTLBEvent *event)
{
    uint64_t first = event->entry.iova & ~event->entry.addr_mask;
    uint64_t last = first | event->entry.addr_mask;

    if (!n || !n->notify || !(n->flags & event->type)) {
        return;
    }
    if (last < n->start || first > n->end) {
        return;
    }
    n->notify(n, event);
}

void memory_region_notify_iommu(MemoryRegion *iommu,
                                const IOMMUTLBEvent *event)
{
    IOMMUNotifier *n;

    if (!iommu || iommu->type != MR_IOMMU ||
        !(iommu->notifier_flags & event->type)) {
        return;
    }
    /* Fetch next first: a callback may unregister its own notifier. */
    for (n = iommu->notifiers; n;) {
        IOMMUNotifier *next = n->next;
        memory_region_notify_iommu_one(n, event);
        n = next;
    }
}

IOMMUNotifier *memory_region_iommu_next_notifier(MemoryRegion *iommu,
                                                 IOMMUNotifier *prev)
{
    if (!iommu) {
        return NULL;
    }
    return prev ? prev->next : iommu->notifiers;
}

static uint64_t iommu_min_page(MemoryRegion *iommu)
{
    uint64_t page = IOMMU_DEFAULT_PAGE;

    if (iommu->iommu_ops->min_page_size) {
        page = iommu->iommu_ops->min_page_size(iommu);
    }
    /* A model reporting a nonsensical granule gets the x86 default. */
    if (!page || (page & (page - 1))) {
        page = IOMMU_DEFAULT_PAGE;
    }
    return page;
}

/*
 * The generic replay: look up every page of n's range (clipped to the
 * region) with IOMMU_NONE and send a MAP event for each present
 * translation.  A block larger than a page is sent once and skipped.
 */
static void iommu_replay_generic(MemoryRegion *iommu, IOMMUNotifier *n)
{
    uint64_t page = iommu_min_page(iommu);
    uint64_t start = n->start & ~(page - 1);
    uint64_t end = n->end;

    if (!iommu->size_is_2_64) {
        if (!iommu->size || start >= iommu->size) {
            return;
        }
        end = MIN(end, iommu->size - 1);
    }
    if (((end - start) / page) >= IOMMU_REPLAY_MAX_PAGES) {
        g_message("IOMMU %s: replay of 0x%" G_GINT64_MODIFIER "x-0x%"
                  G_GINT64_MODIFIER "x refused: more than 2^32 pages",
                  iommu->name, n->start, n->end);
        return;
    }
    for (uint64_t iova = start;;) {
        IOMMUTranslation tr;
        uint64_t next = iova + page;

        memory_region_iommu_translate(iommu, iova, IOMMU_NONE,
                                      MEMTXATTRS_UNSPECIFIED, &tr);
        if (!tr.fault && tr.entry.perm != IOMMU_NONE) {
            IOMMUTLBEvent ev = { .type = IOMMU_NOTIFIER_MAP, .entry = tr.entry };
            uint64_t block_end = (tr.entry.iova | tr.entry.addr_mask) + 1;

            memory_region_notify_iommu_one(n, &ev);
            if (block_end > next && tr.entry.iova <= iova) {
                next = block_end;
            }
        }
        if (next <= iova || next - 1 >= end) {
            break;  /* done, or wrapped past 2^64 */
        }
        iova = next;
    }
}

void memory_region_iommu_replay(MemoryRegion *iommu, IOMMUNotifier *n)
{
    if (!iommu || !n || iommu->type != MR_IOMMU || !iommu->iommu_ops) {
        return;
    }
    if (iommu->iommu_ops->replay) {
        iommu->iommu_ops->replay(iommu, n);
        return;
    }
    iommu_replay_generic(iommu, n);
}
