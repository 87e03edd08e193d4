/*
 * AWS Backup (rest-json), the configuration side that posture and
 * preflight checks read: backup plans and their rules (lifecycle, copy
 * actions), backup selections, a vault's description (its KMS key) and
 * access policy, and the recovery points of one resource across vaults.
 * Create and delete calls for plans, selections and vault policies exist
 * for tests and fixtures; drh's checks only read. Lists follow NextToken to
 * the end. Times are UTC epoch seconds.
 *
 * Errors as in backup.h: DRH_E_NOTFOUND for ResourceNotFoundException,
 * DRH_E_AWS for other AWS errors, DRH_E_PARSE for a response the model
 * does not allow, DRH_E_INPUT for a missing argument (nothing sent).
 * Outputs are written only on success; a struct output is cleaned up and
 * replaced, so it must be zeroed or previously filled.
 */
#ifndef DRH_AWS_BACKUP_PLAN_H
#define DRH_AWS_BACKUP_PLAN_H
#include "aws/backup.h"

#include <stdbool.h>
#include <stddef.h>

struct backup_copy_action {
    char *dest_vault_arn;   /* DestinationBackupVaultArn */
    long delete_after_days; /* the copy's Lifecycle.DeleteAfterDays; 0: kept until deleted */
};

struct backup_rule {
    char *name;             /* RuleName */
    char *id;               /* RuleId; NULL when absent */
    char *vault;            /* TargetBackupVaultName */
    char *schedule;         /* ScheduleExpression; NULL when absent */
    long delete_after_days; /* Lifecycle.DeleteAfterDays; 0: kept until deleted */
    long cold_after_days;   /* Lifecycle.MoveToColdStorageAfterDays; 0: never */
    bool continuous;        /* EnableContinuousBackup */
    struct backup_copy_action *copies;
    size_t n_copies;
};

/* A plan as ListBackupPlans gives it (no rules) or GetBackupPlan (with them). */
struct backup_plan {
    char *id;
    char *arn;
    char *name;
    char *version; /* VersionId; NULL when absent */
    struct backup_rule *rules;
    size_t n_rules;
};

/* A selection as ListBackupSelections gives it (id, name, role) or GetBackupSelection (with
 * the resources it names). */
struct backup_selection {
    char *id;
    char *name;
    char *iam_role;   /* NULL when absent */
    char **resources; /* Resources: ARNs, possibly with wildcards */
    size_t n_resources;
    char **not_resources; /* NotResources */
    size_t n_not_resources;
    bool by_tags; /* ListOfTags or Conditions select resources by tag too */
};

struct backup_vault {
    char *name;
    char *arn;
    char *key_arn; /* EncryptionKeyArn; NULL when absent */
    double created;
    long long n_recovery_points;
    bool locked;
};

void backup_plan_clean_up(struct backup_plan *p);
void backup_plans_free(struct backup_plan *v, size_t n);
void backup_selection_clean_up(struct backup_selection *s);
void backup_selections_free(struct backup_selection *v, size_t n);
void backup_vault_clean_up(struct backup_vault *v);

/* ListBackupPlans (not deleted ones): *out without rules; caller frees with
 * backup_plans_free(). */
enum drh_status backup_list_plans(struct aws_client *c, struct backup_plan **out, size_t *n,
                                  struct drh_err *err);
/* GetBackupPlan: the current version, with its rules. */
enum drh_status backup_get_plan(struct aws_client *c, const char *plan_id, struct backup_plan *out,
                                struct drh_err *err);
/* CreateBackupPlan with plan, a BackupPlanInput object ({"BackupPlanName", "Rules": [...]});
 * *plan_id: caller frees. */
enum drh_status backup_create_plan(struct aws_client *c, const struct json *plan, char **plan_id,
                                   struct drh_err *err);
enum drh_status backup_delete_plan(struct aws_client *c, const char *plan_id, struct drh_err *err);

/* ListBackupSelections of a plan: *out with id, name and role; caller frees with
 * backup_selections_free(). */
enum drh_status backup_list_selections(struct aws_client *c, const char *plan_id,
                                       struct backup_selection **out, size_t *n,
                                       struct drh_err *err);
enum drh_status backup_get_selection(struct aws_client *c, const char *plan_id,
                                     const char *selection_id, struct backup_selection *out,
                                     struct drh_err *err);
/* CreateBackupSelection naming n resource ARNs, with iam_role; *selection_id: caller frees. */
enum drh_status backup_create_selection(struct aws_client *c, const char *plan_id, const char *name,
                                        const char *iam_role, const char *const *resources,
                                        size_t n, char **selection_id, struct drh_err *err);
enum drh_status backup_delete_selection(struct aws_client *c, const char *plan_id,
                                        const char *selection_id, struct drh_err *err);

/* DescribeBackupVault. */
enum drh_status backup_describe_vault(struct aws_client *c, const char *vault,
                                      struct backup_vault *out, struct drh_err *err);
/* GetBackupVaultAccessPolicy: the policy text (caller frees); DRH_E_NOTFOUND when the vault or
 * its policy does not exist (AWS says which in the message). */
enum drh_status backup_get_vault_policy(struct aws_client *c, const char *vault, char **policy,
                                        struct drh_err *err);
enum drh_status backup_put_vault_policy(struct aws_client *c, const char *vault, const char *policy,
                                        struct drh_err *err);

/* ListRecoveryPointsByResource: the recovery points of resource_arn in every vault of c's
 * account and region (arn, vault_name, status, created, encryption_key_arn, size;
 * resource_arn is resource_arn). Caller frees with backup_recovery_points_free(). */
enum drh_status backup_list_recovery_points_by_resource(struct aws_client *c,
                                                        const char *resource_arn,
                                                        struct backup_recovery_point **out,
                                                        size_t *n, struct drh_err *err);

#endif
