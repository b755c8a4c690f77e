/*
 * Unit tests for the register-file mask engine (hw/core/regs.c), driven
 * by a small hand-declared table; the generated VT-d table is exercised
 * by specs/tests/test-vtd-spec.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "iommu-sim/regs.h"

#include <check.h>
#include <stdlib.h>

enum { R_ID, R_CTL, R_STS, R_CAP, R_A32, R_B32, R_REC, R_REC_HI, R_N };
enum { G_FIXED, G_REC, G_N };

static const RegGroupInfo toy_groups[G_N] = {
    [G_FIXED] = { .name = "FIXED", .max_count = 1, .base_reg = -1,
                  .count_reg = -1 },
    /* base = CAP[9:0] * 16, count = CAP[17:10] + 1 */
    [G_REC] = { .name = "REC", .stride = 16, .max_count = 4,
                .base_reg = R_CAP, .base_shift = 0, .base_mask = 0x3ff,
                .base_scale = 16, .count_reg = R_CAP, .count_shift = 10,
                .count_mask = 0xff, .count_add = 1 },
};

static const RegInfo toy_regs[R_N] = {
    [R_ID] = { .name = "ID", .offset = 0x00, .size = 4, .reset = 0x1234,
               .rsvd = REG_BITS(31, 16) },
    /* 15:0 RW, 31:16 RO, 47:32 rsvd, 48 W1S, 55:49 rsvd, 63:56 WO */
    [R_CTL] = { .name = "CTL", .offset = 0x08, .size = 8,
                .reset = 0x00000000abcd0001ULL,
                .wmask = REG_BITS(15, 0) | REG_BITS(63, 56),
                .w1s = REG_BITS(48, 48),
                .rsvd = REG_BITS(47, 32) | REG_BITS(55, 49),
                .wo = REG_BITS(63, 56) },
    /* 7:0 W1C, 15:8 RO, 31:16 rsvd */
    [R_STS] = { .name = "STS", .offset = 0x10, .size = 4,
                .w1c = REG_BITS(7, 0), .rsvd = REG_BITS(31, 16) },
    [R_CAP] = { .name = "CAP", .offset = 0x18, .size = 8,
                .reset = (1u << 10) | 0x10 },   /* 2 records at 0x100 */
    [R_A32] = { .name = "A32", .offset = 0x20, .size = 4,
                .wmask = REG_BITS(31, 0) },
    [R_B32] = { .name = "B32", .offset = 0x24, .size = 4,
                .wmask = REG_BITS(15, 0), .rsvd = REG_BITS(31, 16) },
    [R_REC] = { .name = "REC", .offset = 0x0, .size = 8, .group = G_REC,
                .wmask = REG_BITS(63, 0) },
    [R_REC_HI] = { .name = "REC_HI", .offset = 0x8, .size = 8,
                   .group = G_REC, .w1c = REG_BITS(63, 63) },
};

static const RegFileSpec toy_spec = {
    .name = "toy", .regs = toy_regs, .n_regs = R_N,
    .groups = toy_groups, .n_groups = G_N,
};

static RegFile *rf;

static void setup(void)
{
    rf = regfile_new(&toy_spec, 0x1000);
}

static void teardown(void)
{
    regfile_free(rf);
    rf = NULL;
}

START_TEST(test_regs_reset_values)
{
    ck_assert_uint_eq(regfile_read(rf, 0x00, 4), 0x1234);
    ck_assert_uint_eq(regfile_read(rf, 0x08, 8), 0xabcd0001ULL);
    ck_assert_uint_eq(regfile_read(rf, 0x10, 4), 0);
    regfile_set_reset(rf, R_A32, 0xdeadbeef);
    regfile_write(rf, 0x20, 0x1, 4);
    regfile_reset(rf);
    ck_assert_uint_eq(regfile_read(rf, 0x20, 4), 0xdeadbeef);
}
END_TEST

START_TEST(test_regs_ro_bits_ignore_writes)
{
    regfile_write(rf, 0x00, 0xffffffff, 4);
    ck_assert_uint_eq(regfile_read(rf, 0x00, 4), 0x1234);
    regfile_write(rf, 0x08, 0x00000000ffffffffULL, 8);
    /* RW 15:0 took the write, RO 31:16 kept abcd */
    ck_assert_uint_eq(regfile_read(rf, 0x08, 8), 0xabcdffffULL);
    regfile_write(rf, 0x18, 0, 8);
    ck_assert_uint_eq(regfile_read(rf, 0x18, 8), (1u << 10) | 0x10);
}
END_TEST

START_TEST(test_regs_rsvd_bits_read_zero)
{
    regfile_write(rf, 0x24, 0xffffffff, 4);
    ck_assert_uint_eq(regfile_read(rf, 0x24, 4), 0xffff);
    regfile_set(rf, R_B32, 0, 0xffffffff);
    ck_assert_uint_eq(regfile_get(rf, R_B32, 0), 0xffff);
    regfile_write(rf, 0x08, REG_BITS(47, 32), 8);
    ck_assert_uint_eq(regfile_read(rf, 0x08, 8) & REG_BITS(47, 32), 0);
}
END_TEST

START_TEST(test_regs_w1c_clears_only_written_ones)
{
    regfile_set(rf, R_STS, 0, 0xa5a5);
    regfile_write(rf, 0x10, 0x0f0f, 4);
    /* bits 3:0 of a5 cleared, 7:4 kept; RO 15:8 untouched */
    ck_assert_uint_eq(regfile_read(rf, 0x10, 4), 0xa5a0);
    regfile_write(rf, 0x10, 0, 4);
    ck_assert_uint_eq(regfile_read(rf, 0x10, 4), 0xa5a0);
}
END_TEST

START_TEST(test_regs_w1s_sets_and_zero_keeps)
{
    regfile_write(rf, 0x08, 1ULL << 48, 8);
    ck_assert_uint_eq(regfile_read(rf, 0x08, 8) >> 48 & 1, 1);
    regfile_write(rf, 0x08, 0, 8);
    ck_assert_uint_eq(regfile_read(rf, 0x08, 8) >> 48 & 1, 1);
}
END_TEST

START_TEST(test_regs_wo_bits_read_zero_but_are_stored)
{
    regfile_write(rf, 0x08, 0x5aULL << 56, 8);
    ck_assert_uint_eq(regfile_read(rf, 0x08, 8) >> 56, 0);
    ck_assert_uint_eq(regfile_get(rf, R_CTL, 0) >> 56, 0x5a);
}
END_TEST

START_TEST(test_regs_split_32bit_writes_of_64bit_register)
{
    regfile_write(rf, 0x100, 0x11112222, 4);
    ck_assert_uint_eq(regfile_read(rf, 0x100, 8), 0x11112222ULL);
    regfile_write(rf, 0x104, 0x33334444, 4);
    ck_assert_uint_eq(regfile_read(rf, 0x100, 8), 0x3333444411112222ULL);
    ck_assert_uint_eq(regfile_read(rf, 0x104, 4), 0x33334444);
    regfile_write(rf, 0x100, 0x55556666, 4);
    ck_assert_uint_eq(regfile_read(rf, 0x100, 8), 0x3333444455556666ULL);
}
END_TEST

START_TEST(test_regs_64bit_access_covers_two_32bit_registers)
{
    regfile_write(rf, 0x20, 0xffffffff87654321ULL, 8);
    ck_assert_uint_eq(regfile_read(rf, 0x20, 4), 0x87654321);
    ck_assert_uint_eq(regfile_read(rf, 0x24, 4), 0xffff);
    ck_assert_uint_eq(regfile_read(rf, 0x20, 8), 0x0000ffff87654321ULL);
}
END_TEST

START_TEST(test_regs_byte_and_word_access)
{
    regfile_write(rf, 0x21, 0xab, 1);
    ck_assert_uint_eq(regfile_read(rf, 0x20, 4), 0xab00);
    regfile_write(rf, 0x22, 0xcdef, 2);
    ck_assert_uint_eq(regfile_read(rf, 0x20, 4), 0xcdefab00);
    ck_assert_uint_eq(regfile_read(rf, 0x23, 1), 0xcd);
    ck_assert_uint_eq(regfile_read(rf, 0x0a, 2), 0xabcd);
}
END_TEST

typedef struct HookLog {
    unsigned calls;
    unsigned reg, inst;
    uint64_t old, new_value, written;
} HookLog;

static void log_post(RegFile *r, unsigned reg, unsigned inst, uint64_t old,
                     uint64_t nv, uint64_t written, void *opaque)
{
    HookLog *log = opaque;

    (void)r;
    log->calls++;
    log->reg = reg;
    log->inst = inst;
    log->old = old;
    log->new_value = nv;
    log->written = written;
}

START_TEST(test_regs_post_write_hook_sees_old_new_and_bytes)
{
    static const RegHooks hooks = { .name = "ctl", .post_write = log_post };
    HookLog log = { 0 };

    regfile_set_hooks(rf, R_CTL, &hooks, &log);
    regfile_write(rf, 0x08, 0x00000000ffff00ffULL, 4);
    ck_assert_uint_eq(log.calls, 1);
    ck_assert_uint_eq(log.reg, R_CTL);
    ck_assert_uint_eq(log.old, 0xabcd0001ULL);
    ck_assert_uint_eq(log.new_value, 0xabcd00ffULL);
    ck_assert_uint_eq(log.written, 0x00000000ffffffffULL);
    regfile_write(rf, 0x0c, 0x01000000, 4);     /* high half: WO bit 56 */
    ck_assert_uint_eq(log.calls, 2);
    ck_assert_uint_eq(log.written, 0xffffffff00000000ULL);
    ck_assert_uint_eq(log.new_value, 0x01000000abcd00ffULL);
    regfile_write(rf, 0x0f, 0x7f, 1);
    ck_assert_uint_eq(log.written, 0xff00000000000000ULL);
    ck_assert_uint_eq(log.old, 0x01000000abcd00ffULL);
}
END_TEST

static void veto_pre(RegFile *r, unsigned reg, unsigned inst, uint64_t old,
                     uint64_t *nv, uint64_t written, void *opaque)
{
    (void)r; (void)reg; (void)inst; (void)written; (void)opaque;
    *nv = (*nv & ~0xffULL) | (old & 0xff);  /* byte 0 locked */
}

START_TEST(test_regs_pre_write_hook_adjusts_value)
{
    static const RegHooks hooks = { .name = "lock", .pre_write = veto_pre };

    regfile_set_hooks(rf, R_A32, &hooks, NULL);
    regfile_write(rf, 0x20, 0x12345678, 4);
    ck_assert_uint_eq(regfile_read(rf, 0x20, 4), 0x12345600);
}
END_TEST

static uint64_t derive_read(RegFile *r, unsigned reg, unsigned inst,
                            uint64_t v, void *opaque)
{
    (void)reg; (void)inst; (void)opaque;
    /* bit 8 of STS mirrors "any REC_HI bit 63 set" */
    for (unsigned i = 0; i < regfile_group_count(r, G_REC); i++) {
        if (regfile_get(r, R_REC_HI, i) >> 63) {
            return v | 0x100;
        }
    }
    return v & ~0x100ULL;
}

START_TEST(test_regs_read_hook_derives_value)
{
    static const RegHooks hooks = { .name = "sts", .read = derive_read };

    regfile_set_hooks(rf, R_STS, &hooks, NULL);
    ck_assert_uint_eq(regfile_read(rf, 0x10, 4), 0);
    regfile_set(rf, R_REC_HI, 1, 1ULL << 63);
    ck_assert_uint_eq(regfile_read(rf, 0x10, 4), 0x100);
    /* record 1 high word at 0x100 + 16 + 8; clear F by W1C of bit 31 */
    regfile_write(rf, 0x11c, 0x80000000, 4);
    ck_assert_uint_eq(regfile_get(rf, R_REC_HI, 1), 0);
    ck_assert_uint_eq(regfile_read(rf, 0x10, 4), 0);
}
END_TEST

START_TEST(test_regs_unimplemented_offsets_read_zero)
{
    ck_assert_uint_eq(regfile_read(rf, 0x04, 4), 0);
    ck_assert_uint_eq(regfile_read(rf, 0x28, 8), 0);
    regfile_write(rf, 0x04, 0xffffffff, 4);
    ck_assert_uint_eq(regfile_read(rf, 0x00, 8), 0x1234);
    ck_assert_uint_eq(regfile_read(rf, 0xff8, 8), 0);
}
END_TEST

START_TEST(test_regs_bad_size_alignment_window_ignored)
{
    ck_assert_uint_eq(regfile_read(rf, 0x00, 3), 0);
    ck_assert_uint_eq(regfile_read(rf, 0x01, 4), 0);
    ck_assert_uint_eq(regfile_read(rf, 0x1000, 4), 0);
    ck_assert_uint_eq(regfile_read(rf, UINT64_MAX - 3, 4), 0);
    regfile_write(rf, 0x22, 0xffffffff, 4);     /* misaligned: dropped */
    regfile_write(rf, 0x20, 0xffffffff, 16);
    ck_assert_uint_eq(regfile_read(rf, 0x20, 4), 0);
}
END_TEST

START_TEST(test_regs_group_relocates_with_capability)
{
    ck_assert_uint_eq(regfile_group_base(rf, G_REC), 0x100);
    ck_assert_uint_eq(regfile_group_count(rf, G_REC), 2);
    regfile_write(rf, 0x100, 0x42, 8);
    ck_assert_uint_eq(regfile_addr(rf, R_REC, 1), 0x110);
    regfile_set(rf, R_CAP, 0, (3u << 10) | 0x40);   /* 4 records at 0x400 */
    regfile_update_groups(rf);
    ck_assert_uint_eq(regfile_group_base(rf, G_REC), 0x400);
    ck_assert_uint_eq(regfile_read(rf, 0x100, 8), 0);
    ck_assert_uint_eq(regfile_read(rf, 0x400, 8), 0x42);
    regfile_write(rf, 0x430, 0x7, 8);
    ck_assert_uint_eq(regfile_get(rf, R_REC, 3), 0x7);
}
END_TEST

START_TEST(test_regs_group_count_limits_instances)
{
    regfile_write(rf, 0x120, 0x99, 8);          /* instance 2 of 2: none */
    ck_assert_uint_eq(regfile_read(rf, 0x120, 8), 0);
    ck_assert_uint_eq(regfile_get(rf, R_REC, 2), 0);
    regfile_set_group(rf, G_REC, 0x100, 100);   /* clamped to max_count */
    ck_assert_uint_eq(regfile_group_count(rf, G_REC), 4);
    ck_assert_uint_eq(regfile_addr(rf, R_REC, 4), UINT64_MAX);
    ck_assert_uint_eq(regfile_get(rf, R_REC, 9), 0);
}
END_TEST

START_TEST(test_regs_find_by_name)
{
    ck_assert_int_eq(regfile_find(rf, "STS"), R_STS);
    ck_assert_int_eq(regfile_find(rf, "REC_HI"), R_REC_HI);
    ck_assert_int_eq(regfile_find(rf, "NOPE"), -1);
    ck_assert_int_eq(regfile_find(rf, NULL), -1);
    ck_assert_ptr_eq(regfile_spec(rf), &toy_spec);
}
END_TEST

/* The MMIO region forwards every access size to the engine unsplit. */
/* Every path that can change a stored value moves the generation. */
START_TEST(test_regs_generation_moves_on_every_store)
{
    const uint64_t *gen = regfile_generation(rf);
    uint64_t g = *gen;

    regfile_read(rf, 0x08, 8);
    regfile_get(rf, R_CTL, 0);
    ck_assert_uint_eq(*gen, g);         /* reads change nothing */
    regfile_write(rf, 0x20, 0x5, 4);
    ck_assert_uint_gt(*gen, g);
    g = *gen;
    regfile_write(rf, 0x10, 0x1, 1);    /* a W1C byte */
    ck_assert_uint_gt(*gen, g);
    g = *gen;
    regfile_set(rf, R_STS, 0, 0x3);
    ck_assert_uint_gt(*gen, g);
    g = *gen;
    regfile_update(rf, R_STS, 0, 0x1, 0);
    ck_assert_uint_gt(*gen, g);
    g = *gen;
    regfile_reset(rf);
    ck_assert_uint_gt(*gen, g);
    g = *gen;
    regfile_set_group(rf, G_REC, 0x200, 2);
    ck_assert_uint_gt(*gen, g);
}
END_TEST

START_TEST(test_regs_mmio_region_forwards_to_engine)
{
    MemoryRegion mr;
    MemTxAttrs attrs = { 0 };
    uint64_t v = 0;

    regfile_init_mmio(&mr, rf, "toy-mmio", 0x1000);
    ck_assert_str_eq(mr.name, "toy-mmio");
    ck_assert_uint_eq(mr.size, 0x1000);
    ck_assert_int_eq(memory_region_dispatch_read(&mr, 0x00, &v, 4, attrs),
                     MEMTX_OK);
    ck_assert_uint_eq(v, 0x1234);
    /* One qword write over A32 and B32, as the engine splits it. */
    ck_assert_int_eq(memory_region_dispatch_write(&mr, 0x20,
                                                  0xffffffff87654321ULL, 8,
                                                  attrs), MEMTX_OK);
    ck_assert_uint_eq(regfile_read(rf, 0x20, 4), 0x87654321);
    ck_assert_uint_eq(regfile_read(rf, 0x24, 4), 0xffff);
    ck_assert_int_eq(memory_region_dispatch_read(&mr, 0x20, &v, 8, attrs),
                     MEMTX_OK);
    ck_assert_uint_eq(v, 0x0000ffff87654321ULL);
    /* A byte write reaches the engine as a byte (W1C on STS[7:0]). */
    regfile_set(rf, R_STS, 0, 0xff05);
    memory_region_dispatch_write(&mr, 0x10, 0x01, 1, attrs);
    ck_assert_uint_eq(regfile_read(rf, 0x10, 4), 0xff04);
    memory_region_destroy(&mr);
}
END_TEST

static Suite *regs_suite(void)
{
    Suite *s = suite_create("regs");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_regs_reset_values);
    tcase_add_test(tc, test_regs_ro_bits_ignore_writes);
    tcase_add_test(tc, test_regs_rsvd_bits_read_zero);
    tcase_add_test(tc, test_regs_w1c_clears_only_written_ones);
    tcase_add_test(tc, test_regs_w1s_sets_and_zero_keeps);
    tcase_add_test(tc, test_regs_wo_bits_read_zero_but_are_stored);
    tcase_add_test(tc, test_regs_split_32bit_writes_of_64bit_register);
    tcase_add_test(tc, test_regs_64bit_access_covers_two_32bit_registers);
    tcase_add_test(tc, test_regs_byte_and_word_access);
    tcase_add_test(tc, test_regs_post_write_hook_sees_old_new_and_bytes);
    tcase_add_test(tc, test_regs_pre_write_hook_adjusts_value);
    tcase_add_test(tc, test_regs_read_hook_derives_value);
    tcase_add_test(tc, test_regs_unimplemented_offsets_read_zero);
    tcase_add_test(tc, test_regs_bad_size_alignment_window_ignored);
    tcase_add_test(tc, test_regs_group_relocates_with_capability);
    tcase_add_test(tc, test_regs_group_count_limits_instances);
    tcase_add_test(tc, test_regs_find_by_name);
    tcase_add_test(tc, test_regs_mmio_region_forwards_to_engine);
    tcase_add_test(tc, test_regs_generation_moves_on_every_store);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(regs_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
