/*
 * Which backup a drill restores: the newest COMPLETED recovery point of the
 * resource in the source vault (or one at random within N days, as AWS
 * Backup restore testing does), the newest copy already in the DR vault, or
 * the newest snapshot the source shared with the target account.
 */
#include "aws/backup.h"
#include "aws/rds.h"
#include "crypto.h"
#include "mem.h"
#include "run/progress.h"
#include "rds/rds_run.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static enum step_end s_select_snapshot(struct rds_run *run, struct drh_err *err)
{
    /* A shared snapshot is seen from the target account, in the source's region. */
    const struct drill_side *src = side_def(run->res.src);
    struct aws_client *c = NULL;
    if (side_client(run->res.tgt, src->region, &c, err) != DRH_OK)
        return STEP_ERROR;
    struct rds_snapshot *v = NULL;
    size_t n = 0;
    if (rds_describe_snapshots(c, run->cluster, NULL, "shared", &v, &n, err) != DRH_OK)
        return STEP_ERROR;
    const char *source_id = strrchr(run->res.source_arn, ':');
    source_id = source_id ? source_id + 1 : run->res.source_arn;
    double *created = xcalloc(n ? n : 1, sizeof(*created));
    struct rds_snapshot **ok = xcalloc(n ? n : 1, sizeof(*ok));
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].status, "available") != 0 || !v[i].source_id ||
            strcmp(v[i].source_id, source_id) != 0)
            continue;
        /* shared snapshots carry the owner's account in their ARN */
        if (v[i].arn && !strstr(v[i].arn, src->account))
            continue;
        ok[m] = &v[i];
        created[m++] = v[i].created;
    }
    enum step_end end = STEP_OK;
    size_t i = m ? res_pick(&run->res, created, m) : m;
    if (i >= m) {
        drh_err_set(err, DRH_E_NOTFOUND,
                    "no available %ssnapshot of '%s' shared by account %s with account %s in %s",
                    run->cluster ? "cluster " : "", source_id, src->account,
                    side_def(run->res.tgt)->account, src->region);
        drh_err_hint(err, "the source must share the snapshot (ModifyDB%sSnapshotAttribute "
                          "restore) with the target account",
                     run->cluster ? "Cluster" : "");
        end = STEP_FAILED;
    } else {
        run->res.origin_arn = xstrdup(ok[i]->arn);
        run->res.rp_arn = xstrdup(ok[i]->arn);
        run->res.rp_region = xstrdup(src->region);
        run->res.rp_created = ok[i]->created;
    }
    free(ok);
    free(created);
    rds_snapshots_free(v, n);
    return end;
}

enum step_end rds_select(struct res_run *res, struct drh_err *err)
{
    struct rds_run *run = (struct rds_run *)res;
    if (run->res.r->path == DRILL_PATH_SNAPSHOT)
        return s_select_snapshot(run, err);
    return res_select_recovery_point(res, err);
}
