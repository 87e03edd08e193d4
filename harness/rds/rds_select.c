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

static size_t s_pick(const struct rds_run *run, const double *created, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (created[i] > created[best])
            best = i;
    if (run->r->select != DRILL_SELECT_RANDOM)
        return best;
    double from = run->t0_wall - (double)run->r->within_days * 86400.0;
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += created[i] >= from;
    if (count == 0)
        return n; /* none in the window */
    uint32_t r = 0;
    crypto_random_bytes(&r, sizeof(r));
    size_t k = r % count;
    for (size_t i = 0; i < n; i++)
        if (created[i] >= from && k-- == 0)
            return i;
    return best;
}

static enum step_end s_select_recovery_point(struct rds_run *run, struct drh_err *err)
{
    bool dr = run->r->select == DRILL_SELECT_DR_VAULT;
    struct side *side = dr ? run->tgt : run->src;
    const struct drill_side *def = side_def(side);
    struct aws_client *c = NULL;
    if (side_client(side, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    struct backup_recovery_point *v = NULL;
    size_t n = 0;
    if (backup_list_recovery_points_by_vault(c, def->vault, run->source_arn, &v, &n, err) !=
        DRH_OK)
        return STEP_ERROR;
    double *created = xcalloc(n ? n : 1, sizeof(*created));
    size_t m = 0;
    struct backup_recovery_point **ok = xcalloc(n ? n : 1, sizeof(*ok));
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].status, "COMPLETED") != 0 ||
            (v[i].resource_arn && strcmp(v[i].resource_arn, run->source_arn) != 0))
            continue;
        ok[m] = &v[i];
        created[m++] = v[i].created;
    }
    enum step_end end = STEP_OK;
    size_t i = m ? s_pick(run, created, m) : m;
    if (i >= m) {
        drh_err_set(err, DRH_E_NOTFOUND,
                    "no COMPLETED recovery point of %s in vault '%s' (account %s, %s)%s",
                    run->source_arn, def->vault, def->account, def->region,
                    m ? " within the random window" : "");
        drh_err_hint(err, dr ? "copy a recovery point into the DR vault first, or select "
                               "\"latest\" with copy"
                             : "check that the backup plan covers this resource and that "
                               "its jobs complete");
        end = STEP_FAILED;
    } else {
        run->origin_arn = xstrdup(ok[i]->arn);
        run->rp_arn = xstrdup(ok[i]->arn);
        run->rp_vault = xstrdup(def->vault);
        run->rp_region = xstrdup(def->region);
        run->rp_created = ok[i]->created;
    }
    free(ok);
    free(created);
    backup_recovery_points_free(v, n);
    return end;
}

static enum step_end s_select_snapshot(struct rds_run *run, struct drh_err *err)
{
    /* A shared snapshot is seen from the target account, in the source's region. */
    const struct drill_side *src = side_def(run->src);
    struct aws_client *c = NULL;
    if (side_client(run->tgt, src->region, &c, err) != DRH_OK)
        return STEP_ERROR;
    struct rds_snapshot *v = NULL;
    size_t n = 0;
    if (rds_describe_snapshots(c, run->cluster, NULL, "shared", &v, &n, err) != DRH_OK)
        return STEP_ERROR;
    const char *source_id = strrchr(run->source_arn, ':');
    source_id = source_id ? source_id + 1 : run->source_arn;
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
    size_t i = m ? s_pick(run, created, m) : m;
    if (i >= m) {
        drh_err_set(err, DRH_E_NOTFOUND,
                    "no available %ssnapshot of '%s' shared by account %s with account %s in %s",
                    run->cluster ? "cluster " : "", source_id, src->account,
                    side_def(run->tgt)->account, src->region);
        drh_err_hint(err, "the source must share the snapshot (ModifyDB%sSnapshotAttribute "
                          "restore) with the target account",
                     run->cluster ? "Cluster" : "");
        end = STEP_FAILED;
    } else {
        run->origin_arn = xstrdup(ok[i]->arn);
        run->rp_arn = xstrdup(ok[i]->arn);
        run->rp_region = xstrdup(src->region);
        run->rp_created = ok[i]->created;
    }
    free(ok);
    free(created);
    rds_snapshots_free(v, n);
    return end;
}

enum step_end rds_select(struct rds_run *run, struct drh_err *err)
{
    if (run->r->path == DRILL_PATH_SNAPSHOT)
        return s_select_snapshot(run, err);
    return s_select_recovery_point(run, err);
}
