/*
 * A hand-assembled AMD-Vi unit for the command-buffer tests and benchmark:
 * register file from specs/, 64 MiB of RAM, the real caches and command
 * buffer; the translation half's helpers are the fakes below (include in
 * exactly one file per executable).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef AMDVI_CMD_FAKE_H
#define AMDVI_CMD_FAKE_H

#include <string.h>

#include "hw/amd-vi/amdvi-internal.h"
#include "hw/core/tests/iommu-test-bed.h"
#include "specs/amdvi-commands.h"
#include "specs/amdvi-regs-table.h"

#define CMD_BASE 0x10000ull
#define RAM_SIZE (64ull << 20)

typedef struct FakeLog {
    AMDVIEvent ev[64];
    unsigned n_ev;
    unsigned irqs;
    uint64_t irq_bits;
    uint16_t dte_domain;    /* what the fake DTE says; 0: not valid */
    unsigned translates;
} FakeLog;

static FakeLog fake;

bool amdvi_event_log_write(AMDVIState *s, const AMDVIEvent *ev)
{
    if (fake.n_ev < G_N_ELEMENTS(fake.ev)) {
        fake.ev[fake.n_ev++] = *ev;
    }
    return true;
}

void amdvi_interrupt_raise(AMDVIState *s, uint64_t status_bit)
{
    fake.irqs++;
    fake.irq_bits |= status_bit;
}

AMDVIStatus amdvi_dte_fetch(AMDVIState *s, uint16_t devid, uint64_t raw[4],
                            uint32_t *mem_reads)
{
    memset(raw, 0, 32);
    return AMDVI_OK;
}

AMDVIStatus amdvi_dte_decode(const AMDVIState *s, const uint64_t raw[4],
                             uint16_t devid, AMDVIDte *dte)
{
    memset(dte, 0, sizeof(*dte));
    dte->v = fake.dte_domain != 0;
    dte->domain_id = fake.dte_domain;
    return AMDVI_OK;
}

static void fake_translate(MemoryRegion *iommu, uint64_t iova,
                           IOMMUAccessFlags access, MemTxAttrs attrs,
                           IOMMUTranslation *out)
{
    fake.translates++;
    out->fault = true;
}

static const IOMMUMemoryRegionOps fake_iommu_ops = {
    .translate = fake_translate,
};

/* amdvi.c's, with the fake translate behind it. */
AddressSpace *amdvi_dma_as(AMDVIState *s, uint16_t devid)
{
    bool created;
    AMDVIAddressSpace *sp = (AMDVIAddressSpace *)
        iommu_requester_space_get(s->spaces, devid, &created);

    if (created) {
        sp->s = s;
        sp->devid = devid;
    }
    return &sp->rs.as;
}

typedef struct Unit {
    AMDVIState s;
    GuestRAM *ram;
    MemoryRegion ram_mr;
    AddressSpace as;
} Unit;

/* QEMU 7.2's EFR (0x29d3: PreF, PPR, GT, IA, GA, HE, HATS 2, GATS 2). */
#define EFR_QEMU 0x29d3ull

static Unit *unit_new(uint64_t efr)
{
    Unit *u = g_new0(Unit, 1);
    AMDVIState *s = &u->s;

    memset(&fake, 0, sizeof(fake));
    u->ram = iommu_test_flat_init(&u->ram_mr, &u->as, RAM_SIZE);
    s->dma_as = &u->as;
    s->regs = regfile_new(&amdvi_regfile_spec, AMDVI_MMIO_SIZE);
    s->efr = efr;
    s->pa_mask = ~((1ull << 52) - 1);
    s->spaces = iommu_requester_spaces_new("amdvi", &fake_iommu_ops, NULL,
                                           sizeof(AMDVIAddressSpace));
    regfile_set_reset(s->regs, AMDVI_RI_EFR, efr);
    regfile_reset(s->regs);
    amdvi_cache_config_default(&s->props.cache_cfg);
    s->cmd = amdvi_cmd_new(s);
    return u;
}

static void unit_free(Unit *u)
{
    amdvi_cmd_free(u->s.cmd);
    iommu_requester_spaces_free(u->s.spaces);
    regfile_free(u->s.regs);
    iommu_test_flat_destroy(u->ram, &u->ram_mr, &u->as);
    g_free(u);
}

static uint64_t rd(Unit *u, uint64_t off, unsigned size)
{
    return regfile_read(u->s.regs, off, size);
}

static void wr(Unit *u, uint64_t off, uint64_t v, unsigned size)
{
    regfile_write(u->s.regs, off, v, size);
}

/* CONTROL write as the register hook of the other half forwards it. */
static void ctrl(Unit *u, uint64_t v)
{
    uint64_t old = rd(u, AMDVI_REG_CONTROL, 8);

    wr(u, AMDVI_REG_CONTROL, v, 8);
    amdvi_cmd_control_written(&u->s, old, v);
}

/* Linux's sequence: base | len<<56, head = tail = 0, CmdBufEn, IOMMUEn. */
static void cmd_enable(Unit *u, unsigned comlen)
{
    wr(u, AMDVI_REG_CMD_BUF_BASE, CMD_BASE | (uint64_t)comlen << 56, 8);
    wr(u, AMDVI_REG_CMD_BUF_HEAD, 0, 8);
    wr(u, AMDVI_REG_CMD_BUF_TAIL, 0, 8);
    ctrl(u, AMDVI_CONTROL_CMD_BUF_EN_MASK | AMDVI_CONTROL_IOMMU_EN_MASK);
}

static void put_cmd(Unit *u, unsigned slot, const uint64_t c[2])
{
    uint64_t le[2] = { GUINT64_TO_LE(c[0]), GUINT64_TO_LE(c[1]) };

    guest_ram_write(u->ram, CMD_BASE + slot * 16ull, le, 16);
}

static uint64_t ram64(Unit *u, uint64_t a)
{
    return iommu_test_ram_r64(u->ram, a);
}

static void cw(uint64_t c[2], bool st, bool irq, uint64_t addr,
               uint64_t data)
{
    c[0] = c[1] = 0;
    amdvi_cmd_completion_wait_set_opcode(c, AMDVI_CMD_COMPLETION_WAIT);
    amdvi_cmd_completion_wait_set_s(c, st);
    amdvi_cmd_completion_wait_set_i(c, irq);
    amdvi_cmd_completion_wait_set_store_addr(c, addr >> 3);
    amdvi_cmd_completion_wait_set_store_data(c, data);
}

static void inv_devtab(uint64_t c[2], uint16_t devid)
{
    c[0] = c[1] = 0;
    amdvi_cmd_invalidate_devtab_entry_set_opcode(c,
        AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY);
    amdvi_cmd_invalidate_devtab_entry_set_device_id(c, devid);
}

static void inv_pages(uint64_t c[2], uint16_t domid, uint64_t addr, bool s,
                      bool pde)
{
    c[0] = c[1] = 0;
    amdvi_cmd_invalidate_iommu_pages_set_opcode(c,
        AMDVI_CMD_INVALIDATE_IOMMU_PAGES);
    amdvi_cmd_invalidate_iommu_pages_set_domain_id(c, domid);
    amdvi_cmd_invalidate_iommu_pages_set_address(c, addr >> 12);
    amdvi_cmd_invalidate_iommu_pages_set_s(c, s);
    amdvi_cmd_invalidate_iommu_pages_set_pde(c, pde);
}

#endif
