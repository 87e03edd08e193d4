/* Tests of the shared config/credentials files and endpoint resolution. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/config.h"
#include "aws/endpoint.h"
#include "aws/service.h"

#include <stdlib.h>
#include <string.h>

static const char s_config[] =
    "# drill accounts\n"
    "[default]\n"
    "region = us-east-1\n"
    "\n"
    "[profile   dr]\n"
    "region=cn-northwest-1\n"
    "role_arn = arn:aws-cn:iam::222222222222:role/drill\n"
    "source_profile = production\n"
    "services = local\n"
    "; a comment\n"
    "s3 =\n"
    "  max_concurrent_requests = 20\n"
    "\n"
    "[services local]\n"
    "s3 =\n"
    "  endpoint_url = http://127.0.0.1:9000\n"
    "backup =\n"
    "  endpoint_url = http://127.0.0.1:9001/\n";

static const char s_creds[] =
    "[production]\n"
    "aws_access_key_id = AKIDPROD\n"
    "aws_secret_access_key = secretprod\n"
    "[dr]\n"
    "region = eu-west-1\n";

static void test_config_sections_and_subkeys(void)
{
    struct testenv *t = testenv_new();
    char *cp = testenv_write(t, "config", s_config, 0);
    char *kp = testenv_write(t, "credentials", s_creds, 0);
    testenv_set(t, "AWS_CONFIG_FILE", cp);
    testenv_set(t, "AWS_SHARED_CREDENTIALS_FILE", kp);
    struct aws_config *cfg = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(aws_config_load(&t->env, &cfg, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(aws_config_get(cfg, "default", "region"), "us-east-1");
    /* The credentials file wins over config for the same profile. */
    CU_ASSERT_STRING_EQUAL(aws_config_get(cfg, "dr", "region"), "eu-west-1");
    CU_ASSERT_STRING_EQUAL(aws_config_get(cfg, "dr", "source_profile"), "production");
    CU_ASSERT_STRING_EQUAL(aws_config_get(cfg, "dr", "s3.max_concurrent_requests"), "20");
    CU_ASSERT_STRING_EQUAL(aws_config_get(cfg, "production", "aws_access_key_id"), "AKIDPROD");
    CU_ASSERT_PTR_NULL(aws_config_get(cfg, "dr", "aws_access_key_id"));
    CU_ASSERT_STRING_EQUAL(aws_config_services_get(cfg, "local", "s3", "endpoint_url"),
                           "http://127.0.0.1:9000");
    CU_ASSERT_TRUE(aws_config_has_profile(cfg, "production"));
    CU_ASSERT_TRUE(aws_config_has_profile(cfg, "dr"));
    CU_ASSERT_FALSE(aws_config_has_profile(cfg, "staging"));
    CU_ASSERT_STRING_EQUAL(aws_config_profile_name(&t->env, NULL), "default");
    testenv_set(t, "AWS_PROFILE", "dr");
    CU_ASSERT_STRING_EQUAL(aws_config_profile_name(&t->env, NULL), "dr");
    CU_ASSERT_STRING_EQUAL(aws_config_profile_name(&t->env, "production"), "production");
    aws_config_free(cfg);
    free(cp);
    free(kp);
    testenv_free(t);
}

static void test_config_missing_files_are_empty(void)
{
    struct testenv *t = testenv_new();
    struct aws_config *cfg = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(aws_config_load(&t->env, &cfg, &err), DRH_OK);
    CU_ASSERT_FALSE(aws_config_has_profile(cfg, "default"));
    aws_config_free(cfg);
    testenv_free(t);
}

static void s_expect_bad(const char *text, const char *want_in_msg)
{
    struct testenv *t = testenv_new();
    char *cp = testenv_write(t, "config", text, 0);
    struct aws_config *cfg = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(aws_config_load_files(cp, NULL, &cfg, &err), DRH_E_CONFIG);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, cp));
    if (!strstr(err.msg, want_in_msg))
        fprintf(stderr, "\n  message was: %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, want_in_msg));
    CU_ASSERT_NOT_EQUAL(err.hint[0], '\0');
    free(cp);
    testenv_free(t);
}

static void test_config_malformed_names_file_and_line(void)
{
    s_expect_bad("[default]\nregion = us-east-1\nthis line has no equals\n", ":3: expected 'key = value'");
    s_expect_bad("region = us-east-1\n", ":1: key outside any [section]");
    s_expect_bad("[default\nregion = x\n", ":1: malformed section header");
    s_expect_bad("[]\n", ":1: malformed section header");
    s_expect_bad("[default]\n = value\n", ":2: empty key");
}

static void test_partitions(void)
{
    CU_ASSERT_STRING_EQUAL(aws_partition_of("us-east-1")->name, "aws");
    CU_ASSERT_STRING_EQUAL(aws_partition_of("eu-central-2")->name, "aws");
    CU_ASSERT_STRING_EQUAL(aws_partition_of("cn-northwest-1")->name, "aws-cn");
    CU_ASSERT_STRING_EQUAL(aws_partition_of("cn-northwest-1")->dns_suffix, "amazonaws.com.cn");
    CU_ASSERT_STRING_EQUAL(aws_partition_of("us-gov-west-1")->name, "aws-us-gov");
    CU_ASSERT_PTR_NULL(aws_partition_of("us-east"));
    CU_ASSERT_PTR_NULL(aws_partition_of("US-EAST-1"));
    CU_ASSERT_PTR_NULL(aws_partition_of("us-east-1.evil.com"));
    CU_ASSERT_PTR_NULL(aws_partition_of("xx-east-1"));
    CU_ASSERT_PTR_NULL(aws_partition_of(""));
    struct drh_err err;
    CU_ASSERT_EQUAL(aws_region_check("moon-1", &err), DRH_E_CONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'moon-1' is not an AWS region"));
    CU_ASSERT_EQUAL(aws_region_check(NULL, &err), DRH_E_CONFIG);
}

static void test_arns(void)
{
    char *a = aws_arn("cn-northwest-1", "iam", "", "111111111111", "role/drill");
    CU_ASSERT_STRING_EQUAL(a, "arn:aws-cn:iam::111111111111:role/drill");
    free(a);
    a = aws_arn("us-west-2", "rds", "us-west-2", "222222222222", "cluster:restored");
    CU_ASSERT_STRING_EQUAL(a, "arn:aws:rds:us-west-2:222222222222:cluster:restored");
    free(a);
    a = aws_arn("us-gov-east-1", "s3", "", "", "bucket");
    CU_ASSERT_STRING_EQUAL(a, "arn:aws-us-gov:s3:::bucket");
    free(a);
    CU_ASSERT_PTR_NULL(aws_arn("nowhere", "s3", "", "", "b"));
    char *p = aws_arn_partition("arn:aws-cn:s3:::ds-target-bucket-name");
    CU_ASSERT_STRING_EQUAL(p, "aws-cn");
    free(p);
    CU_ASSERT_PTR_NULL(aws_arn_partition("not-an-arn"));
}

static char *s_resolve(struct testenv *t, const struct aws_config *cfg, const char *service,
                       const char *region, const char *override, enum drh_status want)
{
    struct aws_endpoint_source src = {override, &t->env, cfg, "dr"};
    char *url = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL(aws_endpoint_resolve(aws_service_find(service), region, &src, &url, &err), want);
    return url;
}

static void test_endpoint_precedence(void)
{
    struct testenv *t = testenv_new();
    char *cp = testenv_write(t, "config", s_config, 0);
    struct aws_config *cfg = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(aws_config_load_files(cp, NULL, &cfg, &err), DRH_OK);

    char *u = s_resolve(t, NULL, "efs", "us-west-2", NULL, DRH_OK);
    CU_ASSERT_STRING_EQUAL(u, "https://elasticfilesystem.us-west-2.amazonaws.com");
    free(u);
    u = s_resolve(t, NULL, "sts", "cn-northwest-1", NULL, DRH_OK);
    CU_ASSERT_STRING_EQUAL(u, "https://sts.cn-northwest-1.amazonaws.com.cn");
    free(u);
    /* The profile's services section, trailing slash cut. */
    u = s_resolve(t, cfg, "backup", "us-east-1", NULL, DRH_OK);
    CU_ASSERT_STRING_EQUAL(u, "http://127.0.0.1:9001");
    free(u);
    /* The global variable beats the config file... */
    testenv_set(t, "AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
    u = s_resolve(t, cfg, "backup", "us-east-1", NULL, DRH_OK);
    CU_ASSERT_STRING_EQUAL(u, "http://127.0.0.1:4566");
    free(u);
    /* ...the service's variable beats the global one... */
    testenv_set(t, "AWS_ENDPOINT_URL_EFS", "http://127.0.0.1:5000/base/");
    u = s_resolve(t, cfg, "efs", "us-east-1", NULL, DRH_OK);
    CU_ASSERT_STRING_EQUAL(u, "http://127.0.0.1:5000/base");
    free(u);
    /* ...and the drill's override beats everything. */
    u = s_resolve(t, cfg, "efs", "us-east-1", "https://vpce.example.internal", DRH_OK);
    CU_ASSERT_STRING_EQUAL(u, "https://vpce.example.internal");
    free(u);
    /* Configured endpoints can be switched off. */
    testenv_set(t, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
    u = s_resolve(t, cfg, "efs", "us-east-1", NULL, DRH_OK);
    CU_ASSERT_STRING_EQUAL(u, "https://elasticfilesystem.us-east-1.amazonaws.com");
    free(u);
    testenv_set(t, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", NULL);
    /* Bad values are errors, never a request to a mangled host. */
    testenv_set(t, "AWS_ENDPOINT_URL_EFS", "ftp://127.0.0.1");
    CU_ASSERT_PTR_NULL(s_resolve(t, cfg, "efs", "us-east-1", NULL, DRH_E_CONFIG));
    testenv_set(t, "AWS_ENDPOINT_URL_EFS", "http://127.0.0.1 :80");
    CU_ASSERT_PTR_NULL(s_resolve(t, cfg, "efs", "us-east-1", NULL, DRH_E_CONFIG));
    CU_ASSERT_PTR_NULL(s_resolve(t, cfg, "s3", "not a region", NULL, DRH_E_CONFIG));
    aws_config_free(cfg);
    free(cp);
    testenv_free(t);
}

static void test_service_table_matches_botocore_names(void)
{
    const struct aws_service *s = aws_service_find("efs");
    CU_ASSERT_STRING_EQUAL(s->signing_name, "elasticfilesystem");
    CU_ASSERT_EQUAL(s->protocol, AWS_PROTO_REST_JSON);
    CU_ASSERT_EQUAL(aws_service_find("ec2")->protocol, AWS_PROTO_EC2);
    CU_ASSERT_STRING_EQUAL(aws_service_find("kms")->target_prefix, "TrentService");
    CU_ASSERT_PTR_NULL(aws_service_find("lambda"));
}

static const struct test_case cases[] = {
    {"config: sections, sub-keys, services, precedence", test_config_sections_and_subkeys},
    {"config: missing files are empty", test_config_missing_files_are_empty},
    {"config: malformed lines name file and line", test_config_malformed_names_file_and_line},
    {"endpoint: partitions of regions", test_partitions},
    {"endpoint: ARNs carry the partition", test_arns},
    {"endpoint: override, env, config, default in order", test_endpoint_precedence},
    {"endpoint: service table", test_service_table_matches_botocore_names},
};
TEST_SUITE("config-endpoint", cases)
