/*
 * Inside harness/iam/: the grants of one side, bound to concrete resources
 * (iam_rules.c), and their folding into a policy document.
 */
#ifndef DRH_IAM_IMPL_H
#define DRH_IAM_IMPL_H
#include "aws/endpoint.h"
#include "iam/iam_policy.h"

/* The Condition a rule carries, in the order statements are printed. */
enum iam_cond { IAM_COND_NONE, IAM_COND_PASS_ROLE, IAM_COND_KMS_VIA, IAM_COND_TAGGED };

struct iam_rule {
    char *action;
    char *resource;
    enum iam_cond cond;
    char *cond_value; /* kms:ViaService value; NULL for the other conditions */
    enum iam_res res; /* the grant's, for the statement's Sid and order */
};

/* Caller storage: zeroed to start, iam_rules_clean_up() at the end. */
struct iam_rules {
    struct iam_rule *v;
    size_t n, cap;
};

/* Adds g bound to side s in region (of partition p), with vault and bucket
 * for the grants scoped to them: a vault grant without a vault is left out
 * (the feature acts on none), a bucket grant without a bucket gets "*". A
 * rule already there is not added twice. */
void iam_rules_add(struct iam_rules *rs, const struct iam_grant *g, const struct drill_side *s,
                   const struct aws_partition *p, const char *region, const char *vault,
                   const char *bucket);
/* The identity policy of the rules: one statement for each set of actions
 * that share their resources and condition, sorted. Caller frees. */
struct json *iam_rules_policy(const struct iam_rules *rs);
void iam_rules_clean_up(struct iam_rules *rs);

#endif
