/*
 * Listing what carries a tag key, across services: the calls drh sweep
 * uses to find what drh runs left behind in an account and Region.
 * EC2 instances, AMIs, EBS snapshots, VPCs, subnets and security groups
 * are asked for with a tag-key filter (ec2_list.c); RDS instances,
 * clusters and their snapshots are listed whole and kept by their TagList,
 * DB subnet groups by ListTagsForResource (rds_list.c); EFS file systems by
 * the Tags DescribeFileSystems gives (efs_list.c); S3 buckets by
 * ListBuckets and GetBucketTagging (s3_list.c). Lists follow their
 * markers to the end.
 *
 * Errors as each service's header says (DRH_E_AWS, DRH_E_PARSE, DRH_E_NET,
 * ...). The list calls append to *out only on success.
 */
#ifndef DRH_AWS_TAGGED_H
#define DRH_AWS_TAGGED_H
#include "aws/client.h"
#include "xml.h"

#include <stddef.h>

/* One thing and its tags, as its service lists it. */
struct aws_tagged {
    char *id;       /* what the service's delete call takes: "i-...", an RDS
                     * identifier, a DB subnet group's name, "fs-...", a bucket */
    char *arn;      /* NULL when the listing gives none */
    char *state;    /* the service's state or status; NULL when it gives none */
    char *type;     /* RDS snapshots: SnapshotType ("manual", "awsbackup", ...); else NULL */
    double created; /* creation time (epoch seconds); 0 when the service reports none
                     * (VPCs, subnets, security groups, DB subnet groups) */
    char **keys;    /* its tags; values "" when empty */
    char **values;
    size_t n_tags;
};

struct aws_tagged_list {
    struct aws_tagged *v;
    size_t n, cap;
};

/* The value of tag key, NULL when absent. */
const char *aws_tagged_tag(const struct aws_tagged *t, const char *key);
/* Appends a zeroed element and returns it. */
struct aws_tagged *aws_tagged_add(struct aws_tagged_list *l);
/* Adds a tag (copies; NULL value: ""). */
void aws_tagged_set_tag(struct aws_tagged *t, const char *key, const char *value);
/* Adds the tags of a list of <Tag><Key/><Value/></Tag> elements (RDS's
 * TagList, S3's TagSet; NULL: none). */
void aws_tagged_read_tags(struct aws_tagged *t, const struct xml_node *list);
/* Moves every element of from to the end of to; from is left empty. */
void aws_tagged_list_move(struct aws_tagged_list *to, struct aws_tagged_list *from);
/* Frees the elements and the array and zeroes l; a zeroed l is fine. */
void aws_tagged_list_clean_up(struct aws_tagged_list *l);

/*
 * EC2 (ec2_list.c): Describe* with Filter tag-key = tag_key. Instances
 * leave out the terminated ones; images and snapshots are the caller's own
 * (Owner self).
 */
enum ec2_list_kind {
    EC2_LIST_INSTANCES,
    EC2_LIST_IMAGES,
    EC2_LIST_SNAPSHOTS,
    EC2_LIST_VPCS,
    EC2_LIST_SUBNETS,
    EC2_LIST_SECURITY_GROUPS
};
enum drh_status ec2_list_tagged(struct aws_client *c, enum ec2_list_kind kind, const char *tag_key,
                                struct aws_tagged_list *out, struct drh_err *err);

/*
 * RDS (rds_list.c): DescribeDBInstances, DescribeDBClusters,
 * DescribeDBSnapshots, DescribeDBClusterSnapshots (every one of the
 * account and Region, kept when their TagList has tag_key); DB subnet
 * groups: DescribeDBSubnetGroups, and ListTagsForResource of each whose
 * name starts with name_prefix (NULL: of each).
 */
enum rds_list_kind {
    RDS_LIST_INSTANCES,
    RDS_LIST_CLUSTERS,
    RDS_LIST_SNAPSHOTS,
    RDS_LIST_CLUSTER_SNAPSHOTS,
    RDS_LIST_SUBNET_GROUPS
};
enum drh_status rds_list_tagged(struct aws_client *c, enum rds_list_kind kind, const char *tag_key,
                                const char *name_prefix, struct aws_tagged_list *out,
                                struct drh_err *err);

/* EFS (efs_list.c): the file systems of c's account and Region whose Tags
 * have tag_key (those "deleting" or "deleted" left out). */
enum drh_status efs_list_tagged(struct aws_client *c, const char *tag_key,
                                struct aws_tagged_list *out, struct drh_err *err);

/* S3 (s3_list.c): ListBuckets, then GetBucketTagging of each bucket whose
 * name starts with name_prefix (NULL: of each) in c's Region: kept when
 * its tags have tag_key. A bucket of another Region (S3 answers
 * AuthorizationHeaderMalformed or a redirect) is left out, as is one
 * without tags. created: the bucket's CreationDate. */
enum drh_status s3_list_tagged(struct aws_client *c, const char *tag_key, const char *name_prefix,
                               struct aws_tagged_list *out, struct drh_err *err);

#endif
