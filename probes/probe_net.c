/*
 * The http and tcp probes (net.h): attempts once a second until the
 * probe's deadline, each bounded by what is left of it. HTTP goes through
 * drh's own client (aws/http.h, libcurl); TCP through a non-blocking
 * connect() and poll().
 */
#include "probes/net.h"
#include "probes/probe_impl.h"

#include "aws/http.h"
#include "mem.h"
#include "mono.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define S_DEFAULT_TIMEOUT 60
#define S_BODY_SHOWN 80

static void s_start(struct probe_ctx *x, const struct drill_probe *p, struct probe_result *out)
{
    memset(x, 0, sizeof *x);
    memset(out, 0, sizeof *out);
    out->canary_time = -1;
    x->p = p;
    x->out = out;
    x->timeout = p->timeout > 0 ? p->timeout : S_DEFAULT_TIMEOUT;
    clock_gettime(CLOCK_MONOTONIC, &x->start);
}

static double s_left(const struct probe_ctx *x)
{
    double start = (double)x->start.tv_sec + (double)x->start.tv_nsec / 1e9;
    return (double)x->timeout - (mono_now() - start);
}

/* Sleeps up to one second but not past the deadline; false when no time is left. */
static bool s_pause(const struct probe_ctx *x)
{
    double left = s_left(x);
    if (left <= 0.05)
        return false;
    double d = left < 1.0 ? left : 1.0;
    struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
    nanosleep(&ts, NULL);
    return s_left(x) > 0.05;
}

static void s_finish(struct probe_ctx *x)
{
    x->out->seconds = (double)x->timeout - s_left(x);
}

/* The start of a body, printable, for a message. */
static void s_shown(const struct buf *body, char out[S_BODY_SHOWN + 8])
{
    size_t n = 0;
    for (size_t i = 0; i < body->len && n < S_BODY_SHOWN; i++) {
        unsigned char c = (unsigned char)body->data[i];
        out[n++] = c >= 0x20 && c < 0x7f ? (char)c : ' ';
    }
    if (body->len > S_BODY_SHOWN) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

static bool s_port_ok(struct probe_ctx *x, int port)
{
    if (port > 0 && port < 65536)
        return true;
    probe_set(x, PROBE_ERROR, "port %d is not a TCP port", port);
    return false;
}

/* One GET: true when it passed; the verdict and message of the attempt set. */
static bool s_http_once(struct probe_ctx *x, const char *url, const regex_t *re)
{
    const struct drill_probe *p = x->p;
    long left_ms = (long)(s_left(x) * 1000);
    struct http_options o = {0};
    o.timeout_ms = left_ms < 10000 ? (left_ms > 100 ? left_ms : 100) : 10000;
    o.connect_timeout_ms = o.timeout_ms < 3000 ? o.timeout_ms : 3000;
    o.max_body = 1 << 20;
    struct http_client *c = http_client_new(&o);
    struct headers h;
    headers_init(&h);
    headers_add(&h, "User-Agent", "drh-probe");
    struct http_request req = {"GET", url, &h, NULL, 0};
    struct http_response resp;
    http_response_init(&resp);
    struct drh_err err;
    drh_err_clear(&err);
    enum http_failure why = HTTP_FAIL_NONE;
    bool ok = false;
    int want = p->http_status > 0 ? p->http_status : 200;
    if (http_send(c, &req, &resp, &why, &err) != DRH_OK) {
        probe_set(x, PROBE_FAIL, "GET %s: no answer within %lds: %s", url, x->timeout, err.msg);
    } else if (resp.status != want) {
        char shown[S_BODY_SHOWN + 8];
        s_shown(&resp.body, shown);
        probe_set(x, PROBE_FAIL, "GET %s: status %ld, expected %d (body '%s')", url, resp.status,
                  want, shown);
    } else if (re && regexec(re, buf_str(&resp.body), 0, NULL, 0) != 0) {
        char shown[S_BODY_SHOWN + 8];
        s_shown(&resp.body, shown);
        probe_set(x, PROBE_FAIL, "GET %s: status %ld but the body '%s' does not match /%s/", url,
                  resp.status, shown, p->body_regex);
    } else {
        probe_set(x, PROBE_PASS, "GET %s: status %ld%s%s%s", url, resp.status,
                  re ? ", body matches /" : "", re ? p->body_regex : "", re ? "/" : "");
        ok = true;
    }
    http_response_clean_up(&resp);
    headers_clean_up(&h);
    http_client_free(c);
    return ok;
}

void probe_http_run(const char *host, int port, const struct drill_probe *p,
                    struct probe_result *out)
{
    struct probe_ctx x;
    s_start(&x, p, out);
    regex_t re;
    bool have_re = false;
    if (!s_port_ok(&x, port))
        goto done;
    if (p->body_regex) {
        int rc = regcomp(&re, p->body_regex, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[128];
            regerror(rc, &re, msg, sizeof msg);
            probe_set(&x, PROBE_ERROR, "body regex /%s/ does not compile: %s", p->body_regex, msg);
            goto done;
        }
        have_re = true;
    }
    const char *path = p->http_path && *p->http_path ? p->http_path : "/";
    bool v6 = strchr(host, ':') != NULL;
    char *url = xasprintf("http://%s%s%s:%d%s%s", v6 ? "[" : "", host, v6 ? "]" : "", port,
                          path[0] == '/' ? "" : "/", path);
    while (!s_http_once(&x, url, have_re ? &re : NULL) && s_pause(&x))
        ;
    free(url);
    if (have_re)
        regfree(&re);
done:
    s_finish(&x);
}

/* One connect: 0 when it connected, else an errno. */
static int s_connect_once(const struct addrinfo *ai, double left)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0)
        return errno;
    int rc = 0;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        rc = errno;
        if (rc == EINPROGRESS) {
            struct pollfd pfd = {fd, POLLOUT, 0};
            int ms = left > 3.0 ? 3000 : (int)(left * 1000) + 1;
            int n = poll(&pfd, 1, ms);
            socklen_t len = sizeof rc;
            if (n == 0)
                rc = ETIMEDOUT;
            else if (n < 0)
                rc = errno;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &rc, &len) != 0)
                rc = errno;
        }
    }
    close(fd);
    return rc;
}

void probe_tcp_run(const char *host, int port, const struct drill_probe *p,
                   struct probe_result *out)
{
    struct probe_ctx x;
    s_start(&x, p, out);
    if (!s_port_ok(&x, port)) {
        s_finish(&x);
        return;
    }
    char service[8];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    for (;;) {
        int gai = getaddrinfo(host, service, &hints, &res);
        if (gai != 0) {
            probe_set(&x, PROBE_FAIL, "cannot resolve '%s': %s", host, gai_strerror(gai));
        } else {
            int rc = ECONNREFUSED;
            for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
                if ((rc = s_connect_once(ai, s_left(&x))) == 0)
                    break;
            freeaddrinfo(res);
            res = NULL;
            if (rc == 0) {
                probe_set(&x, PROBE_PASS, "%s port %d accepts connections", host, port);
                break;
            }
            probe_set(&x, PROBE_FAIL, "%s port %d: no connection within %lds: %s", host, port,
                      x.timeout, strerror(rc));
        }
        if (!s_pause(&x))
            break;
    }
    s_finish(&x);
}
