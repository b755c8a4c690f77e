/*
 * QEMU 7.2's qtest verbs (softmmu/qtest.c), same replies: PIO, MMIO,
 * bulk memory, endianness, the qtest clock, IRQ interception.  Replies
 * checked against Debian's qemu-system-x86_64 7.2; where QEMU asserts on
 * bad arguments we answer ERR instead (see docs/harness.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "qtest/proto-internal.h"

static unsigned qtest_width(char c)
{
    switch (c) {
    case 'b': return 1;
    case 'w': return 2;
    case 'l': return 4;
    default: return 8;
    }
}

static uint64_t qtest_le_load(const uint8_t *b, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = size; i-- > 0;) {
        v = v << 8 | b[i];
    }
    return v;
}

static void qtest_le_store(uint8_t *b, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        b[i] = (uint8_t)(v >> (8 * i));
    }
}

static bool qtest_arg_port(QtestProto *p, const char *word, uint64_t *port)
{
    if (!qtest_arg_u64(p, word, port)) {
        return false;
    }
    if (*port > 0xffff) {
        qtest_reply_err(p, "I/O port '%s' above 0xffff", word);
        return false;
    }
    return true;
}

/* outb / outw / outl PORT VALUE: the value is truncated to the width. */
static void qtest_verb_out(QtestProto *p, char **w, int n)
{
    unsigned size = qtest_width(w[0][3]);
    uint64_t port, value;
    uint8_t buf[4];

    if (!qtest_arg_port(p, w[1], &port) || !qtest_arg_u64(p, w[2], &value)) {
        return;
    }
    qtest_le_store(buf, size, value);
    address_space_write(p->io_as, port, MEMTXATTRS_UNSPECIFIED, buf, size);
    qtest_reply_ok(p);
}

/* inb / inw / inl PORT: "OK 0x%04x" even for inb and inl. */
static void qtest_verb_in(QtestProto *p, char **w, int n)
{
    unsigned size = qtest_width(w[0][2]);
    uint8_t buf[4];
    uint64_t port;

    if (!qtest_arg_port(p, w[1], &port)) {
        return;
    }
    address_space_read(p->io_as, port, MEMTXATTRS_UNSPECIFIED, buf, size);
    qtest_reply(p, "OK 0x%04x", (unsigned)qtest_le_load(buf, size));
}

static void qtest_verb_write_n(QtestProto *p, char **w, int n)
{
    unsigned size = qtest_width(w[0][5]);
    uint64_t addr, value;
    uint8_t buf[8];

    if (!qtest_arg_u64(p, w[1], &addr) || !qtest_arg_u64(p, w[2], &value)) {
        return;
    }
    qtest_le_store(buf, size, value);
    address_space_write(p->mem_as, addr, MEMTXATTRS_UNSPECIFIED, buf, size);
    qtest_reply_ok(p);
}

/* readb ... readq ADDR: always "OK 0x%016x". */
static void qtest_verb_read_n(QtestProto *p, char **w, int n)
{
    unsigned size = qtest_width(w[0][4]);
    uint8_t buf[8];
    uint64_t addr;

    if (!qtest_arg_u64(p, w[1], &addr)) {
        return;
    }
    address_space_read(p->mem_as, addr, MEMTXATTRS_UNSPECIFIED, buf, size);
    qtest_reply(p, "OK 0x%016" G_GINT64_MODIFIER "x",
                qtest_le_load(buf, size));
}

/* Read len bytes at addr into p->scratch; false (ERR sent) on bad args. */
static bool qtest_read_args(QtestProto *p, char **w, bool allow_zero,
                            uint64_t *addr, uint64_t *len)
{
    if (!qtest_arg_u64(p, w[1], addr) ||
        !qtest_arg_size(p, w[2], *addr, QTEST_MAX_XFER, allow_zero, len)) {
        return false;
    }
    g_byte_array_set_size(p->scratch, *len);
    if (*len) {
        address_space_read(p->mem_as, *addr, MEMTXATTRS_UNSPECIFIED,
                           p->scratch->data, *len);
    }
    return true;
}

/* read ADDR SIZE -> "OK 0x<lowercase hex>"; QEMU asserts on size 0. */
static void qtest_verb_read(QtestProto *p, char **w, int n)
{
    uint64_t addr, len;
    size_t start = p->out->len;

    if (!qtest_read_args(p, w, false, &addr, &len)) {
        return;
    }
    g_string_append_len(p->out, "OK 0x", 5);
    qtest_append_hex(p->out, p->scratch->data, len);
    g_string_append_c(p->out, '\n');
    qtest_log_send(p->log, p->out->str + start, p->out->len - start);
}

static void qtest_verb_b64read(QtestProto *p, char **w, int n)
{
    uint64_t addr, len;
    char *b64;

    /* QEMU answers "OK " for zero bytes here (only read asserts). */
    if (!qtest_read_args(p, w, true, &addr, &len)) {
        return;
    }
    b64 = g_base64_encode(p->scratch->data, len);
    qtest_reply(p, "OK %s", b64);
    g_free(b64);
}

/*
 * write ADDR SIZE 0xDATA: missing digits are zeros, extra ones ignored
 * (QEMU's rule).  QEMU's "ERR invalid argument size" for data shorter
 * than three characters is kept word for word.
 */
static void qtest_verb_write(QtestProto *p, char **w, int n)
{
    uint64_t addr, len;

    if (!qtest_arg_u64(p, w[1], &addr) ||
        !qtest_arg_size(p, w[2], addr, QTEST_MAX_XFER, true, &len)) {
        return;
    }
    if (strlen(w[3]) < 3) {
        qtest_reply(p, "ERR invalid argument size");
        return;
    }
    if (!len) {
        qtest_reply_ok(p);
        return;
    }
    if (!qtest_arg_hex(p, w[3], len, p->scratch)) {
        return;
    }
    address_space_write(p->mem_as, addr, MEMTXATTRS_UNSPECIFIED,
                        p->scratch->data, len);
    qtest_reply_ok(p);
}

/*
 * b64write ADDR SIZE B64: QEMU 7.2 writes SIZE bytes from its decode
 * buffer even when fewer were decoded (reading past the data); we write
 * only min(SIZE, decoded) bytes and log the mismatch as QEMU does.
 */
static void qtest_verb_b64write(QtestProto *p, char **w, int n)
{
    uint64_t addr, len;
    gsize out_len;
    guchar *data;

    if (!qtest_arg_u64(p, w[1], &addr) ||
        !qtest_arg_size(p, w[2], addr, QTEST_MAX_XFER, true, &len)) {
        return;
    }
    if (strlen(w[3]) < 3) {
        qtest_reply(p, "ERR invalid argument size");
        return;
    }
    data = g_base64_decode_inplace(w[3], &out_len);
    if (out_len != len) {
        char *note = g_strdup_printf("b64write: data length mismatch (told %"
                                     G_GUINT64_FORMAT ", found %zu)\n",
                                     len, (size_t)out_len);
        qtest_log_note(p->log, note);
        g_free(note);
    }
    address_space_write(p->mem_as, addr, MEMTXATTRS_UNSPECIFIED, data,
                        MIN(len, out_len));
    qtest_reply_ok(p);
}

/* memset ADDR SIZE VALUE: size 0 is allowed and does nothing. */
static void qtest_verb_memset(QtestProto *p, char **w, int n)
{
    uint64_t addr, len, value;

    if (!qtest_arg_u64(p, w[1], &addr) ||
        !qtest_arg_size(p, w[2], addr, QTEST_MAX_MEMSET, true, &len) ||
        !qtest_arg_u64(p, w[3], &value)) {
        return;
    }
    if (len) {
        address_space_set(p->mem_as, addr, MEMTXATTRS_UNSPECIFIED,
                          (uint8_t)value, len);
    }
    qtest_reply_ok(p);
}

static void qtest_verb_endianness(QtestProto *p, char **w, int n)
{
    qtest_reply(p, "OK little");
}

/* clock_step [NS]: without NS, to the next timer deadline (if any). */
static void qtest_verb_clock_step(QtestProto *p, char **w, int n)
{
    int64_t now = vclock_now(p->clock), ns;

    if (n > 1) {
        if (!qtest_arg_i64(p, w[1], &ns)) {
            return;
        }
    } else {
        int64_t deadline = vclock_next_deadline(p->clock);

        ns = deadline < 0 ? 0 : deadline - now;
    }
    if (ns > 0) {
        vclock_advance_to(p->clock, ns > INT64_MAX - now ? INT64_MAX
                                                         : now + ns);
    }
    qtest_reply(p, "OK %" G_GINT64_FORMAT, vclock_now(p->clock));
}

static void qtest_verb_clock_set(QtestProto *p, char **w, int n)
{
    int64_t ns;

    if (!qtest_arg_i64(p, w[1], &ns)) {
        return;
    }
    vclock_advance_to(p->clock, ns);
    qtest_reply(p, "OK %" G_GINT64_FORMAT, vclock_now(p->clock));
}

void qtest_irq_listener(void *opaque, int gsi, int level)
{
    QtestProto *p = opaque;

    level = level != 0;
    if (gsi < 0 || gsi >= QTEST_MAX_IRQ || p->irq_levels[gsi] == level) {
        return;
    }
    p->irq_levels[gsi] = level;
    qtest_reply(p, "IRQ %s %d", level ? "raise" : "lower", gsi);
}

/* No device of ours has output GPIO lines: nothing to report. */
static void qtest_irq_ignore(void *opaque, int gsi, int level)
{
}

/*
 * irq_intercept_in / irq_intercept_out PATH (e.g. "ioapic").  Only one
 * device can be intercepted; asking again for the same one is OK, for
 * another one FAIL.  As in QEMU, intercepting the outputs of a device
 * that has none (our interrupt controllers) succeeds and reports nothing.
 */
static void qtest_verb_irq_intercept(QtestProto *p, char **w, int n)
{
    bool out = w[0][14] == 'o';

    if (p->irq_path) {
        if (strcmp(p->irq_path, w[1]) == 0) {
            qtest_reply_ok(p);
        } else {
            qtest_reply(p, "FAIL IRQ intercept already enabled");
        }
        return;
    }
    if (!machine_irq_intercept(p->machine, w[1],
                               out ? qtest_irq_ignore : qtest_irq_listener,
                               p)) {
        qtest_reply(p, "FAIL Unknown device");
        return;
    }
    p->irq_path = g_strdup(w[1]);
    qtest_reply_ok(p);
}

/* set_irq_in PATH NAME NUM LEVEL ("unnamed-gpio-in" means no name). */
static void qtest_verb_set_irq_in(QtestProto *p, char **w, int n)
{
    const char *name = strcmp(w[2], "unnamed-gpio-in") ? w[2] : NULL;
    int num, level;

    if (!qtest_arg_int(p, w[3], &num) || !qtest_arg_int(p, w[4], &level)) {
        return;
    }
    if (!machine_set_irq_in(p->machine, w[1], name, num, level)) {
        qtest_reply(p, "FAIL Unknown device");
        return;
    }
    qtest_reply_ok(p);
}

/* module_load TYPE NAME: nothing is modular here, QEMU's failure reply. */
static void qtest_verb_module_load(QtestProto *p, char **w, int n)
{
    qtest_reply(p, "FAIL");
}

const QtestVerb qtest_verbs_qemu[] = {
    { "readl", 2, qtest_verb_read_n, false },
    { "writel", 3, qtest_verb_write_n, false },
    { "inl", 2, qtest_verb_in, false },
    { "outl", 3, qtest_verb_out, false },
    { "readq", 2, qtest_verb_read_n, false },
    { "writeq", 3, qtest_verb_write_n, false },
    { "readb", 2, qtest_verb_read_n, false },
    { "readw", 2, qtest_verb_read_n, false },
    { "writeb", 3, qtest_verb_write_n, false },
    { "writew", 3, qtest_verb_write_n, false },
    { "inb", 2, qtest_verb_in, false },
    { "inw", 2, qtest_verb_in, false },
    { "outb", 3, qtest_verb_out, false },
    { "outw", 3, qtest_verb_out, false },
    { "read", 3, qtest_verb_read, false },
    { "write", 4, qtest_verb_write, false },
    { "b64read", 3, qtest_verb_b64read, false },
    { "b64write", 4, qtest_verb_b64write, false },
    { "memset", 4, qtest_verb_memset, false },
    { "endianness", 1, qtest_verb_endianness, false },
    { "clock_step", 1, qtest_verb_clock_step, true },
    { "clock_set", 2, qtest_verb_clock_set, true },
    { "irq_intercept_in", 2, qtest_verb_irq_intercept, false },
    { "irq_intercept_out", 2, qtest_verb_irq_intercept, false },
    { "set_irq_in", 5, qtest_verb_set_irq_in, false },
    { "module_load", 3, qtest_verb_module_load, false },
    { NULL, 0, NULL, false },
};
