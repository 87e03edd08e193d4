/* Tests of the retry policy and of secret redaction. */
#include "support/testreg.h"

#include "aws/retry.h"
#include "redact.h"

#include <stdlib.h>
#include <string.h>

static void test_retry_classification(void)
{
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 400, "ThrottlingException"), RETRY_THROTTLE);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 400, "Throttling"), RETRY_THROTTLE);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 503, "SlowDown"), RETRY_THROTTLE);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 503, "RequestLimitExceeded"), RETRY_THROTTLE);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 429, "Whatever"), RETRY_THROTTLE);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 400, "RequestTimeout"), RETRY_TRANSIENT);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 500, "InternalFailure"), RETRY_TRANSIENT);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 502, NULL), RETRY_TRANSIENT);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 504, "Http504"), RETRY_TRANSIENT);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_RESET, 0, NULL), RETRY_TRANSIENT);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_CONNECT, 0, NULL), RETRY_TRANSIENT);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_TIMEOUT, 0, NULL), RETRY_TIMEOUT);
    /* Not retried: the caller's fault, or a certificate that will not heal. */
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 400, "ValidationException"), RETRY_NO);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 403, "AccessDenied"), RETRY_NO);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 404, "NotFound"), RETRY_NO);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 501, "NotImplemented"), RETRY_NO);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_TLS, 0, NULL), RETRY_NO);
    CU_ASSERT_EQUAL(retry_classify(HTTP_FAIL_NONE, 200, NULL), RETRY_NO);
}

static double s_fixed(void *ctx)
{
    return *(double *)ctx;
}

static void test_retry_backoff_full_jitter_and_cap(void)
{
    double r = 0.999999;
    struct retry_policy p = {0};
    p.random = s_fixed;
    p.random_ctx = &r;
    /* The ceiling doubles per attempt from 1 s and stops at 20 s. */
    CU_ASSERT_DOUBLE_EQUAL(retry_delay(&p, 1), 1.0, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(retry_delay(&p, 2), 2.0, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(retry_delay(&p, 4), 8.0, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(retry_delay(&p, 5), 16.0, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(retry_delay(&p, 6), 20.0, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(retry_delay(&p, 30), 20.0, 1e-3);
    /* Full jitter: anywhere from zero up to the ceiling. */
    r = 0.0;
    CU_ASSERT_DOUBLE_EQUAL(retry_delay(&p, 5), 0.0, 1e-9);
    r = 0.5;
    CU_ASSERT_DOUBLE_EQUAL(retry_delay(&p, 3), 2.0, 1e-9);
    /* The default generator stays in range. */
    struct retry_policy d = {0};
    for (int i = 0; i < 1000; i++) {
        double x = retry_delay(&d, 3);
        CU_ASSERT_TRUE(x >= 0.0 && x < 4.0);
    }
    CU_ASSERT_EQUAL(retry_max_attempts(&d), 3);
    d.max_attempts = 7;
    CU_ASSERT_EQUAL(retry_max_attempts(&d), 7);
}

static void test_retry_quota_drains_and_refills(void)
{
    struct retry_quota q;
    retry_quota_init(&q);
    int granted = 0;
    while (retry_quota_acquire(&q, RETRY_TRANSIENT))
        granted++;
    CU_ASSERT_EQUAL(granted, 100); /* 500 tokens, 5 a retry */
    CU_ASSERT_FALSE(retry_quota_acquire(&q, RETRY_TIMEOUT));
    retry_quota_release(&q, RETRY_TIMEOUT);
    CU_ASSERT_EQUAL(q.available, 10);
    CU_ASSERT_TRUE(retry_quota_acquire(&q, RETRY_TIMEOUT));
    for (int i = 0; i < 1000; i++)
        retry_quota_release(&q, RETRY_NO);
    CU_ASSERT_EQUAL(q.available, 500);
}

static void s_check(const char *in, const char *must_show, const char *must_hide)
{
    char *out = redact_text(in, strlen(in));
    if (must_show && !strstr(out, must_show))
        fprintf(stderr, "\n  redacted too much: %s\n", out);
    if (must_show)
        CU_ASSERT_PTR_NOT_NULL(strstr(out, must_show));
    if (strstr(out, must_hide))
        fprintf(stderr, "\n  leaked: %s\n", out);
    CU_ASSERT_PTR_NULL(strstr(out, must_hide));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, REDACTED));
    free(out);
}

static void test_redact_bodies(void)
{
    s_check("<AssumeRoleResult><Credentials><AccessKeyId>ASIAX</AccessKeyId>"
            "<SecretAccessKey>s3cr3tKEY</SecretAccessKey><SessionToken>TOKEN123</SessionToken>"
            "</Credentials></AssumeRoleResult>",
            "<AccessKeyId>ASIAX</AccessKeyId>", "s3cr3tKEY");
    s_check("<Credentials><SessionToken>TOKEN123</SessionToken></Credentials>", "<Credentials>",
            "TOKEN123");
    s_check("{\"AccessKeyId\": \"ASIAX\", \"SecretAccessKey\" : \"s3cr3tKEY\", \"Token\":\"T\\\"OK\"}",
            "\"AccessKeyId\": \"ASIAX\"", "s3cr3tKEY");
    s_check("{\"Token\":\"T\\\"OKEN\"}", "\"Token\"", "OKEN");
    s_check("Action=CreateDBInstance&MasterUserPassword=hunter2&DBInstanceIdentifier=x",
            "DBInstanceIdentifier=x", "hunter2");
    s_check("Action=AssumeRoleWithWebIdentity&WebIdentityToken=eyJhbGciOi&RoleArn=arn",
            "RoleArn=arn", "eyJhbGciOi");
    s_check("https://b.s3.amazonaws.com/k?X-Amz-Credential=AKID%2F2015&X-Amz-Signature=abcdef0123&"
            "X-Amz-Security-Token=FQoG",
            "X-Amz-Credential=AKID", "abcdef0123");
    s_check("https://b/k?X-Amz-Security-Token=FQoGsecret&x=1", "x=1", "FQoGsecret");
    s_check("{\"MasterUserPassword\": \"pw-in-json\"}", NULL, "pw-in-json");
    /* NextToken is not a secret: whole names only. */
    char *out = redact_text("<NextToken>page2</NextToken>", 28);
    CU_ASSERT_STRING_EQUAL(out, "<NextToken>page2</NextToken>");
    free(out);
}

static void test_redact_headers(void)
{
    char *v = redact_header("Authorization",
                            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                            "aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73e");
    CU_ASSERT_PTR_NULL(strstr(v, "5fa00fa31553b73e"));
    CU_ASSERT_PTR_NOT_NULL(strstr(v, "SignedHeaders=host;x-amz-date"));
    CU_ASSERT_PTR_NOT_NULL(strstr(v, "Signature=" REDACTED));
    free(v);
    v = redact_header("X-Amz-Security-Token", "FQoGZXIvYXdzE");
    CU_ASSERT_STRING_EQUAL(v, REDACTED);
    free(v);
    v = redact_header("x-aws-ec2-metadata-token", "AQAEAmetadata");
    CU_ASSERT_STRING_EQUAL(v, REDACTED);
    free(v);
    v = redact_header("Content-Type", "application/json");
    CU_ASSERT_STRING_EQUAL(v, "application/json");
    free(v);
}

static void test_redact_survives_truncation(void)
{
    const char *in = "<SecretAccessKey>abc</SecretAccessKey>{\"Password\":\"x\"}Password=y&";
    size_t n = strlen(in);
    for (size_t i = 0; i <= n; i++) {
        char *out = redact_text(in, i);
        CU_ASSERT_PTR_NOT_NULL(out);
        free(out);
    }
}

static const struct test_case cases[] = {
    {"retry: throttling, transient, final", test_retry_classification},
    {"retry: exponential backoff, full jitter, cap", test_retry_backoff_full_jitter_and_cap},
    {"retry: quota drains and refills", test_retry_quota_drains_and_refills},
    {"redact: XML, JSON, form and URL secrets", test_redact_bodies},
    {"redact: headers", test_redact_headers},
    {"redact: truncated input", test_redact_survives_truncation},
};
TEST_SUITE("retry-redact", cases)
