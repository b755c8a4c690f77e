/*
 * The MSI capability (PCI 3.0 §6.8.1): layout, programming and delivery.
 *
 * Layout by variant (offsets from the capability):
 *   32-bit: address 0x04, data 0x08 [, mask 0x0c, pending 0x10]
 *   64-bit: address 0x04/0x08, data 0x0c [, mask 0x10, pending 0x14]
 * A message is a DWORD write of the 16-bit data (upper half zero) to the
 * address, issued as the function's own DMA (checked against QEMU 7.2:
 * edu with MSI address 0x3000 and data 0xabcd1234 stores 34 12 00 00).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/pci.h"
#include "hw/pci/pci-internal.h"

#define PCI_MSI_VECTORS_MAX 32

static uint16_t msi_flags(const PCIDevice *dev)
{
    return pci_get_word(dev->config + dev->msi_cap + PCI_MSI_FLAGS);
}

static bool msi_is64(const PCIDevice *dev)
{
    return msi_flags(dev) & PCI_MSI_FLAGS_64BIT;
}

static uint8_t msi_data_off(const PCIDevice *dev)
{
    return (uint8_t)(dev->msi_cap + (msi_is64(dev) ? 0x0c : 0x08));
}

static uint8_t msi_mask_off(const PCIDevice *dev)
{
    return (uint8_t)(dev->msi_cap + (msi_is64(dev) ? 0x10 : 0x0c));
}

static uint8_t msi_pending_off(const PCIDevice *dev)
{
    return (uint8_t)(msi_mask_off(dev) + 4);
}

static uint8_t msi_cap_size(bool is64, bool masking)
{
    return (uint8_t)((is64 ? 0x0e : 0x0a) + (masking ? 0x0a : 0));
}

uint8_t msi_init(PCIDevice *dev, uint8_t offset, unsigned nr_vectors,
                 bool msi64bit, bool per_vector_mask, GError **errp)
{
    unsigned log2 = (unsigned)g_bit_storage(nr_vectors) - 1;
    uint16_t flags = (uint16_t)(log2 << 1);
    uint8_t cap;

    if (nr_vectors == 0 || nr_vectors > PCI_MSI_VECTORS_MAX ||
        (nr_vectors & (nr_vectors - 1))) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "MSI: %u vectors is not a power of two in 1..32",
                    nr_vectors);
        return 0;
    }
    cap = pci_add_capability(dev, PCI_CAP_ID_MSI, offset,
                             msi_cap_size(msi64bit, per_vector_mask), errp);
    if (!cap) {
        return 0;
    }
    flags |= msi64bit ? PCI_MSI_FLAGS_64BIT : 0;
    flags |= per_vector_mask ? PCI_MSI_FLAGS_MASKBIT : 0;
    dev->msi_cap = cap;
    pci_set_word(dev->config + cap + PCI_MSI_FLAGS, flags);
    pci_set_word(dev->wmask + cap + PCI_MSI_FLAGS,
                 PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
    pci_set_long(dev->wmask + cap + PCI_MSI_ADDRESS_LO, 0xfffffffc);
    if (msi64bit) {
        pci_set_long(dev->wmask + cap + PCI_MSI_ADDRESS_LO + 4, 0xffffffff);
    }
    pci_set_word(dev->wmask + msi_data_off(dev), 0xffff);
    if (per_vector_mask) {
        pci_set_long(dev->wmask + msi_mask_off(dev),
                     0xffffffffu >> (PCI_MSI_VECTORS_MAX - nr_vectors));
    }
    return cap;
}

bool msi_enabled(const PCIDevice *dev)
{
    return dev->msi_cap && (msi_flags(dev) & PCI_MSI_FLAGS_ENABLE);
}

unsigned msi_nr_vectors_allocated(const PCIDevice *dev)
{
    return dev->msi_cap ? 1u << ((msi_flags(dev) & PCI_MSI_FLAGS_QSIZE) >> 4)
                        : 0;
}

void msi_get_message(const PCIDevice *dev, unsigned vector, uint64_t *addr,
                     uint32_t *data)
{
    const uint8_t *c = dev->config + dev->msi_cap;
    unsigned nr = msi_nr_vectors_allocated(dev);
    uint32_t d = pci_get_word(dev->config + msi_data_off(dev));

    *addr = pci_get_long(c + PCI_MSI_ADDRESS_LO);
    if (msi_is64(dev)) {
        *addr |= (uint64_t)pci_get_long(c + PCI_MSI_ADDRESS_LO + 4) << 32;
    }
    /* Multiple messages: the low log2(MME) data bits carry the vector. */
    *data = (d & ~(nr - 1)) | (vector & (nr - 1));
}

bool msi_is_masked(const PCIDevice *dev, unsigned vector)
{
    if (!dev->msi_cap || !(msi_flags(dev) & PCI_MSI_FLAGS_MASKBIT)) {
        return false;
    }
    return (pci_get_long(dev->config + msi_mask_off(dev)) >> vector) & 1;
}

static void msi_send(PCIDevice *dev, unsigned vector)
{
    uint64_t addr;
    uint32_t data;
    uint8_t buf[4];

    msi_get_message(dev, vector, &addr, &data);
    pci_set_long(buf, data);
    pci_dma_write(dev, addr, buf, sizeof(buf));
}

void msi_notify(PCIDevice *dev, unsigned vector)
{
    uint8_t *pending;

    if (!msi_enabled(dev) || vector >= msi_nr_vectors_allocated(dev)) {
        return;
    }
    if (msi_is_masked(dev, vector)) {
        /* §6.8.3.4: a masked vector's message waits in Pending. */
        pending = dev->config + msi_pending_off(dev);
        pci_set_long(pending, pci_get_long(pending) | 1u << vector);
        return;
    }
    msi_send(dev, vector);
}

/*
 * After a config write into the capability: MME never exceeds MMC, and
 * unmasking a vector with its pending bit set sends it (§6.8.3.4).
 */
void msi_config_write(PCIDevice *dev, uint32_t addr, unsigned len)
{
    uint8_t *flags_p;
    uint16_t flags;
    unsigned mmc, mme;

    if (!dev->msi_cap || addr >= dev->msi_cap + 0x18u ||
        addr + len <= dev->msi_cap) {
        return;
    }
    flags_p = dev->config + dev->msi_cap + PCI_MSI_FLAGS;
    flags = pci_get_word(flags_p);
    mmc = (flags & PCI_MSI_FLAGS_QMASK) >> 1;
    mme = (flags & PCI_MSI_FLAGS_QSIZE) >> 4;
    if (mme > mmc) {
        flags = (uint16_t)((flags & ~PCI_MSI_FLAGS_QSIZE) | mmc << 4);
        pci_set_word(flags_p, flags);
    }
    if (!msi_enabled(dev) || !(flags & PCI_MSI_FLAGS_MASKBIT)) {
        return;
    }
    for (unsigned v = 0; v < msi_nr_vectors_allocated(dev); v++) {
        uint8_t *pending = dev->config + msi_pending_off(dev);

        if (!msi_is_masked(dev, v) && (pci_get_long(pending) >> v & 1)) {
            pci_set_long(pending, pci_get_long(pending) & ~(1u << v));
            msi_send(dev, v);
        }
    }
}
