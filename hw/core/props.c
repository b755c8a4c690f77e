/*
 * Property value parsers and the models' bad-value error; see
 * include/iommu-sim/props.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "iommu-sim/props.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* QEMU's words first; the loose syntax adds "1"/"0" and ignores case. */
static const char *const props_yes[] = { "on", "true", "yes", "1" };
static const char *const props_no[] = { "off", "false", "no", "0" };

static bool props_match_bool(const char *s, unsigned nwords, bool any_case,
                             bool *out)
{
    for (unsigned i = 0; s && i < nwords; i++) {
        bool yes = any_case ? !g_ascii_strcasecmp(s, props_yes[i])
                            : !strcmp(s, props_yes[i]);
        bool no = any_case ? !g_ascii_strcasecmp(s, props_no[i])
                           : !strcmp(s, props_no[i]);

        if (yes || no) {
            *out = yes;
            return true;
        }
    }
    return false;
}

bool props_parse_bool(const char *s, bool *out)
{
    return props_match_bool(s, 3, false, out);
}

bool props_parse_bool_loose(const char *s, bool *out)
{
    return props_match_bool(s, G_N_ELEMENTS(props_yes), true, out);
}

bool props_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;
    int base = 10;

    if (!s || !*s || *s == '-' || *s == '+' || g_ascii_isspace(*s)) {
        return false;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!g_ascii_isxdigit(*s)) {
            return false;
        }
    }
    errno = 0;
    v = strtoull(s, &end, base);
    if (errno || *end || v > max) {
        return false;
    }
    *out = v;
    return true;
}

bool props_parse_u64(const char *s, uint64_t *out)
{
    char *end = NULL;

    if (!s || !*s || *s == '-') {
        return false;
    }
    errno = 0;
    *out = g_ascii_strtoull(s, &end, 0);
    return errno == 0 && end && *end == '\0';
}

bool props_parse_size(const char *s, uint64_t *out)
{
    static const char suffixes[] = "KMGT";
    size_t len = s ? strlen(s) : 0;
    const char *p;
    unsigned shift = 0;
    uint64_t v;
    bool ok;
    char *num;

    if (!len) {
        return false;
    }
    /* A trailing hex digit of a 0x number is a digit, not a suffix. */
    p = strchr(suffixes, g_ascii_toupper(s[len - 1]));
    if (p && !(len > 2 && s[0] == '0' && s[1] == 'x' &&
               g_ascii_isxdigit(s[len - 1]))) {
        shift = 10 * (unsigned)(p - suffixes + 1);
        len--;
    }
    num = g_strndup(s, len);
    ok = props_parse_uint(num, UINT64_MAX >> shift, &v);
    g_free(num);
    if (ok) {
        *out = v << shift;
    }
    return ok;
}

bool props_error_bad_value(GError **errp, const char *device,
                           const char *name, const char *value,
                           const char *want)
{
    g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "%s: property '%s': bad value '%s' (%s)", device, name,
                value ? value : "", want);
    return false;
}
