/*
 * Which backup a drill restores: the newest COMPLETED recovery point of the
 * resource in the source vault (or one at random within N days, as AWS
 * Backup restore testing does), the newest copy already in the DR vault,
 * the newest snapshot the source shared with the target account, or a
 * point in time of the source's continuous backup.
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

/* A point in time of the source's continuous backup: the drill's moment,
 * which must lie inside the restorable window the source reports. */
static enum step_end s_select_pitr(struct rds_run *run, struct drh_err *err)
{
    struct res_run *res = &run->res;
    const struct drill_pitr *p = &res->r->pitr;
    struct aws_client *c = NULL;
    if (side_client(res->src, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    const char *id = strrchr(res->source_arn, ':');
    id = id ? id + 1 : res->source_arn;
    struct rds_db db = {0};
    if (rds_describe_db(c, run->cluster, id, &db, err) != DRH_OK)
        return err->code == DRH_E_NOTFOUND ? STEP_FAILED : STEP_ERROR;
    double when = p->latest ? db.latest_restorable
                  : p->at   ? p->at
                            : res->t0_wall - (double)p->ago;
    char a[64], b[64], w[64];
    res_iso_time(db.earliest_restorable, a);
    res_iso_time(db.latest_restorable, b);
    res_iso_time(when, w);
    enum step_end end = STEP_OK;
    if (db.latest_restorable <= 0) {
        drh_err_set(err, DRH_E_AWS, "%s has no restorable time: continuous backup is off", id);
        drh_err_hint(err, "enable automated backups (a retention period of 1 to 35 days) or "
                          "continuous backup in the AWS Backup plan");
        end = STEP_FAILED;
    } else if (when > db.latest_restorable + 1 ||
               (db.earliest_restorable > 0 && when < db.earliest_restorable)) {
        drh_err_set(err, DRH_E_AWS, "%s is outside %s's restorable window (%s .. %s)", w, id,
                    db.earliest_restorable > 0 ? a : "?", b);
        drh_err_hint(err, "choose a moment inside the window; the window's length is the "
                          "backup retention period (1 to 35 days)");
        end = STEP_FAILED;
    } else {
        res->origin_arn = xstrdup(res->source_arn);
        res->rp_arn = xstrdup(res->source_arn);
        res->rp_region = xstrdup(side_def(res->src)->region);
        res->rp_created = when;
        res->rpo_basis = "point in time";
        json_add_string(res->ev, "restore_time", w);
        if (db.earliest_restorable > 0)
            json_add_string(res->ev, "restorable_from", a);
        json_add_string(res->ev, "restorable_to", b);
        progress_phase(res->d->name, res->r->name, "select", "point in time %s (window %s .. %s)",
                       w, db.earliest_restorable > 0 ? a : "?", b);
    }
    rds_db_clean_up(&db);
    return end;
}

enum step_end rds_select(struct res_run *res, struct drh_err *err)
{
    struct rds_run *run = (struct rds_run *)res;
    if (run->res.r->path == DRILL_PATH_SNAPSHOT)
        return s_select_snapshot(run, err);
    if (run->res.r->path == DRILL_PATH_PITR)
        return s_select_pitr(run, err);
    return res_select_recovery_point(res, err);
}
