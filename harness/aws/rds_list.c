/*
 * RDS things carrying a tag key (tagged.h). RDS has no tag filter on its
 * Describe calls: each kind is listed whole, following Marker, and kept by
 * the TagList each item carries (botocore rds/2014-10-31). A DB subnet
 * group carries no TagList: its tags come from ListTagsForResource, asked
 * only of the groups whose name starts with the caller's prefix.
 */
#include "aws/rds_impl.h"
#include "aws/tagged.h"

#include "aws/call.h"
#include "aws/creds.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* A server that keeps answering with a Marker must not loop drh forever. */
#define RDS_LIST_MAX_PAGES 1000

struct s_kind_names {
    const char *op, *list, *item, *id, *arn, *status, *created;
    bool type; /* SnapshotType */
};

static const struct s_kind_names s_names[] = {
    [RDS_LIST_INSTANCES] = {"DescribeDBInstances", "DBInstances", "DBInstance",
                            "DBInstanceIdentifier", "DBInstanceArn", "DBInstanceStatus",
                            "InstanceCreateTime", false},
    [RDS_LIST_CLUSTERS] = {"DescribeDBClusters", "DBClusters", "DBCluster", "DBClusterIdentifier",
                           "DBClusterArn", "Status", "ClusterCreateTime", false},
    [RDS_LIST_SNAPSHOTS] = {"DescribeDBSnapshots", "DBSnapshots", "DBSnapshot",
                            "DBSnapshotIdentifier", "DBSnapshotArn", "Status", "SnapshotCreateTime",
                            true},
    [RDS_LIST_CLUSTER_SNAPSHOTS] = {"DescribeDBClusterSnapshots", "DBClusterSnapshots",
                                    "DBClusterSnapshot", "DBClusterSnapshotIdentifier",
                                    "DBClusterSnapshotArn", "Status", "SnapshotCreateTime", true},
    [RDS_LIST_SUBNET_GROUPS] = {"DescribeDBSubnetGroups", "DBSubnetGroups", "DBSubnetGroup",
                                "DBSubnetGroupName", "DBSubnetGroupArn", "SubnetGroupStatus", NULL,
                                false},
};

static enum drh_status s_item(const struct s_kind_names *k, const struct xml_node *n,
                              struct aws_tagged *t, struct drh_err *err)
{
    t->id = xml_find_text_nonempty(n, k->id);
    if (!t->id)
        return drh_err_set(err, DRH_E_PARSE, "rds %s: %s without %s", k->op, k->item, k->id);
    t->arn = xml_find_text_nonempty(n, k->arn);
    t->state = xml_find_text_nonempty(n, k->status);
    t->type = k->type ? xml_find_text_nonempty(n, "SnapshotType") : NULL;
    char *created = k->created ? xml_find_text_nonempty(n, k->created) : NULL;
    double when = created ? aws_parse_time_frac(created) : 0;
    t->created = when > 0 ? when : 0;
    free(created);
    aws_tagged_read_tags(t, xml_child(n, "TagList"));
    return DRH_OK;
}

/* ListTagsForResource of t->arn into t's tags. */
static enum drh_status s_list_tags(struct aws_client *c, struct aws_tagged *t, struct drh_err *err)
{
    static const char op[] = "ListTagsForResource";
    enum drh_status st = aws_need(t->arn, "rds", op, "ARN", err);
    if (st != DRH_OK)
        return drh_err_prefix(err, "DB subnet group '%s'", t->id);
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "ResourceName", t->arn);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    static const char *const not_found[] = {"DBSubnetGroupNotFoundFault", NULL};
    st = aws_query_call_nf(c, "rds", op, &p, not_found, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st == DRH_OK)
        aws_tagged_read_tags(t, xml_child(result, "TagList"));
    xml_free(doc);
    return st;
}

static bool s_prefixed(const char *id, const char *prefix)
{
    return !prefix || strncmp(id, prefix, strlen(prefix)) == 0;
}

enum drh_status rds_list_tagged(struct aws_client *c, enum rds_list_kind kind, const char *tag_key,
                                const char *name_prefix, struct aws_tagged_list *out,
                                struct drh_err *err)
{
    if ((unsigned)kind > RDS_LIST_SUBNET_GROUPS)
        return drh_err_set(err, DRH_E_INTERNAL, "rds list: unknown kind %d", (int)kind);
    const struct s_kind_names *k = &s_names[kind];
    enum drh_status st = aws_need(tag_key, "rds", k->op, "tag key", err);
    if (st != DRH_OK)
        return st;
    struct aws_tagged_list all = {0}, keep = {0};
    char *marker = NULL;
    for (int page = 0; st == DRH_OK; page++) {
        struct aws_params p;
        aws_params_init(&p);
        if (marker)
            aws_params_add(&p, "Marker", marker);
        struct xml_doc *doc = NULL;
        const struct xml_node *result = NULL;
        st = rds_call(c, k->op, &p, &doc, &result, err);
        aws_params_clean_up(&p);
        for (const struct xml_node *n = xml_child(xml_child(result, k->list), k->item);
             n && st == DRH_OK; n = xml_next(n))
            st = s_item(k, n, aws_tagged_add(&all), err);
        if (st == DRH_OK)
            st = aws_page_advance(&marker, aws_xml_next_token(result, "Marker"), "rds", k->op,
                                  "Marker", page, RDS_LIST_MAX_PAGES, err);
        xml_free(doc);
        if (!marker)
            break;
    }
    free(marker);
    for (size_t i = 0; st == DRH_OK && i < all.n; i++) {
        struct aws_tagged *t = &all.v[i];
        if (kind == RDS_LIST_SUBNET_GROUPS) {
            if (!s_prefixed(t->id, name_prefix))
                continue;
            st = s_list_tags(c, t, err);
            if (st == DRH_E_NOTFOUND) { /* deleted meanwhile */
                drh_err_clear(err);
                st = DRH_OK;
                continue;
            }
        }
        if (st == DRH_OK && aws_tagged_tag(t, tag_key)) {
            *aws_tagged_add(&keep) = *t;
            memset(t, 0, sizeof *t);
        }
    }
    if (st == DRH_OK)
        aws_tagged_list_move(out, &keep);
    aws_tagged_list_clean_up(&keep);
    aws_tagged_list_clean_up(&all);
    return st;
}
