/*
 * The preflight checks (preflight.h): which ones a drill needs follows from
 * its resources; the vault policy and key checks are posture's
 * (posture_access.c), read the same way, only graver here: what posture
 * reports as a failure stops a drill before it starts. A vault policy or a
 * key that breaks the copy path stays a failure (exit 1: the backups would
 * not reach DR); anything else that is missing is an error of the
 * environment (exit 3).
 */
#include "check/preflight.h"

#include "aws/backup_plan.h"
#include "aws/kms.h"
#include "check/posture.h"
#include "run/progress.h"

#include <stdio.h>
#include <string.h>

struct pf {
    struct check_ctx *c;
    struct json *ev; /* the "preflight" array, or NULL */
    bool failed, errored;
};

/* Adds the case; a problem is an error here unless it proves the copy path
 * broken (path true). Returns whether it passed. */
static bool s_emit_as(struct pf *p, const char *name, double t0, struct posture_finding *f,
                      bool path)
{
    if (f->status == REPORT_FAIL && !path)
        f->status = REPORT_ERROR;
    posture_case(p->c, p->ev, name, t0, f);
    p->failed |= f->status == REPORT_FAIL;
    p->errored |= f->status == REPORT_ERROR;
    return f->status == REPORT_PASS;
}

static bool s_emit(struct pf *p, const char *name, double t0, struct posture_finding *f)
{
    return s_emit_as(p, name, t0, f, false);
}

/* Whether r copies a recovery point into target.vault (EC2 copies its AMI instead). */
static bool s_copies(const struct drill_resource *r)
{
    return posture_backed_up(r) && r->type != DRILL_EC2 && r->copy &&
           r->select != DRILL_SELECT_DR_VAULT;
}

/* Whether r's copy goes through the staging vault: RDS and Aurora across account and region
 * at once (as res_copy_recovery_point() does). */
static bool s_two_hops(const struct drill *d, const struct drill_resource *r)
{
    return (r->type == DRILL_RDS || r->type == DRILL_AURORA) &&
           strcmp(d->source.account, d->target.account) != 0 &&
           strcmp(d->source.region, d->target.region) != 0;
}

static void s_vault(struct side *s, const char *region, const char *vault, const char *what,
                    struct posture_finding *f)
{
    const struct drill_side *ds = side_def(s);
    struct drh_err err;
    drh_err_clear(&err);
    struct aws_client *c = NULL;
    struct backup_vault v = {0};
    enum drh_status st = side_client(s, region, &c, &err);
    if (st == DRH_OK)
        st = backup_describe_vault(c, vault, &v, &err);
    if (st == DRH_E_NOTFOUND) {
        posture_set(f, REPORT_FAIL, "%s vault '%s' does not exist in %s (%s)", what, vault,
                    ds->account, region);
        if (strcmp(what, "source") == 0)
            posture_hint(f, "check source.vault: the vault that holds the production recovery "
                            "points");
        else if (strcmp(what, "staging") == 0)
            posture_hint(f,
                         "create it in account %s, %s (the source's region): AWS copies RDS "
                         "and Aurora across account and region in two hops",
                         ds->account, region);
        else
            posture_hint(f,
                         "create it in account %s, %s with an access policy like "
                         "docs/iam/dr-vault-policy.json, or fix target.vault",
                         ds->account, region);
    } else if (st != DRH_OK) {
        posture_error(f, &err);
    } else {
        posture_set(f, REPORT_PASS, "vault '%s' in %s (%s): %lld recovery point(s), key %s", vault,
                    ds->account, region, v.n_recovery_points,
                    v.key_arn ? v.key_arn : "(none given)");
    }
    backup_vault_clean_up(&v);
}

static void s_target_key(struct side *tgt, const char *key, struct posture_finding *f)
{
    const struct drill_side *td = side_def(tgt);
    struct drh_err err;
    drh_err_clear(&err);
    struct aws_client *c = NULL;
    struct kms_key k = {0};
    bool denied = false;
    enum drh_status st = side_client(tgt, NULL, &c, &err);
    if (st == DRH_OK)
        st = kms_describe_key(c, key, &k, &denied, &err);
    if (st == DRH_E_NOTFOUND) {
        posture_set(f, REPORT_FAIL, "target.kms_key '%s' does not exist in %s (%s)", key,
                    td->account, td->region);
        posture_hint(f,
                     "name a customer managed key of account %s in %s: alias/NAME, a key "
                     "id or its ARN",
                     td->account, td->region);
    } else if (denied) {
        posture_set(f, REPORT_FAIL,
                    "target.kms_key '%s': the target's credentials may not use "
                    "it (%s)",
                    key, err.msg);
        posture_hint(f, "allow the target's role kms:DescribeKey, kms:CreateGrant, kms:Encrypt "
                        "and kms:Decrypt in the key policy");
    } else if (st != DRH_OK) {
        posture_error(f, &err);
    } else if (k.manager && strcmp(k.manager, "AWS") == 0) {
        posture_set(f, REPORT_FAIL,
                    "target.kms_key '%s' is the AWS managed key %s, which "
                    "cannot re-encrypt copies from another account",
                    key, k.arn);
        posture_hint(f, "name a customer managed key of account %s", td->account);
    } else if (!k.enabled) {
        posture_set(f, REPORT_FAIL, "target.kms_key '%s' (%s) is %s, not Enabled", key, k.arn,
                    k.state ? k.state : "disabled");
        posture_hint(f, "enable the key, or name another one");
    } else {
        posture_set(f, REPORT_PASS, "target.kms_key '%s' is %s, customer managed and enabled", key,
                    k.arn);
    }
    kms_key_clean_up(&k);
}

enum runner_verdict preflight_run(struct check_ctx *c)
{
    const struct drill *d = c->d;
    struct pf p = {c, c->ev ? json_add_child(c->ev, "preflight", json_new_array()) : NULL, false,
                   false};
    bool from_vault = false, into_vault = false, one_hop = false, two_hops = false;
    for (size_t i = 0; i < d->n_resources; i++) {
        const struct drill_resource *r = &d->resources[i];
        if (!posture_backed_up(r))
            continue;
        from_vault |= r->select != DRILL_SELECT_DR_VAULT;
        into_vault |= s_copies(r) || r->select == DRILL_SELECT_DR_VAULT;
        if (s_copies(r)) {
            two_hops |= s_two_hops(d, r) && d->target.staging_vault;
            one_hop |= !(s_two_hops(d, r) && d->target.staging_vault);
        }
    }
    bool cross = strcmp(d->source.account, d->target.account) != 0;
    struct posture_finding f;
    double t;
    bool src_ok = false, dr_ok = false, staging_ok = false;
    if (from_vault && d->source.vault) {
        t = progress_elapsed();
        s_vault(c->src, d->source.region, d->source.vault, "source", &f);
        src_ok = s_emit(&p, "preflight source vault", t, &f);
    }
    if (into_vault && d->target.vault) {
        t = progress_elapsed();
        s_vault(c->tgt, d->target.region, d->target.vault, "dr", &f);
        dr_ok = s_emit(&p, "preflight dr vault", t, &f);
    }
    if (d->target.staging_vault) {
        t = progress_elapsed();
        s_vault(c->tgt, d->source.region, d->target.staging_vault, "staging", &f);
        staging_ok = s_emit(&p, "preflight staging vault", t, &f);
    }
    if (cross && one_hop && dr_ok) {
        t = progress_elapsed();
        posture_vault_policy(c->tgt, d->target.region, d->target.vault, d->source.account,
                             d->source.backup_role_arn, &f);
        s_emit_as(&p, "preflight dr vault policy", t, &f, true);
    }
    if (cross && two_hops && staging_ok) {
        t = progress_elapsed();
        posture_vault_policy(c->tgt, d->source.region, d->target.staging_vault, d->source.account,
                             d->source.backup_role_arn, &f);
        s_emit_as(&p, "preflight staging vault policy", t, &f, true);
    }
    if (cross && (one_hop || two_hops) && src_ok) {
        t = progress_elapsed();
        posture_vault_key(c->src, d->source.vault, c->tgt, &f);
        s_emit_as(&p, "preflight kms key", t, &f, true);
    }
    if (d->target.kms_key) {
        t = progress_elapsed();
        s_target_key(c->tgt, d->target.kms_key, &f);
        s_emit(&p, "preflight target key", t, &f);
    }
    return p.failed ? RUNNER_FAILED : p.errored ? RUNNER_ERROR : RUNNER_PASSED;
}
