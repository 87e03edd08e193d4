/* Tests of HTTP and the AWS client against the scripted server on
 * 127.0.0.1: faults on the wire, standard-mode retries, error messages and
 * the redaction of --debug traces. */
#include "support/httpd.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/call.h"
#include "aws/client.h"
#include "aws/sts.h"
#include "aws/uri.h"
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

static const char s_identity[] =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    "<GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/drill</Arn>"
    "<UserId>AIDAEXAMPLE</UserId><Account>111111111111</Account></GetCallerIdentityResult>"
    "<ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>"
    "</ResponseMetadata></GetCallerIdentityResponse>";

static const char s_throttled[] =
    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
    "<Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
    "<RequestId>req-throttled</RequestId></ErrorResponse>";

static const char s_denied[] =
    "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
    "<Message>User is not authorized to perform: sts:AssumeRole</Message></Error>"
    "<RequestId>req-denied</RequestId></ErrorResponse>";

/* ---- raw HTTP ---------------------------------------------------------- */

static void s_send(const struct httpd_reply *script, size_t n, long timeout_ms,
                   enum drh_status want, enum http_failure want_failure)
{
    httpd_script(s_srv, script, n);
    struct http_options o = {0};
    o.timeout_ms = timeout_ms;
    struct http_client *c = http_client_new(&o);
    struct http_response r;
    http_response_init(&r);
    char *url = xasprintf("%s/x", httpd_url(s_srv));
    struct http_request req = {"GET", url, NULL, NULL, 0};
    enum http_failure f = HTTP_FAIL_OTHER;
    struct drh_err err;
    CU_ASSERT_EQUAL(http_send(c, &req, &r, &f, &err), want);
    CU_ASSERT_EQUAL(f, want_failure);
    if (want != DRH_OK)
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "GET http://127.0.0.1"));
    free(url);
    http_response_clean_up(&r);
    http_client_free(c);
}

static void test_http_faults_are_classified(void)
{
    struct httpd_reply ok = {200, "X-Test: yes\r\n", "hello", 0, 0, 0};
    s_send(&ok, 1, 0, DRH_OK, HTTP_FAIL_NONE);
    struct httpd_reply drop = {0, NULL, NULL, 1, 0, 0};
    s_send(&drop, 1, 0, DRH_E_NET, HTTP_FAIL_RESET);
    struct httpd_reply trunc = {200, NULL, "partial", 0, 1, 0};
    s_send(&trunc, 1, 0, DRH_E_NET, HTTP_FAIL_RESET);
    struct httpd_reply slow = {200, NULL, "late", 0, 0, 600};
    s_send(&slow, 1, 200, DRH_E_TIMEOUT, HTTP_FAIL_TIMEOUT);
}

static void test_http_connect_refused(void)
{
    /* A port that was just free: nothing listens there. */
    struct httpd *gone = httpd_start();
    char *url = xasprintf("%s/", httpd_url(gone));
    httpd_stop(gone);
    struct http_client *c = http_client_new(NULL);
    struct http_response r;
    http_response_init(&r);
    struct http_request req = {"GET", url, NULL, NULL, 0};
    enum http_failure f;
    struct drh_err err;
    CU_ASSERT_EQUAL(http_send(c, &req, &r, &f, &err), DRH_E_NET);
    CU_ASSERT_EQUAL(f, HTTP_FAIL_CONNECT);
    CU_ASSERT_NOT_EQUAL(err.hint[0], '\0');
    http_response_clean_up(&r);
    http_client_free(c);
    free(url);
}

static void test_http_response_headers_and_body(void)
{
    struct httpd_reply ok = {201, "X-Amzn-RequestId: abc\r\nX-Multi: one\r\n", "{\"a\":1}", 0, 0, 0};
    httpd_script(s_srv, &ok, 1);
    struct http_client *c = http_client_new(NULL);
    struct http_response r;
    http_response_init(&r);
    struct headers h;
    headers_init(&h);
    headers_add(&h, "X-Custom", "v");
    char *url = xasprintf("%s/path?q=1", httpd_url(s_srv));
    struct http_request req = {"PUT", url, &h, "body!", 5};
    CU_ASSERT_EQUAL_FATAL(http_send(c, &req, &r, NULL, NULL), DRH_OK);
    CU_ASSERT_EQUAL(r.status, 201);
    CU_ASSERT_STRING_EQUAL(headers_get(&r.headers, "x-amzn-requestid"), "abc");
    CU_ASSERT_STRING_EQUAL(buf_str(&r.body), "{\"a\":1}");
    const struct httpd_request *got = httpd_request_at(s_srv, 0);
    CU_ASSERT_STRING_EQUAL(got->method, "PUT");
    CU_ASSERT_STRING_EQUAL(got->target, "/path?q=1");
    CU_ASSERT_STRING_EQUAL(headers_get(&got->headers, "X-Custom"), "v");
    CU_ASSERT_STRING_EQUAL(buf_str(&got->body), "body!");
    /* curl's own additions that SigV4 did not sign are removed. */
    CU_ASSERT_PTR_NULL(headers_get(&got->headers, "Expect"));
    free(url);
    headers_clean_up(&h);
    http_response_clean_up(&r);
    http_client_free(c);
}

/* ---- the AWS client ---------------------------------------------------- */

struct sleeps {
    int n;
    double total;
};

static void s_record_sleep(double s, void *ctx)
{
    struct sleeps *z = ctx;
    z->n++;
    z->total += s;
}

static double s_half(void *ctx)
{
    return 0.5;
}

static struct aws_creds_provider *s_static_creds(void)
{
    struct aws_credentials c = {(char *)"AKIDTEST", (char *)"SECRETTESTKEY", (char *)"SESSIONTOKENTEST", 0, NULL};
    return aws_creds_static_new(&c, "test keys");
}

static struct aws_client *s_client(struct testenv *t, struct aws_creds_provider *cp,
                                   struct sleeps *z, int max_attempts)
{
    testenv_set(t, "AWS_ENDPOINT_URL", httpd_url(s_srv));
    struct aws_client_options o = {0};
    o.region = "us-east-1";
    o.env = &t->env;
    o.creds = cp;
    o.retry.max_attempts = max_attempts;
    o.retry.random = s_half;
    o.retry.sleep = s_record_sleep;
    o.retry.sleep_ctx = z;
    struct aws_client *c = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL(aws_client_new(&o, &c, &err), DRH_OK);
    return c;
}

static void test_client_retries_until_success(void)
{
    struct testenv *t = testenv_new();
    struct aws_creds_provider *cp = s_static_creds();
    struct sleeps z = {0, 0};
    struct aws_client *c = s_client(t, cp, &z, 5);
    struct httpd_reply script[] = {
        {400, NULL, s_throttled, 0, 0, 0},
        /* curl itself re-sends once when a reused connection dies; closing
         * here puts the drop on a fresh connection, where drh must retry. */
        {503, "Connection: close\r\n", "<html>Service Unavailable</html>", 0, 0, 0},
        {0, NULL, NULL, 1, 0, 0},
        {200, NULL, s_identity, 0, 0, 0},
    };
    httpd_script(s_srv, script, 4);
    struct sts_identity id = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(sts_get_caller_identity(c, &id, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(id.account, "111111111111");
    CU_ASSERT_STRING_EQUAL(id.arn, "arn:aws:iam::111111111111:user/drill");
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 4);
    /* Three waits, each half its ceiling: 0.5, 1, 2 seconds. */
    CU_ASSERT_EQUAL(z.n, 3);
    CU_ASSERT_DOUBLE_EQUAL(z.total, 3.5, 1e-9);
    const struct httpd_request *r = httpd_request_at(s_srv, 3);
    const char *auth = headers_get(&r->headers, "Authorization");
    CU_ASSERT_PTR_NOT_NULL_FATAL(auth);
    CU_ASSERT_PTR_NOT_NULL(strstr(auth, "Credential=AKIDTEST/20251122/us-east-1/sts/aws4_request"));
    CU_ASSERT_STRING_EQUAL(headers_get(&r->headers, "X-Amz-Date"), "20251122T025320Z");
    CU_ASSERT_STRING_EQUAL(headers_get(&r->headers, "X-Amz-Security-Token"), "SESSIONTOKENTEST");
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r->body), "Action=GetCallerIdentity"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r->body), "Version=2011-06-15"));
    sts_identity_clean_up(&id);
    aws_client_free(c);
    aws_creds_provider_free(cp);
    testenv_free(t);
}

static void test_client_gives_up_with_a_clear_error(void)
{
    struct testenv *t = testenv_new();
    struct aws_creds_provider *cp = s_static_creds();
    struct sleeps z = {0, 0};
    struct aws_client *c = s_client(t, cp, &z, 0);
    struct httpd_reply script[] = {
        {400, NULL, s_throttled, 0, 0, 0},
        {400, NULL, s_throttled, 0, 0, 0},
        {400, NULL, s_throttled, 0, 0, 0},
        {200, NULL, s_identity, 0, 0, 0},
    };
    httpd_script(s_srv, script, 4);
    struct sts_identity id = {0};
    struct drh_err err;
    /* throttling that outlived the retries: an environment error (exit 3),
     * which no step takes for a drill failure */
    CU_ASSERT_EQUAL(sts_get_caller_identity(c, &id, &err), DRH_E_UNAVAILABLE);
    CU_ASSERT_EQUAL(drh_status_exit_code(err.code), 3);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 3); /* the standard mode's 3 attempts */
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "sts GetCallerIdentity: Throttling: Rate exceeded"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "request id req-throttled"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "3 attempts"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "throttling"));
    aws_client_free(c);
    aws_creds_provider_free(cp);
    testenv_free(t);
}

static void test_client_does_not_retry_a_final_error(void)
{
    struct testenv *t = testenv_new();
    struct aws_creds_provider *cp = s_static_creds();
    struct sleeps z = {0, 0};
    struct aws_client *c = s_client(t, cp, &z, 5);
    struct httpd_reply script[] = {{403, NULL, s_denied, 0, 0, 0}, {200, NULL, s_identity, 0, 0, 0}};
    httpd_script(s_srv, script, 2);
    struct aws_assume_role role = {"arn:aws:iam::222222222222:role/drill", NULL, "s", 0};
    struct aws_credentials out;
    aws_credentials_init(&out);
    struct drh_err err;
    CU_ASSERT_EQUAL(sts_assume_role(c, &role, &out, &err), DRH_E_AWS);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 1);
    CU_ASSERT_EQUAL(z.n, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "AccessDenied"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "1 attempt)"));
    aws_client_free(c);
    aws_creds_provider_free(cp);
    testenv_free(t);
}

static void test_client_network_failure_after_retries(void)
{
    struct testenv *t = testenv_new();
    struct aws_creds_provider *cp = s_static_creds();
    struct sleeps z = {0, 0};
    struct aws_client *c = s_client(t, cp, &z, 2);
    struct httpd_reply script[] = {{0, NULL, NULL, 1, 0, 0}, {0, NULL, NULL, 1, 0, 0}};
    httpd_script(s_srv, script, 2);
    struct sts_identity id = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL(sts_get_caller_identity(c, &id, &err), DRH_E_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "sts GetCallerIdentity (after 2 attempts)"));
    CU_ASSERT_EQUAL(z.n, 1);
    aws_client_free(c);
    aws_creds_provider_free(cp);
    testenv_free(t);
}

static void test_client_malformed_response(void)
{
    struct testenv *t = testenv_new();
    struct aws_creds_provider *cp = s_static_creds();
    struct sleeps z = {0, 0};
    struct aws_client *c = s_client(t, cp, &z, 1);
    struct httpd_reply script[] = {{200, NULL, "<GetCallerIdentityResponse><GetCallerIdentityRes", 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    struct sts_identity id = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL(sts_get_caller_identity(c, &id, &err), DRH_E_PARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "sts GetCallerIdentity"));
    aws_client_free(c);
    aws_creds_provider_free(cp);
    testenv_free(t);
}

static void test_debug_trace_is_redacted(void)
{
    struct testenv *t = testenv_new();
    struct aws_creds_provider *cp = s_static_creds();
    struct sleeps z = {0, 0};
    struct aws_client *c = s_client(t, cp, &z, 1);
    static const char assumed[] =
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIANEW</AccessKeyId>"
        "<SecretAccessKey>NEWSECRETVALUE</SecretAccessKey><SessionToken>NEWTOKENVALUE</SessionToken>"
        "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser>"
        "<Arn>arn:aws:sts::222222222222:assumed-role/drill/s</Arn></AssumedRoleUser>"
        "</AssumeRoleResult></AssumeRoleResponse>";
    struct httpd_reply script[] = {{200, NULL, assumed, 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    char *log_path = xasprintf("%s/debug.log", t->dir);
    FILE *sink = fopen(log_path, "w+");
    log_set_sink(sink);
    log_set_level(LOG_DEBUG);
    struct aws_assume_role role = {"arn:aws:iam::222222222222:role/drill", "EXTERNALID", "s", 900};
    struct aws_credentials out;
    aws_credentials_init(&out);
    struct drh_err err;
    CU_ASSERT_EQUAL(sts_assume_role(c, &role, &out, &err), DRH_OK);
    log_set_level(LOG_INFO);
    log_set_sink(NULL);
    fclose(sink);
    CU_ASSERT_STRING_EQUAL(out.secret_access_key, "NEWSECRETVALUE");
    CU_ASSERT_STRING_EQUAL(out.account_id, "222222222222");
    CU_ASSERT_EQUAL(out.expiration, 1893456000);
    char *log = test_read_file(log_path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    /* The trace is there... */
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "Action=AssumeRole"));
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "ASIANEW"));
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "HTTP 200"));
    /* ...and no secret is: neither ours, nor the new ones, nor the signature. */
    const char *secrets[] = {"SECRETTESTKEY", "SESSIONTOKENTEST", "NEWSECRETVALUE", "NEWTOKENVALUE"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        if (strstr(log, secrets[i]))
            fprintf(stderr, "\n  secret %s leaked into the debug log\n", secrets[i]);
        CU_ASSERT_PTR_NULL(strstr(log, secrets[i]));
    }
    const struct httpd_request *r = httpd_request_at(s_srv, 0);
    const char *auth = headers_get(&r->headers, "Authorization");
    const char *sig = strstr(auth, "Signature=");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sig);
    CU_ASSERT_PTR_NULL(strstr(log, sig + 10));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r->body), "ExternalId=EXTERNALID"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r->body), "DurationSeconds=900"));
    free(log);
    free(log_path);
    aws_credentials_clean_up(&out);
    aws_client_free(c);
    aws_creds_provider_free(cp);
    testenv_free(t);
}

/* Walks every page of a Marker-paginated query list and a NextToken-
 * paginated rest-json list, as the service modules will. */
static void test_pagination_over_the_wire(void)
{
    struct testenv *t = testenv_new();
    struct aws_creds_provider *cp = s_static_creds();
    struct sleeps z = {0, 0};
    struct aws_client *c = s_client(t, cp, &z, 1);
    static const char page1[] =
        "<DescribeDBClustersResponse><DescribeDBClustersResult><Marker>m-1</Marker><DBClusters>"
        "<DBCluster><DBClusterIdentifier>a</DBClusterIdentifier></DBCluster></DBClusters>"
        "</DescribeDBClustersResult></DescribeDBClustersResponse>";
    static const char page2[] =
        "<DescribeDBClustersResponse><DescribeDBClustersResult><Marker>m 2/+</Marker><DBClusters>"
        "<DBCluster><DBClusterIdentifier>b</DBClusterIdentifier></DBCluster></DBClusters>"
        "</DescribeDBClustersResult></DescribeDBClustersResponse>";
    static const char page3[] =
        "<DescribeDBClustersResponse><DescribeDBClustersResult><DBClusters>"
        "<DBCluster><DBClusterIdentifier>c</DBClusterIdentifier></DBCluster></DBClusters>"
        "</DescribeDBClustersResult></DescribeDBClustersResponse>";
    struct httpd_reply rds[] = {{200, NULL, page1, 0, 0, 0},
                                {200, NULL, page2, 0, 0, 0},
                                {200, NULL, page3, 0, 0, 0}};
    httpd_script(s_srv, rds, 3);
    char seen[8] = "";
    char *marker = NULL;
    int pages = 0;
    do {
        struct aws_params p;
        aws_params_init(&p);
        if (marker)
            aws_params_add(&p, "Marker", marker);
        free(marker);
        marker = NULL;
        struct xml_doc *doc = NULL;
        const struct xml_node *result = NULL;
        struct drh_err err;
        CU_ASSERT_EQUAL_FATAL(aws_query_call(c, "rds", "DescribeDBClusters", &p, &doc, &result,
                                             NULL, &err),
                              DRH_OK);
        char *id = xml_find_text(result, "DBClusters/DBCluster/DBClusterIdentifier");
        size_t len = strlen(seen);
        if (len < sizeof seen - 1) {
            seen[len] = id ? id[0] : '?';
            seen[len + 1] = '\0';
        }
        free(id);
        marker = aws_xml_next_token(result, "Marker");
        xml_free(doc);
        aws_params_clean_up(&p);
    } while (marker && ++pages < 10);
    CU_ASSERT_STRING_EQUAL(seen, "abc");
    CU_ASSERT_EQUAL_FATAL(httpd_request_count(s_srv), 3);
    CU_ASSERT_PTR_NULL(strstr(buf_str(&httpd_request_at(s_srv, 0)->body), "Marker="));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&httpd_request_at(s_srv, 1)->body), "Marker=m-1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&httpd_request_at(s_srv, 2)->body), "Marker=m%202%2F%2B"));

    struct httpd_reply backup[] = {
        {200, "Content-Type: application/json\r\n",
         "{\"NextToken\":\"tok/1\",\"RecoveryPoints\":[{\"RecoveryPointArn\":\"arn:1\"}]}", 0, 0, 0},
        {200, "Content-Type: application/json\r\n",
         "{\"RecoveryPoints\":[{\"RecoveryPointArn\":\"arn:2\"}]}", 0, 0, 0}};
    httpd_script(s_srv, backup, 2);
    char *token = NULL;
    int n = 0;
    do {
        char *query = NULL;
        if (token) {
            char *enc = uri_encode_str(token, 0);
            query = xasprintf("nextToken=%s", enc);
            free(enc);
        }
        free(token);
        token = NULL;
        struct json *out = NULL;
        struct drh_err err;
        CU_ASSERT_EQUAL_FATAL(aws_json_call(c, "backup", "ListRecoveryPointsByBackupVault", "GET",
                                            "/backup-vaults/dr-vault/recovery-points/", query, NULL,
                                            &out, NULL, &err),
                              DRH_OK);
        n += (int)json_array_size(json_get(out, "RecoveryPoints"));
        token = aws_json_next_token(out, "NextToken");
        json_free(out);
        free(query);
    } while (token);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_STRING_EQUAL(httpd_request_at(s_srv, 0)->target, "/backup-vaults/dr-vault/recovery-points/");
    CU_ASSERT_STRING_EQUAL(httpd_request_at(s_srv, 1)->target,
                           "/backup-vaults/dr-vault/recovery-points/?nextToken=tok%2F1");
    CU_ASSERT_STRING_EQUAL(httpd_request_at(s_srv, 1)->method, "GET");
    aws_client_free(c);
    aws_creds_provider_free(cp);
    testenv_free(t);
}

static const struct test_case cases[] = {
    {"http: drop, truncation, timeout are classified", test_http_faults_are_classified},
    {"http: connection refused", test_http_connect_refused},
    {"http: headers and body both ways", test_http_response_headers_and_body},
    {"client: throttling, 503, drop, then success", test_client_retries_until_success},
    {"client: gives up after max attempts, names code and attempts",
     test_client_gives_up_with_a_clear_error},
    {"client: a final error is not retried", test_client_does_not_retry_a_final_error},
    {"client: network failure after retries", test_client_network_failure_after_retries},
    {"client: truncated XML is a parse error", test_client_malformed_response},
    {"client: --debug trace hides every secret", test_debug_trace_is_redacted},
    {"client: pagination by Marker and NextToken", test_pagination_over_the_wire},
};
TEST_SUITE_FULL("http-client", cases, NULL, s_init, s_cleanup)
