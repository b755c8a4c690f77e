/*
 * The q35 machine: memory map for RAM sizes around 0xb0000000, -bios
 * placement, unassigned I/O and memory, the chipset functions' config
 * space as QEMU 7.2 shows it, PCIEXBAR/MMCONFIG, devfn assignment, INTx
 * to GSI routing, IOAPIC intercept and ACPI tables.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>
#include <unistd.h>

#include "hw/machine/tests/machine-test-util.h"

/* ---- memory map ---------------------------------------------------------- */

/* Write then read back: RAM keeps the value, holes read 0. */
static bool mt_is_ram(Machine *m, uint64_t addr)
{
    mt_write(m, addr, 4, 0x5a5a1234);
    return mt_read(m, addr, 4) == 0x5a5a1234;
}

START_TEST(test_machine_ram_below_split_all_low)
{
    /* QEMU -m 2815M (< 0xb0000000): all RAM below 4 GiB. */
    Machine *m = mt_machine(2815ull << 20, NULL);

    ck_assert_uint_eq(machine_ram_below_4g(m), 2815ull << 20);
    ck_assert_uint_eq(machine_ram_above_4g(m), 0);
    ck_assert(mt_is_ram(m, 0x80000000));
    ck_assert(mt_is_ram(m, 0xafeffffc));
    ck_assert(!mt_is_ram(m, 0xaff00000));
    ck_assert(!mt_is_ram(m, 0x100000000ull));
    machine_free(m);
}
END_TEST

START_TEST(test_machine_ram_at_split_goes_high)
{
    /* QEMU -m 2816M (= 0xb0000000) and 3G: 2 GiB low, rest at 4 GiB. */
    Machine *m = mt_machine(3ull << 30, NULL);

    ck_assert_uint_eq(machine_ram_below_4g(m), 0x80000000);
    ck_assert_uint_eq(machine_ram_above_4g(m), 0x40000000);
    ck_assert(mt_is_ram(m, 0x7ffffffc));
    ck_assert(!mt_is_ram(m, 0x80000000));
    ck_assert(mt_is_ram(m, 0x100000000ull));
    ck_assert(mt_is_ram(m, 0x13ffffffcull));
    ck_assert(!mt_is_ram(m, 0x140000000ull));
    machine_free(m);
    m = mt_machine(0xb0000000ull, NULL);
    ck_assert_uint_eq(machine_ram_above_4g(m), 0x30000000);
    machine_free(m);
}
END_TEST

START_TEST(test_machine_default_ram_is_512m_and_sparse)
{
    Machine *m = mt_machine(0, NULL);

    ck_assert_uint_eq(machine_ram_below_4g(m), 512u << 20);
    ck_assert_uint_eq(guest_ram_pages_allocated(machine_ram(m)), 0);
    machine_free(m);
}
END_TEST

static char *mt_bios_file(size_t len)
{
    char *path = g_build_filename(g_get_tmp_dir(), "iommu-sim-bios-XXXXXX",
                                  NULL);
    int fd = g_mkstemp(path);
    uint8_t *data = g_malloc(len);

    memset(data, 0xf4, len);
    data[0] = 0x11;                         /* first byte of the image */
    if (len >= 0x20000) {
        data[len - 0x20000] = 0x22;         /* start of the last 128 KiB */
    }
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
    g_free(data);
    return path;
}

START_TEST(test_machine_bios_rom_at_4g_and_isa_copy)
{
    char *path = mt_bios_file(256 * 1024);
    Machine *m = mt_machine(0, path);

    /* QEMU 7.2 with a 256 KiB image: see docs for the replies. */
    ck_assert_uint_eq(mt_read(m, 0xfffc0000, 1), 0x11);
    ck_assert_uint_eq(mt_read(m, 0xfffe0000, 1), 0x22);
    ck_assert_uint_eq(mt_read(m, 0xe0000, 1), 0x22);
    ck_assert_uint_eq(mt_read(m, 0xffff0, 4), 0xf4f4f4f4);
    ck_assert_uint_eq(mt_read(m, 0xfffffff0, 4), 0xf4f4f4f4);
    ck_assert_uint_eq(mt_read(m, 0xdfffc, 4), 0);
    /* Read-only in both places. */
    mt_write(m, 0xffff0, 4, 0x12345678);
    mt_write(m, 0xfffffff0, 4, 0x12345678);
    ck_assert_uint_eq(mt_read(m, 0xffff0, 4), 0xf4f4f4f4);
    ck_assert_uint_eq(mt_read(m, 0xfffffff0, 4), 0xf4f4f4f4);
    machine_free(m);
    unlink(path);
    g_free(path);
}
END_TEST

START_TEST(test_machine_small_bios_leaves_ram_below)
{
    char *path = mt_bios_file(64 * 1024);
    Machine *m = mt_machine(0, path);

    ck_assert_uint_eq(mt_read(m, 0xf0000, 1), 0x11);
    ck_assert_uint_eq(mt_read(m, 0xffff0, 4), 0xf4f4f4f4);
    ck_assert_uint_eq(mt_read(m, 0xfffeff00, 4), 0);
    ck_assert(mt_is_ram(m, 0xeff00));
    machine_free(m);
    unlink(path);
    g_free(path);
}
END_TEST

START_TEST(test_machine_bad_bios_fails)
{
    MachineOptions o = { .bios_path = "/nonexistent/bios.bin" };
    char *path = mt_bios_file(64 * 1024);
    GError *err = NULL;

    ck_assert_ptr_null(machine_new(&o, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "could not load PC BIOS"));
    g_clear_error(&err);
    truncate(path, 1000);                   /* not a multiple of 64 KiB */
    o.bios_path = path;
    ck_assert_ptr_null(machine_new(&o, &err));
    g_clear_error(&err);
    o.bios_path = NULL;
    o.type = "pc";
    ck_assert_ptr_null(machine_new(&o, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "q35"));
    g_clear_error(&err);
    unlink(path);
    g_free(path);
}
END_TEST

START_TEST(test_machine_unassigned_io_reads_ones_memory_zero)
{
    Machine *m = mt_machine(0, NULL);

    ck_assert_uint_eq(mt_in(m, 0x1234, 1), 0xff);
    ck_assert_uint_eq(mt_in(m, 0x1234, 2), 0xffff);
    ck_assert_uint_eq(mt_in(m, 0x1234, 4), 0xffffffff);
    ck_assert_uint_eq(mt_read(m, 0xc0000000, 4), 0);
    /* CPU side of 0xfee00000: reads 0, writes vanish (no LAPIC). */
    mt_write(m, 0xfee00000, 4, 0x1234);
    ck_assert_uint_eq(mt_read(m, 0xfee00000, 4), 0);
    ck_assert_uint_eq(msi_sink_count(machine_msi_sink(m)), 0);
    machine_free(m);
}
END_TEST

START_TEST(test_machine_dma_view_reaches_msi_sink)
{
    Machine *m = mt_machine(0, NULL);
    AddressSpace *as = machine_dma_as(m, 0x0010);

    ck_assert_ptr_eq(as, machine_dma_root_as(m));
    address_space_st_le(as, 0xfee00000, 4, 0x4031,
                        memtxattrs_for_requester(0x0010));
    ck_assert_uint_eq(msi_sink_count(machine_msi_sink(m)), 1);
    ck_assert_uint_eq(msi_sink_record(machine_msi_sink(m), 0)->vector, 0x31);
    /* RAM through the DMA view is the same RAM. */
    address_space_st_le(as, 0x5000, 4, 0xcafe, MEMTXATTRS_UNSPECIFIED);
    ck_assert_uint_eq(mt_read(m, 0x5000, 4), 0xcafe);
    machine_free(m);
}
END_TEST

/* ---- chipset config space (QEMU 7.2 dump) ------------------------------ */

typedef struct CfgWord {
    int devfn;
    int reg;
    uint32_t val;
} CfgWord;

START_TEST(test_machine_chipset_config_matches_qemu)
{
    static const CfgWord want[] = {
        { PCI_DEVFN(0, 0), 0x00, 0x29c08086 },
        { PCI_DEVFN(0, 0), 0x08, 0x06000000 },
        { PCI_DEVFN(0, 0), 0x2c, 0x11001af4 },
        { PCI_DEVFN(0, 0), 0x50, 0x00000010 },
        { PCI_DEVFN(0, 0), 0x60, 0xb0000000 },
        { PCI_DEVFN(0, 0), 0x9c, 0x00380200 },
        { PCI_DEVFN(0x1f, 0), 0x00, 0x29188086 },
        { PCI_DEVFN(0x1f, 0), 0x08, 0x06010002 },
        { PCI_DEVFN(0x1f, 0), 0x0c, 0x00800000 },
        { PCI_DEVFN(0x1f, 0), 0x40, 0x00000001 },
        { PCI_DEVFN(0x1f, 0), 0x60, 0x80808080 },
        { PCI_DEVFN(0x1f, 0), 0x68, 0x80808080 },
        { PCI_DEVFN(0x1f, 2), 0x00, 0x29228086 },
        { PCI_DEVFN(0x1f, 2), 0x04, 0x00100000 },
        { PCI_DEVFN(0x1f, 2), 0x08, 0x01060102 },
        { PCI_DEVFN(0x1f, 2), 0x20, 0x00000001 },
        { PCI_DEVFN(0x1f, 2), 0x34, 0x00000080 },
        { PCI_DEVFN(0x1f, 2), 0x3c, 0x00000100 },
        { PCI_DEVFN(0x1f, 2), 0x80, 0x0080a805 },
        { PCI_DEVFN(0x1f, 2), 0x90, 0x00000040 },
        { PCI_DEVFN(0x1f, 2), 0xa8, 0x00100012 },
        { PCI_DEVFN(0x1f, 2), 0xac, 0x00000048 },
        { PCI_DEVFN(0x1f, 3), 0x00, 0x29308086 },
        { PCI_DEVFN(0x1f, 3), 0x08, 0x0c050002 },
        { PCI_DEVFN(0x1f, 3), 0x20, 0x00000001 },
        { PCI_DEVFN(0x1f, 3), 0x3c, 0x00000100 },
        { PCI_DEVFN(1, 0), 0x00, 0xffffffff },
    };
    Machine *m = mt_machine(0, NULL);

    mt_ready(m);
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        ck_assert_msg(mt_cfg_readl(m, want[i].devfn, want[i].reg) ==
                      want[i].val, "%02x.%x reg 0x%02x: 0x%08x != 0x%08x",
                      PCI_SLOT(want[i].devfn), PCI_FUNC(want[i].devfn),
                      want[i].reg,
                      mt_cfg_readl(m, want[i].devfn, want[i].reg),
                      want[i].val);
    }
    machine_free(m);
}
END_TEST

START_TEST(test_machine_chipset_bar_sizing_matches_qemu)
{
    Machine *m = mt_machine(0, NULL);
    int ahci = PCI_DEVFN(0x1f, 2), smb = PCI_DEVFN(0x1f, 3);

    mt_ready(m);
    mt_cfg_writel(m, ahci, 0x20, 0xffffffff);
    mt_cfg_writel(m, ahci, 0x24, 0xffffffff);
    mt_cfg_writel(m, smb, 0x20, 0xffffffff);
    mt_cfg_writel(m, 0, 0x10, 0xffffffff);
    ck_assert_uint_eq(mt_cfg_readl(m, ahci, 0x20), 0xffffffe1);
    ck_assert_uint_eq(mt_cfg_readl(m, ahci, 0x24), 0xfffff000);
    ck_assert_uint_eq(mt_cfg_readl(m, smb, 0x20), 0xffffffc1);
    ck_assert_uint_eq(mt_cfg_readl(m, 0, 0x10), 0);
    mt_cfg_writel(m, 0, 0x04, 0xffffffff);
    ck_assert_uint_eq(mt_cfg_readl(m, 0, 0x04), 0x0507);
    machine_free(m);
}
END_TEST

/* ---- PCIEXBAR / MMCONFIG ------------------------------------------------- */

START_TEST(test_machine_pciexbar_enables_mmconfig)
{
    Machine *m = mt_machine(0, NULL);

    mt_add(m, "edu,addr=02.0");
    mt_ready(m);
    /* QEMU 7.2: 0 before; 0x11e81234 after outl 0xcfc 0xb0000001. */
    ck_assert_uint_eq(mt_read(m, 0xb0010000, 4), 0);
    ck_assert_uint_eq(mt_cfg_readl(m, 0, 0x64), 0);
    mt_cfg_writel(m, 0, 0x60, 0xb0000001);
    ck_assert_uint_eq(mt_read(m, 0xb0010000, 4), 0x11e81234);
    ck_assert_uint_eq(mt_read(m, 0xb0000000, 4), 0x29c08086);
    ck_assert_uint_eq(mt_read(m, 0xb0010100, 4), 0xffffffff);
    ck_assert_uint_eq(mt_cfg_readl(m, 0, 0x60), 0xb0000001);
    /* 128 MiB at 0xe0000000, then 64 MiB. */
    mt_cfg_writel(m, 0, 0x60, 0xe0000003);
    ck_assert_uint_eq(mt_read(m, 0xb0010000, 4), 0);
    ck_assert_uint_eq(mt_read(m, 0xe0000000, 4), 0x29c08086);
    ck_assert_uint_eq(mt_read(m, 0xe7f00000, 4), 0xffffffff);
    ck_assert_uint_eq(mt_read(m, 0xe8000000, 4), 0);
    mt_cfg_writel(m, 0, 0x60, 0xe0000005);
    ck_assert_uint_eq(mt_read(m, 0xe3f00000, 4), 0xffffffff);
    ck_assert_uint_eq(mt_read(m, 0xe4000000, 4), 0);
    /* Reset: disabled again at 0xb0000000. */
    machine_reset(m);
    ck_assert_uint_eq(mt_cfg_readl(m, 0, 0x60), 0xb0000000);
    ck_assert_uint_eq(mt_read(m, 0xe0000000, 4), 0);
    machine_free(m);
}
END_TEST

/* ---- devices --------------------------------------------------------------- */

START_TEST(test_machine_devfn_auto_and_conflict)
{
    Machine *m = mt_machine(0, NULL);
    GError *err = NULL;
    Device *a = mt_add(m, "edu,addr=03.0");
    Device *b = mt_add(m, "edu");
    Device *c = mt_add(m, "edu");

    ck_assert_int_eq(PCI_DEVICE(a)->devfn, PCI_DEVFN(3, 0));
    ck_assert_int_eq(PCI_DEVICE(b)->devfn, PCI_DEVFN(1, 0));
    ck_assert_int_eq(PCI_DEVICE(c)->devfn, PCI_DEVFN(2, 0));
    ck_assert_ptr_null(machine_add_device(m, "edu,addr=01.0", &err));
    ck_assert_str_eq(err->message, "PCI: slot 1 function 0 not available "
                     "for edu, in use by edu");
    g_clear_error(&err);
    ck_assert_ptr_null(machine_add_device(m, "edu,addr=1f.0", &err));
    g_clear_error(&err);
    ck_assert_ptr_null(machine_add_device(m, "nope", &err));
    ck_assert_str_eq(err->message, "'nope' is not a valid device model "
                     "name");
    g_clear_error(&err);
    ck_assert_uint_eq(machine_device_count(m), 3);
    ck_assert_ptr_eq(machine_device(m, 1), b);
    ck_assert_ptr_null(machine_device(m, 3));
    machine_free(m);
}
END_TEST

typedef struct IrqLog {
    int gsi[16];
    int level[16];
    int n;
} IrqLog;

static void mt_irq_listener(void *opaque, int gsi, int level)
{
    IrqLog *log = opaque;

    if (log->n < 16) {
        log->gsi[log->n] = gsi;
        log->level[log->n++] = level;
    }
}

START_TEST(test_machine_intx_gsi_routing_like_qemu)
{
    /* QEMU 7.2 "IRQ raise N" for edu INTA at each slot. */
    static const struct { const char *spec; int gsi; } want[] = {
        { "edu,addr=01.0", 21 }, { "edu,addr=02.0", 22 },
        { "edu,addr=03.0", 23 }, { "edu,addr=04.0", 20 },
        { "edu,addr=08.0", 20 }, { "edu,addr=10.0", 20 },
        { "edu,addr=19.0", 16 }, { "edu,addr=1b.0", 16 },
    };
    Machine *m = mt_machine(0, NULL);
    IrqLog log = { 0 };

    ck_assert(machine_irq_intercept(m, "ioapic", mt_irq_listener, &log));
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        PCIDevice *d = PCI_DEVICE(mt_add(m, want[i].spec));

        log.n = 0;
        pci_set_irq(d, 1);
        ck_assert_int_eq(log.n, 1);
        ck_assert_int_eq(log.gsi[0], want[i].gsi);
        ck_assert_int_eq(log.level[0], 1);
        ck_assert_int_eq(machine_gsi_level(m, want[i].gsi), 1);
        pci_set_irq(d, 0);
        ck_assert_int_eq(log.n, 2);
        ck_assert_int_eq(log.level[1], 0);
    }
    machine_free(m);
}
END_TEST

START_TEST(test_machine_irq_intercept_paths_and_set_irq_in)
{
    Machine *m = mt_machine(0, NULL);
    IrqLog log = { 0 };

    ck_assert(!machine_irq_intercept(m, "pic", mt_irq_listener, &log));
    ck_assert(machine_irq_intercept(m, "/machine/ioapic", mt_irq_listener,
                                    &log));
    ck_assert(machine_set_irq_in(m, "ioapic", NULL, 5, 1));
    ck_assert(machine_set_irq_in(m, "ioapic", NULL, 5, 1)); /* no change */
    ck_assert(machine_set_irq_in(m, "ioapic", NULL, 5, 0));
    ck_assert_int_eq(log.n, 2);
    ck_assert_int_eq(log.gsi[0], 5);
    ck_assert(!machine_set_irq_in(m, "ioapic", NULL, 24, 1));
    ck_assert(!machine_set_irq_in(m, "ioapic", "other", 1, 1));
    ck_assert(!machine_set_irq_in(m, "nope", NULL, 1, 1));
    ck_assert_ptr_null(machine_stats(m, NULL));
    machine_free(m);
}
END_TEST

START_TEST(test_machine_acpi_tables_add_and_replace)
{
    Machine *m = mt_machine(0, NULL);
    GByteArray *a = g_byte_array_new(), *b = g_byte_array_new();
    const AcpiTableBlob *t;

    ck_assert_uint_eq(machine_acpi_tables(m)->len, 0);
    g_byte_array_append(a, (const guint8 *)"DMAR", 4);
    machine_add_acpi_table(m, "DMAR", a);
    g_byte_array_append(b, (const guint8 *)"DMAR....", 8);
    machine_add_acpi_table(m, "DMAR", b);
    ck_assert_uint_eq(machine_acpi_tables(m)->len, 1);
    t = g_ptr_array_index(machine_acpi_tables(m), 0);
    ck_assert_str_eq(t->signature, "DMAR");
    ck_assert_uint_eq(t->data->len, 8);
    machine_free(m);
}
END_TEST

static Suite *machine_suite(void)
{
    Suite *s = suite_create("machine");
    TCase *tc = tcase_create("q35");

    tcase_add_test(tc, test_machine_ram_below_split_all_low);
    tcase_add_test(tc, test_machine_ram_at_split_goes_high);
    tcase_add_test(tc, test_machine_default_ram_is_512m_and_sparse);
    tcase_add_test(tc, test_machine_bios_rom_at_4g_and_isa_copy);
    tcase_add_test(tc, test_machine_small_bios_leaves_ram_below);
    tcase_add_test(tc, test_machine_bad_bios_fails);
    tcase_add_test(tc, test_machine_unassigned_io_reads_ones_memory_zero);
    tcase_add_test(tc, test_machine_dma_view_reaches_msi_sink);
    tcase_add_test(tc, test_machine_chipset_config_matches_qemu);
    tcase_add_test(tc, test_machine_chipset_bar_sizing_matches_qemu);
    tcase_add_test(tc, test_machine_pciexbar_enables_mmconfig);
    tcase_add_test(tc, test_machine_devfn_auto_and_conflict);
    tcase_add_test(tc, test_machine_intx_gsi_routing_like_qemu);
    tcase_add_test(tc, test_machine_irq_intercept_paths_and_set_irq_in);
    tcase_add_test(tc, test_machine_acpi_tables_add_and_replace);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(machine_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
