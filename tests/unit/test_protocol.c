/* Tests of the AWS wire protocols (aws/protocol.h) on the samples of
 * tests/data/protocol/: error documents of every protocol, query, ec2,
 * rest-json and rest-xml results with their pagination tokens and request
 * ids, query/ec2 parameters and bodies; then the same samples truncated at
 * every byte and randomly mutated. A second suite, protocol-botocore, runs
 * the samples through botocore's own parsers and serializers
 * (botocore_check.py) and compares. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/protocol.h"
#include "aws/uri.h"
#include "buf.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DATA_DIR "tests/data/protocol/"
#define PYTHON "/usr/bin/python3"


/* Compares two optional strings; a failure names the case and the field. */
static void s_check(const char *name, const char *field, const char *got, const char *want)
{
    if ((!got && !want) || (got && want && strcmp(got, want) == 0)) {
        CU_assertImplementation(CU_TRUE, __LINE__, "s_check", __FILE__, "", CU_FALSE);
        return;
    }
    char *detail =
        xasprintf("%s: got %s%s%s, want %s%s%s", field, got ? "\"" : "", got ? got : "NULL",
                  got ? "\"" : "", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
    TEST_FAILF("%s: %s", name, detail);
    free(detail);
}


/* The parsed manifest, cases.json; NULL (and a failure) when unreadable. */
static struct json *s_manifest(void)
{
    struct buf b;
    buf_init(&b);
    struct json *doc = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (test_read_sample("cases.json", &b) && json_parse(buf_str(&b), b.len, &doc, &err) != DRH_OK)
        TEST_FAILF("%s: %s", "cases.json", err.msg);
    buf_clean_up(&b);
    return doc;
}

static int s_proto(const char *name, enum aws_protocol *out)
{
    static const enum aws_protocol all[] = {AWS_PROTO_QUERY, AWS_PROTO_EC2, AWS_PROTO_REST_JSON,
                                            AWS_PROTO_REST_XML, AWS_PROTO_JSON};
    for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(aws_protocol_name(all[i]), name) == 0) {
            *out = all[i];
            return 1;
        }
    }
    return 0;
}

/* A manifest case as a response: protocol, status, headers and body. */
struct sample {
    const char *name;
    enum aws_protocol proto;
    long status;
    struct headers headers;
    struct buf body;
};

static int s_sample(const struct json *c, struct sample *s)
{
    s->name = json_get_string(c, "name");
    headers_init(&s->headers);
    buf_init(&s->body);
    double status = 200;
    json_number(json_get(c, "status"), &status);
    s->status = (long)status;
    if (!s->name || !s_proto(json_get_string(c, "protocol"), &s->proto)) {
        TEST_FAILF("%s: %s", s->name ? s->name : "(unnamed case)", "no name or no known protocol");
        return 0;
    }
    for (const struct json *h = json_first(json_get(c, "headers")); h; h = json_next(h))
        headers_add(&s->headers, json_key(h), json_string(h) ? json_string(h) : "");
    const char *text = json_get_string(c, "text");
    if (text)
        buf_puts(&s->body, text);
    else if (!test_read_sample(json_get_string(c, "file"), &s->body))
        return 0;
    return 1;
}

static void s_sample_clean_up(struct sample *s)
{
    headers_clean_up(&s->headers);
    buf_clean_up(&s->body);
}

/*
 * Errors
 */

static void test_error_samples(void)
{
    struct json *m = s_manifest();
    size_t n = 0;
    for (const struct json *c = json_first(json_get(m, "errors")); c; c = json_next(c), n++) {
        struct sample s;
        if (s_sample(c, &s)) {
            struct aws_error_info e;
            aws_error_parse(s.proto, s.status, &s.headers, s.body.data, s.body.len, &e);
            const struct json *want = json_get(c, "drh");
            s_check(s.name, "code", e.code, json_get_string(want, "code"));
            s_check(s.name, "message", e.message, json_get_string(want, "message"));
            s_check(s.name, "request id", e.request_id, json_get_string(want, "request_id"));
            CU_ASSERT_EQUAL(e.status, s.status);
            aws_error_info_clean_up(&e);
        }
        s_sample_clean_up(&s);
    }
    CU_ASSERT_EQUAL(n, 18);
    json_free(m);
}

struct edge {
    const char *what;
    enum aws_protocol proto;
    long status;
    const char *header, *header_value;
    const char *body;
    const char *code, *message, *request_id;
};

static void test_error_edges(void)
{
    static const struct edge cases[] = {
        {"blank body", AWS_PROTO_QUERY, 500, NULL, NULL, " \r\n ", "Http500",
         "empty response body (HTTP 500 Internal Server Error)", NULL},
        {"unknown status", AWS_PROTO_REST_XML, 599, NULL, NULL, "", "Http599",
         "empty response body (HTTP 599)", NULL},
        {"json array", AWS_PROTO_JSON, 400, NULL, NULL, "[1, 2]", "Http400",
         "response body is not an error document (a JSON array): \"[1, 2]\"", NULL},
        {"json without code", AWS_PROTO_REST_JSON, 409, NULL, NULL, "{\"Message\": \"busy\"}",
         "Http409", "busy", NULL},
        {"json without anything", AWS_PROTO_JSON, 400, NULL, NULL, "{}", "Http400",
         "error document has no error code (json)", NULL},
        {"code not a string", AWS_PROTO_REST_JSON, 400, NULL, NULL,
         "{\"code\": 7, \"Code\": \"Real\", \"message\": 3, \"Message\": \"m\"}", "Real", "m",
         NULL},
        {"code with only a namespace", AWS_PROTO_JSON, 400, NULL, NULL,
         "{\"__type\": \"aws.example#\"}", "Http400", "error document has no error code (json)",
         NULL},
        {"header code, malformed body", AWS_PROTO_REST_JSON, 429, "x-amzn-ErrorType",
         "ThrottlingException:http://x", "Rate exceeded", "ThrottlingException",
         "malformed error body (invalid JSON at line 1, column 1: unexpected character 'R'): "
         "\"Rate exceeded\"",
         NULL},
        {"header code, empty body", AWS_PROTO_REST_JSON, 404, "x-amzn-ErrorType",
         "aws.backup#ResourceNotFoundException", "", "ResourceNotFoundException",
         "empty response body (HTTP 404 Not Found)", NULL},
        {"json: x-amzn-ErrorType when __type is missing", AWS_PROTO_JSON, 400, "x-amzn-ErrorType",
         "ValidationException", "{\"message\": \"bad\"}", "ValidationException", "bad", NULL},
        {"json: __type beats x-amzn-ErrorType", AWS_PROTO_JSON, 400, "x-amzn-ErrorType", "Other",
         "{\"__type\": \"First\"}", "First", "", NULL},
        {"x-amzn-query-error needs both parts", AWS_PROTO_JSON, 400, "x-amzn-query-error",
         "OnlyOne", "{\"__type\": \"T\"}", "T", "", NULL},
        {"xml without Code", AWS_PROTO_QUERY, 400, NULL, NULL,
         "<ErrorResponse><Error><Message>m</Message></Error></ErrorResponse>", "Http400", "m",
         NULL},
        {"xml without Code or Message", AWS_PROTO_EC2, 400, NULL, NULL,
         "<Response><Errors><Error/></Errors></Response>", "Http400",
         "error document has no <Code> (ec2)", NULL},
        {"xml not an error", AWS_PROTO_REST_XML, 400, NULL, NULL,
         "<ListBucketResult><Name>b</Name></ListBucketResult>", "Http400",
         "response body is not an error document (root element <ListBucketResult>): "
         "\"<ListBucketResult><Name>b</Name></ListBucketResult>\"",
         NULL},
        {"xml white space and new lines", AWS_PROTO_QUERY, 400, NULL, NULL,
         "<ErrorResponse><Error><Code>\n  Throttling\n</Code><Message>line one\nline "
         "two</Message></Error><RequestId> id-1 </RequestId></ErrorResponse>",
         "Throttling", "line one line two", "id-1"},
        {"xml entity bomb", AWS_PROTO_QUERY, 400, NULL, NULL,
         "<!DOCTYPE e [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><ErrorResponse><Error>"
         "<Code>&b;</Code></Error></ErrorResponse>",
         "Http400",
         "malformed error body (invalid XML at line 1, column 13: DOCTYPE is not allowed (no DTD, "
         "no entities)): \"<!DOCTYPE e [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>"
         "<ErrorResponse><Error><Code>&b;</Code></Error></ErrorResponse>\"",
         NULL},
        {"binary body", AWS_PROTO_REST_XML, 500, NULL, NULL, "\x1f\x8b\x08\x01\xff\xfe", "Http500",
         "malformed error body (invalid XML at line 1, column 1: Start tag expected, '<' not "
         "found): \"??????\"",
         NULL},
        {"request id header wins", AWS_PROTO_QUERY, 400, "x-amzn-RequestId", "from-header",
         "<ErrorResponse><Error><Code>C</Code></Error><RequestId>from-body</RequestId>"
         "</ErrorResponse>",
         "C", "", "from-header"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct edge *c = &cases[i];
        struct headers h;
        headers_init(&h);
        if (c->header)
            headers_add(&h, c->header, c->header_value);
        struct aws_error_info e;
        aws_error_parse(c->proto, c->status, &h, c->body, strlen(c->body), &e);
        s_check(c->what, "code", e.code, c->code);
        s_check(c->what, "message", e.message, c->message);
        s_check(c->what, "request id", e.request_id, c->request_id);
        aws_error_info_clean_up(&e);
        headers_clean_up(&h);
    }

    /* No headers and no body at all. */
    struct aws_error_info e;
    aws_error_parse(AWS_PROTO_REST_JSON, 404, NULL, NULL, 12, &e);
    CU_ASSERT_STRING_EQUAL(e.code, "NotFound");
    CU_ASSERT_STRING_EQUAL(e.message, "empty response body (HTTP 404 Not Found)");
    CU_ASSERT_PTR_NULL(e.request_id);
    aws_error_info_clean_up(&e);
    aws_error_info_clean_up(&e); /* twice is harmless */
    CU_ASSERT_PTR_NULL(e.code);

    /* A long bad body is quoted only in part. */
    struct buf big;
    buf_init(&big);
    for (int i = 0; i < 1000; i++)
        buf_puts(&big, "<p>");
    aws_error_parse(AWS_PROTO_QUERY, 502, NULL, big.data, big.len, &e);
    CU_ASSERT_STRING_EQUAL(e.code, "Http502");
    CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "<p><p>...\""));
    CU_ASSERT_TRUE(strlen(e.message) < 400);
    aws_error_info_clean_up(&e);
    buf_clean_up(&big);
}

/*
 * Results and tokens
 */

/* Parses a query/ec2 sample; returns the result element or NULL. */
static const struct xml_node *s_query(enum aws_protocol proto, const char *action, const char *file,
                                      struct buf *body, struct xml_doc **doc)
{
    struct drh_err err;
    drh_err_clear(&err);
    const struct xml_node *result = NULL;
    *doc = NULL;
    if (!test_read_sample(file, body))
        return NULL;
    if (aws_query_parse(proto, action, body->data, body->len, doc, &result, &err) != DRH_OK)
        TEST_FAILF("%s: %s", file, err.msg);
    return result;
}

static void s_check_text(const struct xml_node *n, const char *path, const char *want)
{
    char *t = xml_find_text(n, path);
    s_check(xml_name(n) ? xml_name(n) : "(null)", path, t, want);
    free(t);
}

static void test_sts_results(void)
{
    struct buf b;
    buf_init(&b);
    struct xml_doc *doc;
    const struct xml_node *r =
        s_query(AWS_PROTO_QUERY, "AssumeRole", "sts_assume_role.xml", &b, &doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(xml_name(r), "AssumeRoleResult");
    s_check_text(r, "Credentials/AccessKeyId", "ASIAIOSFODNN7EXAMPLE");
    s_check_text(r, "Credentials/SecretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    s_check_text(r, "Credentials/SessionToken",
                 "IQoJb3JpZ2luX2VjEPT//////////wEaCWV1LXdlc3QtMSJHMEUCIQDexample+token/ABC=");
    s_check_text(r, "Credentials/Expiration", "2024-05-08T10:41:30Z");
    s_check_text(r, "AssumedRoleUser/Arn",
                 "arn:aws:sts::444455556666:assumed-role/drh-restore/drh-run-20240508");
    s_check_text(r, "AssumedRoleUser/AssumedRoleId", "AROA3XFRBF535PLBIFPI4:drh-run-20240508");
    s_check_text(r, "PackedPolicySize", "6");
    s_check_text(r, "SourceIdentity", "drh-drill");
    CU_ASSERT_PTR_NULL(aws_xml_next_token(r, "NextToken"));
    char *id = aws_response_request_id(AWS_PROTO_QUERY, NULL, b.data, b.len);
    s_check("AssumeRole", "request id", id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
    free(id);
    xml_free(doc);

    buf_reset(&b);
    r = s_query(AWS_PROTO_QUERY, "GetCallerIdentity", "sts_get_caller_identity.xml", &b, &doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    s_check_text(r, "Account", "111122223333");
    s_check_text(r, "Arn", "arn:aws:iam::111122223333:user/drill-runner");
    s_check_text(r, "UserId", "AIDACKCEVSQ6C2EXAMPLE");
    xml_free(doc);
    buf_clean_up(&b);
}

static void test_rds_results_and_marker(void)
{
    struct buf b;
    buf_init(&b);
    struct xml_doc *doc;
    const struct xml_node *r =
        s_query(AWS_PROTO_QUERY, "DescribeDBClusters", "rds_describe_db_clusters.xml", &b, &doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    static const char *const ids[] = {"drh-prod-cluster-1", "drh-prod-cluster-2"};
    static const char *const engines[] = {"aurora-postgresql", "aurora-mysql"};
    static const char *const ports[] = {"5432", "3306"};
    size_t n = 0;
    for (const struct xml_node *c = xml_find(r, "DBClusters/DBCluster"); c; c = xml_next(c), n++) {
        if (n >= 2)
            continue;
        s_check_text(c, "DBClusterIdentifier", ids[n]);
        s_check_text(c, "Engine", engines[n]);
        s_check_text(c, "Port", ports[n]);
    }
    CU_ASSERT_EQUAL(n, 2);
    const struct xml_node *c1 = xml_find(r, "DBClusters/DBCluster");
    const struct xml_node *az = xml_find(c1, "AvailabilityZones/AvailabilityZone");
    s_check_text(az, "", "eu-west-1a");
    s_check_text(xml_next(az), "", "eu-west-1b");
    CU_ASSERT_PTR_NULL(xml_next(xml_next(az)));
    s_check_text(c1, "DBClusterMembers/DBClusterMember/IsClusterWriter", "true");
    s_check_text(c1, "TagList/Tag/Value", "prod");
    s_check_text(xml_next(c1), "Status", "backing-up");
    CU_ASSERT_PTR_NULL(xml_first_child(xml_find(xml_next(c1), "TagList")));

    char *token = aws_xml_next_token(r, "Marker");
    s_check("DescribeDBClusters", "Marker", token, "ZHJoLXByb2QtY2x1c3Rlci0y");
    free(token);
    xml_free(doc);
    buf_clean_up(&b);
}

static void test_ec2_results_and_next_token(void)
{
    struct buf b;
    buf_init(&b);
    struct xml_doc *doc;
    const struct xml_node *r =
        s_query(AWS_PROTO_EC2, "DescribeImages", "ec2_describe_images.xml", &b, &doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(xml_name(r), "DescribeImagesResponse"); /* ec2: the root */
    const struct xml_node *img = xml_find(r, "imagesSet/item");
    s_check_text(img, "imageId", "ami-0abcdef1234567890");
    s_check_text(img, "imageState", "available");
    s_check_text(img, "blockDeviceMapping/item/ebs/snapshotId", "snap-0123456789abcdef0");
    s_check_text(img, "blockDeviceMapping/item/ebs/encrypted", "true");
    s_check_text(img, "tagSet/item/key", "drh:source");
    s_check_text(img, "tagSet/item/value", "prod & dr");
    img = xml_next(img);
    s_check_text(img, "imageId", "ami-0fedcba9876543210");
    s_check_text(img, "architecture", "arm64");
    CU_ASSERT_PTR_NULL(xml_next(img));

    /* The paginator's output token is NextToken; the wire name nextToken. */
    char *token = aws_xml_next_token(r, "NextToken");
    s_check("DescribeImages", "NextToken", token, "eyJ2IjoiMiIsImMiOiJkcmgtYXBwIn0=");
    free(token);
    token = aws_xml_next_token(r, "nextToken");
    s_check("DescribeImages", "nextToken", token, "eyJ2IjoiMiIsImMiOiJkcmgtYXBwIn0=");
    free(token);
    CU_ASSERT_PTR_NULL(aws_xml_next_token(r, "Marker"));
    char *id = aws_response_request_id(AWS_PROTO_EC2, NULL, b.data, b.len);
    s_check("DescribeImages", "request id", id, "59dbff89-35bd-4eac-99ed-be587EXAMPLE");
    free(id);
    xml_free(doc);
    buf_clean_up(&b);
}

static void test_backup_results_and_next_token(void)
{
    struct buf b;
    buf_init(&b);
    struct json *doc = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_FATAL(test_read_sample("backup_list_recovery_points.json", &b));
    CU_ASSERT_EQUAL_FATAL(json_parse(b.data, b.len, &doc, &err), DRH_OK);
    const struct json *rps = json_get(doc, "RecoveryPoints");
    CU_ASSERT_EQUAL(json_array_size(rps), 2);
    const struct json *rp = json_array_at(rps, 0);
    s_check("RecoveryPoints[0]", "Status", json_get_string(rp, "Status"), "COMPLETED");
    s_check("RecoveryPoints[0]", "ResourceType", json_get_string(rp, "ResourceType"), "Aurora");
    s_check("RecoveryPoints[0]", "BackupPlanId",
            json_get_string(json_get(rp, "CreatedBy"), "BackupPlanId"),
            "8c5d0a3e-1f2b-4c3d-9e8f-7a6b5c4d3e2f");
    long long size = 0, days = 0;
    double created = 0;
    bool encrypted = false;
    CU_ASSERT_TRUE(json_integer(json_get(rp, "BackupSizeInBytes"), &size));
    CU_ASSERT_EQUAL(size, 1073741824LL);
    CU_ASSERT_TRUE(json_integer(json_get(json_get(rp, "Lifecycle"), "DeleteAfterDays"), &days));
    CU_ASSERT_EQUAL(days, 35);
    CU_ASSERT_TRUE(json_number(json_get(rp, "CreationDate"), &created));
    CU_ASSERT_DOUBLE_EQUAL(created, 1715133600.123, 1e-6);
    CU_ASSERT_TRUE(json_bool(json_get(rp, "IsEncrypted"), &encrypted) && encrypted);
    rp = json_array_at(rps, 1);
    s_check("RecoveryPoints[1]", "ResourceType", json_get_string(rp, "ResourceType"), "EFS");
    s_check("RecoveryPoints[1]", "StatusMessage", json_get_string(rp, "StatusMessage"),
            "Some files could not be backed up");

    char *token = aws_json_next_token(doc, "NextToken");
    s_check("ListRecoveryPointsByBackupVault", "NextToken", token,
            "AAEAAQ4yXzNzTHZ4cGx6M2h0a2dB+/drh==");
    free(token);
    json_free(doc);
    buf_clean_up(&b);

    /* Absent, null, empty or not a string: the last page. */
    static const char *const last[] = {"{}", "{\"NextToken\": null}", "{\"NextToken\": \"\"}",
                                       "{\"NextToken\": 5}",
                                       "{\"NextToken\": \"t\", \"IsTruncated\": false}"};
    for (size_t i = 0; i < sizeof last / sizeof last[0]; i++) {
        doc = NULL;
        CU_ASSERT_EQUAL(json_parse(last[i], strlen(last[i]), &doc, &err), DRH_OK);
        CU_ASSERT_PTR_NULL(aws_json_next_token(doc, "NextToken"));
        json_free(doc);
    }
    CU_ASSERT_PTR_NULL(aws_json_next_token(NULL, "NextToken"));
}

static void test_s3_results_and_continuation_token(void)
{
    struct buf b;
    buf_init(&b);
    struct xml_doc *doc = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_FATAL(test_read_sample("s3_list_objects_v2.xml", &b));
    CU_ASSERT_EQUAL_FATAL(xml_parse(b.data, b.len, &doc, &err), DRH_OK);
    const struct xml_node *r = xml_root(doc);
    CU_ASSERT_STRING_EQUAL(xml_name(r), "ListBucketResult");
    s_check_text(r, "KeyCount", "2");
    const struct xml_node *c = xml_child(r, "Contents");
    s_check_text(c, "Key", "orders/2024-05-07.parquet");
    s_check_text(c, "ETag", "\"9b2cf535f27731c974343645a3985328\"");
    s_check_text(xml_next(c), "Size", "512000");
    CU_ASSERT_PTR_NULL(xml_next(xml_next(c)));
    char *token = aws_xml_next_token(r, "NextContinuationToken");
    s_check("ListObjectsV2", "NextContinuationToken", token,
            "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    free(token);
    xml_free(doc);

    buf_reset(&b);
    CU_ASSERT_FATAL(test_read_sample("s3_list_objects_v2_last.xml", &b));
    CU_ASSERT_EQUAL_FATAL(xml_parse(b.data, b.len, &doc, &err), DRH_OK);
    CU_ASSERT_PTR_NULL(aws_xml_next_token(xml_root(doc), "NextContinuationToken"));
    /* IsTruncated false ends the listing even if a token were there. */
    CU_ASSERT_PTR_NULL(aws_xml_next_token(xml_root(doc), "ContinuationToken"));
    xml_free(doc);
    buf_clean_up(&b);
}

static void test_request_ids_of_results(void)
{
    struct json *m = s_manifest();
    size_t n = 0;
    for (const struct json *c = json_first(json_get(m, "results")); c; c = json_next(c), n++) {
        struct sample s;
        if (s_sample(c, &s)) {
            char *id = aws_response_request_id(s.proto, &s.headers, s.body.data, s.body.len);
            s_check(s.name, "request id", id, json_get_string(c, "request_id"));
            free(id);
        }
        s_sample_clean_up(&s);
    }
    CU_ASSERT_EQUAL(n, 7);
    json_free(m);

    struct headers h;
    headers_init(&h);
    headers_add(&h, "X-Amz-Request-Id", "s3-id");
    char *id = aws_response_request_id(AWS_PROTO_REST_XML, &h, "", 0);
    CU_ASSERT_STRING_EQUAL(id, "s3-id");
    free(id);
    headers_add(&h, "x-amzn-requestid", "amzn-id");
    id = aws_response_request_id(AWS_PROTO_REST_JSON, &h, NULL, 0);
    CU_ASSERT_STRING_EQUAL(id, "amzn-id");
    free(id);
    headers_clean_up(&h);
    CU_ASSERT_PTR_NULL(aws_response_request_id(AWS_PROTO_JSON, NULL, "{\"RequestId\":\"x\"}", 17));
    CU_ASSERT_PTR_NULL(aws_response_request_id(AWS_PROTO_QUERY, NULL, "<a><RequestId>", 14));
    CU_ASSERT_PTR_NULL(aws_response_request_id(AWS_PROTO_QUERY, NULL, NULL, 0));
}

static void s_expect_query_error(const char *what, enum aws_protocol proto, const char *action,
                                 const char *body, enum drh_status want, const char *msg)
{
    struct xml_doc *doc = (struct xml_doc *)0x1;
    const struct xml_node *result = (const struct xml_node *)0x1;
    struct drh_err err;
    drh_err_clear(&err);
    enum drh_status st = aws_query_parse(proto, action, body, strlen(body), &doc, &result, &err);
    if (st != want || strcmp(err.msg, msg) != 0) {
        char *detail = xasprintf("got %s \"%s\", want %s \"%s\"", drh_status_name(st), err.msg,
                                 drh_status_name(want), msg);
        TEST_FAILF("%s: %s", what, detail);
        free(detail);
    }
    /* Outputs are untouched on failure. */
    CU_ASSERT_PTR_EQUAL(doc, (struct xml_doc *)0x1);
    CU_ASSERT_PTR_EQUAL(result, (const struct xml_node *)0x1);
}

static void test_query_parse_refusals(void)
{
    s_expect_query_error("wrong root", AWS_PROTO_QUERY, "AssumeRole",
                         "<GetCallerIdentityResponse><GetCallerIdentityResult/>"
                         "</GetCallerIdentityResponse>",
                         DRH_E_PARSE,
                         "AssumeRole response: unexpected root element <GetCallerIdentityResponse> "
                         "(expected <AssumeRoleResponse>)");
    s_expect_query_error("no result", AWS_PROTO_QUERY, "AssumeRole",
                         "<AssumeRoleResponse><ResponseMetadata/></AssumeRoleResponse>",
                         DRH_E_PARSE, "AssumeRole response has no <AssumeRoleResult> element");
    s_expect_query_error("query error document", AWS_PROTO_QUERY, "DescribeDBClusters",
                         "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate\nexceeded"
                         "</Message></Error></ErrorResponse>",
                         DRH_E_AWS,
                         "DescribeDBClusters response is an error document: Throttling: Rate "
                         "exceeded");
    s_expect_query_error("ec2 error document", AWS_PROTO_EC2, "DescribeImages",
                         "<Response><Errors><Error><Code>AuthFailure</Code></Error></Errors>"
                         "</Response>",
                         DRH_E_AWS, "DescribeImages response is an error document: AuthFailure: ");
    s_expect_query_error("truncated", AWS_PROTO_QUERY, "AssumeRole",
                         "<AssumeRoleResponse><AssumeRoleResult>", DRH_E_PARSE,
                         "AssumeRole response: invalid XML at line 1, column 39: Premature end of "
                         "data in tag AssumeRoleResult line 1");
    s_expect_query_error(
        "empty", AWS_PROTO_EC2, "DescribeImages", "", DRH_E_PARSE,
        "DescribeImages response: invalid XML at line 1, column 1: empty document");
    s_expect_query_error("json instead", AWS_PROTO_QUERY, "AssumeRole", "{}", DRH_E_PARSE,
                         "AssumeRole response: invalid XML at line 1, column 1: Start tag "
                         "expected, '<' not found");

    /* An operation without output: no Result element, result_out NULL. */
    static const char body[] = "<UnsubscribeResponse><ResponseMetadata><RequestId>r</RequestId>"
                               "</ResponseMetadata></UnsubscribeResponse>";
    struct xml_doc *doc = NULL;
    CU_ASSERT_EQUAL(
        aws_query_parse(AWS_PROTO_QUERY, "Unsubscribe", body, strlen(body), &doc, NULL, NULL),
        DRH_OK);
    CU_ASSERT_PTR_NOT_NULL(doc);
    xml_free(doc);
}

/*
 * Requests
 */

static void test_query_params_naming(void)
{
    struct aws_params p;
    aws_params_init(&p);
    const char *values[] = {"a", "b"};
    aws_params_add_list(&p, AWS_PROTO_QUERY, "Names", NULL, values, 2);
    aws_params_add_list(&p, AWS_PROTO_EC2, "ImageId", "item", values, 2);
    aws_params_add_list(&p, AWS_PROTO_QUERY, "Empty", NULL, NULL, 0);
    aws_params_add_list(&p, AWS_PROTO_EC2, "EmptyEc2", NULL, NULL, 0);
    const struct aws_tag tags[] = {{"drh:run-id", "r1"}, {"drh:drill", NULL}};
    aws_params_add_tags(&p, AWS_PROTO_QUERY, "Tags", NULL, tags, 2);
    aws_params_add_tags(&p, AWS_PROTO_QUERY, "RdsTags", "Tag", tags, 1);
    aws_params_add_tags(&p, AWS_PROTO_EC2, "TagSpecification.1.Tag", NULL, tags, 1);
    const struct aws_tag attrs[] = {{"DisplayName", "DR"}};
    aws_params_add_map(&p, "Attributes", attrs, 1);
    aws_params_add_filter(&p, AWS_PROTO_EC2, 2, "state", values, 2);
    aws_params_add_filter(&p, AWS_PROTO_QUERY, 1, "engine", values, 1);
    aws_params_addf(&p, "v", "Key.%d.%s", 7, "x");
    aws_params_add(&p, "Null", NULL);

    static const char *const want[][2] = {
        {"Names.member.1", "a"},
        {"Names.member.2", "b"},
        {"ImageId.1", "a"},
        {"ImageId.2", "b"},
        {"Empty", ""},
        {"Tags.member.1.Key", "drh:run-id"},
        {"Tags.member.1.Value", "r1"},
        {"Tags.member.2.Key", "drh:drill"},
        {"RdsTags.Tag.1.Key", "drh:run-id"},
        {"RdsTags.Tag.1.Value", "r1"},
        {"TagSpecification.1.Tag.1.Key", "drh:run-id"},
        {"TagSpecification.1.Tag.1.Value", "r1"},
        {"Attributes.entry.1.key", "DisplayName"},
        {"Attributes.entry.1.value", "DR"},
        {"Filter.2.Name", "state"},
        {"Filter.2.Value.1", "a"},
        {"Filter.2.Value.2", "b"},
        {"Filters.Filter.1.Name", "engine"},
        {"Filters.Filter.1.Values.Value.1", "a"},
        {"Key.7.x", "v"},
        {"Null", ""},
    };
    CU_ASSERT_EQUAL(p.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < p.n && i < sizeof want / sizeof want[0]; i++) {
        s_check("params", "key", p.v[i].key, want[i][0]);
        s_check(want[i][0], "value", p.v[i].value, want[i][1]);
    }
    CU_ASSERT_STRING_EQUAL(aws_params_get(&p, "Filter.2.Value.2"), "b");
    CU_ASSERT_PTR_NULL(aws_params_get(&p, "Filter.3.Name"));

    char *k = aws_list_key(AWS_PROTO_EC2, "TagSpecification", "item", 3);
    CU_ASSERT_STRING_EQUAL(k, "TagSpecification.3");
    free(k);
    k = aws_list_key(AWS_PROTO_QUERY, "Filters", "Filter", 12);
    CU_ASSERT_STRING_EQUAL(k, "Filters.Filter.12");
    free(k);
    aws_params_clean_up(&p);
    aws_params_clean_up(&p);
}

static void test_query_body_encoding(void)
{
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "ExternalId", "a b&c=d~e/f+g%\xc3\xbc*");
    aws_params_add(&p, "Tags.member.1.Key", "drh:run-id");
    char *body = aws_query_body("AssumeRole", "2011-06-15", &p);
    CU_ASSERT_STRING_EQUAL(body, "Action=AssumeRole&Version=2011-06-15"
                                 "&ExternalId=a%20b%26c%3Dd~e%2Ff%2Bg%25%C3%BC%2A"
                                 "&Tags.member.1.Key=drh%3Arun-id");
    free(body);
    body = aws_query_body("GetCallerIdentity", "2011-06-15", NULL);
    CU_ASSERT_STRING_EQUAL(body, "Action=GetCallerIdentity&Version=2011-06-15");
    free(body);
    aws_params_clean_up(&p);
}

static void test_json_headers(void)
{
    struct headers h;
    headers_init(&h);
    headers_add(&h, "content-type", "text/plain");
    aws_json_headers(&h, "TrentService", "DescribeKey");
    CU_ASSERT_STRING_EQUAL(headers_get(&h, "X-Amz-Target"), "TrentService.DescribeKey");
    CU_ASSERT_STRING_EQUAL(headers_get(&h, "Content-Type"), "application/x-amz-json-1.1");
    CU_ASSERT_EQUAL(h.n, 2);
    headers_clean_up(&h);
    CU_ASSERT_STRING_EQUAL(aws_protocol_name(AWS_PROTO_REST_XML), "rest-xml");
}

/*
 * Truncated and mutated input through every parser
 */

static const char *const s_samples[] = {
    "sts_assume_role.xml",
    "sts_get_caller_identity.xml",
    "sts_error_access_denied.xml",
    "rds_describe_db_clusters.xml",
    "rds_error_cluster_not_found.xml",
    "sns_error_not_found.xml",
    "ec2_describe_images.xml",
    "ec2_error_ami_not_found.xml",
    "s3_list_objects_v2.xml",
    "s3_error_no_such_bucket.xml",
    "s3_error_slow_down.xml",
    "generic_html_503.html",
    "backup_list_recovery_points.json",
    "backup_error_vault_not_found.json",
    "backup_error_invalid_token.json",
    "efs_error_not_found.json",
    "kms_error_not_found.json",
    "kms_error_invalid_state.json",
    "generic_text_502.txt",
};

static int s_printable_line(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            return 0;
    return s != NULL;
}

/* Runs one body through every parser; returns how many answers broke a
 * promise (no code, a message on several lines, a query parse that
 * succeeded on a document it should refuse). The ec2 and rest-xml error
 * paths are the query one with another name: to keep valgrind runs short
 * they, and the request id look-up, run on one call in "sparse". */
static size_t s_through_everything(const char *body, size_t len, int complete,
                                   const struct headers *h, size_t sparse)
{
    size_t bad = 0;
    static const enum aws_protocol protos[] = {AWS_PROTO_QUERY, AWS_PROTO_REST_JSON, AWS_PROTO_JSON,
                                               AWS_PROTO_EC2, AWS_PROTO_REST_XML};
    size_t nprotos = sparse ? 3 : 5;
    for (size_t i = 0; i < nprotos; i++) {
        struct aws_error_info e;
        aws_error_parse(protos[i], 400, h, body, len, &e);
        if (!e.code || !*e.code || !s_printable_line(e.code) || !s_printable_line(e.message) ||
            (e.request_id && !s_printable_line(e.request_id)))
            bad++;
        aws_error_info_clean_up(&e);
    }
    if (!sparse)
        free(aws_response_request_id(AWS_PROTO_QUERY, h, body, len));

    struct xml_doc *doc = NULL;
    const struct xml_node *r = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    enum drh_status st = aws_query_parse(AWS_PROTO_QUERY, "AssumeRole", body, len, &doc, &r, &err);
    if (st == DRH_OK) {
        if (!complete)
            bad++;
        free(aws_xml_next_token(r, "NextToken"));
        xml_free(doc);
    } else if (!s_printable_line(err.msg)) {
        bad++;
    }

    struct json *j = NULL;
    if (json_parse(body, len, &j, NULL) == DRH_OK) {
        free(aws_json_next_token(j, "NextToken"));
        json_free(j);
    }
    return bad;
}

static void test_truncated_samples_at_every_byte(void)
{
    struct buf all;
    buf_init(&all);
    struct headers h;
    headers_init(&h);
    headers_add(&h, "x-amzn-ErrorType", "Truncated:x");
    for (size_t k = 0; k < sizeof s_samples / sizeof s_samples[0]; k++) {
        buf_reset(&all);
        if (!test_read_sample(s_samples[k], &all))
            continue;
        size_t bad = 0;
        for (size_t cut = 0; cut < all.len; cut++) {
            char *text = xmalloc(cut ? cut : 1); /* exactly cut bytes, for ASan */
            memcpy(text, all.data, cut);
            int complete = 1;
            for (size_t i = cut; i < all.len; i++)
                complete &= all.data[i] == '\n' || all.data[i] == ' ';
            bad += s_through_everything(text, cut, complete, cut % 7 ? NULL : &h, cut % 5);
            free(text);
        }
        if (bad)
            TEST_FAILF("%s: %s", s_samples[k], "a truncated body broke a promise");
    }
    headers_clean_up(&h);
    buf_clean_up(&all);
}

static void test_random_mutations(void)
{
    unsigned long long rng = 0x2545F4914F6CDD1DULL;
    struct buf all, m;
    buf_init(&all);
    buf_init(&m);
    size_t bad = 0;
    for (size_t k = 0; k < sizeof s_samples / sizeof s_samples[0]; k++) {
        buf_reset(&all);
        if (!test_read_sample(s_samples[k], &all))
            continue;
        for (int round = 0; round < 40; round++) {
            buf_reset(&m);
            buf_append(&m, all.data, all.len);
            for (int e = 0; e < 3 && m.len; e++) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                size_t at = (size_t)(rng % m.len);
                if (rng & 0x100000)
                    m.data[at] = "<>/&\"{}[]:\\#\xff\x80\n;"[(rng >> 24) % 16];
                else
                    m.len = at; /* also a truncation, mid-mutation */
            }
            /* A mutated AssumeRole response may still be one. */
            bad += s_through_everything(m.data, m.len, 1, NULL, 0);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    buf_clean_up(&all);
    buf_clean_up(&m);
}

static const struct test_case cases[] = {
    {"error samples: code, message, request id", test_error_samples},
    {"error edges: fallbacks, precedence, one line", test_error_edges},
    {"sts AssumeRole and GetCallerIdentity results", test_sts_results},
    {"rds DescribeDBClusters and its Marker", test_rds_results_and_marker},
    {"ec2 DescribeImages and its nextToken", test_ec2_results_and_next_token},
    {"backup ListRecoveryPointsByBackupVault and its NextToken",
     test_backup_results_and_next_token},
    {"s3 ListObjectsV2 and its NextContinuationToken", test_s3_results_and_continuation_token},
    {"request ids of the result samples", test_request_ids_of_results},
    {"query parse refuses what is not the result", test_query_parse_refusals},
    {"query/ec2 parameters named as botocore names them", test_query_params_naming},
    {"query body is AWS percent-encoded", test_query_body_encoding},
    {"json 1.1 headers", test_json_headers},
    {"samples truncated at every byte", test_truncated_samples_at_every_byte},
    {"samples randomly mutated", test_random_mutations},
};
TEST_SUITE("protocol", cases)

/*
 * protocol-botocore: the same samples through botocore.
 */

static struct json *s_boto;  /* botocore_check.py's answer */
static struct json *s_cases; /* cases.json */

static const char *s_botocore_missing(void)
{
    if (access(PYTHON, X_OK) != 0)
        return PYTHON " is missing (Debian's python3)";
    int rc = system(PYTHON " -c 'import botocore, jmespath' >/dev/null 2>&1");
    if (rc != 0)
        return "botocore is missing (Debian's python3-botocore)";
    return NULL;
}

static int s_botocore_init(void)
{
    FILE *p = popen(PYTHON " " DATA_DIR "botocore_check.py " DATA_DIR "cases.json", "r");
    if (!p)
        return 1;
    struct buf out;
    buf_init(&out);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_append(&out, chunk, n);
    int rc = pclose(p);
    int ok = rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0 &&
             json_parse(buf_str(&out), out.len, &s_boto, NULL) == DRH_OK;
    buf_clean_up(&out);
    struct buf m;
    buf_init(&m);
    FILE *f = fopen(DATA_DIR "cases.json", "rb");
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&m, chunk, n);
    if (f)
        fclose(f);
    ok = ok && json_parse(buf_str(&m), m.len, &s_cases, NULL) == DRH_OK;
    buf_clean_up(&m);
    return ok ? 0 : 1;
}

static int s_botocore_cleanup(void)
{
    json_free(s_boto);
    json_free(s_cases);
    s_boto = s_cases = NULL;
    return 0;
}

static int s_listed(const struct json *list, const char *field)
{
    for (const struct json *x = json_first(list); x; x = json_next(x))
        if (json_string(x) && strcmp(json_string(x), field) == 0)
            return 1;
    return 0;
}

static void test_botocore_errors(void)
{
    size_t n = 0;
    for (const struct json *c = json_first(json_get(s_cases, "errors")); c; c = json_next(c)) {
        struct sample s;
        if (!s_sample(c, &s)) {
            s_sample_clean_up(&s);
            continue;
        }
        const struct json *boto = json_get(json_get(s_boto, "errors"), s.name);
        const struct json *differs = json_get(c, "botocore_differs");
        struct aws_error_info e;
        aws_error_parse(s.proto, s.status, &s.headers, s.body.data, s.body.len, &e);
        const char *fields[] = {"code", "message", "request_id"};
        const char *ours[] = {e.code, e.message, e.request_id};
        for (int i = 0; i < 3; i++) {
            const char *theirs = json_get_string(boto, fields[i]);
            if (s_listed(differs, fields[i])) {
                /* A documented difference must still be one. */
                if (theirs && ours[i] && strcmp(theirs, ours[i]) == 0)
                    TEST_FAILF("%s: %s", s.name, "listed as differing from botocore, but agrees");
            } else {
                s_check(s.name, fields[i], ours[i], theirs);
            }
        }
        n++;
        aws_error_info_clean_up(&e);
        s_sample_clean_up(&s);
    }
    CU_ASSERT_EQUAL(n, 18);
}

static void test_botocore_results(void)
{
    size_t n = 0;
    for (const struct json *c = json_first(json_get(s_cases, "results")); c; c = json_next(c)) {
        struct sample s;
        if (!s_sample(c, &s)) {
            s_sample_clean_up(&s);
            continue;
        }
        const struct json *boto = json_get(json_get(s_boto, "results"), s.name);
        /* botocore met every expectation: the sample fits the model. */
        for (const struct json *x = json_first(json_get(boto, "mismatches")); x; x = json_next(x))
            TEST_FAILF("%s: %s", s.name, json_string(x));
        char *id = aws_response_request_id(s.proto, &s.headers, s.body.data, s.body.len);
        s_check(s.name, "request id (botocore)", id, json_get_string(boto, "request_id"));
        free(id);

        const char *token_name = json_get_string(c, "token");
        char *token = NULL;
        if (token_name && json_get_string(c, "file") &&
            strstr(json_get_string(c, "file"), ".json")) {
            struct json *doc = NULL;
            if (json_parse(s.body.data, s.body.len, &doc, NULL) == DRH_OK)
                token = aws_json_next_token(doc, token_name);
            json_free(doc);
        } else if (token_name) {
            struct xml_doc *doc = NULL;
            if (xml_parse(s.body.data, s.body.len, &doc, NULL) == DRH_OK) {
                const struct xml_node *r = xml_root(doc);
                char *result = xasprintf("%sResult", json_get_string(c, "operation"));
                if (s.proto == AWS_PROTO_QUERY)
                    r = xml_child(r, result);
                free(result);
                token = aws_xml_next_token(r, token_name);
            }
            xml_free(doc);
        }
        s_check(s.name, "token", token, json_get_string(c, "token_value"));
        bool lacks = false;
        json_bool(json_get(c, "model_lacks_token"), &lacks);
        if (!lacks)
            s_check(s.name, "token (botocore)", token, json_get_string(boto, "token"));
        free(token);
        n++;
        s_sample_clean_up(&s);
    }
    CU_ASSERT_EQUAL(n, 7);
}

/* Builders of the request cases, as a service module would write them. */
static void s_req_rds_describe(struct aws_params *p)
{
    const char *engines[] = {"aurora-postgresql", "aurora-mysql"};
    aws_params_add(p, "DBClusterIdentifier", "drh-prod-cluster-1");
    aws_params_add_filter(p, AWS_PROTO_QUERY, 1, "engine", engines, 2);
    aws_params_add(p, "MaxRecords", "20");
    aws_params_add(p, "Marker", "ZHJo/+=");
}

static void s_req_rds_empty_filters(struct aws_params *p)
{
    aws_params_add_list(p, AWS_PROTO_QUERY, "Filters", "Filter", NULL, 0);
}

static void s_req_rds_tags(struct aws_params *p)
{
    const struct aws_tag tags[] = {{"drh:run-id", "run 42/\xc3\xbc"}, {"drh:drill", "rds-pitr"}};
    aws_params_add(p, "ResourceName", "arn:aws:rds:eu-west-1:444455556666:cluster:drh-restore-1");
    aws_params_add_tags(p, AWS_PROTO_QUERY, "Tags", "Tag", tags, 2);
}

static void s_req_sns_create_topic(struct aws_params *p)
{
    const struct aws_tag attrs[] = {{"DisplayName", "DR drills"}, {"KmsMasterKeyId", "alias/drh"}};
    const struct aws_tag tags[] = {{"drh:run-id", "run-42"}};
    aws_params_add(p, "Name", "drh-alerts");
    aws_params_add_map(p, "Attributes", attrs, 2);
    aws_params_add_tags(p, AWS_PROTO_QUERY, "Tags", NULL, tags, 1);
}

static void s_req_ec2_describe_images(struct aws_params *p)
{
    const char *prod[] = {"prod"};
    const char *states[] = {"available", "pending"};
    const char *owners[] = {"self", "111122223333"};
    aws_params_add_filter(p, AWS_PROTO_EC2, 1, "tag:drh:source", prod, 1);
    aws_params_add_filter(p, AWS_PROTO_EC2, 2, "state", states, 2);
    aws_params_add_list(p, AWS_PROTO_EC2, "Owner", NULL, owners, 2);
    aws_params_add_list(p, AWS_PROTO_EC2, "ExecutableBy", NULL, NULL, 0);
}

static void s_req_ec2_create_image(struct aws_params *p)
{
    const struct aws_tag tags[] = {{"drh:run-id", "run-42"}, {"drh:drill", "ami-copy"}};
    aws_params_add(p, "InstanceId", "i-0123456789abcdef0");
    aws_params_add(p, "Name", "drh-restore-20240508");
    char *spec = aws_list_key(AWS_PROTO_EC2, "TagSpecification", NULL, 1);
    aws_params_addf(p, "image", "%s.ResourceType", spec);
    char *tag_list = xasprintf("%s.Tag", spec);
    aws_params_add_tags(p, AWS_PROTO_EC2, tag_list, NULL, tags, 2);
    free(tag_list);
    free(spec);
}

static void s_req_sts_assume_role(struct aws_params *p)
{
    aws_params_add(p, "RoleArn", "arn:aws:iam::444455556666:role/drh-restore");
    aws_params_add(p, "RoleSessionName", "drh-run-42");
    aws_params_add(p, "DurationSeconds", "3600");
    aws_params_add(p, "ExternalId", "a b&c=d~e/f+g%");
}

static void test_botocore_requests(void)
{
    static const struct {
        const char *name, *action, *version;
        void (*build)(struct aws_params *);
    } reqs[] = {
        {"rds_describe_db_clusters", "DescribeDBClusters", "2014-10-31", s_req_rds_describe},
        {"rds_describe_db_clusters_empty_filters", "DescribeDBClusters", "2014-10-31",
         s_req_rds_empty_filters},
        {"rds_add_tags_to_resource", "AddTagsToResource", "2014-10-31", s_req_rds_tags},
        {"sns_create_topic", "CreateTopic", "2010-03-31", s_req_sns_create_topic},
        {"ec2_describe_images", "DescribeImages", "2016-11-15", s_req_ec2_describe_images},
        {"ec2_create_image", "CreateImage", "2016-11-15", s_req_ec2_create_image},
        {"sts_assume_role", "AssumeRole", "2011-06-15", s_req_sts_assume_role},
    };
    CU_ASSERT_EQUAL(json_array_size(json_get(s_cases, "requests")), sizeof reqs / sizeof reqs[0]);
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        struct aws_params p;
        aws_params_init(&p);
        reqs[i].build(&p);
        char *body = aws_query_body(reqs[i].action, reqs[i].version, &p);
        /* Decode our body pair by pair and compare with botocore's pairs. */
        const struct json *want = json_get(json_get(s_boto, "requests"), reqs[i].name);
        size_t k = 0;
        for (const char *s = body; *s; k++) {
            size_t piece = strcspn(s, "&");
            const char *eq = memchr(s, '=', piece);
            struct buf key, value;
            buf_init(&key);
            buf_init(&value);
            uri_decode(&key, s, eq ? (size_t)(eq - s) : piece);
            if (eq)
                uri_decode(&value, eq + 1, piece - (size_t)(eq + 1 - s));
            const struct json *pair = json_array_at(want, k);
            s_check(reqs[i].name, "key", buf_str(&key), json_string(json_array_at(pair, 0)));
            s_check(reqs[i].name, "value", buf_str(&value), json_string(json_array_at(pair, 1)));
            buf_clean_up(&key);
            buf_clean_up(&value);
            s += piece;
            if (*s == '&')
                s++;
        }
        if (k != json_array_size(want))
            TEST_FAILF("%s: %s", reqs[i].name, "not as many parameters as botocore's serializer writes");
        free(body);
        aws_params_clean_up(&p);
    }
}

static const struct test_case botocore_cases[] = {
    {"error samples agree with botocore but where documented", test_botocore_errors},
    {"result samples fit the models; tokens and ids agree", test_botocore_results},
    {"query/ec2 parameters are botocore's", test_botocore_requests},
};

__attribute__((constructor)) static void s_register_botocore_suite(void)
{
    testreg_add("protocol-botocore", botocore_cases,
                sizeof botocore_cases / sizeof botocore_cases[0], s_botocore_missing,
                s_botocore_init, s_botocore_cleanup);
}
