/*
 * Amazon RDS (query protocol): the clusters, instances and snapshots an
 * RDS/Aurora drill restores, probes and deletes (rds.c), point-in-time
 * restores (rds_restore.c), and the DB subnet group of drh's isolated stack
 * (rds_subnet_group.c). Describe calls follow Marker to the end. Times are
 * UTC epoch seconds (fractions kept).
 *
 * Every call returns DRH_E_NOTFOUND for the not-found faults
 * (DBClusterNotFoundFault, DBInstanceNotFound, DBSnapshotNotFound,
 * DBClusterSnapshotNotFoundFault; the message keeps service, operation, AWS
 * message and request id), DRH_E_AWS for other AWS errors, DRH_E_PARSE for
 * a response that is not what the model says, DRH_E_INPUT for a missing
 * required argument (nothing sent). Outputs are written only on success; a
 * struct output is cleaned up and replaced, so it must be zeroed or
 * previously filled.
 */
#ifndef DRH_AWS_RDS_H
#define DRH_AWS_RDS_H
#include "aws/client.h"
#include "aws/protocol.h"
#include <stdbool.h>
#include <stddef.h>

/* A DB cluster or DB instance, as Describe* gives it. */
struct rds_db {
    char *id; /* DBClusterIdentifier / DBInstanceIdentifier */
    char *arn;
    char *status; /* "creating", "available", "deleting", ... */
    char *engine;
    char *endpoint; /* host; NULL until there is one */
    int port;       /* 0 until known */
    char *master_user;
    char *db_name;    /* DatabaseName / DBName; NULL when none */
    char *cluster_id; /* instance in a cluster: DBClusterIdentifier; else NULL */
    char *kms_key;    /* KmsKeyId; NULL when not encrypted */
    /* The window a point-in-time restore may choose from (epoch seconds; 0
     * when absent). A DB instance gives only its latest restorable time. */
    double earliest_restorable;
    double latest_restorable;
};

struct rds_snapshot {
    char *id;
    char *arn;
    char *source_id; /* DBClusterIdentifier / DBInstanceIdentifier */
    char *status;    /* "creating", "available", ... */
    char *engine;
    char *type;     /* SnapshotType: "manual", "automated", "shared", "awsbackup" */
    double created; /* SnapshotCreateTime */
    char *kms_key;  /* NULL when not encrypted */
    bool encrypted;
};

void rds_db_clean_up(struct rds_db *d);
void rds_snapshot_clean_up(struct rds_snapshot *s);
void rds_snapshots_free(struct rds_snapshot *v, size_t n);

/* cluster: DescribeDBClusters, else DescribeDBInstances, of one identifier
 * or ARN. DRH_E_NOTFOUND when it does not exist (DBClusterNotFoundFault,
 * DBInstanceNotFound). */
enum drh_status rds_describe_db(struct aws_client *c, bool cluster, const char *id,
                                struct rds_db *out, struct drh_err *err);

/* Snapshots: cluster or instance ones; source_id (may be NULL) filters by
 * the DB; type (may be NULL) is SnapshotType ("shared" with
 * IncludeShared=true lists those shared with this account). *out: caller
 * frees with rds_snapshots_free(). */
enum drh_status rds_describe_snapshots(struct aws_client *c, bool cluster, const char *source_id,
                                       const char *type, struct rds_snapshot **out, size_t *n,
                                       struct drh_err *err);
/* One snapshot by identifier or ARN (an ARN adds IncludeShared=true, so a
 * snapshot shared by another account is found too). */
enum drh_status rds_describe_snapshot(struct aws_client *c, bool cluster, const char *id,
                                      struct rds_snapshot *out, struct drh_err *err);
/* CopyDB(Cluster)Snapshot: source_arn into target_id, kms_key (may be NULL),
 * with tags; source_region (may be NULL) for a cross-Region copy. A
 * cross-Region copy is called in c's (the target) Region; source_arn must
 * then be an ARN in source_region (else DRH_E_INPUT). SourceRegion is no
 * wire parameter and no PreSignedUrl is generated: AWS ignores it outside
 * GovCloud, and in aws-us-gov the copy is refused (DRH_E_INPUT). */
enum drh_status rds_copy_snapshot(struct aws_client *c, bool cluster, const char *source_arn,
                                  const char *target_id, const char *kms_key,
                                  const char *source_region, const struct aws_tag *tags,
                                  size_t n_tags, struct drh_err *err);
enum drh_status rds_delete_snapshot(struct aws_client *c, bool cluster, const char *id,
                                    struct drh_err *err);

/* Restore options: what the drill's isolation and overrides say. */
struct rds_restore {
    const char *snapshot;  /* identifier or ARN */
    const char *target_id; /* new cluster / instance identifier */
    const char *engine;
    const char *instance_class; /* instances only; NULL: the snapshot's */
    const char *subnet_group;   /* NULL: default */
    const char *const *security_groups;
    size_t n_security_groups;
    const struct aws_tag *tags;
    size_t n_tags;
};
/* RestoreDBClusterFromSnapshot (cluster) or RestoreDBInstanceFromDBSnapshot
 * (rds_restore.c). */
enum drh_status rds_restore_from_snapshot(struct aws_client *c, bool cluster,
                                          const struct rds_restore *r, struct drh_err *err);
/* A point-in-time restore of the source's continuous backup, in c's (the
 * source's) account and Region, into the isolation the drill gives. */
struct rds_pitr {
    const char *source_id;      /* source cluster / instance identifier or ARN */
    const char *target_id;      /* new cluster / instance identifier */
    double restore_time;        /* epoch seconds; 0: the latest restorable time */
    const char *instance_class; /* instances only; NULL: the source's */
    const char *kms_key;        /* clusters only; NULL: the source's key */
    const char *subnet_group;   /* NULL: default */
    const char *const *security_groups;
    size_t n_security_groups;
    const struct aws_tag *tags;
    size_t n_tags;
};
/* RestoreDBClusterToPointInTime (cluster; it has no instance yet, as after
 * a snapshot restore) or RestoreDBInstanceToPointInTime. *out: the new
 * cluster / instance as the response gives it (status "creating"). A time
 * outside the window is DRH_E_AWS (InvalidRestoreFault); an unknown source
 * is DRH_E_NOTFOUND. */
enum drh_status rds_restore_to_point_in_time(struct aws_client *c, bool cluster,
                                             const struct rds_pitr *r, struct rds_db *out,
                                             struct drh_err *err);
/* CreateDBInstance into an Aurora cluster (a restored cluster has none). */
enum drh_status rds_create_cluster_instance(struct aws_client *c, const char *cluster_id,
                                            const char *instance_id, const char *engine,
                                            const char *instance_class, const struct aws_tag *tags,
                                            size_t n_tags, struct drh_err *err);
/* ModifyDB(Cluster|Instance) MasterUserPassword, ApplyImmediately. */
enum drh_status rds_set_master_password(struct aws_client *c, bool cluster, const char *id,
                                        const char *password, struct drh_err *err);
/* DeleteDB(Cluster|Instance) with SkipFinalSnapshot. */
enum drh_status rds_delete_db(struct aws_client *c, bool cluster, const char *id,
                              struct drh_err *err);
/* AddTagsToResource; n == 0 sends nothing. */
enum drh_status rds_add_tags(struct aws_client *c, const char *arn, const struct aws_tag *tags,
                             size_t n, struct drh_err *err);
/* ListTagsForResource: the value of tag key ("" for an empty value), or
 * NULL when absent (*value caller frees). */
enum drh_status rds_get_tag(struct aws_client *c, const char *arn, const char *key, char **value,
                            struct drh_err *err);

/*
 * DB subnet groups (rds_subnet_group.c). DBSubnetGroupNotFoundFault is
 * DRH_E_NOTFOUND.
 */
struct rds_subnet_group {
    char *name;
    char *arn;
    char *vpc;
    char *status; /* SubnetGroupStatus: "Complete" */
    char **subnets;
    char **azs; /* the subnets' availability zones ("" when not given) */
    size_t n_subnets;
};
void rds_subnet_group_clean_up(struct rds_subnet_group *g);
/* CreateDBSubnetGroup over subnets (at least two zones, as AWS requires),
 * with tags. */
enum drh_status rds_create_subnet_group(struct aws_client *c, const char *name,
                                        const char *description, const char *const *subnets,
                                        size_t n_subnets, const struct aws_tag *tags, size_t n_tags,
                                        struct drh_err *err);
/* DescribeDBSubnetGroups of one name. out must be zeroed or previously
 * filled. */
enum drh_status rds_describe_subnet_group(struct aws_client *c, const char *name,
                                          struct rds_subnet_group *out, struct drh_err *err);
/* DeleteDBSubnetGroup. A group a database still uses
 * (InvalidDBSubnetGroupStateFault, InvalidDBSubnetStateFault) is DRH_E_AWS
 * with *in_use set (in_use may be NULL). */
enum drh_status rds_delete_subnet_group(struct aws_client *c, const char *name, bool *in_use,
                                        struct drh_err *err);

#endif
