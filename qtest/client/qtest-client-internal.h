/*
 * QtestClient state, shared by the transport half (qtest-client.c) and
 * the typed helpers (qtest-client-ops.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef QTEST_CLIENT_INTERNAL_H
#define QTEST_CLIENT_INTERNAL_H

#include "iommu-sim/qtest-client.h"

struct QtestClient {
    int fd;
    pid_t pid;              /* -1 when attached to a running server */
    char *tmpdir;           /* unix transport: socket directory */
    int timeout_ms;
    bool rcvtimeo;          /* fd is a socket with SO_RCVTIMEO set */
    GString *rbuf;          /* received bytes not yet returned as lines */
    size_t rpos;            /* start of unread data in rbuf */
    GString *wbuf;          /* reused send buffer */
    GQueue async;           /* char * lines */
    bool irq_level[QTEST_CLIENT_MAX_IRQ];
    char *error;
};

/* Record a failure (takes a copy). */
void qtest_client_set_error(QtestClient *c, const char *msg);
/* Send a command and return its reply if it starts with "OK"; else NULL
 * and the reply becomes the error. */
char *qtest_client_cmd_ok(QtestClient *c, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

#endif
