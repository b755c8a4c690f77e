/*
 * Check tests for VT-d invalidation (vtd-inv.c, vtd-qi.c): register-based
 * CCMD/IOTLB, the invalidation queue and every legacy descriptor.  The
 * unit is assembled by hand (register file from specs/, RAM, caches);
 * the other half's helpers are replaced by the fakes below.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/tests/iommu-test-bed.h"
#include "hw/intel-vtd/vtd-internal.h"
#include "hw/intel-vtd/vtd-cache.h"
#include "hw/intel-vtd/vtd-inv.h"
#include "specs/vtd-desc.h"
#include "specs/vtd-regs-table.h"

#define QEMU_CAP 0x00d2008c22260206ULL  /* Debian QEMU 7.2 defaults */
#define QEMU_ECAP 0x0000000000f00f4aULL /* (CLIENTS.md); DT added below */
#define QBASE 0x10000ULL

static unsigned inv_events;

/* ---- fakes of the other half (vtd-ctx.c, vtd-fault.c) ---- */
uint32_t vtd_ctx_lookup(VTDState *s, uint16_t sid, VTDContext *ctx,
                        uint32_t *mem_reads)
{
    ctx->did = sid;     /* DID = SID, as kvm-unit-tests programs it */
    return VTD_OK;
}
uint32_t vtd_ctx_decode(const VTDState *s, const uint64_t raw[2],
                        uint16_t sid, VTDContext *ctx)
{
    return VTD_OK;
}
void vtd_fault_status_raise(VTDState *s, uint32_t bits)
{
    vtd_reg_update(s, VTD_RI_FSTS, 0, bits);
}
void vtd_inv_event_raise(VTDState *s)
{
    inv_events++;
}

typedef struct Unit {
    VTDState s;
    GuestRAM *ram;
    MemoryRegion ram_mr;
    AddressSpace as;
} Unit;

static Unit *unit_new(uint64_t ecap_extra, uint32_t ver)
{
    Unit *u = g_new0(Unit, 1);
    VTDState *s = &u->s;

    u->ram = iommu_test_flat_init(&u->ram_mr, &u->as, 64 << 20);
    s->dma_as = &u->as;
    s->regs = regfile_new(&vtd_regfile_spec, 0x1000);
    s->cap = QEMU_CAP;
    s->ecap = QEMU_ECAP | ecap_extra;
    s->haw_mask = ~((1ULL << 39) - 1);
    regfile_set_reset(s->regs, VTD_RI_VER, ver);
    regfile_set_reset(s->regs, VTD_RI_CAP, s->cap);
    regfile_set_reset(s->regs, VTD_RI_ECAP, s->ecap);
    regfile_reset(s->regs);
    vtd_cache_config_default(&s->cache_cfg);
    s->caches = vtd_cache_new(s);
    s->inv = vtd_inv_new(s);
    inv_events = 0;
    return u;
}

static void unit_free(Unit *u)
{
    vtd_inv_free(u->s.inv);
    vtd_cache_free(u->s.caches);
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

static uint64_t iotlb_off(Unit *u)
{
    return vtd_ecap_get_iro(u->s.ecap) * 16 + VTD_REG_IOTLB_REL;
}

/* Linux's enable sequence: IQT=0, IQA = base|DW|QS, QIE, poll QIES. */
static void qi_enable(Unit *u, unsigned qs, bool dw)
{
    wr(u, VTD_REG_IQT, 0, 8);
    wr(u, VTD_REG_IQA, QBASE | (dw ? 1u << 11 : 0) | qs, 8);
    vtd_inv_set_qie(&u->s, true);   /* what the GCMD.QIE hook calls */
    ck_assert(rd(u, VTD_REG_GSTS, 4) & VTD_GSTS_QIES_MASK);
}

static void put_desc(Unit *u, uint64_t off, const uint64_t *d, unsigned dsz)
{
    uint64_t le[4] = { 0 };

    for (unsigned i = 0; i < dsz / 8; i++) {
        le[i] = GUINT64_TO_LE(d[i]);
    }
    guest_ram_write(u->ram, QBASE + off, le, dsz);
}

static void wait_desc(uint64_t *d, uint32_t data, uint64_t addr, bool sw,
                      bool ifl)
{
    memset(d, 0, 32);
    vtd_wait_desc_set_type_lo(d, VTD_INV_DESC_WAIT);
    vtd_wait_desc_set_sw(d, sw);
    vtd_wait_desc_set_if(d, ifl);
    vtd_wait_desc_set_status_data(d, data);
    vtd_wait_desc_set_status_addr(d, addr >> 2);
}

static uint32_t ram32(Unit *u, uint64_t a)
{
    return iommu_test_ram_r32(u->ram, a);
}

START_TEST(test_inv_qi_enable_linux_sequence)
{
    Unit *u = unit_new(0, 0x10);

    qi_enable(u, 0, false);
    ck_assert_uint_eq(rd(u, VTD_REG_IQH, 8), 0);
    vtd_inv_set_qie(&u->s, false);
    ck_assert(!(rd(u, VTD_REG_GSTS, 4) & VTD_GSTS_QIES_MASK));
    ck_assert_uint_eq(rd(u, VTD_REG_IQH, 8), 0);
    unit_free(u);
}
END_TEST

START_TEST(test_inv_wait_sw_writes_exactly_4_bytes_and_if_event)
{
    Unit *u = unit_new(0, 0x10);
    uint64_t d[4];

    guest_ram_fill(u->ram, 0x8000, 0xee, 16);
    qi_enable(u, 0, false);
    wait_desc(d, 0x12345678, 0x8004, true, true);
    put_desc(u, 0, d, 16);
    wr(u, VTD_REG_IQT, 16, 8);
    ck_assert_uint_eq(rd(u, VTD_REG_IQH, 8), 16);
    ck_assert_uint_eq(ram32(u, 0x8004), 0x12345678);
    ck_assert_uint_eq(ram32(u, 0x8000), 0xeeeeeeee);
    ck_assert_uint_eq(ram32(u, 0x8008), 0xeeeeeeee);
    ck_assert_uint_eq(rd(u, VTD_REG_ICS, 4), 1);
    ck_assert_uint_eq(inv_events, 1);
    /* IWC already set: a second IF wait is no new interrupt condition. */
    put_desc(u, 16, d, 16);
    wr(u, VTD_REG_IQT, 32, 8);
    ck_assert_uint_eq(inv_events, 1);
    wr(u, VTD_REG_ICS, 1, 4);
    ck_assert_uint_eq(rd(u, VTD_REG_ICS, 4), 0);
    unit_free(u);
}
END_TEST

/* Push n waits through a QS ring in bursts, crossing its end. */
static void qi_drive_wrap(unsigned qs, bool dw)
{
    Unit *u = unit_new(dw ? 1ULL << 43 : 0, 0x10);   /* SMTS for DW=1 */
    unsigned dsz = dw ? 32 : 16;
    uint64_t size = 4096ULL << qs, tail = 0, d[4];
    unsigned slots = (unsigned)(size / dsz), total = slots + slots / 2 + 3;

    qi_enable(u, qs, dw);
    for (unsigned i = 0; i < total; i++) {
        wait_desc(d, i, 0x8000, true, false);
        put_desc(u, tail, d, dsz);
        tail = (tail + dsz) % size;
        if (i % 7 == 6 || i == total - 1) {
            wr(u, VTD_REG_IQT, tail, 8);
            ck_assert_uint_eq(rd(u, VTD_REG_IQH, 8), tail);
            ck_assert_uint_eq(ram32(u, 0x8000), i);
        }
    }
    ck_assert_uint_eq(u->s.inv->descs_done, total);
    ck_assert(!(rd(u, VTD_REG_FSTS, 4) & VTD_FSTS_IQE_MASK));
    unit_free(u);
}

START_TEST(test_inv_qi_wrap_each_qs_128)
{
    qi_drive_wrap((unsigned)_i, false);
}
END_TEST

START_TEST(test_inv_qi_wrap_each_qs_256)
{
    qi_drive_wrap((unsigned)_i, true);
}
END_TEST

START_TEST(test_inv_qi_bad_descriptor_stop_and_resume)
{
    Unit *u = unit_new(0, 0x10);
    uint64_t d[4], bad[2] = { 0x0f, 0 };    /* type 0xf: no such type */

    qi_enable(u, 0, false);
    wait_desc(d, 1, 0x8000, true, false);
    put_desc(u, 0, d, 16);
    put_desc(u, 16, bad, 16);
    wait_desc(d, 3, 0x8000, true, false);
    put_desc(u, 32, d, 16);
    wr(u, VTD_REG_IQT, 48, 8);
    ck_assert(rd(u, VTD_REG_FSTS, 4) & VTD_FSTS_IQE_MASK);
    ck_assert_uint_eq(vtd_iqercd_get_iqei(rd(u, VTD_REG_IQERCD, 8)),
                      VTD_IQEI_TYPE);
    ck_assert_uint_eq(rd(u, VTD_REG_IQH, 8), 16);  /* on the bad slot */
    ck_assert_uint_eq(ram32(u, 0x8000), 1);
    /* More tail writes do nothing while IQE is set. */
    wr(u, VTD_REG_IQT, 48, 8);
    ck_assert_uint_eq(rd(u, VTD_REG_IQH, 8), 16);
    /* Linux: overwrite the slot, W1C IQE; fetching resumes at IQH. */
    wait_desc(d, 2, 0x8000, true, false);
    put_desc(u, 16, d, 16);
    wr(u, VTD_REG_FSTS, VTD_FSTS_IQE_MASK, 4);
    vtd_inv_iqe_cleared(&u->s);     /* what the FSTS hook calls */
    ck_assert_uint_eq(rd(u, VTD_REG_IQH, 8), 48);
    ck_assert_uint_eq(ram32(u, 0x8000), 3);
    unit_free(u);
}
END_TEST

START_TEST(test_inv_qi_reserved_bit_is_iqe_rsvd)
{
    Unit *u = unit_new(0, 0x10);
    uint64_t d[4];

    qi_enable(u, 0, false);
    wait_desc(d, 1, 0x8000, true, false);
    d[0] |= 1ULL << 8;                      /* reserved in every type */
    put_desc(u, 0, d, 16);
    wr(u, VTD_REG_IQT, 16, 8);
    ck_assert_uint_eq(vtd_iqercd_get_iqei(rd(u, VTD_REG_IQERCD, 8)),
                      VTD_IQEI_RSVD);
    ck_assert_uint_eq(rd(u, VTD_REG_IQH, 8), 0);
    unit_free(u);
}
END_TEST

START_TEST(test_inv_qi_tail_errors)
{
    Unit *u = unit_new(0, 0x10);

    qi_enable(u, 0, false);
    wr(u, VTD_REG_IQT, 4096, 8);            /* beyond a 4 KiB queue */
    ck_assert_uint_eq(vtd_iqercd_get_iqei(rd(u, VTD_REG_IQERCD, 8)),
                      VTD_IQEI_TAIL);
    unit_free(u);

    u = unit_new(0, 0x10);                  /* DW=1 without SMTS/ADMS */
    qi_enable(u, 0, true);
    wr(u, VTD_REG_IQT, 32, 8);
    ck_assert_uint_eq(vtd_iqercd_get_iqei(rd(u, VTD_REG_IQERCD, 8)),
                      VTD_IQEI_WIDTH);
    unit_free(u);

    u = unit_new(1ULL << 43, 0x10);         /* DW=1, IQT[4] set */
    qi_enable(u, 0, true);
    wr(u, VTD_REG_IQT, 16, 8);
    ck_assert_uint_eq(vtd_iqercd_get_iqei(rd(u, VTD_REG_IQERCD, 8)),
                      VTD_IQEI_TAIL_ALIGN);
    unit_free(u);
}
END_TEST

static void fill_caches(Unit *u)
{
    VTDCaches *c = u->s.caches;
    VTDContextCacheEntry ce = { .did = 1 };
    VTDIotlbEntry e = { .page_shift = 12, .perm = IOMMU_RW };
    VTDIecEntry ie = { { 1, 0 } };

    vtd_cc_insert(c, 0x10, &ce);
    ce.did = 2;
    vtd_cc_insert(c, 0x18, &ce);
    for (uint64_t p = 0; p < 4; p++) {
        vtd_iotlb_insert(c, 1, p << 12, &e);
        vtd_iotlb_insert(c, 2, p << 12, &e);
    }
    vtd_iec_insert(c, 3, &ie);
}

START_TEST(test_inv_qi_every_descriptor_type)
{
    Unit *u = unit_new(1ULL << 2, 0x10);    /* ECAP.DT for device-TLB */
    VTDCaches *c = u->s.caches;
    uint64_t d[4] = { 0 };
    uint64_t off = 0;

    fill_caches(u);
    qi_enable(u, 0, false);
    vtd_cc_desc_set_type_lo(d, VTD_INV_DESC_CC);
    vtd_cc_desc_set_g(d, VTD_GRAN_DOMAIN);
    vtd_cc_desc_set_did(d, 1);
    put_desc(u, off, d, 16), off += 16;
    memset(d, 0, sizeof(d));
    vtd_iotlb_desc_set_type_lo(d, VTD_INV_DESC_IOTLB);
    vtd_iotlb_desc_set_g(d, VTD_GRAN_DEVICE_OR_PAGE);
    vtd_iotlb_desc_set_did(d, 2);
    vtd_iotlb_desc_set_am(d, 1);
    vtd_iotlb_desc_set_addr(d, 2);          /* pages 2 and 3 */
    put_desc(u, off, d, 16), off += 16;
    memset(d, 0, sizeof(d));
    vtd_dev_tlb_desc_set_type_lo(d, VTD_INV_DESC_DEV_TLB);
    vtd_dev_tlb_desc_set_sid(d, 0x10);
    put_desc(u, off, d, 16), off += 16;
    memset(d, 0, sizeof(d));
    vtd_iec_desc_set_type_lo(d, VTD_INV_DESC_IEC);
    put_desc(u, off, d, 16), off += 16;
    wait_desc(d, 7, 0x8000, true, false);
    put_desc(u, off, d, 16), off += 16;
    wr(u, VTD_REG_IQT, off, 8);
    ck_assert_uint_eq(rd(u, VTD_REG_IQH, 8), off);
    ck_assert(!(rd(u, VTD_REG_FSTS, 4) & VTD_FSTS_IQE_MASK));
    ck_assert_ptr_null(vtd_cc_lookup(c, 0x10));
    ck_assert_ptr_nonnull(vtd_cc_lookup(c, 0x18));
    ck_assert_ptr_nonnull(vtd_iotlb_lookup(c, 2, 0x1000));
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 2, 0x2000));
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 2, 0x3000));
    ck_assert_ptr_nonnull(vtd_iotlb_lookup(c, 1, 0x3000));
    ck_assert_ptr_null(vtd_iec_lookup(c, 3));
    ck_assert_uint_eq(c->ctr.devtlb_inv, 1);
    ck_assert_uint_eq(ram32(u, 0x8000), 7);
    unit_free(u);
}
END_TEST

START_TEST(test_inv_qi_pasid_type_in_legacy_is_type_error)
{
    Unit *u = unit_new(1ULL << 43, 0x10);
    uint64_t d[4] = { 0 };

    qi_enable(u, 0, true);
    vtd_p_iotlb_desc_set_type_lo(d, VTD_INV_DESC_P_IOTLB);
    put_desc(u, 0, d, 32);
    wr(u, VTD_REG_IQT, 32, 8);
    ck_assert_uint_eq(vtd_iqercd_get_iqei(rd(u, VTD_REG_IQERCD, 8)),
                      VTD_IQEI_TYPE);
    unit_free(u);
}
END_TEST

START_TEST(test_inv_ccmd_each_granularity)
{
    Unit *u = unit_new(0, 0x10);
    VTDCaches *c = u->s.caches;
    uint64_t v;

    fill_caches(u);
    /* Device-selective, sid 00:02.0, written as two 32-bit halves. */
    wr(u, VTD_REG_CCMD, 0x10u << 16, 4);
    wr(u, VTD_REG_CCMD + 4, (1u << 31) | (3u << 29), 4);
    v = rd(u, VTD_REG_CCMD, 8);
    ck_assert_uint_eq(vtd_ccmd_get_icc(v), 0);
    ck_assert_uint_eq(vtd_ccmd_get_caig(v), VTD_GRAN_DEVICE_OR_PAGE);
    ck_assert_ptr_null(vtd_cc_lookup(c, 0x10));
    ck_assert_ptr_nonnull(vtd_cc_lookup(c, 0x18));
    wr(u, VTD_REG_CCMD, (1ULL << 63) | (2ULL << 61) | 2, 8);
    ck_assert_uint_eq(vtd_ccmd_get_caig(rd(u, VTD_REG_CCMD, 8)),
                      VTD_GRAN_DOMAIN);
    ck_assert_ptr_null(vtd_cc_lookup(c, 0x18));
    fill_caches(u);
    wr(u, VTD_REG_CCMD, (1ULL << 63) | (1ULL << 61), 8);
    ck_assert_uint_eq(vtd_ccmd_get_caig(rd(u, VTD_REG_CCMD, 8)),
                      VTD_GRAN_GLOBAL);
    ck_assert_uint_eq(timing_cache_occupancy(c->cc), 0);
    wr(u, VTD_REG_CCMD, 1ULL << 63, 8);     /* CIRG 0: reserved */
    ck_assert_uint_eq(vtd_ccmd_get_caig(rd(u, VTD_REG_CCMD, 8)), 0);
    unit_free(u);
}
END_TEST

START_TEST(test_inv_iotlb_reg_each_granularity)
{
    Unit *u = unit_new(0, 0x10);
    VTDCaches *c = u->s.caches;
    uint64_t off = iotlb_off(u), iva = off - 8;

    fill_caches(u);
    /* Page-selective: DID 1, pages 0..1 (AM=1), IH=1. */
    wr(u, iva, 0x0000 | (1u << 6) | 1, 8);
    wr(u, off, (1ULL << 63) | (3ULL << 60) | (1ULL << 32), 8);
    ck_assert_uint_eq(vtd_iotlb_get_ivt(rd(u, off, 8)), 0);
    ck_assert_uint_eq(vtd_iotlb_get_iaig(rd(u, off, 8)),
                      VTD_GRAN_DEVICE_OR_PAGE);
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 1, 0x1000));
    ck_assert_ptr_nonnull(vtd_iotlb_lookup(c, 1, 0x2000));
    /* AM above CAP.MAMV (18): done as domain-selective, reported so. */
    wr(u, iva, 19, 8);
    wr(u, off, (1ULL << 63) | (3ULL << 60) | (1ULL << 32), 8);
    ck_assert_uint_eq(vtd_iotlb_get_iaig(rd(u, off, 8)), VTD_GRAN_DOMAIN);
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 1, 0x2000));
    ck_assert_ptr_nonnull(vtd_iotlb_lookup(c, 2, 0x2000));
    wr(u, off, (1ULL << 63) | (2ULL << 60) | (2ULL << 32), 8);
    ck_assert_uint_eq(vtd_iotlb_get_iaig(rd(u, off, 8)), VTD_GRAN_DOMAIN);
    ck_assert_ptr_null(vtd_iotlb_lookup(c, 2, 0x2000));
    fill_caches(u);
    wr(u, off, (1ULL << 63) | (1ULL << 60), 8);
    ck_assert_uint_eq(vtd_iotlb_get_iaig(rd(u, off, 8)), VTD_GRAN_GLOBAL);
    ck_assert_uint_eq(timing_cache_occupancy(c->iotlb), 0);
    unit_free(u);
}
END_TEST

START_TEST(test_inv_regs_refused_non_legacy_ttm)
{
    Unit *u = unit_new(0, 0x10);

    fill_caches(u);
    u->s.root_ttm = 1;                      /* scalable mode latched */
    wr(u, VTD_REG_CCMD, (1ULL << 63) | (1ULL << 61), 8);
    ck_assert_uint_eq(vtd_ccmd_get_icc(rd(u, VTD_REG_CCMD, 8)), 0);
    ck_assert_uint_eq(vtd_ccmd_get_caig(rd(u, VTD_REG_CCMD, 8)), 0);
    ck_assert_ptr_nonnull(vtd_cc_lookup(u->s.caches, 0x10));
    unit_free(u);
}
END_TEST

START_TEST(test_inv_regs_absent_ver6)
{
    Unit *u = unit_new(0, 0x60);

    fill_caches(u);
    wr(u, VTD_REG_CCMD, (1ULL << 63) | (1ULL << 61), 8);
    ck_assert_uint_eq(rd(u, VTD_REG_CCMD, 8), 0);
    wr(u, iotlb_off(u), (1ULL << 63) | (1ULL << 60), 8);
    ck_assert_uint_eq(rd(u, iotlb_off(u), 8), 0);
    ck_assert_ptr_nonnull(vtd_cc_lookup(u->s.caches, 0x10));
    unit_free(u);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vtd-inv");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_inv_qi_enable_linux_sequence);
    tcase_add_test(tc, test_inv_wait_sw_writes_exactly_4_bytes_and_if_event);
    tcase_add_loop_test(tc, test_inv_qi_wrap_each_qs_128, 0, 8);
    tcase_add_loop_test(tc, test_inv_qi_wrap_each_qs_256, 0, 8);
    tcase_add_test(tc, test_inv_qi_bad_descriptor_stop_and_resume);
    tcase_add_test(tc, test_inv_qi_reserved_bit_is_iqe_rsvd);
    tcase_add_test(tc, test_inv_qi_tail_errors);
    tcase_add_test(tc, test_inv_qi_every_descriptor_type);
    tcase_add_test(tc, test_inv_qi_pasid_type_in_legacy_is_type_error);
    tcase_add_test(tc, test_inv_ccmd_each_granularity);
    tcase_add_test(tc, test_inv_iotlb_reg_each_granularity);
    tcase_add_test(tc, test_inv_regs_refused_non_legacy_ttm);
    tcase_add_test(tc, test_inv_regs_absent_ver6);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
