/*
 * Unit tests: IOMMU notifiers (MAP / UNMAP / DEVIOTLB_UNMAP filtering by
 * type and range), replay (generic walk and a model's own op), and the
 * per-requester address spaces both vendor models build on.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/iommu.h"
#include "iommu-sim/memory.h"
#include "iommu-sim/msi.h"
#include "test-iommu-fixture.h"

/* ---- notifiers ----------------------------------------------------------- */

typedef struct Heard {
    unsigned n;
    IOMMUTLBEvent ev[32];
} Heard;

static void heard_notify(IOMMUNotifier *n, const IOMMUTLBEvent *event)
{
    Heard *h = n->opaque;

    if (h->n < 32) {
        h->ev[h->n] = *event;
    }
    h->n++;
}

static IOMMUTLBEvent make_event(IOMMUNotifierFlag type, uint64_t iova,
                                uint64_t mask)
{
    IOMMUTLBEvent ev = {
        .type = type,
        .entry = { .iova = iova, .translated_addr = iova, .addr_mask = mask,
                   .perm = type == IOMMU_NOTIFIER_MAP ? IOMMU_RW
                                                      : IOMMU_NONE },
    };
    return ev;
}

START_TEST(test_iommu_notifier_register_updates_flags)
{
    Fixture f;
    IOMMUNotifier a, b;
    Heard h = { 0 };

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&a, heard_notify, IOMMU_NOTIFIER_UNMAP, 0,
                        UINT64_MAX, &h);
    iommu_notifier_init(&b, heard_notify, IOMMU_NOTIFIER_MAP, 0, UINT64_MAX,
                        &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &a);
    ck_assert_uint_eq(f.iommu.mr.notifier_flags, IOMMU_NOTIFIER_UNMAP);
    ck_assert_uint_eq(f.iommu.flag_changes, 1);
    ck_assert_uint_eq(f.iommu.old_flags, 0);
    ck_assert_uint_eq(f.iommu.new_flags, IOMMU_NOTIFIER_UNMAP);
    ck_assert_ptr_eq(a.iommu, &f.iommu.mr);
    memory_region_register_iommu_notifier(&f.iommu.mr, &b);
    ck_assert_uint_eq(f.iommu.mr.notifier_flags, IOMMU_NOTIFIER_IOTLB_EVENTS);
    ck_assert_uint_eq(f.iommu.flag_changes, 2);
    /* Iteration in registration order. */
    ck_assert_ptr_eq(memory_region_iommu_next_notifier(&f.iommu.mr, NULL),
                     &a);
    ck_assert_ptr_eq(memory_region_iommu_next_notifier(&f.iommu.mr, &a), &b);
    ck_assert_ptr_null(memory_region_iommu_next_notifier(&f.iommu.mr, &b));
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &a);
    ck_assert_uint_eq(f.iommu.mr.notifier_flags, IOMMU_NOTIFIER_MAP);
    ck_assert_uint_eq(f.iommu.old_flags, IOMMU_NOTIFIER_IOTLB_EVENTS);
    ck_assert_ptr_null(a.iommu);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &b);
    ck_assert_uint_eq(f.iommu.mr.notifier_flags, 0);
    ck_assert_uint_eq(f.iommu.flag_changes, 4);
    /* Unregistering twice is harmless and changes nothing. */
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &b);
    ck_assert_uint_eq(f.iommu.flag_changes, 4);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_notifier_same_flags_no_change_callback)
{
    Fixture f;
    IOMMUNotifier a, b;
    Heard h = { 0 };

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&a, heard_notify, IOMMU_NOTIFIER_MAP, 0, 0xffff, &h);
    iommu_notifier_init(&b, heard_notify, IOMMU_NOTIFIER_MAP, 0, 0xffff, &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &a);
    memory_region_register_iommu_notifier(&f.iommu.mr, &b);
    ck_assert_uint_eq(f.iommu.flag_changes, 1);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &a);
    ck_assert_uint_eq(f.iommu.flag_changes, 1);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &b);
    ck_assert_uint_eq(f.iommu.flag_changes, 2);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_notify_filters_by_flags)
{
    Fixture f;
    IOMMUNotifier map_only, unmap_only, dev;
    Heard hm = { 0 }, hu = { 0 }, hd = { 0 };
    IOMMUTLBEvent ev;

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&map_only, heard_notify, IOMMU_NOTIFIER_MAP, 0,
                        UINT64_MAX, &hm);
    iommu_notifier_init(&unmap_only, heard_notify, IOMMU_NOTIFIER_UNMAP, 0,
                        UINT64_MAX, &hu);
    iommu_notifier_init(&dev, heard_notify, IOMMU_NOTIFIER_DEVIOTLB_UNMAP, 0,
                        UINT64_MAX, &hd);
    memory_region_register_iommu_notifier(&f.iommu.mr, &map_only);
    memory_region_register_iommu_notifier(&f.iommu.mr, &unmap_only);
    memory_region_register_iommu_notifier(&f.iommu.mr, &dev);
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x1000, 0xfff);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(hm.n, 0);
    ck_assert_uint_eq(hu.n, 1);
    ck_assert_uint_eq(hd.n, 0);
    ck_assert_uint_eq(hu.ev[0].entry.iova, 0x1000);
    ev = make_event(IOMMU_NOTIFIER_MAP, 0x2000, 0xfff);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(hm.n, 1);
    ck_assert_uint_eq(hm.ev[0].entry.perm, IOMMU_RW);
    ev = make_event(IOMMU_NOTIFIER_DEVIOTLB_UNMAP, 0x3000, 0xfff);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(hd.n, 1);
    ck_assert_uint_eq(hu.n, 1);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &map_only);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &unmap_only);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &dev);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_notify_filters_by_range)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };
    IOMMUTLBEvent ev;

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_UNMAP, 0x10000,
                        0x1ffff, &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0xf000, 0xfff);    /* just below */
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x20000, 0xfff);   /* just above */
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(h.n, 0);
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x1f000, 0xfff);   /* last page */
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(h.n, 1);
    /* A 2 MiB block containing the whole range intersects it. */
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0, 0x1fffff);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(h.n, 2);
    ck_assert_uint_eq(h.ev[1].entry.addr_mask, 0x1fffff);
    /* notify_one applies the same filters. */
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x30000, 0xfff);
    memory_region_notify_iommu_one(&n, &ev);
    ck_assert_uint_eq(h.n, 2);
    ev = make_event(IOMMU_NOTIFIER_MAP, 0x10000, 0xfff);
    memory_region_notify_iommu_one(&n, &ev);
    ck_assert_uint_eq(h.n, 2);
    ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x10000, 0xfff);
    memory_region_notify_iommu_one(&n, &ev);
    ck_assert_uint_eq(h.n, 3);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_unregistered_notifier_hears_nothing)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };
    IOMMUTLBEvent ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x1000, 0xfff);

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_UNMAP, 0,
                        UINT64_MAX, &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(h.n, 1);
    fixture_fini(&f);
}
END_TEST

static void unregister_self(IOMMUNotifier *n, const IOMMUTLBEvent *event)
{
    Heard *h = n->opaque;

    h->n++;
    memory_region_unregister_iommu_notifier(n->iommu, n);
}

START_TEST(test_iommu_notifier_may_unregister_itself)
{
    Fixture f;
    IOMMUNotifier a, b;
    Heard ha = { 0 }, hb = { 0 };
    IOMMUTLBEvent ev = make_event(IOMMU_NOTIFIER_UNMAP, 0x1000, 0xfff);

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&a, unregister_self, IOMMU_NOTIFIER_UNMAP, 0,
                        UINT64_MAX, &ha);
    iommu_notifier_init(&b, heard_notify, IOMMU_NOTIFIER_UNMAP, 0,
                        UINT64_MAX, &hb);
    memory_region_register_iommu_notifier(&f.iommu.mr, &a);
    memory_region_register_iommu_notifier(&f.iommu.mr, &b);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    memory_region_notify_iommu(&f.iommu.mr, &ev);
    ck_assert_uint_eq(ha.n, 1);
    ck_assert_uint_eq(hb.n, 2);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &b);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_notifier_bad_registration_ignored)
{
    Fixture f;
    IOMMUNotifier n, empty;
    Heard h = { 0 };

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0, 0xfff, &h);
    memory_region_register_iommu_notifier(&f.sys_ram, &n);
    ck_assert_ptr_null(n.iommu);
    iommu_notifier_init(&empty, heard_notify, IOMMU_NOTIFIER_MAP, 0x2000,
                        0x1000, &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &empty);
    ck_assert_ptr_null(empty.iommu);
    ck_assert_uint_eq(f.iommu.mr.notifier_flags, 0);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);   /* twice */
    ck_assert_ptr_eq(memory_region_iommu_next_notifier(&f.iommu.mr, &n),
                     NULL);
    /* Destroying the region unregisters what is left. */
    fixture_fini(&f);
    ck_assert_ptr_null(n.iommu);
}
END_TEST

/* ---- replay -------------------------------------------------------------- */

START_TEST(test_iommu_replay_generic_maps_present_pages)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };

    fixture_init(&f, MODE_OFFSET);
    f.iommu.present_below = 0x5000;
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0x2000, 0x9fff,
                        &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_iommu_replay(&f.iommu.mr, &n);
    /* Pages 0x2000, 0x3000, 0x4000 present; 0x5000-0x9000 looked up. */
    ck_assert_uint_eq(h.n, 3);
    ck_assert_uint_eq(f.iommu.n_calls, 8);
    for (unsigned i = 0; i < 3; i++) {
        ck_assert_uint_eq(h.ev[i].type, IOMMU_NOTIFIER_MAP);
        ck_assert_uint_eq(h.ev[i].entry.iova, 0x2000 + i * 0x1000);
        ck_assert_uint_eq(h.ev[i].entry.translated_addr,
                          TEST_OFFSET + 0x2000 + i * 0x1000);
    }
    ck_assert_uint_eq(f.iommu.calls[0].access, IOMMU_NONE);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_replay_generic_honours_min_page_and_blocks)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };

    fixture_init(&f, MODE_IDENTITY);
    f.iommu.min_page = 0x10000;
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0, 0x3ffff,
                        &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_iommu_replay(&f.iommu.mr, &n);
    ck_assert_uint_eq(f.iommu.n_calls, 4);
    ck_assert_uint_eq(h.n, 4);
    /* A 2 MiB block is reported once, not per step. */
    f.iommu.n_calls = 0;
    h.n = 0;
    f.iommu.min_page = 0;
    f.iommu.addr_mask = 0x1fffff;
    n.end = 0x3fffff;
    memory_region_iommu_replay(&f.iommu.mr, &n);
    ck_assert_uint_eq(h.n, 2);
    ck_assert_uint_eq(h.ev[1].entry.iova, 0x200000);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_replay_generic_clipped_to_region)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };

    fixture_init_ops(&f, MODE_IDENTITY, &test_iommu_ops, 0x4000);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0, UINT64_MAX,
                        &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_iommu_replay(&f.iommu.mr, &n);
    ck_assert_uint_eq(h.n, 4);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_replay_generic_refuses_huge_range)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };

    fixture_init(&f, MODE_IDENTITY);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0, UINT64_MAX,
                        &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_iommu_replay(&f.iommu.mr, &n);
    ck_assert_uint_eq(f.iommu.n_calls, 0);
    ck_assert_uint_eq(h.n, 0);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_iommu_replay_custom_op)
{
    Fixture f;
    IOMMUNotifier n;
    Heard h = { 0 };

    fixture_init_ops(&f, MODE_IDENTITY, &test_iommu_ops_replay,
                     MEMORY_REGION_SIZE_2_64);
    iommu_notifier_init(&n, heard_notify, IOMMU_NOTIFIER_MAP, 0, 0xffff, &h);
    memory_region_register_iommu_notifier(&f.iommu.mr, &n);
    memory_region_iommu_replay(&f.iommu.mr, &n);
    ck_assert_uint_eq(f.iommu.custom_replays, 1);
    ck_assert_uint_eq(f.iommu.n_calls, 0);     /* no generic walk */
    ck_assert_uint_eq(h.n, 1);
    ck_assert_uint_eq(h.ev[0].entry.translated_addr, 0x9000);
    memory_region_unregister_iommu_notifier(&f.iommu.mr, &n);
    fixture_fini(&f);
}
END_TEST

/* ---- per-requester address spaces (iommu-space.c) ---------------------- */

/* A model's per-requester state, IOMMURequesterSpace first. */
typedef struct ToySpace {
    IOMMURequesterSpace rs;
    AddressSpace *target;
    uint16_t rid;
    unsigned calls;
} ToySpace;

static void toy_translate(MemoryRegion *mr, uint64_t iova,
                          IOMMUAccessFlags access, MemTxAttrs attrs,
                          IOMMUTranslation *out)
{
    ToySpace *t = mr->iommu_opaque;

    (void)access;
    (void)attrs;
    t->calls++;
    out->entry.target_as = t->target;
    out->entry.iova = iova & ~0xfffull;
    out->entry.translated_addr = (iova & ~0xfffull) + TEST_OFFSET;
    out->entry.addr_mask = 0xfff;
    out->entry.perm = IOMMU_RW;
}

static const IOMMUMemoryRegionOps toy_space_ops = {
    .translate = toy_translate,
};

static void toy_count(IOMMURequesterSpace *rs, void *opaque)
{
    unsigned *n = opaque;

    *n += ((ToySpace *)rs)->rid;
}

START_TEST(test_iommu_requester_space_built_once_per_id)
{
    IOMMURequesterSpaces *set =
        iommu_requester_spaces_new("toy", &toy_space_ops, NULL,
                                   sizeof(ToySpace));
    IOMMURequesterSpace *a, *b;
    bool created = false;
    unsigned sum = 0;

    ck_assert_ptr_null(iommu_requester_space_lookup(set, 0x0010));
    a = iommu_requester_space_get(set, 0x0010, &created);
    ck_assert(created);
    ck_assert_uint_eq(((ToySpace *)a)->calls, 0);   /* zero-filled */
    ((ToySpace *)a)->rid = 0x0010;
    ck_assert_str_eq(a->as.name, "toy-00:02.0");
    ck_assert_str_eq(a->iommu.name, "toy-00:02.0");
    ck_assert_ptr_eq(a->iommu.iommu_opaque, a);
    ck_assert_int_eq(a->intr.type, MR_CONTAINER);    /* no MSI window */
    ck_assert_ptr_eq(iommu_requester_space_get(set, 0x0010, &created), a);
    ck_assert(!created);
    ck_assert_ptr_eq(iommu_requester_space_lookup(set, 0x0010), a);
    b = iommu_requester_space_get(set, 0xfffa, NULL);
    ((ToySpace *)b)->rid = 0xfffa;
    ck_assert_str_eq(b->as.name, "toy-ff:1f.2");
    ck_assert_ptr_ne(a, b);
    iommu_requester_spaces_foreach(set, toy_count, &sum);
    ck_assert_uint_eq(sum, 0x0010 + 0xfffa);
    iommu_requester_spaces_free(set);
    ck_assert_ptr_null(iommu_requester_space_lookup(NULL, 1));
    iommu_requester_spaces_foreach(NULL, toy_count, &sum);
    iommu_requester_spaces_free(NULL);
}
END_TEST

/* DMA goes through the IOMMU region; 0xFEE00000 goes to the MSI sink. */
START_TEST(test_iommu_requester_space_msi_window_over_iommu)
{
    Fixture f;
    VirtualClock *clock = vclock_new();
    MsiSink *msi = msi_sink_new(clock);
    IOMMURequesterSpaces *set;
    ToySpace *t;
    uint32_t v = 0x12345678, out = 0;

    fixture_init(&f, MODE_IDENTITY);
    set = iommu_requester_spaces_new("toy", &toy_space_ops, msi,
                                     sizeof(ToySpace));
    t = (ToySpace *)iommu_requester_space_get(set, 0x0018, NULL);
    t->target = &f.sys_as;
    ck_assert_int_eq(t->rs.intr.type, MR_ALIAS);
    ck_assert_str_eq(t->rs.intr.name, "toy-intr");
    ck_assert_uint_eq(address_space_write(&t->rs.as, 0x2000, dev_attrs, &v,
                                          4), MEMTX_OK);
    ck_assert_uint_eq(t->calls, 1);
    address_space_read(&f.sys_as, 0x2000 + TEST_OFFSET, dev_attrs, &out, 4);
    ck_assert_uint_eq(out, v);
    v = 0x41;
    ck_assert_uint_eq(address_space_write(&t->rs.as, MSI_ADDR_BASE,
                                          dev_attrs, &v, 4), MEMTX_OK);
    ck_assert_uint_eq(t->calls, 1);                 /* not translated */
    ck_assert_uint_eq(msi_sink_count(msi), 1);
    ck_assert_uint_eq(msi_sink_record(msi, 0)->raw.data, 0x41);
    /* Just below the window is translated again. */
    address_space_write(&t->rs.as, MSI_ADDR_BASE - 4, dev_attrs, &v, 4);
    ck_assert_uint_eq(t->calls, 2);
    iommu_requester_spaces_free(set);
    msi_sink_free(msi);
    vclock_free(clock);
    fixture_fini(&f);
}
END_TEST

static Suite *iommu_notify_suite(void)
{
    Suite *s = suite_create("iommu-notify");
    TCase *no = tcase_create("notifier");
    TCase *re = tcase_create("replay");
    TCase *rq = tcase_create("requester-space");

    tcase_add_test(no, test_iommu_notifier_register_updates_flags);
    tcase_add_test(no, test_iommu_notifier_same_flags_no_change_callback);
    tcase_add_test(no, test_iommu_notify_filters_by_flags);
    tcase_add_test(no, test_iommu_notify_filters_by_range);
    tcase_add_test(no, test_iommu_unregistered_notifier_hears_nothing);
    tcase_add_test(no, test_iommu_notifier_may_unregister_itself);
    tcase_add_test(no, test_iommu_notifier_bad_registration_ignored);
    tcase_add_test(re, test_iommu_replay_generic_maps_present_pages);
    tcase_add_test(re, test_iommu_replay_generic_honours_min_page_and_blocks);
    tcase_add_test(re, test_iommu_replay_generic_clipped_to_region);
    tcase_add_test(re, test_iommu_replay_generic_refuses_huge_range);
    tcase_add_test(re, test_iommu_replay_custom_op);
    tcase_add_test(rq, test_iommu_requester_space_built_once_per_id);
    tcase_add_test(rq, test_iommu_requester_space_msi_window_over_iommu);
    suite_add_tcase(s, no);
    suite_add_tcase(s, re);
    suite_add_tcase(s, rq);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(iommu_notify_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
