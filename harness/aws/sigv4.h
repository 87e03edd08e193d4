/*
 * AWS Signature Version 4: header auth (the Authorization header) and query
 * auth (presigned URLs). The output is byte-for-byte what botocore's
 * SigV4Auth, S3SigV4Auth, SigV4QueryAuth and S3SigV4QueryAuth produce for the
 * same request, so a signature mismatch against AWS can be reproduced in
 * Python. The clock is injected (sigv4_options.now) to keep tests
 * deterministic. Derived signing keys are cached per (secret, day, region,
 * service) and never logged.
 */
#ifndef DRH_AWS_SIGV4_H
#define DRH_AWS_SIGV4_H

#include "aws/headers.h"
#include "err.h"

#include <stddef.h>
#include <time.h>

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
/* Hex SHA-256 of the empty string. */
#define SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* The longest validity AWS accepts for a presigned URL: 7 days. */
#define SIGV4_PRESIGN_MAX_EXPIRES 604800u

struct sigv4_creds {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "" = none */
};

struct sigv4_request {
    const char *method; /* upper-cased for signing, as botocore does */
    /* As sent on the wire (already percent-encoded by the caller), e.g.
     * "/my%20key" or "/". NULL or "" signs as "/". */
    const char *path;
    const char *query;       /* raw query string as sent, without '?'; NULL or "" for none */
    struct headers *headers; /* must hold Host; see sigv4_sign() for what is added */
    const void *body;
    size_t body_len;
};

struct sigv4_options {
    const char *region;
    const char *service;
    time_t now; /* injected clock, UTC seconds */
    /* S3 rules: the path is used as given (no normalization, no double
     * encoding) and the X-Amz-Content-SHA256 header is sent. */
    int s3;
    /* NULL: hex SHA-256 of the body (header auth) or, for S3 presigning,
     * UNSIGNED-PAYLOAD; else used as given, e.g. SIGV4_UNSIGNED_PAYLOAD. */
    const char *payload_hash;
};

/*
 * Header auth, in place. Like botocore, it first removes any Authorization
 * header (a retry), then:
 *  - sets X-Amz-Date; but when the request already has a Date header, that
 *    header is rewritten to the signing time instead ("Sun, 30 Aug 2015
 *    12:36:00 -0000") and any X-Amz-Date is removed, since SigV4 accepts
 *    either and botocore prefers Date;
 *  - sets X-Amz-Security-Token when creds carry a session token;
 *  - S3: sets X-Amz-Content-SHA256 to the payload hash;
 *  - adds Authorization.
 * Every other header is signed as it is, except Expect, User-Agent and
 * X-Amzn-Trace-Id, which proxies may rewrite. The payload hash is
 * opt->payload_hash, else (not S3) an X-Amz-Content-SHA256 header the caller
 * set, else the SHA-256 of the body.
 * Returns DRH_OK; or, with err filled and the request untouched,
 * DRH_E_INPUT (no method or Host header, a line break in a value that goes
 * into a header, a time that is no signing date), DRH_E_CREDS (empty access
 * key or secret), DRH_E_CONFIG (no region or service) or DRH_E_INTERNAL (a
 * NULL argument).
 */
enum drh_status sigv4_sign(struct sigv4_request *req, const struct sigv4_creds *creds,
                           const struct sigv4_options *opt, struct drh_err *err);

/*
 * Query auth (a presigned URL). *query_out receives the complete new query
 * string: the original parameters in their order, re-encoded with the AWS
 * rules, then X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
 * X-Amz-SignedHeaders, X-Amz-Security-Token (when a token) and
 * X-Amz-Signature. Caller frees with free(). The request is not modified;
 * every header it holds is signed (same exclusions as sigv4_sign(), plus a
 * Content-Type of exactly "application/x-www-form-urlencoded; charset=utf-8",
 * which botocore drops from presigned requests), so the URL's user must send
 * them. expires_seconds: 1 to SIGV4_PRESIGN_MAX_EXPIRES. Errors as for
 * sigv4_sign(), plus DRH_E_INPUT for an expiry out of range; *query_out is
 * then left alone.
 * Unlike botocore, repeated query keys are all kept (botocore keeps the first
 * value of each) and '+' stays a plus (botocore's parse_qs makes it a space).
 */
enum drh_status sigv4_presign(const struct sigv4_request *req, const struct sigv4_creds *creds,
                              const struct sigv4_options *opt, unsigned expires_seconds,
                              char **query_out, struct drh_err *err);

/* The canonical request of req under header-auth rules, over the headers as
 * they are (so call it after sigv4_sign() and without the Authorization
 * header to see what was signed). payload_hash NULL: as sigv4_sign() chooses
 * it. *signed_headers_out (if not NULL) receives "host;x-amz-date"-style
 * names. Caller frees both with free(). */
char *sigv4_canonical_request(const struct sigv4_request *req, const struct sigv4_options *opt,
                              const char *payload_hash, char **signed_headers_out);

/* amz_date "20150830T123600Z", scope "20150830/us-east-1/service/aws4_request".
 * Caller frees with free(). */
char *sigv4_string_to_sign(const char *amz_date, const char *scope, const char *canonical_request);

/* The signing key for (secret, yyyymmdd, region, service), from the cache or
 * derived and cached. */
void sigv4_signing_key(const char *secret, const char *date8, const char *region,
                       const char *service, unsigned char out[32]);
/* Wipes every cached key: after a credential rotation, or before exit. */
void sigv4_cache_clear(void);
/* Cache look-ups since start: for tests and diagnostics. */
void sigv4_cache_stats(unsigned long *hits, unsigned long *misses);

#endif
