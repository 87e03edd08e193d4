/* Tests of the AWS Backup plan module (aws/backup_plan.c) against the local
 * emulator (botocore checks every signature and every response against the
 * model): vault description and access policy, plans with rules, lifecycles
 * and copy actions, selections, and recovery points by resource with real
 * (and backdated) backups of a seeded EFS file system. */
#include "support/dbfixture.h"
#include "support/emuclient.h"
#include "support/testreg.h"

#include "aws/backup_plan.h"
#include "aws/call.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BP_OK(call)                                                                                \
    do {                                                                                           \
        enum drh_status bp_st_ = (call);                                                           \
        if (bp_st_ != DRH_OK)                                                                      \
            TEST_FAILF("%s: %s: %s", #call, drh_status_name(bp_st_), err.msg);                     \
    } while (0)

#define ROLE "arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole"

static int s_client(struct emu_client *e, const char *profile, const char *region)
{
    int ok = emu_client_open(e, profile, region) == 0;
    if (!ok)
        TEST_FAILF("no client of %s (see stderr)", profile);
    return ok;
}

/* CreateBackupVault name with the key (NULL: the AWS managed default). */
static void s_vault(struct aws_client *c, const char *name, const char *key)
{
    struct json *body = json_new_object();
    if (key)
        json_add_string(body, "EncryptionKeyArn", key);
    char *path = xasprintf("/backup-vaults/%s", name);
    struct drh_err err;
    struct json *out = NULL;
    BP_OK(
        aws_json_call(c, "backup", "CreateBackupVault", "PUT", path, NULL, body, &out, NULL, &err));
    json_free(out);
    free(path);
    json_free(body);
}

/* A seeded EFS file system of production: its ARN (caller frees). */
static char *s_efs(void)
{
    struct json *r = NULL;
    if (emu_admin("POST", "/seed/efs", "{\"profile\":\"production\",\"files\":{\"a.txt\":\"a\"}}",
                  &r) != 0) {
        TEST_FAILF("seed/efs failed");
        return NULL;
    }
    char *arn = xstrdup(json_get_string(r, "arn"));
    json_free(r);
    return arn;
}

static void test_vault(void)
{
    struct emu_client prod;
    if (!s_client(&prod, "production", "us-east-1"))
        return;
    struct drh_err err;
    s_vault(prod.c, "bp-test-vault", "alias/drh-dr-key");
    struct backup_vault v = {0};
    BP_OK(backup_describe_vault(prod.c, "bp-test-vault", &v, &err));
    CU_ASSERT_STRING_EQUAL(v.name, "bp-test-vault");
    CU_ASSERT_STRING_EQUAL(v.arn,
                           "arn:aws:backup:us-east-1:111111111111:backup-vault:bp-test-vault");
    CU_ASSERT_PTR_NOT_NULL(v.key_arn ? strstr(v.key_arn, "arn:aws:kms:us-east-1:111111111111:key/")
                                     : NULL);
    CU_ASSERT_EQUAL(v.n_recovery_points, 0);
    CU_ASSERT_TRUE(v.created > 1.6e9);
    CU_ASSERT_EQUAL(backup_describe_vault(prod.c, "bp-no-such-vault", &v, &err), DRH_E_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(v.name, "bp-test-vault"); /* untouched */
    /* no policy yet, then the one put */
    char *text = NULL;
    CU_ASSERT_EQUAL(backup_get_vault_policy(prod.c, "bp-test-vault", &text, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NULL(text);
    const char *policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                         "\"Principal\":{\"AWS\":\"arn:aws:iam::222222222222:root\"},"
                         "\"Action\":\"backup:CopyIntoBackupVault\",\"Resource\":\"*\"}]}";
    BP_OK(backup_put_vault_policy(prod.c, "bp-test-vault", policy, &err));
    BP_OK(backup_get_vault_policy(prod.c, "bp-test-vault", &text, &err));
    CU_ASSERT_STRING_EQUAL(text, policy);
    free(text);
    CU_ASSERT_EQUAL(backup_get_vault_policy(prod.c, "bp-no-such-vault", &text, &err),
                    DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(backup_put_vault_policy(prod.c, "bp-test-vault", "not json", &err), DRH_E_AWS);
    CU_ASSERT_EQUAL(backup_describe_vault(prod.c, NULL, &v, &err), DRH_E_INPUT);
    backup_vault_clean_up(&v);
    emu_client_close(&prod);
}

/* The plan of seed 004: daily / weekly / monthly, each copied to dr's vault in us-west-2. */
static struct json *s_plan_input(const char *name, const char *vault)
{
    static const struct {
        const char *name, *cron;
        long days;
    } rules[] = {{"DailyBackups", "cron(0 5 ? * * *)", 7},
                 {"WeeklyBackups", "cron(0 5 ? * 1 *)", 28},
                 {"MonthlyBackups", "cron(0 5 1 * ? *)", 2555}};
    struct json *plan = json_new_object();
    json_add_string(plan, "BackupPlanName", name);
    struct json *list = json_add_child(plan, "Rules", json_new_array());
    for (size_t i = 0; i < 3; i++) {
        struct json *r = json_push(list, json_new_object());
        json_add_string(r, "RuleName", rules[i].name);
        json_add_string(r, "TargetBackupVaultName", vault);
        json_add_string(r, "ScheduleExpression", rules[i].cron);
        json_add_number(json_add_child(r, "Lifecycle", json_new_object()), "DeleteAfterDays",
                        (double)rules[i].days);
        if (i == 1)
            continue; /* weekly: no copy action */
        struct json *ca =
            json_push(json_add_child(r, "CopyActions", json_new_array()), json_new_object());
        json_add_string(ca, "DestinationBackupVaultArn",
                        "arn:aws:backup:us-west-2:222222222222:backup-vault:dr-vault");
        json_add_number(json_add_child(ca, "Lifecycle", json_new_object()), "DeleteAfterDays", 30);
    }
    return plan;
}

static void test_plans_and_selections(void)
{
    struct emu_client prod;
    if (!s_client(&prod, "production", "us-east-1"))
        return;
    struct drh_err err;
    s_vault(prod.c, "bp-plan-vault", "alias/drh-dr-key");
    struct json *input = s_plan_input("bp-test-plan", "bp-plan-vault");
    char *id = NULL;
    BP_OK(backup_create_plan(prod.c, input, &id, &err));
    json_free(input);
    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    struct backup_plan p = {0};
    BP_OK(backup_get_plan(prod.c, id, &p, &err));
    CU_ASSERT_STRING_EQUAL(p.id, id);
    CU_ASSERT_STRING_EQUAL(p.name, "bp-test-plan");
    CU_ASSERT_PTR_NOT_NULL(p.arn ? strstr(p.arn, ":backup-plan:") : NULL);
    CU_ASSERT_PTR_NOT_NULL(p.version);
    CU_ASSERT_EQUAL_FATAL(p.n_rules, 3);
    CU_ASSERT_STRING_EQUAL(p.rules[0].name, "DailyBackups");
    CU_ASSERT_STRING_EQUAL(p.rules[0].vault, "bp-plan-vault");
    CU_ASSERT_STRING_EQUAL(p.rules[0].schedule, "cron(0 5 ? * * *)");
    CU_ASSERT_EQUAL(p.rules[0].delete_after_days, 7);
    CU_ASSERT_PTR_NOT_NULL(p.rules[0].id);
    CU_ASSERT_EQUAL_FATAL(p.rules[0].n_copies, 1);
    CU_ASSERT_STRING_EQUAL(p.rules[0].copies[0].dest_vault_arn,
                           "arn:aws:backup:us-west-2:222222222222:backup-vault:dr-vault");
    CU_ASSERT_EQUAL(p.rules[0].copies[0].delete_after_days, 30);
    CU_ASSERT_EQUAL(p.rules[1].n_copies, 0);
    CU_ASSERT_EQUAL(p.rules[1].delete_after_days, 28);
    CU_ASSERT_EQUAL(p.rules[2].delete_after_days, 2555);
    /* listed */
    struct backup_plan *all = NULL;
    size_t n = 0;
    BP_OK(backup_list_plans(prod.c, &all, &n, &err));
    bool listed = false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].id, id) == 0) {
            listed = true;
            CU_ASSERT_STRING_EQUAL(all[i].name, "bp-test-plan");
            CU_ASSERT_EQUAL(all[i].n_rules, 0);
        }
    CU_ASSERT_TRUE(listed);
    backup_plans_free(all, n);
    /* a selection naming two resources */
    const char *res[] = {"arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/fs-0a",
                         "arn:aws:rds:us-east-1:111111111111:cluster:*"};
    char *sid = NULL;
    BP_OK(backup_create_selection(prod.c, id, "bp-sel", ROLE, res, 2, &sid, &err));
    struct backup_selection *sels = NULL;
    size_t ns = 0;
    BP_OK(backup_list_selections(prod.c, id, &sels, &ns, &err));
    CU_ASSERT_EQUAL_FATAL(ns, 1);
    CU_ASSERT_STRING_EQUAL(sels[0].id, sid);
    CU_ASSERT_STRING_EQUAL(sels[0].name, "bp-sel");
    CU_ASSERT_STRING_EQUAL(sels[0].iam_role, ROLE);
    CU_ASSERT_EQUAL(sels[0].n_resources, 0); /* the list gives no resources */
    backup_selections_free(sels, ns);
    struct backup_selection sel = {0};
    BP_OK(backup_get_selection(prod.c, id, sid, &sel, &err));
    CU_ASSERT_EQUAL_FATAL(sel.n_resources, 2);
    CU_ASSERT_STRING_EQUAL(sel.resources[1], res[1]);
    CU_ASSERT_EQUAL(sel.n_not_resources, 0);
    CU_ASSERT_FALSE(sel.by_tags);
    CU_ASSERT_EQUAL(backup_get_selection(prod.c, id, "no-such-selection", &sel, &err),
                    DRH_E_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(sel.name, "bp-sel");
    /* a plan with a selection cannot be deleted; without, it can, and is gone */
    CU_ASSERT_EQUAL(backup_delete_plan(prod.c, id, &err), DRH_E_AWS);
    BP_OK(backup_delete_selection(prod.c, id, sid, &err));
    BP_OK(backup_delete_plan(prod.c, id, &err));
    CU_ASSERT_EQUAL(backup_get_plan(prod.c, id, &p, &err), DRH_E_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(p.name, "bp-test-plan"); /* untouched */
    CU_ASSERT_EQUAL(backup_list_selections(prod.c, id, &sels, &ns, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(backup_get_plan(prod.c, "", &p, &err), DRH_E_INPUT);
    backup_selection_clean_up(&sel);
    backup_plan_clean_up(&p);
    free(sid);
    free(id);
    emu_client_close(&prod);
}

static void test_recovery_points_by_resource(void)
{
    struct emu_client prod;
    if (!s_client(&prod, "production", "us-east-1"))
        return;
    struct drh_err err;
    s_vault(prod.c, "bp-rp-vault", "alias/drh-dr-key");
    char *arn = s_efs();
    CU_ASSERT_PTR_NOT_NULL_FATAL(arn);
    struct backup_recovery_point *v = NULL;
    size_t n = 9;
    BP_OK(backup_list_recovery_points_by_resource(prod.c, arn, &v, &n, &err));
    CU_ASSERT_EQUAL(n, 0);
    backup_recovery_points_free(v, n);
    /* two backups: now, and one 30 hours ago */
    char *body = xasprintf("{\"profile\":\"production\",\"resource_arn\":\"%s\",\"vault\":"
                           "\"bp-rp-vault\"}",
                           arn);
    struct json *now_rp = NULL, *old_rp = NULL;
    CU_ASSERT_EQUAL(emu_admin("POST", "/backup/now", body, &now_rp), 0);
    free(body);
    body = xasprintf("{\"profile\":\"production\",\"resource_arn\":\"%s\",\"vault\":"
                     "\"bp-rp-vault\",\"seconds_ago\":108000}",
                     arn);
    CU_ASSERT_EQUAL(emu_admin("POST", "/backup/now", body, &old_rp), 0);
    free(body);
    BP_OK(backup_list_recovery_points_by_resource(prod.c, arn, &v, &n, &err));
    CU_ASSERT_EQUAL_FATAL(n, 2);
    double now = (double)time(NULL);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_STRING_EQUAL(v[i].vault_name, "bp-rp-vault");
        CU_ASSERT_STRING_EQUAL(v[i].status, "COMPLETED");
        CU_ASSERT_STRING_EQUAL(v[i].resource_arn, arn);
        CU_ASSERT_PTR_NOT_NULL(v[i].encryption_key_arn);
        const char *want = json_get_string(old_rp, "recovery_point_arn");
        if (strcmp(v[i].arn, want) == 0) {
            CU_ASSERT_TRUE(now - v[i].created > 107000 && now - v[i].created < 109000);
        } else {
            CU_ASSERT_STRING_EQUAL(v[i].arn, json_get_string(now_rp, "recovery_point_arn"));
            CU_ASSERT_TRUE(now - v[i].created < 600);
        }
    }
    backup_recovery_points_free(v, n);
    /* another account sees none of them */
    struct emu_client dr;
    if (s_client(&dr, "dr", "us-east-1")) {
        BP_OK(backup_list_recovery_points_by_resource(dr.c, arn, &v, &n, &err));
        CU_ASSERT_EQUAL(n, 0);
        backup_recovery_points_free(v, n);
        emu_client_close(&dr);
    }
    json_free(now_rp);
    json_free(old_rp);
    free(arn);
    emu_client_close(&prod);
}

static const struct test_case cases[] = {
    {"vault and access policy", test_vault},
    {"plans and selections", test_plans_and_selections},
    {"recovery points by resource", test_recovery_points_by_resource},
};

TEST_SUITE_FULL("aws-backup-plan", cases, dbfixture_unavailable, dbfixture_start, NULL)
