/*
 * Check tests for the AMD-Vi event log (AMD IOMMU spec 48882 §2.5):
 * every event type's encoding (full DeviceID, bus included), every type
 * this half raises reached through translate, entries in memory before
 * the tail moves, overflow (EventOverflow, EventLogRun dropped until
 * EventLogEn is set again), EventLogInt and the MSI.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "amdvi-test-util.h"

#define DEV 0xa5f3      /* bus A5h, device 1Eh, function 3 */

/* Linux's view of an entry: dwords, type at dword 1 bits 31:28. */
static unsigned ev_type(const uint64_t w[2])
{
    return (unsigned)(w[0] >> 60);
}

static unsigned ev_devid(const uint64_t w[2])
{
    return (unsigned)(w[0] & 0xffff);
}

static unsigned ev_flags(const uint64_t w[2])
{
    return (unsigned)((w[0] >> 48) & 0xfff);   /* Linux EVENT_FLAGS */
}

START_TEST(test_amdvi_event_encode_io_page_fault)
{
    AMDVIEvent ev = { .code = AMDVI_EVENT_IO_PAGE_FAULT, .devid = DEV,
                      .domain_id = 0x1234, .addr = 0xfedcba9876543210ull,
                      .pr = true, .rw = true, .pe = true, .tr = true };
    uint64_t w[2];

    amdvi_event_encode(&ev, w);
    ck_assert_uint_eq(ev_type(w), 2);
    ck_assert_uint_eq(ev_devid(w), DEV);
    ck_assert_uint_eq((w[0] >> 32) & 0xffff, 0x1234);   /* domain */
    /* PR flag 0x010, RW 0x020, PE 0x040, TR 0x100 (12-bit flags). */
    ck_assert_uint_eq(ev_flags(w), 0x010 | 0x020 | 0x040 | 0x100);
    ck_assert_uint_eq(w[1], 0xfedcba9876543210ull);
    ck_assert_uint_eq(amdvi_event_io_page_fault_get_device_id(w), DEV);
    /* GN=1: PASID in the domain field and 19:16. */
    ev.gn = true;
    ev.pasid = 0xabcde;
    amdvi_event_encode(&ev, w);
    ck_assert_uint_eq((w[0] >> 32) & 0xffff, 0xbcde);
    ck_assert_uint_eq((w[0] >> 16) & 0xf, 0xa);
    ck_assert_uint_eq(ev_flags(w) & 1, 1);
}
END_TEST

START_TEST(test_amdvi_event_encode_every_type)
{
    static const AMDVIEventCode codes[] = {
        AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY, AMDVI_EVENT_IO_PAGE_FAULT,
        AMDVI_EVENT_DEV_TAB_HARDWARE_ERROR,
        AMDVI_EVENT_PAGE_TAB_HARDWARE_ERROR,
        AMDVI_EVENT_ILLEGAL_COMMAND_ERROR,
        AMDVI_EVENT_COMMAND_HARDWARE_ERROR, AMDVI_EVENT_IOTLB_INV_TIMEOUT,
        AMDVI_EVENT_INVALID_DEVICE_REQUEST,
    };
    /* Device id carried by all but the two command errors. */
    static const bool has_dev[] = { 1, 1, 1, 1, 0, 0, 1, 1 };

    for (size_t i = 0; i < G_N_ELEMENTS(codes); i++) {
        AMDVIEvent ev = { .code = codes[i], .devid = DEV,
                          .addr = 0x123456789abcdef0ull, .rw = true,
                          .type = 1 };
        uint64_t w[2];

        amdvi_event_encode(&ev, w);
        ck_assert_uint_eq(ev_type(w), codes[i]);
        ck_assert_uint_eq(ev_devid(w), has_dev[i] ? DEV : 0);
        /* The address keeps every bit the layout holds. */
        ck_assert_uint_eq(w[1] >> 8, 0x123456789abcdef0ull >> 8);
        ck_assert_str_ne(amdvi_event_code_name(codes[i]), "");
    }
    {
        AMDVIEvent ev = { .code = AMDVI_EVENT_COMMAND_HARDWARE_ERROR,
                          .type = AMDVI_HWERR_DATA_ERROR, .addr = 0x1230 };
        uint64_t w[2];

        amdvi_event_encode(&ev, w);
        ck_assert_uint_eq(amdvi_event_command_hardware_error_get_type(w), 2);
        ck_assert_uint_eq(w[1], 0x1230);
    }
}
END_TEST

static void at_enable_with_irq(ATest *t)
{
    at_enable(t);
    amdvi_msi_configure(t->s, true,
                        (MsiMessage){ .address = 0xfee00000, .data = 0x4b });
}

/* Every type this half raises, through translate, with its fields. */
START_TEST(test_amdvi_event_every_translate_type_reached)
{
    ATest *t = at_new(NULL);
    uint64_t l1 = at_alloc(t), w[2], dte[4] = { 3 | (1ull << 2), 0, 0, 0 };
    MemTxAttrs a = memtxattrs_for_requester(DEV + 1);

    at_enable(t);
    /* 1: reserved DTE bit.  2: blocked device.  8: pretranslated, I=0. */
    at_set_dte(t, DEV, dte);
    at_xlate(t, DEV, 0x4321, IOMMU_WO);
    at_dte_xlate(t, DEV + 1, 0, 0, 0, 0, 0x77);
    at_xlate(t, DEV + 1, 0x5000, IOMMU_RO);
    a.addr_type = ADDR_TYPE_TRANSLATED;
    at_xlate_attrs(t, DEV + 1, 0x6000, IOMMU_WO, a);
    /* 4: page table outside RAM. */
    at_w64(t, l1, at_pde(AT_RAM_SIZE * 2, 1, 1, 1));
    at_dte_xlate(t, DEV + 2, 2, l1, 1, 1, 0x78);
    at_xlate(t, DEV + 2, 0x1000, IOMMU_RO);
    /* 3: device table outside RAM. */
    at_wr(t, AMDVI_REG_DEVTAB_BASE, (AT_RAM_SIZE * 4) | 0x1ff, 8);
    at_flush(t);
    at_xlate(t, DEV + 3, 0x7000, IOMMU_RO);

    ck_assert_uint_eq(at_nevents(t), 5);
    at_event(t, 0, w);
    ck_assert_uint_eq(ev_type(w), AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY);
    ck_assert_uint_eq(ev_devid(w), DEV);
    ck_assert(amdvi_event_illegal_dev_table_entry_get_rw(w));
    ck_assert(amdvi_event_illegal_dev_table_entry_get_rz(w));
    ck_assert_uint_eq(w[1], 0x4320);
    at_event(t, 1, w);
    ck_assert_uint_eq(ev_type(w), AMDVI_EVENT_IO_PAGE_FAULT);
    ck_assert_uint_eq(ev_devid(w), DEV + 1);
    ck_assert_uint_eq(amdvi_event_io_page_fault_get_domain_or_pasid(w),
                      0x77);
    ck_assert(amdvi_event_io_page_fault_get_pr(w));
    ck_assert(!amdvi_event_io_page_fault_get_rw(w));
    ck_assert_uint_eq(w[1], 0x5000);
    at_event(t, 2, w);
    ck_assert_uint_eq(ev_type(w), AMDVI_EVENT_INVALID_DEVICE_REQUEST);
    ck_assert_uint_eq(amdvi_event_invalid_device_request_get_type(w), 1);
    ck_assert(amdvi_event_invalid_device_request_get_rw(w));
    at_event(t, 3, w);
    ck_assert_uint_eq(ev_type(w), AMDVI_EVENT_PAGE_TAB_HARDWARE_ERROR);
    ck_assert_uint_eq(ev_devid(w), DEV + 2);
    ck_assert_uint_eq(w[1], AT_RAM_SIZE * 2 + 8);     /* the PTE read */
    ck_assert_uint_eq(
        amdvi_event_page_tab_hardware_error_get_domain_or_pasid(w), 0x78);
    at_event(t, 4, w);
    ck_assert_uint_eq(ev_type(w), AMDVI_EVENT_DEV_TAB_HARDWARE_ERROR);
    ck_assert_uint_eq(ev_devid(w), DEV + 3);
    ck_assert_uint_eq(w[1], AT_RAM_SIZE * 4 + (DEV + 3) * 32ull);
    at_free(t);
}
END_TEST

/* IO_PAGE_FAULT flavours: not present, permission, reserved. */
START_TEST(test_amdvi_event_io_page_fault_flags)
{
    ATest *t = at_new(NULL);
    uint64_t l1 = at_alloc(t), w[2];

    at_enable(t);
    at_w64(t, l1 + 8, at_pte(0x9000, 1, 0));
    at_w64(t, l1 + 16, at_pte(0x9000, 1, 1) | (1ull << 54));
    at_dte_xlate(t, DEV, 1, l1, 1, 1, 4);
    at_xlate(t, DEV, 0x0000, IOMMU_RO);
    at_xlate(t, DEV, 0x1008, IOMMU_WO);
    at_xlate(t, DEV, 0x2000, IOMMU_RO);
    ck_assert_uint_eq(at_nevents(t), 3);
    at_event(t, 0, w);
    ck_assert(!amdvi_event_io_page_fault_get_pr(w));
    at_event(t, 1, w);
    ck_assert(amdvi_event_io_page_fault_get_pr(w));
    ck_assert(amdvi_event_io_page_fault_get_rw(w));
    ck_assert(amdvi_event_io_page_fault_get_pe(w));
    ck_assert_uint_eq(w[1], 0x1008);
    at_event(t, 2, w);
    ck_assert(amdvi_event_io_page_fault_get_rz(w));
    at_free(t);
}
END_TEST

/* 256 slots, one kept empty: 255 fit, the next overflows. */
START_TEST(test_amdvi_event_overflow_and_reenable)
{
    ATest *t = at_new(NULL);
    AMDVIEvent ev = { .code = AMDVI_EVENT_IO_PAGE_FAULT, .devid = DEV };
    uint64_t ctl;

    at_enable_with_irq(t);
    for (unsigned i = 0; i < 255; i++) {
        ev.addr = i;
        ck_assert(amdvi_event_log_write(t->s, &ev));
    }
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EVENT_LOG_TAIL, 8), 255 * 16);
    ck_assert(!amdvi_event_log_write(t->s, &ev));
    ck_assert(amdvi_status_has(t->s, AMDVI_STATUS_EVENT_OVERFLOW_MASK));
    ck_assert(!amdvi_status_has(t->s, AMDVI_STATUS_EVENT_LOG_RUN_MASK));
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EVENT_LOG_TAIL, 8), 255 * 16);
    /* Consuming entries and clearing the flag does not restart it. */
    at_wr(t, AMDVI_REG_EVENT_LOG_HEAD, 255 * 16, 8);
    at_wr(t, AMDVI_REG_STATUS, AMDVI_STATUS_EVENT_OVERFLOW_MASK, 4);
    ck_assert(!amdvi_event_log_write(t->s, &ev));
    ck_assert(!amdvi_status_has(t->s, AMDVI_STATUS_EVENT_LOG_RUN_MASK));
    /* EventLogEn 0 then 1 (Linux's restart). */
    ctl = at_rd(t, AMDVI_REG_CONTROL, 8);
    at_wr(t, AMDVI_REG_CONTROL, ctl & ~AMDVI_CONTROL_EVENT_LOG_EN_MASK, 8);
    at_wr(t, AMDVI_REG_CONTROL, ctl, 8);
    ck_assert(amdvi_status_has(t->s, AMDVI_STATUS_EVENT_LOG_RUN_MASK));
    ev.addr = 0xabc;
    ck_assert(amdvi_event_log_write(t->s, &ev));
    ck_assert_uint_eq(at_r64(t, AT_EVLOG + 255 * 16 + 8), 0xabc);
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EVENT_LOG_TAIL, 8), 0);   /* wrap */
    ck_assert_uint_eq(t->s->stats.events_dropped, 2);
    at_free(t);
}
END_TEST

/* EventLogInt + the MSI only with EventIntEn. */
START_TEST(test_amdvi_event_interrupt)
{
    ATest *t = at_new(NULL);
    AMDVIEvent ev = { .code = AMDVI_EVENT_IO_PAGE_FAULT, .devid = DEV };
    const MsiRecord *rec;

    at_enable_with_irq(t);
    ck_assert(amdvi_event_log_write(t->s, &ev));
    ck_assert_uint_eq(msi_sink_count(t->msi), 0);
    ck_assert(!amdvi_status_has(t->s, AMDVI_STATUS_EVENT_LOG_INT_MASK));
    at_wr(t, AMDVI_REG_CONTROL, at_rd(t, AMDVI_REG_CONTROL, 8) |
          AMDVI_CONTROL_EVENT_INT_EN_MASK, 8);
    ck_assert(amdvi_event_log_write(t->s, &ev));
    ck_assert_uint_eq(msi_sink_count(t->msi), 1);
    rec = msi_sink_record(t->msi, 0);
    ck_assert_uint_eq(rec->vector, 0x4b);
    ck_assert(amdvi_status_has(t->s, AMDVI_STATUS_EVENT_LOG_INT_MASK));
    at_wr(t, AMDVI_REG_STATUS, AMDVI_STATUS_EVENT_LOG_INT_MASK, 4);
    ck_assert(!amdvi_status_has(t->s, AMDVI_STATUS_EVENT_LOG_INT_MASK));
    /* MSI disabled: status still set, nothing delivered. */
    amdvi_msi_configure(t->s, false, (MsiMessage){ 0 });
    ck_assert(amdvi_event_log_write(t->s, &ev));
    ck_assert_uint_eq(msi_sink_count(t->msi), 1);
    ck_assert(amdvi_status_has(t->s, AMDVI_STATUS_EVENT_LOG_INT_MASK));
    at_free(t);
}
END_TEST

/* Log off, or its memory missing: nothing written, the tail stays. */
START_TEST(test_amdvi_event_dropped_when_not_running)
{
    ATest *t = at_new(NULL);
    AMDVIEvent ev = { .code = AMDVI_EVENT_IO_PAGE_FAULT, .devid = DEV };

    ck_assert(!amdvi_event_log_write(t->s, &ev));
    at_enable(t);
    at_wr(t, AMDVI_REG_EVENT_LOG_BASE, (AT_RAM_SIZE * 8) | (8ull << 56), 8);
    ck_assert(!amdvi_event_log_write(t->s, &ev));
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EVENT_LOG_TAIL, 8), 0);
    ck_assert_uint_eq(t->s->stats.events_dropped, 2);
    /* Larger log: EventLen 9 is 512 entries. */
    at_wr(t, AMDVI_REG_EVENT_LOG_BASE, AT_EVLOG | (9ull << 56), 8);
    for (unsigned i = 0; i < 300; i++) {
        ck_assert(amdvi_event_log_write(t->s, &ev));
    }
    ck_assert_uint_eq(at_rd(t, AMDVI_REG_EVENT_LOG_TAIL, 8), 300 * 16);
    at_free(t);
}
END_TEST

static Suite *amdvi_events_suite(void)
{
    Suite *s = suite_create("amdvi-events");
    TCase *tc = tcase_create("events");

    tcase_add_test(tc, test_amdvi_event_encode_io_page_fault);
    tcase_add_test(tc, test_amdvi_event_encode_every_type);
    tcase_add_test(tc, test_amdvi_event_every_translate_type_reached);
    tcase_add_test(tc, test_amdvi_event_io_page_fault_flags);
    tcase_add_test(tc, test_amdvi_event_overflow_and_reenable);
    tcase_add_test(tc, test_amdvi_event_interrupt);
    tcase_add_test(tc, test_amdvi_event_dropped_when_not_running);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(amdvi_events_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
