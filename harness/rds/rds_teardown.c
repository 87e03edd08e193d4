/*
 * Teardown of the RDS ledger kinds (teardown.h): restored instances and
 * clusters, snapshot copies. Each is deleted without a final snapshot only
 * when its drh:run-id tag names the run, or when the run's own restore job
 * made it.
 */
#include "aws/rds.h"
#include "mem.h"
#include "run/teardown.h"

#include <stdlib.h>
#include <string.h>

struct rds_look {
    struct aws_client *c;
    const struct ledger_entry *e;
};

static bool s_cluster(enum ledger_kind k)
{
    return k == LEDGER_RDS_CLUSTER || k == LEDGER_RDS_CLUSTER_SNAPSHOT;
}

static bool s_snapshot(enum ledger_kind k)
{
    return k == LEDGER_RDS_SNAPSHOT || k == LEDGER_RDS_CLUSTER_SNAPSHOT;
}

static enum drh_status s_look(void *ctx, struct buf *status, struct drh_err *err)
{
    struct rds_look *p = ctx;
    enum drh_status st;
    if (s_snapshot(p->e->kind)) {
        struct rds_snapshot s = {0};
        st = rds_describe_snapshot(p->c, s_cluster(p->e->kind), p->e->id, &s, err);
        buf_puts(status, s.status ? s.status : "?");
        rds_snapshot_clean_up(&s);
    } else {
        struct rds_db db = {0};
        st = rds_describe_db(p->c, s_cluster(p->e->kind), p->e->id, &db, err);
        buf_puts(status, db.status ? db.status : "?");
        rds_db_clean_up(&db);
    }
    return st;
}

enum drh_status rds_teardown_entry(struct td *t, const struct ledger_entry *e,
                                   struct aws_client *c, struct drh_err *err)
{
    bool cluster = s_cluster(e->kind);
    bool snapshot = s_snapshot(e->kind);
    char *arn = NULL, *tag = NULL, *job_arn = NULL;
    enum drh_status st;
    if (snapshot) {
        struct rds_snapshot s = {0};
        st = rds_describe_snapshot(c, cluster, e->id, &s, err);
        arn = s.arn ? xstrdup(s.arn) : NULL;
        rds_snapshot_clean_up(&s);
    } else {
        job_arn = td_job_result(t, e, err);
        struct rds_db db = {0};
        st = rds_describe_db(c, cluster, e->id, &db, err);
        arn = db.arn ? xstrdup(db.arn) : NULL;
        rds_db_clean_up(&db);
    }
    if (st == DRH_E_NOTFOUND) {
        drh_err_clear(err);
        st = ledger_gone(t->l, e->kind, e->id, err);
        goto done;
    }
    if (st != DRH_OK || !arn)
        goto done;
    if ((st = rds_get_tag(c, arn, LEDGER_TAG_RUN, &tag, err)) != DRH_OK)
        goto done;
    if (!td_owned(t, arn, tag, job_arn))
        goto done;
    td_progress(t, e, NULL);
    st = snapshot ? rds_delete_snapshot(c, cluster, e->id, err)
                  : rds_delete_db(c, cluster, e->id, err);
    /* Gone, or already being deleted: an earlier attempt whose answer was
     * lost (a dropped connection), or an earlier teardown, got there first. */
    if (st == DRH_E_NOTFOUND ||
        (st == DRH_E_AWS && !snapshot &&
         (strstr(err->msg, ": InvalidDBInstanceState: ") ||
          strstr(err->msg, ": InvalidDBClusterStateFault: ")) &&
         strstr(err->msg, "already being deleted"))) {
        drh_err_clear(err);
        st = DRH_OK;
    }
    struct rds_look look = {c, e};
    if (st == DRH_OK)
        st = td_wait_gone(t, e, s_look, &look, err);
    if (st == DRH_OK)
        st = td_gone(t, e, err);
done:
    free(arn);
    free(tag);
    free(job_arn);
    return st;
}
