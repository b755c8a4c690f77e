/*
 * Shared between the protocol engine's files: the state, the verb table
 * entry type and the argument parsers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef QTEST_PROTO_INTERNAL_H
#define QTEST_PROTO_INTERNAL_H

#include "qtest/proto.h"

#define QTEST_MAX_WORDS 16
#define QTEST_MAX_IRQ 256
/* Largest read / write / b64read / dma_read size: replies stay sane. */
#define QTEST_MAX_XFER (64ull * 1024 * 1024)
/* memset allocates nothing, so it may cover more. */
#define QTEST_MAX_MEMSET (4ull * 1024 * 1024 * 1024)

struct QtestProto {
    Machine *machine;
    AddressSpace *mem_as;
    AddressSpace *io_as;
    VirtualClock *clock;
    QtestLog *log;
    bool qtest_clock;

    GString *in;            /* bytes not yet forming a complete line */
    bool discarding;        /* inside an over-long line */
    GString *out;           /* replies and async lines not yet written */
    GByteArray *scratch;    /* reused data buffer for read / write */

    char *irq_path;         /* what irq_intercept_* attached to */
    int irq_levels[QTEST_MAX_IRQ];
    bool msi_intercept;
};

typedef void (*QtestVerbFn)(QtestProto *p, char **w, int n);

typedef struct QtestVerb {
    const char *name;
    int min_words;          /* including the verb itself */
    QtestVerbFn fn;
    bool needs_qtest_clock; /* only exists with -accel qtest */
} QtestVerb;

/* NULL-terminated tables, searched in order: QEMU's verbs, then ours. */
extern const QtestVerb qtest_verbs_qemu[];
extern const QtestVerb qtest_verbs_ext[];

/* Output: each call appends one complete line (the "\n" is added). */
void qtest_reply(QtestProto *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void qtest_reply_ok(QtestProto *p);
void qtest_reply_err(QtestProto *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/*
 * Argument parsing.  Numbers follow strtoull base 0, as QEMU's
 * qemu_strtou64 (decimal, 0x hex, 0 octal; a leading '-' wraps); the
 * whole word must be consumed.  On failure each replies ERR and returns
 * false, so handlers just return.
 */
bool qtest_arg_u64(QtestProto *p, const char *word, uint64_t *v);
bool qtest_arg_i64(QtestProto *p, const char *word, int64_t *v);
bool qtest_arg_int(QtestProto *p, const char *word, int *v);
/* A size for a transfer: > 0 unless allow_zero, <= max, no wrap at addr. */
bool qtest_arg_size(QtestProto *p, const char *word, uint64_t addr,
                    uint64_t max, bool allow_zero, uint64_t *len);
/*
 * "0x" + hex digits into buf (resized to len); digits beyond len bytes
 * are ignored and missing ones read as zero, as QEMU's write does.
 * len == 0 means "as many bytes as the digits give".
 */
bool qtest_arg_hex(QtestProto *p, const char *word, uint64_t len,
                   GByteArray *buf);
/* "BB:DD.F" or a number 0..0xffff. */
bool qtest_arg_sid(QtestProto *p, const char *word, uint16_t *sid);

/* Lowercase hex of len bytes appended to s. */
void qtest_append_hex(GString *s, const uint8_t *data, size_t len);

/* dma_bench (proto-timing.c), registered in qtest_verbs_ext. */
void qtest_verb_dma_bench(QtestProto *p, char **w, int n);

/* The async "IRQ raise N" / "IRQ lower N" listener for irq_intercept. */
void qtest_irq_listener(void *opaque, int gsi, int level);

#endif
