/*
 * One RDS / Aurora resource's drill, start to end: select, copy, restore,
 * wait, log in, probe, measure RTO and RPO, tear down; every step a JUnit
 * case, every figure a property and an evidence field (resource.c measures
 * and tears down). Also the kind's plan for `drh plan`.
 */
#include "rds/rds_run.h"
#include "aws/endpoint.h"
#include "aws/rds.h"
#include "mem.h"
#include "probes/db.h"
#include "probes/probe.h"
#include "run/progress.h"
#include "crypto.h"
#include "run/wait.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static char *s_source_arn(const struct rds_run *run)
{
    const char *src = run->res.r->source;
    if (strncmp(src, "arn:", 4) == 0)
        return xstrdup(src);
    const struct drill_side *s = &run->res.d->source;
    char *res = xasprintf("%s:%s", run->cluster ? "cluster" : "db", src);
    char *arn = aws_arn(s->region, "rds", s->region, s->account, res);
    free(res);
    return arn ? arn : xstrdup(src);
}

static enum step_end s_connect(struct rds_run *run, struct db_conn **out, struct drh_err *err)
{
    const struct drill_db_login *l = &run->res.r->login;
    struct db_target t = {0};
    t.flavor = drill_engine_is_postgres(run->res.r->engine) ? DB_POSTGRES : DB_MYSQL;
    t.host = run->host;
    t.port = run->port;
    t.database = l->database ? l->database : run->db_name;
    t.user = l->user ? l->user : run->master_user;
    t.password = run->password;
    t.tls = l->tls;
    char *ca = drill_resolve(run->res.d, l->ca_bundle);
    t.ca_bundle = ca;
    t.connect_timeout = 10;
    /* A new password can take a moment to reach the server: retry briefly. */
    double until = progress_elapsed() + 60;
    for (;;) {
        enum drh_status st = db_connect(&t, out, err);
        if (st == DRH_OK || progress_elapsed() > until || !wait_sleep(2.0, 0)) {
            free(ca);
            return st == DRH_OK ? STEP_OK : STEP_FAILED;
        }
    }
}

/* What the resources that run after this one may use (drill_outputs()). */
static void s_outputs(struct rds_run *run)
{
    const struct drill_db_login *l = &run->res.r->login;
    char port[16];
    snprintf(port, sizeof port, "%d", run->port);
    res_output(&run->res, "endpoint", run->host);
    res_output(&run->res, "port", port);
    res_output(&run->res, "database", l->database ? l->database : run->db_name);
    res_output(&run->res, "user", l->user ? l->user : run->master_user);
    res_output_secret(&run->res, "password", run->password);
}

/* Every probe is a case; the canary also gives the data-level RPO. */
static void s_probes(struct rds_run *run, enum step_end *worst)
{
    double t = progress_elapsed();
    struct db_conn *c = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (s_connect(run, &c, &err) != STEP_OK) {
        res_case(&run->res, "connect", REPORT_FAIL, progress_elapsed() - t, "%s", err.msg);
        res_worse(worst, STEP_FAILED);
        res_skip_rest(&run->res, NULL, 0, "cannot connect");
        return;
    }
    res_case(&run->res, "connect", REPORT_PASS, progress_elapsed() - t, "%s:%d %s%s", run->host,
             run->port, db_server_version(c), db_tls_in_use(c) ? " (TLS)" : "");
    bool all = true;
    for (size_t i = 0; i < run->res.r->n_probes; i++) {
        const struct drill_probe *p = &run->res.r->probes[i];
        struct probe_result res;
        memset(&res, 0, sizeof(res));
        res.canary_time = -1;
        progress_phase(run->res.d->name, run->res.r->name, "probe", "%s (%s)", p->name,
                       probe_kind_name(p->kind));
        probe_run(c, p, run->res.d->dir, &res);
        all &= res_probe_case(&run->res, p, &res, worst);
    }
    db_close(c);
    res_probes_done(&run->res, all, t);
}

static enum runner_verdict s_drill(struct res_run *res)
{
    struct rds_run *run = (struct rds_run *)res;
    enum step_end worst = STEP_OK;
    run->cluster = res->r->type == DRILL_AURORA;
    char *arn = s_source_arn(run);
    res_begin(res, arn);
    free(arn);
    json_add_string(res->ev, "engine", drill_engine_name(res->r->engine));
    report_add_property(res->suite, "engine", drill_engine_name(res->r->engine));

    static const char *const after_select[] = {"copy", "restore", "available", "login"};
    static const char *const after_copy[] = {"restore", "available", "login"};
    static const char *const after_restore[] = {"available", "login"};
    double t = progress_elapsed();
    if (res_step(res, "select", rds_select, &worst) != STEP_OK) {
        res_skip_rest(res, after_select, 4, "no backup selected");
        goto measure;
    }
    res->phase_s[PH_SELECT] = progress_elapsed() - t;
    report_add_property(res->suite, "recovery_point_arn", res->origin_arn);
    json_add_string(res->ev, "recovery_point_arn", res->origin_arn);
    if (res->r->copy) {
        if (res_step(res, "copy", rds_copy, &worst) != STEP_OK) {
            res_skip_rest(res, after_copy, 3, "the copy failed");
            goto measure;
        }
        report_add_property(res->suite, "copy_arn", res->rp_arn);
        json_add_string(res->ev, "copy_arn", res->rp_arn);
    } else {
        res_case(res, "copy", REPORT_SKIPPED, 0, "not asked for (copy: false)");
    }
    if (res_step(res, "restore", rds_restore, &worst) != STEP_OK) {
        res_skip_rest(res, after_restore, 2, "the restore failed");
        goto measure;
    }
    report_add_property(res->suite, "restored_id", run->db_id);
    json_add_string(res->ev, "restored_id", run->db_id);
    if (res_step(res, "available", rds_wait_available, &worst) != STEP_OK) {
        res_skip_rest(res, after_restore + 1, 1, "the restored copy never became available");
        goto measure;
    }
    if (res_step(res, "login", rds_login, &worst) != STEP_OK) {
        res_skip_rest(res, NULL, 0, "no login");
        goto measure;
    }
    report_add_propertyf(res->suite, "endpoint", "%s:%d", run->host, run->port);
    s_outputs(run);
    s_probes(run, &worst);
measure:
    res_measure(res, &worst);
    res_teardown(res, &worst);
    crypto_wipe(run->password, sizeof(run->password));
    return res_verdict(worst);
}

static struct res_run *s_new_run(void)
{
    struct rds_run *run = xcalloc(1, sizeof(*run));
    return &run->res;
}

static void s_free_run(struct res_run *res)
{
    struct rds_run *run = (struct rds_run *)res;
    if (!run)
        return;
    res_clean_up(res);
    free(run->db_id);
    free(run->instance_id);
    free(run->host);
    free(run->master_user);
    free(run->db_name);
    crypto_wipe(run->password, sizeof(run->password));
    free(run);
}

static void s_plan(const struct drill *d, const struct drill_resource *r, int *step, FILE *out)
{
    bool cluster = r->type == DRILL_AURORA;
    int k = *step;
    fprintf(out, "  resource %s (%s %s, %s):\n", r->name, cluster ? "aurora" : "rds",
            drill_engine_name(r->engine), r->source);
    if (r->path == DRILL_PATH_BACKUP) {
        bool dr = r->select == DRILL_SELECT_DR_VAULT;
        fprintf(out, "  %d. backup ListRecoveryPointsByBackupVault %s (%s %s): %s COMPLETED\n",
                k++, dr ? d->target.vault : d->source.vault,
                dr ? d->target.account : d->source.account,
                dr ? d->target.region : d->source.region,
                r->select == DRILL_SELECT_RANDOM ? "one at random within the window"
                                                 : "the newest");
        if (r->copy) {
            bool two = strcmp(d->source.account, d->target.account) != 0 &&
                       strcmp(d->source.region, d->target.region) != 0;
            if (two)
                fprintf(out, "  %d. backup StartCopyJob -> %s (%s %s), wait\n", k++,
                        d->target.staging_vault ? d->target.staging_vault
                                                : "(staging vault missing)",
                        d->target.account, d->source.region);
            fprintf(out, "  %d. backup StartCopyJob -> %s (%s %s), wait; TagResource\n", k++,
                    d->target.vault, d->target.account, d->target.region);
        }
        fprintf(out, "  %d. backup GetRecoveryPointRestoreMetadata, StartRestoreJob (%s), wait\n",
                k++, cluster ? "Aurora" : "RDS");
    } else if (r->path == DRILL_PATH_PITR) {
        char when[64] = "the latest restorable time";
        if (r->pitr.ago)
            drill_format_duration(r->pitr.ago, when, sizeof when);
        fprintf(out, "  %d. rds DescribeDB%ss: the restorable window must hold %s%s\n", k++,
                cluster ? "Cluster" : "Instance", when, r->pitr.ago ? " before T0" : "");
        fprintf(out, "  %d. rds RestoreDB%sToPointInTime in %s %s, wait\n", k++,
                cluster ? "Cluster" : "Instance", d->source.account, d->source.region);
    } else {
        fprintf(out, "  %d. rds DescribeDB%sSnapshots shared with %s in %s: the newest\n", k++,
                cluster ? "Cluster" : "", d->target.account, d->source.region);
        if (r->copy)
            fprintf(out, "  %d. rds CopyDB%sSnapshot into %s (KMS %s), wait\n", k++,
                    cluster ? "Cluster" : "", d->target.account,
                    d->target.kms_key ? d->target.kms_key : "none");
        fprintf(out, "  %d. rds RestoreDB%s, wait\n", k++,
                cluster ? "ClusterFromSnapshot" : "InstanceFromDBSnapshot");
    }
    if (cluster)
        fprintf(out, "  %d. rds CreateDBInstance in the restored cluster\n", k++);
    fprintf(out, "  %d. rds AddTagsToResource drh:run-id, drh:drill; wait until available\n", k++);
    if (!r->login.password_env && !r->login.password_file)
        fprintf(out, "  %d. rds ModifyDB%s MasterUserPassword (random, on the copy)\n", k++,
                cluster ? "Cluster" : "Instance");
    for (size_t p = 0; p < r->n_probes; p++)
        fprintf(out, "  %d. probe %s (%s)\n", k++, r->probes[p].name,
                probe_kind_name(r->probes[p].kind));
    *step = k;
}

const struct res_kind rds_kind = {"rds", s_new_run, s_drill, s_plan, s_free_run};
