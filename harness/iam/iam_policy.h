/*
 * The least-privilege IAM policies a drill needs (drh iam-policy): the
 * identity policy of the source side's principal, the identity policy of
 * the target side's, and the access policy of each DR vault a copy across
 * accounts goes into (backup:CopyIntoBackupVault for the source account).
 *
 * What drh calls is data (iam_tables.c): one table per feature of a drill
 * (selecting a recovery point, a copy job, a snapshot restore, the
 * teardown of restored databases, an isolated stack it builds...), each row
 * an operation drh sends and an IAM action it needs, with the resource the
 * action can be scoped to. iam_policy_build() picks the features a loaded
 * drill uses, binds them to the side, region, vault or bucket they act on,
 * and folds their rows into statements, sorted, so that the same drill
 * always prints the same bytes.
 */
#ifndef DRH_IAM_POLICY_H
#define DRH_IAM_POLICY_H
#include "drill/drill.h"
#include "json.h"
#include <stdbool.h>
#include <stddef.h>

/* What a grant's Resource is, and the Condition that goes with it. */
enum iam_res {
    IAM_RES_ANY,                  /* "*" */
    IAM_RES_VAULT,                /* the bound vault's ARN */
    IAM_RES_BACKUP_ROLE,          /* the side's backup_role_arn, passed to AWS Backup only */
    IAM_RES_RDS_DB,               /* arn:P:rds:REGION:ACCOUNT:db:drh-* (drh's identifiers) */
    IAM_RES_RDS_CLUSTER,          /* ...:cluster:drh-* */
    IAM_RES_RDS_SNAPSHOT,         /* ...:snapshot:drh-* */
    IAM_RES_RDS_CLUSTER_SNAPSHOT, /* ...:cluster-snapshot:drh-* */
    IAM_RES_KMS_RDS,              /* "*", used through RDS in the bound region (kms:ViaService) */
    IAM_RES_KMS_EC2,              /* "*", used through EC2 in the bound region */
    IAM_RES_BUCKET,               /* arn:P:s3:::BUCKET (the bound bucket) */
    IAM_RES_OBJECTS,              /* arn:P:s3:::BUCKET/ * */
    IAM_RES_CANARIES,             /* arn:P:s3:::BUCKET/drh-canary/ * (drh's canary objects) */
    IAM_RES_DRH_BUCKETS,          /* arn:P:s3:::drh-*-restore (the restore buckets drh names) */
    IAM_RES_DRH_OBJECTS           /* arn:P:s3:::drh-*-restore/ * */
};

/* One row: drh sends op ("service:Operation", the service as it signs:
 * rds, backup, ec2, elasticfilesystem, s3, kms, sts), which needs action.
 * An action AWS checks without drh calling it (iam:PassRole for a job's
 * role, kms:CreateGrant for an encrypted copy, ec2:CreateNetworkInterface
 * for an EFS mount target) has op naming the call that needs it. tagged:
 * only on things that carry a drh:run-id tag (the deletes). */
struct iam_grant {
    const char *op;
    const char *action;
    enum iam_res res;
    bool tagged;
};

struct iam_feature {
    const char *name; /* "copy-job" */
    const char *what; /* when a drill uses it */
    const struct iam_grant *grants;
    size_t n_grants;
};

/* Every feature table (iam_tables.c); static storage. */
const struct iam_feature *iam_features(size_t *n);
/* The table of that name, or NULL. */
const struct iam_feature *iam_feature(const char *name);

enum iam_doc_kind { IAM_DOC_SOURCE, IAM_DOC_TARGET, IAM_DOC_VAULT };

struct iam_doc {
    enum iam_doc_kind kind;
    char *heading;       /* "source role (111111111111): profile production" */
    char *name;          /* file name part: "source", "target", "vault" ("vault-2", ...) */
    struct json *policy; /* the policy document */
};

/* The documents of d for the kinds in mask (bit 1 << IAM_DOC_*), in the
 * order source, target, vaults. A vault document is made for each distinct
 * vault a copy into another account goes into (none when no copy crosses
 * accounts). *docs: caller frees with iam_docs_free(). Fails only for a
 * drill drill_load() would refuse (DRH_E_INPUT). */
enum drh_status iam_policy_build(const struct drill *d, unsigned mask, struct iam_doc **docs,
                                 size_t *n, struct drh_err *err);
void iam_docs_free(struct iam_doc *docs, size_t n);

/* A policy as it is printed and stored in docs/iam/: two-space indent, one
 * member or array item a line, a final newline. Caller frees. */
char *iam_policy_text(const struct json *policy);

#endif
