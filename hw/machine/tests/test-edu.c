/*
 * The edu device in the q35 machine, against the replies Debian's QEMU
 * 7.2 gives to the same accesses (see docs): registers, access sizes,
 * DMA completing 100 ms of virtual time after the command, INTx on GSI
 * 22 at 02.0, MSI through the function's DMA path.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/machine/tests/machine-test-util.h"

#define EDU_FN      PCI_DEVFN(2, 0)
#define EDU_BAR     0xfea00000ull
#define MS          1000000ll

typedef struct EduFixture {
    Machine *m;
    PCIDevice *dev;
    int gsi22;
    int irq_events;
} EduFixture;

static void edu_irq(void *opaque, int gsi, int level)
{
    EduFixture *f = opaque;

    if (gsi == 22) {
        f->gsi22 = level;
        f->irq_events++;
    }
}

/* Machine with edu at 02.0, BAR0 at 0xfea00000, given command bits. */
static EduFixture *edu_setup(const char *spec, uint16_t command)
{
    EduFixture *f = g_new0(EduFixture, 1);

    f->m = mt_machine(0, NULL);
    f->dev = PCI_DEVICE(mt_add(f->m, spec ? spec : "edu,addr=02.0"));
    mt_ready(f->m);
    machine_irq_intercept(f->m, "ioapic", edu_irq, f);
    mt_cfg_writel(f->m, EDU_FN, 0x10, (uint32_t)EDU_BAR);
    mt_cfg_writel(f->m, EDU_FN, 0x04, command);
    return f;
}

static void edu_teardown(EduFixture *f)
{
    machine_free(f->m);
    g_free(f);
}

static uint64_t edu_rd(EduFixture *f, uint64_t off, unsigned size)
{
    return mt_read(f->m, EDU_BAR + off, size);
}

static void edu_wr(EduFixture *f, uint64_t off, unsigned size, uint64_t v)
{
    mt_write(f->m, EDU_BAR + off, size, v);
}

static void edu_step_ms(EduFixture *f, int64_t ms)
{
    VirtualClock *c = machine_clock(f->m);

    vclock_advance_to(c, vclock_now(c) + ms * MS);
}

START_TEST(test_edu_config_space_matches_qemu)
{
    EduFixture *f = edu_setup(NULL, 0);

    ck_assert_uint_eq(mt_cfg_readl(f->m, EDU_FN, 0x00), 0x11e81234);
    ck_assert_uint_eq(mt_cfg_readl(f->m, EDU_FN, 0x04), 0x00100000);
    ck_assert_uint_eq(mt_cfg_readl(f->m, EDU_FN, 0x08), 0x00ff0010);
    ck_assert_uint_eq(mt_cfg_readl(f->m, EDU_FN, 0x0c), 0);
    ck_assert_uint_eq(mt_cfg_readl(f->m, EDU_FN, 0x2c), 0x11001af4);
    ck_assert_uint_eq(mt_cfg_readl(f->m, EDU_FN, 0x34), 0x40);
    ck_assert_uint_eq(mt_cfg_readl(f->m, EDU_FN, 0x3c), 0x0100);
    ck_assert_uint_eq(mt_cfg_readl(f->m, EDU_FN, 0x40), 0x00800005);
    mt_cfg_writel(f->m, EDU_FN, 0x10, 0xffffffff);
    ck_assert_uint_eq(mt_cfg_readl(f->m, EDU_FN, 0x10), 0xfff00000);
    for (int reg = 0x14; reg <= 0x30; reg += 4) {
        mt_cfg_writel(f->m, EDU_FN, reg, 0xffffffff);
        ck_assert_uint_eq(mt_cfg_readl(f->m, EDU_FN, reg),
                          reg == 0x2c ? 0x11001af4 : 0);
    }
    edu_teardown(f);
}
END_TEST

START_TEST(test_edu_mmio_needs_memory_space)
{
    EduFixture *f = edu_setup(NULL, 0);

    ck_assert_uint_eq(edu_rd(f, 0, 4), 0);
    mt_cfg_writel(f->m, EDU_FN, 0x04, PCI_COMMAND_MEMORY);
    ck_assert_uint_eq(edu_rd(f, 0, 4), 0x010000ed);
    edu_teardown(f);
}
END_TEST

START_TEST(test_edu_registers_and_access_sizes)
{
    EduFixture *f = edu_setup(NULL, PCI_COMMAND_MEMORY);

    ck_assert_uint_eq(edu_rd(f, 0x00, 1), 0);           /* refused */
    ck_assert_uint_eq(edu_rd(f, 0x00, 2), 0);
    ck_assert_uint_eq(edu_rd(f, 0x00, 8), UINT64_MAX);  /* < 0x80, 8 B */
    edu_wr(f, 0x04, 4, 0x12345678);
    ck_assert_uint_eq(edu_rd(f, 0x04, 4), 0xedcba987);
    edu_wr(f, 0x04, 1, 0x01);                           /* dropped */
    ck_assert_uint_eq(edu_rd(f, 0x04, 4), 0xedcba987);
    ck_assert_uint_eq(edu_rd(f, 0x10, 4), 0xffffffff);  /* no register */
    ck_assert_uint_eq(edu_rd(f, 0x40000, 4), 0xffffffff);
    ck_assert_uint_eq(edu_rd(f, 0x100, 4), 0xffffffff);
    edu_wr(f, 0x80, 8, 0xaabbccdd11223344ull);
    ck_assert_uint_eq(edu_rd(f, 0x80, 8), 0xaabbccdd11223344ull);
    ck_assert_uint_eq(edu_rd(f, 0x80, 4), 0x11223344);
    ck_assert_uint_eq(edu_rd(f, 0x84, 4), 0xffffffff);
    edu_wr(f, 0x84, 4, 0x55);                           /* no register */
    ck_assert_uint_eq(edu_rd(f, 0x80, 8), 0xaabbccdd11223344ull);
    edu_wr(f, 0x80, 4, 0x11223344);                     /* 4 B replaces */
    ck_assert_uint_eq(edu_rd(f, 0x80, 8), 0x11223344);
    ck_assert_uint_eq(edu_rd(f, 0x80, 1), 0);
    edu_teardown(f);
}
END_TEST

START_TEST(test_edu_factorial_and_status)
{
    EduFixture *f = edu_setup(NULL, PCI_COMMAND_MEMORY);

    edu_wr(f, 0x08, 4, 5);
    ck_assert_uint_eq(edu_rd(f, 0x20, 4), 0);
    ck_assert_uint_eq(edu_rd(f, 0x08, 4), 120);
    edu_wr(f, 0x08, 4, 13);                             /* wraps at 32 b */
    ck_assert_uint_eq(edu_rd(f, 0x08, 4), 1932053504u);
    /* Only bit 7 of status is writable. */
    edu_wr(f, 0x20, 4, 0xffffffff);
    ck_assert_uint_eq(edu_rd(f, 0x20, 4), 0x80);
    edu_wr(f, 0x08, 4, 4);
    ck_assert_uint_eq(edu_rd(f, 0x08, 4), 24);
    ck_assert_uint_eq(edu_rd(f, 0x24, 4), 1);           /* FACT_IRQ */
    ck_assert_int_eq(f->gsi22, 1);
    edu_teardown(f);
}
END_TEST

START_TEST(test_edu_irq_raise_ack_intx_gsi22)
{
    EduFixture *f = edu_setup(NULL, PCI_COMMAND_MEMORY);

    edu_wr(f, 0x60, 4, 0x12340000);
    ck_assert_uint_eq(edu_rd(f, 0x24, 4), 0x12340000);
    ck_assert_int_eq(f->gsi22, 1);
    edu_wr(f, 0x64, 4, 0x02000000);
    ck_assert_uint_eq(edu_rd(f, 0x24, 4), 0x10340000);
    ck_assert_int_eq(f->gsi22, 1);
    edu_wr(f, 0x64, 4, 0xffffffff);
    ck_assert_uint_eq(edu_rd(f, 0x24, 4), 0);
    ck_assert_int_eq(f->gsi22, 0);
    ck_assert_int_eq(f->irq_events, 2);
    edu_teardown(f);
}
END_TEST

static void edu_dma(EduFixture *f, uint64_t src, uint64_t dst, uint64_t cnt,
                    uint64_t cmd)
{
    edu_wr(f, 0x80, 8, src);
    edu_wr(f, 0x88, 8, dst);
    edu_wr(f, 0x90, 8, cnt);
    edu_wr(f, 0x98, 8, cmd);
}

START_TEST(test_edu_dma_round_trip_after_100ms)
{
    EduFixture *f = edu_setup(NULL, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

    mt_write(f->m, 0x1000, 8, 0x0807060504030201ull);
    edu_dma(f, 0x1000, 0x40000, 8, 1);
    ck_assert_uint_eq(edu_rd(f, 0x98, 8), 1);
    edu_step_ms(f, 99);
    ck_assert_uint_eq(edu_rd(f, 0x98, 8), 1);           /* still running */
    /* Registers are frozen while RUN is set. */
    edu_wr(f, 0x80, 8, 0x40004);
    ck_assert_uint_eq(edu_rd(f, 0x80, 8), 0x1000);
    edu_step_ms(f, 1);
    ck_assert_uint_eq(edu_rd(f, 0x98, 8), 0);
    edu_dma(f, 0x40000, 0x2000, 8, 3);
    ck_assert_uint_eq(mt_read(f->m, 0x2000, 8), 0);
    edu_step_ms(f, 100);
    ck_assert_uint_eq(mt_read(f->m, 0x2000, 8), 0x0807060504030201ull);
    ck_assert_uint_eq(edu_rd(f, 0x98, 8), 2);
    ck_assert_uint_eq(edu_rd(f, 0x24, 4), 0);           /* no IRQ asked */
    edu_teardown(f);
}
END_TEST

START_TEST(test_edu_dma_irq_intx_after_completion)
{
    EduFixture *f = edu_setup(NULL, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

    edu_dma(f, 0x40000, 0x2100, 8, 7);
    edu_step_ms(f, 50);
    ck_assert_int_eq(f->gsi22, 0);
    edu_step_ms(f, 50);
    ck_assert_int_eq(f->gsi22, 1);
    ck_assert_uint_eq(edu_rd(f, 0x24, 4), 0x100);
    ck_assert_uint_eq(edu_rd(f, 0x98, 8), 6);
    edu_wr(f, 0x64, 4, 0x100);
    ck_assert_int_eq(f->gsi22, 0);
    edu_teardown(f);
}
END_TEST

START_TEST(test_edu_dma_without_bus_master_reads_zeros)
{
    EduFixture *f = edu_setup(NULL, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

    mt_write(f->m, 0x1000, 8, 0x0102030405060708ull);
    edu_dma(f, 0x1000, 0x40000, 8, 1);
    edu_step_ms(f, 100);
    /* QEMU 7.2: with bus mastering off the buffer is filled with zeros
     * and writes to RAM vanish. */
    mt_cfg_writel(f->m, EDU_FN, 0x04, PCI_COMMAND_MEMORY);
    edu_dma(f, 0x1000, 0x40000, 8, 1);
    edu_step_ms(f, 100);
    edu_dma(f, 0x40000, 0x3000, 8, 3);
    mt_write(f->m, 0x3000, 8, 0x77);
    edu_step_ms(f, 100);
    ck_assert_uint_eq(mt_read(f->m, 0x3000, 8), 0x77);
    mt_cfg_writel(f->m, EDU_FN, 0x04, PCI_COMMAND_MEMORY |
                  PCI_COMMAND_MASTER);
    edu_dma(f, 0x40000, 0x3000, 8, 3);
    edu_step_ms(f, 100);
    ck_assert_uint_eq(mt_read(f->m, 0x3000, 8), 0);
    edu_teardown(f);
}
END_TEST

START_TEST(test_edu_dma_mask_clamps_ram_address)
{
    EduFixture *f = edu_setup(NULL, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

    mt_write(f->m, 0x1000, 4, 0xfeedf00d);
    edu_dma(f, 0x1000, 0x40000, 4, 1);
    edu_step_ms(f, 100);
    /* 0x12345678 & (2^28 - 1) = 0x2345678, as QEMU clamps. */
    edu_dma(f, 0x40000, 0x12345678, 4, 3);
    edu_step_ms(f, 100);
    ck_assert_uint_eq(mt_read(f->m, 0x2345678, 4), 0xfeedf00d);
    edu_teardown(f);
}
END_TEST

START_TEST(test_edu_dma_mask_property)
{
    EduFixture *f = edu_setup("edu,addr=02.0,dma_mask=0xffff",
                              PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

    mt_write(f->m, 0x1000, 4, 0xabcd);
    edu_dma(f, 0x41000, 0x40000, 4, 1);        /* 0x41000 & 0xffff */
    edu_step_ms(f, 100);
    edu_dma(f, 0x40000, 0x5000, 4, 3);
    edu_step_ms(f, 100);
    ck_assert_uint_eq(mt_read(f->m, 0x5000, 4), 0xabcd);
    edu_teardown(f);
}
END_TEST

START_TEST(test_edu_dma_out_of_buffer_is_dropped)
{
    EduFixture *f = edu_setup(NULL, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

    /* QEMU aborts (hw_error); the model logs and drops the command. */
    mt_write(f->m, 0x3000, 4, 0x99);
    edu_dma(f, 0x40000, 0x3000, 0x2000, 7);
    edu_step_ms(f, 100);
    ck_assert_uint_eq(edu_rd(f, 0x98, 8) & 1, 0);
    ck_assert_uint_eq(edu_rd(f, 0x24, 4), 0);
    ck_assert_uint_eq(mt_read(f->m, 0x3000, 4), 0x99);
    edu_dma(f, 0x1000, 0x3f000, 8, 1);
    edu_step_ms(f, 100);
    ck_assert_uint_eq(edu_rd(f, 0x98, 8) & 1, 0);
    /* Device still works afterwards. */
    edu_dma(f, 0x40000, 0x3000, 4, 3);
    edu_step_ms(f, 100);
    ck_assert_uint_eq(mt_read(f->m, 0x3000, 4), 0);
    edu_teardown(f);
}
END_TEST

START_TEST(test_edu_msi_instead_of_intx)
{
    EduFixture *f = edu_setup(NULL, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    MsiSink *sink = machine_msi_sink(f->m);
    const MsiRecord *r;

    mt_cfg_writel(f->m, EDU_FN, 0x44, 0xfee00000);
    mt_cfg_writel(f->m, EDU_FN, 0x48, 0);
    mt_cfg_writel(f->m, EDU_FN, 0x4c, 0x4025);
    mt_cfg_writel(f->m, EDU_FN, 0x40, 0x00010000);      /* MSI enable */
    edu_wr(f, 0x60, 4, 1);
    ck_assert_int_eq(f->gsi22, 0);
    ck_assert_uint_eq(msi_sink_count(sink), 1);
    r = msi_sink_record(sink, 0);
    ck_assert_uint_eq(r->requester_id, 0x0010);
    ck_assert_uint_eq(r->vector, 0x25);
    /* Every raise sends again while status is non-zero (QEMU). */
    edu_wr(f, 0x60, 4, 2);
    ck_assert_uint_eq(msi_sink_count(sink), 2);
    edu_wr(f, 0x64, 4, 3);
    edu_dma(f, 0x40000, 0x2000, 4, 7);
    edu_step_ms(f, 100);
    ck_assert_uint_eq(msi_sink_count(sink), 3);
    /* Without bus mastering the message is dropped, as QEMU. */
    mt_cfg_writel(f->m, EDU_FN, 0x04, PCI_COMMAND_MEMORY);
    edu_wr(f, 0x60, 4, 1);
    ck_assert_uint_eq(msi_sink_count(sink), 3);
    edu_teardown(f);
}
END_TEST

START_TEST(test_edu_msi_to_ram_address)
{
    EduFixture *f = edu_setup(NULL, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

    /* QEMU 7.2: address 0x3000, data 0xabcd1234 -> RAM 34 12 00 00. */
    mt_cfg_writel(f->m, EDU_FN, 0x44, 0x3000);
    mt_cfg_writel(f->m, EDU_FN, 0x4c, 0xabcd1234);
    mt_cfg_writel(f->m, EDU_FN, 0x40, 0x00010000);
    edu_wr(f, 0x60, 4, 1);
    ck_assert_uint_eq(mt_read(f->m, 0x3000, 8), 0x1234);
    edu_teardown(f);
}
END_TEST

static Suite *edu_suite(void)
{
    Suite *s = suite_create("edu");
    TCase *tc = tcase_create("edu");

    tcase_add_test(tc, test_edu_config_space_matches_qemu);
    tcase_add_test(tc, test_edu_mmio_needs_memory_space);
    tcase_add_test(tc, test_edu_registers_and_access_sizes);
    tcase_add_test(tc, test_edu_factorial_and_status);
    tcase_add_test(tc, test_edu_irq_raise_ack_intx_gsi22);
    tcase_add_test(tc, test_edu_dma_round_trip_after_100ms);
    tcase_add_test(tc, test_edu_dma_irq_intx_after_completion);
    tcase_add_test(tc, test_edu_dma_without_bus_master_reads_zeros);
    tcase_add_test(tc, test_edu_dma_mask_clamps_ram_address);
    tcase_add_test(tc, test_edu_dma_mask_property);
    tcase_add_test(tc, test_edu_dma_out_of_buffer_is_dropped);
    tcase_add_test(tc, test_edu_msi_instead_of_intx);
    tcase_add_test(tc, test_edu_msi_to_ram_address);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(edu_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
