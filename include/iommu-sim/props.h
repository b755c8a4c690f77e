/*
 * Property value parsing shared by the device layer (hw/machine/qdev.c,
 * "-device name,prop=value") and the IOMMU models' own option strings,
 * and the one error wording the models use for a refused value.
 *
 * Two syntaxes exist on purpose and are kept apart: qdev's follows
 * QEMU's typed properties (exact bool words, decimal or 0x numbers, size
 * suffixes), the models' is more forgiving (any case, 1/0, any C base).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_PROPS_H
#define IOMMU_SIM_PROPS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* QEMU's bool words, exactly: on/off, true/false, yes/no. */
bool props_parse_bool(const char *s, bool *out);
/* The same words in any case, and 1/0 (the IOMMU models' options). */
bool props_parse_bool_loose(const char *s, bool *out);
/* Decimal or 0x hex, no sign, space or trailing garbage, at most max. */
bool props_parse_uint(const char *s, uint64_t max, uint64_t *out);
/* Any C base (0x hex, leading-0 octal, decimal), no '-', whole string. */
bool props_parse_u64(const char *s, uint64_t *out);
/* props_parse_uint with an optional K/M/G/T suffix (binary multiples). */
bool props_parse_size(const char *s, uint64_t *out);

/*
 * Sets "<device>: property '<name>': bad value '<value>' (<want>)"
 * (NULL value reads as "") and returns false, for `return` chains.
 */
bool props_error_bad_value(GError **errp, const char *device,
                           const char *name, const char *value,
                           const char *want);

#endif
