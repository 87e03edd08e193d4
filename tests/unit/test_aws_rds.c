/* Tests of the RDS module against the scripted server on 127.0.0.1: the
 * exact form body of each operation (cluster and instance variants), the
 * parsing of responses written after botocore's rds model
 * (tests/data/aws/rds_*.xml), Marker pagination and the mapping of the
 * not-found faults to DRH_E_NOTFOUND. */
#include "support/httpd.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/rds.h"
#include "log.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct httpd *s_srv;

static int s_init(void)
{
    s_srv = httpd_start();
    return s_srv ? 0 : 1;
}

static int s_cleanup(void)
{
    httpd_stop(s_srv);
    return 0;
}

static void s_no_sleep(double s, void *ctx) {}

/* A client of region (eu-west-1 unless given) that sends everything to the
 * scripted server. */
struct env {
    struct testenv *t;
    struct aws_creds_provider *cp;
    struct aws_client *c;
};

static void s_env_init_in(struct env *e, const char *region)
{
    e->t = testenv_new();
    testenv_set(e->t, "AWS_ENDPOINT_URL", httpd_url(s_srv));
    struct aws_credentials cr = {(char *)"AKIDTEST", (char *)"SECRETTESTKEY", NULL, 0, NULL};
    e->cp = aws_creds_static_new(&cr, "test keys");
    struct aws_client_options o = {0};
    o.region = region;
    o.env = &e->t->env;
    o.creds = e->cp;
    o.retry.max_attempts = 1;
    o.retry.sleep = s_no_sleep;
    e->c = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(aws_client_new(&o, &e->c, &err), DRH_OK);
}

static void s_env_init(struct env *e)
{
    s_env_init_in(e, "eu-west-1");
}

static void s_env_clean_up(struct env *e)
{
    aws_client_free(e->c);
    aws_creds_provider_free(e->cp);
    testenv_free(e->t);
}

/* tests/data/NAME; fails the test when it cannot be read. Caller frees. */
static char *s_sample(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "tests/data/%s", name);
    char *text = test_read_file(path);
    if (!text)
        TEST_FAILF("%s: cannot read it (run the tests from the project root)", path);
    return text;
}

static const char s_xml_ct[] = "Content-Type: text/xml\r\n";

/* Request i is a signed POST / whose form body is exactly
 * "Action=<action>&Version=2014-10-31" followed by rest. */
static void s_expect(size_t i, const char *action, const char *rest)
{
    const struct httpd_request *r = httpd_request_at(s_srv, i);
    if (!r) {
        TEST_FAILF("request %zu (%s) was not sent", i, action);
        return;
    }
    char *want = xasprintf("Action=%s&Version=2014-10-31%s", action, rest);
    if (strcmp(buf_str(&r->body), want) != 0)
        TEST_FAILF("request %zu: body\n  %s\nwant\n  %s", i, buf_str(&r->body), want);
    free(want);
    CU_ASSERT_STRING_EQUAL(r->method, "POST");
    CU_ASSERT_STRING_EQUAL(r->target, "/");
    const char *auth = headers_get(&r->headers, "Authorization");
    CU_ASSERT_PTR_NOT_NULL(auth ? strstr(auth, "/rds/aws4_request") : NULL);
}

/* The smallest successful response of an action without a useful result. */
static char *s_ok(const char *action)
{
    return xasprintf("<%sResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
                     "<%sResult/><ResponseMetadata><RequestId>r-1</RequestId>"
                     "</ResponseMetadata></%sResponse>",
                     action, action, action);
}

static char *s_error(const char *code, const char *message)
{
    return xasprintf("<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error>"
                     "<Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
                     "<RequestId>req-%s</RequestId></ErrorResponse>",
                     code, message, code);
}

#define CLUSTER_SNAP_ARN                                                                           \
    "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:drh-prod-cluster-1-manual"
#define CLUSTER_SNAP_ARN_ENC                                                                       \
    "arn%3Aaws%3Ards%3Aeu-west-1%3A111122223333%3Acluster-snapshot%3Adrh-prod-cluster-1-manual"
#define SNAP_ARN "arn:aws:rds:us-east-1:111122223333:snapshot:drh-prod-db-2024-05-08"
#define SNAP_ARN_ENC                                                                               \
    "arn%3Aaws%3Ards%3Aus-east-1%3A111122223333%3Asnapshot%3Adrh-prod-db-2024-05-08"
#define KMS "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
#define KMS_ENC                                                                                    \
    "arn%3Aaws%3Akms%3Aeu-west-1%3A444455556666%3Akey%2F1234abcd-12ab-34cd-56ef-1234567890ab"

static void test_describe_cluster(void)
{
    struct env e;
    s_env_init(&e);
    struct buf sample;
    buf_init(&sample);
    test_read_sample("rds_describe_db_clusters.xml", &sample);
    struct httpd_reply script[] = {{200, s_xml_ct, buf_str(&sample), 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    struct rds_db d = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(rds_describe_db(e.c, true, "drh-prod-cluster-1", &d, &err), DRH_OK);
    s_expect(0, "DescribeDBClusters", "&DBClusterIdentifier=drh-prod-cluster-1");
    CU_ASSERT_STRING_EQUAL(d.id, "drh-prod-cluster-1");
    CU_ASSERT_STRING_EQUAL(d.arn, "arn:aws:rds:eu-west-1:111122223333:cluster:drh-prod-cluster-1");
    CU_ASSERT_STRING_EQUAL(d.status, "available");
    CU_ASSERT_STRING_EQUAL(d.engine, "aurora-postgresql");
    CU_ASSERT_STRING_EQUAL(d.endpoint,
                           "drh-prod-cluster-1.cluster-c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com");
    CU_ASSERT_EQUAL(d.port, 5432);
    CU_ASSERT_STRING_EQUAL(d.master_user, "postgres");
    CU_ASSERT_STRING_EQUAL(d.db_name, "orders");
    CU_ASSERT_PTR_NULL(d.cluster_id);
    CU_ASSERT_STRING_EQUAL(
        d.kms_key, "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    rds_db_clean_up(&d);
    buf_clean_up(&sample);
    s_env_clean_up(&e);
}

static void test_describe_instance(void)
{
    struct env e;
    s_env_init(&e);
    char *one = s_sample("aws/rds_describe_db_instances.xml");
    char *creating = s_sample("aws/rds_describe_db_instances_aurora_creating.xml");
    struct httpd_reply script[] = {{200, s_xml_ct, one, 0, 0, 0},
                                   {200, s_xml_ct, creating, 0, 0, 0}};
    httpd_script(s_srv, script, 2);
    struct rds_db d = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(rds_describe_db(e.c, false, "drh-drill-db", &d, &err), DRH_OK);
    s_expect(0, "DescribeDBInstances", "&DBInstanceIdentifier=drh-drill-db");
    CU_ASSERT_STRING_EQUAL(d.id, "drh-drill-db");
    CU_ASSERT_STRING_EQUAL(d.arn, "arn:aws:rds:eu-west-1:444455556666:db:drh-drill-db");
    CU_ASSERT_STRING_EQUAL(d.status, "available");
    CU_ASSERT_STRING_EQUAL(d.engine, "postgres");
    CU_ASSERT_STRING_EQUAL(d.endpoint, "drh-drill-db.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com");
    CU_ASSERT_EQUAL(d.port, 5432);
    CU_ASSERT_STRING_EQUAL(d.master_user, "drh_admin");
    CU_ASSERT_STRING_EQUAL(d.db_name, "orders");
    CU_ASSERT_PTR_NULL(d.cluster_id);
    CU_ASSERT_STRING_EQUAL(d.kms_key, KMS);

    /* An Aurora member still being created: no endpoint, no port yet. By
     * ARN, as a drill may name it. */
    CU_ASSERT_EQUAL_FATAL(
        rds_describe_db(e.c, false,
                        "arn:aws:rds:eu-west-1:444455556666:db:drh-drill-cluster-1-writer", &d,
                        &err),
        DRH_OK);
    s_expect(1, "DescribeDBInstances",
             "&DBInstanceIdentifier=arn%3Aaws%3Ards%3Aeu-west-1%3A444455556666%3Adb%3Adrh-drill-"
             "cluster-1-writer");
    CU_ASSERT_STRING_EQUAL(d.id, "drh-drill-cluster-1-writer");
    CU_ASSERT_STRING_EQUAL(d.status, "creating");
    CU_ASSERT_PTR_NULL(d.endpoint);
    CU_ASSERT_EQUAL(d.port, 0);
    CU_ASSERT_PTR_NULL(d.db_name);
    CU_ASSERT_STRING_EQUAL(d.cluster_id, "drh-drill-cluster-1");
    CU_ASSERT_PTR_NULL(d.kms_key);
    rds_db_clean_up(&d);
    rds_db_clean_up(&d); /* safe twice */
    rds_db_clean_up(NULL);
    free(one);
    free(creating);
    s_env_clean_up(&e);
}

static void test_describe_db_not_found(void)
{
    struct env e;
    s_env_init(&e);
    struct buf cluster_nf;
    buf_init(&cluster_nf);
    test_read_sample("rds_error_cluster_not_found.xml", &cluster_nf);
    char *instance_nf = s_sample("aws/rds_error_instance_not_found.xml");
    char *empty = xasprintf("<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances/>"
                            "</DescribeDBInstancesResult></DescribeDBInstancesResponse>");
    char *bad_port = xasprintf(
        "<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances><DBInstance>"
        "<DBInstanceIdentifier>x</DBInstanceIdentifier><Endpoint><Port>54x</Port></Endpoint>"
        "</DBInstance></DBInstances></DescribeDBInstancesResult></DescribeDBInstancesResponse>");
    char *denied = s_error("AccessDenied", "not authorized to perform rds:DescribeDBClusters");
    struct httpd_reply script[] = {
        {404, s_xml_ct, buf_str(&cluster_nf), 0, 0, 0},
        {404, s_xml_ct, instance_nf, 0, 0, 0},
        {200, s_xml_ct, empty, 0, 0, 0},
        {200, s_xml_ct, bad_port, 0, 0, 0},
        {403, s_xml_ct, denied, 0, 0, 0},
    };
    httpd_script(s_srv, script, 5);
    struct rds_db d = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL(rds_describe_db(e.c, true, "drh-restore-20240508", &d, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "rds DescribeDBClusters"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "DBClusterNotFoundFault"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "DBCluster drh-restore-20240508 not found"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "5e3d2c1b-0a9f-4e8d-8c7b-6a5f4e3d2c1b"));
    CU_ASSERT_EQUAL(rds_describe_db(e.c, false, "drh-drill-db", &d, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "DBInstanceNotFound"));
    CU_ASSERT_EQUAL(rds_describe_db(e.c, false, "drh-drill-db", &d, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'drh-drill-db' is not in the response"));
    CU_ASSERT_EQUAL(rds_describe_db(e.c, false, "x", &d, &err), DRH_E_PARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'54x' is not a port"));
    CU_ASSERT_EQUAL(rds_describe_db(e.c, true, "x", &d, &err), DRH_E_AWS);
    CU_ASSERT_PTR_NULL(d.id); /* untouched on failure */
    CU_ASSERT_EQUAL(rds_describe_db(e.c, true, "", &d, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 5);
    buf_clean_up(&cluster_nf);
    free(instance_nf);
    free(empty);
    free(bad_port);
    free(denied);
    s_env_clean_up(&e);
}

static void test_describe_cluster_snapshots_two_pages(void)
{
    struct env e;
    s_env_init(&e);
    char *p1 = s_sample("aws/rds_describe_db_cluster_snapshots_1.xml");
    char *p2 = s_sample("aws/rds_describe_db_cluster_snapshots_2.xml");
    struct httpd_reply script[] = {{200, s_xml_ct, p1, 0, 0, 0}, {200, s_xml_ct, p2, 0, 0, 0}};
    httpd_script(s_srv, script, 2);
    struct rds_snapshot *v = NULL;
    size_t n = 0;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(
        rds_describe_snapshots(e.c, true, "drh-prod-cluster-1", NULL, &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 2);
    s_expect(0, "DescribeDBClusterSnapshots", "&DBClusterIdentifier=drh-prod-cluster-1");
    s_expect(1, "DescribeDBClusterSnapshots",
             "&DBClusterIdentifier=drh-prod-cluster-1"
             "&Marker=ZHJoLXByb2QtY2x1c3Rlci0xLTIwMjQtMDUtMDc%3D");
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_STRING_EQUAL(v[0].id, "rds:drh-prod-cluster-1-2024-05-08-03-10");
    CU_ASSERT_STRING_EQUAL(v[0].arn, "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:rds:drh-"
                                     "prod-cluster-1-2024-05-08-03-10");
    CU_ASSERT_STRING_EQUAL(v[0].source_id, "drh-prod-cluster-1");
    CU_ASSERT_STRING_EQUAL(v[0].status, "available");
    CU_ASSERT_STRING_EQUAL(v[0].engine, "aurora-postgresql");
    CU_ASSERT_STRING_EQUAL(v[0].type, "automated");
    CU_ASSERT_DOUBLE_EQUAL(v[0].created, 1715137842.318, 1e-6);
    CU_ASSERT_TRUE(v[0].encrypted);
    CU_ASSERT_STRING_EQUAL(
        v[0].kms_key,
        "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    CU_ASSERT_STRING_EQUAL(v[1].id, "drh-prod-cluster-1-manual");
    CU_ASSERT_STRING_EQUAL(v[1].arn, CLUSTER_SNAP_ARN);
    CU_ASSERT_STRING_EQUAL(v[1].type, "manual");
    CU_ASSERT_DOUBLE_EQUAL(v[1].created, 1715119205.0, 1e-6);
    CU_ASSERT_FALSE(v[1].encrypted);
    CU_ASSERT_PTR_NULL(v[1].kms_key);
    CU_ASSERT_STRING_EQUAL(v[2].status, "creating");
    CU_ASSERT_EQUAL(v[2].created, 0);
    rds_snapshots_free(v, n);
    rds_snapshots_free(NULL, 0);
    free(p1);
    free(p2);
    s_env_clean_up(&e);
}

static void test_describe_shared_instance_snapshots(void)
{
    struct env e;
    s_env_init(&e);
    char *shared = s_sample("aws/rds_describe_db_snapshots_shared.xml");
    struct httpd_reply script[] = {{200, s_xml_ct, shared, 0, 0, 0},
                                   {200, s_xml_ct, shared, 0, 0, 0}};
    httpd_script(s_srv, script, 2);
    struct rds_snapshot *v = NULL;
    size_t n = 0;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(rds_describe_snapshots(e.c, false, NULL, "shared", &v, &n, &err), DRH_OK);
    s_expect(0, "DescribeDBSnapshots", "&SnapshotType=shared&IncludeShared=true");
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(v[0].id,
                           "arn:aws:rds:eu-west-1:111122223333:snapshot:drh-prod-db-shared");
    CU_ASSERT_STRING_EQUAL(v[0].arn,
                           "arn:aws:rds:eu-west-1:111122223333:snapshot:drh-prod-db-shared");
    CU_ASSERT_STRING_EQUAL(v[0].source_id, "drh-prod-db");
    CU_ASSERT_STRING_EQUAL(v[0].engine, "mysql");
    CU_ASSERT_STRING_EQUAL(v[0].type, "shared");
    CU_ASSERT_TRUE(v[0].encrypted);
    CU_ASSERT_STRING_EQUAL(
        v[0].kms_key,
        "arn:aws:kms:eu-west-1:111122223333:key/5678efgh-56ef-78gh-90ij-567890abcdef");
    /* 2024-05-08T01:02:03.5+00:00 */
    CU_ASSERT_DOUBLE_EQUAL(v[0].created, 1715130123.5, 1e-6);
    rds_snapshots_free(v, n);

    /* Another type: no IncludeShared; an instance filter. */
    CU_ASSERT_EQUAL(rds_describe_snapshots(e.c, false, "drh-prod-db", "manual", &v, &n, &err),
                    DRH_OK);
    s_expect(1, "DescribeDBSnapshots", "&DBInstanceIdentifier=drh-prod-db&SnapshotType=manual");
    rds_snapshots_free(v, n);
    free(shared);
    s_env_clean_up(&e);
}

static void test_describe_snapshots_refusals(void)
{
    struct env e;
    s_env_init(&e);
    static const char loop[] =
        "<DescribeDBSnapshotsResponse><DescribeDBSnapshotsResult><Marker>m</Marker><DBSnapshots>"
        "<DBSnapshot><DBSnapshotIdentifier>s</DBSnapshotIdentifier></DBSnapshot></DBSnapshots>"
        "</DescribeDBSnapshotsResult></DescribeDBSnapshotsResponse>";
    static const char bad_time[] =
        "<DescribeDBSnapshotsResponse><DescribeDBSnapshotsResult><DBSnapshots><DBSnapshot>"
        "<DBSnapshotIdentifier>s</DBSnapshotIdentifier><SnapshotCreateTime>May "
        "8</SnapshotCreateTime>"
        "</DBSnapshot></DBSnapshots></DescribeDBSnapshotsResult></DescribeDBSnapshotsResponse>";
    static const char no_id[] =
        "<DescribeDBSnapshotsResponse><DescribeDBSnapshotsResult><DBSnapshots><DBSnapshot>"
        "<Status>available</Status></DBSnapshot></DBSnapshots></DescribeDBSnapshotsResult>"
        "</DescribeDBSnapshotsResponse>";
    struct httpd_reply script[] = {
        {200, s_xml_ct, loop, 0, 0, 0},  {200, s_xml_ct, loop, 0, 0, 0},
        {200, s_xml_ct, loop, 0, 0, 0},  {200, s_xml_ct, bad_time, 0, 0, 0},
        {200, s_xml_ct, no_id, 0, 0, 0}, {200, s_xml_ct, "<Truncated", 0, 0, 0},
    };
    httpd_script(s_srv, script, 6);
    struct rds_snapshot *v = NULL;
    size_t n = 5;
    struct drh_err err;
    CU_ASSERT_EQUAL(rds_describe_snapshots(e.c, false, NULL, NULL, &v, &n, &err), DRH_E_PARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "repeated Marker"));
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 2);
    /* The page after a good one fails: the good one is freed. */
    CU_ASSERT_EQUAL(rds_describe_snapshots(e.c, false, NULL, NULL, &v, &n, &err), DRH_E_PARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'May 8' is not an ISO 8601 time"));
    CU_ASSERT_EQUAL(rds_describe_snapshots(e.c, false, NULL, NULL, &v, &n, &err), DRH_E_PARSE);
    CU_ASSERT_EQUAL(rds_describe_snapshots(e.c, false, NULL, NULL, &v, &n, &err), DRH_E_PARSE);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(n, 5);
    s_env_clean_up(&e);
}

static void test_describe_one_snapshot(void)
{
    struct env e;
    s_env_init(&e);
    char *p2 = s_sample("aws/rds_describe_db_cluster_snapshots_2.xml");
    char *shared = s_sample("aws/rds_describe_db_snapshots_shared.xml");
    char *snap_nf = s_sample("aws/rds_error_snapshot_not_found.xml");
    char *cluster_snap_nf =
        s_error("DBClusterSnapshotNotFoundFault", "DBClusterSnapshot drh-gone not found.");
    struct httpd_reply script[] = {
        {200, s_xml_ct, p2, 0, 0, 0},
        {200, s_xml_ct, shared, 0, 0, 0},
        {404, s_xml_ct, snap_nf, 0, 0, 0},
        {404, s_xml_ct, cluster_snap_nf, 0, 0, 0},
    };
    httpd_script(s_srv, script, 4);
    struct rds_snapshot s = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(rds_describe_snapshot(e.c, true, "drh-prod-cluster-1-manual", &s, &err),
                          DRH_OK);
    s_expect(0, "DescribeDBClusterSnapshots",
             "&DBClusterSnapshotIdentifier=drh-prod-cluster-1-manual");
    CU_ASSERT_STRING_EQUAL(s.id, "drh-prod-cluster-1-manual");
    /* An ARN may be a snapshot shared by another account. */
    CU_ASSERT_EQUAL_FATAL(
        rds_describe_snapshot(
            e.c, false, "arn:aws:rds:eu-west-1:111122223333:snapshot:drh-prod-db-shared", &s, &err),
        DRH_OK);
    s_expect(1, "DescribeDBSnapshots",
             "&DBSnapshotIdentifier=arn%3Aaws%3Ards%3Aeu-west-1%3A111122223333%3Asnapshot%3Adrh-"
             "prod-db-shared&IncludeShared=true");
    CU_ASSERT_STRING_EQUAL(s.type, "shared");
    CU_ASSERT_EQUAL(rds_describe_snapshot(
                        e.c, false, "arn:aws:rds:eu-west-1:111122223333:snapshot:gone", &s, &err),
                    DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "DBSnapshotNotFound"));
    CU_ASSERT_EQUAL(rds_describe_snapshot(e.c, true, "drh-gone", &s, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "DBClusterSnapshot drh-gone not found"));
    CU_ASSERT_STRING_EQUAL(s.type, "shared"); /* untouched on failure */
    rds_snapshot_clean_up(&s);
    rds_snapshot_clean_up(NULL);
    free(p2);
    free(shared);
    free(snap_nf);
    free(cluster_snap_nf);
    s_env_clean_up(&e);
}

static void test_copy_and_delete_snapshots(void)
{
    struct env e;
    s_env_init(&e);
    char *copy_cluster = s_ok("CopyDBClusterSnapshot");
    char *copy = s_ok("CopyDBSnapshot");
    char *del_cluster = s_ok("DeleteDBClusterSnapshot");
    char *del = s_ok("DeleteDBSnapshot");
    char *nf = s_error("DBSnapshotNotFound", "DBSnapshot drh-gone not found.");
    struct httpd_reply script[] = {
        {200, s_xml_ct, copy_cluster, 0, 0, 0}, {200, s_xml_ct, copy, 0, 0, 0},
        {200, s_xml_ct, copy, 0, 0, 0},         {200, s_xml_ct, del_cluster, 0, 0, 0},
        {200, s_xml_ct, del, 0, 0, 0},          {404, s_xml_ct, nf, 0, 0, 0},
    };
    httpd_script(s_srv, script, 6);
    struct aws_tag tags[] = {{"drh:drill", "rds nightly"}, {"drh:run", "42"}};
    struct drh_err err;
    /* A shared cluster snapshot into this account, re-encrypted with our key. */
    CU_ASSERT_EQUAL(
        rds_copy_snapshot(e.c, true, CLUSTER_SNAP_ARN, "drh-drill-copy", KMS, NULL, tags, 2, &err),
        DRH_OK);
    s_expect(0, "CopyDBClusterSnapshot",
             "&SourceDBClusterSnapshotIdentifier=" CLUSTER_SNAP_ARN_ENC
             "&TargetDBClusterSnapshotIdentifier=drh-drill-copy&KmsKeyId=" KMS_ENC
             "&Tags.Tag.1.Key=drh%3Adrill&Tags.Tag.1.Value=rds%20nightly"
             "&Tags.Tag.2.Key=drh%3Arun&Tags.Tag.2.Value=42");
    /* Cross-Region: called here (eu-west-1) with the source's ARN; SourceRegion
     * is no wire parameter and no PreSignedUrl is sent outside GovCloud. */
    CU_ASSERT_EQUAL(
        rds_copy_snapshot(e.c, false, SNAP_ARN, "drh-drill-copy", KMS, "us-east-1", NULL, 0, &err),
        DRH_OK);
    s_expect(1, "CopyDBSnapshot",
             "&SourceDBSnapshotIdentifier=" SNAP_ARN_ENC
             "&TargetDBSnapshotIdentifier=drh-drill-copy&KmsKeyId=" KMS_ENC);
    /* Same Region named explicitly, no key: the plainest copy. */
    CU_ASSERT_EQUAL(rds_copy_snapshot(e.c, false, "drh-prod-db-2024-05-08", "drh-drill-copy", NULL,
                                      "eu-west-1", NULL, 0, &err),
                    DRH_OK);
    s_expect(2, "CopyDBSnapshot",
             "&SourceDBSnapshotIdentifier=drh-prod-db-2024-05-08"
             "&TargetDBSnapshotIdentifier=drh-drill-copy");
    CU_ASSERT_EQUAL(rds_delete_snapshot(e.c, true, "drh-drill-copy", &err), DRH_OK);
    s_expect(3, "DeleteDBClusterSnapshot", "&DBClusterSnapshotIdentifier=drh-drill-copy");
    CU_ASSERT_EQUAL(rds_delete_snapshot(e.c, false, "drh-drill-copy", &err), DRH_OK);
    s_expect(4, "DeleteDBSnapshot", "&DBSnapshotIdentifier=drh-drill-copy");
    CU_ASSERT_EQUAL(rds_delete_snapshot(e.c, false, "drh-gone", &err), DRH_E_NOTFOUND);

    /* Refused before any request: a cross-Region source that is no ARN, or
     * whose ARN names another Region; no target. */
    CU_ASSERT_EQUAL(rds_copy_snapshot(e.c, false, "drh-prod-db-2024-05-08", "t", KMS, "us-east-1",
                                      NULL, 0, &err),
                    DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "must be an ARN"));
    CU_ASSERT_EQUAL(rds_copy_snapshot(e.c, false, SNAP_ARN, "t", KMS, "us-west-2", NULL, 0, &err),
                    DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is in us-east-1, not in us-west-2"));
    CU_ASSERT_EQUAL(rds_copy_snapshot(e.c, false, SNAP_ARN, NULL, KMS, NULL, NULL, 0, &err),
                    DRH_E_INPUT);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 6);
    s_env_clean_up(&e);

    /* GovCloud needs a PreSignedUrl that drh does not make: refused, with a hint. */
    s_env_init_in(&e, "us-gov-west-1");
    httpd_script(s_srv, NULL, 0);
    CU_ASSERT_EQUAL(rds_copy_snapshot(e.c, false,
                                      "arn:aws-us-gov:rds:us-gov-east-1:111122223333:snapshot:s",
                                      "t", "k", "us-gov-east-1", NULL, 0, &err),
                    DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "PreSignedUrl"));
    CU_ASSERT_NOT_EQUAL(err.hint[0], '\0');
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 0);
    s_env_clean_up(&e);
    free(copy_cluster);
    free(copy);
    free(del_cluster);
    free(del);
    free(nf);
}

static void test_restore(void)
{
    struct env e;
    s_env_init(&e);
    char *rc = s_ok("RestoreDBClusterFromSnapshot");
    char *ri = s_ok("RestoreDBInstanceFromDBSnapshot");
    char *ci = s_ok("CreateDBInstance");
    char *exists = s_error("DBClusterAlreadyExistsFault", "DB Cluster already exists");
    struct httpd_reply script[] = {
        {200, s_xml_ct, rc, 0, 0, 0},     {200, s_xml_ct, ri, 0, 0, 0},
        {200, s_xml_ct, ri, 0, 0, 0},     {200, s_xml_ct, ci, 0, 0, 0},
        {400, s_xml_ct, exists, 0, 0, 0},
    };
    httpd_script(s_srv, script, 5);
    static const char *const sgs[] = {"sg-0123456789abcdef0", "sg-0fedcba9876543210"};
    struct aws_tag tags[] = {{"drh:drill", "rds-nightly"}, {"drh:run", "42"}};
    struct rds_restore r = {0};
    r.snapshot = CLUSTER_SNAP_ARN;
    r.target_id = "drh-drill-cluster-1";
    r.engine = "aurora-postgresql";
    r.instance_class = "db.r6g.large"; /* not a cluster parameter: ignored */
    r.subnet_group = "drh-isolated";
    r.security_groups = sgs;
    r.n_security_groups = 2;
    r.tags = tags;
    r.n_tags = 2;
    struct drh_err err;
    CU_ASSERT_EQUAL(rds_restore_from_snapshot(e.c, true, &r, &err), DRH_OK);
    s_expect(0, "RestoreDBClusterFromSnapshot",
             "&DBClusterIdentifier=drh-drill-cluster-1&SnapshotIdentifier=" CLUSTER_SNAP_ARN_ENC
             "&Engine=aurora-postgresql&DBSubnetGroupName=drh-isolated"
             "&VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-0123456789abcdef0"
             "&VpcSecurityGroupIds.VpcSecurityGroupId.2=sg-0fedcba9876543210"
             "&Tags.Tag.1.Key=drh%3Adrill&Tags.Tag.1.Value=rds-nightly"
             "&Tags.Tag.2.Key=drh%3Arun&Tags.Tag.2.Value=42");

    r.snapshot = "drh-prod-db-2024-05-08";
    r.target_id = "drh-drill-db";
    r.engine = "postgres";
    r.instance_class = "db.t3.medium";
    r.n_security_groups = 1;
    r.n_tags = 1;
    CU_ASSERT_EQUAL(rds_restore_from_snapshot(e.c, false, &r, &err), DRH_OK);
    s_expect(1, "RestoreDBInstanceFromDBSnapshot",
             "&DBInstanceIdentifier=drh-drill-db&DBSnapshotIdentifier=drh-prod-db-2024-05-08"
             "&Engine=postgres&DBInstanceClass=db.t3.medium&DBSubnetGroupName=drh-isolated"
             "&VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-0123456789abcdef0"
             "&Tags.Tag.1.Key=drh%3Adrill&Tags.Tag.1.Value=rds-nightly");

    /* Only what is given: the snapshot's class, the default subnet group. */
    struct rds_restore plain = {0};
    plain.snapshot = "s";
    plain.target_id = "t";
    CU_ASSERT_EQUAL(rds_restore_from_snapshot(e.c, false, &plain, &err), DRH_OK);
    s_expect(2, "RestoreDBInstanceFromDBSnapshot",
             "&DBInstanceIdentifier=t&DBSnapshotIdentifier=s");

    CU_ASSERT_EQUAL(rds_create_cluster_instance(e.c, "drh-drill-cluster-1",
                                                "drh-drill-cluster-1-writer", "aurora-postgresql",
                                                "db.r6g.large", tags, 2, &err),
                    DRH_OK);
    s_expect(3, "CreateDBInstance",
             "&DBInstanceIdentifier=drh-drill-cluster-1-writer&DBInstanceClass=db.r6g.large"
             "&Engine=aurora-postgresql&DBClusterIdentifier=drh-drill-cluster-1"
             "&Tags.Tag.1.Key=drh%3Adrill&Tags.Tag.1.Value=rds-nightly"
             "&Tags.Tag.2.Key=drh%3Arun&Tags.Tag.2.Value=42");

    r.snapshot = CLUSTER_SNAP_ARN;
    r.engine = "aurora-postgresql";
    CU_ASSERT_EQUAL(rds_restore_from_snapshot(e.c, true, &r, &err), DRH_E_AWS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "DBClusterAlreadyExistsFault"));

    /* A cluster restore needs its engine (a required member). */
    plain.engine = NULL;
    CU_ASSERT_EQUAL(rds_restore_from_snapshot(e.c, true, &plain, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(
        rds_create_cluster_instance(e.c, "c", "i", "aurora-postgresql", NULL, NULL, 0, &err),
        DRH_E_INPUT);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 5);
    free(rc);
    free(ri);
    free(ci);
    free(exists);
    s_env_clean_up(&e);
}

static void test_master_password_and_delete(void)
{
    struct env e;
    s_env_init(&e);
    char *mc = s_ok("ModifyDBCluster");
    char *mi = s_ok("ModifyDBInstance");
    char *dc = s_ok("DeleteDBCluster");
    char *di = s_ok("DeleteDBInstance");
    char *busy = s_error("InvalidDBClusterStateFault", "DbCluster drh-drill-cluster-1 is not "
                                                       "currently in the available state.");
    char *nf = s_error("DBClusterNotFoundFault", "DBCluster drh-gone not found.");
    struct httpd_reply script[] = {
        {200, s_xml_ct, mc, 0, 0, 0}, {200, s_xml_ct, mi, 0, 0, 0}, {400, s_xml_ct, busy, 0, 0, 0},
        {200, s_xml_ct, dc, 0, 0, 0}, {200, s_xml_ct, di, 0, 0, 0}, {404, s_xml_ct, nf, 0, 0, 0},
    };
    httpd_script(s_srv, script, 6);
    struct drh_err err;
    CU_ASSERT_EQUAL(
        rds_set_master_password(e.c, true, "drh-drill-cluster-1", "N3w&Pass=word+1", &err), DRH_OK);
    s_expect(0, "ModifyDBCluster",
             "&DBClusterIdentifier=drh-drill-cluster-1&MasterUserPassword=N3w%26Pass%3Dword%2B1"
             "&ApplyImmediately=true");
    CU_ASSERT_EQUAL(rds_set_master_password(e.c, false, "drh-drill-db", "pw", &err), DRH_OK);
    s_expect(1, "ModifyDBInstance",
             "&DBInstanceIdentifier=drh-drill-db&MasterUserPassword=pw&ApplyImmediately=true");
    /* A failure names the DB and the cause, never the password. */
    CU_ASSERT_EQUAL(rds_set_master_password(e.c, true, "drh-drill-cluster-1", "S3cretValue!", &err),
                    DRH_E_AWS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "InvalidDBClusterStateFault"));
    CU_ASSERT_PTR_NULL(strstr(err.msg, "S3cretValue"));
    CU_ASSERT_PTR_NULL(strstr(err.hint, "S3cretValue"));

    CU_ASSERT_EQUAL(rds_delete_db(e.c, true, "drh-drill-cluster-1", &err), DRH_OK);
    s_expect(3, "DeleteDBCluster",
             "&DBClusterIdentifier=drh-drill-cluster-1&SkipFinalSnapshot=true");
    CU_ASSERT_EQUAL(rds_delete_db(e.c, false, "drh-drill-db", &err), DRH_OK);
    s_expect(4, "DeleteDBInstance", "&DBInstanceIdentifier=drh-drill-db&SkipFinalSnapshot=true");
    CU_ASSERT_EQUAL(rds_delete_db(e.c, true, "drh-gone", &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(rds_set_master_password(e.c, true, "c", "", &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 6);
    free(mc);
    free(mi);
    free(dc);
    free(di);
    free(busy);
    free(nf);
    s_env_clean_up(&e);
}

static void test_tags(void)
{
    struct env e;
    s_env_init(&e);
    /* An operation without output: no Result element at all. */
    char *add = xasprintf("<AddTagsToResourceResponse xmlns=\"http://rds.amazonaws.com/doc/"
                          "2014-10-31/\"><ResponseMetadata><RequestId>r-2</RequestId>"
                          "</ResponseMetadata></AddTagsToResourceResponse>");
    char *list = s_sample("aws/rds_list_tags_for_resource.xml");
    char *nf = s_sample("aws/rds_error_instance_not_found.xml");
    struct httpd_reply script[] = {
        {200, s_xml_ct, add, 0, 0, 0},  {200, s_xml_ct, list, 0, 0, 0},
        {200, s_xml_ct, list, 0, 0, 0}, {200, s_xml_ct, list, 0, 0, 0},
        {404, s_xml_ct, nf, 0, 0, 0},
    };
    httpd_script(s_srv, script, 5);
    static const char arn[] = "arn:aws:rds:eu-west-1:444455556666:db:drh-drill-db";
    static const char arn_enc[] = "arn%3Aaws%3Ards%3Aeu-west-1%3A444455556666%3Adb%3Adrh-drill-db";
    struct aws_tag tags[] = {{"drh:drill", "rds-nightly"}, {"drh:run", "20240508T041233Z-7f3a"}};
    struct drh_err err;
    CU_ASSERT_EQUAL(rds_add_tags(e.c, arn, tags, 2, &err), DRH_OK);
    char *rest = xasprintf("&ResourceName=%s&Tags.Tag.1.Key=drh%%3Adrill&Tags.Tag.1.Value=rds-"
                           "nightly&Tags.Tag.2.Key=drh%%3Arun&Tags.Tag.2.Value=20240508T041233Z-"
                           "7f3a",
                           arn_enc);
    s_expect(0, "AddTagsToResource", rest);
    free(rest);
    char *value = NULL;
    CU_ASSERT_EQUAL(rds_get_tag(e.c, arn, "drh:run", &value, &err), DRH_OK);
    rest = xasprintf("&ResourceName=%s", arn_enc);
    s_expect(1, "ListTagsForResource", rest);
    free(rest);
    CU_ASSERT_STRING_EQUAL(value, "20240508T041233Z-7f3a");
    free(value);
    CU_ASSERT_EQUAL(rds_get_tag(e.c, arn, "absent", &value, &err), DRH_OK);
    CU_ASSERT_PTR_NULL(value);
    CU_ASSERT_EQUAL(rds_get_tag(e.c, arn, "owner", &value, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(value, "");
    free(value);
    value = (char *)"untouched";
    CU_ASSERT_EQUAL(rds_get_tag(e.c, arn, "drh:run", &value, &err), DRH_E_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(value, "untouched");
    /* No tags: nothing to send. */
    CU_ASSERT_EQUAL(rds_add_tags(e.c, arn, NULL, 0, &err), DRH_OK);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 5);
    free(add);
    free(list);
    free(nf);
    s_env_clean_up(&e);
}

/* The password goes over the wire, never into a --debug trace. */
static void test_debug_trace_hides_the_password(void)
{
    struct env e;
    s_env_init(&e);
    char *mc = s_ok("ModifyDBCluster");
    struct httpd_reply script[] = {{200, s_xml_ct, mc, 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    char *log_path = xasprintf("%s/debug.log", e.t->dir);
    FILE *sink = fopen(log_path, "w+");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sink);
    log_set_sink(sink);
    log_set_level(LOG_DEBUG);
    struct drh_err err;
    CU_ASSERT_EQUAL(
        rds_set_master_password(e.c, true, "drh-drill-cluster-1", "TopS3cretPassw0rd", &err),
        DRH_OK);
    log_set_level(LOG_INFO);
    log_set_sink(NULL);
    fclose(sink);
    char *log = test_read_file(log_path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "ModifyDBCluster"));
    CU_ASSERT_PTR_NULL(strstr(log, "TopS3cretPassw0rd"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&httpd_request_at(s_srv, 0)->body), "TopS3cretPassw0rd"));
    free(log);
    free(log_path);
    free(mc);
    s_env_clean_up(&e);
}

static const struct test_case cases[] = {
    {"DescribeDBClusters of one cluster", test_describe_cluster},
    {"DescribeDBInstances: standalone, and an Aurora member being created", test_describe_instance},
    {"DescribeDB*: not found, empty, malformed, other errors", test_describe_db_not_found},
    {"DescribeDBClusterSnapshots follows Marker over two pages",
     test_describe_cluster_snapshots_two_pages},
    {"DescribeDBSnapshots of shared snapshots sets IncludeShared",
     test_describe_shared_instance_snapshots},
    {"DescribeDBSnapshots refuses loops and malformed pages", test_describe_snapshots_refusals},
    {"one snapshot by name or ARN, and the not-found faults", test_describe_one_snapshot},
    {"CopyDB(Cluster)Snapshot, same and cross Region; Delete", test_copy_and_delete_snapshots},
    {"Restore from snapshot (cluster, instance) and CreateDBInstance", test_restore},
    {"Modify master password, DeleteDB(Cluster|Instance)", test_master_password_and_delete},
    {"AddTagsToResource and ListTagsForResource", test_tags},
    {"a --debug trace never holds the master password", test_debug_trace_hides_the_password},
};

TEST_SUITE_FULL("aws-rds", cases, NULL, s_init, s_cleanup)
