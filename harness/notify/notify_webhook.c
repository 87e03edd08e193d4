/*
 * The webhook notifier (see notify.h): one JSON POST to a Slack-compatible
 * incoming webhook, retried on throttling, server errors and connections
 * that failed, inside a time budget of twice the timeout. The URL carries
 * a secret, so no message here is built from it: http.c's error messages
 * name the URL and are cut down to their cause before they are kept.
 */
#include "notify/notify.h"

#include "aws/http.h"
#include "mem.h"
#include "version.h"
#include "mono.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_TIMEOUT 10
#define DEFAULT_ATTEMPTS 3
#define DEFAULT_BASE_DELAY 0.5
#define BODY_SHOWN 120 /* bytes of an error answer kept in the message */

/* The length of "scheme://" + authority of an http(s) URL, and where its
 * host starts (after any user info); 0 when url is no http(s) URL. */
static size_t s_authority(const char *url, size_t *host)
{
    size_t scheme;
    if (!url)
        return 0;
    if (strncmp(url, "https://", 8) == 0)
        scheme = 8;
    else if (strncmp(url, "http://", 7) == 0)
        scheme = 7;
    else
        return 0;
    size_t end = scheme + strcspn(url + scheme, "/?#");
    const char *at = memchr(url + scheme, '@', end - scheme);
    *host = at ? (size_t)(at - url) + 1 : scheme;
    return end > *host ? end : 0;
}

void notify_url_describe(const char *url, char *out, size_t size)
{
    size_t host;
    size_t end = s_authority(url, &host);
    if (!end) {
        snprintf(out, size, "(not an http(s) URL)");
        return;
    }
    size_t scheme = (size_t)(strstr(url, "://") - url) + 3;
    bool more = url[end] != '\0' && strcmp(url + end, "/") != 0;
    snprintf(out, size, "%.*s%.*s%s", (int)scheme, url, (int)(end - host), url + host,
             more ? "/\xe2\x80\xa6" : "");
}

static void s_sleep(const struct notify_webhook_options *o, double seconds)
{
    if (seconds <= 0)
        return;
    if (o->sleep) {
        o->sleep(seconds, o->sleep_ctx);
        return;
    }
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Retry-After in delta-seconds; -1 when absent or an HTTP date. */
static double s_retry_after(const struct http_response *r)
{
    const char *v = headers_get(&r->headers, "Retry-After");
    if (!v)
        return -1;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    while (*end == ' ')
        end++;
    if (end == v || *end || errno || n < 0)
        return -1;
    return (double)n;
}

/* Whether text shows any of the URL's secret part (what follows its
 * authority) or a longer piece of it (a token segment). */
static bool s_leaks(const char *text, const char *url)
{
    size_t host;
    const char *secret = url + s_authority(url, &host);
    if (strlen(secret) > 1 && strstr(text, secret + 1))
        return true;
    for (const char *p = secret; *p;) {
        p += strspn(p, "/?&=#");
        size_t n = strcspn(p, "/?&=#");
        if (n >= 8) {
            char *piece = xstrndup(p, n);
            bool found = strstr(text, piece) != NULL;
            free(piece);
            if (found)
                return true;
        }
        p += n;
    }
    return false;
}

/* The cause in an http.c message "POST <url without query>: <cause>";
 * "" when the message is not of that form or the cause shows the URL. */
static void s_cause(const char *msg, const char *url, char *out, size_t size)
{
    out[0] = '\0';
    char *where = xstrndup(url, strcspn(url, "?"));
    const char *p = strstr(msg, where);
    if (p) {
        const char *cause = p + strlen(where);
        if (strncmp(cause, ": ", 2) == 0)
            cause += 2;
        if (!s_leaks(cause, url))
            snprintf(out, size, "%s", cause);
    }
    free(where);
}

/* The first bytes of an answer, printable, for a message. */
static void s_body(const struct http_response *r, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < r->body.len && n + 1 < size && i < BODY_SHOWN; i++) {
        unsigned char c = (unsigned char)r->body.data[i];
        out[n++] = c >= 0x20 && c < 0x7f ? (char)c : ' ';
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static const char *s_failure(enum http_failure f)
{
    switch (f) {
    case HTTP_FAIL_CONNECT:
        return "connection failed";
    case HTTP_FAIL_TIMEOUT:
        return "timed out";
    case HTTP_FAIL_RESET:
        return "connection dropped";
    case HTTP_FAIL_TLS:
        return "TLS failed";
    default:
        return "request failed";
    }
}

/* What one attempt gave: its status (0: no answer), whether and after how
 * long (Retry-After; -1: none) another attempt may be worth it, and for
 * the message what happened ("HTTP 500") and a detail (the answer's first
 * bytes, the network's cause), neither showing the URL. */
struct s_try {
    long status;
    bool retry;
    double wait;
    char what[64];
    char detail[256];
};

static void s_attempt(const char *url, const char *json, const struct notify_webhook_options *o,
                      double seconds, struct s_try *t)
{
    struct http_options ho = {0};
    ho.timeout_ms = seconds > 0.1 ? (long)(seconds * 1000) : 100; /* 0 would mean 60 s */
    ho.connect_timeout_ms = ho.timeout_ms;
    ho.ca_bundle = o->ca_bundle;
    ho.max_body = 1 << 20;
    struct http_client *hc = http_client_new(&ho);
    memset(t, 0, sizeof *t);
    t->wait = -1;
    if (!hc) {
        snprintf(t->what, sizeof t->what, "cannot create an HTTP client");
        return;
    }
    struct headers h;
    headers_init(&h);
    headers_add(&h, "Content-Type", "application/json");
    headers_add(&h, "User-Agent", "drh/" DRH_VERSION);
    struct http_request req = {"POST", url, &h, json, strlen(json)};
    struct http_response resp;
    http_response_init(&resp);
    enum http_failure failure = HTTP_FAIL_NONE;
    struct drh_err err;
    drh_err_clear(&err);
    if (http_send(hc, &req, &resp, &failure, &err) != DRH_OK) {
        snprintf(t->what, sizeof t->what, "%s", s_failure(failure));
        s_cause(err.msg, url, t->detail, sizeof t->detail);
        t->retry = failure == HTTP_FAIL_CONNECT || failure == HTTP_FAIL_RESET;
    } else {
        t->status = resp.status;
        snprintf(t->what, sizeof t->what, "HTTP %ld", resp.status);
        s_body(&resp, t->detail, sizeof t->detail);
        if (s_leaks(t->detail, url))
            t->detail[0] = '\0';
        t->retry = resp.status == 429 || resp.status >= 500;
        t->wait = s_retry_after(&resp);
    }
    http_response_clean_up(&resp);
    headers_clean_up(&h);
    http_client_free(hc);
}

void notify_webhook_post(const char *url, const char *json,
                         const struct notify_webhook_options *opt, struct notify_outcome *out)
{
    static const struct notify_webhook_options none = {0};
    const struct notify_webhook_options *o = opt ? opt : &none;
    memset(out, 0, sizeof *out);
    snprintf(out->channel, sizeof out->channel, "webhook");
    notify_url_describe(url, out->target, sizeof out->target);
    size_t host;
    if (!s_authority(url, &host)) {
        snprintf(out->message, sizeof out->message,
                 "not an http(s) URL: the webhook must be https://HOST/PATH");
        return;
    }
    double timeout = o->timeout > 0 ? (double)o->timeout : DEFAULT_TIMEOUT;
    int max = o->max_attempts > 0 ? o->max_attempts : DEFAULT_ATTEMPTS;
    double delay = o->base_delay > 0 ? o->base_delay : DEFAULT_BASE_DELAY;
    double deadline = mono_now() + 2 * timeout;
    double least = timeout < 1 ? timeout : 1; /* the shortest attempt worth making */
    struct s_try t;
    const char *stop = "";
    int attempt = 0;
    while (attempt < max) {
        double left = deadline - mono_now();
        double seconds = left < timeout ? left : timeout;
        attempt++;
        s_attempt(url, json, o, seconds, &t);
        if (t.status >= 200 && t.status < 300) {
            out->ok = true;
            snprintf(out->message, sizeof out->message, "delivered (%s)", t.what);
            if (attempt > 1)
                snprintf(out->message + strlen(out->message),
                         sizeof out->message - strlen(out->message), " after %d attempts", attempt);
            return;
        }
        if (!t.retry || attempt == max)
            break;
        double wait = t.wait >= 0 ? t.wait : delay;
        delay *= 2;
        left = deadline - mono_now();
        if (wait > left - least)
            wait = left - least;
        if (wait < 0) {
            stop = " (out of time)";
            break;
        }
        s_sleep(o, wait);
    }
    snprintf(out->message, sizeof out->message, "%s after %d attempt%s%s%s%s", t.what, attempt,
             attempt == 1 ? "" : "s", stop, *t.detail ? ": " : "", t.detail);
}

void notify_webhook(const char *url, const struct notify_summary *s, long timeout,
                    struct notify_outcome *out)
{
    struct notify_webhook_options o = {0};
    o.timeout = timeout;
    char *json = notify_slack_json(s);
    notify_webhook_post(url, json, &o, out);
    free(json);
}
