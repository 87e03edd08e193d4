/*
 * Teardown from the ledger: instances first, recovery point copies and
 * then the isolated stack last (the order of enum ledger_kind), each
 * deleted only when the ledger names it and it carries this run's
 * drh:run-id tag (or, untagged, when the ledger's own job made it: a
 * crash can come between a job's end and its tagging), and each confirmed
 * gone before the next kind. The same code serves a run's own teardown
 * and `drh teardown --run ID` after a crash.
 * Each kind deletes its own ledger kinds (teardown.h); recovery points,
 * which every kind may copy, are deleted here.
 */
#include "aws/backup.h"
#include "mem.h"
#include "run/progress.h"
#include "run/resource.h"
#include "run/teardown.h"
#include "run/wait.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static struct aws_client *s_client(struct td *t, const struct ledger_entry *e,
                                   struct drh_err *err)
{
    struct side *s = e->side && strcmp(e->side, "source") == 0 ? t->src : t->tgt;
    struct aws_client *c = NULL;
    return side_client(s, e->region, &c, err) == DRH_OK ? c : NULL;
}

/* "side:region:job-id" -> its parts (pointers into a copy the caller frees). */
static char *s_job_parts(const char *ref, const char **side, const char **region,
                         const char **id)
{
    char *copy = xstrdup(ref);
    char *a = strchr(copy, ':');
    char *b = a ? strchr(a + 1, ':') : NULL;
    if (!b) {
        free(copy);
        return NULL;
    }
    *a = *b = '\0';
    *side = copy;
    *region = a + 1;
    *id = b + 1;
    return copy;
}

static struct aws_client *s_job_client(struct td *t, const char *side, const char *region,
                                       struct drh_err *err)
{
    struct aws_client *c = NULL;
    struct side *s = strcmp(side, "source") == 0 ? t->src : t->tgt;
    return side_client(s, region, &c, err) == DRH_OK ? c : NULL;
}

/* The ARN a job of this run made (restore: CreatedResourceArn; copy:
 * DestinationRecoveryPointArn), waiting for the job to end. NULL if none. */
char *td_job_result(struct td *t, const struct ledger_entry *e, struct drh_err *err)
{
    if (!e->job)
        return NULL;
    const char *side, *region, *id;
    char *parts = s_job_parts(e->job, &side, &region, &id);
    if (!parts)
        return NULL;
    struct aws_client *c = s_job_client(t, side, region, err);
    char *out = NULL;
    bool copy = e->kind == LEDGER_RECOVERY_POINT;
    double until = t->deadline;
    while (c) {
        struct backup_job j = {0};
        enum drh_status st = copy ? backup_describe_copy_job(c, id, &j, err)
                                  : backup_describe_restore_job(c, id, &j, err);
        if (st != DRH_OK)
            break;
        bool running = j.state && (strcmp(j.state, "CREATED") == 0 ||
                                   strcmp(j.state, "PENDING") == 0 ||
                                   strcmp(j.state, "RUNNING") == 0);
        if (!running) {
            if (j.result_arn)
                out = xstrdup(j.result_arn);
            backup_job_clean_up(&j);
            break;
        }
        backup_job_clean_up(&j);
        progress_wait(ledger_drill_name(t->l), e->resource, "teardown", "%s job %s still running",
                      copy ? "copy" : "restore", id);
        if (progress_elapsed() > until || !wait_sleep(2.0, 1))
            break;
    }
    free(parts);
    return out;
}

void td_note(struct td *t, const char *fmt, ...)
{
    if (t->notes.len)
        buf_puts(&t->notes, "; ");
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&t->notes, fmt, ap);
    va_end(ap);
}

/* Whether the thing may be deleted: its tag names this run, or (untagged)
 * this run's own job made it, in which case it is tagged now. */
bool td_owned(struct td *t, const char *arn, const char *tag, const char *job_arn)
{
    const char *run_id = ledger_run_id(t->l);
    if (tag && strcmp(tag, run_id) == 0)
        return true;
    if (!tag && job_arn && strcmp(job_arn, arn) == 0)
        return true;
    t->refused++;
    td_note(t, "refused to delete %s: its drh:run-id tag is '%s', not this run's", arn,
           tag ? tag : "(none)");
    return false;
}

struct gone_poll {
    td_look_fn look;
    void *ctx;
};

static enum drh_status s_poll_gone(void *ctx, bool *done, struct buf *status,
                                   struct drh_err *err)
{
    struct gone_poll *p = ctx;
    enum drh_status st = p->look(p->ctx, status, err);
    if (st == DRH_E_NOTFOUND) {
        drh_err_clear(err);
        *done = true;
        return DRH_OK;
    }
    return st;
}

enum drh_status td_wait_gone(struct td *t, const struct ledger_entry *e, td_look_fn look,
                             void *ctx, struct drh_err *err)
{
    struct gone_poll p = {look, ctx};
    char *what = xasprintf("%s %s", ledger_kind_name(e->kind), e->id);
    struct wait_options w = {ledger_drill_name(t->l), e->resource, "teardown", what,
                             t->deadline, 10.0, 0, 1, t->limit};
    enum drh_status st = wait_until(&w, s_poll_gone, &p, err);
    free(what);
    return st;
}

enum drh_status td_gone(struct td *t, const struct ledger_entry *e, struct drh_err *err)
{
    t->deleted++;
    return ledger_gone(t->l, e->kind, e->id, err);
}

void td_progress(struct td *t, const struct ledger_entry *e, const char *what)
{
    progress_phase(ledger_drill_name(t->l), e->resource, "teardown", "deleting %s %s",
                   ledger_kind_name(e->kind), what ? what : e->id);
}

struct rp_look {
    struct aws_client *c;
    const char *vault, *arn;
};

static enum drh_status s_look_recovery_point(void *ctx, struct buf *status, struct drh_err *err)
{
    struct rp_look *p = ctx;
    struct backup_recovery_point rp = {0};
    enum drh_status st = backup_describe_recovery_point(p->c, p->vault, p->arn, &rp, err);
    buf_puts(status, rp.status ? rp.status : "?");
    backup_recovery_point_clean_up(&rp);
    return st;
}

static enum drh_status s_delete_recovery_point(struct td *t, const struct ledger_entry *e,
                                               struct aws_client *c, struct drh_err *err)
{
    char *job_arn = td_job_result(t, e, err);
    const char *rp_arn = strncmp(e->id, "copy:", 5) == 0 ? job_arn : e->id;
    enum drh_status st = DRH_OK;
    struct json *tags = NULL;
    if (!rp_arn) {
        if (e->job) /* the job ended without a recovery point: nothing was made */
            st = ledger_gone(t->l, e->kind, e->id, err);
        else {
            t->failed++;
            td_note(t, "%s: a copy may have started before drh stopped; check vault %s",
                   e->id, e->vault);
        }
        goto done;
    }
    st = backup_list_tags(c, rp_arn, &tags, err);
    if (st == DRH_E_NOTFOUND) {
        drh_err_clear(err);
        st = ledger_gone(t->l, e->kind, e->id, err);
        goto done;
    }
    if (st != DRH_OK)
        goto done;
    if (!td_owned(t, rp_arn, json_get_string(tags, LEDGER_TAG_RUN), job_arn))
        goto done;
    td_progress(t, e, rp_arn);
    st = backup_delete_recovery_point(c, e->vault, rp_arn, err);
    if (st == DRH_E_NOTFOUND) {
        drh_err_clear(err);
        st = DRH_OK;
    }
    struct rp_look look = {c, e->vault, rp_arn};
    if (st == DRH_OK)
        st = td_wait_gone(t, e, s_look_recovery_point, &look, err);
    if (st == DRH_OK)
        st = td_gone(t, e, err);
done:
    json_free(tags);
    free(job_arn);
    return st;
}

size_t teardown_left(const struct ledger *l, const char *resource)
{
    size_t left = 0;
    for (size_t i = 0; i < ledger_count(l); i++) {
        const struct ledger_entry *e = ledger_at(l, i);
        left += !e->gone && (!resource || !e->resource || strcmp(e->resource, resource) == 0);
    }
    return left;
}

enum step_end teardown_run(struct ledger *l, const char *resource, struct side *src,
                           struct side *tgt, char **message, struct drh_err *err)
{
    struct td t = {l, src, tgt, {0}, 0, 0, 0, 0, {0}};
    buf_init(&t.notes);
    long limit = ledger_teardown_timeout(l);
    t.deadline = progress_elapsed() + (double)limit;
    char dur[32];
    drill_format_duration(limit, dur, sizeof dur);
    snprintf(t.limit, sizeof t.limit, "timeouts.teardown (%s)", dur);
    static const td_delete_fn deleters[LEDGER_KIND_COUNT] = {
        [LEDGER_EC2_INSTANCE] = ec2_teardown_entry,
        [LEDGER_EC2_IMAGE] = ec2_teardown_entry,
        [LEDGER_EC2_SNAPSHOT] = ec2_teardown_entry,
        [LEDGER_EFS_MOUNT_TARGET] = efs_teardown_entry,
        [LEDGER_EFS_FILE_SYSTEM] = efs_teardown_entry,
        [LEDGER_EFS_RESTORE_DIR] = efs_teardown_entry,
        [LEDGER_S3_OBJECT] = s3_teardown_entry,
        [LEDGER_S3_BUCKET] = s3_teardown_entry,
        [LEDGER_RDS_INSTANCE] = rds_teardown_entry,
        [LEDGER_RDS_CLUSTER] = rds_teardown_entry,
        [LEDGER_RDS_SNAPSHOT] = rds_teardown_entry,
        [LEDGER_RDS_CLUSTER_SNAPSHOT] = rds_teardown_entry,
        [LEDGER_RECOVERY_POINT] = s_delete_recovery_point,
        [LEDGER_RDS_SUBNET_GROUP] = isolation_teardown_entry,
        [LEDGER_EC2_SECURITY_GROUP] = isolation_teardown_entry,
        [LEDGER_EC2_SUBNET] = isolation_teardown_entry,
        [LEDGER_EC2_VPC] = isolation_teardown_entry,
    };
    struct drh_err first;
    drh_err_clear(&first);
    for (int k = 0; k < LEDGER_KIND_COUNT; k++) {
        for (size_t i = ledger_count(l); i-- > 0;) {
            const struct ledger_entry *e = ledger_at(l, i);
            if (e->kind != (enum ledger_kind)k || e->gone || (resource && e->resource &&
                                                   strcmp(e->resource, resource) != 0))
                continue;
            struct drh_err e_err;
            drh_err_clear(&e_err);
            struct aws_client *c = s_client(&t, e, &e_err);
            enum drh_status st = !c ? e_err.code : deleters[k](&t, e, c, &e_err);
            if (st != DRH_OK) {
                t.failed++;
                td_note(&t, "%s: %s%s%s%s", e->id, e_err.msg,
                        e_err.hint[0] ? " (hint: " : "", e_err.hint, e_err.hint[0] ? ")" : "");
                if (first.code == DRH_OK)
                    first = e_err;
            }
        }
    }
    size_t left = teardown_left(l, resource);
    struct buf msg;
    buf_init(&msg);
    buf_printf(&msg, "%d deleted, %zu left", t.deleted, left);
    if (t.notes.len)
        buf_printf(&msg, ": %s", buf_str(&t.notes));
    *message = buf_detach(&msg);
    buf_clean_up(&t.notes);
    if (t.failed || t.refused || left) {
        if (first.code != DRH_OK)
            *err = first;
        else
            drh_err_set(err, DRH_E_AWS, "teardown left %zu thing(s): %s", left, *message);
        if (first.code != DRH_OK && first.hint[0])
            drh_err_hint(err, "%.300s; then finish it with: drh teardown --run %s", first.hint,
                         ledger_run_id(l));
        else
            drh_err_hint(err, "finish it with: drh teardown --run %s", ledger_run_id(l));
        return t.refused ? STEP_FAILED : STEP_ERROR;
    }
    return STEP_OK;
}
