/* HTTP over libcurl: see http.h. */
#include "aws/http.h"

#include "mem.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct http_client {
    CURL *curl;
    CURLM *multi; /* batches; NULL until the first */
    struct http_options opt;
    char *ca_bundle;
};

struct s_sink {
    struct http_response *resp;
    size_t max_body;
    int too_big;
};

static pthread_once_t s_once = PTHREAD_ONCE_INIT;

static void s_global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void http_global_init(void)
{
    pthread_once(&s_once, s_global_init);
}

struct http_client *http_client_new(const struct http_options *opt)
{
    http_global_init();
    struct http_client *c = xcalloc(1, sizeof *c);
    if (opt)
        c->opt = *opt;
    if (!c->opt.connect_timeout_ms)
        c->opt.connect_timeout_ms = 3100;
    if (!c->opt.timeout_ms)
        c->opt.timeout_ms = 60000;
    if (!c->opt.max_body)
        c->opt.max_body = (size_t)64 << 20;
    if (c->opt.ca_bundle)
        c->ca_bundle = xstrdup(c->opt.ca_bundle);
    c->curl = curl_easy_init();
    if (!c->curl) {
        free(c->ca_bundle);
        free(c);
        return NULL;
    }
    return c;
}

void http_client_free(struct http_client *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    free(c->ca_bundle);
    free(c);
}

void http_response_init(struct http_response *r)
{
    r->status = 0;
    headers_init(&r->headers);
    buf_init(&r->body);
}

void http_response_clean_up(struct http_response *r)
{
    headers_clean_up(&r->headers);
    buf_clean_up(&r->body);
    r->status = 0;
}

static size_t s_on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct s_sink *sink = userdata;
    size_t n = size * nmemb;
    if (sink->resp->body.len + n > sink->max_body) {
        sink->too_big = 1;
        return 0; /* aborts the transfer */
    }
    buf_append(&sink->resp->body, data, n);
    return n;
}

static size_t s_on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct s_sink *sink = userdata;
    size_t n = size * nmemb;
    /* A new status line (after a redirect or 100-continue) starts afresh. */
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        headers_clean_up(&sink->resp->headers);
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (!colon)
        return n;
    size_t name_len = (size_t)(colon - data);
    const char *v = colon + 1;
    const char *end = data + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    char *name = xstrndup(data, name_len);
    char *value = xstrndup(v, (size_t)(end - v));
    headers_add(&sink->resp->headers, name, value);
    free(name);
    free(value);
    return n;
}

static enum http_failure s_classify(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return HTTP_FAIL_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return HTTP_FAIL_TIMEOUT;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
        return HTTP_FAIL_RESET;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return HTTP_FAIL_TLS;
    default:
        return HTTP_FAIL_OTHER;
    }
}

/* The URL without its query: presigned queries hold signatures. */
static void s_url_for_message(const char *url, char *out, size_t size)
{
    size_t n = strcspn(url, "?");
    if (n >= size)
        n = size - 1;
    memcpy(out, url, n);
    out[n] = '\0';
}

/* Sets up curl for req: the options, headers (*list, caller frees) and
 * the sink that receives the response. */
static void s_setup(struct http_client *c, CURL *curl, const struct http_request *req,
                    struct s_sink *sink, struct curl_slist **list)
{
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, req->url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req->method);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, c->opt.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, c->opt.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    if (c->ca_bundle)
        curl_easy_setopt(curl, CURLOPT_CAINFO, c->ca_bundle);
    if (strcasecmp(req->method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (req->body_len || strcasecmp(req->method, "POST") == 0 ||
        strcasecmp(req->method, "PUT") == 0) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    /* curl adds these unless told not to; SigV4 signed exactly what we send. */
    *list = curl_slist_append(*list, "Expect:");
    *list = curl_slist_append(*list, "Accept:");
    if (req->headers && !headers_get(req->headers, "Content-Type"))
        *list = curl_slist_append(*list, "Content-Type:");
    for (size_t i = 0; req->headers && i < req->headers->n; i++) {
        const struct header *h = &req->headers->v[i];
        if (strcasecmp(h->name, "Content-Length") == 0)
            continue; /* curl computes it from the body */
        char *line = h->value[0] ? xasprintf("%s: %s", h->name, h->value)
                                 : xasprintf("%s;", h->name);
        *list = curl_slist_append(*list, line);
        free(line);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, *list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, sink);
}

/* The outcome of a finished transfer. */
static enum drh_status s_finish(struct http_client *c, CURL *curl, CURLcode rc,
                                const struct http_request *req, struct s_sink *sink,
                                enum http_failure *failure, struct drh_err *err)
{
    char where[512];
    s_url_for_message(req->url, where, sizeof where);
    if (sink->too_big) {
        if (failure)
            *failure = HTTP_FAIL_OTHER;
        return drh_err_set(err, DRH_E_PARSE, "%s %s: response body larger than %zu bytes",
                           req->method, where, c->opt.max_body);
    }
    if (rc != CURLE_OK) {
        enum http_failure kind = s_classify(rc);
        if (failure)
            *failure = kind;
        enum drh_status code = kind == HTTP_FAIL_TIMEOUT ? DRH_E_TIMEOUT
                               : kind == HTTP_FAIL_TLS   ? DRH_E_TLS
                                                         : DRH_E_NET;
        drh_err_set(err, code, "%s %s: %s", req->method, where, curl_easy_strerror(rc));
        if (kind == HTTP_FAIL_TLS)
            drh_err_hint(err, "TLS is always verified; for a private CA set AWS_CA_BUNDLE to its PEM file");
        else if (kind == HTTP_FAIL_CONNECT)
            drh_err_hint(err, "check the endpoint (AWS_ENDPOINT_URL, the drill's endpoint override) and the network");
        return code;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &sink->resp->status);
    return DRH_OK;
}

enum drh_status http_send(struct http_client *c, const struct http_request *req,
                          struct http_response *resp, enum http_failure *failure,
                          struct drh_err *err)
{
    struct curl_slist *list = NULL;
    struct s_sink sink = {resp, c->opt.max_body, 0};
    if (failure)
        *failure = HTTP_FAIL_NONE;
    http_response_clean_up(resp);
    http_response_init(resp);
    s_setup(c, c->curl, req, &sink, &list);
    CURLcode rc = curl_easy_perform(c->curl);
    enum drh_status status = s_finish(c, c->curl, rc, req, &sink, failure, err);
    curl_slist_free_all(list);
    return status;
}

void http_batch_init(struct http_batch_item *it)
{
    memset(it, 0, sizeof *it);
    http_response_init(&it->resp);
}

void http_batch_clean_up(struct http_batch_item *it)
{
    http_response_clean_up(&it->resp);
}

/* One connection slot of a batch: an easy handle reused for many requests. */
struct s_slot {
    CURL *curl;
    struct curl_slist *list;
    struct s_sink sink;
    size_t item; /* the item in flight; SIZE_MAX when idle */
};

void http_send_many(struct http_client *c, struct http_batch_item *items, size_t n,
                    int parallel)
{
    if (parallel <= 0)
        parallel = 8;
    if ((size_t)parallel > n)
        parallel = (int)n;
    if (n == 0)
        return;
    if (!c->multi) {
        c->multi = curl_multi_init();
        curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, 64L);
    }
    struct s_slot *slots = xcalloc((size_t)parallel, sizeof *slots);
    size_t next = 0, done = 0;
    for (int i = 0; i < parallel; i++) {
        slots[i].curl = curl_easy_init();
        slots[i].item = SIZE_MAX;
    }
    while (done < n) {
        /* fill idle slots */
        for (int i = 0; i < parallel && next < n; i++) {
            struct s_slot *s = &slots[i];
            if (s->item != SIZE_MAX)
                continue;
            struct http_batch_item *it = &items[next];
            it->failure = HTTP_FAIL_NONE;
            it->status = DRH_OK;
            drh_err_clear(&it->err);
            http_response_clean_up(&it->resp);
            http_response_init(&it->resp);
            s->sink = (struct s_sink){&it->resp, c->opt.max_body, 0};
            s->list = NULL;
            if (!s->curl) {
                it->status = drh_err_set(&it->err, DRH_E_INTERNAL, "cannot create a curl handle");
                it->failure = HTTP_FAIL_OTHER;
                next++;
                done++;
                continue;
            }
            s_setup(c, s->curl, &it->req, &s->sink, &s->list);
            curl_easy_setopt(s->curl, CURLOPT_PRIVATE, s);
            s->item = next++;
            curl_multi_add_handle(c->multi, s->curl);
        }
        int running = 0;
        curl_multi_perform(c->multi, &running);
        CURLMsg *m;
        int left;
        bool finished = false;
        while ((m = curl_multi_info_read(c->multi, &left))) {
            if (m->msg != CURLMSG_DONE)
                continue;
            struct s_slot *s = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            CURLcode rc = m->data.result;
            curl_multi_remove_handle(c->multi, m->easy_handle);
            struct http_batch_item *it = &items[s->item];
            it->status = s_finish(c, s->curl, rc, &it->req, &s->sink, &it->failure, &it->err);
            curl_slist_free_all(s->list);
            s->list = NULL;
            s->item = SIZE_MAX;
            done++;
            finished = true;
        }
        if (!finished && running > 0)
            curl_multi_poll(c->multi, NULL, 0, 1000, NULL);
    }
    for (int i = 0; i < parallel; i++)
        curl_easy_cleanup(slots[i].curl);
    free(slots);
}
