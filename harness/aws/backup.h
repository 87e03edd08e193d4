/*
 * AWS Backup (rest-json): recovery points, copy jobs, restore jobs, tags:
 * what an RDS/Aurora (and later EFS, EC2, S3) drill needs. Lists follow
 * NextToken to the end. Times are UTC epoch seconds (fractions kept).
 *
 * Every call returns DRH_E_NOTFOUND for ResourceNotFoundException (the
 * message keeps service, operation, AWS message and request id), DRH_E_AWS
 * for other AWS errors, DRH_E_PARSE for a response that is not what the
 * model says, DRH_E_INPUT for a missing required argument (nothing sent).
 * Outputs are written only on success; a struct output is cleaned up and
 * replaced, so it must be zeroed or previously filled.
 */
#ifndef DRH_AWS_BACKUP_H
#define DRH_AWS_BACKUP_H
#include "aws/client.h"
#include "aws/protocol.h"
#include "json.h"
#include <stddef.h>

struct backup_recovery_point {
    char *arn;
    char *vault_name;
    char *resource_arn;
    char *resource_type;      /* "RDS", "Aurora", "EFS", ... */
    char *status;             /* "COMPLETED", "PARTIAL", "DELETING", "EXPIRED" */
    double created;           /* CreationDate */
    double completed;         /* CompletionDate; 0 when absent */
    char *encryption_key_arn; /* NULL when absent */
    char *source_vault_arn;   /* SourceBackupVaultArn (a copy); NULL otherwise */
    long long size;           /* BackupSizeInBytes; 0 when absent */
};

/* A copy or restore job, as Describe*Job gives it. */
struct backup_job {
    char *id;
    char *state;          /* CREATED PENDING RUNNING COMPLETED FAILED ABORTED PARTIAL */
    char *status_message; /* NULL when absent */
    double created;
    double completed;     /* 0 until it ends */
    char *result_arn;     /* copy: DestinationRecoveryPointArn; restore: CreatedResourceArn */
    char *percent_done;   /* NULL when absent */
};

void backup_recovery_point_clean_up(struct backup_recovery_point *rp);
void backup_recovery_points_free(struct backup_recovery_point *v, size_t n);
void backup_job_clean_up(struct backup_job *j);

/* All recovery points of a vault; resource_arn (may be NULL) filters by
 * resource (ByResourceArn). *out: caller frees with backup_recovery_points_free(). */
enum drh_status backup_list_recovery_points_by_vault(struct aws_client *c, const char *vault,
                                                     const char *resource_arn,
                                                     struct backup_recovery_point **out,
                                                     size_t *n, struct drh_err *err);
enum drh_status backup_describe_recovery_point(struct aws_client *c, const char *vault,
                                               const char *rp_arn,
                                               struct backup_recovery_point *out,
                                               struct drh_err *err);
enum drh_status backup_delete_recovery_point(struct aws_client *c, const char *vault,
                                             const char *rp_arn, struct drh_err *err);

/* StartCopyJob from vault (in c's account and region) into dest_vault_arn.
 * token: IdempotencyToken (NULL: none). *job_id: caller frees. */
enum drh_status backup_start_copy_job(struct aws_client *c, const char *vault, const char *rp_arn,
                                      const char *dest_vault_arn, const char *iam_role_arn,
                                      const char *token, char **job_id, struct drh_err *err);
enum drh_status backup_describe_copy_job(struct aws_client *c, const char *job_id,
                                         struct backup_job *out, struct drh_err *err);

/* GetRecoveryPointRestoreMetadata: *metadata is the RestoreMetadata object
 * (string values), caller frees with json_free(). */
enum drh_status backup_get_restore_metadata(struct aws_client *c, const char *vault,
                                            const char *rp_arn, struct json **metadata,
                                            struct drh_err *err);
/* StartRestoreJob with metadata (an object of strings; required),
 * iam_role_arn, resource_type ("RDS", "Aurora", ...) and token (each NULL:
 * none). *job_id: caller frees. */
enum drh_status backup_start_restore_job(struct aws_client *c, const char *rp_arn,
                                         const char *iam_role_arn, const struct json *metadata,
                                         const char *resource_type, const char *token,
                                         char **job_id, struct drh_err *err);
enum drh_status backup_describe_restore_job(struct aws_client *c, const char *job_id,
                                            struct backup_job *out, struct drh_err *err);

/* TagResource; n == 0 sends nothing. A NULL value is sent as "". */
enum drh_status backup_tag_resource(struct aws_client *c, const char *arn,
                                    const struct aws_tag *tags, size_t n, struct drh_err *err);
/* ListTags, every page: *tags an object of strings; caller frees with json_free(). */
enum drh_status backup_list_tags(struct aws_client *c, const char *arn, struct json **tags,
                                 struct drh_err *err);

/* The vault's ARN ("arn:<partition>:backup:<region>:<account>:backup-vault:<name>"). Caller
 * frees; NULL when region is not a region name or an argument is NULL. */
/* o.key as a time (epoch seconds, or an ISO 8601 string; fractions kept)
 * into *out; absent or null is 0. Anything else is DRH_E_PARSE naming op. */
enum drh_status backup_json_time(const struct json *o, const char *key, const char *op,
                                 double *out, struct drh_err *err);
char *backup_vault_arn(const char *region, const char *account, const char *vault);

#endif
