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

/* CopyDB(Cluster)Snapshot of run->res.rp_arn into region; waits until available. */
static enum step_end s_copy_snapshot_to(struct rds_run *run, const char *region, const char *part,
                                        struct drh_err *err)
{
    const struct drill_side *tgt = side_def(run->res.tgt);
    struct aws_client *c = NULL;
    if (side_client(run->res.tgt, region, &c, err) != DRH_OK)
        return STEP_ERROR;
    enum ledger_kind kind = run->cluster ? LEDGER_RDS_CLUSTER_SNAPSHOT : LEDGER_RDS_SNAPSHOT;
    char *id = res_identifier(&run->res, part);
    struct aws_tag tags[RES_TAG_COUNT];
    res_tags(&run->res, tags);
    enum step_end end = STEP_ERROR;
    const char *source_region = strcmp(region, run->res.rp_region) != 0 ? run->res.rp_region : NULL;
    if (ledger_intent(run->res.ledger, kind, "target", region, id, NULL, NULL, run->res.r->name, err) !=
        DRH_OK)
        goto done;
    progress_phase(run->res.d->name, run->res.r->name, "copy", "snapshot %s -> %s (%s, %s)",
                   run->res.rp_arn, id, tgt->account, region);
    if (rds_copy_snapshot(c, run->cluster, run->res.rp_arn, id, tgt->kms_key, source_region, tags,
                          RES_TAG_COUNT, err) != DRH_OK)
        goto done;
    if (ledger_created(run->res.ledger, kind, id, NULL, NULL, err) != DRH_OK)
        goto done;
    struct snap_poll p = {c, run->cluster, id};
    char *what = xasprintf("snapshot copy %s", id);
    struct wait_options w = {run->res.d->name, run->res.r->name, "copy", what, run->res.step_deadline, 0, 0, 0,
                             run->res.step_limit};
    enum drh_status st = wait_until(&w, s_poll_snapshot, &p, err);
    free(what);
    if (st != DRH_OK) {
        end = st == DRH_E_TIMEOUT || st == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
        goto done;
    }
    struct rds_snapshot s = {0};
    if (rds_describe_snapshot(c, run->cluster, id, &s, err) != DRH_OK)
        goto done;
    char *new_region = xstrdup(region); /* region may be run->res.rp_region itself */
    free(run->res.rp_arn);
    free(run->res.rp_region);
    run->res.rp_arn = xstrdup(s.arn ? s.arn : id);
    run->res.rp_region = new_region;
    rds_snapshot_clean_up(&s);
    end = STEP_OK;
done:
    free(id);
    return end;
}

static enum step_end s_copy_snapshot(struct rds_run *run, struct drh_err *err)
{
    const char *tgt_region = side_def(run->res.tgt)->region;
    /* A shared snapshot is copied into the target account in its own region
     * first; a second copy moves it to the target's region. */
    enum step_end e = s_copy_snapshot_to(run, run->res.rp_region, "snap", err);
    if (e != STEP_OK || strcmp(run->res.rp_region, tgt_region) == 0)
        return e;
    return s_copy_snapshot_to(run, tgt_region, "snap2", err);
}

enum step_end rds_copy(struct res_run *res, struct drh_err *err)
{
    struct rds_run *run = (struct rds_run *)res;
    double t = progress_elapsed();
    enum step_end e = run->res.r->path == DRILL_PATH_SNAPSHOT ? s_copy_snapshot(run, err)
                                                          : res_copy_recovery_point(res, true, err);
    if (run->res.r->path == DRILL_PATH_SNAPSHOT || run->res.phase_s[PH_COPY] == 0)
        run->res.phase_s[PH_COPY] = progress_elapsed() - t;
    return e;
}
