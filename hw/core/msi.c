/*
 * The MSI sink: DWORD writes to 0xFEE00000-0xFEEFFFFF become interrupts.
 *
 * Compatibility-format decode per the Intel SDM vol. 3, 11.11.1 (message
 * address: 0xFEE in bits 31:20, destination id 19:12, redirection hint
 * bit 3, destination mode bit 2) and 11.11.2 (message data: vector 7:0,
 * delivery mode 10:8, level bit 14, trigger mode bit 15).  VT-d 5.1.2
 * and AMD IOMMU 2.2.5 define the remappable formats; those belong to the
 * IOMMU models, which see the raw message through the remap hook first.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <glib.h>
#include <string.h>

#include "iommu-sim/msi.h"

#define MSI_ADDR_DEST_SHIFT     12
#define MSI_ADDR_DEST_MASK      0xffu
#define MSI_ADDR_RH             (1u << 3)
#define MSI_ADDR_DM_LOGICAL     (1u << 2)

#define MSI_DATA_VECTOR_MASK    0xffu
#define MSI_DATA_DM_SHIFT       8
#define MSI_DATA_DM_MASK        0x7u
#define MSI_DATA_LEVEL_ASSERT   (1u << 14)
#define MSI_DATA_TRIGGER_LEVEL  (1u << 15)

struct MsiSink {
    MemoryRegion region;
    VirtualClock *clock;        /* may be NULL: records get time 0 */
    MsiRemapFn remap;
    void *remap_opaque;
    MsiListenerFn listener;
    void *listener_opaque;
    GArray *records;            /* of MsiRecord */
};

void msi_decode(MsiMessage msg, MsiRecord *rec)
{
    uint32_t lo = (uint32_t)msg.address;

    rec->dest = (lo >> MSI_ADDR_DEST_SHIFT) & MSI_ADDR_DEST_MASK;
    rec->redirection_hint = (lo & MSI_ADDR_RH) != 0;
    rec->dest_mode_logical = (lo & MSI_ADDR_DM_LOGICAL) != 0;
    rec->vector = msg.data & MSI_DATA_VECTOR_MASK;
    rec->delivery_mode = (msg.data >> MSI_DATA_DM_SHIFT) & MSI_DATA_DM_MASK;
    rec->level_assert = (msg.data & MSI_DATA_LEVEL_ASSERT) != 0;
    rec->trigger_level = (msg.data & MSI_DATA_TRIGGER_LEVEL) != 0;
}

MemTxResult msi_sink_deliver(MsiSink *sink, MsiMessage msg,
                             MemTxAttrs attrs)
{
    MsiRecord rec;
    MsiMessage out = msg;
    bool has_requester = !attrs.unspecified;
    uint16_t rid = has_requester ? attrs.requester_id : 0;

    if (sink->remap &&
        sink->remap(sink->remap_opaque, &out, rid, has_requester) ==
            MSI_REMAP_BLOCK) {
        return MEMTX_OK;    /* the IOMMU recorded the fault */
    }
    memset(&rec, 0, sizeof(rec));
    rec.raw = msg;
    rec.msg = out;
    rec.requester_id = rid;
    rec.has_requester = has_requester;
    rec.time_ns = sink->clock ? vclock_now(sink->clock) : 0;
    rec.remapped = sink->remap != NULL;
    msi_decode(out, &rec);
    g_array_append_val(sink->records, rec);
    if (sink->listener) {
        sink->listener(sink->listener_opaque, &rec);
    }
    return MEMTX_OK;
}

static MemTxResult msi_sink_mmio_write(void *opaque, uint64_t addr,
                                       uint64_t data, unsigned size,
                                       MemTxAttrs attrs)
{
    MsiSink *sink = opaque;
    MsiMessage msg = {
        .address = MSI_ADDR_BASE + addr,
        .data = (uint32_t)data,
    };

    return msi_sink_deliver(sink, msg, attrs);
}

/* Reads of the interrupt range are not defined: they return 0. */
static MemTxResult msi_sink_mmio_read(void *opaque, uint64_t addr,
                                      uint64_t *data, unsigned size,
                                      MemTxAttrs attrs)
{
    *data = 0;
    return MEMTX_OK;
}

static const MemoryRegionOps msi_sink_ops = {
    .read_with_attrs = msi_sink_mmio_read,
    .write_with_attrs = msi_sink_mmio_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

MsiSink *msi_sink_new(VirtualClock *clock)
{
    MsiSink *sink = g_new0(MsiSink, 1);

    sink->clock = clock;
    sink->records = g_array_new(FALSE, TRUE, sizeof(MsiRecord));
    memory_region_init_io(&sink->region, &msi_sink_ops, sink, "msi",
                          MSI_ADDR_SIZE);
    return sink;
}

void msi_sink_free(MsiSink *sink)
{
    if (!sink) {
        return;
    }
    memory_region_destroy(&sink->region);
    g_array_free(sink->records, TRUE);
    g_free(sink);
}

MemoryRegion *msi_sink_region(MsiSink *sink)
{
    return &sink->region;
}

void msi_sink_set_remap(MsiSink *sink, MsiRemapFn fn, void *opaque)
{
    sink->remap = fn;
    sink->remap_opaque = opaque;
}

void msi_sink_set_listener(MsiSink *sink, MsiListenerFn fn, void *opaque)
{
    sink->listener = fn;
    sink->listener_opaque = opaque;
}

unsigned msi_sink_count(const MsiSink *sink)
{
    return sink->records->len;
}

const MsiRecord *msi_sink_record(const MsiSink *sink, unsigned index)
{
    if (index >= sink->records->len) {
        return NULL;
    }
    return &g_array_index(sink->records, MsiRecord, index);
}

void msi_sink_clear(MsiSink *sink)
{
    g_array_set_size(sink->records, 0);
}
