/*
 * A small device model: what "-device name[,prop=value...]" creates.
 *
 * Every device type is a constant DeviceClass: its name, a constant
 * Property table (name, type, where the value lives in the instance,
 * default), and lifecycle hooks.  Instances are allocated zeroed with the
 * class's instance_size; the state struct embeds Device first (a PCI
 * function embeds PCIDevice, which embeds Device), so a Device * casts to
 * the state.  Nothing here is mutable global state: the class table is
 * const.
 *
 * Adding a device type (e.g. intel-iommu, amd-iommu) takes one line:
 *   1. define `const DeviceClass vtd_device_class = { ... };` in the
 *      model's own file and declare it in the list below;
 *   2. add `&vtd_device_class,` to qdev_class_table[] in
 *      hw/machine/qdev-table.c (and make hw/machine/meson.build link the
 *      model's library into machine_dep).
 * A PCI function sets is_pci, embeds PCIDevice first and lists
 * PCI_DEVICE_PROPERTIES in its table; the machine plugs it into bus 0
 * (devfn from "addr", else the first free slot) before calling realize.
 * A non-PCI device (intel-iommu) maps its MMIO itself in realize, through
 * machine_system_memory() and friends (iommu-sim/machine.h).
 *
 * Value syntax, as QEMU's: bool on/off/true/false/yes/no; integers decimal
 * or 0x hex, range-checked; size with an optional K/M/G/T suffix (powers
 * of 1024); pci-devfn "SS.F" or "SS" in hex (slot 0..1f, function 0..7).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_QDEV_H
#define IOMMU_SIM_QDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct DeviceClass DeviceClass;

typedef enum {
    PROP_BOOL,          /* bool */
    PROP_UINT8,         /* uint8_t */
    PROP_UINT16,        /* uint16_t */
    PROP_UINT32,        /* uint32_t */
    PROP_UINT64,        /* uint64_t */
    PROP_SIZE,          /* uint64_t, K/M/G/T suffixes */
    PROP_STRING,        /* char *, owned by the device (g_free at free) */
    PROP_PCI_DEVFN,     /* int32_t, -1 = not given (auto-assign) */
} PropertyType;

typedef struct Property {
    const char *name;           /* NULL ends a table */
    PropertyType type;
    size_t offset;              /* of the field in the instance */
    const char *defval;         /* parsed at qdev_new; NULL: zero */
    const char *description;    /* one line for "name,help" */
} Property;

#define PROP_END { .name = NULL }

struct DeviceClass {
    const char *name;           /* -device name */
    const char *description;
    size_t instance_size;       /* >= sizeof(Device) */
    const Property *props;      /* ends with PROP_END; may be NULL */
    bool is_pci;                /* instance embeds PCIDevice first */
    /* Properties are set; a PCI function is already on the bus. */
    bool (*realize)(Device *dev, Machine *m, GError **errp);
    void (*reset)(Device *dev);     /* machine reset; optional */
    void (*finalize)(Device *dev);  /* free what realize made; optional */
    /*
     * `stats [which]`: "name=value ..." (g_free) when which is NULL or
     * names this device, else NULL.  Optional; machine_stats() asks each
     * -device in order and answers with the first text.
     */
    char *(*stats)(Device *dev, const char *which);
};

struct Device {
    const DeviceClass *klass;
    Machine *machine;           /* set by the machine before realize */
    bool realized;
};

/* Device classes -device accepts, in help order, NULL-terminated. */
const DeviceClass *const *qdev_classes(void);
const DeviceClass *qdev_class_find(const char *name);
const Property *qdev_class_find_prop(const DeviceClass *klass,
                                     const char *name);

/* A zeroed instance with every default applied (not realized). */
Device *qdev_new(const DeviceClass *klass);
/* finalize (when realized), free string properties and the instance. */
void qdev_free(Device *dev);

/*
 * Parse and store one property value.  Errors (as QEMU words them):
 *   "Property 'edu.foo' not found"
 *   "Parameter 'dma_mask' expects uint64 (decimal or 0x hex)"
 *   "Property 'edu.addr' doesn't take value 'zz'" (pci-devfn: "SS.F")
 */
bool qdev_prop_set(Device *dev, const char *name, const char *value,
                   GError **errp);
/* The current value formatted as the parser accepts it (g_free). */
char *qdev_prop_get(Device *dev, const char *name);

/*
 * "name[,prop=value...]" -> a new device with its properties set; a
 * repeated property keeps the last value, as QEMU does.  Unknown name:
 * "'foo' is not a valid device model name".
 */
Device *qdev_new_from_spec(const char *spec, GError **errp);

/* Whether spec asks for help: "help", "?" or "name,help". */
bool qdev_spec_is_help(const char *spec);
/*
 * Help text: the device list for "help", the property list (name,
 * type, default, description) for "name,help".  NULL + errp for an
 * unknown name.
 */
char *qdev_help_text(const char *spec, GError **errp);

/* Value parsers, exposed for the IOMMU models' own option strings. */
bool qdev_parse_bool(const char *s, bool *out);
bool qdev_parse_uint(const char *s, uint64_t max, uint64_t *out);
bool qdev_parse_size(const char *s, uint64_t *out);
bool qdev_parse_devfn(const char *s, int32_t *out);

/* Device classes defined across the tree (listed in qdev-table.c). */
extern const DeviceClass edu_device_class;
extern const DeviceClass vtd_device_class;     /* hw/intel-vtd/vtd-device.c */
extern const DeviceClass amdvi_device_class;   /* hw/amd-vi/amdvi-pci.c */

#endif
