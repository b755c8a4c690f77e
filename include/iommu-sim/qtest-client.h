/*
 * A qtest client: start iommu-sim (or any QEMU binary) and talk the qtest
 * protocol to it.  Used by the harness benchmark and by C tests; the
 * Python module qtest/python/iommusim_qtest.py offers the same.
 *
 * The client either hands the child one end of a socketpair as its
 * stdin/stdout ("-qtest stdio") or listens on a unix socket and passes
 * "-qtest unix:PATH" (what QEMU's libqtest does).  Asynchronous lines
 * ("IRQ ...") that arrive before a reply are queued, not returned as the
 * reply, and IRQ raise/lower lines update a per-line level table.
 *
 * Typed helpers return all-ones / false when the reply is not OK and
 * record the reply in qtest_client_error().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IOMMU_SIM_QTEST_CLIENT_H
#define IOMMU_SIM_QTEST_CLIENT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct QtestClient QtestClient;

typedef enum {
    QTEST_CLIENT_STDIO,     /* socketpair as the child's stdin and stdout */
    QTEST_CLIENT_UNIX,      /* we listen, the child connects: -qtest unix: */
} QtestClientTransport;

#define QTEST_CLIENT_MAX_IRQ 256

/*
 * Start binary with args (NULL-terminated, without argv[0] and without
 * -qtest, which is appended).  The child's stderr is inherited.
 */
QtestClient *qtest_client_spawn(const char *binary, const char *const *args,
                                QtestClientTransport transport,
                                GError **errp);
/* Attach to a server started with -qtest unix:PATH,server=on. */
QtestClient *qtest_client_connect_unix(const char *path, GError **errp);

/* SIGTERM the child (if any), wait, free; returns its exit status
 * (128 + signal when killed by one, -1 when there was no child). */
int qtest_client_quit(QtestClient *c);
/* Close the channel (the server sees EOF), wait, free; exit status. */
int qtest_client_close(QtestClient *c);

pid_t qtest_client_pid(const QtestClient *c);
/* Per-line receive timeout in ms (default 10000). */
void qtest_client_set_timeout(QtestClient *c, int timeout_ms);

/* Raw I/O.  send appends the newline; recv returns one line without it
 * (NULL at EOF or timeout); the caller frees it. */
bool qtest_client_send(QtestClient *c, const char *line);
char *qtest_client_recv_line(QtestClient *c);

/* Send a command (printf format) and return its reply line; async lines
 * met on the way are queued.  NULL when the channel failed. */
char *qtest_client_cmd(QtestClient *c, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* Async lines ("IRQ raise 3", "IRQ msi ...") received so far. */
guint qtest_client_async_count(const QtestClient *c);
/* Oldest queued async line, or NULL; the caller frees it. */
char *qtest_client_async_pop(QtestClient *c);
/* Last level seen for "IRQ raise/lower N". */
bool qtest_client_irq_level(const QtestClient *c, int irq);

/* The last non-OK reply or channel error, NULL if none since clear. */
const char *qtest_client_error(const QtestClient *c);
void qtest_client_clear_error(QtestClient *c);

/* QEMU verbs. */
uint8_t qtest_client_inb(QtestClient *c, uint16_t port);
uint16_t qtest_client_inw(QtestClient *c, uint16_t port);
uint32_t qtest_client_inl(QtestClient *c, uint16_t port);
void qtest_client_outb(QtestClient *c, uint16_t port, uint8_t v);
void qtest_client_outw(QtestClient *c, uint16_t port, uint16_t v);
void qtest_client_outl(QtestClient *c, uint16_t port, uint32_t v);
uint8_t qtest_client_readb(QtestClient *c, uint64_t addr);
uint16_t qtest_client_readw(QtestClient *c, uint64_t addr);
uint32_t qtest_client_readl(QtestClient *c, uint64_t addr);
uint64_t qtest_client_readq(QtestClient *c, uint64_t addr);
void qtest_client_writeb(QtestClient *c, uint64_t addr, uint8_t v);
void qtest_client_writew(QtestClient *c, uint64_t addr, uint16_t v);
void qtest_client_writel(QtestClient *c, uint64_t addr, uint32_t v);
void qtest_client_writeq(QtestClient *c, uint64_t addr, uint64_t v);
bool qtest_client_memread(QtestClient *c, uint64_t addr, void *buf,
                          size_t len);
bool qtest_client_memwrite(QtestClient *c, uint64_t addr, const void *buf,
                           size_t len);
bool qtest_client_b64read(QtestClient *c, uint64_t addr, void *buf,
                          size_t len);
bool qtest_client_b64write(QtestClient *c, uint64_t addr, const void *buf,
                           size_t len);
bool qtest_client_memset(QtestClient *c, uint64_t addr, uint8_t byte,
                         size_t len);
/* ns < 0: to the next deadline.  Returns the new time, -1 on FAIL. */
int64_t qtest_client_clock_step(QtestClient *c, int64_t ns);
int64_t qtest_client_clock_set(QtestClient *c, int64_t ns);
bool qtest_client_irq_intercept_in(QtestClient *c, const char *path);

/* iommu-sim extensions (docs/harness.md).  opts: NULL or e.g.
 * "pasid=1 priv=1".  On an IOMMU fault they return false and *fault
 * (if not NULL) gets the fault name (caller frees). */
bool qtest_client_dma_read(QtestClient *c, uint16_t sid, uint64_t addr,
                           void *buf, size_t len, const char *opts,
                           char **fault);
bool qtest_client_dma_write(QtestClient *c, uint16_t sid, uint64_t addr,
                            const void *buf, size_t len, const char *opts,
                            char **fault);
bool qtest_client_msi(QtestClient *c, uint16_t sid, uint64_t addr,
                      uint32_t data);
bool qtest_client_msi_intercept(QtestClient *c, bool on);

/* PCI configuration mechanism #1 (0xcf8 / 0xcfc); bdf = bus<<8|dev<<3|fn. */
uint32_t qtest_client_pci_cfg_readl(QtestClient *c, uint16_t bdf,
                                    uint8_t off);
uint16_t qtest_client_pci_cfg_readw(QtestClient *c, uint16_t bdf,
                                    uint8_t off);
uint8_t qtest_client_pci_cfg_readb(QtestClient *c, uint16_t bdf,
                                   uint8_t off);
void qtest_client_pci_cfg_writel(QtestClient *c, uint16_t bdf, uint8_t off,
                                 uint32_t v);
void qtest_client_pci_cfg_writew(QtestClient *c, uint16_t bdf, uint8_t off,
                                 uint16_t v);

#endif
