/*
 * The qtest channel: stdio, or a unix / tcp socket that we either connect
 * to (QEMU's -qtest unix:PATH: the client listens) or listen on and
 * accept one client (server=on).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef QTEST_CHARDEV_H
#define QTEST_CHARDEV_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct QtestChannel {
    int in_fd;          /* -1 until connected */
    int out_fd;
    int listen_fd;      /* server form: -1 otherwise */
    bool server_wait;   /* server form: wait for the client before serving */
    bool reaccept;      /* server form: keep listening for the next client */
    char *unix_path;    /* server socket file to unlink at close */
    char *description;  /* "unix:/path" / "tcp:host:port" as bound */
} QtestChannel;

/* Parse spec and connect or listen.  Errors name the spec. */
bool qtest_chardev_open(QtestChannel *ch, const char *spec, GError **errp);
/* The same for another option's spec (errors name opt, e.g. "-qmp"). */
bool qtest_chardev_open_for(QtestChannel *ch, const char *opt,
                            const char *spec, GError **errp);
/* Server form: accept the one client (blocking). */
bool qtest_chardev_accept(QtestChannel *ch, GError **errp);
void qtest_chardev_close(QtestChannel *ch);
/* Close the client connection only (a reaccept server listens on). */
void qtest_chardev_disconnect(QtestChannel *ch);

/* Write everything (retrying on EINTR / short writes); false on error. */
bool qtest_chardev_write_all(int fd, const char *buf, size_t len);

#endif
