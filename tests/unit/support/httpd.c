/* Scripted HTTP server for tests: see httpd.h. */
#include "httpd.h"

#include "mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUESTS 256
#define MAX_HEAD (64 * 1024)

struct httpd {
    int listen_fd;
    char url[64];
    pthread_t thread;
    pthread_mutex_t lock;
    volatile int stopping;
    struct httpd_reply *script;
    size_t script_n, next;
    struct httpd_request log[MAX_REQUESTS];
    size_t log_n;
};

static void s_clear_log(struct httpd *s)
{
    for (size_t i = 0; i < s->log_n; i++) {
        free(s->log[i].target);
        headers_clean_up(&s->log[i].headers);
        buf_clean_up(&s->log[i].body);
    }
    s->log_n = 0;
}

/* Reads until pred is met or the peer closes; 0 on close/stop. */
static int s_fill(struct httpd *s, int fd, struct buf *in)
{
    char chunk[8192];
    while (!s->stopping) {
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, 50);
        if (r == 0)
            continue;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return 0;
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0)
            return 0;
        buf_append(in, chunk, (size_t)n);
        return 1;
    }
    return 0;
}

static void s_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void s_write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Serves one connection; returns when it closes. */
static void s_serve(struct httpd *s, int fd)
{
    struct buf in;
    buf_init(&in);
    for (;;) {
        char *end;
        while (!(end = strstr(buf_str(&in), "\r\n\r\n"))) {
            if (in.len > MAX_HEAD || !s_fill(s, fd, &in))
                goto out;
        }
        size_t head_len = (size_t)(end - in.data) + 4;
        struct httpd_request req;
        memset(&req, 0, sizeof req);
        headers_init(&req.headers);
        buf_init(&req.body);
        char *line_end = strstr(in.data, "\r\n");
        char *sp1 = memchr(in.data, ' ', (size_t)(line_end - in.data));
        char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line_end - sp1 - 1)) : NULL;
        if (!sp1 || !sp2) {
            headers_clean_up(&req.headers);
            goto out;
        }
        snprintf(req.method, sizeof req.method, "%.*s", (int)(sp1 - in.data), in.data);
        req.target = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
        size_t content_length = 0;
        for (char *l = line_end + 2; l < end;) {
            char *le = strstr(l, "\r\n");
            char *colon = memchr(l, ':', (size_t)(le - l));
            if (colon) {
                char *name = xstrndup(l, (size_t)(colon - l));
                char *v = colon + 1;
                while (*v == ' ')
                    v++;
                char *value = xstrndup(v, (size_t)(le - v));
                if (strcasecmp(name, "Content-Length") == 0)
                    content_length = strtoul(value, NULL, 10);
                headers_add(&req.headers, name, value);
                free(name);
                free(value);
            }
            l = le + 2;
        }
        while (in.len < head_len + content_length)
            if (!s_fill(s, fd, &in)) {
                free(req.target);
                headers_clean_up(&req.headers);
                goto out;
            }
        buf_append(&req.body, in.data + head_len, content_length);
        /* Keep what follows: the next pipelined request. */
        size_t used = head_len + content_length;
        memmove(in.data, in.data + used, in.len - used);
        in.len -= used;
        in.data[in.len] = '\0';

        pthread_mutex_lock(&s->lock);
        struct httpd_reply reply = {599, NULL, "script exhausted", 0, 0, 0};
        if (s->next < s->script_n)
            reply = s->script[s->next++];
        /* Copies, taken while the caller's script is surely alive: a test may
         * free its body once its client has its answer. */
        char *own_body = reply.body ? xstrdup(reply.body) : NULL;
        char *own_headers = reply.headers ? xstrdup(reply.headers) : NULL;
        reply.body = own_body;
        reply.headers = own_headers;
        if (s->log_n < MAX_REQUESTS)
            s->log[s->log_n++] = req;
        else {
            free(req.target);
            headers_clean_up(&req.headers);
            buf_clean_up(&req.body);
        }
        pthread_mutex_unlock(&s->lock);

        if (reply.delay_ms)
            s_sleep_ms(reply.delay_ms);
        if (reply.drop) {
            free(own_body);
            free(own_headers);
            goto out;
        }
        const char *body = reply.body ? reply.body : "";
        size_t body_len = strlen(body);
        char *head = xasprintf("HTTP/1.1 %d Scripted\r\nContent-Length: %zu\r\n%s\r\n",
                               reply.status, body_len + (reply.truncate ? 100 : 0),
                               reply.headers ? reply.headers : "");
        s_write_all(fd, head, strlen(head));
        free(head);
        if (strcmp(req.method, "HEAD") != 0)
            s_write_all(fd, body, body_len);
        free(own_body);
        free(own_headers);
        if (reply.truncate)
            goto out;
    }
out:
    buf_clean_up(&in);
    close(fd);
}

static void *s_run(void *arg)
{
    struct httpd *s = arg;
    while (!s->stopping) {
        struct pollfd p = {s->listen_fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd >= 0)
            s_serve(s, fd);
    }
    return NULL;
}

struct httpd *httpd_start(void)
{
    struct httpd *s = xcalloc(1, sizeof *s);
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(s->listen_fd, 16) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&addr, &len) != 0) {
        perror("httpd_start");
        abort();
    }
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%u", ntohs(addr.sin_port));
    pthread_mutex_init(&s->lock, NULL);
    pthread_create(&s->thread, NULL, s_run, s);
    return s;
}

void httpd_stop(struct httpd *s)
{
    if (!s)
        return;
    s->stopping = 1;
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    s_clear_log(s);
    free(s->script);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

const char *httpd_url(const struct httpd *s)
{
    return s->url;
}

void httpd_script(struct httpd *s, const struct httpd_reply *replies, size_t n)
{
    pthread_mutex_lock(&s->lock);
    free(s->script);
    s->script = xmalloc((n ? n : 1) * sizeof *replies);
    if (n)
        memcpy(s->script, replies, n * sizeof *replies);
    s->script_n = n;
    s->next = 0;
    s_clear_log(s);
    pthread_mutex_unlock(&s->lock);
}

size_t httpd_request_count(struct httpd *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->log_n;
    pthread_mutex_unlock(&s->lock);
    return n;
}

const struct httpd_request *httpd_request_at(struct httpd *s, size_t i)
{
    pthread_mutex_lock(&s->lock);
    const struct httpd_request *r = i < s->log_n ? &s->log[i] : NULL;
    pthread_mutex_unlock(&s->lock);
    return r;
}
