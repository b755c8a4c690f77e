/*
 * Shared fixture for the AMD-Vi translation-half Check tests: a
 * stand-alone unit over sparse RAM with an MSI sink, and helpers to build
 * device table entries and v1 page tables (AMD IOMMU spec 48882 §2.2.2,
 * §2.2.3).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef AMDVI_TEST_UTIL_H
#define AMDVI_TEST_UTIL_H

#include <check.h>
#include <string.h>

#include "hw/amd-vi/amdvi-internal.h"
#include "hw/core/tests/iommu-test-bed.h"

#define AT_RAM_SIZE (1ull << 30)
#define AT_DEVTAB 0x100000ull       /* 2 MiB: all 65536 DTEs */
#define AT_EVLOG 0x400000ull        /* 256 entries = 4 KiB */
#define AT_TABLES 0x1000000ull

typedef struct ATest {
    AMDVIState *s;
    IOMMUTestBed bed;           /* RAM and the system memory map */
    AddressSpace as;
    VirtualClock *clk;
    MsiSink *msi;
    uint64_t next_table;
} ATest;

static inline bool at_props_set(void *p, const char *name, const char *value,
                                GError **errp)
{
    return amdvi_props_set(p, name, value, errp);
}

static inline ATest *at_new(const char *props)
{
    ATest *t = g_new0(ATest, 1);
    AMDVIProps p;
    GError *err = NULL;

    amdvi_props_default(&p);
    ck_assert_msg(iommu_test_props_apply(&p, at_props_set, props, &err),
                  "%s", err ? err->message : "?");
    iommu_test_bed_init(&t->bed, AT_RAM_SIZE, &t->as, &t->clk, &t->msi);
    t->s = amdvi_new(&p, &t->as, t->msi, t->clk, &err);
    ck_assert_msg(t->s != NULL, "%s", err ? err->message : "?");
    t->next_table = AT_TABLES;
    return t;
}

static inline void at_free(ATest *t)
{
    amdvi_free(t->s);
    iommu_test_bed_destroy(&t->bed, &t->as, t->clk, t->msi);
    g_free(t);
}

static inline uint64_t at_rd(ATest *t, uint64_t off, unsigned size)
{
    return regfile_read(t->s->regs, off, size);
}

static inline void at_wr(ATest *t, uint64_t off, uint64_t v, unsigned size)
{
    regfile_write(t->s->regs, off, v, size);
}

static inline void at_w64(ATest *t, uint64_t a, uint64_t v)
{
    iommu_test_ram_w64(t->bed.ram, a, v);
}

static inline uint64_t at_r64(ATest *t, uint64_t a)
{
    return iommu_test_ram_r64(t->bed.ram, a);
}

static inline uint64_t at_alloc(ATest *t)
{
    uint64_t a = t->next_table;
    t->next_table += 0x1000;
    return a;
}

/* Device table at AT_DEVTAB for all DeviceIDs, event log, IOMMUEn. */
static inline void at_enable(ATest *t)
{
    at_wr(t, AMDVI_REG_DEVTAB_BASE, AT_DEVTAB | 0x1ff, 8);
    at_wr(t, AMDVI_REG_EVENT_LOG_BASE, AT_EVLOG | (8ull << 56), 8);
    at_wr(t, AMDVI_REG_EVENT_LOG_HEAD, 0, 8);
    at_wr(t, AMDVI_REG_EVENT_LOG_TAIL, 0, 8);
    at_wr(t, AMDVI_REG_CONTROL, AMDVI_CONTROL_EVENT_LOG_EN_MASK |
          AMDVI_CONTROL_IOMMU_EN_MASK, 8);
}

/* Drop every cached translation after editing memory. */
static inline void at_flush(ATest *t)
{
    if (t->s->caches) {
        amdvi_caches_invalidate_all(t->s->caches);
    }
}

static inline void at_set_dte(ATest *t, uint16_t devid, const uint64_t w[4])
{
    for (unsigned i = 0; i < 4; i++) {
        at_w64(t, AT_DEVTAB + devid * 32ull + i * 8, w[i]);
    }
    at_flush(t);
}

/* V=1 TV=1 with mode, root, IR/IW and DomainID. */
static inline void at_dte_xlate(ATest *t, uint16_t devid, unsigned mode,
                                uint64_t root, bool ir, bool iw,
                                uint16_t domid)
{
    uint64_t w[4] = { 0 };

    amdvi_dte_set_v(w, 1);
    amdvi_dte_set_tv(w, 1);
    amdvi_dte_set_mode(w, mode);
    amdvi_dte_set_pt_root(w, root >> 12);
    amdvi_dte_set_ir(w, ir);
    amdvi_dte_set_iw(w, iw);
    amdvi_dte_set_domain_id(w, domid);
    at_set_dte(t, devid, w);
}

/* A directory entry pointing at a table of level nl. */
static inline uint64_t at_pde(uint64_t table, unsigned nl, bool ir, bool iw)
{
    uint64_t e = 0;

    e = amdvi_pde_set_pr(e, 1);
    e = amdvi_pde_set_next_level(e, nl);
    e = amdvi_pde_set_addr(e, table >> 12);
    e = amdvi_pde_set_ir(e, ir);
    return amdvi_pde_set_iw(e, iw);
}

/* A leaf with NextLevel 0 (natural size) mapping addr. */
static inline uint64_t at_pte(uint64_t addr, bool ir, bool iw)
{
    uint64_t e = 0;

    e = amdvi_pte_set_pr(e, 1);
    e = amdvi_pte_set_addr(e, addr >> 12);
    e = amdvi_pte_set_ir(e, ir);
    return amdvi_pte_set_iw(e, iw);
}

/* A NextLevel-7 leaf for a 2^shift-byte page at addr (Linux's encoding). */
static inline uint64_t at_pte7(uint64_t addr, unsigned shift, bool ir,
                               bool iw)
{
    uint64_t size = 1ull << shift;
    uint64_t a = (addr | (size - 1)) & ~(size >> 1) & REG_BITS(51, 12);
    uint64_t e = at_pte(0, ir, iw);

    e = amdvi_pte_set_next_level(e, 7);
    return amdvi_pte_set_addr(e, a >> 12);
}

static inline uint64_t at_idx(uint64_t iova, unsigned level)
{
    return (iova >> (12 + 9 * (level - 1))) & 0x1ff;
}

static inline IOMMUTranslation at_xlate_attrs(ATest *t, uint16_t devid,
                                              uint64_t iova,
                                              IOMMUAccessFlags access,
                                              MemTxAttrs attrs)
{
    IOMMUTranslation out;

    amdvi_dma_as(t->s, devid);
    iommu_test_translate(t->s->spaces, devid, iova, access, attrs, &out);
    return out;
}

/* Translate through devid's IOMMU region. */
static inline IOMMUTranslation at_xlate(ATest *t, uint16_t devid,
                                        uint64_t iova,
                                        IOMMUAccessFlags access)
{
    return at_xlate_attrs(t, devid, iova, access,
                          memtxattrs_for_requester(devid));
}

/* Events in the log: (tail - head) / 16. */
static inline unsigned at_nevents(ATest *t)
{
    uint64_t h = at_rd(t, AMDVI_REG_EVENT_LOG_HEAD, 8);
    uint64_t tl = at_rd(t, AMDVI_REG_EVENT_LOG_TAIL, 8);

    return (unsigned)(((tl - h) & 0xfff) / 16);
}

/* Event n (0 = first written since the log was set up). */
static inline void at_event(ATest *t, unsigned n, uint64_t w[2])
{
    w[0] = at_r64(t, AT_EVLOG + n * 16);
    w[1] = at_r64(t, AT_EVLOG + n * 16 + 8);
}

#endif
