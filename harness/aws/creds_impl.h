/*
 * Inside the credential providers: the provider object that creds.c
 * manages and the sources that fill it (creds_sts.c, creds_http.c,
 * creds_process.c). Not for use outside harness/aws/creds*.c.
 */
#ifndef DRH_AWS_CREDS_IMPL_H
#define DRH_AWS_CREDS_IMPL_H

#include "aws/creds.h"

typedef enum drh_status (*creds_fetch_fn)(struct aws_creds_provider *p,
                                          struct aws_credentials *out, struct drh_err *err);

struct aws_creds_provider {
    char *description; /* never holds a secret */
    creds_fetch_fn fetch;
    void (*destroy)(void *impl);
    void *impl;
    struct aws_env env;
    struct aws_credentials cached;
    int have;
    /* The chain: picks its source once, then hands every call to it. */
    enum drh_status (*resolve)(struct aws_creds_provider *p, struct drh_err *err);
    struct aws_creds_provider *delegate;
};

struct aws_creds_provider *creds_provider_new(const char *description, creds_fetch_fn fetch,
                                              void (*destroy)(void *impl), void *impl,
                                              const struct aws_env *env);
const char *creds_sts_region(const struct aws_creds_options *opt, const char *profile);

/* Each returns DRH_E_NOTFOUND when its source is not configured at all. */
enum drh_status creds_web_identity_new(const struct aws_creds_options *opt, const char *role_arn,
                                       const char *token_file, const char *session_name,
                                       int duration, struct aws_creds_provider **out,
                                       struct drh_err *err);
/* The new provider owns source (frees it with itself). */
enum drh_status creds_assume_role_owning(struct aws_creds_provider *source,
                                         const struct aws_assume_role *role,
                                         const struct aws_creds_options *opt,
                                         const char *description,
                                         struct aws_creds_provider **out, struct drh_err *err);
enum drh_status creds_assume_role_borrowing(struct aws_creds_provider *source,
                                            const struct aws_assume_role *role,
                                            const struct aws_creds_options *opt,
                                            const char *description,
                                            struct aws_creds_provider **out,
                                            struct drh_err *err);
enum drh_status creds_container_new(const struct aws_creds_options *opt,
                                    struct aws_creds_provider **out, struct drh_err *err);
enum drh_status creds_imds_new(const struct aws_creds_options *opt,
                               struct aws_creds_provider **out, struct drh_err *err);
enum drh_status creds_process_new(const struct aws_creds_options *opt, const char *profile,
                                  const char *command, struct aws_creds_provider **out,
                                  struct drh_err *err);
/* Fills out from a JSON document of AccessKeyId, SecretAccessKey, a token
 * field (token_key: "Token" or "SessionToken") and Expiration. */
enum drh_status creds_from_json(const char *what, const char *text, size_t len,
                                const char *token_key, struct aws_credentials *out,
                                struct drh_err *err);

#endif
