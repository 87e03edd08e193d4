/*
 * HTTP over libcurl: the only module that includes curl/curl.h. One client
 * holds one easy handle, so connections are kept alive between calls, and,
 * for batches (http_send_many), a multi handle whose connection cache keeps
 * up to P connections alive between batches; a client is used by one thread
 * at a time. TLS is always verified; a CA bundle (AWS_CA_BUNDLE) may replace
 * the system store.
 */
#ifndef DRH_AWS_HTTP_H
#define DRH_AWS_HTTP_H

#include "aws/headers.h"
#include "buf.h"
#include "err.h"

#include <stddef.h>

struct http_options {
    long connect_timeout_ms; /* 0: 3100 ms, as the SDKs' default */
    long timeout_ms;         /* whole request; 0: 60000 ms */
    const char *ca_bundle;   /* PEM file replacing the system CAs; NULL: system */
    size_t max_body;         /* largest response body kept; 0: 64 MiB */
};

struct http_request {
    const char *method;
    const char *url;
    const struct headers *headers;
    const void *body;
    size_t body_len;
};

struct http_response {
    long status;
    struct headers headers;
    struct buf body;
};

/* Why a request got no HTTP response; the retry policy reads this. */
enum http_failure {
    HTTP_FAIL_NONE,
    HTTP_FAIL_CONNECT, /* refused, unreachable, DNS */
    HTTP_FAIL_TIMEOUT,
    HTTP_FAIL_RESET, /* dropped or truncated mid-exchange */
    HTTP_FAIL_TLS,
    HTTP_FAIL_OTHER,
};

struct http_client;

/* Caller frees with http_client_free(). */
struct http_client *http_client_new(const struct http_options *opt);
void http_client_free(struct http_client *c);

void http_response_init(struct http_response *r);
void http_response_clean_up(struct http_response *r);

/* Sends req and fills resp (which it resets first). Any HTTP status is
 * DRH_OK; no response at all is an error whose kind *failure tells
 * (failure may be NULL). Call http_global_init() once before threads start. */
enum drh_status http_send(struct http_client *c, const struct http_request *req,
                          struct http_response *resp, enum http_failure *failure,
                          struct drh_err *err);

void http_global_init(void);

/* One request of a batch and, after http_send_many(), its outcome: status
 * DRH_OK with resp filled (any HTTP status), or the error and failure kind
 * http_send() would have given. Caller storage: http_batch_init() before
 * the first batch, http_batch_clean_up() after the last. */
struct http_batch_item {
    struct http_request req;
    struct http_response resp;
    enum http_failure failure;
    enum drh_status status;
    struct drh_err err;
};

void http_batch_init(struct http_batch_item *it);
void http_batch_clean_up(struct http_batch_item *it);

/* Runs the n requests with at most parallel (0: 8) of them in flight at a
 * time, each over a kept-alive connection of c's multi handle, and fills
 * every item's outcome (responses are reset first). Returns when all are
 * done. */
void http_send_many(struct http_client *c, struct http_batch_item *items, size_t n,
                    int parallel);

#endif
