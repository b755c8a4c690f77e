/*
 * PCI bus, config mechanisms, BARs, command register gating, INTx.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>

#include "hw/pci/tests/pci-test-util.h"

/* ---- configuration mechanism #1 ---------------------------------------- */

START_TEST(test_pci_conf1_reads_ids)
{
    PciFixture *f = pci_fixture_new();

    pci_fixture_add(f, PCI_DEVFN(2, 0));
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 0), 0xbeef1234);
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 8), 0x00ff0001);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_conf1_enable_bit_clear_reads_ones)
{
    PciFixture *f = pci_fixture_new();

    pci_fixture_add(f, PCI_DEVFN(2, 0));
    pci_out(f, 0xcf8, 4, (uint32_t)PCI_DEVFN(2, 0) << 8);
    ck_assert_uint_eq(pci_in(f, 0xcfc, 4), 0xffffffff);
    /* Writes without the enable bit go nowhere. */
    pci_out(f, 0xcfc, 4, 0x0006);
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 4) & 0xffff, 0);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_conf1_byte_and_word_offsets)
{
    PciFixture *f = pci_fixture_new();

    pci_fixture_add(f, PCI_DEVFN(2, 0));
    pci_out(f, 0xcf8, 4, 0x80000000u | PCI_DEVFN(2, 0) << 8);
    ck_assert_uint_eq(pci_in(f, 0xcfc, 1), 0x34);
    ck_assert_uint_eq(pci_in(f, 0xcfd, 1), 0x12);
    ck_assert_uint_eq(pci_in(f, 0xcfe, 2), 0xbeef);
    ck_assert_uint_eq(pci_in(f, 0xcff, 1), 0xbe);
    /* QEMU ORs CONFIG_ADDRESS bits 1:0 in: a dword from offset 1. */
    pci_out(f, 0xcf8, 4, 0x80000001u | PCI_DEVFN(2, 0) << 8);
    ck_assert_uint_eq(pci_in(f, 0xcfc, 4), 0x00beef12);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_conf1_absent_function_reads_ones)
{
    PciFixture *f = pci_fixture_new();

    pci_fixture_add(f, PCI_DEVFN(2, 0));
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(3, 0), 0), 0xffffffff);
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 1), 0), 0xffffffff);
    pci_out(f, 0xcf8, 4, 0x80010000u);   /* bus 1 does not exist */
    ck_assert_uint_eq(pci_in(f, 0xcfc, 4), 0xffffffff);
    pci_out(f, 0xcf8, 4, 0x80001800u);
    ck_assert_uint_eq(pci_in(f, 0xcfc, 1), 0xff);
    ck_assert_uint_eq(pci_in(f, 0xcfe, 2), 0xffff);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_conf1_address_only_dword_writes)
{
    PciFixture *f = pci_fixture_new();

    pci_out(f, 0xcf8, 4, 0x80000000u);
    pci_out(f, 0xcf8, 1, 0x12);
    pci_out(f, 0xcf8, 2, 0x1234);
    ck_assert_uint_eq(pci_in(f, 0xcf8, 4), 0x80000000u);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_config_beyond_256_reads_ones)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));

    ck_assert_uint_eq(pci_config_read(d, 0x100, 4), 0xffffffff);
    ck_assert_uint_eq(pci_config_read(d, 0xffc, 4), 0xffffffff);
    pci_config_write(d, 0x100, 0, 4);    /* ignored, no crash */
    pci_fixture_free(f);
}
END_TEST

/* ---- MMCONFIG ------------------------------------------------------------ */

START_TEST(test_pci_mmcfg_window_maps_and_unmaps)
{
    PciFixture *f = pci_fixture_new();

    pci_fixture_add(f, PCI_DEVFN(2, 0));
    ck_assert_uint_eq(pci_mem_readl(f, 0xb0010000), 0);
    pci_host_mmcfg_update(&f->host, true, 0xb0000000, 256u << 20);
    ck_assert_uint_eq(pci_mem_readl(f, 0xb0010000), 0xbeef1234);
    ck_assert_uint_eq(pci_mem_readl(f, 0xb0010100), 0xffffffff);
    ck_assert_uint_eq(pci_mem_readl(f, 0xb0018000), 0xffffffff);
    ck_assert_uint_eq(pci_mem_readl(f, 0xb0100000), 0xffffffff);
    pci_host_mmcfg_update(&f->host, true, 0xe0000000, 64u << 20);
    ck_assert_uint_eq(pci_mem_readl(f, 0xb0010000), 0);
    ck_assert_uint_eq(pci_mem_readl(f, 0xe0010000), 0xbeef1234);
    ck_assert_uint_eq(pci_mem_readl(f, 0xe4000000), 0);
    pci_host_mmcfg_update(&f->host, false, 0, 0);
    ck_assert_uint_eq(pci_mem_readl(f, 0xe0010000), 0);
    pci_fixture_free(f);
}
END_TEST

/* ---- masks --------------------------------------------------------------- */

START_TEST(test_pci_command_writable_mask)
{
    PciFixture *f = pci_fixture_new();

    pci_fixture_add(f, PCI_DEVFN(2, 0));
    pci_cfg_writel(f, PCI_DEVFN(2, 0), 4, 0xffffffff);
    /* QEMU 7.2: 0x0507 in COMMAND; STATUS bits only clear. */
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 4), 0x0507);
    pci_cfg_writel(f, PCI_DEVFN(2, 0), 0x0c, 0xffffffff);
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 0x0c), 0xff);
    pci_cfg_writel(f, PCI_DEVFN(2, 0), 0x3c, 0xffffffff);
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 0x3c), 0x01ff);
    pci_cfg_writel(f, PCI_DEVFN(2, 0), 0, 0);
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 0), 0xbeef1234);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_status_write_one_to_clear)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));

    pci_set_word(d->config + PCI_STATUS, 0x2000 | 0x0010);
    pci_config_write(d, PCI_STATUS, 0x0010, 2);  /* RO bit: no effect */
    ck_assert_uint_eq(pci_get_word(d->config + PCI_STATUS), 0x2010);
    pci_config_write(d, PCI_STATUS, 0x2000, 2);
    ck_assert_uint_eq(pci_get_word(d->config + PCI_STATUS), 0x0010);
    pci_fixture_free(f);
}
END_TEST

/* ---- BARs ----------------------------------------------------------------- */

static uint64_t test_bar_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0xab000000u | (uint32_t)addr;
}

static void test_bar_write(void *opaque, uint64_t addr, uint64_t v,
                           unsigned size)
{
    *(uint64_t *)opaque = v;
}

static const MemoryRegionOps test_bar_ops = {
    .read = test_bar_read,
    .write = test_bar_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

START_TEST(test_pci_bar_sizing)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));
    MemoryRegion mem32, io, mem64;
    uint64_t sink = 0;

    memory_region_init_io(&mem32, &test_bar_ops, &sink, "m32", 1u << 20);
    memory_region_init_io(&io, &test_bar_ops, &sink, "io", 32);
    memory_region_init_io(&mem64, &test_bar_ops, &sink, "m64", 1u << 14);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &mem32);
    pci_register_bar(d, 1, PCI_BASE_ADDRESS_SPACE_IO, &io);
    pci_register_bar(d, 2, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &mem64);
    for (int reg = 0x10; reg <= 0x1c; reg += 4) {
        pci_cfg_writel(f, PCI_DEVFN(2, 0), reg, 0xffffffff);
    }
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 0x10), 0xfff00000);
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 0x14), 0xffffffe1);
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 0x18), 0xffffc00c);
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 0x1c), 0xffffffff);
    /* Unimplemented BARs read 0 whatever is written. */
    pci_cfg_writel(f, PCI_DEVFN(2, 0), 0x24, 0xffffffff);
    ck_assert_uint_eq(pci_cfg_readl(f, PCI_DEVFN(2, 0), 0x24), 0);
    pci_fixture_remove(f, d);
    memory_region_destroy(&mem32);
    memory_region_destroy(&io);
    memory_region_destroy(&mem64);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_bar_mapping_follows_command)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));
    MemoryRegion mem32;
    uint64_t sink = 0;
    int fn = PCI_DEVFN(2, 0);

    memory_region_init_io(&mem32, &test_bar_ops, &sink, "m32", 1u << 20);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &mem32);
    pci_cfg_writel(f, fn, 0x10, 0xfea00000);
    /* Programmed but memory space disabled: nothing decodes. */
    ck_assert_uint_eq(pci_mem_readl(f, 0xfea00010), 0);
    ck_assert_uint_eq(pci_bar_address(d, 0), PCI_BAR_UNMAPPED);
    pci_cfg_writel(f, fn, 4, PCI_COMMAND_MEMORY);
    ck_assert_uint_eq(pci_bar_address(d, 0), 0xfea00000);
    ck_assert_uint_eq(pci_mem_readl(f, 0xfea00010), 0xab000010);
    /* Moved: old address dead, new alive. */
    pci_cfg_writel(f, fn, 0x10, 0xfe000000);
    ck_assert_uint_eq(pci_mem_readl(f, 0xfea00010), 0);
    ck_assert_uint_eq(pci_mem_readl(f, 0xfe000010), 0xab000010);
    /* Sizing pattern while enabled: unmapped (reaches 4 GiB). */
    pci_cfg_writel(f, fn, 0x10, 0xffffffff);
    ck_assert_uint_eq(pci_bar_address(d, 0), PCI_BAR_UNMAPPED);
    pci_cfg_writel(f, fn, 0x10, 0xfe000000);
    pci_cfg_writel(f, fn, 4, 0);
    ck_assert_uint_eq(pci_mem_readl(f, 0xfe000010), 0);
    pci_fixture_remove(f, d);
    memory_region_destroy(&mem32);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_io_bar_needs_io_space)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(3, 0));
    MemoryRegion io;
    uint64_t sink = 0;
    int fn = PCI_DEVFN(3, 0);

    memory_region_init_io(&io, &test_bar_ops, &sink, "io", 32);
    pci_register_bar(d, 4, PCI_BASE_ADDRESS_SPACE_IO, &io);
    pci_cfg_writel(f, fn, 0x20, 0xc000);
    pci_cfg_writel(f, fn, 4, PCI_COMMAND_MEMORY);
    ck_assert_uint_eq(pci_bar_address(d, 4), PCI_BAR_UNMAPPED);
    pci_cfg_writel(f, fn, 4, PCI_COMMAND_IO);
    ck_assert_uint_eq(pci_bar_address(d, 4), 0xc000);
    ck_assert_uint_eq(pci_in(f, 0xc004, 4), 0xab000004);
    pci_out(f, 0xc008, 4, 0x55);
    ck_assert_uint_eq(sink, 0x55);
    pci_fixture_remove(f, d);
    memory_region_destroy(&io);
    pci_fixture_free(f);
}
END_TEST

/* ---- DMA and bus mastering ------------------------------------------ */

typedef struct IommuProbe {
    AddressSpace *as;
    uint16_t last_rid;
    int calls;
} IommuProbe;

static AddressSpace *test_iommu_fn(void *opaque, uint16_t rid)
{
    IommuProbe *p = opaque;

    p->last_rid = rid;
    p->calls++;
    return p->as;
}

START_TEST(test_pci_dma_needs_bus_master)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));
    uint8_t buf[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
    uint8_t pattern[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    uint8_t got[8];

    guest_ram_write(f->ram, 0x1000, pattern, 8);
    /* Off: reads see zeros and fail, writes vanish. */
    ck_assert_uint_eq(pci_dma_read(d, 0x1000, buf, 8), MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(buf[0], 0);
    ck_assert_uint_eq(pci_dma_write(d, 0x2000, pattern, 8),
                      MEMTX_DECODE_ERROR);
    guest_ram_read(f->ram, 0x2000, got, 8);
    ck_assert_uint_eq(got[0], 0);
    pci_config_write(d, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    ck_assert_uint_eq(pci_dma_read(d, 0x1000, buf, 8), MEMTX_OK);
    ck_assert_mem_eq(buf, pattern, 8);
    ck_assert_uint_eq(pci_dma_write(d, 0x2000, pattern, 8), MEMTX_OK);
    guest_ram_read(f->ram, 0x2000, got, 8);
    ck_assert_mem_eq(got, pattern, 8);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_dma_goes_through_iommu_with_requester_id)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(3, 2));
    IommuProbe probe = { .as = &f->dma_as };
    uint8_t b = 0x5a;

    ck_assert_uint_eq(pci_requester_id(d), 0x001a);
    pci_bus_set_iommu(f->bus, test_iommu_fn, &probe);
    pci_config_write(d, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    ck_assert_uint_eq(pci_dma_write(d, 0x3000, &b, 1), MEMTX_OK);
    ck_assert_int_eq(probe.calls, 1);
    ck_assert_uint_eq(probe.last_rid, 0x001a);
    ck_assert_ptr_eq(pci_bus_dma_as(f->bus, 0x0010), &f->dma_as);
    /* NULL from the hook falls back to the bus default. */
    probe.as = NULL;
    ck_assert_ptr_eq(pci_device_dma_as(d), &f->dma_as);
    pci_fixture_free(f);
}
END_TEST

/* ---- devfn assignment --------------------------------------------------- */

START_TEST(test_pci_devfn_auto_assigns_first_free_slot)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *a = pci_fixture_add(f, PCI_DEVFN(0, 0));
    PCIDevice *b = pci_fixture_add(f, PCI_DEVFN(3, 0));
    PCIDevice *c = pci_fixture_add(f, -1);
    PCIDevice *d = pci_fixture_add(f, -1);

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(c->devfn, PCI_DEVFN(1, 0));
    ck_assert_int_eq(d->devfn, PCI_DEVFN(2, 0));
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_devfn_conflict_message)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice d = { .devfn = PCI_DEVFN(1, 0) };
    GError *err = NULL;

    pci_fixture_add(f, PCI_DEVFN(1, 0));
    d.qdev.klass = &pci_test_class;
    ck_assert(!pci_bus_plug(f->bus, &d, &err));
    ck_assert_str_eq(err->message, "PCI: slot 1 function 0 not available "
                     "for test-fn, in use by test-fn");
    g_error_free(err);
    pci_fixture_free(f);
}
END_TEST

/* ---- INTx -------------------------------------------------------------- */

START_TEST(test_pci_intx_routes_and_gates)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));

    pci_set_irq(d, 1);
    ck_assert_int_eq(f->pirq_level[6], 1);   /* slot 2 INTA -> PIRQG */
    ck_assert_uint_eq(d->config[PCI_STATUS] & PCI_STATUS_INTERRUPT,
                      PCI_STATUS_INTERRUPT);
    /* Interrupt Disable drops the line but keeps the status bit. */
    pci_config_write(d, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    ck_assert_int_eq(f->pirq_level[6], 0);
    ck_assert_uint_eq(d->config[PCI_STATUS] & PCI_STATUS_INTERRUPT,
                      PCI_STATUS_INTERRUPT);
    pci_config_write(d, PCI_COMMAND, 0, 2);
    ck_assert_int_eq(f->pirq_level[6], 1);
    pci_set_irq(d, 0);
    ck_assert_int_eq(f->pirq_level[6], 0);
    ck_assert_uint_eq(d->config[PCI_STATUS] & PCI_STATUS_INTERRUPT, 0);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_intx_shared_line_is_wired_or)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *a = pci_fixture_add(f, PCI_DEVFN(2, 0));
    PCIDevice *b = pci_fixture_add(f, PCI_DEVFN(6, 0)); /* also PIRQG */

    pci_set_irq(a, 1);
    pci_set_irq(b, 1);
    pci_set_irq(a, 0);
    ck_assert_int_eq(f->pirq_level[6], 1);
    pci_set_irq(b, 0);
    ck_assert_int_eq(f->pirq_level[6], 0);
    pci_fixture_free(f);
}
END_TEST

/* ---- capabilities and reset ------------------------------------------ */

START_TEST(test_pci_capability_list)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));
    GError *err = NULL;

    ck_assert_uint_eq(pci_find_capability(d, 0x12), 0);
    ck_assert_uint_eq(pci_add_capability(d, 0x12, 0xa8, 8, NULL), 0xa8);
    ck_assert_uint_eq(pci_add_capability(d, 0x09, 0, 4, NULL), 0x40);
    ck_assert_uint_eq(d->config[PCI_CAPABILITY_LIST], 0x40);
    ck_assert_uint_eq(d->config[0x41], 0xa8);
    ck_assert_uint_eq(d->config[PCI_STATUS] & PCI_STATUS_CAP_LIST,
                      PCI_STATUS_CAP_LIST);
    ck_assert_uint_eq(pci_find_capability(d, 0x12), 0xa8);
    ck_assert_uint_eq(pci_add_capability(d, 0x05, 0xaa, 4, &err), 0);
    ck_assert_ptr_nonnull(strstr(err->message, "overlaps"));
    g_error_free(err);
    /* Capability bytes are read-only, the rest of 0x40.. writable. */
    pci_config_write(d, 0xa8, 0xffffffff, 4);
    ck_assert_uint_eq(d->config[0xa8], 0x12);
    pci_config_write(d, 0x80, 0xdeadbeef, 4);
    ck_assert_uint_eq(pci_config_read(d, 0x80, 4), 0xdeadbeef);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_reset_clears_command_and_bars)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));
    MemoryRegion mem32;
    uint64_t sink = 0;

    memory_region_init_io(&mem32, &test_bar_ops, &sink, "m32", 1u << 20);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &mem32);
    pci_config_write(d, 0x10, 0xfea00000, 4);
    pci_config_write(d, PCI_COMMAND, 0x0107, 2);
    pci_config_write(d, PCI_INTERRUPT_LINE, 11, 1);
    ck_assert_uint_ne(pci_bar_address(d, 0), PCI_BAR_UNMAPPED);
    pci_bus_reset(f->bus);
    ck_assert_uint_eq(pci_config_read(d, PCI_COMMAND, 2), 0);
    ck_assert_uint_eq(pci_config_read(d, 0x10, 4), 0x8);
    ck_assert_uint_eq(pci_config_read(d, PCI_INTERRUPT_LINE, 1), 0);
    ck_assert_uint_eq(pci_bar_address(d, 0), PCI_BAR_UNMAPPED);
    pci_fixture_remove(f, d);
    memory_region_destroy(&mem32);
    pci_fixture_free(f);
}
END_TEST

static Suite *pci_suite(void)
{
    Suite *s = suite_create("pci");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_pci_conf1_reads_ids);
    tcase_add_test(tc, test_pci_conf1_enable_bit_clear_reads_ones);
    tcase_add_test(tc, test_pci_conf1_byte_and_word_offsets);
    tcase_add_test(tc, test_pci_conf1_absent_function_reads_ones);
    tcase_add_test(tc, test_pci_conf1_address_only_dword_writes);
    tcase_add_test(tc, test_pci_config_beyond_256_reads_ones);
    tcase_add_test(tc, test_pci_mmcfg_window_maps_and_unmaps);
    tcase_add_test(tc, test_pci_command_writable_mask);
    tcase_add_test(tc, test_pci_status_write_one_to_clear);
    tcase_add_test(tc, test_pci_bar_sizing);
    tcase_add_test(tc, test_pci_bar_mapping_follows_command);
    tcase_add_test(tc, test_pci_io_bar_needs_io_space);
    tcase_add_test(tc, test_pci_dma_needs_bus_master);
    tcase_add_test(tc, test_pci_dma_goes_through_iommu_with_requester_id);
    tcase_add_test(tc, test_pci_devfn_auto_assigns_first_free_slot);
    tcase_add_test(tc, test_pci_devfn_conflict_message);
    tcase_add_test(tc, test_pci_intx_routes_and_gates);
    tcase_add_test(tc, test_pci_intx_shared_line_is_wired_or);
    tcase_add_test(tc, test_pci_capability_list);
    tcase_add_test(tc, test_pci_reset_clears_command_and_bars);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pci_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
