/*
 * Amazon RDS restores (rds.h): from a snapshot (RestoreDBClusterFromSnapshot,
 * RestoreDBInstanceFromDBSnapshot) and to a point in time
 * (RestoreDBClusterToPointInTime, RestoreDBInstanceToPointInTime: a given
 * time or the latest restorable one), into a subnet group and security
 * groups, tagged; botocore's rds/2014-10-31 model. The time goes on the
 * wire as the query protocol writes timestamps (ISO 8601, UTC, "Z").
 */
#include "aws/rds.h"
#include "aws/rds_impl.h"

#include "aws/call.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

/* Where a restore goes and its tags. */
static void s_placement(struct aws_params *p, const char *subnet_group,
                        const char *const *security_groups, size_t n_security_groups,
                        const struct aws_tag *tags, size_t n_tags)
{
    if (subnet_group)
        aws_params_add(p, "DBSubnetGroupName", subnet_group);
    if (n_security_groups)
        aws_params_add_list(p, AWS_PROTO_QUERY, "VpcSecurityGroupIds", "VpcSecurityGroupId",
                            security_groups, n_security_groups);
    if (n_tags)
        aws_params_add_tags(p, AWS_PROTO_QUERY, "Tags", "Tag", tags, n_tags);
}

enum drh_status rds_restore_from_snapshot(struct aws_client *c, bool cluster,
                                          const struct rds_restore *r, struct drh_err *err)
{
    const char *op = cluster ? "RestoreDBClusterFromSnapshot" : "RestoreDBInstanceFromDBSnapshot";
    enum drh_status st = aws_need(r->snapshot, "rds", op, "snapshot", err);
    if (st == DRH_OK)
        st = aws_need(r->target_id, "rds", op, "target identifier", err);
    if (st == DRH_OK && cluster)
        st = aws_need(r->engine, "rds", op, "engine", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, cluster ? "DBClusterIdentifier" : "DBInstanceIdentifier", r->target_id);
    aws_params_add(&p, cluster ? "SnapshotIdentifier" : "DBSnapshotIdentifier", r->snapshot);
    if (r->engine)
        aws_params_add(&p, "Engine", r->engine);
    if (!cluster && r->instance_class)
        aws_params_add(&p, "DBInstanceClass", r->instance_class);
    s_placement(&p, r->subnet_group, r->security_groups, r->n_security_groups, r->tags, r->n_tags);
    st = rds_call(c, op, &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

/* "2026-11-22T10:00:00Z", or with milliseconds when t has a fraction. */
static enum drh_status s_iso(double t, char out[40], struct drh_err *err)
{
    time_t sec = (time_t)floor(t);
    int ms = (int)((t - (double)sec) * 1000.0);
    struct tm tm;
    if (t <= 0 || !gmtime_r(&sec, &tm))
        return drh_err_set(err, DRH_E_INPUT, "rds: restore time %.3f is not a time", t);
    int n = snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    snprintf(out + n, (size_t)(40 - n), ms ? ".%03dZ" : "Z", ms);
    return DRH_OK;
}

enum drh_status rds_restore_to_point_in_time(struct aws_client *c, bool cluster,
                                             const struct rds_pitr *r, struct rds_db *out,
                                             struct drh_err *err)
{
    const char *op = cluster ? "RestoreDBClusterToPointInTime" : "RestoreDBInstanceToPointInTime";
    enum drh_status st = aws_need(r->source_id, "rds", op, "source identifier", err);
    if (st == DRH_OK)
        st = aws_need(r->target_id, "rds", op, "target identifier", err);
    char when[40] = "";
    if (st == DRH_OK && r->restore_time != 0)
        st = s_iso(r->restore_time, when, err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    if (cluster) {
        aws_params_add(&p, "DBClusterIdentifier", r->target_id);
        aws_params_add(&p, "SourceDBClusterIdentifier", r->source_id);
        aws_params_add(&p, when[0] ? "RestoreToTime" : "UseLatestRestorableTime",
                       when[0] ? when : "true");
        if (r->kms_key)
            aws_params_add(&p, "KmsKeyId", r->kms_key);
    } else {
        aws_params_add(&p, "SourceDBInstanceIdentifier", r->source_id);
        aws_params_add(&p, "TargetDBInstanceIdentifier", r->target_id);
        aws_params_add(&p, when[0] ? "RestoreTime" : "UseLatestRestorableTime",
                       when[0] ? when : "true");
        if (r->instance_class)
            aws_params_add(&p, "DBInstanceClass", r->instance_class);
    }
    s_placement(&p, r->subnet_group, r->security_groups, r->n_security_groups, r->tags, r->n_tags);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    st = rds_call(c, op, &p, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    const char *item = cluster ? "DBCluster" : "DBInstance";
    const struct xml_node *n = xml_child(result, item);
    if (!n)
        st = drh_err_set(err, DRH_E_PARSE, "rds %s: the response has no %s", op, item);
    else
        st = rds_parse_db(cluster, n, out, err);
    xml_free(doc);
    return st;
}
