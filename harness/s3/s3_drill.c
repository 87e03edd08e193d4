/*
 * One S3 replication resource's drill, start to end: posture, replication
 * lag (canary), comparison of source and replica, point-in-time restore
 * and its verification, RTO and RPO, teardown; every check a JUnit case.
 * RTO phases: select = posture, canary and listings; restore = the copy;
 * probe = the verification. RPO: the canary's replication lag (the replica
 * is that far behind the source), else the age at T0 of the newest version
 * restored; with a canary section, the chain of drh canary (s3_canary.c)
 * dates the data ("rpo data"). Also the kind's plan for `drh plan`.
 */
#include "s3/s3_run.h"

#include "mem.h"
#include "run/progress.h"

#include <stdlib.h>
#include <string.h>

static const char *const s_cases[] = {"posture versioning source",
                                      "posture versioning replica",
                                      "posture replication",
                                      "posture replica policy",
                                      "replication lag",
                                      "compare",
                                      "restore",
                                      "restore verify"};

static bool s_clients(struct s3_run *run, enum step_end *worst)
{
    struct drh_err err;
    drh_err_clear(&err);
    if (side_client(run->res.src, NULL, &run->sc, &err) == DRH_OK &&
        side_client(run->res.tgt, NULL, &run->tc, &err) == DRH_OK)
        return true;
    res_case(&run->res, s_cases[0], REPORT_ERROR, 0, "%s", err.msg);
    res_skip_rest(&run->res, s_cases + 1, sizeof s_cases / sizeof s_cases[0] - 1, "no AWS client");
    res_worse(worst, STEP_ERROR);
    return false;
}

/* The RPO when no canary measured one: the newest version restored. */
static void s_restore_rpo(struct s3_run *run)
{
    if (run->res.rp_created > 0)
        return;
    for (size_t i = 0; i < run->n_expected; i++)
        if (run->expected[i].modified > run->res.rp_created)
            run->res.rp_created = run->expected[i].modified;
    run->res.rpo_basis = "the newest version restored";
}

static enum runner_verdict s_drill(struct res_run *res)
{
    struct s3_run *run = (struct s3_run *)res;
    const struct drill_s3 *cfg = &res->r->s3;
    enum step_end worst = STEP_OK;
    run->lag = -1;
    run->bucket = s3_bucket_name(res->r->source);
    run->replica = s3_bucket_name(cfg->replica_bucket);
    char *arn = xasprintf("arn:%s:s3:::%s", side_partition(res->src), run->bucket);
    res_begin(res, arn);
    free(arn);
    report_add_property(res->suite, "replica_bucket", run->replica);
    json_add_string(res->ev, "replica_bucket", run->replica);
    res_output(res, "replica_bucket", run->replica);
    if (!s_clients(run, &worst))
        goto measure;

    double t = progress_elapsed();
    res_step(res, "posture versioning source", s3_versioning_source, &worst);
    res_step(res, "posture versioning replica", s3_versioning_replica, &worst);
    res_step(res, "posture replication", s3_replication, &worst);
    res_step(res, "posture replica policy", s3_replica_policy, &worst);
    if (cfg->lifecycle_source)
        res_step(res, "posture lifecycle source", s3_lifecycle_source, &worst);
    if (cfg->lifecycle_replica)
        res_step(res, "posture lifecycle replica", s3_lifecycle_replica, &worst);
    if (cfg->canary)
        res_step(res, "replication lag", s3_lag, &worst);
    else
        res_case(res, "replication lag", REPORT_SKIPPED, 0, "not asked for (live.canary: false)");
    if (cfg->compare)
        res_step(res, "compare", s3_compare, &worst);
    else
        res_case(res, "compare", REPORT_SKIPPED, 0, "not asked for (compare.enabled: false)");
    res->phase_s[PH_SELECT] = progress_elapsed() - t;
    if (cfg->restore) {
        if (res_step(res, "restore", s3_restore, &worst) == STEP_OK) {
            s_restore_rpo(run);
            res_output(res, "restore_bucket", run->restore_bucket);
            res_step(res, "restore verify", s3_restore_verify, &worst);
        } else {
            res_case(res, "restore verify", REPORT_SKIPPED, 0, "not run: the restore failed");
        }
    }
    if (res->r->canary.present)
        res_step(res, "canary", s3_canary, &worst);
    if (worst == STEP_OK) {
        res->probes_ok = true;
        res->probes_passed_mono = progress_elapsed();
    }
measure:
    res_measure(res, &worst);
    res_teardown(res, &worst);
    return res_verdict(worst);
}

static struct res_run *s_new_run(void)
{
    struct s3_run *run = xcalloc(1, sizeof(*run));
    return &run->res;
}

static void s_free_run(struct res_run *res)
{
    struct s3_run *run = (struct s3_run *)res;
    if (!run)
        return;
    res_clean_up(res);
    free(run->bucket);
    free(run->replica);
    free(run->rule_role);
    free(run->restore_bucket);
    s3_versions_free(run->expected, run->n_expected);
    free(run);
}

static void s_plan(const struct drill *d, const struct drill_resource *r, int *step, FILE *out)
{
    const struct drill_s3 *s = &r->s3;
    int k = *step;
    char lag[32];
    drill_format_duration(s->max_lag, lag, sizeof lag);
    fprintf(out, "  resource %s (s3 %s -> %s):\n", r->name, r->source, s->replica_bucket);
    fprintf(out, "  %d. s3 GetBucketVersioning of the source (%s) and the replica (%s)\n", k++,
            d->source.account, d->target.account);
    fprintf(out, "  %d. s3 GetBucketReplication: an enabled rule to %s%s%s\n", k++,
            s->replica_bucket, s->replication_role ? " with role " : "",
            s->replication_role ? s->replication_role : "");
    fprintf(out,
            "  %d. s3 GetBucketPolicy of the replica: the role may ReplicateObject, "
            "ReplicateDelete, Get/PutBucketVersioning\n",
            k++);
    if (s->lifecycle_source || s->lifecycle_replica)
        fprintf(out, "  %d. s3 GetBucketLifecycleConfiguration of the %s\n", k++,
                s->lifecycle_source && s->lifecycle_replica ? "source and the replica"
                : s->lifecycle_source                       ? "source"
                                                            : "replica");
    if (s->canary)
        fprintf(out,
                "  %d. s3 PutObject %sRUN-ID into the source; HeadObject the replica "
                "until it arrives (at most %s)\n",
                k++, S3_CANARY_PREFIX, lag);
    if (s->compare)
        fprintf(out,
                "  %d. s3 ListObjectVersions of both under '%s'; HeadObject (parallel) "
                "where they differ: missing, stale, FAILED\n",
                k++, s->prefix);
    if (s->restore) {
        char when[64];
        if (s->restore_at > 0)
            res_iso_time(s->restore_at, when);
        else
            drill_format_duration(s->restore_ago ? s->restore_ago : 1, when, sizeof when);
        fprintf(out,
                "  %d. s3 ListObjectVersions of the source under '%s': the versions at "
                "%s%s\n",
                k++, s->restore_prefix, when,
                s->restore_at > 0 ? "" : (s->restore_ago ? " before T0" : " (T0)"));
        fprintf(out,
                "  %d. s3 CreateBucket drh-%s-RUN-restore in %s %s; PutBucketTagging "
                "drh:run-id, drh:drill\n",
                k++, r->name, d->target.account, d->target.region);
        fprintf(out, "  %d. s3 GetObject (source) / PutObject (restore bucket), parallel\n", k++);
        fprintf(out, "  %d. s3 ListObjectVersions of the restore bucket: keys, sizes, ETags\n",
                k++);
    }
    if (r->canary.present)
        fprintf(out,
                "  %d. s3 ListObjectVersions under '%s' of the %s; GetObject (parallel): "
                "the canary chain verified\n",
                k++, r->canary.prefix ? r->canary.prefix : "drh-canary/chain/",
                s->restore ? "source at the restore point" : "replica");
    *step = k;
}

const struct res_kind s3_kind = {"s3", s_new_run, s_drill, s_plan, s_free_run};
