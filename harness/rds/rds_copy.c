/*
 * Copying the selected backup to where it is restored: AWS Backup copy jobs
 * into the DR vault (two hops through a staging vault when both account and
 * region change, as AWS requires for RDS and Aurora), or copies of a shared
 * snapshot into the target account, re-encrypted with the target's key.
 * Everything made is in the ledger (an intent before the call) and tagged.
 */
#include "aws/backup.h"
#include "aws/rds.h"
#include "mem.h"
#include "run/progress.h"
#include "rds/rds_run.h"
#include "run/wait.h"

#include <stdlib.h>
#include <string.h>

struct copy_poll {
    struct aws_client *c;
    const char *job_id;
    struct backup_job job;
};

static enum drh_status s_poll_copy(void *ctx, bool *done, struct buf *status,
                                   struct drh_err *err)
{
    struct copy_poll *p = ctx;
    backup_job_clean_up(&p->job);
    enum drh_status st = backup_describe_copy_job(p->c, p->job_id, &p->job, err);
    if (st != DRH_OK)
        return st;
    const char *s = p->job.state ? p->job.state : "?";
    *done = strcmp(s, "COMPLETED") == 0 || strcmp(s, "FAILED") == 0 ||
            strcmp(s, "ABORTED") == 0 || strcmp(s, "PARTIAL") == 0 || strcmp(s, "EXPIRED") == 0;
    buf_printf(status, "%s%s%s", s, p->job.percent_done ? " " : "",
               p->job.percent_done ? p->job.percent_done : "");
    return DRH_OK;
}

/* One copy job: from vault in (job_side, from_region) to dest_vault in the
 * target account's dest_region. */
static enum step_end s_copy_hop(struct rds_run *run, int hop, struct side *job_side,
                                const char *from_region, const char *dest_region,
                                const char *dest_vault, struct drh_err *err)
{
    const struct drill_side *tgt = side_def(run->tgt);
    struct aws_client *c = NULL;
    if (side_client(job_side, from_region, &c, err) != DRH_OK)
        return STEP_ERROR;
    char *dest_arn = backup_vault_arn(dest_region, tgt->account, dest_vault);
    char *token = xasprintf("drh-%s-%s-%d", run->run_id, run->r->name, hop);
    char *key = xasprintf("copy:%s", token);
    char *job_id = NULL;
    enum step_end end = STEP_ERROR;
    const char *role = side_def(job_side)->backup_role_arn;
    if (ledger_intent(run->ledger, LEDGER_RECOVERY_POINT, "target", dest_region, key,
                      dest_vault, NULL, run->r->name, err) != DRH_OK)
        goto done;
    progress_phase(run->d->name, run->r->name, "copy", "%s -> %s (%s, %s)", run->rp_arn,
                   dest_vault, tgt->account, dest_region);
    if (backup_start_copy_job(c, run->rp_vault, run->rp_arn, dest_arn, role, token, &job_id,
                              err) != DRH_OK)
        goto done;
    char *job_ref = xasprintf("%s:%s:%s", side_name(job_side), from_region, job_id);
    enum drh_status st = ledger_created(run->ledger, LEDGER_RECOVERY_POINT, key, NULL, job_ref, err);
    free(job_ref);
    if (st != DRH_OK)
        goto done;
    json_add_string(run->ev, hop == 1 ? "copy_job_id" : "copy_job_id_2", job_id);

    struct copy_poll p = {c, job_id, {0}};
    char *what = xasprintf("copy job %s", job_id);
    struct wait_options w = {run->d->name, run->r->name, "copy", what, run->deadline, 0, 0, 0};
    st = wait_until(&w, s_poll_copy, &p, err);
    free(what);
    if (st != DRH_OK) {
        end = st == DRH_E_TIMEOUT ? STEP_FAILED : STEP_ERROR;
        backup_job_clean_up(&p.job);
        goto done;
    }
    if (strcmp(p.job.state, "COMPLETED") != 0) {
        drh_err_set(err, DRH_E_AWS, "copy job %s ended %s: %s", job_id, p.job.state,
                    p.job.status_message ? p.job.status_message : "(no status message)");
        drh_err_hint(err, "a cross-account copy needs a vault access policy that allows "
                          "backup:CopyIntoBackupVault from the source account and a KMS key "
                          "the destination can use");
        end = STEP_FAILED;
        backup_job_clean_up(&p.job);
        goto done;
    }
    if (p.job.completed > 0 && p.job.created > 0)
        run->phase_s[PH_COPY] += p.job.completed - p.job.created;
    if (!p.job.result_arn ||
        ledger_resolved(run->ledger, LEDGER_RECOVERY_POINT, key, p.job.result_arn, err) !=
            DRH_OK) {
        if (!p.job.result_arn)
            drh_err_set(err, DRH_E_PARSE, "copy job %s completed without a recovery point",
                        job_id);
        backup_job_clean_up(&p.job);
        goto done;
    }
    struct aws_client *tc = NULL;
    struct aws_tag tags[2];
    rds_tags(run, tags);
    if (side_client(run->tgt, dest_region, &tc, err) != DRH_OK ||
        backup_tag_resource(tc, p.job.result_arn, tags, 2, err) != DRH_OK) {
        backup_job_clean_up(&p.job);
        goto done;
    }
    free(run->rp_arn);
    free(run->rp_vault);
    free(run->rp_region);
    run->rp_arn = xstrdup(p.job.result_arn);
    run->rp_vault = xstrdup(dest_vault);
    run->rp_region = xstrdup(dest_region);
    backup_job_clean_up(&p.job);
    end = STEP_OK;
done:
    free(job_id);
    free(key);
    free(token);
    free(dest_arn);
    return end;
}

static enum step_end s_copy_recovery_point(struct rds_run *run, struct drh_err *err)
{
    const struct drill_side *src = side_def(run->src), *tgt = side_def(run->tgt);
    bool other_account = strcmp(src->account, tgt->account) != 0;
    bool other_region = strcmp(src->region, tgt->region) != 0;
    if (other_account && other_region) {
        if (!tgt->staging_vault) {
            drh_err_set(err, DRH_E_CONFIG,
                        "copying %s from %s/%s to %s/%s changes account and region at once",
                        run->r->name, src->account, src->region, tgt->account, tgt->region);
            drh_err_hint(err, "AWS Backup copies RDS and Aurora across accounts and regions in "
                              "two hops: set target.staging_vault (a vault in account %s, "
                              "region %s)",
                         tgt->account, src->region);
            return STEP_ERROR;
        }
        enum step_end e =
            s_copy_hop(run, 1, run->src, src->region, src->region, tgt->staging_vault, err);
        if (e != STEP_OK)
            return e;
        return s_copy_hop(run, 2, run->tgt, src->region, tgt->region, tgt->vault, err);
    }
    return s_copy_hop(run, 1, run->src, src->region, tgt->region, tgt->vault, err);
}

struct snap_poll {
    struct aws_client *c;
    bool cluster;
    const char *id;
};

static enum drh_status s_poll_snapshot(void *ctx, bool *done, struct buf *status,
                                       struct drh_err *err)
{
    struct snap_poll *p = ctx;
    struct rds_snapshot s = {0};
    enum drh_status st = rds_describe_snapshot(p->c, p->cluster, p->id, &s, err);
    if (st != DRH_OK)
        return st;
    buf_puts(status, s.status ? s.status : "?");
    if (s.status && (strcmp(s.status, "failed") == 0 || strcmp(s.status, "error") == 0))
        st = drh_err_set(err, DRH_E_AWS, "snapshot copy '%s' is %s", p->id, s.status);
    *done = s.status && strcmp(s.status, "available") == 0;
    rds_snapshot_clean_up(&s);
    return st;
}

/* CopyDB(Cluster)Snapshot of run->rp_arn into region; waits until available. */
static enum step_end s_copy_snapshot_to(struct rds_run *run, const char *region, const char *part,
                                        struct drh_err *err)
{
    const struct drill_side *tgt = side_def(run->tgt);
    struct aws_client *c = NULL;
    if (side_client(run->tgt, region, &c, err) != DRH_OK)
        return STEP_ERROR;
    enum ledger_kind kind = run->cluster ? LEDGER_RDS_CLUSTER_SNAPSHOT : LEDGER_RDS_SNAPSHOT;
    char *id = rds_identifier(run, part);
    struct aws_tag tags[2];
    rds_tags(run, tags);
    enum step_end end = STEP_ERROR;
    const char *source_region = strcmp(region, run->rp_region) != 0 ? run->rp_region : NULL;
    if (ledger_intent(run->ledger, kind, "target", region, id, NULL, NULL, run->r->name, err) !=
        DRH_OK)
        goto done;
    progress_phase(run->d->name, run->r->name, "copy", "snapshot %s -> %s (%s, %s)",
                   run->rp_arn, id, tgt->account, region);
    if (rds_copy_snapshot(c, run->cluster, run->rp_arn, id, tgt->kms_key, source_region, tags,
                          2, err) != DRH_OK)
        goto done;
    if (ledger_created(run->ledger, kind, id, NULL, NULL, err) != DRH_OK)
        goto done;
    struct snap_poll p = {c, run->cluster, id};
    char *what = xasprintf("snapshot copy %s", id);
    struct wait_options w = {run->d->name, run->r->name, "copy", what, run->deadline, 0, 0, 0};
    enum drh_status st = wait_until(&w, s_poll_snapshot, &p, err);
    free(what);
    if (st != DRH_OK) {
        end = st == DRH_E_TIMEOUT || st == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
        goto done;
    }
    struct rds_snapshot s = {0};
    if (rds_describe_snapshot(c, run->cluster, id, &s, err) != DRH_OK)
        goto done;
    char *new_region = xstrdup(region); /* region may be run->rp_region itself */
    free(run->rp_arn);
    free(run->rp_region);
    run->rp_arn = xstrdup(s.arn ? s.arn : id);
    run->rp_region = new_region;
    rds_snapshot_clean_up(&s);
    end = STEP_OK;
done:
    free(id);
    return end;
}

static enum step_end s_copy_snapshot(struct rds_run *run, struct drh_err *err)
{
    const char *tgt_region = side_def(run->tgt)->region;
    /* A shared snapshot is copied into the target account in its own region
     * first; a second copy moves it to the target's region. */
    enum step_end e = s_copy_snapshot_to(run, run->rp_region, "snap", err);
    if (e != STEP_OK || strcmp(run->rp_region, tgt_region) == 0)
        return e;
    return s_copy_snapshot_to(run, tgt_region, "snap2", err);
}

enum step_end rds_copy(struct rds_run *run, struct drh_err *err)
{
    double t = progress_elapsed();
    enum step_end e = run->r->path == DRILL_PATH_SNAPSHOT ? s_copy_snapshot(run, err)
                                                          : s_copy_recovery_point(run, err);
    if (run->r->path == DRILL_PATH_SNAPSHOT || run->phase_s[PH_COPY] == 0)
        run->phase_s[PH_COPY] = progress_elapsed() - t;
    return e;
}
