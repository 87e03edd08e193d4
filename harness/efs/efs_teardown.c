/*
 * Teardown of the EFS ledger kinds (teardown.h): mount targets (of a file
 * system carrying this run's drh:run-id tag), then restored file systems
 * (tagged with this run's id, or made by this run's own restore job), each
 * confirmed gone; then restore folders inside an existing file system,
 * which carry no tags: mounted with the commands the ledger recorded, only a
 * direct child of the mount point named aws-backup-restore_* is removed,
 * without following any symbolic link in it, and the file system unmounted.
 */
#define _XOPEN_SOURCE 700 /* nftw() */
#include "aws/efs.h"
#include "efs/efs_run.h"
#include "mem.h"
#include "run/teardown.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct efs_look {
    struct aws_client *c;
    const char *fs_id, *mt_id;
};

static enum drh_status s_look_mt(void *ctx, struct buf *status, struct drh_err *err)
{
    struct efs_look *p = ctx;
    struct efs_mount_target *v = NULL;
    size_t n = 0;
    enum drh_status st = efs_describe_mount_targets(p->c, NULL, p->mt_id, &v, &n, err);
    if (st == DRH_OK && n == 0)
        st = drh_err_set(err, DRH_E_NOTFOUND, "mount target %s is gone", p->mt_id);
    if (st == DRH_OK) {
        buf_puts(status, v[0].state);
        if (strcmp(v[0].state, "deleted") == 0)
            st = drh_err_set(err, DRH_E_NOTFOUND, "mount target %s is deleted", p->mt_id);
    }
    efs_mount_targets_free(v, n);
    return st;
}

static enum drh_status s_look_fs(void *ctx, struct buf *status, struct drh_err *err)
{
    struct efs_look *p = ctx;
    struct efs_file_system fs = {0};
    enum drh_status st = efs_describe_file_system(p->c, p->fs_id, &fs, err);
    if (st == DRH_OK) {
        buf_puts(status, fs.state);
        if (strcmp(fs.state, "deleted") == 0)
            st = drh_err_set(err, DRH_E_NOTFOUND, "file system %s is deleted", p->fs_id);
    }
    efs_file_system_clean_up(&fs);
    return st;
}

/* Whether fs_id is this run's: its drh:run-id tag, or (untagged) the
 * result of the run's restore job. DRH_E_NOTFOUND when it is gone. */
static enum drh_status s_fs_owned(struct td *t, struct aws_client *c, const char *fs_id,
                                  const char *job_arn, bool *owned, struct drh_err *err)
{
    struct efs_file_system fs = {0};
    struct json *tags = NULL;
    enum drh_status st = efs_describe_file_system(c, fs_id, &fs, err);
    if (st == DRH_OK && strcmp(fs.state, "deleted") == 0)
        st = drh_err_set(err, DRH_E_NOTFOUND, "file system %s is deleted", fs_id);
    if (st == DRH_OK)
        st = efs_list_tags(c, fs_id, &tags, err);
    if (st == DRH_OK)
        *owned = td_owned(t, fs.arn ? fs.arn : fs_id, json_get_string(tags, LEDGER_TAG_RUN), job_arn);
    json_free(tags);
    efs_file_system_clean_up(&fs);
    return st;
}

/* Deletes the mount targets of fs_id (all, or the one named) and waits
 * until they are gone. */
static enum drh_status s_delete_mts(struct td *t, const struct ledger_entry *e,
                                    struct aws_client *c, const char *fs_id, const char *only,
                                    struct drh_err *err)
{
    struct efs_mount_target *v = NULL;
    size_t n = 0;
    enum drh_status st = efs_describe_mount_targets(c, fs_id, NULL, &v, &n, err);
    for (size_t i = 0; st == DRH_OK && i < n; i++) {
        if ((only && strcmp(v[i].id, only) != 0) || strcmp(v[i].state, "deleted") == 0)
            continue;
        td_progress(t, e, v[i].id);
        st = efs_delete_mount_target(c, v[i].id, err);
        if (st == DRH_E_NOTFOUND) {
            drh_err_clear(err);
            st = DRH_OK;
        }
        struct efs_look look = {c, fs_id, v[i].id};
        if (st == DRH_OK)
            st = td_wait_gone(t, e, s_look_mt, &look, err);
    }
    efs_mount_targets_free(v, n);
    return st;
}

static enum drh_status s_gone_already(struct td *t, const struct ledger_entry *e,
                                      struct drh_err *err)
{
    drh_err_clear(err);
    return ledger_gone(t->l, e->kind, e->id, err);
}

static enum drh_status s_mount_target(struct td *t, const struct ledger_entry *e,
                                      struct aws_client *c, struct drh_err *err)
{
    /* id "fsmt-...", or "fs-.../mount-target" when drh stopped before it knew */
    bool known = strncmp(e->id, "fsmt-", 5) == 0;
    char *fs_id = NULL;
    enum drh_status st = DRH_OK;
    if (known) {
        struct efs_mount_target *v = NULL;
        size_t n = 0;
        st = efs_describe_mount_targets(c, NULL, e->id, &v, &n, err);
        if (st == DRH_OK && n && v[0].fs_id)
            fs_id = xstrdup(v[0].fs_id);
        efs_mount_targets_free(v, n);
    } else {
        fs_id = xstrndup(e->id, strcspn(e->id, "/"));
    }
    if (st == DRH_E_NOTFOUND || (st == DRH_OK && !fs_id)) {
        free(fs_id);
        return s_gone_already(t, e, err);
    }
    bool owned = false;
    if (st == DRH_OK)
        st = s_fs_owned(t, c, fs_id, NULL, &owned, err);
    if (st == DRH_E_NOTFOUND) {
        free(fs_id);
        return s_gone_already(t, e, err);
    }
    if (st == DRH_OK && owned)
        st = s_delete_mts(t, e, c, fs_id, known ? e->id : NULL, err);
    if (st == DRH_OK && owned)
        st = td_gone(t, e, err);
    free(fs_id);
    return st;
}

static enum drh_status s_file_system(struct td *t, const struct ledger_entry *e,
                                     struct aws_client *c, struct drh_err *err)
{
    char *job_arn = td_job_result(t, e, err);
    const char *slash = job_arn ? strrchr(job_arn, '/') : NULL;
    const char *fs_id = strncmp(e->id, "fs-", 3) == 0 ? e->id : slash ? slash + 1 : NULL;
    enum drh_status st = DRH_OK;
    bool owned = false;
    if (!fs_id) {
        if (e->job) { /* the job ended without a file system: nothing was made */
            st = s_gone_already(t, e, err);
        } else if (!e->created) {
            t->failed++;
            td_note(t,
                    "%s: a restore job may have started before drh stopped; check the "
                    "restore jobs of the target account",
                    e->id);
        }
        goto done;
    }
    st = s_fs_owned(t, c, fs_id, job_arn, &owned, err);
    if (st == DRH_E_NOTFOUND) {
        st = s_gone_already(t, e, err);
        goto done;
    }
    if (st != DRH_OK || !owned)
        goto done;
    /* AWS refuses to delete a file system that still has mount targets */
    if ((st = s_delete_mts(t, e, c, fs_id, NULL, err)) != DRH_OK)
        goto done;
    td_progress(t, e, fs_id);
    st = efs_delete_file_system(c, fs_id, err);
    if (st == DRH_E_NOTFOUND) {
        drh_err_clear(err);
        st = DRH_OK;
    }
    struct efs_look look = {c, fs_id, NULL};
    if (st == DRH_OK)
        st = td_wait_gone(t, e, s_look_fs, &look, err);
    if (st == DRH_OK)
        st = td_gone(t, e, err);
done:
    free(job_arn);
    return st;
}

static int s_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

static enum drh_status s_restore_dir(struct td *t, const struct ledger_entry *e,
                                     struct aws_client *c, struct drh_err *err)
{
    (void)c;
    const char *slash = strchr(e->id, '/');
    const char *name = slash ? slash + 1 : "";
    if (strncmp(name, EFS_RESTORE_PREFIX, strlen(EFS_RESTORE_PREFIX)) != 0 || strchr(name, '/') ||
        strstr(name, "..")) {
        char *job_arn = td_job_result(t, e, err);
        free(job_arn);
        if (!e->job && !e->created)
            return s_gone_already(t, e, err); /* the restore never started */
        t->failed++;
        td_note(t,
                "%s: drh stopped before it knew which %s* folder its restore made; remove "
                "it by hand",
                e->id, EFS_RESTORE_PREFIX);
        return DRH_OK;
    }
    struct efs_mount_spec spec = {0};
    struct json *holder = NULL;
    enum drh_status st = efs_mount_from_detail(e->detail, &spec, &holder, err);
    if (st != DRH_OK)
        return st;
    char *fs_id = xstrndup(e->id, (size_t)(slash - e->id));
    spec.fs_id = fs_id;
    char *path = xasprintf("%s/%s", spec.mount_point, name);
    if ((st = efs_run_mount(&spec, true, err)) != DRH_OK)
        goto done;
    struct stat sb;
    if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        td_progress(t, e, NULL);
        /* FTW_PHYS: links are removed, never followed; FTW_MOUNT: stays on this file system */
        if (nftw(path, s_remove, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0)
            st = drh_err_set(err, DRH_E_IO, "cannot remove '%s': %s", path, strerror(errno));
    }
    if (st == DRH_OK && lstat(path, &sb) == 0)
        st = drh_err_set(err, DRH_E_IO, "'%s' is still there after its removal", path);
    struct drh_err uerr;
    drh_err_clear(&uerr);
    if (efs_run_mount(&spec, false, &uerr) != DRH_OK) {
        t->failed++;
        td_note(t, "%s: %s", e->id, uerr.msg);
    }
    if (st == DRH_OK)
        st = td_gone(t, e, err);
done:
    free(path);
    free(fs_id);
    json_free(holder);
    return st;
}

enum drh_status efs_teardown_entry(struct td *t, const struct ledger_entry *e, struct aws_client *c,
                                   struct drh_err *err)
{
    switch (e->kind) {
    case LEDGER_EFS_MOUNT_TARGET:
        return s_mount_target(t, e, c, err);
    case LEDGER_EFS_FILE_SYSTEM:
        return s_file_system(t, e, c, err);
    case LEDGER_EFS_RESTORE_DIR:
        return s_restore_dir(t, e, c, err);
    default:
        return drh_err_set(err, DRH_E_INTERNAL, "efs teardown given a %s",
                           ledger_kind_name(e->kind));
    }
}
