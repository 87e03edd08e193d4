/*
 * AWS credentials and the standard provider chain, in the SDKs' order:
 *   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
 *      (skipped when the profile was named explicitly, as the SDKs do)
 *   2. the profile's role_arn, assumed with STS AssumeRole from its
 *      source_profile or credential_source (external_id, role_session_name,
 *      duration_seconds honoured)
 *   3. web identity: the profile's web_identity_token_file + role_arn, or
 *      AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME),
 *      with STS AssumeRoleWithWebIdentity (what CI OIDC uses)
 *   4. the profile's static keys (credentials file, then config file)
 *   5. the profile's credential_process
 *   6. container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 *      _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)
 *   7. EC2 instance metadata, IMDSv2 (unless AWS_EC2_METADATA_DISABLED)
 * Temporary credentials are refreshed five minutes before they expire.
 */
#ifndef DRH_AWS_CREDS_H
#define DRH_AWS_CREDS_H

#include "aws/config.h"
#include "aws/env.h"
#include "aws/http.h"
#include "aws/retry.h"
#include "err.h"

#include <time.h>

struct aws_credentials {
    char *access_key_id;
    char *secret_access_key;
    char *session_token; /* NULL when none */
    time_t expiration;   /* 0: does not expire */
    char *account_id;    /* when the source tells it, else NULL */
};

void aws_credentials_init(struct aws_credentials *c);
void aws_credentials_clean_up(struct aws_credentials *c);
void aws_credentials_copy(struct aws_credentials *dst, const struct aws_credentials *src);

/* Refresh this long before expiry; an SDK-like advisory window. */
#define AWS_CREDS_REFRESH_WINDOW 300

struct aws_creds_options {
    const struct aws_env *env;    /* NULL: the process environment */
    const struct aws_config *cfg; /* NULL: loaded from the environment's files */
    const char *profile;          /* NULL: AWS_PROFILE, else "default" */
    int explicit_profile;         /* profile named by the user: environment keys are skipped */
    const char *region;           /* for STS; NULL: the profile's, AWS_REGION, us-east-1 */
    const char *endpoint_override; /* for STS, as the drill's endpoint override */
    struct http_options http;
    struct retry_policy retry;
};

struct aws_assume_role {
    const char *role_arn;
    const char *external_id;       /* NULL: none */
    const char *session_name;      /* NULL: "drh-<unix time>" */
    int duration_seconds;          /* 0: STS's default (3600) */
};

struct aws_creds_provider;

/* The standard chain. The source is chosen at the first aws_creds_get(). */
enum drh_status aws_creds_chain_new(const struct aws_creds_options *opt,
                                    struct aws_creds_provider **out, struct drh_err *err);
/* Fixed credentials (copied). */
struct aws_creds_provider *aws_creds_static_new(const struct aws_credentials *c,
                                                const char *description);
/* Assumes role with credentials from source (borrowed: it must outlive the
 * new provider): a cross-account drill holds one of these per account. */
enum drh_status aws_creds_assume_role_new(struct aws_creds_provider *source,
                                          const struct aws_assume_role *role,
                                          const struct aws_creds_options *opt,
                                          struct aws_creds_provider **out, struct drh_err *err);
/* Current credentials, fetched or refreshed as needed. *out is owned by the
 * provider and valid until the next aws_creds_get() on it. */
enum drh_status aws_creds_get(struct aws_creds_provider *p, const struct aws_credentials **out,
                              struct drh_err *err);
/* Which source the provider uses, for messages: "environment",
 * "profile 'dr' (credentials file)", ... Never a secret. */
const char *aws_creds_describe(const struct aws_creds_provider *p);
void aws_creds_provider_free(struct aws_creds_provider *p);

/* Parses an RFC 3339 / ISO 8601 UTC time as the credential sources give it
 * ("2026-11-22T03:04:05Z", fractions and +00:00 accepted); -1 if malformed. */
time_t aws_parse_time(const char *s);
/* The same with the fraction of a second kept (service timestamps such as
 * "2026-11-22T03:04:05.123Z"); -1 if malformed or NULL. */
double aws_parse_time_frac(const char *s);

#endif
