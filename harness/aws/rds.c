/*
 * Amazon RDS: see rds.h. Requests and responses follow botocore's
 * rds/2014-10-31 model (query protocol). Clusters and instances, and their
 * snapshots, are the same operations under other names: one table per kind
 * gives the names, so every function serves both.
 */
#include "aws/rds.h"
#include "aws/rds_impl.h"

#include "aws/call.h"
#include "aws/creds.h"
#include "aws/endpoint.h"
#include "crypto.h"
#include "mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A server that keeps answering with a Marker must not loop drh forever. */
#define RDS_MAX_PAGES 1000

/* Wire names of a DB cluster or a DB instance. */
struct s_db_names {
    const char *what; /* for messages */
    const char *describe, *list, *item;
    const char *id, *arn, *status, *db_name;
    const char *modify, *delete_op;
};

static const struct s_db_names s_cluster = {
    .what = "cluster",
    .describe = "DescribeDBClusters",
    .list = "DBClusters",
    .item = "DBCluster",
    .id = "DBClusterIdentifier",
    .arn = "DBClusterArn",
    .status = "Status",
    .db_name = "DatabaseName",
    .modify = "ModifyDBCluster",
    .delete_op = "DeleteDBCluster",
};

static const struct s_db_names s_instance = {
    .what = "instance",
    .describe = "DescribeDBInstances",
    .list = "DBInstances",
    .item = "DBInstance",
    .id = "DBInstanceIdentifier",
    .arn = "DBInstanceArn",
    .status = "DBInstanceStatus",
    .db_name = "DBName",
    .modify = "ModifyDBInstance",
    .delete_op = "DeleteDBInstance",
};

/* Wire names of a DB cluster snapshot or a DB snapshot. */
struct s_snap_names {
    const char *what;
    const char *describe, *list, *item;
    const char *id, *arn, *source, *encrypted;
    const char *copy, *copy_source, *copy_target, *delete_op;
};

static const struct s_snap_names s_cluster_snap = {
    .what = "cluster snapshot",
    .describe = "DescribeDBClusterSnapshots",
    .list = "DBClusterSnapshots",
    .item = "DBClusterSnapshot",
    .id = "DBClusterSnapshotIdentifier",
    .arn = "DBClusterSnapshotArn",
    .source = "DBClusterIdentifier",
    .encrypted = "StorageEncrypted",
    .copy = "CopyDBClusterSnapshot",
    .copy_source = "SourceDBClusterSnapshotIdentifier",
    .copy_target = "TargetDBClusterSnapshotIdentifier",
    .delete_op = "DeleteDBClusterSnapshot",
};

static const struct s_snap_names s_instance_snap = {
    .what = "snapshot",
    .describe = "DescribeDBSnapshots",
    .list = "DBSnapshots",
    .item = "DBSnapshot",
    .id = "DBSnapshotIdentifier",
    .arn = "DBSnapshotArn",
    .source = "DBInstanceIdentifier",
    .encrypted = "Encrypted",
    .copy = "CopyDBSnapshot",
    .copy_source = "SourceDBSnapshotIdentifier",
    .copy_target = "TargetDBSnapshotIdentifier",
    .delete_op = "DeleteDBSnapshot",
};

void rds_db_clean_up(struct rds_db *d)
{
    if (!d)
        return;
    free(d->id);
    free(d->arn);
    free(d->status);
    free(d->engine);
    free(d->endpoint);
    free(d->master_user);
    free(d->db_name);
    free(d->cluster_id);
    free(d->kms_key);
    memset(d, 0, sizeof *d);
}

void rds_snapshot_clean_up(struct rds_snapshot *s)
{
    if (!s)
        return;
    free(s->id);
    free(s->arn);
    free(s->source_id);
    free(s->status);
    free(s->engine);
    free(s->type);
    free(s->kms_key);
    memset(s, 0, sizeof *s);
}

void rds_snapshots_free(struct rds_snapshot *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        rds_snapshot_clean_up(&v[i]);
    free(v);
}

/* A timestamp child: *out 0 when absent. */
static enum drh_status s_time(const struct xml_node *n, const char *name, const char *op,
                              double *out, struct drh_err *err)
{
    char *t = xml_find_text_nonempty(n, name);
    *out = 0;
    if (!t)
        return DRH_OK;
    double v = aws_parse_time_frac(t);
    enum drh_status st = DRH_OK;
    if (v < 0)
        st = drh_err_set(err, DRH_E_PARSE, "rds %s: %s '%.40s' is not an ISO 8601 time", op, name,
                         t);
    else
        *out = v;
    free(t);
    return st;
}

/* An integer child: *out 0 when absent. */
static enum drh_status s_int(const struct xml_node *n, const char *name, const char *op, int *out,
                             struct drh_err *err)
{
    char *t = xml_find_text_nonempty(n, name);
    *out = 0;
    if (!t)
        return DRH_OK;
    char *end = NULL;
    errno = 0;
    long v = strtol(t, &end, 10);
    enum drh_status st = DRH_OK;
    if (errno || end == t || *end || v < 0 || v > 65535)
        st = drh_err_set(err, DRH_E_PARSE, "rds %s: %s '%.20s' is not a port", op, name, t);
    else
        *out = (int)v;
    free(t);
    return st;
}

/* Next page's Marker, refusing a marker that repeats or pages without end. */
static enum drh_status s_next_page(const struct xml_node *result, const char *op, int page,
                                   char **marker, struct drh_err *err)
{
    return aws_page_advance(marker, aws_xml_next_token(result, "Marker"), "rds", op, "Marker", page,
                            RDS_MAX_PAGES, err);
}

/*
 * Clusters and instances.
 */

static enum drh_status s_db(const struct s_db_names *k, const struct xml_node *n,
                            struct rds_db *out, struct drh_err *err)
{
    struct rds_db d = {0};
    d.id = xml_find_text_nonempty(n, k->id);
    if (!d.id)
        return drh_err_set(err, DRH_E_PARSE, "rds %s: %s without %s", k->describe, k->item, k->id);
    /* A cluster's endpoint is a string; an instance's a structure. */
    int cluster = k == &s_cluster;
    enum drh_status st = s_int(n, cluster ? "Port" : "Endpoint/Port", k->describe, &d.port, err);
    if (st == DRH_OK)
        st = s_time(n, "EarliestRestorableTime", k->describe, &d.earliest_restorable, err);
    if (st == DRH_OK)
        st = s_time(n, "LatestRestorableTime", k->describe, &d.latest_restorable, err);
    if (st != DRH_OK) {
        drh_err_prefix(err, "%s '%s'", k->what, d.id);
        rds_db_clean_up(&d);
        return st;
    }
    d.arn = xml_find_text_nonempty(n, k->arn);
    d.status = xml_find_text_nonempty(n, k->status);
    d.engine = xml_find_text_nonempty(n, "Engine");
    d.endpoint = xml_find_text_nonempty(n, cluster ? "Endpoint" : "Endpoint/Address");
    d.master_user = xml_find_text_nonempty(n, "MasterUsername");
    d.db_name = xml_find_text_nonempty(n, k->db_name);
    d.cluster_id = cluster ? NULL : xml_find_text_nonempty(n, "DBClusterIdentifier");
    d.kms_key = xml_find_text_nonempty(n, "KmsKeyId");
    rds_db_clean_up(out);
    *out = d;
    return DRH_OK;
}

enum drh_status rds_call(struct aws_client *c, const char *action, const struct aws_params *p,
                         struct xml_doc **doc_out, const struct xml_node **result_out,
                         struct drh_err *err)
{
    static const char *const not_found[] = {"DBClusterNotFoundFault",
                                            "DBInstanceNotFound",
                                            "DBInstanceNotFoundFault",
                                            "DBSnapshotNotFound",
                                            "DBSnapshotNotFoundFault",
                                            "DBClusterSnapshotNotFoundFault",
                                            NULL};
    return aws_query_call_nf(c, "rds", action, p, not_found, doc_out, result_out, err);
}

enum drh_status rds_parse_db(bool cluster, const struct xml_node *n, struct rds_db *out,
                             struct drh_err *err)
{
    return s_db(cluster ? &s_cluster : &s_instance, n, out, err);
}

enum drh_status rds_describe_db(struct aws_client *c, bool cluster, const char *id,
                                struct rds_db *out, struct drh_err *err)
{
    const struct s_db_names *k = cluster ? &s_cluster : &s_instance;
    enum drh_status st = aws_need(id, "rds", k->describe, "identifier", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, k->id, id);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    st = rds_call(c, k->describe, &p, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    const struct xml_node *n = xml_child(xml_child(result, k->list), k->item);
    if (!n)
        st = drh_err_set(err, DRH_E_NOTFOUND, "rds %s: %s '%s' is not in the response", k->describe,
                         k->what, id);
    else
        st = s_db(k, n, out, err);
    xml_free(doc);
    return st;
}

/*
 * Snapshots.
 */

static enum drh_status s_snapshot(const struct s_snap_names *k, const struct xml_node *n,
                                  struct rds_snapshot *out, struct drh_err *err)
{
    struct rds_snapshot s = {0};
    s.id = xml_find_text_nonempty(n, k->id);
    if (!s.id)
        return drh_err_set(err, DRH_E_PARSE, "rds %s: %s without %s", k->describe, k->item, k->id);
    enum drh_status st = s_time(n, "SnapshotCreateTime", k->describe, &s.created, err);
    if (st != DRH_OK) {
        drh_err_prefix(err, "%s '%s'", k->what, s.id);
        rds_snapshot_clean_up(&s);
        return st;
    }
    s.arn = xml_find_text_nonempty(n, k->arn);
    s.source_id = xml_find_text_nonempty(n, k->source);
    s.status = xml_find_text_nonempty(n, "Status");
    s.engine = xml_find_text_nonempty(n, "Engine");
    s.type = xml_find_text_nonempty(n, "SnapshotType");
    s.kms_key = xml_find_text_nonempty(n, "KmsKeyId");
    s.encrypted = xml_find_true(n, k->encrypted);
    *out = s;
    return DRH_OK;
}

/* Appends the snapshots of one result to *v. */
static enum drh_status s_snapshot_page(const struct s_snap_names *k, const struct xml_node *result,
                                       struct rds_snapshot **v, size_t *len, size_t *cap,
                                       struct drh_err *err)
{
    for (const struct xml_node *n = xml_child(xml_child(result, k->list), k->item); n;
         n = xml_next(n)) {
        if (*len == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            *v = xrealloc(*v, *cap * sizeof **v);
        }
        enum drh_status st = s_snapshot(k, n, &(*v)[*len], err);
        if (st != DRH_OK)
            return st;
        (*len)++;
    }
    return DRH_OK;
}

enum drh_status rds_describe_snapshots(struct aws_client *c, bool cluster, const char *source_id,
                                       const char *type, struct rds_snapshot **out, size_t *n,
                                       struct drh_err *err)
{
    const struct s_snap_names *k = cluster ? &s_cluster_snap : &s_instance_snap;
    struct rds_snapshot *v = NULL;
    size_t len = 0, cap = 0;
    char *marker = NULL;
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    enum drh_status st = DRH_OK;
    for (int page = 0;; page++) {
        struct aws_params p;
        aws_params_init(&p);
        if (source_id)
            aws_params_add(&p, k->source, source_id);
        if (type)
            aws_params_add(&p, "SnapshotType", type);
        /* Shared snapshots are listed only when asked for explicitly. */
        if (type && strcmp(type, "shared") == 0)
            aws_params_add(&p, "IncludeShared", "true");
        if (marker)
            aws_params_add(&p, "Marker", marker);
        st = rds_call(c, k->describe, &p, &doc, &result, err);
        aws_params_clean_up(&p);
        if (st != DRH_OK)
            goto done;
        st = s_snapshot_page(k, result, &v, &len, &cap, err);
        if (st == DRH_OK)
            st = s_next_page(result, k->describe, page, &marker, err);
        xml_free(doc);
        doc = NULL;
        if (st != DRH_OK)
            goto done;
        if (!marker)
            break;
    }
    *out = v;
    *n = len;
    v = NULL;
    len = 0;
done:
    free(marker);
    rds_snapshots_free(v, len);
    return st;
}

enum drh_status rds_describe_snapshot(struct aws_client *c, bool cluster, const char *id,
                                      struct rds_snapshot *out, struct drh_err *err)
{
    const struct s_snap_names *k = cluster ? &s_cluster_snap : &s_instance_snap;
    enum drh_status st = aws_need(id, "rds", k->describe, "snapshot identifier", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, k->id, id);
    /* An ARN may name a snapshot another account shared with this one. */
    if (strncmp(id, "arn:", 4) == 0)
        aws_params_add(&p, "IncludeShared", "true");
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    st = rds_call(c, k->describe, &p, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    const struct xml_node *n = xml_child(xml_child(result, k->list), k->item);
    struct rds_snapshot s = {0};
    if (!n)
        st = drh_err_set(err, DRH_E_NOTFOUND, "rds %s: %s '%s' is not in the response", k->describe,
                         k->what, id);
    else
        st = s_snapshot(k, n, &s, err);
    if (st == DRH_OK) {
        rds_snapshot_clean_up(out);
        *out = s;
    }
    xml_free(doc);
    return st;
}

/* The Region field of an ARN (arn:PARTITION:SERVICE:REGION:...), or NULL.
 * Caller frees. */
static char *s_arn_region(const char *arn)
{
    if (strncmp(arn, "arn:", 4) != 0)
        return NULL;
    const char *p = arn;
    for (int i = 0; i < 3; i++) {
        p = strchr(p, ':');
        if (!p)
            return NULL;
        p++;
    }
    size_t n = strcspn(p, ":");
    return p[n] == ':' ? xstrndup(p, n) : NULL;
}

/* A cross-Region copy is called in the target Region with the source's ARN.
 * Its PreSignedUrl is not generated: AWS ignores it outside GovCloud, where
 * drh refuses the copy rather than send an incomplete request. */
static enum drh_status s_check_cross_region(struct aws_client *c, const char *op,
                                            const char *source_arn, const char *source_region,
                                            struct drh_err *err)
{
    const char *here = aws_client_region(c);
    if (!source_region || (here && strcmp(source_region, here) == 0))
        return DRH_OK;
    char *region = s_arn_region(source_arn);
    enum drh_status st = DRH_OK;
    if (!region)
        st = drh_err_set(err, DRH_E_INPUT, "rds %s: source '%s' must be an ARN to copy it from %s",
                         op, source_arn, source_region);
    else if (strcmp(region, source_region) != 0)
        st = drh_err_set(err, DRH_E_INPUT, "rds %s: source '%s' is in %s, not in %s", op,
                         source_arn, region, source_region);
    free(region);
    const struct aws_partition *part = here ? aws_partition_of(here) : NULL;
    if (st == DRH_OK && part && strcmp(part->name, "aws-us-gov") == 0) {
        st = drh_err_set(err, DRH_E_INPUT,
                         "rds %s: a cross-Region copy in aws-us-gov needs a PreSignedUrl, which "
                         "drh does not generate",
                         op);
        drh_err_hint(err, "copy the snapshot with the AWS CLI (--source-region), then restore it");
    }
    return st;
}

enum drh_status rds_copy_snapshot(struct aws_client *c, bool cluster, const char *source_arn,
                                  const char *target_id, const char *kms_key,
                                  const char *source_region, const struct aws_tag *tags,
                                  size_t n_tags, struct drh_err *err)
{
    const struct s_snap_names *k = cluster ? &s_cluster_snap : &s_instance_snap;
    enum drh_status st = aws_need(source_arn, "rds", k->copy, "source snapshot", err);
    if (st == DRH_OK)
        st = aws_need(target_id, "rds", k->copy, "target snapshot identifier", err);
    if (st == DRH_OK)
        st = s_check_cross_region(c, k->copy, source_arn, source_region, err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, k->copy_source, source_arn);
    aws_params_add(&p, k->copy_target, target_id);
    if (kms_key)
        aws_params_add(&p, "KmsKeyId", kms_key);
    if (n_tags)
        aws_params_add_tags(&p, AWS_PROTO_QUERY, "Tags", "Tag", tags, n_tags);
    st = rds_call(c, k->copy, &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

enum drh_status rds_delete_snapshot(struct aws_client *c, bool cluster, const char *id,
                                    struct drh_err *err)
{
    const struct s_snap_names *k = cluster ? &s_cluster_snap : &s_instance_snap;
    enum drh_status st = aws_need(id, "rds", k->delete_op, "snapshot identifier", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, k->id, id);
    st = rds_call(c, k->delete_op, &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

/*
 * Restores and the life of the restored database.
 */

enum drh_status rds_create_cluster_instance(struct aws_client *c, const char *cluster_id,
                                            const char *instance_id, const char *engine,
                                            const char *instance_class, const struct aws_tag *tags,
                                            size_t n_tags, struct drh_err *err)
{
    static const char op[] = "CreateDBInstance";
    enum drh_status st = aws_need(cluster_id, "rds", op, "cluster identifier", err);
    if (st == DRH_OK)
        st = aws_need(instance_id, "rds", op, "instance identifier", err);
    if (st == DRH_OK)
        st = aws_need(engine, "rds", op, "engine", err);
    if (st == DRH_OK)
        st = aws_need(instance_class, "rds", op, "instance class", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "DBInstanceIdentifier", instance_id);
    aws_params_add(&p, "DBInstanceClass", instance_class);
    aws_params_add(&p, "Engine", engine);
    aws_params_add(&p, "DBClusterIdentifier", cluster_id);
    if (n_tags)
        aws_params_add_tags(&p, AWS_PROTO_QUERY, "Tags", "Tag", tags, n_tags);
    st = rds_call(c, op, &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

enum drh_status rds_set_master_password(struct aws_client *c, bool cluster, const char *id,
                                        const char *password, struct drh_err *err)
{
    const struct s_db_names *k = cluster ? &s_cluster : &s_instance;
    enum drh_status st = aws_need(id, "rds", k->modify, "identifier", err);
    if (st == DRH_OK)
        st = aws_need(password, "rds", k->modify, "password", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, k->id, id);
    aws_params_add(&p, "MasterUserPassword", password);
    aws_params_add(&p, "ApplyImmediately", "true");
    st = rds_call(c, k->modify, &p, NULL, NULL, err);
    /* The copy of the password in the parameters dies with them. */
    for (size_t i = 0; i < p.n; i++)
        if (strcmp(p.v[i].key, "MasterUserPassword") == 0)
            crypto_wipe(p.v[i].value, strlen(p.v[i].value));
    aws_params_clean_up(&p);
    return st;
}

enum drh_status rds_delete_db(struct aws_client *c, bool cluster, const char *id,
                              struct drh_err *err)
{
    const struct s_db_names *k = cluster ? &s_cluster : &s_instance;
    enum drh_status st = aws_need(id, "rds", k->delete_op, "identifier", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, k->id, id);
    aws_params_add(&p, "SkipFinalSnapshot", "true");
    st = rds_call(c, k->delete_op, &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

/*
 * Tags.
 */

enum drh_status rds_add_tags(struct aws_client *c, const char *arn, const struct aws_tag *tags,
                             size_t n, struct drh_err *err)
{
    static const char op[] = "AddTagsToResource";
    enum drh_status st = aws_need(arn, "rds", op, "resource ARN", err);
    if (st != DRH_OK || n == 0)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "ResourceName", arn);
    aws_params_add_tags(&p, AWS_PROTO_QUERY, "Tags", "Tag", tags, n);
    st = rds_call(c, op, &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

enum drh_status rds_get_tag(struct aws_client *c, const char *arn, const char *key, char **value,
                            struct drh_err *err)
{
    static const char op[] = "ListTagsForResource";
    enum drh_status st = aws_need(arn, "rds", op, "resource ARN", err);
    if (st == DRH_OK)
        st = aws_need(key, "rds", op, "tag key", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "ResourceName", arn);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    st = rds_call(c, op, &p, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    char *found = NULL;
    for (const struct xml_node *t = xml_child(xml_child(result, "TagList"), "Tag"); t;
         t = xml_next(t)) {
        char *k = xml_find_text(t, "Key");
        int match = k && strcmp(k, key) == 0;
        free(k);
        if (match) {
            found = xml_find_text(t, "Value");
            if (!found)
                found = xstrdup(""); /* a tag may have an empty value */
            break;
        }
    }
    *value = found;
    xml_free(doc);
    return DRH_OK;
}
