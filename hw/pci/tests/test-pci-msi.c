/*
 * The MSI capability: layout, write masks, and delivery into the MSI
 * sink through the function's DMA path with its requester id.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <check.h>

#include "hw/pci/tests/pci-test-util.h"

START_TEST(test_pci_msi_layout_64bit_like_qemu_edu)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));

    ck_assert_uint_eq(msi_init(d, 0, 1, true, false, NULL), 0x40);
    /* QEMU 7.2 edu: 0x40 = 0x00800005, status cap-list bit set. */
    ck_assert_uint_eq(pci_config_read(d, 0x40, 4), 0x00800005);
    ck_assert_uint_eq(pci_config_read(d, PCI_CAPABILITY_LIST, 1), 0x40);
    ck_assert_uint_eq(pci_config_read(d, PCI_STATUS, 2), 0x0010);
    /* Write masks as QEMU: flags 0x0081 back, address dword aligned. */
    pci_config_write(d, 0x40, 0xffffffff, 4);
    ck_assert_uint_eq(pci_config_read(d, 0x40, 4), 0x00810005);
    pci_config_write(d, 0x44, 0xffffffff, 4);
    ck_assert_uint_eq(pci_config_read(d, 0x44, 4), 0xfffffffc);
    pci_config_write(d, 0x48, 0xffffffff, 4);
    ck_assert_uint_eq(pci_config_read(d, 0x48, 4), 0xffffffff);
    /* Data is 16 bits; 0x4e.. lies past the capability and stays RW. */
    pci_config_write(d, 0x4c, 0xffffffff, 4);
    ck_assert_uint_eq(pci_config_read(d, 0x4c, 4), 0xffffffff);
    ck_assert(msi_enabled(d));
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_msi_layout_32bit_with_masking)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));

    ck_assert_uint_eq(msi_init(d, 0x50, 4, false, true, NULL), 0x50);
    ck_assert_uint_eq(pci_config_read(d, 0x52, 2),
                      PCI_MSI_FLAGS_MASKBIT | (2 << 1));
    /* Mask bits: only the 4 implemented vectors are writable. */
    pci_config_write(d, 0x50 + 0x0c, 0xffffffff, 4);
    ck_assert_uint_eq(pci_config_read(d, 0x50 + 0x0c, 4), 0xf);
    /* MME above MMC is clamped to MMC. */
    pci_config_write(d, 0x52, 0x0071, 2);
    ck_assert_uint_eq(pci_config_read(d, 0x52, 2) & PCI_MSI_FLAGS_QSIZE,
                      2 << 4);
    ck_assert_uint_eq(msi_nr_vectors_allocated(d), 4);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_msi_bad_vector_count_fails)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));
    GError *err = NULL;

    ck_assert_uint_eq(msi_init(d, 0, 3, true, false, &err), 0);
    ck_assert_ptr_nonnull(err);
    g_error_free(err);
    ck_assert_uint_eq(msi_init(d, 0, 64, true, false, NULL), 0);
    ck_assert_uint_eq(d->msi_cap, 0);
    pci_fixture_free(f);
}
END_TEST

static void msi_program(PCIDevice *d, uint64_t addr, uint16_t data,
                        uint16_t flags)
{
    pci_config_write(d, d->msi_cap + 4, (uint32_t)addr, 4);
    pci_config_write(d, d->msi_cap + 8, (uint32_t)(addr >> 32), 4);
    pci_config_write(d, d->msi_cap + 0x0c, data, 2);
    pci_config_write(d, d->msi_cap + 2, flags, 2);
}

START_TEST(test_pci_msi_notify_delivers_with_requester_id)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));
    const MsiRecord *r;

    msi_init(d, 0, 1, true, false, NULL);
    pci_config_write(d, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    msi_program(d, 0xfee01000, 0x4041, PCI_MSI_FLAGS_ENABLE);
    msi_notify(d, 0);
    ck_assert_uint_eq(msi_sink_count(f->msi), 1);
    r = msi_sink_record(f->msi, 0);
    ck_assert_uint_eq(r->raw.address, 0xfee01000);
    ck_assert_uint_eq(r->raw.data, 0x4041);
    ck_assert(r->has_requester);
    ck_assert_uint_eq(r->requester_id, 0x0010);
    ck_assert_uint_eq(r->vector, 0x41);
    ck_assert_uint_eq(r->dest, 1);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_msi_needs_enable_and_bus_master)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));

    msi_init(d, 0, 1, true, false, NULL);
    msi_program(d, 0xfee00000, 0x30, 0);
    msi_notify(d, 0);                       /* MSI disabled */
    ck_assert_uint_eq(msi_sink_count(f->msi), 0);
    pci_config_write(d, d->msi_cap + 2, PCI_MSI_FLAGS_ENABLE, 2);
    msi_notify(d, 0);                       /* bus master off */
    ck_assert_uint_eq(msi_sink_count(f->msi), 0);
    pci_config_write(d, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    msi_notify(d, 0);
    ck_assert_uint_eq(msi_sink_count(f->msi), 1);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_msi_to_ram_writes_data_dword)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));
    uint8_t got[4];

    msi_init(d, 0, 1, true, false, NULL);
    pci_config_write(d, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    /* QEMU 7.2: data register 0xabcd1234 -> RAM sees 34 12 00 00. */
    pci_config_write(d, 0x44, 0x3000, 4);
    pci_config_write(d, 0x4c, 0xabcd1234, 4);
    pci_config_write(d, 0x42, PCI_MSI_FLAGS_ENABLE, 2);
    msi_notify(d, 0);
    guest_ram_read(f->ram, 0x3000, got, 4);
    ck_assert_uint_eq(pci_get_long(got), 0x1234);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_msi_masked_vector_pends_until_unmasked)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));
    uint8_t cap;

    cap = msi_init(d, 0, 4, true, true, NULL);
    pci_config_write(d, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    msi_program(d, 0xfee00000, 0x50, PCI_MSI_FLAGS_ENABLE | (2 << 4));
    pci_config_write(d, cap + 0x10, 0x4, 4);         /* mask vector 2 */
    msi_notify(d, 2);
    ck_assert_uint_eq(msi_sink_count(f->msi), 0);
    ck_assert_uint_eq(pci_config_read(d, cap + 0x14, 4), 0x4);
    msi_notify(d, 1);
    ck_assert_uint_eq(msi_sink_count(f->msi), 1);
    ck_assert_uint_eq(msi_sink_record(f->msi, 0)->raw.data, 0x51);
    pci_config_write(d, cap + 0x10, 0, 4);           /* unmask */
    ck_assert_uint_eq(msi_sink_count(f->msi), 2);
    ck_assert_uint_eq(msi_sink_record(f->msi, 1)->raw.data, 0x52);
    ck_assert_uint_eq(pci_config_read(d, cap + 0x14, 4), 0);
    /* A vector beyond MME is not sent. */
    msi_notify(d, 7);
    ck_assert_uint_eq(msi_sink_count(f->msi), 2);
    pci_fixture_free(f);
}
END_TEST

START_TEST(test_pci_msi_reset_disables)
{
    PciFixture *f = pci_fixture_new();
    PCIDevice *d = pci_fixture_add(f, PCI_DEVFN(2, 0));

    msi_init(d, 0, 1, true, false, NULL);
    pci_config_write(d, 0x42, PCI_MSI_FLAGS_ENABLE, 2);
    ck_assert(msi_enabled(d));
    pci_device_reset(d);
    ck_assert(!msi_enabled(d));
    pci_fixture_free(f);
}
END_TEST

static Suite *msi_suite(void)
{
    Suite *s = suite_create("pci-msi");
    TCase *tc = tcase_create("msi");

    tcase_add_test(tc, test_pci_msi_layout_64bit_like_qemu_edu);
    tcase_add_test(tc, test_pci_msi_layout_32bit_with_masking);
    tcase_add_test(tc, test_pci_msi_bad_vector_count_fails);
    tcase_add_test(tc, test_pci_msi_notify_delivers_with_requester_id);
    tcase_add_test(tc, test_pci_msi_needs_enable_and_bus_master);
    tcase_add_test(tc, test_pci_msi_to_ram_writes_data_dword);
    tcase_add_test(tc, test_pci_msi_masked_vector_pends_until_unmasked);
    tcase_add_test(tc, test_pci_msi_reset_disables);
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
    return failed ? 1 : 0;
}
