/*
 * Helpers for the machine tests: build a q35 machine, do CPU-side port
 * and memory accesses the way the qtest verbs do.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_MACHINE_TESTS_MACHINE_TEST_UTIL_H
#define HW_MACHINE_TESTS_MACHINE_TEST_UTIL_H

#include <check.h>

#include "iommu-sim/machine.h"
#include "iommu-sim/pci.h"

static inline Machine *mt_machine(uint64_t ram, const char *bios)
{
    MachineOptions o = { .type = "q35", .ram_size = ram, .bios_path = bios };
    GError *err = NULL;
    Machine *m = machine_new(&o, &err);

    ck_assert_msg(m, "machine_new: %s", err ? err->message : "");
    return m;
}

static inline Device *mt_add(Machine *m, const char *spec)
{
    GError *err = NULL;
    Device *d = machine_add_device(m, spec, &err);

    ck_assert_msg(d, "%s: %s", spec, err ? err->message : "");
    return d;
}

static inline void mt_ready(Machine *m)
{
    ck_assert(machine_realize(m, NULL));
    machine_reset(m);
}

static inline uint32_t mt_in(Machine *m, uint16_t port, unsigned size)
{
    uint64_t v = 0;

    address_space_ld_le(machine_io_as(m), port, size, &v,
                        MEMTXATTRS_UNSPECIFIED);
    return (uint32_t)v;
}

static inline void mt_out(Machine *m, uint16_t port, unsigned size,
                          uint32_t v)
{
    address_space_st_le(machine_io_as(m), port, size, v,
                        MEMTXATTRS_UNSPECIFIED);
}

static inline uint32_t mt_cfg_readl(Machine *m, int devfn, int reg)
{
    mt_out(m, 0xcf8, 4, 0x80000000u | (uint32_t)devfn << 8 | (uint32_t)reg);
    return mt_in(m, 0xcfc, 4);
}

static inline void mt_cfg_writel(Machine *m, int devfn, int reg, uint32_t v)
{
    mt_out(m, 0xcf8, 4, 0x80000000u | (uint32_t)devfn << 8 | (uint32_t)reg);
    mt_out(m, 0xcfc, 4, v);
}

static inline uint64_t mt_read(Machine *m, uint64_t addr, unsigned size)
{
    uint64_t v = 0;

    address_space_ld_le(machine_memory_as(m), addr, size, &v,
                        MEMTXATTRS_UNSPECIFIED);
    return v;
}

static inline void mt_write(Machine *m, uint64_t addr, unsigned size,
                            uint64_t v)
{
    address_space_st_le(machine_memory_as(m), addr, size, v,
                        MEMTXATTRS_UNSPECIFIED);
}

#endif
