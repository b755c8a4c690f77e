/*
 * Extension verbs (docs/harness.md): device-side traffic without
 * programming a device, MSI injection and observation, statistics.
 * A QEMU client never sends these, so QEMU compatibility is unaffected.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "qtest/proto-internal.h"

/* Trailing key=value options of dma_read / dma_write. */
static bool qtest_dma_opts(QtestProto *p, char **w, int n, uint16_t sid,
                           MemTxAttrs *attrs)
{
    *attrs = memtxattrs_for_requester(sid);
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(w[i], '=');
        uint64_t v;

        if (!eq) {
            qtest_reply_err(p, "expected key=value, got '%s'", w[i]);
            return false;
        }
        if (!qtest_arg_u64(p, eq + 1, &v)) {
            return false;
        }
        if (strncmp(w[i], "pasid=", 6) == 0) {
            if (v > 0xfffff) {
                qtest_reply_err(p, "pasid 0x%" G_GINT64_MODIFIER "x above "
                                "20 bits", v);
                return false;
            }
            attrs->has_pasid = true;
            attrs->pasid = (uint32_t)v;
        } else if (strncmp(w[i], "priv=", 5) == 0) {
            attrs->priv = v != 0;
        } else if (strncmp(w[i], "exec=", 5) == 0) {
            attrs->exec = v != 0;
        } else {
            qtest_reply_err(p, "unknown option '%s' (pasid=, priv=, exec=)",
                            w[i]);
            return false;
        }
    }
    return true;
}

/*
 * The modelled cost of the access (translation latency, docs/timing.md)
 * passes on the virtual clock, so timers due by then (an invalidation
 * wait completing, say) fire before the reply; real time moves by itself.
 */
static void qtest_dma_charge(QtestProto *p, const MemTxInfo *info)
{
    int64_t now;

    if (info->cost_ns == 0 || vclock_is_realtime(p->clock)) {
        return;
    }
    now = vclock_now(p->clock);
    vclock_advance_to(p->clock, info->cost_ns > (uint64_t)(INT64_MAX - now)
                      ? INT64_MAX : now + (int64_t)info->cost_ns);
}

static void qtest_reply_fault(QtestProto *p, const MemTxInfo *info)
{
    qtest_reply(p, "OK FAULT %s",
                info->fault_name ? info->fault_name : "unknown");
}

/*
 * dma_read SID ADDR LEN [pasid=P] [priv=1] [exec=1]
 * LEN 0 is a zero-length read (VT-d 5.10 §3.14's flush): no data, but
 * the IOMMU on the path still translates it, so it can fault.
 */
static void qtest_verb_dma_read(QtestProto *p, char **w, int n)
{
    uint64_t addr, len;
    MemTxAttrs attrs;
    MemTxInfo info = { 0 };
    uint16_t sid;
    size_t start;

    if (!qtest_arg_sid(p, w[1], &sid) || !qtest_arg_u64(p, w[2], &addr) ||
        !qtest_arg_size(p, w[3], addr, QTEST_MAX_XFER, true, &len) ||
        !qtest_dma_opts(p, w + 4, n - 4, sid, &attrs)) {
        return;
    }
    g_byte_array_set_size(p->scratch, len);
    if (len) {
        memset(p->scratch->data, 0, len);
    }
    address_space_rw(machine_dma_as(p->machine, sid), addr, attrs,
                     len ? p->scratch->data : NULL, len, false, &info);
    qtest_dma_charge(p, &info);
    if (info.faulted) {
        qtest_reply_fault(p, &info);
        return;
    }
    start = p->out->len;
    g_string_append_len(p->out, "OK 0x", 5);
    qtest_append_hex(p->out, p->scratch->data, len);
    g_string_append_c(p->out, '\n');
    qtest_log_send(p->log, p->out->str + start, p->out->len - start);
}

/* dma_write SID ADDR 0xDATA [pasid=P] [priv=1] [exec=1] */
static void qtest_verb_dma_write(QtestProto *p, char **w, int n)
{
    MemTxAttrs attrs;
    MemTxInfo info = { 0 };
    uint64_t addr;
    uint16_t sid;

    if (!qtest_arg_sid(p, w[1], &sid) || !qtest_arg_u64(p, w[2], &addr) ||
        !qtest_arg_hex(p, w[3], 0, p->scratch) ||
        !qtest_dma_opts(p, w + 4, n - 4, sid, &attrs)) {
        return;
    }
    if (p->scratch->len == 0) {
        qtest_reply_err(p, "no data");
        return;
    }
    if (addr + p->scratch->len - 1 < addr) {
        qtest_reply_err(p, "range wraps past the end of the address space");
        return;
    }
    address_space_rw(machine_dma_as(p->machine, sid), addr, attrs,
                     p->scratch->data, p->scratch->len, true, &info);
    qtest_dma_charge(p, &info);
    if (info.faulted) {
        qtest_reply_fault(p, &info);
        return;
    }
    qtest_reply_ok(p);
}

/* msi SID ADDR DATA: a DWORD write to the interrupt range by SID. */
static void qtest_verb_msi(QtestProto *p, char **w, int n)
{
    uint64_t addr, data;
    uint16_t sid;
    MsiMessage msg;

    if (!qtest_arg_sid(p, w[1], &sid) || !qtest_arg_u64(p, w[2], &addr) ||
        !qtest_arg_u64(p, w[3], &data)) {
        return;
    }
    if (data > 0xffffffffu) {
        qtest_reply_err(p, "MSI data above 32 bits");
        return;
    }
    msg.address = addr;
    msg.data = (uint32_t)data;
    msi_sink_deliver(machine_msi_sink(p->machine), msg,
                     memtxattrs_for_requester(sid));
    qtest_reply_ok(p);
}

static const char *qtest_msi_mode_name(uint8_t mode)
{
    static const char *const names[8] = {
        "fixed", "lowest", "smi", "reserved3", "nmi", "init", "reserved6",
        "extint",
    };
    return names[mode & 7];
}

/*
 * Async line for a delivered MSI, one line, fixed field order:
 * IRQ msi ADDR DATA dest=N vector=0xVV mode=M dest_mode=physical|logical
 *     trigger=edge|level rid=BB:DD.F|none remapped=0|1
 */
static void qtest_msi_listener(void *opaque, const MsiRecord *rec)
{
    QtestProto *p = opaque;
    char rid[16] = "none";

    if (rec->has_requester) {
        g_snprintf(rid, sizeof(rid), "%02x:%02x.%u", rec->requester_id >> 8,
                   (rec->requester_id >> 3) & 0x1f, rec->requester_id & 7);
    }
    qtest_reply(p, "IRQ msi 0x%" G_GINT64_MODIFIER "x 0x%x dest=%u "
                "vector=0x%02x mode=%s dest_mode=%s trigger=%s rid=%s "
                "remapped=%d", rec->msg.address, rec->msg.data, rec->dest,
                rec->vector, qtest_msi_mode_name(rec->delivery_mode),
                rec->dest_mode_logical ? "logical" : "physical",
                rec->trigger_level ? "level" : "edge", rid, rec->remapped);
}

static void qtest_verb_msi_intercept(QtestProto *p, char **w, int n)
{
    MsiSink *sink = machine_msi_sink(p->machine);

    if (strcmp(w[1], "on") == 0) {
        msi_sink_set_listener(sink, qtest_msi_listener, p);
        p->msi_intercept = true;
    } else if (strcmp(w[1], "off") == 0) {
        msi_sink_set_listener(sink, NULL, NULL);
        p->msi_intercept = false;
    } else {
        qtest_reply_err(p, "msi_intercept: expected on or off");
        return;
    }
    qtest_reply_ok(p);
}

/* stats [NAME] -> OK name=value ... */
static void qtest_verb_stats(QtestProto *p, char **w, int n)
{
    char *text = machine_stats(p->machine, n > 1 ? w[1] : NULL);

    if (!text) {
        qtest_reply(p, "FAIL no statistics%s%s", n > 1 ? " for " : "",
                    n > 1 ? w[1] : "");
        return;
    }
    qtest_reply(p, "OK %s", text);
    g_free(text);
}

const QtestVerb qtest_verbs_ext[] = {
    { "dma_read", 4, qtest_verb_dma_read, false },
    { "dma_write", 4, qtest_verb_dma_write, false },
    { "msi", 4, qtest_verb_msi, false },
    { "msi_intercept", 2, qtest_verb_msi_intercept, false },
    { "stats", 1, qtest_verb_stats, false },
    { "dma_bench", 6, qtest_verb_dma_bench, false },
    { NULL, 0, NULL, false },
};
