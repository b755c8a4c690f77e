/*
 * The machine's accessors, DMA views, IOAPIC inputs and ACPI tables.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "hw/machine/machine-internal.h"

AddressSpace *machine_memory_as(Machine *m)
{
    return &m->mem_as;
}

AddressSpace *machine_io_as(Machine *m)
{
    return &m->io_as;
}

VirtualClock *machine_clock(Machine *m)
{
    return m->clock;
}

MsiSink *machine_msi_sink(Machine *m)
{
    return m->msi;
}

GuestRAM *machine_ram(Machine *m)
{
    return m->ram;
}

MemoryRegion *machine_system_memory(Machine *m)
{
    return &m->sysmem;
}

MemoryRegion *machine_io_space(Machine *m)
{
    return &m->io;
}

AddressSpace *machine_dma_root_as(Machine *m)
{
    return &m->dma_as;
}

struct PCIBus *machine_pci_bus(Machine *m)
{
    return m->bus;
}

uint64_t machine_ram_below_4g(Machine *m)
{
    return m->below_4g;
}

uint64_t machine_ram_above_4g(Machine *m)
{
    return m->above_4g;
}

unsigned machine_device_count(Machine *m)
{
    return m->devices->len;
}

Device *machine_device(Machine *m, unsigned index)
{
    return index < m->devices->len ? g_ptr_array_index(m->devices, index)
                                   : NULL;
}

AddressSpace *machine_dma_as(Machine *m, uint16_t sid)
{
    return pci_bus_dma_as(m->bus, sid);
}

/* ---- IOAPIC inputs -------------------------------------------------- */

void machine_set_gsi(Machine *m, int gsi, int level)
{
    level = level != 0;
    if (gsi < 0 || gsi >= MACHINE_NUM_GSI || m->gsi_level[gsi] == level) {
        return;
    }
    m->gsi_level[gsi] = level;
    if (m->irq_fn) {
        m->irq_fn(m->irq_opaque, gsi, level);
    }
}

int machine_gsi_level(Machine *m, int gsi)
{
    return gsi >= 0 && gsi < MACHINE_NUM_GSI ? m->gsi_level[gsi] : 0;
}

/* QEMU resolves "ioapic" as a partial QOM path; accept the full one too. */
static bool machine_is_ioapic(const char *path)
{
    return path && (!strcmp(path, "ioapic") ||
                    !strcmp(path, "/machine/ioapic"));
}

bool machine_irq_intercept(Machine *m, const char *path,
                           MachineIrqListener fn, void *opaque)
{
    if (!machine_is_ioapic(path)) {
        return false;
    }
    m->irq_fn = fn;
    m->irq_opaque = opaque;
    return true;
}

/* The IOAPIC has one unnamed input array, GSI 0..23. */
bool machine_set_irq_in(Machine *m, const char *path, const char *name,
                        int num, int level)
{
    if (!machine_is_ioapic(path) || (name && *name) || num < 0 ||
        num >= MACHINE_NUM_GSI) {
        return false;
    }
    machine_set_gsi(m, num, level);
    return true;
}

char *machine_stats(Machine *m, const char *which)
{
    for (guint i = 0; i < m->devices->len; i++) {
        Device *dev = g_ptr_array_index(m->devices, i);
        char *text = dev->klass->stats ? dev->klass->stats(dev, which) : NULL;

        if (text) {
            return text;
        }
    }
    return NULL;
}

/* ---- ACPI ------------------------------------------------------------- */

GPtrArray *machine_acpi_tables(Machine *m)
{
    return m->acpi_tables;
}

void machine_add_acpi_table(Machine *m, const char *signature,
                            GByteArray *data)
{
    AcpiTableBlob *t = NULL;

    for (guint i = 0; i < m->acpi_tables->len; i++) {
        AcpiTableBlob *old = g_ptr_array_index(m->acpi_tables, i);

        if (!strncmp(old->signature, signature, 4)) {
            t = old;
            g_byte_array_unref(t->data);
            break;
        }
    }
    if (!t) {
        t = g_new0(AcpiTableBlob, 1);
        g_strlcpy(t->signature, signature, sizeof(t->signature));
        g_ptr_array_add(m->acpi_tables, t);
    }
    t->data = data;
}
