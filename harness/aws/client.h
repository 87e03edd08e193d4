/*
 * The AWS client: one call = resolve the endpoint, take current
 * credentials, sign (SigV4), send, parse an error into code / message /
 * request id, and retry as the SDKs' standard mode does. Everything a
 * service module needs; the service modules (sts.c, backup.c, ...) only
 * build requests and read responses.
 */
#ifndef DRH_AWS_CLIENT_H
#define DRH_AWS_CLIENT_H

#include "aws/config.h"
#include "aws/creds.h"
#include "aws/env.h"
#include "aws/headers.h"
#include "aws/http.h"
#include "aws/protocol.h"
#include "aws/retry.h"
#include "buf.h"
#include "err.h"

struct aws_client_options {
    const char *region;
    const struct aws_env *env;        /* NULL: the process environment */
    struct aws_creds_provider *creds; /* borrowed; may be NULL only when anonymous */
    int anonymous;                    /* unsigned requests (AssumeRoleWithWebIdentity) */
    const struct aws_config *cfg;     /* for endpoint settings; may be NULL */
    const char *profile;              /* whose endpoint settings apply; may be NULL */
    const char *endpoint_override;    /* every service of this client, from the drill */
    struct http_options http;         /* zero: defaults, CA bundle from AWS_CA_BUNDLE */
    struct retry_policy retry;        /* zero: standard mode defaults */
};

struct aws_request {
    const char *service;   /* "sts", "backup", ... (service.h) */
    const char *operation; /* for messages and logs */
    const char *method;    /* NULL: POST */
    const char *path;      /* percent-encoded; NULL: "/" */
    const char *query;     /* raw, without '?'; may be NULL */
    const struct headers *headers; /* extra headers; may be NULL */
    const void *body;
    size_t body_len;
};

struct aws_response {
    long status;
    struct headers headers;
    struct buf body;
    char *request_id;            /* NULL when the service gave none */
    struct aws_error_info error; /* filled when status >= 300 */
    int attempts;
};

struct aws_client;

/* Caller frees with aws_client_free(). */
enum drh_status aws_client_new(const struct aws_client_options *opt, struct aws_client **out,
                               struct drh_err *err);
void aws_client_free(struct aws_client *c);
const char *aws_client_region(const struct aws_client *c);

void aws_response_init(struct aws_response *r);
void aws_response_clean_up(struct aws_response *r);

/* Sends one operation, retrying as the standard mode says. DRH_OK only for
 * a 2xx answer. An AWS error answer returns DRH_E_AWS with resp->error set
 * and a message naming service, operation, code, message, request id and
 * attempts; no answer at all returns the network error. */
enum drh_status aws_client_send(struct aws_client *c, const struct aws_request *req,
                                struct aws_response *resp, struct drh_err *err);

/* One operation of a batch and, after aws_client_send_many(), its outcome
 * as aws_client_send() gives it: status, resp, err. Caller storage:
 * aws_batch_init() (req is borrowed: it must outlive the batch) /
 * aws_batch_clean_up(). */
struct aws_batch_item {
    const struct aws_request *req;
    struct aws_response resp;
    enum drh_status status;
    struct drh_err err;
};

void aws_batch_init(struct aws_batch_item *it, const struct aws_request *req);
void aws_batch_clean_up(struct aws_batch_item *it);

/* Sends n operations of one service in parallel (at most parallel at a
 * time over kept-alive connections; 0: 8), each signed and retried as
 * aws_client_send() would: the items that failed retryably are sent again
 * together after the longest of their backoffs. Every item gets its own
 * outcome; the call itself fails only when nothing could be sent (an
 * unknown service, a bad endpoint), with every item untouched. */
enum drh_status aws_client_send_many(struct aws_client *c, struct aws_batch_item *items, size_t n,
                                     int parallel, struct drh_err *err);

#endif
