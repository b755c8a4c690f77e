/*
 * Shared fixture for the VT-d translation-half Check tests: a stand-alone
 * unit over sparse RAM with an MSI sink, and helpers to build legacy
 * root/context/second-stage tables (VT-d 5.10 §9.1, §9.3, §9.8).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VTD_TEST_UTIL_H
#define VTD_TEST_UTIL_H

#include <check.h>
#include <string.h>

#include "hw/core/tests/iommu-test-bed.h"
#include "hw/intel-vtd/vtd-internal.h"

#define VT_RAM_SIZE (1ull << 30)
#define VT_ROOT 0x100000ull
#define VT_CTX 0x101000ull

typedef struct VTest {
    VTDState *s;
    IOMMUTestBed bed;           /* RAM and the system memory map */
    AddressSpace as;
    VirtualClock *clk;
    MsiSink *msi;
    uint64_t next_table;
} VTest;

static inline bool vt_props_set(void *p, const char *name, const char *value,
                                GError **errp)
{
    return vtd_props_set(p, name, value, errp);
}

static inline VTest *vt_new(const char *props)
{
    VTest *t = g_new0(VTest, 1);
    VTDProps p;
    GError *err = NULL;

    vtd_props_default(&p);
    ck_assert_msg(iommu_test_props_apply(&p, vt_props_set, props, &err),
                  "%s", err ? err->message : "?");
    iommu_test_bed_init(&t->bed, VT_RAM_SIZE, &t->as, &t->clk, &t->msi);
    t->s = vtd_new(&p, &t->as, t->msi, t->clk, &err);
    ck_assert_msg(t->s != NULL, "%s", err ? err->message : "?");
    t->next_table = 0x200000;
    return t;
}

static inline void vt_free(VTest *t)
{
    vtd_free(t->s);
    iommu_test_bed_destroy(&t->bed, &t->as, t->clk, t->msi);
    g_free(t);
}

static inline uint64_t vt_rd(VTest *t, uint64_t off, unsigned size)
{
    return regfile_read(t->s->regs, off, size);
}

static inline void vt_wr(VTest *t, uint64_t off, uint64_t v, unsigned size)
{
    regfile_write(t->s->regs, off, v, size);
}

static inline void vt_ram_w64(VTest *t, uint64_t a, uint64_t v)
{
    iommu_test_ram_w64(t->bed.ram, a, v);
}

static inline uint64_t vt_ram_r64(VTest *t, uint64_t a)
{
    return iommu_test_ram_r64(t->bed.ram, a);
}

static inline uint64_t vt_alloc_table(VTest *t)
{
    uint64_t a = t->next_table;
    t->next_table += 0x1000;
    return a;
}

/* Global context-cache + IOTLB invalidation after editing tables. */
static inline void vt_flush(VTest *t)
{
    if (t->s->caches) {
        vtd_cc_invalidate_all(t->s->caches);
        vtd_iotlb_invalidate_all(t->s->caches);
    }
}

/* Root entry for bus 0 -> VT_CTX; context for sid with the given words. */
static inline void vt_set_context(VTest *t, uint16_t sid, uint64_t w0,
                                  uint64_t w1)
{
    uint64_t ctx_table = VT_CTX + (uint64_t)(sid >> 8) * 0x1000 * 0;
    vt_ram_w64(t, VT_ROOT + (sid >> 8) * 16, ctx_table | 1);
    vt_ram_w64(t, ctx_table + (sid & 0xff) * 16, w0);
    vt_ram_w64(t, ctx_table + (sid & 0xff) * 16 + 8, w1);
    vt_flush(t);
}

/* Context: present, TT, second-stage root, AW, DID. */
static inline void vt_ctx_ss(VTest *t, uint16_t sid, unsigned tt,
                             uint64_t slpt, unsigned aw, uint16_t did)
{
    vt_set_context(t, sid, slpt | (tt << 2) | 1,
                   aw | ((uint64_t)did << 8));
}

/* One GCMD command the way Linux sends it: (GSTS & 0x96FFFFFF) | bit. */
static inline void vt_gcmd(VTest *t, uint32_t bit)
{
    uint32_t sts = (uint32_t)vt_rd(t, VTD_REG_GSTS, 4);

    vt_wr(t, VTD_REG_GCMD, (sts & 0x96FFFFFFu) | bit, 4);
}

/* Program RTADDR, SRTP, TE the way Linux does. */
static inline void vt_enable(VTest *t)
{
    vt_wr(t, VTD_REG_RTADDR, VT_ROOT, 8);
    vt_gcmd(t, VTD_GCMD_SRTP_MASK);
    vt_gcmd(t, VTD_GCMD_TE_MASK);
}

/* Queued invalidation on, as Linux enables it: IQT 0, IQA (QS 0), QIE. */
static inline void vt_qi_enable(VTest *t, uint64_t queue)
{
    vt_wr(t, VTD_REG_IQT, 0, 8);
    vt_wr(t, VTD_REG_IQA, queue, 8);
    vt_gcmd(t, VTD_GCMD_QIE_MASK);
}

/*
 * Register-based IOTLB invalidation (§11.4.8): IVA (address | AM, IH),
 * then IOTLB with IVT, the granularity and the domain.
 */
static inline void vt_iotlb_inv(VTest *t, unsigned gran, uint16_t did,
                                uint64_t iva)
{
    uint64_t off = vtd_ecap_get_iro(t->s->ecap) * 16 + VTD_REG_IOTLB_REL;

    vt_wr(t, off - 8, iva, 8);
    vt_wr(t, off, (1ull << 63) | ((uint64_t)gran << 60) |
          ((uint64_t)did << 32), 8);
}

/* Map one page: builds intermediate tables as needed (levels 3..5). */
static inline void vt_map(VTest *t, uint64_t root, unsigned levels,
                          uint64_t iova, uint64_t pa, unsigned leaf_level,
                          unsigned rw)
{
    uint64_t table = root;
    for (unsigned l = levels; l > leaf_level; l--) {
        unsigned idx = (iova >> (12 + 9 * (l - 1))) & 0x1ff;
        uint64_t e = vt_ram_r64(t, table + idx * 8);
        if (!(e & 3)) {
            e = vt_alloc_table(t) | 3;
            vt_ram_w64(t, table + idx * 8, e);
        }
        table = e & VTD_SS_PTE_ADDR_MASK;
    }
    unsigned idx = (iova >> (12 + 9 * (leaf_level - 1))) & 0x1ff;
    uint64_t leaf = pa | rw | (leaf_level > 1 ? (1u << 7) : 0);
    vt_ram_w64(t, table + idx * 8, leaf);
}

static inline void vt_translate(VTest *t, uint16_t sid, uint64_t iova,
                                IOMMUAccessFlags acc, IOMMUTranslation *out)
{
    vtd_dma_as(t->s, sid);
    iommu_test_translate(t->s->spaces, sid, iova, acc,
                         memtxattrs_for_requester(sid), out);
}

static inline uint64_t vt_frcd(VTest *t, unsigned i, unsigned word)
{
    return regfile_get(t->s->regs, word ? VTD_RI_FRCD_W1 : VTD_RI_FRCD_W0,
                       i);
}

#endif
