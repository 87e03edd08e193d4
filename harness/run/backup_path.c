/*
 * AWS Backup recovery points, for every kind restored from one
 * (resource.h): which one a drill restores (the newest COMPLETED recovery
 * point of the resource, one at random within N days as AWS Backup restore
 * testing does, or the newest copy already in the DR vault); copy jobs into
 * the DR vault (two hops through a staging vault where AWS requires it);
 * restore jobs. Everything made is in the ledger (an intent before the
 * call) and tagged.
 */
#include "aws/backup.h"
#include "crypto.h"
#include "mem.h"
#include "run/progress.h"
#include "run/resource.h"
#include "run/wait.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t res_pick(const struct res_run *run, const double *created, size_t n)
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

enum step_end res_select_recovery_point(struct res_run *run, struct drh_err *err)
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
    size_t i = m ? res_pick(run, created, m) : m;
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
static enum step_end s_copy_hop(struct res_run *run, int hop, struct side *job_side,
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
    struct wait_options w = {run->d->name, run->r->name, "copy", what, run->step_deadline, 0, 0, 0,
                             run->step_limit};
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
    struct aws_tag tags[RES_TAG_COUNT];
    res_tags(run, tags);
    if (side_client(run->tgt, dest_region, &tc, err) != DRH_OK ||
        backup_tag_resource(tc, p.job.result_arn, tags, RES_TAG_COUNT, err) != DRH_OK) {
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

enum step_end res_copy_recovery_point(struct res_run *run, bool two_hops, struct drh_err *err)
{
    const struct drill_side *src = side_def(run->src), *tgt = side_def(run->tgt);
    bool other_account = strcmp(src->account, tgt->account) != 0;
    bool other_region = strcmp(src->region, tgt->region) != 0;
    if (two_hops && other_account && other_region) {
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

enum step_end res_restore_job(struct res_run *run, struct aws_client *c, const struct json *meta,
                              const char *resource_type, enum ledger_kind kind, const char *id,
                              char **created_arn, struct drh_err *err)
{
    const struct drill_side *tgt = side_def(run->tgt);
    char *job_id = NULL;
    *created_arn = NULL;
    char *token = xasprintf("drh-%s-%s-restore", run->run_id, run->r->name);
    enum drh_status st = ledger_intent(run->ledger, kind, "target", tgt->region, id, NULL, NULL,
                                       run->r->name, err);
    if (st == DRH_OK)
        st = backup_start_restore_job(c, run->rp_arn, tgt->backup_role_arn, meta, resource_type,
                                      token, &job_id, err);
    free(token);
    if (st != DRH_OK)
        return err->code == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
    json_add_string(run->ev, "restore_job_id", job_id);
    char *job_ref = xasprintf("target:%s:%s", tgt->region, job_id);
    st = ledger_created(run->ledger, kind, id, NULL, job_ref, err);
    free(job_ref);
    if (st != DRH_OK) {
        free(job_id);
        return STEP_ERROR;
    }
    progress_phase(run->d->name, run->r->name, "restore", "restore job %s -> %s", job_id, id);
    struct restore_poll p = {c, job_id, {0}};
    char *what = xasprintf("restore job %s", job_id);
    struct wait_options w = {run->d->name, run->r->name, "restore", what, run->step_deadline, 0, 0, 0,
                             run->step_limit};
    st = wait_until(&w, s_poll_restore, &p, err);
    free(what);
    enum step_end end;
    if (st != DRH_OK) {
        end = st == DRH_E_TIMEOUT ? STEP_FAILED : STEP_ERROR;
    } else if (strcmp(p.job.state, "COMPLETED") != 0) {
        drh_err_set(err, DRH_E_AWS, "restore job %s ended %s: %s", job_id, p.job.state,
                    p.job.status_message ? p.job.status_message : "(no status message)");
        end = STEP_FAILED;
    } else {
        if (p.job.completed > 0 && p.job.created > 0)
            run->phase_s[PH_RESTORE] = p.job.completed - p.job.created;
        if (p.job.result_arn)
            *created_arn = xstrdup(p.job.result_arn);
        end = STEP_OK;
    }
    backup_job_clean_up(&p.job);
    free(job_id);
    return end;
}
