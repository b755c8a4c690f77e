/*
 * Check tests for IOMMU notifiers on VT-d requester spaces (vtd-inv.c
 * vtd_inv_notify): an IOTLB invalidation tells the UNMAP notifiers of
 * exactly the spaces it reaches -- page-selective and domain-selective
 * only the spaces whose context entry names the domain (§6.5.1.2), global
 * every space -- with the invalidated range, naturally aligned.  What a
 * consumer such as a vhost/VFIO-style shadow relies on.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "vtd-test-util.h"
#include "specs/vtd-desc.h"

#define SID_A 0x0010    /* domain 1 */
#define SID_B 0x0018    /* domain 2 */
#define SLPT 0x300000ull

typedef struct Heard {
    IOMMUNotifier n;
    unsigned events;
    IOMMUTLBEntry last;
} Heard;

static void heard_cb(IOMMUNotifier *n, const IOMMUTLBEvent *ev)
{
    Heard *h = n->opaque;

    ck_assert_int_eq(ev->type, IOMMU_NOTIFIER_UNMAP);
    ck_assert_int_eq(ev->entry.perm, IOMMU_NONE);
    h->events++;
    h->last = ev->entry;
}

static void heard_dev_cb(IOMMUNotifier *n, const IOMMUTLBEvent *ev)
{
    Heard *h = n->opaque;

    ck_assert_int_eq(ev->type, IOMMU_NOTIFIER_DEVIOTLB_UNMAP);
    h->events++;
    h->last = ev->entry;
}

static void listen(VTest *t, uint16_t sid, Heard *h, uint64_t start,
                   uint64_t end)
{
    VTDAddressSpace *vas;

    vtd_dma_as(t->s, sid);
    vas = (VTDAddressSpace *)iommu_requester_space_lookup(t->s->spaces, sid);
    ck_assert_ptr_nonnull(vas);
    memset(h, 0, sizeof(*h));
    iommu_notifier_init(&h->n, heard_cb, IOMMU_NOTIFIER_UNMAP, start, end,
                        h);
    memory_region_register_iommu_notifier(&vas->rs.iommu, &h->n);
}

START_TEST(test_vtd_notify_unmap_follows_the_invalidation)
{
    VTest *t = vt_new(NULL);
    Heard a, b, narrow;

    vt_ctx_ss(t, SID_A, 0, SLPT, 1, 1);
    vt_ctx_ss(t, SID_B, 0, SLPT, 1, 2);
    vt_map(t, SLPT, 3, 0x104000, 0x5000, 1, 3);
    vt_enable(t);
    listen(t, SID_A, &a, 0, UINT64_MAX);
    listen(t, SID_B, &b, 0, UINT64_MAX);
    /* Page-selective, domain 1, AM=2: 16 KiB from 0x104000. */
    vt_iotlb_inv(t, 3, 1, 0x105000 | 2);
    ck_assert_uint_eq(a.events, 1);
    ck_assert_uint_eq(a.last.iova, 0x104000);
    ck_assert_uint_eq(a.last.addr_mask, 0x3fff);
    ck_assert_uint_eq(b.events, 0);
    /* Domain-selective, domain 2: all of B's space, nothing of A's. */
    vt_iotlb_inv(t, 2, 2, 0);
    ck_assert_uint_eq(b.events, 1);
    ck_assert_uint_eq(b.last.iova, 0);
    ck_assert_uint_eq(b.last.addr_mask, UINT64_MAX);
    ck_assert_uint_eq(a.events, 1);
    /* Global: both. */
    vt_iotlb_inv(t, 1, 0, 0);
    ck_assert_uint_eq(a.events, 2);
    ck_assert_uint_eq(b.events, 2);
    /* A notifier's range filters: one page far away does not reach it. */
    memory_region_unregister_iommu_notifier(a.n.iommu, &a.n);
    listen(t, SID_A, &narrow, 0x200000, 0x2fffff);
    vt_iotlb_inv(t, 3, 1, 0x104000);
    ck_assert_uint_eq(narrow.events, 0);
    vt_iotlb_inv(t, 3, 1, 0x201000);
    ck_assert_uint_eq(narrow.events, 1);
    ck_assert_uint_eq(narrow.last.iova, 0x201000);
    ck_assert_uint_eq(narrow.last.addr_mask, 0xfff);
    memory_region_unregister_iommu_notifier(narrow.n.iommu, &narrow.n);
    memory_region_unregister_iommu_notifier(b.n.iommu, &b.n);
    vt_free(t);
}
END_TEST

/*
 * §6.5.2.5 device-TLB invalidation reaches the requester's DEVIOTLB_UNMAP
 * notifiers (a device's ATC stands behind them).  S=0: one 4 KiB page;
 * S=1: the run of 1s from address bit 12 encodes the size -- bit 12 clear
 * is 8 KiB, bits 13:12 = 01b 16 KiB -- naturally aligned.
 */
START_TEST(test_vtd_notify_device_tlb_sizes)
{
    VTest *t = vt_new("device-iotlb=on");
    const uint64_t qbase = 0x400000;
    VTDAddressSpace *vas;
    Heard h;
    static const struct {
        uint64_t addr;
        bool s;
        uint64_t iova, mask;
    } cases[] = {
        { 0x12345000, false, 0x12345000, 0xfff },
        { 0x12344000, true, 0x12344000, 0x1fff },       /* bit 12 = 0 */
        { 0x12345000, true, 0x12344000, 0x3fff },       /* 13:12 = 01b */
        { 0x12347000, true, 0x12340000, 0xffff },       /* 15:12 = 0111b */
    };

    vt_ctx_ss(t, SID_A, 1, SLPT, 1, 1);
    vt_enable(t);
    vtd_dma_as(t->s, SID_A);
    vas = (VTDAddressSpace *)iommu_requester_space_lookup(t->s->spaces,
                                                          SID_A);
    memset(&h, 0, sizeof(h));
    iommu_notifier_init(&h.n, heard_dev_cb, IOMMU_NOTIFIER_DEVIOTLB_UNMAP, 0,
                        UINT64_MAX, &h);
    memory_region_register_iommu_notifier(&vas->rs.iommu, &h.n);
    vt_qi_enable(t, qbase);
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint64_t d[2] = { 0, 0 };

        vtd_dev_tlb_desc_set_type_lo(d, VTD_INV_DESC_DEV_TLB);
        vtd_dev_tlb_desc_set_sid(d, SID_A);
        vtd_dev_tlb_desc_set_s(d, cases[i].s);
        vtd_dev_tlb_desc_set_addr(d, cases[i].addr >> 12);
        vt_ram_w64(t, qbase + i * 16, d[0]);
        vt_ram_w64(t, qbase + i * 16 + 8, d[1]);
        vt_wr(t, VTD_REG_IQT, (i + 1) * 16, 8);
        ck_assert_uint_eq(vt_rd(t, VTD_REG_FSTS, 4), 0);    /* no IQE */
        ck_assert_uint_eq(h.events, i + 1);
        ck_assert_uint_eq(h.last.iova, cases[i].iova);
        ck_assert_uint_eq(h.last.addr_mask, cases[i].mask);
    }
    memory_region_unregister_iommu_notifier(h.n.iommu, &h.n);
    vt_free(t);
}
END_TEST

static Suite *vtd_notify_suite(void)
{
    Suite *s = suite_create("vtd-notify");
    TCase *tc = tcase_create("notify");

    tcase_add_test(tc, test_vtd_notify_unmap_follows_the_invalidation);
    tcase_add_test(tc, test_vtd_notify_device_tlb_sizes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vtd_notify_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
