/*
 * Reading a restored file system: the drill's mount and unmount command
 * templates (run with /bin/sh -c, placeholders replaced by shell-quoted
 * values, bounded by the drill's timeout, killed with their process group
 * past it), the restore folders AWS makes in an existing file system, and
 * the pipeline steps "mount" (which also finds the tree the probes read)
 * and "unmount". Teardown mounts with the same code, from the ledger.
 */
#include "efs/efs_run.h"

#include "aws/efs.h"
#include "buf.h"
#include "fs.h"
#include "mem.h"
#include "run/command.h"
#include "run/progress.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* The template with its placeholders replaced. Caller frees. */
static char *s_expand(const char *tmpl, const struct efs_mount_spec *s)
{
    const struct cmd_var vars[] = {{"file_system_id", s->fs_id},
                                   {"mount_point", s->mount_point},
                                   {"region", s->region},
                                   {"mount_target_ip", s->mt_ip ? s->mt_ip : ""}};
    return cmd_expand(tmpl, vars, sizeof vars / sizeof vars[0]);
}

enum drh_status efs_run_mount(const struct efs_mount_spec *spec, bool mount, struct drh_err *err)
{
    if (mount) {
        /* a folder to mount on, unless the mount point exists (even as a link) */
        struct stat st;
        if (lstat(spec->mount_point, &st) != 0) {
            char *parent = xstrdup(spec->mount_point);
            char *slash = strrchr(parent, '/');
            if (slash && slash != parent)
                *slash = '\0';
            enum drh_status s = fs_mkdirs(parent, 0755, "mount point folder", err);
            free(parent);
            if (s != DRH_OK)
                return s;
        }
    }
    char *cmd = s_expand(mount ? spec->mount_cmd : spec->unmount_cmd, spec);
    enum drh_status st = cmd_run(cmd, spec->timeout, mount ? "mount" : "unmount", err);
    free(cmd);
    if (st == DRH_E_CONFIG)
        drh_err_hint(err, "try the command by hand on this runner; with the emulator use "
                          "fixtures/demo/efs-mount (docs/efs.md)");
    return st;
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum drh_status efs_restore_dirs(const char *dir, char ***out, size_t *n, struct drh_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        if (fd >= 0)
            close(fd);
        return drh_err_set(err, DRH_E_IO, "cannot list '%s': %s", dir, strerror(errno));
    }
    char **v = NULL;
    size_t len = 0;
    for (struct dirent *e; (e = readdir(d));) {
        struct stat st;
        if (strncmp(e->d_name, EFS_RESTORE_PREFIX, strlen(EFS_RESTORE_PREFIX)) != 0 ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
            continue;
        v = xrealloc(v, (len + 1) * sizeof *v);
        v[len++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (len)
        qsort(v, len, sizeof *v, s_cmp);
    *out = v;
    *n = len;
    return DRH_OK;
}

char *efs_mount_detail(const struct efs_mount_spec *spec)
{
    struct json *o = json_new_object();
    json_add_string(o, "mount_point", spec->mount_point);
    json_add_string(o, "mount", spec->mount_cmd);
    json_add_string(o, "unmount", spec->unmount_cmd);
    json_add_string(o, "region", spec->region);
    if (spec->mt_ip)
        json_add_string(o, "mount_target_ip", spec->mt_ip);
    json_add_number(o, "timeout", (double)spec->timeout);
    char *text = json_print(o, 0);
    json_free(o);
    return text;
}

enum drh_status efs_mount_from_detail(const char *detail, struct efs_mount_spec *spec,
                                      struct json **holder, struct drh_err *err)
{
    struct json *o = NULL;
    double timeout = 0;
    if (!detail || json_parse(detail, strlen(detail), &o, err) != DRH_OK ||
        !json_get_string(o, "mount_point") || !json_get_string(o, "mount") ||
        !json_get_string(o, "unmount")) {
        json_free(o);
        return drh_err_set(err, DRH_E_INPUT, "the ledger does not say how to mount it");
    }
    spec->mount_point = json_get_string(o, "mount_point");
    spec->mount_cmd = json_get_string(o, "mount");
    spec->unmount_cmd = json_get_string(o, "unmount");
    spec->region = json_get_string(o, "region");
    spec->mt_ip = json_get_string(o, "mount_target_ip");
    spec->timeout =
        json_number(json_get(o, "timeout"), &timeout) && timeout > 0 ? (long)timeout : 120;
    *holder = o;
    return DRH_OK;
}

static struct efs_mount_spec s_spec(const struct efs_run *run)
{
    const struct drill_efs *e = &run->res.r->efs;
    struct efs_mount_spec s = {run->fs_id,      e->mount_point, side_def(run->res.tgt)->region,
                               run->mt_ip,      e->mount_cmd,   e->unmount_cmd,
                               e->mount_timeout};
    return s;
}

/* A new file system: the tree is the mount point's root, or the one restore
 * folder in it when that is all there is. */
static enum drh_status s_find_new(struct efs_run *run, struct drh_err *err)
{
    const char *mp = run->res.r->efs.mount_point;
    DIR *d = opendir(mp);
    if (!d)
        return drh_err_set(err, DRH_E_IO, "cannot list mount point '%s': %s", mp, strerror(errno));
    size_t n = 0;
    char *only = NULL;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        free(only);
        only = xstrdup(e->d_name);
    }
    closedir(d);
    struct stat st;
    char *sub = only ? xasprintf("%s/%s", mp, only) : NULL;
    if (n == 1 && strncmp(only, EFS_RESTORE_PREFIX, strlen(EFS_RESTORE_PREFIX)) == 0 &&
        lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
        run->tree = sub;
        sub = NULL;
    } else {
        run->tree = xstrdup(mp);
    }
    free(sub);
    free(only);
    return DRH_OK;
}

enum step_end efs_mount(struct res_run *res, struct drh_err *err)
{
    struct efs_run *run = (struct efs_run *)res;
    if (res->r->efs.existing && !run->mt_ip) {
        /* {mount_target_ip}: one of the existing file system's mount targets */
        struct aws_client *c = NULL;
        struct efs_mount_target *v = NULL;
        size_t n = 0;
        if (side_client(res->tgt, NULL, &c, err) != DRH_OK ||
            efs_describe_mount_targets(c, run->fs_id, NULL, &v, &n, err) != DRH_OK)
            return STEP_ERROR;
        for (size_t i = 0; i < n && !run->mt_ip; i++)
            if (v[i].ip && strcmp(v[i].state, "available") == 0)
                run->mt_ip = xstrdup(v[i].ip);
        efs_mount_targets_free(v, n);
    }
    struct efs_mount_spec s = s_spec(run);
    progress_phase(res->d->name, res->r->name, "mount", "%s on %s", run->fs_id, s.mount_point);
    enum drh_status st = efs_run_mount(&s, true, err);
    if (st != DRH_OK)
        return st == DRH_E_IO ? STEP_ERROR : STEP_FAILED;
    run->mounted = true;
    if (res->r->efs.existing) /* the restore folders there before the restore */
        return efs_restore_dirs(s.mount_point, &run->before, &run->n_before, err) == DRH_OK
                   ? STEP_OK
                   : STEP_ERROR;
    return s_find_new(run, err) == DRH_OK ? STEP_OK : STEP_ERROR;
}

enum step_end efs_find_tree(struct res_run *res, struct drh_err *err)
{
    struct efs_run *run = (struct efs_run *)res;
    const char *mp = res->r->efs.mount_point;
    char **now = NULL;
    size_t n = 0;
    if (efs_restore_dirs(mp, &now, &n, err) != DRH_OK)
        return STEP_ERROR;
    const char *fresh = NULL;
    size_t n_fresh = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < run->n_before && !seen; k++)
            seen = strcmp(now[i], run->before[k]) == 0;
        if (!seen) {
            fresh = now[i];
            n_fresh++;
        }
    }
    enum step_end end = STEP_OK;
    if (n_fresh != 1) {
        drh_err_set(err, n_fresh ? DRH_E_CONFIG : DRH_E_AWS,
                    "%zu new %s* folders in %s after the restore", n_fresh, EFS_RESTORE_PREFIX,
                    run->fs_id);
        drh_err_hint(err, n_fresh ? "another restore into the same file system ran at the same "
                                    "time: drill into a file system of its own"
                                  : "check that the mount command mounts the file system's root");
        end = n_fresh ? STEP_ERROR : STEP_FAILED;
    } else {
        char *id = xasprintf("%s/%s", run->fs_id, fresh);
        if (ledger_resolved(res->ledger, LEDGER_EFS_RESTORE_DIR, run->ledger_id, id, err) !=
            DRH_OK) {
            free(id);
            end = STEP_ERROR;
        } else {
            free(run->ledger_id);
            run->ledger_id = id;
            run->tree = xasprintf("%s/%s", mp, fresh);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(now[i]);
    free(now);
    return end;
}

enum step_end efs_unmount(struct res_run *res, struct drh_err *err)
{
    struct efs_run *run = (struct efs_run *)res;
    struct efs_mount_spec s = s_spec(run);
    enum drh_status st = efs_run_mount(&s, false, err);
    if (st == DRH_OK)
        run->mounted = false;
    return st == DRH_OK ? STEP_OK : STEP_ERROR;
}
