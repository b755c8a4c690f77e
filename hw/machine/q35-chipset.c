/*
 * The PCI functions of QEMU's "-machine q35 -nodefaults": 00.0 MCH
 * (host bridge, PCIEXBAR), 1f.0 ICH9 LPC, 1f.2 ICH9 AHCI, 1f.3 ICH9
 * SMBus.  Beyond the MCH's PCIEXBAR they only present the config space
 * QEMU 7.2 shows after reset (dumped through 0xcf8/0xcfc; see docs), so a
 * config-space scan matches: ids, class, revision, subsystem, header
 * type, BAR sizing results, capability lists.  BARs decode but their
 * registers read 0.  Also the INTx router: PIRQA..H -> GSI 16..23.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/machine/machine-internal.h"

#define MCH_PCIEXBAR            0x60    /* 64-bit, Intel 3 Series §5.1.13 */
#define MCH_PCIEXBAR_EN         0x1ull
#define MCH_PCIEXBAR_LEN_SHIFT  1
#define MCH_PCIEXBAR_LEN_MASK   0x3ull
#define Q35_ICH9_FIRST_SLOT     0x19    /* slots routed by D25IR..D31IR */

typedef struct Q35Mch {
    PCIDevice pdev;
    PCIHost *host;
    uint64_t mmcfg_size;        /* current window, kept on "reserved" */
} Q35Mch;

typedef struct Q35Function {
    PCIDevice pdev;
    MemoryRegion bar_mr[2];
    unsigned n_bars;
} Q35Function;

/* ---- MCH: PCIEXBAR -> MMCONFIG window ---------------------------------- */

/*
 * PCIEXBAR: bit 0 enable, bits 2:1 length (0: 256 MiB, 1: 128 MiB, 2:
 * 64 MiB); the base uses the bits above the length.  QEMU 7.2 keeps the
 * window as it was for the reserved length 3 (observed), so do we.
 */
static void q35_mch_update_pciexbar(Q35Mch *s)
{
    uint64_t bar = pci_get_long(s->pdev.config + MCH_PCIEXBAR) |
                   (uint64_t)pci_get_long(s->pdev.config + MCH_PCIEXBAR + 4)
                   << 32;
    unsigned len = (bar >> MCH_PCIEXBAR_LEN_SHIFT) & MCH_PCIEXBAR_LEN_MASK;
    static const uint64_t sizes[] = { 256u << 20, 128u << 20, 64u << 20 };
    uint64_t size = len < 3 ? sizes[len] : s->mmcfg_size;
    uint64_t base = bar & ~(size - 1) & ((1ull << 36) - 1);

    s->mmcfg_size = size;
    pci_host_mmcfg_update(s->host, bar & MCH_PCIEXBAR_EN, base, size);
}

static void q35_mch_config_write(PCIDevice *dev, uint32_t addr, uint32_t val,
                                 unsigned len)
{
    pci_default_config_write(dev, addr, val, len);
    if (addr < MCH_PCIEXBAR + 8 && addr + len > MCH_PCIEXBAR) {
        q35_mch_update_pciexbar((Q35Mch *)dev);
    }
}

static const PCIDeviceInfo q35_mch_info = {
    .vendor_id = 0x8086, .device_id = 0x29c0, .revision = 0x00,
    .class_code = 0x060000, .subsystem_vendor_id = 0x1af4,
    .subsystem_id = 0x1100,
};

static bool q35_mch_realize(Device *dev, Machine *m, GError **errp)
{
    Q35Mch *s = (Q35Mch *)dev;

    s->host = &m->host;
    pci_config_set_info(&s->pdev, &q35_mch_info);
    s->pdev.config_write = q35_mch_config_write;
    s->mmcfg_size = 256u << 20;
    return true;
}

/* QEMU mch_reset: PCIEXBAR base 0xb0000000, disabled; GGC, SMRAM. */
static void q35_mch_reset(Device *dev)
{
    Q35Mch *s = (Q35Mch *)dev;
    uint8_t *c = s->pdev.config;

    pci_set_long(c + MCH_PCIEXBAR, (uint32_t)Q35_MMCONFIG_DEFAULT);
    pci_set_long(c + MCH_PCIEXBAR + 4, 0);
    pci_set_word(c + 0x50, 0x0010);     /* GGC */
    c[0x9d] = 0x02;                     /* SMRAM */
    c[0x9e] = 0x38;                     /* ESMRAMC */
    s->mmcfg_size = 256u << 20;
    q35_mch_update_pciexbar(s);
}

static const DeviceClass q35_mch_class = {
    .name = "mch", .description = "Q35 memory controller hub (00.0)",
    .instance_size = sizeof(Q35Mch), .is_pci = true,
    .realize = q35_mch_realize, .reset = q35_mch_reset,
};

/* ---- ICH9 functions: config space only ------------------------------- */

static uint64_t q35_stub_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void q35_stub_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
}

static const MemoryRegionOps q35_stub_ops = {
    .read = q35_stub_read,
    .write = q35_stub_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

static void q35_function_bar(Q35Function *s, int n, uint8_t type,
                             uint64_t size, const char *name)
{
    MemoryRegion *mr = &s->bar_mr[s->n_bars++];

    memory_region_init_io(mr, &q35_stub_ops, s, name, size);
    pci_register_bar(&s->pdev, n, type, mr);
}

static const PCIDeviceInfo q35_lpc_info = {
    .vendor_id = 0x8086, .device_id = 0x2918, .revision = 0x02,
    .class_code = 0x060100, .subsystem_vendor_id = 0x1af4,
    .subsystem_id = 0x1100,
};

static bool q35_lpc_realize(Device *dev, Machine *m, GError **errp)
{
    Q35Function *s = (Q35Function *)dev;

    pci_config_set_info(&s->pdev, &q35_lpc_info);
    /* PMBASE: QEMU 7.2 reads back 0xff87 after writing all-ones. */
    pci_set_long(s->pdev.wmask + 0x40, 0x0000ff87);
    return true;
}

/* QEMU after reset: PMBASE 0x40 = 1, PIRQ[A-D]/[E-H]_ROUT all 0x80. */
static void q35_lpc_reset(Device *dev)
{
    uint8_t *c = ((Q35Function *)dev)->pdev.config;

    pci_set_long(c + 0x40, 0x00000001);
    pci_set_long(c + 0x60, 0x80808080);
    pci_set_long(c + 0x68, 0x80808080);
}

static const PCIDeviceInfo q35_ahci_info = {
    .vendor_id = 0x8086, .device_id = 0x2922, .revision = 0x02,
    .class_code = 0x010601, .subsystem_vendor_id = 0x1af4,
    .subsystem_id = 0x1100, .interrupt_pin = 1,
};

/* Capabilities as QEMU lists them: 0x80 MSI -> 0xa8 SATA (id 0x12). */
static bool q35_ahci_realize(Device *dev, Machine *m, GError **errp)
{
    Q35Function *s = (Q35Function *)dev;
    uint8_t *c = s->pdev.config;

    pci_config_set_info(&s->pdev, &q35_ahci_info);
    if (!pci_add_capability(&s->pdev, 0x12, 0xa8, 8, errp) ||
        !msi_init(&s->pdev, 0x80, 1, true, false, errp)) {
        return false;
    }
    pci_set_word(c + 0xaa, 0x0010);     /* SATA cap revision 1.0 */
    pci_set_long(c + 0xac, 0x00000048); /* BAR5 (ABAR) index-data pair */
    c[0x90] = 0x40;                     /* MAP: AHCI mode */
    q35_function_bar(s, 4, PCI_BASE_ADDRESS_SPACE_IO, 32, "ahci-idp");
    q35_function_bar(s, 5, PCI_BASE_ADDRESS_SPACE_MEMORY, 4096, "ahci");
    return true;
}

static const PCIDeviceInfo q35_smbus_info = {
    .vendor_id = 0x8086, .device_id = 0x2930, .revision = 0x02,
    .class_code = 0x0c0500, .subsystem_vendor_id = 0x1af4,
    .subsystem_id = 0x1100, .interrupt_pin = 1,
};

static bool q35_smbus_realize(Device *dev, Machine *m, GError **errp)
{
    Q35Function *s = (Q35Function *)dev;

    pci_config_set_info(&s->pdev, &q35_smbus_info);
    /* HOSTC: QEMU 7.2 reads back 0xfffffff7 after writing all-ones. */
    pci_set_long(s->pdev.wmask + 0x40, 0xfffffff7);
    q35_function_bar(s, 4, PCI_BASE_ADDRESS_SPACE_IO, 64, "ich9-smbus");
    return true;
}

static void q35_function_finalize(Device *dev)
{
    Q35Function *s = (Q35Function *)dev;

    for (unsigned i = 0; i < s->n_bars; i++) {
        memory_region_destroy(&s->bar_mr[i]);
    }
}

static const DeviceClass q35_lpc_class = {
    .name = "ICH9-LPC", .description = "ICH9 LPC bridge (1f.0)",
    .instance_size = sizeof(Q35Function), .is_pci = true,
    .realize = q35_lpc_realize, .reset = q35_lpc_reset,
    .finalize = q35_function_finalize,
};

static const DeviceClass q35_ahci_class = {
    .name = "ich9-ahci", .description = "ICH9 AHCI (1f.2), config only",
    .instance_size = sizeof(Q35Function), .is_pci = true,
    .realize = q35_ahci_realize, .finalize = q35_function_finalize,
};

static const DeviceClass q35_smbus_class = {
    .name = "ICH9-SMB", .description = "ICH9 SMBus (1f.3), config only",
    .instance_size = sizeof(Q35Function), .is_pci = true,
    .realize = q35_smbus_realize, .finalize = q35_function_finalize,
};

static bool q35_add_function(Machine *m, const DeviceClass *k, int devfn,
                             bool multifunction, GError **errp)
{
    Device *dev = qdev_new(k);

    PCI_DEVICE(dev)->devfn = devfn;
    PCI_DEVICE(dev)->multifunction = multifunction;
    if (!machine_realize_device(m, dev, errp)) {
        qdev_free(dev);
        return false;
    }
    g_ptr_array_add(m->chipset, dev);
    return true;
}

bool q35_chipset_create(Machine *m, GError **errp)
{
    return q35_add_function(m, &q35_mch_class, PCI_DEVFN(0, 0), false,
                            errp) &&
           q35_add_function(m, &q35_lpc_class, PCI_DEVFN(0x1f, 0), true,
                            errp) &&
           q35_add_function(m, &q35_ahci_class, PCI_DEVFN(0x1f, 2), true,
                            errp) &&
           q35_add_function(m, &q35_smbus_class, PCI_DEVFN(0x1f, 3), true,
                            errp);
}

/* ---- INTx routing ------------------------------------------------------ */

/*
 * QEMU q35: slots below 0x19 rotate over PIRQE..H, (slot + pin) mod 4;
 * the ICH9 slots 0x19..0x1f use D25IR..D31IR, whose reset value maps
 * INTA..INTD to PIRQA..D.  Measured on QEMU 7.2 (edu INTA): slot 1 ->
 * GSI 21, 2 -> 22, 3 -> 23, 4 -> 20, 8 -> 20, 0x10 -> 20, 0x19/0x1b/0x1c
 * -> 16; function 9.2 -> 21.
 */
int q35_map_irq(void *opaque, uint8_t devfn, int pin)
{
    unsigned slot = PCI_SLOT(devfn);

    if (slot >= Q35_ICH9_FIRST_SLOT) {
        return pin & 3;
    }
    return 4 + (int)((slot + (unsigned)pin) & 3);
}

void q35_set_pirq(void *opaque, int pirq, int level)
{
    Machine *m = opaque;

    if (pirq >= 0 && pirq < Q35_NUM_PIRQS) {
        machine_set_gsi(m, Q35_PIRQ_GSI_BASE + pirq, level);
    }
}
