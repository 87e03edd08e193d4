/* Tests of the helper commands (harness/cli_tools*.c): drh recovery-points
 * against the scripted server on 127.0.0.1 (every page, the type filter,
 * newest first, the exact table and JSON, a missing vault's message and
 * hint, usage errors and exit codes), its size and age formats, and drh
 * iam-policy's command line (sides, headings, a bad drill file). */
#include "support/httpd.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "cli_tools.h"
#include "mem.h"

#include <stdarg.h>
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

static void test_formats(void)
{
    static const struct {
        long long bytes;
        const char *want;
    } sizes[] = {{0, "-"},
                 {-5, "-"},
                 {1, "1 B"},
                 {1023, "1023 B"},
                 {1024, "1.0 KiB"},
                 {524288, "512.0 KiB"},
                 {1048575, "1.0 MiB"},
                 {1288490189, "1.2 GiB"},
                 {5497558138880LL, "5.0 TiB"}};
    char out[32];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        cli_format_size(sizes[i].bytes, out, sizeof out);
        if (strcmp(out, sizes[i].want) != 0)
            TEST_FAILF("size %lld: '%s', want '%s'", sizes[i].bytes, out, sizes[i].want);
    }
    static const struct {
        double seconds;
        const char *want;
    } ages[] = {{-3, "0s"},       {0, "0s"},         {45.9, "45s"},    {725, "12m5s"},
                {11525, "3h12m"}, {86399, "23h59m"}, {191220, "2d5h"}, {86400 * 400.0, "400d"}};
    for (size_t i = 0; i < sizeof ages / sizeof ages[0]; i++) {
        cli_format_age(ages[i].seconds, out, sizeof out);
        if (strcmp(out, ages[i].want) != 0)
            TEST_FAILF("age %.1f: '%s', want '%s'", ages[i].seconds, out, ages[i].want);
    }
}

#define NOW 1763780000 /* testenv's clock: 2025-11-22T02:53:20Z */

static const char s_json_ct[] = "Content-Type: application/json\r\n"
                                "x-amzn-RequestId: 3f5e8a2c-1b4d-4e6f-9a8b-7c6d5e4f3a2b\r\n";

/* Page 1: an Aurora point 3h12m old and an RDS one 2d5h7m old; page 2: an
 * Aurora point 30m old without a size. Newest first they are C, A, B. */
static const char s_page1[] =
    "{\"NextToken\": \"tok+1/=\", \"RecoveryPoints\": ["
    "{\"RecoveryPointArn\": "
    "\"arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:awsbackup:job-a\","
    " \"BackupVaultName\": \"prod-vault\", \"ResourceType\": \"Aurora\", \"Status\": \"COMPLETED\","
    " \"ResourceArn\": \"arn:aws:rds:eu-west-1:111122223333:cluster:orders\","
    " \"CreationDate\": 1763768479.75, \"CompletionDate\": 1763769000,"
    " \"BackupSizeInBytes\": 1288490189},"
    "{\"RecoveryPointArn\": \"arn:aws:rds:eu-west-1:111122223333:snapshot:awsbackup:job-b\","
    " \"BackupVaultName\": \"prod-vault\", \"ResourceType\": \"RDS\", \"Status\": \"COMPLETED\","
    " \"ResourceArn\": \"arn:aws:rds:eu-west-1:111122223333:db:billing\","
    " \"CreationDate\": 1763588780, \"BackupSizeInBytes\": 524288}]}";
static const char s_page2[] =
    "{\"RecoveryPoints\": ["
    "{\"RecoveryPointArn\": "
    "\"arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:awsbackup:job-c\","
    " \"BackupVaultName\": \"prod-vault\", \"ResourceType\": \"Aurora\", \"Status\": \"PARTIAL\","
    " \"ResourceArn\": \"arn:aws:rds:eu-west-1:111122223333:cluster:orders\","
    " \"CreationDate\": 1763778200}]}";

static const char s_table_all[] =
    "CREATED (UTC)         AGE    STATUS     TYPE    SIZE       RESOURCE                        "
    "                   RECOVERY POINT\n"
    "2025-11-22T02:23:20Z  30m    PARTIAL    Aurora  -          arn:aws:rds:eu-west-1:1111222233"
    "33:cluster:orders  arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:awsbackup:job-c\n"
    "2025-11-21T23:41:19Z  3h12m  COMPLETED  Aurora  1.2 GiB    arn:aws:rds:eu-west-1:1111222233"
    "33:cluster:orders  arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:awsbackup:job-a\n"
    "2025-11-19T21:46:20Z  2d5h   COMPLETED  RDS     512.0 KiB  arn:aws:rds:eu-west-1:1111222233"
    "33:db:billing      arn:aws:rds:eu-west-1:111122223333:snapshot:awsbackup:job-b\n";
static const char s_table_aurora[] =
    "CREATED (UTC)         AGE    STATUS     TYPE    SIZE     RESOURCE                          "
    "                 RECOVERY POINT\n"
    "2025-11-22T02:23:20Z  30m    PARTIAL    Aurora  -        arn:aws:rds:eu-west-1:111122223333"
    ":cluster:orders  arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:awsbackup:job-c\n"
    "2025-11-21T23:41:19Z  3h12m  COMPLETED  Aurora  1.2 GiB  arn:aws:rds:eu-west-1:111122223333"
    ":cluster:orders  arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:awsbackup:job-a\n";

/* An environment whose static keys sign for eu-west-1. */
static struct testenv *s_env(void)
{
    struct testenv *t = testenv_new();
    testenv_set(t, "AWS_ACCESS_KEY_ID", "AKIDTEST");
    testenv_set(t, "AWS_SECRET_ACCESS_KEY", "SECRETTESTKEY");
    testenv_set(t, "AWS_REGION", "eu-west-1");
    return t;
}

/* Runs drh recovery-points ARGS... --endpoint-url <scripted server>; *out
 * gets what it printed (caller frees). */
static int s_run(struct testenv *t, char **out, ...)
{
    char *argv[16];
    int argc = 0;
    argv[argc++] = (char *)"recovery-points";
    va_list ap;
    va_start(ap, out);
    for (char *a = va_arg(ap, char *); a && argc < 12; a = va_arg(ap, char *))
        argv[argc++] = a;
    va_end(ap);
    argv[argc++] = (char *)"--endpoint-url";
    argv[argc++] = (char *)httpd_url(s_srv);
    argv[argc] = NULL;
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    int rc = cli_recovery_points_run(argc, argv, &t->env, f);
    long len = ftell(f);
    rewind(f);
    *out = xcalloc((size_t)len + 1, 1);
    if (len > 0 && fread(*out, 1, (size_t)len, f) != (size_t)len)
        TEST_FAILF("cannot read the output back");
    fclose(f);
    return rc;
}

static void s_script_two_pages(void)
{
    struct httpd_reply script[] = {{200, s_json_ct, s_page1, 0, 0, 0},
                                   {200, s_json_ct, s_page2, 0, 0, 0}};
    httpd_script(s_srv, script, 2);
}

static void test_table_every_page_newest_first(void)
{
    struct testenv *t = s_env();
    char *out = NULL;
    s_script_two_pages();
    CU_ASSERT_EQUAL(s_run(t, &out, "--vault", "prod-vault", NULL), 0);
    CU_ASSERT_STRING_EQUAL(out, s_table_all);
    CU_ASSERT_EQUAL_FATAL(httpd_request_count(s_srv), 2);
    CU_ASSERT_STRING_EQUAL(httpd_request_at(s_srv, 0)->target,
                           "/backup-vaults/prod-vault/recovery-points/");
    CU_ASSERT_STRING_EQUAL(httpd_request_at(s_srv, 1)->target,
                           "/backup-vaults/prod-vault/recovery-points/?nextToken=tok%2B1%2F%3D");
    const char *auth = headers_get(&httpd_request_at(s_srv, 0)->headers, "Authorization");
    CU_ASSERT_PTR_NOT_NULL(auth ? strstr(auth, "AKIDTEST/20251122/eu-west-1/backup/") : NULL);
    free(out);
    /* --type in any case keeps one resource type */
    s_script_two_pages();
    CU_ASSERT_EQUAL(s_run(t, &out, "--type", "aurora", "--vault", "prod-vault", NULL), 0);
    CU_ASSERT_STRING_EQUAL(out, s_table_aurora);
    free(out);
    /* none of a type: said so, still exit 0 */
    s_script_two_pages();
    CU_ASSERT_EQUAL(s_run(t, &out, "--vault", "prod-vault", "--type", "EFS", NULL), 0);
    CU_ASSERT_STRING_EQUAL(out, "no EFS recovery points in vault 'prod-vault' (eu-west-1)\n");
    free(out);
    testenv_free(t);
}

static void test_json(void)
{
    struct testenv *t = s_env();
    char *out = NULL;
    s_script_two_pages();
    CU_ASSERT_EQUAL(
        s_run(t, &out, "--vault", "prod-vault", "--json", "--region", "eu-west-1", NULL), 0);
    struct json *doc = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(json_parse(out, strlen(out), &doc, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(json_array_size(doc), 3);
    const struct json *c = json_array_at(doc, 0), *a = json_array_at(doc, 1);
    CU_ASSERT_STRING_EQUAL(json_get_string(c, "recovery_point_arn"),
                           "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:awsbackup:job-c");
    CU_ASSERT(json_is_null(json_get(c, "size_bytes")));
    CU_ASSERT(json_is_null(json_get(c, "completion_date")));
    CU_ASSERT_STRING_EQUAL(json_get_string(a, "creation_date"), "2025-11-21T23:41:19Z");
    CU_ASSERT_STRING_EQUAL(json_get_string(a, "completion_date"), "2025-11-21T23:50:00Z");
    long long v = 0;
    CU_ASSERT(json_integer(json_get(a, "age_seconds"), &v) && v == 11520);
    CU_ASSERT(json_integer(json_get(a, "size_bytes"), &v) && v == 1288490189LL);
    CU_ASSERT_STRING_EQUAL(json_get_string(a, "status"), "COMPLETED");
    CU_ASSERT_STRING_EQUAL(json_get_string(a, "resource_type"), "Aurora");
    CU_ASSERT_STRING_EQUAL(json_get_string(a, "vault"), "prod-vault");
    CU_ASSERT_STRING_EQUAL(json_get_string(json_array_at(doc, 2), "resource_arn"),
                           "arn:aws:rds:eu-west-1:111122223333:db:billing");
    json_free(doc);
    free(out);
    testenv_free(t);
}

static void test_vault_not_found(void)
{
    struct testenv *t = s_env();
    struct httpd_reply nf = {404,
                             "Content-Type: application/json\r\n"
                             "x-amzn-ErrorType: ResourceNotFoundException\r\n"
                             "x-amzn-RequestId: d3b07384-d113-4ec6-a0f4-2b7c5f6e9a10\r\n",
                             "{\"Message\": \"Backup vault nope does not exist\"}",
                             0,
                             0,
                             0};
    /* the listing itself: its message and hint */
    struct cli_aws_options o = {0};
    o.env = &t->env;
    o.endpoint = httpd_url(s_srv);
    struct cli_aws a;
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL_FATAL(cli_aws_open(&o, &a, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(a.region, "eu-west-1");
    httpd_script(s_srv, &nf, 1);
    struct backup_recovery_point *v = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL(cli_rp_list(a.client, "nope", NULL, &v, &n, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "backup vault 'nope' not found in eu-west-1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "does not exist"));
    CU_ASSERT_STRING_EQUAL(err.hint,
                           "list vaults: aws backup list-backup-vaults --region eu-west-1");
    CU_ASSERT_EQUAL(drh_status_exit_code(err.code), 3);
    cli_aws_clean_up(&a);
    /* the command: exit code 3, nothing on stdout */
    char *out = NULL;
    httpd_script(s_srv, &nf, 1);
    CU_ASSERT_EQUAL(s_run(t, &out, "--vault", "nope", NULL), 3);
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    testenv_free(t);
}

static void test_usage_errors(void)
{
    struct testenv *t = s_env();
    httpd_script(s_srv, NULL, 0);
    char *out = NULL;
    CU_ASSERT_EQUAL(s_run(t, &out, "--type", "RDS", NULL), 2); /* no --vault */
    free(out);
    CU_ASSERT_EQUAL(s_run(t, &out, "--vault", "v", "--type", "DynamoDB", NULL), 2);
    free(out);
    CU_ASSERT_EQUAL(s_run(t, &out, "--vault", "v", "--external-id", "x", NULL), 2);
    free(out);
    CU_ASSERT_EQUAL(s_run(t, &out, "--vault", "v", "--bogus", NULL), 2);
    free(out);
    char *argv[] = {(char *)"recovery-points", (char *)"--vault", NULL};
    CU_ASSERT_EQUAL(cli_recovery_points_run(2, argv, &t->env, stdout), 2); /* no value */
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 0);
    testenv_free(t);
}

/* drh iam-policy ARGS...: its exit code; *out what it printed. */
static int s_iam(char **out, const char *a1, const char *a2, const char *a3)
{
    char *argv[] = {(char *)"iam-policy", (char *)a1, (char *)a2, (char *)a3, NULL};
    int argc = 1 + (a1 != NULL) + (a1 && a2) + (a1 && a2 && a3);
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    int rc = cli_iam_policy_run(argc, argv, f);
    long len = ftell(f);
    rewind(f);
    *out = xcalloc((size_t)len + 1, 1);
    if (len > 0 && fread(*out, 1, (size_t)len, f) != (size_t)len)
        TEST_FAILF("cannot read the output back");
    fclose(f);
    return rc;
}

static bool s_starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void test_iam_policy_command(void)
{
    const char *drill = "drills/examples/aurora-postgresql-backup-copy.json";
    char *out = NULL;
    /* one side: the JSON alone, as docs/iam/ keeps it */
    CU_ASSERT_EQUAL(s_iam(&out, "--side", "target", drill), 0);
    char *want = test_read_file("docs/iam/aurora-postgresql-backup-copy.target.json");
    CU_ASSERT_PTR_NOT_NULL(want);
    CU_ASSERT_STRING_EQUAL(out, want ? want : "");
    free(want);
    free(out);
    /* all (the default): three documents after their headings */
    CU_ASSERT_EQUAL(s_iam(&out, drill, NULL, NULL), 0);
    CU_ASSERT(s_starts(out, "# source role (111111111111): the credentials of profile "
                            "production\n{\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "}\n\n# target role (222222222222): "
                                       "arn:aws:iam::222222222222:role/DrhDrillRole\n{\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "}\n\n# DR vault access policy (222222222222, us-east-1): "
                                       "vault dr-vault\n{\n"));
    free(out);
    /* no copy across accounts: all says so; vault alone prints nothing */
    CU_ASSERT_EQUAL(s_iam(&out, "drills/examples/postgres-snapshot-share.json", NULL, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(out, "\n# no DR vault access policy: no copy crosses accounts\n"));
    free(out);
    CU_ASSERT_EQUAL(s_iam(&out, "--side", "vault", "drills/examples/postgres-snapshot-share.json"),
                    0);
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    /* two vaults: headings even for one side */
    CU_ASSERT_EQUAL(s_iam(&out, "--side", "vault", "tests/data/iam/two-vaults.json"), 0);
    CU_ASSERT(s_starts(out, "# DR vault access policy (222222222222, us-east-1): vault "
                            "dr-staging\n{\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "}\n\n# DR vault access policy (222222222222, "
                                       "us-west-2): vault dr-vault\n{\n"));
    free(out);
    /* usage and bad drill files: 2, nothing printed */
    CU_ASSERT_EQUAL(s_iam(&out, "--side", "both", drill), 2);
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    CU_ASSERT_EQUAL(s_iam(&out, drill, drill, NULL), 2);
    free(out);
    CU_ASSERT_EQUAL(s_iam(&out, NULL, NULL, NULL), 2);
    free(out);
    CU_ASSERT_EQUAL(s_iam(&out, "tests/data/iam/no-such-drill.json", NULL, NULL), 2);
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    CU_ASSERT_EQUAL(s_iam(&out, "README.md", NULL, NULL), 2);
    free(out);
}

static void test_command_table(void)
{
    CU_ASSERT_EQUAL_FATAL(cli_tool_command_count, 2);
    CU_ASSERT_STRING_EQUAL(cli_tool_commands[0].name, "recovery-points");
    CU_ASSERT_STRING_EQUAL(cli_tool_commands[1].name, "iam-policy");
    for (int i = 0; i < cli_tool_command_count; i++) {
        CU_ASSERT_PTR_NOT_NULL(cli_tool_commands[i].run);
        /* each help text teaches by example */
        CU_ASSERT_PTR_NOT_NULL(strstr(cli_tool_commands[i].usage, "examples:\n  drh "));
        CU_ASSERT_EQUAL(strncmp(cli_tool_commands[i].usage, "usage: drh ", 11), 0);
    }
}

static const struct test_case cases[] = {
    {"sizes and ages for people", test_formats},
    {"recovery-points: every page, newest first, --type, the table",
     test_table_every_page_newest_first},
    {"recovery-points --json", test_json},
    {"recovery-points: a missing vault is exit 3 with a hint", test_vault_not_found},
    {"recovery-points: usage errors are exit 2, no call made", test_usage_errors},
    {"iam-policy: sides, headings, bad files", test_iam_policy_command},
    {"the command table", test_command_table},
};
TEST_SUITE_FULL("cli-tools", cases, NULL, s_init, s_cleanup)
