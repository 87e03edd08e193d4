/*
 * The posture run (posture.h): the resources it protects, the plan checks
 * (posture_plan.c), the DR vault's access policy and the source vault's key
 * when the target is another account (posture_access.c), then the age of
 * each resource's newest recovery point, and of its newest copy in the DR
 * vault, against the drill's RPO.
 */
#include "check/policy.h"
#include "check/posture_impl.h"
#include "mem.h"
#include "run/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct json *posture_emit(struct posture_state *s, const char *name, double t0,
                          const struct posture_finding *f)
{
    s->failed |= f->status == REPORT_FAIL;
    s->errored |= f->status == REPORT_ERROR;
    return posture_case(s->c, s->ev, name, t0, f);
}

/* The last field of an ARN (after its last ':' or '/'), for a case name. */
static char *s_short_name(const char *arn)
{
    const char *a = strrchr(arn, ':'), *b = strrchr(arn, '/');
    const char *p = b > a ? b : a;
    return xstrdup(p && p[1] ? p + 1 : arn);
}

static void s_add_res(struct posture_state *s, const char *name, const char *arn)
{
    for (size_t i = 0; i < s->n_res; i++)
        if (strcmp(s->res[i].arn, arn) == 0)
            return;
    s->res = xrealloc(s->res, (s->n_res + 1) * sizeof *s->res);
    s->res[s->n_res].name = name ? xstrdup(name) : s_short_name(arn);
    s->res[s->n_res++].arn = xstrdup(arn);
}

static void s_protected(struct posture_state *s)
{
    const struct drill *d = s->c->d;
    for (size_t i = 0; i < d->n_resources; i++) {
        if (!posture_backed_up(&d->resources[i]))
            continue;
        char *arn = posture_resource_arn(d, &d->resources[i]);
        if (arn)
            s_add_res(s, d->resources[i].name, arn);
        free(arn);
    }
    for (size_t i = 0; i < d->posture.n_resources; i++)
        s_add_res(s, NULL, d->posture.resources[i]);
}

/* The vault whose key copies are encrypted with: source.vault, else the first rule's. */
static const char *s_source_vault(const struct posture_state *s)
{
    if (s->c->d->source.vault)
        return s->c->d->source.vault;
    for (size_t i = 0; i < s->n_plans; i++)
        if (s->plans[i].n_rules && s->plans[i].rules[0].vault)
            return s->plans[i].rules[0].vault;
    return NULL;
}

static void s_access(struct posture_state *s)
{
    const struct drill *d = s->c->d;
    if (!d->target.vault || strcmp(d->source.account, d->target.account) == 0)
        return;
    struct posture_finding f;
    double t = progress_elapsed();
    posture_vault_policy(s->c->tgt, d->target.region, d->target.vault, d->source.account,
                         d->source.backup_role_arn, &f);
    posture_emit(s, "posture dr vault policy", t, &f);
    const char *vault = s_source_vault(s);
    t = progress_elapsed();
    if (vault)
        posture_vault_key(s->c->src, vault, s->c->tgt, &f);
    else
        posture_set(&f, REPORT_SKIPPED,
                    "not run: no source vault known (source.vault or the "
                    "plan's rules)");
    posture_emit(s, "posture kms key", t, &f);
}

/* The newest COMPLETED recovery point of v (resource_arn, when set, must be arn), or NULL. */
static const struct backup_recovery_point *s_newest(const struct backup_recovery_point *v, size_t n,
                                                    const char *arn)
{
    const struct backup_recovery_point *best = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].status || strcmp(v[i].status, "COMPLETED") != 0 ||
            (v[i].resource_arn && strcmp(v[i].resource_arn, arn) != 0))
            continue;
        if (!best || v[i].created > best->created)
            best = &v[i];
    }
    return best;
}

/* Judges the newest recovery point against the RPO. what: "recovery point" or "copy";
 * where: "in 111111111111 (us-east-1)" or "in vault 'dr-vault' of ...". */
static void s_age(struct posture_state *s, const struct posture_res *r,
                  const struct backup_recovery_point *rp, const char *what, const char *where,
                  const char *hint, struct posture_finding *f, double *age_out)
{
    long rpo = s->c->d->rpo;
    char rpo_s[32], age_s[32], at[32];
    drill_format_duration(rpo, rpo_s, sizeof rpo_s);
    if (!rp) {
        posture_set(f, REPORT_FAIL, "no COMPLETED %s of %s (%s) %s", what, r->name, r->arn, where);
        posture_hint(f, "%s", hint);
        return;
    }
    double age = (double)time(NULL) - rp->created;
    *age_out = age;
    drill_format_duration(age < 1 ? 1 : (long)age, age_s, sizeof age_s);
    report_format_utc((time_t)rp->created, 1, at);
    if (age > (double)rpo) {
        posture_set(f, REPORT_FAIL,
                    "newest COMPLETED %s of %s %s is %s old (created %s), older "
                    "than the RPO %s: %s",
                    what, r->name, where, age_s, at, rpo_s, rp->arn);
        posture_hint(f, "%s", hint);
    } else {
        posture_set(f, REPORT_PASS,
                    "newest COMPLETED %s of %s %s is %s old (created %s), within "
                    "the RPO %s: %s",
                    what, r->name, where, age_s, at, rpo_s, rp->arn);
    }
}

/* Adds the recovery point's ARN and age to a case's evidence object. */
static void s_ev_point(struct json *o, const struct backup_recovery_point *rp, double age)
{
    if (!o || !rp)
        return;
    json_add_string(o, "recovery_point_arn", rp->arn);
    json_add_number(o, "age_seconds", age);
}

static void s_backup(struct posture_state *s, const struct posture_res *r)
{
    const struct drill_side *src = &s->c->d->source;
    struct posture_finding f;
    struct drh_err err;
    drh_err_clear(&err);
    char region[32] = "", name[200], where[128], hint[512];
    double t = progress_elapsed(), age = 0;
    if (!policy_arn_field(r->arn, 3, region, sizeof region) || !region[0])
        snprintf(region, sizeof region, "%s", src->region);
    struct aws_client *c = NULL;
    struct backup_recovery_point *v = NULL;
    size_t n = 0;
    const struct backup_recovery_point *rp = NULL;
    if (side_client(s->c->src, region, &c, &err) != DRH_OK ||
        backup_list_recovery_points_by_resource(c, r->arn, &v, &n, &err) != DRH_OK) {
        posture_error(&f, &err);
    } else {
        rp = s_newest(v, n, r->arn);
        snprintf(where, sizeof where, "in %s (%s)", src->account, region);
        snprintf(hint, sizeof hint,
                 "check that a backup plan selects it and that its jobs complete: aws backup "
                 "list-backup-jobs --by-resource-arn %s",
                 r->arn);
        s_age(s, r, rp, "recovery point", where, hint, &f, &age);
    }
    snprintf(name, sizeof name, "posture backup %s", r->name);
    s_ev_point(posture_emit(s, name, t, &f), rp, age);
    backup_recovery_points_free(v, n);
}

static void s_dr_copy(struct posture_state *s, const struct posture_res *r)
{
    const struct drill *d = s->c->d;
    struct posture_finding f;
    struct drh_err err;
    drh_err_clear(&err);
    char name[200], where[160], hint[512];
    double t = progress_elapsed(), age = 0;
    struct aws_client *c = NULL;
    struct backup_recovery_point *v = NULL;
    size_t n = 0;
    const struct backup_recovery_point *rp = NULL;
    if (side_client(s->c->tgt, NULL, &c, &err) != DRH_OK ||
        backup_list_recovery_points_by_vault(c, d->target.vault, r->arn, &v, &n, &err) != DRH_OK) {
        posture_error(&f, &err);
    } else {
        rp = s_newest(v, n, r->arn);
        snprintf(where, sizeof where, "in vault '%s' of %s (%s)", d->target.vault,
                 d->target.account, d->target.region);
        snprintf(hint, sizeof hint,
                 "check the plan's copy actions and their copy jobs (aws backup list-copy-jobs "
                 "--by-resource-arn %s, in account %s)",
                 r->arn, d->source.account);
        s_age(s, r, rp, "copy", where, hint, &f, &age);
    }
    snprintf(name, sizeof name, "posture dr copy %s", r->name);
    s_ev_point(posture_emit(s, name, t, &f), rp, age);
    backup_recovery_points_free(v, n);
}

enum runner_verdict posture_run(struct check_ctx *c)
{
    struct posture_state s;
    memset(&s, 0, sizeof s);
    s.c = c;
    s.ev = c->ev ? json_add_child(c->ev, "posture", json_new_array()) : NULL;
    s_protected(&s);
    posture_plan_checks(&s);
    s_access(&s);
    for (size_t i = 0; i < s.n_res; i++) {
        s_backup(&s, &s.res[i]);
        if (c->d->posture.check_copies && c->d->target.vault)
            s_dr_copy(&s, &s.res[i]);
    }
    for (size_t i = 0; i < s.n_res; i++) {
        free(s.res[i].name);
        free(s.res[i].arn);
    }
    free(s.res);
    backup_plans_free(s.plans, s.n_plans);
    return s.failed ? RUNNER_FAILED : s.errored ? RUNNER_ERROR : RUNNER_PASSED;
}
