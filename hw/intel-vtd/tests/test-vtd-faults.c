/*
 * Check tests: every legacy fault reason 1h-Eh reached through the
 * translate hook (VT-d 5.10 §7.1.3), fault recording (§7.2.1: FRI, F W1C,
 * PPF derived, PFO, repeated faults, FPD) and the fault event MSI
 * (FECTL IM/IP, §7.2.2).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "vtd-test-util.h"
#include "specs/vtd-desc.h"

#define SID 0x0010  /* 00:02.0, the edu slot */
#define SLPT 0x300000ull

static VTest *setup(const char *props)
{
    VTest *t = vt_new(props);

    vt_ctx_ss(t, SID, 0, SLPT, 1, 1);
    vt_map(t, SLPT, 3, 0x1000, 0x5000, 1, 3);
    vt_map(t, SLPT, 3, 0x2000, 0x6000, 1, 1);   /* read-only */
    vt_enable(t);
    return t;
}

static uint32_t xl(VTest *t, uint64_t iova, IOMMUAccessFlags acc)
{
    IOMMUTranslation out;

    vt_translate(t, SID, iova, acc, &out);
    return out.fault ? out.fault_code : 0;
}

START_TEST(test_vtd_fault_every_legacy_reason)
{
    VTest *t = setup(NULL);
    IOMMUTranslation out;

    ck_assert_uint_eq(xl(t, 0x1234, IOMMU_RO), 0);
    vt_translate(t, SID, 0x1234, IOMMU_WO, &out);
    ck_assert_uint_eq(out.entry.translated_addr, 0x5000);
    ck_assert_uint_eq(xl(t, 0x2000, IOMMU_WO), VTD_FR_NO_WRITE);
    ck_assert_uint_eq(xl(t, 0x9000, IOMMU_RO), VTD_FR_NO_READ);
    ck_assert_uint_eq(xl(t, 1ull << 39, IOMMU_RO), VTD_FR_ADDR_BEYOND_AW);
    /* 7h: a table beyond RAM; Ch: a reserved bit in a PTE's parent. */
    vt_ram_w64(t, SLPT + 8 * 5, 0x40000000ull | 3);
    ck_assert_uint_eq(xl(t, 5ull << 30, IOMMU_RO), VTD_FR_SS_ENTRY_ACCESS);
    vt_ram_w64(t, SLPT + 8 * 6, 0x7000ull | 3 | (1ull << 11));
    ck_assert_uint_eq(xl(t, 6ull << 30, IOMMU_RO), VTD_FR_SS_ENTRY_RSVD);
    /* Eh: output in the interrupt range. */
    vt_map(t, SLPT, 3, 0x3000, 0xfee00000ull, 1, 3);
    ck_assert_uint_eq(xl(t, 0x3000, IOMMU_WO), VTD_FR_OUTPUT_IN_INTR_RANGE);
    /* Context-level reasons. */
    vt_set_context(t, SID, SLPT | 1 | (1u << 4), 1);
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_CTX_RSVD);
    vt_set_context(t, SID, SLPT | 1 | (3u << 2), 1);
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_CTX_INVALID);
    vt_set_context(t, SID, SLPT | 1, 2);   /* AW=2 not in SAGAW */
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_CTX_INVALID);
    vt_set_context(t, SID, 0, 0);
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_CTX_NOT_PRESENT);
    vt_ram_w64(t, VT_ROOT, 0x40000000ull | 1);
    vt_flush(t);
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_CTX_TABLE_ACCESS);
    vt_ram_w64(t, VT_ROOT, VT_CTX | 1 | (1u << 3));
    vt_flush(t);
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_ROOT_RSVD);
    vt_ram_w64(t, VT_ROOT, 0);
    vt_flush(t);
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_ROOT_NOT_PRESENT);
    vt_wr(t, VTD_REG_RTADDR, 0x40000000ull, 8);
    vt_wr(t, VTD_REG_GCMD, VTD_GCMD_TE_MASK | VTD_GCMD_SRTP_MASK, 4);
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_ROOT_TABLE_ACCESS);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_fault_tt_blocked_for_ats)
{
    VTest *t = setup(NULL);
    VTDAddressSpace *vas;
    IOMMUTranslation out;
    MemTxAttrs a = memtxattrs_for_requester(SID);

    vtd_dma_as(t->s, SID);
    vas = (VTDAddressSpace *)iommu_requester_space_lookup(t->s->spaces, SID);
    a.addr_type = ADDR_TYPE_TRANSLATION_REQUEST;
    memory_region_iommu_translate(&vas->rs.iommu, 0x1000, IOMMU_RO, a, &out);
    ck_assert(out.fault);
    ck_assert_uint_eq(out.fault_code, VTD_FR_CTX_TT_BLOCKED);
    ck_assert_str_eq(out.fault_name, vtd_fault_reason_name(0xd));
    vt_free(t);
}
END_TEST

/* Translate one request of address type at from SID. */
static IOMMUTranslation xl_at(VTest *t, uint64_t iova, IOMMUAccessFlags acc,
                              uint8_t at)
{
    MemTxAttrs a = memtxattrs_for_requester(SID);
    IOMMUTranslation out;

    a.addr_type = at;
    vtd_dma_as(t->s, SID);
    iommu_test_translate(t->s->spaces, SID, iova, acc, a, &out);
    return out;
}

/*
 * §9.3 TT: 00b translates untranslated requests and blocks the ATS kinds;
 * 01b takes all three and is reserved without ECAP.DT; 10b passes
 * untranslated requests through (SSPTPTR ignored), blocks the ATS kinds
 * and is reserved without ECAP.PT; 11b is reserved.  Reserved encodings
 * are LCT.4 (CTX_INVALID), a blocked request kind LCT.5 (TT_BLOCKED).
 */
START_TEST(test_vtd_context_tt_encodings)
{
    VTest *t = setup("pt=on,device-iotlb=off");
    IOMMUTranslation out;

    /* 10b with PT: identity, even where the tables map nothing. */
    vt_ctx_ss(t, SID, 2, SLPT, 1, 1);
    vt_flush(t);
    out = xl_at(t, 0x7654321, IOMMU_WO, ADDR_TYPE_UNTRANSLATED);
    ck_assert(!out.fault);
    ck_assert_uint_eq(out.entry.translated_addr, 0x7654000);
    ck_assert_int_eq(out.entry.perm, IOMMU_RW);
    out = xl_at(t, 0x1000, IOMMU_RO, ADDR_TYPE_TRANSLATION_REQUEST);
    ck_assert_uint_eq(out.fault_code, VTD_FR_CTX_TT_BLOCKED);
    out = xl_at(t, 0x1000, IOMMU_RO, ADDR_TYPE_TRANSLATED);
    ck_assert_uint_eq(out.fault_code, VTD_FR_CTX_TT_BLOCKED);
    /* 00b blocks translated requests too, not only translation requests. */
    vt_ctx_ss(t, SID, 0, SLPT, 1, 1);
    vt_flush(t);
    out = xl_at(t, 0x1000, IOMMU_RO, ADDR_TYPE_TRANSLATED);
    ck_assert_uint_eq(out.fault_code, VTD_FR_CTX_TT_BLOCKED);
    /* 01b without DT, 11b always: reserved. */
    vt_ctx_ss(t, SID, 1, SLPT, 1, 1);
    vt_flush(t);
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_CTX_INVALID);
    vt_ctx_ss(t, SID, 3, SLPT, 1, 1);
    vt_flush(t);
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_CTX_INVALID);
    vt_free(t);

    t = setup("pt=off,device-iotlb=on");
    /* 10b without PT: reserved. */
    vt_ctx_ss(t, SID, 2, SLPT, 1, 1);
    vt_flush(t);
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_CTX_INVALID);
    /* 01b with DT: untranslated and translation requests walk the tables,
     * a translated request is already a host address. */
    vt_ctx_ss(t, SID, 1, SLPT, 1, 1);
    vt_flush(t);
    out = xl_at(t, 0x1234, IOMMU_RO, ADDR_TYPE_UNTRANSLATED);
    ck_assert(!out.fault);
    ck_assert_uint_eq(out.entry.translated_addr, 0x5000);
    out = xl_at(t, 0x1234, IOMMU_RO, ADDR_TYPE_TRANSLATION_REQUEST);
    ck_assert(!out.fault);
    ck_assert_uint_eq(out.entry.translated_addr, 0x5000);
    ck_assert_int_eq(out.entry.perm, IOMMU_RW);
    out = xl_at(t, 0x2000, IOMMU_RO, ADDR_TYPE_TRANSLATION_REQUEST);
    ck_assert_int_eq(out.entry.perm, IOMMU_RO);     /* the page's rights */
    out = xl_at(t, 0x9876000, IOMMU_WO, ADDR_TYPE_TRANSLATED);
    ck_assert(!out.fault);
    ck_assert_uint_eq(out.entry.translated_addr, 0x9876000);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_fault_record_fields_and_w1c)
{
    VTest *t = setup(NULL);
    uint64_t fro = 0x220;

    ck_assert_uint_eq(xl(t, 0x2345, IOMMU_WO), VTD_FR_NO_WRITE);
    ck_assert_uint_eq(vt_rd(t, fro, 8), 0x2000);
    ck_assert_uint_eq(vt_rd(t, fro + 8, 8) & 0xffff, SID);
    ck_assert_uint_eq((vt_rd(t, fro + 8, 8) >> 32) & 0xff, VTD_FR_NO_WRITE);
    ck_assert(vt_rd(t, fro + 8, 8) >> 63);              /* F */
    ck_assert(!((vt_rd(t, fro + 8, 8) >> 62) & 1));     /* T: write */
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), VTD_FSTS_PPF_MASK);
    /* A second (different) fault with the single record full: PFO. */
    ck_assert_uint_eq(xl(t, 0x9000, IOMMU_RO), VTD_FR_NO_READ);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4),
                      VTD_FSTS_PPF_MASK | VTD_FSTS_PFO_MASK);
    /* F is W1C through the upper dword; PPF follows. */
    vt_wr(t, fro + 12, 0x80000000u, 4);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), VTD_FSTS_PFO_MASK);
    vt_wr(t, VTD_REG_FSTS, VTD_FSTS_PFO_MASK, 4);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), 0);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_fault_records_wrap_and_repeat_collapses)
{
    VTest *t = setup("cap-nfr=3");
    uint64_t fro = 0x220;

    ck_assert_uint_eq(xl(t, 0x9000, IOMMU_RO), VTD_FR_NO_READ);
    ck_assert_uint_eq(xl(t, 0x9000, IOMMU_RO), VTD_FR_NO_READ);  /* repeat */
    ck_assert(!(vt_rd(t, fro + 16 + 8, 8) >> 63));
    ck_assert_uint_eq(xl(t, 0xa000, IOMMU_RO), VTD_FR_NO_READ);
    ck_assert(vt_rd(t, fro + 16 + 8, 8) >> 63);
    ck_assert_uint_eq(vtd_fsts_get_fri(vt_rd(t, VTD_REG_FSTS, 4)), 0);
    xl(t, 0xb000, IOMMU_RO);
    xl(t, 0xc000, IOMMU_RO);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4) & VTD_FSTS_PFO_MASK, 0);
    /* Free record 0; the index wrapped to it. */
    vt_wr(t, fro + 12, 0x80000000u, 4);
    xl(t, 0xd000, IOMMU_RO);
    ck_assert_uint_eq(vt_rd(t, fro, 8), 0xd000);
    xl(t, 0xe000, IOMMU_RO);
    ck_assert(vt_rd(t, VTD_REG_FSTS, 4) & VTD_FSTS_PFO_MASK);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_fault_fpd_suppresses_qualified_only)
{
    VTest *t = setup(NULL);

    vt_set_context(t, SID, 0 | 2, 0);   /* not present, FPD=1 */
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_CTX_NOT_PRESENT);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), 0);
    vt_ram_w64(t, VT_ROOT, 0);          /* root faults are not qualified */
    vt_flush(t);
    ck_assert_uint_eq(xl(t, 0x1000, IOMMU_RO), VTD_FR_ROOT_NOT_PRESENT);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), VTD_FSTS_PPF_MASK);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_fault_event_msi_honours_im)
{
    VTest *t = setup(NULL);

    vt_wr(t, VTD_REG_FEDATA, 0x41, 4);
    vt_wr(t, VTD_REG_FEADDR, 0xfee00000u, 4);
    /* Masked (reset): IP set, no message. */
    xl(t, 0x9000, IOMMU_RO);
    ck_assert_uint_eq(msi_sink_count(t->msi), 0);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FECTL, 4), 0xc0000000u);
    /* Unmask: the pending event is delivered, IP clears. */
    vt_wr(t, VTD_REG_FECTL, 0, 4);
    ck_assert_uint_eq(msi_sink_count(t->msi), 1);
    ck_assert_uint_eq(msi_sink_record(t->msi, 0)->vector, 0x41);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FECTL, 4), 0);
    /* Service the record; the next fault sends at once. */
    vt_wr(t, 0x220 + 12, 0x80000000u, 4);
    xl(t, 0xa000, IOMMU_RO);
    ck_assert_uint_eq(msi_sink_count(t->msi), 2);
    /* No-fault lookups record nothing. */
    xl(t, 0xb000, IOMMU_NONE);
    ck_assert_uint_eq(msi_sink_count(t->msi), 2);
    vt_free(t);
}
END_TEST

/* Queue one wait descriptor with IF at the next slot and submit it. */
static void qi_wait_if(VTest *t, uint64_t qbase, unsigned *slot)
{
    uint64_t d[2] = { 0, 0 };

    vtd_wait_desc_set_type_lo(d, VTD_INV_DESC_WAIT);
    vtd_wait_desc_set_if(d, 1);
    vt_ram_w64(t, qbase + *slot * 16, d[0]);
    vt_ram_w64(t, qbase + *slot * 16 + 8, d[1]);
    (*slot)++;
    vt_wr(t, VTD_REG_IQT, *slot * 16, 8);
}

/*
 * The invalidation completion event (§11.4.9.5, §6.5.2.9): a wait
 * descriptor with IF sets ICS.IWC; masked (IECTL.IM, set at reset) it
 * leaves IECTL.IP set and sends nothing until unmasked; while IWC stays
 * set another IF wait is no new event; clearing IWC with IP set clears
 * IP.
 */
START_TEST(test_vtd_inv_event_msi_honours_im_and_iwc)
{
    VTest *t = setup(NULL);
    const uint64_t qbase = 0x400000;
    unsigned slot = 0;

    vt_wr(t, VTD_REG_IEDATA, 0x52, 4);
    vt_wr(t, VTD_REG_IEADDR, 0xfee00000u, 4);
    vt_qi_enable(t, qbase);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_IECTL, 4), VTD_IECTL_IM_MASK);
    qi_wait_if(t, qbase, &slot);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_ICS, 4), VTD_ICS_IWC_MASK);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_IECTL, 4),
                      VTD_IECTL_IM_MASK | VTD_IECTL_IP_MASK);
    ck_assert_uint_eq(msi_sink_count(t->msi), 0);
    /* Unmask: the pending event goes out, IP clears. */
    vt_wr(t, VTD_REG_IECTL, 0, 4);
    ck_assert_uint_eq(msi_sink_count(t->msi), 1);
    ck_assert_uint_eq(msi_sink_record(t->msi, 0)->vector, 0x52);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_IECTL, 4), 0);
    /* IWC still set: another IF wait is not a new event. */
    qi_wait_if(t, qbase, &slot);
    ck_assert_uint_eq(msi_sink_count(t->msi), 1);
    /* Serviced (IWC W1C): the next one interrupts at once. */
    vt_wr(t, VTD_REG_ICS, VTD_ICS_IWC_MASK, 4);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_ICS, 4), 0);
    qi_wait_if(t, qbase, &slot);
    ck_assert_uint_eq(msi_sink_count(t->msi), 2);
    /* Masked again with IP pending, then IWC cleared: IP clears too. */
    vt_wr(t, VTD_REG_ICS, VTD_ICS_IWC_MASK, 4);
    vt_wr(t, VTD_REG_IECTL, VTD_IECTL_IM_MASK, 4);
    qi_wait_if(t, qbase, &slot);
    ck_assert(vt_rd(t, VTD_REG_IECTL, 4) & VTD_IECTL_IP_MASK);
    vt_wr(t, VTD_REG_ICS, VTD_ICS_IWC_MASK, 4);
    ck_assert(!(vt_rd(t, VTD_REG_IECTL, 4) & VTD_IECTL_IP_MASK));
    vt_wr(t, VTD_REG_IECTL, 0, 4);
    ck_assert_uint_eq(msi_sink_count(t->msi), 2);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_fault_te_off_passes_through_and_pmr_blocks)
{
    VTest *t = vt_new("cap-profile=broadwell-ep");
    IOMMUTranslation out;

    vt_translate(t, SID, 0x12345678, IOMMU_RW, &out);
    ck_assert(!out.fault);
    ck_assert_uint_eq(out.entry.translated_addr, 0x12345000);
    /* EDK2's alignment probe: all ones in, the 1 MiB granule back. */
    vt_wr(t, VTD_REG_PLMBASE, 0xffffffffu, 4);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_PLMBASE, 4), 0xfff00000u);
    vt_wr(t, VTD_REG_PLMBASE, 0x0, 4);
    vt_wr(t, VTD_REG_PLMLIMIT, 0x3ff00000u, 4);
    vt_wr(t, VTD_REG_PMEN, 0x80000000u, 4);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_PMEN, 4), 0x80000001u);
    vt_translate(t, SID, 0x12345678, IOMMU_RO, &out);
    ck_assert(out.fault);
    ck_assert_str_eq(out.fault_name, "PMR_BLOCKED");
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), 0);
    vt_translate(t, SID, 0x40000000, IOMMU_RO, &out);
    ck_assert(!out.fault);
    vt_wr(t, VTD_REG_PMEN, 0, 4);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_PMEN, 4), 0);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_fault_abort_dma_mode)
{
    VTest *t = vt_new("ecap-adms=1");
    IOMMUTranslation out;

    vt_wr(t, VTD_REG_RTADDR, VT_ROOT | (3u << 10), 8);
    vt_wr(t, VTD_REG_GCMD, VTD_GCMD_SRTP_MASK, 4);
    vt_wr(t, VTD_REG_GCMD, VTD_GCMD_TE_MASK, 4);
    vt_translate(t, SID, 0x1000, IOMMU_RO, &out);
    ck_assert(out.fault);
    ck_assert_str_eq(out.fault_name, "ABORT_DMA_MODE");
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), 0);
    vt_free(t);
}
END_TEST

/* ---- zero-length reads (§3.14, §3.15) ---------------------------------- */

#define ZLR_WO_IOVA 0x4000ull       /* mapped write-only */

static VTest *zlr_setup(const char *props)
{
    VTest *t = setup(props);

    vt_map(t, SLPT, 3, ZLR_WO_IOVA, 0x8000, 1, 2);
    vt_flush(t);
    return t;
}

/* A zero-length read by SID through the unit's DMA address space. */
static MemTxResult zlr(VTest *t, uint64_t iova, MemTxInfo *info)
{
    return address_space_rw(vtd_dma_as(t->s, SID), iova,
                            memtxattrs_for_requester(SID), NULL, 0, false,
                            info);
}

START_TEST(test_vtd_zlr_write_only_page_completes_with_cap_zlr)
{
    VTest *t = zlr_setup("cap-zlr=1");
    MemTxInfo info;
    uint32_t v;

    ck_assert_uint_eq(vtd_cap_get_zlr(vt_rd(t, VTD_REG_CAP, 8)), 1);
    ck_assert_uint_eq(zlr(t, ZLR_WO_IOVA + 0x10, &info), MEMTX_OK);
    ck_assert_uint_eq(info.translations, 1);
    ck_assert(!info.faulted);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), 0);
    /* Twice: the second one from the IOTLB, still no fault. */
    ck_assert_uint_eq(zlr(t, ZLR_WO_IOVA, &info), MEMTX_OK);
    ck_assert_uint_eq(t->s->stats.translations, 2);
    /* Only zero-length reads: a one-byte read still takes LGN.3. */
    ck_assert_uint_eq(address_space_rw(vtd_dma_as(t->s, SID), ZLR_WO_IOVA,
                                       memtxattrs_for_requester(SID), &v, 1,
                                       false, &info),
                      MEMTX_ACCESS_DENIED);
    ck_assert_uint_eq(info.fault_code, VTD_FR_NO_READ);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), VTD_FSTS_PPF_MASK);
    vt_free(t);
}
END_TEST

START_TEST(test_vtd_zlr_write_only_page_faults_without_cap_zlr)
{
    VTest *t = zlr_setup("cap-zlr=0");
    uint64_t fro = 0x220;
    MemTxInfo info;

    ck_assert_uint_eq(vtd_cap_get_zlr(vt_rd(t, VTD_REG_CAP, 8)), 0);
    ck_assert_uint_eq(zlr(t, ZLR_WO_IOVA + 0x10, &info),
                      MEMTX_ACCESS_DENIED);
    ck_assert(info.faulted);
    ck_assert_uint_eq(info.fault_code, VTD_FR_NO_READ);
    ck_assert_str_eq(info.fault_name, vtd_fault_reason_name(VTD_FR_NO_READ));
    ck_assert_uint_eq(info.fault_addr, ZLR_WO_IOVA + 0x10);
    /* Recorded as a read (T=1) of the page (§7.2.1). */
    ck_assert_uint_eq(vt_rd(t, fro, 8), ZLR_WO_IOVA);
    ck_assert_uint_eq((vt_rd(t, fro + 8, 8) >> 32) & 0xff, VTD_FR_NO_READ);
    ck_assert((vt_rd(t, fro + 8, 8) >> 62) & 1);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), VTD_FSTS_PPF_MASK);
    vt_free(t);
}
END_TEST

/* ZLR forgives only the read-permission violation (§3.14). */
START_TEST(test_vtd_zlr_other_faults_still_fault)
{
    VTest *t = zlr_setup("cap-zlr=1");
    MemTxInfo info;

    /* Readable pages complete either way. */
    ck_assert_uint_eq(zlr(t, 0x1000, &info), MEMTX_OK);
    ck_assert_uint_eq(zlr(t, 0x2000, &info), MEMTX_OK);
    ck_assert_uint_eq(info.translations, 1);
    /* Not present: LGN.3. */
    ck_assert_uint_eq(zlr(t, 0x9000, &info), MEMTX_ACCESS_DENIED);
    ck_assert_uint_eq(info.fault_code, VTD_FR_NO_READ);
    /* Beyond AGAW: LGN.1. */
    ck_assert_uint_eq(zlr(t, 1ull << 39, &info), MEMTX_ACCESS_DENIED);
    ck_assert_uint_eq(info.fault_code, VTD_FR_ADDR_BEYOND_AW);
    /* Write-only leaf under a read-only parent: no permission at all. */
    vt_ram_w64(t, SLPT + 8 * 7, vt_alloc_table(t) | 1);
    vt_map(t, SLPT, 3, 7ull << 30, 0x9000, 1, 2);
    vt_flush(t);
    ck_assert_uint_eq(zlr(t, 7ull << 30, &info), MEMTX_ACCESS_DENIED);
    ck_assert_uint_eq(info.fault_code, VTD_FR_NO_READ);
    /* A write-only page whose output is in the interrupt range: LGN.4. */
    vt_map(t, SLPT, 3, 0x3000, 0xfee00000ull, 1, 2);
    vt_flush(t);
    ck_assert_uint_eq(zlr(t, 0x3000, &info), MEMTX_ACCESS_DENIED);
    ck_assert_uint_eq(info.fault_code, VTD_FR_OUTPUT_IN_INTR_RANGE);
    /* Context not present. */
    vt_set_context(t, SID, 0, 0);
    ck_assert_uint_eq(zlr(t, ZLR_WO_IOVA, &info), MEMTX_ACCESS_DENIED);
    ck_assert_uint_eq(info.fault_code, VTD_FR_CTX_NOT_PRESENT);
    vt_free(t);
}
END_TEST

/* The hook sees the flag; a lookup (IOMMU_NONE) is not a read. */
START_TEST(test_vtd_zlr_hook_needs_flag_and_read)
{
    VTest *t = zlr_setup("cap-zlr=1");
    VTDAddressSpace *vas;
    MemTxAttrs attrs = memtxattrs_for_requester(SID);
    IOMMUTranslation out;

    vtd_dma_as(t->s, SID);
    vas = (VTDAddressSpace *)iommu_requester_space_lookup(t->s->spaces, SID);
    attrs.zero_length = true;
    memory_region_iommu_translate(&vas->rs.iommu, ZLR_WO_IOVA, IOMMU_RO,
                                  attrs, &out);
    ck_assert(!out.fault);
    ck_assert_uint_eq(out.entry.translated_addr, 0x8000);
    ck_assert_uint_eq(out.entry.perm, IOMMU_WO);
    memory_region_iommu_translate(&vas->rs.iommu, ZLR_WO_IOVA, IOMMU_RO,
                                  memtxattrs_for_requester(SID), &out);
    ck_assert(out.fault);
    ck_assert_uint_eq(out.fault_code, VTD_FR_NO_READ);
    /* A zero-length write to a read-only page is a write: LGN.2. */
    memory_region_iommu_translate(&vas->rs.iommu, 0x2000, IOMMU_WO, attrs,
                                  &out);
    ck_assert(out.fault);
    ck_assert_uint_eq(out.fault_code, VTD_FR_NO_WRITE);
    vt_free(t);
}
END_TEST

/*
 * §3.15: a zero-length read to 0xFEEx_xxxx bypasses remapping: the
 * interrupt window's hook (vtd-intr-range.c) lets it complete, the
 * context and page tables are never consulted.
 */
START_TEST(test_vtd_zlr_interrupt_range_bypasses_remapping)
{
    VTest *t = zlr_setup("cap-zlr=0");
    MemTxInfo info;

    ck_assert_uint_eq(zlr(t, 0xfee00000ull, &info), MEMTX_OK);
    ck_assert_uint_eq(info.translations, 1);
    ck_assert(!info.faulted);
    ck_assert_uint_eq(zlr(t, 0xfeeffffcull, &info), MEMTX_OK);
    ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), 0);
    ck_assert_uint_eq(t->s->stats.translations, 0);
    vt_free(t);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("vtd-faults");
    TCase *tc = tcase_create("faults");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_vtd_fault_every_legacy_reason);
    tcase_add_test(tc, test_vtd_fault_tt_blocked_for_ats);
    tcase_add_test(tc, test_vtd_context_tt_encodings);
    tcase_add_test(tc, test_vtd_fault_record_fields_and_w1c);
    tcase_add_test(tc, test_vtd_fault_records_wrap_and_repeat_collapses);
    tcase_add_test(tc, test_vtd_fault_fpd_suppresses_qualified_only);
    tcase_add_test(tc, test_vtd_fault_event_msi_honours_im);
    tcase_add_test(tc, test_vtd_inv_event_msi_honours_im_and_iwc);
    tcase_add_test(tc, test_vtd_fault_te_off_passes_through_and_pmr_blocks);
    tcase_add_test(tc, test_vtd_fault_abort_dma_mode);
    tcase_add_test(tc, test_vtd_zlr_write_only_page_completes_with_cap_zlr);
    tcase_add_test(tc, test_vtd_zlr_write_only_page_faults_without_cap_zlr);
    tcase_add_test(tc, test_vtd_zlr_other_faults_still_fault);
    tcase_add_test(tc, test_vtd_zlr_hook_needs_flag_and_read);
    tcase_add_test(tc, test_vtd_zlr_interrupt_range_bypasses_remapping);
    suite_add_tcase(su, tc);
    sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
