/*
 * The MSI sink: the interrupt address range 0xFEE00000-0xFEEFFFFF as seen
 * by device writes.  Every DWORD written there is decoded (destination,
 * vector, delivery mode, ...) and recorded; a listener (the harness's
 * msi_intercept) sees each one as it arrives.
 *
 * Interrupt remapping plugs in through msi_sink_set_remap(): the hook sees
 * the raw message and the requester id first and returns the message to
 * deliver, or blocks it (an interrupt-remapping fault).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_MSI_H
#define IOMMU_SIM_MSI_H

#include "iommu-sim/clock.h"
#include "iommu-sim/memory.h"

#define MSI_ADDR_BASE 0xfee00000ull
#define MSI_ADDR_SIZE 0x00100000ull

typedef struct MsiMessage {
    uint64_t address;
    uint32_t data;
} MsiMessage;

/* A delivered interrupt, decoded per the x86 compatibility format. */
typedef struct MsiRecord {
    MsiMessage raw;             /* as written by the device */
    MsiMessage msg;             /* as delivered (after remapping) */
    uint16_t requester_id;
    bool has_requester;
    int64_t time_ns;
    bool remapped;              /* went through the remap hook */
    uint32_t dest;              /* destination APIC id */
    uint8_t vector;
    uint8_t delivery_mode;      /* 0 fixed, 1 lowest priority, 2 SMI, ... */
    bool dest_mode_logical;
    bool redirection_hint;
    bool trigger_level;
    bool level_assert;
} MsiRecord;

typedef enum {
    MSI_REMAP_DELIVER,          /* deliver *msg (possibly rewritten) */
    MSI_REMAP_BLOCK,            /* fault recorded by the IOMMU; drop */
} MsiRemapResult;

typedef MsiRemapResult (*MsiRemapFn)(void *opaque, MsiMessage *msg,
                                     uint16_t requester_id,
                                     bool has_requester);
typedef void (*MsiListenerFn)(void *opaque, const MsiRecord *rec);

typedef struct MsiSink MsiSink;

MsiSink *msi_sink_new(VirtualClock *clock);
void msi_sink_free(MsiSink *sink);

/* The MMIO region to map at MSI_ADDR_BASE (DWORD writes only). */
MemoryRegion *msi_sink_region(MsiSink *sink);

void msi_sink_set_remap(MsiSink *sink, MsiRemapFn fn, void *opaque);
void msi_sink_set_listener(MsiSink *sink, MsiListenerFn fn, void *opaque);

/* Deliver one message; returns MEMTX_OK even when blocked by remapping. */
MemTxResult msi_sink_deliver(MsiSink *sink, MsiMessage msg,
                             MemTxAttrs attrs);

/* Decode a message in compatibility format (no remapping). */
void msi_decode(MsiMessage msg, MsiRecord *rec);

/* Everything delivered so far, oldest first. */
unsigned msi_sink_count(const MsiSink *sink);
const MsiRecord *msi_sink_record(const MsiSink *sink, unsigned index);
void msi_sink_clear(MsiSink *sink);

#endif
