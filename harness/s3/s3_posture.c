/*
 * The posture of S3 cross-account replication, as the seed sets it up:
 * versioning enabled on both buckets (replication needs it; suspended
 * versioning on the replica makes every replication fail), an enabled rule
 * of the source's replication configuration whose destination is the
 * replica (in the target account, with the drill's role when it names
 * one), a replica bucket policy that lets that role replicate objects and
 * deletes and read and set the bucket's versioning, and lifecycle rules
 * where the drill expects them. Each check is its own case.
 */
#include "check/policy.h"
#include "s3/s3_run.h"

#include "json.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum step_end s_aws(enum drh_status st, struct drh_err *err, const char *bucket,
                           const char *side)
{
    if (st == DRH_E_NOTFOUND)
        drh_err_hint(err, "is '%s' the right bucket, in the %s account and region?", bucket, side);
    return s3_step_of(st);
}

static enum step_end s_versioning(struct s3_run *run, struct aws_client *c, const char *bucket,
                                  const char *side, struct drh_err *err)
{
    char *status = NULL;
    enum drh_status st = s3_get_versioning(c, bucket, &status, err);
    if (st != DRH_OK)
        return s_aws(st, err, bucket, side);
    enum step_end e = STEP_OK;
    if (strcmp(status, "Enabled") != 0) {
        drh_err_set(err, DRH_E_INPUT, "versioning of %s bucket '%s' is %s, not Enabled", side,
                    bucket, *status ? status : "off (never enabled)");
        drh_err_hint(err,
                     "replication needs versioning on both buckets: aws s3api "
                     "put-bucket-versioning --bucket %s --versioning-configuration "
                     "Status=Enabled",
                     bucket);
        e = STEP_FAILED;
    }
    free(status);
    (void)run;
    return e;
}

enum step_end s3_versioning_source(struct res_run *res, struct drh_err *err)
{
    struct s3_run *run = (struct s3_run *)res;
    return s_versioning(run, run->sc, run->bucket, "source", err);
}

enum step_end s3_versioning_replica(struct res_run *res, struct drh_err *err)
{
    struct s3_run *run = (struct s3_run *)res;
    return s_versioning(run, run->tc, run->replica, "replica", err);
}

enum step_end s3_replication(struct res_run *res, struct drh_err *err)
{
    struct s3_run *run = (struct s3_run *)res;
    const struct drill *d = res->d;
    struct s3_replication rc = {0};
    enum drh_status st = s3_get_replication(run->sc, run->bucket, &rc, err);
    if (st == DRH_E_NOTFOUND) {
        drh_err_set(err, DRH_E_INPUT, "source bucket '%s' has no replication configuration",
                    run->bucket);
        drh_err_hint(err, "add a rule replicating to arn:aws:s3:::%s", run->replica);
        return STEP_FAILED;
    }
    if (st != DRH_OK)
        return s3_step_of(st);
    free(run->rule_role);
    run->rule_role = rc.role ? xstrdup(rc.role) : NULL;
    bool cross = strcmp(d->source.account, d->target.account) != 0;
    const struct s3_rule *rule = NULL;
    struct buf why;
    buf_init(&why);
    for (size_t i = 0; i < rc.n_rules; i++) {
        const struct s3_rule *u = &rc.rules[i];
        char *dest = u->dest_bucket ? s3_bucket_name(u->dest_bucket) : xstrdup("");
        bool to_replica = strcmp(dest, run->replica) == 0;
        free(dest);
        if (!to_replica)
            continue;
        if (!u->enabled) {
            buf_printf(&why, "; rule '%s' to the replica is Disabled", u->id ? u->id : "");
            continue;
        }
        if (cross && (!u->dest_account || strcmp(u->dest_account, d->target.account) != 0)) {
            buf_printf(&why, "; rule '%s' names destination account %s, not the target's %s",
                       u->id ? u->id : "", u->dest_account ? u->dest_account : "(none)",
                       d->target.account);
            continue;
        }
        rule = u;
        break;
    }
    enum step_end e = STEP_OK;
    if (!rule) {
        drh_err_set(
            err, DRH_E_INPUT, "no enabled replication rule of bucket '%s' replicates to '%s'%s%s",
            run->bucket, run->replica, why.len ? ": " : "", why.len ? buf_str(&why) + 2 : "");
        drh_err_hint(err,
                     "check the source bucket's replication configuration "
                     "(aws s3api get-bucket-replication --bucket %s)",
                     run->bucket);
        e = STEP_FAILED;
    } else if (res->r->s3.replication_role &&
               (!rc.role || strcmp(rc.role, res->r->s3.replication_role) != 0)) {
        drh_err_set(err, DRH_E_INPUT, "replication of '%s' uses role '%s', not the drill's '%s'",
                    run->bucket, rc.role ? rc.role : "(none)", res->r->s3.replication_role);
        drh_err_hint(err, "the replica's bucket policy grants one role: set replica.role_arn "
                          "to the role the rule uses, or fix the rule");
        e = STEP_FAILED;
    } else {
        report_add_property(res->suite, "replication_role", rc.role ? rc.role : "");
        json_add_string(res->ev, "replication_role", rc.role ? rc.role : "");
        json_add_string(res->ev, "replication_rule", rule->id ? rule->id : "");
    }
    buf_clean_up(&why);
    s3_replication_clean_up(&rc);
    return e;
}

enum step_end s3_replica_policy(struct res_run *res, struct drh_err *err)
{
    struct s3_run *run = (struct s3_run *)res;
    const char *role = res->r->s3.replication_role ? res->r->s3.replication_role : run->rule_role;
    if (!role) {
        drh_err_set(err, DRH_E_INPUT,
                    "the replication role is unknown: the source has no "
                    "usable replication configuration and the drill names no replica.role_arn");
        return STEP_FAILED;
    }
    char *text = NULL;
    enum drh_status st = s3_get_policy(run->tc, run->replica, &text, err);
    if (st == DRH_E_NOTFOUND) {
        drh_err_set(err, DRH_E_INPUT,
                    "replica bucket '%s' has no bucket policy: role '%s' "
                    "cannot replicate into it",
                    run->replica, role);
        drh_err_hint(err, "add the seed's target bucket policy granting the role "
                          "s3:ReplicateObject and s3:ReplicateDelete");
        return STEP_FAILED;
    }
    if (st != DRH_OK)
        return s3_step_of(st);
    /* the role's account: arn:PARTITION:iam::ACCOUNT:role/... */
    char account[16] = "";
    policy_arn_field(role, 4, account, sizeof account);
    const char *part = side_partition(res->tgt);
    char *objects = xasprintf("arn:%s:s3:::%s/*", part, run->replica);
    char *bucket = xasprintf("arn:%s:s3:::%s", part, run->replica);
    static const char *const needs[][2] = {{"s3:ReplicateObject", "o"},
                                           {"s3:ReplicateDelete", "o"},
                                           {"s3:GetBucketVersioning", "b"},
                                           {"s3:PutBucketVersioning", "b"}};
    struct buf missing;
    buf_init(&missing);
    st = DRH_OK;
    for (size_t i = 0; i < sizeof needs / sizeof needs[0] && st == DRH_OK; i++) {
        struct policy_request req = {account, role, needs[i][0],
                                     needs[i][1][0] == 'o' ? objects : bucket};
        struct policy_verdict v;
        st = policy_evaluate(text, &req, &v, err);
        if (st == DRH_OK && !policy_allows(v.result))
            buf_printf(&missing, "%s%s on %s", missing.len ? ", " : "", needs[i][0],
                       req.resource);
    }
    free(text);
    if (st != DRH_OK) {
        drh_err_prefix(err, "bucket policy of '%s'", run->replica);
        buf_clean_up(&missing);
        free(objects);
        free(bucket);
        return STEP_ERROR;
    }
    enum step_end e = STEP_OK;
    if (missing.len) {
        drh_err_set(err, DRH_E_INPUT, "bucket policy of replica '%s' does not allow role '%s': %s",
                    run->replica, role, buf_str(&missing));
        drh_err_hint(err,
                     "grant the role s3:ReplicateObject and s3:ReplicateDelete on %s and "
                     "s3:GetBucketVersioning and s3:PutBucketVersioning on %s",
                     objects, bucket);
        e = STEP_FAILED;
    }
    buf_clean_up(&missing);
    free(objects);
    free(bucket);
    return e;
}

static enum step_end s_lifecycle(struct aws_client *c, const char *bucket, const char *side,
                                 struct drh_err *err)
{
    size_t n = 0, on = 0;
    enum drh_status st = s3_get_lifecycle(c, bucket, &n, &on, err);
    if (st == DRH_E_NOTFOUND && err->msg[0] && strstr(err->msg, "NoSuchBucket") == NULL) {
        drh_err_set(err, DRH_E_INPUT, "%s bucket '%s' has no lifecycle configuration", side,
                    bucket);
        drh_err_hint(err, "the drill expects lifecycle rules there (posture.lifecycle): add "
                          "them, or change posture.lifecycle");
        return STEP_FAILED;
    }
    if (st != DRH_OK)
        return s_aws(st, err, bucket, side);
    if (on == 0) {
        drh_err_set(err, DRH_E_INPUT, "%s bucket '%s' has %zu lifecycle rule(s), none Enabled",
                    side, bucket, n);
        return STEP_FAILED;
    }
    return STEP_OK;
}

enum step_end s3_lifecycle_source(struct res_run *res, struct drh_err *err)
{
    struct s3_run *run = (struct s3_run *)res;
    return s_lifecycle(run->sc, run->bucket, "source", err);
}

enum step_end s3_lifecycle_replica(struct res_run *res, struct drh_err *err)
{
    struct s3_run *run = (struct s3_run *)res;
    return s_lifecycle(run->tc, run->replica, "replica", err);
}
