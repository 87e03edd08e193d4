/*
 * One EFS resource's drill, start to end: select, copy, restore (a new
 * file system: then wait until it and its mount target are available, and
 * mount; an existing one: mount first, to tell the restore's folder from
 * those already there), probe the tree, unmount (always, once mounted),
 * measure RTO and RPO, tear down; every step a JUnit case (resource.c
 * measures and tears down). Also the kind's plan for `drh plan`.
 */
#include "aws/efs.h"
#include "efs/efs_run.h"
#include "mem.h"
#include "probes/probe.h"
#include "run/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *s_source_arn(const struct res_run *res)
{
    const char *src = res->r->source;
    if (strncmp(src, "arn:", 4) == 0)
        return xstrdup(src);
    const struct drill_side *s = &res->d->source;
    char *arn = efs_file_system_arn(s->region, s->account, src);
    return arn ? arn : xstrdup(src);
}

/* Every probe is a case; the canary also gives the data-level RPO. */
static void s_probes(struct efs_run *run, enum step_end *worst)
{
    struct res_run *res = &run->res;
    double t = progress_elapsed();
    bool all = true;
    for (size_t i = 0; i < res->r->n_probes; i++) {
        const struct drill_probe *p = &res->r->probes[i];
        struct probe_result pr;
        progress_phase(res->d->name, res->r->name, "probe", "%s (%s) in %s", p->name,
                       probe_kind_name(p->kind), run->tree);
        probe_tree_run(run->tree, p, res->d->dir, res->t0_wall, &pr);
        all &= res_probe_case(res, p, &pr, worst);
    }
    res_probes_done(res, all, t);
}

static enum step_end s_copy(struct res_run *res, struct drh_err *err)
{
    double t = progress_elapsed();
    enum step_end e = res_copy_recovery_point(res, false, err);
    if (res->phase_s[PH_COPY] == 0)
        res->phase_s[PH_COPY] = progress_elapsed() - t;
    return e;
}

static enum runner_verdict s_drill(struct res_run *res)
{
    struct efs_run *run = (struct efs_run *)res;
    enum step_end worst = STEP_OK;
    bool existing = res->r->efs.existing;
    char *arn = s_source_arn(res);
    res_begin(res, arn);
    free(arn);
    json_add_string(res->ev, "restore_into", existing ? "existing" : "new");
    report_add_property(res->suite, "restore_into", existing ? "existing" : "new");
    if (existing)
        run->fs_id = xstrdup(res->r->efs.file_system);

    static const char *const after_select_new[] = {"copy", "restore", "available", "mount"};
    static const char *const after_select_existing[] = {"copy", "mount", "restore"};
    const char *const *after = existing ? after_select_existing : after_select_new;
    size_t n_after = existing ? 3 : 4;
    double t = progress_elapsed();
    if (res_step(res, "select", res_select_recovery_point, &worst) != STEP_OK) {
        res_skip_rest(res, after, n_after, "no backup selected");
        goto measure;
    }
    res->phase_s[PH_SELECT] = progress_elapsed() - t;
    report_add_property(res->suite, "recovery_point_arn", res->origin_arn);
    json_add_string(res->ev, "recovery_point_arn", res->origin_arn);
    if (res->r->copy) {
        if (res_step(res, "copy", s_copy, &worst) != STEP_OK) {
            res_skip_rest(res, after + 1, n_after - 1, "the copy failed");
            goto measure;
        }
        report_add_property(res->suite, "copy_arn", res->rp_arn);
        json_add_string(res->ev, "copy_arn", res->rp_arn);
    } else {
        res_case(res, "copy", REPORT_SKIPPED, 0, "not asked for (copy: false)");
    }
    if (existing) {
        if (res_step(res, "mount", efs_mount, &worst) != STEP_OK) {
            res_skip_rest(res, after + 2, 1, "the file system could not be mounted");
            goto unmount;
        }
        if (res_step(res, "restore", efs_restore, &worst) != STEP_OK) {
            res_skip_rest(res, NULL, 0, "the restore failed");
            goto unmount;
        }
    } else {
        if (res_step(res, "restore", efs_restore, &worst) != STEP_OK) {
            res_skip_rest(res, after + 2, 2, "the restore failed");
            goto measure;
        }
        if (res_step(res, "available", efs_wait_available, &worst) != STEP_OK) {
            res_skip_rest(res, after + 3, 1, "the file system never became available");
            goto measure;
        }
        if (res_step(res, "mount", efs_mount, &worst) != STEP_OK) {
            res_skip_rest(res, NULL, 0, "the file system could not be mounted");
            goto unmount;
        }
    }
    report_add_property(res->suite, "restored_id", run->fs_id);
    json_add_string(res->ev, "restored_id", run->fs_id);
    json_add_string(res->ev, "restored_tree", run->tree);
    res_output(res, "file_system_id", run->fs_id);
    res_output(res, "mount_target_ip", run->mt_ip);
    if (res->r->efs.existing) /* the folder the restore made: the ledger id's last part */
        res_output(res, "restore_dir", strrchr(run->ledger_id, '/') + 1);
    s_probes(run, &worst);
unmount:
    if (run->mounted)
        res_step(res, "unmount", efs_unmount, &worst);
    else
        res_case(res, "unmount", REPORT_SKIPPED, 0, "not mounted");
measure:
    res_measure(res, &worst);
    res_teardown(res, &worst);
    return res_verdict(worst);
}

static struct res_run *s_new_run(void)
{
    struct efs_run *run = xcalloc(1, sizeof(*run));
    return &run->res;
}

static void s_free_run(struct res_run *res)
{
    struct efs_run *run = (struct efs_run *)res;
    if (!run)
        return;
    res_clean_up(res);
    free(run->fs_id);
    free(run->mt_id);
    free(run->mt_ip);
    free(run->ledger_id);
    for (size_t i = 0; i < run->n_before; i++)
        free(run->before[i]);
    free(run->before);
    free(run->tree);
    free(run);
}

static void s_plan(const struct drill *d, const struct drill_resource *r, int *step, FILE *out)
{
    const struct drill_efs *e = &r->efs;
    bool dr = r->select == DRILL_SELECT_DR_VAULT;
    int k = *step;
    fprintf(out, "  resource %s (efs, %s):\n", r->name, r->source);
    fprintf(out, "  %d. backup ListRecoveryPointsByBackupVault %s (%s %s): %s COMPLETED\n", k++,
            dr ? d->target.vault : d->source.vault, dr ? d->target.account : d->source.account,
            dr ? d->target.region : d->source.region,
            r->select == DRILL_SELECT_RANDOM ? "one at random within the window" : "the newest");
    if (r->copy)
        fprintf(out, "  %d. backup StartCopyJob -> %s (%s %s), wait; TagResource\n", k++,
                d->target.vault, d->target.account, d->target.region);
    if (e->existing)
        fprintf(out, "  %d. mount %s on %s: %s\n", k++, e->file_system, e->mount_point,
                e->mount_cmd);
    fprintf(out, "  %d. backup GetRecoveryPointRestoreMetadata, StartRestoreJob (EFS, %s), wait\n",
            k++,
            e->existing ? "into the existing file system's aws-backup-restore_* folder"
                        : "a new file system");
    if (!e->existing) {
        fprintf(out, "  %d. efs TagResource drh:run-id, drh:drill; wait until available\n", k++);
        if (d->isolation.subnet)
            fprintf(out, "  %d. efs CreateMountTarget in %s, wait until available\n", k++,
                    d->isolation.subnet);
        fprintf(out, "  %d. mount on %s: %s\n", k++, e->mount_point, e->mount_cmd);
    }
    for (size_t p = 0; p < r->n_probes; p++)
        fprintf(out, "  %d. probe %s (%s)\n", k++, r->probes[p].name,
                probe_kind_name(r->probes[p].kind));
    fprintf(out, "  %d. unmount: %s\n", k++, e->unmount_cmd);
    *step = k;
}

const struct res_kind efs_kind = {"efs", s_new_run, s_drill, s_plan, s_free_run};
