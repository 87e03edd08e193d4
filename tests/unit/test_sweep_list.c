/* Tests of the tag listings drh sweep uses (harness/aws/tagged.h) against
 * a scripted HTTP server with responses written after botocore's models:
 * what each call sends (the tag-key filter, Owner self, the markers of the
 * next page), what it keeps (only what carries the tag key, not the
 * deleted), the fields it reads (id, ARN, state, creation time, every
 * tag), and how S3 buckets of another Region or without tags drop out
 * while an access error does not. */
#include "support/httpd.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/tagged.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct httpd *s_srv;
static const char s_xml[] = "Content-Type: text/xml\r\n";
static const char s_json[] = "Content-Type: application/json\r\n";

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

struct env {
    struct testenv *t;
    struct aws_creds_provider *cp;
    struct aws_client *c;
};

static void s_env(struct env *e)
{
    e->t = testenv_new();
    testenv_set(e->t, "AWS_ENDPOINT_URL", httpd_url(s_srv));
    struct aws_credentials cr = {(char *)"AKIDTEST", (char *)"SECRETTESTKEY", NULL, 0, NULL};
    e->cp = aws_creds_static_new(&cr, "test keys");
    struct aws_client_options o = {0};
    o.region = "eu-west-1";
    o.env = &e->t->env;
    o.creds = e->cp;
    o.retry.max_attempts = 1;
    o.retry.sleep = s_no_sleep;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(aws_client_new(&o, &e->c, &err), DRH_OK);
}

static void s_env_free(struct env *e)
{
    aws_client_free(e->c);
    aws_creds_provider_free(e->cp);
    testenv_free(e->t);
}

/* Request i's body (query protocols) or target (REST) contains want. */
static void s_sent(size_t i, const char *want)
{
    const struct httpd_request *r = httpd_request_at(s_srv, i);
    if (!r) {
        TEST_FAILF("request %zu was not sent (wanted %s)", i, want);
        return;
    }
    if (!strstr(buf_str(&r->body), want) && !strstr(r->target, want))
        TEST_FAILF("request %zu: %s %s %s lacks %s", i, r->method, r->target, buf_str(&r->body),
                   want);
}

#define EC2_OPEN                                                                                   \
    "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"               \
    "<requestId>r-1</requestId><reservationSet>"
#define TAG(k, v) "<item><key>" k "</key><value>" v "</value></item>"

static void test_ec2_instances(void)
{
    struct env e;
    s_env(&e);
    const char *p1 = EC2_OPEN
        "<item><reservationId>r-1</reservationId><instancesSet>"
        "<item><instanceId>i-0aaa</instanceId><instanceState><code>16</code><name>running</name>"
        "</instanceState><launchTime>2026-11-22T03:04:05.000Z</launchTime><tagSet>" TAG(
            "drh:run-id", "20261122-030000-a1b2c3") TAG("drh:expires", "2026-11-22T10:00:00Z")
            TAG("empty", "") "</tagSet></item>"
                             /* a server that ignores the filter: an untagged one is dropped */
                             "<item><instanceId>i-0bbb</instanceId><instanceState><code>16</"
                             "code><name>running</name>"
                             "</instanceState></item></instancesSet></item></reservationSet>"
                             "<nextToken>page-2</nextToken></DescribeInstancesResponse>";
    const char *p2 = EC2_OPEN
        "<item><reservationId>r-2</reservationId><instancesSet>"
        "<item><instanceId>i-0ccc</instanceId><instanceState><name>stopped"
        "</name></instanceState><tagSet>" TAG(
            "drh:run-id", "other") "</tagSet></item></instancesSet></item></reservationSet>"
                                   "</DescribeInstancesResponse>";
    struct httpd_reply script[] = {{200, s_xml, p1, 0, 0, 0}, {200, s_xml, p2, 0, 0, 0}};
    httpd_script(s_srv, script, 2);
    struct aws_tagged_list l = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(ec2_list_tagged(e.c, EC2_LIST_INSTANCES, "drh:run-id", &l, &err), DRH_OK);
    s_sent(0, "Action=DescribeInstances");
    s_sent(0, "Filter.1.Name=tag-key&Filter.1.Value.1=drh%3Arun-id");
    s_sent(0, "Filter.2.Name=instance-state-name&Filter.2.Value.1=pending");
    s_sent(0, "Filter.2.Value.5=stopped");
    s_sent(1, "NextToken=page-2");
    CU_ASSERT_EQUAL_FATAL(l.n, 2);
    CU_ASSERT_STRING_EQUAL(l.v[0].id, "i-0aaa");
    CU_ASSERT_STRING_EQUAL(l.v[0].state, "running");
    CU_ASSERT_DOUBLE_EQUAL(l.v[0].created, 1795316645.0, 0.01);
    CU_ASSERT_EQUAL(l.v[0].n_tags, 3);
    CU_ASSERT_STRING_EQUAL(aws_tagged_tag(&l.v[0], "drh:run-id"), "20261122-030000-a1b2c3");
    CU_ASSERT_STRING_EQUAL(aws_tagged_tag(&l.v[0], "empty"), "");
    CU_ASSERT_PTR_NULL(aws_tagged_tag(&l.v[0], "absent"));
    CU_ASSERT_STRING_EQUAL(l.v[1].id, "i-0ccc");
    CU_ASSERT_EQUAL(l.v[1].created, 0);
    aws_tagged_list_clean_up(&l);
    CU_ASSERT_EQUAL(l.n, 0);
    s_env_free(&e);
}

static void test_ec2_images_and_errors(void)
{
    struct env e;
    s_env(&e);
    const char *ok =
        "<DescribeImagesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
        "<imagesSet><item><imageId>ami-0abc</imageId><imageState>available"
        "</imageState><creationDate>2026-11-21T00:00:00.000Z</creationDate><tagSet>" TAG(
            "drh:run-id", "r1") "</tagSet></item></imagesSet>"
                                "</DescribeImagesResponse>";
    const char *denied = "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>"
                         "You are not authorized</Message></Error></Errors><RequestID>x</RequestID>"
                         "</Response>";
    struct httpd_reply script[] = {{200, s_xml, ok, 0, 0, 0}, {403, s_xml, denied, 0, 0, 0}};
    httpd_script(s_srv, script, 2);
    struct aws_tagged_list l = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(ec2_list_tagged(e.c, EC2_LIST_IMAGES, "drh:run-id", &l, &err), DRH_OK);
    s_sent(0, "Action=DescribeImages");
    s_sent(0, "Owner.1=self");
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_STRING_EQUAL(l.v[0].id, "ami-0abc");
    CU_ASSERT_STRING_EQUAL(l.v[0].state, "available");
    /* an error leaves what was found untouched */
    CU_ASSERT_EQUAL(ec2_list_tagged(e.c, EC2_LIST_VPCS, "drh:run-id", &l, &err), DRH_E_AWS);
    s_sent(1, "Action=DescribeVpcs");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "UnauthorizedOperation"));
    CU_ASSERT_EQUAL(l.n, 1);
    CU_ASSERT_EQUAL(ec2_list_tagged(e.c, EC2_LIST_VPCS, NULL, &l, &err), DRH_E_INPUT);
    aws_tagged_list_clean_up(&l);
    s_env_free(&e);
}

#define RDS_NS "xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\""
#define RDS_TAG(k, v) "<Tag><Key>" k "</Key><Value>" v "</Value></Tag>"

static void test_rds_clusters_and_snapshots(void)
{
    struct env e;
    s_env(&e);
    const char *p1 =
        "<DescribeDBClustersResponse " RDS_NS "><DescribeDBClustersResult><Marker>m-2</Marker>"
        "<DBClusters><DBCluster><DBClusterIdentifier>drh-db-a1b2c3</DBClusterIdentifier>"
        "<DBClusterArn>arn:aws:rds:eu-west-1:222222222222:cluster:drh-db-a1b2c3</DBClusterArn>"
        "<Status>available</Status><ClusterCreateTime>2026-11-22T03:04:05.123Z"
        "</ClusterCreateTime><TagList>" RDS_TAG("drh:run-id", "r1")
            RDS_TAG("drh:drill",
                    "orders") "</TagList></DBCluster><DBCluster><DBClusterIdentifier>production</"
                              "DBClusterIdentifier>"
                              "<Status>available</Status><TagList>" RDS_TAG(
                                  "team", "orders") "</TagList></DBCluster>"
                                                    "</DBClusters></DescribeDBClustersResult></"
                                                    "DescribeDBClustersResponse>";
    const char *p2 =
        "<DescribeDBClustersResponse " RDS_NS "><DescribeDBClustersResult><DBClusters/>"
        "</DescribeDBClustersResult></DescribeDBClustersResponse>";
    const char *snaps =
        "<DescribeDBSnapshotsResponse " RDS_NS "><DescribeDBSnapshotsResult><DBSnapshots>"
        "<DBSnapshot><DBSnapshotIdentifier>awsbackup:job-1</DBSnapshotIdentifier>"
        "<Status>available</Status><SnapshotType>awsbackup</SnapshotType><TagList>" RDS_TAG(
            "drh:run-id", "r1") "</TagList></DBSnapshot></DBSnapshots>"
                                "</DescribeDBSnapshotsResult></DescribeDBSnapshotsResponse>";
    struct httpd_reply script[] = {
        {200, s_xml, p1, 0, 0, 0}, {200, s_xml, p2, 0, 0, 0}, {200, s_xml, snaps, 0, 0, 0}};
    httpd_script(s_srv, script, 3);
    struct aws_tagged_list l = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(rds_list_tagged(e.c, RDS_LIST_CLUSTERS, "drh:run-id", NULL, &l, &err),
                          DRH_OK);
    s_sent(0, "Action=DescribeDBClusters&Version=2014-10-31");
    s_sent(1, "Marker=m-2");
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_STRING_EQUAL(l.v[0].id, "drh-db-a1b2c3");
    CU_ASSERT_STRING_EQUAL(l.v[0].arn, "arn:aws:rds:eu-west-1:222222222222:cluster:drh-db-a1b2c3");
    CU_ASSERT_STRING_EQUAL(l.v[0].state, "available");
    CU_ASSERT_DOUBLE_EQUAL(l.v[0].created, 1795316645.123, 0.01);
    CU_ASSERT_STRING_EQUAL(aws_tagged_tag(&l.v[0], "drh:drill"), "orders");
    CU_ASSERT_PTR_NULL(l.v[0].type);
    CU_ASSERT_EQUAL(rds_list_tagged(e.c, RDS_LIST_SNAPSHOTS, "drh:run-id", NULL, &l, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(l.n, 2);
    CU_ASSERT_STRING_EQUAL(l.v[1].type, "awsbackup"); /* the caller decides what that means */
    aws_tagged_list_clean_up(&l);
    s_env_free(&e);
}

static void test_rds_subnet_groups(void)
{
    struct env e;
    s_env(&e);
    const char *groups =
        "<DescribeDBSubnetGroupsResponse " RDS_NS "><DescribeDBSubnetGroupsResult><DBSubnetGroups>"
        "<DBSubnetGroup><DBSubnetGroupName>production</DBSubnetGroupName><DBSubnetGroupArn>"
        "arn:aws:rds:eu-west-1:222222222222:subgrp:production</DBSubnetGroupArn></DBSubnetGroup>"
        "<DBSubnetGroup><DBSubnetGroupName>drh-orders-a1b2c3-isolated</DBSubnetGroupName>"
        "<DBSubnetGroupArn>arn:aws:rds:eu-west-1:222222222222:subgrp:drh-orders-a1b2c3-isolated"
        "</DBSubnetGroupArn><SubnetGroupStatus>Complete</SubnetGroupStatus></DBSubnetGroup>"
        "<DBSubnetGroup><DBSubnetGroupName>drh-gone</DBSubnetGroupName><DBSubnetGroupArn>"
        "arn:aws:rds:eu-west-1:222222222222:subgrp:drh-gone</DBSubnetGroupArn></DBSubnetGroup>"
        "<DBSubnetGroup><DBSubnetGroupName>drh-isolated</DBSubnetGroupName><DBSubnetGroupArn>"
        "arn:aws:rds:eu-west-1:222222222222:subgrp:drh-isolated</DBSubnetGroupArn></DBSubnetGroup>"
        "</DBSubnetGroups></DescribeDBSubnetGroupsResult></DescribeDBSubnetGroupsResponse>";
    const char *tagged =
        "<ListTagsForResourceResponse " RDS_NS "><ListTagsForResourceResult>"
        "<TagList>" RDS_TAG("drh:run-id", "r1") RDS_TAG(
            "Name", "x") "</TagList></ListTagsForResourceResult></ListTagsForResourceResponse>";
    const char *gone = "<ErrorResponse " RDS_NS "><Error><Code>DBSubnetGroupNotFoundFault</Code>"
                       "<Message>not found</Message></Error></ErrorResponse>";
    const char *none = "<ListTagsForResourceResponse " RDS_NS "><ListTagsForResourceResult>"
                       "<TagList/></ListTagsForResourceResult></ListTagsForResourceResponse>";
    struct httpd_reply script[] = {{200, s_xml, groups, 0, 0, 0},
                                   {200, s_xml, tagged, 0, 0, 0},
                                   {404, s_xml, gone, 0, 0, 0},
                                   {200, s_xml, none, 0, 0, 0}};
    httpd_script(s_srv, script, 4);
    struct aws_tagged_list l = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(
        rds_list_tagged(e.c, RDS_LIST_SUBNET_GROUPS, "drh:run-id", "drh-", &l, &err), DRH_OK);
    /* production's group is never asked for its tags */
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 4);
    s_sent(1, "Action=ListTagsForResource");
    s_sent(1, "subgrp%3Adrh-orders-a1b2c3-isolated");
    s_sent(2, "subgrp%3Adrh-gone");
    s_sent(3, "subgrp%3Adrh-isolated");
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_STRING_EQUAL(l.v[0].id, "drh-orders-a1b2c3-isolated");
    CU_ASSERT_STRING_EQUAL(l.v[0].state, "Complete");
    CU_ASSERT_STRING_EQUAL(aws_tagged_tag(&l.v[0], "Name"), "x");
    aws_tagged_list_clean_up(&l);
    s_env_free(&e);
}

static void test_efs_file_systems(void)
{
    struct env e;
    s_env(&e);
    const char *p1 =
        "{\"FileSystems\":[{\"FileSystemId\":\"fs-0aaa\",\"FileSystemArn\":\"arn:aws:"
        "elasticfilesystem:eu-west-1:222222222222:file-system/fs-0aaa\",\"LifeCycleState\":"
        "\"available\",\"CreationTime\":1795316645.5,\"Tags\":[{\"Key\":\"drh:run-id\",\"Value\":"
        "\"r1\"},{\"Key\":\"drh:expires\",\"Value\":\"2026-11-22T10:00:00Z\"}]},"
        "{\"FileSystemId\":\"fs-0bbb\",\"LifeCycleState\":\"deleting\",\"Tags\":[{\"Key\":"
        "\"drh:run-id\",\"Value\":\"r1\"}]},"
        "{\"FileSystemId\":\"fs-0ccc\",\"LifeCycleState\":\"available\",\"Tags\":[]}],"
        "\"NextMarker\":\"m 2\"}";
    const char *p2 = "{\"FileSystems\":[]}";
    const char *bad = "{\"FileSystems\":[{\"LifeCycleState\":\"available\"}]}";
    struct httpd_reply script[] = {
        {200, s_json, p1, 0, 0, 0}, {200, s_json, p2, 0, 0, 0}, {200, s_json, bad, 0, 0, 0}};
    httpd_script(s_srv, script, 3);
    struct aws_tagged_list l = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(efs_list_tagged(e.c, "drh:run-id", &l, &err), DRH_OK);
    const struct httpd_request *r = httpd_request_at(s_srv, 0);
    CU_ASSERT_STRING_EQUAL(r->method, "GET");
    CU_ASSERT_STRING_EQUAL(r->target, "/2015-02-01/file-systems");
    CU_ASSERT_STRING_EQUAL(httpd_request_at(s_srv, 1)->target,
                           "/2015-02-01/file-systems?Marker=m%202");
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_STRING_EQUAL(l.v[0].id, "fs-0aaa");
    CU_ASSERT_DOUBLE_EQUAL(l.v[0].created, 1795316645.5, 0.001);
    CU_ASSERT_STRING_EQUAL(aws_tagged_tag(&l.v[0], "drh:expires"), "2026-11-22T10:00:00Z");
    CU_ASSERT_EQUAL(efs_list_tagged(e.c, "drh:run-id", &l, &err), DRH_E_PARSE);
    CU_ASSERT_EQUAL(l.n, 1);
    aws_tagged_list_clean_up(&l);
    s_env_free(&e);
}

#define S3_ERR(code) "<Error><Code>" code "</Code><Message>m</Message></Error>"

static void test_s3_buckets(void)
{
    struct env e;
    s_env(&e);
    const char *list =
        "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Buckets>"
        "<Bucket><Name>production-data</Name><CreationDate>2020-01-01T00:00:00.000Z"
        "</CreationDate></Bucket>"
        "<Bucket><Name>drh-orders-a1b2c3-restore</Name><CreationDate>2026-11-22T03:04:05.000Z"
        "</CreationDate></Bucket>"
        "<Bucket><Name>drh-untagged</Name></Bucket>"
        "<Bucket><Name>drh-elsewhere</Name></Bucket>"
        "<Bucket><Name>drh-moved</Name></Bucket>"
        "</Buckets><Owner><ID>x</ID></Owner></ListAllMyBucketsResult>";
    const char *tags = "<Tagging><TagSet><Tag><Key>drh:run-id</Key><Value>r1</Value></Tag>"
                       "</TagSet></Tagging>";
    struct httpd_reply script[] = {{200, s_xml, list, 0, 0, 0},
                                   {200, s_xml, tags, 0, 0, 0},
                                   {404, s_xml, S3_ERR("NoSuchTagSet"), 0, 0, 0},
                                   {400, s_xml, S3_ERR("AuthorizationHeaderMalformed"), 0, 0, 0},
                                   {301, s_xml, S3_ERR("PermanentRedirect"), 0, 0, 0},
                                   {200, s_xml, list, 0, 0, 0},
                                   {403, s_xml, S3_ERR("AccessDenied"), 0, 0, 0}};
    httpd_script(s_srv, script, 7);
    struct aws_tagged_list l = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(s3_list_tagged(e.c, "drh:run-id", "drh-", &l, &err), DRH_OK);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 5);
    CU_ASSERT_STRING_EQUAL(httpd_request_at(s_srv, 0)->target, "/");
    CU_ASSERT_STRING_EQUAL(httpd_request_at(s_srv, 1)->target,
                           "/drh-orders-a1b2c3-restore?tagging");
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_STRING_EQUAL(l.v[0].id, "drh-orders-a1b2c3-restore");
    CU_ASSERT_DOUBLE_EQUAL(l.v[0].created, 1795316645.0, 0.001);
    /* an access error is not "another Region": it is reported */
    CU_ASSERT_EQUAL(s3_list_tagged(e.c, "drh:run-id", "drh-", &l, &err), DRH_E_AWS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "AccessDenied"));
    CU_ASSERT_EQUAL(l.n, 1);
    aws_tagged_list_clean_up(&l);
    s_env_free(&e);
}

static void test_list_helpers(void)
{
    struct aws_tagged_list a = {0}, b = {0};
    struct aws_tagged *t = aws_tagged_add(&a);
    t->id = xstrdup("x");
    aws_tagged_set_tag(t, "k", NULL);
    for (int i = 0; i < 20; i++)
        aws_tagged_add(&b)->id = xasprintf("b%d", i);
    aws_tagged_list_move(&a, &b);
    CU_ASSERT_EQUAL(b.n, 0);
    CU_ASSERT_PTR_NULL(b.v);
    CU_ASSERT_EQUAL_FATAL(a.n, 21);
    CU_ASSERT_STRING_EQUAL(a.v[0].id, "x");
    CU_ASSERT_STRING_EQUAL(aws_tagged_tag(&a.v[0], "k"), "");
    CU_ASSERT_STRING_EQUAL(a.v[20].id, "b19");
    CU_ASSERT_PTR_NULL(aws_tagged_tag(NULL, "k"));
    aws_tagged_list_clean_up(&a);
    aws_tagged_list_clean_up(&a);
    aws_tagged_list_clean_up(NULL);
}

static const struct test_case s_cases[] = {
    {"ec2 instances: tag-key filter, pages, tags", test_ec2_instances},
    {"ec2 images: Owner self; errors", test_ec2_images_and_errors},
    {"rds clusters and snapshots by TagList", test_rds_clusters_and_snapshots},
    {"rds subnet groups: prefix, ListTagsForResource", test_rds_subnet_groups},
    {"efs file systems: tags, deleting left out, pages", test_efs_file_systems},
    {"s3 buckets: prefix, tags, other Regions", test_s3_buckets},
    {"list helpers", test_list_helpers},
};

TEST_SUITE_FULL("sweep_list", s_cases, NULL, s_init, s_cleanup)
