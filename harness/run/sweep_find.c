/*
 * What drh runs left in a drill's accounts and Regions (sweep.h), found by
 * the drh:run-id tag with the listings of aws/tagged.h, the vaults'
 * recovery points with their tags, and the canary objects by their key
 * (drh-canary/<run-id>) and drh-run-id metadata. Only what a run can make
 * is looked for, only where it makes it: runs create in the target account
 * (snapshot copies and staging copies also in the source's Region) and,
 * for S3 canaries, in the source buckets.
 */
#include "run/sweep.h"

#include "aws/backup.h"
#include "aws/creds.h"
#include "aws/endpoint.h"
#include "aws/s3.h"
#include "aws/tagged.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "reports/report.h"
#include "run/side.h"
#include "s3/s3_run.h"

#include <stdlib.h>
#include <string.h>

/* Names of what drh makes (res_identifier(), isolation.c): the prefix that
 * keeps per-thing tag look-ups to drh's own. */
#define SWEEP_NAME_PREFIX "drh-"

struct scan {
    struct sweep_found *f;
    const struct drill *d;
    size_t index;
    const char *side; /* "source" / "target" */
    const char *account;
    const char *region;
    struct aws_client *c;
};

void sweep_found_clean_up(struct sweep_found *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        struct sweep_thing *t = &f->v[i];
        free(t->account);
        free(t->region);
        free(t->id);
        free(t->arn);
        free(t->vault);
        free(t->detail);
        free(t->run_id);
        free(t->drill);
    }
    free(f->v);
    for (size_t i = 0; i < f->n_scans; i++)
        free(f->scans[i]);
    free(f->scans);
    memset(f, 0, sizeof *f);
}

/* Whether the listing named key is still to be made (and marks it made). */
static bool s_once(struct sweep_found *f, const char *key)
{
    for (size_t i = 0; i < f->n_scans; i++)
        if (strcmp(f->scans[i], key) == 0)
            return false;
    if (f->n_scans == f->cap_scans) {
        f->cap_scans = f->cap_scans ? f->cap_scans * 2 : 8;
        f->scans = xrealloc(f->scans, f->cap_scans * sizeof *f->scans);
    }
    f->scans[f->n_scans++] = xstrdup(key);
    return true;
}

static char *s_dupz(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Adds a thing once (by kind, account, Region and id); NULL when known. */
static struct sweep_thing *s_add(struct scan *s, enum ledger_kind kind, const char *id,
                                 const char *run_id)
{
    struct sweep_found *f = s->f;
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].kind == kind && strcmp(f->v[i].id, id) == 0 &&
            strcmp(f->v[i].account, s->account) == 0 && strcmp(f->v[i].region, s->region) == 0)
            return NULL;
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->v = xrealloc(f->v, f->cap * sizeof *f->v);
    }
    struct sweep_thing *t = &f->v[f->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->side = s->side;
    t->account = xstrdup(s->account);
    t->region = xstrdup(s->region);
    t->id = xstrdup(id);
    t->run_id = xstrdup(run_id);
    t->drill_index = s->index;
    return t;
}

static void s_failed(struct scan *s, const char *what, const struct drh_err *err)
{
    s->f->failed++;
    log_error("sweep: cannot list %s in account %s, %s: %s%s%s", what, s->account, s->region,
              err->msg, err->hint[0] ? "; HINT: " : "", err->hint);
}

/* Adds what a tag listing found. */
static void s_take(struct scan *s, const struct aws_tagged_list *l, enum ledger_kind kind)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct aws_tagged *a = &l->v[i];
        const char *run_id = aws_tagged_tag(a, LEDGER_TAG_RUN);
        if (!run_id || !*run_id)
            continue;
        /* AWS Backup's own snapshots go with their recovery points */
        if (a->type && strcmp(a->type, "awsbackup") == 0)
            continue;
        if (a->state && (strcmp(a->state, "deleting") == 0 || strcmp(a->state, "deleted") == 0))
            continue;
        struct sweep_thing *t = s_add(s, kind, a->id, run_id);
        if (!t)
            continue;
        t->arn = s_dupz(a->arn);
        t->drill = s_dupz(aws_tagged_tag(a, LEDGER_TAG_DRILL));
        const char *exp = aws_tagged_tag(a, LEDGER_TAG_EXPIRES);
        double e = exp ? aws_parse_time_frac(exp) : 0;
        t->expires = e > 0 ? e : 0;
        t->created = a->created;
    }
}

static void s_ec2(struct scan *s)
{
    static const struct {
        enum ec2_list_kind k;
        enum ledger_kind lk;
        const char *what;
    } kinds[] = {
        {EC2_LIST_INSTANCES, LEDGER_EC2_INSTANCE, "EC2 instances"},
        {EC2_LIST_IMAGES, LEDGER_EC2_IMAGE, "AMIs"},
        {EC2_LIST_SNAPSHOTS, LEDGER_EC2_SNAPSHOT, "EBS snapshots"},
        {EC2_LIST_VPCS, LEDGER_EC2_VPC, "VPCs"},
        {EC2_LIST_SUBNETS, LEDGER_EC2_SUBNET, "subnets"},
        {EC2_LIST_SECURITY_GROUPS, LEDGER_EC2_SECURITY_GROUP, "security groups"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        struct aws_tagged_list l = {0};
        struct drh_err err;
        drh_err_clear(&err);
        if (ec2_list_tagged(s->c, kinds[i].k, LEDGER_TAG_RUN, &l, &err) == DRH_OK)
            s_take(s, &l, kinds[i].lk);
        else
            s_failed(s, kinds[i].what, &err);
        aws_tagged_list_clean_up(&l);
    }
}

/* snapshots_only: the source's Region, where only snapshot copies land. */
static void s_rds(struct scan *s, bool snapshots_only)
{
    static const struct {
        enum rds_list_kind k;
        enum ledger_kind lk;
        const char *what;
    } kinds[] = {
        {RDS_LIST_SNAPSHOTS, LEDGER_RDS_SNAPSHOT, "RDS snapshots"},
        {RDS_LIST_CLUSTER_SNAPSHOTS, LEDGER_RDS_CLUSTER_SNAPSHOT, "RDS cluster snapshots"},
        {RDS_LIST_INSTANCES, LEDGER_RDS_INSTANCE, "RDS instances"},
        {RDS_LIST_CLUSTERS, LEDGER_RDS_CLUSTER, "RDS clusters"},
        {RDS_LIST_SUBNET_GROUPS, LEDGER_RDS_SUBNET_GROUP, "DB subnet groups"},
    };
    for (size_t i = 0; i < (snapshots_only ? 2 : sizeof kinds / sizeof kinds[0]); i++) {
        struct aws_tagged_list l = {0};
        struct drh_err err;
        drh_err_clear(&err);
        if (rds_list_tagged(s->c, kinds[i].k, LEDGER_TAG_RUN, SWEEP_NAME_PREFIX, &l, &err) == DRH_OK)
            s_take(s, &l, kinds[i].lk);
        else
            s_failed(s, kinds[i].what, &err);
        aws_tagged_list_clean_up(&l);
    }
}

static void s_efs_s3(struct scan *s)
{
    struct aws_tagged_list l = {0};
    struct drh_err err;
    drh_err_clear(&err);
    if (efs_list_tagged(s->c, LEDGER_TAG_RUN, &l, &err) == DRH_OK)
        s_take(s, &l, LEDGER_EFS_FILE_SYSTEM);
    else
        s_failed(s, "EFS file systems", &err);
    aws_tagged_list_clean_up(&l);
    drh_err_clear(&err);
    if (s3_list_tagged(s->c, LEDGER_TAG_RUN, SWEEP_NAME_PREFIX, &l, &err) == DRH_OK)
        s_take(s, &l, LEDGER_S3_BUCKET);
    else
        s_failed(s, "S3 buckets", &err);
    aws_tagged_list_clean_up(&l);
}

/* The recovery points of vault that are copies (drh's are) and carry the tag. */
static void s_vault(struct scan *s, const char *vault)
{
    struct backup_recovery_point *v = NULL;
    size_t n = 0;
    struct drh_err err;
    drh_err_clear(&err);
    char *what = xasprintf("the recovery points of vault '%s'", vault);
    if (backup_list_recovery_points_by_vault(s->c, vault, NULL, &v, &n, &err) != DRH_OK) {
        s_failed(s, what, &err);
        free(what);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (!v[i].arn || !v[i].source_vault_arn ||
            (v[i].status &&
             (strcmp(v[i].status, "DELETING") == 0 || strcmp(v[i].status, "EXPIRED") == 0)))
            continue;
        struct json *tags = NULL;
        enum drh_status st = backup_list_tags(s->c, v[i].arn, &tags, &err);
        if (st == DRH_OK) {
            struct aws_tagged a = {0};
            struct aws_tagged_list one = {&a, 1, 1};
            a.id = v[i].arn;
            a.arn = v[i].arn;
            a.state = v[i].status;
            for (const struct json *t = json_first(tags); t; t = json_next(t))
                if (json_string(t))
                    aws_tagged_set_tag(&a, json_key(t), json_string(t));
            size_t before = s->f->n;
            s_take(s, &one, LEDGER_RECOVERY_POINT); /* created 0: a copy keeps its
                                                     * original's date */
            if (s->f->n > before)
                s->f->v[before].vault = xstrdup(vault);
            for (size_t k = 0; k < a.n_tags; k++) {
                free(a.keys[k]);
                free(a.values[k]);
            }
            free(a.keys);
            free(a.values);
        } else if (st != DRH_E_NOTFOUND) {
            s_failed(s, what, &err);
        }
        drh_err_clear(&err);
        json_free(tags);
    }
    backup_recovery_points_free(v, n);
    free(what);
}

/* The canary objects drh-canary/<run-id> of a source bucket whose
 * drh-run-id metadata names that run. */
static void s_canaries(struct scan *s, const char *bucket, const char *replica,
                       const char *replica_region)
{
    struct s3_version *v = NULL;
    size_t n = 0;
    struct drh_err err;
    drh_err_clear(&err);
    char *what = xasprintf("the canary objects of bucket '%s'", bucket);
    if (s3_list_versions(s->c, bucket, S3_CANARY_PREFIX, &v, &n, &err) != DRH_OK) {
        s_failed(s, what, &err);
        free(what);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t plen = strlen(S3_CANARY_PREFIX);
        if (v[i].delete_marker || strncmp(v[i].key, S3_CANARY_PREFIX, plen) != 0)
            continue;
        const char *run_id = v[i].key + plen; /* not the chain drh canary writes */
        struct drh_err scratch;
        if (strchr(run_id, '/') || report_check_run_id(run_id, &scratch) != DRH_OK)
            continue;
        struct s3_head h = {0};
        enum drh_status st = s3_head_object(s->c, bucket, v[i].key, v[i].version_id, &h, &err);
        bool mine = st == DRH_OK && h.run_id && strcmp(h.run_id, run_id) == 0;
        s3_head_clean_up(&h);
        if (st != DRH_OK && st != DRH_E_NOTFOUND)
            s_failed(s, what, &err);
        drh_err_clear(&err);
        char *id = xasprintf("%s/%s", bucket, v[i].key);
        struct sweep_thing *t = mine ? s_add(s, LEDGER_S3_OBJECT, id, run_id) : NULL;
        if (t) {
            t->arn = aws_arn(s->region, "s3", "", "", id);
            t->created = v[i].modified;
            struct json *dj = json_new_object();
            if (replica) {
                json_add_string(dj, "replica", replica);
                json_add_string(dj, "replica_region", replica_region);
            }
            t->detail = json_print(dj, 0);
            json_free(dj);
        }
        free(id);
    }
    s3_versions_free(v, n);
    free(what);
}

/* Opens a side and checks its account; NULL (reported) when it cannot be used. */
static struct side *s_side(struct sweep_found *f, const struct drill *d, bool target)
{
    const struct drill_side *ds = target ? &d->target : &d->source;
    struct side *sd = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (side_open(ds, target ? "target" : "source", &sd, &err) == DRH_OK &&
        side_verify_account(sd, &err) == DRH_OK)
        return sd;
    f->failed++;
    log_error("sweep: drill %s: cannot use the %s account %s: %s%s%s", d->name,
              target ? "target" : "source", ds->account, err.msg, err.hint[0] ? "; HINT: " : "",
              err.hint);
    side_free(sd);
    return NULL;
}

static bool s_client(struct scan *s, struct side *sd, const char *region)
{
    struct drh_err err;
    drh_err_clear(&err);
    s->region = region;
    s->c = NULL;
    if (side_client(sd, region, &s->c, &err) == DRH_OK)
        return true;
    s_failed(s, "anything", &err);
    return false;
}

static bool s_first(struct scan *s, const char *what, const char *extra)
{
    char *key = xasprintf("%s|%s|%s|%s", what, s->account, s->region, extra ? extra : "");
    bool first = s_once(s->f, key);
    free(key);
    return first;
}

static void s_target(struct scan *s, struct side *tgt)
{
    const struct drill *d = s->d;
    if (s_client(s, tgt, d->target.region)) {
        if (s_first(s, "region", NULL)) {
            s_ec2(s);
            s_rds(s, false);
            s_efs_s3(s);
        }
        if (d->target.vault && s_first(s, "vault", d->target.vault))
            s_vault(s, d->target.vault);
    }
    if (s_client(s, tgt, d->source.region)) {
        if (strcmp(d->source.region, d->target.region) != 0 && s_first(s, "snapshots", NULL))
            s_rds(s, true);
        if (d->target.staging_vault && s_first(s, "vault", d->target.staging_vault))
            s_vault(s, d->target.staging_vault);
    }
}

void sweep_find(const struct drill *d, size_t index, struct sweep_found *f)
{
    struct side *tgt = s_side(f, d, true);
    struct scan s = {f, d, index, "target", d->target.account, d->target.region, NULL};
    if (tgt)
        s_target(&s, tgt);
    side_free(tgt);
    bool canaries = false;
    for (size_t i = 0; i < d->n_resources; i++)
        canaries = canaries || (d->resources[i].type == DRILL_S3 && d->resources[i].s3.canary);
    struct side *src = canaries ? s_side(f, d, false) : NULL;
    s = (struct scan){f, d, index, "source", d->source.account, d->source.region, NULL};
    for (size_t i = 0; src && i < d->n_resources; i++) {
        const struct drill_resource *r = &d->resources[i];
        if (r->type != DRILL_S3 || !r->s3.canary || !s_client(&s, src, d->source.region))
            continue;
        char *bucket = s3_bucket_name(r->source);
        char *replica = s3_bucket_name(r->s3.replica_bucket);
        if (s_first(&s, "canaries", bucket))
            s_canaries(&s, bucket, replica, d->target.region);
        free(bucket);
        free(replica);
    }
    side_free(src);
}
