/*
 * The q35 machine: memory map, I/O space, PCI bus 0 behind the MCH,
 * the MSI sink in the devices' DMA view, IOAPIC inputs, ACPI tables.
 *
 * Map (as Debian QEMU 7.2 "-machine q35 -m SIZE" answers, see docs):
 *   0 .. below_4g            RAM (below_4g = SIZE, or 2 GiB when
 *                            SIZE >= 0xb0000000; the rest at 4 GiB)
 *   1 MiB - min(bios,128K)   read-only copy of the end of -bios
 *   PCIEXBAR (0xb0000000)    MMCONFIG once firmware enables it
 *   0xfee00000 (CPU view)    LAPIC window: reads 0, writes ignored
 *   0xfee00000 (DMA view)    the MSI sink
 *   4 GiB - bios size        -bios as ROM
 *   I/O 0xcf8/0xcfc          PCI config mechanism #1; other ports read ~0
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/machine/machine-internal.h"

/* ---- unassigned I/O and the CPU's LAPIC window ----------------------- */

static uint64_t machine_io_ones_read(void *opaque, uint64_t addr,
                                     unsigned size)
{
    return UINT64_MAX;
}

static uint64_t machine_zero_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void machine_ignore_write(void *opaque, uint64_t addr, uint64_t val,
                                 unsigned size)
{
}

/* QEMU: "inb 0x1234" -> 0x00ff, inw -> 0xffff, inl -> 0xffffffff. */
static const MemoryRegionOps machine_io_unassigned_ops = {
    .read = machine_io_ones_read,
    .write = machine_ignore_write,
    .valid = { .min_access_size = 1, .max_access_size = 4,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4,
              .unaligned = true },
};

/* No LAPIC model: QEMU reads 0 at 0xfee00000 and drops CPU writes. */
static const MemoryRegionOps machine_lapic_ops = {
    .read = machine_zero_read,
    .write = machine_ignore_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- memory map --------------------------------------------------------- */

static void machine_init_ram(Machine *m)
{
    m->below_4g = m->ram_size >= Q35_LOWMEM_SPLIT ?
                  MIN(m->ram_size, Q35_LOWMEM_LARGE) : m->ram_size;
    m->above_4g = m->ram_size - m->below_4g;
    m->ram = guest_ram_new(m->ram_size);
    memory_region_init_ram(&m->ram_low, m->ram, 0, "ram-below-4g",
                           m->below_4g);
    memory_region_add_subregion(&m->sysmem, 0, &m->ram_low);
    if (m->above_4g) {
        memory_region_init_ram(&m->ram_high, m->ram, m->below_4g,
                               "ram-above-4g", m->above_4g);
        memory_region_add_subregion(&m->sysmem, Q35_ABOVE_4G_BASE,
                                    &m->ram_high);
    }
}

/*
 * -bios: QEMU wants a non-empty multiple of 64 KiB; the image ends at
 * 4 GiB and its last 128 KiB (or all of it) is also read-only below
 * 1 MiB, over RAM.
 */
static bool machine_init_bios(Machine *m, const char *path, GError **errp)
{
    gchar *data = NULL;
    gsize len = 0;
    uint64_t isa_len;

    if (!g_file_get_contents(path, &data, &len, NULL) || len == 0 ||
        len % 65536 || len > 0x10000000) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "could not load PC BIOS '%s'", path);
        g_free(data);
        return false;
    }
    isa_len = MIN((uint64_t)len, Q35_ISA_BIOS_MAX);
    memory_region_init_rom(&m->bios, "pc.bios", len, data, len);
    memory_region_add_subregion(&m->sysmem, 0x100000000ull - len, &m->bios);
    memory_region_init_rom(&m->isa_bios, "isa-bios", isa_len,
                           data + len - isa_len, isa_len);
    memory_region_add_subregion_overlap(&m->sysmem,
                                        Q35_ISA_BIOS_END - isa_len,
                                        &m->isa_bios, 1);
    m->have_bios = true;
    g_free(data);
    return true;
}

static void machine_init_spaces(Machine *m)
{
    memory_region_init_container(&m->sysmem, "system",
                                 MEMORY_REGION_SIZE_2_64);
    memory_region_init_container(&m->pci_mem, "pci-memory",
                                 MEMORY_REGION_SIZE_2_64);
    memory_region_add_subregion_overlap(&m->sysmem, 0, &m->pci_mem, -1);
    memory_region_init_io(&m->lapic, &machine_lapic_ops, m, "apic-cpu",
                          MSI_ADDR_SIZE);
    memory_region_add_subregion_overlap(&m->sysmem, MSI_ADDR_BASE,
                                        &m->lapic, 1);
    memory_region_init_container(&m->io, "io", 0x10000);
    memory_region_init_io(&m->io_unassigned, &machine_io_unassigned_ops, m,
                          "io-unassigned", 0x10000);
    memory_region_add_subregion_overlap(&m->io, 0, &m->io_unassigned,
                                        -1000);
    /* Devices see system memory with the MSI sink over 0xfee00000. */
    memory_region_init_container(&m->dma_root, "dma",
                                 MEMORY_REGION_SIZE_2_64);
    memory_region_init_alias(&m->dma_sysmem, "dma-system", &m->sysmem, 0,
                             MEMORY_REGION_SIZE_2_64);
    memory_region_add_subregion(&m->dma_root, 0, &m->dma_sysmem);
    memory_region_add_subregion_overlap(&m->dma_root, MSI_ADDR_BASE,
                                        msi_sink_region(m->msi), 1);
    address_space_init(&m->mem_as, &m->sysmem, "memory");
    address_space_init(&m->io_as, &m->io, "I/O");
    address_space_init(&m->dma_as, &m->dma_root, "dma");
}

Machine *machine_new(const MachineOptions *opts, GError **errp)
{
    Machine *m;

    if (opts && opts->type && strcmp(opts->type, "q35")) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "unsupported machine type '%s' (supported: q35)",
                    opts->type);
        return NULL;
    }
    m = g_new0(Machine, 1);
    m->ram_size = opts && opts->ram_size ? opts->ram_size : 512ull << 20;
    m->clock = vclock_new();
    m->msi = msi_sink_new(m->clock);
    m->devices = g_ptr_array_new();
    m->chipset = g_ptr_array_new();
    m->acpi_tables = g_ptr_array_new();
    machine_init_spaces(m);
    machine_init_ram(m);
    if (opts && opts->bios_path && !machine_init_bios(m, opts->bios_path,
                                                     errp)) {
        machine_free(m);
        return NULL;
    }
    m->bus = pci_bus_new(&m->pci_mem, &m->io, &m->dma_as);
    pci_bus_set_clock(m->bus, m->clock);
    pci_bus_set_irq_router(m->bus, q35_map_irq, q35_set_pirq, m);
    pci_host_init(&m->host, m->bus, &m->io, &m->sysmem);
    if (!q35_chipset_create(m, errp)) {
        machine_free(m);
        return NULL;
    }
    return m;
}

/* ---- devices ------------------------------------------------------------ */

bool machine_realize_device(Machine *m, Device *dev, GError **errp)
{
    const DeviceClass *k = dev->klass;

    dev->machine = m;
    if (k->is_pci && !pci_bus_plug(m->bus, PCI_DEVICE(dev), errp)) {
        return false;
    }
    if (k->realize && !k->realize(dev, m, errp)) {
        if (k->is_pci) {
            pci_bus_unplug(m->bus, PCI_DEVICE(dev));
        }
        return false;
    }
    dev->realized = true;
    return true;
}

void machine_destroy_device(Machine *m, Device *dev)
{
    if (dev->klass->is_pci) {
        pci_bus_unplug(m->bus, PCI_DEVICE(dev));
    }
    qdev_free(dev);
}

Device *machine_add_device(Machine *m, const char *spec, GError **errp)
{
    Device *dev;

    if (qdev_spec_is_help(spec)) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "help is not a device (use -device help)");
        return NULL;
    }
    dev = qdev_new_from_spec(spec, errp);
    if (!dev) {
        return NULL;
    }
    if (!machine_realize_device(m, dev, errp)) {
        qdev_free(dev);
        return NULL;
    }
    g_ptr_array_add(m->devices, dev);
    return dev;
}

bool machine_realize(Machine *m, GError **errp)
{
    m->realized = true;
    return true;
}

static void machine_reset_list(GPtrArray *list)
{
    for (guint i = 0; i < list->len; i++) {
        Device *dev = g_ptr_array_index(list, i);

        if (dev->klass->reset) {
            dev->klass->reset(dev);
        }
    }
}

void machine_reset(Machine *m)
{
    pci_bus_reset(m->bus);
    machine_reset_list(m->chipset);
    machine_reset_list(m->devices);
}

static void machine_free_list(Machine *m, GPtrArray *list)
{
    for (guint i = list->len; i > 0; i--) {
        machine_destroy_device(m, g_ptr_array_index(list, i - 1));
    }
    g_ptr_array_free(list, true);
}

static void machine_free_acpi(GPtrArray *tables)
{
    for (guint i = 0; i < tables->len; i++) {
        AcpiTableBlob *t = g_ptr_array_index(tables, i);

        g_byte_array_unref(t->data);
        g_free(t);
    }
    g_ptr_array_free(tables, true);
}

void machine_free(Machine *m)
{
    if (!m) {
        return;
    }
    machine_free_list(m, m->devices);
    machine_free_list(m, m->chipset);
    if (m->bus) {
        pci_host_destroy(&m->host);
        pci_bus_free(m->bus);
    }
    machine_free_acpi(m->acpi_tables);
    address_space_destroy(&m->dma_as);
    address_space_destroy(&m->io_as);
    address_space_destroy(&m->mem_as);
    memory_region_destroy(&m->dma_sysmem);
    memory_region_del_subregion(&m->dma_root, msi_sink_region(m->msi));
    memory_region_destroy(&m->dma_root);
    msi_sink_free(m->msi);
    if (m->have_bios) {
        memory_region_destroy(&m->isa_bios);
        memory_region_destroy(&m->bios);
    }
    memory_region_destroy(&m->ram_low);
    memory_region_destroy(&m->ram_high);
    memory_region_destroy(&m->lapic);
    memory_region_destroy(&m->pci_mem);
    memory_region_destroy(&m->io_unassigned);
    memory_region_destroy(&m->io);
    memory_region_destroy(&m->sysmem);
    guest_ram_free(m->ram);
    vclock_free(m->clock);
    g_free(m);
}
