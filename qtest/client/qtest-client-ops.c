/*
 * Typed helpers of the qtest client: one per protocol verb, plus PCI
 * configuration access through mechanism #1.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "qtest/client/qtest-client-internal.h"

/* "OK 0x1234" -> 0x1234; all-ones when the reply is not OK. */
static uint64_t qtest_client_value(QtestClient *c, char *reply)
{
    uint64_t v = UINT64_MAX;

    if (reply) {
        v = strtoull(reply + 2, NULL, 0);
        g_free(reply);
    }
    return v;
}

static uint64_t qtest_client_in(QtestClient *c, char size, uint16_t port)
{
    return qtest_client_value(c, qtest_client_cmd_ok(c, "in%c 0x%x", size,
                                                     port));
}

static void qtest_client_out(QtestClient *c, char size, uint16_t port,
                             uint32_t v)
{
    g_free(qtest_client_cmd_ok(c, "out%c 0x%x 0x%x", size, port, v));
}

static uint64_t qtest_client_load(QtestClient *c, char size, uint64_t addr)
{
    return qtest_client_value(c, qtest_client_cmd_ok(c, "read%c 0x%" PRIx64,
                                                     size, addr));
}

static void qtest_client_store(QtestClient *c, char size, uint64_t addr,
                               uint64_t v)
{
    g_free(qtest_client_cmd_ok(c, "write%c 0x%" PRIx64 " 0x%" PRIx64, size,
                               addr, v));
}

uint8_t qtest_client_inb(QtestClient *c, uint16_t port)
{
    return (uint8_t)qtest_client_in(c, 'b', port);
}

uint16_t qtest_client_inw(QtestClient *c, uint16_t port)
{
    return (uint16_t)qtest_client_in(c, 'w', port);
}

uint32_t qtest_client_inl(QtestClient *c, uint16_t port)
{
    return (uint32_t)qtest_client_in(c, 'l', port);
}

void qtest_client_outb(QtestClient *c, uint16_t port, uint8_t v)
{
    qtest_client_out(c, 'b', port, v);
}

void qtest_client_outw(QtestClient *c, uint16_t port, uint16_t v)
{
    qtest_client_out(c, 'w', port, v);
}

void qtest_client_outl(QtestClient *c, uint16_t port, uint32_t v)
{
    qtest_client_out(c, 'l', port, v);
}

uint8_t qtest_client_readb(QtestClient *c, uint64_t addr)
{
    return (uint8_t)qtest_client_load(c, 'b', addr);
}

uint16_t qtest_client_readw(QtestClient *c, uint64_t addr)
{
    return (uint16_t)qtest_client_load(c, 'w', addr);
}

uint32_t qtest_client_readl(QtestClient *c, uint64_t addr)
{
    return (uint32_t)qtest_client_load(c, 'l', addr);
}

uint64_t qtest_client_readq(QtestClient *c, uint64_t addr)
{
    return (uint64_t)qtest_client_load(c, 'q', addr);
}

void qtest_client_writeb(QtestClient *c, uint64_t addr, uint8_t v)
{
    qtest_client_store(c, 'b', addr, v);
}

void qtest_client_writew(QtestClient *c, uint64_t addr, uint16_t v)
{
    qtest_client_store(c, 'w', addr, v);
}

void qtest_client_writel(QtestClient *c, uint64_t addr, uint32_t v)
{
    qtest_client_store(c, 'l', addr, v);
}

void qtest_client_writeq(QtestClient *c, uint64_t addr, uint64_t v)
{
    qtest_client_store(c, 'q', addr, v);
}

static int qtest_client_nibble(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

/* "0x<2*len hex digits>" into buf. */
static bool qtest_client_unhex(QtestClient *c, const char *hex, void *buf,
                               size_t len)
{
    uint8_t *out = buf;

    if (strncmp(hex, "0x", 2) || strlen(hex + 2) != 2 * len) {
        qtest_client_set_error(c, "malformed hex data in reply");
        return false;
    }
    hex += 2;
    for (size_t i = 0; i < len; i++) {
        int hi = qtest_client_nibble(hex[2 * i]);
        int lo = qtest_client_nibble(hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            qtest_client_set_error(c, "malformed hex data in reply");
            return false;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static char *qtest_client_hex(const void *buf, size_t len)
{
    const uint8_t *b = buf;
    char *s = g_malloc(2 * len + 3);

    strcpy(s, "0x");
    for (size_t i = 0; i < len; i++) {
        g_snprintf(s + 2 + 2 * i, 3, "%02x", b[i]);
    }
    return s;
}

bool qtest_client_memread(QtestClient *c, uint64_t addr, void *buf,
                          size_t len)
{
    char *r = qtest_client_cmd_ok(c, "read 0x%" PRIx64 " 0x%zx", addr, len);
    bool ok = r && r[2] == ' ' && qtest_client_unhex(c, r + 3, buf, len);

    g_free(r);
    return ok;
}

bool qtest_client_memwrite(QtestClient *c, uint64_t addr, const void *buf,
                           size_t len)
{
    char *hex = qtest_client_hex(buf, len);
    char *r = qtest_client_cmd_ok(c, "write 0x%" PRIx64 " 0x%zx %s", addr,
                                  len, hex);

    g_free(hex);
    g_free(r);
    return r != NULL;
}

bool qtest_client_b64read(QtestClient *c, uint64_t addr, void *buf,
                          size_t len)
{
    char *r = qtest_client_cmd_ok(c, "b64read 0x%" PRIx64 " 0x%zx", addr,
                                  len);
    gsize out_len = 0;
    guchar *data;
    bool ok;

    if (!r) {
        return false;
    }
    data = g_base64_decode(r[2] ? r + 3 : "", &out_len);
    ok = out_len == len;
    if (ok) {
        memcpy(buf, data, len);
    } else {
        qtest_client_set_error(c, "b64read: wrong length in reply");
    }
    g_free(data);
    g_free(r);
    return ok;
}

bool qtest_client_b64write(QtestClient *c, uint64_t addr, const void *buf,
                           size_t len)
{
    char *b64 = g_base64_encode(buf, len);
    char *r = qtest_client_cmd_ok(c, "b64write 0x%" PRIx64 " 0x%zx %s", addr,
                                  len, b64);

    g_free(b64);
    g_free(r);
    return r != NULL;
}

bool qtest_client_memset(QtestClient *c, uint64_t addr, uint8_t byte,
                         size_t len)
{
    char *r = qtest_client_cmd_ok(c, "memset 0x%" PRIx64 " 0x%zx 0x%02x",
                                  addr, len, byte);

    g_free(r);
    return r != NULL;
}

int64_t qtest_client_clock_step(QtestClient *c, int64_t ns)
{
    char *r = ns < 0 ? qtest_client_cmd_ok(c, "clock_step")
                     : qtest_client_cmd_ok(c, "clock_step %" PRId64, ns);
    int64_t t = r ? strtoll(r + 2, NULL, 10) : -1;

    g_free(r);
    return t;
}

int64_t qtest_client_clock_set(QtestClient *c, int64_t ns)
{
    char *r = qtest_client_cmd_ok(c, "clock_set %" PRId64, ns);
    int64_t t = r ? strtoll(r + 2, NULL, 10) : -1;

    g_free(r);
    return t;
}

bool qtest_client_irq_intercept_in(QtestClient *c, const char *path)
{
    char *r = qtest_client_cmd_ok(c, "irq_intercept_in %s", path);

    g_free(r);
    return r != NULL;
}

/* "OK FAULT name" -> false with *fault set; "OK ..." -> true. */
static bool qtest_client_fault(char *r, char **fault)
{
    if (r && g_str_has_prefix(r, "OK FAULT ")) {
        if (fault) {
            *fault = g_strdup(r + 9);
        }
        return true;
    }
    return false;
}

bool qtest_client_dma_read(QtestClient *c, uint16_t sid, uint64_t addr,
                           void *buf, size_t len, const char *opts,
                           char **fault)
{
    char *r = qtest_client_cmd_ok(c, "dma_read 0x%x 0x%" PRIx64 " 0x%zx %s",
                                  sid, addr, len, opts ? opts : "");
    bool ok = r && !qtest_client_fault(r, fault) && r[2] == ' ' &&
              qtest_client_unhex(c, r + 3, buf, len);

    g_free(r);
    return ok;
}

bool qtest_client_dma_write(QtestClient *c, uint16_t sid, uint64_t addr,
                            const void *buf, size_t len, const char *opts,
                            char **fault)
{
    char *hex = qtest_client_hex(buf, len);
    char *r = qtest_client_cmd_ok(c, "dma_write 0x%x 0x%" PRIx64 " %s %s",
                                  sid, addr, hex, opts ? opts : "");
    bool ok = r && !qtest_client_fault(r, fault);

    g_free(hex);
    g_free(r);
    return ok;
}

bool qtest_client_msi(QtestClient *c, uint16_t sid, uint64_t addr,
                      uint32_t data)
{
    char *r = qtest_client_cmd_ok(c, "msi 0x%x 0x%" PRIx64 " 0x%x", sid,
                                  addr, data);

    g_free(r);
    return r != NULL;
}

bool qtest_client_msi_intercept(QtestClient *c, bool on)
{
    char *r = qtest_client_cmd_ok(c, "msi_intercept %s", on ? "on" : "off");

    g_free(r);
    return r != NULL;
}

static void qtest_client_cfg_addr(QtestClient *c, uint16_t bdf, uint8_t off)
{
    qtest_client_outl(c, 0xcf8, 0x80000000u | (uint32_t)bdf << 8 |
                      (off & 0xfc));
}

uint32_t qtest_client_pci_cfg_readl(QtestClient *c, uint16_t bdf,
                                    uint8_t off)
{
    qtest_client_cfg_addr(c, bdf, off);
    return qtest_client_inl(c, 0xcfc);
}

uint16_t qtest_client_pci_cfg_readw(QtestClient *c, uint16_t bdf,
                                    uint8_t off)
{
    qtest_client_cfg_addr(c, bdf, off);
    return qtest_client_inw(c, 0xcfc + (off & 2));
}

uint8_t qtest_client_pci_cfg_readb(QtestClient *c, uint16_t bdf, uint8_t off)
{
    qtest_client_cfg_addr(c, bdf, off);
    return qtest_client_inb(c, 0xcfc + (off & 3));
}

void qtest_client_pci_cfg_writel(QtestClient *c, uint16_t bdf, uint8_t off,
                                 uint32_t v)
{
    qtest_client_cfg_addr(c, bdf, off);
    qtest_client_outl(c, 0xcfc, v);
}

void qtest_client_pci_cfg_writew(QtestClient *c, uint16_t bdf, uint8_t off,
                                 uint16_t v)
{
    qtest_client_cfg_addr(c, bdf, off);
    qtest_client_outw(c, 0xcfc + (off & 2), v);
}
