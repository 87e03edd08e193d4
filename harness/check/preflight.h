/*
 * Preflight: read-only checks, before a drill creates anything, that what
 * it will use exists and lets it work, so a drill fails fast with the
 * reason and a hint instead of an hour into a copy job. One case per
 * check, named "preflight <what>", only those the drill needs (from its
 * resources' paths, selections, copy flags and sides):
 *
 *   preflight source vault        DescribeBackupVault of source.vault (a resource restores
 *                                 from AWS Backup, not from the DR vault)
 *   preflight dr vault            DescribeBackupVault of target.vault (copies go there, or a
 *                                 resource selects dr-vault)
 *   preflight staging vault       DescribeBackupVault of target.staging_vault (in the target
 *                                 account and the source's region)
 *   preflight dr vault policy     the vault receiving a cross-account copy allows
 *   preflight staging vault policy  backup:CopyIntoBackupVault from the source account
 *   preflight kms key             the source vault's key is customer managed and usable by the
 *                                 target account (cross-account copies)
 *   preflight target key          target.kms_key exists in the target (DescribeKey)
 *
 * A vault policy or key that breaks the copy path is a drill failure
 * (REPORT_FAIL, exit 1: the backups would not reach DR); any other problem
 * an error of the environment (REPORT_ERROR, exit 3); each "reason (hint:
 * ...)". The isolation and same-account checks are the runner's
 * (runner_stack.c).
 */
#ifndef DRH_CHECK_PREFLIGHT_H
#define DRH_CHECK_PREFLIGHT_H
#include "check/check.h"
#include "run/runner.h"

/* Runs the checks c->d needs into c->suite, with the evidence as a "preflight" array in c->ev
 * (when not NULL). c->src and c->tgt are open and verified. RUNNER_PASSED when every check
 * passed (or none was needed), else RUNNER_FAILED when a check proved the copy path broken,
 * else RUNNER_ERROR. */
enum runner_verdict preflight_run(struct check_ctx *c);

#endif
