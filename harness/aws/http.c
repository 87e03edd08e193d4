/* HTTP over libcurl: see http.h. */
#include "aws/http.h"

#include "mem.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct http_client {
    CURL *curl;
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

enum drh_status http_send(struct http_client *c, const struct http_request *req,
                          struct http_response *resp, enum http_failure *failure,
                          struct drh_err *err)
{
    CURL *curl = c->curl;
    struct curl_slist *list = NULL;
    struct s_sink sink = {resp, c->opt.max_body, 0};
    enum drh_status status = DRH_OK;

    if (failure)
        *failure = HTTP_FAIL_NONE;
    http_response_clean_up(resp);
    http_response_init(resp);
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
    list = curl_slist_append(list, "Expect:");
    list = curl_slist_append(list, "Accept:");
    if (req->headers && !headers_get(req->headers, "Content-Type"))
        list = curl_slist_append(list, "Content-Type:");
    for (size_t i = 0; req->headers && i < req->headers->n; i++) {
        const struct header *h = &req->headers->v[i];
        if (strcasecmp(h->name, "Content-Length") == 0)
            continue; /* curl computes it from the body */
        char *line = h->value[0] ? xasprintf("%s: %s", h->name, h->value)
                                 : xasprintf("%s;", h->name);
        list = curl_slist_append(list, line);
        free(line);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);

    CURLcode rc = curl_easy_perform(curl);
    char where[512];
    s_url_for_message(req->url, where, sizeof where);
    if (sink.too_big) {
        status = drh_err_set(err, DRH_E_PARSE, "%s %s: response body larger than %zu bytes",
                             req->method, where, c->opt.max_body);
        if (failure)
            *failure = HTTP_FAIL_OTHER;
        goto done;
    }
    if (rc != CURLE_OK) {
        enum http_failure kind = s_classify(rc);
        if (failure)
            *failure = kind;
        enum drh_status code = kind == HTTP_FAIL_TIMEOUT ? DRH_E_TIMEOUT
                               : kind == HTTP_FAIL_TLS   ? DRH_E_TLS
                                                         : DRH_E_NET;
        status = drh_err_set(err, code, "%s %s: %s", req->method, where, curl_easy_strerror(rc));
        if (kind == HTTP_FAIL_TLS)
            drh_err_hint(err, "TLS is always verified; for a private CA set AWS_CA_BUNDLE to its PEM file");
        else if (kind == HTTP_FAIL_CONNECT)
            drh_err_hint(err, "check the endpoint (AWS_ENDPOINT_URL, the drill's endpoint override) and the network");
        goto done;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);

done:
    curl_slist_free_all(list);
    return status;
}
