/*
 * qtest client transport: spawning the server, line I/O with timeouts,
 * async line collection.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qtest/client/qtest-client-internal.h"

#define CLIENT_ERROR g_quark_from_static_string("qtest-client")

/*
 * On a socket the receive timeout is SO_RCVTIMEO, so a reply costs one
 * read() instead of poll() + read(): round trips are what we measure.
 */
static void qtest_client_apply_timeout(QtestClient *c)
{
    struct timeval tv = {
        .tv_sec = c->timeout_ms / 1000,
        .tv_usec = (c->timeout_ms % 1000) * 1000,
    };

    c->rcvtimeo = setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                             sizeof(tv)) == 0;
}

static QtestClient *qtest_client_alloc(int fd, pid_t pid)
{
    QtestClient *c = g_new0(QtestClient, 1);

    c->fd = fd;
    c->pid = pid;
    c->timeout_ms = 10000;
    qtest_client_apply_timeout(c);
    c->rbuf = g_string_sized_new(65536);
    c->wbuf = g_string_sized_new(256);
    g_queue_init(&c->async);
    return c;
}

static char **qtest_client_argv(const char *binary, const char *const *args,
                                const char *chardev)
{
    GPtrArray *v = g_ptr_array_new();

    g_ptr_array_add(v, g_strdup(binary));
    for (int i = 0; args && args[i]; i++) {
        g_ptr_array_add(v, g_strdup(args[i]));
    }
    g_ptr_array_add(v, g_strdup("-qtest"));
    g_ptr_array_add(v, g_strdup(chardev));
    g_ptr_array_add(v, NULL);
    return (char **)g_ptr_array_free(v, FALSE);
}

/* fork + exec; child_fd (if >= 0) becomes stdin and stdout. */
static pid_t qtest_client_fork(char **argv, int child_fd, GError **errp)
{
    pid_t pid = fork();

    if (pid < 0) {
        g_set_error(errp, CLIENT_ERROR, 1, "fork: %s", g_strerror(errno));
        return -1;
    }
    if (pid == 0) {
        if (child_fd >= 0) {
            dup2(child_fd, STDIN_FILENO);
            dup2(child_fd, STDOUT_FILENO);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static int qtest_client_listen(const char *path, GError **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
        listen(fd, 1)) {
        g_set_error(errp, CLIENT_ERROR, 1, "listen on %s: %s", path,
                    g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

/* Wait for the child to connect, noticing if it dies first. */
static int qtest_client_accept(int lfd, pid_t pid, GError **errp)
{
    for (int waited = 0; waited < 30000; waited += 50) {
        struct pollfd pfd = { .fd = lfd, .events = POLLIN };
        int status;

        if (poll(&pfd, 1, 50) > 0) {
            return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            g_set_error(errp, CLIENT_ERROR, 1, "the server exited before "
                        "connecting (status 0x%x)", status);
            return -1;
        }
    }
    g_set_error(errp, CLIENT_ERROR, 1, "the server did not connect");
    return -1;
}

static QtestClient *qtest_client_spawn_unix(const char *binary,
                                            const char *const *args,
                                            GError **errp)
{
    char *dir = g_dir_make_tmp("qtest-client-XXXXXX", errp);
    char *path, *chardev, **argv;
    int lfd, fd = -1;
    pid_t pid = -1;

    if (!dir) {
        return NULL;
    }
    path = g_build_filename(dir, "qtest.sock", NULL);
    lfd = qtest_client_listen(path, errp);
    if (lfd >= 0) {
        chardev = g_strdup_printf("unix:%s", path);
        argv = qtest_client_argv(binary, args, chardev);
        pid = qtest_client_fork(argv, -1, errp);
        if (pid > 0) {
            fd = qtest_client_accept(lfd, pid, errp);
        }
        g_strfreev(argv);
        g_free(chardev);
        close(lfd);
    }
    unlink(path);
    g_free(path);
    rmdir(dir);
    g_free(dir);
    if (fd < 0) {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        return NULL;
    }
    return qtest_client_alloc(fd, pid);
}

QtestClient *qtest_client_spawn(const char *binary, const char *const *args,
                                QtestClientTransport transport, GError **errp)
{
    char **argv;
    int sv[2];
    pid_t pid;

    if (transport == QTEST_CLIENT_UNIX) {
        return qtest_client_spawn_unix(binary, args, errp);
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        g_set_error(errp, CLIENT_ERROR, 1, "socketpair: %s",
                    g_strerror(errno));
        return NULL;
    }
    argv = qtest_client_argv(binary, args, "stdio");
    pid = qtest_client_fork(argv, sv[1], errp);
    g_strfreev(argv);
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return NULL;
    }
    return qtest_client_alloc(sv[0], pid);
}

QtestClient *qtest_client_connect_unix(const char *path, GError **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        g_set_error(errp, CLIENT_ERROR, 1, "connect to %s: %s", path,
                    g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    return qtest_client_alloc(fd, -1);
}

/* Wait up to 10 s for the child, then SIGKILL it. */
static int qtest_client_reap(pid_t pid)
{
    int status;

    for (int i = 0; i < 1000; i++) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid) {
            return WIFEXITED(status) ? WEXITSTATUS(status)
                                     : 128 + WTERMSIG(status);
        }
        if (r < 0) {
            return -1;
        }
        g_usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return 128 + SIGKILL;
}

static int qtest_client_finish(QtestClient *c, bool term)
{
    int rc = -1;

    if (term && c->pid > 0) {
        kill(c->pid, SIGTERM);
    }
    if (c->fd >= 0) {
        close(c->fd);
    }
    if (c->pid > 0) {
        rc = qtest_client_reap(c->pid);
    }
    g_string_free(c->rbuf, TRUE);
    g_string_free(c->wbuf, TRUE);
    g_queue_clear_full(&c->async, g_free);
    g_free(c->error);
    g_free(c);
    return rc;
}

int qtest_client_quit(QtestClient *c)
{
    return c ? qtest_client_finish(c, true) : -1;
}

int qtest_client_close(QtestClient *c)
{
    return c ? qtest_client_finish(c, false) : -1;
}

pid_t qtest_client_pid(const QtestClient *c)
{
    return c->pid;
}

void qtest_client_set_timeout(QtestClient *c, int timeout_ms)
{
    c->timeout_ms = timeout_ms;
    qtest_client_apply_timeout(c);
}

void qtest_client_set_error(QtestClient *c, const char *msg)
{
    g_free(c->error);
    c->error = g_strdup(msg);
}

const char *qtest_client_error(const QtestClient *c)
{
    return c->error;
}

void qtest_client_clear_error(QtestClient *c)
{
    g_clear_pointer(&c->error, g_free);
}

static bool qtest_client_write(QtestClient *c, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(c->fd, buf, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            qtest_client_set_error(c, "write to the server failed");
            return false;
        }
        buf += n;
        len -= n;
    }
    return true;
}

bool qtest_client_send(QtestClient *c, const char *line)
{
    g_string_assign(c->wbuf, line);
    g_string_append_c(c->wbuf, '\n');
    return qtest_client_write(c, c->wbuf->str, c->wbuf->len);
}

/* Read more bytes into rbuf; false at EOF, error or timeout. */
static bool qtest_client_fill(QtestClient *c)
{
    struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
    ssize_t n;

    if (c->rpos > 0 && c->rpos == c->rbuf->len) {
        g_string_truncate(c->rbuf, 0);
        c->rpos = 0;
    } else if (c->rpos > 65536) {
        g_string_erase(c->rbuf, 0, c->rpos);
        c->rpos = 0;
    }
    if (!c->rcvtimeo && poll(&pfd, 1, c->timeout_ms) <= 0) {
        qtest_client_set_error(c, "timeout waiting for the server");
        return false;
    }
    g_string_set_size(c->rbuf, c->rbuf->len + 65536);
    do {
        n = read(c->fd, c->rbuf->str + c->rbuf->len - 65536, 65536);
    } while (n < 0 && errno == EINTR);
    g_string_set_size(c->rbuf, c->rbuf->len - 65536 + (n > 0 ? n : 0));
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        qtest_client_set_error(c, "timeout waiting for the server");
        return false;
    }
    if (n <= 0) {
        qtest_client_set_error(c, "the server closed the channel");
        return false;
    }
    return true;
}

char *qtest_client_recv_line(QtestClient *c)
{
    for (;;) {
        const char *start = c->rbuf->str + c->rpos;
        const char *nl = memchr(start, '\n', c->rbuf->len - c->rpos);

        if (nl) {
            char *line = g_strndup(start, nl - start);

            c->rpos += nl - start + 1;
            return line;
        }
        if (!qtest_client_fill(c)) {
            return NULL;
        }
    }
}

static void qtest_client_note_async(QtestClient *c, char *line)
{
    int irq;

    if (sscanf(line, "IRQ raise %d", &irq) == 1 && irq >= 0 &&
        irq < QTEST_CLIENT_MAX_IRQ) {
        c->irq_level[irq] = true;
    } else if (sscanf(line, "IRQ lower %d", &irq) == 1 && irq >= 0 &&
               irq < QTEST_CLIENT_MAX_IRQ) {
        c->irq_level[irq] = false;
    }
    g_queue_push_tail(&c->async, line);
}

static char *qtest_client_vcmd(QtestClient *c, const char *fmt, va_list ap)
{
    g_string_vprintf(c->wbuf, fmt, ap);
    g_string_append_c(c->wbuf, '\n');
    if (!qtest_client_write(c, c->wbuf->str, c->wbuf->len)) {
        return NULL;
    }
    for (;;) {
        char *line = qtest_client_recv_line(c);

        if (!line || strncmp(line, "IRQ ", 4) != 0) {
            return line;
        }
        qtest_client_note_async(c, line);
    }
}

char *qtest_client_cmd(QtestClient *c, const char *fmt, ...)
{
    va_list ap;
    char *r;

    va_start(ap, fmt);
    r = qtest_client_vcmd(c, fmt, ap);
    va_end(ap);
    return r;
}

char *qtest_client_cmd_ok(QtestClient *c, const char *fmt, ...)
{
    va_list ap;
    char *r;

    va_start(ap, fmt);
    r = qtest_client_vcmd(c, fmt, ap);
    va_end(ap);
    if (r && strncmp(r, "OK", 2) == 0 && (r[2] == '\0' || r[2] == ' ')) {
        return r;
    }
    if (r) {
        qtest_client_set_error(c, r);
    }
    g_free(r);
    return NULL;
}

guint qtest_client_async_count(const QtestClient *c)
{
    return g_queue_get_length((GQueue *)&c->async);
}

char *qtest_client_async_pop(QtestClient *c)
{
    return g_queue_pop_head(&c->async);
}

bool qtest_client_irq_level(const QtestClient *c, int irq)
{
    return irq >= 0 && irq < QTEST_CLIENT_MAX_IRQ && c->irq_level[irq];
}
