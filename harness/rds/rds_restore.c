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

struct restore_poll {
    struct aws_client *c;
    const char *job_id;
    struct backup_job job;
};

static enum drh_status s_poll_restore(void *ctx, bool *done, struct buf *status,
                                      struct drh_err *err)
{
    struct restore_poll *p = ctx;
    backup_job_clean_up(&p->job);
    enum drh_status st = backup_describe_restore_job(p->c, p->job_id, &p->job, err);
    if (st != DRH_OK)
        return st;
    const char *s = p->job.state ? p->job.state : "?";
    *done = strcmp(s, "COMPLETED") == 0 || strcmp(s, "FAILED") == 0 || strcmp(s, "ABORTED") == 0;
    buf_printf(status, "%s%s%s", s, p->job.percent_done ? " " : "",
               p->job.percent_done ? p->job.percent_done : "");
    return DRH_OK;
}

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
    const struct drill_side *tgt = side_def(run->tgt);
    struct json *md = NULL, *body = NULL;
    char *job_id = NULL, *sgs = NULL;
    enum step_end end = STEP_ERROR;
    enum ledger_kind kind = run->cluster ? LEDGER_RDS_CLUSTER : LEDGER_RDS_INSTANCE;
    if (backup_get_restore_metadata(c, run->rp_vault, run->rp_arn, &md, err) != DRH_OK)
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
    if (run->d->isolation.db_subnet_group)
        json_add_string(body, "DBSubnetGroupName", run->d->isolation.db_subnet_group);
    sgs = s_sg_json(&run->d->isolation);
    json_add_string(body, "VpcSecurityGroupIds", sgs);
    if (!run->cluster)
        json_add_string(body, "DBInstanceClass",
                        run->r->instance_class ? run->r->instance_class : "db.t3.medium");
    char *token = xasprintf("drh-%s-%s-restore", run->run_id, run->r->name);
    enum drh_status st = ledger_intent(run->ledger, kind, "target", tgt->region, run->db_id,
                                       NULL, NULL, run->r->name, err);
    if (st == DRH_OK)
        st = backup_start_restore_job(c, run->rp_arn, tgt->backup_role_arn, body,
                                      run->cluster ? "Aurora" : "RDS", token, &job_id, err);
    free(token);
    if (st != DRH_OK)
        goto done;
    json_add_string(run->ev, "restore_job_id", job_id);
    char *job_ref = xasprintf("target:%s:%s", tgt->region, job_id);
    st = ledger_created(run->ledger, kind, run->db_id, NULL, job_ref, err);
    free(job_ref);
    if (st != DRH_OK)
        goto done;
    progress_phase(run->d->name, run->r->name, "restore", "restore job %s -> %s", job_id,
                   run->db_id);
    struct restore_poll p = {c, job_id, {0}};
    char *what = xasprintf("restore job %s", job_id);
    struct wait_options w = {run->d->name, run->r->name, "restore", what, run->deadline, 0, 0, 0};
    st = wait_until(&w, s_poll_restore, &p, err);
    free(what);
    if (st != DRH_OK) {
        end = st == DRH_E_TIMEOUT ? STEP_FAILED : STEP_ERROR;
    } else if (strcmp(p.job.state, "COMPLETED") != 0) {
        drh_err_set(err, DRH_E_AWS, "restore job %s ended %s: %s", job_id, p.job.state,
                    p.job.status_message ? p.job.status_message : "(no status message)");
        end = STEP_FAILED;
    } else {
        if (p.job.completed > 0 && p.job.created > 0)
            run->phase_s[PH_RESTORE] = p.job.completed - p.job.created;
        end = STEP_OK;
    }
    backup_job_clean_up(&p.job);
done:
    free(sgs);
    free(job_id);
    json_free(body);
    json_free(md);
    return end;
}

static enum step_end s_restore_snapshot(struct rds_run *run, struct aws_client *c,
                                        struct drh_err *err)
{
    const struct drill_side *tgt = side_def(run->tgt);
    enum ledger_kind kind = run->cluster ? LEDGER_RDS_CLUSTER : LEDGER_RDS_INSTANCE;
    struct aws_tag tags[2];
    rds_tags(run, tags);
    struct rds_restore r = {0};
    r.snapshot = run->rp_arn;
    r.target_id = run->db_id;
    r.engine = drill_engine_name(run->r->engine);
    r.instance_class = run->cluster ? NULL
                                    : (run->r->instance_class ? run->r->instance_class
                                                              : "db.t3.medium");
    r.subnet_group = run->d->isolation.db_subnet_group;
    r.security_groups = (const char *const *)run->d->isolation.security_groups;
    r.n_security_groups = run->d->isolation.n_security_groups;
    r.tags = tags;
    r.n_tags = 2;
    if (ledger_intent(run->ledger, kind, "target", tgt->region, run->db_id, NULL, NULL,
                      run->r->name, err) != DRH_OK)
        return STEP_ERROR;
    progress_phase(run->d->name, run->r->name, "restore", "from snapshot %s -> %s", run->rp_arn,
                   run->db_id);
    if (rds_restore_from_snapshot(c, run->cluster, &r, err) != DRH_OK)
        return err->code == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
    if (ledger_created(run->ledger, kind, run->db_id, NULL, NULL, err) != DRH_OK)
        return STEP_ERROR;
    return STEP_OK;
}

enum step_end rds_restore(struct rds_run *run, struct drh_err *err)
{
    const struct drill_side *tgt = side_def(run->tgt);
    if (strcmp(run->rp_region, tgt->region) != 0 ||
        (run->r->path == DRILL_PATH_BACKUP && !run->r->copy &&
         run->r->select != DRILL_SELECT_DR_VAULT &&
         strcmp(side_def(run->src)->account, tgt->account) != 0)) {
        drh_err_set(err, DRH_E_CONFIG, "%s is in %s, not where the drill restores (%s, %s)",
                    run->rp_arn, run->rp_region, tgt->account, tgt->region);
        drh_err_hint(err, "set \"copy\": true so drh copies it into the target first");
        return STEP_ERROR;
    }
    struct aws_client *c = NULL;
    if (side_client(run->tgt, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    run->db_id = rds_identifier(run, NULL);
    double t = progress_elapsed();
    enum step_end e = run->r->path == DRILL_PATH_SNAPSHOT ? s_restore_snapshot(run, c, err)
                                                          : s_restore_job(run, c, err);
    if (run->phase_s[PH_RESTORE] == 0)
        run->phase_s[PH_RESTORE] = progress_elapsed() - t;
    if (e != STEP_OK)
        return e;
    /* Jobs restore untagged copies: tag them before anything else. */
    struct rds_db db = {0};
    struct aws_tag tags[2];
    rds_tags(run, tags);
    if (rds_describe_db(c, run->cluster, run->db_id, &db, err) != DRH_OK ||
        ledger_created(run->ledger, run->cluster ? LEDGER_RDS_CLUSTER : LEDGER_RDS_INSTANCE,
                       run->db_id, db.arn, NULL, err) != DRH_OK ||
        rds_add_tags(c, db.arn, tags, 2, err) != DRH_OK) {
        rds_db_clean_up(&db);
        return STEP_ERROR;
    }
    json_add_string(run->ev, "restored_arn", db.arn);
    rds_db_clean_up(&db);
    if (!run->cluster)
        return STEP_OK;
    /* A restored Aurora cluster has no instance: add the writer. */
    run->instance_id = rds_identifier(run, "1");
    if (ledger_intent(run->ledger, LEDGER_RDS_INSTANCE, "target", tgt->region, run->instance_id,
                      NULL, NULL, run->r->name, err) != DRH_OK ||
        rds_create_cluster_instance(c, run->db_id, run->instance_id,
                                    drill_engine_name(run->r->engine),
                                    run->r->instance_class ? run->r->instance_class
                                                           : "db.r6g.large",
                                    tags, 2, err) != DRH_OK ||
        ledger_created(run->ledger, LEDGER_RDS_INSTANCE, run->instance_id, NULL, NULL, err) !=
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
    struct wait_options w = {run->d->name, run->r->name, "available", what, run->deadline, 0, 0, 0};
    enum drh_status st = wait_until(&w, s_poll_available, &p, err);
    free(what);
    if (st == DRH_OK)
        return STEP_OK;
    return st == DRH_E_TIMEOUT || st == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
}

enum step_end rds_wait_available(struct rds_run *run, struct drh_err *err)
{
    struct aws_client *c = NULL;
    if (side_client(run->tgt, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    double t = progress_elapsed();
    enum step_end e = s_wait_available(run, c, err);
    run->phase_s[PH_AVAILABLE] = progress_elapsed() - t;
    if (e == STEP_OK)
        progress_phase(run->d->name, run->r->name, "available", "%s:%d", run->host, run->port);
    return e;
}

static enum step_end s_password_from(struct rds_run *run, struct drh_err *err)
{
    const struct drill_db_login *l = &run->r->login;
    if (l->password_env) {
        const char *v = getenv(l->password_env);
        if (!v || !*v) {
            drh_err_set(err, DRH_E_CONFIG, "environment variable %s (login.password_env of %s) "
                                           "is not set",
                        l->password_env, run->r->name);
            drh_err_hint(err, "export %s with the database password before drh run",
                         l->password_env);
            return STEP_ERROR;
        }
        snprintf(run->password, sizeof(run->password), "%s", v);
        return STEP_OK;
    }
    char *path = drill_resolve(run->d, l->password_file);
    FILE *f = fopen(path, "re");
    if (!f) {
        drh_err_set(err, DRH_E_CONFIG, "cannot read login.password_file '%s' of %s: %s", path,
                    run->r->name, strerror(errno));
        free(path);
        return STEP_ERROR;
    }
    free(path);
    if (!fgets(run->password, sizeof(run->password), f))
        run->password[0] = '\0';
    fclose(f);
    run->password[strcspn(run->password, "\r\n")] = '\0';
    return STEP_OK;
}

enum step_end rds_login(struct rds_run *run, struct drh_err *err)
{
    const struct drill_db_login *l = &run->r->login;
    if (l->password_env || l->password_file)
        return s_password_from(run, err);
    /* No password given: a fresh random master password, on the copy only. */
    unsigned char raw[18];
    if (crypto_random_bytes(raw, sizeof(raw)) != DRH_OK) {
        drh_err_set(err, DRH_E_INTERNAL, "cannot make a password: no randomness");
        return STEP_ERROR;
    }
    crypto_hex(raw, sizeof(raw), run->password);
    crypto_wipe(raw, sizeof(raw));
    struct aws_client *c = NULL;
    if (side_client(run->tgt, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    progress_phase(run->d->name, run->r->name, "login", "setting a random master password on "
                                                        "%s",
                   run->db_id);
    if (rds_set_master_password(c, run->cluster, run->db_id, run->password, err) != DRH_OK)
        return STEP_ERROR;
    return s_wait_available(run, c, err);
}
