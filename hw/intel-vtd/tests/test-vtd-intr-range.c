/*
 * Requests to the interrupt address range 0xFEEx_xxxx (VT-d 5.10 §3.15):
 * DWORD writes without PASID are interrupts, other reads and writes are
 * blocked and recorded (reason Eh), zero-length reads complete, and with
 * translation disabled the range behaves as without an IOMMU.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>

#include "vtd-test-util.h"

#define SID 0x0010                  /* 00:02.0 */
#define SLPT 0x300000ull
#define FRO 0x220ull                /* the one fault record (qemu profile) */

/* Context + a mapping of the interrupt range itself: §3.15 ignores it. */
static VTest *setup(bool enable)
{
    VTest *t = vt_new(NULL);

    vt_ctx_ss(t, SID, 0, SLPT, 1, 1);
    vt_map(t, SLPT, 3, 0xfee00000ull, 0x5000, 1, 3);
    if (enable) {
        vt_enable(t);
    }
    return t;
}

static MemTxResult dma(VTest *t, uint64_t addr, void *buf, uint64_t len,
                       bool is_write, MemTxInfo *info)
{
    return address_space_rw(vtd_dma_as(t->s, SID), addr,
                            memtxattrs_for_requester(SID), buf, len,
                            is_write, info);
}

/* The single fault record: reason, T (1 read / 0 write), page. */
static void check_record(VTest *t, uint64_t page, bool is_read)
{
    uint64_t w1 = vt_rd(t, FRO + 8, 8);

    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), VTD_FSTS_PPF_MASK);
    ck_assert_uint_eq(vt_rd(t, FRO, 8), page);
    ck_assert_uint_eq(w1 & 0xffff, SID);
    ck_assert_uint_eq((w1 >> 32) & 0xff, VTD_FR_OUTPUT_IN_INTR_RANGE);
    ck_assert_uint_eq((w1 >> 62) & 1, is_read);
    ck_assert(w1 >> 63);
}

START_TEST(test_vtd_intr_range_read_faults_and_is_recorded)
{
    VTest *t = setup(true);
    uint8_t buf[4] = { 0xaa, 0xaa, 0xaa, 0xaa };
    MemTxInfo info;

    ck_assert_uint_eq(dma(t, 0xfee00000ull, buf, 4, false, &info),
                      MEMTX_ACCESS_DENIED);
    ck_assert(info.faulted);
    ck_assert_uint_eq(info.fault_code, VTD_FR_OUTPUT_IN_INTR_RANGE);
    ck_assert_str_eq(info.fault_name,
                     vtd_fault_reason_name(VTD_FR_OUTPUT_IN_INTR_RANGE));
    ck_assert_uint_eq(info.done, 0);
    check_record(t, 0xfee00000ull, true);
    ck_assert_uint_eq(msi_sink_count(t->msi), 0);
    ck_assert_uint_eq(t->s->stats.faults, 1);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_intr_range_dword_write_is_an_interrupt)
{
    VTest *t = setup(true);
    uint8_t msg[4] = { 0x31, 0x00, 0x00, 0x00 };
    MemTxInfo info;

    ck_assert_uint_eq(dma(t, 0xfee01000ull, msg, 4, true, &info),
                      MEMTX_OK);
    ck_assert(!info.faulted);
    ck_assert_uint_eq(msi_sink_count(t->msi), 1);
    ck_assert_uint_eq(msi_sink_record(t->msi, 0)->raw.address,
                      0xfee01000ull);
    ck_assert_uint_eq(msi_sink_record(t->msi, 0)->raw.data, 0x31);
    ck_assert_uint_eq(msi_sink_record(t->msi, 0)->requester_id, SID);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), 0);
    ck_assert_uint_eq(t->s->stats.faults, 0);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_intr_range_non_dword_write_faults)
{
    VTest *t = setup(true);
    uint8_t data[8] = { 0x31, 0, 0, 0, 0x32, 0, 0, 0 };
    MemTxInfo info;

    /*
     * Two bytes, then a QWORD: neither is delivered, both recorded, and
     * the requester sees the fault (the hook judges the request's length).
     */
    ck_assert_uint_eq(dma(t, 0xfee02000ull, data, 2, true, &info),
                      MEMTX_ACCESS_DENIED);
    ck_assert(info.faulted);
    ck_assert_str_eq(info.fault_name, "OUTPUT_IN_INTR_RANGE");
    ck_assert_uint_eq(info.fault_addr, 0xfee02000ull);
    ck_assert_uint_eq(info.done, 0);
    ck_assert_uint_eq(msi_sink_count(t->msi), 0);
    check_record(t, 0xfee02000ull, false);
    dma(t, 0xfee03000ull, data, 8, true, &info);
    ck_assert(info.faulted);
    ck_assert_uint_eq(msi_sink_count(t->msi), 0);
    ck_assert_uint_eq(t->s->stats.faults, 2);
    /* A DWORD not DWORD-aligned spans two DWORDs: not one either. */
    dma(t, 0xfee04002ull, data, 4, true, &info);
    ck_assert(info.faulted);
    ck_assert_uint_eq(msi_sink_count(t->msi), 0);
    ck_assert_uint_eq(t->s->stats.faults, 3);
    /* Five bytes: one request, not a DWORD; no part of it is delivered. */
    dma(t, 0xfee05000ull, data, 5, true, &info);
    ck_assert(info.faulted);
    ck_assert_uint_eq(msi_sink_count(t->msi), 0);
    ck_assert_uint_eq(t->s->stats.faults, 4);
    /* The gate still judges a caller that gives no length. */
    {
        IOMMUTranslation tr;
        VTDAddressSpace *vas = (VTDAddressSpace *)
            iommu_requester_space_lookup(t->s->spaces, SID);
        MemTxAttrs a = memtxattrs_for_requester(SID);

        ck_assert_ptr_nonnull(vas);
        memory_region_iommu_translate(&vas->rs.intr, 0x6000, IOMMU_WO, a,
                                      &tr);
        ck_assert(!tr.fault);
        ck_assert_uint_eq(memory_region_dispatch_write(
                              tr.entry.target_as->root, 0x6000, 0x31, 2, a),
                          MEMTX_ACCESS_DENIED);
        ck_assert_uint_eq(t->s->stats.faults, 5);
        ck_assert_uint_eq(msi_sink_count(t->msi), 0);
    }
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_intr_range_te_off_behaves_as_no_iommu)
{
    VTest *t = setup(false);
    uint8_t buf[4] = { 0xaa, 0xaa, 0xaa, 0xaa };
    uint8_t msg[4] = { 0x41, 0, 0, 0 };
    MemTxInfo info;

    ck_assert_uint_eq(dma(t, 0xfee00000ull, buf, 4, false, &info),
                      MEMTX_OK);
    ck_assert(!info.faulted);
    ck_assert_uint_eq(buf[0] | buf[1] | buf[2] | buf[3], 0);
    ck_assert_uint_eq(dma(t, 0xfee00000ull, msg, 4, true, &info), MEMTX_OK);
    ck_assert_uint_eq(msi_sink_count(t->msi), 1);
    /* Not a DWORD: the sink drops it as before, and nothing is recorded. */
    dma(t, 0xfee00000ull, msg, 2, true, &info);
    ck_assert(!info.faulted);
    ck_assert_uint_eq(msi_sink_count(t->msi), 1);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), 0);
    ck_assert_uint_eq(t->s->stats.faults, 0);
    vt_free(t);
}
END_TEST

/* Outside 0xFEEx_xxxx the window does not apply: the mapping is used. */
START_TEST(test_vtd_intr_range_ends_at_the_range)
{
    VTest *t = setup(true);
    uint8_t buf[4];
    MemTxInfo info;

    vt_map(t, SLPT, 3, 0xfed00000ull, 0x6000, 1, 3);
    vt_flush(t);
    ck_assert_uint_eq(dma(t, 0xfed00000ull, buf, 4, false, &info),
                      MEMTX_OK);
    ck_assert(!info.faulted);
    ck_assert_uint_eq(dma(t, 0xfeeffffcull, buf, 4, false, &info),
                      MEMTX_ACCESS_DENIED);
    ck_assert(info.faulted);
    vt_free(t);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("vtd-intr-range");
    TCase *tc = tcase_create("intr-range");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_vtd_intr_range_read_faults_and_is_recorded);
    tcase_add_test(tc, test_vtd_intr_range_dword_write_is_an_interrupt);
    tcase_add_test(tc, test_vtd_intr_range_non_dword_write_faults);
    tcase_add_test(tc, test_vtd_intr_range_te_off_behaves_as_no_iommu);
    tcase_add_test(tc, test_vtd_intr_range_ends_at_the_range);
    suite_add_tcase(su, tc);
    sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
