/*
 * The device model: instances of constant DeviceClasses, their typed
 * properties, and "-device name[,prop=value...]" parsing with QEMU's
 * value syntax and error wording (checked against QEMU 7.2's replies).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "iommu-sim/props.h"
#include "iommu-sim/qdev.h"

static const char *const qdev_type_names[] = {
    [PROP_BOOL] = "bool",
    [PROP_UINT8] = "uint8",
    [PROP_UINT16] = "uint16",
    [PROP_UINT32] = "uint32",
    [PROP_UINT64] = "uint64",
    [PROP_SIZE] = "size",
    [PROP_STRING] = "str",
    [PROP_PCI_DEVFN] = "int32 (pci-devfn)",
};

/* ---- value parsers ---------------------------------------------------- */

/* QEMU's syntax, in hw/core/props.c; kept under these names for callers. */
bool qdev_parse_bool(const char *s, bool *out)
{
    return props_parse_bool(s, out);
}

bool qdev_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    return props_parse_uint(s, max, out);
}

bool qdev_parse_size(const char *s, uint64_t *out)
{
    return props_parse_size(s, out);
}

/* Hex with or without 0x, as QEMU reads a PCI slot number. */
static bool qdev_parse_hex(const char *s, uint64_t max, uint64_t *out)
{
    char *t;
    bool ok;

    if (g_str_has_prefix(s, "0x") || g_str_has_prefix(s, "0X")) {
        return qdev_parse_uint(s, max, out);
    }
    if (!*s || s[strspn(s, "0123456789abcdefABCDEF")]) {
        return false;
    }
    t = g_strconcat("0x", s, NULL);
    ok = qdev_parse_uint(t, max, out);
    g_free(t);
    return ok;
}

/* "SS.F" or "SS", hex, slot <= 0x1f, function <= 7 (QEMU's pci-devfn). */
bool qdev_parse_devfn(const char *s, int32_t *out)
{
    const char *dot = s ? strchr(s, '.') : NULL;
    uint64_t slot, fn = 0;
    char *sl;
    bool ok;

    if (s && !strcmp(s, "-1")) {
        *out = -1;
        return true;
    }
    if (!s || !*s || s[0] == '.') {
        return false;
    }
    sl = g_strndup(s, dot ? (size_t)(dot - s) : strlen(s));
    ok = qdev_parse_hex(sl, 0x1f, &slot);
    g_free(sl);
    if (ok && dot) {
        ok = dot[1] >= '0' && dot[1] <= '7' && dot[2] == '\0';
        fn = ok ? (uint64_t)(dot[1] - '0') : 0;
    }
    if (ok) {
        *out = (int32_t)(slot << 3 | fn);
    }
    return ok;
}

/* ---- properties ------------------------------------------------------- */

const Property *qdev_class_find_prop(const DeviceClass *klass,
                                     const char *name)
{
    for (const Property *p = klass->props; p && p->name; p++) {
        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    return NULL;
}

static uint64_t qdev_uint_max(PropertyType t)
{
    switch (t) {
    case PROP_UINT8:
        return UINT8_MAX;
    case PROP_UINT16:
        return UINT16_MAX;
    case PROP_UINT32:
        return UINT32_MAX;
    default:
        return UINT64_MAX;
    }
}

static void qdev_store_uint(void *field, PropertyType t, uint64_t v)
{
    switch (t) {
    case PROP_UINT8:
        *(uint8_t *)field = (uint8_t)v;
        break;
    case PROP_UINT16:
        *(uint16_t *)field = (uint16_t)v;
        break;
    case PROP_UINT32:
        *(uint32_t *)field = (uint32_t)v;
        break;
    default:
        *(uint64_t *)field = v;
        break;
    }
}

static uint64_t qdev_load_uint(const void *field, PropertyType t)
{
    switch (t) {
    case PROP_UINT8:
        return *(const uint8_t *)field;
    case PROP_UINT16:
        return *(const uint16_t *)field;
    case PROP_UINT32:
        return *(const uint32_t *)field;
    default:
        return *(const uint64_t *)field;
    }
}

/* An integer that parses but does not fit: QEMU's range wording. */
static bool qdev_set_uint(Device *dev, const Property *p, void *field,
                          const char *value, GError **errp)
{
    uint64_t v, max = qdev_uint_max(p->type);

    if (qdev_parse_uint(value, max, &v)) {
        qdev_store_uint(field, p->type, v);
        return true;
    }
    if (qdev_parse_uint(value, UINT64_MAX, &v)) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "Property '%s.%s' doesn't take value '%s' "
                    "(minimum: 0, maximum: %" G_GUINT64_FORMAT ")",
                    dev->klass->name, p->name, value, max);
    } else {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "Parameter '%s' expects %s (decimal or 0x hex)",
                    p->name, qdev_type_names[p->type]);
    }
    return false;
}

static bool qdev_set_value(Device *dev, const Property *p,
                           const char *value, GError **errp)
{
    void *field = (uint8_t *)dev + p->offset;

    switch (p->type) {
    case PROP_BOOL:
        if (qdev_parse_bool(value, field)) {
            return true;
        }
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "Parameter '%s' expects 'on' or 'off'", p->name);
        return false;
    case PROP_SIZE:
        if (qdev_parse_size(value, field)) {
            return true;
        }
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "Parameter '%s' expects a size (bytes, or a number "
                    "with a K, M, G or T suffix)", p->name);
        return false;
    case PROP_STRING:
        g_free(*(char **)field);
        *(char **)field = g_strdup(value ? value : "");
        return true;
    case PROP_PCI_DEVFN:
        if (qdev_parse_devfn(value, field)) {
            return true;
        }
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "Property '%s.%s' doesn't take value '%s' (expects "
                    "slot[.function] in hex, slot 0-1f, function 0-7)",
                    dev->klass->name, p->name, value ? value : "");
        return false;
    default:
        return qdev_set_uint(dev, p, field, value, errp);
    }
}

bool qdev_prop_set(Device *dev, const char *name, const char *value,
                   GError **errp)
{
    const Property *p = qdev_class_find_prop(dev->klass, name);

    if (!p) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                    "Property '%s.%s' not found", dev->klass->name, name);
        return false;
    }
    if (p->type != PROP_STRING && !value) {
        /* QEMU's shorthand "prop" alone means prop=on for booleans. */
        value = p->type == PROP_BOOL ? "on" : "";
    }
    return qdev_set_value(dev, p, value, errp);
}

char *qdev_prop_get(Device *dev, const char *name)
{
    const Property *p = qdev_class_find_prop(dev->klass, name);
    const void *field;
    int32_t devfn;

    if (!p) {
        return NULL;
    }
    field = (const uint8_t *)dev + p->offset;
    switch (p->type) {
    case PROP_BOOL:
        return g_strdup(*(const bool *)field ? "on" : "off");
    case PROP_STRING:
        return g_strdup(*(char *const *)field ? *(char *const *)field : "");
    case PROP_PCI_DEVFN:
        devfn = *(const int32_t *)field;
        return devfn < 0 ? g_strdup("-1") :
               g_strdup_printf("%02x.%x", devfn >> 3, devfn & 7);
    default:
        return g_strdup_printf("0x%" G_GINT64_MODIFIER "x",
                               qdev_load_uint(field, p->type));
    }
}

/* ---- instances -------------------------------------------------------- */

Device *qdev_new(const DeviceClass *klass)
{
    Device *dev;

    g_assert(klass && klass->instance_size >= sizeof(Device));
    dev = g_malloc0(klass->instance_size);
    dev->klass = klass;
    for (const Property *p = klass->props; p && p->name; p++) {
        if (p->defval) {
            /* A default that does not parse is a model bug. */
            bool ok = qdev_set_value(dev, p, p->defval, NULL);
            g_assert(ok);
        }
    }
    return dev;
}

void qdev_free(Device *dev)
{
    if (!dev) {
        return;
    }
    if (dev->realized && dev->klass->finalize) {
        dev->klass->finalize(dev);
    }
    for (const Property *p = dev->klass->props; p && p->name; p++) {
        if (p->type == PROP_STRING) {
            g_free(*(char **)((uint8_t *)dev + p->offset));
        }
    }
    g_free(dev);
}

const DeviceClass *qdev_class_find(const char *name)
{
    const DeviceClass *const *c = qdev_classes();

    for (; name && *c; c++) {
        if (!strcmp((*c)->name, name)) {
            return *c;
        }
    }
    return NULL;
}

static bool qdev_apply_props(Device *dev, char **parts, GError **errp)
{
    for (int i = 1; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');

        if (eq) {
            *eq = '\0';
        }
        if (!qdev_prop_set(dev, parts[i], eq ? eq + 1 : NULL, errp)) {
            return false;
        }
    }
    return true;
}

Device *qdev_new_from_spec(const char *spec, GError **errp)
{
    char **parts = g_strsplit(spec ? spec : "", ",", -1);
    const DeviceClass *klass = qdev_class_find(parts[0]);
    Device *dev = NULL;

    if (!klass) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "'%s' is not a valid device model name",
                    parts[0] ? parts[0] : "");
    } else {
        dev = qdev_new(klass);
        if (!qdev_apply_props(dev, parts, errp)) {
            qdev_free(dev);
            dev = NULL;
        }
    }
    g_strfreev(parts);
    return dev;
}

/* ---- help ------------------------------------------------------------- */

bool qdev_spec_is_help(const char *spec)
{
    char **parts;
    bool help = false;

    if (!spec) {
        return false;
    }
    parts = g_strsplit(spec, ",", -1);
    for (int i = 0; parts[i]; i++) {
        help |= !strcmp(parts[i], "help") || !strcmp(parts[i], "?");
    }
    g_strfreev(parts);
    return help;
}

/*
 * The type word help shows.  A PROP_STRING the model parses itself may
 * name its real type at the head of its description ("<uint8> rest"), so
 * help reads as QEMU's while the model keeps its parser and messages;
 * *desc is then the rest.  A pci-devfn shows as QEMU's "int32".
 */
static char *qdev_help_type(const Property *p, const char **desc)
{
    const char *d = *desc, *end;

    if (p->type == PROP_STRING && d && d[0] == '<' &&
        (end = strchr(d, '>')) != NULL) {
        *desc = end[1] == ' ' ? end + 2 : end + 1;
        return g_strndup(d + 1, (size_t)(end - d - 1));
    }
    return g_strdup(p->type == PROP_PCI_DEVFN ? "int32"
                                              : qdev_type_names[p->type]);
}

/*
 * One property as QEMU 7.2 prints it: "  name=<type>", padded to 24
 * columns and " - description (default: value)" when there is either;
 * a description's own "(default: ...)" gives way to defval, so the line
 * names one default.
 */
static void qdev_help_line(GString *s, const Property *p)
{
    const char *desc = p->description;
    char *type = qdev_help_type(p, &desc);
    char *head = g_strdup_printf("%s=<%s>", p->name, type);
    const char *own = desc ? strstr(desc, " (default:") : NULL;
    int dlen = desc ? (int)strlen(desc) : 0;

    if (own && p->defval) {
        dlen = (int)(own - desc);
    }
    g_string_append_printf(s, "  %s", head);
    if (dlen || p->defval) {
        g_string_append_printf(s, "%*s - %.*s",
                               (int)MAX(0, 22 - (long)strlen(head)), "",
                               dlen, dlen ? desc : "");
    }
    if (p->defval) {
        g_string_append_printf(s, " (default: %s)", p->defval);
    }
    g_string_append_c(s, '\n');
    g_free(head);
    g_free(type);
}

static char *qdev_help_props(const DeviceClass *klass)
{
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "%s options:\n", klass->name);
    for (const Property *p = klass->props; p && p->name; p++) {
        qdev_help_line(s, p);
    }
    return g_string_free(s, false);
}

char *qdev_help_text(const char *spec, GError **errp)
{
    char **parts = g_strsplit(spec ? spec : "", ",", 2);
    const DeviceClass *klass = NULL;
    GString *s;

    if (!strcmp(parts[0], "help") || !strcmp(parts[0], "?")) {
        g_strfreev(parts);
        s = g_string_new("Devices:\n");
        for (const DeviceClass *const *c = qdev_classes(); *c; c++) {
            g_string_append_printf(s, "name \"%s\"%s%s%s\n", (*c)->name,
                                   (*c)->is_pci ? ", bus PCI" : "",
                                   (*c)->description ? ", desc \"" : "",
                                   (*c)->description ? (*c)->description :
                                   "");
            if ((*c)->description) {
                g_string_truncate(s, s->len - 1);
                g_string_append(s, "\"\n");
            }
        }
        return g_string_free(s, false);
    }
    klass = qdev_class_find(parts[0]);
    if (!klass) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "'%s' is not a valid device model name", parts[0]);
    }
    g_strfreev(parts);
    return klass ? qdev_help_props(klass) : NULL;
}
