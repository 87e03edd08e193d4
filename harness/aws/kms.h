/*
 * AWS KMS (json 1.1, TrentService): what drh reads of a key to know
 * whether another account can use it. DescribeKey (its ARN, owner and
 * whether it is customer or AWS managed), GetKeyPolicy (the key's own
 * account only) and ListGrants, every page.
 *
 * Every call returns DRH_E_NOTFOUND for NotFoundException, DRH_E_AWS for
 * other AWS errors, DRH_E_PARSE for a response the model does not allow,
 * DRH_E_INPUT for a missing argument (nothing sent). KMS answers a caller
 * the key is not shared with by AccessDeniedException: that is DRH_E_AWS
 * with *denied set true (denied may be NULL; it is set false on every
 * other outcome), so a check can tell "not shared" from "broken". Outputs
 * are written only on success.
 */
#ifndef DRH_AWS_KMS_H
#define DRH_AWS_KMS_H
#include "aws/client.h"

#include <stdbool.h>
#include <stddef.h>

struct kms_key {
    char *arn;
    char *id;
    char *account; /* AWSAccountId */
    char *manager; /* KeyManager: "CUSTOMER" or "AWS" */
    char *state;   /* KeyState: "Enabled", "Disabled", "PendingDeletion", ...; NULL when absent */
    bool enabled;
};

struct kms_grant {
    char *id;
    char *grantee;     /* GranteePrincipal; NULL when absent */
    char **operations; /* "Decrypt", "DescribeKey", ... */
    size_t n_operations;
};

void kms_key_clean_up(struct kms_key *k);
void kms_grants_free(struct kms_grant *v, size_t n);

/* key_id: a key id, key ARN, alias name ("alias/drh-dr-key") or alias ARN. A key of another
 * account must be named by its ARN. out must be zeroed or previously filled. */
enum drh_status kms_describe_key(struct aws_client *c, const char *key_id, struct kms_key *out,
                                 bool *denied, struct drh_err *err);
/* The "default" key policy document (JSON text); caller frees. */
enum drh_status kms_get_key_policy(struct aws_client *c, const char *key_id, char **policy,
                                   bool *denied, struct drh_err *err);
/* Every grant of the key; caller frees with kms_grants_free(). */
enum drh_status kms_list_grants(struct aws_client *c, const char *key_id, struct kms_grant **out,
                                size_t *n, bool *denied, struct drh_err *err);

#endif
