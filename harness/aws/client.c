/* The AWS client: see client.h. */
#include "aws/client.h"

#include "aws/endpoint.h"
#include "aws/service.h"
#include "aws/sigv4.h"
#include "log.h"
#include "mem.h"
#include "redact.h"
#include "version.h"

#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <strings.h>

#define USER_AGENT "drh/" DRH_VERSION

struct aws_client {
    char *region;
    struct aws_env env;
    int has_env;
    struct aws_creds_provider *creds;
    int anonymous;
    const struct aws_config *cfg;
    char *profile;
    char *endpoint_override;
    struct http_client *http;
    struct retry_policy retry;
    struct retry_quota quota;
    char *ca_bundle;
};

enum drh_status aws_client_new(const struct aws_client_options *opt, struct aws_client **out,
                               struct drh_err *err)
{
    enum drh_status st = aws_region_check(opt->region, err);
    if (st != DRH_OK)
        return st;
    if (!opt->creds && !opt->anonymous)
        return drh_err_set(err, DRH_E_INTERNAL, "aws client created without credentials");
    struct aws_client *c = xcalloc(1, sizeof *c);
    c->region = xstrdup(opt->region);
    if (opt->env) {
        c->env = *opt->env;
        c->has_env = 1;
    }
    c->creds = opt->creds;
    c->anonymous = opt->anonymous;
    c->cfg = opt->cfg;
    c->profile = opt->profile ? xstrdup(opt->profile) : NULL;
    c->endpoint_override = opt->endpoint_override ? xstrdup(opt->endpoint_override) : NULL;
    struct http_options http = opt->http;
    if (!http.ca_bundle) {
        const char *ca = aws_env_get(opt->env, "AWS_CA_BUNDLE");
        if (!ca && opt->cfg && opt->profile)
            ca = aws_config_get(opt->cfg, opt->profile, "ca_bundle");
        if (ca)
            http.ca_bundle = c->ca_bundle = xstrdup(ca);
    }
    c->http = http_client_new(&http);
    if (!c->http) {
        aws_client_free(c);
        return drh_err_set(err, DRH_E_INTERNAL, "cannot create an HTTP client (libcurl)");
    }
    c->retry = opt->retry;
    retry_quota_init(&c->quota);
    *out = c;
    return DRH_OK;
}

void aws_client_free(struct aws_client *c)
{
    if (!c)
        return;
    http_client_free(c->http);
    free(c->region);
    free(c->profile);
    free(c->endpoint_override);
    free(c->ca_bundle);
    free(c);
}

const char *aws_client_region(const struct aws_client *c)
{
    return c->region;
}

void aws_response_init(struct aws_response *r)
{
    memset(r, 0, sizeof *r);
    headers_init(&r->headers);
    buf_init(&r->body);
}

void aws_response_clean_up(struct aws_response *r)
{
    headers_clean_up(&r->headers);
    buf_clean_up(&r->body);
    free(r->request_id);
    aws_error_info_clean_up(&r->error);
    memset(r, 0, sizeof *r);
}

/* host[:port] of a base URL, for the Host header. */
static char *s_host_of(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    return xstrndup(p, strcspn(p, "/"));
}

/* Path of a base URL ("" when none), put before every request path. */
static const char *s_base_path(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    return p + strcspn(p, "/");
}

static void s_log_exchange(const char *method, const char *url, const struct headers *h,
                           const void *body, size_t len, const char *dir)
{
    if (log_get_level() < LOG_DEBUG)
        return;
    char *clean_url = redact_text(url, strlen(url));
    log_debug("%s %s %s", dir, method, clean_url);
    free(clean_url);
    for (size_t i = 0; h && i < h->n; i++) {
        char *v = redact_header(h->v[i].name, h->v[i].value);
        log_debug("%s %s: %s", dir, h->v[i].name, v);
        free(v);
    }
    char prefix[8];
    snprintf(prefix, sizeof prefix, "%s ", dir);
    log_debug_text(prefix, body, len);
}

/* The signed request of one attempt: *url (caller frees) and h (caller
 * storage, initialized here). */
static enum drh_status s_prepare(struct aws_client *c, const struct aws_service *svc,
                                 const struct aws_request *req, const char *base_url, char **url,
                                 struct headers *h, struct drh_err *err)
{
    const char *method = req->method ? req->method : "POST";
    const char *path = req->path ? req->path : "/";
    char *wire_path = xasprintf("%s%s", s_base_path(base_url), path);
    headers_init(h);
    char *host = s_host_of(base_url);
    headers_add(h, "Host", host);
    free(host);
    if (req->headers)
        headers_copy(h, req->headers);
    if (!headers_get(h, "User-Agent"))
        headers_add(h, "User-Agent", USER_AGENT);
    enum drh_status st = DRH_OK;
    *url = NULL;
    if (!c->anonymous) {
        const struct aws_credentials *cr = NULL;
        st = aws_creds_get(c->creds, &cr, err);
        if (st != DRH_OK)
            goto done;
        struct sigv4_creds sc = {cr->access_key_id, cr->secret_access_key, cr->session_token};
        struct sigv4_request sr = {method, wire_path, req->query, h, req->body, req->body_len};
        struct sigv4_options so = {0};
        so.region = c->region;
        so.service = svc->signing_name;
        so.now = aws_env_now(c->has_env ? &c->env : NULL);
        so.s3 = strcmp(svc->id, "s3") == 0;
        st = sigv4_sign(&sr, &sc, &so, err);
        if (st != DRH_OK)
            goto done;
    }
    size_t origin_len = (size_t)(s_base_path(base_url) - base_url);
    *url = xasprintf("%.*s%s%s%s", (int)origin_len, base_url, wire_path,
                     req->query && *req->query ? "?" : "", req->query ? req->query : "");
    s_log_exchange(method, *url, h, req->body, req->body_len, ">");
done:
    free(wire_path);
    return st;
}

static void s_log_response(enum drh_status st, const struct http_response *hr)
{
    if (st != DRH_OK)
        return;
    char status_line[32];
    snprintf(status_line, sizeof status_line, "HTTP %ld", hr->status);
    s_log_exchange(status_line, "", &hr->headers, hr->body.data, hr->body.len, "<");
}

/* One signed attempt. *failure tells why there was no response. */
static enum drh_status s_attempt(struct aws_client *c, const struct aws_service *svc,
                                 const struct aws_request *req, const char *base_url,
                                 struct http_response *hr, enum http_failure *failure,
                                 struct drh_err *err)
{
    char *url = NULL;
    struct headers h;
    enum drh_status st = s_prepare(c, svc, req, base_url, &url, &h, err);
    if (st == DRH_OK) {
        struct http_request hreq = {req->method ? req->method : "POST", url, &h, req->body,
                                    req->body_len};
        st = http_send(c->http, &hreq, hr, failure, err);
        s_log_response(st, hr);
    }
    free(url);
    headers_clean_up(&h);
    return st;
}

/* Whether an attempt's outcome (st, failure, hr) is worth another attempt,
 * as the standard mode says; the error document goes to resp->error. On
 * true, *delay is the backoff before the next attempt and the quota is
 * charged; on a success the quota is paid back. */
static bool s_should_retry(struct aws_client *c, const struct aws_service *svc,
                           const struct aws_request *req, enum drh_status st,
                           enum http_failure failure, const struct http_response *hr,
                           struct aws_response *resp, int attempt, enum retry_kind *last_kind,
                           double *delay, const struct drh_err *err)
{
    if (st != DRH_OK && failure == HTTP_FAIL_NONE)
        return false; /* credentials or signing: not a wire failure, not retried */
    const char *code = NULL;
    if (st == DRH_OK && hr->status >= 300) {
        aws_error_parse(svc->protocol, hr->status, &hr->headers, buf_str(&hr->body), hr->body.len,
                        &resp->error);
        code = resp->error.code;
    }
    if (st == DRH_OK && hr->status < 300) {
        retry_quota_release(&c->quota, *last_kind);
        return false;
    }
    enum retry_kind kind = retry_classify(failure, st == DRH_OK ? hr->status : 0, code);
    if (kind == RETRY_NO || attempt >= retry_max_attempts(&c->retry) ||
        !retry_quota_acquire(&c->quota, kind))
        return false;
    *last_kind = kind;
    *delay = retry_delay(&c->retry, attempt);
    log_debug("%s %s: attempt %d failed (%s), retrying in %.2f s", svc->id, req->operation,
              attempt, code ? code : (err ? err->msg : "no response"), *delay);
    return true;
}

/* The last attempt's outcome as the call's: resp takes hr's answer, and an
 * AWS error answer or a network failure becomes err. */
static enum drh_status s_conclude(struct aws_client *c, const struct aws_service *svc,
                                  const struct aws_request *req, enum drh_status st,
                                  struct http_response *hr, struct aws_response *resp,
                                  struct drh_err *err)
{
    if (st == DRH_OK) {
        resp->status = hr->status;
        headers_clean_up(&resp->headers);
        buf_clean_up(&resp->body);
        resp->headers = hr->headers;
        resp->body = hr->body;
        headers_init(&hr->headers);
        buf_init(&hr->body);
        resp->request_id = aws_response_request_id(svc->protocol, &resp->headers,
                                                   buf_str(&resp->body), resp->body.len);
        if (resp->status >= 300) {
            const struct aws_error_info *e = &resp->error;
            /* Throttling and 5xx that outlived the retries say nothing about
             * the backups: an environment error, never a drill failure. */
            enum drh_status code =
                retry_classify(HTTP_FAIL_NONE, resp->status, e->code) != RETRY_NO ? DRH_E_UNAVAILABLE
                                                                           : DRH_E_AWS;
            st = drh_err_set(err, code, "%s %s: %s: %s (HTTP %ld, request id %s, %d attempt%s)",
                             svc->id, req->operation, e->code ? e->code : "UnknownError",
                             e->message && *e->message ? e->message : "no message", resp->status,
                             e->request_id ? e->request_id
                                           : (resp->request_id ? resp->request_id : "none"),
                             resp->attempts, resp->attempts == 1 ? "" : "s");
            if (e->code && retry_is_throttling_code(e->code))
                drh_err_hint(err, "AWS is throttling this account: lower --concurrency or retry later");
            else if (e->code && (strcmp(e->code, "SignatureDoesNotMatch") == 0 ||
                                 strcmp(e->code, "InvalidClientTokenId") == 0))
                drh_err_hint(err, "check the credentials (%s) and this machine's clock",
                             c->anonymous ? "none" : aws_creds_describe(c->creds));
            else if (e->code && strcmp(e->code, "ExpiredToken") == 0)
                drh_err_hint(err, "the session token expired: refresh the credentials of %s",
                             c->anonymous ? "the caller" : aws_creds_describe(c->creds));
        }
    } else if (resp->attempts > 1) {
        drh_err_prefix(err, "%s %s (after %d attempts)", svc->id, req->operation, resp->attempts);
    } else {
        drh_err_prefix(err, "%s %s", svc->id, req->operation);
    }
    return st;
}

enum drh_status aws_client_send(struct aws_client *c, const struct aws_request *req,
                                struct aws_response *resp, struct drh_err *err)
{
    const struct aws_service *svc = aws_service_find(req->service);
    if (!svc)
        return drh_err_set(err, DRH_E_INTERNAL, "unknown AWS service '%s'", req->service);
    char *base_url = NULL;
    struct aws_endpoint_source src = {c->endpoint_override, c->has_env ? &c->env : NULL, c->cfg,
                                      c->profile};
    enum drh_status st = aws_endpoint_resolve(svc, c->region, &src, &base_url, err);
    if (st != DRH_OK)
        return st;

    enum retry_kind last_kind = RETRY_NO;
    struct http_response hr;
    http_response_init(&hr);
    aws_response_clean_up(resp);
    aws_response_init(resp);

    for (int attempt = 1;; attempt++) {
        enum http_failure failure = HTTP_FAIL_NONE;
        aws_error_info_clean_up(&resp->error);
        resp->attempts = attempt;
        st = s_attempt(c, svc, req, base_url, &hr, &failure, err);
        double delay = 0;
        if (!s_should_retry(c, svc, req, st, failure, &hr, resp, attempt, &last_kind, &delay,
                            err))
            break;
        retry_sleep(&c->retry, delay);
    }
    st = s_conclude(c, svc, req, st, &hr, resp, err);
    http_response_clean_up(&hr);
    free(base_url);
    return st;
}

void aws_batch_init(struct aws_batch_item *it, const struct aws_request *req)
{
    memset(it, 0, sizeof *it);
    it->req = req;
    aws_response_init(&it->resp);
}

void aws_batch_clean_up(struct aws_batch_item *it)
{
    aws_response_clean_up(&it->resp);
}

/* The per-item state of a batch between its rounds of attempts. */
struct s_batch_state {
    char *url;
    struct headers h;
    enum retry_kind last_kind;
    bool done;
};

enum drh_status aws_client_send_many(struct aws_client *c, struct aws_batch_item *items, size_t n,
                                     int parallel, struct drh_err *err)
{
    if (n == 0)
        return DRH_OK;
    const struct aws_service *svc = aws_service_find(items[0].req->service);
    if (!svc)
        return drh_err_set(err, DRH_E_INTERNAL, "unknown AWS service '%s'",
                           items[0].req->service);
    for (size_t i = 1; i < n; i++)
        if (strcmp(items[i].req->service, svc->id) != 0)
            return drh_err_set(err, DRH_E_INTERNAL, "a batch mixes services '%s' and '%s'",
                               svc->id, items[i].req->service);
    char *base_url = NULL;
    struct aws_endpoint_source src = {c->endpoint_override, c->has_env ? &c->env : NULL, c->cfg,
                                      c->profile};
    enum drh_status st = aws_endpoint_resolve(svc, c->region, &src, &base_url, err);
    if (st != DRH_OK)
        return st;
    struct s_batch_state *bs = xcalloc(n, sizeof *bs);
    struct http_batch_item *hb = xcalloc(n, sizeof *hb);
    size_t *todo = xcalloc(n, sizeof *todo);
    for (size_t i = 0; i < n; i++) {
        http_batch_init(&hb[i]);
        headers_init(&bs[i].h);
        aws_response_clean_up(&items[i].resp);
        aws_response_init(&items[i].resp);
        items[i].status = DRH_OK;
        drh_err_clear(&items[i].err);
    }
    size_t left = n;
    for (int attempt = 1; left > 0; attempt++) {
        /* sign every item still to do, then send them together */
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (bs[i].done)
                continue;
            struct aws_batch_item *it = &items[i];
            free(bs[i].url);
            headers_clean_up(&bs[i].h);
            aws_error_info_clean_up(&it->resp.error);
            it->resp.attempts = attempt;
            st = s_prepare(c, svc, it->req, base_url, &bs[i].url, &bs[i].h, &it->err);
            if (st != DRH_OK) {
                it->status = s_conclude(c, svc, it->req, st, &hb[i].resp, &it->resp, &it->err);
                bs[i].done = true;
                left--;
                continue;
            }
            hb[i].req = (struct http_request){it->req->method ? it->req->method : "POST",
                                              bs[i].url, &bs[i].h, it->req->body,
                                              it->req->body_len};
            todo[m++] = i;
        }
        if (m == 0)
            break;
        /* http_send_many works on a contiguous array: move the items in */
        struct http_batch_item *run = xcalloc(m, sizeof *run);
        for (size_t k = 0; k < m; k++)
            run[k] = hb[todo[k]];
        http_send_many(c->http, run, m, parallel);
        double delay = 0;
        for (size_t k = 0; k < m; k++) {
            size_t i = todo[k];
            hb[i] = run[k];
            struct aws_batch_item *it = &items[i];
            s_log_response(hb[i].status, &hb[i].resp);
            double d = 0;
            if (s_should_retry(c, svc, it->req, hb[i].status, hb[i].failure, &hb[i].resp,
                               &it->resp, attempt, &bs[i].last_kind, &d, &hb[i].err)) {
                if (d > delay)
                    delay = d;
                continue;
            }
            it->err = hb[i].err;
            it->status = s_conclude(c, svc, it->req, hb[i].status, &hb[i].resp, &it->resp,
                                    &it->err);
            bs[i].done = true;
            left--;
        }
        free(run);
        if (left > 0)
            retry_sleep(&c->retry, delay);
    }
    for (size_t i = 0; i < n; i++) {
        http_batch_clean_up(&hb[i]);
        free(bs[i].url);
        headers_clean_up(&bs[i].h);
    }
    free(bs);
    free(hb);
    free(todo);
    free(base_url);
    return DRH_OK;
}
