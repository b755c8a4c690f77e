/*
 * qtest channel setup.  Specs follow QEMU's legacy chardev syntax:
 * "stdio", "unix:PATH[,server=on|off][,wait=on|off]",
 * "tcp:[HOST]:PORT[,server=on|off][,wait=on|off]" (also the old
 * "server" / "nowait" flags).  Only one client is ever served.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "qtest/chardev.h"

#define CHR_ERROR g_quark_from_static_string("harness-chardev")

typedef struct ChrSpec {
    char *addr;         /* after "unix:" / "tcp:" */
    bool is_unix;
    bool server;
    bool wait;
} ChrSpec;

static bool chr_flag(const char *item, const char *key, bool *val)
{
    size_t n = strlen(key);

    if (strcmp(item, key) == 0) {
        *val = true;
        return true;
    }
    if (strncmp(item, key, n) || item[n] != '=') {
        return false;
    }
    *val = strcmp(item + n + 1, "on") == 0 || strcmp(item + n + 1, "yes") == 0
           || strcmp(item + n + 1, "true") == 0;
    return true;
}

static bool chr_parse(const char *opt, const char *spec, ChrSpec *cs,
                      GError **errp)
{
    char **items = g_strsplit(spec, ",", -1);
    bool ok = true, nowait = false;

    cs->wait = true;
    cs->is_unix = g_str_has_prefix(items[0], "unix:");
    if (!cs->is_unix && !g_str_has_prefix(items[0], "tcp:")) {
        g_set_error(errp, CHR_ERROR, 1, "%s %s: '%s' is not a valid char "
                    "driver (accepted: stdio, unix:PATH, tcp:HOST:PORT)",
                    opt, spec, items[0]);
        g_strfreev(items);
        return false;
    }
    cs->addr = g_strdup(items[0] + 4 + cs->is_unix);
    for (int i = 1; ok && items[i]; i++) {
        bool ign;

        if (chr_flag(items[i], "server", &cs->server) ||
            chr_flag(items[i], "wait", &cs->wait)) {
            continue;
        }
        if (chr_flag(items[i], "nowait", &nowait)) {
            cs->wait = !nowait;
        } else if (!chr_flag(items[i], "nodelay", &ign) &&
                   !chr_flag(items[i], "ipv4", &ign) &&
                   !chr_flag(items[i], "ipv6", &ign)) {
            g_set_error(errp, CHR_ERROR, 1, "%s %s: unknown option '%s' "
                        "(accepted: server, wait)", opt, spec, items[i]);
            ok = false;
        }
    }
    g_strfreev(items);
    return ok;
}

/*
 * Listen on path such that the path appears only once it accepts
 * connections: bind a temporary name, listen, then rename it into place.
 * Binding path itself would let a client that polls for the file connect
 * between bind() and listen() and be refused.
 */
static bool chr_unix_listen(int fd, const char *path, GError **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.%d~", path,
                     (int)getpid());
    bool ok;

    if (n < 0 || (size_t)n >= sizeof(sa.sun_path)) {
        /* No room for a temporary name: bind the path directly. */
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    }
    unlink(sa.sun_path);
    ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
         listen(fd, 1) == 0 &&
         (strcmp(sa.sun_path, path) == 0 || rename(sa.sun_path, path) == 0);
    if (!ok) {
        g_set_error(errp, CHR_ERROR, 1, "Failed to bind socket to %s: %s",
                    path, g_strerror(errno));
        unlink(sa.sun_path);
    }
    return ok;
}

static int chr_unix_socket(const char *path, bool server, GError **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path) || !*path) {
        g_set_error(errp, CHR_ERROR, 1, "unix socket path '%s' is empty or "
                    "too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        g_set_error(errp, CHR_ERROR, 1, "socket: %s", g_strerror(errno));
        return -1;
    }
    if (server) {
        if (chr_unix_listen(fd, path, errp)) {
            return fd;
        }
    } else {
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            return fd;
        }
        g_set_error(errp, CHR_ERROR, 1, "Failed to connect to '%s': %s",
                    path, g_strerror(errno));
    }
    close(fd);
    return -1;
}

static int chr_tcp_try(const struct addrinfo *ai, bool server)
{
    int one = 1;
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);

    if (fd < 0) {
        return -1;
    }
    if (server) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0) {
            return fd;
        }
    } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        return fd;
    }
    close(fd);
    return -1;
}

static int chr_tcp_socket(const char *addr, bool server, GError **errp)
{
    const char *colon = strrchr(addr, ':');
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
    char *host;
    int fd = -1, rc, err = 0;

    if (!colon || !colon[1]) {
        g_set_error(errp, CHR_ERROR, 1, "tcp address '%s' needs HOST:PORT",
                    addr);
        return -1;
    }
    host = g_strndup(addr, colon - addr);
    hints.ai_flags = server ? AI_PASSIVE : 0;
    rc = getaddrinfo(*host ? host : NULL, colon + 1, &hints, &res);
    if (rc) {
        g_set_error(errp, CHR_ERROR, 1, "address resolution failed for "
                    "%s: %s", addr, gai_strerror(rc));
        g_free(host);
        return -1;
    }
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = chr_tcp_try(ai, server);
        err = errno;
    }
    if (fd < 0) {
        g_set_error(errp, CHR_ERROR, 1, "Failed to %s '%s': %s",
                    server ? "listen on" : "connect to", addr,
                    g_strerror(err));
    }
    freeaddrinfo(res);
    g_free(host);
    return fd;
}

static char *chr_bound_name(int fd, const ChrSpec *cs)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[256], port[32];

    if (cs->is_unix || getsockname(fd, (struct sockaddr *)&ss, &len) ||
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port,
                    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV)) {
        return g_strdup_printf("%s:%s", cs->is_unix ? "unix" : "tcp",
                               cs->addr);
    }
    return g_strdup_printf("tcp:%s:%s", host, port);
}

bool qtest_chardev_open(QtestChannel *ch, const char *spec, GError **errp)
{
    return qtest_chardev_open_for(ch, "-qtest", spec, errp);
}

bool qtest_chardev_open_for(QtestChannel *ch, const char *opt,
                            const char *spec, GError **errp)
{
    ChrSpec cs = { 0 };
    int fd;

    memset(ch, 0, sizeof(*ch));
    ch->in_fd = ch->out_fd = ch->listen_fd = -1;
    if (strcmp(spec, "stdio") == 0) {
        ch->in_fd = STDIN_FILENO;
        ch->out_fd = STDOUT_FILENO;
        ch->description = g_strdup("stdio");
        return true;
    }
    if (!chr_parse(opt, spec, &cs, errp)) {
        g_free(cs.addr);
        return false;
    }
    fd = cs.is_unix ? chr_unix_socket(cs.addr, cs.server, errp)
                    : chr_tcp_socket(cs.addr, cs.server, errp);
    if (fd >= 0) {
        ch->description = chr_bound_name(fd, &cs);
        if (cs.server) {
            ch->listen_fd = fd;
            ch->server_wait = cs.wait;
            ch->unix_path = cs.is_unix ? g_strdup(cs.addr) : NULL;
        } else {
            ch->in_fd = ch->out_fd = fd;
        }
    }
    g_free(cs.addr);
    return fd >= 0;
}

bool qtest_chardev_accept(QtestChannel *ch, GError **errp)
{
    int fd;

    do {
        fd = accept4(ch->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        g_set_error(errp, CHR_ERROR, 1, "accept on %s: %s", ch->description,
                    g_strerror(errno));
        return false;
    }
    ch->in_fd = ch->out_fd = fd;
    if (!ch->reaccept) {
        /* One client only: stop listening, as a QEMU socket chardev does. */
        close(ch->listen_fd);
        ch->listen_fd = -1;
    }
    return true;
}

void qtest_chardev_disconnect(QtestChannel *ch)
{
    if (ch->in_fd > STDERR_FILENO) {
        close(ch->in_fd);
    }
    ch->in_fd = ch->out_fd = -1;
}

void qtest_chardev_close(QtestChannel *ch)
{
    if (ch->in_fd > STDERR_FILENO) {
        close(ch->in_fd);
    }
    if (ch->listen_fd >= 0) {
        close(ch->listen_fd);
    }
    if (ch->unix_path) {
        unlink(ch->unix_path);
    }
    g_free(ch->unix_path);
    g_free(ch->description);
    memset(ch, 0, sizeof(*ch));
    ch->in_fd = ch->out_fd = ch->listen_fd = -1;
}

bool qtest_chardev_write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        buf += n;
        len -= n;
    }
    return true;
}
