/*
 * One side's grants bound to concrete resources, and their folding into an
 * identity policy (iam_impl.h). Everything is sorted, so the same drill
 * gives the same document byte for byte.
 */
#include "iam/iam_impl.h"

#include "aws/backup.h"
#include "buf.h"
#include "mem.h"
#include "run/teardown.h"
#include "s3/s3_run.h"

#include <stdlib.h>
#include <string.h>

static char *s_rds_arn(const struct aws_partition *p, const char *region,
                       const struct drill_side *s, const char *kind)
{
    return xasprintf("arn:%s:rds:%s:%s:%s:drh-*", p->name, region, s->account, kind);
}

/* The Resource of g as bound; its condition in *cond / *value. */
static char *s_resource(const struct iam_grant *g, const struct drill_side *s,
                        const struct aws_partition *p, const char *region, const char *vault,
                        const char *bucket, enum iam_cond *cond, char **value)
{
    *cond = g->tagged ? IAM_COND_TAGGED : IAM_COND_NONE;
    *value = NULL;
    char *arn = NULL;
    switch (g->res) {
    case IAM_RES_ANY:
        break;
    case IAM_RES_VAULT:
        if (!vault) /* the feature acts on no vault here: the grant is not needed */
            return NULL;
        arn = backup_vault_arn(region, s->account, vault);
        break;
    case IAM_RES_BACKUP_ROLE:
        *cond = IAM_COND_PASS_ROLE;
        arn = s->backup_role_arn ? xstrdup(s->backup_role_arn) : NULL;
        break;
    case IAM_RES_RDS_DB:
        return s_rds_arn(p, region, s, "db");
    case IAM_RES_RDS_CLUSTER:
        return s_rds_arn(p, region, s, "cluster");
    case IAM_RES_RDS_SNAPSHOT:
        return s_rds_arn(p, region, s, "snapshot");
    case IAM_RES_RDS_CLUSTER_SNAPSHOT:
        return s_rds_arn(p, region, s, "cluster-snapshot");
    case IAM_RES_KMS_RDS:
    case IAM_RES_KMS_EC2:
        *cond = IAM_COND_KMS_VIA;
        *value =
            xasprintf("%s.%s.%s", g->res == IAM_RES_KMS_RDS ? "rds" : "ec2", region, p->dns_suffix);
        break;
    case IAM_RES_BUCKET:
        arn = bucket ? xasprintf("arn:%s:s3:::%s", p->name, bucket) : NULL;
        break;
    case IAM_RES_OBJECTS:
        arn = bucket ? xasprintf("arn:%s:s3:::%s/*", p->name, bucket) : NULL;
        break;
    case IAM_RES_CANARIES:
        arn = bucket ? xasprintf("arn:%s:s3:::%s/%s*", p->name, bucket, S3_CANARY_PREFIX) : NULL;
        break;
    /* s3_restore.c names its bucket res_identifier(res, "restore"): drh-NAME-RUN-restore */
    case IAM_RES_DRH_BUCKETS:
        return xasprintf("arn:%s:s3:::drh-*-restore", p->name);
    case IAM_RES_DRH_OBJECTS:
        return xasprintf("arn:%s:s3:::drh-*-restore/*", p->name);
    }
    return arn ? arn : xstrdup("*");
}

static bool s_same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

void iam_rules_add(struct iam_rules *rs, const struct iam_grant *g, const struct drill_side *s,
                   const struct aws_partition *p, const char *region, const char *vault,
                   const char *bucket)
{
    struct iam_rule r = {0};
    r.action = xstrdup(g->action);
    r.res = g->res;
    r.resource = s_resource(g, s, p, region, vault, bucket, &r.cond, &r.cond_value);
    if (!r.resource) {
        free(r.action);
        free(r.cond_value);
        return;
    }
    for (size_t i = 0; i < rs->n; i++) {
        struct iam_rule *o = &rs->v[i];
        if (strcmp(o->action, r.action) == 0 && strcmp(o->resource, r.resource) == 0 &&
            o->cond == r.cond && s_same(o->cond_value, r.cond_value)) {
            if (r.res < o->res)
                o->res = r.res;
            free(r.action);
            free(r.resource);
            free(r.cond_value);
            return;
        }
    }
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 32;
        rs->v = xrealloc(rs->v, rs->cap * sizeof *rs->v);
    }
    rs->v[rs->n++] = r;
}

void iam_rules_clean_up(struct iam_rules *rs)
{
    for (size_t i = 0; rs && i < rs->n; i++) {
        free(rs->v[i].action);
        free(rs->v[i].resource);
        free(rs->v[i].cond_value);
    }
    if (rs) {
        free(rs->v);
        memset(rs, 0, sizeof *rs);
    }
}

/* A sorted set of borrowed strings. */
struct strs {
    const char **v;
    size_t n;
};

static int s_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void s_strs_add(struct strs *s, const char *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], x) == 0)
            return;
    s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    s->v[s->n++] = x;
    qsort(s->v, s->n, sizeof *s->v, s_cmp_str);
}

/* Drops each string another one's trailing '*' already covers: "*" covers
 * every ARN, the objects of bucket b cover its canaries (b/drh-canary/...). */
static void s_strs_covered(struct strs *s)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        bool covered = false;
        for (size_t j = 0; j < s->n && !covered; j++) {
            size_t len = strlen(s->v[j]);
            covered =
                j != i && len && s->v[j][len - 1] == '*' && strncmp(s->v[i], s->v[j], len - 1) == 0;
        }
        if (!covered)
            s->v[k++] = s->v[i];
    }
    s->n = k;
}

static char *s_strs_join(const struct strs *s)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < s->n; i++)
        buf_printf(&b, "%s%s", i ? "\n" : "", s->v[i]);
    return buf_detach(&b);
}

/* A statement being made: its actions share resources, condition and values. */
struct stmt {
    enum iam_cond cond;
    enum iam_res res;
    struct strs actions, resources, values;
    char *key; /* cond, resources and values joined: what makes statements one */
};

static int s_cmp_stmt(const void *a, const void *b)
{
    const struct stmt *x = a, *y = b;
    if (x->cond != y->cond)
        return (int)x->cond - (int)y->cond;
    if (x->res != y->res)
        return (int)x->res - (int)y->res;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->actions.v[0], y->actions.v[0]);
}

static const char *s_sid(const struct stmt *s)
{
    switch (s->cond) {
    case IAM_COND_PASS_ROLE:
        return "PassBackupRoleToAwsBackup";
    case IAM_COND_KMS_VIA:
        return s->res == IAM_RES_KMS_EC2 ? "KmsThroughEc2" : "KmsThroughRds";
    case IAM_COND_TAGGED:
        return "OnlyWhatDrhTagged";
    case IAM_COND_NONE:
        break;
    }
    switch (s->res) {
    case IAM_RES_VAULT:
        return "Vaults";
    case IAM_RES_RDS_DB:
    case IAM_RES_RDS_CLUSTER:
    case IAM_RES_RDS_SNAPSHOT:
    case IAM_RES_RDS_CLUSTER_SNAPSHOT:
        return "DrhDatabaseCopies";
    case IAM_RES_BUCKET:
    case IAM_RES_OBJECTS:
    case IAM_RES_CANARIES:
        return "Buckets";
    case IAM_RES_DRH_BUCKETS:
    case IAM_RES_DRH_OBJECTS:
        return "DrhRestoreBuckets";
    default:
        return "DrhCalls";
    }
}

/* One value, or an array of them when there are several. */
static void s_add_one_or_many(struct json *o, const char *key, const struct strs *s)
{
    if (s->n == 1) {
        json_add_string(o, key, s->v[0]);
        return;
    }
    struct json *a = json_add_child(o, key, json_new_array());
    for (size_t i = 0; i < s->n; i++)
        json_push_string(a, s->v[i]);
}

static struct json *s_statement(const struct stmt *s, const char *sid)
{
    struct json *o = json_new_object();
    json_add_string(o, "Sid", sid);
    json_add_string(o, "Effect", "Allow");
    s_add_one_or_many(o, "Action", &s->actions);
    s_add_one_or_many(o, "Resource", &s->resources);
    if (s->cond == IAM_COND_NONE)
        return o;
    struct json *c = json_add_child(o, "Condition", json_new_object());
    if (s->cond == IAM_COND_PASS_ROLE) {
        struct json *e = json_add_child(c, "StringEquals", json_new_object());
        json_add_string(e, "iam:PassedToService", "backup.amazonaws.com");
    } else if (s->cond == IAM_COND_KMS_VIA) {
        s_add_one_or_many(json_add_child(c, "StringEquals", json_new_object()), "kms:ViaService",
                          &s->values);
    } else {
        /* the tag key exists: drh tags everything it makes, and only that */
        json_add_string(json_add_child(c, "Null", json_new_object()), "aws:ResourceTag/" LEDGER_TAG_RUN,
                        "false");
    }
    return o;
}

struct json *iam_rules_policy(const struct iam_rules *rs)
{
    struct stmt *st = xcalloc(rs->n ? rs->n : 1, sizeof *st);
    size_t n = 0;
    bool *done = xcalloc(rs->n ? rs->n : 1, sizeof *done);
    /* each (action, condition) with every resource and value it has */
    for (size_t i = 0; i < rs->n; i++) {
        if (done[i])
            continue;
        const struct iam_rule *r = &rs->v[i];
        struct stmt one = {r->cond, r->res, {0}, {0}, {0}, NULL};
        for (size_t j = i; j < rs->n; j++) {
            const struct iam_rule *o = &rs->v[j];
            if (done[j] || o->cond != r->cond || strcmp(o->action, r->action) != 0)
                continue;
            done[j] = true;
            s_strs_add(&one.resources, o->resource);
            s_strs_add(&one.values, o->cond_value);
            if (o->res < one.res)
                one.res = o->res;
        }
        s_strs_covered(&one.resources);
        char *res = s_strs_join(&one.resources), *val = s_strs_join(&one.values);
        one.key = xasprintf("%d\n%s\n\n%s", (int)one.cond, res, val);
        free(res);
        free(val);
        size_t k = 0;
        while (k < n && strcmp(st[k].key, one.key) != 0)
            k++;
        if (k == n) {
            st[n++] = one;
        } else {
            free(one.key);
            free(one.resources.v);
            free(one.values.v);
            if (one.res < st[k].res)
                st[k].res = one.res;
        }
        s_strs_add(&st[k].actions, r->action);
    }
    qsort(st, n, sizeof *st, s_cmp_stmt);
    struct json *doc = json_new_object();
    json_add_string(doc, "Version", "2012-10-17");
    struct json *list = json_add_child(doc, "Statement", json_new_array());
    for (size_t i = 0; i < n; i++) {
        const char *sid = s_sid(&st[i]);
        int seen = 1;
        for (size_t j = 0; j < i; j++)
            seen += strcmp(s_sid(&st[j]), sid) == 0;
        char *name = seen > 1 ? xasprintf("%s%d", sid, seen) : xstrdup(sid);
        json_push(list, s_statement(&st[i], name));
        free(name);
    }
    for (size_t i = 0; i < n; i++) {
        free(st[i].actions.v);
        free(st[i].resources.v);
        free(st[i].values.v);
        free(st[i].key);
    }
    free(st);
    free(done);
    return doc;
}
