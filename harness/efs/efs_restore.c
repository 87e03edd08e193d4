/*
 * Restoring an EFS recovery point into the isolated test stack: an AWS
 * Backup restore job with the recovery point's own restore metadata,
 * overridden so the result is the run's own (a new file system with the
 * run's creation token, encrypted with the target's key when the drill
 * names one; or the drill's existing file system), then the new file
 * system tagged, a mount target in the isolation subnet, and the wait until
 * both are available. Everything made is in the ledger first.
 */
#include "aws/backup.h"
#include "aws/efs.h"
#include "efs/efs_run.h"
#include "mem.h"
#include "run/progress.h"
#include "run/wait.h"

#include <stdlib.h>
#include <string.h>

/* Metadata keys drh sets itself; the recovery point's values are dropped. */
static bool s_overridden(const char *k)
{
    static const char *const keys[] = {"newFileSystem", "file-system-id", "CreationToken",
                                       "Encrypted",     "KmsKeyId",       "itemsToRestore"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(k, keys[i]) == 0)
            return true;
    return false;
}

static struct json *s_metadata(struct efs_run *run, const struct json *md)
{
    const struct drill_efs *e = &run->res.r->efs;
    const struct drill_side *tgt = side_def(run->res.tgt);
    struct json *body = json_new_object();
    for (const struct json *m = json_first(md); m; m = json_next(m))
        if (json_is_string(m) && !s_overridden(json_key(m)))
            json_add_string(body, json_key(m), json_string(m));
    if (e->existing) {
        json_add_string(body, "newFileSystem", "false");
        json_add_string(body, "file-system-id", e->file_system);
        return body;
    }
    /* AWS wants the backed-up file system's id even for a new one */
    const char *src_fs = json_get_string(md, "file-system-id");
    if (src_fs)
        json_add_string(body, "file-system-id", src_fs);
    json_add_string(body, "newFileSystem", "true");
    char *token = res_identifier(&run->res, NULL);
    json_add_string(body, "CreationToken", token);
    free(token);
    /* The source's key belongs to the source account and region: a copy is
     * restored with the target's key, or the target account's default. */
    const char *enc = json_get_string(md, "Encrypted");
    bool encrypted = tgt->kms_key || !enc || strcmp(enc, "false") != 0;
    json_add_string(body, "Encrypted", encrypted ? "true" : "false");
    if (tgt->kms_key)
        json_add_string(body, "KmsKeyId", tgt->kms_key);
    return body;
}

enum step_end efs_restore(struct res_run *res, struct drh_err *err)
{
    struct efs_run *run = (struct efs_run *)res;
    const struct drill_side *tgt = side_def(res->tgt);
    const struct drill_efs *e = &res->r->efs;
    if (strcmp(res->rp_region, tgt->region) != 0 ||
        (!res->r->copy && res->r->select != DRILL_SELECT_DR_VAULT &&
         strcmp(side_def(res->src)->account, tgt->account) != 0)) {
        drh_err_set(err, DRH_E_CONFIG, "%s is in %s, not where the drill restores (%s, %s)",
                    res->rp_arn, res->rp_region, tgt->account, tgt->region);
        drh_err_hint(err, "set \"copy\": true so drh copies it into the target first");
        return STEP_ERROR;
    }
    struct aws_client *c = NULL;
    if (side_client(res->tgt, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    struct json *md = NULL;
    if (backup_get_restore_metadata(c, res->rp_vault, res->rp_arn, &md, err) != DRH_OK)
        return STEP_ERROR;
    struct json *body = s_metadata(run, md);
    json_free(md);
    enum ledger_kind kind = e->existing ? LEDGER_EFS_RESTORE_DIR : LEDGER_EFS_FILE_SYSTEM;
    char *token = res_identifier(res, NULL);
    run->ledger_id = e->existing ? xasprintf("%s/%s", e->file_system, token) : xstrdup(token);
    free(token);
    char *arn = NULL;
    enum step_end end = STEP_ERROR;
    if (e->existing) {
        /* teardown must know how to mount it before the job can write there */
        struct efs_mount_spec s = {e->file_system, e->mount_point, tgt->region,     run->mt_ip,
                                   e->mount_cmd,   e->unmount_cmd, e->mount_timeout};
        char *detail = efs_mount_detail(&s);
        enum drh_status st = ledger_intent(res->ledger, kind, "target", tgt->region, run->ledger_id,
                                           NULL, NULL, res->r->name, err);
        if (st == DRH_OK)
            st = ledger_detail(res->ledger, kind, run->ledger_id, detail, err);
        free(detail);
        if (st != DRH_OK)
            goto done;
    }
    double t = progress_elapsed();
    end = res_restore_job(res, c, body, "EFS", kind, run->ledger_id, &arn, err);
    if (res->phase_s[PH_RESTORE] == 0)
        res->phase_s[PH_RESTORE] = progress_elapsed() - t;
    if (end != STEP_OK)
        goto done;
    if (e->existing) {
        if (!run->fs_id)
            run->fs_id = xstrdup(e->file_system);
        end = efs_find_tree(res, err);
        goto done;
    }
    const char *slash = arn ? strrchr(arn, '/') : NULL;
    if (!slash || strncmp(slash + 1, "fs-", 3) != 0) {
        drh_err_set(err, DRH_E_PARSE, "the restore job gave no file system ARN (%s)",
                    arn ? arn : "none");
        end = STEP_ERROR;
        goto done;
    }
    run->fs_id = xstrdup(slash + 1);
    struct aws_tag tags[RES_TAG_COUNT];
    res_tags(res, tags);
    /* the job restores an untagged file system: tag it before anything else */
    end = STEP_ERROR;
    if (ledger_resolved(res->ledger, kind, run->ledger_id, run->fs_id, err) != DRH_OK)
        goto done;
    free(run->ledger_id);
    run->ledger_id = xstrdup(run->fs_id);
    if (ledger_created(res->ledger, kind, run->fs_id, arn, NULL, err) != DRH_OK ||
        efs_tag_resource(c, run->fs_id, tags, RES_TAG_COUNT, err) != DRH_OK)
        goto done;
    json_add_string(res->ev, "restored_arn", arn);
    end = STEP_OK;
done:
    free(arn);
    json_free(body);
    return end;
}

struct avail_poll {
    struct aws_client *c;
    struct efs_run *run;
};

static enum drh_status s_poll(void *ctx, bool *done, struct buf *status, struct drh_err *err)
{
    struct avail_poll *p = ctx;
    struct efs_run *run = p->run;
    struct efs_file_system fs = {0};
    enum drh_status st = efs_describe_file_system(p->c, run->fs_id, &fs, err);
    struct efs_mount_target *v = NULL;
    size_t n = 0;
    if (st == DRH_OK && run->mt_id)
        st = efs_describe_mount_targets(p->c, NULL, run->mt_id, &v, &n, err);
    if (st != DRH_OK)
        goto done;
    const char *mt = run->mt_id ? (n ? v[0].state : "?") : "available";
    buf_printf(status, "file system %s%s%s", fs.state, run->mt_id ? ", mount target " : "",
               run->mt_id ? mt : "");
    if (strcmp(fs.state, "error") == 0 || strcmp(mt, "error") == 0 ||
        strcmp(fs.state, "deleting") == 0) {
        st = drh_err_set(err, DRH_E_AWS, "restored %s: %s", run->fs_id, buf_str(status));
        goto done;
    }
    *done = strcmp(fs.state, "available") == 0 && strcmp(mt, "available") == 0;
    if (*done && n && v[0].ip && !run->mt_ip)
        run->mt_ip = xstrdup(v[0].ip);
done:
    efs_mount_targets_free(v, n);
    efs_file_system_clean_up(&fs);
    return st;
}

static enum step_end s_wait(struct efs_run *run, struct aws_client *c, struct drh_err *err)
{
    struct avail_poll p = {c, run};
    char *what = xasprintf("file system %s", run->fs_id);
    struct wait_options w = {
        run->res.d->name, run->res.r->name, "available", what, run->res.step_deadline, 0, 0, 0,
        run->res.step_limit};
    enum drh_status st = wait_until(&w, s_poll, &p, err);
    free(what);
    if (st == DRH_OK)
        return STEP_OK;
    return st == DRH_E_TIMEOUT || st == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
}

/* A mount target in the isolation subnet, so a runner in the VPC can mount it. */
static enum step_end s_mount_target(struct efs_run *run, struct aws_client *c, struct drh_err *err)
{
    const struct drill_isolation *iso = run->res.iso;
    const char *region = side_def(run->res.tgt)->region;
    char *intent = xasprintf("%s/mount-target", run->fs_id);
    struct efs_mount_target mt = {0};
    enum step_end end = STEP_ERROR;
    if (ledger_intent(run->res.ledger, LEDGER_EFS_MOUNT_TARGET, "target", region, intent, NULL,
                      NULL, run->res.r->name, err) != DRH_OK)
        goto done;
    progress_phase(run->res.d->name, run->res.r->name, "available", "mount target for %s in %s",
                   run->fs_id, iso->subnet);
    if (efs_create_mount_target(c, run->fs_id, iso->subnet,
                                (const char *const *)iso->security_groups, iso->n_security_groups,
                                &mt, err) != DRH_OK) {
        end = err->code == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
        goto done;
    }
    if (ledger_resolved(run->res.ledger, LEDGER_EFS_MOUNT_TARGET, intent, mt.id, err) != DRH_OK ||
        ledger_created(run->res.ledger, LEDGER_EFS_MOUNT_TARGET, mt.id, NULL, NULL, err) != DRH_OK)
        goto done;
    run->mt_id = xstrdup(mt.id);
    end = STEP_OK;
done:
    efs_mount_target_clean_up(&mt);
    free(intent);
    return end;
}

enum step_end efs_wait_available(struct res_run *res, struct drh_err *err)
{
    struct efs_run *run = (struct efs_run *)res;
    struct aws_client *c = NULL;
    if (side_client(res->tgt, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    double t = progress_elapsed();
    enum step_end e = s_wait(run, c, err); /* a mount target needs an available file system */
    if (e == STEP_OK && res->iso->subnet) {
        e = s_mount_target(run, c, err);
        if (e == STEP_OK)
            e = s_wait(run, c, err);
    }
    res->phase_s[PH_AVAILABLE] = progress_elapsed() - t;
    if (e == STEP_OK)
        progress_phase(res->d->name, res->r->name, "available", "%s%s%s", run->fs_id,
                       run->mt_ip ? " at " : "", run->mt_ip ? run->mt_ip : "");
    return e;
}
