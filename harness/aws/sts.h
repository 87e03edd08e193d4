/*
 * AWS STS (query protocol): who am I, and the role sessions that a
 * cross-account drill and the credential chain hold.
 */
#ifndef DRH_AWS_STS_H
#define DRH_AWS_STS_H

#include "aws/client.h"
#include "aws/creds.h"

struct sts_identity {
    char *account;
    char *arn;
    char *user_id;
};

void sts_identity_clean_up(struct sts_identity *id);
enum drh_status sts_get_caller_identity(struct aws_client *c, struct sts_identity *out,
                                        struct drh_err *err);
/* out receives the role session's credentials (caller cleans up). */
enum drh_status sts_assume_role(struct aws_client *c, const struct aws_assume_role *role,
                                struct aws_credentials *out, struct drh_err *err);
/* c must be anonymous: this call is not signed. */
enum drh_status sts_assume_role_with_web_identity(struct aws_client *c, const char *role_arn,
                                                  const char *session_name, const char *token,
                                                  int duration_seconds,
                                                  struct aws_credentials *out,
                                                  struct drh_err *err);

#endif
