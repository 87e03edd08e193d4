/* Tests of the AWS Backup module against the scripted server on 127.0.0.1:
 * the exact request of each operation (method, encoded path, query, JSON
 * body), the parsing of responses written after botocore's backup model
 * (tests/data/aws/backup_*.json), NextToken pagination and the mapping of
 * ResourceNotFoundException to DRH_E_NOTFOUND.
 *
 * A second suite, aws-emulator, drives backup.c and rds.c together against
 * the local emulator (fixtures/emulator: botocore checks every signature,
 * real PostgreSQL behind RDS); it is inactive where the emulator cannot run. */
#include "support/httpd.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/backup.h"
#include "aws/call.h"
#include "aws/rds.h"
#include "mem.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

/* A client of region eu-west-1 that sends everything to the scripted server. */
struct env {
    struct testenv *t;
    struct aws_creds_provider *cp;
    struct aws_client *c;
};

static void s_env_init(struct env *e)
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
    e->c = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(aws_client_new(&o, &e->c, &err), DRH_OK);
}

static void s_env_clean_up(struct env *e)
{
    aws_client_free(e->c);
    aws_creds_provider_free(e->cp);
    testenv_free(e->t);
}

/* tests/data/aws/NAME; fails the test when it cannot be read. Caller frees. */
static char *s_sample(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "tests/data/aws/%s", name);
    char *text = test_read_file(path);
    if (!text)
        TEST_FAILF("%s: cannot read it (run the tests from the project root)", path);
    return text;
}

static const char s_json_ct[] = "Content-Type: application/json\r\n"
                                "x-amzn-RequestId: 3f5e8a2c-1b4d-4e6f-9a8b-7c6d5e4f3a2b\r\n";

static const char s_not_found_hdrs[] =
    "Content-Type: application/json\r\n"
    "x-amzn-ErrorType: ResourceNotFoundException:http://internal.amazon.com/coral/"
    "com.amazonaws.backup/\r\n"
    "x-amzn-RequestId: d3b07384-d113-4ec6-a0f4-2b7c5f6e9a10\r\n";

/* Checks request i: method, target (path and query) and signing. */
static const struct httpd_request *s_expect(size_t i, const char *method, const char *target)
{
    const struct httpd_request *r = httpd_request_at(s_srv, i);
    if (!r) {
        TEST_FAILF("request %zu was not sent", i);
        return NULL;
    }
    if (strcmp(r->method, method) != 0)
        TEST_FAILF("request %zu: method %s, want %s", i, r->method, method);
    if (strcmp(r->target, target) != 0)
        TEST_FAILF("request %zu: target\n  %s\nwant\n  %s", i, r->target, target);
    const char *auth = headers_get(&r->headers, "Authorization");
    CU_ASSERT_PTR_NOT_NULL(auth ? strstr(auth, "/eu-west-1/backup/aws4_request") : NULL);
    return r;
}

/* The request's JSON body, parsed (caller frees). */
static struct json *s_body(const struct httpd_request *r)
{
    struct json *j = NULL;
    struct drh_err err;
    if (!r || json_parse(buf_str(&r->body), r->body.len, &j, &err) != DRH_OK) {
        TEST_FAILF("request body is not JSON: %s", r ? buf_str(&r->body) : "(no request)");
        return NULL;
    }
    CU_ASSERT_STRING_EQUAL(headers_get(&r->headers, "Content-Type"), "application/json");
    return j;
}

/* obj has exactly the string members given as key, value, ..., NULL. */
static void s_expect_strings(const struct json *obj, ...)
{
    va_list ap;
    va_start(ap, obj);
    size_t want = 0;
    for (const char *k = va_arg(ap, const char *); k; k = va_arg(ap, const char *)) {
        const char *v = va_arg(ap, const char *);
        want++;
        const char *got = json_get_string(obj, k);
        if (!got || strcmp(got, v) != 0)
            TEST_FAILF("member %s: got %s, want %s", k, got ? got : "(none)", v);
    }
    va_end(ap);
    size_t n = 0;
    for (const struct json *m = json_first(obj); m; m = json_next(m))
        n++;
    if (n != want)
        TEST_FAILF("%zu members, want %zu", n, want);
}

#define VAULT "drh-dr-vault"
#define CLUSTER_ARN "arn:aws:rds:eu-west-1:111122223333:cluster:drh-prod-cluster-1"
#define CLUSTER_ARN_ENC "arn%3Aaws%3Ards%3Aeu-west-1%3A111122223333%3Acluster%3Adrh-prod-cluster-1"
#define RP_ARN "arn:aws:rds:eu-west-1:111122223333:snapshot:awsbackup:job-1a2b3c4d-5e6f-7a8b"
#define RP_ARN_ENC                                                                                 \
    "arn%3Aaws%3Ards%3Aeu-west-1%3A111122223333%3Asnapshot%3Aawsbackup%3Ajob-1a2b3c4d-5e6f-7a8b"
#define EFS_RP_ARN "arn:aws:backup:eu-west-1:111122223333:recovery-point:2b9f0e7c-9c1a/with space"
#define EFS_RP_ARN_ENC                                                                             \
    "arn%3Aaws%3Abackup%3Aeu-west-1%3A111122223333%3Arecovery-point%3A2b9f0e7c-9c1a%2Fwith%"       \
    "20space"
#define ROLE_ARN "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole"
#define DEST_VAULT_ARN "arn:aws:backup:eu-west-1:444455556666:backup-vault:drh-dr-vault"

static void test_list_recovery_points_two_pages(void)
{
    struct env e;
    s_env_init(&e);
    char *p1 = s_sample("backup_list_recovery_points_1.json");
    char *p2 = s_sample("backup_list_recovery_points_2.json");
    struct httpd_reply script[] = {{200, s_json_ct, p1, 0, 0, 0}, {200, s_json_ct, p2, 0, 0, 0}};
    httpd_script(s_srv, script, 2);
    struct backup_recovery_point *v = NULL;
    size_t n = 0;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(
        backup_list_recovery_points_by_vault(e.c, VAULT, CLUSTER_ARN, &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 2);
    s_expect(0, "GET", "/backup-vaults/" VAULT "/recovery-points/?resourceArn=" CLUSTER_ARN_ENC);
    const struct httpd_request *r =
        s_expect(1, "GET",
                 "/backup-vaults/" VAULT "/recovery-points/?resourceArn=" CLUSTER_ARN_ENC
                 "&nextToken=AAEAAQ4yXzNzTHZ4cGx6M2h0a2dB%2B%2Fdrh%3D%3D");
    CU_ASSERT_EQUAL(r ? r->body.len : 1, 0);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_STRING_EQUAL(
        v[0].arn,
        "arn:aws:rds:eu-west-1:444455556666:cluster-snapshot:awsbackup:copyjob-0a1b2c3d-4e5f");
    CU_ASSERT_STRING_EQUAL(v[0].vault_name, VAULT);
    CU_ASSERT_STRING_EQUAL(v[0].resource_arn, CLUSTER_ARN);
    CU_ASSERT_STRING_EQUAL(v[0].resource_type, "Aurora");
    CU_ASSERT_STRING_EQUAL(v[0].status, "COMPLETED");
    CU_ASSERT_DOUBLE_EQUAL(v[0].created, 1715133600.123, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(v[0].completed, 1715134500.5, 1e-6);
    CU_ASSERT_STRING_EQUAL(
        v[0].encryption_key_arn,
        "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    CU_ASSERT_STRING_EQUAL(v[0].source_vault_arn,
                           "arn:aws:backup:eu-west-1:111122223333:backup-vault:drh-prod-vault");
    CU_ASSERT_EQUAL(v[0].size, 1073741824LL);
    CU_ASSERT_STRING_EQUAL(v[1].status, "PARTIAL");
    CU_ASSERT_DOUBLE_EQUAL(v[1].created, 1715047200.0, 1e-6);
    CU_ASSERT_EQUAL(v[1].completed, 0);
    CU_ASSERT_PTR_NULL(v[1].encryption_key_arn);
    CU_ASSERT_PTR_NULL(v[1].source_vault_arn);
    CU_ASSERT_EQUAL(v[1].size, 0);
    backup_recovery_points_free(v, n);
    free(p1);
    free(p2);
    s_env_clean_up(&e);
}

static void test_list_recovery_points_whole_vault_and_empty(void)
{
    struct env e;
    s_env_init(&e);
    /* No filter: no query at all; a vault without recovery points. */
    struct httpd_reply script[] = {{200, s_json_ct, "{\"RecoveryPoints\":[]}", 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    struct backup_recovery_point *v = NULL;
    size_t n = 99;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(
        backup_list_recovery_points_by_vault(e.c, "vault with space", NULL, &v, &n, &err), DRH_OK);
    s_expect(0, "GET", "/backup-vaults/vault%20with%20space/recovery-points/");
    CU_ASSERT_EQUAL(n, 0);
    backup_recovery_points_free(v, n);

    /* An empty NextToken ends the listing as an absent one does. */
    struct httpd_reply empty_token[] = {{200, s_json_ct, "{\"NextToken\":\"\"}", 0, 0, 0}};
    httpd_script(s_srv, empty_token, 1);
    CU_ASSERT_EQUAL(backup_list_recovery_points_by_vault(e.c, VAULT, NULL, &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 1);
    CU_ASSERT_EQUAL(n, 0);
    backup_recovery_points_free(v, n);
    s_env_clean_up(&e);
}

static void test_list_recovery_points_refusals(void)
{
    struct env e;
    s_env_init(&e);
    struct backup_recovery_point *v = NULL;
    size_t n = 7;
    struct drh_err err;

    /* A vault that does not exist. */
    char *nf = s_sample("../protocol/backup_error_vault_not_found.json");
    struct httpd_reply missing[] = {{404, s_not_found_hdrs, nf, 0, 0, 0}};
    httpd_script(s_srv, missing, 1);
    CU_ASSERT_EQUAL(backup_list_recovery_points_by_vault(e.c, VAULT, NULL, &v, &n, &err),
                    DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "backup ListRecoveryPointsByBackupVault"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "ResourceNotFoundException"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(err.msg, "Backup vault with the name drh-dr-vault does not exist"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "d3b07384-d113-4ec6-a0f4-2b7c5f6e9a10"));
    free(nf);

    /* A service that repeats its token would loop forever. */
    static const char loop[] = "{\"NextToken\":\"same\",\"RecoveryPoints\":[]}";
    struct httpd_reply loops[] = {{200, s_json_ct, loop, 0, 0, 0}, {200, s_json_ct, loop, 0, 0, 0}};
    httpd_script(s_srv, loops, 2);
    CU_ASSERT_EQUAL(backup_list_recovery_points_by_vault(e.c, VAULT, NULL, &v, &n, &err),
                    DRH_E_PARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "repeated NextToken"));
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 2);

    /* Malformed pages; a second page's failure frees the first page. */
    static const char *const bad[] = {
        "{\"RecoveryPoints\":{}}",
        "{\"RecoveryPoints\":[{\"Status\":\"COMPLETED\"}]}",
        "{\"RecoveryPoints\":[{\"RecoveryPointArn\":\"a\",\"CreationDate\":true}]}",
        "{\"RecoveryPoints\":[{\"RecoveryPointArn\":\"a\",\"CreationDate\":\"yesterday\"}]}",
        "[1,2",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct httpd_reply two[] = {
            {200, s_json_ct,
             "{\"NextToken\":\"t\",\"RecoveryPoints\":[{\"RecoveryPointArn\":\"x\"}]}", 0, 0, 0},
            {200, s_json_ct, bad[i], 0, 0, 0}};
        httpd_script(s_srv, two, 2);
        enum drh_status st = backup_list_recovery_points_by_vault(e.c, VAULT, NULL, &v, &n, &err);
        if (st != DRH_E_PARSE)
            TEST_FAILF("%s: status %s, want DRH_E_PARSE", bad[i], drh_status_name(st));
    }
    CU_ASSERT_PTR_NULL(v); /* outputs untouched on failure */
    CU_ASSERT_EQUAL(n, 7);

    /* No vault: refused before any request. */
    httpd_script(s_srv, NULL, 0);
    CU_ASSERT_EQUAL(backup_list_recovery_points_by_vault(e.c, "", NULL, &v, &n, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 0);
    s_env_clean_up(&e);
}

static void test_describe_and_delete_recovery_point(void)
{
    struct env e;
    s_env_init(&e);
    char *body = s_sample("backup_describe_recovery_point.json");
    struct httpd_reply script[] = {{200, s_json_ct, body, 0, 0, 0}, {204, NULL, NULL, 0, 0, 0}};
    httpd_script(s_srv, script, 2);
    struct backup_recovery_point rp = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(backup_describe_recovery_point(e.c, "drh-prod-vault", RP_ARN, &rp, &err),
                          DRH_OK);
    s_expect(0, "GET", "/backup-vaults/drh-prod-vault/recovery-points/" RP_ARN_ENC);
    CU_ASSERT_STRING_EQUAL(rp.arn, RP_ARN);
    CU_ASSERT_STRING_EQUAL(rp.vault_name, "drh-prod-vault");
    CU_ASSERT_STRING_EQUAL(rp.resource_arn, "arn:aws:rds:eu-west-1:111122223333:db:drh-prod-db");
    CU_ASSERT_STRING_EQUAL(rp.resource_type, "RDS");
    CU_ASSERT_STRING_EQUAL(rp.status, "COMPLETED");
    CU_ASSERT_DOUBLE_EQUAL(rp.created, 1715133600.25, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(rp.completed, 1715135221.907, 1e-6);
    CU_ASSERT_EQUAL(rp.size, 21474836480LL);
    CU_ASSERT_PTR_NULL(rp.source_vault_arn);

    CU_ASSERT_EQUAL(backup_delete_recovery_point(e.c, VAULT, EFS_RP_ARN, &err), DRH_OK);
    const struct httpd_request *r =
        s_expect(1, "DELETE", "/backup-vaults/" VAULT "/recovery-points/" EFS_RP_ARN_ENC);
    CU_ASSERT_EQUAL(r ? r->body.len : 1, 0);

    /* Not found, in the form the emulator writes (code in __type). */
    struct httpd_reply nf[] = {
        {404, "Content-Type: application/json\r\n",
         "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Recovery point x not found\"}", 0,
         0, 0},
        {404, s_not_found_hdrs, "{\"Message\":\"Recovery point not found\"}", 0, 0, 0}};
    httpd_script(s_srv, nf, 2);
    CU_ASSERT_EQUAL(backup_describe_recovery_point(e.c, VAULT, "x", &rp, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "Recovery point x not found"));
    CU_ASSERT_STRING_EQUAL(rp.arn, RP_ARN); /* untouched on failure */
    CU_ASSERT_EQUAL(backup_delete_recovery_point(e.c, VAULT, "x", &err), DRH_E_NOTFOUND);

    /* Another error stays an AWS error. */
    struct httpd_reply denied[] = {{400, "x-amzn-ErrorType: InvalidRequestException\r\n",
                                    "{\"message\":\"Recovery point is being copied\"}", 0, 0, 0}};
    httpd_script(s_srv, denied, 1);
    CU_ASSERT_EQUAL(backup_delete_recovery_point(e.c, VAULT, RP_ARN, &err), DRH_E_AWS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "InvalidRequestException"));
    backup_recovery_point_clean_up(&rp);
    free(body);
    s_env_clean_up(&e);
}

static void test_copy_job(void)
{
    struct env e;
    s_env_init(&e);
    char *job = s_sample("backup_describe_copy_job.json");
    struct httpd_reply script[] = {
        {200, s_json_ct,
         "{\"CopyJobId\":\"7F3A1B2C-4D5E-6F70-8192-A3B4C5D6E7F8\",\"CreationDate\":1715135400.5}",
         0, 0, 0},
        {200, s_json_ct, "{\"CopyJobId\":\"second\",\"CreationDate\":1715135400}", 0, 0, 0},
        {200, s_json_ct, job, 0, 0, 0}};
    httpd_script(s_srv, script, 3);
    char *id = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(backup_start_copy_job(e.c, "drh-prod-vault", RP_ARN, DEST_VAULT_ARN,
                                                ROLE_ARN, "drill-42-copy", &id, &err),
                          DRH_OK);
    CU_ASSERT_STRING_EQUAL(id, "7F3A1B2C-4D5E-6F70-8192-A3B4C5D6E7F8");
    struct json *b = s_body(s_expect(0, "PUT", "/copy-jobs"));
    s_expect_strings(b, "RecoveryPointArn", RP_ARN, "SourceBackupVaultName", "drh-prod-vault",
                     "DestinationBackupVaultArn", DEST_VAULT_ARN, "IamRoleArn", ROLE_ARN,
                     "IdempotencyToken", "drill-42-copy", NULL);
    json_free(b);
    free(id);

    /* No token: no IdempotencyToken member at all. */
    CU_ASSERT_EQUAL(backup_start_copy_job(e.c, "drh-prod-vault", RP_ARN, DEST_VAULT_ARN, ROLE_ARN,
                                          NULL, &id, &err),
                    DRH_OK);
    b = s_body(s_expect(1, "PUT", "/copy-jobs"));
    CU_ASSERT_PTR_NULL(json_get(b, "IdempotencyToken"));
    json_free(b);
    free(id);

    struct backup_job j = {0};
    CU_ASSERT_EQUAL_FATAL(
        backup_describe_copy_job(e.c, "7F3A1B2C-4D5E-6F70-8192-A3B4C5D6E7F8", &j, &err), DRH_OK);
    s_expect(2, "GET", "/copy-jobs/7F3A1B2C-4D5E-6F70-8192-A3B4C5D6E7F8");
    CU_ASSERT_STRING_EQUAL(j.id, "7F3A1B2C-4D5E-6F70-8192-A3B4C5D6E7F8");
    CU_ASSERT_STRING_EQUAL(j.state, "COMPLETED");
    CU_ASSERT_PTR_NULL(j.status_message);
    CU_ASSERT_PTR_NULL(j.percent_done);
    CU_ASSERT_DOUBLE_EQUAL(j.created, 1715135400.5, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(j.completed, 1715137000.75, 1e-6);
    CU_ASSERT_STRING_EQUAL(
        j.result_arn, "arn:aws:rds:eu-west-1:444455556666:snapshot:awsbackup:copyjob-7f3a1b2c");

    /* A failed job keeps its message; a response without CopyJob is malformed. */
    struct httpd_reply failed[] = {
        {200, s_json_ct,
         "{\"CopyJob\":{\"CopyJobId\":\"c2\",\"State\":\"FAILED\",\"CreationDate\":1715135400,"
         "\"StatusMessage\":\"Access denied to the destination vault\"}}",
         0, 0, 0},
        {200, s_json_ct, "{}", 0, 0, 0},
        {200, s_json_ct, "{\"CreationDate\":1}", 0, 0, 0},
        {404, s_not_found_hdrs, "{\"Message\":\"Copy job c3 not found\"}", 0, 0, 0}};
    httpd_script(s_srv, failed, 4);
    CU_ASSERT_EQUAL(backup_describe_copy_job(e.c, "c2", &j, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(j.state, "FAILED");
    CU_ASSERT_STRING_EQUAL(j.status_message, "Access denied to the destination vault");
    CU_ASSERT_PTR_NULL(j.result_arn);
    CU_ASSERT_EQUAL(j.completed, 0);
    CU_ASSERT_EQUAL(backup_describe_copy_job(e.c, "c2", &j, &err), DRH_E_PARSE);
    CU_ASSERT_STRING_EQUAL(j.id, "c2"); /* untouched on failure */
    CU_ASSERT_EQUAL(
        backup_start_copy_job(e.c, "v", RP_ARN, DEST_VAULT_ARN, ROLE_ARN, NULL, &id, &err),
        DRH_E_PARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "CopyJobId"));
    CU_ASSERT_EQUAL(backup_describe_copy_job(e.c, "c3", &j, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(backup_start_copy_job(e.c, "v", RP_ARN, DEST_VAULT_ARN, NULL, NULL, &id, &err),
                    DRH_E_INPUT);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 4);
    backup_job_clean_up(&j);
    free(job);
    s_env_clean_up(&e);
}

static void test_restore_metadata_and_restore_job(void)
{
    struct env e;
    s_env_init(&e);
    char *meta_body = s_sample("backup_restore_metadata.json");
    char *job_body = s_sample("backup_describe_restore_job.json");
    static const char cluster_rp[] =
        "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:awsbackup:job-0c1d2e3f";
    struct httpd_reply script[] = {
        {200, s_json_ct, meta_body, 0, 0, 0},
        {200, s_json_ct, "{\"RestoreJobId\":\"D9A1E2F3-0B4C-5D6E-7F80-91A2B3C4D5E6\"}", 0, 0, 0},
        {200, s_json_ct, job_body, 0, 0, 0}};
    httpd_script(s_srv, script, 3);
    struct json *meta = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(
        backup_get_restore_metadata(e.c, "drh-prod-vault", cluster_rp, &meta, &err), DRH_OK);
    s_expect(0, "GET",
             "/backup-vaults/drh-prod-vault/recovery-points/"
             "arn%3Aaws%3Ards%3Aeu-west-1%3A111122223333%3Acluster-snapshot%3Aawsbackup%3Ajob-"
             "0c1d2e3f/restore-metadata");
    CU_ASSERT_STRING_EQUAL(json_get_string(meta, "DBClusterIdentifier"), "drh-prod-cluster-1");
    CU_ASSERT_STRING_EQUAL(json_get_string(meta, "VpcSecurityGroupIds"),
                           "[\"sg-0123456789abcdef0\"]");
    CU_ASSERT_STRING_EQUAL(json_get_string(meta, "Port"), "5432");

    /* What a drill does: a new identifier, the rest as the backup says. */
    struct json *edited = json_new_object();
    for (const struct json *m = json_first(meta); m; m = json_next(m))
        if (strcmp(json_key(m), "DBClusterIdentifier") != 0)
            json_add_string(edited, json_key(m), json_string(m));
    json_add_string(edited, "DBClusterIdentifier", "drh-drill-20240508");
    char *id = NULL;
    CU_ASSERT_EQUAL_FATAL(backup_start_restore_job(e.c, cluster_rp, ROLE_ARN, edited, "Aurora",
                                                   "drill-42-restore", &id, &err),
                          DRH_OK);
    CU_ASSERT_STRING_EQUAL(id, "D9A1E2F3-0B4C-5D6E-7F80-91A2B3C4D5E6");
    struct json *b = s_body(s_expect(1, "PUT", "/restore-jobs"));
    CU_ASSERT_STRING_EQUAL(json_get_string(b, "RecoveryPointArn"), cluster_rp);
    CU_ASSERT_STRING_EQUAL(json_get_string(b, "IamRoleArn"), ROLE_ARN);
    CU_ASSERT_STRING_EQUAL(json_get_string(b, "ResourceType"), "Aurora");
    CU_ASSERT_STRING_EQUAL(json_get_string(b, "IdempotencyToken"), "drill-42-restore");
    const struct json *sent = json_get(b, "Metadata");
    CU_ASSERT_STRING_EQUAL(json_get_string(sent, "DBClusterIdentifier"), "drh-drill-20240508");
    CU_ASSERT_STRING_EQUAL(json_get_string(sent, "KmsKeyId"),
                           "arn:aws:kms:eu-west-1:111122223333:key/"
                           "1234abcd-12ab-34cd-56ef-1234567890ab");
    size_t n_sent = 0, n_meta = 0;
    for (const struct json *m = json_first(sent); m; m = json_next(m))
        n_sent++;
    for (const struct json *m = json_first(meta); m; m = json_next(m))
        n_meta++;
    CU_ASSERT_EQUAL(n_sent, n_meta);
    json_free(b);
    free(id);

    struct backup_job j = {0};
    CU_ASSERT_EQUAL_FATAL(
        backup_describe_restore_job(e.c, "D9A1E2F3-0B4C-5D6E-7F80-91A2B3C4D5E6", &j, &err), DRH_OK);
    s_expect(2, "GET", "/restore-jobs/D9A1E2F3-0B4C-5D6E-7F80-91A2B3C4D5E6");
    CU_ASSERT_STRING_EQUAL(j.id, "D9A1E2F3-0B4C-5D6E-7F80-91A2B3C4D5E6");
    CU_ASSERT_STRING_EQUAL(j.state, "RUNNING");
    CU_ASSERT_STRING_EQUAL(j.status_message, "Restoring the DB cluster");
    CU_ASSERT_STRING_EQUAL(j.percent_done, "42.00%");
    CU_ASSERT_STRING_EQUAL(j.result_arn,
                           "arn:aws:rds:eu-west-1:444455556666:cluster:drh-drill-20240508");
    CU_ASSERT_DOUBLE_EQUAL(j.created, 1715140800.125, 1e-6);
    CU_ASSERT_EQUAL(j.completed, 0);

    /* Optional members left out; metadata that is not a map of strings. */
    struct httpd_reply more[] = {
        {200, s_json_ct, "{\"RestoreJobId\":\"r2\"}", 0, 0, 0},
        {200, s_json_ct, "{\"RestoreMetadata\":{\"Port\":5432}}", 0, 0, 0},
        {200, s_json_ct, "{\"RestoreMetadata\":[]}", 0, 0, 0},
        {200, s_json_ct, "{}", 0, 0, 0},
        {404, s_not_found_hdrs, "{\"Message\":\"Restore job r9 not found\"}", 0, 0, 0}};
    httpd_script(s_srv, more, 5);
    struct json *small = json_new_object();
    json_add_string(small, "DBInstanceIdentifier", "drh-drill-db");
    CU_ASSERT_EQUAL(backup_start_restore_job(e.c, RP_ARN, NULL, small, NULL, NULL, &id, &err),
                    DRH_OK);
    b = s_body(httpd_request_at(s_srv, 0));
    CU_ASSERT_PTR_NULL(json_get(b, "IamRoleArn"));
    CU_ASSERT_PTR_NULL(json_get(b, "ResourceType"));
    CU_ASSERT_PTR_NULL(json_get(b, "IdempotencyToken"));
    json_free(b);
    free(id);
    struct json *m2 = NULL;
    CU_ASSERT_EQUAL(backup_get_restore_metadata(e.c, VAULT, RP_ARN, &m2, &err), DRH_E_PARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'Port' is not a string"));
    CU_ASSERT_EQUAL(backup_get_restore_metadata(e.c, VAULT, RP_ARN, &m2, &err), DRH_E_PARSE);
    /* No RestoreMetadata: an empty map, not an error. */
    CU_ASSERT_EQUAL(backup_get_restore_metadata(e.c, VAULT, RP_ARN, &m2, &err), DRH_OK);
    CU_ASSERT_PTR_NULL(json_first(m2));
    json_free(m2);
    CU_ASSERT_EQUAL(backup_describe_restore_job(e.c, "r9", &j, &err), DRH_E_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(j.state, "RUNNING");

    /* Metadata the caller built wrong is refused before any request. */
    json_add_number(small, "Port", 5432);
    CU_ASSERT_EQUAL(backup_start_restore_job(e.c, RP_ARN, NULL, small, NULL, NULL, &id, &err),
                    DRH_E_INPUT);
    CU_ASSERT_EQUAL(backup_start_restore_job(e.c, RP_ARN, NULL, NULL, NULL, NULL, &id, &err),
                    DRH_E_INPUT);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 5);
    json_free(small);
    backup_job_clean_up(&j);
    json_free(edited);
    json_free(meta);
    free(meta_body);
    free(job_body);
    s_env_clean_up(&e);
}

static void test_tags(void)
{
    struct env e;
    s_env_init(&e);
    struct httpd_reply script[] = {
        {200, NULL, NULL, 0, 0, 0},
        {200, s_json_ct, "{\"NextToken\":\"p2 token\",\"Tags\":{\"drh:drill\":\"rds-nightly\"}}", 0,
         0, 0},
        {200, s_json_ct, "{\"Tags\":{\"drh:run\":\"42\",\"owner\":\"\"}}", 0, 0, 0}};
    httpd_script(s_srv, script, 3);
    struct aws_tag tags[] = {{"drh:drill", "rds-nightly"}, {"drh:run", "42"}, {"owner", NULL}};
    struct drh_err err;
    CU_ASSERT_EQUAL(backup_tag_resource(e.c, RP_ARN, tags, 3, &err), DRH_OK);
    struct json *b = s_body(s_expect(0, "POST", "/tags/" RP_ARN_ENC));
    s_expect_strings(json_get(b, "Tags"), "drh:drill", "rds-nightly", "drh:run", "42", "owner", "",
                     NULL);
    json_free(b);

    struct json *got = NULL;
    CU_ASSERT_EQUAL_FATAL(backup_list_tags(e.c, RP_ARN, &got, &err), DRH_OK);
    s_expect(1, "GET", "/tags/" RP_ARN_ENC "/");
    s_expect(2, "GET", "/tags/" RP_ARN_ENC "/?nextToken=p2%20token");
    s_expect_strings(got, "drh:drill", "rds-nightly", "drh:run", "42", "owner", "", NULL);
    json_free(got);

    /* No tags: nothing to send. */
    httpd_script(s_srv, NULL, 0);
    CU_ASSERT_EQUAL(backup_tag_resource(e.c, RP_ARN, NULL, 0, &err), DRH_OK);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 0);

    struct httpd_reply nf[] = {
        {404, s_not_found_hdrs, "{\"Message\":\"Resource not found\"}", 0, 0, 0},
        {200, s_json_ct, "{\"Tags\":{\"a\":1}}", 0, 0, 0}};
    httpd_script(s_srv, nf, 2);
    got = NULL;
    CU_ASSERT_EQUAL(backup_list_tags(e.c, RP_ARN, &got, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(backup_list_tags(e.c, RP_ARN, &got, &err), DRH_E_PARSE);
    CU_ASSERT_PTR_NULL(got);
    s_env_clean_up(&e);
}

static void test_timestamps_in_either_form(void)
{
    struct env e;
    s_env_init(&e);
    /* botocore's parser takes ISO 8601 strings too; drh does the same. */
    struct httpd_reply script[] = {
        {200, s_json_ct,
         "{\"RecoveryPointArn\":\"a\",\"CreationDate\":\"2024-05-08T02:00:00Z\","
         "\"CompletionDate\":null}",
         0, 0, 0}};
    httpd_script(s_srv, script, 1);
    struct backup_recovery_point rp = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL(backup_describe_recovery_point(e.c, VAULT, "a", &rp, &err), DRH_OK);
    CU_ASSERT_DOUBLE_EQUAL(rp.created, 1715133600.0, 1e-6);
    CU_ASSERT_EQUAL(rp.completed, 0);
    backup_recovery_point_clean_up(&rp);
    backup_recovery_point_clean_up(&rp); /* safe twice */
    backup_recovery_point_clean_up(NULL);
    backup_job_clean_up(NULL);
    backup_recovery_points_free(NULL, 0);
    s_env_clean_up(&e);
}

static void test_vault_arn(void)
{
    char *a = backup_vault_arn("eu-west-1", "444455556666", "drh-dr-vault");
    CU_ASSERT_STRING_EQUAL(a, DEST_VAULT_ARN);
    free(a);
    a = backup_vault_arn("cn-north-1", "444455556666", "v");
    CU_ASSERT_STRING_EQUAL(a, "arn:aws-cn:backup:cn-north-1:444455556666:backup-vault:v");
    free(a);
    a = backup_vault_arn("us-gov-west-1", "444455556666", "v");
    CU_ASSERT_STRING_EQUAL(a, "arn:aws-us-gov:backup:us-gov-west-1:444455556666:backup-vault:v");
    free(a);
    CU_ASSERT_PTR_NULL(backup_vault_arn("not a region", "444455556666", "v"));
    CU_ASSERT_PTR_NULL(backup_vault_arn("eu-west-1", NULL, "v"));
}

static const struct test_case cases[] = {
    {"ListRecoveryPointsByBackupVault follows NextToken over two pages",
     test_list_recovery_points_two_pages},
    {"ListRecoveryPointsByBackupVault of a whole vault, and an empty one",
     test_list_recovery_points_whole_vault_and_empty},
    {"ListRecoveryPointsByBackupVault refuses loops, malformed pages, no vault",
     test_list_recovery_points_refusals},
    {"DescribeRecoveryPoint and DeleteRecoveryPoint encode the ARN as one segment",
     test_describe_and_delete_recovery_point},
    {"StartCopyJob body and DescribeCopyJob states", test_copy_job},
    {"GetRecoveryPointRestoreMetadata, StartRestoreJob, DescribeRestoreJob",
     test_restore_metadata_and_restore_job},
    {"TagResource and ListTags over two pages", test_tags},
    {"timestamps as epoch numbers or ISO 8601 strings", test_timestamps_in_either_form},
    {"backup_vault_arn carries the partition", test_vault_arn},
};

TEST_SUITE_FULL("aws-backup", cases, NULL, s_init, s_cleanup)

/* ---- against the local emulator ---------------------------------------- */

#define EMU_RUN "fixtures/emulator/run"
#define EMU_PROD "111111111111"
#define EMU_ROLE "arn:aws:iam::" EMU_PROD ":role/service-role/AWSBackupDefaultServiceRole"

/* A call that must succeed; on failure the message says why. */
#define EMU_OK(call)                                                                               \
    do {                                                                                           \
        enum drh_status emu_st_ = (call);                                                          \
        if (emu_st_ != DRH_OK)                                                                     \
            TEST_FAILF("%s: %s: %s", #call, drh_status_name(emu_st_), err.msg);                    \
    } while (0)

static pid_t s_emu_pid = -1;
static char s_emu_dir[64];
static char s_emu_url[128];

static const char *s_emu_skip(void)
{
    static const char *const tools[] = {
        "/usr/bin/python3",
        EMU_RUN,
        "/usr/lib/postgresql/15/bin/postgres",
        "/usr/lib/postgresql/15/bin/initdb",
        "/usr/lib/postgresql/15/bin/pg_dump",
    };
    static char why[160];
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        if (access(tools[i], X_OK) != 0) {
            snprintf(why, sizeof why, "needs %s (mk/deps.sh test servers)", tools[i]);
            return why;
        }
    }
    if (system("/usr/bin/python3 -c 'import botocore' >/dev/null 2>&1") != 0)
        return "needs python3-botocore for /usr/bin/python3";
    return NULL;
}

static void s_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int s_emu_stop(void)
{
    if (s_emu_pid > 0) {
        kill(s_emu_pid, SIGTERM);
        int status;
        int reaped = 0;
        for (int i = 0; i < 200 && !reaped; i++) {
            reaped = waitpid(s_emu_pid, &status, WNOHANG) == s_emu_pid;
            if (!reaped)
                s_sleep_ms(100);
        }
        if (!reaped) {
            kill(s_emu_pid, SIGKILL);
            waitpid(s_emu_pid, &status, 0);
        }
        s_emu_pid = -1;
    }
    if (s_emu_dir[0]) {
        char *cmd = xasprintf("rm -rf '%s'", s_emu_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "aws-emulator: could not remove %s\n", s_emu_dir);
        free(cmd);
        s_emu_dir[0] = '\0';
    }
    return 0;
}

/* Starts the emulator with a fresh state directory and waits for its
 * endpoint file (it writes it once it serves). */
static int s_emu_start(void)
{
    snprintf(s_emu_dir, sizeof s_emu_dir, "/tmp/drh-emu-XXXXXX");
    if (!mkdtemp(s_emu_dir)) {
        s_emu_dir[0] = '\0';
        return 1;
    }
    chmod(s_emu_dir, 0711); /* PostgreSQL runs as another user when we are root */
    char *state = xasprintf("%s/state", s_emu_dir);
    char *out = xasprintf("%s/emulator.out", s_emu_dir);
    char *endpoint_file = xasprintf("%s/endpoint", state);
    fflush(NULL);
    s_emu_pid = fork();
    if (s_emu_pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execl(EMU_RUN, EMU_RUN, "--state", state, (char *)NULL);
        _exit(127);
    }
    int ok = 0;
    for (int i = 0; s_emu_pid > 0 && i < 600 && !ok; i++) {
        char *text = test_read_file(endpoint_file);
        if (text && strncmp(text, "http://", 7) == 0) {
            snprintf(s_emu_url, sizeof s_emu_url, "%.*s", (int)strcspn(text, "\r\n"), text);
            ok = 1;
        }
        free(text);
        int status;
        if (!ok && waitpid(s_emu_pid, &status, WNOHANG) == s_emu_pid) {
            s_emu_pid = -1;
            break;
        }
        if (!ok)
            s_sleep_ms(100);
    }
    if (!ok) {
        char *log = test_read_file(out);
        fprintf(stderr, "aws-emulator: the emulator did not start:\n%s\n", log ? log : "");
        free(log);
        s_emu_stop();
    }
    free(state);
    free(out);
    free(endpoint_file);
    return ok ? 0 : 1;
}

/* POSTs body to the admin API; *out its JSON answer (caller frees). */
static int s_admin(const char *path, const char *body, struct json **out)
{
    struct http_client *h = http_client_new(NULL);
    struct http_response r;
    http_response_init(&r);
    char *url = xasprintf("%s/_emulator%s", s_emu_url, path);
    struct headers hd;
    headers_init(&hd);
    headers_add(&hd, "Content-Type", "application/json");
    struct http_request req = {"POST", url, &hd, body, strlen(body)};
    struct drh_err err;
    int ok = http_send(h, &req, &r, NULL, &err) == DRH_OK && r.status == 200 &&
             json_parse(buf_str(&r.body), r.body.len, out, &err) == DRH_OK;
    if (!ok)
        TEST_FAILF("admin %s: HTTP %ld %s", path, r.status, buf_str(&r.body));
    headers_clean_up(&hd);
    free(url);
    http_response_clean_up(&r);
    http_client_free(h);
    return ok;
}

/* A client of a fixture profile, on the real clock (the emulator checks
 * request times) and with the profile's keys from the emulator's files. */
struct emu {
    struct testenv *t;
    struct aws_env env;
    struct aws_creds_provider *cp;
    struct aws_client *c;
};

static int s_emu_client(struct emu *e, const char *profile, const char *region)
{
    memset(e, 0, sizeof *e);
    e->t = testenv_new();
    char *cfg = xasprintf("%s/state/aws/config", s_emu_dir);
    char *creds = xasprintf("%s/state/aws/credentials", s_emu_dir);
    testenv_set(e->t, "AWS_CONFIG_FILE", cfg);
    testenv_set(e->t, "AWS_SHARED_CREDENTIALS_FILE", creds);
    testenv_set(e->t, "AWS_ENDPOINT_URL", s_emu_url);
    free(cfg);
    free(creds);
    e->env = e->t->env;
    e->env.now = NULL;
    struct aws_creds_options co = {0};
    co.env = &e->env;
    co.profile = profile;
    co.explicit_profile = 1;
    co.region = region;
    struct drh_err err;
    if (aws_creds_chain_new(&co, &e->cp, &err) != DRH_OK) {
        TEST_FAILF("credentials of %s: %s", profile, err.msg);
        return 0;
    }
    struct aws_client_options o = {0};
    o.region = region;
    o.env = &e->env;
    o.creds = e->cp;
    if (aws_client_new(&o, &e->c, &err) != DRH_OK) {
        TEST_FAILF("client: %s", err.msg);
        return 0;
    }
    return 1;
}

static void s_emu_clean_up(struct emu *e)
{
    aws_client_free(e->c);
    aws_creds_provider_free(e->cp);
    testenv_free(e->t);
}

/* Polls a restore or copy job until it ends; its final state. */
static int s_wait_job(struct aws_client *c, int restore, const char *id, struct backup_job *j)
{
    struct drh_err err;
    for (int i = 0; i < 600; i++) {
        enum drh_status st = restore ? backup_describe_restore_job(c, id, j, &err)
                                     : backup_describe_copy_job(c, id, j, &err);
        if (st != DRH_OK) {
            TEST_FAILF("job %s: %s", id, err.msg);
            return 0;
        }
        if (strcmp(j->state, "COMPLETED") == 0 || strcmp(j->state, "FAILED") == 0 ||
            strcmp(j->state, "ABORTED") == 0 || strcmp(j->state, "PARTIAL") == 0)
            return 1;
        s_sleep_ms(200);
    }
    TEST_FAILF("job %s did not end", id);
    return 0;
}

/* Polls a DB until its status is "available". */
static int s_wait_db(struct aws_client *c, bool cluster, const char *id, struct rds_db *d)
{
    struct drh_err err;
    for (int i = 0; i < 600; i++) {
        if (rds_describe_db(c, cluster, id, d, &err) != DRH_OK) {
            TEST_FAILF("%s: %s", id, err.msg);
            return 0;
        }
        if (d->status && strcmp(d->status, "available") == 0)
            return 1;
        s_sleep_ms(200);
    }
    TEST_FAILF("%s never became available (last %s)", id, d->status ? d->status : "?");
    return 0;
}

static int s_wait_snapshot(struct aws_client *c, bool cluster, const char *id)
{
    struct drh_err err;
    struct rds_snapshot s = {0};
    int ok = 0;
    for (int i = 0; i < 600 && !ok; i++) {
        if (rds_describe_snapshot(c, cluster, id, &s, &err) != DRH_OK) {
            TEST_FAILF("%s: %s", id, err.msg);
            break;
        }
        ok = s.status && strcmp(s.status, "available") == 0;
        if (!ok)
            s_sleep_ms(200);
    }
    rds_snapshot_clean_up(&s);
    return ok;
}

/* An RDS instance through AWS Backup: list, describe, tag, restore with
 * edited metadata, then the restored instance through RDS. */
static void test_emu_instance_backup_and_restore(void)
{
    struct json *seeded = NULL, *backup = NULL;
    struct emu e;
    if (!s_emu_client(&e, "production", "us-east-1"))
        return;
    struct drh_err err;
    CU_ASSERT_FATAL(s_admin("/seed/rds",
                            "{\"profile\":\"production\",\"engine\":\"postgres\",\"identifier\":"
                            "\"drh-src\",\"master_username\":\"pgadmin\",\"master_password\":"
                            "\"Pg-Secret-1\",\"database\":\"emr\",\"sql\":\"CREATE TABLE t(id "
                            "int); INSERT INTO t VALUES (1),(2);\"}",
                            &seeded));
    const char *db_arn = json_get_string(seeded, "arn");
    CU_ASSERT_STRING_EQUAL(db_arn, "arn:aws:rds:us-east-1:" EMU_PROD ":db:drh-src");

    struct rds_db d = {0};
    CU_ASSERT_EQUAL_FATAL(rds_describe_db(e.c, false, "drh-src", &d, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(d.arn, db_arn);
    CU_ASSERT_STRING_EQUAL(d.engine, "postgres");
    CU_ASSERT_STRING_EQUAL(d.master_user, "pgadmin");
    CU_ASSERT_STRING_EQUAL(d.db_name, "emr");
    long long port = 0;
    CU_ASSERT(json_integer(json_get(seeded, "port"), &port) && port == d.port);
    CU_ASSERT_EQUAL(rds_describe_db(e.c, false, "drh-nope", &d, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(rds_describe_db(e.c, true, "drh-nope", &d, &err), DRH_E_NOTFOUND);

    char *req = xasprintf("{\"profile\":\"production\",\"resource_arn\":\"%s\"}", db_arn);
    CU_ASSERT_FATAL(s_admin("/backup/now", req, &backup));
    free(req);
    const char *rp_arn = json_get_string(backup, "recovery_point_arn");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rp_arn);

    /* The ARN travels as one encoded path segment: botocore must agree on
     * the signature of that path. */
    struct backup_recovery_point *v = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(
        backup_list_recovery_points_by_vault(e.c, "Default", db_arn, &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(v[0].arn, rp_arn);
    CU_ASSERT_STRING_EQUAL(v[0].resource_type, "RDS");
    CU_ASSERT_STRING_EQUAL(v[0].status, "COMPLETED");
    CU_ASSERT(v[0].created > 1.7e9);
    backup_recovery_points_free(v, n);
    struct backup_recovery_point rp = {0};
    EMU_OK(backup_describe_recovery_point(e.c, "Default", rp_arn, &rp, &err));
    CU_ASSERT_STRING_EQUAL(rp.resource_arn, db_arn);
    char *bogus = xasprintf("%s-gone", rp_arn);
    CU_ASSERT_EQUAL(backup_describe_recovery_point(e.c, "Default", bogus, &rp, &err),
                    DRH_E_NOTFOUND);
    free(bogus);

    struct aws_tag tags[] = {{"drh:drill", "emulator"}, {"drh:run", "1"}};
    EMU_OK(backup_tag_resource(e.c, rp_arn, tags, 2, &err));
    struct json *got = NULL;
    EMU_OK(backup_list_tags(e.c, rp_arn, &got, &err));
    CU_ASSERT_STRING_EQUAL(json_get_string(got, "drh:drill"), "emulator");
    json_free(got);

    struct json *meta = NULL;
    CU_ASSERT_EQUAL_FATAL(backup_get_restore_metadata(e.c, "Default", rp_arn, &meta, &err), DRH_OK);
    struct json *edited = json_new_object();
    for (const struct json *m = json_first(meta); m; m = json_next(m))
        if (strcmp(json_key(m), "DBInstanceIdentifier") != 0)
            json_add_string(edited, json_key(m), json_string(m));
    json_add_string(edited, "DBInstanceIdentifier", "drh-drill-db");
    char *job_id = NULL;
    CU_ASSERT_EQUAL_FATAL(backup_start_restore_job(e.c, rp_arn, EMU_ROLE, edited, "RDS",
                                                   "drh-emu-restore", &job_id, &err),
                          DRH_OK);
    struct backup_job j = {0};
    if (s_wait_job(e.c, 1, job_id, &j)) {
        CU_ASSERT_STRING_EQUAL(j.state, "COMPLETED");
        CU_ASSERT_STRING_EQUAL(j.result_arn, "arn:aws:rds:us-east-1:" EMU_PROD ":db:drh-drill-db");
        CU_ASSERT(j.completed >= j.created && j.created > 1.7e9);
    }
    if (s_wait_db(e.c, false, "drh-drill-db", &d)) {
        EMU_OK(rds_set_master_password(e.c, false, "drh-drill-db", "New-Secret-2", &err));
        EMU_OK(rds_add_tags(e.c, d.arn, tags, 2, &err));
        char *value = NULL;
        EMU_OK(rds_get_tag(e.c, d.arn, "drh:run", &value, &err));
        CU_ASSERT_STRING_EQUAL(value ? value : "(none)", "1");
        free(value);
        EMU_OK(rds_delete_db(e.c, false, "drh-drill-db", &err));
    }

    /* The recovery point is an RDS snapshot too: copy it, then delete both. */
    struct rds_snapshot *snaps = NULL;
    EMU_OK(rds_describe_snapshots(e.c, false, "drh-src", NULL, &snaps, &n, &err));
    int seen = 0;
    for (size_t i = 0; i < n; i++)
        seen |= snaps[i].arn && strcmp(snaps[i].arn, rp_arn) == 0;
    CU_ASSERT(seen);
    rds_snapshots_free(snaps, n);
    EMU_OK(rds_copy_snapshot(e.c, false, rp_arn, "drh-copy", NULL, NULL, tags, 2, &err));
    if (s_wait_snapshot(e.c, false, "drh-copy")) {
        EMU_OK(rds_delete_snapshot(e.c, false, "drh-copy", &err));
        struct rds_snapshot s = {0};
        CU_ASSERT_EQUAL(rds_describe_snapshot(e.c, false, "drh-copy", &s, &err), DRH_E_NOTFOUND);
    }
    CU_ASSERT_EQUAL(rds_delete_snapshot(e.c, false, "drh-copy", &err), DRH_E_NOTFOUND);
    EMU_OK(backup_delete_recovery_point(e.c, "Default", rp_arn, &err));

    backup_job_clean_up(&j);
    free(job_id);
    json_free(edited);
    json_free(meta);
    backup_recovery_point_clean_up(&rp);
    rds_db_clean_up(&d);
    json_free(backup);
    json_free(seeded);
    s_emu_clean_up(&e);
}

/* An Aurora cluster: its recovery point copied to another Region with AWS
 * Backup and as an RDS snapshot, restored with RDS, given an instance. */
static void test_emu_aurora_cross_region(void)
{
    struct json *seeded = NULL, *backup = NULL, *vault = NULL;
    struct emu east, west;
    if (!s_emu_client(&east, "production", "us-east-1"))
        return;
    if (!s_emu_client(&west, "production", "us-west-2")) {
        s_emu_clean_up(&east);
        return;
    }
    struct drh_err err;
    CU_ASSERT_FATAL(s_admin("/seed/rds",
                            "{\"profile\":\"production\",\"engine\":\"aurora-postgresql\","
                            "\"identifier\":\"drh-aurora\",\"master_username\":\"pgadmin\","
                            "\"master_password\":\"Pg-Secret-1\",\"database\":\"emr\"}",
                            &seeded));
    const char *cluster_arn = json_get_string(seeded, "arn");
    struct rds_db d = {0};
    CU_ASSERT_EQUAL_FATAL(rds_describe_db(east.c, true, "drh-aurora", &d, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(d.engine, "aurora-postgresql");
    CU_ASSERT_PTR_NOT_NULL(d.kms_key);

    char *req = xasprintf("{\"profile\":\"production\",\"resource_arn\":\"%s\"}", cluster_arn);
    CU_ASSERT_FATAL(s_admin("/backup/now", req, &backup));
    free(req);
    const char *rp_arn = json_get_string(backup, "recovery_point_arn");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rp_arn);

    /* AWS Backup copy into a vault of us-west-2. */
    struct json *none = json_new_object();
    EMU_OK(aws_json_call(west.c, "backup", "CreateBackupVault", "PUT", "/backup-vaults/drh-west",
                         NULL, none, &vault, NULL, &err));
    json_free(none);
    char *dest = backup_vault_arn("us-west-2", EMU_PROD, "drh-west");
    char *copy_id = NULL;
    CU_ASSERT_EQUAL_FATAL(backup_start_copy_job(east.c, "Default", rp_arn, dest, EMU_ROLE,
                                                "drh-emu-copy", &copy_id, &err),
                          DRH_OK);
    struct backup_job j = {0};
    if (s_wait_job(east.c, 0, copy_id, &j)) {
        CU_ASSERT_STRING_EQUAL(j.state, "COMPLETED");
        CU_ASSERT_PTR_NOT_NULL(j.result_arn ? strstr(j.result_arn, ":us-west-2:") : NULL);
    }
    if (j.result_arn) {
        struct backup_recovery_point *v = NULL;
        size_t n = 0;
        EMU_OK(backup_list_recovery_points_by_vault(west.c, "drh-west", NULL, &v, &n, &err));
        CU_ASSERT_EQUAL(n, 1);
        if (n == 1) {
            CU_ASSERT_STRING_EQUAL(v[0].arn, j.result_arn);
            CU_ASSERT_STRING_EQUAL(v[0].resource_type, "Aurora");
        }
        backup_recovery_points_free(v, n);
    }

    /* RDS cross-Region snapshot copy, called in the target Region. */
    struct rds_snapshot *snaps = NULL;
    size_t n = 0;
    EMU_OK(rds_describe_snapshots(east.c, true, "drh-aurora", NULL, &snaps, &n, &err));
    CU_ASSERT(n >= 1);
    rds_snapshots_free(snaps, n);
    EMU_OK(rds_copy_snapshot(west.c, true, rp_arn, "drh-west-copy", "alias/drh-dr-key", "us-east-1",
                             NULL, 0, &err));
    if (s_wait_snapshot(west.c, true, "drh-west-copy")) {
        struct rds_restore r = {0};
        r.snapshot = "drh-west-copy";
        r.target_id = "drh-aurora-drill";
        r.engine = "aurora-postgresql";
        EMU_OK(rds_restore_from_snapshot(west.c, true, &r, &err));
        if (s_wait_db(west.c, true, "drh-aurora-drill", &d)) {
            EMU_OK(rds_create_cluster_instance(west.c, "drh-aurora-drill", "drh-aurora-drill-1",
                                               "aurora-postgresql", "db.r6g.large", NULL, 0, &err));
            struct rds_db inst = {0};
            if (s_wait_db(west.c, false, "drh-aurora-drill-1", &inst))
                CU_ASSERT_STRING_EQUAL(inst.cluster_id, "drh-aurora-drill");
            rds_db_clean_up(&inst);
            EMU_OK(rds_delete_db(west.c, false, "drh-aurora-drill-1", &err));
            EMU_OK(rds_delete_db(west.c, true, "drh-aurora-drill", &err));
        }
        EMU_OK(rds_delete_snapshot(west.c, true, "drh-west-copy", &err));
    }
    backup_job_clean_up(&j);
    free(copy_id);
    free(dest);
    rds_db_clean_up(&d);
    json_free(vault);
    json_free(backup);
    json_free(seeded);
    s_emu_clean_up(&west);
    s_emu_clean_up(&east);
}

static const struct test_case emu_cases[] = {
    {"an RDS instance: Backup list/describe/tag/restore, RDS password/tags/snapshots",
     test_emu_instance_backup_and_restore},
    {"an Aurora cluster: cross-Region Backup and RDS copies, restore, instance",
     test_emu_aurora_cross_region},
};

__attribute__((constructor)) static void s_register_emulator_suite(void)
{
    testreg_add("aws-emulator", emu_cases, sizeof emu_cases / sizeof emu_cases[0], s_emu_skip,
                s_emu_start, s_emu_stop);
}
