/*
 * Restoring into the isolated test stack: an AWS Backup restore job (with
 * the recovery point's own restore metadata, overridden with the run's
 * identifier and the drill's isolation) or a restore from the snapshot copy;
 * for Aurora, the instance a restored cluster lacks; then the wait until the
 * copy is available, and the login the probes use.
 */
#include "aws/backup.h"
#include "aws/rds.h"
#include "crypto.h"
#include "mem.h"
#include "run/progress.h"
#include "rds/rds_run.h"
#include "run/wait.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The security group list as restore metadata wants it: a JSON array text. */
static char *s_sg_json(const struct drill_isolation *iso)
{
    struct json *a = json_new_array();
    for (size_t i = 0; i < iso->n_security_groups; i++)
        json_push_string(a, iso->security_groups[i]);
    char *text = json_print(a, 0);
    json_free(a);
    return text;
}

static enum step_end s_restore_job(struct rds_run *run, struct aws_client *c,
                                   struct drh_err *err)
{
    struct res_run *res = &run->res;
    struct json *md = NULL, *body = NULL;
    char *sgs = NULL, *arn = NULL;
    enum step_end end = STEP_ERROR;
    enum ledger_kind kind = run->cluster ? LEDGER_RDS_CLUSTER : LEDGER_RDS_INSTANCE;
    if (backup_get_restore_metadata(c, res->rp_vault, res->rp_arn, &md, err) != DRH_OK)
        goto done;
    /* Keep what the recovery point says; override what makes the copy the run's own. */
    body = json_new_object();
    for (const struct json *m = json_first(md); m; m = json_next(m)) {
        const char *k = json_key(m);
        if (json_is_string(m) && strcmp(k, "DBClusterIdentifier") != 0 &&
            strcmp(k, "DBInstanceIdentifier") != 0 && strcmp(k, "DBSubnetGroupName") != 0 &&
            strcmp(k, "VpcSecurityGroupIds") != 0 && strcmp(k, "DBInstanceClass") != 0)
            json_add_string(body, k, json_string(m));
    }
    json_add_string(body, run->cluster ? "DBClusterIdentifier" : "DBInstanceIdentifier",
                    run->db_id);
    if (res->iso->db_subnet_group)
        json_add_string(body, "DBSubnetGroupName", res->iso->db_subnet_group);
    sgs = s_sg_json(res->iso);
    json_add_string(body, "VpcSecurityGroupIds", sgs);
    if (!run->cluster)
        json_add_string(body, "DBInstanceClass",
                        res->r->instance_class ? res->r->instance_class : "db.t3.medium");
    end = res_restore_job(res, c, body, run->cluster ? "Aurora" : "RDS", kind, run->db_id, &arn,
                          err);
done:
    free(arn);
    free(sgs);
    json_free(body);
    json_free(md);
    return end;
}

static enum step_end s_restore_snapshot(struct rds_run *run, struct aws_client *c,
                                        struct drh_err *err)
{
    const struct drill_side *tgt = side_def(run->res.tgt);
    enum ledger_kind kind = run->cluster ? LEDGER_RDS_CLUSTER : LEDGER_RDS_INSTANCE;
    struct aws_tag tags[RES_TAG_COUNT];
    res_tags(&run->res, tags);
    struct rds_restore r = {0};
    r.snapshot = run->res.rp_arn;
    r.target_id = run->db_id;
    r.engine = drill_engine_name(run->res.r->engine);
    r.instance_class = run->cluster ? NULL
                                    : (run->res.r->instance_class ? run->res.r->instance_class
                                                              : "db.t3.medium");
    r.subnet_group = run->res.iso->db_subnet_group;
    r.security_groups = (const char *const *)run->res.iso->security_groups;
    r.n_security_groups = run->res.iso->n_security_groups;
    r.tags = tags;
    r.n_tags = RES_TAG_COUNT;
    if (ledger_intent(run->res.ledger, kind, "target", tgt->region, run->db_id, NULL, NULL,
                      run->res.r->name, err) != DRH_OK)
        return STEP_ERROR;
    progress_phase(run->res.d->name, run->res.r->name, "restore", "from snapshot %s -> %s", run->res.rp_arn,
                   run->db_id);
    if (rds_restore_from_snapshot(c, run->cluster, &r, err) != DRH_OK)
        return err->code == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
    if (ledger_created(run->res.ledger, kind, run->db_id, NULL, NULL, err) != DRH_OK)
        return STEP_ERROR;
    return STEP_OK;
}

/* Restore...ToPointInTime, in the source's account and region (the drill's
 * target is the source there). */
static enum step_end s_restore_pitr(struct rds_run *run, struct aws_client *c,
                                    struct drh_err *err)
{
    struct res_run *res = &run->res;
    const struct drill_side *tgt = side_def(res->tgt);
    enum ledger_kind kind = run->cluster ? LEDGER_RDS_CLUSTER : LEDGER_RDS_INSTANCE;
    struct aws_tag tags[RES_TAG_COUNT];
    res_tags(res, tags);
    struct rds_pitr r = {0};
    const char *id = strrchr(res->source_arn, ':');
    r.source_id = id ? id + 1 : res->source_arn;
    r.target_id = run->db_id;
    r.restore_time = res->r->pitr.latest ? 0 : res->rp_created;
    r.instance_class = run->cluster ? NULL
                                    : (res->r->instance_class ? res->r->instance_class
                                                              : "db.t3.medium");
    r.subnet_group = res->iso->db_subnet_group;
    r.security_groups = (const char *const *)res->iso->security_groups;
    r.n_security_groups = res->iso->n_security_groups;
    r.tags = tags;
    r.n_tags = RES_TAG_COUNT;
    if (ledger_intent(res->ledger, kind, "target", tgt->region, run->db_id, NULL, NULL,
                      res->r->name, err) != DRH_OK)
        return STEP_ERROR;
    progress_phase(res->d->name, res->r->name, "restore", "%s to its point in time -> %s",
                   r.source_id, run->db_id);
    struct rds_db db = {0};
    enum drh_status st = rds_restore_to_point_in_time(c, run->cluster, &r, &db, err);
    rds_db_clean_up(&db);
    if (st != DRH_OK)
        return err->code == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
    if (ledger_created(res->ledger, kind, run->db_id, NULL, NULL, err) != DRH_OK)
        return STEP_ERROR;
    return STEP_OK;
}

enum step_end rds_restore(struct res_run *res, struct drh_err *err)
{
    struct rds_run *run = (struct rds_run *)res;
    const struct drill_side *tgt = side_def(run->res.tgt);
    if (strcmp(run->res.rp_region, tgt->region) != 0 ||
        (run->res.r->path == DRILL_PATH_BACKUP && !run->res.r->copy &&
         run->res.r->select != DRILL_SELECT_DR_VAULT &&
         strcmp(side_def(run->res.src)->account, tgt->account) != 0)) {
        drh_err_set(err, DRH_E_CONFIG, "%s is in %s, not where the drill restores (%s, %s)",
                    run->res.rp_arn, run->res.rp_region, tgt->account, tgt->region);
        drh_err_hint(err, "set \"copy\": true so drh copies it into the target first");
        return STEP_ERROR;
    }
    struct aws_client *c = NULL;
    if (side_client(run->res.tgt, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    run->db_id = res_identifier(&run->res, NULL);
    double t = progress_elapsed();
    enum step_end e = run->res.r->path == DRILL_PATH_SNAPSHOT ? s_restore_snapshot(run, c, err)
                      : run->res.r->path == DRILL_PATH_PITR   ? s_restore_pitr(run, c, err)
                                                                : s_restore_job(run, c, err);
    if (run->res.phase_s[PH_RESTORE] == 0)
        run->res.phase_s[PH_RESTORE] = progress_elapsed() - t;
    if (e != STEP_OK)
        return e;
    /* Jobs restore untagged copies: tag them before anything else. */
    struct rds_db db = {0};
    struct aws_tag tags[RES_TAG_COUNT];
    res_tags(&run->res, tags);
    if (rds_describe_db(c, run->cluster, run->db_id, &db, err) != DRH_OK ||
        ledger_created(run->res.ledger, run->cluster ? LEDGER_RDS_CLUSTER : LEDGER_RDS_INSTANCE,
                       run->db_id, db.arn, NULL, err) != DRH_OK ||
        rds_add_tags(c, db.arn, tags, RES_TAG_COUNT, err) != DRH_OK) {
        rds_db_clean_up(&db);
        return STEP_ERROR;
    }
    json_add_string(run->res.ev, "restored_arn", db.arn);
    res_output(&run->res, "arn", db.arn);
    res_output(&run->res, "identifier", run->db_id);
    rds_db_clean_up(&db);
    if (!run->cluster)
        return STEP_OK;
    /* A restored Aurora cluster has no instance: add the writer. */
    run->instance_id = res_identifier(&run->res, "1");
    if (ledger_intent(run->res.ledger, LEDGER_RDS_INSTANCE, "target", tgt->region, run->instance_id,
                      NULL, NULL, run->res.r->name, err) != DRH_OK ||
        rds_create_cluster_instance(c, run->db_id, run->instance_id,
                                    drill_engine_name(run->res.r->engine),
                                    run->res.r->instance_class ? run->res.r->instance_class
                                                           : "db.r6g.large",
                                    tags, RES_TAG_COUNT, err) != DRH_OK ||
        ledger_created(run->res.ledger, LEDGER_RDS_INSTANCE, run->instance_id, NULL, NULL, err) !=
            DRH_OK)
        return err->code == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
    return STEP_OK;
}

struct avail_poll {
    struct aws_client *c;
    struct rds_run *run;
};

static enum drh_status s_poll_available(void *ctx, bool *done, struct buf *status,
                                        struct drh_err *err)
{
    struct avail_poll *p = ctx;
    struct rds_run *run = p->run;
    struct rds_db db = {0}, inst = {0};
    enum drh_status st = rds_describe_db(p->c, run->cluster, run->db_id, &db, err);
    if (st == DRH_OK && run->instance_id)
        st = rds_describe_db(p->c, false, run->instance_id, &inst, err);
    if (st != DRH_OK)
        goto done;
    const char *s1 = db.status ? db.status : "?";
    const char *s2 = run->instance_id ? (inst.status ? inst.status : "?") : "available";
    if (run->instance_id)
        buf_printf(status, "cluster %s, instance %s", s1, s2);
    else
        buf_puts(status, s1);
    if (strstr(s1, "fail") || strstr(s2, "fail") || strcmp(s1, "incompatible-restore") == 0) {
        st = drh_err_set(err, DRH_E_AWS, "restored %s is %s", run->db_id, buf_str(status));
        goto done;
    }
    *done = strcmp(s1, "available") == 0 && strcmp(s2, "available") == 0 && db.endpoint &&
            db.port > 0;
    if (*done) {
        free(run->host);
        free(run->master_user);
        free(run->db_name);
        run->host = xstrdup(db.endpoint);
        run->port = db.port;
        run->master_user = db.master_user ? xstrdup(db.master_user) : NULL;
        run->db_name = db.db_name ? xstrdup(db.db_name) : NULL;
    }
done:
    rds_db_clean_up(&db);
    rds_db_clean_up(&inst);
    return st;
}

static enum step_end s_wait_available(struct rds_run *run, struct aws_client *c,
                                      struct drh_err *err)
{
    struct avail_poll p = {c, run};
    char *what = xasprintf("%s %s", run->cluster ? "cluster" : "instance", run->db_id);
    struct wait_options w = {run->res.d->name, run->res.r->name, "available", what, run->res.step_deadline, 0, 0, 0,
                             run->res.step_limit};
    enum drh_status st = wait_until(&w, s_poll_available, &p, err);
    free(what);
    if (st == DRH_OK)
        return STEP_OK;
    return st == DRH_E_TIMEOUT || st == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
}

enum step_end rds_wait_available(struct res_run *res, struct drh_err *err)
{
    struct rds_run *run = (struct rds_run *)res;
    struct aws_client *c = NULL;
    if (side_client(run->res.tgt, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    double t = progress_elapsed();
    enum step_end e = s_wait_available(run, c, err);
    run->res.phase_s[PH_AVAILABLE] = progress_elapsed() - t;
    if (e == STEP_OK)
        progress_phase(run->res.d->name, run->res.r->name, "available", "%s:%d", run->host, run->port);
    return e;
}

enum step_end rds_login(struct res_run *res, struct drh_err *err)
{
    struct rds_run *run = (struct rds_run *)res;
    const struct drill_db_login *l = &run->res.r->login;
    if (l->password_env || l->password_file)
        return drill_password(run->res.d, run->res.r->name, "login", l->password_env,
                              l->password_file, run->password, sizeof run->password,
                              err) == DRH_OK
                   ? STEP_OK
                   : STEP_ERROR;
    /* No password given: a fresh random master password, on the copy only. */
    unsigned char raw[18];
    if (crypto_random_bytes(raw, sizeof(raw)) != DRH_OK) {
        drh_err_set(err, DRH_E_INTERNAL, "cannot make a password: no randomness");
        return STEP_ERROR;
    }
    crypto_hex(raw, sizeof(raw), run->password);
    crypto_wipe(raw, sizeof(raw));
    struct aws_client *c = NULL;
    if (side_client(run->res.tgt, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    progress_phase(run->res.d->name, run->res.r->name, "login", "setting a random master password on "
                                                        "%s",
                   run->db_id);
    if (rds_set_master_password(c, run->cluster, run->db_id, run->password, err) != DRH_OK)
        return STEP_ERROR;
    return s_wait_available(run, c, err);
}
