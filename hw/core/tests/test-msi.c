/*
 * Unit tests: the MSI sink (compatibility-format decode, records, the
 * listener and the interrupt-remapping hook).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/msi.h"

/* System memory with the sink mapped at 0xFEE00000, as the machine does. */
typedef struct Fixture {
    VirtualClock *clock;
    MsiSink *sink;
    MemoryRegion root;
    AddressSpace as;
} Fixture;

static void fixture_init(Fixture *f)
{
    f->clock = vclock_new();
    f->sink = msi_sink_new(f->clock);
    memory_region_init_container(&f->root, "system", MEMORY_REGION_SIZE_2_64);
    memory_region_add_subregion(&f->root, MSI_ADDR_BASE,
                                msi_sink_region(f->sink));
    address_space_init(&f->as, &f->root, "memory");
}

static void fixture_fini(Fixture *f)
{
    memory_region_del_subregion(&f->root, msi_sink_region(f->sink));
    msi_sink_free(f->sink);
    memory_region_destroy(&f->root);
    address_space_destroy(&f->as);
    vclock_free(f->clock);
}

START_TEST(test_msi_decode_fields)
{
    MsiRecord rec;
    /* dest 0x5a, RH, logical; vector 0x31, lowest priority, level, assert */
    MsiMessage msg = {
        .address = 0xfee00000 | (0x5a << 12) | (1 << 3) | (1 << 2),
        .data = 0x31 | (1 << 8) | (1 << 14) | (1 << 15),
    };

    memset(&rec, 0, sizeof(rec));
    msi_decode(msg, &rec);
    ck_assert_uint_eq(rec.dest, 0x5a);
    ck_assert(rec.redirection_hint);
    ck_assert(rec.dest_mode_logical);
    ck_assert_uint_eq(rec.vector, 0x31);
    ck_assert_uint_eq(rec.delivery_mode, 1);
    ck_assert(rec.level_assert);
    ck_assert(rec.trigger_level);
}
END_TEST

START_TEST(test_msi_decode_fixed_edge_physical)
{
    MsiRecord rec;
    MsiMessage msg = { .address = 0xfee01000, .data = 0x4022 };

    msi_decode(msg, &rec);
    ck_assert_uint_eq(rec.dest, 1);
    ck_assert(!rec.redirection_hint);
    ck_assert(!rec.dest_mode_logical);
    ck_assert_uint_eq(rec.vector, 0x22);
    ck_assert_uint_eq(rec.delivery_mode, 0);
    ck_assert(rec.level_assert);
    ck_assert(!rec.trigger_level);
    /* Every delivery mode value decodes from bits 10:8. */
    for (uint32_t dm = 0; dm < 8; dm++) {
        msg.data = dm << 8;
        msi_decode(msg, &rec);
        ck_assert_uint_eq(rec.delivery_mode, dm);
        ck_assert_uint_eq(rec.vector, 0);
    }
    /* Bits 11 and 13:12 are not part of any field. */
    msg.data = 0x3800;
    msi_decode(msg, &rec);
    ck_assert_uint_eq(rec.delivery_mode, 0);
    ck_assert(!rec.level_assert);
    msg.address = 0xfeeff000;
    msi_decode(msg, &rec);
    ck_assert_uint_eq(rec.dest, 0xff);
}
END_TEST

START_TEST(test_msi_dword_write_recorded_with_requester)
{
    Fixture f;
    uint32_t data = 0x0041;
    const MsiRecord *rec;

    fixture_init(&f);
    vclock_advance_to(f.clock, 12345);
    ck_assert_uint_eq(address_space_write(&f.as, 0xfee02000,
                                          memtxattrs_for_requester(0x0018),
                                          &data, 4),
                      MEMTX_OK);
    ck_assert_uint_eq(msi_sink_count(f.sink), 1);
    rec = msi_sink_record(f.sink, 0);
    ck_assert_ptr_nonnull(rec);
    ck_assert_uint_eq(rec->raw.address, 0xfee02000);
    ck_assert_uint_eq(rec->raw.data, 0x41);
    ck_assert_uint_eq(rec->msg.data, 0x41);
    ck_assert_uint_eq(rec->requester_id, 0x0018);
    ck_assert(rec->has_requester);
    ck_assert(!rec->remapped);
    ck_assert_uint_eq(rec->dest, 2);
    ck_assert_uint_eq(rec->vector, 0x41);
    ck_assert_int_eq(rec->time_ns, 12345);
    ck_assert_ptr_null(msi_sink_record(f.sink, 1));
    fixture_fini(&f);
}
END_TEST

START_TEST(test_msi_unspecified_attrs_have_no_requester)
{
    Fixture f;
    uint32_t data = 0x30;

    fixture_init(&f);
    address_space_write(&f.as, 0xfee00000, MEMTXATTRS_UNSPECIFIED, &data, 4);
    ck_assert_uint_eq(msi_sink_count(f.sink), 1);
    ck_assert(!msi_sink_record(f.sink, 0)->has_requester);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_msi_non_dword_writes_dropped_reads_zero)
{
    Fixture f;
    uint16_t half = 0x55;
    uint32_t v = 0xffffffff;
    uint64_t q = 0x0000003300000022ull;

    fixture_init(&f);
    ck_assert_uint_eq(address_space_write(&f.as, 0xfee00000,
                                          MEMTXATTRS_UNSPECIFIED, &half, 2),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(msi_sink_count(f.sink), 0);
    ck_assert_uint_eq(address_space_read(&f.as, 0xfee00000,
                                         MEMTXATTRS_UNSPECIFIED, &v, 4),
                      MEMTX_OK);
    ck_assert_uint_eq(v, 0);
    /* A qword write is split into two DWORD messages. */
    address_space_write(&f.as, 0xfee00000, MEMTXATTRS_UNSPECIFIED, &q, 8);
    ck_assert_uint_eq(msi_sink_count(f.sink), 2);
    ck_assert_uint_eq(msi_sink_record(f.sink, 1)->raw.address, 0xfee00004);
    ck_assert_uint_eq(msi_sink_record(f.sink, 1)->vector, 0x33);
    fixture_fini(&f);
}
END_TEST

typedef struct Listen {
    unsigned n;
    MsiRecord last;
} Listen;

static void listener(void *opaque, const MsiRecord *rec)
{
    Listen *l = opaque;

    l->n++;
    l->last = *rec;
}

START_TEST(test_msi_listener_sees_each_message)
{
    Fixture f;
    Listen l = { 0 };
    MsiMessage msg = { .address = 0xfee03000, .data = 0x77 };

    fixture_init(&f);
    msi_sink_set_listener(f.sink, listener, &l);
    msi_sink_deliver(f.sink, msg, memtxattrs_for_requester(0x100));
    msg.data = 0x78;
    msi_sink_deliver(f.sink, msg, memtxattrs_for_requester(0x100));
    ck_assert_uint_eq(l.n, 2);
    ck_assert_uint_eq(l.last.vector, 0x78);
    ck_assert_uint_eq(l.last.dest, 3);
    ck_assert_uint_eq(l.last.requester_id, 0x100);
    msi_sink_set_listener(f.sink, NULL, NULL);
    msi_sink_deliver(f.sink, msg, MEMTXATTRS_UNSPECIFIED);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_uint_eq(msi_sink_count(f.sink), 3);
    msi_sink_clear(f.sink);
    ck_assert_uint_eq(msi_sink_count(f.sink), 0);
    fixture_fini(&f);
}
END_TEST

typedef struct Remap {
    unsigned calls;
    uint16_t last_rid;
    bool last_has_rid;
    uint64_t last_addr;
} Remap;

/* Blocks requester 0xdead; rewrites everything else to vector 0xec, dest 7. */
static MsiRemapResult remap_fn(void *opaque, MsiMessage *msg,
                               uint16_t requester_id, bool has_requester)
{
    Remap *r = opaque;

    r->calls++;
    r->last_rid = requester_id;
    r->last_has_rid = has_requester;
    r->last_addr = msg->address;
    if (requester_id == 0xdead) {
        return MSI_REMAP_BLOCK;
    }
    msg->address = 0xfee07000;
    msg->data = 0xec;
    return MSI_REMAP_DELIVER;
}

START_TEST(test_msi_remap_hook_rewrites_message)
{
    Fixture f;
    Remap r = { 0 };
    const MsiRecord *rec;
    /* A remappable-format address: bit 4 set, handle in 19:5. */
    uint32_t data = 0;

    fixture_init(&f);
    msi_sink_set_remap(f.sink, remap_fn, &r);
    address_space_write(&f.as, 0xfee00010 | (5 << 5),
                        memtxattrs_for_requester(0x0020), &data, 4);
    ck_assert_uint_eq(r.calls, 1);
    ck_assert_uint_eq(r.last_rid, 0x0020);
    ck_assert(r.last_has_rid);
    ck_assert_uint_eq(r.last_addr, 0xfee000b0);
    ck_assert_uint_eq(msi_sink_count(f.sink), 1);
    rec = msi_sink_record(f.sink, 0);
    ck_assert(rec->remapped);
    ck_assert_uint_eq(rec->raw.address, 0xfee000b0);
    ck_assert_uint_eq(rec->msg.address, 0xfee07000);
    ck_assert_uint_eq(rec->vector, 0xec);
    ck_assert_uint_eq(rec->dest, 7);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_msi_remap_hook_blocks_message)
{
    Fixture f;
    Remap r = { 0 };
    Listen l = { 0 };
    uint32_t data = 0x40;

    fixture_init(&f);
    msi_sink_set_remap(f.sink, remap_fn, &r);
    msi_sink_set_listener(f.sink, listener, &l);
    ck_assert_uint_eq(address_space_write(&f.as, 0xfee00000,
                                          memtxattrs_for_requester(0xdead),
                                          &data, 4),
                      MEMTX_OK);
    ck_assert_uint_eq(r.calls, 1);
    ck_assert_uint_eq(msi_sink_count(f.sink), 0);
    ck_assert_uint_eq(l.n, 0);
    /* Removing the hook delivers as written. */
    msi_sink_set_remap(f.sink, NULL, NULL);
    address_space_write(&f.as, 0xfee00000, memtxattrs_for_requester(0xdead),
                        &data, 4);
    ck_assert_uint_eq(msi_sink_count(f.sink), 1);
    ck_assert(!msi_sink_record(f.sink, 0)->remapped);
    ck_assert_uint_eq(msi_sink_record(f.sink, 0)->vector, 0x40);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_msi_records_grow)
{
    Fixture f;
    MsiMessage msg = { .address = MSI_ADDR_BASE };

    fixture_init(&f);
    for (uint32_t i = 0; i < 5000; i++) {
        msg.data = i & 0xff;
        msi_sink_deliver(f.sink, msg, MEMTXATTRS_UNSPECIFIED);
    }
    ck_assert_uint_eq(msi_sink_count(f.sink), 5000);
    ck_assert_uint_eq(msi_sink_record(f.sink, 4999)->vector, 4999 & 0xff);
    ck_assert_uint_eq(msi_sink_record(f.sink, 0)->vector, 0);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_msi_sink_without_clock)
{
    MsiSink *sink = msi_sink_new(NULL);
    MsiMessage msg = { .address = MSI_ADDR_BASE, .data = 0x21 };

    msi_sink_deliver(sink, msg, MEMTXATTRS_UNSPECIFIED);
    ck_assert_int_eq(msi_sink_record(sink, 0)->time_ns, 0);
    ck_assert_uint_eq(msi_sink_region(sink)->size, MSI_ADDR_SIZE);
    msi_sink_free(sink);
    msi_sink_free(NULL);
}
END_TEST

static Suite *msi_suite(void)
{
    Suite *s = suite_create("msi");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_msi_decode_fields);
    tcase_add_test(tc, test_msi_decode_fixed_edge_physical);
    tcase_add_test(tc, test_msi_dword_write_recorded_with_requester);
    tcase_add_test(tc, test_msi_unspecified_attrs_have_no_requester);
    tcase_add_test(tc, test_msi_non_dword_writes_dropped_reads_zero);
    tcase_add_test(tc, test_msi_listener_sees_each_message);
    tcase_add_test(tc, test_msi_remap_hook_rewrites_message);
    tcase_add_test(tc, test_msi_remap_hook_blocks_message);
    tcase_add_test(tc, test_msi_records_grow);
    tcase_add_test(tc, test_msi_sink_without_clock);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(msi_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
