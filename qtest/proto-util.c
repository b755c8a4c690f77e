/*
 * Argument parsers and hex formatting for the protocol verbs.  Every
 * parser answers ERR itself on bad input, so a handler only returns.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qtest/proto-internal.h"

bool qtest_arg_u64(QtestProto *p, const char *word, uint64_t *v)
{
    char *end;

    errno = 0;
    *v = strtoull(word, &end, 0);
    if (!*word || *end || errno) {
        qtest_reply_err(p, "invalid number '%s'", word);
        return false;
    }
    return true;
}

bool qtest_arg_i64(QtestProto *p, const char *word, int64_t *v)
{
    char *end;

    errno = 0;
    *v = strtoll(word, &end, 0);
    if (!*word || *end || errno) {
        qtest_reply_err(p, "invalid number '%s'", word);
        return false;
    }
    return true;
}

bool qtest_arg_int(QtestProto *p, const char *word, int *v)
{
    int64_t x;

    if (!qtest_arg_i64(p, word, &x)) {
        return false;
    }
    if (x < INT32_MIN || x > INT32_MAX) {
        qtest_reply_err(p, "number out of range '%s'", word);
        return false;
    }
    *v = (int)x;
    return true;
}

bool qtest_arg_size(QtestProto *p, const char *word, uint64_t addr,
                    uint64_t max, bool allow_zero, uint64_t *len)
{
    if (!qtest_arg_u64(p, word, len)) {
        return false;
    }
    if (*len == 0 && !allow_zero) {
        qtest_reply_err(p, "size must not be zero");
        return false;
    }
    if (*len > max) {
        qtest_reply_err(p, "size 0x%" G_GINT64_MODIFIER "x too large "
                        "(limit 0x%" G_GINT64_MODIFIER "x)", *len, max);
        return false;
    }
    if (*len && addr + *len - 1 < addr) {
        qtest_reply_err(p, "range wraps past the end of the address space");
        return false;
    }
    return true;
}

static int qtest_hex_nibble(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool qtest_arg_hex(QtestProto *p, const char *word, uint64_t len,
                   GByteArray *buf)
{
    size_t digits = strlen(word);

    if (digits < 2 || word[0] != '0' || (word[1] != 'x' && word[1] != 'X')) {
        qtest_reply_err(p, "data must be 0x followed by hex digits");
        return false;
    }
    word += 2;
    digits -= 2;
    if (digits % 2) {
        qtest_reply_err(p, "odd number of hex digits");
        return false;
    }
    for (size_t i = 0; i < digits; i++) {
        if (qtest_hex_nibble(word[i]) < 0) {
            qtest_reply_err(p, "invalid hex digit '%c'", word[i]);
            return false;
        }
    }
    if (!len) {
        len = digits / 2;
    }
    g_byte_array_set_size(buf, len);
    for (uint64_t i = 0; i < len; i++) {
        buf->data[i] = 2 * i + 1 < digits
            ? (qtest_hex_nibble(word[2 * i]) << 4) |
              qtest_hex_nibble(word[2 * i + 1])
            : 0;
    }
    return true;
}

static bool qtest_parse_bdf(const char *s, uint16_t *sid)
{
    unsigned bus, dev, fn;
    int used = 0;

    if (sscanf(s, "%2x:%2x.%1u%n", &bus, &dev, &fn, &used) != 3 ||
        s[used] || dev > 31 || fn > 7) {
        return false;
    }
    *sid = (uint16_t)(bus << 8 | dev << 3 | fn);
    return true;
}

bool qtest_arg_sid(QtestProto *p, const char *word, uint16_t *sid)
{
    uint64_t v;
    char *end;

    if (strchr(word, ':')) {
        if (qtest_parse_bdf(word, sid)) {
            return true;
        }
    } else {
        errno = 0;
        v = strtoull(word, &end, 0);
        if (*word && !*end && !errno && v <= 0xffff) {
            *sid = (uint16_t)v;
            return true;
        }
    }
    qtest_reply_err(p, "invalid requester id '%s' (BB:DD.F or 0..0xffff)",
                    word);
    return false;
}

void qtest_append_hex(GString *s, const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    size_t old = s->len;

    g_string_set_size(s, old + 2 * len);
    for (size_t i = 0; i < len; i++) {
        s->str[old + 2 * i] = digits[data[i] >> 4];
        s->str[old + 2 * i + 1] = digits[data[i] & 0xf];
    }
}
