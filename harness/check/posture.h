/*
 * Posture: the AWS Backup setup a drill depends on, checked with read-only
 * calls (drh posture, and a step of drh run when the drill has a posture
 * section). One case per check, named "posture <what>":
 *
 *   posture plan                the backup plan (posture.plan, or the plans whose
 *                               selections name the drill's resources)
 *   posture rule NAME           a rule named like NAME keeps recovery points long enough
 *   posture copy to A/R[/V]     every expected rule copies into that account and region
 *   posture dr vault policy     the DR vault lets the source account copy into it
 *   posture kms key             the source vault's key is shared with the target account
 *   posture backup RESOURCE     the newest COMPLETED recovery point is within the RPO
 *   posture dr copy RESOURCE    so is the newest copy in the DR vault (check_copies)
 *
 * A posture problem is a drill failure (REPORT_FAIL, exit 1); an AWS error
 * is an error (REPORT_ERROR, exit 3). docs/posture.md says what each proves.
 *
 * The vault policy and key checks, the case helper and the resource ARNs
 * are shared with preflight (preflight.h): one implementation of each.
 */
#ifndef DRH_CHECK_POSTURE_H
#define DRH_CHECK_POSTURE_H
#include "check/check.h"
#include "run/runner.h"

#include <stdbool.h>

/* The defaults of posture.rules, after seed 004: daily 7 days, weekly 4 weeks, monthly 84
 * months. */
#define POSTURE_DAILY_DAYS 7
#define POSTURE_WEEKLY_DAYS 28
#define POSTURE_MONTHLY_DAYS 2555

/* Runs every posture check of c->d into c->suite, with the evidence as a "posture" array in
 * c->ev (when not NULL). c->src and c->tgt are open and verified. RUNNER_FAILED when a check
 * failed, else RUNNER_ERROR when one could not be made, else RUNNER_PASSED. */
enum runner_verdict posture_run(struct check_ctx *c);

/*
 * Shared with preflight.
 */

/* What one check found: the case's status, its one-line message and, when it did not pass,
 * a hint. */
struct posture_finding {
    enum report_status status;
    char message[DRH_ERR_MSG_MAX];
    char hint[DRH_ERR_HINT_MAX];
};

/* Sets status and message (clearing the hint) / the hint. */
void posture_set(struct posture_finding *f, enum report_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void posture_hint(struct posture_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* An AWS call's error as a finding: REPORT_ERROR with the error's message and hint. */
void posture_error(struct posture_finding *f, const struct drh_err *err);

/* Adds the case (the message, and " (hint: ...)" unless it passed) timed from t0
 * (progress_elapsed()), and when list is not NULL pushes {"case", "status", "message",
 * "hint"?} onto it. Returns that object (NULL without a list), for more members. */
struct json *posture_case(struct check_ctx *c, struct json *list, const char *name, double t0,
                          const struct posture_finding *f);

/* Does the access policy of vault (of dest's account, in region) allow
 * backup:CopyIntoBackupVault from from_account acting as from_role (NULL: any principal of
 * it)? DescribeBackupVault, GetBackupVaultAccessPolicy, policy_evaluate(). PASS names the
 * allowing statement; FAIL: the vault or its policy is missing, a statement denies, none
 * allows, or only a condition drh cannot evaluate would (hint: docs/iam/dr-vault-policy.json);
 * ERROR: an AWS call failed. */
void posture_vault_policy(struct side *dest, const char *region, const char *vault,
                          const char *from_account, const char *from_role,
                          struct posture_finding *f);

/* Is the key of src's vault (EncryptionKeyArn, in src's region) customer managed and usable
 * by tgt's account? DescribeBackupVault and DescribeKey from src, the key policy and grants
 * for the reason, and the proof: DescribeKey of the key's ARN with tgt's credentials. FAIL:
 * the vault is missing, the key is AWS managed (cannot be shared) or tgt may not use it;
 * ERROR: an AWS call failed. */
void posture_vault_key(struct side *src, const char *vault, struct side *tgt,
                       struct posture_finding *f);

/* Whether AWS Backup recovery points protect r: path backup and type rds, aurora, efs, ec2. */
bool posture_backed_up(const struct drill_resource *r);
/* r's production resource as an ARN, as AWS Backup names it: the source when it is an ARN,
 * else built in d's source account and region (rds db:ID, aurora cluster:ID, efs
 * file-system/ID, ec2 instance/ID). NULL for s3 and check resources. Caller frees. */
char *posture_resource_arn(const struct drill *d, const struct drill_resource *r);

#endif
