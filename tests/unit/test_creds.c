/* Tests of the credential chain: each source, the chain's order, refresh
 * before expiry, and the errors a user sees. STS, container and IMDS are the
 * scripted server on 127.0.0.1; credential_process runs real scripts. */
#include "support/httpd.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/creds.h"
#include "log.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct httpd *s_srv;

static int s_init(void)
{
    s_srv = httpd_start();
    return 0;
}

static int s_cleanup(void)
{
    httpd_stop(s_srv);
    return 0;
}

/* An STS answer of temporary credentials expiring at 'expiration'. */
static char *s_sts_reply(const char *op, const char *akid, const char *expiration)
{
    return xasprintf("<%sResponse><%sResult><Credentials><AccessKeyId>%s</AccessKeyId>"
                     "<SecretAccessKey>secret-%s</SecretAccessKey><SessionToken>token-%s</SessionToken>"
                     "<Expiration>%s</Expiration></Credentials><AssumedRoleUser>"
                     "<Arn>arn:aws:sts::222222222222:assumed-role/drill/s</Arn></AssumedRoleUser>"
                     "</%sResult></%sResponse>",
                     op, op, akid, akid, akid, expiration, op, op);
}

struct fixture {
    struct testenv *t;
    struct aws_creds_provider *p;
    struct drh_err err;
};

static void s_setup(struct fixture *f, const char *config, const char *credentials)
{
    memset(f, 0, sizeof *f);
    f->t = testenv_new();
    if (config) {
        char *p = testenv_write(f->t, "config", config, 0);
        testenv_set(f->t, "AWS_CONFIG_FILE", p);
        free(p);
    }
    if (credentials) {
        char *p = testenv_write(f->t, "credentials", credentials, 0);
        testenv_set(f->t, "AWS_SHARED_CREDENTIALS_FILE", p);
        free(p);
    }
    testenv_set(f->t, "AWS_ENDPOINT_URL", httpd_url(s_srv));
}

static enum drh_status s_get(struct fixture *f, const char *profile, int explicit_profile,
                             const struct aws_credentials **out)
{
    if (!f->p) {
        struct aws_creds_options o = {0};
        o.env = &f->t->env;
        o.profile = profile;
        o.explicit_profile = explicit_profile;
        o.retry.max_attempts = 1;
        enum drh_status st = aws_creds_chain_new(&o, &f->p, &f->err);
        if (st != DRH_OK)
            return st;
    }
    drh_err_clear(&f->err);
    return aws_creds_get(f->p, out, &f->err);
}

static void s_teardown(struct fixture *f)
{
    aws_creds_provider_free(f->p);
    testenv_free(f->t);
}

static void test_environment_keys_come_first(void)
{
    struct fixture f;
    s_setup(&f, NULL, "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n");
    testenv_set(f.t, "AWS_ACCESS_KEY_ID", "AKIDENV");
    testenv_set(f.t, "AWS_SECRET_ACCESS_KEY", "envsecret");
    testenv_set(f.t, "AWS_SESSION_TOKEN", "envtoken");
    const struct aws_credentials *c = NULL;
    CU_ASSERT_EQUAL_FATAL(s_get(&f, NULL, 0, &c), DRH_OK);
    CU_ASSERT_STRING_EQUAL(c->access_key_id, "AKIDENV");
    CU_ASSERT_STRING_EQUAL(c->session_token, "envtoken");
    CU_ASSERT_PTR_NOT_NULL(strstr(aws_creds_describe(f.p), "environment"));
    s_teardown(&f);

    /* A profile named explicitly (a drill's) skips the environment. */
    s_setup(&f, NULL, "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n");
    testenv_set(f.t, "AWS_ACCESS_KEY_ID", "AKIDENV");
    testenv_set(f.t, "AWS_SECRET_ACCESS_KEY", "envsecret");
    CU_ASSERT_EQUAL_FATAL(s_get(&f, "default", 1, &c), DRH_OK);
    CU_ASSERT_STRING_EQUAL(c->access_key_id, "AKIDFILE");
    CU_ASSERT_PTR_NULL(c->session_token);
    s_teardown(&f);
}

static void test_partial_keys_are_an_error(void)
{
    struct fixture f;
    s_setup(&f, NULL, NULL);
    testenv_set(f.t, "AWS_ACCESS_KEY_ID", "AKIDENV");
    const struct aws_credentials *c = NULL;
    CU_ASSERT_EQUAL(s_get(&f, NULL, 0, &c), DRH_E_CREDS);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "AWS_ACCESS_KEY_ID"));
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "not a secret access key"));
    s_teardown(&f);

    s_setup(&f, "[profile prod]\naws_secret_access_key = x\n", NULL);
    CU_ASSERT_EQUAL(s_get(&f, "prod", 1, &c), DRH_E_CREDS);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "profile 'prod'"));
    s_teardown(&f);
}

static void test_missing_profile_and_no_credentials(void)
{
    struct fixture f;
    s_setup(&f, "[profile production]\naws_access_key_id = a\naws_secret_access_key = b\n", NULL);
    const struct aws_credentials *c = NULL;
    CU_ASSERT_EQUAL(s_get(&f, "prodution", 1, &c), DRH_E_CONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "profile 'prodution' not found"));
    CU_ASSERT_NOT_EQUAL(f.err.hint[0], '\0');
    s_teardown(&f);

    s_setup(&f, NULL, NULL);
    testenv_set(f.t, "AWS_PROFILE", "ghost");
    CU_ASSERT_EQUAL(s_get(&f, NULL, 0, &c), DRH_E_CONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "profile 'ghost' not found"));
    s_teardown(&f);

    s_setup(&f, NULL, NULL);
    CU_ASSERT_EQUAL(s_get(&f, NULL, 0, &c), DRH_E_CREDS);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "no AWS credentials found"));
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.hint, "AWS_PROFILE"));
    s_teardown(&f);

    s_setup(&f, "[default]\nthis is not ini\n", NULL);
    struct aws_creds_options o = {0};
    o.env = &f.t->env;
    CU_ASSERT_EQUAL(aws_creds_chain_new(&o, &f.p, &f.err), DRH_E_CONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "config:2:"));
    s_teardown(&f);
}

static const char s_role_config[] =
    "[profile production]\n"
    "region = us-west-2\n"
    "[profile dr]\n"
    "role_arn = arn:aws:iam::222222222222:role/drill\n"
    "source_profile = production\n"
    "external_id = drill-ext-42\n"
    "role_session_name = nightly\n"
    "duration_seconds = 1800\n"
    "region = eu-west-1\n";

static const char s_role_creds[] =
    "[production]\naws_access_key_id = AKIDPROD\naws_secret_access_key = prodsecret\n";

static void test_role_from_source_profile_and_refresh(void)
{
    struct fixture f;
    s_setup(&f, s_role_config, s_role_creds);
    char *r1 = s_sts_reply("AssumeRole", "ASIAONE", "2025-11-22T03:53:20Z"); /* now + 1 h */
    char *r2 = s_sts_reply("AssumeRole", "ASIATWO", "2025-11-22T04:53:20Z");
    struct httpd_reply script[] = {{200, NULL, r1, 0, 0, 0}, {200, NULL, r2, 0, 0, 0}};
    httpd_script(s_srv, script, 2);
    const struct aws_credentials *c = NULL;
    CU_ASSERT_EQUAL_FATAL(s_get(&f, "dr", 1, &c), DRH_OK);
    CU_ASSERT_STRING_EQUAL(c->access_key_id, "ASIAONE");
    CU_ASSERT_STRING_EQUAL(c->session_token, "token-ASIAONE");
    CU_ASSERT_STRING_EQUAL(c->account_id, "222222222222");
    CU_ASSERT_EQUAL_FATAL(httpd_request_count(s_srv), 1);
    const struct httpd_request *r = httpd_request_at(s_srv, 0);
    const char *body = buf_str(&r->body);
    CU_ASSERT_PTR_NOT_NULL(strstr(body, "Action=AssumeRole&"));
    CU_ASSERT_PTR_NOT_NULL(strstr(body, "RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fdrill"));
    CU_ASSERT_PTR_NOT_NULL(strstr(body, "ExternalId=drill-ext-42"));
    CU_ASSERT_PTR_NOT_NULL(strstr(body, "RoleSessionName=nightly"));
    CU_ASSERT_PTR_NOT_NULL(strstr(body, "DurationSeconds=1800"));
    /* Signed with the source profile's keys, in the assuming profile's region. */
    CU_ASSERT_PTR_NOT_NULL(strstr(headers_get(&r->headers, "Authorization"),
                                  "Credential=AKIDPROD/20251122/eu-west-1/sts/aws4_request"));

    /* Still valid: no new call. */
    f.t->now += 1800;
    CU_ASSERT_EQUAL(s_get(&f, "dr", 1, &c), DRH_OK);
    CU_ASSERT_STRING_EQUAL(c->access_key_id, "ASIAONE");
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 1);
    /* Within five minutes of expiry: refreshed. */
    f.t->now += 1800 - 200;
    CU_ASSERT_EQUAL(s_get(&f, "dr", 1, &c), DRH_OK);
    CU_ASSERT_STRING_EQUAL(c->access_key_id, "ASIATWO");
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 2);
    free(r1);
    free(r2);
    s_teardown(&f);
}

static void test_failed_refresh_keeps_valid_and_reports_expired(void)
{
    struct fixture f;
    s_setup(&f, s_role_config, s_role_creds);
    char *r1 = s_sts_reply("AssumeRole", "ASIAONE", "2025-11-22T03:53:20Z");
    static const char denied[] = "<ErrorResponse><Error><Code>AccessDenied</Code>"
                                 "<Message>no</Message></Error></ErrorResponse>";
    struct httpd_reply script[] = {{200, NULL, r1, 0, 0, 0},
                                   {403, NULL, denied, 0, 0, 0},
                                   {403, NULL, denied, 0, 0, 0}};
    httpd_script(s_srv, script, 3);
    const struct aws_credentials *c = NULL;
    CU_ASSERT_EQUAL_FATAL(s_get(&f, "dr", 1, &c), DRH_OK);
    f.t->now += 3600 - 100; /* inside the refresh window, not expired */
    log_set_level(LOG_ERROR); /* the warning it logs is expected here */
    CU_ASSERT_EQUAL(s_get(&f, "dr", 1, &c), DRH_OK);
    log_set_level(LOG_INFO);
    CU_ASSERT_STRING_EQUAL(c->access_key_id, "ASIAONE");
    f.t->now += 200; /* expired now */
    CU_ASSERT_EQUAL(s_get(&f, "dr", 1, &c), DRH_E_AWS);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "expired and could not be refreshed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "AccessDenied"));
    free(r1);
    s_teardown(&f);
}

static void s_expect_config_error(const char *config, const char *profile, const char *want)
{
    struct fixture f;
    s_setup(&f, config, NULL);
    const struct aws_credentials *c = NULL;
    enum drh_status st = s_get(&f, profile, 1, &c);
    CU_ASSERT_NOT_EQUAL(st, DRH_OK);
    if (!strstr(f.err.msg, want))
        fprintf(stderr, "\n  wanted '%s' in: %s\n", want, f.err.msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, want));
    CU_ASSERT_NOT_EQUAL(f.err.hint[0], '\0');
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 0);
    s_teardown(&f);
}

static void test_role_configuration_errors(void)
{
    httpd_script(s_srv, NULL, 0);
    s_expect_config_error("[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\n"
                          "[profile b]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = a\n",
                          "a", "circular");
    s_expect_config_error("[profile a]\nrole_arn = arn:aws:iam::1:role/r\n", "a",
                          "no source_profile or credential_source");
    s_expect_config_error("[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = nope\n",
                          "a", "profile 'nope' not found");
    s_expect_config_error("[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\n"
                          "credential_source = Environment\n[profile b]\n",
                          "a", "both source_profile and credential_source");
    s_expect_config_error("[profile a]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Moon\n",
                          "a", "unknown credential_source 'Moon'");
    s_expect_config_error("[profile a]\nrole_arn = arn:aws:iam::1:role/r\nmfa_serial = arn:x\n"
                          "credential_source = Environment\n",
                          "a", "MFA");
    s_expect_config_error("[profile a]\nrole_arn = arn:aws:iam::1:role/r\nduration_seconds = 60\n"
                          "credential_source = Environment\n",
                          "a", "duration_seconds");
    s_expect_config_error("[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\n"
                          "[profile b]\nregion = us-east-1\n",
                          "a", "has no credentials");
}

static void test_web_identity_from_environment(void)
{
    struct fixture f;
    s_setup(&f, NULL, NULL);
    char *tok = testenv_write(f.t, "oidc-token", "eyJ.header.signature\n", 0);
    testenv_set(f.t, "AWS_WEB_IDENTITY_TOKEN_FILE", tok);
    testenv_set(f.t, "AWS_ROLE_ARN", "arn:aws:iam::222222222222:role/ci");
    testenv_set(f.t, "AWS_ROLE_SESSION_NAME", "gha-run-7");
    char *r1 = s_sts_reply("AssumeRoleWithWebIdentity", "ASIAWEB", "2025-11-22T03:53:20Z");
    struct httpd_reply script[] = {{200, NULL, r1, 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    const struct aws_credentials *c = NULL;
    CU_ASSERT_EQUAL_FATAL(s_get(&f, NULL, 0, &c), DRH_OK);
    CU_ASSERT_STRING_EQUAL(c->access_key_id, "ASIAWEB");
    const struct httpd_request *r = httpd_request_at(s_srv, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r->body), "Action=AssumeRoleWithWebIdentity"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r->body), "WebIdentityToken=eyJ.header.signature"));
    CU_ASSERT_PTR_NULL(strstr(buf_str(&r->body), "%0A")); /* the file's newline is not sent */
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r->body), "RoleSessionName=gha-run-7"));
    /* This call is not signed. */
    CU_ASSERT_PTR_NULL(headers_get(&r->headers, "Authorization"));
    free(r1);
    free(tok);
    s_teardown(&f);

    s_setup(&f, NULL, NULL);
    testenv_set(f.t, "AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token");
    testenv_set(f.t, "AWS_ROLE_ARN", "arn:aws:iam::222222222222:role/ci");
    CU_ASSERT_EQUAL(s_get(&f, NULL, 0, &c), DRH_E_CREDS);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "/nonexistent/token"));
    s_teardown(&f);
}

static void s_process(const char *script_text, const char *want_akid, const char *want_err)
{
    struct fixture f;
    s_setup(&f, NULL, NULL);
    char *script = testenv_write(f.t, "creds.sh", script_text, 0700);
    char *config = xasprintf("[profile proc]\ncredential_process = %s --flag\n", script);
    char *cp = testenv_write(f.t, "config", config, 0);
    testenv_set(f.t, "AWS_CONFIG_FILE", cp);
    const struct aws_credentials *c = NULL;
    enum drh_status st = s_get(&f, "proc", 1, &c);
    if (want_akid) {
        CU_ASSERT_EQUAL(st, DRH_OK);
        if (st == DRH_OK) {
            CU_ASSERT_STRING_EQUAL(c->access_key_id, want_akid);
        } else {
            fprintf(stderr, "\n  credential_process: %s\n", f.err.msg);
        }
    } else {
        CU_ASSERT_EQUAL(st, DRH_E_CREDS);
        if (!strstr(f.err.msg, want_err))
            fprintf(stderr, "\n  wanted '%s' in: %s\n", want_err, f.err.msg);
        CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, want_err));
    }
    free(config);
    free(cp);
    free(script);
    s_teardown(&f);
}

static void test_credential_process(void)
{
    s_process("#!/bin/sh\n[ \"$1\" = --flag ] || exit 9\n"
              "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"x\","
              " \"SessionToken\": \"t\", \"Expiration\": \"2030-01-01T00:00:00Z\"}'\n",
              "AKIDPROC", NULL);
    s_process("#!/bin/sh\necho 'vault is sealed' >&2\nexit 3\n", NULL,
              "exited with 3: vault is sealed");
    s_process("#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"a\", \"SecretAccessKey\": \"b\"}'\n",
              NULL, "no \"Version\": 1");
    s_process("#!/bin/sh\necho 'not json'\n", NULL, "bad JSON");
    s_process("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"a\", \"SecretAccessKey\": \"b\","
              " \"Expiration\": \"2001-01-01T00:00:00Z\"}'\n",
              NULL, "already expired");
}

static void test_container_credentials(void)
{
    struct fixture f;
    s_setup(&f, NULL, NULL);
    char *url = xasprintf("%s/v2/credentials/abc", httpd_url(s_srv));
    testenv_set(f.t, "AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
    char *tf = testenv_write(f.t, "auth-token", "Bearer pod-token\n", 0);
    testenv_set(f.t, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tf);
    struct httpd_reply script[] = {
        {200, NULL,
         "{\"AccessKeyId\":\"ASIACONT\",\"SecretAccessKey\":\"s\",\"Token\":\"t\","
         "\"Expiration\":\"2025-11-22T08:00:00Z\",\"AccountId\":\"111111111111\"}",
         0, 0, 0}};
    httpd_script(s_srv, script, 1);
    const struct aws_credentials *c = NULL;
    CU_ASSERT_EQUAL_FATAL(s_get(&f, NULL, 0, &c), DRH_OK);
    CU_ASSERT_STRING_EQUAL(c->access_key_id, "ASIACONT");
    CU_ASSERT_STRING_EQUAL(c->account_id, "111111111111");
    const struct httpd_request *r = httpd_request_at(s_srv, 0);
    CU_ASSERT_STRING_EQUAL(r->target, "/v2/credentials/abc");
    CU_ASSERT_STRING_EQUAL(headers_get(&r->headers, "Authorization"), "Bearer pod-token");
    free(url);
    free(tf);
    s_teardown(&f);

    /* A full URI to a remote host over plain http is refused. */
    s_setup(&f, NULL, NULL);
    testenv_set(f.t, "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://203.0.113.9/creds");
    CU_ASSERT_EQUAL(s_get(&f, NULL, 0, &c), DRH_E_CONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "neither https nor a host-local address"));
    s_teardown(&f);
}

static void test_imds_v2(void)
{
    struct fixture f;
    s_setup(&f, NULL, NULL);
    testenv_set(f.t, "AWS_EC2_METADATA_DISABLED", NULL);
    testenv_set(f.t, "AWS_EC2_METADATA_SERVICE_ENDPOINT", httpd_url(s_srv));
    struct httpd_reply script[] = {
        {200, NULL, "IMDSTOKEN", 0, 0, 0},
        {200, NULL, "drill-runner-role\n", 0, 0, 0},
        {200, NULL,
         "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIAIMDS\","
         "\"SecretAccessKey\":\"s\",\"Token\":\"t\",\"Expiration\":\"2025-11-22T09:00:00Z\"}",
         0, 0, 0}};
    httpd_script(s_srv, script, 3);
    const struct aws_credentials *c = NULL;
    CU_ASSERT_EQUAL_FATAL(s_get(&f, NULL, 0, &c), DRH_OK);
    CU_ASSERT_STRING_EQUAL(c->access_key_id, "ASIAIMDS");
    CU_ASSERT_EQUAL_FATAL(httpd_request_count(s_srv), 3);
    const struct httpd_request *put = httpd_request_at(s_srv, 0);
    CU_ASSERT_STRING_EQUAL(put->method, "PUT");
    CU_ASSERT_STRING_EQUAL(put->target, "/latest/api/token");
    CU_ASSERT_STRING_EQUAL(headers_get(&put->headers, "X-aws-ec2-metadata-token-ttl-seconds"), "21600");
    const struct httpd_request *get = httpd_request_at(s_srv, 2);
    CU_ASSERT_STRING_EQUAL(get->target, "/latest/meta-data/iam/security-credentials/drill-runner-role");
    CU_ASSERT_STRING_EQUAL(headers_get(&get->headers, "X-aws-ec2-metadata-token"), "IMDSTOKEN");
    s_teardown(&f);

    /* No role attached: said plainly. */
    s_setup(&f, NULL, NULL);
    testenv_set(f.t, "AWS_EC2_METADATA_DISABLED", NULL);
    testenv_set(f.t, "AWS_EC2_METADATA_SERVICE_ENDPOINT", httpd_url(s_srv));
    struct httpd_reply none[] = {{200, NULL, "T", 0, 0, 0}, {404, NULL, "", 0, 0, 0}};
    httpd_script(s_srv, none, 2);
    CU_ASSERT_EQUAL(s_get(&f, NULL, 0, &c), DRH_E_CREDS);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.err.msg, "no IAM role"));
    s_teardown(&f);
}

static void test_assume_role_provider_for_second_account(void)
{
    struct fixture f;
    s_setup(&f, NULL, NULL);
    struct aws_credentials base = {(char *)"AKIDPROD", (char *)"prodsecret", NULL, 0, NULL};
    struct aws_creds_provider *src = aws_creds_static_new(&base, "production keys");
    char *r1 = s_sts_reply("AssumeRole", "ASIADR", "2025-11-22T03:53:20Z");
    struct httpd_reply script[] = {{200, NULL, r1, 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    struct aws_creds_options o = {0};
    o.env = &f.t->env;
    o.region = "cn-northwest-1";
    struct aws_assume_role role = {"arn:aws-cn:iam::222222222222:role/dr-drill", "ext", NULL, 0};
    CU_ASSERT_EQUAL_FATAL(aws_creds_assume_role_new(src, &role, &o, &f.p, &f.err), DRH_OK);
    const struct aws_credentials *c = NULL;
    CU_ASSERT_EQUAL_FATAL(aws_creds_get(f.p, &c, &f.err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(c->access_key_id, "ASIADR");
    const struct httpd_request *r = httpd_request_at(s_srv, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(headers_get(&r->headers, "Authorization"),
                                  "AKIDPROD/20251122/cn-northwest-1/sts/aws4_request"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r->body), "RoleSessionName=drh-"));
    struct aws_assume_role bad = {"role/dr-drill", NULL, NULL, 0};
    struct aws_creds_provider *p2 = NULL;
    CU_ASSERT_EQUAL(aws_creds_assume_role_new(src, &bad, &o, &p2, &f.err), DRH_E_CONFIG);
    CU_ASSERT_PTR_NULL(p2);
    aws_creds_provider_free(f.p);
    f.p = NULL;
    aws_creds_provider_free(src);
    free(r1);
    s_teardown(&f);
}

static void test_parse_time(void)
{
    CU_ASSERT_EQUAL(aws_parse_time("2015-08-30T12:36:00Z"), 1440938160);
    CU_ASSERT_EQUAL(aws_parse_time("2015-08-30T12:36:00.123Z"), 1440938160);
    CU_ASSERT_EQUAL(aws_parse_time("2015-08-30T14:36:00+02:00"), 1440938160);
    CU_ASSERT_EQUAL(aws_parse_time("2015-08-30 12:36:00Z"), 1440938160);
    CU_ASSERT_EQUAL(aws_parse_time("2015-08-30T12:36:00"), -1);
    CU_ASSERT_EQUAL(aws_parse_time("2015-13-30T12:36:00Z"), -1);
    CU_ASSERT_EQUAL(aws_parse_time("yesterday"), -1);
    CU_ASSERT_EQUAL(aws_parse_time(""), -1);
    CU_ASSERT_EQUAL(aws_parse_time("2015-08-30T12:36:00Zjunk"), -1);
}

static const struct test_case cases[] = {
    {"environment keys first, skipped for a named profile", test_environment_keys_come_first},
    {"half a key pair is an error", test_partial_keys_are_an_error},
    {"missing profile, no credentials, bad file", test_missing_profile_and_no_credentials},
    {"role_arn + source_profile, external_id, refresh", test_role_from_source_profile_and_refresh},
    {"failed refresh: keep valid, report expired", test_failed_refresh_keeps_valid_and_reports_expired},
    {"role configuration errors", test_role_configuration_errors},
    {"web identity (CI OIDC)", test_web_identity_from_environment},
    {"credential_process", test_credential_process},
    {"container credentials", test_container_credentials},
    {"EC2 instance metadata, IMDSv2", test_imds_v2},
    {"assume a role in a second account", test_assume_role_provider_for_second_account},
    {"expiration times", test_parse_time},
};
TEST_SUITE_FULL("creds", cases, NULL, s_init, s_cleanup)
